//! `citecheck.toml`, `.citecheckignore` and `citecheck init` through the
//! binary: where the file is found, flags over file over defaults, unknown
//! keys refused with exit 3, per-host settings reaching the wire.

use crate::common;

use std::path::Path;

use assert_cmd::Command;
use common::{Reply, Server};
use serde_json::Value;

fn world(r: &common::Req) -> Reply {
    match r.path.as_str() {
        "/ok" | "/skipme" | "/listed" | "/pattern/1" | "/docs/ok" => {
            Reply::html(200, "<title>Fine</title>")
        }
        "/forbidden" => Reply::status(403),
        _ => Reply::status(404),
    }
}

fn citecheck(cwd: &Path) -> Command {
    let mut cmd = common::citecheck_cmd();
    cmd.current_dir(cwd);
    cmd
}

fn check(cwd: &Path, port: u16) -> Command {
    let mut cmd = citecheck(cwd);
    cmd.args(["check", "--no-progress", "--dns-canary", "site.test"])
        .args(["--resolve", &format!("site.test:{port}:127.0.0.1")])
        .args(["--resolve", &format!("other.test:{port}:127.0.0.1")]);
    cmd
}

fn project(config: &str, doc: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("citecheck.toml"), config).unwrap();
    std::fs::create_dir(dir.path().join("docs")).unwrap();
    std::fs::write(dir.path().join("docs/doc.md"), doc).unwrap();
    dir
}

const QUIET: &str = "[archive]\nmode = \"off\"\n[cache]\nenabled = false\n";

#[test]
fn the_file_is_found_in_a_parent_and_flags_override_it() {
    let web = Server::start(world);
    let config = format!(
        "{QUIET}[output]\nformat = \"json\"\n[check]\nuser_agent = \"FileAgent/1\"\n\
         exclude = [\"/skipme$\"]\naccept = [404]\n"
    );
    let dir = project(
        &config,
        "[a](http://site.test/ok) [b](http://site.test/skipme) [c](http://site.test/gone)\n",
    );
    let docs = dir.path().join("docs");
    // Found from docs/ in its parent: JSON, the file's agent, the exclude and
    // the accepted 404.
    let out = check(&docs, web.port)
        .arg("doc.md")
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let v: Value = serde_json::from_slice(&out).unwrap();
    let verdicts: Vec<&str> = (0..3)
        .map(|i| v["citations"][i]["verdict"].as_str().unwrap())
        .collect();
    assert_eq!(verdicts, ["alive", "skipped", "alive"]);
    assert_eq!(
        v["citations"][2]["reason"],
        "HTTP 404 Not Found (accepted by configuration)"
    );
    let ok = web.requests("site.test", "/ok");
    assert_eq!(ok[0].req.headers["user-agent"], "FileAgent/1");
    assert!(web.requests("site.test", "/skipme").is_empty());
    // Flags win: text format, another agent; lists add up (--exclude).
    let out = check(&docs, web.port)
        .args([
            "--format",
            "text",
            "--user-agent",
            "FlagAgent/2",
            "--exclude",
            "/ok$",
        ])
        .arg("doc.md")
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    assert!(
        text.ends_with("3 citations, 3 URLs: 2 skipped, 1 alive\n"),
        "{text}"
    );
    let gone = web.requests("site.test", "/gone");
    assert_eq!(
        gone.last().unwrap().req.headers["user-agent"],
        "FlagAgent/2"
    );
    // --config names another file, and the parent's is not read.
    let other = dir.path().join("other.toml");
    std::fs::write(&other, QUIET).unwrap();
    check(&docs, web.port)
        .arg("--config")
        .arg(&other)
        .arg("doc.md")
        .assert()
        .code(2);
}

#[test]
fn per_host_settings_reach_the_requests() {
    let web = Server::start(world);
    let config = format!(
        "{QUIET}[hosts.\"site.test\"]\ntreat_403_as_alive = true\nuser_agent = \"HostAgent\"\n\
         headers = {{ X-Token = \"abc\" }}\n"
    );
    let dir = project(
        &config,
        "[a](http://site.test/forbidden) [b](http://other.test/forbidden)\n",
    );
    let out = check(dir.path(), web.port)
        .args(["--format", "json", "docs/doc.md"])
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let v: Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["citations"][0]["verdict"], "alive");
    assert_eq!(v["citations"][1]["verdict"], "blocked");
    let site = &web.requests("site.test", "/forbidden")[0].req;
    assert_eq!(site.headers["user-agent"], "HostAgent");
    assert_eq!(site.headers["x-token"], "abc");
    let other = &web.requests("other.test", "/forbidden")[0].req;
    assert!(other.headers["user-agent"].starts_with("citecheck/"));
    assert!(!other.headers.contains_key("x-token"));
}

#[test]
fn unknown_keys_and_bad_values_exit_3_naming_the_key() {
    let dir = project("[check]\ntimout = \"5s\"\n", "nothing\n");
    let out = citecheck(dir.path())
        .args(["check", "docs/doc.md"])
        .assert()
        .code(3);
    let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(err.contains("timout"), "{err}");
    assert!(err.contains("citecheck.toml"), "{err}");
    let dir = project("[cache]\nmax_age = \"soon\"\n", "nothing\n");
    let out = citecheck(dir.path())
        .args(["check", "docs/doc.md"])
        .assert()
        .code(3);
    let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(err.contains("max_age"), "{err}");
    let missing = dir.path().join("missing.toml");
    citecheck(dir.path())
        .arg("check")
        .arg("--config")
        .arg(&missing)
        .arg("docs/doc.md")
        .assert()
        .code(3);
}

#[test]
fn the_ignore_file_skips_urls_and_patterns() {
    let web = Server::start(world);
    let dir = project(
        QUIET,
        "[a](http://site.test/listed) [b](http://site.test/pattern/1) [c](http://site.test/ok)\n",
    );
    std::fs::write(
        dir.path().join(".citecheckignore"),
        "# not ours to check\nhttp://site.test/listed\n/pattern/\\d+$\n",
    )
    .unwrap();
    let out = check(dir.path(), web.port)
        .args(["--format", "json", "docs/doc.md"])
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let v: Value = serde_json::from_slice(&out).unwrap();
    let verdicts: Vec<&str> = (0..3)
        .map(|i| v["citations"][i]["verdict"].as_str().unwrap())
        .collect();
    assert_eq!(verdicts, ["skipped", "skipped", "alive"]);
    assert!(web.requests("site.test", "/listed").is_empty());
    assert!(web.requests("site.test", "/pattern/1").is_empty());
}

#[test]
fn init_writes_a_template_check_accepts() {
    let web = Server::start(world);
    let dir = tempfile::tempdir().unwrap();
    citecheck(dir.path()).arg("init").assert().code(0);
    let written = std::fs::read_to_string(dir.path().join("citecheck.toml")).unwrap();
    assert_eq!(written, citecheck::config::TEMPLATE);
    citecheck(dir.path()).arg("init").assert().code(3);
    citecheck(dir.path())
        .args(["init", "--force"])
        .assert()
        .code(0);
    std::fs::write(dir.path().join("doc.md"), "[a](http://site.test/ok)\n").unwrap();
    check(dir.path(), web.port)
        .args(["--no-cache", "--archive", "off", "doc.md"])
        .assert()
        .code(0);
}

#[test]
fn a_flag_turns_back_on_what_the_file_turned_off() {
    let web = Server::start(world);
    let config = format!("{QUIET}[check]\nprobe = false\n");
    let dir = project(&config, "[a](http://site.test/docs/ok)\n");
    let docs = dir.path().join("docs");
    // The probe asks for a random sibling of the cited URL: any other path.
    let probes = |web: &Server| {
        web.log()
            .iter()
            .filter(|s| s.req.path != "/docs/ok")
            .count()
    };
    check(&docs, web.port).arg("doc.md").assert().code(0);
    assert_eq!(probes(&web), 0, "the file's probe = false was not honoured");
    check(&docs, web.port)
        .args(["--probe", "doc.md"])
        .assert()
        .code(0);
    assert!(probes(&web) > 0, "--probe did not turn the probe back on");
    // The last of --probe / --no-probe wins.
    let before = probes(&web);
    check(&docs, web.port)
        .args(["--probe", "--no-probe", "doc.md"])
        .assert()
        .code(0);
    assert_eq!(probes(&web), before);
}

#[test]
fn no_insecure_overrides_the_files_insecure() {
    let (_ca, tls) = common::test_tls(&["secure.test"]);
    let web = Server::start_tls(|_| Reply::html(200, "<title>Secure</title>"), tls);
    let config =
        format!("{QUIET}[output]\nformat = \"json\"\n[check]\ninsecure = true\nprobe = false\n");
    let dir = project(&config, "[a](https://secure.test/page)\n");
    let docs = dir.path().join("docs");
    let run = |extra: &[&str]| {
        let out = citecheck(&docs)
            .args(["check", "--no-progress", "--dns-canary", "secure.test"])
            .args(["--resolve", &format!("secure.test:{}:127.0.0.1", web.port)])
            .args(extra)
            .arg("doc.md")
            .output()
            .unwrap();
        let v: Value = serde_json::from_slice(&out.stdout).unwrap_or_default();
        v["citations"][0]["verdict"]
            .as_str()
            .unwrap_or("")
            .to_string()
    };
    // The test CA is not trusted: only the file's insecure = true lets it pass.
    assert_eq!(run(&[]), "alive");
    assert_eq!(run(&["--no-insecure"]), "unreachable");
}

#[test]
fn a_store_named_on_the_command_line_beats_enabled_false() {
    let web = Server::start(world);
    let dir = project(QUIET, "[a](http://site.test/ok)\n");
    let store = dir.path().join("named.sqlite3");
    check(dir.path(), web.port)
        .arg("docs/doc.md")
        .assert()
        .code(0);
    assert!(!store.exists());
    check(dir.path(), web.port)
        .args(["--cache", store.to_str().unwrap(), "docs/doc.md"])
        .assert()
        .code(0);
    assert!(store.is_file(), "--cache PATH uses the store");
    std::fs::remove_file(&store).unwrap();
    check(dir.path(), web.port)
        .args([
            "--cache",
            store.to_str().unwrap(),
            "--no-cache",
            "docs/doc.md",
        ])
        .assert()
        .code(0);
    assert!(!store.exists(), "--no-cache still wins");
}
