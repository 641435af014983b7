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
    mut sink: impl FnMut(T) -> Result<(), E>,
) -> Result<(), E>
where
    T: Send,
{
    let threads = threads.min(jobs);
    if threads <= 1 {
        for i in 0..jobs {
            sink(work(i))?;
        }
        return Ok(());
    }
    let window = threads * 2;
    let next = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
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
                if i >= jobs || stop.load(Ordering::Relaxed) {
                    break;
                }
                {
                    let mut done = consumed.lock().unwrap_or_else(PoisonError::into_inner);
                    while i >= *done + window && !stop.load(Ordering::Relaxed) {
                        done = moved.wait(done).unwrap_or_else(PoisonError::into_inner);
                    }
                }
                if stop.load(Ordering::Relaxed) || tx.send((i, work(i))).is_err() {
                    break;
                }
            });
        }
        drop(tx);
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
