//! `citecheck extract` as a user runs it: inputs, formats, warnings, exit statuses.

use std::fs;

use assert_cmd::Command;

fn citecheck() -> Command {
    let mut cmd = Command::cargo_bin("citecheck").expect("binary built");
    cmd.env("NO_COLOR", "1");
    cmd
}

fn json(out: &[u8]) -> serde_json::Value {
    serde_json::from_slice(out).expect("valid JSON")
}

#[test]
fn json_report_follows_the_schema() {
    let out = citecheck()
        .args([
            "extract",
            "--format",
            "json",
            "fixtures/converted/seed-essay.txt",
        ])
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc = json(&out.stdout);
    assert_eq!(doc["schema"], "citecheck/1");
    let cites = doc["citations"].as_array().expect("array");
    assert_eq!(cites.len(), 17);
    let first = &cites[0];
    for key in [
        "source",
        "line",
        "column",
        "footnote",
        "kind",
        "url",
        "raw",
        "repairs",
        "cited",
        "context",
        "known_archive",
    ] {
        assert!(first.get(key).is_some(), "missing {key}");
    }
    assert_eq!(first["source"], "fixtures/converted/seed-essay.txt");
    assert_eq!(first["footnote"], "108");
    assert_eq!(first["kind"], "footnote");
    assert_eq!(first["line"], 21);
    // Keys the report must not leak.
    assert!(first.get("span").is_none() && first.get("element").is_none());
}

#[test]
fn text_report_groups_by_file_and_counts() {
    let out = citecheck()
        .args(["extract", "fixtures/converted/seed-essay.txt"])
        .output()
        .expect("runs");
    let text = String::from_utf8(out.stdout).expect("utf-8");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "fixtures/converted/seed-essay.txt (17 citations)");
    assert!(
        lines[1].trim_start().starts_with("108  21:"),
        "{}",
        lines[1]
    );
    assert!(
        lines[1].ends_with("http://www.xinhuanet.com/politics/19cpcnc/2017-10/27/c_1121867529.htm"),
        "{}",
        lines[1]
    );
    assert_eq!(*lines.last().expect("summary"), "17 citations in 1 file");
    assert!(!text.contains('\u{1b}'), "no colour when not a terminal");
}

#[test]
fn stdin_with_input_format() {
    let out = citecheck()
        .args([
            "extract",
            "--format",
            "json",
            "--input-format",
            "markdown",
            "-",
        ])
        .write_stdin("See [x](https://a.citecheck-fixture.org/p).\n")
        .output()
        .expect("runs");
    let doc = json(&out.stdout);
    assert_eq!(doc["citations"][0]["source"], "-");
    assert_eq!(
        doc["citations"][0]["url"],
        "https://a.citecheck-fixture.org/p"
    );
    assert_eq!(doc["citations"][0]["kind"], "inline-link");
}

#[test]
fn directories_honour_gitignore_and_pick_documents() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    fs::create_dir(root.join(".git")).expect("git dir");
    fs::write(root.join(".gitignore"), "ignored.md\n").expect("write");
    fs::write(root.join("a.md"), "<https://a.citecheck-fixture.org/>\n").expect("write");
    fs::write(
        root.join("ignored.md"),
        "<https://ignored.citecheck-fixture.org/>\n",
    )
    .expect("write");
    fs::write(
        root.join("image.png"),
        b"\x89PNG https://png.citecheck-fixture.org/",
    )
    .expect("write");
    fs::create_dir(root.join("sub")).expect("sub");
    fs::write(
        root.join("sub/b.md"),
        "<https://b.citecheck-fixture.org/>\n",
    )
    .expect("write");
    let out = citecheck()
        .args(["extract", "--format", "json"])
        .arg(root)
        .output()
        .expect("runs");
    let doc = json(&out.stdout);
    let urls: Vec<&str> = doc["citations"]
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|c| c["url"].as_str())
        .collect();
    assert_eq!(
        urls,
        [
            "https://a.citecheck-fixture.org/",
            "https://b.citecheck-fixture.org/"
        ]
    );
}

#[test]
fn binary_and_invalid_files_are_skipped_with_a_warning() {
    let dir = tempfile::tempdir().expect("tempdir");
    let bin = dir.path().join("blob.md");
    fs::write(&bin, b"\x00\x01\x02 https://x.citecheck-fixture.org/").expect("write");
    let latin1 = dir.path().join("latin1.md");
    fs::write(&latin1, b"caf\xe9 <https://y.citecheck-fixture.org/>").expect("write");
    let good = dir.path().join("good.md");
    fs::write(&good, "<https://z.citecheck-fixture.org/>").expect("write");
    let out = citecheck()
        .args(["extract", "--format", "json"])
        .args([&bin, &latin1, &good])
        .output()
        .expect("runs");
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    let warnings: Vec<&str> = err.lines().collect();
    assert_eq!(warnings.len(), 2, "{err}");
    assert!(
        warnings[0].contains("blob.md") && warnings[0].contains("binary"),
        "{err}"
    );
    assert!(
        warnings[1].contains("latin1.md") && warnings[1].contains("UTF-8"),
        "{err}"
    );
    assert_eq!(
        json(&out.stdout)["citations"].as_array().map(Vec::len),
        Some(1)
    );
}

#[test]
fn usage_errors_exit_3() {
    citecheck().args(["extract"]).assert().code(3);
    citecheck()
        .args(["extract", "--format", "yaml", "x.md"])
        .assert()
        .code(3);
    citecheck()
        .args(["extract", "--input-format", "docx", "-"])
        .assert()
        .code(3);
    let out = citecheck()
        .args(["extract", "no/such/file.md"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(3));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("no/such/file.md: no such file or directory"),
        "{err}"
    );
}

#[test]
fn output_file_receives_the_report() {
    let dir = tempfile::tempdir().expect("tempdir");
    let report = dir.path().join("report.json");
    citecheck()
        .args(["extract", "--format", "json", "-o"])
        .arg(&report)
        .arg("fixtures/converted/seed-essay.txt")
        .assert()
        .success()
        .stdout("");
    let doc: serde_json::Value =
        serde_json::from_slice(&fs::read(report).expect("written")).expect("json");
    assert_eq!(doc["citations"].as_array().map(Vec::len), Some(17));
}

#[test]
fn verbose_says_how_each_document_was_read() {
    let out = citecheck()
        .args([
            "extract",
            "-v",
            "--format",
            "json",
            "fixtures/converted/seed-essay.txt",
        ])
        .output()
        .expect("runs");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        err.trim(),
        "citecheck: fixtures/converted/seed-essay.txt: read as converted"
    );
    citecheck()
        .args(["extract", "-q", "-v", "x.md"])
        .assert()
        .code(3);
}
