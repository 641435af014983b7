//! Running numbered jobs on several threads while consuming their results in
//! order, with a bounded number of results waiting.
//!
//! Extraction reports citations in document order, and a report may be
//! hundreds of megabytes: results must reach the writer in order and must not
//! pile up when the writer is slower than the parsers. Workers therefore take
//! a job only when it is at most `window` jobs ahead of the one the consumer
//! waits for.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{mpsc, Condvar, Mutex, PoisonError};

/// How many threads extraction uses by default: one per core, at most 8.
pub fn default_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get().min(8))
}

/// Runs `work(0..jobs)` on up to `threads` threads and hands each result to
/// `sink` in job order. The first error from `sink` stops the remaining jobs
/// and is returned. With one thread or one job, everything runs here.
pub fn ordered<T, E>(
    jobs: usize,
    threads: usize,
    work: impl Fn(usize) -> T + Sync,
    sink: impl FnMut(T) -> Result<(), E>,
) -> Result<(), E>
where
    T: Send,
{
    let feed = Feed::new();
    (0..jobs).for_each(|i| feed.push(i));
    ordered_fed(&feed, threads.min(jobs), |i, _| work(i), || {}, sink)
}

/// Jobs handed out while they are still being found: workers take job `i`
/// as soon as it is pushed, and stop once the feed is closed.
pub struct Feed<J> {
    state: Mutex<FeedState<J>>,
    more: Condvar,
}

struct FeedState<J> {
    jobs: Vec<J>,
    closed: bool,
}

impl<J: Clone> Default for Feed<J> {
    fn default() -> Self {
        Feed::new()
    }
}

impl<J: Clone> Feed<J> {
    /// An open, empty feed.
    pub fn new() -> Feed<J> {
        Feed {
            state: Mutex::new(FeedState {
                jobs: Vec::new(),
                closed: false,
            }),
            more: Condvar::new(),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, FeedState<J>> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Adds the next job.
    pub fn push(&self, job: J) {
        self.state().jobs.push(job);
        self.more.notify_all();
    }

    /// Says no more jobs will come.
    pub fn close(&self) {
        self.state().closed = true;
        self.more.notify_all();
    }

    /// Every job pushed so far.
    pub fn jobs(&self) -> Vec<J> {
        self.state().jobs.clone()
    }

    /// Job `i`, waiting for it to be pushed; `None` once the feed is closed
    /// without it, or `stop` is set.
    fn get(&self, i: usize, stop: &AtomicBool) -> Option<J> {
        let mut state = self.state();
        loop {
            if let Some(job) = state.jobs.get(i) {
                return Some(job.clone());
            }
            if state.closed || stop.load(Ordering::Relaxed) {
                return None;
            }
            state = self
                .more
                .wait(state)
                .unwrap_or_else(PoisonError::into_inner);
        }
    }
}

/// Closes a feed when the code filling it ends, however it ends, so that no
/// worker waits for a job that will never come.
struct CloseOnDrop<'a, J: Clone>(&'a Feed<J>);

impl<J: Clone> Drop for CloseOnDrop<'_, J> {
    fn drop(&mut self) {
        self.0.close();
    }
}

/// Like [`ordered`], for jobs that `produce` pushes into `feed` (on this
/// thread, while the workers already run); `work` gets each job's number and
/// the job. The feed is closed when `produce` returns.
pub fn ordered_fed<J, T, E>(
    feed: &Feed<J>,
    threads: usize,
    work: impl Fn(usize, J) -> T + Sync,
    produce: impl FnOnce(),
    mut sink: impl FnMut(T) -> Result<(), E>,
) -> Result<(), E>
where
    J: Clone + Send,
    T: Send,
{
    let stop = AtomicBool::new(false);
    if threads <= 1 {
        {
            let _close = CloseOnDrop(feed);
            produce();
        }
        let mut i = 0;
        while let Some(job) = feed.get(i, &stop) {
            sink(work(i, job))?;
            i += 1;
        }
        return Ok(());
    }
    let window = threads * 2;
    let next = AtomicUsize::new(0);
    // The job the consumer waits for; workers stay within `window` of it.
    let consumed = Mutex::new(0usize);
    let moved = Condvar::new();
    let (tx, rx) = mpsc::channel::<(usize, T)>();
    std::thread::scope(|scope| {
        for _ in 0..threads {
            let tx = tx.clone();
            let (next, stop, consumed, moved, work) = (&next, &stop, &consumed, &moved, &work);
            scope.spawn(move || loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(job) = feed.get(i, stop) else {
                    break;
                };
                {
                    let mut done = consumed.lock().unwrap_or_else(PoisonError::into_inner);
                    while i >= *done + window && !stop.load(Ordering::Relaxed) {
                        done = moved.wait(done).unwrap_or_else(PoisonError::into_inner);
                    }
                }
                if stop.load(Ordering::Relaxed) || tx.send((i, work(i, job))).is_err() {
                    break;
                }
            });
        }
        drop(tx);
        {
            let _close = CloseOnDrop(feed);
            produce();
        }
        let mut waiting = BTreeMap::new();
        let mut want = 0;
        let mut result = Ok(());
        for (i, value) in rx {
            waiting.insert(i, value);
            while let Some(value) = waiting.remove(&want) {
                if result.is_ok() {
                    result = sink(value);
                    if result.is_err() {
                        stop.store(true, Ordering::Relaxed);
                        feed.close();
                    }
                }
                want += 1;
                *consumed.lock().unwrap_or_else(PoisonError::into_inner) = want;
                moved.notify_all();
            }
            if result.is_err() {
                // Wake workers waiting for the window so they see `stop`.
                moved.notify_all();
                waiting.clear();
            }
        }
        result
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_arrive_in_order() {
        for threads in [1, 2, 3, 8] {
            let mut got = Vec::new();
            let r: Result<(), ()> = ordered(
                50,
                threads,
                |i| {
                    // Make early jobs slow so later ones finish first.
                    if i % 7 == 0 {
                        std::thread::sleep(std::time::Duration::from_millis(3));
                    }
                    i * 2
                },
                |v| {
                    got.push(v);
                    Ok(())
                },
            );
            assert_eq!(r, Ok(()));
            assert_eq!(got, (0..50).map(|i| i * 2).collect::<Vec<_>>());
        }
    }

    #[test]
    fn workers_stay_within_the_window() {
        let started = AtomicUsize::new(0);
        let mut consumed = 0;
        let r: Result<(), ()> = ordered(
            40,
            2,
            |i| {
                started.fetch_max(i, Ordering::SeqCst);
                i
            },
            |i| {
                // Nothing beyond `i + window` may have started yet.
                assert!(started.load(Ordering::SeqCst) <= i + 4);
                std::thread::sleep(std::time::Duration::from_millis(1));
                consumed += 1;
                Ok(())
            },
        );
        assert_eq!(r, Ok(()));
        assert_eq!(consumed, 40);
    }

    #[test]
    fn jobs_fed_while_workers_run_arrive_in_order() {
        let feed = Feed::new();
        let mut got = Vec::new();
        let r: Result<(), ()> = ordered_fed(
            &feed,
            2,
            |i, job: usize| (i, job * 3),
            || {
                for j in 0..30 {
                    feed.push(j);
                    if j % 5 == 0 {
                        std::thread::sleep(std::time::Duration::from_millis(2));
                    }
                }
            },
            |v| {
                got.push(v);
                Ok(())
            },
        );
        assert_eq!(r, Ok(()));
        assert_eq!(got, (0..30).map(|j| (j, j * 3)).collect::<Vec<_>>());
        assert_eq!(feed.jobs().len(), 30);
    }

    #[test]
    fn a_producer_that_panics_does_not_leave_workers_waiting() {
        let feed = Feed::new();
        let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            ordered_fed(
                &feed,
                2,
                |_, job: usize| job,
                || {
                    feed.push(1);
                    panic!("producer failed");
                },
                |_| Ok::<(), ()>(()),
            )
        }));
        assert!(run.is_err());
    }

    #[test]
    fn a_sink_error_stops_the_run() {
        let ran = AtomicUsize::new(0);
        let r = ordered(
            10_000,
            2,
            |i| {
                ran.fetch_add(1, Ordering::SeqCst);
                i
            },
            |i| if i == 5 { Err("broken pipe") } else { Ok(()) },
        );
        assert_eq!(r, Err("broken pipe"));
        assert!(ran.load(Ordering::SeqCst) < 100);
    }
}
