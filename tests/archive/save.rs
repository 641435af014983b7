//! Save Page Now 2 against the mock: keyed and anonymous submissions, job polling.

use crate::mock_archive;

use std::time::Duration;

use citecheck::archive::{Archive, ArchiveConfig, Rate, SaveOutcome};
use mock_archive::Mock;

fn cfg(mock: &Mock, keys: bool) -> ArchiveConfig {
    let base = url::Url::parse(&mock.base()).unwrap();
    let mut cfg = ArchiveConfig::default().with_wayback_base(&base).unwrap();
    cfg.limits.save = Rate::new(100, Duration::from_secs(1));
    cfg.limits.save_status = Rate::new(100, Duration::from_secs(1));
    cfg.save_poll = Duration::from_millis(10);
    cfg.save_max_polls = 5;
    if keys {
        cfg.ia_keys = Some(("acc".into(), "sec".into()));
    }
    cfg
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keyed_job_is_polled_to_success() {
    let mock = Mock::start().await;
    mock.script_save("http://live.example/a", 2, Ok("20240102030405"));
    let archive = Archive::new(cfg(&mock, true)).unwrap();
    let o = archive.save("http://live.example/a").await;
    assert_eq!(
        o,
        SaveOutcome::Saved {
            url: format!("{}web/20240102030405/http://live.example/a", mock.base()),
            timestamp: "20240102030405".into(),
        }
    );
    let saves = mock.requests("save");
    assert_eq!(saves.len(), 1);
    assert!(saves[0].starts_with("POST /save\n"), "{}", saves[0]);
    assert!(
        saves[0].ends_with("url=http%3A%2F%2Flive.example%2Fa"),
        "{}",
        saves[0]
    );
    assert_eq!(mock.count("status"), 3, "two pending answers, then success");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn job_errors_are_reported() {
    let mock = Mock::start().await;
    mock.script_save("http://live.example/b", 1, Err("error:host-not-found"));
    let archive = Archive::new(cfg(&mock, true)).unwrap();
    let o = archive.save("http://live.example/b").await;
    assert_eq!(
        o,
        SaveOutcome::Failed("error:host-not-found: capture failed".into())
    );
    // A refused submission never gets a job.
    let o = archive.save("http://unscripted.example/").await;
    assert_eq!(
        o,
        SaveOutcome::Failed("error:invalid-url-syntax: bad".into())
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn anonymous_form_finds_the_job_in_the_page() {
    let mock = Mock::start().await;
    mock.script_save("http://live.example/c", 0, Ok("20240101000000"));
    let archive = Archive::new(cfg(&mock, false)).unwrap();
    let o = archive.save("http://live.example/c").await;
    assert!(
        matches!(&o, SaveOutcome::Saved { timestamp, .. } if timestamp == "20240101000000"),
        "{o:?}"
    );
    assert!(mock.requests("save")[0].starts_with("GET /save/http://live.example/c"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_job_still_running_is_reported_pending() {
    let mock = Mock::start().await;
    mock.script_save("http://live.example/d", 50, Ok("20240101000000"));
    let archive = Archive::new(cfg(&mock, true)).unwrap();
    let o = archive.save("http://live.example/d").await;
    assert!(
        matches!(o, SaveOutcome::Pending { ref job_id } if job_id.starts_with("spn2-")),
        "{o:?}"
    );
    assert_eq!(mock.count("status"), 5);
}
