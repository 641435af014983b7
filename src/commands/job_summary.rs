//! `check --summary FILE`: the Markdown report appended to a file besides the
//! main report, so one run both annotates a pull request (`--format github`)
//! and fills the job summary. Appending, not truncating, because CI systems
//! hand every step the same summary file (`$GITHUB_STEP_SUMMARY`) and other
//! steps may already have written to it.

use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result};
use citecheck::report::check::{Checked, Summary};

/// Appends the Markdown report to `path`, creating the file if needed.
pub fn append(path: &Path, records: &[Checked], summary: &Summary) -> Result<()> {
    let markdown = citecheck::report::markdown::render(records, summary);
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .with_context(|| format!("cannot open the summary file {}", path.display()))?;
    file.write_all(markdown.as_bytes())
        .with_context(|| format!("cannot write the summary file {}", path.display()))
}
