//! The subcommands, each turning its arguments into library calls and
//! returning the exit status.

pub mod archive;
pub mod cache;
pub mod check;
pub mod extract;
pub mod fix;
pub mod history;
pub mod init;
pub mod job_summary;
pub mod pipeline_args;
pub mod shell;

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
        Command::Fix(args) => fix::run(args),
        Command::Archive(args) => archive::run(args),
        Command::History(args) => history::run(args),
        Command::Cache(args) => cache::run(args),
        Command::Completions(args) => shell::completions(args),
        Command::Man(args) => shell::man(args),
        Command::Init(args) => init::run(args),
    }
}

/// Reads every input, printing a one-line warning for each one skipped.
pub fn read_documents(
    input: &InputArgs,
    quiet: bool,
    verbose: bool,
) -> Result<Vec<citecheck::input::Document>> {
    let sources = citecheck::input::collect(&input.inputs)?;
    Ok(sources
        .iter()
        .filter_map(|src| read_document(src, input, quiet, verbose))
        .collect())
}

/// Reads one input, warning (unless quiet) and returning `None` when it is
/// skipped (binary, too large, unreadable).
pub fn read_document(
    src: &citecheck::input::InputSource,
    input: &InputArgs,
    quiet: bool,
    verbose: bool,
) -> Option<citecheck::input::Document> {
    match citecheck::input::read(src, input.input_format) {
        Ok(doc) => {
            if verbose {
                crate::note(&format!("{}: read as {}", doc.name, doc.format));
            }
            Some(doc)
        }
        Err(skipped) => {
            if !quiet {
                crate::warn(&skipped.to_string());
            }
            None
        }
    }
}

/// Writes a report to `--output FILE` or standard output through a buffer.
/// A closed pipe (`citecheck … | head`) is not an error.
pub fn write_output(
    output: &OutputArgs,
    render: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<()> {
    let result = match &output.output {
        Some(path) => {
            let file = std::fs::File::create(path)
                .with_context(|| format!("cannot create the report file {}", path.display()))?;
            let mut w = std::io::BufWriter::with_capacity(256 * 1024, file);
            render(&mut w).and_then(|()| w.flush())
        }
        None => {
            let mut w = std::io::BufWriter::with_capacity(256 * 1024, std::io::stdout().lock());
            render(&mut w).and_then(|()| w.flush())
        }
    };
    match result {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other.context("cannot write the report"),
    }
}

/// Writes a report already rendered in memory.
pub fn write_report(output: &OutputArgs, report: &[u8]) -> Result<()> {
    write_output(output, |w| w.write_all(report))
}
