//! The checker's configuration and the parsers for its textual forms.
//!
//! The library takes plain values (durations, PEM bytes, parsed overrides),
//! never command-line types; the parsers live here so the CLI and any other
//! front end accept the same syntax (`20s`, `HOST:PORT:ADDR`,
//! `HOST:concurrency=2,interval=500ms`, `Name: value`).

use std::collections::HashMap;
use std::net::IpAddr;
use std::time::Duration;

/// The default `User-Agent`: names citecheck, its version and its home page,
/// so a site owner who sees it in a log knows what it is.
pub const DEFAULT_USER_AGENT: &str = concat!(
    "citecheck/",
    env!("CARGO_PKG_VERSION"),
    " (+",
    env!("CARGO_PKG_HOMEPAGE"),
    ")"
);

/// Limits for the requests to one host.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HostSettings {
    /// Requests in flight at once to the host.
    pub concurrency: usize,
    /// Minimum time between the starts of two requests to the host.
    pub interval: Duration,
}

/// A `--resolve HOST:PORT:ADDR` entry: connect to `addr` for `host`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolve {
    /// The host name (lower case).
    pub host: String,
    /// The port, used when the URL gives none.
    pub port: u16,
    /// The address to connect to.
    pub addr: IpAddr,
}

/// Everything the checker needs to know; see each field for its default.
#[derive(Debug, Clone)]
pub struct CheckConfig {
    /// Time allowed for one request, headers and body prefix (default 20 s).
    pub timeout: Duration,
    /// Total time allowed for one URL, retries and redirects included (default 90 s).
    pub deadline: Duration,
    /// Further tries after a transient failure (default 2).
    pub max_retries: u32,
    /// Redirects followed before giving up (default 10).
    pub max_redirects: usize,
    /// First retry delay; doubled each try, with ±50 % jitter (default 1 s).
    pub backoff: Duration,
    /// Longest wait honoured for a `Retry-After` or back-off (default 60 s);
    /// a server asking for more is reported as it answered.
    pub max_retry_wait: Duration,
    /// Requests in flight at once over all hosts (default 64).
    pub concurrency: usize,
    /// Limits for every host without an override (default 4 at once, no interval).
    pub host: HostSettings,
    /// Per-host overrides, by lower-case host name.
    pub host_overrides: HashMap<String, HostSettings>,
    /// The `User-Agent` header (default [`DEFAULT_USER_AGENT`]).
    pub user_agent: String,
    /// Extra headers sent with every request (`Authorization` and `Cookie`
    /// only to the cited URL's own host).
    pub headers: Vec<(String, String)>,
    /// Headers for the requests to one host (lower case), replacing any
    /// header of the same name; a `User-Agent` here overrides `user_agent`.
    pub host_headers: HashMap<String, Vec<(String, String)>>,
    /// Extra trusted root certificates, PEM.
    pub cacerts: Vec<Vec<u8>>,
    /// Accept any certificate (never the default).
    pub insecure: bool,
    /// Host-name overrides, like curl's `--resolve`.
    pub resolve: Vec<Resolve>,
    /// Well-known names resolved to tell "no such host" from "DNS is down".
    pub dns_canaries: Vec<String>,
    /// URLs matching any of these are skipped.
    pub exclude: Vec<regex::Regex>,
    /// Bytes of a body read at most (default 64 KiB).
    pub body_limit: usize,
    /// Probe a nonsense sibling URL to detect soft 404s (default on).
    pub probe: bool,
}

impl Default for CheckConfig {
    fn default() -> CheckConfig {
        CheckConfig {
            timeout: Duration::from_secs(20),
            deadline: Duration::from_secs(90),
            max_retries: 2,
            max_redirects: 10,
            backoff: Duration::from_secs(1),
            max_retry_wait: Duration::from_secs(60),
            concurrency: 64,
            host: HostSettings {
                concurrency: 4,
                interval: Duration::ZERO,
            },
            host_overrides: HashMap::new(),
            user_agent: DEFAULT_USER_AGENT.to_string(),
            headers: Vec::new(),
            host_headers: HashMap::new(),
            cacerts: Vec::new(),
            insecure: false,
            resolve: Vec::new(),
            dns_canaries: vec!["web.archive.org".into(), "www.wikipedia.org".into()],
            exclude: Vec::new(),
            body_limit: 64 * 1024,
            probe: true,
        }
    }
}

impl CheckConfig {
    /// The limits that apply to a host.
    pub fn settings_for(&self, host: &str) -> HostSettings {
        self.host_overrides.get(host).copied().unwrap_or(self.host)
    }
}

/// A configuration value that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// A value given on the command line is malformed.
    #[error("{0}")]
    Syntax(String),
    /// A certificate file is not PEM.
    #[error("cannot use the certificates: {0}")]
    Certificate(String),
    /// The HTTP client could not be built.
    #[error("cannot build the HTTP client: {0}")]
    Client(String),
}

/// Parses a duration: `500ms`, `20s`, `2m`, or a plain number of seconds (`1.5`).
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let (num, unit) = match s.find(|c: char| c.is_ascii_alphabetic()) {
        Some(i) => (s.get(..i).unwrap_or(""), s.get(i..).unwrap_or("")),
        None => (s, "s"),
    };
    let value: f64 = num
        .trim()
        .parse()
        .map_err(|_| format!("invalid duration {s:?} (examples: 500ms, 20s, 2m)"))?;
    let secs = match unit {
        "ms" => value / 1000.0,
        "s" => value,
        "m" | "min" => value * 60.0,
        "h" => value * 3600.0,
        _ => {
            return Err(format!(
                "invalid duration unit in {s:?} (use ms, s, m or h)"
            ))
        }
    };
    Duration::try_from_secs_f64(secs).map_err(|_| format!("invalid duration {s:?}"))
}

/// Parses `HOST:PORT:ADDR` (an IPv6 address may be bracketed).
pub fn parse_resolve(s: &str) -> Result<Resolve, String> {
    let bad = || format!("invalid --resolve {s:?}: expected HOST:PORT:ADDR");
    let (host, rest) = s.split_once(':').ok_or_else(bad)?;
    let (port, addr) = rest.split_once(':').ok_or_else(bad)?;
    let port: u16 = port.parse().map_err(|_| bad())?;
    let addr = addr.trim_start_matches('[').trim_end_matches(']');
    let addr: IpAddr = addr.parse().map_err(|_| bad())?;
    if host.is_empty() {
        return Err(bad());
    }
    Ok(Resolve {
        host: host.to_ascii_lowercase(),
        port,
        addr,
    })
}

/// Parses `Name: value`.
pub fn parse_header(s: &str) -> Result<(String, String), String> {
    let (name, value) = s
        .split_once(':')
        .ok_or_else(|| format!("invalid --header {s:?}: expected \"Name: value\""))?;
    let name = name.trim();
    if name.is_empty() || !name.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(format!("invalid header name in {s:?}"));
    }
    Ok((name.to_string(), value.trim().to_string()))
}

/// Parses a per-host override `HOST:concurrency=N,interval=DURATION` (either
/// key may be left out; unset keys keep `base`).
pub fn parse_host_override(s: &str, base: HostSettings) -> Result<(String, HostSettings), String> {
    let (host, spec) = s.split_once(':').ok_or_else(|| {
        format!("invalid --host {s:?}: expected HOST:concurrency=N,interval=500ms")
    })?;
    let mut settings = base;
    for pair in spec.split(',').filter(|p| !p.trim().is_empty()) {
        let (key, value) = pair
            .split_once('=')
            .ok_or_else(|| format!("invalid --host setting {pair:?}: expected KEY=VALUE"))?;
        match key.trim() {
            "concurrency" => {
                settings.concurrency = value
                    .trim()
                    .parse()
                    .ok()
                    .filter(|&n: &usize| n > 0)
                    .ok_or_else(|| format!("invalid concurrency {value:?} in --host {s:?}"))?;
            }
            "interval" => settings.interval = parse_duration(value)?,
            other => {
                return Err(format!(
                    "unknown --host setting {other:?} (use concurrency or interval)"
                ))
            }
        }
    }
    if host.is_empty() {
        return Err(format!("invalid --host {s:?}: empty host"));
    }
    Ok((host.to_ascii_lowercase(), settings))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration("20s"), Ok(Duration::from_secs(20)));
        assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
        assert_eq!(parse_duration("1.5"), Ok(Duration::from_millis(1500)));
        assert!(parse_duration("soon").is_err());
        assert!(parse_duration("5y").is_err());
        assert!(parse_duration("-1").is_err());
    }

    #[test]
    fn resolves_and_headers() {
        let r = parse_resolve("Alpha.test:8080:127.0.0.1").unwrap();
        assert_eq!((r.host.as_str(), r.port), ("alpha.test", 8080));
        assert_eq!(r.addr, "127.0.0.1".parse::<IpAddr>().unwrap());
        assert!(parse_resolve("h:[::1]").is_err());
        assert_eq!(parse_resolve("h:1:[::1]").unwrap().addr.to_string(), "::1");
        assert!(parse_resolve("h:x:127.0.0.1").is_err());
        assert_eq!(
            parse_header("X-Key:  v a"),
            Ok(("X-Key".to_string(), "v a".to_string()))
        );
        assert!(parse_header("novalue").is_err());
    }

    #[test]
    fn host_overrides() {
        let base = CheckConfig::default().host;
        let (h, s) = parse_host_override("Big.org:concurrency=2,interval=250ms", base).unwrap();
        assert_eq!(h, "big.org");
        assert_eq!(s.concurrency, 2);
        assert_eq!(s.interval, Duration::from_millis(250));
        let (_, s) = parse_host_override("big.org:interval=1s", base).unwrap();
        assert_eq!(s.concurrency, base.concurrency);
        assert!(parse_host_override("big.org:speed=3", base).is_err());
        assert!(parse_host_override("big.org:concurrency=0", base).is_err());
    }
}
