//! citecheck keeps citations alive.
//!
//! The crate is organised as the pipeline it runs:
//!
//! ```text
//! input ─► extract ─► repair ─► check ─► classify ─► archive ─► report | fix
//! ```
//!
//! * [`input`] turns command-line arguments into documents and detects formats;
//! * [`extract`] finds every cited URL in a document, one parser per format;
//! * [`repair`] undoes the damage converters do to URLs, rule by named rule;
//! * [`citation`] holds the types all stages share;
//! * [`store`] keeps the history of checks and archive look-ups between runs.

pub mod citation;
pub mod error;
pub mod extract;
pub mod input;
pub mod repair;
pub mod report;
pub mod store;

pub use citation::{Citation, CitationKind, CitedDate, Format};
pub use error::Error;
