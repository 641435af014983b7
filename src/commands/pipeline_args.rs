//! From [`PipelineArgs`] to the library's [`PipelineConfig`].
//!
//! `check` and `fix` flatten the same arguments and call
//! [`PipelineArgs::to_config`], so both run the pipeline with the same
//! settings. Every unusable value becomes a [`PipelineError::Config`], which
//! `main` turns into exit status 3.

use std::io::IsTerminal;

use anyhow::Result;
use citecheck::archive::{ArchiveConfig, MementoArchive};
use citecheck::check::{parse_host_override, parse_resolve, CheckConfig};
use citecheck::pipeline::{ArchiveMode, PipelineConfig, PipelineError};
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

impl PipelineArgs {
    /// The pipeline configuration these arguments ask for.
    pub fn to_config(&self) -> Result<PipelineConfig> {
        let mut cfg = PipelineConfig {
            check: self.check_config()?,
            ..PipelineConfig::default()
        };
        for re in &self.include {
            cfg.include.push(regex(re, "--include")?);
        }
        cfg.accept.statuses = self.accept.clone();
        cfg.archive_mode = match &self.archive {
            Some(mode) => mode.parse().map_err(bad)?,
            None => ArchiveMode::Dead,
        };
        cfg.archive = Some(self.archive_config()?);
        cfg.store = if self.no_cache {
            None
        } else {
            match &self.cache {
                Some(path) => Some(path.clone()),
                None => Some(citecheck::store::default_path()?),
            }
        };
        if let Some(age) = self.max_age {
            cfg.max_age = age;
        }
        cfg.confirm_dead = self.confirm_dead;
        cfg.now = self.now;
        Ok(cfg)
    }

    /// Whether the progress bar stays hidden.
    pub fn progress_hidden(&self, quiet: bool) -> bool {
        self.no_progress || quiet || !std::io::stderr().is_terminal()
    }

    fn check_config(&self) -> Result<CheckConfig> {
        let d = CheckConfig::default();
        let mut c = CheckConfig {
            timeout: self.timeout.unwrap_or(d.timeout),
            deadline: self.deadline.unwrap_or(d.deadline),
            max_retries: self.max_retries.unwrap_or(d.max_retries),
            max_redirects: self.max_redirects.unwrap_or(d.max_redirects),
            backoff: self.retry_backoff.unwrap_or(d.backoff),
            max_retry_wait: self.max_retry_wait.unwrap_or(d.max_retry_wait),
            concurrency: self.concurrency.map_or(d.concurrency, |n| n as usize),
            insecure: self.insecure,
            probe: !self.no_probe,
            headers: self.header.clone(),
            resolve: self.resolve.clone(),
            ..d
        };
        if let Some(n) = self.host_concurrency {
            c.host.concurrency = n as usize;
        }
        if let Some(i) = self.host_interval {
            c.host.interval = i;
        }
        for spec in &self.hosts {
            let (host, settings) = parse_host_override(spec, c.host).map_err(bad)?;
            c.host_overrides.insert(host, settings);
        }
        if let Some(ua) = &self.user_agent {
            c.user_agent = ua.clone();
        }
        if !self.dns_canary.is_empty() {
            c.dns_canaries = self.dns_canary.clone();
        }
        for re in &self.exclude {
            c.exclude.push(regex(re, "--exclude")?);
        }
        for path in &self.cacert {
            let pem = std::fs::read(path)
                .map_err(|e| bad(format!("cannot read --cacert {}: {e}", path.display())))?;
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

    fn archive_config(&self) -> Result<ArchiveConfig> {
        let mut a = ArchiveConfig::default().keys_from_env();
        if let Some(base) = &self.wayback_url {
            let base = Url::parse(base)
                .map_err(|e| bad(format!("--wayback-url {base:?} is not a URL: {e}")))?;
            a = a.with_wayback_base(&base).map_err(|e| bad(e.to_string()))?;
        }
        a.verify = self.verify_archive;
        for spec in &self.memento {
            for m in memento_archives(spec)? {
                if !a.memento.iter().any(|known| known.name == m.name) {
                    a.memento.push(m);
                }
            }
        }
        Ok(a)
    }
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
