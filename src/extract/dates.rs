//! Cited dates. (being written)

use crate::citation::CitedDate;

/// The date a citation refers to, from its note text and URL.
pub fn cited(_context: &str, _url: &str) -> Option<CitedDate> {
    None
}
