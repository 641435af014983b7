//! `citecheck history URL`: print a URL's past checks from the history store.
//!
//! A missing store file is not an error and is not created: a URL that was
//! never checked simply has an empty history.

use std::path::Path;

use anyhow::Result;
use citecheck::store::{CheckRecord, Store};
use serde::Serialize;

use super::cache::store_path;
use super::{write_report, Exit};
use crate::cli::{HistoryArgs, HistoryFormat};

/// Runs `citecheck history`.
pub fn run(args: HistoryArgs) -> Result<Exit> {
    let path = store_path(&args.store)?;
    let checks = if path.try_exists().unwrap_or(true) {
        Store::open(&path)?.history(&args.url)?
    } else {
        Vec::new()
    };
    let report = match args.format {
        HistoryFormat::Json => json(&args.url, &checks),
        HistoryFormat::Text => text(&args.url, &path, &checks),
    };
    write_report(&args.output, report.as_bytes())?;
    Ok(Exit::Clean)
}

#[derive(Serialize)]
struct HistoryJson<'a> {
    schema: &'static str,
    url: &'a str,
    checks: Vec<CheckJson<'a>>,
}

#[derive(Serialize)]
struct CheckJson<'a> {
    checked_at: String,
    verdict: &'a str,
    http_status: Option<u16>,
    reason: &'a str,
    final_url: Option<&'a str>,
}

/// The `citecheck/1` JSON document: the URL and its checks, newest first.
fn json(url: &str, checks: &[CheckRecord]) -> String {
    let doc = HistoryJson {
        schema: citecheck::report::SCHEMA,
        url,
        checks: checks
            .iter()
            .map(|c| CheckJson {
                checked_at: c.checked_at.to_string(),
                verdict: &c.verdict,
                http_status: c.http_status,
                reason: &c.reason,
                final_url: c.final_url.as_deref(),
            })
            .collect(),
    };
    // Serialising plain data into a String cannot fail.
    let mut out = serde_json::to_string_pretty(&doc).unwrap_or_default();
    out.push('\n');
    out
}

/// A heading line, then an aligned table (time in UTC, verdict, status,
/// reason, final URL).
fn text(url: &str, store: &Path, checks: &[CheckRecord]) -> String {
    let (count, noun) = match checks.len() {
        1 => (1, "check"),
        n => (n, "checks"),
    };
    if count == 0 {
        return format!("{url}: no checks recorded in {}\n", store.display());
    }
    let mut out = format!(
        "{url}: {count} {noun} recorded in {}, newest first\n",
        store.display()
    );
    let header = ["CHECKED (UTC)", "VERDICT", "STATUS", "REASON", "FINAL URL"].map(String::from);
    let rows: Vec<[String; 5]> = std::iter::once(header)
        .chain(checks.iter().map(|c| {
            [
                c.checked_at.strftime("%Y-%m-%d %H:%M:%S").to_string(),
                c.verdict.clone(),
                c.http_status
                    .map(|s| s.to_string())
                    .unwrap_or_else(|| "-".to_string()),
                c.reason.clone(),
                c.final_url.clone().unwrap_or_default(),
            ]
        }))
        .collect();
    out.push_str(&align(&rows));
    out
}

/// Pads every column to its widest cell (in characters), two spaces apart,
/// without trailing blanks.
fn align<const N: usize>(rows: &[[String; N]]) -> String {
    let mut widths = [0usize; N];
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for row in rows {
        let mut line = String::new();
        for (cell, w) in row.iter().zip(widths) {
            let pad = w.saturating_sub(cell.chars().count());
            line.push_str(cell);
            line.extend(std::iter::repeat_n(' ', pad + 2));
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::Timestamp;

    fn check(secs: i64, verdict: &str, status: Option<u16>, reason: &str) -> CheckRecord {
        CheckRecord {
            url: "https://example.org/a".to_string(),
            checked_at: Timestamp::from_second(secs).unwrap(),
            verdict: verdict.to_string(),
            http_status: status,
            reason: reason.to_string(),
            final_url: None,
            redirects: None,
        }
    }

    #[test]
    fn text_is_an_aligned_table() {
        let mut moved = check(86_400, "moved", Some(301), "redirected");
        moved.final_url = Some("https://example.org/b".to_string());
        let checks = [moved, check(0, "unreachable", None, "connection refused")];
        let out = text("https://example.org/a", Path::new("/c/h.sqlite3"), &checks);
        assert_eq!(
            out,
            "https://example.org/a: 2 checks recorded in /c/h.sqlite3, newest first\n\
             CHECKED (UTC)        VERDICT      STATUS  REASON              FINAL URL\n\
             1970-01-02 00:00:00  moved        301     redirected          https://example.org/b\n\
             1970-01-01 00:00:00  unreachable  -       connection refused\n"
        );
        assert_eq!(
            text("u", Path::new("h"), &[]),
            "u: no checks recorded in h\n"
        );
    }

    #[test]
    fn json_lists_the_checks() {
        let out = json("u", &[check(0, "dead", Some(404), "not found")]);
        let value: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(
            value,
            serde_json::json!({
                "schema": "citecheck/1",
                "url": "u",
                "checks": [{
                    "checked_at": "1970-01-01T00:00:00Z",
                    "verdict": "dead",
                    "http_status": 404,
                    "reason": "not found",
                    "final_url": null
                }]
            })
        );
    }
}
