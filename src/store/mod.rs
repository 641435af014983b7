//! The history store: an embedded SQLite database of past URL checks and
//! archive look-ups.
//!
//! One file per user (in the platform cache directory by default) is shared
//! by every citecheck process, so the connection is set up for that: WAL
//! journaling lets readers and one writer proceed together, a busy timeout
//! makes a second writer wait its turn instead of failing, and
//! `synchronous = NORMAL` keeps every committed transaction across a killed
//! process (WAL only risks the last commits on power loss). The schema is
//! versioned in the file itself (see [`schema`]).
//!
//! The store knows nothing of the check and archive stages' types: it keeps
//! plain records with verdicts and outcomes as strings, so those stages can
//! evolve their enums without a migration, and the pipeline maps between
//! them. Results produced concurrently go through [`BatchWriter`]; the
//! confirm-dead rule over a URL's history is the pure function
//! [`confirm_dead`].

mod confirm;
mod duration;
mod location;
mod records;
pub mod schema;
mod writer;

use std::path::{Path, PathBuf};
use std::time::Duration;

use jiff::{SignedDuration, Timestamp};
use rusqlite::{Connection, OpenFlags};

pub use confirm::{confirm_dead, ConfirmRule, ConfirmRuleError, Confirmation};
pub use duration::{format_duration, parse_duration, DurationError};
pub use location::default_path;
pub use records::{ArchiveRecord, CheckRecord, StoreCounts};
pub use writer::{BatchPolicy, BatchWriter, WriterHandle, WriterSummary};

/// How long a connection waits for another process's write lock before
/// giving up: long enough for any batch another process commits.
const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// What can go wrong with the history store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database file could not be opened or set up.
    #[error("cannot open history store {}: {source} (use --cache PATH or --no-cache)", path.display())]
    Open {
        /// The database file.
        path: PathBuf,
        /// What SQLite said.
        source: rusqlite::Error,
    },
    /// The directory for the database could not be created.
    #[error("cannot create the directory of history store {}: {source} (use --cache PATH or --no-cache)", path.display())]
    CreateDir {
        /// The database file.
        path: PathBuf,
        /// What the file system said.
        source: std::io::Error,
    },
    /// The file was written by a newer citecheck.
    #[error("history store {} has schema version {found}, newer than the {supported} this citecheck knows; upgrade citecheck or use another --cache PATH", path.display())]
    TooNew {
        /// The database file.
        path: PathBuf,
        /// The version in the file.
        found: u32,
        /// The newest version this build knows.
        supported: u32,
    },
    /// No platform cache directory could be determined.
    #[error(
        "cannot find a cache directory for the history store ({0}); use --cache PATH or --no-cache"
    )]
    NoCacheDir(&'static str),
    /// A query or write failed on an open store.
    #[error("history store {}: {source}", path.display())]
    Sqlite {
        /// The database file.
        path: PathBuf,
        /// What SQLite said.
        source: rusqlite::Error,
    },
    /// A stored row holds a value this build cannot represent (a foreign
    /// tool or a damaged file wrote it).
    #[error("history store {}: unreadable row: {message}", path.display())]
    BadRow {
        /// The database file.
        path: PathBuf,
        /// What is wrong with the row.
        message: String,
    },
    /// The batching writer's thread is gone, so nothing more can be stored.
    #[error("the history store writer has stopped")]
    WriterGone,
}

/// Result with the store's error.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// An open history store (one SQLite connection).
#[derive(Debug)]
pub struct Store {
    conn: Connection,
    path: PathBuf,
}

impl Store {
    /// Opens (creating if needed, with its directory) the store at `path`,
    /// migrating its schema to the current version.
    pub fn open(path: impl AsRef<Path>) -> Result<Store> {
        let path = path.as_ref().to_path_buf();
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|source| StoreError::CreateDir {
                path: path.clone(),
                source,
            })?;
        }
        let open_err = |source| StoreError::Open {
            path: path.clone(),
            source,
        };
        let conn = Connection::open_with_flags(&path, OpenFlags::default()).map_err(open_err)?;
        // Switching a new file to WAL can answer "database is locked" at once,
        // without waiting on the busy handler, while another process does the
        // same: retry for as long as the busy timeout allows.
        let started = std::time::Instant::now();
        loop {
            match configure(&conn, true) {
                Err(rusqlite::Error::SqliteFailure(e, _))
                    if e.code == rusqlite::ErrorCode::DatabaseBusy
                        && started.elapsed() < BUSY_TIMEOUT =>
                {
                    std::thread::sleep(std::time::Duration::from_millis(20));
                }
                other => {
                    other.map_err(open_err)?;
                    break;
                }
            }
        }
        Store::finish_open(conn, path)
    }

    /// Opens the store at the platform default location, [`default_path`].
    pub fn open_default() -> Result<Store> {
        Store::open(default_path()?)
    }

    /// A private store in memory, gone when dropped (for tests and
    /// `--no-cache` runs that still want within-run bookkeeping).
    pub fn in_memory() -> Result<Store> {
        let path = PathBuf::from(":memory:");
        let open_err = |source| StoreError::Open {
            path: path.clone(),
            source,
        };
        let conn = Connection::open_in_memory().map_err(open_err)?;
        configure(&conn, false).map_err(open_err)?;
        Store::finish_open(conn, path)
    }

    fn finish_open(mut conn: Connection, path: PathBuf) -> Result<Store> {
        match schema::migrate(&mut conn) {
            Ok(_) => Ok(Store { conn, path }),
            Err(schema::MigrateError::TooNew(found)) => Err(StoreError::TooNew {
                path,
                found,
                supported: schema::CURRENT_VERSION,
            }),
            Err(schema::MigrateError::Sqlite(source)) => Err(StoreError::Open { path, source }),
        }
    }

    /// The database file (`:memory:` for an in-memory store).
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The schema version of the open file.
    pub fn schema_version(&self) -> Result<u32> {
        schema::version(&self.conn).map_err(|e| self.sql_err(e))
    }

    /// How many rows the store holds.
    pub fn counts(&self) -> Result<StoreCounts> {
        let count = |table: &str| -> Result<usize> {
            let n: i64 = self
                .conn
                .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
                .map_err(|e| self.sql_err(e))?;
            Ok(usize::try_from(n).unwrap_or(0))
        };
        Ok(StoreCounts {
            checks: count("checks")?,
            archive_lookups: count("archive_lookups")?,
        })
    }

    /// Runs SQLite's `PRAGMA integrity_check`, returning its findings
    /// (`["ok"]` for a sound file).
    pub fn integrity_check(&self) -> Result<Vec<String>> {
        let mut stmt = self
            .conn
            .prepare("PRAGMA integrity_check")
            .map_err(|e| self.sql_err(e))?;
        let rows = stmt
            .query_map([], |r| r.get::<_, String>(0))
            .map_err(|e| self.sql_err(e))?;
        rows.collect::<rusqlite::Result<_>>()
            .map_err(|e| self.sql_err(e))
    }

    /// Deletes every check and archive look-up older than `older_than` at
    /// `now`, returning how many rows were removed.
    pub fn prune(&mut self, older_than: SignedDuration, now: Timestamp) -> Result<usize> {
        let cutoff = records::micros(records::saturating_sub(now, older_than));
        let tx = self
            .conn
            .transaction()
            .map_err(|e| sql_err(&self.path, e))?;
        let mut removed = 0;
        for sql in [
            "DELETE FROM checks WHERE checked_at < ?1",
            "DELETE FROM archive_lookups WHERE looked_up_at < ?1",
        ] {
            removed += tx
                .execute(sql, [cutoff])
                .map_err(|e| sql_err(&self.path, e))?;
        }
        tx.commit().map_err(|e| sql_err(&self.path, e))?;
        Ok(removed)
    }

    /// Rewrites the file to give the space of deleted rows back to the file
    /// system (worth it after a large prune; it needs a moment of exclusive
    /// access).
    pub fn vacuum(&self) -> Result<()> {
        self.conn
            .execute_batch("VACUUM")
            .map_err(|e| self.sql_err(e))
    }

    fn sql_err(&self, source: rusqlite::Error) -> StoreError {
        sql_err(&self.path, source)
    }
}

fn sql_err(path: &Path, source: rusqlite::Error) -> StoreError {
    StoreError::Sqlite {
        path: path.to_path_buf(),
        source,
    }
}

/// Sets up a fresh connection for sharing a file between processes.
fn configure(conn: &Connection, on_disk: bool) -> rusqlite::Result<()> {
    conn.busy_timeout(BUSY_TIMEOUT)?;
    if on_disk {
        // Switching to WAL is recorded in the file, so only the first opener
        // of a new file pays for it; later ones find it already set.
        let mode: String = conn.pragma_query_value(None, "journal_mode", |r| r.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            let _: String =
                conn.pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))?;
        }
        conn.pragma_update(None, "synchronous", "NORMAL")?;
    }
    Ok(())
}
