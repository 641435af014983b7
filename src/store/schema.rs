//! The store's schema and its migrations.
//!
//! The version lives in SQLite's own `PRAGMA user_version` header field, so a
//! brand-new (or empty) file is simply version 0 and every upgrade is the same
//! code path: apply each missing step in order. Migrations run inside one
//! `BEGIN IMMEDIATE` transaction that re-reads the version after taking the
//! write lock, so two processes opening a fresh file at the same moment cannot
//! both apply a step; a crash mid-migration rolls the whole upgrade back.
//! A file written by a newer citecheck is refused rather than guessed at.
//!
//! Times are stored as integer microseconds since the Unix epoch: they sort and
//! compare as numbers in SQL (freshness and pruning are range scans on an
//! index) and cover every date jiff can represent.

use rusqlite::{Connection, TransactionBehavior};

/// `MIGRATIONS[i]` upgrades a store from version `i` to `i + 1`.
const MIGRATIONS: &[&str] = &[
    // 1: checks and archive look-ups, each indexed by URL then time for the
    // per-URL queries and by time alone for pruning.
    "CREATE TABLE checks (
        id          INTEGER PRIMARY KEY,
        url         TEXT    NOT NULL,
        checked_at  INTEGER NOT NULL,
        verdict     TEXT    NOT NULL,
        http_status INTEGER,
        reason      TEXT    NOT NULL,
        final_url   TEXT
    );
    CREATE INDEX checks_by_url ON checks (url, checked_at);
    CREATE INDEX checks_by_time ON checks (checked_at);
    CREATE TABLE archive_lookups (
        id           INTEGER PRIMARY KEY,
        url          TEXT    NOT NULL,
        looked_up_at INTEGER NOT NULL,
        target       TEXT,
        answer       TEXT,
        outcome      TEXT    NOT NULL
    );
    CREATE INDEX archive_lookups_by_url ON archive_lookups (url, looked_up_at);
    CREATE INDEX archive_lookups_by_time ON archive_lookups (looked_up_at);",
    // 2: a check's redirect chain (JSON), so that a reused result reports the
    // chain it was given on.
    "ALTER TABLE checks ADD COLUMN redirects TEXT;",
];

/// The schema version this build writes and reads.
pub const CURRENT_VERSION: u32 = MIGRATIONS.len() as u32;

/// Why the schema could not be brought up to date.
#[derive(Debug)]
pub(crate) enum MigrateError {
    /// The file was written by a newer citecheck.
    TooNew(u32),
    /// SQLite failed.
    Sqlite(rusqlite::Error),
}

impl From<rusqlite::Error> for MigrateError {
    fn from(e: rusqlite::Error) -> Self {
        MigrateError::Sqlite(e)
    }
}

/// Reads the schema version of an open database.
pub(crate) fn version(conn: &Connection) -> rusqlite::Result<u32> {
    let v: i64 = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
    // user_version is a signed 32-bit header field: a negative value can only
    // come from a foreign tool, and is treated as "newer than anything".
    Ok(u32::try_from(v).unwrap_or(u32::MAX))
}

/// Brings the schema up to [`CURRENT_VERSION`], returning the version found.
pub(crate) fn migrate(conn: &mut Connection) -> Result<u32, MigrateError> {
    // Cheap check first, without a write lock: the common case is "current".
    let found = version(conn)?;
    if found == CURRENT_VERSION {
        return Ok(found);
    }
    if found > CURRENT_VERSION {
        return Err(MigrateError::TooNew(found));
    }
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let found = version(&tx)?;
    if found > CURRENT_VERSION {
        return Err(MigrateError::TooNew(found));
    }
    let pending = MIGRATIONS.get(found as usize..).unwrap_or_default();
    for step in pending {
        tx.execute_batch(step)?;
    }
    tx.pragma_update(None, "user_version", CURRENT_VERSION)?;
    tx.commit()?;
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tables(conn: &Connection) -> Vec<String> {
        let mut stmt = conn
            .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
            .unwrap();
        let rows = stmt.query_map([], |r| r.get(0)).unwrap();
        rows.map(|r| r.unwrap()).collect()
    }

    #[test]
    fn migrates_an_empty_database_to_current() {
        let mut conn = Connection::open_in_memory().unwrap();
        assert_eq!(version(&conn).unwrap(), 0);
        assert_eq!(migrate(&mut conn).unwrap(), 0);
        assert_eq!(version(&conn).unwrap(), CURRENT_VERSION);
        assert_eq!(tables(&conn), ["archive_lookups", "checks"]);
        // A second run finds it current and changes nothing.
        assert_eq!(migrate(&mut conn).unwrap(), CURRENT_VERSION);
        assert_eq!(tables(&conn), ["archive_lookups", "checks"]);
    }

    #[test]
    fn a_version_1_store_keeps_its_rows_and_gains_redirects() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(MIGRATIONS[0]).unwrap();
        conn.pragma_update(None, "user_version", 1).unwrap();
        conn.execute(
            "INSERT INTO checks (url, checked_at, verdict, reason) VALUES ('u', 1, 'alive', 'HTTP 200')",
            [],
        )
        .unwrap();
        assert_eq!(migrate(&mut conn).unwrap(), 1);
        let (n, redirects): (i64, Option<String>) = conn
            .query_row("SELECT count(*), max(redirects) FROM checks", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .unwrap();
        assert_eq!((n, redirects), (1, None));
        assert_eq!(version(&conn).unwrap(), CURRENT_VERSION);
    }

    #[test]
    fn refuses_a_newer_schema_without_touching_it() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "user_version", CURRENT_VERSION + 1)
            .unwrap();
        match migrate(&mut conn) {
            Err(MigrateError::TooNew(v)) => assert_eq!(v, CURRENT_VERSION + 1),
            other => panic!("expected TooNew, got {other:?}"),
        }
        assert!(tables(&conn).is_empty());
    }

    #[test]
    fn a_negative_version_counts_as_newer() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "user_version", -1).unwrap();
        assert!(matches!(
            migrate(&mut conn),
            Err(MigrateError::TooNew(u32::MAX))
        ));
    }
}
