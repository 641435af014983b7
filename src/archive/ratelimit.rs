//! One shared limiter per endpoint: a sliding-window budget plus the 429 policy.
//!
//! A sliding window ("at most N sends in any span of W") is the only shape
//! that guarantees what the archive's published limits say, whatever the
//! burst pattern; a token bucket would allow N plus refill inside one window.
//! The same limiter owns the back-off, because a 429 on one request must hold
//! back every other task using that endpoint: it pauses the endpoint for
//! `max(Retry-After, backoff × 2^(k−1))` after the k-th consecutive 429, and
//! after `max_429` of them trips it, so the rest of the run reports "deferred"
//! rather than risking a block. The decision logic ([`Window`]) takes the
//! current instant as an argument, so it is tested without waiting.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::config::Rate;

/// The pure state of a limiter.
#[derive(Debug)]
pub struct Window {
    rate: Rate,
    sent: VecDeque<Instant>,
    paused_until: Option<Instant>,
    strikes: u32,
    tripped: bool,
}

/// What [`Window::try_send`] decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Send now (the send is recorded).
    Go,
    /// Wait until then and ask again.
    WaitUntil(Instant),
    /// The endpoint is given up for this run.
    Tripped,
}

impl Window {
    /// An idle window with this budget.
    pub fn new(rate: Rate) -> Window {
        Window {
            rate,
            sent: VecDeque::with_capacity(rate.count as usize),
            paused_until: None,
            strikes: 0,
            tripped: false,
        }
    }

    /// Records a send at `now` if the budget and any pause allow it.
    pub fn try_send(&mut self, now: Instant) -> Decision {
        if self.tripped {
            return Decision::Tripped;
        }
        if let Some(until) = self.paused_until {
            if now < until {
                return Decision::WaitUntil(until);
            }
            self.paused_until = None;
        }
        while self
            .sent
            .front()
            .is_some_and(|&t| now.saturating_duration_since(t) >= self.rate.per)
        {
            self.sent.pop_front();
        }
        if self.sent.len() < self.rate.count as usize {
            self.sent.push_back(now);
            return Decision::Go;
        }
        match self.sent.front() {
            Some(&oldest) => Decision::WaitUntil(oldest + self.rate.per),
            None => Decision::Go,
        }
    }

    /// Records a 429 at `now`; returns false when the endpoint is now tripped.
    pub fn too_many(
        &mut self,
        now: Instant,
        retry_after: Option<Duration>,
        backoff: Duration,
        max: u32,
    ) -> bool {
        self.strikes += 1;
        if self.strikes >= max {
            self.tripped = true;
            return false;
        }
        let doubled = backoff.saturating_mul(1u32 << (self.strikes - 1).min(16));
        let pause = retry_after.map_or(doubled, |r| r.max(doubled));
        self.paused_until = Some(now + pause);
        true
    }

    /// A request went through: the run of 429s is over.
    pub fn succeeded(&mut self) {
        self.strikes = 0;
    }

    /// Whether the endpoint is given up.
    pub fn is_tripped(&self) -> bool {
        self.tripped
    }
}

/// A shared limiter for one endpoint.
#[derive(Debug)]
pub struct Limiter {
    name: String,
    window: Mutex<Window>,
    backoff: Duration,
    max_429: u32,
    count: AtomicU64,
}

/// The endpoint was given up after repeated 429s.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tripped(pub String);

impl Limiter {
    /// A limiter named after its endpoint (used in messages).
    pub fn new(name: impl Into<String>, rate: Rate, backoff: Duration, max_429: u32) -> Limiter {
        Limiter {
            name: name.into(),
            window: Mutex::new(Window::new(rate)),
            backoff,
            max_429: max_429.max(1),
            count: AtomicU64::new(0),
        }
    }

    /// Waits until a request may be sent, and records it.
    pub async fn acquire(&self) -> Result<(), Tripped> {
        loop {
            let decision = match self.window.lock() {
                Ok(mut w) => w.try_send(Instant::now()),
                Err(_) => Decision::Tripped,
            };
            match decision {
                Decision::Go => {
                    self.count.fetch_add(1, Ordering::Relaxed);
                    return Ok(());
                }
                Decision::WaitUntil(t) => {
                    tokio::time::sleep(t.saturating_duration_since(Instant::now())).await;
                }
                Decision::Tripped => return Err(self.tripped_error()),
            }
        }
    }

    /// Records a 429; `Err` once the endpoint is given up.
    pub fn too_many(&self, retry_after: Option<Duration>) -> Result<(), Tripped> {
        let ok = match self.window.lock() {
            Ok(mut w) => w.too_many(Instant::now(), retry_after, self.backoff, self.max_429),
            Err(_) => false,
        };
        if ok {
            Ok(())
        } else {
            Err(self.tripped_error())
        }
    }

    /// Records an answer other than 429.
    pub fn succeeded(&self) {
        if let Ok(mut w) = self.window.lock() {
            w.succeeded();
        }
    }

    /// Requests sent through this limiter.
    pub fn sent(&self) -> u64 {
        self.count.load(Ordering::Relaxed)
    }

    fn tripped_error(&self) -> Tripped {
        Tripped(format!(
            "archive look-up deferred: {} answered 429 (too many requests) {} times",
            self.name, self.max_429
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: Duration = Duration::from_secs(1);

    #[test]
    fn never_more_than_count_in_any_window() {
        let t0 = Instant::now();
        let mut w = Window::new(Rate::new(3, 10 * S));
        let mut sends = Vec::new();
        let mut now = t0;
        // A caller asking every 100 ms for 60 s.
        while now < t0 + 60 * S {
            if w.try_send(now) == Decision::Go {
                sends.push(now);
            }
            now += Duration::from_millis(100);
        }
        assert_eq!(sends.len(), 18, "3 per 10 s over 60 s");
        for (i, &a) in sends.iter().enumerate() {
            let in_window = sends
                .iter()
                .skip(i)
                .take_while(|&&b| b - a < 10 * S)
                .count();
            assert!(in_window <= 3, "window at {i} holds {in_window}");
        }
    }

    #[test]
    fn waiting_time_is_exact() {
        let t0 = Instant::now();
        let mut w = Window::new(Rate::new(2, 10 * S));
        assert_eq!(w.try_send(t0), Decision::Go);
        assert_eq!(w.try_send(t0 + S), Decision::Go);
        assert_eq!(w.try_send(t0 + 2 * S), Decision::WaitUntil(t0 + 10 * S));
        assert_eq!(w.try_send(t0 + 10 * S), Decision::Go);
    }

    #[test]
    fn a_429_pauses_and_doubles_then_trips() {
        let t0 = Instant::now();
        let mut w = Window::new(Rate::new(100, S));
        assert!(w.too_many(t0, None, 60 * S, 3));
        assert_eq!(w.try_send(t0 + 59 * S), Decision::WaitUntil(t0 + 60 * S));
        assert_eq!(w.try_send(t0 + 60 * S), Decision::Go);
        // Second strike: 120 s, or Retry-After when longer.
        assert!(w.too_many(t0 + 60 * S, Some(300 * S), 60 * S, 3));
        assert_eq!(w.try_send(t0 + 61 * S), Decision::WaitUntil(t0 + 360 * S));
        assert!(!w.too_many(t0 + 400 * S, None, 60 * S, 3));
        assert!(w.is_tripped());
        assert_eq!(w.try_send(t0 + 9999 * S), Decision::Tripped);
    }

    #[test]
    fn retry_after_shorter_than_backoff_is_not_obeyed_early() {
        let t0 = Instant::now();
        let mut w = Window::new(Rate::new(100, S));
        assert!(w.too_many(t0, Some(S), 60 * S, 3));
        assert_eq!(w.try_send(t0 + 2 * S), Decision::WaitUntil(t0 + 60 * S));
    }

    #[test]
    fn success_resets_the_strikes() {
        let t0 = Instant::now();
        let mut w = Window::new(Rate::new(100, S));
        assert!(w.too_many(t0, None, S, 2));
        w.succeeded();
        assert!(w.too_many(t0 + 5 * S, None, S, 2));
        assert_eq!(w.try_send(t0 + 5 * S), Decision::WaitUntil(t0 + 6 * S));
    }
}
