//! The pipeline's view of the history store: reuse, record, confirm.
//!
//! Two connections to one file: a [`BatchWriter`] owns one on its thread and
//! commits results in small transactions, and a reader answers "is there a
//! fresh result?" and "what is this URL's history?" while the run goes on
//! (WAL lets it read while the writer writes). The store keeps verdicts and
//! outcomes as strings; the mapping to the check and archive types lives
//! here. Transient results (`unreachable`) are reused only for a short time
//! (`max_age_unreachable`, an hour by default: a CI job run again minutes
//! later need not wait on the same hanging server, but a bad network day is
//! not cached for a day); inconclusive archive look-ups are never reused.
//! Store errors never stop a run: the first one is kept for [`Stats`].

use std::sync::Mutex;

use jiff::{SignedDuration, Timestamp};

use super::{PipelineConfig, Stats};
use crate::archive::{Outcome, Query, Snapshot};
use crate::check::{CheckResult, Verdict};
use crate::store::{
    confirm_dead, ArchiveRecord, BatchPolicy, BatchWriter, CheckRecord, ConfirmRule, Confirmation,
    Store, StoreError,
};

/// Verdicts that may be reused from the store: each says something lasting
/// about the resource. `unreachable` may be a passing failure.
const REUSABLE: [Verdict; 4] = [
    Verdict::Alive,
    Verdict::Moved,
    Verdict::Dead,
    Verdict::Blocked,
];

/// The history store of one run, or nothing with `--no-cache`.
pub(super) struct History {
    inner: Option<Open>,
    max_age: SignedDuration,
    max_age_unreachable: SignedDuration,
    fixed_now: Option<Timestamp>,
    /// When the run started: rows from before it are the history, rows from
    /// after it are this run's own (not yet necessarily committed).
    start: Timestamp,
    error: Mutex<Option<String>>,
}

struct Open {
    reader: Mutex<Store>,
    writer: BatchWriter,
}

impl History {
    /// Opens the store named by the configuration (the writer migrates it
    /// first, then the reader connects).
    pub fn open(cfg: &PipelineConfig) -> Result<History, StoreError> {
        let inner = match &cfg.store {
            None => None,
            Some(path) => {
                let writer = BatchWriter::spawn(Store::open(path)?, BatchPolicy::default())?;
                let reader = Mutex::new(Store::open(path)?);
                Some(Open { reader, writer })
            }
        };
        let start = cfg.now.unwrap_or_else(Timestamp::now);
        Ok(History {
            inner,
            max_age: cfg.max_age,
            max_age_unreachable: cfg.max_age_unreachable.min(cfg.max_age),
            fixed_now: cfg.now,
            start,
            error: Mutex::new(None),
        })
    }

    /// The time to stamp a record with.
    fn now(&self) -> Timestamp {
        self.fixed_now.unwrap_or_else(Timestamp::now)
    }

    fn note<T>(&self, r: Result<T, StoreError>) -> Option<T> {
        r.map_err(|e| {
            if let Ok(mut slot) = self.error.lock() {
                slot.get_or_insert_with(|| e.to_string());
            }
        })
        .ok()
    }

    fn read<T>(&self, f: impl FnOnce(&Store) -> Result<T, StoreError>) -> Option<T> {
        let open = self.inner.as_ref()?;
        let store = open.reader.lock().ok()?;
        self.note(f(&store))
    }

    /// A stored result of `url` younger than the maximum age, if reusable.
    pub fn fresh_check(&self, url: &str) -> Option<CheckResult> {
        let rec = self.read(|s| s.fresh_check(url, self.max_age, self.start))??;
        let lasting = REUSABLE.into_iter().find(|v| v.name() == rec.verdict);
        let recent = match self.start.checked_sub(self.max_age_unreachable) {
            Ok(cutoff) => rec.checked_at > cutoff,
            Err(_) => true, // an age reaching before time began
        };
        let passing =
            (rec.verdict == Verdict::Unreachable.name() && recent).then_some(Verdict::Unreachable);
        let verdict = lasting.or(passing)?;
        Some(CheckResult {
            verdict,
            http_status: rec.http_status,
            reason: rec.reason,
            final_url: rec.final_url,
            // A chain that cannot be read back (hand-edited store) is left out,
            // not a reason to check again.
            redirects: rec
                .redirects
                .as_deref()
                .and_then(|j| serde_json::from_str(j).ok())
                .unwrap_or_default(),
        })
    }

    /// Queues a new result for the store.
    pub fn record_check(&self, url: &str, r: &CheckResult) {
        if matches!(r.verdict, Verdict::Invalid | Verdict::Skipped) {
            return; // settled without the network: nothing to remember
        }
        let Some(open) = &self.inner else { return };
        let rec = CheckRecord {
            url: url.to_string(),
            checked_at: self.now(),
            verdict: r.verdict.name().to_string(),
            http_status: r.http_status,
            reason: r.reason.clone(),
            final_url: r.final_url.clone(),
            redirects: (!r.redirects.is_empty())
                .then(|| serde_json::to_string(&r.redirects).ok())
                .flatten(),
        };
        self.note(open.writer.record_check(rec));
    }

    /// Applies the confirm-dead rule to the URL's stored history plus this
    /// run's `pending` result (when it is new, so not in the history yet).
    pub fn confirm(
        &self,
        url: &str,
        pending: Option<&CheckResult>,
        rule: &ConfirmRule,
    ) -> Confirmation {
        let mut past = self.read(|s| s.history(url)).unwrap_or_default();
        // Rows this run may already have committed would count twice.
        past.retain(|c| c.checked_at < self.start);
        if let Some(r) = pending {
            past.push(CheckRecord {
                url: url.to_string(),
                checked_at: self.now(),
                verdict: r.verdict.name().to_string(),
                http_status: r.http_status,
                reason: r.reason.clone(),
                final_url: r.final_url.clone(),
                redirects: None,
            });
        }
        confirm_dead(&past, rule, self.now())
    }

    /// A stored conclusive look-up of the query younger than the maximum age.
    pub fn fresh_archive(&self, q: &Query) -> Option<Outcome> {
        let target = q.cited.map(|c| c.to_string());
        let rec =
            self.read(|s| s.fresh_archive(&q.url, target.as_deref(), self.max_age, self.start))??;
        match rec.outcome.as_str() {
            "found" => {
                let snap: Snapshot = serde_json::from_str(rec.answer.as_deref()?).ok()?;
                Some(Outcome::Found(snap))
            }
            "not-found" => Some(Outcome::NotFound),
            _ => None,
        }
    }

    /// Queues an archive answer for the store.
    pub fn record_archive(&self, q: &Query, outcome: &Outcome) {
        let Some(open) = &self.inner else { return };
        let (name, answer) = match outcome {
            Outcome::Found(s) => ("found", serde_json::to_string(s).ok()),
            Outcome::NotFound => ("not-found", None),
            Outcome::Deferred(why) => ("deferred", Some(why.clone())),
            Outcome::Failed(why) => ("failed", Some(why.clone())),
        };
        let rec = ArchiveRecord {
            url: q.url.clone(),
            looked_up_at: self.now(),
            target: q.cited.map(|c| c.to_string()),
            answer,
            outcome: name.to_string(),
        };
        self.note(open.writer.record_archive(rec));
    }

    /// Commits what is pending and adds the store's figures to `stats`.
    pub async fn finish(self, stats: &mut Stats) {
        let History { inner, error, .. } = self;
        stats.store_error = error.into_inner().ok().flatten();
        let Some(open) = inner else { return };
        drop(open.reader);
        let finished = tokio::task::spawn_blocking(move || open.writer.finish()).await;
        match finished {
            Ok(Ok(summary)) => {
                stats.stored = summary.committed;
                stats.store_lost = summary.lost;
                if let Some(e) = summary.error {
                    stats.store_error.get_or_insert_with(|| e.to_string());
                }
            }
            Ok(Err(e)) => {
                stats.store_error.get_or_insert_with(|| e.to_string());
            }
            Err(e) => {
                stats.store_error.get_or_insert_with(|| e.to_string());
            }
        }
    }
}
