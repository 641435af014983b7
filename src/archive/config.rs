//! Archive configuration: endpoints, budgets and policies.
//!
//! Every endpoint is a full URL so that a self-hosted pywb/OpenWayback, or a
//! test's mock, can stand in for the Internet Archive; [`ArchiveConfig::with_wayback_base`]
//! derives them all from one base. Budgets stay below the archive's published
//! limits (CDX and TimeMap about 24 a minute, replay about 8 a second); the
//! availability API publishes none, so it gets a conservative one a second.

use std::time::Duration;

use url::Url;

use super::ArchiveError;

/// An endpoint with its own budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Endpoint {
    /// The availability API (single and batch form).
    Availability,
    /// The CDX server.
    Cdx,
    /// Replay (verification fetches).
    Replay,
    /// Save Page Now submissions.
    Save,
    /// Save Page Now job-status polls.
    SaveStatus,
    /// Memento archives (one limiter per archive, this budget each).
    Memento,
}

/// At most `count` requests in any window of `per`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    /// Requests allowed per window (at least 1).
    pub count: u32,
    /// The window.
    pub per: Duration,
}

impl Rate {
    /// `count` requests per `per`.
    pub const fn new(count: u32, per: Duration) -> Rate {
        Rate { count, per }
    }
}

/// Budgets per endpoint and the 429 policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Availability API budget (default 1/s).
    pub availability: Rate,
    /// CDX budget (default 20/min, below the published ~24/min).
    pub cdx: Rate,
    /// Replay budget (default 6/s, below the published ~8/s).
    pub replay: Rate,
    /// Save Page Now submissions (default 4/min).
    pub save: Rate,
    /// Save Page Now status polls (default 12/min).
    pub save_status: Rate,
    /// Each Memento archive (default 20/min).
    pub memento: Rate,
    /// The first pause after a 429 (default 60 s); doubled after each further 429.
    pub backoff: Duration,
    /// Consecutive 429s after which the endpoint is given up for the run (default 3).
    pub max_429: u32,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            availability: Rate::new(1, Duration::from_secs(1)),
            cdx: Rate::new(20, Duration::from_secs(60)),
            replay: Rate::new(6, Duration::from_secs(1)),
            save: Rate::new(4, Duration::from_secs(60)),
            save_status: Rate::new(12, Duration::from_secs(60)),
            memento: Rate::new(20, Duration::from_secs(60)),
            backoff: Duration::from_secs(60),
            max_429: 3,
        }
    }
}

impl Limits {
    /// The budget of an endpoint.
    pub fn rate(&self, ep: Endpoint) -> Rate {
        match ep {
            Endpoint::Availability => self.availability,
            Endpoint::Cdx => self.cdx,
            Endpoint::Replay => self.replay,
            Endpoint::Save => self.save,
            Endpoint::SaveStatus => self.save_status,
            Endpoint::Memento => self.memento,
        }
    }
}

/// When to spend CDX requests on digest checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CdxPolicy {
    /// Only where the availability answer is doubtful (default).
    Doubtful,
    /// For every query (thorough and slow: CDX allows ~20 a minute).
    Always,
    /// Never; trust the availability API.
    Never,
}

/// A Memento (RFC 7089) archive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MementoArchive {
    /// Name reported as the snapshot's `source` ("archive.today", "loc", …).
    pub name: String,
    /// TimeGate prefix; the original URL is appended.
    pub timegate: Url,
    /// TimeMap (link format) prefix, preferred when present because it lists
    /// every memento and so allows the same picking rules as the Wayback Machine.
    pub timemap: Option<Url>,
}

/// Everything an [`super::Archive`] needs to know.
#[derive(Debug, Clone)]
pub struct ArchiveConfig {
    /// Replay prefix; snapshot URLs are `<replay><ts>/<url>` (default `https://web.archive.org/web/`).
    pub replay: Url,
    /// Availability API (default `https://archive.org/wayback/available`).
    pub availability_url: Url,
    /// Whether the availability API accepts the batch POST form (default true).
    pub batch: bool,
    /// Queries per batch POST (default 100).
    pub batch_size: usize,
    /// CDX server (default `https://web.archive.org/cdx/search/cdx`).
    pub cdx_url: Url,
    /// How many captures a CDX listing asks for (default 500).
    pub cdx_limit: u32,
    /// When to use CDX.
    pub cdx_policy: CdxPolicy,
    /// Save Page Now (default `https://web.archive.org/save`); status at `<save>/status/<job>`.
    pub save_url: Url,
    /// Delay between SPN2 status polls (default 5 s).
    pub save_poll: Duration,
    /// Status polls before a job is reported as still pending (default 60).
    pub save_max_polls: u32,
    /// Memento archives asked when the Wayback Machine has no good capture (`--memento`).
    pub memento: Vec<MementoArchive>,
    /// Budgets.
    pub limits: Limits,
    /// Verify each pick by fetching its replay (`--verify-archive`).
    pub verify: bool,
    /// User-Agent of every request.
    pub user_agent: String,
    /// Timeout of one request.
    pub timeout: Duration,
    /// Internet Archive S3-style keys (access, secret) for SPN2.
    pub ia_keys: Option<(String, String)>,
}

/// Parses one of the built-in endpoint constants (never input-derived).
fn url(s: &str) -> Url {
    Url::parse(s).expect("built-in endpoint URLs are valid")
}

impl Default for ArchiveConfig {
    fn default() -> ArchiveConfig {
        ArchiveConfig {
            replay: url("https://web.archive.org/web/"),
            availability_url: url("https://archive.org/wayback/available"),
            batch: true,
            batch_size: 100,
            cdx_url: url("https://web.archive.org/cdx/search/cdx"),
            cdx_limit: 500,
            cdx_policy: CdxPolicy::Doubtful,
            save_url: url("https://web.archive.org/save"),
            save_poll: Duration::from_secs(5),
            save_max_polls: 60,
            memento: Vec::new(),
            limits: Limits::default(),
            verify: false,
            user_agent: concat!(
                "citecheck/",
                env!("CARGO_PKG_VERSION"),
                " (+https://github.com/citecheck/citecheck)"
            )
            .to_string(),
            timeout: Duration::from_secs(30),
            ia_keys: None,
        }
    }
}

impl ArchiveConfig {
    /// Points every Wayback endpoint at `base` (`--wayback-url`): `<base>/web/`,
    /// `<base>/wayback/available`, `<base>/cdx/search/cdx`, `<base>/save`.
    pub fn with_wayback_base(mut self, base: &Url) -> Result<ArchiveConfig, ArchiveError> {
        let mut base = base.clone();
        if !base.path().ends_with('/') {
            let path = format!("{}/", base.path());
            base.set_path(&path);
        }
        let join = |p: &str| {
            base.join(p)
                .map_err(|e| ArchiveError::Config(format!("{base}{p}: {e}")))
        };
        self.replay = join("web/")?;
        self.availability_url = join("wayback/available")?;
        self.cdx_url = join("cdx/search/cdx")?;
        self.save_url = join("save")?;
        Ok(self)
    }

    /// Reads the SPN2 keys from `IA_ACCESS_KEY` / `IA_SECRET_KEY` when both are set.
    pub fn keys_from_env(mut self) -> ArchiveConfig {
        let get = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
        if let (Some(a), Some(s)) = (get("IA_ACCESS_KEY"), get("IA_SECRET_KEY")) {
            self.ia_keys = Some((a, s));
        }
        self
    }

    pub(crate) fn validate(&self) -> Result<(), ArchiveError> {
        if self.batch_size == 0 {
            return Err(ArchiveError::Config("batch size must be at least 1".into()));
        }
        let l = &self.limits;
        for r in [
            l.availability,
            l.cdx,
            l.replay,
            l.save,
            l.save_status,
            l.memento,
        ] {
            if r.count == 0 || r.per.is_zero() {
                return Err(ArchiveError::Config(format!("rate {r:?} allows nothing")));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_derives_every_endpoint() {
        let base = Url::parse("http://127.0.0.1:8080/pywb").unwrap();
        let cfg = ArchiveConfig::default().with_wayback_base(&base).unwrap();
        assert_eq!(cfg.replay.as_str(), "http://127.0.0.1:8080/pywb/web/");
        assert_eq!(
            cfg.availability_url.as_str(),
            "http://127.0.0.1:8080/pywb/wayback/available"
        );
        assert_eq!(
            cfg.cdx_url.as_str(),
            "http://127.0.0.1:8080/pywb/cdx/search/cdx"
        );
        assert_eq!(cfg.save_url.as_str(), "http://127.0.0.1:8080/pywb/save");
    }

    #[test]
    fn zero_rates_are_rejected() {
        let mut cfg = ArchiveConfig::default();
        assert!(cfg.validate().is_ok());
        cfg.limits.cdx.count = 0;
        assert!(cfg.validate().is_err());
    }
}
