//! Small readers for wikitext pieces: tag attributes, section headings,
//! note text, and the cached forward search that keeps the scanner linear.

use memchr::memmem;
use std::sync::LazyLock;

use crate::extract::html::decode_entities;

/// A forward search that remembers its last answer, so repeated searches
/// from nearby positions cost nothing: every search from a position between
/// an earlier start and its hit has the same answer.
pub(super) struct Finder {
    needle: Needle,
    from: usize,
    hit: Option<Option<usize>>,
}

pub(super) enum Needle {
    Text(Box<memmem::Finder<'static>>),
    /// Either of two bytes.
    Bytes(u8, u8),
}

impl Finder {
    pub(super) fn new(needle: &'static [u8]) -> Finder {
        Finder::of(Needle::Text(Box::new(memmem::Finder::new(needle))))
    }

    pub(super) fn of(needle: Needle) -> Finder {
        Finder {
            needle,
            from: 0,
            hit: None,
        }
    }

    /// First occurrence of the needle at or after `pos`.
    pub(super) fn next(&mut self, text: &str, pos: usize) -> Option<usize> {
        if let Some(hit) = self.hit {
            if pos >= self.from && hit.is_none_or(|h| pos <= h) {
                return hit;
            }
        }
        let rest = text.as_bytes().get(pos..);
        let found = rest.and_then(|rest| match &self.needle {
            Needle::Text(finder) => finder.find(rest),
            Needle::Bytes(a, b) => memchr::memchr2(*a, *b, rest),
        });
        let found = found.map(|i| pos + i);
        self.from = pos;
        self.hit = Some(found);
        found
    }
}

/// The value of attribute `name` in a tag's attribute text (quoted or not).
pub(super) fn attr<'t>(attrs: &'t str, name: &str) -> Option<&'t str> {
    let mut rest = attrs;
    loop {
        rest = rest.trim_start();
        let key_end = rest
            .find(|c: char| c == '=' || c.is_whitespace())
            .unwrap_or(rest.len());
        let key = rest.get(..key_end)?;
        if key.is_empty() {
            return None;
        }
        let after = rest.get(key_end..)?.trim_start();
        let Some(value_start) = after.strip_prefix('=') else {
            rest = after;
            continue;
        };
        let value_start = value_start.trim_start();
        let (value, tail) = match value_start.chars().next() {
            Some(q @ ('"' | '\'')) => {
                let body = value_start.get(1..)?;
                let end = body.find(q).unwrap_or(body.len());
                (body.get(..end)?, body.get(end + 1..).unwrap_or_default())
            }
            _ => {
                let end = value_start
                    .find(char::is_whitespace)
                    .unwrap_or(value_start.len());
                (
                    value_start.get(..end)?,
                    value_start.get(end..).unwrap_or_default(),
                )
            }
        };
        if key.eq_ignore_ascii_case(name) {
            return Some(value.trim());
        }
        rest = tail;
    }
}

/// Heading starts, each flagged when its title names a bibliography section.
pub(super) fn sections(text: &str) -> Vec<(usize, bool)> {
    const TITLES: [&str; 12] = [
        "references",
        "bibliography",
        "sources",
        "works cited",
        "cited works",
        "citations",
        "notes",
        "footnotes",
        "literature",
        "notes and references",
        "references and notes",
        "general references",
    ];
    let mut out = Vec::new();
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_end();
        if trimmed.len() > 2 && trimmed.starts_with('=') && trimmed.ends_with('=') {
            let title = trimmed.trim_matches('=').trim().to_lowercase();
            out.push((start, TITLES.contains(&title.as_str())));
        }
        start += line.len();
    }
    out
}

/// A ref's text as a reader sees it: entities decoded, the `''` and `'''`
/// of italics and bold gone.
pub(super) fn clean_context(raw: &str) -> String {
    if memmem::find(raw.as_bytes(), b"''").is_none() {
        return decode_entities(raw);
    }
    let mut plain = String::with_capacity(raw.len());
    let mut quotes = 0;
    for c in raw.chars() {
        if c == '\'' {
            quotes += 1;
            continue;
        }
        if quotes == 1 {
            plain.push('\'');
        }
        quotes = 0;
        plain.push(c);
    }
    if quotes == 1 {
        plain.push('\'');
    }
    decode_entities(&plain)
}

/// `s` up to a wikitext comment, if it holds one.
pub(super) fn before_comment(s: &str) -> &str {
    static COMMENT: LazyLock<memmem::Finder<'static>> =
        LazyLock::new(|| memmem::Finder::new("<!--"));
    COMMENT
        .find(s.as_bytes())
        .and_then(|c| s.get(..c))
        .unwrap_or(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_tag_attributes() {
        assert_eq!(attr(" name=\"a b\" group=n", "name"), Some("a b"));
        assert_eq!(attr(" name=\"a b\" group=n", "group"), Some("n"));
        assert_eq!(attr(" NAME='x'", "name"), Some("x"));
        assert_eq!(attr(" name = y ", "name"), Some("y"));
        assert_eq!(attr(" follow name=z", "name"), Some("z"));
        assert_eq!(attr(" group=n", "name"), None);
        assert_eq!(attr(" name=\"unterminated", "name"), Some("unterminated"));
    }
    #[test]
    fn cleans_quotes_and_entities() {
        assert_eq!(
            clean_context("''Bridges'' and '''bold''' it's &amp; more"),
            "Bridges and bold it's & more"
        );
        assert_eq!(clean_context("plain"), "plain");
    }
    #[test]
    fn finds_bibliography_sections() {
        let text = "intro\n== History ==\nx\n== References ==\ny\n=== Works cited ===\n";
        assert_eq!(sections(text), [(6, false), (22, true), (41, true)]);
    }
    #[test]
    fn finder_reuses_its_answer() {
        let text = "a</ref>b</ref>";
        let mut finder = Finder::new(b"</ref");
        assert_eq!(finder.next(text, 0), Some(1));
        assert_eq!(finder.next(text, 1), Some(1));
        assert_eq!(finder.next(text, 2), Some(8));
        assert_eq!(finder.next(text, 0), Some(1));
        assert_eq!(finder.next(text, 9), None);
        assert_eq!(finder.next(text, 20), None);
    }
}
