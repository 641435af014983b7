//! When to try again: exponential back-off with jitter, and `Retry-After`.
//!
//! Jitter keeps the retries of many URLs of one host from arriving together;
//! the cap keeps one server's `Retry-After: 86400` from holding the run (such
//! an answer is reported as it stands instead).

use std::time::Duration;

/// The delay before retry number `attempt` (0 for the first retry): `base`
/// doubled per attempt, times a random factor in [0.5, 1.5), at most `cap`.
pub fn backoff(base: Duration, attempt: u32, cap: Duration) -> Duration {
    let exp = base.saturating_mul(1u32 << attempt.min(16));
    let jittered = exp.mul_f64(0.5 + fastrand::f64());
    jittered.min(cap)
}

/// Parses a `Retry-After` value: delay seconds, or an HTTP date (RFC 9110 /
/// RFC 2822 form) relative to `now`. A date in the past means "now".
pub fn parse_retry_after(value: &str, now: jiff::Timestamp) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = jiff::fmt::rfc2822::parse(value).ok()?.timestamp();
    let span = when.duration_since(now);
    Some(Duration::try_from(span).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_with_jitter_and_cap() {
        let base = Duration::from_millis(100);
        for _ in 0..50 {
            let d0 = backoff(base, 0, Duration::from_secs(10));
            assert!(d0 >= Duration::from_millis(50) && d0 < Duration::from_millis(150));
            let d2 = backoff(base, 2, Duration::from_secs(10));
            assert!(d2 >= Duration::from_millis(200) && d2 < Duration::from_millis(600));
            assert_eq!(
                backoff(base, 10, Duration::from_secs(1)),
                Duration::from_secs(1)
            );
        }
    }

    #[test]
    fn retry_after_forms() {
        let now: jiff::Timestamp = "2024-03-01T12:00:00Z".parse().unwrap();
        assert_eq!(parse_retry_after(" 7 ", now), Some(Duration::from_secs(7)));
        assert_eq!(
            parse_retry_after("Fri, 01 Mar 2024 12:00:30 GMT", now),
            Some(Duration::from_secs(30))
        );
        assert_eq!(
            parse_retry_after("Fri, 01 Mar 2024 11:00:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon", now), None);
    }
}
