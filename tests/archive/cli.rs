//! `citecheck archive`: only live sources are submitted to Save Page Now.

use crate::common;

use assert_cmd::Command;
use common::{Reply, Server};

fn world(r: &common::Req) -> Reply {
    match r.path.as_str() {
        "/live" => Reply::html(200, "<title>An article</title>"),
        _ => Reply::status(404),
    }
}

#[test]
fn dry_run_lists_only_live_sources_once() {
    let server = Server::start(world);
    let p = server.port;
    let dir = tempfile::tempdir().expect("tempdir");
    let doc = dir.path().join("doc.md");
    std::fs::write(
        &doc,
        format!(
            "[a](http://alpha.test:{p}/live) [b](http://alpha.test:{p}/gone)\n\
             again <http://alpha.test:{p}/live>\n"
        ),
    )
    .expect("write");
    let out = common::citecheck_cmd()
        .args([
            "archive",
            "--dry-run",
            "--no-cache",
            "--no-progress",
            "--no-probe",
        ])
        .args(["--timeout", "2s", "--dns-canary", "alpha.test"])
        .args(["--resolve", &format!("alpha.test:{p}:127.0.0.1")])
        .arg(&doc)
        .output()
        .expect("runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        stdout,
        format!("would submit  http://alpha.test:{p}/live\n")
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("1 citation not live"), "{stderr}");
}

#[test]
fn offline_submits_nothing_and_says_why() {
    let dir = tempfile::tempdir().expect("tempdir");
    let doc = dir.path().join("doc.md");
    std::fs::write(&doc, "<http://www.citecheck-offline-test.org/a>\n").expect("write");
    let out = common::citecheck_cmd()
        .args([
            "archive",
            "--dry-run",
            "--no-cache",
            "--no-progress",
            "--timeout",
            "2s",
        ])
        .args(["--dns-canary", "canary.citecheck-offline-test.invalid"])
        .arg(&doc)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("network unavailable"));
    assert!(out.stdout.is_empty());
}

#[test]
fn check_verbose_reports_requests_and_reuse() {
    let server = Server::start(world);
    let p = server.port;
    let dir = tempfile::tempdir().expect("tempdir");
    let doc = dir.path().join("doc.md");
    std::fs::write(&doc, format!("[a](http://alpha.test:{p}/live)\n")).expect("write");
    let store = dir.path().join("history.sqlite3");
    let run = || {
        Command::cargo_bin("citecheck")
            .expect("binary")
            .env("NO_COLOR", "1")
            .env_remove("HTTPS_PROXY")
            .env_remove("HTTP_PROXY")
            .args([
                "check",
                "-v",
                "--no-progress",
                "--no-probe",
                "--archive",
                "off",
            ])
            .args(["--timeout", "2s", "--dns-canary", "alpha.test", "--cache"])
            .arg(&store)
            .args(["--resolve", &format!("alpha.test:{p}:127.0.0.1")])
            .arg(&doc)
            .output()
            .expect("runs")
    };
    let first = String::from_utf8_lossy(&run().stderr).to_string();
    assert!(
        first.contains("1 distinct URLs: 1 checked, 0 reused from the history store"),
        "{first}"
    );
    let second = String::from_utf8_lossy(&run().stderr).to_string();
    assert!(
        second.contains("1 distinct URLs: 0 checked, 1 reused from the history store"),
        "{second}"
    );
}
