//! Inline markers that tell citecheck to leave citations alone.
//!
//! A marker is a comment in the document's own syntax, so it never shows in
//! the rendered text: `<!-- citecheck-ignore -->` in Markdown, HTML, wikitext
//! and plain text, `% citecheck-ignore` in LaTeX and BibTeX, and
//! `.. citecheck-ignore` in reStructuredText. A marker sharing a line with
//! other text skips the citations on that line; a marker alone on its line
//! skips those on the next non-blank line; `citecheck-ignore-start` …
//! `citecheck-ignore-end` skips every line between them, both marker lines
//! included (an unclosed start runs to the end of the document).
//!
//! Markers are line-based because citations carry their line and a reader
//! sees lines; the work happens after extraction, the same for every format.
//! The scan is linear: a substring search finds each `citecheck-ignore`, and
//! the checks around it only walk the white space next to the marker, which
//! no other marker shares.

use std::ops::RangeInclusive;
use std::sync::LazyLock;

use memchr::memmem;

use super::Doc;
use crate::citation::{Citation, Format};

const WORD: &str = "citecheck-ignore";

/// What a marker asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Marker {
    /// Skip this line, or the next non-blank one when the marker is alone.
    Line,
    /// Start skipping.
    Start,
    /// Stop skipping.
    End,
}

/// The comment syntax markers are written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Syntax {
    /// `<!-- citecheck-ignore -->`
    Html,
    /// `% citecheck-ignore`
    Percent,
    /// `.. citecheck-ignore`
    Rst,
}

fn syntax(format: Format) -> Syntax {
    match format {
        Format::Latex | Format::Bibtex => Syntax::Percent,
        Format::Rst => Syntax::Rst,
        Format::Markdown | Format::Converted | Format::Text | Format::Html | Format::Wikitext => {
            Syntax::Html
        }
    }
}

/// A marker found: what it asks, its line, and whether the line holds
/// anything besides it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Found {
    marker: Marker,
    line: usize,
    alone: bool,
    /// Byte offset where the line after a lone line marker starts.
    next_line: Option<usize>,
}

/// The lines whose citations the markers skip, sorted and merged.
pub fn ignored_lines(doc: &Doc, format: Format) -> Vec<RangeInclusive<usize>> {
    static FINDER: LazyLock<memmem::Finder<'static>> = LazyLock::new(|| memmem::Finder::new(WORD));
    let bytes = doc.text.as_bytes();
    let syntax = syntax(format);
    let mut ranges = Vec::new();
    let mut open: Option<usize> = None;
    for at in FINDER.find_iter(bytes) {
        let Some(found) = marker_at(doc, syntax, at) else {
            continue;
        };
        match found.marker {
            Marker::Start => {
                open.get_or_insert(found.line);
            }
            Marker::End => {
                if let Some(start) = open.take() {
                    ranges.push(start..=found.line);
                }
            }
            Marker::Line if !found.alone => ranges.push(found.line..=found.line),
            Marker::Line => {
                if let Some(next) = found.next_line.and_then(|at| next_nonblank_line(doc, at)) {
                    ranges.push(next..=next);
                }
            }
        }
    }
    if let Some(start) = open {
        ranges.push(start..=usize::MAX);
    }
    merge(ranges)
}

/// The lines a document's markers skip, ready to filter citations with.
#[derive(Debug, Default)]
pub struct Ignored(Vec<RangeInclusive<usize>>);

impl Ignored {
    /// Finds a document's markers.
    pub fn scan(doc: &Doc, format: Format) -> Ignored {
        // Most documents have no marker: skip the line scan entirely.
        if memmem::find(doc.text.as_bytes(), WORD.as_bytes()).is_none() {
            return Ignored::default();
        }
        Ignored(ignored_lines(doc, format))
    }

    /// Drops the citations on ignored lines.
    pub fn apply(&self, mut citations: Vec<Citation>) -> Vec<Citation> {
        if !self.0.is_empty() {
            citations.retain(|c| !is_ignored(&self.0, c.line));
        }
        citations
    }
}

/// Drops the citations on ignored lines.
pub fn apply(doc: &Doc, format: Format, citations: Vec<Citation>) -> Vec<Citation> {
    Ignored::scan(doc, format).apply(citations)
}

fn is_ignored(ranges: &[RangeInclusive<usize>], line: usize) -> bool {
    let i = ranges.partition_point(|r| *r.end() < line);
    ranges.get(i).is_some_and(|r| r.contains(&line))
}

fn merge(mut ranges: Vec<RangeInclusive<usize>>) -> Vec<RangeInclusive<usize>> {
    ranges.sort_by_key(|r| *r.start());
    let mut out: Vec<RangeInclusive<usize>> = Vec::with_capacity(ranges.len());
    for r in ranges {
        match out.last_mut() {
            Some(last) if *r.start() <= last.end().saturating_add(1) => {
                let end = (*last.end()).max(*r.end());
                *last = *last.start()..=end;
            }
            _ => out.push(r),
        }
    }
    out
}

/// Reads the marker whose word starts at byte `at`, if the comment around it
/// is well formed for the syntax.
fn marker_at(doc: &Doc, syntax: Syntax, at: usize) -> Option<Found> {
    let bytes = doc.text.as_bytes();
    let after_word = at + WORD.len();
    let rest = bytes.get(after_word..)?;
    let (marker, suffix) = if rest.starts_with(b"-start") {
        (Marker::Start, "-start".len())
    } else if rest.starts_with(b"-end") {
        (Marker::End, "-end".len())
    } else {
        (Marker::Line, 0)
    };
    let token_end = after_word + suffix;
    let (start, end) = match syntax {
        Syntax::Html => html_comment(bytes, at, token_end)?,
        Syntax::Percent => percent_comment(bytes, at, token_end)?,
        Syntax::Rst => rst_comment(bytes, at, token_end)?,
    };
    let line_start = skip_space_back(bytes, start);
    let before_blank = line_start == 0 || bytes.get(line_start - 1) == Some(&b'\n');
    // A `%` or `..` comment runs to the end of the line, so what follows the
    // word is part of it; after `-->` the line must be blank.
    let after_blank =
        syntax != Syntax::Html || matches!(bytes.get(skip_space(bytes, end)), None | Some(b'\n'));
    let alone = before_blank && after_blank;
    // Only a lone line marker needs the next line; finding it walks the rest
    // of the marker's line, which no later lone marker shares.
    let next_line = if alone && marker == Marker::Line {
        let rest = bytes.get(end..).unwrap_or_default();
        memchr::memchr(b'\n', rest).map(|i| end + i + 1)
    } else {
        None
    };
    Some(Found {
        marker,
        line: doc.line_col(at).0,
        alone,
        next_line,
    })
}

/// `<!--` blanks WORD blanks `-->`: returns the comment's byte range.
fn html_comment(bytes: &[u8], at: usize, token_end: usize) -> Option<(usize, usize)> {
    let open = skip_space_back(bytes, at).checked_sub(4)?;
    if bytes.get(open..open + 4) != Some(b"<!--") {
        return None;
    }
    let close = skip_space(bytes, token_end);
    if bytes.get(close..close + 3) != Some(b"-->") {
        return None;
    }
    Some((open, close + 3))
}

/// `%` blanks WORD, then the end of the word (an unescaped `%`).
fn percent_comment(bytes: &[u8], at: usize, token_end: usize) -> Option<(usize, usize)> {
    let percent = skip_space_back(bytes, at).checked_sub(1)?;
    let escaped = percent > 0 && bytes.get(percent - 1) == Some(&b'\\');
    if bytes.get(percent) != Some(&b'%') || escaped || !word_ends(bytes, token_end) {
        return None;
    }
    Some((percent, token_end))
}

/// `..` blanks WORD at the start of a line (an rst comment).
fn rst_comment(bytes: &[u8], at: usize, token_end: usize) -> Option<(usize, usize)> {
    let dots = skip_space_back(bytes, at).checked_sub(2)?;
    if dots + 2 == at || bytes.get(dots..dots + 2) != Some(b"..") || !word_ends(bytes, token_end) {
        return None;
    }
    let line_start = skip_space_back(bytes, dots);
    if line_start > 0 && bytes.get(line_start - 1) != Some(&b'\n') {
        return None;
    }
    Some((dots, token_end))
}

/// Whether the marker word ends at `i` (not `citecheck-ignored`).
fn word_ends(bytes: &[u8], i: usize) -> bool {
    bytes.get(i).is_none_or(u8::is_ascii_whitespace)
}

/// The offset after the spaces and tabs starting at `i`.
fn skip_space(bytes: &[u8], mut i: usize) -> usize {
    while matches!(bytes.get(i), Some(b' ' | b'\t' | b'\r')) {
        i += 1;
    }
    i
}

/// The offset of the first of the spaces and tabs ending at `i`.
fn skip_space_back(bytes: &[u8], mut i: usize) -> usize {
    while i > 0 && matches!(bytes.get(i - 1), Some(b' ' | b'\t')) {
        i -= 1;
    }
    i
}

/// The line of the first non-blank character at or after `from`.
fn next_nonblank_line(doc: &Doc, from: usize) -> Option<usize> {
    let rest = doc.text.as_bytes().get(from..)?;
    let i = rest.iter().position(|b| !b.is_ascii_whitespace())?;
    Some(doc.line_col(from + i).0)
}

#[cfg(test)]
mod tests;
