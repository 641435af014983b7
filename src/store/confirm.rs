//! Confirmation before "dead", the way careful archivists work.
//!
//! A single failed check says little (servers have bad days), so with a rule
//! such as `3/72h` a URL is only reported dead once its most recent results
//! hold at least 3 dead checks, with no alive one in between, whose first and
//! last lie at least 72 hours apart. Until then it is "failing since" its
//! first failure of the current run of failures. Only `dead` counts as a
//! failure and only `alive` and `moved` (the server answered with the
//! resource) reset the run; other verdicts (`blocked`, `unreachable`, …) say
//! nothing about the resource either way and are skipped. The function is
//! pure, with `now` injected, so it can be replayed over simulated time:
//! results later than `now` are ignored.

use jiff::{SignedDuration, Timestamp};

use super::duration::{format_duration, parse_duration};
use super::CheckRecord;

/// Verdicts that count as a failure.
const FAILING: &[&str] = &["dead"];
/// Verdicts that show the resource is there, ending any run of failures.
const RESETTING: &[&str] = &["alive", "moved"];

/// How many failures, spread over how long, confirm a URL dead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConfirmRule {
    /// Consecutive dead results needed (at least 1).
    pub failures: u32,
    /// Minimum time between the first and the last of them.
    pub span: SignedDuration,
}

/// What a URL's history says about its death.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Confirmation {
    /// Its latest conclusive result is not a failure (or it has none).
    NotFailing,
    /// It has been failing since this time, not long or often enough yet.
    FailingSince(Timestamp),
    /// It is dead, confirmed by failures since this time.
    ConfirmedDead {
        /// The first failure of the confirming run.
        since: Timestamp,
    },
}

/// A `--confirm-dead` rule that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid confirm-dead rule {input:?}: {reason} (write FAILURES/SPAN, e.g. 3/72h)")]
pub struct ConfirmRuleError {
    /// The text as given.
    pub input: String,
    /// What is wrong with it.
    pub reason: String,
}

impl std::str::FromStr for ConfirmRule {
    type Err = ConfirmRuleError;

    /// Reads `FAILURES/SPAN`, e.g. `3/72h` or `2/1d`.
    fn from_str(input: &str) -> Result<Self, Self::Err> {
        let fail = |reason: String| ConfirmRuleError {
            input: input.to_string(),
            reason,
        };
        let (count, span) = input
            .split_once('/')
            .ok_or_else(|| fail("missing '/'".to_string()))?;
        let failures: u32 = count
            .trim()
            .parse()
            .map_err(|_| fail(format!("{:?} is not a number of failures", count.trim())))?;
        if failures == 0 {
            return Err(fail("at least one failure is needed".to_string()));
        }
        let span = parse_duration(span).map_err(|e| fail(e.reason))?;
        Ok(ConfirmRule { failures, span })
    }
}

impl std::fmt::Display for ConfirmRule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.failures, format_duration(self.span))
    }
}

/// Applies `rule` to a URL's `history` (in any order) as of `now`.
pub fn confirm_dead(history: &[CheckRecord], rule: &ConfirmRule, now: Timestamp) -> Confirmation {
    let mut relevant: Vec<&CheckRecord> = history
        .iter()
        .filter(|c| c.checked_at <= now)
        .filter(|c| is(c, FAILING) || is(c, RESETTING))
        .collect();
    // Newest first; the sort is stable, so equal times keep the given order.
    relevant.sort_by_key(|c| std::cmp::Reverse(c.checked_at));
    let run: Vec<&CheckRecord> = relevant
        .into_iter()
        .take_while(|c| is(c, FAILING))
        .collect();
    let (Some(last), Some(first)) = (run.first(), run.last()) else {
        return Confirmation::NotFailing;
    };
    let count = u32::try_from(run.len()).unwrap_or(u32::MAX);
    let spread = last.checked_at.duration_since(first.checked_at);
    if count >= rule.failures && spread >= rule.span {
        Confirmation::ConfirmedDead {
            since: first.checked_at,
        }
    } else {
        Confirmation::FailingSince(first.checked_at)
    }
}

fn is(check: &CheckRecord, verdicts: &[&str]) -> bool {
    verdicts.contains(&check.verdict.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOUR: i64 = 3_600;

    fn at(hours: i64) -> Timestamp {
        Timestamp::from_second(1_700_000_000 + hours * HOUR).unwrap()
    }

    fn check(hours: i64, verdict: &str) -> CheckRecord {
        CheckRecord {
            url: "https://example.org/".to_string(),
            checked_at: at(hours),
            verdict: verdict.to_string(),
            http_status: None,
            reason: String::new(),
            final_url: None,
            redirects: None,
        }
    }

    fn rule() -> ConfirmRule {
        "3/72h".parse().unwrap()
    }

    #[test]
    fn parses_and_prints_rules() {
        assert_eq!(
            rule(),
            ConfirmRule {
                failures: 3,
                span: SignedDuration::from_hours(72)
            }
        );
        assert_eq!(rule().to_string(), "3/3d");
        assert_eq!(
            "2/1d".parse::<ConfirmRule>().unwrap().span,
            SignedDuration::from_hours(24)
        );
        for bad in ["3", "0/72h", "x/72h", "3/", "3/1mo", "-1/2h"] {
            let err = bad.parse::<ConfirmRule>().unwrap_err();
            assert_eq!(err.input, bad);
        }
    }

    #[test]
    fn confirms_only_after_enough_failures_over_the_span() {
        let mut history = Vec::new();
        assert_eq!(
            confirm_dead(&history, &rule(), at(0)),
            Confirmation::NotFailing
        );
        history.push(check(0, "dead"));
        assert_eq!(
            confirm_dead(&history, &rule(), at(0)),
            Confirmation::FailingSince(at(0))
        );
        history.push(check(24, "dead"));
        history.push(check(48, "dead"));
        // Three failures, but only 48 hours apart.
        assert_eq!(
            confirm_dead(&history, &rule(), at(48)),
            Confirmation::FailingSince(at(0))
        );
        history.push(check(72, "dead"));
        assert_eq!(
            confirm_dead(&history, &rule(), at(72)),
            Confirmation::ConfirmedDead { since: at(0) }
        );
    }

    #[test]
    fn a_long_span_needs_enough_failures_too() {
        let history = [check(0, "dead"), check(100, "dead")];
        assert_eq!(
            confirm_dead(&history, &rule(), at(100)),
            Confirmation::FailingSince(at(0))
        );
    }

    #[test]
    fn an_alive_result_resets_and_neutral_ones_are_skipped() {
        let history = [
            check(0, "dead"),
            check(10, "dead"),
            check(20, "alive"),
            check(30, "dead"),
            check(40, "unreachable"),
            check(70, "dead"),
            check(110, "blocked"),
            check(120, "dead"),
        ];
        // At hour 100 the run is 30 and 70: two failures.
        assert_eq!(
            confirm_dead(&history, &rule(), at(100)),
            Confirmation::FailingSince(at(30))
        );
        // At 120 it is 30, 70 and 120: three failures over 90 hours.
        assert_eq!(
            confirm_dead(&history, &rule(), at(130)),
            Confirmation::ConfirmedDead { since: at(30) }
        );
        let mut later = history.to_vec();
        later.push(check(130, "moved"));
        assert_eq!(
            confirm_dead(&later, &rule(), at(130)),
            Confirmation::NotFailing
        );
    }

    #[test]
    fn the_order_of_the_history_does_not_matter_and_the_future_is_ignored() {
        let mut history = vec![
            check(72, "dead"),
            check(0, "dead"),
            check(36, "dead"),
            check(200, "alive"),
        ];
        let expected = Confirmation::ConfirmedDead { since: at(0) };
        assert_eq!(confirm_dead(&history, &rule(), at(100)), expected);
        history.reverse();
        assert_eq!(confirm_dead(&history, &rule(), at(100)), expected);
        assert_eq!(
            confirm_dead(&history, &rule(), at(200)),
            Confirmation::NotFailing
        );
    }
}
