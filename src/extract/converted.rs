//! TODO

use super::{Doc, Found};

/// Extracts citations.
pub fn extract(_doc: &Doc) -> Vec<Found> {
    Vec::new()
}

/// The label of a `<sup>N</sup>` marker opening a line, if the line opens a note.
pub fn note_marker(line: &str) -> Option<&str> {
    let rest = line.strip_prefix("<sup>")?;
    let end = rest.find("</sup>")?;
    let label = rest.get(..end)?;
    (!label.is_empty() && label.len() <= 8 && label.bytes().all(|b| b.is_ascii_alphanumeric()))
        .then_some(label)
}
