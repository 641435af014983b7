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
  citecheck fix --in-place report.md          write archive links for dead citations
  citecheck history https://example.org/a     past checks of one URL, newest first
  citecheck cache prune --older-than 90d      forget checks older than 90 days";

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// List the citations in documents (source, line, note, repaired URL, cited date).
    Extract(ExtractArgs),
    /// Check every cited URL and report dead, moved, blocked and unreachable sources.
    Check(CheckArgs),
    /// Print the past checks of a URL from the history store, newest first.
    History(HistoryArgs),
    /// Manage the history store (where past checks are kept).
    Cache(CacheArgs),
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

/// Where the history store is.
#[derive(Debug, Args)]
pub struct CacheLocation {
    /// The history store file [default: the platform cache directory's
    /// citecheck/history.sqlite3].
    #[arg(long, value_name = "PATH", env = "CITECHECK_CACHE")]
    pub cache: Option<std::path::PathBuf>,
}

/// Report formats of `history`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum HistoryFormat {
    /// An aligned table for people.
    Text,
    /// The citecheck/1 JSON document.
    Json,
}

/// `citecheck history`.
#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// The URL, exactly as citecheck checked it.
    #[arg(value_name = "URL")]
    pub url: String,
    /// The history store.
    #[command(flatten)]
    pub store: CacheLocation,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = HistoryFormat::Text)]
    pub format: HistoryFormat,
    /// Output options.
    #[command(flatten)]
    pub output: OutputArgs,
}

/// `citecheck cache`.
#[derive(Debug, Args)]
pub struct CacheArgs {
    /// What to do with the store.
    #[command(subcommand)]
    pub action: CacheAction,
}

/// The `cache` subcommands.
#[derive(Debug, Subcommand)]
pub enum CacheAction {
    /// Delete the checks and archive look-ups older than a duration.
    Prune(PruneArgs),
    /// Print where the store is and how much it holds.
    Info(CacheInfoArgs),
}

/// `citecheck cache prune`.
#[derive(Debug, Args)]
pub struct PruneArgs {
    /// Remove what is older than this (e.g. 90d, 2w, 12h).
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub older_than: jiff::SignedDuration,
    /// Also compact the file afterwards to give the space back.
    #[arg(long)]
    pub vacuum: bool,
    /// The history store.
    #[command(flatten)]
    pub store: CacheLocation,
}

/// `citecheck cache info`.
#[derive(Debug, Args)]
pub struct CacheInfoArgs {
    /// The history store.
    #[command(flatten)]
    pub store: CacheLocation,
}

/// Reads a duration argument (`30m`, `12h`, `1d`, `90d`, `2w`).
pub fn parse_duration(s: &str) -> Result<jiff::SignedDuration, String> {
    citecheck::store::parse_duration(s).map_err(|e| e.to_string())
}
