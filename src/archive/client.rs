//! The one HTTP client and its limiters: every archive request goes through
//! [`Http::send`], so none can bypass a budget or the 429 policy.
//!
//! Redirects are never followed: the APIs answer directly, and replay
//! verification must see the archive's own redirect to judge a capture.

use std::collections::HashMap;
use std::time::Duration;

use reqwest::{RequestBuilder, Response, StatusCode};

use super::config::{ArchiveConfig, Endpoint};
use super::ratelimit::Limiter;
use super::{ArchiveError, Outcome, RequestCounts};

/// Why a request produced no usable answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fail {
    /// The endpoint is given up after repeated 429s.
    Deferred(String),
    /// Network error, timeout, or an unexpected answer.
    Failed(String),
}

impl From<Fail> for Outcome {
    fn from(f: Fail) -> Outcome {
        match f {
            Fail::Deferred(m) => Outcome::Deferred(m),
            Fail::Failed(m) => Outcome::Failed(m),
        }
    }
}

pub struct Http {
    pub client: reqwest::Client,
    limiters: HashMap<Endpoint, Limiter>,
    memento: HashMap<String, Limiter>,
}

impl Http {
    pub fn new(cfg: &ArchiveConfig) -> Result<Http, ArchiveError> {
        let client = reqwest::Client::builder()
            .user_agent(cfg.user_agent.clone())
            .timeout(cfg.timeout)
            .redirect(reqwest::redirect::Policy::none())
            .build()?;
        let l = &cfg.limits;
        let limiter =
            |name: &str, ep: Endpoint| Limiter::new(name, l.rate(ep), l.backoff, l.max_429);
        let limiters = [
            (Endpoint::Availability, "the availability API"),
            (Endpoint::Cdx, "the CDX API"),
            (Endpoint::Replay, "Wayback replay"),
            (Endpoint::Save, "Save Page Now"),
            (Endpoint::SaveStatus, "Save Page Now status"),
        ]
        .into_iter()
        .map(|(ep, name)| (ep, limiter(name, ep)))
        .collect();
        let memento = cfg
            .memento
            .iter()
            .map(|m| (m.name.clone(), limiter(&m.name, Endpoint::Memento)))
            .collect();
        Ok(Http {
            client,
            limiters,
            memento,
        })
    }

    pub fn counts(&self) -> RequestCounts {
        let n = |ep| self.limiters.get(&ep).map_or(0, Limiter::sent);
        RequestCounts {
            availability: n(Endpoint::Availability),
            cdx: n(Endpoint::Cdx),
            replay: n(Endpoint::Replay),
            save: n(Endpoint::Save) + n(Endpoint::SaveStatus),
            memento: self.memento.values().map(Limiter::sent).sum(),
        }
    }

    /// Sends through an endpoint's limiter.
    pub async fn send(
        &self,
        ep: Endpoint,
        build: impl Fn(&reqwest::Client) -> RequestBuilder,
    ) -> Result<Response, Fail> {
        let limiter = self
            .limiters
            .get(&ep)
            .ok_or_else(|| Fail::Failed(format!("no limiter for {ep:?}")))?;
        send_limited(limiter, &self.client, build).await
    }

    /// Sends through a Memento archive's limiter.
    pub async fn send_memento(
        &self,
        archive: &str,
        build: impl Fn(&reqwest::Client) -> RequestBuilder,
    ) -> Result<Response, Fail> {
        let limiter = self
            .memento
            .get(archive)
            .ok_or_else(|| Fail::Failed(format!("unknown Memento archive {archive}")))?;
        send_limited(limiter, &self.client, build).await
    }
}

async fn send_limited(
    limiter: &Limiter,
    client: &reqwest::Client,
    build: impl Fn(&reqwest::Client) -> RequestBuilder,
) -> Result<Response, Fail> {
    loop {
        limiter.acquire().await.map_err(|t| Fail::Deferred(t.0))?;
        let resp = build(client)
            .send()
            .await
            .map_err(|e| Fail::Failed(format!("archive request failed: {e}")))?;
        if resp.status() != StatusCode::TOO_MANY_REQUESTS {
            limiter.succeeded();
            return Ok(resp);
        }
        let retry_after = retry_after(&resp);
        limiter
            .too_many(retry_after)
            .map_err(|t| Fail::Deferred(t.0))?;
    }
}

/// `Retry-After` as seconds or an HTTP date.
fn retry_after(resp: &Response) -> Option<Duration> {
    let v = resp
        .headers()
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = super::memento::parse_http_date(v)?;
    let secs = when.as_second() - jiff::Timestamp::now().as_second();
    Some(Duration::from_secs(u64::try_from(secs).unwrap_or(0)))
}

/// The body of a 2xx answer as text.
pub async fn text_ok(resp: Response, what: &str) -> Result<String, Fail> {
    let status = resp.status();
    if !status.is_success() {
        return Err(Fail::Failed(format!(
            "{what} answered HTTP {}",
            status.as_u16()
        )));
    }
    resp.text()
        .await
        .map_err(|e| Fail::Failed(format!("{what}: cannot read the answer: {e}")))
}
