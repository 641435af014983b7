//! A scanner for the common date forms around a year, in place of the date
//! regex where it is sure to find what the regex would.
//!
//! Searching a note with the date regex costs about a microsecond, most of
//! a large extraction's date time. Around a year, the English forms ("5 May
//! 2019", "May 5, 2019", "May 2019", "5/10/2019", "2019-05-10") are read
//! here by stepping over bytes from the year outwards. Anything else, or
//! any doubt (another year before it, non-ASCII text, a time after an ISO
//! date), answers [`Scan::Unsure`] and the regex decides; a test checks
//! that both agree on generated notes.

use std::ops::Range;

/// What the scanner makes of the text around a year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Scan {
    /// The regex's match holding the year.
    Match(Range<usize>),
    /// No date holds the year.
    NoMatch,
    /// Ask the regex.
    Unsure,
}

const MONTHS: &[&[u8]] = &[
    b"January",
    b"February",
    b"March",
    b"April",
    b"May",
    b"June",
    b"July",
    b"August",
    b"September",
    b"October",
    b"November",
    b"December",
    b"Sept",
    b"Jan",
    b"Feb",
    b"Mar",
    b"Apr",
    b"Jun",
    b"Jul",
    b"Aug",
    b"Sep",
    b"Oct",
    b"Nov",
    b"Dec",
];

fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// The regex's `\s` on ASCII text.
fn is_space(b: u8) -> bool {
    b.is_ascii_whitespace() || b == 0x0b
}

/// Reads the date holding the four-digit run `year` in `bytes`, looking
/// only inside `window` (white-space delimited words around the year).
pub(super) fn around_year(bytes: &[u8], window: &Range<usize>, year: &Range<usize>) -> Scan {
    let Some(w) = bytes.get(window.clone()) else {
        return Scan::Unsure;
    };
    if !w.is_ascii() || other_year(bytes, window, year) {
        return Scan::Unsure;
    }
    let (ys, ye) = (year.start, year.end);
    let before_ok = ys == window.start || !is_word(bytes[ys - 1]);
    let after_ok = ye == window.end || !is_word(bytes[ye]);
    if after_ok {
        if let Some(start) = backward(bytes, window.start, ys) {
            return Scan::Match(start..ye);
        }
    }
    if before_ok {
        return forward(bytes, window.end, ye).map_or(Scan::NoMatch, |end| match end {
            Some(end) => Scan::Match(ys..end),
            None => Scan::Unsure,
        });
    }
    Scan::NoMatch
}

/// Whether the window holds another four-digit run before the end of the
/// year's word. Every date form but an ISO date with a time holds a single
/// four-digit run, and its other parts are days and months, never a year:
/// so a date around a later year cannot reach back into this year's, and
/// the regex, going left to right, finds this year's date first. A year
/// before it, or in its word, may be part of a match that takes away some
/// of this date's words, which only the regex can tell.
fn other_year(bytes: &[u8], window: &Range<usize>, year: &Range<usize>) -> bool {
    let mut word_end = year.end;
    while word_end < window.end && !is_space(bytes[word_end]) {
        word_end += 1;
    }
    let mut i = window.start;
    while i < word_end {
        if !bytes[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        while i < window.end && bytes[i].is_ascii_digit() {
            i += 1;
        }
        if i - start == 4 && start != year.start {
            return true;
        }
    }
    false
}

/// The start of a full digit run of one or two digits ending at `end`,
/// not going below `floor`.
fn day_digits(bytes: &[u8], floor: usize, end: usize) -> Option<usize> {
    let mut i = end;
    while i > floor && bytes[i - 1].is_ascii_digit() {
        i -= 1;
    }
    let ok = (1..=2).contains(&(end - i)) && (i == floor || !bytes[i - 1].is_ascii_digit());
    ok.then_some(i)
}

/// The start of a month name ending at `end`, preceded by a word boundary.
fn month(bytes: &[u8], floor: usize, end: usize) -> Option<usize> {
    let mut i = end;
    while i > floor && bytes[i - 1].is_ascii_alphabetic() {
        i -= 1;
    }
    let name = &bytes[i..end];
    let boundary = i == floor || !is_word(bytes[i - 1]);
    (boundary && MONTHS.contains(&name)).then_some(i)
}

/// Steps back over white space (at least one); `None` if there is none.
fn spaces_back(bytes: &[u8], floor: usize, end: usize) -> Option<usize> {
    let mut i = end;
    while i > floor && is_space(bytes[i - 1]) {
        i -= 1;
    }
    (i < end).then_some(i)
}

/// The start of a date form ending with the year at `ys`: day-month-year,
/// month-day-year, month-year or day/month/year.
fn backward(bytes: &[u8], floor: usize, ys: usize) -> Option<usize> {
    let boundary = |i: usize| i == floor || !is_word(bytes[i - 1]);
    // 27.10.2017, 10/27/2017
    if ys > floor && matches!(bytes[ys - 1], b'-' | b'/' | b'.') {
        let b = day_digits(bytes, floor, ys - 1)?;
        if b > floor && matches!(bytes[b - 1], b'-' | b'/' | b'.') {
            let a = day_digits(bytes, floor, b - 1)?;
            return boundary(a).then_some(a);
        }
        return None;
    }
    let mut q = spaces_back(bytes, floor, ys)?;
    if q > floor && bytes[q - 1] == b',' {
        q -= 1;
    }
    let dot = |i: usize| {
        if i > floor && bytes[i - 1] == b'.' {
            i - 1
        } else {
            i
        }
    };
    if q > floor && bytes[q - 1].is_ascii_digit() {
        // May 5, 2019 (or 5th)
        let d = day_digits(bytes, floor, q)?;
        let s = spaces_back(bytes, floor, d)?;
        return month(bytes, floor, dot(s));
    }
    if q >= floor + 2 && matches!(&bytes[q - 2..q], b"st" | b"nd" | b"rd" | b"th") {
        // An ordinal before the year's white space: May 5th, 2019.
        if let Some(d) = day_digits(bytes, floor, q - 2) {
            let s = spaces_back(bytes, floor, d)?;
            return month(bytes, floor, dot(s));
        }
    }
    let m = month(bytes, floor, dot(q))?;
    // 5 May 2019, 5th of May 2019: a day before the month.
    let day_start = spaces_back(bytes, floor, m).and_then(|s| {
        let s = match s.checked_sub(2) {
            Some(of)
                if of >= floor
                    && &bytes[of..s] == b"of"
                    && of > floor
                    && is_space(bytes[of - 1]) =>
            {
                spaces_back(bytes, floor, of)?
            }
            _ => s,
        };
        let s = dot(s);
        let s = if s >= floor + 2 && matches!(&bytes[s - 2..s], b"st" | b"nd" | b"rd" | b"th") {
            s - 2
        } else {
            s
        };
        let d = day_digits(bytes, floor, s)?;
        boundary(d).then_some(d)
    });
    Some(day_start.unwrap_or(m))
}

/// The end of an ISO date starting with the year ending at `ye`:
/// `Some(Some(end))` a match, `Some(None)` unsure (a time follows),
/// `None` no match.
fn forward(bytes: &[u8], ceil: usize, ye: usize) -> Option<Option<usize>> {
    let run = |from: usize| {
        let mut i = from;
        while i < ceil && bytes[i].is_ascii_digit() {
            i += 1;
        }
        ((1..=2).contains(&(i - from))).then_some(i)
    };
    let sep = |i: usize| i < ceil && matches!(bytes[i], b'-' | b'/' | b'.');
    if !sep(ye) {
        return None;
    }
    let m = run(ye + 1)?;
    if !sep(m) {
        return None;
    }
    let d = run(m + 1)?;
    if d < ceil && bytes[d] == b'T' {
        return Some(None);
    }
    (d == ceil || !is_word(bytes[d])).then_some(Some(d))
}
