//! Reports: rendering results for people and for machines.
//!
//! Rendering never decides anything: it formats what earlier stages found, so
//! every format says the same thing.

pub mod check;
pub mod citations;

/// The schema identifier of every JSON document citecheck prints.
pub const SCHEMA: &str = "citecheck/1";
