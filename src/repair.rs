//! URL repair: undoing, rule by named rule, what converters do to URLs.
//!
//! Documents that went through PDF converters, Markdown exporters or HTML
//! serialisers carry URLs with escapes (`c\\_112`), entities (`&amp;`), line
//! breaks, soft hyphens and wrappers (`<…>`, quotes, sentence punctuation).
//! Repair works on the text exactly as found and in two steps:
//!
//! 1. a character pass (`decode`) turns the raw text into units, each a
//!    character that remembers the raw bytes it came from and the rules that
//!    produced it (escapes removed, entities decoded, line breaks joined);
//! 2. a trimming pass drops wrappers and trailing punctuation from both ends
//!    of those units.
//!
//! Decoding before trimming means an encoded wrapper (`&lt;…&gt;`, `\)`) is
//! trimmed like a plain one, and because every unit knows its raw bytes the
//! URL proper can be reported as an exact byte range of the raw text
//! ([`Repaired::core`]) for `fix` to rewrite. A rule is reported only when it
//! changed a character that ends up in the URL. The character pass is a
//! fixpoint (an entity that decodes to `&` can start another entity, an
//! escape can sit before a decoded character), which is what makes repair
//! idempotent.
//!
//! Percent-encoding and IDN hosts are left exactly as written: changing them
//! would change which resource the URL names.

mod bare;
mod decode;
mod latex;

use std::ops::Range;

pub use bare::{bare_url_end, find_bare_urls};
use decode::{decode, Unit};

/// A repaired URL, the rules that changed it and where it stands in the raw text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repaired {
    /// The URL after repair.
    pub url: String,
    /// Names of the rules applied, in [`RULES`] order, each at most once.
    pub rules: Vec<&'static str>,
    /// Byte range of the raw text that holds the URL proper, without the
    /// wrappers and trailing punctuation repair dropped.
    pub core: Range<usize>,
}

/// Every repair rule: its name (as reported) and a one-line description, in
/// the order they are applied and reported.
pub const RULES: &[(&str, &str)] = &[
    (
        "invisible-characters",
        "soft hyphens, zero-width spaces and joiners, word joiners and byte-order marks removed",
    ),
    (
        "line-break",
        "a URL broken across lines is joined: white space containing a line break is removed",
    ),
    (
        "hyphenation",
        "a hyphen a converter added where it split a word across lines is removed",
    ),
    (
        "markdown-escape",
        "backslash escapes before punctuation removed (`c\\_112`, `c\\\\_112` -> `c_112`)",
    ),
    (
        "latex-escape",
        "LaTeX escapes in BibTeX/LaTeX URLs undone (`\\_`, `{\\_}`, `\\%`, `\\#`, `\\&`, `\\~{}`, `\\textasciitilde{}`)",
    ),
    (
        "html-entity",
        "HTML character references decoded (`&amp;`, `&#38;`, `&#x26;`, `&quot;`, ...)",
    ),
    (
        "angle-brackets",
        "wrapping angle brackets, brackets and quotes removed (`<http://x>` -> `http://x`)",
    ),
    (
        "trailing-punctuation",
        "sentence punctuation, closing quotes, unbalanced closing brackets and emphasis marks after the URL removed",
    ),
    (
        "scheme-less-www",
        "`www.` addresses without a scheme get `http://`",
    ),
];

/// One repair rule; its discriminant indexes [`RULES`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rule {
    InvisibleCharacters = 0,
    LineBreak = 1,
    Hyphenation = 2,
    MarkdownEscape = 3,
    LatexEscape = 4,
    HtmlEntity = 5,
    AngleBrackets = 6,
    TrailingPunctuation = 7,
    SchemeLessWww = 8,
}

impl Rule {
    /// The rule's bit in a [`RuleSet`].
    const fn bit(self) -> RuleSet {
        1 << self as u16
    }
}

/// A set of rules, one bit per rule.
type RuleSet = u16;

/// The names of the rules in `set`, in [`RULES`] order.
fn rule_names(set: RuleSet) -> Vec<&'static str> {
    RULES
        .iter()
        .enumerate()
        .filter(|(i, _)| set & (1 << i) != 0)
        .map(|(_, (name, _))| *name)
        .collect()
}

/// Repairs a URL as found in a document (wrappers, punctuation and damage included).
pub fn repair(raw: &str) -> Repaired {
    if is_clean(raw) {
        return Repaired {
            url: raw.to_string(),
            rules: Vec::new(),
            core: 0..raw.len(),
        };
    }
    repair_units(raw, decode(raw))
}

/// Whether no rule can change a URL: printable ASCII with a scheme, without
/// the characters escapes, entities, wrappers and line breaks are made of,
/// and ending in a letter, digit or `/`. Most URLs are; the full pass works
/// character by character, so skipping it is most of extraction's repair time.
fn is_clean(raw: &str) -> bool {
    let bytes = raw.as_bytes();
    let scheme = ["http://", "https://", "ftp://"]
        .iter()
        .any(|s| bytes.len() > s.len() && bytes.starts_with(s.as_bytes()));
    scheme
        && bytes
            .last()
            .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'/')
        && bytes.iter().all(|&b| {
            b.is_ascii_graphic()
                && !matches!(
                    b,
                    b'\\'
                        | b'&'
                        | b'('
                        | b')'
                        | b'['
                        | b']'
                        | b'{'
                        | b'}'
                        | b'<'
                        | b'>'
                        | b'"'
                        | b'\''
                        | b'`'
                        | b'*'
                )
        })
}

/// Repairs a URL found in LaTeX or BibTeX source, where backslash escapes are
/// LaTeX's (`\_`, `{\_}`, `\~{}`, `\textasciitilde{}`) rather than Markdown's.
pub fn repair_latex(raw: &str) -> Repaired {
    repair_units(raw, latex::undo_latex(decode(raw)))
}

fn repair_units(raw: &str, units: Vec<decode::Unit>) -> Repaired {
    let (kept, trim_rules) = trim(&units);
    let mut rules = trim_rules;
    let mut url = String::with_capacity(raw.len() + 7);
    for unit in kept {
        url.push(unit.ch);
        rules |= unit.rules;
    }
    if add_scheme(&mut url) {
        rules |= Rule::SchemeLessWww.bit();
    }
    let core = match (kept.first(), kept.last()) {
        (Some(first), Some(last)) => first.start..last.end,
        _ => 0..0,
    };
    Repaired {
        url,
        rules: rule_names(rules),
        core,
    }
}

/// Whether a repaired URL is something to cite and check: an absolute
/// `http://`, `https://` or `ftp://` URL (scheme in any case), even a
/// malformed one, which the checker then reports as invalid.
pub fn is_citable(url: &str) -> bool {
    ["http://", "https://", "ftp://"].iter().any(|scheme| {
        url.get(..scheme.len())
            .is_some_and(|s| s.eq_ignore_ascii_case(scheme))
            && url.len() > scheme.len()
    })
}

/// Prefixes `http://` to a `www.` address; true when it did.
fn add_scheme(url: &mut String) -> bool {
    let www = url.get(..4).is_some_and(|s| s.eq_ignore_ascii_case("www."));
    if www && url.len() > 4 {
        url.insert_str(0, "http://");
    }
    www && url.len() > 4
}

/// Characters that open a wrapper or emphasis before a URL; a URL never starts with them.
fn is_leading_junk(c: char) -> bool {
    matches!(
        c,
        '<' | '('
            | '['
            | '{'
            | '"'
            | '\''
            | '`'
            | '“'
            | '‘'
            | '«'
            | '‹'
            | '*'
            | '_'
            | '（'
            | '「'
            | '『'
            | '【'
            | '《'
            | '〈'
    )
}

/// Sentence punctuation and closing quotes that end a sentence, not a URL.
fn is_trailing_punctuation(c: char) -> bool {
    matches!(
        c,
        '.' | ','
            | ';'
            | ':'
            | '!'
            | '?'
            | '"'
            | '\''
            | '`'
            | '”'
            | '’'
            | '»'
            | '›'
            | '*'
            | '。'
            | '，'
            | '；'
            | '：'
            | '！'
            | '？'
            | '、'
            | '）'
            | '」'
            | '』'
            | '】'
            | '》'
            | '〉'
    )
}

/// The bracket pair a character belongs to, and whether it opens.
fn bracket(c: char) -> Option<(usize, bool)> {
    Some(match c {
        '(' => (0, true),
        ')' => (0, false),
        '[' => (1, true),
        ']' => (1, false),
        '{' => (2, true),
        '}' => (2, false),
        '<' => (3, true),
        '>' => (3, false),
        _ => return None,
    })
}

/// What the trimming pass knows while it drops characters from both ends.
#[derive(Default)]
struct Trimmer {
    /// Per bracket pair: openers minus closers in the units still kept.
    balance: [i64; 4],
    /// Per bracket pair: openers dropped from the front, which the matching
    /// closer at the end belongs to.
    dropped_openers: [u32; 4],
    /// Quotes dropped from the front.
    dropped_quotes: u32,
    /// Underscores (emphasis) dropped from the front.
    dropped_underscores: u32,
}

impl Trimmer {
    /// Adds (`sign` 1) or removes (`sign` -1) a character's weight in the
    /// bracket balance.
    fn weigh(&mut self, c: char, sign: i64) {
        if let Some((pair, open)) = bracket(c) {
            if let Some(b) = self.balance.get_mut(pair) {
                *b += if open { sign } else { -sign };
            }
        }
    }

    /// The rule for dropping `c` from the front, if it is dropped.
    fn front(&mut self, c: char) -> Option<RuleSet> {
        if !is_leading_junk(c) {
            return None;
        }
        match c {
            '*' => return Some(Rule::TrailingPunctuation.bit()),
            '_' => {
                self.dropped_underscores += 1;
                return Some(Rule::TrailingPunctuation.bit());
            }
            '"' | '\'' | '`' | '“' | '‘' | '«' | '‹' => self.dropped_quotes += 1,
            _ => {
                if let Some(n) = bracket(c).and_then(|(p, _)| self.dropped_openers.get_mut(p)) {
                    *n += 1;
                }
            }
        }
        Some(Rule::AngleBrackets.bit())
    }

    /// The rule for dropping `c` from the end, if it is dropped: closing
    /// wrappers whose opener was dropped count as `angle-brackets`.
    fn back(&mut self, c: char) -> Option<RuleSet> {
        if let Some((pair, false)) = bracket(c) {
            if self.balance.get(pair).is_some_and(|b| *b >= 0) {
                return None;
            }
            return Some(match self.dropped_openers.get_mut(pair) {
                Some(n) if *n > 0 => {
                    *n -= 1;
                    Rule::AngleBrackets.bit()
                }
                _ => Rule::TrailingPunctuation.bit(),
            });
        }
        if c == '_' && self.dropped_underscores > 0 {
            self.dropped_underscores -= 1;
            return Some(Rule::TrailingPunctuation.bit());
        }
        if !is_trailing_punctuation(c) {
            return None;
        }
        if matches!(c, '"' | '\'' | '`' | '”' | '’' | '»' | '›') && self.dropped_quotes > 0 {
            self.dropped_quotes -= 1;
            return Some(Rule::AngleBrackets.bit());
        }
        Some(Rule::TrailingPunctuation.bit())
    }
}

/// Drops white space, wrappers and trailing punctuation from both ends;
/// returns the units of the URL proper and the rules that dropped something.
fn trim(units: &[Unit]) -> (&[Unit], RuleSet) {
    let mut t = Trimmer::default();
    for u in units {
        t.weigh(u.ch, 1);
    }
    let mut rules = 0;
    let mut kept = units;
    while let (Some((first, after_first)), Some((last, before_last))) =
        (kept.split_first(), kept.split_last())
    {
        let front = if first.ch.is_whitespace() {
            Some(0)
        } else {
            t.front(first.ch)
        };
        if let Some(rule) = front {
            t.weigh(first.ch, -1);
            rules |= rule;
            kept = after_first;
            continue;
        }
        let back = if last.ch.is_whitespace() {
            Some(0)
        } else {
            t.back(last.ch)
        };
        let Some(rule) = back else { break };
        t.weigh(last.ch, -1);
        rules |= rule;
        kept = before_last;
    }
    (kept, rules)
}

#[cfg(test)]
mod tests;
