//! The progress bar of `check`: on standard error, only on a terminal.
//!
//! indicatif hides its bar when standard error is not a terminal; `hidden`
//! also hides it on request (`--no-progress`), so scripts and logs never see
//! control sequences.

use std::sync::atomic::{AtomicUsize, Ordering};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Progress of a check run: checked/total, rate, dead so far, ETA.
///
/// Methods take `&self` (the bar and the counter are thread-safe) so the
/// pipeline can advance it from its result stream while the caller keeps it.
pub struct Progress {
    bar: ProgressBar,
    dead: AtomicUsize,
}

impl Progress {
    /// A bar for `total` URLs; invisible when `hidden` or not on a terminal.
    pub fn new(total: usize, hidden: bool) -> Progress {
        let target = if hidden {
            ProgressDrawTarget::hidden()
        } else {
            ProgressDrawTarget::stderr()
        };
        let bar = ProgressBar::with_draw_target(Some(total as u64), target);
        if let Ok(style) =
            ProgressStyle::with_template("{bar:30} {pos}/{len} URLs  {per_sec}  {msg}  ETA {eta}")
        {
            bar.set_style(style);
        }
        bar.set_message("0 dead");
        Progress {
            bar,
            dead: AtomicUsize::new(0),
        }
    }

    /// A bar that is never drawn (library callers and tests).
    pub fn hidden() -> Progress {
        Progress::new(0, true)
    }

    /// Sets the number of URLs once it is known.
    pub fn set_total(&self, total: usize) {
        self.bar.set_length(total as u64);
    }

    /// Records one judged URL.
    pub fn record(&self, dead: bool) {
        if dead {
            let n = self.dead.fetch_add(1, Ordering::Relaxed) + 1;
            self.bar.set_message(format!("{n} dead"));
        }
        self.bar.inc(1);
    }

    /// Removes the bar.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
