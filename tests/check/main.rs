//! The checker: verdicts, scheduling and the `check` command.
//!
//! One test binary per area keeps builds small (each binary links every
//! dependency).

#[path = "../common/mod.rs"]
mod common;

mod api;
mod cli;
mod lanes;
