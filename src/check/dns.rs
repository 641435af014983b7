//! Name resolution that can tell "no such host" from "no DNS at all".
//!
//! A dead host and an offline machine look alike to a naive checker: every
//! lookup fails. This resolver (used by the HTTP client for every connection)
//! returns a typed [`DnsFailure`] the checker finds in the error chain, and
//! answers the question that decides the verdict: do well-known names (the
//! canaries) resolve? Only if they do is "no such host" evidence of death.
//! Results are cached per name, and concurrent look-ups of one name share a
//! single query. `--resolve` overrides are answered here too, so a canary
//! mapped with `--resolve` counts as working.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use reqwest::dns::{Addrs, Name, Resolving};
use tokio::sync::OnceCell;

use super::config::Resolve;

/// Why a name did not resolve.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DnsFailure {
    /// The resolver answered that the name does not exist (NXDOMAIN / no data).
    #[error("no such host")]
    NoSuchHost,
    /// The resolver could not be asked or did not answer.
    #[error("DNS failure: {0}")]
    Unavailable(String),
}

type Cached = Arc<OnceCell<Result<Vec<IpAddr>, DnsFailure>>>;

/// The caching resolver with `--resolve` overrides and DNS canaries.
pub struct Resolver {
    overrides: HashMap<String, (IpAddr, u16)>,
    cache: Mutex<HashMap<String, Cached>>,
    canaries: Vec<String>,
    canary: OnceCell<bool>,
    resolved: AtomicUsize,
    down: AtomicBool,
}

impl Resolver {
    /// A resolver with overrides and the canary names to try.
    pub fn new(overrides: &[Resolve], canaries: Vec<String>) -> Resolver {
        Resolver {
            overrides: overrides
                .iter()
                .map(|r| (r.host.clone(), (r.addr, r.port)))
                .collect(),
            cache: Mutex::new(HashMap::new()),
            canaries,
            canary: OnceCell::new(),
            resolved: AtomicUsize::new(0),
            down: AtomicBool::new(false),
        }
    }

    /// Resolves a host name (overrides first, then the system resolver, once per name).
    pub async fn lookup(&self, host: &str) -> Result<Vec<SocketAddr>, DnsFailure> {
        let host = host.to_ascii_lowercase();
        if let Some(&(addr, port)) = self.overrides.get(&host) {
            self.resolved.fetch_add(1, Ordering::Relaxed);
            return Ok(vec![SocketAddr::new(addr, port)]);
        }
        let cell = {
            let mut cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
            Arc::clone(cache.entry(host.clone()).or_default())
        };
        let answer = cell.get_or_init(|| system_lookup(host)).await.clone();
        if answer.is_ok() {
            self.resolved.fetch_add(1, Ordering::Relaxed);
        }
        answer.map(|ips| ips.into_iter().map(|ip| SocketAddr::new(ip, 0)).collect())
    }

    /// Whether DNS works: some canary resolves. Asked once per run.
    pub async fn dns_works(&self) -> bool {
        let works = *self
            .canary
            .get_or_init(|| async {
                for name in &self.canaries {
                    if self.lookup(name).await.is_ok() {
                        return true;
                    }
                }
                false
            })
            .await;
        if !works {
            self.down.store(true, Ordering::Relaxed);
        }
        works
    }

    /// Whether the canaries were asked and failed.
    pub fn dns_down(&self) -> bool {
        self.down.load(Ordering::Relaxed)
    }

    /// How many look-ups succeeded (canaries and overrides included).
    pub fn resolved_count(&self) -> usize {
        self.resolved.load(Ordering::Relaxed)
    }
}

/// Asks the system resolver (getaddrinfo). Its errors carry only a message,
/// so NXDOMAIN is recognised by the glibc/musl/BSD texts for EAI_NONAME and
/// EAI_NODATA; any other failure counts as "resolver unavailable".
async fn system_lookup(host: String) -> Result<Vec<IpAddr>, DnsFailure> {
    match tokio::net::lookup_host((host.as_str(), 0)).await {
        Ok(addrs) => {
            let ips: Vec<IpAddr> = addrs.map(|a| a.ip()).collect();
            if ips.is_empty() {
                Err(DnsFailure::NoSuchHost)
            } else {
                Ok(ips)
            }
        }
        Err(e) => Err(classify_error(&e.to_string())),
    }
}

/// Maps a resolver error message to a [`DnsFailure`].
fn classify_error(message: &str) -> DnsFailure {
    const NO_SUCH_HOST: &[&str] = &[
        "Name or service not known",
        "No address associated with hostname",
        "nodename nor servname provided",
        "Name does not resolve",
        "No such host is known",
    ];
    if NO_SUCH_HOST.iter().any(|m| message.contains(m)) {
        DnsFailure::NoSuchHost
    } else {
        DnsFailure::Unavailable(message.to_string())
    }
}

/// The handle given to the HTTP client.
pub(crate) struct ClientResolver(pub Arc<Resolver>);

impl reqwest::dns::Resolve for ClientResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let resolver = Arc::clone(&self.0);
        Box::pin(async move {
            let addrs = resolver.lookup(name.as_str()).await?;
            let addrs: Addrs = Box::new(addrs.into_iter());
            Ok(addrs)
        })
    }
}

/// Finds a [`DnsFailure`] in an error's chain of sources.
pub fn find_failure<'a>(err: &'a (dyn std::error::Error + 'static)) -> Option<&'a DnsFailure> {
    let mut cur: Option<&'a (dyn std::error::Error + 'static)> = Some(err);
    while let Some(e) = cur {
        if let Some(f) = e.downcast_ref::<DnsFailure>() {
            return Some(f);
        }
        cur = e.source();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_messages() {
        assert_eq!(
            classify_error("failed to lookup address information: Name or service not known"),
            DnsFailure::NoSuchHost
        );
        assert!(matches!(
            classify_error(
                "failed to lookup address information: Temporary failure in name resolution"
            ),
            DnsFailure::Unavailable(_)
        ));
    }

    #[tokio::test]
    async fn overrides_count_as_resolved() {
        let r = Resolver::new(
            &[Resolve {
                host: "canary.test".into(),
                port: 80,
                addr: "127.0.0.1".parse().unwrap(),
            }],
            vec!["canary.test".into()],
        );
        assert!(r.dns_works().await);
        assert!(!r.dns_down());
        assert_eq!(
            r.lookup("Canary.Test").await.unwrap(),
            vec!["127.0.0.1:80".parse::<SocketAddr>().unwrap()]
        );
    }
}
