//! `citecheck.toml` and `.citecheckignore`: settings that belong to a
//! project rather than to one command line.
//!
//! Every section carries its defaults (`#[serde(default)]`), so a parsed
//! [`FileConfig`] is complete whatever the file left out, and merging with
//! the command line is one rule per setting: the flag if given, else the
//! file's value (which is the default when the file is silent). Unknown keys
//! are errors (`deny_unknown_fields`): a misspelt `timout` silently ignored
//! is worse than a refused run. Relative paths in the file are relative to
//! the file, not to wherever citecheck was started.
//!
//! [`TEMPLATE`] is what `citecheck init` writes: every key with its default,
//! commented. A test parses it back to [`FileConfig::default`].

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use jiff::SignedDuration;
use serde::{Deserialize, Deserializer};

use crate::pipeline::ArchiveMode;
use crate::store::ConfirmRule;

/// The configuration file's name, looked for in the current directory and
/// its parents.
pub const FILE_NAME: &str = "citecheck.toml";

/// The ignore file's name, read from the current directory and the
/// configuration file's directory.
pub const IGNORE_FILE: &str = ".citecheckignore";

pub use crate::report::ReportFormat;

/// A parsed `citecheck.toml`.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FileConfig {
    /// `[output]`.
    pub output: OutputSection,
    /// `[check]`.
    pub check: CheckSection,
    /// `[hosts."example.org"]`: settings for one host.
    pub hosts: BTreeMap<String, HostSection>,
    /// `[archive]`.
    pub archive: ArchiveSection,
    /// `[cache]`.
    pub cache: CacheSection,
}

/// `[output]`.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct OutputSection {
    /// Report format of `check` (`text` or `json`).
    pub format: ReportFormat,
}

/// `[check]`: how URLs are checked.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CheckSection {
    /// Time allowed for one request.
    #[serde(deserialize_with = "check_duration")]
    pub timeout: Duration,
    /// Total time allowed for one URL.
    #[serde(deserialize_with = "check_duration")]
    pub deadline: Duration,
    /// Further tries after a transient failure.
    pub max_retries: u32,
    /// First retry delay.
    #[serde(deserialize_with = "check_duration")]
    pub retry_backoff: Duration,
    /// Longest Retry-After honoured.
    #[serde(deserialize_with = "check_duration")]
    pub max_retry_wait: Duration,
    /// Redirects followed per URL.
    pub max_redirects: usize,
    /// Requests in flight at once over all hosts.
    pub concurrency: usize,
    /// Requests in flight at once to one host.
    pub host_concurrency: usize,
    /// Minimum time between two requests to one host.
    #[serde(deserialize_with = "check_duration")]
    pub host_interval: Duration,
    /// The User-Agent header.
    pub user_agent: String,
    /// Extra headers for every request.
    pub headers: BTreeMap<String, String>,
    /// URLs matching any of these regular expressions are skipped.
    pub exclude: Vec<String>,
    /// When non-empty, only URLs matching one of these are checked.
    pub include: Vec<String>,
    /// HTTP statuses counted as alive.
    pub accept: Vec<u16>,
    /// Probe a nonsense sibling URL to detect soft 404s.
    pub probe: bool,
    /// Accept invalid TLS certificates.
    pub insecure: bool,
    /// Extra trusted root certificates (PEM files).
    pub cacert: Vec<PathBuf>,
    /// Names resolved to tell "no such host" from "DNS is down".
    pub dns_canaries: Vec<String>,
}

impl Default for CheckSection {
    fn default() -> CheckSection {
        let c = crate::check::CheckConfig::default();
        CheckSection {
            timeout: c.timeout,
            deadline: c.deadline,
            max_retries: c.max_retries,
            retry_backoff: c.backoff,
            max_retry_wait: c.max_retry_wait,
            max_redirects: c.max_redirects,
            concurrency: c.concurrency,
            host_concurrency: c.host.concurrency,
            host_interval: c.host.interval,
            user_agent: c.user_agent,
            headers: BTreeMap::new(),
            exclude: Vec::new(),
            include: Vec::new(),
            accept: Vec::new(),
            probe: c.probe,
            insecure: c.insecure,
            cacert: Vec::new(),
            dns_canaries: c.dns_canaries,
        }
    }
}

/// `[hosts."name"]`: what differs for one host; unset keys keep `[check]`'s.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct HostSection {
    /// Requests in flight at once to this host.
    pub concurrency: Option<usize>,
    /// Minimum time between two requests to this host.
    #[serde(deserialize_with = "opt_check_duration")]
    pub interval: Option<Duration>,
    /// Headers for this host only.
    pub headers: BTreeMap<String, String>,
    /// User-Agent for this host only.
    pub user_agent: Option<String>,
    /// Count 403 Forbidden as alive (sites that refuse every robot).
    pub treat_403_as_alive: bool,
}

/// `[archive]`: where and when to look for archived copies.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ArchiveSection {
    /// `off`, `dead` or `all`.
    pub mode: ArchiveMode,
    /// Wayback Machine base URL; unset means the Internet Archive's endpoints.
    pub wayback_url: Option<String>,
    /// Memento archives asked when the Wayback Machine has nothing
    /// (`archive.today` or `NAME=TIMEGATE[,TIMEMAP]`).
    pub memento: Vec<String>,
    /// Fetch each chosen snapshot to confirm it.
    pub verify: bool,
}

/// `[cache]`: the history store.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CacheSection {
    /// Read and write the store at all.
    pub enabled: bool,
    /// The store file; unset means the platform cache directory.
    pub path: Option<PathBuf>,
    /// Reuse stored results younger than this.
    #[serde(deserialize_with = "store_duration")]
    pub max_age: SignedDuration,
    /// Reuse a stored `unreachable` result (a possibly passing failure)
    /// younger than this; at most `max_age`.
    #[serde(deserialize_with = "store_duration")]
    pub max_age_unreachable: SignedDuration,
    /// `FAILURES/SPAN` needed before a URL is reported dead; unset: off.
    #[serde(deserialize_with = "opt_confirm_rule")]
    pub confirm_dead: Option<ConfirmRule>,
}

impl Default for CacheSection {
    fn default() -> CacheSection {
        CacheSection {
            enabled: true,
            path: None,
            max_age: SignedDuration::from_hours(24),
            max_age_unreachable: SignedDuration::from_hours(1),
            confirm_dead: None,
        }
    }
}

fn check_duration<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
    let s = String::deserialize(d)?;
    crate::check::parse_duration(&s).map_err(serde::de::Error::custom)
}

fn opt_check_duration<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Duration>, D::Error> {
    check_duration(d).map(Some)
}

fn store_duration<'de, D: Deserializer<'de>>(d: D) -> Result<SignedDuration, D::Error> {
    let s = String::deserialize(d)?;
    crate::store::parse_duration(&s).map_err(serde::de::Error::custom)
}

fn opt_confirm_rule<'de, D: Deserializer<'de>>(d: D) -> Result<Option<ConfirmRule>, D::Error> {
    let s = String::deserialize(d)?;
    s.parse().map(Some).map_err(serde::de::Error::custom)
}

/// Why a configuration or ignore file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigFileError {
    /// The file could not be read.
    #[error("cannot read {}: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// What the file system said.
        source: std::io::Error,
    },
    /// The file is not valid TOML for citecheck (names the key at fault).
    #[error("{}: {message}", path.display())]
    Invalid {
        /// The file.
        path: PathBuf,
        /// The parser's message, with line, column and key.
        message: String,
    },
}

/// Finds `citecheck.toml` in `dir` or its nearest parent holding one.
pub fn find(dir: &Path) -> Option<PathBuf> {
    dir.ancestors()
        .map(|d| d.join(FILE_NAME))
        .find(|p| p.is_file())
}

/// Parses configuration text; `path` is for messages and relative paths.
pub fn parse(text: &str, path: &Path) -> Result<FileConfig, ConfigFileError> {
    let mut cfg: FileConfig = toml::from_str(text).map_err(|e| ConfigFileError::Invalid {
        path: path.to_path_buf(),
        message: e.to_string().trim_end().to_string(),
    })?;
    if let Some(dir) = path.parent() {
        cfg.rebase(dir);
    }
    Ok(cfg)
}

/// Reads and parses a configuration file.
pub fn load(path: &Path) -> Result<FileConfig, ConfigFileError> {
    let text = std::fs::read_to_string(path).map_err(|source| ConfigFileError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    parse(&text, path)
}

impl FileConfig {
    /// Makes the file's relative paths relative to its directory.
    fn rebase(&mut self, dir: &Path) {
        let rebase = |p: &mut PathBuf| {
            if p.is_relative() {
                *p = dir.join(&*p);
            }
        };
        self.check.cacert.iter_mut().for_each(rebase);
        self.cache.path.iter_mut().for_each(rebase);
    }
}

/// Reads an ignore file into regular expressions: a line starting with
/// `http://` or `https://` is a literal URL (matched exactly), any other line
/// a regular expression; blank lines and `#` comments are skipped.
pub fn read_ignore(path: &Path) -> Result<Vec<String>, ConfigFileError> {
    let text = std::fs::read_to_string(path).map_err(|source| ConfigFileError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    Ok(ignore_patterns(&text))
}

/// The patterns of an ignore file's text (see [`read_ignore`]).
pub fn ignore_patterns(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| {
            if l.starts_with("http://") || l.starts_with("https://") {
                format!("^{}$", regex::escape(l))
            } else {
                l.to_string()
            }
        })
        .collect()
}

/// What `citecheck init` writes: every key with its default.
pub const TEMPLATE: &str = include_str!("config/template.toml");

#[cfg(test)]
mod tests;
