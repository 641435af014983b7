//! The character pass of repair: escapes, entities, invisible characters and
//! line breaks, in one left-to-right scan.
//!
//! The output is a stack of [`Unit`]s. A backslash run is popped when the
//! punctuation it escapes is pushed, and an entity is decoded when its `;` is
//! pushed, by looking back at most [`MAX_ENTITY`] units. Because decoded
//! characters are pushed through the same two checks, the output is a
//! fixpoint: `&amp;amp;` ends as `&`, `&#92;_` as `_`, and running the pass
//! again changes nothing. Every step looks at a bounded number of units, so
//! the pass is linear in the input.
//!
//! White space is held back until the next character: a run containing a
//! line break between two URL characters is a converter's line break and is
//! dropped; anything else is kept and left for trimming (outer white space) or
//! for the URL as is (inner spaces, which repair does not guess about).

use super::{Rule, RuleSet};

/// Longest character reference looked back for, `&` and `;` included
/// (`&#x10FFFF;` is 10).
const MAX_ENTITY: usize = 12;

/// One character of the repaired text and the raw bytes it came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Unit {
    /// The character.
    pub ch: char,
    /// First raw byte it came from.
    pub start: usize,
    /// End of the raw bytes it came from.
    pub end: usize,
    /// Rules that changed the raw text to give this character.
    pub rules: RuleSet,
}

/// Runs the character pass over `raw`.
pub(super) fn decode(raw: &str) -> Vec<Unit> {
    let mut d = Decoder {
        out: Vec::with_capacity(raw.len()),
        space: Vec::new(),
        carry: 0,
        hyphen_path: path_hyphens(raw),
    };
    for (start, ch) in raw.char_indices() {
        let unit = Unit {
            ch,
            start,
            end: start + ch.len_utf8(),
            rules: 0,
        };
        if is_invisible(ch) {
            d.carry |= Rule::InvisibleCharacters.bit();
        } else if ch.is_whitespace() {
            d.space.push(unit);
        } else {
            d.end_space(Some(ch));
            d.push(unit);
        }
    }
    d.end_space(None);
    d.out
}

/// `invisible-characters`: soft hyphen, zero-width space, non-joiner and
/// joiner, word joiner, byte-order mark.
pub(super) fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{AD}' | '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}'
    )
}

/// Where the path starts and how many hyphens it holds, for `hyphenation`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct PathHyphens {
    /// Raw byte offset of the path's first `/` (after the host).
    start: usize,
    /// Hyphens in the raw path.
    count: usize,
}

/// Finds the path of a raw URL and counts its hyphens.
fn path_hyphens(raw: &str) -> Option<PathHyphens> {
    let host = raw.find("://").map_or(0, |i| i + 3);
    let start = host + raw.get(host..)?.find('/')?;
    let count = raw.get(start..)?.bytes().filter(|b| *b == b'-').count();
    Some(PathHyphens { start, count })
}

/// The pass's state.
struct Decoder {
    /// Units so far.
    out: Vec<Unit>,
    /// White space seen since the last character, not yet placed.
    space: Vec<Unit>,
    /// Rules to credit to the next unit pushed (for characters removed just before it).
    carry: RuleSet,
    /// The raw path's hyphens.
    hyphen_path: Option<PathHyphens>,
}

impl Decoder {
    /// Places held-back white space, now that the next character (`None`
    /// at the end) is known: `line-break` drops it when it holds a line break
    /// and stands between two characters.
    fn end_space(&mut self, next: Option<char>) {
        if self.space.is_empty() {
            return;
        }
        let breaks = self.space.iter().any(|u| matches!(u.ch, '\n' | '\r'));
        match next {
            Some(next) if breaks && !self.out.is_empty() => {
                self.carry |= Rule::LineBreak.bit();
                if self.drops_hyphen(next) {
                    self.out.pop();
                    self.carry |= Rule::Hyphenation.bit();
                }
                self.space.clear();
            }
            _ => self.out.append(&mut self.space),
        }
    }

    /// `hyphenation`: whether the hyphen before a line break is a
    /// converter's word split. Only when it is the last character before the
    /// break (nothing between it and the newline), letters stand on both
    /// sides, it is in the path, and it is the path's only hyphen: a path that
    /// uses hyphens elsewhere (`/china-to-invest-`) most likely uses this one
    /// too, and then keeping it is the safe choice.
    fn drops_hyphen(&self, next: char) -> bool {
        let n = self.out.len();
        let (Some(hyphen), Some(before)) = (
            self.out.last(),
            n.checked_sub(2).and_then(|i| self.out.get(i)),
        ) else {
            return false;
        };
        let at_break = self
            .space
            .first()
            .is_some_and(|u| matches!(u.ch, '\n' | '\r') && u.start == hyphen.end);
        let in_path = self
            .hyphen_path
            .is_some_and(|p| hyphen.start > p.start && p.count == 1);
        hyphen.ch == '-' && at_break && in_path && before.ch.is_alphabetic() && next.is_alphabetic()
    }

    /// Pushes a unit, popping the backslashes it escapes and decoding the
    /// entity it completes, repeatedly for what decoding produces.
    fn push(&mut self, unit: Unit) {
        let mut next = Some(Unit {
            rules: unit.rules | std::mem::take(&mut self.carry),
            ..unit
        });
        while let Some(mut u) = next.take() {
            if u.ch.is_ascii_punctuation() && u.ch != '\\' {
                self.unescape(&mut u);
            }
            self.out.push(u);
            if u.ch == ';' {
                next = self.decode_entity();
            }
        }
    }

    /// `markdown-escape`: drops the backslash run before punctuation `u`,
    /// merging its raw bytes into `u`. `%5C` is text, not a backslash, and is
    /// never touched.
    fn unescape(&mut self, u: &mut Unit) {
        while let Some(last) = self.out.last().filter(|l| l.ch == '\\') {
            u.start = last.start;
            u.rules |= last.rules | Rule::MarkdownEscape.bit();
            self.out.pop();
        }
    }

    /// `html-entity`: when the units end with a character reference, replaces
    /// it and returns the decoded character to push. A reference that would
    /// decode to a control character is left as written (a line break must
    /// not appear from `&#10;`); one decoding to an invisible character is
    /// dropped.
    fn decode_entity(&mut self) -> Option<Unit> {
        let n = self.out.len();
        let amp = (n.saturating_sub(MAX_ENTITY)..n.saturating_sub(1))
            .rev()
            .take_while(|&i| {
                self.out
                    .get(i)
                    .is_some_and(|u| u.ch == '&' || u.ch == '#' || u.ch.is_ascii_alphanumeric())
            })
            .find(|&i| self.out.get(i).is_some_and(|u| u.ch == '&'))?;
        let body = self.out.get(amp + 1..n - 1)?;
        let name: String = body.iter().map(|u| u.ch).collect();
        let ch = entity_char(&name).filter(|c| !c.is_control())?;
        let parts = self.out.get(amp..)?;
        let rules = parts
            .iter()
            .fold(Rule::HtmlEntity.bit(), |r, u| r | u.rules);
        let start = parts.first()?.start;
        let end = parts.last()?.end;
        self.out.truncate(amp);
        if is_invisible(ch) {
            self.carry |= rules | Rule::InvisibleCharacters.bit();
            return None;
        }
        Some(Unit {
            ch,
            start,
            end,
            rules,
        })
    }
}

/// The character a reference name (between `&` and `;`) stands for: decimal
/// and hexadecimal numeric references and the named ones converters emit.
pub(super) fn entity_char(name: &str) -> Option<char> {
    if let Some(num) = name.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse().ok()?,
        };
        return char::from_u32(code);
    }
    Some(match name {
        "amp" | "AMP" => '&',
        "lt" | "LT" => '<',
        "gt" | "GT" => '>',
        "quot" | "QUOT" => '"',
        "apos" => '\'',
        "nbsp" => '\u{A0}',
        "shy" => '\u{AD}',
        "sol" => '/',
        "num" => '#',
        "percnt" => '%',
        "equals" => '=',
        "quest" => '?',
        "period" => '.',
        "colon" => ':',
        "semi" => ';',
        "comma" => ',',
        "lowbar" => '_',
        "tilde" => '~',
        "plus" => '+',
        "lpar" => '(',
        "rpar" => ')',
        "lsqb" => '[',
        "rsqb" => ']',
        "ndash" => '–',
        "mdash" => '—',
        "lsquo" => '‘',
        "rsquo" => '’',
        "ldquo" => '“',
        "rdquo" => '”',
        "laquo" => '«',
        "raquo" => '»',
        "lsaquo" => '‹',
        "rsaquo" => '›',
        "hellip" => '…',
        "zwnj" => '\u{200C}',
        "zwj" => '\u{200D}',
        _ => return None,
    })
}
