//! The history store through its public API: round trips, freshness with an
//! injected clock, confirm-dead over simulated time, migrations, pruning and
//! the batching writer.

use std::time::Duration;

use citecheck::store::{
    confirm_dead, schema, ArchiveRecord, BatchPolicy, BatchWriter, CheckRecord, ConfirmRule,
    Confirmation, Store, StoreError,
};
use jiff::{SignedDuration, Timestamp};

const HOUR: i64 = 3_600;

fn at(hours: i64) -> Timestamp {
    Timestamp::from_second(1_750_000_000 + hours * HOUR).unwrap()
}

fn check(url: &str, hours: i64, verdict: &str, status: Option<u16>) -> CheckRecord {
    CheckRecord {
        url: url.to_string(),
        checked_at: at(hours),
        verdict: verdict.to_string(),
        http_status: status,
        reason: format!("{verdict} after {hours}h"),
        final_url: None,
        redirects: None,
    }
}

fn lookup(url: &str, hours: i64, target: Option<&str>, outcome: &str) -> ArchiveRecord {
    ArchiveRecord {
        url: url.to_string(),
        looked_up_at: at(hours),
        target: target.map(str::to_string),
        answer: Some(format!("{{\"snapshot\":\"{outcome}@{hours}\"}}")),
        outcome: outcome.to_string(),
    }
}

#[test]
fn checks_round_trip_through_a_file_newest_first() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested/dir/history.sqlite3");
    let records = vec![
        check("https://a.example/", 0, "alive", Some(200)),
        CheckRecord {
            final_url: Some("https://a.example/new".to_string()),
            redirects: None,
            ..check("https://a.example/", 5, "moved", Some(301))
        },
        check("https://b.example/", 3, "unreachable", None),
        check("https://a.example/", 2, "dead", Some(404)),
    ];
    {
        let mut store = Store::open(&path).unwrap();
        store.record_checks(&records).unwrap();
    }
    let store = Store::open(&path).unwrap();
    assert_eq!(store.path(), path);
    let history = store.history("https://a.example/").unwrap();
    let expected = [records[1].clone(), records[3].clone(), records[0].clone()];
    assert_eq!(history, expected);
    assert_eq!(
        store.latest_check("https://b.example/").unwrap(),
        Some(records[2].clone())
    );
    assert_eq!(store.history("https://c.example/").unwrap(), []);
    assert_eq!(store.counts().unwrap().checks, 4);
}

#[test]
fn fresh_checks_are_younger_than_the_max_age() {
    let mut store = Store::in_memory().unwrap();
    store
        .record_check(&check("u", 0, "dead", Some(404)))
        .unwrap();
    store
        .record_check(&check("u", 10, "alive", Some(200)))
        .unwrap();
    let day = SignedDuration::from_hours(24);
    let fresh = |now| store.fresh_check("u", day, now).unwrap().map(|c| c.verdict);
    assert_eq!(fresh(at(11)).as_deref(), Some("alive"));
    assert_eq!(fresh(at(33)).as_deref(), Some("alive"));
    // Exactly max_age old is no longer younger than it.
    assert_eq!(fresh(at(34)), None);
    assert_eq!(fresh(at(1_000)), None);
    // A zero max age never reuses anything.
    assert_eq!(
        store
            .fresh_check("u", SignedDuration::ZERO, at(10))
            .unwrap(),
        None
    );
    assert_eq!(store.fresh_check("other", day, at(11)).unwrap(), None);
}

#[test]
fn archive_lookups_are_fresh_per_target_and_only_when_conclusive() {
    let mut store = Store::in_memory().unwrap();
    store
        .record_archive(&lookup("u", 0, Some("2020-01-01"), "found"))
        .unwrap();
    store
        .record_archive(&lookup("u", 1, None, "not-found"))
        .unwrap();
    store
        .record_archive(&lookup("u", 2, Some("2020-01-01"), "failed"))
        .unwrap();
    store
        .record_archive(&lookup("u", 3, Some("2020-01-01"), "deferred"))
        .unwrap();
    let week = SignedDuration::from_hours(7 * 24);
    let fresh = |target, now| store.fresh_archive("u", target, week, now).unwrap();
    assert_eq!(
        fresh(Some("2020-01-01"), at(4)),
        Some(lookup("u", 0, Some("2020-01-01"), "found"))
    );
    assert_eq!(fresh(None, at(4)), Some(lookup("u", 1, None, "not-found")));
    assert_eq!(fresh(Some("2021-06-30"), at(4)), None);
    assert_eq!(fresh(Some("2020-01-01"), at(7 * 24)), None);
    assert_eq!(store.counts().unwrap().archive_lookups, 4);
}

#[test]
fn confirm_dead_over_simulated_days_from_the_store() {
    let rule: ConfirmRule = "3/72h".parse().unwrap();
    let mut store = Store::in_memory().unwrap();
    let url = "https://gone.example/paper.pdf";
    let mut seen = Vec::new();
    // One check a day: alive twice, then dead every day.
    for day in 0..7 {
        let verdict = if day < 2 { "alive" } else { "dead" };
        store
            .record_check(&check(url, day * 24, verdict, None))
            .unwrap();
        let history = store.history(url).unwrap();
        seen.push(confirm_dead(&history, &rule, at(day * 24)));
    }
    assert_eq!(
        seen,
        [
            Confirmation::NotFailing,
            Confirmation::NotFailing,
            Confirmation::FailingSince(at(48)),
            Confirmation::FailingSince(at(48)),
            Confirmation::FailingSince(at(48)),
            // Four failures, 72 hours from the first to the last.
            Confirmation::ConfirmedDead { since: at(48) },
            Confirmation::ConfirmedDead { since: at(48) },
        ]
    );
    store
        .record_check(&check(url, 7 * 24, "alive", Some(200)))
        .unwrap();
    let history = store.history(url).unwrap();
    assert_eq!(
        confirm_dead(&history, &rule, at(7 * 24)),
        Confirmation::NotFailing
    );
}

#[test]
fn prune_removes_only_old_rows_of_both_kinds() {
    let mut store = Store::in_memory().unwrap();
    for h in [0, 10, 20, 30] {
        store
            .record_check(&check("u", h, "alive", Some(200)))
            .unwrap();
        store
            .record_archive(&lookup("u", h, None, "found"))
            .unwrap();
    }
    let removed = store.prune(SignedDuration::from_hours(15), at(30)).unwrap();
    assert_eq!(removed, 4);
    let left: Vec<Timestamp> = store
        .history("u")
        .unwrap()
        .iter()
        .map(|c| c.checked_at)
        .collect();
    assert_eq!(left, [at(30), at(20)]);
    assert_eq!(store.counts().unwrap().archive_lookups, 2);
    assert_eq!(
        store.prune(SignedDuration::from_hours(15), at(30)).unwrap(),
        0
    );
    store.vacuum().unwrap();
    assert_eq!(store.prune(SignedDuration::ZERO, at(31)).unwrap(), 4);
}

#[test]
fn an_empty_file_is_migrated_from_version_zero() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("empty.sqlite3");
    std::fs::write(&path, b"").unwrap();
    let mut store = Store::open(&path).unwrap();
    assert_eq!(store.schema_version().unwrap(), schema::CURRENT_VERSION);
    store
        .record_check(&check("u", 0, "dead", Some(410)))
        .unwrap();
    drop(store);
    let store = Store::open(&path).unwrap();
    assert_eq!(store.history("u").unwrap().len(), 1);
    let journal: String = rusqlite::Connection::open(&path)
        .unwrap()
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(journal, "wal");
}

#[test]
fn a_newer_schema_is_refused_with_advice() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("future.sqlite3");
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch("CREATE TABLE checks (x); PRAGMA user_version = 42;")
        .unwrap();
    drop(conn);
    let err = Store::open(&path).unwrap_err();
    assert!(
        matches!(err, StoreError::TooNew { found: 42, .. }),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        format!(
            "history store {} has schema version 42, newer than the {} this citecheck knows; upgrade citecheck or use another --cache PATH",
            path.display(),
            schema::CURRENT_VERSION
        )
    );
}

#[test]
fn a_file_that_is_not_a_database_names_itself() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notes.txt");
    std::fs::write(
        &path,
        "this is not SQLite, just a text file that is long enough",
    )
    .unwrap();
    let err = Store::open(&path).unwrap_err();
    let message = err.to_string();
    assert!(matches!(err, StoreError::Open { .. }), "{err:?}");
    assert!(
        message.starts_with(&format!("cannot open history store {}: ", path.display())),
        "{message}"
    );
    assert!(
        message.ends_with("(use --cache PATH or --no-cache)"),
        "{message}"
    );
}

#[test]
fn the_writer_commits_full_batches_and_on_finish() {
    let store = Store::in_memory().unwrap();
    let policy = BatchPolicy {
        max_records: 10,
        max_delay: Duration::from_secs(3_600),
    };
    let writer = BatchWriter::spawn(store, policy).unwrap();
    let handle = writer.handle();
    let senders: Vec<_> = (0..4)
        .map(|t| {
            let handle = handle.clone();
            std::thread::spawn(move || {
                for i in 0..25 {
                    handle
                        .record_check(check(&format!("u{t}"), i, "alive", Some(200)))
                        .unwrap();
                }
            })
        })
        .collect();
    for s in senders {
        s.join().unwrap();
    }
    writer
        .record_archive(lookup("u0", 0, None, "found"))
        .unwrap();
    writer.flush().unwrap();
    let summary = writer.finish().unwrap();
    assert_eq!((summary.committed, summary.lost), (101, 0));
    assert!(summary.error.is_none());
    assert_eq!(summary.store.history("u3").unwrap().len(), 25);
    // The writer is gone: a stale handle says so instead of losing data silently.
    assert!(matches!(
        handle.record_check(check("late", 0, "dead", None)),
        Err(StoreError::WriterGone)
    ));
}

#[test]
fn the_writer_commits_a_partial_batch_after_the_delay() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("h.sqlite3");
    let policy = BatchPolicy {
        max_records: 1_000,
        max_delay: Duration::from_millis(50),
    };
    let writer = BatchWriter::spawn(Store::open(&path).unwrap(), policy).unwrap();
    writer
        .record_check(check("u", 0, "dead", Some(404)))
        .unwrap();
    writer
        .record_check(check("u", 1, "dead", Some(404)))
        .unwrap();
    // Another connection sees them once the delay has passed, without a flush.
    let reader = Store::open(&path).unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    while reader.history("u").unwrap().len() < 2 {
        assert!(
            std::time::Instant::now() < deadline,
            "batch never committed"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    drop(writer);
    assert_eq!(reader.history("u").unwrap().len(), 2);
}
