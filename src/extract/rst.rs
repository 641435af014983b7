//! reStructuredText: footnotes, citations, hyperlink targets and inline links.
//!
//! reStructuredText is indentation-structured, so the parser works on lines:
//! an explicit markup block (`.. ` at some indent) runs until the next
//! non-blank line indented no deeper, exactly the rule docutils applies to
//! footnote bodies, comments and directive content. Blocks are handled
//! recursively with the note they belong to, which gives multi-line footnote
//! bodies and links nested in admonitions without a second pass. Text that
//! docutils does not turn into links is skipped: comments, literal blocks
//! (after `::`), code-like directives, doctest blocks, inline literals and
//! interpreted text. Inline markup recognition is simplified (no check of the
//! characters around a backquote), which only matters for odd prose.
//!
//! Labels are what the reader sees. `[1]` keeps its number; auto-numbered
//! `[#]` and `[#name]` footnotes are numbered afterwards in document order,
//! skipping the numbers manual footnotes use anywhere in the document (the
//! docutils rule; other names that look like numbers are not considered);
//! `[*]` footnotes get docutils' symbol sequence (`*`, `†`, …, then doubled).
//! A citation `[Label]` and a named target `.. _name: url` are references
//! labelled with their name; an anonymous target `.. __: url` has no label.

use std::collections::HashSet;
use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use super::{normalise_space, Doc, Found};
use crate::citation::CitationKind;
use crate::repair::find_bare_urls;

/// Directives whose content is code or data, not prose.
const LITERAL_DIRECTIVES: [&str; 16] = [
    "code",
    "code-block",
    "sourcecode",
    "literalinclude",
    "highlight",
    "raw",
    "math",
    "doctest",
    "testcode",
    "testoutput",
    "ipython",
    "jupyter-execute",
    "graphviz",
    "mermaid",
    "uml",
    "plantuml",
];

/// The symbols docutils gives `[*]` footnotes, in order.
const SYMBOLS: [&str; 10] = ["*", "†", "‡", "§", "¶", "#", "♠", "♥", "♦", "♣"];

/// A simple reference name followed by its `_` (`name_`): alphanumerics
/// joined by single `-`, `_`, `.`, `:` or `+`. Where it may start and end is
/// checked around the match.
static SIMPLE_REFERENCE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[\p{L}\p{N}]+(?:[-_.:+][\p{L}\p{N}]+)*_").unwrap_or_else(|_| unreachable!())
});

/// Extracts the citations of a reStructuredText document.
pub fn extract(doc: &Doc) -> Vec<Found> {
    let mut parser = Parser::new(doc.text);
    let all = 0..parser.lines.len();
    parser.blocks(all, 0, None);
    parser.number_auto_footnotes();
    parser.out
}

/// Every named hyperlink reference in the document's prose (`name_`,
/// `` `a phrase`_ ``, `` `text <name_>`_ ``): the name as written and the
/// byte after the reference. Literal text, comments and code are skipped as
/// in [`extract`]; anonymous references (`__`) are left out.
pub(crate) fn reference_uses(text: &str) -> Vec<(String, usize)> {
    let mut parser = Parser::new(text);
    parser.uses = Some(Vec::new());
    let all = 0..parser.lines.len();
    parser.blocks(all, 0, None);
    parser.uses.unwrap_or_default()
}

/// The note URLs belong to while a footnote or citation body is read.
#[derive(Clone)]
struct Note {
    label: Option<String>,
    kind: CitationKind,
    context: Option<String>,
}

struct Parser<'a> {
    text: &'a str,
    /// Byte range of each line, without its line break.
    lines: Vec<Range<usize>>,
    out: Vec<Found>,
    /// Numbers used by manually numbered footnotes.
    manual: HashSet<u64>,
    /// The `out` indices of each auto-numbered footnote, in document order.
    auto: Vec<Range<usize>>,
    /// How many `[*]` footnotes have been seen.
    symbols: usize,
    /// The named references read, when asked for ([`reference_uses`]).
    uses: Option<Vec<(String, usize)>>,
}

impl<'a> Parser<'a> {
    fn new(text: &'a str) -> Parser<'a> {
        let mut lines = Vec::new();
        let mut start = 0;
        for end in memchr::memchr_iter(b'\n', text.as_bytes()).chain([text.len()]) {
            let line_end = if end > start && text.as_bytes().get(end - 1) == Some(&b'\r') {
                end - 1
            } else {
                end
            };
            lines.push(start..line_end);
            start = end + 1;
        }
        Parser {
            text,
            lines,
            out: Vec::new(),
            manual: HashSet::new(),
            auto: Vec::new(),
            symbols: 0,
            uses: None,
        }
    }

    /// The text of line `i` from byte `from` on (the whole line when `from`
    /// is before it).
    fn line(&self, i: usize, from: usize) -> (usize, &'a str) {
        let range = self.lines.get(i).cloned().unwrap_or(0..0);
        let start = from.clamp(range.start, range.end);
        (start, self.text.get(start..range.end).unwrap_or(""))
    }

    fn blank(&self, i: usize) -> bool {
        self.line(i, 0).1.trim().is_empty()
    }

    /// Indentation width of line `i` (tabs to multiples of 8).
    fn indent(&self, i: usize) -> usize {
        let mut width = 0;
        for c in self.line(i, 0).1.chars() {
            match c {
                ' ' => width += 1,
                '\t' => width = (width / 8 + 1) * 8,
                _ => break,
            }
        }
        width
    }

    /// The first line at or after `from` (and before `limit`) that is not
    /// blank and not indented beyond `indent`; trailing blank lines are left out.
    fn block_end(&self, from: usize, indent: usize, limit: usize) -> usize {
        let mut end = from;
        for i in from..limit {
            if self.blank(i) {
                continue;
            }
            if self.indent(i) <= indent {
                break;
            }
            end = i + 1;
        }
        end
    }

    /// Reads the body elements in `lines`; the first line starts at byte `first`.
    fn blocks(&mut self, lines: Range<usize>, first: usize, note: Option<&Note>) {
        let mut i = lines.start;
        while i < lines.end {
            let (start, line) = self.line(i, first);
            let content = line.trim_start();
            if content.is_empty() {
                i += 1;
                continue;
            }
            let indent = self.indent(i);
            if content == ".." || content.starts_with(".. ") || content.starts_with("..\t") {
                let end = self.block_end(i + 1, indent, lines.end);
                let at = start + (line.len() - content.len());
                self.explicit(i, at, end, note);
                i = end;
                continue;
            }
            let mut j = i + 1;
            while j < lines.end && !self.blank(j) {
                j += 1;
            }
            let last = self.line(j - 1, first).1.trim_end();
            if !content.starts_with(">>>") {
                let span = start..self.line(j - 1, first).0 + self.line(j - 1, first).1.len();
                self.inline(span, note);
            }
            i = if last.ends_with("::") {
                self.block_end(j, self.indent(j - 1), lines.end).max(j)
            } else {
                j
            };
        }
    }

    /// Handles the explicit markup block starting with `..` at byte `at` of
    /// line `i` and ending before line `end`.
    fn explicit(&mut self, i: usize, at: usize, end: usize, note: Option<&Note>) {
        let (_, line) = self.line(i, at + 2);
        let rest = line.trim_start();
        let rest_at = at + 2 + (line.len() - rest.len());
        if rest.starts_with('[') {
            let close = rest.find(']');
            let label = close
                .and_then(|c| rest.get(1..c))
                .filter(|l| valid_label(l));
            if let (Some(close), Some(label)) = (close, label) {
                self.note(label, rest_at + close + 1, i, end);
                return;
            }
        }
        if let Some(target) = rest.strip_prefix('_') {
            self.target(target, rest_at + 1, i, end, at);
        } else if let Some(name) = directive_name(rest) {
            let after = rest_at + name.len() + 2;
            self.directive(name, after, i, end, note);
        } else if let Some(body) = substitution_body(rest) {
            let start = rest_at + (rest.len() - body.len());
            self.inline_lines(start, i, end, note);
        }
        // Anything else is a comment.
    }

    /// A footnote or citation whose body starts at byte `body` of line `i`.
    fn note(&mut self, label: &str, body: usize, i: usize, end: usize) {
        let last = self
            .lines
            .get(end.saturating_sub(1))
            .map_or(body, |l| l.end);
        let context = Some(normalise_space(
            self.text.get(body..last.max(body)).unwrap_or(""),
        ));
        let (label, kind, auto) = if label.bytes().all(|b| b.is_ascii_digit()) {
            if let Ok(n) = label.parse::<u64>() {
                self.manual.insert(n);
            }
            (Some(label.to_string()), CitationKind::Footnote, false)
        } else if label.starts_with('#') {
            (None, CitationKind::Footnote, true)
        } else if label == "*" {
            let n = self.symbols;
            self.symbols += 1;
            let symbol = SYMBOLS[n % SYMBOLS.len()].repeat(n / SYMBOLS.len() + 1);
            (Some(symbol), CitationKind::Footnote, false)
        } else {
            (Some(label.to_string()), CitationKind::Reference, false)
        };
        let note = Note {
            label,
            kind,
            context,
        };
        let first = self.out.len();
        self.blocks(i..end.max(i + 1), body, Some(&note));
        if auto {
            self.auto.push(first..self.out.len());
        }
    }

    /// A hyperlink target `.. _name: url` (`target` is what follows the `_`).
    fn target(&mut self, target: &str, target_at: usize, i: usize, end: usize, at: usize) {
        let (name, colon) = if let Some(quoted) = target.strip_prefix('`') {
            match quoted.find("`:") {
                Some(c) => (quoted.get(..c).unwrap_or(""), c + 2),
                None => return,
            }
        } else {
            match target.find(':') {
                Some(c) => (target.get(..c).unwrap_or(""), c),
                None => return,
            }
        };
        let mut url_at = target_at + colon + 1;
        if self.line(i, url_at).1.trim().is_empty() && i + 1 < end {
            url_at = self.lines.get(i + 1).map_or(url_at, |l| l.start);
        }
        let line = self.line_of(url_at, i);
        let (start, written) = self.line(line, url_at);
        let mut span =
            start + (written.len() - written.trim_start().len())..start + written.trim_end().len();
        // A long URL may go on over the block's next lines; reStructuredText
        // joins the pieces, dropping the white space between them.
        let mut joined: Option<String> = None;
        for j in line + 1..end {
            let (at_j, piece) = self.line(j, 0);
            let trimmed = piece.trim();
            if trimmed.is_empty() {
                break;
            }
            let first = self.text.get(span.clone()).unwrap_or("");
            joined
                .get_or_insert_with(|| first.to_string())
                .push_str(trimmed);
            span.end = at_j + (piece.len() - piece.trim_start().len()) + trimmed.len();
        }
        let label = (name != "_").then(|| name.trim().to_string());
        let mut found = Found::new(span, CitationKind::Reference);
        found.footnote = label;
        found.url = joined;
        let block_end = self.lines.get(end.saturating_sub(1)).map_or(at, |l| l.end);
        found.element = Some(at..block_end.max(at));
        self.out.push(found);
    }

    /// The line holding byte `at`, searched from line `from`.
    fn line_of(&self, at: usize, from: usize) -> usize {
        let mut i = from;
        while self.lines.get(i).is_some_and(|l| l.end < at) {
            i += 1;
        }
        i
    }

    /// A directive `name::` whose arguments start at byte `after`: prose
    /// content is read (after its option lines), code-like content skipped.
    fn directive(&mut self, name: &str, after: usize, i: usize, end: usize, note: Option<&Note>) {
        let name = name.to_ascii_lowercase();
        if LITERAL_DIRECTIVES.contains(&name.as_str()) {
            return;
        }
        if name == "parsed-literal" || name == "line-block" {
            self.inline_lines(after, i, end, note);
            return;
        }
        let mut body = i + 1;
        while body < end && !self.blank(body) && self.line(body, 0).1.trim_start().starts_with(':')
        {
            body += 1;
        }
        let first = self.lines.get(body).map_or(0, |l| l.start);
        self.blocks(body..end, first, note);
    }

    /// Reads lines `i..end` from byte `from` as one run of inline text.
    fn inline_lines(&mut self, from: usize, i: usize, end: usize, note: Option<&Note>) {
        let last = self.lines.get(end.max(i + 1) - 1).map_or(from, |l| l.end);
        self.inline(from..last.max(from), note);
    }

    /// Finds the links in a paragraph: `` `text <url>`_ `` and bare URLs
    /// outside inline literals and interpreted text.
    fn inline(&mut self, span: Range<usize>, note: Option<&Note>) {
        let bytes = self.text.as_bytes();
        let mut i = span.start;
        let mut run = span.start;
        let mut closers = Closers {
            literal: true,
            interpreted: true,
        };
        while i < span.end {
            match bytes[i] {
                b'\\' => i += 2,
                b'`' => {
                    let Some((construct, link)) = backquoted(bytes, i, span.end, &mut closers)
                    else {
                        i += 1;
                        continue;
                    };
                    self.bare(run..i, note);
                    self.phrase_use(&construct, link.as_ref().map(|(url, _)| url));
                    if let Some((url, text)) = link {
                        self.link(url, text, construct.clone(), note);
                    }
                    i = construct.end;
                    run = i;
                }
                _ => i += 1,
            }
        }
        self.bare(run..span.end.max(run), note);
    }

    /// Records a backquoted named reference: `` `a phrase`_ `` or one
    /// whose embedded target is another name, `` `text <name_>`_ ``.
    fn phrase_use(&mut self, construct: &Range<usize>, embedded: Option<&Range<usize>>) {
        let Some(uses) = self.uses.as_mut() else {
            return;
        };
        let written = self.text.get(construct.clone()).unwrap_or("");
        if !written.ends_with("`_") {
            return;
        }
        let name = match embedded {
            Some(target) => match self
                .text
                .get(target.clone())
                .and_then(|t| t.strip_suffix('_'))
            {
                Some(alias) if !alias.ends_with('_') => alias,
                _ => return,
            },
            None => written.get(1..written.len() - 2).unwrap_or("").trim(),
        };
        if !name.is_empty() {
            uses.push((name.to_string(), construct.end));
        }
    }

    /// Records the simple references (`name_`) of a stretch of plain text,
    /// outside the bare URLs found in it (`urls`, relative to the run): a
    /// reference starts after white space or an opening character
    /// (docutils' start-string rule) and ends before white space or
    /// punctuation.
    fn simple_uses(&mut self, run: &Range<usize>, urls: &[Range<usize>]) {
        let (Some(uses), Some(text)) = (self.uses.as_mut(), self.text.get(run.clone())) else {
            return;
        };
        for m in SIMPLE_REFERENCE.find_iter(text) {
            if urls.iter().any(|u| u.start < m.end() && m.start() < u.end) {
                continue;
            }
            let before = text.get(..m.start()).and_then(|t| t.chars().next_back());
            let after = text.get(m.end()..).and_then(|t| t.chars().next());
            let starts = before.is_none_or(|c| c.is_whitespace() || "([{<'\"-/:".contains(c));
            let ends = after.is_none_or(|c| {
                c.is_whitespace() || (c.is_ascii_punctuation() && !matches!(c, '_' | '`'))
            });
            if starts && ends {
                let name = m.as_str().strip_suffix('_').unwrap_or("");
                uses.push((name.to_string(), run.start + m.end()));
            }
        }
    }

    /// Reports the bare URLs of a stretch of plain text.
    fn bare(&mut self, run: Range<usize>, note: Option<&Note>) {
        let Some(text) = self.text.get(run.clone()) else {
            return;
        };
        let urls = find_bare_urls(text);
        self.simple_uses(&run, &urls);
        for span in urls {
            let span = run.start + span.start..run.start + span.end;
            self.out
                .push(noted(Found::new(span, CitationKind::Bare), note));
        }
    }

    /// Reports `` `text <url>`_ ``.
    fn link(
        &mut self,
        url: Range<usize>,
        text: Range<usize>,
        element: Range<usize>,
        note: Option<&Note>,
    ) {
        let mut found = Found::new(url.clone(), CitationKind::InlineLink).element(element);
        let same = self.text.get(url) == self.text.get(text.clone());
        found.text_span = (same && !text.is_empty()).then_some(text);
        self.out.push(noted(found, note));
    }

    /// Gives each auto-numbered footnote the lowest number not yet used.
    fn number_auto_footnotes(&mut self) {
        let mut next = 1u64;
        for range in std::mem::take(&mut self.auto) {
            while self.manual.contains(&next) {
                next += 1;
            }
            let label = next.to_string();
            next += 1;
            for found in self.out.get_mut(range).into_iter().flatten() {
                if found.footnote.is_none() && found.kind == CitationKind::Footnote {
                    found.footnote = Some(label.clone());
                }
            }
        }
    }
}

/// Puts a found URL into the note being read, if any.
fn noted(mut found: Found, note: Option<&Note>) -> Found {
    if let Some(note) = note {
        found.kind = note.kind;
        found.footnote.clone_from(&note.label);
        found.context.clone_from(&note.context);
    }
    found
}

/// Which end-strings may still follow in a paragraph. Once a search for one
/// fails, none follows later either, so it is not repeated: that keeps a
/// paragraph full of stray backquotes linear.
struct Closers {
    literal: bool,
    interpreted: bool,
}

/// The extent of backquoted markup at `at`, and for a hyperlink reference
/// with an embedded URI, the spans of that URI and of the link text.
/// `None` when the backquote starts nothing (no end-string follows).
#[allow(clippy::type_complexity)]
fn backquoted(
    bytes: &[u8],
    at: usize,
    end: usize,
    closers: &mut Closers,
) -> Option<(Range<usize>, Option<(Range<usize>, Range<usize>)>)> {
    let rest = bytes.get(at..end)?;
    if rest.starts_with(b"``") && closers.literal {
        let close = memchr::memmem::find(rest.get(2..)?, b"``");
        closers.literal = close.is_some();
        return Some((at..at + 2 + close? + 2, None));
    }
    if rest.get(1).is_none_or(u8::is_ascii_whitespace) || !closers.interpreted {
        return None;
    }
    let close = memchr::memchr_iter(b'`', rest.get(1..)?).find(|&i| end_string(rest, i + 1));
    closers.interpreted = close.is_some();
    let close = at + 1 + close?;
    let underscores = bytes
        .get(close + 1..end)
        .map_or(0, |r| r.iter().take(2).take_while(|b| **b == b'_').count());
    let construct = at..close + 1 + underscores;
    if underscores == 0 || bytes.get(close.wrapping_sub(1)) != Some(&b'>') {
        return Some((construct, None));
    }
    let lt = at + 1 + memchr::memrchr(b'<', bytes.get(at + 1..close)?)?;
    let url = trim(bytes, lt + 1..close - 1);
    let text = trim(bytes, at + 1..lt);
    Some((construct, Some((url, text))))
}

/// Whether the backquote at `i` can end interpreted text: not after white
/// space, and followed by the end, white space, `_` or punctuation.
fn end_string(bytes: &[u8], i: usize) -> bool {
    let before = i.checked_sub(1).and_then(|b| bytes.get(b));
    let after = bytes.get(i + 1);
    before.is_some_and(|b| !b.is_ascii_whitespace())
        && after.is_none_or(|a| a.is_ascii_whitespace() || (a.is_ascii_punctuation() && *a != b'`'))
}

/// Shrinks a byte range to exclude ASCII white space.
fn trim(bytes: &[u8], mut r: Range<usize>) -> Range<usize> {
    while r.start < r.end && bytes.get(r.start).is_some_and(u8::is_ascii_whitespace) {
        r.start += 1;
    }
    while r.end > r.start && bytes.get(r.end - 1).is_some_and(u8::is_ascii_whitespace) {
        r.end -= 1;
    }
    r
}

/// Whether a bracketed label is a footnote or citation label: a number,
/// `#`, `#name`, `*`, or a simple reference name.
fn valid_label(label: &str) -> bool {
    let name = label.strip_prefix('#').unwrap_or(label);
    label == "*"
        || label == "#"
        || (!name.is_empty()
            && name
                .chars()
                .all(|c| c.is_alphanumeric() || "-_.:+".contains(c))
            && name.chars().next().is_some_and(char::is_alphanumeric))
}

/// The directive name of `name:: …`, if `rest` is a directive.
fn directive_name(rest: &str) -> Option<&str> {
    let end = rest.find("::")?;
    let name = rest.get(..end)?;
    let after = rest.get(end + 2..)?;
    let valid = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || "-_.:+".contains(c))
        && (after.is_empty() || after.starts_with([' ', '\t']));
    valid.then_some(name)
}

/// The text of a `|name| replace:: text` substitution definition.
fn substitution_body(rest: &str) -> Option<&str> {
    let inner = rest.strip_prefix('|')?;
    let after = inner.get(inner.find('|')? + 1..)?.trim_start();
    after.strip_prefix("replace::")
}

#[cfg(test)]
mod tests {
    use super::reference_uses;

    fn names(text: &str) -> Vec<(String, &str)> {
        reference_uses(text)
            .into_iter()
            .map(|(name, end)| (name, text.get(..end).unwrap_or("")))
            .map(|(name, before)| {
                (
                    name,
                    before.get(before.len().saturating_sub(6)..).unwrap_or(""),
                )
            })
            .collect()
    }

    #[test]
    fn references_are_found_where_docutils_finds_them() {
        let text = "a_, (b-c_), -d_ /e_ :f_; o_p_q_, `G h`_ and `x <i_>`_.\n\
                    Not j__, `k`__, ``l_``, :role:`m_`, n_x, o_p, or http://r.org/s_ here.\n\n\
                    ::\n\n    t_ in a literal block\n\n.. u_ in a comment\n";
        let found: Vec<String> = names(text).into_iter().map(|(n, _)| n).collect();
        assert_eq!(found, ["a", "b-c", "d", "e", "f", "o_p_q", "G h", "i"]);
        // Each use ends right after its `_`, where an archive link goes.
        assert!(names(text).iter().all(|(_, before)| before.ends_with('_')));
    }
}
