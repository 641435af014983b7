//! The JUnit XML report: one test case per citation, for the test-report
//! viewers of CI systems (GitLab, Jenkins, Azure, GitHub test-report actions).
//!
//! Each document is a `<testsuite>`; each citation a `<testcase>` whose
//! `classname` is the document and whose name carries line, column and URL,
//! so the viewer's list reads like a link report. Dead and invalid citations
//! fail, skipped ones are skipped, and the rest pass; blocked, unreachable and
//! moved ones say so in `<system-out>`, because JUnit has no "warning".
//! Everything document-derived goes through [`escape`]: the five XML entities,
//! numeric references for line breaks and tabs inside attributes (which XML
//! would otherwise normalise to spaces), and U+FFFD for the control
//! characters XML 1.0 cannot carry at all.

use std::fmt::Write as _;

use super::check::{summary_line, Checked, Summary};
use super::{archive_url, reason};
use crate::check::Verdict;

/// The JUnit XML report.
pub fn render(records: &[Checked], summary: &Summary) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"citecheck\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"{}\">",
        summary.citations,
        summary.dead + summary.invalid,
        summary.skipped
    );
    for group in records.chunk_by(|a, b| a.citation.source == b.citation.source) {
        suite(&mut out, group);
    }
    let _ = writeln!(
        out,
        "  <!-- {} -->",
        summary_line(summary).replace("--", "- -")
    );
    out.push_str("</testsuites>\n");
    out
}

fn suite(out: &mut String, group: &[Checked]) {
    let Some(first) = group.first() else { return };
    let count = |v: &[Verdict]| {
        group
            .iter()
            .filter(|r| v.contains(&r.result.verdict))
            .count()
    };
    let _ = writeln!(
        out,
        "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"{}\">",
        escape(&first.citation.source),
        group.len(),
        count(&[Verdict::Dead, Verdict::Invalid]),
        count(&[Verdict::Skipped])
    );
    for r in group {
        case(out, r);
    }
    out.push_str("  </testsuite>\n");
}

fn case(out: &mut String, r: &Checked) {
    let c = &r.citation;
    let _ = write!(
        out,
        "    <testcase name=\"{}\" classname=\"{}\" file=\"{}\" line=\"{}\"",
        escape(&format!("{}:{} {}", c.line, c.column, c.url)),
        escape(&c.source),
        escape(&c.source),
        c.line
    );
    let verdict = r.result.verdict;
    let message = escape(&reason(r));
    match verdict {
        Verdict::Alive => out.push_str("/>\n"),
        Verdict::Dead | Verdict::Invalid => {
            let mut body = format!("{}: {verdict} ({})", c.url, reason(r));
            if let Some(a) = archive_url(r) {
                let _ = write!(body, "\narchived copy: {a}");
            }
            let _ = write!(
                out,
                ">\n      <failure type=\"{verdict}\" message=\"{message}\">{}</failure>\n    </testcase>\n",
                escape(&body)
            );
        }
        Verdict::Skipped => {
            let _ = write!(
                out,
                ">\n      <skipped message=\"{message}\"/>\n    </testcase>\n"
            );
        }
        Verdict::Blocked | Verdict::Unreachable | Verdict::Moved => {
            let _ = write!(
                out,
                ">\n      <system-out>{}</system-out>\n    </testcase>\n",
                escape(&format!("{verdict}: {}", reason(r)))
            );
        }
    }
}

/// Escapes text for XML 1.0 attribute values and character data alike.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            // Not representable in XML 1.0, not even as a reference.
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_entities_breaks_and_forbidden_characters() {
        assert_eq!(
            escape(r#"a<b>&"c" 'd'"#),
            "a&lt;b&gt;&amp;&quot;c&quot; &apos;d&apos;"
        );
        assert_eq!(escape("x\ny\tz\r"), "x&#10;y&#9;z&#13;");
        assert_eq!(escape("bell\u{7}nul\u{0}"), "bell\u{FFFD}nul\u{FFFD}");
        assert_eq!(escape("été"), "été");
    }

    #[test]
    fn empty_report_is_well_formed() {
        let out = render(&[], &Summary::default());
        assert_eq!(
            out,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
             <testsuites name=\"citecheck\" tests=\"0\" failures=\"0\" errors=\"0\" skipped=\"0\">\n  \
             <!-- 0 citations, 0 URLs -->\n\
             </testsuites>\n"
        );
    }
}
