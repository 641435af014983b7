//! Markdown converted from PDF, as the seed document is: notes are lines that
//! open with `<sup>N</sup>`; a mid-line `<sup>N</sup>` is a reference in the
//! body, not a note.
//!
//! The note regions come from the layout scan in [`super::text::line_notes`]
//! (so a paragraph holding only a URL after a note still belongs to it); the
//! links inside them come from the Markdown walk, which knows `[U](U)` links,
//! `<…>` autolinks and escaped text.

use super::{markdown, text, Doc, Found};
use crate::citation::CitationKind;

/// Extracts the citations of a converted document.
pub fn extract(doc: &Doc) -> Vec<Found> {
    markdown::extract_with_notes(doc, notes(doc.text))
}

/// The note regions of a converted document, found by their layout.
pub fn notes(text: &str) -> Vec<markdown::Note> {
    text::line_notes(text, CitationKind::Footnote, |line| {
        note_marker(line).map(|label| (label.to_string(), "<sup></sup>".len() + label.len()))
    })
}

/// The label of a `<sup>N</sup>` marker opening a line, if the line opens a note.
pub fn note_marker(line: &str) -> Option<&str> {
    let rest = line.strip_prefix("<sup>")?;
    let end = rest.find("</sup>")?;
    let label = rest.get(..end)?;
    (!label.is_empty() && label.len() <= 8 && label.bytes().all(|b| b.is_ascii_alphanumeric()))
        .then_some(label)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::extract as run;
    use crate::Format;

    #[test]
    fn markers() {
        assert_eq!(note_marker("<sup>108</sup> Xi"), Some("108"));
        assert_eq!(note_marker("Body.<sup>108</sup>"), None);
        assert_eq!(note_marker("<sup></sup> x"), None);
    }

    #[test]
    fn notes_body_references_and_url_paragraphs() {
        let t = "Body claim.<sup>1</sup> More https://body.org/x\n\n<sup>1</sup> Author, *Venue*, 2 May 2001.\n\n<http://a.org/1>.\n\nA body paragraph.<sup>2</sup>\n\n<sup>2</sup> Other [http://b.org/c\\\\_2](http://b.org/c_2).\n";
        let got: Vec<_> = run("c.txt", t, Format::Converted)
            .into_iter()
            .map(|c| (c.line, c.footnote, c.kind.name(), c.url, c.context))
            .collect();
        assert_eq!(got[0], (1, None, "bare", "https://body.org/x".into(), None));
        assert_eq!(
            got[1],
            (
                5,
                Some("1".into()),
                "footnote",
                "http://a.org/1".into(),
                Some("Author, Venue, 2 May 2001.".into())
            )
        );
        assert_eq!(got[2].1.as_deref(), Some("2"));
        assert_eq!(got.len(), 3);
    }
}
