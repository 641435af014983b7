//! TODO

use super::{Doc, Found};

/// Extracts citations.
pub fn extract(_doc: &Doc) -> Vec<Found> {
    Vec::new()
}
