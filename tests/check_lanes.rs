//! How a host's URLs share its slots: a URL waiting out a retry leaves its
//! slot to the others, a 429 pause ends when the host answers normally, and
//! a host that throttles everything stays paused.

mod common;

use std::collections::HashMap;
use std::time::Duration;

use citecheck::check::{check_all, CheckConfig, CheckResult, Checker, Resolve, Verdict};
use common::{Reply, Req, Server};

fn page(title: &str) -> Reply {
    Reply::html(200, &format!("<title>{title}</title>"))
}

fn world(r: &Req) -> Reply {
    match r.path.as_str() {
        "/down" => Reply::status(503),
        "/once" if r.nth == 1 => Reply::status(429).header("retry-after", "2"),
        "/limited/1" | "/limited/2" if r.nth == 1 => Reply::status(429).header("retry-after", "1"),
        "/slow" => page("Slow").delay(Duration::from_millis(150)),
        _ => page("Fine"),
    }
}

fn config(port: u16, concurrency: usize) -> CheckConfig {
    let mut c = CheckConfig {
        timeout: Duration::from_secs(2),
        deadline: Duration::from_secs(10),
        max_retries: 1,
        backoff: Duration::from_millis(400),
        probe: false,
        resolve: vec![Resolve {
            host: "lane.test".into(),
            port,
            addr: "127.0.0.1".parse().unwrap(),
        }],
        dns_canaries: vec!["lane.test".into()],
        ..CheckConfig::default()
    };
    c.host.concurrency = concurrency;
    c
}

fn run(config: CheckConfig, port: u16, paths: &[&str]) -> HashMap<String, CheckResult> {
    let urls: Vec<String> = paths
        .iter()
        .map(|p| format!("http://lane.test:{port}{p}"))
        .collect();
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let checker = Checker::new(config).unwrap();
        check_all(&checker, urls).await.0
    })
}

/// Offset of the first request for `path` from the first request of all.
fn started(server: &Server, path: &str) -> Duration {
    let log = server.log();
    let first = log[0].at;
    log.iter().find(|s| s.req.path == path).unwrap().at - first
}

#[test]
fn a_retrying_url_leaves_its_slot_to_the_others() {
    let server = Server::start(world);
    let p = server.port;
    // One request at a time: the 503 is retried after ~400 ms; the other URLs
    // must not wait for that.
    let results = run(config(p, 1), p, &["/down", "/a", "/b", "/c"]);
    assert_eq!(results.len(), 4);
    let down = server.requests("lane.test", "/down");
    assert_eq!(down.len(), 2);
    let retry = down[1].at - down[0].at;
    assert!(retry >= Duration::from_millis(150), "{retry:?}");
    for path in ["/a", "/b", "/c"] {
        let at = started(&server, path);
        assert!(at < retry, "{path} started at {at:?}, after the retry");
    }
    assert_eq!(server.max_in_flight("lane.test"), 1);
}

#[test]
fn a_429_pause_ends_when_the_host_answers_normally() {
    let server = Server::start(world);
    let p = server.port;
    // /once gets a 429 asking for 2 s while /slow is in flight; /slow's 200
    // shows the host still serves us, so /x and /y need not wait 2 s.
    let results = run(config(p, 2), p, &["/once", "/slow", "/x", "/y"]);
    for (u, r) in &results {
        assert_eq!(r.verdict, Verdict::Alive, "{u}: {r:?}");
    }
    for path in ["/x", "/y"] {
        let at = started(&server, path);
        assert!(at < Duration::from_millis(1000), "{path} at {at:?}");
    }
    // The throttled URL itself waited out its Retry-After.
    let once = server.requests("lane.test", "/once");
    assert_eq!(once.len(), 2);
    assert!(once[1].at - once[0].at >= Duration::from_millis(1900));
}

#[test]
fn a_host_that_throttles_every_request_stays_paused() {
    let server = Server::start(world);
    let p = server.port;
    // Both requests in flight get a 429: nothing shows the host would serve
    // more, so the next URL waits out the pause.
    let results = run(config(p, 2), p, &["/limited/1", "/limited/2", "/x"]);
    assert_eq!(results.len(), 3);
    let at = started(&server, "/x");
    assert!(at >= Duration::from_millis(900), "/x at {at:?}");
}
