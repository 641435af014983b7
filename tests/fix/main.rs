//! `fix`: rewriting documents byte-for-byte safely.
//!
//! One test binary per area keeps builds small (each binary links every
//! dependency).

#[path = "../common/mod.rs"]
mod common;
#[path = "../mock_archive/mod.rs"]
mod mock_archive;

mod cli;
mod crash;
mod golden;
mod hostile;
mod props;
