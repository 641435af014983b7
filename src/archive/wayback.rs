//! The look-up flow for a set of queries, cheapest questions first.
//!
//! 1. One batched availability question per URL variant: the newest good
//!    capture on or before the cut-off (or the newest at all without a date).
//! 2. For those with none, one batched question for the oldest good capture after it.
//! 3. For picks that could be soft-404s (after the date, or newest without a
//!    date), one batched question for an error capture between the date and the
//!    pick; only where one exists is the answer doubtful.
//! 4. CDX listings (digests) for doubtful or unanswered queries, or for all
//!    with [`CdxPolicy::Always`].
//! 5. Replay verification when configured; a rejected pick falls back to the
//!    next-ranked CDX capture.
//! 6. Memento archives for what is still not found.
//!
//! Each phase only touches the queries the previous phases left open, so the
//! cost of the common case (a capture before the date) is one batch line.

use super::availability::{self, Answer, Closest, Line};
use super::client::Fail;
use super::config::{CdxPolicy, Endpoint};
use super::pick::{self, Target, GOOD_STATUSES};
use super::{cdx, memento, Archive, Outcome, Query, Relation, Snapshot};

/// Statuses that mean the page was gone (5xx are transient and prove nothing).
const GONE_STATUSES: [u16; 4] = [403, 404, 410, 451];

/// How many ranked captures verification tries before giving up.
const VERIFY_TRIES: usize = 3;

/// A capture under consideration.
#[derive(Debug, Clone)]
struct Cand {
    variant: usize,
    timestamp: String,
    status: u16,
}

struct Job<'a> {
    variants: Vec<&'a str>,
    target: Option<Target>,
    cands: Vec<Cand>,
    doubtful: bool,
    cdx_done: bool,
    fail: Option<Fail>,
}

impl Job<'_> {
    fn open(&self) -> bool {
        self.cands.is_empty() && self.fail.is_none()
    }

    /// Whether the pick may be a soft-404: after the date, or the newest capture.
    fn risky(&self) -> bool {
        match (self.cands.first(), &self.target) {
            (Some(_), None) => true,
            (Some(c), Some(t)) => pick::timestamp_day(&c.timestamp).is_none_or(|d| d > t.cutoff()),
            (None, _) => false,
        }
    }
}

pub(super) async fn resolve(archive: &Archive, queries: &[Query], todo: &[usize]) -> Vec<Outcome> {
    let mut jobs: Vec<Job> = todo
        .iter()
        .filter_map(|&i| queries.get(i))
        .map(|q| Job {
            variants: q.variants(),
            target: q.cited.map(Target::from_cited),
            cands: Vec::new(),
            doubtful: false,
            cdx_done: false,
            fail: None,
        })
        .collect();
    let policy = archive.cfg.cdx_policy;
    if policy != CdxPolicy::Always {
        ask_good(archive, &mut jobs, Closest::Before).await;
        ask_good(archive, &mut jobs, Closest::After).await;
        if policy == CdxPolicy::Doubtful {
            probe_errors(archive, &mut jobs).await;
        }
    }
    for job in jobs.iter_mut() {
        let wanted = match policy {
            CdxPolicy::Always => true,
            CdxPolicy::Doubtful => job.doubtful,
            CdxPolicy::Never => false,
        };
        if wanted {
            use_cdx(archive, job).await;
        }
    }
    if archive.cfg.verify {
        for job in jobs.iter_mut() {
            verify(archive, job, policy).await;
        }
    }
    let mut out = Vec::with_capacity(jobs.len());
    for job in &jobs {
        out.push(finish(archive, job).await);
    }
    out
}

/// Phases 1 and 2: one line per open job and variant.
async fn ask_good(archive: &Archive, jobs: &mut [Job<'_>], closest: Closest) {
    let mut lines = Vec::new();
    let mut owners = Vec::new();
    for (j, job) in jobs.iter().enumerate() {
        if !job.open() || job.doubtful || (closest == Closest::After && job.target.is_none()) {
            continue;
        }
        for (v, url) in job.variants.iter().enumerate() {
            lines.push(Line {
                url: (*url).to_string(),
                timestamp: job.target.map(|t| t.cutoff_timestamp()),
                closest,
                statuses: GOOD_STATUSES.to_vec(),
            });
            owners.push((j, v));
        }
    }
    if lines.is_empty() {
        return;
    }
    let answers = availability::ask(archive, &lines).await;
    for ((j, v), answer) in owners.into_iter().zip(answers) {
        let Some(job) = jobs.get_mut(j) else { continue };
        if !job.cands.is_empty() {
            continue; // an earlier variant already answered
        }
        match answer {
            Ok(Answer::Snapshot { timestamp, status }) => {
                // An archive that ignores the status filter makes the answer doubtful.
                let status = status.filter(|s| pick::is_good(*s));
                job.doubtful |= status.is_none() || pick::timestamp_day(&timestamp).is_none();
                job.cands.push(Cand {
                    variant: v,
                    timestamp,
                    status: status.unwrap_or(200),
                });
                job.fail = None;
            }
            Ok(Answer::Nothing) => {}
            Ok(Answer::Unanswered) => job.doubtful = true,
            Err(f) => {
                if job.fail.is_none() {
                    job.fail = Some(f);
                }
            }
        }
    }
}

/// Phase 3: is there a "gone" capture between the date and a risky pick?
async fn probe_errors(archive: &Archive, jobs: &mut [Job<'_>]) {
    let mut lines = Vec::new();
    let mut owners = Vec::new();
    for (j, job) in jobs.iter().enumerate() {
        if job.doubtful || !job.risky() {
            continue;
        }
        let (Some(c), Some(url)) = (
            job.cands.first(),
            job.variants.get(job.cands.first().map_or(0, |c| c.variant)),
        ) else {
            continue;
        };
        lines.push(Line {
            url: (*url).to_string(),
            timestamp: Some(c.timestamp.clone()),
            closest: Closest::Before,
            statuses: GONE_STATUSES.to_vec(),
        });
        owners.push(j);
    }
    if lines.is_empty() {
        return;
    }
    let answers = availability::ask(archive, &lines).await;
    for (j, answer) in owners.into_iter().zip(answers) {
        let Some(job) = jobs.get_mut(j) else { continue };
        job.doubtful = match answer {
            Ok(Answer::Snapshot { timestamp, .. }) => {
                match (&job.target, pick::timestamp_day(&timestamp)) {
                    (Some(t), Some(day)) => day > t.cutoff(),
                    _ => true,
                }
            }
            Ok(Answer::Nothing) => false,
            // Could not tell: the digest check decides.
            Ok(Answer::Unanswered) | Err(_) => true,
        };
    }
}

/// Phase 4: the CDX listing decides, variant by variant.
async fn use_cdx(archive: &Archive, job: &mut Job<'_>) {
    if job.cdx_done {
        return;
    }
    job.cdx_done = true;
    let mut first_fail = None;
    for (v, url) in job.variants.iter().enumerate() {
        match cdx::list(archive, url, job.target.as_ref()).await {
            Ok(caps) => {
                let ranked: Vec<Cand> = pick::ranked(&caps, job.target.as_ref())
                    .into_iter()
                    .map(|c| Cand {
                        variant: v,
                        timestamp: c.timestamp.clone(),
                        status: c.status.unwrap_or(200),
                    })
                    .collect();
                if !ranked.is_empty() {
                    job.cands = ranked;
                    job.fail = None;
                    return;
                }
            }
            Err(f) => {
                first_fail.get_or_insert(f);
            }
        }
    }
    match first_fail {
        // The listing could not be had: keep the availability answer if any.
        Some(f) if job.cands.is_empty() => job.fail = Some(f),
        Some(_) => {}
        // Every listing was complete and nothing in it is good.
        None => job.cands.clear(),
    }
}

/// Phase 5: keep the first candidate whose replay is a 200 of the right time.
async fn verify(archive: &Archive, job: &mut Job<'_>, policy: CdxPolicy) {
    if job.cands.is_empty() {
        return;
    }
    if job.cands.len() == 1 && policy != CdxPolicy::Never {
        let first = job.cands.first().cloned();
        if let Some(first) = first {
            if check_replay(archive, job, &first).await {
                job.cands.truncate(1);
                return;
            }
            use_cdx(archive, job).await;
            job.cands.retain(|c| c.timestamp != first.timestamp);
        }
    }
    let cands = std::mem::take(&mut job.cands);
    for c in cands.into_iter().take(VERIFY_TRIES) {
        if check_replay(archive, job, &c).await {
            job.cands = vec![c];
            return;
        }
    }
}

async fn check_replay(archive: &Archive, job: &Job<'_>, c: &Cand) -> bool {
    let Some(url) = job.variants.get(c.variant) else {
        return false;
    };
    let replay = format!("{}{}id_/{}", archive.cfg.replay, c.timestamp, url);
    let Ok(resp) = archive
        .http
        .send(Endpoint::Replay, |cl| cl.get(replay.as_str()))
        .await
    else {
        return false;
    };
    if resp.status().as_u16() != 200 {
        return false;
    }
    let dated = resp
        .headers()
        .get("memento-datetime")
        .and_then(|v| v.to_str().ok())
        .and_then(memento::parse_http_date);
    match (dated, pick::timestamp_day(&c.timestamp)) {
        (Some(when), Some(day)) => {
            let got = when.to_zoned(jiff::tz::TimeZone::UTC).date();
            got.until(day)
                .map(|s| s.get_days().abs() <= 1)
                .unwrap_or(false)
        }
        _ => false,
    }
}

/// Phase 6 and the final answer.
async fn finish(archive: &Archive, job: &Job<'_>) -> Outcome {
    if let Some(c) = job.cands.first() {
        return Outcome::Found(wayback_snapshot(archive, job, c));
    }
    if let Some(f) = &job.fail {
        return f.clone().into();
    }
    if archive.cfg.memento.is_empty() {
        return Outcome::NotFound;
    }
    match memento::lookup(archive, &job.variants, job.target.as_ref()).await {
        Ok(Some(s)) => Outcome::Found(s),
        Ok(None) => Outcome::NotFound,
        Err(f) => f.into(),
    }
}

fn wayback_snapshot(archive: &Archive, job: &Job<'_>, c: &Cand) -> Snapshot {
    let url = job.variants.get(c.variant).copied().unwrap_or_default();
    let (relation, distance_days) = relate(job.target.as_ref(), &c.timestamp);
    Snapshot {
        url: format!("{}{}/{}", archive.cfg.replay, c.timestamp, url),
        timestamp: c.timestamp.clone(),
        source: "wayback".into(),
        status: c.status,
        relation,
        distance_days,
    }
}

/// Relation and distance of a capture; without a date nothing is flagged.
pub(super) fn relate(target: Option<&Target>, timestamp: &str) -> (Relation, Option<i64>) {
    match (target, pick::timestamp_day(timestamp)) {
        (Some(t), Some(day)) => {
            let (r, d) = t.relate(day);
            (r, Some(d))
        }
        _ => (Relation::Before, None),
    }
}
