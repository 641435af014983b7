//! The one duration syntax of the command line (`--max-age 1d`,
//! `--older-than 90d`, the span of `--confirm-dead 3/72h`).
//!
//! jiff's "friendly" format already reads `30m`, `12h`, `1d`, `2w`,
//! `1d 12h` and `3 days`, so this module only decides what such a duration
//! means here: days and weeks are exactly 24 hours (a cache age is elapsed
//! time, not calendar time), while months and years are refused because their
//! length depends on a date nobody gave. Negative durations are refused: no
//! option accepts a time in the future.

use jiff::{SignedDuration, Span, SpanRelativeTo};

/// A duration argument that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid duration {input:?}: {reason} (write e.g. 30m, 12h, 1d, 90d or 2w)")]
pub struct DurationError {
    /// The text as given.
    pub input: String,
    /// What is wrong with it.
    pub reason: String,
}

/// Parses a non-negative duration such as `30m`, `12h`, `1d`, `90d`, `2w` or
/// `1d 12h`; a day is 24 hours.
pub fn parse_duration(input: &str) -> Result<SignedDuration, DurationError> {
    let fail = |reason: String| DurationError {
        input: input.to_string(),
        reason,
    };
    let span: Span = input
        .trim()
        .parse()
        .map_err(|e: jiff::Error| fail(e.to_string()))?;
    if span.get_years() != 0 || span.get_months() != 0 {
        return Err(fail(
            "months and years have no fixed length; use days or weeks".to_string(),
        ));
    }
    let duration = span
        .to_duration(SpanRelativeTo::days_are_24_hours())
        .map_err(|e| fail(e.to_string()))?;
    if duration.is_negative() {
        return Err(fail("it must not be negative".to_string()));
    }
    Ok(duration)
}

/// Formats a duration the way [`parse_duration`] reads it, in the largest
/// whole unit that represents it exactly (`90d`, `72h`, `30m`, `45s`).
pub fn format_duration(duration: SignedDuration) -> String {
    let secs = duration.as_secs();
    if duration.subsec_nanos() != 0 || secs == 0 {
        return format!("{}s", duration.as_secs_f64());
    }
    for (unit, len) in [("d", 86_400), ("h", 3_600), ("m", 60)] {
        if secs % len == 0 {
            return format!("{}{unit}", secs / len);
        }
    }
    format!("{secs}s")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_documented_forms() {
        let cases = [
            ("30m", 30 * 60),
            ("12h", 12 * 3_600),
            ("72h", 72 * 3_600),
            ("1d", 86_400),
            ("90d", 90 * 86_400),
            ("2w", 14 * 86_400),
            ("1d 12h", 36 * 3_600),
            ("3 days", 3 * 86_400),
            (" 45s ", 45),
            ("0d", 0),
        ];
        for (text, secs) in cases {
            assert_eq!(
                parse_duration(text),
                Ok(SignedDuration::from_secs(secs)),
                "{text}"
            );
        }
    }

    #[test]
    fn refuses_calendar_units_negative_and_garbage() {
        for text in ["1mo", "1y", "-1d", "1d ago", "", "90", "soon", "1x"] {
            let err = parse_duration(text).unwrap_err();
            assert_eq!(err.input, text);
        }
        let err = parse_duration("2mo").unwrap_err();
        assert!(err.to_string().contains("use days or weeks"), "{err}");
    }

    #[test]
    fn formats_in_the_largest_exact_unit() {
        let f = |s| format_duration(SignedDuration::from_secs(s));
        assert_eq!(f(90 * 86_400), "90d");
        assert_eq!(f(72 * 3_600), "3d");
        assert_eq!(f(36 * 3_600), "36h");
        assert_eq!(f(90), "90s");
        assert_eq!(f(0), "0s");
        assert_eq!(format_duration(SignedDuration::from_millis(1_500)), "1.5s");
        for text in ["90d", "36h", "30m", "45s"] {
            let d = parse_duration(text).unwrap_or_default();
            assert_eq!(parse_duration(&format_duration(d)), Ok(d));
        }
    }
}
