//! The GitHub Actions report: workflow commands that put annotations on the
//! lines of a pull request's diff.
//!
//! Dead and invalid citations are `::error`, blocked and unreachable ones
//! `::warning`, moved ones `::notice`; live and skipped ones print nothing,
//! so the log stays about problems. The runner caps the annotations it shows
//! per step, so the most urgent come first. A command's message and its
//! properties are escaped as the runner decodes them: `%`, CR and LF
//! everywhere, and `:` and `,` in property values too, where they would end
//! the value. The closing summary line is plain log text.

use std::fmt::Write as _;

use super::check::{summary_line, Checked, Summary};
use super::{archive_url, reason, urgent_first};
use crate::check::Verdict;

/// The workflow commands for every citation that needs attention, then the
/// summary line.
pub fn render(records: &[Checked], summary: &Summary) -> String {
    let mut out = String::new();
    for r in urgent_first(records) {
        let Some((command, title)) = command(r.result.verdict) else {
            continue;
        };
        let c = &r.citation;
        let mut message = format!("{} is {}: {}", c.url, r.result.verdict, reason(r));
        if let Some(a) = archive_url(r) {
            let _ = write!(message, " (archived copy: {a})");
        }
        let _ = writeln!(
            out,
            "::{command} file={},line={},col={},title={}::{}",
            property(&c.source),
            c.line,
            c.column,
            property(title),
            data(&message)
        );
    }
    out.push_str(&summary_line(summary));
    out.push('\n');
    out
}

fn command(v: Verdict) -> Option<(&'static str, &'static str)> {
    Some(match v {
        Verdict::Dead => ("error", "Dead citation"),
        Verdict::Invalid => ("error", "Invalid citation"),
        Verdict::Blocked => ("warning", "Blocked citation"),
        Verdict::Unreachable => ("warning", "Unreachable citation"),
        Verdict::Moved => ("notice", "Moved citation"),
        Verdict::Skipped | Verdict::Alive => return None,
    })
}

/// Escapes a command's message.
pub fn data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a command's property value.
pub fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_as_the_runner_decodes() {
        assert_eq!(data("100% done\r\nnext"), "100%25 done%0D%0Anext");
        assert_eq!(data("a: b, c"), "a: b, c");
        assert_eq!(property("C:\\a,b%\n"), "C%3A\\a%2Cb%25%0A");
    }

    #[test]
    fn nothing_to_report_prints_only_the_summary() {
        assert_eq!(render(&[], &Summary::default()), "0 citations, 0 URLs\n");
    }
}
