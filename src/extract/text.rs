//! Plain-text endnotes (`12. Author, Title, URL (accessed 4 May 2016)`,
//! `[12] …`, `12) …`) and the line-based note scanner shared with converted
//! documents.
//!
//! Plain text has no syntax tree, so notes are found by their layout: a line
//! that opens with a note marker starts a note; the lines after it belong to
//! it until a blank line; after a blank line, a paragraph that holds only a
//! URL still belongs to it (converters put long URLs on their own line), and
//! any other paragraph ends it. The scan is one pass over the lines.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use super::markdown::Note;
use super::{normalise_space, Doc, Found};
use crate::citation::CitationKind;
use crate::repair;

/// Finds note regions by layout. `opener` returns, for a line that opens a
/// note, its label and the byte length of its marker.
pub fn line_notes(
    text: &str,
    kind: CitationKind,
    opener: impl Fn(&str) -> Option<(String, usize)>,
) -> Vec<Note> {
    let mut notes: Vec<Note> = Vec::new();
    let mut open = false;
    let mut after_blank = false;
    let mut pos = 0;
    for line in text.split_inclusive('\n') {
        let start = pos;
        pos += line.len();
        let content = line.trim_end_matches(['\n', '\r']);
        if let Some((label, marker)) = opener(content) {
            notes.push(Note {
                label,
                range: start..pos,
                text_start: start + marker,
                kind,
                context: String::new(),
            });
            open = true;
            after_blank = false;
        } else if content.trim().is_empty() {
            after_blank = true;
        } else if open && (!after_blank || is_url_only(content)) {
            if let Some(note) = notes.last_mut() {
                note.range.end = pos;
            }
            after_blank = false;
        } else {
            open = false;
        }
    }
    notes
}

/// Whether a line holds only a URL: bare, in angle brackets, or a Markdown
/// link whose text is a URL, possibly followed by sentence punctuation.
pub fn is_url_only(line: &str) -> bool {
    static URL_ONLY: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"^\s*(?:<(?:https?|ftp)://[^\s>]+>|\[(?:https?|ftp)://[^\]]*\]\((?:https?|ftp)://[^\s)]*(?:\([^\s)]*\)[^\s)]*)*\)|(?:(?:https?|ftp)://|www\.)\S+)[.,;]?\s*$",
        )
        .unwrap_or_else(|_| Regex::new("$^").unwrap_or_else(|_| unreachable!()))
    });
    URL_ONLY.is_match(line)
}

/// The label and marker length of a plain-text endnote line: `12. `, `[12] `, `12) `.
pub fn endnote_marker(line: &str) -> Option<(String, usize)> {
    static MARKER: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^ {0,3}(?:\[(\d{1,4})\]|(\d{1,4})[.)])[ \t]+\S")
            .unwrap_or_else(|_| unreachable!())
    });
    let caps = MARKER.captures(line)?;
    let label = caps.get(1).or_else(|| caps.get(2))?;
    let end = caps.get(0)?.end() - 1;
    Some((label.as_str().to_string(), end))
}

/// Whether a text holds numbered endnote blocks with URLs.
pub fn looks_like_endnotes(text: &str) -> bool {
    text.lines()
        .filter(|l| {
            endnote_marker(l).is_some()
                && (l.contains("http://") || l.contains("https://") || l.contains("www."))
        })
        .take(2)
        .count()
        >= 2
}

/// Extracts the citations of a plain-text document: URLs in endnotes get
/// their note's number; others are bare URLs in the body.
pub fn extract(doc: &Doc) -> Vec<Found> {
    let notes = line_notes(doc.text, CitationKind::Endnote, endnote_marker);
    let mut found = Vec::new();
    for span in repair::find_bare_urls(doc.text) {
        found.push(in_notes(
            &notes,
            doc.text,
            Found::new(span, CitationKind::Bare),
        ));
    }
    found
}

/// Attributes a found URL to the note containing it, with the note's text
/// (marker dropped, white space folded) as context.
pub fn in_notes(notes: &[Note], text: &str, found: Found) -> Found {
    let at = notes.partition_point(|n| n.range.start <= found.span.start);
    match at.checked_sub(1).and_then(|i| notes.get(i)) {
        Some(note) if found.span.start < note.range.end => {
            let context = text
                .get(note.text_start..note.range.end)
                .map(normalise_space);
            let kind = note.kind;
            let mut found = found.in_note(note.label.clone(), context);
            found.kind = kind;
            found
        }
        _ => found,
    }
}

/// The byte range of a line containing `offset`, without its line break.
pub fn line_at(text: &str, offset: usize) -> Range<usize> {
    let bytes = text.as_bytes();
    let start = memchr::memrchr(b'\n', &bytes[..offset.min(bytes.len())]).map_or(0, |i| i + 1);
    let end = memchr::memchr(b'\n', &bytes[offset.min(bytes.len())..])
        .map_or(bytes.len(), |i| offset + i);
    start..end
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::extract as run;
    use crate::Format;

    #[test]
    fn endnote_markers() {
        assert_eq!(endnote_marker("12. Author, Title"), Some(("12".into(), 4)));
        assert_eq!(endnote_marker("[3] Author"), Some(("3".into(), 4)));
        assert_eq!(endnote_marker("7) Author"), Some(("7".into(), 3)));
        assert_eq!(endnote_marker("2017. A year"), Some(("2017".into(), 6)));
        assert_eq!(endnote_marker("12.5 percent"), None);
        assert_eq!(endnote_marker("Text 12. x"), None);
    }

    #[test]
    fn url_only_lines() {
        assert!(is_url_only("<http://a.org/x>."));
        assert!(is_url_only("[http://a.org/c\\\\_1](http://a.org/c_1)"));
        assert!(is_url_only("https://a.org/x"));
        assert!(!is_url_only("See https://a.org/x for more"));
        assert!(!is_url_only("An ordinary paragraph."));
    }

    #[test]
    fn endnotes_with_wrapped_lines_and_url_paragraphs() {
        let t = "Body text https://body.org/p here.\n\nNotes\n\n1. Smith, Title, https://a.org/1 (accessed 4 May 2016)\n2. Jones, Long title that\n   wraps, https://b.org/2\n\n   https://b.org/3\n\nA new paragraph https://c.org/4\n[3] Lee https://d.org/5\n";
        let got: Vec<_> = run("n.txt", t, Format::Text)
            .into_iter()
            .map(|c| (c.line, c.footnote, c.kind.name(), c.url))
            .collect();
        assert_eq!(
            got,
            vec![
                (1, None, "bare", "https://body.org/p".into()),
                (5, Some("1".into()), "endnote", "https://a.org/1".into()),
                (7, Some("2".into()), "endnote", "https://b.org/2".into()),
                (9, Some("2".into()), "endnote", "https://b.org/3".into()),
                (11, None, "bare", "https://c.org/4".into()),
                (12, Some("3".into()), "endnote", "https://d.org/5".into()),
            ]
        );
    }
}
