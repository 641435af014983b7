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
  citecheck extract thesis.md                        list every citation with its note and date
  citecheck extract --format json refs.bib           the same as citecheck/1 JSON
  citecheck check docs/                              check every document under docs/

CI check (fail the job on dead links, annotate the diff):
  citecheck check --format github docs/              annotations on the pull request's diff
  citecheck check --format sarif -o links.sarif .    SARIF for code-scanning upload
  citecheck check --format junit -o links.xml docs/  a test report for GitLab or Jenkins
  citecheck check --strict docs/                     exit 2 on blocked/unreachable links too

Archivist fix (point dead citations at archived copies):
  citecheck fix --in-place report.md                 write archive links for dead citations

Save before it dies (get live sources into the Wayback Machine now):
  citecheck archive --dry-run thesis.md              list what would be submitted
  citecheck archive --if-not-archived-within 6m .    submit sources not captured in 6 months

History:
  citecheck history https://example.org/a            past checks of one URL, newest first
  citecheck cache prune --older-than 90d             forget checks older than 90 days

Shell:
  citecheck completions bash > ~/.local/share/bash-completion/completions/citecheck
  citecheck man | man -l -                           read this manual as a man page";

/// The subcommands.
// Parsed once per run: the size of the largest variant does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
pub enum Command {
    /// List the citations in documents (source, line, note, repaired URL, cited date).
    Extract(ExtractArgs),
    /// Check every cited URL and report dead, moved, blocked and unreachable sources.
    Check(CheckArgs),
    /// Check like `check`, then write archive links for dead citations into the
    /// documents (a dry run printing a diff unless --in-place).
    Fix(FixArgs),
    /// Submit cited sources to the Wayback Machine's Save Page Now.
    Archive(ArchiveArgs),
    /// Print the past checks of a URL from the history store, newest first.
    History(HistoryArgs),
    /// Manage the history store (where past checks are kept).
    Cache(CacheArgs),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish).
    Completions(CompletionsArgs),
    /// Print the man page (roff), or write every page to a directory.
    Man(ManArgs),
    /// Write a citecheck.toml with every setting and its default, commented.
    Init(InitArgs),
}

/// `citecheck init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// Where to write it.
    #[arg(value_name = "FILE", default_value = "citecheck.toml")]
    pub path: std::path::PathBuf,
    /// Replace an existing file.
    #[arg(long)]
    pub force: bool,
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
    #[arg(long, short = 'q', conflicts_with = "verbose")]
    pub quiet: bool,
    /// Also print what the run did on standard error: formats detected,
    /// citations per file, requests sent, results reused from the history store.
    #[arg(long, short = 'v')]
    pub verbose: bool,
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
    /// Report format [default: text, or `format` in citecheck.toml].
    #[arg(long, short = 'f', value_name = "FORMAT", value_parser = report_format())]
    pub format: Option<citecheck::report::ReportFormat>,
    /// Exit with status 2 for blocked and unreachable citations too.
    #[arg(long)]
    pub strict: bool,
    /// Also append the Markdown report to FILE, whatever --format says (for
    /// $GITHUB_STEP_SUMMARY: annotations and a job summary from one run).
    #[arg(long, value_name = "FILE")]
    pub summary: Option<std::path::PathBuf>,
    /// Network, check, archive and cache options.
    #[command(flatten)]
    pub pipeline: PipelineArgs,
}

/// How `fix` writes an archive copy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FixStyle {
    /// Keep the cited URL and add an archive link after the construct.
    Append,
    /// Write the archive URL in place of the cited one (archive fields of
    /// BibTeX entries and wikitext templates are filled either way).
    Replace,
}

/// Where `fix` puts the archive copy of a BibTeX entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BibtexArchiveField {
    /// `archiveurl` and `archivedate` fields.
    Archiveurl,
    /// "Archived at \url{…} on DATE" in `note`, for styles that print only `note`.
    Note,
}

/// `citecheck fix`.
#[derive(Debug, Args)]
pub struct FixArgs {
    /// The documents.
    #[command(flatten)]
    pub input: InputArgs,
    /// Write the diff to FILE instead of standard output (with --in-place
    /// too, as a record); --quiet leaves only errors on standard error.
    #[command(flatten)]
    pub output: OutputArgs,
    /// Append an archive link beside each dead citation, or replace its URL.
    #[arg(long, value_enum, default_value_t = FixStyle::Append, help_heading = "Fixing")]
    pub style: FixStyle,
    /// Write the changes into the files (atomically) instead of printing a
    /// unified diff.
    #[arg(long, help_heading = "Fixing")]
    pub in_place: bool,
    /// With --in-place, keep each original as FILE.orig.
    #[arg(long, requires = "in_place", help_heading = "Fixing")]
    pub backup: bool,
    /// Write the new URL of permanently moved citations over the old one.
    #[arg(long, help_heading = "Fixing")]
    pub update_moved: bool,
    /// Write damaged URLs (escaped underscores, broken lines, glued
    /// punctuation) back repaired.
    #[arg(long, help_heading = "Fixing")]
    pub repair: bool,
    /// Where BibTeX entries get the archive copy.
    #[arg(long, value_enum, default_value_t = BibtexArchiveField::Archiveurl, help_heading = "Fixing")]
    pub bibtex_archive_field: BibtexArchiveField,
    /// Network, check, archive and cache options (as for `check`).
    #[command(flatten)]
    pub pipeline: PipelineArgs,
}

/// The options of the check pipeline, shared by `check` and `fix`.
///
/// None has a clap default: a flag left out falls back to `citecheck.toml`,
/// then to the default named in its help, so the file can never override a
/// flag that was given.
#[derive(Debug, Args, Default)]
pub struct PipelineArgs {
    /// Read settings from FILE instead of the citecheck.toml found in the
    /// current directory or a parent.
    #[arg(long, value_name = "FILE", help_heading = "Configuration")]
    pub config: Option<std::path::PathBuf>,
    /// Time allowed for one request (500ms, 20s, 1m) [default: 20s].
    #[arg(long, value_name = "DURATION", value_parser = citecheck::check::parse_duration, help_heading = "Checking")]
    pub timeout: Option<std::time::Duration>,
    /// Total time allowed for one URL, retries and redirects included, not counting
    /// time spent waiting for our own limits [default: 90s].
    #[arg(long, value_name = "DURATION", value_parser = citecheck::check::parse_duration, help_heading = "Checking")]
    pub deadline: Option<std::time::Duration>,
    /// Further tries after a transient failure (timeout, reset, 5xx, 429) [default: 2].
    #[arg(long, value_name = "N", help_heading = "Checking")]
    pub max_retries: Option<u32>,
    /// First retry delay, doubled per try with jitter [default: 1s].
    #[arg(long, value_name = "DURATION", value_parser = citecheck::check::parse_duration, help_heading = "Checking")]
    pub retry_backoff: Option<std::time::Duration>,
    /// Longest Retry-After or back-off honoured; a server asking for more is
    /// reported as it answered [default: 60s].
    #[arg(long, value_name = "DURATION", value_parser = citecheck::check::parse_duration, help_heading = "Checking")]
    pub max_retry_wait: Option<std::time::Duration>,
    /// Redirects followed per URL [default: 10].
    #[arg(long, value_name = "N", help_heading = "Checking")]
    pub max_redirects: Option<usize>,
    /// Requests in flight at once, over all hosts [default: 64].
    #[arg(long, short = 'j', value_name = "N", value_parser = clap::value_parser!(u32).range(1..), help_heading = "Checking")]
    pub concurrency: Option<u32>,
    /// Requests in flight at once to one host [default: 4].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..), help_heading = "Checking")]
    pub host_concurrency: Option<u32>,
    /// Minimum time between two requests to one host [default: 0s].
    #[arg(long, value_name = "DURATION", value_parser = citecheck::check::parse_duration, help_heading = "Checking")]
    pub host_interval: Option<std::time::Duration>,
    /// Limits for one host: HOST:concurrency=N,interval=DURATION (either key
    /// may be left out; repeatable).
    #[arg(long = "host", value_name = "HOST:SETTINGS", help_heading = "Checking")]
    pub hosts: Vec<String>,
    /// Skip URLs matching this regular expression (repeatable; added to the
    /// file's excludes and .citecheckignore).
    #[arg(long, value_name = "REGEX", help_heading = "Checking")]
    pub exclude: Vec<String>,
    /// Check only URLs matching this regular expression (repeatable).
    #[arg(long, value_name = "REGEX", help_heading = "Checking")]
    pub include: Vec<String>,
    /// Count this HTTP status as alive (repeatable, e.g. --accept 403).
    #[arg(long, value_name = "STATUS", help_heading = "Checking")]
    pub accept: Vec<u16>,
    /// Probe a random sibling URL to detect soft 404s (the default; overrides
    /// `probe = false` in citecheck.toml).
    #[arg(long, overrides_with = "no_probe", help_heading = "Checking")]
    pub probe: bool,
    /// Do not probe a random sibling URL to detect soft 404s.
    #[arg(long, overrides_with = "probe", help_heading = "Checking")]
    pub no_probe: bool,
    /// User-Agent header [default: citecheck/VERSION (+HOMEPAGE)].
    #[arg(long, value_name = "STRING", help_heading = "Checking")]
    pub user_agent: Option<String>,
    /// Extra header "Name: value" for every request (repeatable); Authorization
    /// and Cookie are never sent to another host on redirect.
    #[arg(long, short = 'H', value_name = "HEADER", value_parser = citecheck::check::parse_header, help_heading = "Checking")]
    pub header: Vec<(String, String)>,
    /// Trust the root certificates in this PEM file too (repeatable).
    #[arg(long, value_name = "FILE", help_heading = "Checking")]
    pub cacert: Vec<std::path::PathBuf>,
    /// Accept invalid TLS certificates (never the default).
    #[arg(long, overrides_with = "no_insecure", help_heading = "Checking")]
    pub insecure: bool,
    /// Verify TLS certificates even where citecheck.toml says `insecure = true`.
    #[arg(long, overrides_with = "insecure", help_heading = "Checking")]
    pub no_insecure: bool,
    /// Connect to ADDR for HOST, like curl (repeatable).
    #[arg(long, value_name = "HOST:PORT:ADDR", value_parser = citecheck::check::parse_resolve, help_heading = "Checking")]
    pub resolve: Vec<citecheck::check::Resolve>,
    /// Read --resolve entries from a file, one HOST:PORT:ADDR per line (# comments).
    #[arg(long, value_name = "FILE", help_heading = "Checking")]
    pub resolve_file: Option<std::path::PathBuf>,
    /// Well-known host resolved to tell "no such host" from "DNS is down"
    /// (repeatable) [default: web.archive.org, www.wikipedia.org].
    #[arg(long, value_name = "HOST", help_heading = "Checking")]
    pub dns_canary: Vec<String>,
    /// Which citations get an archive look-up [default: dead].
    #[arg(long, value_name = "MODE", value_parser = ["off", "dead", "all"], help_heading = "Archive")]
    pub archive: Option<String>,
    /// Wayback Machine base URL (a self-hosted pywb/OpenWayback, or a mock)
    /// [default: https://web.archive.org/].
    #[arg(long, value_name = "URL", help_heading = "Archive")]
    pub wayback_url: Option<String>,
    /// Also ask Memento archives when the Wayback Machine has nothing:
    /// NAME=TIMEGATE[,TIMEMAP] or the built-in archive.today;
    /// alone, every built-in one (repeatable).
    #[arg(long, value_name = "ARCHIVE", num_args = 0..=1, default_missing_value = "builtin", help_heading = "Archive")]
    pub memento: Vec<String>,
    /// Fetch each chosen snapshot to confirm it shows the page (slower).
    #[arg(long, overrides_with = "no_verify_archive", help_heading = "Archive")]
    pub verify_archive: bool,
    /// Do not fetch the chosen snapshots, even where citecheck.toml says
    /// `verify = true`.
    #[arg(long, overrides_with = "verify_archive", help_heading = "Archive")]
    pub no_verify_archive: bool,
    /// The history store file, used even where citecheck.toml says
    /// `enabled = false` [default: the platform cache directory's
    /// citecheck/history.sqlite3].
    #[arg(
        long,
        value_name = "PATH",
        env = "CITECHECK_CACHE",
        help_heading = "History store"
    )]
    pub cache: Option<std::path::PathBuf>,
    /// Neither read nor write the history store.
    #[arg(long, help_heading = "History store")]
    pub no_cache: bool,
    /// Reuse stored results younger than this without a request (30m, 12h,
    /// 1d, 0s to always re-check) [default: 1d].
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, help_heading = "History store")]
    pub max_age: Option<jiff::SignedDuration>,
    /// Reuse a stored "unreachable" result (a timeout, a refused connection,
    /// a 5xx: maybe passing) younger than this; never longer than --max-age
    /// [default: 1h].
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, help_heading = "History store")]
    pub max_age_unreachable: Option<jiff::SignedDuration>,
    /// Report a URL dead only after FAILURES dead checks spread over at least
    /// SPAN (e.g. 3/72h); until then it is "failing since" [default: off].
    #[arg(long, value_name = "FAILURES/SPAN", help_heading = "History store")]
    pub confirm_dead: Option<citecheck::store::ConfirmRule>,
    /// Testing aid: the time the run takes as now (RFC 3339).
    #[arg(long, value_name = "TIME", env = "CITECHECK_NOW", hide = true)]
    pub now: Option<jiff::Timestamp>,
    /// Hide the progress bar (it is shown only on a terminal anyway).
    #[arg(long)]
    pub no_progress: bool,
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
    /// Output options.
    #[command(flatten)]
    pub output: OutputArgs,
    /// Network, check, archive and cache options (the citations are checked
    /// first: only live sources are submitted).
    #[command(flatten)]
    pub pipeline: PipelineArgs,
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

/// `--format` of `check`: the library's report formats, listed with their
/// descriptions in `--help` and in shell completions.
fn report_format() -> impl clap::builder::TypedValueParser<Value = citecheck::report::ReportFormat>
{
    use citecheck::report::ReportFormat;
    use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
    let values = ReportFormat::ALL.map(|f| {
        let value = PossibleValue::new(f.name()).help(f.help());
        match f {
            ReportFormat::Markdown => value.alias("md"),
            _ => value,
        }
    });
    PossibleValuesParser::new(values)
        .try_map(|s| ReportFormat::from_name(&s).ok_or(format!("unknown report format {s:?}")))
}

/// `citecheck completions`.
#[derive(Debug, Args)]
#[command(after_help = "\
Install:
  bash        citecheck completions bash > ~/.local/share/bash-completion/completions/citecheck
  zsh         citecheck completions zsh > ~/.zfunc/_citecheck   (with fpath+=~/.zfunc)
  fish        citecheck completions fish > ~/.config/fish/completions/citecheck.fish
  powershell  citecheck completions powershell >> $PROFILE")]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum, value_name = "SHELL")]
    pub shell: clap_complete::Shell,
    /// Output options.
    #[command(flatten)]
    pub output: OutputArgs,
}

/// `citecheck man`.
#[derive(Debug, Args)]
pub struct ManArgs {
    /// Print the page of this subcommand (citecheck-check(1), …) instead.
    #[arg(value_name = "SUBCOMMAND")]
    pub subcommand: Option<String>,
    /// Write citecheck.1 and one page per subcommand into DIR instead.
    #[arg(long, value_name = "DIR", conflicts_with = "subcommand")]
    pub out_dir: Option<std::path::PathBuf>,
    /// Output options.
    #[command(flatten)]
    pub output: OutputArgs,
}
