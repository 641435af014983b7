//! The progress bar of `check`: on standard error, only on a terminal.
//!
//! indicatif hides its bar when standard error is not a terminal; `hidden`
//! also hides it on request (`--no-progress`), so scripts and logs never see
//! control sequences.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Progress of a check run: checked/total, rate, dead so far, ETA.
pub struct Progress {
    bar: ProgressBar,
    dead: usize,
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
        Progress { bar, dead: 0 }
    }

    /// Records one judged URL.
    pub fn record(&mut self, dead: bool) {
        if dead {
            self.dead += 1;
            self.bar.set_message(format!("{} dead", self.dead));
        }
        self.bar.inc(1);
    }

    /// Removes the bar.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
