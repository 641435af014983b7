//! The CSV report: one row per citation, for spreadsheets.
//!
//! Written by hand rather than with a crate because RFC 4180 needs one rule:
//! a field holding a comma, a double quote, CR or LF is wrapped in double
//! quotes with its quotes doubled. Rows end in CRLF as the RFC says, and the
//! first row names the columns. Rows keep document order so a spreadsheet
//! sorted by `line` matches the document; values are written exactly as
//! found, never altered (a spreadsheet user importing untrusted documents
//! should import as text).

use super::archive_url;
use super::check::Checked;

/// The column names, in order.
pub const COLUMNS: [&str; 13] = [
    "source",
    "line",
    "column",
    "footnote",
    "kind",
    "url",
    "verdict",
    "http_status",
    "reason",
    "final_url",
    "cited",
    "known_archive",
    "archive_url",
];

/// The CSV report: a header row, then one row per citation in document order.
pub fn render(records: &[Checked]) -> String {
    let mut out = String::new();
    row(&mut out, COLUMNS.iter().map(|c| c.to_string()));
    for r in records {
        let c = &r.citation;
        let fields = [
            c.source.clone(),
            c.line.to_string(),
            c.column.to_string(),
            c.footnote.clone().unwrap_or_default(),
            c.kind.name().to_string(),
            c.url.clone(),
            r.result.verdict.name().to_string(),
            r.result
                .http_status
                .map(|s| s.to_string())
                .unwrap_or_default(),
            r.result.reason.clone(),
            r.result.final_url.clone().unwrap_or_default(),
            c.cited.map(|d| d.to_string()).unwrap_or_default(),
            c.archived.clone().unwrap_or_default(),
            archive_url(r).unwrap_or_default(),
        ];
        row(&mut out, fields.into_iter());
    }
    out
}

fn row(out: &mut String, fields: impl Iterator<Item = String>) {
    for (i, f) in fields.enumerate() {
        if i > 0 {
            out.push(',');
        }
        field(out, &f);
    }
    out.push_str("\r\n");
}

/// Appends one field, quoted only when RFC 4180 requires it.
pub fn field(out: &mut String, value: &str) {
    if value.contains([',', '"', '\r', '\n']) {
        out.push('"');
        out.push_str(&value.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quoted(s: &str) -> String {
        let mut out = String::new();
        field(&mut out, s);
        out
    }

    #[test]
    fn quotes_only_when_needed() {
        assert_eq!(quoted("plain"), "plain");
        assert_eq!(quoted(""), "");
        assert_eq!(quoted("a,b"), "\"a,b\"");
        assert_eq!(quoted("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(quoted("two\nlines"), "\"two\nlines\"");
        assert_eq!(quoted("cr\r"), "\"cr\r\"");
    }

    #[test]
    fn empty_report_is_the_header() {
        assert_eq!(
            render(&[]),
            "source,line,column,footnote,kind,url,verdict,http_status,reason,final_url,cited,known_archive,archive_url\r\n"
        );
    }
}
