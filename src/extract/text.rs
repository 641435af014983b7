//! TODO

use super::{Doc, Found};

/// Extracts citations.
pub fn extract(_doc: &Doc) -> Vec<Found> {
    Vec::new()
}

/// Whether a text holds numbered endnote blocks (`12. …`, `[12] …`, `12) …`) with URLs.
pub fn looks_like_endnotes(_text: &str) -> bool {
    false
}
