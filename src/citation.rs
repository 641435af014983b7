//! The types every pipeline stage passes along.
//!
//! A [`Citation`] is one URL found in one place of one document. Extraction
//! fills in where it was found and what it points at; later stages attach a
//! verdict and an archive copy without changing these fields, so the
//! `citecheck/1` JSON report can serialise a citation the same way whichever
//! command produced it.

use std::fmt;
use std::ops::Range;

use serde::{Serialize, Serializer};

/// A document format citecheck can read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Format {
    /// CommonMark / GFM / Pandoc Markdown.
    Markdown,
    /// Markdown produced by a PDF converter: `<sup>N</sup>` notes at line starts.
    Converted,
    /// Plain text with numbered endnotes (`12. …`, `[12] …`, `12) …`).
    Text,
    /// HTML.
    Html,
    /// BibTeX / BibLaTeX.
    Bibtex,
    /// LaTeX.
    Latex,
    /// reStructuredText.
    Rst,
    /// MediaWiki wikitext.
    Wikitext,
}

impl Format {
    /// Every format, in the order they are documented.
    pub const ALL: [Format; 8] = [
        Format::Markdown,
        Format::Converted,
        Format::Text,
        Format::Html,
        Format::Bibtex,
        Format::Latex,
        Format::Rst,
        Format::Wikitext,
    ];

    /// The name used on the command line and in reports.
    pub fn name(self) -> &'static str {
        match self {
            Format::Markdown => "markdown",
            Format::Converted => "converted",
            Format::Text => "text",
            Format::Html => "html",
            Format::Bibtex => "bibtex",
            Format::Latex => "latex",
            Format::Rst => "rst",
            Format::Wikitext => "wikitext",
        }
    }

    /// Parses a name as accepted by `--input-format` (a few aliases included).
    pub fn from_name(name: &str) -> Option<Format> {
        Some(match name.to_ascii_lowercase().as_str() {
            "markdown" | "md" | "commonmark" | "gfm" => Format::Markdown,
            "converted" | "pdf-markdown" => Format::Converted,
            "text" | "txt" | "plain" => Format::Text,
            "html" | "htm" | "xhtml" => Format::Html,
            "bibtex" | "bib" | "biblatex" => Format::Bibtex,
            "latex" | "tex" => Format::Latex,
            "rst" | "restructuredtext" => Format::Rst,
            "wikitext" | "wiki" | "mediawiki" => Format::Wikitext,
            _ => return None,
        })
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Where in the document a URL stands, which decides how it is reported and rewritten.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CitationKind {
    /// Inside a footnote (a note attached to a marker in the body).
    Footnote,
    /// Inside an endnote (a numbered note list at the end of a text).
    Endnote,
    /// A bibliography entry or a reference definition.
    Reference,
    /// A link in the body, outside any note.
    InlineLink,
    /// A bare URL in the body, outside any note.
    Bare,
}

impl CitationKind {
    /// The name used in reports.
    pub fn name(self) -> &'static str {
        match self {
            CitationKind::Footnote => "footnote",
            CitationKind::Endnote => "endnote",
            CitationKind::Reference => "reference",
            CitationKind::InlineLink => "inline-link",
            CitationKind::Bare => "bare",
        }
    }
}

impl fmt::Display for CitationKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A calendar date with the precision the citation gave: a year, a month or a day.
///
/// Serialised as `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CitedDate {
    /// Four-digit year.
    pub year: i16,
    /// 1–12, when known.
    pub month: Option<u8>,
    /// 1–31, when known (only with a month).
    pub day: Option<u8>,
}

impl CitedDate {
    /// A date precise to the day; `None` when it is not a real calendar day.
    pub fn ymd(year: i16, month: u8, day: u8) -> Option<CitedDate> {
        jiff::civil::Date::new(year, month as i8, day as i8).ok()?;
        Some(CitedDate {
            year,
            month: Some(month),
            day: Some(day),
        })
    }

    /// A date precise to the month; `None` when the month is out of range.
    pub fn ym(year: i16, month: u8) -> Option<CitedDate> {
        if !(1..=12).contains(&month) || !(1000..=9999).contains(&year) {
            return None;
        }
        Some(CitedDate {
            year,
            month: Some(month),
            day: None,
        })
    }

    /// A date precise to the year.
    pub fn y(year: i16) -> Option<CitedDate> {
        (1000..=9999).contains(&year).then_some(CitedDate {
            year,
            month: None,
            day: None,
        })
    }

    /// The day this date stands for when a single day is needed (the first of
    /// the month or year when the citation was less precise).
    pub fn to_civil(self) -> jiff::civil::Date {
        let month = self.month.unwrap_or(1) as i8;
        let day = self.day.unwrap_or(1) as i8;
        jiff::civil::Date::new(self.year, month, day)
            .unwrap_or_else(|_| jiff::civil::Date::new(self.year, 1, 1).unwrap_or_default())
    }

    /// The last day this date covers: a Wayback capture up to then still shows
    /// the source as cited.
    pub fn last_day(self) -> jiff::civil::Date {
        let start = self.to_civil();
        match (self.month, self.day) {
            (Some(_), Some(_)) => start,
            (Some(_), None) => start.last_of_month(),
            _ => jiff::civil::Date::new(self.year, 12, 31).unwrap_or(start),
        }
    }
}

impl fmt::Display for CitedDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}", self.year)?;
        if let Some(m) = self.month {
            write!(f, "-{m:02}")?;
            if let Some(d) = self.day {
                write!(f, "-{d:02}")?;
            }
        }
        Ok(())
    }
}

impl Serialize for CitedDate {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// One cited URL at one place in one document.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Citation {
    /// The document's path as given on the command line (`-` for stdin).
    pub source: String,
    /// 1-based line where the URL starts.
    pub line: usize,
    /// 1-based column (in characters) where the URL starts.
    pub column: usize,
    /// The note's label as written ("108", "smith2019"), or its position for
    /// unlabelled notes; `None` outside notes.
    pub footnote: Option<String>,
    /// Where the URL stands.
    pub kind: CitationKind,
    /// The repaired URL, the one that is checked.
    pub url: String,
    /// The text as found, when it differs from `url`.
    pub raw: Option<String>,
    /// Names of the repair rules applied to `raw` to get `url`.
    pub repairs: Vec<&'static str>,
    /// The date the citation refers to: access date, else publication date,
    /// else a date in the URL.
    pub cited: Option<CitedDate>,
    /// The note's text, trimmed, so a person recognises the source.
    pub context: Option<String>,
    /// An archive copy the document already gives for this URL (wikitext
    /// `archive-url`, BibTeX `archiveurl`, …). Reported as `known_archive`.
    #[serde(rename = "known_archive")]
    pub archived: Option<String>,
    /// Byte range of the URL as written (`raw`) in the document. Not part of
    /// the JSON report.
    #[serde(skip)]
    pub span: Range<usize>,
    /// Byte range of the whole construct holding the URL (`[text](url)`,
    /// `<url>`, `\href{url}{text}`, `<a …>…</a>`, `{{cite web …}}`, a BibTeX
    /// entry): where `fix` inserts an archive link after it.
    #[serde(skip)]
    pub element: Range<usize>,
    /// Byte range of a link text that repeats the URL (`[U](U)`), which `fix`
    /// keeps consistent with the target.
    #[serde(skip)]
    pub text_span: Option<Range<usize>>,
}
