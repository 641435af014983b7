//! `citecheck fix` as a user runs it, on the seed essay: its 17 sources'
//! hosts are mapped with `--resolve` to local servers answering 404 (a TLS
//! one, trusted with `--cacert`, for the two https sources), and a local
//! Wayback mock holds one good capture of each. The expected document is the
//! hand-made golden `fixtures/fix/seed.expected.md` with the mock's replay
//! prefix in place of the Wayback Machine's.

use crate::common;
use crate::mock_archive;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use citecheck::extract::extract;
use citecheck::Format;
use common::{test_tls, Reply, Server};
use mock_archive::{cap, Mock};

const TS: &str = "20171027120000";

fn fixture(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The world the seed's sources live in, kept alive for the test's length.
struct World {
    _runtime: tokio::runtime::Runtime,
    mock: Mock,
    _plain: Server,
    _tls: Server,
    dir: tempfile::TempDir,
    doc: PathBuf,
    args: Vec<String>,
}

fn world() -> World {
    let seed = fixture("fixtures/converted/seed-essay.txt");
    let urls: Vec<String> = extract("seed", &seed, Format::Converted)
        .into_iter()
        .map(|c| c.url)
        .collect();
    assert_eq!(urls.len(), 17);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let mock = runtime.block_on(Mock::start());
    for url in &urls {
        mock.add(url, vec![cap(TS, 200, "GOOD")]);
    }
    let hosts = |scheme: &str| -> BTreeSet<String> {
        urls.iter()
            .filter_map(|u| url::Url::parse(u).ok())
            .filter(|u| u.scheme() == scheme)
            .filter_map(|u| u.host_str().map(String::from))
            .collect()
    };
    let (http, https) = (hosts("http"), hosts("https"));
    assert_eq!(http.len() + https.len(), 16, "{http:?} {https:?}");
    let plain = Server::start(|_| Reply::status(404));
    let names: Vec<&str> = https.iter().map(String::as_str).collect();
    let (ca, tls_config) = test_tls(&names);
    let tls = Server::start_tls(|_| Reply::status(404), tls_config);
    let dir = tempfile::tempdir().unwrap();
    let ca_file = dir.path().join("ca.pem");
    std::fs::write(&ca_file, ca).unwrap();
    let doc = dir.path().join("seed.md");
    std::fs::write(&doc, &seed).unwrap();
    let mut args: Vec<String> = [
        "fix",
        "--style",
        "append",
        "--no-cache",
        "--no-progress",
        "--timeout",
        "5s",
        "--max-retries",
        "0",
    ]
    .map(String::from)
    .to_vec();
    args.extend(["--wayback-url".into(), mock.base()]);
    args.extend(["--cacert".into(), ca_file.display().to_string()]);
    let canary = http.iter().next().cloned().unwrap_or_default();
    args.extend(["--dns-canary".into(), canary]);
    for (hosts, port) in [(&http, plain.port), (&https, tls.port)] {
        for h in hosts {
            args.push("--resolve".into());
            args.push(format!("{h}:{port}:127.0.0.1"));
        }
    }
    World {
        _runtime: runtime,
        mock,
        _plain: plain,
        _tls: tls,
        dir,
        doc,
        args,
    }
}

impl World {
    fn fix(&self, extra: &[&str]) -> (i32, String, String) {
        let out = common::citecheck_cmd()
            .current_dir(self.dir.path())
            .args(&self.args)
            .args(extra)
            .arg("seed.md")
            .output()
            .unwrap();
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    fn text(&self) -> String {
        std::fs::read_to_string(&self.doc).unwrap()
    }

    /// The golden with this mock's replay prefix.
    fn expected(&self) -> String {
        fixture("fixtures/fix/seed.expected.md").replace(
            &format!("https://web.archive.org/web/{TS}/"),
            &format!("{}web/{TS}/", self.mock.base()),
        )
    }
}

/// Lines a diff removes and adds (headers excluded).
fn changed(diff: &str) -> (Vec<&str>, Vec<&str>) {
    let body = || {
        diff.lines()
            .filter(|l| !l.starts_with("---") && !l.starts_with("+++"))
    };
    let removed = body().filter_map(|l| l.strip_prefix('-')).collect();
    let added = body().filter_map(|l| l.strip_prefix('+')).collect();
    (removed, added)
}

#[test]
fn seed_gets_archive_links_for_all_17_and_a_second_run_changes_nothing() {
    let w = world();
    let original = w.text();
    let expected = w.expected();
    assert_ne!(expected, original);

    // Dry run: a diff on standard output, the file untouched.
    let (code, diff, err) = w.fix(&[]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(w.text(), original);
    assert!(
        err.contains("seed.md: archived 17, updated 0, repaired 0, left alone 0\n"),
        "{err}"
    );
    assert!(
        diff.starts_with("--- a/seed.md\n+++ b/seed.md\n@@ "),
        "{diff}"
    );
    let (removed, added) = changed(&diff);
    let old_lines: BTreeSet<&str> = original
        .lines()
        .filter(|l| !expected.lines().any(|e| e == *l))
        .collect();
    let new_lines: BTreeSet<&str> = expected
        .lines()
        .filter(|l| !original.lines().any(|o| o == *l))
        .collect();
    assert_eq!((removed.len(), added.len()), (17, 17));
    assert_eq!(removed.into_iter().collect::<BTreeSet<_>>(), old_lines);
    assert_eq!(added.into_iter().collect::<BTreeSet<_>>(), new_lines);

    // In place: the golden, byte for byte.
    let (code, out, err) = w.fix(&["--in-place"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, "");
    assert!(err.contains("seed.md: archived 17,"), "{err}");
    assert!(
        w.text() == expected,
        "in-place result differs from the golden"
    );

    // Again: every original is already archived; nothing changes.
    let (code, out, err) = w.fix(&["--in-place"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, "");
    // The 17 originals and the 17 links to their copies, which count as
    // archived (the mock's replay prefix is recognised as an archive's).
    assert_eq!(
        err,
        "seed.md: archived 0, updated 0, repaired 0, left alone 34 (34 already archived)\n"
    );
    assert_eq!(w.text(), expected);
    let (code, diff, _) = w.fix(&[]);
    assert_eq!((code, diff.as_str()), (0, ""));
}

fn citecheck(dir: &Path) -> Command {
    let mut cmd = common::citecheck_cmd();
    cmd.current_dir(dir);
    cmd
}

#[test]
fn usage_errors_exit_3_and_touch_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let doc = dir.path().join("doc.md");
    std::fs::write(&doc, "[a](http://a.test/)\n").unwrap();
    for args in [
        vec!["fix", "--in-place", "-"],
        vec!["fix", "--backup", "doc.md"],
        vec!["fix", "--style", "sideways", "doc.md"],
        vec!["fix", "--bibtex-archive-field", "howpublished", "doc.md"],
        vec!["fix", "--timeout", "soon", "doc.md"],
    ] {
        let out = citecheck(dir.path()).args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(3), "{args:?}");
        assert!(out.stdout.is_empty(), "{args:?}");
    }
    assert_eq!(
        std::fs::read_to_string(&doc).unwrap(),
        "[a](http://a.test/)\n"
    );
}

/// One dead, one moved, one damaged and one live citation on local hosts.
#[test]
fn update_moved_repair_backup_and_diff_file() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let mock = runtime.block_on(Mock::start());
    let server = Server::start(|r| match r.path.as_str() {
        "/old" => Reply::redirect(301, "/new"),
        "/new" | "/ok" | "/a_b" => Reply::html(200, "<title>A page</title>"),
        _ => Reply::status(404),
    });
    let p = server.port;
    mock.add(
        &format!("http://dead.test:{p}/gone"),
        vec![cap("20200101000000", 200, "GOOD")],
    );
    let dir = tempfile::tempdir().unwrap();
    let original = format!(
        "# Notes\r\n\r\nGone: [g](http://dead.test:{p}/gone).\r\n\
         Moved: <http://moved.test:{p}/old>\r\n\
         Damaged: [d](http://alive.test:{p}/a\\_b)\r\n\
         Fine: [f](http://alive.test:{p}/ok)\r\n"
    );
    let doc = dir.path().join("doc.md");
    std::fs::write(&doc, &original).unwrap();
    let base = mock.base();
    let mut cmd = citecheck(dir.path());
    cmd.args(["fix", "--no-cache", "--no-progress", "--max-retries", "0"])
        .args(["--wayback-url", &base, "--dns-canary", "alive.test"]);
    for host in ["dead.test", "moved.test", "alive.test"] {
        cmd.args(["--resolve", &format!("{host}:{p}:127.0.0.1")]);
    }
    let out = cmd
        .args(["--update-moved", "--repair", "--in-place", "--backup"])
        .args(["--output", "changes.diff", "doc.md"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(out.stdout.is_empty());
    assert_eq!(
        err,
        "doc.md: archived 1, updated 1, repaired 1, left alone 1 (1 not dead)\n"
    );
    let fixed = format!(
        "# Notes\r\n\r\nGone: [g](http://dead.test:{p}/gone) \
         ([archived]({base}web/20200101000000/http://dead.test:{p}/gone)).\r\n\
         Moved: <http://moved.test:{p}/new>\r\n\
         Damaged: [d](http://alive.test:{p}/a_b)\r\n\
         Fine: [f](http://alive.test:{p}/ok)\r\n"
    );
    assert_eq!(std::fs::read_to_string(&doc).unwrap(), fixed);
    let backup = std::fs::read_to_string(dir.path().join("doc.md.orig")).unwrap();
    assert_eq!(backup, original);
    let diff = std::fs::read_to_string(dir.path().join("changes.diff")).unwrap();
    let (removed, added) = changed(&diff);
    assert_eq!(removed.len(), 3, "{diff}");
    assert_eq!(added.len(), 3, "{diff}");
    assert!(diff.starts_with("--- a/doc.md\n+++ b/doc.md\n"), "{diff}");
    // The live citation's line is context at most, never changed.
    assert!(
        removed
            .iter()
            .chain(&added)
            .all(|l| !l.starts_with("Fine:")),
        "{diff}"
    );
    assert!(diff.contains("\n Fine: [f]"), "{diff}");
}

#[test]
fn standard_input_gets_a_diff() {
    // Excluded from checking, so no network; --repair still applies.
    let dir = tempfile::tempdir().unwrap();
    let out = citecheck(dir.path())
        .args(["fix", "--no-cache", "--no-progress", "--repair"])
        .args(["--exclude", "a\\.test", "--input-format", "markdown", "-"])
        .write_stdin("See [d](http://a.test/x\\_y).\n")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "--- a/-\n+++ b/-\n@@ -1 +1 @@\n-See [d](http://a.test/x\\_y).\n+See [d](http://a.test/x_y).\n"
    );
    assert_eq!(
        err,
        "-: archived 0, updated 0, repaired 1, left alone 0\n\
         dry run: nothing was written; --in-place writes these changes\n"
    );
}
