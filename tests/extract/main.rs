//! Extraction, format by format (fixtures under `fixtures/`).
//!
//! One test binary per area keeps builds small (each binary links every
//! dependency).

mod bibtex;
mod chunks;
mod html;
mod latex;
mod rst;
mod seed;
mod wikitext;

use citecheck::Citation;

/// The text of `fixtures/NAME` (e.g. `latex/paper.tex`).
pub fn fixture(name: &str) -> String {
    let path = format!("{}/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Line, column, label, kind, URL and known archive copy of a citation.
pub type Row = (usize, usize, Option<String>, String, String, Option<String>);

/// The [`Row`]s of citations.
pub fn rows(cites: &[Citation]) -> Vec<Row> {
    cites
        .iter()
        .map(|c| {
            (
                c.line,
                c.column,
                c.footnote.clone(),
                c.kind.to_string(),
                c.url.clone(),
                c.archived.clone(),
            )
        })
        .collect()
}

/// An expected [`Row`] without an archive copy.
pub fn r(line: usize, column: usize, label: Option<&str>, kind: &str, url: &str) -> Row {
    (
        line,
        column,
        label.map(str::to_string),
        kind.to_string(),
        url.to_string(),
        None,
    )
}
