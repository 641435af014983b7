//! Cited dates: the day a citation refers to, for choosing the archive copy
//! closest to what the author saw.
//!
//! A note can give an access date ("Accessed 5 May 2019", "访问日期：…"), a
//! publication date ("*Xinhua*, 27 October 2017") and a URL with a date in its
//! path (`/2017-10/27/`). They are trusted in that order: the access date is
//! when the author saw the page; the publication date is close to it; a URL
//! date is often the day a page was filed, not published.
//!
//! All forms are found by one compiled regex ([`DATE`]) that matches full
//! dates only (day-month-year, month-year, Chinese `年月日`): a bare year in
//! prose is too often part of a title ("Forecast on China's Informatisation
//! (2010)") to count. Numeric dates are taken only when unambiguous: year
//! first (`2017-10-27`, `2017/10/27`), or day/month first when one part is
//! above 12 or both are equal (`27.10.2017`, `10/27/2017`); `03/04/2017` and
//! two-digit years are not guessed. Years in text must be 1000–2100.
//!
//! In a note the publication date is the *last* full date that is not an
//! access date and not inside a URL: titles come first and the date follows
//! the venue, so the last date is the publication's. URL dates follow their own
//! shapes (`/2017/10/27/`, `/2016/0311/`, `t20170808_`, `/201708/`); runs of
//! digits count only for years 1990–2035 since they are often ids (separated
//! parts, 1900–2035); the most precise date wins.

use std::ops::Range;
use std::sync::LazyLock;

use regex::{Captures, Regex};

use crate::citation::CitedDate;

/// English month names and abbreviations, longest first so `Sept` wins over `Sep`.
const MONTH: &str = "January|February|March|April|May|June|July|August|September|October|November|December|Sept|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Oct|Nov|Dec";

/// The date forms, one alternative per form, each with its own named groups.
fn date_pattern() -> String {
    let m = format!(r"(?:{MONTH})(?-u:\b)\.?");
    let ordinal = r"(?:st|nd|rd|th)?";
    let time = r"(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?";
    [
        format!(
            r"(?P<a_d>\d{{1,2}}){ordinal}\.?\s+(?:of\s+)?(?P<a_m>{m}),?\s+(?P<a_y>\d{{4}})(?-u:\b)"
        ),
        format!(r"(?P<b_m>{m})\s+(?P<b_d>\d{{1,2}}){ordinal},?\s+(?P<b_y>\d{{4}})(?-u:\b)"),
        format!(r"(?P<c_m>{m}),?\s+(?P<c_y>\d{{4}})(?-u:\b)"),
        format!(r"(?P<i_y>\d{{4}})[-/.](?P<i_m>\d{{1,2}})[-/.](?P<i_d>\d{{1,2}}){time}(?-u:\b)"),
        r"(?P<n_a>\d{1,2})[-/.](?P<n_b>\d{1,2})[-/.](?P<n_y>\d{4})(?-u:\b)".to_string(),
        r"(?P<z_y>\d{4})\s*年\s*(?P<z_m>\d{1,2})\s*月(?:\s*(?P<z_d>\d{1,2})\s*[日号])?".to_string(),
    ]
    .join("|")
}

/// Compiles a pattern built in this module (a bug, not input, if it fails).
fn compile(pattern: &str) -> Regex {
    Regex::new(pattern).unwrap_or_else(|e| panic!("date regex: {e}"))
}

/// Any date form, anywhere in a text.
static DATE: LazyLock<Regex> =
    LazyLock::new(|| compile(&format!(r"(?-u:\b)(?:{})", date_pattern())));

/// A date form at the start of a text.
static DATE_AT_START: LazyLock<Regex> =
    LazyLock::new(|| compile(&format!(r"^(?:{})", date_pattern())));

/// A whole field that is one date, with a year-month and a bare year allowed.
static FIELD: LazyLock<Regex> = LazyLock::new(|| {
    compile(&format!(
        r"^\s*(?:(?:{})|(?P<f_y>\d{{4}})(?:[-/](?P<f_m>\d{{1,2}}))?\s*年?)[\s.]*$",
        date_pattern()
    ))
});

/// Words that announce an access date, followed by what may stand between
/// them and the date.
static ACCESS: LazyLock<Regex> = LazyLock::new(|| {
    compile(
        r"(?i)(?:(?-u:\b)(?:(?:last\s+)?(?:accessed|retrieved|viewed|visited|consulted|downloaded)(?:\s+on)?|access(?:ed)?\s+(?:date|on)|date\s+(?:of\s+)?access(?:ed)?)(?-u:\b)|访问日期|访问时间|访问于|检索日期|引用日期|浏览日期|获取日期|查看日期|最后访问)[\s:：,]*",
    )
});

/// A date in a URL path: year, month and day separated (`/2017-10/27/`).
static URL_YMD: LazyLock<Regex> = LazyLock::new(|| {
    compile(r"(?:^|[^0-9])(?P<y>\d{4})[-/_.](?P<m>\d{1,2})[-/_.](?P<d>\d{1,2})(?:[^0-9]|$)")
});

/// A date in a URL path: year, then month and day run together (`/2016/0311/`).
static URL_Y_MD: LazyLock<Regex> =
    LazyLock::new(|| compile(r"(?:^|/)(?P<y>\d{4})/(?P<m>\d{2})(?P<d>\d{2})(?:[^0-9]|$)"));

/// A month in a URL path: year and month separated (`/2017/10/`).
static URL_YM: LazyLock<Regex> =
    LazyLock::new(|| compile(r"(?:^|[^0-9])(?P<y>\d{4})[-/_](?P<m>\d{1,2})(?:/|$)"));

/// Runs of digits in a URL path (`t20170808_`, `/201708/`).
static DIGITS: LazyLock<Regex> = LazyLock::new(|| compile(r"[0-9]+"));

/// The date a citation refers to: its access date, else its publication
/// date, else a date in its URL.
pub fn cited(context: &str, url: &str) -> Option<CitedDate> {
    let access = access_spans(context);
    access
        .iter()
        .rev()
        .find_map(|(_, d)| *d)
        .or_else(|| last_date(context, &access))
        .or_else(|| url_date(url))
}

/// Parses a field that holds one date (BibTeX `urldate`, a template's
/// `access-date=`): every text form, plus a bare year (`2005`) and a
/// year-month (`2005-03`).
pub fn parse_date(s: &str) -> Option<CitedDate> {
    let caps = FIELD.captures(s)?;
    if let Some(year) = caps.name("f_y") {
        let year = text_year(year.as_str())?;
        return match caps.name("f_m") {
            Some(m) => CitedDate::ym(year, m.as_str().parse().ok()?),
            None => CitedDate::y(year),
        };
    }
    from_captures(&caps)
}

/// The last access date in a note ("Accessed 5 May 2019", "访问日期：2019-05-05").
pub fn access_date(context: &str) -> Option<CitedDate> {
    access_spans(context).into_iter().rev().find_map(|(_, d)| d)
}

/// The note's publication date: the last full date that is neither an
/// access date nor inside a URL.
pub fn publication_date(context: &str) -> Option<CitedDate> {
    last_date(context, &access_spans(context))
}

/// The last valid date of a note outside the given access-date spans and
/// outside URLs. Matches are found with the regex's fast search; captures
/// (much slower) are taken only for candidates, from the last one back.
fn last_date(context: &str, access: &[(Range<usize>, Option<CitedDate>)]) -> Option<CitedDate> {
    let matches: Vec<Range<usize>> = DATE.find_iter(context).map(|m| m.range()).collect();
    matches.iter().rev().find_map(|m| {
        if access
            .iter()
            .any(|(s, _)| s.start < m.end && m.start < s.end)
            || in_url(context, m)
        {
            return None;
        }
        // The match alone is a complete date (the pattern's word boundaries
        // hold at its ends), and capturing on it is far cheaper than on the note.
        let caps = DATE.captures(context.get(m.clone())?)?;
        from_captures(&caps)
    })
}

/// Whether a match lies inside a URL: the white-space-delimited word around
/// it holds a scheme or starts with `www.`.
fn in_url(context: &str, m: &Range<usize>) -> bool {
    let bytes = context.as_bytes();
    let start = bytes[..m.start.min(bytes.len())]
        .iter()
        .rposition(|b| b.is_ascii_whitespace())
        .map_or(0, |i| i + 1);
    let word = context.get(start..m.start).unwrap_or("");
    word.contains("://")
        || word
            .get(..4)
            .is_some_and(|w| w.eq_ignore_ascii_case("www."))
}

/// Spans of the dates that follow an access keyword, with the date (when valid).
fn access_spans(context: &str) -> Vec<(Range<usize>, Option<CitedDate>)> {
    ACCESS
        .find_iter(context)
        .filter_map(|kw| {
            let rest = context.get(kw.end()..)?;
            let caps = DATE_AT_START.captures(rest)?;
            let len = caps.get(0)?.len();
            Some((kw.end()..kw.end() + len, from_captures(&caps)))
        })
        .collect()
}

/// A date in a URL's path or query: the most precise one, the first of those.
pub fn url_date(url: &str) -> Option<CitedDate> {
    let path = url_path(url);
    let mut best: Option<CitedDate> = None;
    let mut consider = |d: Option<CitedDate>| {
        if let Some(d) = d {
            if best.is_none_or(|b| precision(d) > precision(b)) {
                best = Some(d);
            }
        }
    };
    // Year-month-day shapes that are not real days (`/2017/02/30/`): their
    // year-month prefix must not count as a month either.
    let mut impossible = Vec::new();
    for re in [&URL_YMD, &URL_Y_MD] {
        for c in re.captures_iter(path) {
            let date = url_ymd(group(&c, "y"), group(&c, "m"), Some(group(&c, "d")), false);
            if date.is_none() {
                impossible.extend(c.name("y").map(|y| y.start()));
            }
            consider(date);
        }
    }
    for m in DIGITS.find_iter(path) {
        consider(digit_run(path, m.range()));
    }
    for c in URL_YM.captures_iter(path) {
        if c.name("y")
            .is_some_and(|y| !impossible.contains(&y.start()))
        {
            consider(url_ymd(group(&c, "y"), group(&c, "m"), None, false));
        }
    }
    best
}

/// A capture group's text; empty (so it fails to parse) when the group did not match.
fn group<'h>(c: &Captures<'h>, name: &str) -> &'h str {
    c.name(name).map_or("", |m| m.as_str())
}

/// The part of a URL after its host.
fn url_path(url: &str) -> &str {
    let host = url.find("://").map_or(0, |i| i + 3);
    let after = url.get(host..).unwrap_or("");
    after
        .find(['/', '?', '#'])
        .and_then(|i| after.get(i..))
        .unwrap_or("")
}

/// How precise a date is: 0 year, 1 month, 2 day.
fn precision(d: CitedDate) -> u8 {
    u8::from(d.month.is_some()) + u8::from(d.day.is_some())
}

/// A date from URL digits: years 1900–2035 when the parts are separated
/// (`/1986-07-26-3` in a newspaper archive), 1990–2035 for a run of digits,
/// which is more often an id.
fn url_ymd(y: &str, m: &str, d: Option<&str>, run: bool) -> Option<CitedDate> {
    let year: i16 = y.parse().ok()?;
    let first = if run { 1990 } else { 1900 };
    if !(first..=2035).contains(&year) {
        return None;
    }
    let month = m.parse().ok()?;
    match d {
        Some(d) => CitedDate::ymd(year, month, d.parse().ok()?),
        None => CitedDate::ym(year, month),
    }
}

/// A run of digits read as `yyyymmdd` (also followed by `hhmm` or `hhmmss`
/// of a valid time), or as `yyyymm` when it is a whole path segment.
fn digit_run(path: &str, run: Range<usize>) -> Option<CitedDate> {
    let digits = path.get(run.clone())?;
    let part = |r: Range<usize>| digits.get(r);
    match digits.len() {
        8 => url_ymd(part(0..4)?, part(4..6)?, Some(part(6..8)?), true),
        12 | 14 => {
            let time_ok = part(8..10)?.parse::<u8>().ok()? < 24
                && part(10..12)?.parse::<u8>().ok()? < 60
                && part(12..14).is_none_or(|s| s.parse::<u8>().is_ok_and(|s| s < 60));
            time_ok.then(|| url_ymd(part(0..4)?, part(4..6)?, Some(part(6..8)?), true))?
        }
        6 => {
            let segment = path.get(..run.start)?.ends_with('/')
                && path
                    .get(run.end..)
                    .is_some_and(|s| s.is_empty() || s.starts_with('/'));
            segment.then(|| url_ymd(part(0..4)?, part(4..6)?, None, true))?
        }
        _ => None,
    }
}

/// A year as written in text: four digits, 1000–2100.
fn text_year(s: &str) -> Option<i16> {
    let year: i16 = s.parse().ok()?;
    (1000..=2100).contains(&year).then_some(year)
}

/// The month an English name or abbreviation stands for.
fn month_number(name: &str) -> Option<u8> {
    let key = name.get(..3)?;
    let n = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ]
    .iter()
    .position(|m| *m == key)?;
    u8::try_from(n + 1).ok()
}

/// The date one [`date_pattern`] match stands for; `None` when it is not a
/// real date or is ambiguous.
fn from_captures(c: &Captures) -> Option<CitedDate> {
    let g = |name: &str| c.name(name).map(|m| m.as_str());
    let num = |name: &str| g(name).and_then(|s| s.parse::<u8>().ok());
    let named = |name: &str| {
        g(name)
            .map(|s| s.trim_end_matches('.'))
            .and_then(month_number)
    };
    if let Some(y) = g("a_y") {
        return CitedDate::ymd(text_year(y)?, named("a_m")?, num("a_d")?);
    }
    if let Some(y) = g("b_y") {
        return CitedDate::ymd(text_year(y)?, named("b_m")?, num("b_d")?);
    }
    if let Some(y) = g("c_y") {
        return CitedDate::ym(text_year(y)?, named("c_m")?);
    }
    if let Some(y) = g("i_y") {
        return CitedDate::ymd(text_year(y)?, num("i_m")?, num("i_d")?);
    }
    if let Some(y) = g("n_y") {
        let (a, b) = (num("n_a")?, num("n_b")?);
        let (month, day) = match (a > 12, b > 12) {
            (true, false) => (b, a),
            (false, true) => (a, b),
            _ if a == b => (a, b),
            _ => return None,
        };
        return CitedDate::ymd(text_year(y)?, month, day);
    }
    let year = text_year(g("z_y")?)?;
    match num("z_d") {
        Some(day) => CitedDate::ymd(year, num("z_m")?, day),
        None => CitedDate::ym(year, num("z_m")?),
    }
}

#[cfg(test)]
mod tests;
