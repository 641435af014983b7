//! Unified diffs for the dry run.
//!
//! The diff is what a person reviews before `--in-place`, so it must look
//! like `diff -u`/`git diff` output (tools such as `patch` can apply it) and
//! show only lines that change. Lines are compared as they are, line ending
//! included, so a CRLF file shows CRLF lines; colour is added per line only
//! when asked, never inside the text.

use std::fmt::Write as _;
use std::time::Duration;

use similar::{Algorithm, ChangeTag, TextDiff};

const RED: &str = "\x1b[31m";
const GREEN: &str = "\x1b[32m";
const CYAN: &str = "\x1b[36m";
const BOLD: &str = "\x1b[1m";
const RESET: &str = "\x1b[0m";

/// A unified diff (three lines of context) from `old` to `new`, headed
/// `a/PATH` and `b/PATH`; empty when they are equal. With `color`, ANSI
/// colours mark headers, hunks, removals and additions.
pub fn unified_diff(path: &str, old: &str, new: &str, color: bool) -> String {
    if old == new {
        return String::new();
    }
    let diff = TextDiff::configure()
        .algorithm(Algorithm::Myers)
        .timeout(Duration::from_secs(10))
        .diff_lines(old, new);
    let paint = |style: &str, line: &str| -> String {
        if color {
            format!("{style}{line}{RESET}")
        } else {
            line.to_string()
        }
    };
    let mut out = String::new();
    let _ = writeln!(out, "{}", paint(BOLD, &format!("--- a/{path}")));
    let _ = writeln!(out, "{}", paint(BOLD, &format!("+++ b/{path}")));
    for hunk in diff.unified_diff().context_radius(3).iter_hunks() {
        let _ = writeln!(out, "{}", paint(CYAN, &hunk.header().to_string()));
        for change in hunk.iter_changes() {
            let (sign, style) = match change.tag() {
                ChangeTag::Delete => ('-', Some(RED)),
                ChangeTag::Insert => ('+', Some(GREEN)),
                ChangeTag::Equal => (' ', None),
            };
            let value = change.value();
            let body = value.strip_suffix('\n').unwrap_or(value);
            let line = format!("{sign}{body}");
            out.push_str(&style.map_or_else(|| line.clone(), |s| paint(s, &line)));
            out.push('\n');
            if change.missing_newline() {
                out.push_str("\\ No newline at end of file\n");
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diff_shows_only_changed_lines_with_context() {
        let old = "a\nb\nc\nd\ne\nf\ng\nh\n";
        let new = "a\nb\nc\nd\nE\nf\ng\nh\n";
        assert_eq!(
            unified_diff("x.md", old, new, false),
            "--- a/x.md\n+++ b/x.md\n@@ -2,7 +2,7 @@\n b\n c\n d\n-e\n+E\n f\n g\n h\n"
        );
    }

    #[test]
    fn equal_texts_have_no_diff() {
        assert_eq!(unified_diff("x", "same\n", "same\n", true), "");
    }

    #[test]
    fn crlf_lines_keep_their_carriage_return_and_colour_wraps_lines() {
        let d = unified_diff("x", "a\r\n", "b\r\n", true);
        assert_eq!(
            d,
            "\x1b[1m--- a/x\x1b[0m\n\x1b[1m+++ b/x\x1b[0m\n\x1b[36m@@ -1 +1 @@\x1b[0m\n\
             \x1b[31m-a\r\x1b[0m\n\x1b[32m+b\r\x1b[0m\n"
        );
    }

    #[test]
    fn missing_final_newline_is_marked() {
        assert_eq!(
            unified_diff("x", "a", "b", false),
            "--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n\\ No newline at end of file\n+b\n\\ No newline at end of file\n"
        );
    }
}
