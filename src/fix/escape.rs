//! Writing a URL into each syntax without breaking it.
//!
//! An inserted URL must mean the same thing to the format's parser as it
//! does to a browser. Two tools cover every case: percent-encoding the few
//! characters a syntax reserves (which leaves the URL's meaning intact, since
//! a server decodes `%29` as `)`), and backslash-escaping characters in
//! displayed text (where the reader, not a server, sees the result). Each
//! helper names the syntactic position it serves, so an idiom never has to
//! think about which characters are special there.

use std::fmt::Write as _;

/// Percent-encodes `url`'s characters in `reserved`, and all white space and
/// control characters, which no syntax accepts inside a URL.
pub fn percent_encode(url: &str, reserved: &[char]) -> String {
    let mut out = String::with_capacity(url.len());
    for ch in url.chars() {
        if reserved.contains(&ch) || ch.is_whitespace() || ch.is_control() {
            let mut buf = [0u8; 4];
            for b in ch.encode_utf8(&mut buf).bytes() {
                // Writing to a String cannot fail.
                let _ = write!(out, "%{b:02X}");
            }
        } else {
            out.push(ch);
        }
    }
    out
}

/// Prefixes every character of `specials` in `text` with a backslash.
pub fn backslash_escape(text: &str, specials: &[char]) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        if specials.contains(&ch) {
            out.push('\\');
        }
        out.push(ch);
    }
    out
}

/// A Markdown link destination (`[t](HERE)`, `<HERE>`, `[l]: HERE`);
/// `|` too, which would split a table cell.
pub fn markdown_target(url: &str) -> String {
    percent_encode(url, &['(', ')', '<', '>', '\\', '`', '|'])
}

/// Markdown link text showing a URL.
pub fn markdown_text(url: &str) -> String {
    backslash_escape(url, &['\\', '[', ']', '`', '*', '_', '<'])
}

/// An HTML attribute value in double quotes, or HTML text.
pub fn html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            _ => out.push(ch),
        }
    }
    out
}

/// The argument of `\url{}`: verbatim, only braces and backslashes encoded.
pub fn latex_url(url: &str) -> String {
    percent_encode(url, &['{', '}', '\\'])
}

/// The URL argument of `\href{}{}`, which hyperref reads after the
/// argument has been tokenised: `%` and `#` must be escaped there.
pub fn latex_href(url: &str) -> String {
    backslash_escape(&latex_url(url), &['%', '#'])
}

/// LaTeX text showing a URL (a link text that repeats it).
pub fn latex_text(url: &str) -> String {
    let mut out = String::with_capacity(url.len());
    for ch in latex_url(url).chars() {
        match ch {
            '%' | '#' | '&' | '_' | '$' => {
                out.push('\\');
                out.push(ch);
            }
            '~' => out.push_str("\\textasciitilde{}"),
            '^' => out.push_str("\\textasciicircum{}"),
            _ => out.push(ch),
        }
    }
    out
}

/// A wikitext template parameter value: `|` and `}}`/`{{` would end it.
pub fn wiki_param(url: &str) -> String {
    percent_encode(url, &['|', '{', '}', '[', ']'])
}

/// The URL of a wikitext external link `[URL text]`.
pub fn wiki_link(url: &str) -> String {
    percent_encode(url, &['|', '[', ']', '{', '}', '<', '>', '"'])
}

/// The embedded URI of a reStructuredText reference `` `text <HERE>`_ ``.
pub fn rst_target(url: &str) -> String {
    percent_encode(url, &['<', '>', '`', '\\'])
}

/// reStructuredText link text showing a URL.
pub fn rst_text(url: &str) -> String {
    backslash_escape(url, &['\\', '`', '<', '*', '_', '|'])
}

/// A BibTeX field value in braces or quotes: braces must balance and a
/// quote would end a quoted value.
pub fn bibtex_value(url: &str) -> String {
    percent_encode(url, &['{', '}', '"', '\\'])
}

/// A plain-text URL: only white space and angle brackets are encoded, so
/// the URL stays one word a reader can copy.
pub fn plain(url: &str) -> String {
    percent_encode(url, &['<', '>'])
}

/// `YYYY-MM-DD` from a Wayback timestamp `YYYYMMDDhhmmss` (at least the
/// eight date digits), when it names a real day.
pub fn iso_date(timestamp: &str) -> Option<String> {
    let digits = timestamp.get(..8)?;
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let year: i16 = digits.get(..4)?.parse().ok()?;
    let month: i8 = digits.get(4..6)?.parse().ok()?;
    let day: i8 = digits.get(6..8)?.parse().ok()?;
    let date = jiff::civil::Date::new(year, month, day).ok()?;
    Some(date.to_string())
}

/// The line ending used by the line holding byte `pos` (`"\r\n"` or
/// `"\n"`; `"\n"` for a last line without one).
pub fn line_ending_at(text: &str, pos: usize) -> &'static str {
    let rest = text.get(pos..).unwrap_or("");
    match memchr::memchr(b'\n', rest.as_bytes()) {
        Some(i) if i > 0 && rest.as_bytes().get(i - 1) == Some(&b'\r') => "\r\n",
        Some(_) => "\n",
        None => {
            // The last line has no ending: follow the line before it.
            let before = text.get(..pos).unwrap_or("").as_bytes();
            match memchr::memrchr(b'\n', before) {
                Some(i) if i > 0 && before.get(i - 1) == Some(&b'\r') => "\r\n",
                _ => "\n",
            }
        }
    }
}

/// Byte offset where the line holding `pos` starts.
pub fn line_start(text: &str, pos: usize) -> usize {
    let before = text.get(..pos).unwrap_or("");
    memchr::memrchr(b'\n', before.as_bytes()).map_or(0, |i| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_target_encodes_parentheses_and_spaces() {
        assert_eq!(
            markdown_target("http://x.org/a (b)/c"),
            "http://x.org/a%20%28b%29/c"
        );
        assert_eq!(markdown_target("http://x.org/a|b"), "http://x.org/a%7Cb");
    }

    #[test]
    fn markdown_text_escapes_emphasis_and_brackets() {
        assert_eq!(markdown_text("http://x/_a_[1]"), "http://x/\\_a\\_\\[1\\]");
    }

    #[test]
    fn html_escapes_attribute_specials() {
        assert_eq!(
            html("http://x/?a=1&b=\"2\""),
            "http://x/?a=1&amp;b=&quot;2&quot;"
        );
    }

    #[test]
    fn latex_escapes_depend_on_position() {
        let url = "http://x/a%20b#frag_1";
        assert_eq!(latex_url(url), "http://x/a%20b#frag_1");
        assert_eq!(latex_href(url), "http://x/a\\%20b\\#frag_1");
        assert_eq!(latex_text(url), "http://x/a\\%20b\\#frag\\_1");
    }

    #[test]
    fn wiki_param_encodes_pipes() {
        assert_eq!(wiki_param("http://x/a|b}}"), "http://x/a%7Cb%7D%7D");
    }

    #[test]
    fn non_ascii_is_encoded_byte_by_byte_only_when_reserved() {
        assert_eq!(plain("http://x/é <y>"), "http://x/é%20%3Cy%3E");
        assert_eq!(percent_encode("a\u{a0}b", &[]), "a%C2%A0b");
    }

    #[test]
    fn iso_date_from_timestamps() {
        assert_eq!(iso_date("20171027123456").as_deref(), Some("2017-10-27"));
        assert_eq!(iso_date("20170230000000"), None);
        assert_eq!(iso_date("2017"), None);
        assert_eq!(iso_date("2017x027"), None);
        assert_eq!(iso_date("２０１７"), None);
    }

    #[test]
    fn line_endings_are_detected_per_line() {
        let text = "a\r\nb\nc";
        assert_eq!(line_ending_at(text, 0), "\r\n");
        assert_eq!(line_ending_at(text, 3), "\n");
        assert_eq!(line_ending_at(text, 6), "\n");
        assert_eq!(line_ending_at("a\r\nb", 3), "\r\n");
        assert_eq!(line_ending_at("abc", 1), "\n");
        assert_eq!(line_start(text, 4), 3);
        assert_eq!(line_start(text, 1), 0);
    }
}
