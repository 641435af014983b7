//! The batching writer used by the pipeline.
//!
//! Results arrive one at a time from many concurrent check tasks; one
//! transaction each would make the disk sync the bottleneck, while one
//! transaction per run would lose everything to a kill. So a dedicated OS
//! thread (`std::thread`, not `spawn_blocking`: it lives for the whole run and
//! must not occupy one of tokio's blocking-pool slots or need a runtime) owns
//! the connection and commits whatever has arrived once a batch is full or its
//! oldest record has waited long enough (64 records or 200 ms by default). A
//! process killed mid-run therefore loses at most one batch.
//!
//! Senders use an unbounded `std::sync::mpsc` channel: sending never blocks,
//! so async tasks can call it directly, and the queue cannot grow faster than
//! the network produces results. A failed commit does not stop the writer
//! (later batches may succeed, e.g. after a lock timeout); the batch is
//! counted as lost and the error is reported once, to a `flush` caller or in
//! the summary.

use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::{ArchiveRecord, CheckRecord, Result, Store, StoreError};

/// When the writer commits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BatchPolicy {
    /// Commit as soon as this many records are waiting.
    pub max_records: usize,
    /// Commit once the oldest waiting record has waited this long.
    pub max_delay: Duration,
}

impl Default for BatchPolicy {
    fn default() -> Self {
        BatchPolicy {
            max_records: 64,
            max_delay: Duration::from_millis(200),
        }
    }
}

/// What the writer did, returned by [`BatchWriter::finish`].
#[derive(Debug)]
pub struct WriterSummary {
    /// The store, for reading after the run.
    pub store: Store,
    /// Records committed.
    pub committed: usize,
    /// Records lost to failed commits.
    pub lost: usize,
    /// The first commit error not already returned by [`BatchWriter::flush`].
    pub error: Option<StoreError>,
}

enum Msg {
    Check(CheckRecord),
    Archive(ArchiveRecord),
    Flush(Sender<Result<()>>),
    Finish,
}

/// A cheap, cloneable way for tasks to send results to a [`BatchWriter`].
#[derive(Debug, Clone)]
pub struct WriterHandle {
    tx: Sender<Msg>,
}

impl WriterHandle {
    /// Queues a check result; never blocks.
    pub fn record_check(&self, record: CheckRecord) -> Result<()> {
        self.send(Msg::Check(record))
    }

    /// Queues an archive look-up; never blocks.
    pub fn record_archive(&self, record: ArchiveRecord) -> Result<()> {
        self.send(Msg::Archive(record))
    }

    fn send(&self, msg: Msg) -> Result<()> {
        self.tx.send(msg).map_err(|_| StoreError::WriterGone)
    }
}

/// Owns a [`Store`] on a dedicated thread and commits the records sent to it
/// in small transactions. Dropping it commits what is pending and waits for
/// the thread; [`finish`](BatchWriter::finish) does the same and reports.
#[derive(Debug)]
pub struct BatchWriter {
    handle: WriterHandle,
    thread: Option<JoinHandle<WriterSummary>>,
}

impl BatchWriter {
    /// Starts the writer thread, which takes over `store`.
    pub fn spawn(store: Store, policy: BatchPolicy) -> Result<BatchWriter> {
        let (tx, rx) = mpsc::channel();
        let thread = std::thread::Builder::new()
            .name("citecheck-store".to_string())
            .spawn(move || run(store, rx, policy))
            .map_err(|_| StoreError::WriterGone)?;
        Ok(BatchWriter {
            handle: WriterHandle { tx },
            thread: Some(thread),
        })
    }

    /// A handle to give to tasks.
    pub fn handle(&self) -> WriterHandle {
        self.handle.clone()
    }

    /// Queues a check result; never blocks.
    pub fn record_check(&self, record: CheckRecord) -> Result<()> {
        self.handle.record_check(record)
    }

    /// Queues an archive look-up; never blocks.
    pub fn record_archive(&self, record: ArchiveRecord) -> Result<()> {
        self.handle.record_archive(record)
    }

    /// Commits everything sent before this call and waits until it is on disk
    /// (this blocks: from async code, call it inside `spawn_blocking`).
    pub fn flush(&self) -> Result<()> {
        let (ack, done) = mpsc::channel();
        self.handle.send(Msg::Flush(ack))?;
        done.recv().map_err(|_| StoreError::WriterGone)?
    }

    /// Commits what is pending, stops the thread (later sends from handles
    /// fail with [`StoreError::WriterGone`]) and returns the store. Blocks
    /// until the last commit is done.
    pub fn finish(mut self) -> Result<WriterSummary> {
        self.stop().ok_or(StoreError::WriterGone)
    }

    fn stop(&mut self) -> Option<WriterSummary> {
        let thread = self.thread.take()?;
        // If the thread is already gone the send fails and join reports it.
        let _ = self.handle.send(Msg::Finish);
        thread.join().ok()
    }
}

impl Drop for BatchWriter {
    fn drop(&mut self) {
        let _ = self.stop();
    }
}

/// The writer thread's state.
struct Batch {
    store: Store,
    checks: Vec<CheckRecord>,
    archives: Vec<ArchiveRecord>,
    committed: usize,
    lost: usize,
    error: Option<StoreError>,
}

impl Batch {
    fn len(&self) -> usize {
        self.checks.len() + self.archives.len()
    }

    /// Commits what is pending; the error, if any, is returned to the caller.
    fn commit(&mut self) -> Result<()> {
        let n = self.len();
        if n == 0 {
            return Ok(());
        }
        let result = self.store.record_batch(&self.checks, &self.archives);
        self.checks.clear();
        self.archives.clear();
        match result {
            Ok(()) => self.committed += n,
            Err(_) => self.lost += n,
        }
        result
    }

    /// Commits, keeping the first error for the summary.
    fn commit_or_keep_error(&mut self) {
        if let Err(e) = self.commit() {
            self.error.get_or_insert(e);
        }
    }
}

fn run(store: Store, rx: Receiver<Msg>, policy: BatchPolicy) -> WriterSummary {
    let mut batch = Batch {
        store,
        checks: Vec::new(),
        archives: Vec::new(),
        committed: 0,
        lost: 0,
        error: None,
    };
    // When the oldest pending record must be committed.
    let mut deadline: Option<Instant> = None;
    loop {
        let msg = match deadline {
            None => rx.recv().map_err(|_| RecvTimeoutError::Disconnected),
            Some(at) => rx.recv_timeout(at.saturating_duration_since(Instant::now())),
        };
        match msg {
            Ok(Msg::Check(c)) => batch.checks.push(c),
            Ok(Msg::Archive(a)) => batch.archives.push(a),
            Ok(Msg::Flush(ack)) => {
                let _ = ack.send(batch.commit());
            }
            Ok(Msg::Finish) | Err(RecvTimeoutError::Disconnected) => break,
            Err(RecvTimeoutError::Timeout) => batch.commit_or_keep_error(),
        }
        if batch.len() >= policy.max_records.max(1) {
            batch.commit_or_keep_error();
        }
        deadline = match batch.len() {
            0 => None,
            _ => deadline.or_else(|| Instant::now().checked_add(policy.max_delay)),
        };
    }
    batch.commit_or_keep_error();
    WriterSummary {
        store: batch.store,
        committed: batch.committed,
        lost: batch.lost,
        error: batch.error,
    }
}
