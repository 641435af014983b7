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
