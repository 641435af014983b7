//! From [`PipelineArgs`] to the library's [`PipelineConfig`].
//!
//! `check` and `fix` flatten the same arguments and call
//! [`PipelineArgs::to_config`], so both run the pipeline with the same
//! settings. The flags have no clap defaults: each setting is the flag when
//! given, else `citecheck.toml`'s value, which is the default when the file
//! is silent. Lists add up (the file's excludes, `.citecheckignore` and
//! `--exclude`), except DNS canaries and Memento archives, which the flags
//! replace. Every unusable value becomes a [`PipelineError::Config`], which
//! `main` turns into exit status 3.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use anyhow::Result;
use citecheck::archive::{ArchiveConfig, MementoArchive};
use citecheck::check::{parse_host_override, parse_resolve, CheckConfig, HostSettings};
use citecheck::config::{self, FileConfig};
use citecheck::pipeline::{PipelineConfig, PipelineError};
use url::Url;

use crate::cli::PipelineArgs;

/// The Memento archives `--memento` alone asks. Assumed, not confirmable
/// offline: archive.today serves RFC 7089 TimeGates and link-format TimeMaps
/// under these prefixes.
const BUILTIN_MEMENTO: [(&str, &str, &str); 1] = [(
    "archive.today",
    "https://archive.ph/timegate/",
    "https://archive.ph/timemap/",
)];

fn bad(message: String) -> anyhow::Error {
    PipelineError::Config(message).into()
}

/// The pipeline configuration and the file it was merged with.
pub struct Settings {
    /// What [`citecheck::pipeline::run`] takes.
    pub pipeline: PipelineConfig,
    /// The configuration file as read (defaults when there is none), for the
    /// settings outside the pipeline (the report format).
    pub file: FileConfig,
}

impl PipelineArgs {
    /// The pipeline configuration these arguments ask for (flags over
    /// `citecheck.toml` over defaults).
    // The entry point of `fix`; `check` also needs the file's report format.
    #[allow(dead_code)]
    pub fn to_config(&self) -> Result<PipelineConfig> {
        self.settings().map(|s| s.pipeline)
    }

    /// Reads the configuration file and ignore files, and merges them with
    /// the flags.
    pub fn settings(&self) -> Result<Settings> {
        let cwd = std::env::current_dir().unwrap_or_default();
        let path = match &self.config {
            Some(p) => Some(p.clone()),
            None => config::find(&cwd),
        };
        let file = match &path {
            Some(p) => config::load(p).map_err(|e| bad(e.to_string()))?,
            None => FileConfig::default(),
        };
        let mut ignore_dirs = vec![cwd];
        if let Some(dir) = path.as_deref().and_then(Path::parent) {
            let dir = if dir.as_os_str().is_empty() {
                Path::new(".")
            } else {
                dir
            };
            ignore_dirs.push(dir.to_path_buf());
        }
        let ignored = ignore_patterns(&ignore_dirs)?;
        let pipeline = self.merge(&file, &ignored)?;
        Ok(Settings { pipeline, file })
    }

    /// Whether the progress bar stays hidden.
    pub fn progress_hidden(&self, quiet: bool) -> bool {
        self.no_progress || quiet || !std::io::stderr().is_terminal()
    }

    fn merge(&self, file: &FileConfig, ignored: &[String]) -> Result<PipelineConfig> {
        let mut cfg = PipelineConfig {
            check: self.check_config(file, ignored)?,
            ..PipelineConfig::default()
        };
        for re in file.check.include.iter().chain(&self.include) {
            cfg.include.push(regex(re, "include")?);
        }
        cfg.accept.statuses = file
            .check
            .accept
            .iter()
            .chain(&self.accept)
            .copied()
            .collect();
        for (host, h) in &file.hosts {
            if h.treat_403_as_alive {
                cfg.accept
                    .per_host
                    .insert(host.to_ascii_lowercase(), vec![403]);
            }
        }
        cfg.archive_mode = match &self.archive {
            Some(mode) => mode.parse().map_err(bad)?,
            None => file.archive.mode,
        };
        cfg.archive = Some(self.archive_config(file)?);
        // A store named on the command line (or in CITECHECK_CACHE) is used
        // even where the file says `enabled = false`; --no-cache beats both.
        cfg.store = match (&self.cache, &file.cache.path) {
            _ if self.no_cache => None,
            (Some(path), _) => Some(path.clone()),
            _ if !file.cache.enabled => None,
            (None, Some(path)) => Some(path.clone()),
            (None, None) => Some(citecheck::store::default_path()?),
        };
        cfg.max_age = self.max_age.unwrap_or(file.cache.max_age);
        cfg.max_age_unreachable = self
            .max_age_unreachable
            .unwrap_or(file.cache.max_age_unreachable)
            .min(cfg.max_age);
        cfg.confirm_dead = self.confirm_dead.or(file.cache.confirm_dead);
        cfg.now = self.now;
        Ok(cfg)
    }

    fn check_config(&self, file: &FileConfig, ignored: &[String]) -> Result<CheckConfig> {
        let f = &file.check;
        let mut c = CheckConfig {
            timeout: self.timeout.unwrap_or(f.timeout),
            deadline: self.deadline.unwrap_or(f.deadline),
            max_retries: self.max_retries.unwrap_or(f.max_retries),
            max_redirects: self.max_redirects.unwrap_or(f.max_redirects),
            backoff: self.retry_backoff.unwrap_or(f.retry_backoff),
            max_retry_wait: self.max_retry_wait.unwrap_or(f.max_retry_wait),
            concurrency: self
                .concurrency
                .map_or(f.concurrency, |n| n as usize)
                .max(1),
            insecure: switch(self.insecure, self.no_insecure, f.insecure),
            probe: switch(self.probe, self.no_probe, f.probe),
            user_agent: self
                .user_agent
                .clone()
                .unwrap_or_else(|| f.user_agent.clone()),
            resolve: self.resolve.clone(),
            ..CheckConfig::default()
        };
        c.headers = f
            .headers
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        c.headers.extend(self.header.iter().cloned());
        c.host.concurrency = self
            .host_concurrency
            .map_or(f.host_concurrency, |n| n as usize)
            .max(1);
        c.host.interval = self.host_interval.unwrap_or(f.host_interval);
        for (host, h) in &file.hosts {
            let host = host.to_ascii_lowercase();
            let settings = HostSettings {
                concurrency: h.concurrency.unwrap_or(c.host.concurrency).max(1),
                interval: h.interval.unwrap_or(c.host.interval),
            };
            c.host_overrides.insert(host.clone(), settings);
            let mut headers: Vec<(String, String)> = h
                .headers
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            if let Some(ua) = &h.user_agent {
                headers.push(("User-Agent".to_string(), ua.clone()));
            }
            if !headers.is_empty() {
                c.host_headers.insert(host, headers);
            }
        }
        for spec in &self.hosts {
            let (host, settings) = parse_host_override(spec, c.host).map_err(bad)?;
            c.host_overrides.insert(host, settings);
        }
        c.dns_canaries = if self.dns_canary.is_empty() {
            f.dns_canaries.clone()
        } else {
            self.dns_canary.clone()
        };
        for re in f.exclude.iter().chain(&self.exclude) {
            c.exclude.push(regex(re, "exclude")?);
        }
        for re in ignored {
            c.exclude.push(regex(re, config::IGNORE_FILE)?);
        }
        for path in f.cacert.iter().chain(&self.cacert) {
            let pem = std::fs::read(path)
                .map_err(|e| bad(format!("cannot read cacert {}: {e}", path.display())))?;
            c.cacerts.push(pem);
        }
        if let Some(path) = &self.resolve_file {
            let text = std::fs::read_to_string(path).map_err(|e| {
                bad(format!(
                    "cannot read --resolve-file {}: {e}",
                    path.display()
                ))
            })?;
            for line in text.lines().map(str::trim) {
                if !line.is_empty() && !line.starts_with('#') {
                    c.resolve.push(parse_resolve(line).map_err(bad)?);
                }
            }
        }
        Ok(c)
    }

    fn archive_config(&self, file: &FileConfig) -> Result<ArchiveConfig> {
        let mut a = ArchiveConfig::default().keys_from_env();
        if let Some(base) = self
            .wayback_url
            .as_ref()
            .or(file.archive.wayback_url.as_ref())
        {
            let base = Url::parse(base)
                .map_err(|e| bad(format!("wayback URL {base:?} is not a URL: {e}")))?;
            a = a.with_wayback_base(&base).map_err(|e| bad(e.to_string()))?;
        }
        a.verify = switch(
            self.verify_archive,
            self.no_verify_archive,
            file.archive.verify,
        );
        let specs = if self.memento.is_empty() {
            &file.archive.memento
        } else {
            &self.memento
        };
        for spec in specs {
            for m in memento_archives(spec)? {
                if !a.memento.iter().any(|known| known.name == m.name) {
                    a.memento.push(m);
                }
            }
        }
        Ok(a)
    }
}

/// The patterns of the `.citecheckignore` files in `dirs` (each file once).
fn ignore_patterns(dirs: &[PathBuf]) -> Result<Vec<String>> {
    let mut seen = Vec::new();
    let mut out = Vec::new();
    for dir in dirs {
        let path = dir.join(config::IGNORE_FILE);
        if !path.is_file() {
            continue;
        }
        let key = path.canonicalize().unwrap_or_else(|_| path.clone());
        if seen.contains(&key) {
            continue;
        }
        seen.push(key);
        out.extend(config::read_ignore(&path).map_err(|e| bad(e.to_string()))?);
    }
    Ok(out)
}

/// Compiles a regular expression given by `flag`.
pub fn regex(re: &str, flag: &str) -> Result<regex::Regex> {
    regex::Regex::new(re).map_err(|e| bad(format!("invalid {flag} {re:?}: {e}")))
}

/// Reads one `--memento` value: `builtin`, a built-in name, or
/// `NAME=TIMEGATE[,TIMEMAP]`.
pub fn memento_archives(spec: &str) -> Result<Vec<MementoArchive>> {
    let parse = |s: &str| {
        Url::parse(s.trim())
            .map_err(|e| bad(format!("--memento {spec:?}: {s:?} is not a URL: {e}")))
    };
    let builtin = |(name, gate, map): (&str, &str, &str)| -> Result<MementoArchive> {
        Ok(MementoArchive {
            name: name.to_string(),
            timegate: parse(gate)?,
            timemap: Some(parse(map)?),
        })
    };
    if spec == "builtin" {
        return BUILTIN_MEMENTO.into_iter().map(builtin).collect();
    }
    if let Some(&b) = BUILTIN_MEMENTO.iter().find(|(name, _, _)| *name == spec) {
        return Ok(vec![builtin(b)?]);
    }
    let (name, urls) = spec.split_once('=').ok_or_else(|| {
        bad(format!(
            "--memento {spec:?}: expected NAME=TIMEGATE[,TIMEMAP] or archive.today"
        ))
    })?;
    let (gate, map) = match urls.split_once(',') {
        Some((g, m)) => (g, Some(m)),
        None => (urls, None),
    };
    Ok(vec![MementoArchive {
        name: name.trim().to_string(),
        timegate: parse(gate)?,
        timemap: map.map(parse).transpose()?,
    }])
}

/// A setting with a flag to turn it on and one to turn it off (the last one
/// given wins, clap sees to that), and the configuration file's value when
/// neither is given.
fn switch(on: bool, off: bool, file: bool) -> bool {
    if on {
        true
    } else if off {
        false
    } else {
        file
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memento_specs() {
        let b = memento_archives("builtin").unwrap();
        assert_eq!(b.len(), 1);
        assert_eq!(b[0].name, "archive.today");
        let own = memento_archives("loc=http://127.0.0.1:9/tg/,http://127.0.0.1:9/tm/").unwrap();
        assert_eq!(own[0].name, "loc");
        assert_eq!(own[0].timegate.as_str(), "http://127.0.0.1:9/tg/");
        assert_eq!(
            own[0].timemap.as_ref().map(Url::as_str),
            Some("http://127.0.0.1:9/tm/")
        );
        assert!(memento_archives("nonsense").is_err());
        assert!(memento_archives("x=not a url").is_err());
    }
}
