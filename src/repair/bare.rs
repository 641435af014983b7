//! Bare URLs in running text: where they start, where they end, and when a
//! line break inside one was put there by a PDF converter.
//!
//! The end of a bare URL is found by a forward scan that stops at what cannot
//! be in a URL as typed (white space, `<`, `>`, `"`, backtick, full-width
//! punctuation) and at a closing bracket that nothing in the URL opened, so
//! `(see http://x.org/a)` ends before `)` while `…/Mercury_(planet)` keeps its
//! own. Trailing sentence punctuation is kept in the span: [`super::repair`]
//! drops it and reports the URL proper as `core`.
//!
//! Joining lines is the risky part, and a false join (prose glued to a URL,
//! then checked and reported dead) is worse than a missed one, so the scan
//! only continues onto the next line when all of these hold:
//!
//! * the URL runs to the end of its line (only spaces or tabs after it);
//! * the next line is not blank and not indented;
//! * its first word does not start a new item: no `<sup>`, `[`, `(`, `*`,
//!   `_`, `#`, `>`, `|`, quote, list bullet, note number (`12.`, `12)`), or a
//!   new URL;
//! * that word (sentence punctuation after it ignored) is URL material:
//!   it contains `/` (but not a prose pair like `and/or`), `?`, `=`, `_`,
//!   `#`, `&` with `=`, or `%` with two hex digits, or ends in a file
//!   extension such as `.htm`; or it is an id with digits (`1121867529`,
//!   `c112`, not an ordinal like `19th`) and the URL ended with a character a
//!   URL does not end with (`/`, `-`, `_`, `=`, `&`, `?`, `%`, `~`, `+`, `:`);
//!   or it is a lower-case word and the URL ended with `-`, `_`, `=`, `&`,
//!   `?` or `%` (a hyphenated split such as `…/e-` + `government`).
//!
//! So `http://x.org/politics/` + `19cpcnc/2017-10/27/c_1.htm` joins, while
//! `http://x.org/a/` + `Retrieved 5 May`, `http://x.org` + `and more`,
//! `http://x.org/a` + `12. Smith` and `http://x.org` + blank line do not.

use std::ops::Range;

/// How many line breaks one URL may be continued across.
const MAX_JOINS: usize = 4;

/// The searcher for `://`, built once: building one costs more than a search
/// through a note.
static SCHEME_END: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
    std::sync::LazyLock::new(|| memchr::memmem::Finder::new(b"://"));

/// The starts of bare URLs in order, as the regex
/// `(?i)(?:https?://|ftp://|www\.)` would find them (the tests hold the two
/// together): every
/// `://` preceded by `http`, `https` or `ftp`, and every `.` preceded by
/// `www`, in any case. Two byte searches instead of a regex, because text
/// is scanned in short runs (one per note) where a regex search's set-up
/// costs more than the search.
fn url_starts(text: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    let bytes = text.as_bytes();
    let ends_with = |end: usize, word: &[u8]| {
        end >= word.len() && bytes[end - word.len()..end].eq_ignore_ascii_case(word)
    };
    let schemes = SCHEME_END.find_iter(bytes).filter_map(move |p| {
        let len = [&b"https"[..], b"http", b"ftp"]
            .iter()
            .find(|w| ends_with(p, w))?
            .len();
        Some(p - len..p + 3)
    });
    let wwws = memchr::memchr_iter(b'.', bytes)
        .filter(move |&p| ends_with(p, b"www"))
        .map(|p| p - 3..p + 1);
    let mut schemes = schemes.peekable();
    let mut wwws = wwws.peekable();
    let mut covered = 0;
    std::iter::from_fn(move || loop {
        let next = match (schemes.peek(), wwws.peek()) {
            (Some(a), Some(b)) if b.start < a.start => wwws.next(),
            (Some(_), _) => schemes.next(),
            (None, _) => wwws.next(),
        }?;
        // Matches do not overlap: one starting inside the last is skipped.
        if next.start >= covered {
            covered = next.end;
            return Some(next);
        }
    })
}

/// Every bare URL in plain text, as raw byte spans (trailing punctuation
/// included; see [`super::repair`]).
pub fn find_bare_urls(text: &str) -> Vec<Range<usize>> {
    let mut spans = Vec::new();
    let mut covered = 0;
    for m in url_starts(text) {
        if m.start < covered || !starts_word(text, m.start) {
            continue;
        }
        let end = bare_url_end(text, m.start);
        if end > m.end && (m.len() != 4 || is_host_char(text, m.end)) {
            spans.push(m.start..end);
            covered = end;
        }
    }
    spans
}

/// Whether a URL may start at `start`: not inside a word or host name.
fn starts_word(text: &str, start: usize) -> bool {
    let before = text.get(..start).and_then(|s| s.chars().next_back());
    !before.is_some_and(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '@' | '/' | '+'))
}

/// Whether the character at `at` can start a host name (after `www.`).
fn is_host_char(text: &str, at: usize) -> bool {
    let next = text.get(at..).and_then(|s| s.chars().next());
    next.is_some_and(|c| c.is_alphanumeric())
}

/// Characters that end a bare URL wherever they appear.
fn is_stop(c: char) -> bool {
    c.is_whitespace()
        || c.is_control()
        || matches!(
            c,
            '<' | '>' | '"' | '`' | '“' | '”' | '‘' | '’' | '«' | '»'
                | '\u{3000}'..='\u{303F}'
                | '\u{FF01}'..='\u{FF0F}'
                | '\u{FF1A}'..='\u{FF20}'
                | '\u{FF3B}'..='\u{FF40}'
                | '\u{FF5B}'..='\u{FF65}'
        )
}

/// The end of the raw URL text starting at `start` (a scheme or `www.`),
/// continued across converter line breaks as described in the module docs.
pub fn bare_url_end(text: &str, start: usize) -> usize {
    let emphasis = text
        .get(..start)
        .and_then(|s| s.chars().next_back())
        .filter(|c| matches!(c, '*' | '_'));
    let mut depth = [0usize; 3];
    let mut joins = 0;
    let mut i = start.min(text.len());
    let bytes = text.as_bytes();
    while let Some(&b) = bytes.get(i) {
        // ASCII fast path: most URL bytes are plain characters that need no
        // decoding and no bracket or emphasis bookkeeping.
        if b.is_ascii_alphanumeric()
            || matches!(
                b,
                b'/' | b'.' | b'-' | b':' | b'%' | b'=' | b'&' | b'?' | b'#' | b'~' | b'+'
            )
        {
            i += 1;
            continue;
        }
        let Some(c) = text.get(i..).and_then(|s| s.chars().next()) else {
            break;
        };
        if is_stop(c) {
            match line_join(text, start, i) {
                Some(next) if joins < MAX_JOINS => {
                    joins += 1;
                    i = next;
                    continue;
                }
                _ => break,
            }
        }
        if let Some(slot) = ['(', '[', '{']
            .iter()
            .position(|&o| o == c)
            .and_then(|p| depth.get_mut(p))
        {
            *slot += 1;
        } else if let Some(slot) = [')', ']', '}']
            .iter()
            .position(|&o| o == c)
            .and_then(|p| depth.get_mut(p))
        {
            if *slot == 0 {
                break;
            }
            *slot -= 1;
        } else if Some(c) == emphasis && closes_emphasis(text, i + c.len_utf8()) {
            break;
        }
        i += c.len_utf8();
    }
    i
}

/// Whether an emphasis mark ending at `after` closes the emphasis (end of
/// text, white space or punctuation follows) rather than being part of the URL.
fn closes_emphasis(text: &str, after: usize) -> bool {
    let next = text.get(after..).and_then(|s| s.chars().next());
    next.is_none_or(|c| c.is_whitespace() || (c.is_ascii_punctuation() && c != '/'))
}

/// When the URL `text[start..stop]` is continued on the next line, the
/// offset where the continuation starts.
fn line_join(text: &str, start: usize, stop: usize) -> Option<usize> {
    let after = text.get(stop..)?;
    let spaces = after.len() - after.trim_start_matches([' ', '\t']).len();
    let rest = after.get(spaces..)?;
    let newline = if rest.starts_with("\r\n") {
        2
    } else if rest.starts_with(['\n', '\r']) {
        1
    } else {
        return None;
    };
    let next = stop + spaces + newline;
    let line = text.get(next..)?;
    let word_end = line.find(|c: char| is_stop(c)).unwrap_or(line.len());
    let word = line.get(..word_end)?;
    let url = text.get(start..stop)?;
    continues(url, word).then_some(next)
}

/// Whether `word`, the first word of the next line, continues `url`.
fn continues(url: &str, word: &str) -> bool {
    let Some(first) = word.chars().next() else {
        return false;
    };
    if starts_item(first, word) {
        return false;
    }
    let core = word.trim_end_matches(['.', ',', ';', ':', '!', '?', ')', ']', '\'']);
    let Some(last) = url.chars().next_back() else {
        return false;
    };
    if is_url_material(core) {
        return true;
    }
    let digits = core.chars().any(|c| c.is_ascii_digit());
    let word_like = core.chars().all(|c| c.is_alphanumeric() || c == '-');
    if !word_like || core.is_empty() {
        return false;
    }
    if digits {
        return !is_ordinal(core)
            && matches!(
                last,
                '/' | '-' | '_' | '=' | '&' | '?' | '%' | '~' | '+' | ':'
            );
    }
    first.is_lowercase() && matches!(last, '-' | '_' | '=' | '&' | '?' | '%')
}

/// Whether a line starting with `word` starts something new: a note, a list
/// item, markup or another URL.
fn starts_item(first: char, word: &str) -> bool {
    if matches!(
        first,
        '<' | '['
            | '('
            | '{'
            | '*'
            | '_'
            | '#'
            | '>'
            | '|'
            | '"'
            | '\''
            | '•'
            | '·'
            | '“'
            | '‘'
            | '«'
    ) || matches!(word, "-" | "+" | "–" | "—")
    {
        return true;
    }
    let lower = word.get(..8).unwrap_or(word).to_ascii_lowercase();
    if ["http://", "https://", "ftp://", "www."]
        .iter()
        .any(|s| lower.starts_with(s))
    {
        return true;
    }
    // A note number: `12.` or `12)`.
    let digits = word.trim_start_matches(|c: char| c.is_ascii_digit());
    digits.len() < word.len() && matches!(digits, "." | ")")
}

/// Whether a word (without trailing punctuation) is unmistakably part of a URL.
fn is_url_material(core: &str) -> bool {
    if core.contains(['?', '=', '_', '#']) {
        return true;
    }
    if core.contains('/') && !is_prose_pair(core) {
        return true;
    }
    if core.contains('&') && core.contains('=') {
        return true;
    }
    let bytes = core.as_bytes();
    if bytes
        .windows(3)
        .any(|w| matches!(w, [b'%', a, b] if a.is_ascii_hexdigit() && b.is_ascii_hexdigit()))
    {
        return true;
    }
    has_file_extension(core)
}

/// `and/or`, `he/she`: letters, one slash, letters.
fn is_prose_pair(core: &str) -> bool {
    let mut parts = core.split('/');
    let (Some(a), Some(b), None) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    [a, b]
        .iter()
        .all(|p| !p.is_empty() && p.chars().all(char::is_alphabetic))
}

/// `19th`, `2nd`: numbers in prose, not ids.
fn is_ordinal(core: &str) -> bool {
    let suffix = core.trim_start_matches(|c: char| c.is_ascii_digit());
    suffix.len() < core.len() && matches!(suffix, "st" | "nd" | "rd" | "th")
}

/// Whether the word ends in a web file extension (`c_1.htm`, `report.pdf`).
fn has_file_extension(core: &str) -> bool {
    const EXTENSIONS: &[&str] = &[
        "htm", "html", "shtml", "php", "asp", "aspx", "jsp", "cfm", "cgi", "pdf", "xml", "json",
        "txt", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "png", "jpg", "jpeg", "gif", "zip",
        "csv",
    ];
    core.rsplit_once('.').is_some_and(|(stem, ext)| {
        !stem.is_empty() && EXTENSIONS.iter().any(|e| e.eq_ignore_ascii_case(ext))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::LazyLock;

    use regex::Regex;

    /// What [`url_starts`] stands for.
    static START: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)(?:https?://|ftp://|www\.)").unwrap_or_else(|e| panic!("{e}"))
    });

    #[test]
    fn url_starts_are_the_regex_matches() {
        const PIECES: &[&str] = &[
            "http", "https", "HTTP", "hTtPs", "ftp", "sftp", "://", ":/", "www", "WwW", ".", "w",
            "x", " ", "/", "s", "h", "é", "例",
        ];
        let mut rng = fastrand::Rng::with_seed(0x57a7);
        for _ in 0..50_000 {
            let n = rng.usize(0..10);
            let text: String = (0..n).map(|_| PIECES[rng.usize(..PIECES.len())]).collect();
            let regex: Vec<Range<usize>> = START.find_iter(&text).map(|m| m.range()).collect();
            let scan: Vec<Range<usize>> = url_starts(&text).collect();
            assert_eq!(scan, regex, "{text:?}");
        }
    }

    /// The URL text `find_bare_urls` returns for `text`.
    fn found(text: &str) -> Vec<&str> {
        find_bare_urls(text)
            .into_iter()
            .filter_map(|r| text.get(r))
            .collect()
    }

    #[test]
    fn stops_at_delimiters_but_keeps_trailing_punctuation() {
        assert_eq!(found("see http://x.org/a. Next"), ["http://x.org/a."]);
        assert_eq!(found("<http://x.org/a>"), ["http://x.org/a"]);
        assert_eq!(found("\"http://x.org/a\" and"), ["http://x.org/a"]);
        assert_eq!(found("`http://x.org/a`"), ["http://x.org/a"]);
        assert_eq!(found("见http://x.org/a。下"), ["http://x.org/a"]);
        assert_eq!(found("（http://x.org/a），"), ["http://x.org/a"]);
    }

    #[test]
    fn balanced_brackets_stay_unbalanced_end() {
        assert_eq!(
            found("https://en.wikipedia.org/wiki/Mercury_(planet) is"),
            ["https://en.wikipedia.org/wiki/Mercury_(planet)"]
        );
        assert_eq!(found("(see https://x.org/a)."), ["https://x.org/a"]);
        assert_eq!(found("[http://x.org/a]"), ["http://x.org/a"]);
        assert_eq!(
            found("[http://x.org/a](http://x.org/b)"),
            ["http://x.org/a", "http://x.org/b"]
        );
    }

    #[test]
    fn starts_need_a_word_boundary() {
        assert_eq!(found("HTTPS://X.ORG/A"), ["HTTPS://X.ORG/A"]);
        assert_eq!(found("ftp://ftp.x.org/pub"), ["ftp://ftp.x.org/pub"]);
        assert_eq!(found("go to www.x.org/a now"), ["www.x.org/a"]);
        assert!(found("xhttp://x.org").is_empty());
        assert!(found("mail@www.x.org").is_empty());
        assert!(found("the www. prefix").is_empty());
        assert!(found("http:// nothing").is_empty());
        assert_eq!(found("http://a.org/www.b.org"), ["http://a.org/www.b.org"]);
    }

    #[test]
    fn emphasis_closer_ends_url() {
        assert_eq!(found("*http://x.org/a*"), ["http://x.org/a"]);
        assert_eq!(found("_http://x.org/a_b_ x"), ["http://x.org/a_b"]);
        assert_eq!(found("**http://x.org/a**."), ["http://x.org/a"]);
        assert_eq!(found("a http://x.org/a_b_"), ["http://x.org/a_b_"]);
    }

    #[test]
    fn joins_converter_line_breaks() {
        let cases = [
            (
                "http://www.xinhuanet.com/politics/\n19cpcnc/2017-10/27/c_1121867529.htm",
                "http://www.xinhuanet.com/politics/\n19cpcnc/2017-10/27/c_1121867529.htm",
            ),
            (
                "http://x.org/a/c\\\\_11218\n67529.htm. Next",
                "http://x.org/a/c\\\\_11218\n67529.htm.",
            ),
            (
                "http://x.org/brief/e-\ngovernment more",
                "http://x.org/brief/e-\ngovernment",
            ),
            ("http://x.org/?id=\n12345", "http://x.org/?id=\n12345"),
            ("http://x.org/a/ \r\nb/c.htm", "http://x.org/a/ \r\nb/c.htm"),
            ("http://x.org/a\nb%20c", "http://x.org/a\nb%20c"),
            ("http://x.org/a\n/b\n/c\n/d", "http://x.org/a\n/b\n/c\n/d"),
            ("http://x.org/a \nb/c.htm x", "http://x.org/a \nb/c.htm"),
        ];
        for (text, want) in cases {
            assert_eq!(found(text), [want], "{text:?}");
        }
    }

    #[test]
    fn never_joins_prose_or_new_items() {
        let cases = [
            ("http://x.org/a/\nRetrieved 5 May 2019", "http://x.org/a/"),
            ("http://x.org\nand more text", "http://x.org"),
            ("http://x.org/a\n\nb/c.htm", "http://x.org/a"),
            ("http://x.org/a\n  b/c.htm", "http://x.org/a"),
            ("http://x.org/a\n<sup>12</sup> Note", "http://x.org/a"),
            ("http://x.org/a\n12. Smith", "http://x.org/a"),
            ("http://x.org/a\n12) Smith", "http://x.org/a"),
            ("http://x.org/a\n[12] Smith", "http://x.org/a"),
            ("http://x.org/a\n- item", "http://x.org/a"),
            ("http://x.org/a\n*Xinhua*, 2017", "http://x.org/a"),
            ("http://x.org/a\nand/or this", "http://x.org/a"),
            ("http://x.org/a\n50% of them", "http://x.org/a"),
            ("http://x.org/a\nR&D spending", "http://x.org/a"),
            ("http://x.org/a/\n19th century", "http://x.org/a/"),
            ("http://x.org/a\n2017. Next", "http://x.org/a"),
            ("http://x.org/a.\n2017 was", "http://x.org/a."),
            ("http://x.org/a-\nThe end", "http://x.org/a-"),
            ("http://x.org/a\nthing", "http://x.org/a"),
        ];
        for (text, want) in cases {
            assert_eq!(found(text), [want], "{text:?}");
        }
        assert_eq!(
            found("http://x.org/a\nhttp://y.org/b"),
            ["http://x.org/a", "http://y.org/b"]
        );
        assert_eq!(
            found("http://x.org/a\nwww.y.org/b"),
            ["http://x.org/a", "www.y.org/b"]
        );
    }

    #[test]
    fn bare_url_end_from_an_offset() {
        let text = "Go: http://x.org/a, then";
        assert_eq!(bare_url_end(text, 4), "Go: http://x.org/a,".len());
        assert_eq!(bare_url_end(text, text.len()), text.len());
        assert_eq!(bare_url_end(text, 1000), text.len());
    }

    #[test]
    fn linear_on_long_input() {
        let text = "http://x.org/a\n".repeat(20_000) + &"(".repeat(100_000);
        let spans = find_bare_urls(&text);
        assert_eq!(spans.len(), 20_000);
    }
}
