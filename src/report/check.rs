//! The `check` report: each citation with the verdict on its URL.
//!
//! A [`Checked`] record is the citation as `extract` reports it (flattened,
//! so the fields are the same) plus the result of its URL and what the later
//! stages added: the archive copy, a "did you mean" suggestion, and how long
//! an unconfirmed death has lasted. Every added field is always present
//! (`null` when empty) so the JSON shape does not depend on the options. The
//! text report groups by file in document (footnote) order and puts the
//! urgent verdicts first, each followed by its archive and suggestion lines.

use std::fmt::Write as _;

use serde::{Serialize, Serializer};

use crate::archive::{Relation, Snapshot};
use crate::check::{CheckResult, Verdict};
use crate::citation::Citation;

/// How the archive look-up of a citation ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Lookup {
    /// A good capture was found (see `archive`).
    Found,
    /// No archive consulted holds a good capture.
    NotFound,
    /// Not asked, to stay clear of an archive's rate limit; try again later.
    Deferred,
    /// The look-up failed (network, malformed answer).
    Failed,
}

impl Lookup {
    /// The name used in reports and in the history store.
    pub fn name(self) -> &'static str {
        match self {
            Lookup::Found => "found",
            Lookup::NotFound => "not-found",
            Lookup::Deferred => "deferred",
            Lookup::Failed => "failed",
        }
    }
}

/// One citation with its verdict.
#[derive(Debug, Clone, Serialize)]
pub struct Checked {
    /// The citation, as extracted.
    #[serde(flatten)]
    pub citation: Citation,
    /// The result of checking its URL.
    #[serde(flatten)]
    pub result: CheckResult,
    /// The archive copy chosen for the citation; `null` when none was found
    /// or none was looked up.
    pub archive: Option<Snapshot>,
    /// How the archive look-up ended; `null` when there was none.
    pub archive_lookup: Option<Lookup>,
    /// For a dead URL whose host does not exist: the same URL on a host one
    /// edit away that is cited elsewhere in the run and was checked alive.
    pub suggestion: Option<String>,
    /// With `--confirm-dead`: the first failure of a death not yet confirmed.
    #[serde(serialize_with = "opt_display")]
    pub failing_since: Option<jiff::Timestamp>,
}

impl Checked {
    /// A record with nothing but the citation and its check result.
    pub fn new(citation: Citation, result: CheckResult) -> Checked {
        Checked {
            citation,
            result,
            archive: None,
            archive_lookup: None,
            suggestion: None,
            failing_since: None,
        }
    }

    /// Whether the citation counts as dead for the exit status: dead, and
    /// not merely failing for less than the confirm-dead rule asks.
    pub fn is_confirmed_dead(&self) -> bool {
        self.result.verdict == Verdict::Dead && self.failing_since.is_none()
    }
}

fn opt_display<S: Serializer, T: std::fmt::Display>(
    v: &Option<T>,
    s: S,
) -> Result<S::Ok, S::Error> {
    match v {
        Some(v) => s.collect_str(v),
        None => s.serialize_none(),
    }
}

/// The counts of a check report.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Citations reported.
    pub citations: usize,
    /// Distinct URLs among them.
    pub urls: usize,
    /// Citations per verdict.
    pub alive: usize,
    /// See [`Verdict::Moved`].
    pub moved: usize,
    /// See [`Verdict::Dead`].
    pub dead: usize,
    /// See [`Verdict::Blocked`].
    pub blocked: usize,
    /// See [`Verdict::Unreachable`].
    pub unreachable: usize,
    /// See [`Verdict::Skipped`].
    pub skipped: usize,
    /// See [`Verdict::Invalid`].
    pub invalid: usize,
    /// Citations with an archive copy.
    pub archived: usize,
    /// Dead citations whose death `--confirm-dead` has not confirmed yet
    /// (counted in `dead` too).
    pub unconfirmed: usize,
}

impl Summary {
    /// Counts the records (per citation; `urls` counts distinct URLs).
    pub fn of(records: &[Checked]) -> Summary {
        let mut s = Summary {
            citations: records.len(),
            ..Summary::default()
        };
        let mut urls = std::collections::HashSet::new();
        for r in records {
            urls.insert(r.citation.url.as_str());
            *s.slot(r.result.verdict) += 1;
            if r.archive.is_some() {
                s.archived += 1;
            }
            if r.failing_since.is_some() && r.result.verdict == Verdict::Dead {
                s.unconfirmed += 1;
            }
        }
        s.urls = urls.len();
        s
    }

    fn slot(&mut self, v: Verdict) -> &mut usize {
        match v {
            Verdict::Alive => &mut self.alive,
            Verdict::Moved => &mut self.moved,
            Verdict::Dead => &mut self.dead,
            Verdict::Blocked => &mut self.blocked,
            Verdict::Unreachable => &mut self.unreachable,
            Verdict::Skipped => &mut self.skipped,
            Verdict::Invalid => &mut self.invalid,
        }
    }

    /// Citations with this verdict.
    pub fn count(&self, v: Verdict) -> usize {
        let mut copy = self.clone();
        *copy.slot(v)
    }
}

#[derive(Serialize)]
struct CheckJson<'a> {
    schema: &'static str,
    summary: Summary,
    citations: &'a [Checked],
}

/// The `citecheck/1` JSON document of a `check` run.
pub fn json(records: &[Checked]) -> String {
    let doc = CheckJson {
        schema: super::SCHEMA,
        summary: Summary::of(records),
        citations: records,
    };
    // Serialising plain data into a String cannot fail.
    let mut out = serde_json::to_string_pretty(&doc).unwrap_or_default();
    out.push('\n');
    out
}

fn style_of(v: Verdict, color: bool) -> anstyle::Style {
    use anstyle::AnsiColor::*;
    if !color {
        return anstyle::Style::new();
    }
    let c = match v {
        Verdict::Dead | Verdict::Invalid => Red,
        Verdict::Blocked | Verdict::Unreachable => Yellow,
        Verdict::Moved => Cyan,
        Verdict::Skipped => BrightBlack,
        Verdict::Alive => Green,
    };
    c.on_default().bold()
}

/// The text report: per file, the urgent verdicts first (dead, invalid,
/// blocked, unreachable, moved, skipped, alive), in document order within
/// each; then a one-line summary.
pub fn text(records: &[Checked], color: bool) -> String {
    let mut out = String::new();
    let bold = if color {
        anstyle::Style::new().bold()
    } else {
        anstyle::Style::new()
    };
    for group in records.chunk_by(|a, b| a.citation.source == b.citation.source) {
        let Some(first) = group.first() else { continue };
        let _ = writeln!(out, "{bold}{}{bold:#}", first.citation.source);
        let mut sorted: Vec<&Checked> = group.iter().collect();
        sorted.sort_by_key(|r| r.result.verdict);
        let label_w = sorted
            .iter()
            .map(|r| label(r).chars().count())
            .max()
            .unwrap_or(1);
        for r in sorted {
            let st = style_of(r.result.verdict, color);
            let _ = write!(
                out,
                "  {:<label_w$}  {:>5}  {st}{:<11}{st:#}  {}  {}",
                label(r),
                r.citation.line,
                r.result.verdict.name(),
                r.citation.url,
                r.result.reason
            );
            if let Some(to) = &r.result.final_url {
                if r.result.verdict == Verdict::Moved || !r.result.reason.contains(to.as_str()) {
                    let _ = write!(out, " → {to}");
                }
            }
            out.push('\n');
            notes(&mut out, r, label_w + URL_COLUMN);
        }
    }
    out.push_str(&summary_line(&Summary::of(records)));
    out.push('\n');
    out
}

/// "17 citations, 15 URLs: 3 dead, 1 moved, 11 alive".
pub fn summary_line(s: &Summary) -> String {
    let mut parts = Vec::new();
    for v in Verdict::ALL {
        let n = s.count(v);
        if n > 0 {
            parts.push(format!("{n} {}", v.name()));
        }
    }
    if s.archived > 0 {
        parts.push(format!("{} archived", s.archived));
    }
    if s.unconfirmed > 0 {
        parts.push(format!("{} not yet confirmed dead", s.unconfirmed));
    }
    let plural = |n: usize| if n == 1 { "" } else { "s" };
    let mut line = format!(
        "{} citation{}, {} URL{}",
        s.citations,
        plural(s.citations),
        s.urls,
        plural(s.urls)
    );
    if !parts.is_empty() {
        line.push_str(": ");
        line.push_str(&parts.join(", "));
    }
    line
}

/// Where the URL starts in a citation line, after the label: two spaces,
/// the line number (5), two, the verdict (11), two.
const URL_COLUMN: usize = 2 + 2 + 5 + 2 + 11 + 2;

/// The lines under a citation: its archive copy (or why there is none), a
/// suggestion, an unconfirmed death, indented to start under its URL.
fn notes(out: &mut String, r: &Checked, indent: usize) {
    let pad = " ".repeat(indent);
    match (&r.archive, r.archive_lookup) {
        (Some(s), _) => {
            let _ = writeln!(out, "{pad}archived: {} ({})", s.url, snapshot_note(s, r));
        }
        (None, Some(Lookup::NotFound)) => {
            let _ = writeln!(out, "{pad}no archive copy");
        }
        (None, Some(Lookup::Deferred)) => {
            let _ = writeln!(
                out,
                "{pad}archive look-up deferred (rate limit); run again later"
            );
        }
        (None, Some(Lookup::Failed)) => {
            let _ = writeln!(out, "{pad}archive look-up failed");
        }
        (None, Some(Lookup::Found) | None) => {}
    }
    if let Some(s) = &r.suggestion {
        let _ = writeln!(out, "{pad}did you mean: {s} (alive)");
    }
    if let Some(since) = r.failing_since {
        let day = since.strftime("%Y-%m-%d %H:%M UTC");
        let _ = writeln!(out, "{pad}failing since {day}; not yet confirmed dead");
    }
}

/// "2017-10-27, before the cited date".
fn snapshot_note(s: &Snapshot, r: &Checked) -> String {
    let day = crate::archive::pick::timestamp_day(&s.timestamp)
        .map_or_else(|| s.timestamp.clone(), |d| d.to_string());
    let mut note = day;
    if r.citation.cited.is_some() {
        note.push_str(match s.relation {
            Relation::Before => ", before the cited date",
            Relation::After => ", after the cited date",
        });
    }
    if s.source != "wayback" {
        let _ = write!(note, ", {}", s.source);
    }
    note
}

fn label(r: &Checked) -> String {
    match &r.citation.footnote {
        Some(l) => l.clone(),
        None => r.citation.kind.name().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::citation::CitationKind;

    fn record(line: usize, note: &str, url: &str, verdict: Verdict, reason: &str) -> Checked {
        Checked::new(
            Citation {
                source: "doc.md".into(),
                line,
                column: 1,
                footnote: Some(note.into()),
                kind: CitationKind::Footnote,
                url: url.into(),
                raw: None,
                repairs: Vec::new(),
                cited: None,
                context: None,
                archived: None,
                span: 0..0,
                element: 0..0,
                text_span: None,
            },
            CheckResult::plain(verdict, reason),
        )
    }

    #[test]
    fn text_puts_dead_first_and_summarises() {
        let records = vec![
            record(3, "1", "http://a.org/", Verdict::Alive, "HTTP 200 OK"),
            record(
                5,
                "2",
                "http://b.org/x",
                Verdict::Dead,
                "HTTP 404 Not Found",
            ),
            record(7, "3", "http://a.org/", Verdict::Alive, "HTTP 200 OK"),
        ];
        let out = text(&records, false);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines[0], "doc.md");
        assert_eq!(
            lines[1],
            "  2      5  dead         http://b.org/x  HTTP 404 Not Found"
        );
        assert_eq!(
            lines[2],
            "  1      3  alive        http://a.org/  HTTP 200 OK"
        );
        assert_eq!(lines[4], "3 citations, 2 URLs: 1 dead, 2 alive");
    }

    #[test]
    fn json_flattens_citation_and_result() {
        let mut r = record(
            5,
            "2",
            "http://b.org/x",
            Verdict::Dead,
            "HTTP 404 Not Found",
        );
        r.result.http_status = Some(404);
        let v: serde_json::Value = serde_json::from_str(&json(&[r])).unwrap();
        assert_eq!(v["schema"], "citecheck/1");
        assert_eq!(v["summary"]["dead"], 1);
        assert_eq!(v["summary"]["urls"], 1);
        assert_eq!(v["summary"]["archived"], 0);
        let c = &v["citations"][0];
        assert_eq!(c["footnote"], "2");
        assert_eq!(c["line"], 5);
        assert_eq!(c["verdict"], "dead");
        assert_eq!(c["http_status"], 404);
        assert_eq!(c["final_url"], serde_json::Value::Null);
        assert_eq!(c["archive"], serde_json::Value::Null);
    }

    #[test]
    fn notes_follow_the_citation_line() {
        let mut dead = record(
            5,
            "2",
            "http://b.org/x",
            Verdict::Dead,
            "HTTP 404 Not Found",
        );
        dead.citation.cited = crate::CitedDate::ymd(2017, 10, 27);
        dead.archive = Some(Snapshot {
            url: "https://web.archive.org/web/20171017083000/http://b.org/x".into(),
            timestamp: "20171017083000".into(),
            source: "wayback".into(),
            status: 200,
            relation: Relation::Before,
            distance_days: Some(10),
        });
        dead.archive_lookup = Some(Lookup::Found);
        let mut gone = record(7, "3", "http://c.org/y", Verdict::Dead, "no such host");
        gone.archive_lookup = Some(Lookup::Deferred);
        gone.suggestion = Some("http://cc.org/y".into());
        gone.failing_since = "2024-03-01T10:00:00Z".parse().ok();
        let out = text(&[dead, gone], false);
        let lines: Vec<&str> = out.lines().collect();
        let pad = " ".repeat(1 + URL_COLUMN);
        let archived = "archived: https://web.archive.org/web/20171017083000/http://b.org/x";
        assert_eq!(
            lines[2],
            format!("{pad}{archived} (2017-10-17, before the cited date)")
        );
        assert_eq!(lines[1].find("http://"), lines[2].find("archived"));
        assert_eq!(
            lines[4],
            format!("{pad}archive look-up deferred (rate limit); run again later")
        );
        assert_eq!(
            lines[5],
            format!("{pad}did you mean: http://cc.org/y (alive)")
        );
        assert_eq!(
            lines[6],
            format!("{pad}failing since 2024-03-01 10:00 UTC; not yet confirmed dead")
        );
        assert_eq!(
            lines[7],
            "2 citations, 2 URLs: 2 dead, 1 archived, 1 not yet confirmed dead"
        );
        let v: serde_json::Value = serde_json::from_str(&json(&[])).unwrap();
        assert_eq!(v["summary"]["unconfirmed"], 0);
    }

    #[test]
    fn json_has_the_added_fields() {
        let mut r = record(5, "2", "http://b.org/x", Verdict::Dead, "no such host");
        r.suggestion = Some("http://bb.org/x".into());
        r.failing_since = "2024-03-01T10:00:00Z".parse().ok();
        r.archive_lookup = Some(Lookup::NotFound);
        let v: serde_json::Value = serde_json::from_str(&json(&[r])).unwrap();
        let c = &v["citations"][0];
        assert_eq!(c["suggestion"], "http://bb.org/x");
        assert_eq!(c["failing_since"], "2024-03-01T10:00:00Z");
        assert_eq!(c["archive_lookup"], "not-found");
        assert_eq!(v["summary"]["unconfirmed"], 1);
    }
}
