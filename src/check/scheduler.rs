//! Request scheduling: per-host limits, per-host back-off, one global limit.
//!
//! Every request takes, in this order, a slot of its host (as many as the
//! host's concurrency; first tries are served first, then the retries of the
//! URLs with the most tries left), its host's turn in time (minimum interval,
//! or a 429 back-off), and only then a global slot. So a request waiting for
//! its host never holds a global slot, and a host that backs off or hangs
//! only slows itself.
//!
//! The global slots are handed out by priority rather than first come: a
//! request of the host with the most URLs still to check goes first. The
//! busiest host's queue is what sets the length of a run (it can only go as
//! fast as its own limit allows), so it must never wait behind a crowd of
//! small hosts; small hosts fill the remaining slots. Since a host has at
//! most its own limit of requests in the global queue, a busy host cannot
//! take more than its share either.
//!
//! A host slot can also be [reserved](Scheduler::reserve) ahead of a request:
//! the checker starts a URL only when its host has a free slot, and hands the
//! slot to the URL's first request. A URL waiting out a retry holds no slot,
//! so its host keeps working on other URLs meanwhile. A reservation may ask
//! for fewer requests in flight than the host's limit: each one in flight is
//! a connection kept open, and a host with little work gains nothing from
//! many of them.
//!
//! A URL whose request timed out is tried again only once every other URL of
//! its host has had its first try ([`Scheduler::after_first_tries`]). A
//! timeout is the one failure that costs a whole `--timeout`, and it shows
//! only when it happens: a hung URL met late in a host's queue, retried at
//! once, ends the run a few timeouts after everything else is done. Trying
//! every URL once first finds the hung ones as early as they can be found,
//! and their retries then run side by side instead of one after another.
//!
//! A 429 (or any `Retry-After`) pauses the whole host: that is what a server
//! that limits its clients asks for. But some servers throttle one resource,
//! not the client, and a pause of every request for each such answer would
//! stall a large host for minutes. So the pause is lifted as soon as the host
//! answers another request normally after the 429: the server has shown it
//! still serves us. A server that really limits us answers the requests
//! already in flight with 429s as well, and the pause stands. The throttled
//! URL itself always waits out its `Retry-After`.

use std::cmp::Ordering as CmpOrdering;
use std::collections::{BinaryHeap, HashMap};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{oneshot, Notify};
use tokio::time::Instant;

use super::config::HostSettings;

/// The priority of a first try in [`Scheduler::acquire_with`].
pub const FIRST_TRY: usize = usize::MAX;

/// The right to send one request; dropping it frees the host and global slots.
pub struct Permit {
    _global: GatePermit,
    _host: Slot,
}

/// A slot of one host, taken before the request that will use it.
pub struct HostSlot {
    host: Arc<Host>,
    slot: Slot,
}

/// A held host slot, counted in the host's requests in flight.
struct Slot {
    host: Arc<Host>,
    _permit: GatePermit,
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.host.in_flight.fetch_sub(1, Ordering::Relaxed);
        self.host.released.notify_waiters();
    }
}

struct Host {
    /// The host's slots, handed out first tries first, then the tries of
    /// the URLs with the most tries left (see [`Scheduler::acquire_with`]).
    slots: Arc<Gate>,
    /// Slots held (requests in flight or about to be).
    in_flight: AtomicUsize,
    /// Wakes reservations waiting for the host to have fewer requests in flight.
    released: Notify,
    interval: Duration,
    timing: Mutex<Timing>,
    /// Wakes the requests waiting out a pause when it is lifted.
    lifted: Notify,
    /// URLs of this host not yet judged (the global priority).
    backlog: AtomicUsize,
    /// URLs of this host whose first request has not started yet.
    unstarted: AtomicUsize,
    /// Wakes the retries waiting for `unstarted` to reach zero.
    all_started: Notify,
}

struct Timing {
    /// The earliest time the next request may start (the interval).
    next_start: Instant,
    /// No request starts before this (a 429 or `Retry-After` back-off).
    paused_until: Instant,
}

/// What a request must wait for before it may start.
enum Turn {
    Paused(Instant),
    At(Instant),
}

impl Host {
    /// Waits for this host's turn: the end of a pause, then the interval.
    async fn wait_turn(&self) {
        loop {
            let lifted = self.lifted.notified();
            tokio::pin!(lifted);
            // Registered before the state is read, so a lift in between is not missed.
            lifted.as_mut().enable();
            let turn = {
                let mut t = self.timing.lock().unwrap_or_else(|e| e.into_inner());
                let now = Instant::now();
                if t.paused_until > now {
                    Turn::Paused(t.paused_until)
                } else {
                    let start = t.next_start.max(now);
                    t.next_start = start + self.interval;
                    Turn::At(start)
                }
            };
            match turn {
                Turn::At(start) => return tokio::time::sleep_until(start).await,
                Turn::Paused(until) => {
                    tokio::select! {
                        _ = tokio::time::sleep_until(until) => {}
                        _ = &mut lifted => {}
                    }
                }
            }
        }
    }
}

/// The scheduler shared by all checks of a run.
pub struct Scheduler {
    hosts: Mutex<HashMap<String, Arc<Host>>>,
    gate: Arc<Gate>,
    settings: Box<dyn Fn(&str) -> HostSettings + Send + Sync>,
}

impl Scheduler {
    /// A scheduler with `global` slots, and a function giving each host's limits.
    pub fn new(
        global: usize,
        settings: impl Fn(&str) -> HostSettings + Send + Sync + 'static,
    ) -> Scheduler {
        Scheduler {
            hosts: Mutex::new(HashMap::new()),
            gate: Arc::new(Gate::new(global.max(1))),
            settings: Box::new(settings),
        }
    }

    fn host(&self, name: &str) -> Arc<Host> {
        let mut hosts = self.hosts.lock().unwrap_or_else(|e| e.into_inner());
        let host = hosts.entry(name.to_string()).or_insert_with(|| {
            let s = (self.settings)(name);
            let now = Instant::now();
            Arc::new(Host {
                slots: Arc::new(Gate::new(s.concurrency.max(1))),
                in_flight: AtomicUsize::new(0),
                released: Notify::new(),
                interval: s.interval,
                timing: Mutex::new(Timing {
                    next_start: now,
                    paused_until: now,
                }),
                lifted: Notify::new(),
                backlog: AtomicUsize::new(0),
                unstarted: AtomicUsize::new(0),
                all_started: Notify::new(),
            })
        });
        Arc::clone(host)
    }

    /// Notes that `n` more URLs of `host` wait to be checked (and to be
    /// started: see [`Scheduler::started_one`]).
    pub fn add_backlog(&self, host: &str, n: usize) {
        let h = self.host(host);
        h.backlog.fetch_add(n, Ordering::Relaxed);
        h.unstarted.fetch_add(n, Ordering::Relaxed);
    }

    /// Notes that one URL of `host` has got the slot for its first request.
    pub fn started_one(&self, host: &str) {
        let h = self.host(host);
        let before = h
            .unstarted
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| n.checked_sub(1));
        if before == Ok(1) {
            h.all_started.notify_waiters();
        }
    }

    /// Waits until every URL of `host` has started its first request (at
    /// once for a host no URL list was given for).
    pub async fn after_first_tries(&self, host: &str) {
        let h = self.host(host);
        loop {
            let started = h.all_started.notified();
            tokio::pin!(started);
            // Registered before the count is read, so the last start is not missed.
            started.as_mut().enable();
            if h.unstarted.load(Ordering::Acquire) == 0 {
                return;
            }
            started.await;
        }
    }

    /// Notes that one URL of `host` is judged.
    pub fn done_one(&self, host: &str) {
        let h = self.host(host);
        let _ = h
            .backlog
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| n.checked_sub(1));
    }

    /// URLs of `host` not yet judged.
    pub fn backlog(&self, host: &str) -> usize {
        self.host(host).backlog.load(Ordering::Relaxed)
    }

    /// The largest number of URLs not yet judged of any one host.
    pub fn max_backlog(&self) -> usize {
        let hosts = self.hosts.lock().unwrap_or_else(|e| e.into_inner());
        hosts
            .values()
            .map(|h| h.backlog.load(Ordering::Relaxed))
            .max()
            .unwrap_or(0)
    }

    /// Waits until `host` has fewer than `cap` requests in flight and a free
    /// slot, and takes the slot for a request to come.
    pub async fn reserve(&self, host: &str, cap: usize) -> HostSlot {
        let h = self.host(host);
        loop {
            let released = h.released.notified();
            tokio::pin!(released);
            // Registered before the count is read, so a release in between is not missed.
            released.as_mut().enable();
            if h.in_flight.load(Ordering::Relaxed) < cap.max(1) {
                break;
            }
            released.await;
        }
        let slot = take_slot(&h, FIRST_TRY).await;
        HostSlot { host: h, slot }
    }

    /// Waits for the right to send one request to `host`.
    pub async fn acquire(&self, host: &str) -> Permit {
        self.acquire_with(host, None, FIRST_TRY).await
    }

    /// Like [`Scheduler::acquire`], using `reserved` as the host slot when it
    /// is one of this host's.
    ///
    /// `tries_left` orders the requests waiting for a slot of the host:
    /// [`FIRST_TRY`] for a first try (of a URL or of a redirect hop), else the
    /// tries the URL has left counting this one. First tries go first: each
    /// may reveal a URL that hangs, and the sooner that is known the sooner
    /// its retries can start. Among retries, the URL with the most tries
    /// left goes first: it has the longest way to go.
    pub async fn acquire_with(
        &self,
        host: &str,
        reserved: Option<HostSlot>,
        tries_left: usize,
    ) -> Permit {
        let h = self.host(host);
        let slot = match reserved {
            Some(r) if Arc::ptr_eq(&r.host, &h) => r.slot,
            _ => take_slot(&h, tries_left).await,
        };
        h.wait_turn().await;
        let global = self.gate.acquire(h.backlog.load(Ordering::Relaxed)).await;
        Permit {
            _global: global,
            _host: slot,
        }
    }

    /// Holds back every request to `host` for `wait` (a 429 or `Retry-After`),
    /// until the host answers another request normally.
    pub fn back_off(&self, host: &str, wait: Duration) {
        let h = self.host(host);
        let mut t = h.timing.lock().unwrap_or_else(|e| e.into_inner());
        let until = Instant::now() + wait;
        if t.paused_until < until {
            t.paused_until = until;
        }
    }

    /// Notes a normal answer from `host`: a pause it is under ends now.
    pub fn answered(&self, host: &str) {
        let h = self.host(host);
        let lifted = {
            let mut t = h.timing.lock().unwrap_or_else(|e| e.into_inner());
            let now = Instant::now();
            let paused = t.paused_until > now;
            if paused {
                t.paused_until = now;
            }
            paused
        };
        if lifted {
            h.lifted.notify_waiters();
        }
    }
}

async fn take_slot(h: &Arc<Host>, priority: usize) -> Slot {
    let permit = h.slots.acquire(priority).await;
    h.in_flight.fetch_add(1, Ordering::Relaxed);
    Slot {
        host: Arc::clone(h),
        _permit: permit,
    }
}

/// A counting semaphore whose waiters are served by priority, then in order.
struct Gate {
    state: Mutex<GateState>,
}

struct GateState {
    free: usize,
    seq: u64,
    waiters: BinaryHeap<Waiter>,
}

struct Waiter {
    priority: usize,
    seq: u64,
    wake: oneshot::Sender<()>,
}

impl PartialEq for Waiter {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == CmpOrdering::Equal
    }
}
impl Eq for Waiter {}
impl PartialOrd for Waiter {
    fn partial_cmp(&self, other: &Self) -> Option<CmpOrdering> {
        Some(self.cmp(other))
    }
}
impl Ord for Waiter {
    fn cmp(&self, other: &Self) -> CmpOrdering {
        // Higher priority first; among equals, the earlier arrival.
        self.priority
            .cmp(&other.priority)
            .then_with(|| other.seq.cmp(&self.seq))
    }
}

struct GatePermit {
    gate: Arc<Gate>,
}

impl Drop for GatePermit {
    fn drop(&mut self) {
        self.gate.release();
    }
}

/// Returns a slot handed to a waiter that gave up before taking it.
struct Waiting {
    gate: Arc<Gate>,
    rx: Option<oneshot::Receiver<()>>,
}

impl Drop for Waiting {
    fn drop(&mut self) {
        if let Some(mut rx) = self.rx.take() {
            rx.close();
            if rx.try_recv().is_ok() {
                self.gate.release();
            }
        }
    }
}

impl Gate {
    fn new(slots: usize) -> Gate {
        Gate {
            state: Mutex::new(GateState {
                free: slots,
                seq: 0,
                waiters: BinaryHeap::new(),
            }),
        }
    }

    async fn acquire(self: &Arc<Self>, priority: usize) -> GatePermit {
        let rx = {
            let mut st = self.state.lock().unwrap_or_else(|e| e.into_inner());
            if st.free > 0 && st.waiters.is_empty() {
                st.free -= 1;
                return GatePermit {
                    gate: Arc::clone(self),
                };
            }
            let (wake, rx) = oneshot::channel();
            st.seq += 1;
            let seq = st.seq;
            st.waiters.push(Waiter {
                priority,
                seq,
                wake,
            });
            rx
        };
        let mut waiting = Waiting {
            gate: Arc::clone(self),
            rx: Some(rx),
        };
        if let Some(rx) = waiting.rx.as_mut() {
            // The sender is only dropped after `send`, so this cannot fail
            // unless the gate itself is gone.
            let _ = rx.await;
        }
        waiting.rx = None;
        GatePermit {
            gate: Arc::clone(self),
        }
    }

    /// Hands a freed slot to the best live waiter, or returns it to the pool.
    fn release(&self) {
        let mut st = self.state.lock().unwrap_or_else(|e| e.into_inner());
        while let Some(w) = st.waiters.pop() {
            if w.wake.send(()).is_ok() {
                return;
            }
        }
        st.free += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(n: usize) -> impl Fn(&str) -> HostSettings {
        move |_| HostSettings {
            concurrency: n,
            interval: Duration::ZERO,
        }
    }

    #[tokio::test]
    async fn priority_wins_the_global_slot() {
        let s = Arc::new(Scheduler::new(1, settings(4)));
        s.add_backlog("big", 10);
        s.add_backlog("small", 1);
        let held = s.acquire("small").await;
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        for host in ["small", "big"] {
            let (s, tx) = (Arc::clone(&s), tx.clone());
            tokio::spawn(async move {
                let _p = s.acquire(host).await;
                let _ = tx.send(host);
            });
            tokio::task::yield_now().await;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
        drop(held);
        assert_eq!(rx.recv().await, Some("big"));
        assert_eq!(rx.recv().await, Some("small"));
    }

    #[tokio::test]
    async fn cancelled_waiters_do_not_leak_slots() {
        let s = Arc::new(Scheduler::new(1, settings(4)));
        let held = s.acquire("a").await;
        let waiting = tokio::time::timeout(Duration::from_millis(10), s.acquire("b")).await;
        assert!(waiting.is_err());
        drop(held);
        let again = tokio::time::timeout(Duration::from_millis(100), s.acquire("c")).await;
        assert!(again.is_ok());
    }

    #[tokio::test]
    async fn a_normal_answer_lifts_the_pause() {
        let s = Arc::new(Scheduler::new(4, settings(4)));
        s.back_off("h", Duration::from_secs(30));
        let waiting = {
            let s = Arc::clone(&s);
            tokio::spawn(async move { drop(s.acquire("h").await) })
        };
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert!(!waiting.is_finished());
        s.answered("h");
        let done = tokio::time::timeout(Duration::from_millis(500), waiting).await;
        assert!(matches!(done, Ok(Ok(()))));
    }

    #[tokio::test]
    async fn reservations_respect_the_cap_and_are_used_once() {
        let s = Scheduler::new(4, settings(2));
        let first = s.reserve("h", 1).await;
        let second = tokio::time::timeout(Duration::from_millis(50), s.reserve("h", 1)).await;
        assert!(
            second.is_err(),
            "a second reservation exceeded the cap of 1"
        );
        // A cap only holds back new URLs: a retry still gets the free slot.
        let retry = tokio::time::timeout(Duration::from_millis(50), s.acquire("h")).await;
        assert!(retry.is_ok());
        drop(retry);
        // The reserved slot is the request's: with both slots taken (the
        // reservation and `other`), acquiring with it must not wait.
        let other = s.reserve("h", 2).await;
        let used = tokio::time::timeout(
            Duration::from_millis(50),
            s.acquire_with("h", Some(first), FIRST_TRY),
        )
        .await;
        assert!(used.is_ok());
        drop((used, other));
        let again = tokio::time::timeout(Duration::from_millis(50), s.reserve("h", 1)).await;
        assert!(again.is_ok(), "released slots were not counted back");
    }

    #[tokio::test]
    async fn a_hosts_slot_goes_to_first_tries_then_to_the_most_tries_left() {
        let s = Arc::new(Scheduler::new(8, settings(1)));
        let held = s.acquire("h").await;
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        for (name, tries_left) in [
            ("last", 1),
            ("second", 2),
            ("first", FIRST_TRY),
            ("also", 2),
        ] {
            let (s, tx) = (Arc::clone(&s), tx.clone());
            tokio::spawn(async move {
                let p = s.acquire_with("h", None, tries_left).await;
                let _ = tx.send(name);
                drop(p);
            });
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        drop(held);
        let mut order = Vec::new();
        for _ in 0..4 {
            order.push(rx.recv().await.unwrap_or_default());
        }
        assert_eq!(order, ["first", "second", "also", "last"]);
    }

    #[tokio::test]
    async fn back_off_delays_only_that_host() {
        let s = Scheduler::new(4, settings(4));
        s.back_off("slow", Duration::from_millis(300));
        let t = Instant::now();
        drop(s.acquire("other").await);
        assert!(t.elapsed() < Duration::from_millis(100));
        drop(s.acquire("slow").await);
        assert!(t.elapsed() >= Duration::from_millis(300));
    }
}
