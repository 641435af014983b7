//! The subcommands, each turning its arguments into library calls and
//! returning the exit status.

pub mod cache;
pub mod check;
pub mod extract;
pub mod history;

use std::io::Write;
use std::process::ExitCode;

use anyhow::{Context, Result};

use crate::cli::{Command, InputArgs, OutputArgs};

/// Exit statuses, as documented in the README.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Nothing wrong found.
    Clean = 0,
    /// The tool itself failed.
    Failure = 1,
    /// Dead or invalid citations found.
    Dead = 2,
    /// Bad usage or configuration.
    Usage = 3,
}

impl From<Exit> for ExitCode {
    fn from(e: Exit) -> ExitCode {
        ExitCode::from(e as u8)
    }
}

/// Runs one subcommand.
pub fn run(command: Command) -> Result<Exit> {
    match command {
        Command::Extract(args) => extract::run(args),
        Command::Check(args) => check::run(args),
        Command::History(args) => history::run(args),
        Command::Cache(args) => cache::run(args),
    }
}

/// Reads every input, printing a one-line warning for each one skipped.
pub fn read_documents(input: &InputArgs, quiet: bool) -> Result<Vec<citecheck::input::Document>> {
    let sources = citecheck::input::collect(&input.inputs)?;
    let mut docs = Vec::with_capacity(sources.len());
    for src in &sources {
        match citecheck::input::read(src, input.input_format) {
            Ok(doc) => docs.push(doc),
            Err(skipped) => {
                if !quiet {
                    crate::warn(&skipped.to_string());
                }
            }
        }
    }
    Ok(docs)
}

/// Writes a finished report to `--output` (atomically enough: the whole report
/// is produced before the file is created) or to standard output.
pub fn write_output(output: &OutputArgs, report: &[u8]) -> Result<()> {
    match &output.output {
        Some(path) => std::fs::write(path, report)
            .with_context(|| format!("cannot write the report to {}", path.display())),
        None => {
            let mut out = std::io::stdout().lock();
            match out.write_all(report).and_then(|()| out.flush()) {
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                other => other.context("cannot write to standard output"),
            }
        }
    }
}
