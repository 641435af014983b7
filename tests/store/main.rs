//! The result store (cache) and its commands.
//!
//! One test binary per area keeps builds small (each binary links every
//! dependency).

mod basic;
mod cli;
mod concurrency;
