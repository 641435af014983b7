//! `HTTPS_PROXY` honoured: name resolution is the proxy's job, and a proxy
//! that cannot reach a host makes it unreachable, not dead. (Its own test
//! binary, because it sets the process environment.)

mod common;

use std::collections::HashMap;
use std::time::Duration;

use citecheck::check::{check_all, CheckConfig, Checker, Verdict};
use common::{Proxy, Reply, Server};

#[test]
fn https_proxy_is_used_and_its_failures_are_unreachable() {
    let (ca, tls) = common::test_tls(&["secure.test"]);
    let server = Server::start_tls(|_| Reply::html(200, "<title>Secure</title>"), tls);
    let mut map = HashMap::new();
    map.insert(
        "secure.test".to_string(),
        format!("127.0.0.1:{}", server.port).parse().unwrap(),
    );
    let proxy = Proxy::start(map);
    std::env::set_var("HTTPS_PROXY", format!("http://127.0.0.1:{}", proxy.port));
    std::env::remove_var("NO_PROXY");
    let ok = format!("https://secure.test:{}/doc", server.port);
    let lost = "https://unknown-to-proxy.example.org/doc".to_string();
    let cfg = CheckConfig {
        timeout: Duration::from_millis(500),
        backoff: Duration::from_millis(10),
        max_retries: 1,
        probe: false,
        cacerts: vec![ca.into_bytes()],
        dns_canaries: vec!["canary.invalid".into()],
        ..CheckConfig::default()
    };
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (results, summary) = rt.block_on(async {
        let checker = Checker::new(cfg).unwrap();
        check_all(&checker, vec![ok.clone(), lost.clone()]).await
    });
    assert!(!summary.network_unavailable);
    assert_eq!(results[&ok].verdict, Verdict::Alive, "{:?}", results[&ok]);
    assert_eq!(
        results[&lost].verdict,
        Verdict::Unreachable,
        "{:?}",
        results[&lost]
    );
    assert_eq!(proxy.tunnels("secure.test"), 1);
    assert_eq!(proxy.tunnels("unknown-to-proxy.example.org"), 2);
}
