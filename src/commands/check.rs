//! `citecheck check`: not implemented yet.

use anyhow::{bail, Result};

use super::Exit;
use crate::cli::CheckArgs;

/// Runs `citecheck check`.
pub fn run(_args: CheckArgs) -> Result<Exit> {
    bail!("`citecheck check` is not implemented in this build yet; use `citecheck extract`")
}
