//! Command-line definitions (clap derive types only).
//!
//! Nothing here leaks past the binary: each subcommand's arguments are turned
//! into the library's configuration types in `commands/`.

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Keeps citations alive: extracts the URLs from a document's footnotes and
/// references, checks them, and finds archived copies of the dead ones.
#[derive(Debug, Parser)]
#[command(name = "citecheck", version, about, long_about = None, after_help = EXAMPLES)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

const EXAMPLES: &str = "\
Examples:
  citecheck extract thesis.md                 list every citation with its note and date
  citecheck extract --format json refs.bib    the same as citecheck/1 JSON
  citecheck check docs/                       check every document under docs/ (exit 2 on dead links)
  citecheck fix --in-place report.md          write archive links for dead citations";

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// List the citations in documents (source, line, note, repaired URL, cited date).
    Extract(ExtractArgs),
    /// Check every cited URL and report dead, moved, blocked and unreachable sources.
    Check(CheckArgs),
    /// Submit cited sources to the Wayback Machine's Save Page Now.
    Archive(ArchiveArgs),
}

/// Options shared by every subcommand that reads documents.
#[derive(Debug, Args)]
pub struct InputArgs {
    /// Files, directories, glob patterns, or - for standard input.
    #[arg(required = true, value_name = "INPUTS")]
    pub inputs: Vec<String>,
    /// Read every input as this format instead of detecting it (needed for stdin
    /// when its content is ambiguous).
    #[arg(long, value_name = "FORMAT", value_parser = parse_input_format)]
    pub input_format: Option<citecheck::Format>,
}

fn parse_input_format(s: &str) -> Result<citecheck::Format, String> {
    citecheck::Format::from_name(s).ok_or_else(|| {
        let names: Vec<&str> = citecheck::Format::ALL.iter().map(|f| f.name()).collect();
        format!(
            "unknown format {s:?}; expected one of: {}",
            names.join(", ")
        )
    })
}

/// Options for where and how output is written.
#[derive(Debug, Args)]
pub struct OutputArgs {
    /// Write the report to FILE instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<std::path::PathBuf>,
    /// Print only warnings and errors on standard error.
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

/// Report formats of `extract`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExtractFormat {
    /// Aligned lines for people, grouped by file.
    Text,
    /// The citecheck/1 JSON document.
    Json,
}

/// `citecheck extract`.
#[derive(Debug, Args)]
pub struct ExtractArgs {
    /// The documents.
    #[command(flatten)]
    pub input: InputArgs,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = ExtractFormat::Text)]
    pub format: ExtractFormat,
    /// Output options.
    #[command(flatten)]
    pub output: OutputArgs,
}

/// `citecheck check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The documents.
    #[command(flatten)]
    pub input: InputArgs,
    /// Output options.
    #[command(flatten)]
    pub output: OutputArgs,
}

/// `citecheck archive`.
#[derive(Debug, Args)]
pub struct ArchiveArgs {
    /// The documents.
    #[command(flatten)]
    pub input: InputArgs,
    /// List what would be submitted, submit nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Skip URLs with a good capture newer than this (`30d`, `6m`, `1y`).
    #[arg(long, value_name = "AGE")]
    pub if_not_archived_within: Option<String>,
    /// Wayback Machine base URL (a self-hosted pywb/OpenWayback, or a mock).
    #[arg(long, value_name = "URL")]
    pub wayback_url: Option<String>,
    /// Output options.
    #[command(flatten)]
    pub output: OutputArgs,
}
