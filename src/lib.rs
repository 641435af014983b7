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
//! * [`check`] fetches every distinct URL once, politely, and [`classify`]
//!   judges what came back;
//! * [`archive`] finds the Wayback (or Memento) capture that shows what a dead
//!   citation cited;
//! * [`store`] remembers past checks and archive look-ups between runs;
//! * [`config`] reads `citecheck.toml` and `.citecheckignore`;
//! * [`pipeline`] runs check, store, archive and suggestions as one stream,
//!   for `check` and `fix` alike;
//! * [`report`] renders results; [`fix`] writes archive links back into documents;
//! * [`citation`] holds the types all stages share.

pub mod archive;
pub mod check;
pub mod citation;
pub mod classify;
pub mod config;
pub mod error;
pub mod extract;
pub mod fix;
pub mod input;
pub mod pipeline;
pub mod progress;
pub mod repair;
pub mod report;
pub mod store;

pub use citation::{Citation, CitationKind, CitedDate, Format};
pub use error::Error;
