//! Cited dates: the day a citation refers to, for choosing the archive copy
//! closest to what the author saw.
//!
//! A note can give an access date ("Accessed 5 May 2019", "访问日期：…"), a
//! publication date ("*Xinhua*, 27 October 2017") and a URL with a date in its
//! path (`/2017-10/27/`). They are trusted in that order: the access date is
//! when the author saw the page; the publication date is close to it; a URL
//! date is often the day a page was filed, not published.
//!
//! All forms are found by one compiled regex (`DATE`) that matches full
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
/// Digits are ASCII (`[0-9]`, not Unicode `\d`): years are read as ASCII
/// numbers, and the smaller automaton searches notes several times faster.
fn date_pattern() -> String {
    let m = format!(r"(?:{MONTH})(?-u:\b)\.?");
    let ordinal = r"(?:st|nd|rd|th)?";
    let time = r"(?:T[0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?(?:Z|[+-][0-9]{2}:?[0-9]{2})?)?";
    [
        format!(
            r"(?P<a_d>[0-9]{{1,2}}){ordinal}\.?\s+(?:of\s+)?(?P<a_m>{m}),?\s+(?P<a_y>[0-9]{{4}})(?-u:\b)"
        ),
        format!(r"(?P<b_m>{m})\s+(?P<b_d>[0-9]{{1,2}}){ordinal},?\s+(?P<b_y>[0-9]{{4}})(?-u:\b)"),
        format!(r"(?P<c_m>{m}),?\s+(?P<c_y>[0-9]{{4}})(?-u:\b)"),
        format!(r"(?P<i_y>[0-9]{{4}})[-/.](?P<i_m>[0-9]{{1,2}})[-/.](?P<i_d>[0-9]{{1,2}}){time}(?-u:\b)"),
        r"(?P<n_a>[0-9]{1,2})[-/.](?P<n_b>[0-9]{1,2})[-/.](?P<n_y>[0-9]{4})(?-u:\b)".to_string(),
        r"(?P<z_y>[0-9]{4})\s*年\s*(?P<z_m>[0-9]{1,2})\s*月(?:\s*(?P<z_d>[0-9]{1,2})\s*[日号])?".to_string(),
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
/// outside URLs.
///
/// Every date form holds a year written as exactly four digits between
/// non-digits, and a date spans at most a few words around its year. So the
/// regex runs only on a few words around each such year, from the last year
/// back, rather than over the whole note (which is mostly title and URL).
/// The words are cut at white space, where the pattern's word boundaries
/// hold as they do in the whole note. Captures (much slower than a search)
/// are taken only on a candidate match.
fn last_date(context: &str, access: &[(Range<usize>, Option<CitedDate>)]) -> Option<CitedDate> {
    last_date_with(context, access, true)
}

/// [`last_date`], with the scanner for the common forms (`fast`) or with
/// the regex alone (to test that both agree).
fn last_date_with(
    context: &str,
    access: &[(Range<usize>, Option<CitedDate>)],
    fast: bool,
) -> Option<CitedDate> {
    let bytes = context.as_bytes();
    let mut end = if fast {
        before_trailing_url(bytes)
    } else {
        bytes.len()
    };
    while let Some(year) = last_year_digits(&bytes[..end]) {
        end = year.start;
        // A year inside a URL can only be part of a date inside the URL,
        // which is never the publication date.
        if in_url(context, &year) {
            continue;
        }
        let window = words_around(bytes, &year, 4, 5);
        let scanned = if fast {
            scan::around_year(bytes, &window, &year)
        } else {
            scan::Scan::Unsure
        };
        let matches: Vec<Range<usize>> = match scanned {
            scan::Scan::Match(m) => {
                // The common case, without a vector.
                if let Some(found) = accept(context, access, &m) {
                    return Some(found);
                }
                continue;
            }
            scan::Scan::NoMatch => continue,
            scan::Scan::Unsure => {
                let Some(text) = context.get(window.clone()) else {
                    continue;
                };
                DATE.find_iter(text)
                    .map(|m| m.start() + window.start..m.end() + window.start)
                    .filter(|m| m.start <= year.start && year.end <= m.end)
                    .collect()
            }
        };
        if let Some(found) = matches
            .iter()
            .rev()
            .find_map(|m| accept(context, access, m))
        {
            return Some(found);
        }
    }
    None
}

/// The date a match of the date pattern reads, unless it lies in an access
/// span or a URL.
fn accept(
    context: &str,
    access: &[(Range<usize>, Option<CitedDate>)],
    m: &Range<usize>,
) -> Option<CitedDate> {
    if access
        .iter()
        .any(|(s, _)| s.start < m.end && m.start < s.end)
        || in_url(context, m)
    {
        return None;
    }
    context.get(m.clone()).and_then(from_match)
}

/// Where the years worth reading end: a note usually ends with its URL,
/// where no year counts (see [`in_url`]), so the URL is stepped over whole
/// rather than read back byte by byte. A word starting `www.` goes whole; in
/// a word holding `://`, what lies before the first `://` is kept.
fn before_trailing_url(bytes: &[u8]) -> usize {
    let mut end = bytes.len();
    loop {
        let word_end = bytes[..end]
            .iter()
            .rposition(|b| !b.is_ascii_whitespace())
            .map_or(0, |i| i + 1);
        let word_start = bytes[..word_end]
            .iter()
            .rposition(u8::is_ascii_whitespace)
            .map_or(0, |i| i + 1);
        let word = &bytes[word_start..word_end];
        if word.len() > 4 && word[..4].eq_ignore_ascii_case(b"www.") {
            end = word_start;
            continue;
        }
        return match word.windows(3).position(|w| w == b"://") {
            Some(p) => word_start + p,
            None => end,
        };
    }
}

/// The last run of exactly four ASCII digits in `bytes`.
fn last_year_digits(bytes: &[u8]) -> Option<Range<usize>> {
    let mut i = bytes.len();
    while i > 0 {
        if !bytes[i - 1].is_ascii_digit() {
            i -= 1;
            continue;
        }
        let end = i;
        while i > 0 && bytes[i - 1].is_ascii_digit() {
            i -= 1;
        }
        if end - i == 4 {
            return Some(i..end);
        }
    }
    None
}

/// The span from the start of the `before`-th white-space separated word
/// before `at`'s word to the end of the `after`-th word after it.
fn words_around(bytes: &[u8], at: &Range<usize>, before: usize, after: usize) -> Range<usize> {
    let mut start = at.start;
    for _ in 0..=before {
        while start > 0 && !bytes[start - 1].is_ascii_whitespace() {
            start -= 1;
        }
        if start == 0 {
            break;
        }
        while start > 0 && bytes[start - 1].is_ascii_whitespace() {
            start -= 1;
        }
    }
    while start < at.start && bytes[start].is_ascii_whitespace() {
        start += 1;
    }
    let mut end = at.end;
    for _ in 0..=after {
        while end < bytes.len() && !bytes[end].is_ascii_whitespace() {
            end += 1;
        }
        if end == bytes.len() {
            break;
        }
        while end < bytes.len() && bytes[end].is_ascii_whitespace() {
            end += 1;
        }
    }
    while end > at.end && bytes[end - 1].is_ascii_whitespace() {
        end -= 1;
    }
    start..end
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
    word.as_bytes().windows(3).any(|w| w == b"://")
        || word
            .get(..4)
            .is_some_and(|w| w.eq_ignore_ascii_case("www."))
}

/// Whether a text may hold an access keyword: most notes hold none, and
/// then the slower [`ACCESS`] regex (case-insensitive, with many
/// alternatives) need not run. Looks for a piece of every English keyword in
/// any case (`ccess` stands for "access"), and for `访问` or `日期`, which
/// every Chinese one holds.
fn may_have_access_word(text: &str) -> bool {
    // The bytes a piece can start with, in either case: one table look-up
    // per byte, and the pieces compared only where one may start.
    const START: [bool; 256] = {
        let mut t = [false; 256];
        let mut i = 0;
        let starts = *b"cCrRvVdD";
        while i < starts.len() {
            t[starts[i] as usize] = true;
            i += 1;
        }
        t
    };
    let bytes = text.as_bytes();
    let at = |i: usize, piece: &[u8]| {
        bytes
            .get(i..i + piece.len())
            .is_some_and(|s| s.eq_ignore_ascii_case(piece))
    };
    let mut i = 0;
    while let Some(off) = bytes
        .get(i..)
        .and_then(|rest| rest.iter().position(|&b| START[usize::from(b)]))
    {
        i += off;
        let next = bytes.get(i + 1).map_or(0, |b| b | 0x20);
        let hit = match (bytes[i] | 0x20, next) {
            (b'c', b'c') => at(i, b"ccess"),
            (b'c', b'o') => at(i, b"consult"),
            (b'r', b'e') => at(i, b"retriev"),
            (b'v', b'i') => at(i, b"viewed") || at(i, b"visited"),
            (b'd', b'o') => at(i, b"download"),
            _ => false,
        };
        if hit {
            return true;
        }
        i += 1;
    }
    !text.is_ascii() && (text.contains("访问") || text.contains("日期"))
}

/// Whether a text holds four digits in a row, as every date form's year does.
fn has_year_digits(text: &str) -> bool {
    let mut run = 0;
    for b in text.bytes() {
        if b.is_ascii_digit() {
            run += 1;
            if run == 4 {
                return true;
            }
        } else {
            run = 0;
        }
    }
    false
}

/// Spans of the dates that follow an access keyword, with the date (when valid).
fn access_spans(context: &str) -> Vec<(Range<usize>, Option<CitedDate>)> {
    if !may_have_access_word(context) || !has_year_digits(context) {
        return Vec::new();
    }
    ACCESS
        .find_iter(context)
        .filter_map(|kw| {
            let rest = context.get(kw.end()..)?;
            let date = DATE_AT_START.find(rest)?.as_str();
            Some((kw.end()..kw.end() + date.len(), from_match(date)))
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

/// The date a whole [`DATE`] match stands for, read from its digit runs and
/// month name (the match's shape is known, so no captures are needed, which
/// would cost more than the search); `None` when it is not a real date or
/// is ambiguous.
fn from_match(m: &str) -> Option<CitedDate> {
    let bytes = m.as_bytes();
    // (value, digits) of each digit run; a date has at most 7 (an ISO date
    // with a time and an offset), more means it is not one.
    let mut runs = [(0u16, 0usize); 8];
    let mut count = 0;
    let mut month = None;
    let mut i = 0;
    while i < bytes.len() {
        let start = i;
        if bytes[i].is_ascii_digit() {
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            let value = m.get(start..i)?.parse().ok()?;
            *runs.get_mut(count)? = (value, i - start);
            count += 1;
        } else if bytes[i].is_ascii_alphabetic() {
            while i < bytes.len() && bytes[i].is_ascii_alphabetic() {
                i += 1;
            }
            if month.is_none() {
                month = m.get(start..i).and_then(month_number);
            }
        } else {
            i += 1;
        }
    }
    let runs = &runs[..count];
    let year = |v: u16| i16::try_from(v).ok().filter(|y| (1000..=2100).contains(y));
    let small = |v: u16| u8::try_from(v).ok();
    if let Some(month) = month {
        // "5 May 2019", "May 5, 2019", "May 2019": the year is the last run.
        let (y, _) = *runs.last()?;
        return match runs.iter().find(|(_, len)| *len <= 2) {
            Some(&(d, _)) => CitedDate::ymd(year(y)?, month, small(d)?),
            None => CitedDate::ym(year(y)?, month),
        };
    }
    let &(first, first_len) = runs.first()?;
    if m.contains('年') {
        let m_ = small(runs.get(1)?.0)?;
        return match runs.get(2) {
            Some(&(d, _)) => CitedDate::ymd(year(first)?, m_, small(d)?),
            None => CitedDate::ym(year(first)?, m_),
        };
    }
    let (second, third) = (small(runs.get(1)?.0)?, runs.get(2)?.0);
    if first_len == 4 {
        // 2017-10-27, possibly with a time after it.
        return CitedDate::ymd(year(first)?, second, small(third)?);
    }
    let a = small(first)?;
    let (month, day) = match (a > 12, second > 12) {
        (true, false) => (second, a),
        (false, true) => (a, second),
        _ if a == second => (a, second),
        _ => return None,
    };
    CitedDate::ymd(year(third)?, month, day)
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

mod scan;

#[cfg(test)]
mod tests;
