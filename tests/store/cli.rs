//! `citecheck history` and `citecheck cache` as a user runs them.

use assert_cmd::Command;
use citecheck::store::{CheckRecord, Store};
use jiff::{SignedDuration, Timestamp};

fn citecheck() -> Command {
    let mut cmd = Command::cargo_bin("citecheck").unwrap();
    cmd.env("NO_COLOR", "1").env_remove("CITECHECK_CACHE");
    cmd
}

fn check(url: &str, at: Timestamp, verdict: &str, status: Option<u16>) -> CheckRecord {
    CheckRecord {
        url: url.to_string(),
        checked_at: at,
        verdict: verdict.to_string(),
        http_status: status,
        reason: format!("HTTP {}", status.unwrap_or(0)),
        final_url: None,
        redirects: None,
    }
}

fn stdout(out: &std::process::Output) -> String {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).unwrap()
}

#[test]
fn history_prints_text_and_json_newest_first() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("h.sqlite3");
    let url = "https://example.org/paper";
    let t0: Timestamp = "2025-03-01T08:00:00Z".parse().unwrap();
    let t1: Timestamp = "2025-03-02T09:30:00Z".parse().unwrap();
    Store::open(&path)
        .unwrap()
        .record_checks(&[
            check(url, t0, "alive", Some(200)),
            check(url, t1, "dead", Some(404)),
        ])
        .unwrap();

    let out = citecheck()
        .args(["history", url, "--cache"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(
        stdout(&out),
        format!(
            "{url}: 2 checks recorded in {}, newest first\n\
             CHECKED (UTC)        VERDICT  STATUS  REASON    FINAL URL\n\
             2025-03-02 09:30:00  dead     404     HTTP 404\n\
             2025-03-01 08:00:00  alive    200     HTTP 200\n",
            path.display()
        )
    );

    let out = citecheck()
        .args(["history", "--format", "json", url])
        .env("CITECHECK_CACHE", &path)
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(doc["schema"], "citecheck/1");
    assert_eq!(doc["url"], url);
    let times: Vec<&str> = doc["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["checked_at"].as_str().unwrap())
        .collect();
    assert_eq!(times, ["2025-03-02T09:30:00Z", "2025-03-01T08:00:00Z"]);
    assert_eq!(doc["checks"][0]["http_status"], 404);
}

#[test]
fn history_of_a_missing_store_is_empty_and_creates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("none.sqlite3");
    let out = citecheck()
        .args(["history", "u", "--cache"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(
        stdout(&out),
        format!("u: no checks recorded in {}\n", path.display())
    );
    assert!(!path.exists());
}

#[test]
fn prune_reports_the_rows_removed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("h.sqlite3");
    // The store keeps microseconds; compare like with like.
    let now = Timestamp::from_microsecond(Timestamp::now().as_microsecond()).unwrap();
    let ago = |days: i64| now - SignedDuration::from_hours(24 * days);
    Store::open(&path)
        .unwrap()
        .record_checks(&[
            check("u", ago(200), "dead", Some(404)),
            check("u", ago(100), "dead", Some(404)),
            check("u", ago(1), "alive", Some(200)),
        ])
        .unwrap();
    let out = citecheck()
        .args(["cache", "prune", "--older-than", "90d", "--cache"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(
        stdout(&out),
        format!("removed 2 rows older than 90d from {}\n", path.display())
    );
    let left = Store::open(&path).unwrap().history("u").unwrap();
    assert_eq!(left, [check("u", ago(1), "alive", Some(200))]);

    let out = citecheck()
        .args(["cache", "info", "--cache"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(
        stdout(&out),
        format!(
            "{}: schema version 2, 1 checks, 0 archive look-ups\n",
            path.display()
        )
    );
}

#[test]
fn bad_durations_and_bad_files_fail_with_advice() {
    let dir = tempfile::tempdir().unwrap();
    let out = citecheck()
        .args(["cache", "prune", "--older-than", "3mo"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("months and years have no fixed length"),
        "{err}"
    );

    let path = dir.path().join("garbage.sqlite3");
    std::fs::write(&path, "definitely not a database, just some text here").unwrap();
    let out = citecheck()
        .args(["history", "u", "--cache"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with(&format!(
            "error: cannot open history store {}: ",
            path.display()
        )),
        "{err}"
    );
}
