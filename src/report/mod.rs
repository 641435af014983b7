//! Reports: rendering results for people and for machines.
//!
//! Rendering never decides anything: it formats what earlier stages found, so
//! every format says the same thing. Each `check` format lives in its own
//! module and is reached through one dispatcher, [`render`], so the command
//! line and the library agree on what `--format NAME` means. The formats read
//! the `archive` slot only through [`archive_url`], which goes through serde:
//! whatever concrete type that slot holds, its `url` field is what they show.

pub mod check;
pub mod citations;
pub mod csv;
pub mod github;
pub mod junit;
pub mod markdown;
pub mod sarif;

use check::{Checked, Summary};

/// The schema identifier of every JSON document citecheck prints.
pub const SCHEMA: &str = "citecheck/1";

/// The formats of a `check` report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum ReportFormat {
    /// Aligned lines for people, grouped by file (the default).
    #[default]
    Text,
    /// The `citecheck/1` JSON document.
    Json,
    /// A Markdown table for a pull-request comment or a CI job summary.
    Markdown,
    /// One RFC 4180 row per citation, for spreadsheets.
    Csv,
    /// JUnit XML: one test case per citation, for CI test-report viewers.
    Junit,
    /// SARIF 2.1.0, for code-scanning upload.
    Sarif,
    /// GitHub Actions workflow commands, so problems show on the diff.
    Github,
}

impl ReportFormat {
    /// Every format, in the order they are documented.
    pub const ALL: [ReportFormat; 7] = [
        ReportFormat::Text,
        ReportFormat::Json,
        ReportFormat::Markdown,
        ReportFormat::Csv,
        ReportFormat::Junit,
        ReportFormat::Sarif,
        ReportFormat::Github,
    ];

    /// The name used on the command line.
    pub fn name(self) -> &'static str {
        match self {
            ReportFormat::Text => "text",
            ReportFormat::Json => "json",
            ReportFormat::Markdown => "markdown",
            ReportFormat::Csv => "csv",
            ReportFormat::Junit => "junit",
            ReportFormat::Sarif => "sarif",
            ReportFormat::Github => "github",
        }
    }

    /// Parses a name as accepted by `--format` (case-insensitive, `md` too).
    pub fn from_name(name: &str) -> Option<ReportFormat> {
        let lower = name.to_ascii_lowercase();
        if lower == "md" {
            return Some(ReportFormat::Markdown);
        }
        ReportFormat::ALL.into_iter().find(|f| f.name() == lower)
    }

    /// A one-line description, for `--help` and completions.
    pub fn help(self) -> &'static str {
        match self {
            ReportFormat::Text => "aligned lines for people, grouped by file",
            ReportFormat::Json => "the citecheck/1 JSON document",
            ReportFormat::Markdown => "a table for a pull-request comment or job summary",
            ReportFormat::Csv => "one RFC 4180 row per citation, for spreadsheets",
            ReportFormat::Junit => "JUnit XML, one test case per citation",
            ReportFormat::Sarif => "SARIF 2.1.0 for code-scanning upload",
            ReportFormat::Github => "GitHub Actions ::error/::warning annotations",
        }
    }
}

impl std::fmt::Display for ReportFormat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Renders a `check` report in `format`; `color` only affects `text`.
pub fn render(format: ReportFormat, records: &[Checked], summary: &Summary, color: bool) -> String {
    match format {
        ReportFormat::Text => check::text(records, color),
        ReportFormat::Json => check::json(records),
        ReportFormat::Markdown => markdown::render(records, summary),
        ReportFormat::Csv => csv::render(records),
        ReportFormat::Junit => junit::render(records, summary),
        ReportFormat::Sarif => sarif::render(records),
        ReportFormat::Github => github::render(records, summary),
    }
}

/// The replay URL of a record's archive copy, if it has one.
///
/// Read through serde so that the formats depend only on the `url` field of
/// the serialised archive object, not on the Rust type that carries it.
pub fn archive_url(record: &Checked) -> Option<String> {
    let archive = record.archive.as_ref()?;
    let value = serde_json::to_value(archive).ok()?;
    value.get("url")?.as_str().map(str::to_owned)
}

/// The records, most urgent verdict first, document order within a verdict.
pub(crate) fn urgent_first(records: &[Checked]) -> Vec<&Checked> {
    let mut sorted: Vec<&Checked> = records.iter().collect();
    // A stable sort keeps document order among equal verdicts.
    sorted.sort_by_key(|r| r.result.verdict);
    sorted
}

/// The note label of a citation, or its kind outside notes.
pub(crate) fn label(record: &Checked) -> &str {
    match &record.citation.footnote {
        Some(l) => l,
        None => record.citation.kind.name(),
    }
}

/// The reason, with the redirect target of a moved citation appended.
pub(crate) fn reason(record: &Checked) -> String {
    let r = &record.result;
    match &r.final_url {
        Some(to)
            if r.verdict == crate::check::Verdict::Moved || !r.reason.contains(to.as_str()) =>
        {
            format!("{} → {to}", r.reason)
        }
        _ => r.reason.clone(),
    }
}

impl<'de> serde::Deserialize<'de> for ReportFormat {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = String::deserialize(d)?;
        ReportFormat::from_name(&name).ok_or_else(|| {
            let names: Vec<&str> = ReportFormat::ALL.iter().map(|f| f.name()).collect();
            serde::de::Error::custom(format!(
                "unknown report format {name:?}; expected one of: {}",
                names.join(", ")
            ))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_names_round_trip() {
        for f in ReportFormat::ALL {
            assert_eq!(ReportFormat::from_name(f.name()), Some(f));
        }
        assert_eq!(ReportFormat::from_name("MD"), Some(ReportFormat::Markdown));
        assert_eq!(ReportFormat::from_name("SARIF"), Some(ReportFormat::Sarif));
        assert_eq!(ReportFormat::from_name("xml"), None);
    }
}
