//! The stored records and the queries over them.
//!
//! Each check and each archive look-up is its own row, never updated: the
//! history of a URL is the list of its rows, and "latest" and "fresh" are just
//! the newest row, optionally bounded by age. Ties on the timestamp (two
//! results in the same microsecond) are broken by insertion order.

use jiff::{SignedDuration, Timestamp};
use rusqlite::{params, OptionalExtension, Row};

use super::{sql_err, Result, Store, StoreError};

/// One check of one URL, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckRecord {
    /// The URL that was checked, exactly as the pipeline requested it.
    pub url: String,
    /// When the check finished (stored with microsecond precision).
    pub checked_at: Timestamp,
    /// The verdict's name: `alive`, `dead`, `moved`, …
    pub verdict: String,
    /// The final HTTP status, when there was a response.
    pub http_status: Option<u16>,
    /// Why the verdict was given, for people.
    pub reason: String,
    /// Where redirects ended, when they went elsewhere.
    pub final_url: Option<String>,
    /// The redirects followed, as a JSON array of `{url, status, location}`
    /// (the report's form); `None` when there were none.
    pub redirects: Option<String>,
}

/// One archive look-up of one URL, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArchiveRecord {
    /// The URL whose snapshot was looked up.
    pub url: String,
    /// When the look-up finished (stored with microsecond precision).
    pub looked_up_at: Timestamp,
    /// The date the snapshot should be close to (`YYYY-MM-DD`), if any.
    pub target: Option<String>,
    /// The archive's answer (JSON of the snapshot), opaque to the store.
    pub answer: Option<String>,
    /// `found`, `not-found`, `deferred` or `failed`.
    pub outcome: String,
}

/// How many rows a store holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct StoreCounts {
    /// Stored checks.
    pub checks: usize,
    /// Stored archive look-ups.
    pub archive_lookups: usize,
}

/// Look-up outcomes that answer the question and may be reused; `deferred`
/// and `failed` mean "ask again", so they never count as fresh.
const CONCLUSIVE_OUTCOMES: [&str; 2] = ["found", "not-found"];

const INSERT_CHECK: &str = "INSERT INTO checks (url, checked_at, verdict, http_status, reason, final_url, redirects) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
const INSERT_ARCHIVE: &str = "INSERT INTO archive_lookups (url, looked_up_at, target, answer, outcome) VALUES (?1, ?2, ?3, ?4, ?5)";
const CHECK_COLUMNS: &str =
    "SELECT url, checked_at, verdict, http_status, reason, final_url, redirects FROM checks";

impl Store {
    /// Stores one check result (its own transaction).
    pub fn record_check(&mut self, record: &CheckRecord) -> Result<()> {
        self.record_checks(std::slice::from_ref(record))
    }

    /// Stores several check results in one transaction: all or none.
    pub fn record_checks(&mut self, records: &[CheckRecord]) -> Result<()> {
        self.record_batch(records, &[])
    }

    /// Stores one archive look-up (its own transaction).
    pub fn record_archive(&mut self, record: &ArchiveRecord) -> Result<()> {
        self.record_batch(&[], std::slice::from_ref(record))
    }

    /// Stores checks and archive look-ups in one transaction: all or none.
    pub fn record_batch(
        &mut self,
        checks: &[CheckRecord],
        archives: &[ArchiveRecord],
    ) -> Result<()> {
        let path = self.path.clone();
        let err = |e| sql_err(&path, e);
        let tx = self.conn.transaction().map_err(err)?;
        {
            let mut insert = tx.prepare_cached(INSERT_CHECK).map_err(err)?;
            for c in checks {
                insert
                    .execute(params![
                        c.url,
                        micros(c.checked_at),
                        c.verdict,
                        c.http_status,
                        c.reason,
                        c.final_url,
                        c.redirects
                    ])
                    .map_err(err)?;
            }
            let mut insert = tx.prepare_cached(INSERT_ARCHIVE).map_err(err)?;
            for a in archives {
                insert
                    .execute(params![
                        a.url,
                        micros(a.looked_up_at),
                        a.target,
                        a.answer,
                        a.outcome
                    ])
                    .map_err(err)?;
            }
        }
        tx.commit().map_err(err)
    }

    /// The newest stored check of `url`.
    pub fn latest_check(&self, url: &str) -> Result<Option<CheckRecord>> {
        self.newest_check_since(url, i64::MIN)
    }

    /// The newest check of `url` younger than `max_age` at `now`, which can be
    /// reused instead of checking again.
    pub fn fresh_check(
        &self,
        url: &str,
        max_age: SignedDuration,
        now: Timestamp,
    ) -> Result<Option<CheckRecord>> {
        self.newest_check_since(url, micros(saturating_sub(now, max_age)))
    }

    fn newest_check_since(&self, url: &str, after: i64) -> Result<Option<CheckRecord>> {
        let sql = format!(
            "{CHECK_COLUMNS} WHERE url = ?1 AND checked_at > ?2 ORDER BY checked_at DESC, id DESC LIMIT 1"
        );
        let mut stmt = self
            .conn
            .prepare_cached(&sql)
            .map_err(|e| self.sql_err(e))?;
        let row = stmt
            .query_row(params![url, after], raw_check)
            .optional()
            .map_err(|e| self.sql_err(e))?;
        row.map(|raw| self.decode_check(raw)).transpose()
    }

    /// Every stored check of `url`, newest first.
    pub fn history(&self, url: &str) -> Result<Vec<CheckRecord>> {
        let sql = format!("{CHECK_COLUMNS} WHERE url = ?1 ORDER BY checked_at DESC, id DESC");
        let mut stmt = self
            .conn
            .prepare_cached(&sql)
            .map_err(|e| self.sql_err(e))?;
        let rows = stmt
            .query_map([url], raw_check)
            .map_err(|e| self.sql_err(e))?;
        rows.map(|row| self.decode_check(row.map_err(|e| self.sql_err(e))?))
            .collect()
    }

    /// The newest conclusive (`found` or `not-found`) look-up of `url` for the
    /// same `target` date, younger than `max_age` at `now`.
    pub fn fresh_archive(
        &self,
        url: &str,
        target: Option<&str>,
        max_age: SignedDuration,
        now: Timestamp,
    ) -> Result<Option<ArchiveRecord>> {
        let sql = "SELECT url, looked_up_at, target, answer, outcome FROM archive_lookups \
                   WHERE url = ?1 AND target IS ?2 AND looked_up_at > ?3 AND outcome IN (?4, ?5) \
                   ORDER BY looked_up_at DESC, id DESC LIMIT 1";
        let cutoff = micros(saturating_sub(now, max_age));
        let [found, not_found] = CONCLUSIVE_OUTCOMES;
        let mut stmt = self.conn.prepare_cached(sql).map_err(|e| self.sql_err(e))?;
        let row = stmt
            .query_row(params![url, target, cutoff, found, not_found], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })
            .optional()
            .map_err(|e| self.sql_err(e))?;
        let Some((url, at, target, answer, outcome)) = row else {
            return Ok(None);
        };
        Ok(Some(ArchiveRecord {
            url,
            looked_up_at: self.timestamp(at)?,
            target,
            answer,
            outcome,
        }))
    }

    fn decode_check(&self, raw: RawCheck) -> Result<CheckRecord> {
        let http_status = raw
            .http_status
            .map(|s| {
                u16::try_from(s).map_err(|_| self.bad_row(format!("HTTP status {s} out of range")))
            })
            .transpose()?;
        Ok(CheckRecord {
            url: raw.url,
            checked_at: self.timestamp(raw.checked_at)?,
            verdict: raw.verdict,
            http_status,
            reason: raw.reason,
            final_url: raw.final_url,
            redirects: raw.redirects,
        })
    }

    fn timestamp(&self, micros: i64) -> Result<Timestamp> {
        Timestamp::from_microsecond(micros)
            .map_err(|_| self.bad_row(format!("time {micros} out of range")))
    }

    fn bad_row(&self, message: String) -> StoreError {
        StoreError::BadRow {
            path: self.path.clone(),
            message,
        }
    }
}

/// A check row before its values are validated.
struct RawCheck {
    url: String,
    checked_at: i64,
    verdict: String,
    http_status: Option<i64>,
    reason: String,
    final_url: Option<String>,
    redirects: Option<String>,
}

fn raw_check(row: &Row<'_>) -> rusqlite::Result<RawCheck> {
    Ok(RawCheck {
        url: row.get(0)?,
        checked_at: row.get(1)?,
        verdict: row.get(2)?,
        http_status: row.get(3)?,
        reason: row.get(4)?,
        final_url: row.get(5)?,
        redirects: row.get(6)?,
    })
}

/// A timestamp as stored: microseconds since the Unix epoch.
pub(super) fn micros(t: Timestamp) -> i64 {
    t.as_microsecond()
}

/// `now - age`, clamped to the representable range so that a huge age means
/// "since the beginning of time" rather than an error.
pub(super) fn saturating_sub(now: Timestamp, age: SignedDuration) -> Timestamp {
    now.checked_sub(age).unwrap_or(if age.is_negative() {
        Timestamp::MAX
    } else {
        Timestamp::MIN
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: i64) -> Timestamp {
        Timestamp::from_second(1_700_000_000 + secs).unwrap()
    }

    fn check(url: &str, secs: i64, verdict: &str) -> CheckRecord {
        CheckRecord {
            url: url.to_string(),
            checked_at: at(secs),
            verdict: verdict.to_string(),
            http_status: Some(200),
            reason: format!("{verdict} at {secs}"),
            final_url: None,
            redirects: None,
        }
    }

    #[test]
    fn a_round_trip_keeps_every_field() {
        let mut store = Store::in_memory().unwrap();
        let rec = CheckRecord {
            url: "https://example.org/a?b=c".to_string(),
            checked_at: Timestamp::from_microsecond(1_700_000_000_123_456).unwrap(),
            verdict: "moved".to_string(),
            http_status: Some(301),
            reason: "permanent redirect".to_string(),
            final_url: Some("https://example.org/b".to_string()),
            redirects: None,
        };
        store.record_check(&rec).unwrap();
        assert_eq!(store.latest_check(&rec.url).unwrap(), Some(rec.clone()));
        assert_eq!(store.latest_check("https://example.org/").unwrap(), None);
    }

    #[test]
    fn equal_times_are_ordered_by_insertion() {
        let mut store = Store::in_memory().unwrap();
        store
            .record_checks(&[check("u", 5, "dead"), check("u", 5, "alive")])
            .unwrap();
        let verdicts: Vec<String> = store
            .history("u")
            .unwrap()
            .into_iter()
            .map(|c| c.verdict)
            .collect();
        assert_eq!(verdicts, ["alive", "dead"]);
    }

    #[test]
    fn out_of_range_rows_are_errors_not_panics() {
        let store = Store::in_memory().unwrap();
        store
            .conn
            .execute(
                "INSERT INTO checks (url, checked_at, verdict, http_status, reason) VALUES ('u', 0, 'dead', 70000, '')",
                [],
            )
            .unwrap();
        let err = store.history("u").unwrap_err();
        assert_eq!(
            err.to_string(),
            "history store :memory:: unreadable row: HTTP status 70000 out of range"
        );
        store
            .conn
            .execute(
                "UPDATE checks SET http_status = 404, checked_at = ?1",
                [i64::MAX],
            )
            .unwrap();
        assert!(matches!(
            store.latest_check("u"),
            Err(StoreError::BadRow { .. })
        ));
    }

    #[test]
    fn huge_ages_clamp_instead_of_failing() {
        assert_eq!(saturating_sub(at(0), SignedDuration::MAX), Timestamp::MIN);
        assert_eq!(saturating_sub(at(0), SignedDuration::MIN), Timestamp::MAX);
        let mut store = Store::in_memory().unwrap();
        store.record_check(&check("u", 0, "alive")).unwrap();
        let found = store.fresh_check("u", SignedDuration::MAX, at(10)).unwrap();
        assert_eq!(found.map(|c| c.checked_at), Some(at(0)));
    }
}
