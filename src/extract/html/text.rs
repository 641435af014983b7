//! Text helpers shared by the HTML and wikitext parsers: character
//! references, bounded note text, trimmed spans and the bare-URL prefilter.

use std::ops::Range;
use std::sync::LazyLock;

use memchr::memmem;

use crate::repair;

/// Longest note text kept as context, in bytes: enough to recognise a
/// source, and a bound on memory when a broken document never closes a note.
pub(crate) const CONTEXT_CAP: usize = 2000;

/// The part of `range` (which holds `text`) without surrounding HTML white
/// space (ASCII only: a no-break space is content).
pub(crate) fn trimmed(text: &str, range: Range<usize>) -> Range<usize> {
    let lead = text.len()
        - text
            .trim_start_matches(|c: char| c.is_ascii_whitespace())
            .len();
    let trail = text.len()
        - text
            .trim_end_matches(|c: char| c.is_ascii_whitespace())
            .len();
    range.start + lead..range.end.saturating_sub(trail).max(range.start + lead)
}

/// The bare URLs of a piece of text. Most text nodes hold none, and every
/// URL form has a `:` (`https://…`) or starts `www.`, so text with neither is
/// not handed to the URL finder at all.
pub(crate) fn bare_urls(text: &str) -> Vec<Range<usize>> {
    static WWW: LazyLock<memmem::Finder<'static>> = LazyLock::new(|| memmem::Finder::new("www."));
    let bytes = text.as_bytes();
    if memchr::memchr(b':', bytes).is_none() && WWW.find(bytes).is_none() {
        return Vec::new();
    }
    repair::find_bare_urls(text)
}

/// Appends as much of `s` as fits under [`CONTEXT_CAP`], cut on a char boundary.
pub(crate) fn push_capped(buf: &mut String, s: &str) {
    let mut room = CONTEXT_CAP.saturating_sub(buf.len()).min(s.len());
    while !s.is_char_boundary(room) {
        room -= 1;
    }
    buf.push_str(s.get(..room).unwrap_or_default());
}

/// Decodes the character references people write in text: numeric ones and
/// the common named ones. Unknown names are left as written.
pub(crate) fn decode_entities(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = memchr::memchr(b'&', rest.as_bytes()) {
        out.push_str(rest.get(..amp).unwrap_or_default());
        let after = rest.get(amp + 1..).unwrap_or_default();
        let decoded = after
            .get(..after.len().min(12))
            .and_then(|head| head.find(';'))
            .and_then(|semi| Some((entity(after.get(..semi)?)?, semi)));
        match decoded {
            Some((c, semi)) => {
                out.push(c);
                rest = after.get(semi + 1..).unwrap_or_default();
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The character a reference name (between `&` and `;`) stands for.
fn entity(name: &str) -> Option<char> {
    if let Some(num) = name.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse().ok()?,
        };
        return char::from_u32(code);
    }
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => '\u{a0}',
        "ndash" => '–',
        "mdash" => '—',
        "hellip" => '…',
        "lsquo" => '‘',
        "rsquo" => '’',
        "ldquo" => '“',
        "rdquo" => '”',
        "laquo" => '«',
        "raquo" => '»',
        "middot" => '·',
        "bull" => '•',
        "copy" => '©',
        "thinsp" => '\u{2009}',
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_common_entities() {
        assert_eq!(
            decode_entities("a &amp; b &#8211; c&#x2014;d &bogus; &amp e&nbsp;f"),
            "a & b – c—d &bogus; &amp e\u{a0}f"
        );
    }
    #[test]
    fn caps_context_on_char_boundary() {
        let mut buf = "x".repeat(CONTEXT_CAP - 1);
        push_capped(&mut buf, "éé");
        assert_eq!(buf.len(), CONTEXT_CAP - 1);
        let mut buf = String::new();
        push_capped(&mut buf, "ab");
        assert_eq!(buf, "ab");
    }
    #[test]
    fn trims_ranges() {
        assert_eq!(trimmed("  ab ", 10..15), 12..14);
        assert_eq!(trimmed("   ", 10..13), 13..13);
    }
}
