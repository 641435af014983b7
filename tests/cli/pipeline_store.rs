//! `citecheck check` with the history store: reuse without requests, expiry,
//! archive answers kept, and `--confirm-dead` over simulated time (`--now`).
//! Every run uses a store in a temporary directory, never the real one.

use crate::common;
use crate::mock_archive;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use assert_cmd::Command;
use common::{Reply, Server};
use mock_archive::{cap, Mock};
use serde_json::Value;

struct Run<'a> {
    port: u16,
    doc: &'a Path,
    store: &'a Path,
}

impl Run<'_> {
    fn cmd(&self, now: &str) -> Command {
        let mut cmd = common::citecheck_cmd();
        cmd.env_remove("CITECHECK_NOW");
        cmd.args([
            "check",
            "--no-progress",
            "--timeout",
            "2s",
            "--dns-canary",
            "site.test",
        ])
        .args(["--resolve", &format!("site.test:{}:127.0.0.1", self.port)])
        .arg("--cache")
        .arg(self.store)
        .args(["--now", now]);
        cmd
    }

    /// Runs with JSON output; returns the exit status and the report.
    fn json(&self, now: &str, extra: &[&str]) -> (i32, Value) {
        let out = self
            .cmd(now)
            .args(["--format", "json"])
            .args(extra)
            .arg(self.doc)
            .output()
            .unwrap();
        let v = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
        (out.status.code().unwrap_or(-1), v)
    }
}

fn setup(text: &str) -> (tempfile::TempDir, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let doc = dir.path().join("doc.md");
    std::fs::write(&doc, text).unwrap();
    let store = dir.path().join("store").join("history.sqlite3");
    (dir, doc, store)
}

fn world(r: &common::Req) -> Reply {
    match r.path.as_str() {
        "/ok" => Reply::html(200, "<title>Fine</title>"),
        "/down" => Reply::status(503),
        "/old" => Reply::redirect(301, "/new/place"),
        "/new/place" => Reply::html(200, "<title>Moved here</title>"),
        _ => Reply::status(404),
    }
}

const T0: &str = "2030-01-10T12:00:00Z";

#[test]
fn a_fresh_result_is_reused_without_a_request_until_it_expires() {
    let web = Server::start(world);
    let (_dir, doc, store) =
        setup("[a](http://site.test/ok) [b](http://site.test/gone) [c](http://site.test/old)\n");
    let run = Run {
        port: web.port,
        doc: &doc,
        store: &store,
    };
    let off = ["--archive", "off"];
    let (code, first) = run.json(T0, &off);
    assert_eq!(code, 2);
    let asked = web.count("site.test");
    assert!(asked >= 2, "{asked}");
    // Twelve hours later: both reused, nothing asked.
    let (code, second) = run.json("2030-01-11T00:00:00Z", &off);
    assert_eq!(code, 2);
    assert_eq!(web.count("site.test"), asked);
    assert_eq!(first["citations"][2]["verdict"], "moved");
    assert_eq!(first["citations"][2]["redirects"][0]["status"], 301);
    for i in 0..3 {
        // A reused result reports what the check found, redirect chain included.
        for field in ["verdict", "http_status", "reason", "final_url", "redirects"] {
            assert_eq!(second["citations"][i][field], first["citations"][i][field]);
        }
    }
    // Two days later the default max age (1d) has passed: checked again.
    run.json("2030-01-12T12:00:01Z", &off);
    assert_eq!(web.requests("site.test", "/ok").len(), 2);
    assert_eq!(web.requests("site.test", "/gone").len(), 2);
    // --max-age 0s always checks.
    run.json(
        "2030-01-12T12:00:02Z",
        &["--archive", "off", "--max-age", "0s"],
    );
    assert_eq!(web.requests("site.test", "/ok").len(), 3);
    // The store holds every check made (three; a reused result is not stored again).
    let out = Command::cargo_bin("citecheck")
        .unwrap()
        .args(["history", "--format", "json", "--cache"])
        .arg(&store)
        .arg("http://site.test/gone")
        .output()
        .unwrap();
    let h: Value = serde_json::from_slice(&out.stdout).unwrap();
    let text = h.to_string();
    assert_eq!(text.matches("\"dead\"").count(), 3, "{text}");
}

#[test]
fn an_unreachable_result_is_reused_only_for_a_short_while() {
    let web = Server::start(world);
    let (_dir, doc, store) = setup("[d](http://site.test/down)\n");
    let run = Run {
        port: web.port,
        doc: &doc,
        store: &store,
    };
    let args = ["--archive", "off", "--max-retries", "0"];
    let (code, first) = run.json(T0, &args);
    assert_eq!(code, 0, "{first}");
    assert_eq!(first["citations"][0]["verdict"], "unreachable");
    let asked = web.requests("site.test", "/down").len();
    assert!(asked >= 1);
    // Ten minutes later (CI run again): the same answer, without asking.
    let (_, second) = run.json("2030-01-10T12:10:00Z", &args);
    assert_eq!(second["citations"][0]["verdict"], "unreachable");
    assert_eq!(
        second["citations"][0]["reason"],
        first["citations"][0]["reason"]
    );
    assert_eq!(web.requests("site.test", "/down").len(), asked);
    // Two hours later (past the default hour) the server is asked again.
    run.json("2030-01-10T14:00:00Z", &args);
    let again = web.requests("site.test", "/down").len();
    assert!(again > asked, "{again} vs {asked}");
    // --max-age-unreachable 0s asks every time; the setting never exceeds --max-age.
    run.json(
        "2030-01-10T14:01:00Z",
        &[
            "--archive",
            "off",
            "--max-retries",
            "0",
            "--max-age-unreachable",
            "0s",
        ],
    );
    let zero = web.requests("site.test", "/down").len();
    assert!(zero > again);
    run.json(
        "2030-01-10T14:02:00Z",
        &[
            "--archive",
            "off",
            "--max-retries",
            "0",
            "--max-age-unreachable",
            "1d",
            "--max-age",
            "0s",
        ],
    );
    assert!(web.requests("site.test", "/down").len() > zero);
}

#[test]
fn archive_answers_are_kept_and_reused() {
    let web = Server::start(world);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let mock: Mock = rt.block_on(Mock::start());
    mock.add(
        "http://site.test/gone",
        vec![cap("20200101000000", 200, "A")],
    );
    let (_dir, doc, store) = setup("[b](http://site.test/gone)\n");
    let run = Run {
        port: web.port,
        doc: &doc,
        store: &store,
    };
    let wayback = ["--wayback-url", &mock.base()];
    let (_, first) = run.json(T0, &wayback);
    assert_eq!(
        first["citations"][0]["archive"]["timestamp"],
        "20200101000000"
    );
    let (asked, looked) = (web.count("site.test"), mock.total());
    assert!(looked >= 1);
    let (code, second) = run.json("2030-01-10T13:00:00Z", &wayback);
    assert_eq!(code, 2);
    assert_eq!(
        second["citations"][0]["archive"],
        first["citations"][0]["archive"]
    );
    assert_eq!(second["citations"][0]["archive_lookup"], "found");
    assert_eq!((web.count("site.test"), mock.total()), (asked, looked));
}

#[test]
fn confirm_dead_waits_for_enough_failures_over_enough_time() {
    let alive = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&alive);
    let web = Server::start(move |r| {
        if r.path == "/flaky" && flag.load(Ordering::SeqCst) {
            Reply::html(200, "<title>Back</title>")
        } else {
            world(r)
        }
    });
    let (_dir, doc, store) = setup("[f](http://site.test/flaky)\n");
    let run = Run {
        port: web.port,
        doc: &doc,
        store: &store,
    };
    let args = [
        "--archive",
        "off",
        "--max-age",
        "0s",
        "--confirm-dead",
        "3/72h",
    ];
    let failing = |v: &Value| v["citations"][0]["failing_since"].clone();
    // First and second failures: dead, honestly, but only failing; exit 0.
    let (code, v) = run.json(T0, &args);
    assert_eq!(
        (code, v["citations"][0]["verdict"].as_str()),
        (0, Some("dead"))
    );
    assert_eq!(failing(&v), T0);
    assert_eq!(v["summary"]["unconfirmed"], 1);
    let (code, v) = run.json("2030-01-12T12:00:00Z", &args);
    assert_eq!((code, failing(&v)), (0, Value::from(T0)));
    // Third failure but only 48 h after the first: still unconfirmed.
    let (code, v) = run.json("2030-01-12T13:00:00Z", &args);
    assert_eq!((code, failing(&v)), (0, Value::from(T0)));
    // 72 h after the first: confirmed dead, exit 2, no failing_since.
    let (code, v) = run.json("2030-01-13T12:00:00Z", &args);
    assert_eq!((code, failing(&v)), (2, Value::Null));
    assert_eq!(v["summary"]["unconfirmed"], 0);
    // It comes back, then fails again: a new run of failures starts.
    alive.store(true, Ordering::SeqCst);
    let (code, v) = run.json("2030-01-14T12:00:00Z", &args);
    assert_eq!(
        (code, v["citations"][0]["verdict"].as_str()),
        (0, Some("alive"))
    );
    alive.store(false, Ordering::SeqCst);
    let later = "2030-01-15T12:00:00Z";
    let (code, v) = run.json(later, &args);
    assert_eq!((code, failing(&v)), (0, Value::from(later)));
    // The text report says so under the citation.
    let out = run
        .cmd("2030-01-15T13:00:00Z")
        .args(args)
        .arg(&doc)
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("failing since 2030-01-15 12:00 UTC; not yet confirmed dead"),
        "{text}"
    );
    assert!(
        text.ends_with("1 citation, 1 URL: 1 dead, 1 not yet confirmed dead\n"),
        "{text}"
    );
}

#[test]
fn no_cache_writes_nothing_anywhere() {
    let web = Server::start(world);
    let (dir, doc, _) = setup("[a](http://site.test/ok)\n");
    let home = dir.path().join("home");
    std::fs::create_dir(&home).unwrap();
    let mut cmd = Command::cargo_bin("citecheck").unwrap();
    cmd.env("HOME", &home)
        .env("XDG_CACHE_HOME", home.join("cache"))
        .env_remove("CITECHECK_CACHE")
        .args(["check", "--no-progress", "--no-cache", "--archive", "off"])
        .args(["--dns-canary", "site.test"])
        .args(["--resolve", &format!("site.test:{}:127.0.0.1", web.port)])
        .arg(&doc)
        .assert()
        .code(0);
    assert_eq!(std::fs::read_dir(&home).unwrap().count(), 0);
    // Without --no-cache the default location is used (here, the fake home).
    let mut cmd = Command::cargo_bin("citecheck").unwrap();
    cmd.env("HOME", &home)
        .env("XDG_CACHE_HOME", home.join("cache"))
        .env_remove("CITECHECK_CACHE")
        .args(["check", "--no-progress", "--archive", "off"])
        .args(["--dns-canary", "site.test"])
        .args(["--resolve", &format!("site.test:{}:127.0.0.1", web.port)])
        .arg(&doc)
        .assert()
        .code(0);
    assert!(home.join("cache/citecheck/history.sqlite3").is_file());
}
