//! `citecheck check` as a user runs it: the binary against servers started
//! here, host names mapped with `--resolve`.
//!
//! Tests that need citations extracted from Markdown are ignored until the
//! Markdown parser is merged; the others run now.

use crate::common;

use assert_cmd::Command;
use common::{Reply, Server};

fn citecheck() -> Command {
    let mut cmd = common::citecheck_cmd();
    // Never the real history store: one private file per test process.
    let store = std::env::temp_dir()
        .join(format!("citecheck-check-cli-{}", std::process::id()))
        .join("history.sqlite3");
    cmd.env("CITECHECK_CACHE", store);
    cmd
}

/// Runs `cmd`, expects exit status `code`, and parses the JSON report.
fn json_report(cmd: &mut Command, code: i32) -> serde_json::Value {
    let out = cmd.assert().code(code).get_output().stdout.clone();
    serde_json::from_slice(&out).expect("a JSON report")
}

fn world(r: &common::Req) -> Reply {
    match r.path.as_str() {
        "/ok" => Reply::html(200, "<title>An article</title>"),
        "/gone" => Reply::status(404),
        _ => Reply::status(404),
    }
}

#[test]
fn bad_options_are_usage_errors() {
    let dir = tempfile::tempdir().unwrap();
    let doc = dir.path().join("doc.md");
    std::fs::write(&doc, "nothing\n").unwrap();
    for args in [
        vec!["--resolve", "nonsense"],
        vec!["--host", "a.org:speed=3"],
        vec!["--timeout", "soon"],
        vec!["--exclude", "("],
    ] {
        citecheck()
            .arg("check")
            .args(&args)
            .arg(&doc)
            .assert()
            .code(3);
    }
    let bad_pem = dir.path().join("ca.pem");
    std::fs::write(&bad_pem, "not a certificate").unwrap();
    citecheck()
        .args(["check", "--cacert"])
        .arg(&bad_pem)
        .arg(&doc)
        .assert()
        .code(3);
}

#[test]
fn a_document_without_citations_is_clean() {
    let dir = tempfile::tempdir().unwrap();
    let doc = dir.path().join("doc.md");
    std::fs::write(&doc, "no links here\n").unwrap();
    let v = json_report(citecheck().args(["check", "--format", "json"]).arg(&doc), 0);
    assert_eq!(v["schema"], "citecheck/1");
    assert_eq!(v["summary"]["citations"], 0);
}

#[test]
fn a_url_field_that_cannot_be_a_url_is_invalid_and_fails_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let doc = dir.path().join("refs.bib");
    std::fs::write(&doc, "@misc{k, url = {github.com/citecheck/x}}\n").unwrap();
    // No request is needed to judge it, so no network either.
    let v = json_report(
        citecheck()
            .args(["check", "--format", "json", "--archive", "off"])
            .arg(&doc),
        2,
    );
    assert_eq!(v["summary"]["invalid"], 1);
    let c = &v["citations"][0];
    assert_eq!(c["footnote"], "k");
    assert_eq!(c["verdict"], "invalid");
    assert_eq!(c["reason"], "not a URL: relative URL without a base");
}

#[test]
fn reports_and_exit_status() {
    let server = Server::start(world);
    let p = server.port;
    let dir = tempfile::tempdir().unwrap();
    let doc = dir.path().join("doc.md");
    std::fs::write(
        &doc,
        format!(
            "See [a](http://alpha.test:{p}/ok) and [b](http://beta.test:{p}/gone).\n\
             Again [a](http://alpha.test:{p}/ok).\n"
        ),
    )
    .unwrap();
    let resolve = |h: &str| format!("{h}:{p}:127.0.0.1");
    let base = |cmd: &mut Command| {
        cmd.args([
            "check",
            "--no-progress",
            "--timeout",
            "1s",
            "--dns-canary",
            "alpha.test",
            "--archive",
            "off",
        ])
        .args([
            "--resolve",
            &resolve("alpha.test"),
            "--resolve",
            &resolve("beta.test"),
        ])
        .arg(&doc);
    };
    let mut cmd = citecheck();
    base(&mut cmd);
    let v = json_report(cmd.args(["--format", "json"]), 2);
    assert_eq!(v["summary"]["citations"], 3);
    assert_eq!(v["summary"]["urls"], 2);
    assert_eq!(v["summary"]["alive"], 2);
    assert_eq!(v["summary"]["dead"], 1);
    let dead = &v["citations"][1];
    assert_eq!(dead["verdict"], "dead");
    assert_eq!(dead["http_status"], 404);
    assert_eq!(dead["reason"], "HTTP 404 Not Found");
    assert_eq!(dead["archive"], serde_json::Value::Null);
    assert_eq!(dead["line"], 1);
    // Each distinct URL fetched once (plus one probe of alpha's directory).
    assert_eq!(server.requests("alpha.test", "/ok").len(), 1);
    let mut cmd = citecheck();
    base(&mut cmd);
    let text = String::from_utf8(cmd.assert().code(2).get_output().stdout.clone()).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines[1].contains("dead") && lines[1].contains("/gone"),
        "{text}"
    );
    assert_eq!(
        lines.last().copied(),
        Some("3 citations, 2 URLs: 1 dead, 2 alive")
    );
}

#[test]
fn the_seed_offline_says_network_unavailable() {
    let seed = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/converted/seed-essay.txt"
    );
    let assert = citecheck()
        .args([
            "check",
            "--no-progress",
            "--archive",
            "off",
            "--input-format",
            "converted",
            seed,
        ])
        .assert()
        .code(1);
    let err = String::from_utf8_lossy(&assert.get_output().stderr).to_string();
    assert!(err.contains("network unavailable"), "{err}");
}

#[test]

fn offline_markdown_says_network_unavailable() {
    let dir = tempfile::tempdir().unwrap();
    let doc = dir.path().join("doc.md");
    std::fs::write(
        &doc,
        "[x](http://www.xinhuanet.com/politics/2017-10/27/c_1121867529.htm)\n",
    )
    .unwrap();
    let assert = citecheck()
        .args(["check", "--no-progress", "--archive", "off"])
        .arg(&doc)
        .assert()
        .code(1);
    let err = String::from_utf8_lossy(&assert.get_output().stderr).to_string();
    assert!(err.contains("network unavailable"), "{err}");
    assert!(assert.get_output().stdout.is_empty());
}
