//! The CI integration files (`action.yml`, `.pre-commit-hooks.yaml`) call the
//! real command line: every `--option` they pass must be one `citecheck
//! check` accepts, so renaming an option cannot silently break them.

use std::collections::BTreeSet;

use assert_cmd::Command;

fn read(name: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The `--long-options` named in a text.
fn long_options(text: &str) -> BTreeSet<String> {
    let re = regex::Regex::new(r"(?:^|[\s(\x22'])(--[a-z][a-z-]+)").unwrap();
    re.captures_iter(text).map(|c| c[1].to_string()).collect()
}

fn check_help() -> String {
    let out = Command::cargo_bin("citecheck")
        .expect("binary built")
        .args(["check", "--help"])
        .output()
        .expect("runs");
    String::from_utf8(out.stdout).expect("UTF-8")
}

#[test]
fn action_passes_only_real_check_options() {
    let action = read("action.yml");
    let step = action
        .split("- name: Check citations")
        .nth(1)
        .expect("the check step");
    let used = long_options(step);
    assert_eq!(
        used.iter().map(String::as_str).collect::<Vec<_>>(),
        [
            "--format",
            "--no-progress",
            "--output",
            "--strict",
            "--summary"
        ]
    );
    let help = check_help();
    for opt in &used {
        assert!(help.contains(opt.as_str()), "check has no {opt}");
    }
    for input in ["args:", "format:", "fail-on:", "version:", "history:"] {
        assert!(action.contains(&format!("\n  {input}")), "input {input}");
    }
}

#[test]
fn pre_commit_hook_runs_check_with_real_options() {
    let hooks = read(".pre-commit-hooks.yaml");
    let entry = hooks
        .lines()
        .find_map(|l| l.trim().strip_prefix("entry: "))
        .expect("an entry");
    assert!(entry.starts_with("citecheck check"), "{entry}");
    let help = check_help();
    for opt in long_options(entry) {
        assert!(help.contains(opt.as_str()), "check has no {opt}");
    }
    assert!(hooks.contains("language: rust"));
}
