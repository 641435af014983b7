//! The checker through the library API, against servers started here.
//! Every host name is mapped to 127.0.0.1 with a `--resolve`-style override.

use crate::common;

use std::collections::HashMap;
use std::time::Duration;

use citecheck::check::{check_all, CheckConfig, CheckResult, Checker, Resolve, Verdict};
use common::{closed_port, Reply, Req, Server};

const HOSTS: &[&str] = &[
    "alpha.test",
    "beta.test",
    "gamma.test",
    "delta.test",
    "epsilon.test",
    "zeta.test",
    "eta.test",
    "theta.test",
    "busy.test",
    "quick.test",
    "canary.test",
];

fn config(port: u16) -> CheckConfig {
    CheckConfig {
        timeout: Duration::from_millis(400),
        deadline: Duration::from_secs(10),
        max_retries: 2,
        backoff: Duration::from_millis(20),
        max_retry_wait: Duration::from_secs(3),
        resolve: HOSTS
            .iter()
            .map(|h| Resolve {
                host: h.to_string(),
                port,
                addr: "127.0.0.1".parse().unwrap(),
            })
            .collect(),
        dns_canaries: vec!["canary.test".into()],
        headers: vec![("Authorization".into(), "Bearer secret".into())],
        ..CheckConfig::default()
    }
}

fn page(title: &str) -> Reply {
    Reply::html(
        200,
        &format!("<html><head><title>{title}</title></head><body>{title}</body></html>"),
    )
}

fn world(r: &Req) -> Reply {
    let head = r.method == "HEAD";
    match (r.host.as_str(), r.path.as_str()) {
        ("alpha.test", "/ok") => page("An article"),
        ("alpha.test", "/gone") => Reply::status(404),
        ("alpha.test", "/gone410") => Reply::status(410),
        ("alpha.test", "/report.pdf") if head => Reply::status(405),
        ("alpha.test", "/locked.pdf") if head => Reply::status(403),
        ("alpha.test", "/report.pdf" | "/locked.pdf" | "/paper.pdf") => Reply::Respond {
            status: 200,
            headers: vec![("content-type".into(), "application/pdf".into())],
            body: "%PDF-1.4".into(),
            delay: Duration::ZERO,
        },
        ("alpha.test", "/old") => {
            Reply::redirect(301, &format!("http://beta.test:{}/new", port_of(r)))
        }
        ("alpha.test", "/doi") => {
            Reply::redirect(302, &format!("http://beta.test:{}/article", port_of(r)))
        }
        ("beta.test", "/new" | "/article") => page("The article, moved"),
        ("alpha.test", "/slash") => Reply::redirect(301, "/slash/"),
        ("alpha.test", "/slash/") => page("Slash"),
        ("alpha.test", "/loop1") => Reply::redirect(302, "/loop2"),
        ("alpha.test", "/loop2") => Reply::redirect(302, "/loop1"),
        ("alpha.test", "/softtitle") => page("Page not found | Alpha"),
        ("alpha.test", "/why-404") => page("How to fix a 404 page not found error"),
        ("alpha.test", "/forbidden") => Reply::status(403),
        ("alpha.test", "/private") => Reply::status(401),
        ("alpha.test", "/linkedin") => Reply::status(999),
        ("alpha.test", "/wall") => page("Just a moment...").header("cf-mitigated", "challenge"),
        ("gamma.test", "/deep/page") => Reply::redirect(302, "/"),
        ("gamma.test", "/") => page("Gamma home"),
        ("delta.test", "/deep") => Reply::redirect(302, "/en/welcome"),
        ("delta.test", "/") => Reply::redirect(301, "/en/welcome"),
        ("delta.test", "/en/welcome") => page("Welcome to Delta"),
        ("epsilon.test", _) => page("Epsilon"),
        ("zeta.test", "/limited") if r.nth == 1 => Reply::status(429).header("retry-after", "1"),
        ("zeta.test", "/limited") => page("Finally"),
        ("eta.test", "/hang") => Reply::Hang,
        ("eta.test", "/reset") => Reply::Reset,
        ("eta.test", "/down") => Reply::status(503),
        ("theta.test", "/") => Reply::html(200, "<h1>This domain is for sale!</h1>"),
        ("busy.test" | "quick.test", p) if p.contains("citecheck-") => Reply::status(404),
        ("busy.test", _) => page("Busy").delay(Duration::from_millis(60)),
        ("quick.test", _) => page("Quick"),
        _ => Reply::status(404),
    }
}

fn port_of(r: &Req) -> String {
    r.headers
        .get("host")
        .and_then(|h| h.rsplit_once(':'))
        .map_or(String::new(), |(_, p)| p.to_string())
}

fn run(config: CheckConfig, urls: &[String]) -> HashMap<String, CheckResult> {
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let checker = Checker::new(config).unwrap();
        check_all(&checker, urls.to_vec()).await.0
    })
}

fn url(port: u16, host: &str, path: &str) -> String {
    format!("http://{host}:{port}{path}")
}

#[test]
fn verdicts_for_every_rule() {
    let server = Server::start(world);
    let p = server.port;
    let refused = closed_port();
    let cases: Vec<(String, Verdict, &str)> = vec![
        (url(p, "alpha.test", "/ok"), Verdict::Alive, "HTTP 200 OK"),
        (
            url(p, "alpha.test", "/gone"),
            Verdict::Dead,
            "HTTP 404 Not Found",
        ),
        (
            url(p, "alpha.test", "/gone410"),
            Verdict::Dead,
            "HTTP 410 Gone",
        ),
        (
            url(p, "alpha.test", "/report.pdf"),
            Verdict::Alive,
            "HTTP 200 OK",
        ),
        (
            url(p, "alpha.test", "/locked.pdf"),
            Verdict::Alive,
            "HTTP 200 OK",
        ),
        (
            url(p, "alpha.test", "/paper.pdf"),
            Verdict::Alive,
            "HTTP 200 OK",
        ),
        (url(p, "alpha.test", "/old"), Verdict::Moved, ""),
        (url(p, "alpha.test", "/doi"), Verdict::Alive, "HTTP 200 OK"),
        (
            url(p, "alpha.test", "/slash"),
            Verdict::Alive,
            "HTTP 200 OK",
        ),
        (
            url(p, "alpha.test", "/loop1"),
            Verdict::Unreachable,
            "redirect loop",
        ),
        (
            url(p, "alpha.test", "/softtitle"),
            Verdict::Dead,
            "soft 404: the page title reads \"Page not found | Alpha\"",
        ),
        (
            url(p, "alpha.test", "/why-404"),
            Verdict::Alive,
            "HTTP 200 OK",
        ),
        (
            url(p, "alpha.test", "/forbidden"),
            Verdict::Blocked,
            "HTTP 403 Forbidden",
        ),
        (
            url(p, "alpha.test", "/private"),
            Verdict::Blocked,
            "HTTP 401 Unauthorized",
        ),
        (
            url(p, "alpha.test", "/linkedin"),
            Verdict::Blocked,
            "HTTP 999 Request Denied",
        ),
        (
            url(p, "alpha.test", "/wall"),
            Verdict::Blocked,
            "HTTP 200 OK: bot challenge page",
        ),
        (
            url(p, "gamma.test", "/deep/page"),
            Verdict::Dead,
            "soft 404: redirected to the site's home page",
        ),
        (
            url(p, "delta.test", "/deep"),
            Verdict::Dead,
            "soft 404: redirected to the site's home page",
        ),
        (
            url(p, "epsilon.test", "/2019/story"),
            Verdict::Dead,
            "soft 404: a nonsense URL on the same site gets the same page",
        ),
        (
            url(p, "zeta.test", "/limited"),
            Verdict::Alive,
            "HTTP 200 OK",
        ),
        (
            url(p, "eta.test", "/hang"),
            Verdict::Unreachable,
            "timed out after 3 tries",
        ),
        (
            url(p, "eta.test", "/reset"),
            Verdict::Unreachable,
            "connection reset after 3 tries",
        ),
        (
            url(p, "eta.test", "/down"),
            Verdict::Unreachable,
            "HTTP 503 Service Unavailable after 3 tries",
        ),
        (url(p, "theta.test", "/"), Verdict::Dead, "parked domain"),
        (
            format!("http://gone-for-good.invalid:{p}/x"),
            Verdict::Dead,
            "no such host",
        ),
        (
            format!("http://127.0.0.1:{refused}/x"),
            Verdict::Unreachable,
            "connection refused after 3 tries",
        ),
        (
            "ftp://alpha.test/file".to_string(),
            Verdict::Skipped,
            "unsupported scheme ftp:",
        ),
        (
            "http://".to_string(),
            Verdict::Invalid,
            "not a URL: empty host",
        ),
    ];
    let urls: Vec<String> = cases.iter().map(|c| c.0.clone()).collect();
    let results = run(config(p), &urls);
    for (u, verdict, reason) in &cases {
        let r = &results[u];
        assert_eq!(r.verdict, *verdict, "{u}: {r:?}");
        if !reason.is_empty() {
            assert_eq!(r.reason, *reason, "{u}");
        }
    }
    let moved = &results[&url(p, "alpha.test", "/old")];
    assert_eq!(
        moved.final_url.as_deref(),
        Some(url(p, "beta.test", "/new").as_str())
    );
    assert_eq!(moved.http_status, Some(200));
    assert_eq!(moved.redirects.len(), 1);
    assert_eq!(moved.redirects[0].status, 301);
    let doi = &results[&url(p, "alpha.test", "/doi")];
    assert_eq!(
        doi.final_url.as_deref(),
        Some(url(p, "beta.test", "/article").as_str())
    );

    // HEAD first for a PDF, then GET when HEAD is refused; HEAD alone when it is clean.
    let methods = |path: &str| -> Vec<String> {
        server
            .requests("alpha.test", path)
            .into_iter()
            .map(|s| s.req.method)
            .collect()
    };
    assert_eq!(methods("/report.pdf"), ["HEAD", "GET"]);
    assert_eq!(methods("/locked.pdf"), ["HEAD", "GET"]);
    assert_eq!(methods("/paper.pdf"), ["HEAD"]);
    assert_eq!(methods("/ok"), ["GET"]);
    // Credentials stay on the cited host.
    let to_beta = server.requests("beta.test", "/new");
    assert_eq!(to_beta.len(), 1);
    assert!(!to_beta[0].req.headers.contains_key("authorization"));
    assert_eq!(
        server.requests("alpha.test", "/old")[0]
            .req
            .headers
            .get("authorization")
            .map(String::as_str),
        Some("Bearer secret")
    );
    // The 429's Retry-After was honoured.
    let limited = server.requests("zeta.test", "/limited");
    assert_eq!(limited.len(), 2);
    assert!(limited[1].at - limited[0].at >= Duration::from_millis(950));
    // 503 retried twice, then given up.
    assert_eq!(server.requests("eta.test", "/down").len(), 3);
    // The default User-Agent names the tool.
    let ua = &server.requests("alpha.test", "/ok")[0].req.headers["user-agent"];
    assert!(
        ua.starts_with("citecheck/") && ua.contains("(+https://"),
        "{ua}"
    );
}

#[test]
fn per_host_limit_is_never_exceeded_and_other_hosts_flow() {
    let server = Server::start(world);
    let p = server.port;
    let mut urls: Vec<String> = (0..30)
        .map(|i| url(p, "busy.test", &format!("/a/{i}")))
        .collect();
    urls.push(url(p, "quick.test", "/q"));
    let mut cfg = config(p);
    cfg.host.concurrency = 3;
    cfg.concurrency = 8;
    let results = run(cfg, &urls);
    assert_eq!(results.len(), 31);
    for (u, r) in &results {
        assert_eq!(r.verdict, Verdict::Alive, "{u}: {r:?}");
    }
    assert_eq!(server.max_in_flight("busy.test"), 3);
    // 30 URLs + one probe of the /a/ directory.
    assert_eq!(server.count("busy.test"), 31);
    let log = server.log();
    let quick = log.iter().position(|s| s.req.host == "quick.test").unwrap();
    assert!(
        quick < 10,
        "quick.test waited behind busy.test: request #{quick}"
    );
}

#[test]
fn host_interval_spaces_requests() {
    let server = Server::start(world);
    let p = server.port;
    let urls: Vec<String> = (0..4)
        .map(|i| url(p, "quick.test", &format!("/i/{i}")))
        .collect();
    let mut cfg = config(p);
    cfg.probe = false;
    cfg.host_overrides.insert(
        "quick.test".into(),
        citecheck::check::HostSettings {
            concurrency: 4,
            interval: Duration::from_millis(100),
        },
    );
    run(cfg, &urls);
    let log = server.log();
    assert_eq!(log.len(), 4);
    for w in log.windows(2) {
        assert!(
            w[1].at - w[0].at >= Duration::from_millis(90),
            "{:?}",
            w[1].at - w[0].at
        );
    }
}

#[test]
fn tls_with_a_test_ca() {
    let (ca, tls) = common::test_tls(&["secure.test"]);
    let server = Server::start_tls(|_| page("Secure"), tls);
    let u = format!("https://secure.test:{}/doc", server.port);
    let mut cfg = config(server.port);
    cfg.resolve.push(Resolve {
        host: "secure.test".into(),
        port: server.port,
        addr: "127.0.0.1".parse().unwrap(),
    });
    cfg.probe = false;
    let without = run(cfg.clone(), std::slice::from_ref(&u));
    assert_eq!(without[&u].verdict, Verdict::Unreachable);
    assert!(
        without[&u].reason.starts_with("TLS failure"),
        "{}",
        without[&u].reason
    );
    cfg.cacerts.push(ca.into_bytes());
    let with = run(cfg, std::slice::from_ref(&u));
    assert_eq!(with[&u].verdict, Verdict::Alive, "{:?}", with[&u]);
}

#[test]
fn offline_machine_is_network_unavailable() {
    // This machine's resolver fails for every name: nothing can be judged dead.
    let cfg = CheckConfig {
        dns_canaries: vec!["web.archive.org".into()],
        ..CheckConfig::default()
    };
    let urls =
        vec!["http://www.xinhuanet.com/politics/19cpcnc/2017-10/27/c_1121867529.htm".to_string()];
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (results, summary) = rt.block_on(async {
        let checker = Checker::new(cfg).unwrap();
        check_all(&checker, urls.clone()).await
    });
    assert!(summary.network_unavailable);
    assert_eq!(results[&urls[0]].verdict, Verdict::Unreachable);
}
