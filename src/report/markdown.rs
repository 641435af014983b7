//! The Markdown report: a table fit for a pull-request comment or a CI job
//! summary (`$GITHUB_STEP_SUMMARY`).
//!
//! A reviewer wants the problems, not the hundreds of live links, so the
//! table lists every citation that is not alive, most urgent first, and the
//! live ones fold into a `<details>` block. Cells are escaped for GitHub
//! Flavored Markdown: a `|` would split the cell and `*_[<&` would turn text
//! into markup, so they are backslash-escaped; URLs become autolinks with the
//! few characters an autolink cannot hold percent-encoded. Each table stops
//! at [`MAX_ROWS`] rows and says how many it left out.

use std::fmt::Write as _;

use super::check::{summary_line, Checked, Summary};
use super::{archive_url, label, reason, urgent_first};
use crate::check::Verdict;

/// Rows per table: GitHub refuses job summaries over 1 MiB, and a reviewer
/// reads the first rows anyway (the most urgent come first).
pub const MAX_ROWS: usize = 1000;

const HEADER: &str = "| Verdict | Location | Note | URL | Reason | Archive |\n\
                      |---|---|---|---|---|---|\n";

/// The Markdown report: a heading, the counts, then the table.
pub fn render(records: &[Checked], summary: &Summary) -> String {
    let mut out = String::from("### citecheck\n\n");
    let _ = writeln!(out, "**{}**\n", summary_line(summary));
    if records.is_empty() {
        out.push_str("No citations found.\n");
        return out;
    }
    let sorted = urgent_first(records);
    let split = sorted.partition_point(|r| r.result.verdict != Verdict::Alive);
    let (problems, alive) = sorted.split_at(split);
    if problems.is_empty() {
        out.push_str("Every cited URL is alive.\n");
    } else {
        table(&mut out, problems);
    }
    if !alive.is_empty() {
        let _ = writeln!(out, "\n<details><summary>{} alive</summary>\n", alive.len());
        table(&mut out, alive);
        out.push_str("\n</details>\n");
    }
    out
}

fn table(out: &mut String, rows: &[&Checked]) {
    out.push_str(HEADER);
    for r in rows.iter().take(MAX_ROWS) {
        let c = &r.citation;
        let archive = archive_url(r)
            .map_or_else(|| "—".to_string(), |u| format!("[archived](<{}>)", url(&u)));
        let _ = writeln!(
            out,
            "| {} | {}:{}:{} | {} | <{}> | {} | {} |",
            r.result.verdict.name(),
            text(&c.source),
            c.line,
            c.column,
            text(label(r)),
            url(&c.url),
            text(&reason(r)),
            archive
        );
    }
    if rows.len() > MAX_ROWS {
        let _ = writeln!(
            out,
            "\n… and {} more, not shown (see the full report in another format).",
            rows.len() - MAX_ROWS
        );
    }
}

/// Escapes plain text for a table cell: Markdown punctuation is
/// backslash-escaped and line breaks become spaces.
pub fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '&' | '~' | '#' => {
                out.push('\\');
                out.push(ch);
            }
            '\r' | '\n' => out.push(' '),
            c if c.is_control() => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// Makes a URL safe inside `<…>` in a table cell: what an autolink may not
/// contain is percent-encoded, and `|` is escaped for the table.
pub fn url(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '|' => out.push_str("\\|"),
            '<' | '>' | ' ' | '\\' => {
                let _ = write!(out, "%{:02X}", ch as u32);
            }
            c if c.is_control() => {
                let mut buf = [0; 4];
                for b in c.encode_utf8(&mut buf).bytes() {
                    let _ = write!(out, "%{b:02X}");
                }
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_escapes_markup_and_pipes() {
        assert_eq!(text("a|b *c* <d> [e]"), r"a\|b \*c\* \<d\> \[e\]");
        assert_eq!(text("x_y\ny&z"), r"x\_y y\&z");
    }

    #[test]
    fn url_encodes_what_an_autolink_cannot_hold() {
        assert_eq!(url("http://a.org/x|y"), r"http://a.org/x\|y");
        assert_eq!(url("http://a.org/<x> y"), "http://a.org/%3Cx%3E%20y");
        assert_eq!(url("http://a.org/\u{7f}"), "http://a.org/%7F");
    }

    #[test]
    fn long_tables_are_cut_with_a_count() {
        use crate::check::CheckResult;
        use crate::citation::{Citation, CitationKind};
        let records: Vec<Checked> = (1..=MAX_ROWS + 5)
            .map(|line| {
                let citation = Citation {
                    source: "d.md".into(),
                    line,
                    column: 1,
                    footnote: None,
                    kind: CitationKind::Bare,
                    url: format!("https://a.org/{line}"),
                    raw: None,
                    repairs: Vec::new(),
                    cited: None,
                    context: None,
                    archived: None,
                    span: 0..0,
                    element: 0..0,
                    text_span: None,
                };
                Checked::new(citation, CheckResult::plain(Verdict::Dead, "HTTP 404"))
            })
            .collect();
        let out = render(&records, &Summary::of(&records));
        assert_eq!(out.matches("| dead |").count(), MAX_ROWS);
        assert!(out.contains(&format!("| d.md:{MAX_ROWS}:1 |")));
        assert!(!out.contains(&format!("| d.md:{}:1 |", MAX_ROWS + 1)));
        assert!(
            out.ends_with("\n… and 5 more, not shown (see the full report in another format).\n")
        );
    }

    #[test]
    fn empty_report_says_so() {
        let out = render(&[], &Summary::default());
        assert_eq!(
            out,
            "### citecheck\n\n**0 citations, 0 URLs**\n\nNo citations found.\n"
        );
    }
}
