//! The per-endpoint budgets and the 429 policy, measured by the mock's clock.

use crate::mock_archive;

use std::time::{Duration, Instant};

use citecheck::archive::{Archive, ArchiveConfig, CdxPolicy, Outcome, Query, Rate};
use citecheck::CitedDate;
use mock_archive::{cap, Mock};

fn cfg(mock: &Mock) -> ArchiveConfig {
    let base = url::Url::parse(&mock.base()).unwrap();
    let mut cfg = ArchiveConfig::default().with_wayback_base(&base).unwrap();
    cfg.limits.availability = Rate::new(1000, Duration::from_secs(1));
    cfg.limits.backoff = Duration::from_millis(300);
    cfg.timeout = Duration::from_secs(5);
    cfg
}

/// The most requests seen in any window of `w`.
fn max_in_window(times: &[Instant], w: Duration) -> usize {
    let mut t = times.to_vec();
    t.sort();
    (0..t.len())
        .map(|i| {
            t[i..]
                .iter()
                .take_while(|&&b| b.duration_since(t[i]) < w)
                .count()
        })
        .max()
        .unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cdx_budget_is_never_exceeded() {
    let mock = Mock::start().await;
    let mut c = cfg(&mock);
    c.cdx_policy = CdxPolicy::Always;
    c.limits.cdx = Rate::new(4, Duration::from_millis(400));
    let queries: Vec<Query> = (0..16)
        .map(|i| {
            let u = format!("http://r.example/{i}");
            mock.add(&u, vec![cap("20150101000000", 200, "A")]);
            Query::new(u, CitedDate::ymd(2016, 1, 1))
        })
        .collect();
    let archive = Archive::new(c).unwrap();
    let start = Instant::now();
    let out = archive.lookup_many(&queries).await;
    assert!(out.iter().all(|o| o.snapshot().is_some()));
    let times = mock.times("cdx");
    assert_eq!(times.len(), 16);
    // Arrival jitter of a few ms is tolerated by measuring a slightly shorter window.
    assert!(max_in_window(&times, Duration::from_millis(380)) <= 4);
    assert!(
        start.elapsed() >= Duration::from_millis(1200),
        "16 at 4 per 400 ms take 3 windows"
    );
    assert_eq!(archive.requests().cdx, 16);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_429_pauses_the_endpoint() {
    let mock = Mock::start().await;
    mock.add("http://p.example/", vec![cap("20150101000000", 200, "A")]);
    mock.fail_next("availability", 1, None);
    let archive = Archive::new(cfg(&mock)).unwrap();
    let o = archive
        .lookup(&Query::new("http://p.example/", CitedDate::ymd(2016, 1, 1)))
        .await;
    assert_eq!(
        o.snapshot().map(|s| s.timestamp.as_str()),
        Some("20150101000000")
    );
    let t = mock.times("availability");
    assert_eq!(t.len(), 2);
    assert!(
        t[1] - t[0] >= Duration::from_millis(290),
        "paused {:?}",
        t[1] - t[0]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retry_after_longer_than_the_backoff_is_obeyed() {
    let mock = Mock::start().await;
    mock.add("http://p.example/", vec![cap("20150101000000", 200, "A")]);
    mock.fail_next("availability", 1, Some(1));
    let archive = Archive::new(cfg(&mock)).unwrap();
    let o = archive.lookup(&Query::new("http://p.example/", None)).await;
    assert!(o.snapshot().is_some());
    let t = mock.times("availability");
    assert!(
        t[1] - t[0] >= Duration::from_millis(990),
        "paused {:?}",
        t[1] - t[0]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn repeated_429s_defer_the_rest() {
    let mock = Mock::start().await;
    mock.add("http://p.example/", vec![cap("20150101000000", 200, "A")]);
    mock.fail_next("availability", 3, None);
    let mut c = cfg(&mock);
    c.limits.backoff = Duration::from_millis(20);
    let archive = Archive::new(c).unwrap();
    let o = archive.lookup(&Query::new("http://p.example/", None)).await;
    let Outcome::Deferred(msg) = o else {
        panic!("{o:?}")
    };
    assert!(msg.contains("archive look-up deferred"), "{msg}");
    let t = mock.times("availability");
    assert_eq!(t.len(), 3);
    assert!(
        t[2] - t[1] >= Duration::from_millis(38),
        "the pause doubles"
    );
    // The endpoint stays given up: no further request is sent.
    let o = archive
        .lookup(&Query::new("http://p.example/other", None))
        .await;
    assert!(matches!(o, Outcome::Deferred(_)));
    assert_eq!(mock.count("availability"), 3);
}
