//! `citecheck completions` and `citecheck man`: generated from the clap
//! definitions, so every subcommand must appear in each output.

use assert_cmd::Command;

const SUBCOMMANDS: [&str; 7] = [
    "extract",
    "check",
    "archive",
    "history",
    "cache",
    "completions",
    "man",
];

fn citecheck() -> Command {
    let mut cmd = Command::cargo_bin("citecheck").expect("binary built");
    cmd.env("NO_COLOR", "1");
    cmd
}

fn stdout(args: &[&str]) -> String {
    let out = citecheck().args(args).output().expect("runs");
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8")
}

#[test]
fn every_shell_completes_every_subcommand() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let script = stdout(&["completions", shell]);
        assert!(script.contains("citecheck"), "{shell}");
        for sub in SUBCOMMANDS {
            assert!(script.contains(sub), "{shell} script lacks {sub}");
        }
    }
    // Where the shell completes option values, --format offers the formats.
    for shell in ["bash", "zsh", "fish"] {
        let script = stdout(&["completions", shell]);
        assert!(script.contains("sarif"), "{shell} script lacks sarif");
    }
    assert!(stdout(&["completions", "bash"]).starts_with("_citecheck() {"));
    assert!(stdout(&["completions", "zsh"]).starts_with("#compdef citecheck"));
    assert!(stdout(&["completions", "fish"]).contains("complete -c citecheck"));
}

#[test]
fn unknown_shell_is_a_usage_error() {
    let out = citecheck()
        .args(["completions", "tcsh"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(3));
}

#[test]
fn man_page_lists_subcommands_and_examples() {
    let page = stdout(&["man"]);
    assert!(page.contains(".TH citecheck 1"), "{page}");
    for sub in SUBCOMMANDS {
        assert!(
            page.contains(&format!("citecheck\\-{sub}(1)")),
            "man page lacks {sub}"
        );
    }
    // The examples keep their columns (no-fill) and their option dashes.
    assert!(page.contains(".SH EXAMPLES\n.nf\n"));
    assert!(page.contains("citecheck check \\-\\-format github docs/"));
    assert!(!page.contains(".SH EXTRA"));
}

#[test]
fn man_page_of_a_subcommand() {
    let page = stdout(&["man", "check"]);
    assert!(page.contains(".TH citecheck-check 1"), "{page}");
    assert!(page.contains("\\-\\-format"));
    assert!(page.contains("sarif"));
    let out = citecheck().args(["man", "nope"]).output().expect("runs");
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no subcommand \"nope\""));
}

#[test]
fn man_out_dir_writes_one_page_per_command() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out_dir = dir.path().join("man1");
    let out = citecheck()
        .args(["man", "--out-dir"])
        .arg(&out_dir)
        .output()
        .expect("runs");
    assert!(out.status.success());
    let mut names: Vec<String> = std::fs::read_dir(&out_dir)
        .expect("dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    for expected in [
        "citecheck.1",
        "citecheck-check.1",
        "citecheck-cache-prune.1",
        "citecheck-man.1",
    ] {
        assert!(names.iter().any(|n| n == expected), "{names:?}");
    }
}

#[test]
fn help_shows_examples_for_the_common_jobs() {
    let help = stdout(&["--help"]);
    for needle in [
        "CI check",
        "citecheck check --format github docs/",
        "Archivist fix",
        "citecheck fix --in-place",
        "Save before it dies",
        "citecheck archive --if-not-archived-within 6m",
    ] {
        assert!(help.contains(needle), "--help lacks {needle:?}:\n{help}");
    }
}
