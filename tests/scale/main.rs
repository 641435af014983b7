//! Extraction stays linear on large and pathological inputs.
//!
//! One test binary per area keeps builds small (each binary links every
//! dependency).

mod linear;
mod markup;
