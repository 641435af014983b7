//! The check of one URL: requests, retries, redirects, then the verdict.
//!
//! HEAD is used first only where a body would be expensive and useless (a
//! path that names a PDF, an archive, media): a 2xx non-HTML answer settles
//! it. Every other case, and every HEAD that is not a clean 2xx, goes to a
//! GET — servers answer HEAD wrongly often enough that a HEAD error is never
//! evidence. Redirects are followed here, one scheduled request per hop, so
//! the chain is known (for `moved` and soft-404 rules) and credentials are
//! dropped when a hop leaves the cited host.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use reqwest::header::{HeaderName, HeaderValue};
use reqwest::{Client, Method};
use url::Url;

use super::config::{CheckConfig, ConfigError};
use super::dns::{ClientResolver, DnsFailure, Resolver};
use super::http::{self, Answer, Failure};
use super::probe::Probes;
use super::retry::backoff;
use super::scheduler::{HostSlot, Scheduler, FIRST_TRY};
use super::{CheckResult, Hop, Verdict};
use crate::classify::{self, StatusClass};

/// What every check of a run shares.
pub struct Ctx {
    pub config: CheckConfig,
    pub client: Client,
    pub dns: Arc<Resolver>,
    pub scheduler: Scheduler,
    pub probes: Probes,
    headers: Vec<(HeaderName, HeaderValue)>,
    /// Per-host headers, by lower-case host name.
    host_headers: HashMap<String, Vec<(HeaderName, HeaderValue)>>,
    /// A proxy is configured in the environment: name resolution is its job.
    proxied: bool,
}

impl Ctx {
    pub fn new(config: CheckConfig) -> Result<Ctx, ConfigError> {
        let dns = Arc::new(Resolver::new(&config.resolve, config.dns_canaries.clone()));
        let mut builder = Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(config.user_agent.clone())
            .dns_resolver(Arc::new(ClientResolver(Arc::clone(&dns))))
            .connect_timeout(config.timeout)
            .pool_max_idle_per_host(config.host.concurrency.max(1) * 2)
            .danger_accept_invalid_certs(config.insecure);
        for pem in &config.cacerts {
            let certs = reqwest::Certificate::from_pem_bundle(pem)
                .map_err(|e| ConfigError::Certificate(e.to_string()))?;
            if certs.is_empty() {
                return Err(ConfigError::Certificate("no PEM certificate found".into()));
            }
            for cert in certs {
                builder = builder.add_root_certificate(cert);
            }
        }
        let client = builder
            .build()
            .map_err(|e| ConfigError::Client(e.to_string()))?;
        let headers = typed_headers(&config.headers)?;
        let mut host_headers = HashMap::new();
        for (host, list) in &config.host_headers {
            host_headers.insert(host.to_ascii_lowercase(), typed_headers(list)?);
        }
        let settings = {
            let config = config.clone();
            move |host: &str| config.settings_for(host)
        };
        Ok(Ctx {
            scheduler: Scheduler::new(config.concurrency, settings),
            probes: Probes::default(),
            proxied: proxy_in_env(),
            config,
            client,
            dns,
            headers,
            host_headers,
        })
    }
}

/// Validates header names and values once, up front.
fn typed_headers(list: &[(String, String)]) -> Result<Vec<(HeaderName, HeaderValue)>, ConfigError> {
    let mut out = Vec::new();
    for (name, value) in list {
        let name = HeaderName::from_bytes(name.as_bytes())
            .map_err(|e| ConfigError::Syntax(format!("header {name:?}: {e}")))?;
        let value = HeaderValue::from_str(value)
            .map_err(|e| ConfigError::Syntax(format!("header {name:?}: {e}")))?;
        out.push((name, value));
    }
    Ok(out)
}

/// The environment variables that set a proxy (reqwest honours the same).
pub const PROXY_VARIABLES: [&str; 6] = [
    "HTTPS_PROXY",
    "https_proxy",
    "HTTP_PROXY",
    "http_proxy",
    "ALL_PROXY",
    "all_proxy",
];

/// Whether a proxy is set in the environment.
fn proxy_in_env() -> bool {
    PROXY_VARIABLES
        .iter()
        .any(|v| std::env::var_os(v).is_some_and(|s| !s.is_empty()))
}

/// Settles what needs no network: returns the host to schedule under, or the
/// result for an invalid, excluded or unsupported URL.
pub fn precheck(config: &CheckConfig, url: &str) -> Result<String, CheckResult> {
    let parsed = Url::parse(url)
        .map_err(|e| CheckResult::plain(Verdict::Invalid, format!("not a URL: {e}")))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(CheckResult::plain(
            Verdict::Skipped,
            format!("unsupported scheme {}:", parsed.scheme()),
        ));
    }
    let host = parsed
        .host_str()
        .filter(|h| !h.is_empty())
        .ok_or_else(|| CheckResult::plain(Verdict::Invalid, "not a URL: no host"))?;
    if config.exclude.iter().any(|re| re.is_match(url)) {
        return Err(CheckResult::plain(Verdict::Skipped, "excluded"));
    }
    Ok(host.to_string())
}

/// Checks one URL within the per-URL deadline; its first request uses
/// `slot` when given (a slot of the URL's host reserved by the caller).
///
/// The deadline bounds what servers make us wait: requests, redirects,
/// retries and their back-off. Time spent waiting for our own limits (a host
/// slot, the interval, a global slot, a deferred retry) extends it, so a URL
/// of a busy host is not given up while it stands in our queue.
pub async fn check(ctx: &Ctx, url: &str, slot: Option<HostSlot>) -> CheckResult {
    if let Err(result) = precheck(&ctx.config, url) {
        return result;
    }
    let Ok(parsed) = Url::parse(url) else {
        return CheckResult::plain(Verdict::Invalid, "not a URL");
    };
    let queued = Queued::default();
    let mut job = Job {
        slot,
        queued: Some(&queued),
    };
    let start = tokio::time::Instant::now();
    let due = || start + ctx.config.deadline + queued.total();
    let work = judge(ctx, &parsed, &mut job);
    tokio::pin!(work);
    loop {
        tokio::select! {
            result = &mut work => return result,
            () = tokio::time::sleep_until(due()) => {
                if due() <= tokio::time::Instant::now() {
                    return CheckResult::plain(
                        Verdict::Unreachable,
                        format!("no answer within the {:?} deadline", ctx.config.deadline),
                    );
                }
            }
        }
    }
}

/// What the requests of one URL's check share.
pub struct Job<'a> {
    /// A slot of the URL's host reserved for its first request.
    slot: Option<HostSlot>,
    /// The URL's own check: its queueing time is kept (for the deadline) and
    /// its retries after a timeout wait for the host's first tries. `None`
    /// for requests made on behalf of several URLs (probes).
    queued: Option<&'a Queued>,
}

impl Job<'_> {
    /// A job for requests no single URL owns (probes of a site).
    pub fn shared() -> Job<'static> {
        Job {
            slot: None,
            queued: None,
        }
    }
}

/// The time a check has spent waiting for our own limits, including a wait
/// going on now.
#[derive(Default)]
struct Queued {
    state: std::sync::Mutex<QueueState>,
}

#[derive(Default)]
struct QueueState {
    total: std::time::Duration,
    since: Option<tokio::time::Instant>,
}

impl Queued {
    fn state(&self) -> std::sync::MutexGuard<'_, QueueState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Runs `wait`, counting its time as queueing.
    async fn during<T>(&self, wait: impl std::future::Future<Output = T>) -> T {
        self.state().since = Some(tokio::time::Instant::now());
        let out = wait.await;
        let mut s = self.state();
        if let Some(since) = s.since.take() {
            s.total += since.elapsed();
        }
        out
    }

    /// Queueing time so far.
    fn total(&self) -> std::time::Duration {
        let s = self.state();
        s.total + s.since.map_or(std::time::Duration::ZERO, |t| t.elapsed())
    }
}

/// How a redirect chain ended.
pub enum End {
    /// An answer that is not a redirect.
    Answer(Answer),
    /// No answer.
    Failed(Failure),
    /// A redirect pointed back into the chain.
    Loop,
    /// More redirects than allowed.
    TooMany,
    /// A redirect without a usable `Location`.
    BadLocation(u16, String),
}

/// A followed chain: the hops, the URL answered last, how it ended, and how
/// many tries its last request took.
pub struct Chain {
    pub hops: Vec<Hop>,
    pub last: Url,
    pub end: End,
    pub tries: u32,
}

async fn judge(ctx: &Ctx, url: &Url, job: &mut Job<'_>) -> CheckResult {
    if head_is_cheap(url) {
        let chain = follow(ctx, url, Method::HEAD, job).await;
        if let End::Answer(a) = &chain.end {
            if classify::status_class(a.status) == StatusClass::Ok && !a.html {
                return decide(ctx, url, chain).await;
            }
        }
    }
    let chain = follow(ctx, url, Method::GET, job).await;
    decide(ctx, url, chain).await
}

/// Whether the path names a file whose body is large and says nothing (PDF, archive, media).
fn head_is_cheap(url: &Url) -> bool {
    const EXT: &[&str] = &[
        "pdf", "zip", "gz", "tgz", "bz2", "xz", "7z", "rar", "tar", "iso", "exe", "dmg", "mp3",
        "mp4", "m4a", "mov", "avi", "mkv", "webm", "wav", "flac", "ogg", "jpg", "jpeg", "png",
        "gif", "tif", "tiff", "webp", "svg", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "epub",
        "csv", "odt", "ods",
    ];
    let last = url.path().rsplit('/').next().unwrap_or("");
    last.rsplit_once('.')
        .is_some_and(|(_, ext)| EXT.contains(&ext.to_ascii_lowercase().as_str()))
}

/// Follows redirects from `start` with `method`, each hop a scheduled request
/// (the first one with the job's reserved slot, if any).
pub async fn follow(ctx: &Ctx, start: &Url, method: Method, job: &mut Job<'_>) -> Chain {
    let origin = start.host_str().unwrap_or("").to_string();
    let mut hops = Vec::new();
    let mut seen = HashSet::new();
    let mut current = start.clone();
    loop {
        seen.insert(current.as_str().to_string());
        let same_host = current.host_str() == Some(origin.as_str());
        let (result, tries) = fetch(ctx, &current, method.clone(), same_host, job).await;
        let answer = match result {
            Ok(a) => a,
            Err(f) => return chain(hops, current, End::Failed(f), tries),
        };
        if classify::status_class(answer.status) != StatusClass::Redirect {
            return chain(hops, current, End::Answer(answer), tries);
        }
        let next = match &answer.location {
            Some(Ok(next)) if matches!(next.scheme(), "http" | "https") => next.clone(),
            Some(Ok(next)) => {
                let why = format!("redirect to unsupported URL {next}");
                return chain(hops, current, End::BadLocation(answer.status, why), tries);
            }
            Some(Err(e)) => {
                let why = format!("redirect to an invalid URL {e}");
                return chain(hops, current, End::BadLocation(answer.status, why), tries);
            }
            None => {
                let why = "redirect without a Location".to_string();
                return chain(hops, current, End::BadLocation(answer.status, why), tries);
            }
        };
        hops.push(Hop {
            url: current.to_string(),
            status: answer.status,
            location: next.to_string(),
        });
        if seen.contains(next.as_str()) {
            return chain(hops, next, End::Loop, tries);
        }
        if hops.len() > ctx.config.max_redirects {
            return chain(hops, next, End::TooMany, tries);
        }
        current = next;
    }
}

fn chain(hops: Vec<Hop>, last: Url, end: End, tries: u32) -> Chain {
    Chain {
        hops,
        last,
        end,
        tries,
    }
}

/// One request with retries on transient failures; returns the last outcome
/// and the number of tries.
///
/// The back-off after a failure is counted from the start of the failed try:
/// it spaces the tries a server sees, and a try that hung for its whole
/// timeout has already waited that long. A `Retry-After` is the server's own
/// figure and counts from its answer.
async fn fetch(
    ctx: &Ctx,
    url: &Url,
    method: Method,
    same_host: bool,
    job: &mut Job<'_>,
) -> (Result<Answer, Failure>, u32) {
    let host = url.host_str().unwrap_or("").to_string();
    let cfg = &ctx.config;
    let mut tries = 0;
    loop {
        tries += 1;
        let tries_left = if tries == 1 {
            FIRST_TRY
        } else {
            (cfg.max_retries + 2).saturating_sub(tries) as usize
        };
        let acquire = ctx
            .scheduler
            .acquire_with(&host, job.slot.take(), tries_left);
        let permit = match job.queued {
            Some(queued) => queued.during(acquire).await,
            None => acquire.await,
        };
        let started = tokio::time::Instant::now();
        let mut headers = http::headers_for(&ctx.headers, same_host);
        for (name, value) in ctx.host_headers.get(&host).into_iter().flatten() {
            headers.insert(name.clone(), value.clone());
        }
        let result = http::send(
            &ctx.client,
            method.clone(),
            url,
            headers,
            cfg.timeout,
            cfg.body_limit,
        )
        .await;
        // The permit is kept until the host's pause is set, so no request
        // slips in between the 429 and the pause.
        let throttled = matches!(&result, Ok(a) if a.status == 429 || a.retry_after.is_some());
        if matches!(&result, Ok(a) if !classify::status_is_transient(a.status)) {
            ctx.scheduler.answered(&host);
        }
        let retries_left = tries <= cfg.max_retries;
        let backoff_until = || started + backoff(cfg.backoff, tries - 1, cfg.max_retry_wait);
        let until = match &result {
            Ok(a) if classify::status_is_transient(a.status) && retries_left => {
                let until = match a.retry_after {
                    Some(wait) if wait > cfg.max_retry_wait => return (result, tries),
                    Some(wait) => tokio::time::Instant::now() + wait,
                    None => backoff_until(),
                };
                if throttled {
                    let wait = until.saturating_duration_since(tokio::time::Instant::now());
                    ctx.scheduler.back_off(&host, wait);
                }
                until
            }
            Err(f) if f.is_transient() && retries_left => backoff_until(),
            _ => return (result, tries),
        };
        let hung = matches!(result, Err(Failure::Timeout));
        drop(permit);
        tokio::time::sleep_until(until).await;
        if let (true, Some(queued)) = (hung, job.queued) {
            queued.during(ctx.scheduler.after_first_tries(&host)).await;
        }
    }
}

/// Turns a followed chain into a verdict.
async fn decide(ctx: &Ctx, cited: &Url, chain: Chain) -> CheckResult {
    let final_url = (!chain.hops.is_empty() && chain.last.as_str() != cited.as_str())
        .then(|| chain.last.to_string());
    let mut result = CheckResult {
        verdict: Verdict::Unreachable,
        http_status: None,
        reason: String::new(),
        final_url,
        redirects: chain.hops.clone(),
    };
    let tries = tries_text(chain.tries);
    match chain.end {
        End::Failed(Failure::Dns(DnsFailure::NoSuchHost)) if !ctx.proxied => {
            if ctx.dns.dns_works().await {
                (result.verdict, result.reason) = (Verdict::Dead, "no such host".into());
            } else {
                result.reason = "DNS unavailable: no host name resolves".into();
            }
        }
        End::Failed(f) if f.is_transient() => {
            result.reason = format!("{} after {tries}", f.describe());
        }
        End::Failed(f) => result.reason = f.describe(),
        End::Loop => result.reason = "redirect loop".into(),
        End::TooMany => result.reason = format!("more than {} redirects", ctx.config.max_redirects),
        End::BadLocation(status, why) => {
            result.http_status = Some(status);
            result.reason = why;
        }
        End::Answer(answer) => {
            result.http_status = Some(answer.status);
            let (verdict, reason) =
                judge_answer(ctx, cited, &chain.hops, &chain.last, &answer, &tries).await;
            (result.verdict, result.reason) = (verdict, reason);
        }
    }
    result
}

fn tries_text(tries: u32) -> String {
    if tries == 1 {
        "1 try".into()
    } else {
        format!("{tries} tries")
    }
}

/// The verdict for a final, non-redirect answer.
async fn judge_answer(
    ctx: &Ctx,
    cited: &Url,
    hops: &[Hop],
    last: &Url,
    answer: &Answer,
    tries: &str,
) -> (Verdict, String) {
    let body = String::from_utf8_lossy(&answer.body);
    let title = classify::html_title(&body);
    let status = classify::status_line(answer.status);
    if classify::is_challenge(title.as_deref(), answer.challenge_header) {
        return (Verdict::Blocked, format!("{status}: bot challenge page"));
    }
    match classify::status_class(answer.status) {
        StatusClass::Gone => (Verdict::Dead, status),
        StatusClass::ServerError => (Verdict::Unreachable, format!("{status} after {tries}")),
        StatusClass::Refused if answer.status == 429 => {
            (Verdict::Blocked, format!("{status} after {tries}"))
        }
        StatusClass::Refused | StatusClass::Redirect => (Verdict::Blocked, status),
        StatusClass::Ok => judge_ok(ctx, cited, hops, last, answer, title.as_deref()).await,
    }
}

/// A 2xx answer: alive, moved, or a soft 404.
async fn judge_ok(
    ctx: &Ctx,
    cited: &Url,
    hops: &[Hop],
    last: &Url,
    answer: &Answer,
    title: Option<&str>,
) -> (Verdict, String) {
    let body = String::from_utf8_lossy(&answer.body);
    if answer.html && classify::is_parked(&body) {
        return (Verdict::Dead, "parked domain".into());
    }
    if let Some(t) = title.filter(|t| classify::title_is_error(t)) {
        return (
            Verdict::Dead,
            format!("soft 404: the page title reads {t:?}"),
        );
    }
    let deep = classify::is_deep(cited);
    if !hops.is_empty() && deep {
        if classify::is_home_page(last) {
            return (
                Verdict::Dead,
                "soft 404: redirected to the site's home page".into(),
            );
        }
        if let Some(kind) = classify::generic_page(last) {
            return (Verdict::Dead, format!("soft 404: redirected to {kind}"));
        }
        if ctx.probes.is_root_destination(ctx, cited, last).await {
            return (
                Verdict::Dead,
                "soft 404: redirected to the site's home page".into(),
            );
        }
    }
    // A non-HTML resource (a PDF) at the cited path is evidence enough.
    if deep
        && answer.html
        && ctx.config.probe
        && ctx.probes.sibling_matches(ctx, cited, last, answer).await
    {
        return (
            Verdict::Dead,
            "soft 404: a nonsense URL on the same site gets the same page".into(),
        );
    }
    moved_or_alive(hops, last, answer.status)
}

/// `moved` when the first hop that changes the resource is permanent.
fn moved_or_alive(hops: &[Hop], last: &Url, status: u16) -> (Verdict, String) {
    let first_significant =
        hops.iter()
            .find(|h| match (Url::parse(&h.url), Url::parse(&h.location)) {
                (Ok(from), Ok(to)) => classify::is_significant_redirect(&from, &to),
                _ => false,
            });
    match first_significant {
        Some(h) if matches!(h.status, 301 | 308) => (
            Verdict::Moved,
            format!("{} to {last}", classify::status_line(h.status)),
        ),
        _ => (Verdict::Alive, classify::status_line(status)),
    }
}
