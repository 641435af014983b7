//! Picking the capture that shows what the author cited.
//!
//! Pure functions, so the rules are pinned by unit tests without any server:
//! a *good* capture is a 200/203/206 whose content digest differs from every
//! error capture of the same URL (archives store soft-404 pages served with
//! 200); transient 3xx/5xx captures in between disqualify nothing. The newest
//! good capture on or before the target's last day plus one day of slack wins,
//! else the oldest good capture after it; with no target, the newest good one.

use std::collections::HashSet;

use jiff::civil::Date;

use super::Relation;
use crate::citation::CitedDate;

/// HTTP statuses of a good capture.
pub const GOOD_STATUSES: [u16; 3] = [200, 203, 206];

/// Whether a capture status counts as good.
pub fn is_good(status: u16) -> bool {
    GOOD_STATUSES.contains(&status)
}

/// The key under which archives file a URL: scheme, `www.` prefix, default
/// port, fragment and case do not matter (as in the Wayback Machine's SURT
/// canonicalisation), nor does a lone trailing slash.
pub fn match_key(url: &str) -> String {
    let no_frag = url.split('#').next().unwrap_or(url);
    let lower = no_frag.trim().to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"))
        .unwrap_or(&lower);
    let (host, path) = match rest.find('/') {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    let host = host
        .strip_suffix(":80")
        .or_else(|| host.strip_suffix(":443"))
        .unwrap_or(host);
    let host = strip_www(host);
    let path = if path == "/" { "" } else { path };
    format!("{host}{path}")
}

/// `www.`, `www2.`, … are dropped like the archive does.
fn strip_www(host: &str) -> &str {
    if let Some(rest) = host.strip_prefix("www") {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if let Some(after) = rest.get(digits..).and_then(|r| r.strip_prefix('.')) {
            if after.contains('.') {
                return after;
            }
        }
    }
    host
}

/// The cited period and the cut-off that separates "before" from "after".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Target {
    /// First day of the cited period.
    pub first: Date,
    /// Last day of the cited period (the same day for a precise date).
    pub last: Date,
}

impl Target {
    /// The period a cited date covers.
    pub fn from_cited(c: CitedDate) -> Target {
        Target {
            first: c.to_civil(),
            last: c.last_day(),
        }
    }

    /// The last day a capture counts as "before": one day of slack after the period.
    pub fn cutoff(&self) -> Date {
        self.last.tomorrow().unwrap_or(self.last)
    }

    /// The cut-off's last second as a Wayback timestamp.
    pub fn cutoff_timestamp(&self) -> String {
        format!("{}235959", day_stamp(self.cutoff()))
    }

    /// Before or after, and the days between `day` and the cited period
    /// (0 inside it).
    pub fn relate(&self, day: Date) -> (Relation, i64) {
        let relation = if day <= self.cutoff() {
            Relation::Before
        } else {
            Relation::After
        };
        let distance = if day < self.first {
            days_between(day, self.first)
        } else if day > self.last {
            days_between(self.last, day)
        } else {
            0
        };
        (relation, distance)
    }
}

fn days_between(a: Date, b: Date) -> i64 {
    a.until(b).map(|s| i64::from(s.get_days())).unwrap_or(0)
}

/// `YYYYMMDD`.
pub fn day_stamp(d: Date) -> String {
    format!("{:04}{:02}{:02}", d.year(), d.month(), d.day())
}

/// The calendar day of a Wayback timestamp (at least `YYYYMMDD`), if valid.
pub fn timestamp_day(ts: &str) -> Option<Date> {
    let num = |r: std::ops::Range<usize>| ts.get(r).and_then(|s| s.parse::<i16>().ok());
    if !ts.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Date::new(num(0..4)?, num(4..6)? as i8, num(6..8)? as i8).ok()
}

/// One capture as listed by an archive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Capture {
    /// 14-digit timestamp.
    pub timestamp: String,
    /// The URL as captured.
    pub original: String,
    /// HTTP status; `None` when the archive does not say (CDX `-`).
    pub status: Option<u16>,
    /// Content digest, when listed.
    pub digest: Option<String>,
}

/// Good captures in order of preference (best first), following the module's rules.
pub fn ranked<'a>(captures: &'a [Capture], target: Option<&Target>) -> Vec<&'a Capture> {
    let error_digests: HashSet<&str> = captures
        .iter()
        .filter(|c| c.status.is_some_and(|s| s >= 400))
        .filter_map(|c| c.digest.as_deref())
        .filter(|d| !d.is_empty() && *d != "-")
        .collect();
    let mut good: Vec<&Capture> = captures
        .iter()
        .filter(|c| c.status.is_some_and(is_good) && timestamp_day(&c.timestamp).is_some())
        .filter(|c| {
            c.digest
                .as_deref()
                .is_none_or(|d| !error_digests.contains(d))
        })
        .collect();
    // Newest first; 14-digit timestamps order as strings.
    good.sort_by(|a, b| b.timestamp.cmp(&a.timestamp));
    good.dedup_by(|a, b| a.timestamp == b.timestamp);
    let Some(t) = target else {
        return good;
    };
    let cutoff = t.cutoff();
    let (mut before, mut after): (Vec<&Capture>, Vec<&Capture>) = good
        .into_iter()
        .partition(|c| timestamp_day(&c.timestamp).is_some_and(|d| d <= cutoff));
    after.reverse();
    before.append(&mut after);
    before
}

/// The best good capture, if any.
pub fn best<'a>(captures: &'a [Capture], target: Option<&Target>) -> Option<&'a Capture> {
    ranked(captures, target).into_iter().next()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cap(ts: &str, status: u16, digest: &str) -> Capture {
        Capture {
            timestamp: ts.into(),
            original: "http://a.example/".into(),
            status: Some(status),
            digest: Some(digest.into()),
        }
    }

    fn target(y: i16, m: u8, d: u8) -> Target {
        Target::from_cited(CitedDate::ymd(y, m, d).unwrap())
    }

    #[test]
    fn keys_ignore_scheme_www_case_port_fragment() {
        let k = "a.example/Path?q=1".to_ascii_lowercase();
        assert_eq!(match_key("http://www.A.example/Path?q=1"), k);
        assert_eq!(match_key("https://a.example:443/path?Q=1#frag"), k);
        assert_eq!(match_key("HTTPS://WWW2.a.example/path?q=1"), k);
        assert_eq!(match_key("http://a.example/"), "a.example");
        assert_eq!(match_key("http://a.example"), "a.example");
        assert_eq!(match_key("http://www.com/x"), "www.com/x");
        assert_ne!(
            match_key("http://a.example/x"),
            match_key("http://b.example/x")
        );
    }

    #[test]
    fn a_nearer_404_loses_to_a_farther_200() {
        let caps = [
            cap("20170101000000", 200, "A"),
            cap("20170309000000", 404, "E"),
            cap("20170311000000", 404, "E"),
        ];
        let t = target(2017, 3, 10);
        assert_eq!(
            best(&caps, Some(&t)).map(|c| c.timestamp.as_str()),
            Some("20170101000000")
        );
    }

    #[test]
    fn before_is_preferred_over_a_closer_after() {
        let caps = [
            cap("20160101000000", 200, "A"),
            cap("20170311000000", 200, "B"),
        ];
        let t = target(2017, 3, 9);
        assert_eq!(
            best(&caps, Some(&t)).map(|c| c.timestamp.as_str()),
            Some("20160101000000")
        );
    }

    #[test]
    fn one_day_of_slack_counts_as_before() {
        let caps = [
            cap("20160101000000", 200, "A"),
            cap("20170310120000", 200, "B"),
        ];
        let t = target(2017, 3, 9);
        let b = best(&caps, Some(&t)).map(|c| c.timestamp.clone());
        assert_eq!(b.as_deref(), Some("20170310120000"));
        assert_eq!(
            t.relate(Date::new(2017, 3, 10).unwrap()),
            (Relation::Before, 1)
        );
        assert_eq!(
            t.relate(Date::new(2017, 3, 11).unwrap()),
            (Relation::After, 2)
        );
        assert_eq!(
            t.relate(Date::new(2017, 3, 1).unwrap()),
            (Relation::Before, 8)
        );
    }

    #[test]
    fn oldest_after_when_nothing_before() {
        let caps = [
            cap("20190101000000", 200, "A"),
            cap("20180101000000", 200, "B"),
            cap("20150101000000", 301, "R"),
        ];
        let t = target(2017, 3, 9);
        let r: Vec<&str> = ranked(&caps, Some(&t))
            .iter()
            .map(|c| c.timestamp.as_str())
            .collect();
        assert_eq!(r, vec!["20180101000000", "20190101000000"]);
    }

    #[test]
    fn no_date_means_newest_good() {
        let caps = [
            cap("20190101000000", 200, "A"),
            cap("20200101000000", 503, "X"),
            cap("20180101000000", 200, "B"),
        ];
        assert_eq!(
            best(&caps, None).map(|c| c.timestamp.as_str()),
            Some("20190101000000")
        );
    }

    #[test]
    fn digest_of_an_error_capture_is_not_good() {
        let caps = [
            cap("20170101000000", 200, "GOOD"),
            cap("20170301000000", 200, "SOFT404"),
            cap("20170401000000", 404, "SOFT404"),
            cap("20170201000000", 302, "R"),
        ];
        let t = target(2017, 3, 5);
        assert_eq!(
            best(&caps, Some(&t)).map(|c| c.timestamp.as_str()),
            Some("20170101000000")
        );
        assert_eq!(
            best(&caps, None).map(|c| c.timestamp.as_str()),
            Some("20170101000000")
        );
    }

    #[test]
    fn transient_errors_do_not_disqualify_later_good_captures() {
        let caps = [
            cap("20170101000000", 503, "X"),
            cap("20170102000000", 302, "R"),
            cap("20170103000000", 200, "G"),
        ];
        let t = target(2017, 3, 5);
        assert_eq!(
            best(&caps, Some(&t)).map(|c| c.timestamp.as_str()),
            Some("20170103000000")
        );
    }

    #[test]
    fn month_precision_covers_the_month() {
        let t = Target::from_cited(CitedDate::ym(2013, 7).unwrap());
        assert_eq!(t.cutoff_timestamp(), "20130801235959");
        assert_eq!(
            t.relate(Date::new(2013, 7, 20).unwrap()),
            (Relation::Before, 0)
        );
        assert_eq!(
            t.relate(Date::new(2013, 6, 30).unwrap()),
            (Relation::Before, 1)
        );
    }

    #[test]
    fn bad_timestamps_are_ignored() {
        let caps = [cap("2017ab01000000", 200, "A"), cap("2017", 200, "B")];
        assert!(best(&caps, None).is_none());
        assert_eq!(timestamp_day("20170231000000"), None);
        assert_eq!(timestamp_day("20170228"), Date::new(2017, 2, 28).ok());
    }
}
