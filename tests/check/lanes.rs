//! How a host's URLs share its slots: a URL waiting out a retry leaves its
//! slot to the others, a 429 pause ends when the host answers normally, a
//! host that throttles everything stays paused, a URL that timed out is tried
//! again after the host's other URLs, and the per-URL deadline counts what
//! the server makes us wait, not our own queue.

use crate::common;

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
        "/hang" => page("Never").delay(Duration::from_secs(30)),
        p if p.starts_with("/busy") => page("Busy").delay(Duration::from_millis(150)),
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

/// A configuration where a hung request is given up after 300 ms and tried
/// once more.
fn hang_config(port: u16, deadline: Duration) -> CheckConfig {
    CheckConfig {
        timeout: Duration::from_millis(300),
        deadline,
        backoff: Duration::from_millis(20),
        ..config(port, 1)
    }
}

#[test]
fn a_hung_url_is_tried_again_after_the_hosts_other_urls() {
    let server = Server::start(world);
    let p = server.port;
    let results = run(
        hang_config(p, Duration::from_secs(10)),
        p,
        &["/hang", "/busy/1", "/busy/2", "/busy/3", "/busy/4"],
    );
    let hang = &results[&format!("http://lane.test:{p}/hang")];
    assert_eq!(hang.verdict, Verdict::Unreachable, "{hang:?}");
    let tries = server.requests("lane.test", "/hang");
    assert_eq!(tries.len(), 2);
    // The retry was ready 300 ms in, while /busy/1 ran; it waited for the
    // first try of every other URL instead of going next.
    let retry = tries[1].at - server.log()[0].at;
    for i in 1..=4 {
        let path = format!("/busy/{i}");
        let at = started(&server, &path);
        assert!(
            at < retry,
            "{path} started at {at:?}, the retry at {retry:?}"
        );
    }
    assert!(retry >= Duration::from_millis(850), "{retry:?}");
}

#[test]
fn the_deadline_does_not_count_time_spent_in_our_own_queue() {
    let server = Server::start(world);
    let p = server.port;
    // /hang's retry waits ~1.2 s for eight 150 ms URLs on the one slot; its
    // own requests and back-off take ~0.6 s: within the 1 s deadline.
    let busy: Vec<String> = (1..=8).map(|i| format!("/busy/{i}")).collect();
    let mut paths = vec!["/hang"];
    paths.extend(busy.iter().map(String::as_str));
    let results = run(hang_config(p, Duration::from_secs(1)), p, &paths);
    let hang = &results[&format!("http://lane.test:{p}/hang")];
    assert_eq!(hang.verdict, Verdict::Unreachable, "{hang:?}");
    assert!(!hang.reason.contains("deadline"), "{hang:?}");
    assert_eq!(server.requests("lane.test", "/hang").len(), 2);
}

#[test]
fn the_deadline_stops_a_url_whose_server_keeps_us_waiting() {
    let server = Server::start(world);
    let p = server.port;
    // Five tries of 300 ms would take 1.5 s; the deadline ends it at 0.5 s.
    let config = CheckConfig {
        max_retries: 4,
        ..hang_config(p, Duration::from_millis(500))
    };
    let results = run(config, p, &["/hang"]);
    let hang = &results[&format!("http://lane.test:{p}/hang")];
    assert_eq!(hang.verdict, Verdict::Unreachable, "{hang:?}");
    assert!(hang.reason.contains("500ms deadline"), "{hang:?}");
    assert!(server.requests("lane.test", "/hang").len() <= 2);
}
