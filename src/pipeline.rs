//! The whole `check` pipeline as one call: cache, check, confirm, archive,
//! suggest.
//!
//! [`run`] is what `citecheck check` and `citecheck fix` share. Its shape
//! follows from latency: archive look-ups are slow and rate-limited, so they
//! must not wait for the last check. Results therefore flow as a stream —
//! the checker sends each URL's result the moment it is judged, a collector
//! records it in the history store and, when it is dead (or always, with
//! [`ArchiveMode::All`]), hands its queries to the archive batcher, which
//! groups them into batch requests while checking goes on. A third task
//! collects the archive answers. Results still fresh in the history store
//! enter the same stream without any request, so a cached run and a live
//! one take the same path.
//!
//! The store is optional (`--no-cache`), and none of its failures stops a
//! run: a result that cannot be recorded is still reported, and the first
//! store error is returned in [`Stats`] for a warning.

mod history;
mod suggest;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use jiff::{SignedDuration, Timestamp};
use serde::Deserialize;
use tokio::sync::mpsc;

use crate::archive::batcher::BatchPolicy;
use crate::archive::RequestCounts;
use crate::archive::{Archive, ArchiveConfig, ArchiveError, Outcome as Lookup, Query};
use crate::check::{CheckConfig, CheckResult, Checker, ConfigError, Verdict};
use crate::citation::Citation;
use crate::progress::Progress;
use crate::report::check::{self as report, Checked};
use crate::store::{ConfirmRule, Confirmation, StoreError};

use history::History;

/// Which citations get an archive look-up (`--archive off|dead|all`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ArchiveMode {
    /// None.
    Off,
    /// Dead ones (the default).
    #[default]
    Dead,
    /// Every checked one, e.g. to add archive links pre-emptively.
    All,
}

impl ArchiveMode {
    /// The name used on the command line and in the configuration file.
    pub fn name(self) -> &'static str {
        match self {
            ArchiveMode::Off => "off",
            ArchiveMode::Dead => "dead",
            ArchiveMode::All => "all",
        }
    }

    /// Whether a URL with this verdict is looked up.
    fn wants(self, verdict: Verdict) -> bool {
        match self {
            ArchiveMode::Off => false,
            ArchiveMode::Dead => verdict == Verdict::Dead,
            ArchiveMode::All => !matches!(verdict, Verdict::Invalid | Verdict::Skipped),
        }
    }
}

impl std::str::FromStr for ArchiveMode {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "off" => Ok(ArchiveMode::Off),
            "dead" => Ok(ArchiveMode::Dead),
            "all" => Ok(ArchiveMode::All),
            _ => Err(format!(
                "unknown archive mode {s:?}: expected off, dead or all"
            )),
        }
    }
}

/// Status codes that count as alive although the checker says otherwise
/// (`accept` in the configuration, `treat_403_as_alive` per host).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Accept {
    /// For every host.
    pub statuses: Vec<u16>,
    /// For one host (lower case), in addition to `statuses`.
    pub per_host: HashMap<String, Vec<u16>>,
}

impl Accept {
    /// Turns a refused or failed answer with an accepted status into `alive`.
    fn apply(&self, url: &str, mut result: CheckResult) -> CheckResult {
        let Some(status) = result.http_status else {
            return result;
        };
        if matches!(result.verdict, Verdict::Alive | Verdict::Moved) {
            return result;
        }
        let host = url::Url::parse(url)
            .ok()
            .and_then(|u| u.host_str().map(str::to_ascii_lowercase));
        let for_host = host.and_then(|h| self.per_host.get(&h));
        if self.statuses.contains(&status) || for_host.is_some_and(|s| s.contains(&status)) {
            result.verdict = Verdict::Alive;
            result.reason = format!("{} (accepted by configuration)", result.reason);
        }
        result
    }
}

/// Everything a pipeline run needs; [`PipelineConfig::default`] gives the
/// command line's defaults except the store (`None`, no cache).
#[derive(Debug, Clone)]
pub struct PipelineConfig {
    /// The checker's settings.
    pub check: CheckConfig,
    /// The archive client's settings; `None` looks nothing up.
    pub archive: Option<ArchiveConfig>,
    /// Which citations are looked up.
    pub archive_mode: ArchiveMode,
    /// How the archive batcher groups queries.
    pub archive_batch: BatchPolicy,
    /// The history store file; `None` for `--no-cache`.
    pub store: Option<PathBuf>,
    /// Stored checks younger than this are reused without a request (default 1 day).
    pub max_age: SignedDuration,
    /// Stored `unreachable` checks younger than this are reused (default 1 hour).
    pub max_age_unreachable: SignedDuration,
    /// Only report a URL dead once its history confirms it (`--confirm-dead 3/72h`).
    pub confirm_dead: Option<ConfirmRule>,
    /// When non-empty, only URLs matching one of these are checked.
    pub include: Vec<regex::Regex>,
    /// Statuses counted as alive.
    pub accept: Accept,
    /// Offer "did you mean" suggestions for hosts that do not exist (default on).
    pub suggest: bool,
    /// The time the run takes as "now" (a testing aid; default the clock).
    pub now: Option<Timestamp>,
}

impl Default for PipelineConfig {
    fn default() -> PipelineConfig {
        PipelineConfig {
            check: CheckConfig::default(),
            archive: Some(ArchiveConfig::default()),
            archive_mode: ArchiveMode::Dead,
            archive_batch: BatchPolicy::default(),
            store: None,
            max_age: SignedDuration::from_hours(24),
            max_age_unreachable: SignedDuration::from_hours(1),
            confirm_dead: None,
            include: Vec::new(),
            accept: Accept::default(),
            suggest: true,
            now: None,
        }
    }
}

/// What a run cost and reused.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stats {
    /// Distinct URLs among the citations.
    pub urls: usize,
    /// URLs the checker judged in this run (suggestions included; excluded
    /// and invalid ones too, which cost no request).
    pub checked: usize,
    /// URLs whose fresh stored result was reused.
    pub cached: usize,
    /// Archive queries sent to the archive.
    pub archive_queries: usize,
    /// Archive answers reused from the store.
    pub archive_cached: usize,
    /// Requests the archive client sent, per endpoint.
    pub archive_requests: RequestCounts,
    /// Records committed to the store.
    pub stored: usize,
    /// Records that could not be committed.
    pub store_lost: usize,
    /// The first history store error of the run, if any.
    pub store_error: Option<String>,
}

/// The result of a run.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// One record per citation, in the order given.
    pub records: Vec<Checked>,
    /// No host name resolved, canaries included: the verdicts say nothing
    /// about the sources, and callers should report an error instead.
    pub network_unavailable: bool,
    /// Costs and reuse.
    pub stats: Stats,
}

/// Why a run could not start.
#[derive(Debug, thiserror::Error)]
pub enum PipelineError {
    /// The checker's configuration is unusable.
    #[error(transparent)]
    Check(#[from] ConfigError),
    /// The archive configuration is unusable.
    #[error(transparent)]
    Archive(#[from] ArchiveError),
    /// The history store cannot be opened.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A configuration value (file or flag) is unusable.
    #[error("{0}")]
    Config(String),
}

impl PipelineError {
    /// Whether the user must correct the configuration (exit status 3).
    pub fn is_usage(&self) -> bool {
        !matches!(self, PipelineError::Store(_))
    }
}

/// Runs the pipeline over `citations`: every distinct URL is checked once
/// (or reused from the store), judged, confirmed, looked up in the archive
/// and returned as one [`Checked`] record per citation, in the given order.
/// Must run inside a Tokio runtime; opening the store and its
/// reads are short blocking SQLite calls made in place.
pub async fn run(
    citations: Vec<Citation>,
    cfg: &PipelineConfig,
    progress: &Progress,
) -> Result<Outcome, PipelineError> {
    let checker = Checker::new(cfg.check.clone())?;
    let archive = match (&cfg.archive, cfg.archive_mode) {
        (Some(a), mode) if mode != ArchiveMode::Off => Some(Arc::new(Archive::new(a.clone())?)),
        _ => None,
    };
    let history = History::open(cfg)?;
    let urls = distinct_urls(&citations);
    progress.set_total(urls.len());
    let queries = queries_by_url(&citations);
    let mut stream = Stream::new(cfg, &history, progress, &queries);
    let mut todo = Vec::new();
    let mut cached = Vec::new();
    for url in &urls {
        if !cfg.include.is_empty() && !cfg.include.iter().any(|re| re.is_match(url)) {
            let result = CheckResult::plain(Verdict::Skipped, "not included");
            stream.results.insert(url.clone(), result);
            progress.record(false);
        } else if let Some(result) = history.fresh_check(url) {
            cached.push((url.clone(), result));
        } else {
            todo.push(url.clone());
        }
    }
    stream.stats.urls = urls.len();
    stream.stats.cached = cached.len();
    let (batch_tx, batch_rx) = match &archive {
        Some(a) => {
            let (tx, rx) = Arc::clone(a).spawn_batcher(cfg.archive_batch);
            (Some(tx), Some(rx))
        }
        None => (None, None),
    };
    stream.batch_tx = batch_tx;
    let (tx, mut rx) = mpsc::channel(256);
    let checking = checker.run(todo, tx);
    let consuming = async {
        for (url, result) in cached {
            stream.take(url, result, false);
        }
        while let Some((url, result)) = rx.recv().await {
            stream.stats.checked += 1;
            stream.take(url, result, true);
        }
        if cfg.suggest {
            suggest::suggest(&mut stream, &checker, &urls).await;
        }
        // Closing the batcher's input lets it drain and end.
        stream.batch_tx = None;
        stream
    };
    let collecting = collect_archive(batch_rx, &history);
    let (summary, mut stream, mut lookups) = tokio::join!(checking, consuming, collecting);
    lookups.extend(std::mem::take(&mut stream.cached_lookups));
    let mut stats = std::mem::take(&mut stream.stats);
    let (results, suggestions, failing) = (stream.results, stream.suggestions, stream.failing);
    if let Some(a) = &archive {
        stats.archive_requests = a.requests();
    }
    history.finish(&mut stats).await;
    let records = citations
        .into_iter()
        .map(|c| {
            let result = results
                .get(&c.url)
                .cloned()
                .unwrap_or_else(|| CheckResult::plain(Verdict::Unreachable, "not checked"));
            let mut r = Checked::new(c, result);
            if let Some(outcome) = lookups.get(&query_of(&r.citation)) {
                (r.archive, r.archive_lookup) = lookup_fields(outcome);
            }
            r.suggestion = suggestions.get(&r.citation.url).cloned();
            r.failing_since = failing.get(&r.citation.url).copied();
            r
        })
        .collect();
    Ok(Outcome {
        records,
        network_unavailable: summary.network_unavailable,
        stats,
    })
}

/// The results of a run as they arrive, and where they go next.
struct Stream<'a> {
    cfg: &'a PipelineConfig,
    history: &'a History,
    progress: &'a Progress,
    queries: &'a HashMap<String, Vec<Query>>,
    batch_tx: Option<mpsc::UnboundedSender<Query>>,
    results: HashMap<String, CheckResult>,
    cached_lookups: HashMap<Query, Lookup>,
    suggestions: HashMap<String, String>,
    failing: HashMap<String, Timestamp>,
    stats: Stats,
}

impl<'a> Stream<'a> {
    fn new(
        cfg: &'a PipelineConfig,
        history: &'a History,
        progress: &'a Progress,
        queries: &'a HashMap<String, Vec<Query>>,
    ) -> Stream<'a> {
        Stream {
            cfg,
            history,
            progress,
            queries,
            batch_tx: None,
            results: HashMap::new(),
            cached_lookups: HashMap::new(),
            suggestions: HashMap::new(),
            failing: HashMap::new(),
            stats: Stats::default(),
        }
    }

    /// Takes one judged URL: records it (when `fresh`), confirms a death,
    /// and starts its archive look-ups.
    fn take(&mut self, url: String, result: CheckResult, fresh: bool) {
        let result = self.cfg.accept.apply(&url, result);
        self.progress.record(result.verdict == Verdict::Dead);
        if fresh {
            self.history.record_check(&url, &result);
        }
        if result.verdict == Verdict::Dead {
            if let Some(rule) = &self.cfg.confirm_dead {
                let pending = fresh.then_some(&result);
                if let Confirmation::FailingSince(t) = self.history.confirm(&url, pending, rule) {
                    self.failing.insert(url.clone(), t);
                }
            }
        }
        if self.cfg.archive_mode.wants(result.verdict) {
            self.look_up(&url);
        }
        self.results.insert(url, result);
    }

    /// Sends the URL's queries to the batcher, except those the store answers.
    fn look_up(&mut self, url: &str) {
        let Some(tx) = &self.batch_tx else { return };
        for q in self.queries.get(url).into_iter().flatten() {
            if let Some(outcome) = self.history.fresh_archive(q) {
                self.stats.archive_cached += 1;
                self.cached_lookups.insert(q.clone(), outcome);
            } else if tx.send(q.clone()).is_ok() {
                self.stats.archive_queries += 1;
            }
        }
    }
}

/// Collects the batcher's answers, recording each in the store.
async fn collect_archive(
    rx: Option<mpsc::UnboundedReceiver<(Query, Lookup)>>,
    history: &History,
) -> HashMap<Query, Lookup> {
    let mut out = HashMap::new();
    let Some(mut rx) = rx else { return out };
    while let Some((q, outcome)) = rx.recv().await {
        history.record_archive(&q, &outcome);
        out.insert(q, outcome);
    }
    out
}

/// The report fields of an archive outcome.
fn lookup_fields(o: &Lookup) -> (Option<crate::archive::Snapshot>, Option<report::Lookup>) {
    match o {
        Lookup::Found(s) => (Some(s.clone()), Some(report::Lookup::Found)),
        Lookup::NotFound => (None, Some(report::Lookup::NotFound)),
        Lookup::Deferred(_) => (None, Some(report::Lookup::Deferred)),
        Lookup::Failed(_) => (None, Some(report::Lookup::Failed)),
    }
}

/// The distinct URLs in order of first citation.
fn distinct_urls(citations: &[Citation]) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    citations
        .iter()
        .filter(|c| seen.insert(c.url.as_str()))
        .map(|c| c.url.clone())
        .collect()
}

/// The archive query of a citation: its URL, as written, and its date.
fn query_of(c: &Citation) -> Query {
    Query {
        url: c.url.clone(),
        raw: c.raw.clone(),
        cited: c.cited,
    }
}

/// The distinct queries of each URL (citations of one URL may cite it on
/// different dates, so each date gets its own snapshot).
fn queries_by_url(citations: &[Citation]) -> HashMap<String, Vec<Query>> {
    let mut out: HashMap<String, Vec<Query>> = HashMap::new();
    for c in citations {
        let q = query_of(c);
        let list = out.entry(c.url.clone()).or_default();
        if !list.contains(&q) {
            list.push(q);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_run_future_can_be_spawned() {
        fn send<T: Send>(_: &T) {}
        let cfg = PipelineConfig::default();
        let progress = Progress::hidden();
        let fut = run(Vec::new(), &cfg, &progress);
        send(&fut);
    }

    #[test]
    fn archive_modes() {
        assert_eq!("dead".parse(), Ok(ArchiveMode::Dead));
        assert_eq!("all".parse(), Ok(ArchiveMode::All));
        assert_eq!("off".parse(), Ok(ArchiveMode::Off));
        assert!("some".parse::<ArchiveMode>().is_err());
        assert!(ArchiveMode::Dead.wants(Verdict::Dead));
        assert!(!ArchiveMode::Dead.wants(Verdict::Alive));
        assert!(ArchiveMode::All.wants(Verdict::Alive));
        assert!(!ArchiveMode::All.wants(Verdict::Skipped));
        assert!(!ArchiveMode::Off.wants(Verdict::Dead));
    }

    #[test]
    fn accepted_statuses_turn_alive() {
        let mut accept = Accept {
            statuses: vec![429],
            per_host: HashMap::new(),
        };
        accept.per_host.insert("b.org".into(), vec![403]);
        let mut r = CheckResult::plain(Verdict::Blocked, "HTTP 403 Forbidden");
        r.http_status = Some(403);
        let a = accept.apply("http://a.org/x", r.clone());
        assert_eq!(a.verdict, Verdict::Blocked);
        let b = accept.apply("http://B.org/x", r);
        assert_eq!(b.verdict, Verdict::Alive);
        assert_eq!(b.reason, "HTTP 403 Forbidden (accepted by configuration)");
        let mut t = CheckResult::plain(Verdict::Blocked, "HTTP 429 Too Many Requests");
        t.http_status = Some(429);
        assert_eq!(accept.apply("http://a.org/", t).verdict, Verdict::Alive);
        let plain = CheckResult::plain(Verdict::Dead, "no such host");
        assert_eq!(accept.apply("http://a.org/", plain).verdict, Verdict::Dead);
    }

    #[test]
    fn queries_are_per_url_and_date() {
        let mk = |url: &str, cited| Citation {
            source: "d".into(),
            line: 1,
            column: 1,
            footnote: None,
            kind: crate::CitationKind::Bare,
            url: url.into(),
            raw: None,
            repairs: Vec::new(),
            cited,
            context: None,
            archived: None,
            span: 0..0,
            element: 0..0,
            text_span: None,
        };
        let d = crate::CitedDate::y(2017);
        let cs = vec![
            mk("http://a.org/", d),
            mk("http://b.org/", None),
            mk("http://a.org/", None),
            mk("http://a.org/", d),
        ];
        assert_eq!(distinct_urls(&cs), vec!["http://a.org/", "http://b.org/"]);
        let q = queries_by_url(&cs);
        assert_eq!(q.get("http://a.org/").map(Vec::len), Some(2));
        assert_eq!(q.get("http://b.org/").map(Vec::len), Some(1));
    }
}
