//! Archive look-up: the right snapshot for every dead citation.
//!
//! Existing link checkers follow whatever snapshot the Wayback Machine
//! redirects to, which is often a capture of the 404 page or one taken years
//! after the citation. This module instead picks, for each cited URL, the
//! newest *good* capture (HTTP 200/203/206) on or before the citation's date
//! (plus a day of slack), else the oldest good one after it (see [`pick`]).
//!
//! Cost drives the design. The Wayback Machine bans clients that hammer it, so
//! every query goes first through the batch form of the availability API
//! (one POST answers up to [`ArchiveConfig::batch_size`] URLs, see
//! [`availability`]). Only answers that are *doubtful* get the finer, much
//! more expensive checks: a CDX listing with digests to reject soft-404
//! captures ([`cdx`]), and, when asked for, a replay fetch to verify the pick.
//! A capture is doubtful when it is the fallback after the cited date (or the
//! newest capture when there is no date) *and* the archive holds an error
//! capture of the URL between the date and the pick — exactly the situation
//! where the "200" may be the site's error page. That probe is itself batched.
//!
//! Every endpoint has its own shared sliding-window limiter ([`ratelimit`]) that
//! also owns the 429 back-off, so no code path can exceed a budget. Answers are
//! memoised for the life of an [`Archive`]. [`Archive::spawn_batcher`] gives the
//! check pipeline a streaming front: dead URLs trickle in one at a time and
//! leave in batches.
//!
//! # Assumptions about the real APIs (not confirmable offline)
//! * Batch availability: `POST /wayback/available` with header
//!   `Wayback-Api-Version: 2`, a body of newline-separated form lines
//!   `url=…&timestamp=YYYYMMDDhhmmss&closest=before|after&statuscodes=200&statuscodes=203&statuscodes=206&tag=…`,
//!   answered by `{"results":[{"tag":…, "archived_snapshots":{"closest":
//!   {"available":true,"url":…,"timestamp":…,"status":"200"}}}]}` (the shape the
//!   Internet Archive's own bot and browser extension use). A result without
//!   `archived_snapshots` counts as unanswered; a missing timestamp asks for
//!   the newest capture.
//! * CDX: `limit=-N` returns the last N captures (newest), `closest=&sort=closest`
//!   the N nearest.
//! * SPN2: see [`save`].

pub mod availability;
pub mod batcher;
pub mod cdx;
mod client;
pub mod config;
pub mod memento;
pub mod pick;
pub mod ratelimit;
pub mod save;
pub mod typo;
mod wayback;

use std::collections::HashMap;
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

use crate::citation::CitedDate;

pub use config::{ArchiveConfig, CdxPolicy, Endpoint, Limits, MementoArchive, Rate};
pub use ratelimit::Limiter;
pub use save::SaveOutcome;

/// One URL to look up, as the check stage judged it dead.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Query {
    /// The repaired URL, tried first.
    pub url: String,
    /// The URL as written in the document, tried when the repaired one has no
    /// capture and it matches differently.
    pub raw: Option<String>,
    /// The citation's date (access, else publication, else from the URL path).
    pub cited: Option<CitedDate>,
}

impl Query {
    /// A query for a URL without raw variant.
    pub fn new(url: impl Into<String>, cited: Option<CitedDate>) -> Query {
        Query {
            url: url.into(),
            raw: None,
            cited,
        }
    }

    /// The URLs to try, in order: the repaired one, then the raw one when the
    /// archive would match it differently.
    pub fn variants(&self) -> Vec<&str> {
        let mut out = vec![self.url.as_str()];
        if let Some(raw) = self.raw.as_deref() {
            let is_url = raw.starts_with("http://") || raw.starts_with("https://");
            if is_url && pick::match_key(raw) != pick::match_key(&self.url) {
                out.push(raw);
            }
        }
        out
    }

    fn memo_key(&self) -> String {
        let raw = self.raw.as_deref().map(pick::match_key).unwrap_or_default();
        let cited = self.cited.map(|c| c.to_string()).unwrap_or_default();
        format!("{}\u{1}{raw}\u{1}{cited}", pick::match_key(&self.url))
    }
}

/// Whether a snapshot predates the cited date (within a day of slack). Without
/// a cited date there is nothing to flag: the newest good capture is `Before`
/// with `distance_days: null`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Relation {
    /// Taken on or before the cited date: shows what the author saw.
    Before,
    /// Taken after the cited date: flagged "after the cited date" in reports.
    After,
}

/// The capture chosen for a citation: the report's `archive` field (read
/// back from the history store, hence `Deserialize`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snapshot {
    /// Replay URL, `https://web.archive.org/web/<ts>/<url>` for the Wayback Machine.
    pub url: String,
    /// The 14-digit capture timestamp (`YYYYMMDDhhmmss`).
    pub timestamp: String,
    /// `"wayback"`, or the name of the Memento archive that holds it.
    pub source: String,
    /// HTTP status of the capture (200, 203 or 206).
    pub status: u16,
    /// Before or after the cited date.
    pub relation: Relation,
    /// Days between the capture and the cited period; `null` without a date.
    pub distance_days: Option<i64>,
}

/// The result of looking one query up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// A good capture.
    Found(Snapshot),
    /// No archive consulted holds a good capture.
    NotFound,
    /// Not looked up, to stay clear of an archive's ban (repeated 429s).
    Deferred(String),
    /// The look-up failed (network, malformed answer).
    Failed(String),
}

impl Outcome {
    /// The snapshot, when one was found.
    pub fn snapshot(&self) -> Option<&Snapshot> {
        match self {
            Outcome::Found(s) => Some(s),
            _ => None,
        }
    }
}

/// Why an [`Archive`] could not be built.
#[derive(Debug, thiserror::Error)]
pub enum ArchiveError {
    /// The HTTP client could not be created.
    #[error("cannot build the HTTP client: {0}")]
    Client(#[from] reqwest::Error),
    /// A configured value is unusable.
    #[error("invalid archive configuration: {0}")]
    Config(String),
}

/// How many requests each endpoint received from one [`Archive`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RequestCounts {
    /// Availability API requests (single or batch).
    pub availability: u64,
    /// CDX listings.
    pub cdx: u64,
    /// Replay verifications.
    pub replay: u64,
    /// Save Page Now submissions and status polls.
    pub save: u64,
    /// Memento TimeGate/TimeMap/memento requests, all archives together.
    pub memento: u64,
}

impl RequestCounts {
    /// All requests together.
    pub fn total(&self) -> u64 {
        self.availability + self.cdx + self.replay + self.save + self.memento
    }
}

/// The archive client: one HTTP client, one limiter per endpoint, a memo of answers.
pub struct Archive {
    cfg: ArchiveConfig,
    http: client::Http,
    memo: Mutex<HashMap<String, Outcome>>,
}

impl std::fmt::Debug for Archive {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Archive").field("cfg", &self.cfg).finish()
    }
}

impl Archive {
    /// Builds the client. Fails only on an unusable configuration.
    pub fn new(cfg: ArchiveConfig) -> Result<Archive, ArchiveError> {
        cfg.validate()?;
        let http = client::Http::new(&cfg)?;
        Ok(Archive {
            cfg,
            http,
            memo: Mutex::new(HashMap::new()),
        })
    }

    /// The configuration in use.
    pub fn config(&self) -> &ArchiveConfig {
        &self.cfg
    }

    /// Requests sent so far, per endpoint.
    pub fn requests(&self) -> RequestCounts {
        self.http.counts()
    }

    /// Looks many queries up at once: the batch availability API first, the
    /// finer checks only where its answer is doubtful. Outcomes are in query order.
    pub async fn lookup_many(&self, queries: &[Query]) -> Vec<Outcome> {
        let mut out: Vec<Option<Outcome>> = queries.iter().map(|q| self.memo_get(q)).collect();
        let todo: Vec<usize> = (0..queries.len()).filter(|&i| out[i].is_none()).collect();
        let fresh = wayback::resolve(self, queries, &todo).await;
        for (i, outcome) in todo.into_iter().zip(fresh) {
            if let Some(q) = queries.get(i) {
                self.memo_put(q, &outcome);
            }
            if let Some(slot) = out.get_mut(i) {
                *slot = Some(outcome);
            }
        }
        out.into_iter()
            .map(|o| o.unwrap_or_else(|| Outcome::Failed("no answer".into())))
            .collect()
    }

    /// Looks one query up (same rules as [`Archive::lookup_many`]).
    pub async fn lookup(&self, q: &Query) -> Outcome {
        self.lookup_many(std::slice::from_ref(q))
            .await
            .pop()
            .unwrap_or_else(|| Outcome::Failed("no answer".into()))
    }

    /// Submits a URL to Save Page Now and waits for the capture (see [`save`]).
    pub async fn save(&self, url: &str) -> SaveOutcome {
        save::save(self, url).await
    }

    /// A remembered answer, its Wayback URL spelled as this query cites the
    /// source (equivalent variants share one memo entry).
    fn memo_get(&self, q: &Query) -> Option<Outcome> {
        let memo = self.memo.lock().ok()?;
        let mut outcome = memo.get(&q.memo_key()).cloned()?;
        if let Outcome::Found(s) = &mut outcome {
            let prefix = format!("{}{}/", self.cfg.replay, s.timestamp);
            let stored = s.url.strip_prefix(&prefix).map(pick::match_key);
            if s.source == "wayback" {
                if let Some(v) = q
                    .variants()
                    .into_iter()
                    .find(|v| Some(pick::match_key(v)) == stored)
                {
                    s.url = format!("{prefix}{v}");
                }
            }
        }
        Some(outcome)
    }

    /// Only settled answers are remembered: a deferred or failed look-up must
    /// be retried by the next run.
    fn memo_put(&self, q: &Query, outcome: &Outcome) {
        if matches!(outcome, Outcome::Found(_) | Outcome::NotFound) {
            if let Ok(mut memo) = self.memo.lock() {
                memo.insert(q.memo_key(), outcome.clone());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snapshot_serialises_as_the_report_field() {
        let s = Snapshot {
            url: "https://web.archive.org/web/20170101000000/http://a.example/".into(),
            timestamp: "20170101000000".into(),
            source: "wayback".into(),
            status: 200,
            relation: Relation::Before,
            distance_days: Some(3),
        };
        let json = serde_json::to_string(&s).unwrap_or_default();
        assert_eq!(
            json,
            r#"{"url":"https://web.archive.org/web/20170101000000/http://a.example/","timestamp":"20170101000000","source":"wayback","status":200,"relation":"before","distance_days":3}"#
        );
        let none = Snapshot {
            distance_days: None,
            relation: Relation::After,
            ..s
        };
        let json = serde_json::to_string(&none).unwrap_or_default();
        assert!(
            json.ends_with(r#""relation":"after","distance_days":null}"#),
            "{json}"
        );
    }

    #[test]
    fn raw_variant_only_when_it_matches_differently() {
        let mut q = Query::new("http://www.a.example/x_y", None);
        q.raw = Some("https://a.example/x_y".into());
        assert_eq!(q.variants(), vec!["http://www.a.example/x_y"]);
        q.raw = Some("http://www.a.example/x\\_y".into());
        assert_eq!(
            q.variants(),
            vec!["http://www.a.example/x_y", "http://www.a.example/x\\_y"]
        );
        q.raw = Some("www.a.example/x".into());
        assert_eq!(q.variants().len(), 1);
    }
}
