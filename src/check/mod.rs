//! Checking: every distinct URL fetched once, politely, and judged.
//!
//! The design follows from the two mistakes the checker must not make.
//! Calling a live source dead: so the checker gathers evidence (GET after a
//! failed HEAD, its own redirect following, a body prefix, a probe of a
//! nonsense sibling URL, a DNS canary) and hands it to [`crate::classify`],
//! which only says "dead" on positive evidence. Hammering a server: so every
//! request, redirects, retries and probes included, passes through the
//! [`scheduler`], which enforces a per-host limit and interval, a global
//! limit, and per-host back-off on 429.
//!
//! Results are streamed: [`Checker::run`] sends each `(url, result)` on a
//! channel the moment the URL is judged, so later stages (archive look-ups,
//! the history cache, a progress bar) start while checking goes on.

mod config;
pub mod dns;
mod flow;
mod http;
mod probe;
mod retry;
pub mod scheduler;

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use tokio::sync::mpsc;

pub use flow::PROXY_VARIABLES;

pub use config::{
    parse_duration, parse_header, parse_host_override, parse_resolve, CheckConfig, ConfigError,
    HostSettings, Resolve, DEFAULT_USER_AGENT,
};

/// The judgement on one URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// Dead: gone, with evidence (404, 410, no such host, soft 404, parked domain).
    Dead,
    /// Not a URL at all.
    Invalid,
    /// The server is there but refuses automated checking (401, 403, 429, 999, bot walls).
    Blocked,
    /// Possibly transient failure: timeout, refused or reset connection, TLS, 5xx, DNS down.
    Unreachable,
    /// Permanently redirected to another working URL (see `final_url`).
    Moved,
    /// Not checked: excluded or an unsupported scheme.
    Skipped,
    /// Answered with 2xx, possibly after redirects that keep the resource.
    Alive,
}

impl Verdict {
    /// Every verdict, most urgent first (the order of the text report).
    pub const ALL: [Verdict; 7] = [
        Verdict::Dead,
        Verdict::Invalid,
        Verdict::Blocked,
        Verdict::Unreachable,
        Verdict::Moved,
        Verdict::Skipped,
        Verdict::Alive,
    ];

    /// The lower-case name used in reports.
    pub fn name(self) -> &'static str {
        match self {
            Verdict::Alive => "alive",
            Verdict::Moved => "moved",
            Verdict::Dead => "dead",
            Verdict::Blocked => "blocked",
            Verdict::Unreachable => "unreachable",
            Verdict::Skipped => "skipped",
            Verdict::Invalid => "invalid",
        }
    }
}

impl std::fmt::Display for Verdict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// One redirect followed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hop {
    /// The URL requested.
    pub url: String,
    /// Its 3xx status.
    pub status: u16,
    /// Where it pointed (resolved against `url`).
    pub location: String,
}

/// The outcome of checking one URL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckResult {
    /// The judgement.
    pub verdict: Verdict,
    /// The last HTTP status received, if any.
    pub http_status: Option<u16>,
    /// One human line saying why ("HTTP 404 Not Found", "no such host").
    pub reason: String,
    /// Where the redirects ended, when that differs from the cited URL.
    pub final_url: Option<String>,
    /// The redirect chain as followed.
    pub redirects: Vec<Hop>,
}

impl CheckResult {
    /// A result without HTTP details.
    pub fn plain(verdict: Verdict, reason: impl Into<String>) -> CheckResult {
        CheckResult {
            verdict,
            http_status: None,
            reason: reason.into(),
            final_url: None,
            redirects: Vec::new(),
        }
    }
}

/// What a whole run found out about the network itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RunSummary {
    /// Distinct URLs judged.
    pub urls: usize,
    /// No host name could be resolved, canaries included, and nothing was
    /// reached: the machine is offline and the verdicts say nothing of the sources.
    pub network_unavailable: bool,
}

/// The checker: an HTTP client, a DNS resolver with canaries, and the
/// scheduler, shared by every URL of a run.
pub struct Checker {
    ctx: Arc<flow::Ctx>,
}

impl Checker {
    /// Builds the client from a configuration (fails on unusable certificates
    /// or headers).
    pub fn new(config: CheckConfig) -> Result<Checker, ConfigError> {
        Ok(Checker {
            ctx: Arc::new(flow::Ctx::new(config)?),
        })
    }

    /// Checks each distinct URL once, sending every result on `tx` as soon as
    /// it is known. Must run inside a Tokio runtime. A closed channel stops
    /// nothing: the run still finishes.
    pub async fn run(
        &self,
        urls: Vec<String>,
        tx: mpsc::Sender<(String, CheckResult)>,
    ) -> RunSummary {
        let mut seen = HashSet::new();
        let urls: Vec<String> = urls
            .into_iter()
            .filter(|u| seen.insert(u.clone()))
            .collect();
        let total = urls.len();
        let mut by_host: HashMap<String, Vec<String>> = HashMap::new();
        for url in urls {
            match flow::precheck(&self.ctx.config, &url) {
                Ok(host) => by_host.entry(host).or_default().push(url),
                Err(result) => {
                    let _ = tx.send((url, result)).await;
                }
            }
        }
        let reached = Arc::new(AtomicBool::new(false));
        let mut hosts: Vec<(String, Vec<String>)> = by_host.into_iter().collect();
        // Busiest hosts first: their queues set the run's length.
        hosts.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then_with(|| a.0.cmp(&b.0)));
        let mut tasks = tokio::task::JoinSet::new();
        for (host, list) in hosts {
            self.ctx.scheduler.add_backlog(&host, list.len());
            let lane = Lane {
                ctx: Arc::clone(&self.ctx),
                limit: self.ctx.config.settings_for(&host).concurrency.max(1),
                host,
                tx: tx.clone(),
                reached: Arc::clone(&reached),
            };
            tasks.spawn(lane.run(list));
        }
        while tasks.join_next().await.is_some() {}
        let network_unavailable = !reached.load(Ordering::Relaxed)
            && self.ctx.dns.dns_down()
            && self.ctx.dns.resolved_count() == 0;
        RunSummary {
            urls: total,
            network_unavailable,
        }
    }

    /// The DNS canaries this checker uses (for messages).
    pub fn canaries(&self) -> &[String] {
        &self.ctx.config.dns_canaries
    }
}

/// The URLs of one host, started one at a time as the host has room.
struct Lane {
    ctx: Arc<flow::Ctx>,
    host: String,
    /// The host's limit of requests in flight.
    limit: usize,
    tx: mpsc::Sender<(String, CheckResult)>,
    reached: Arc<AtomicBool>,
}

impl Lane {
    /// Starts each URL once a slot of its host is free, handing it the slot.
    /// A URL waiting out a retry holds no slot, so the next URL starts in its
    /// place and the host never idles while work remains; and no more URLs are
    /// under way than the host can serve, which keeps a large run small.
    async fn run(self, urls: Vec<String>) {
        let lane = Arc::new(self);
        let mut running = tokio::task::JoinSet::new();
        for url in urls {
            let cap = lane.cap();
            let slot = lane.ctx.scheduler.reserve(&lane.host, cap).await;
            lane.ctx.scheduler.started_one(&lane.host);
            let lane = Arc::clone(&lane);
            running.spawn(async move {
                let result = flow::check(&lane.ctx, &url, Some(slot)).await;
                lane.ctx.scheduler.done_one(&lane.host);
                if result.http_status.is_some() {
                    lane.reached.store(true, Ordering::Relaxed);
                }
                let _ = lane.tx.send((url, result)).await;
            });
            while running.try_join_next().is_some() {}
        }
        while running.join_next().await.is_some() {}
    }

    /// How many requests this host should have in flight: its share of the
    /// work left on the busiest host, doubled for safety (hosts differ in
    /// speed), at least 2 (so one hung request does not stop the host) and at
    /// most its limit. The busiest host's queue sets the length of the run; a
    /// host with a tenth of that work finishes in time on a fraction of the
    /// connections, and every connection not opened is memory saved, here
    /// and on the server.
    fn cap(&self) -> usize {
        let backlog = self.ctx.scheduler.backlog(&self.host);
        let busiest = self.ctx.scheduler.max_backlog().max(backlog).max(1);
        let share = (2 * self.limit * backlog).div_ceil(busiest);
        share.clamp(2.min(self.limit), self.limit)
    }
}

/// Checks a list of URLs and collects the results (a convenience over
/// [`Checker::run`] for callers that do not stream).
pub async fn check_all(
    checker: &Checker,
    urls: Vec<String>,
) -> (HashMap<String, CheckResult>, RunSummary) {
    let (tx, mut rx) = mpsc::channel(256);
    let collect = async {
        let mut out = HashMap::new();
        while let Some((url, result)) = rx.recv().await {
            out.insert(url, result);
        }
        out
    };
    let run = async move { checker.run(urls, tx).await };
    let (summary, out) = tokio::join!(run, collect);
    (out, summary)
}
