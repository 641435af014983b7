//! MediaWiki wikitext extraction.
//!
//! No maintained Rust wikitext parser exists, so this is a hand-written
//! scanner for the constructs that carry citations: `<ref>` notes, cite
//! templates, `[http://… text]` external links and bare URLs. It walks the text
//! once, descending into templates, refs and link captions. Everything it must
//! match first (the `}}` closing a `{{`, the `</ref>` closing a `<ref>`) is
//! found without rescanning: `{{ }}` and `[[ ]]` are paired in one pre-pass
//! each, and forward searches for closing tags remember their last answer, so
//! a document full of unclosed markup stays linear.
//!
//! Decisions the format leaves open:
//! * A ref's label is the number the reader sees: refs are numbered in order
//!   of first appearance, a named ref (`<ref name=x/>`, or its definition in
//!   `<references>`) keeps its name's first number, and each `group=` counts
//!   on its own, labelled like MediaWiki shows it (`note 1`).
//! * In a cite template only `url=` (or, without one, `chapter-url=` and its
//!   kin) is a citation; `archive-url=` becomes that citation's `archived`;
//!   `access-date=`, else `date=`, its date. URLs in other templates are read
//!   as text, so `{{URL|…}}` or `{{webarchive|url=…}}` are still found.
//! * Outside refs, cite templates are references; so are links in a section
//!   titled like a bibliography ("References", "Sources", "Works cited"…).

use std::collections::HashMap;
use std::ops::Range;

mod links;
mod template;
mod text;

use text::{attr, before_comment, clean_context, sections, Finder, Needle};

use super::html::{bare_urls, push_capped};
use super::{Doc, Found};
use crate::citation::CitationKind;

/// Deepest template/ref/link nesting followed; deeper markup is skipped,
/// which bounds recursion on hostile input.
const MAX_DEPTH: usize = 40;

/// How far a `[[…]]` or `[http…]` link may reach for its closing bracket.
const LINK_REACH: usize = 4096;

/// Tags whose content is not wikitext, with the start of their closing tag.
const OPAQUE: [(&str, &[u8]); 9] = [
    ("nowiki", b"</nowiki"),
    ("pre", b"</pre"),
    ("math", b"</math"),
    ("syntaxhighlight", b"</syntaxhighlight"),
    ("source", b"</source"),
    ("score", b"</score"),
    ("templatedata", b"</templatedata"),
    ("graph", b"</graph"),
    ("timeline", b"</timeline"),
];

/// Tags MediaWiki accepts in articles; any other `<word` is text.
const KNOWN_TAGS: [&str; 48] = [
    "ref",
    "references",
    "br",
    "span",
    "div",
    "small",
    "big",
    "sup",
    "sub",
    "b",
    "i",
    "u",
    "s",
    "em",
    "strong",
    "code",
    "tt",
    "kbd",
    "samp",
    "var",
    "blockquote",
    "center",
    "font",
    "p",
    "abbr",
    "cite",
    "q",
    "del",
    "ins",
    "mark",
    "table",
    "tr",
    "td",
    "th",
    "caption",
    "ul",
    "ol",
    "li",
    "dl",
    "dt",
    "dd",
    "hr",
    "gallery",
    "poem",
    "templatestyles",
    "onlyinclude",
    "includeonly",
    "noinclude",
];

/// Extracts every cited URL of a wikitext document.
pub fn extract(doc: &Doc) -> Vec<Found> {
    let mut scanner = Scanner::new(doc.text);
    scanner.pair_all();
    let top = Scope::default();
    scanner.walk(0..doc.text.len(), &top, 0);
    scanner.found
}

/// Where the walk is: inside which ref, if any.
#[derive(Default, Clone)]
struct Scope {
    /// Label and serial of the enclosing ref.
    note: Option<(String, usize)>,
}

/// A construct the walk recognised, with the ranges needed to act on it.
enum Markup {
    /// Something to step over: a comment, `<nowiki>`, a formatting tag.
    Skip(usize),
    /// `<ref name=x/>`: attribute text and end.
    RefUse { attrs: Range<usize>, end: usize },
    /// `<ref …>…</ref>`: attribute text, content and end.
    Ref {
        attrs: Range<usize>,
        content: Range<usize>,
        end: usize,
    },
    /// `{{…}}`, braces included.
    Template(Range<usize>),
    /// The inside of `[[…]]`.
    WikiLink(Range<usize>),
    /// `[url text]` and its URL.
    External {
        whole: Range<usize>,
        url: Range<usize>,
    },
}

/// A ref being read: its serial, text so far and first citation index.
struct OpenRef {
    serial: usize,
    text: String,
    first: usize,
}

struct Scanner<'a> {
    text: &'a str,
    /// `{{` and `[[` positions with the position of their `}}` and `]]`,
    /// sorted.
    braces: Vec<(usize, usize)>,
    brackets: Vec<(usize, usize)>,
    /// Starts of headings and whether they open a bibliography section.
    sections: Vec<(usize, bool)>,
    found: Vec<Found>,
    /// Note serial of each found citation (parallel to `found`).
    found_in: Vec<Option<usize>>,
    refs: Vec<OpenRef>,
    /// Numbers given so far per group, and per (group, name).
    counts: Vec<(&'a str, u32)>,
    names: HashMap<(&'a str, &'a str), u32>,
    serial: usize,
    comment_end: Finder,
    ref_end: Finder,
    tag_end: Finder,
    bracket_or_line: Finder,
    /// Closing-tag finders for [`OPAQUE`], in its order.
    opaque: Vec<Finder>,
}

impl<'a> Scanner<'a> {
    fn new(text: &'a str) -> Scanner<'a> {
        Scanner {
            text,
            braces: Vec::new(),
            brackets: Vec::new(),
            sections: sections(text),
            found: Vec::new(),
            found_in: Vec::new(),
            refs: Vec::new(),
            counts: Vec::new(),
            names: HashMap::new(),
            serial: 0,
            comment_end: Finder::new(b"-->"),
            ref_end: Finder::new(b"</ref"),
            tag_end: Finder::of(Needle::Bytes(b'>', b'>')),
            bracket_or_line: Finder::of(Needle::Bytes(b']', b'\n')),
            opaque: OPAQUE.iter().map(|(_, close)| Finder::new(close)).collect(),
        }
    }

    fn byte(&self, pos: usize) -> u8 {
        self.text.as_bytes().get(pos).copied().unwrap_or(0)
    }

    fn starts_with_ci(&self, pos: usize, prefix: &str) -> bool {
        self.text
            .as_bytes()
            .get(pos..pos + prefix.len())
            .is_some_and(|b| b.eq_ignore_ascii_case(prefix.as_bytes()))
    }

    /// The name of the tag starting at `pos` (as written) and whether it is
    /// a closing tag; `None` when `pos` starts no tag.
    fn tag_name_at(&self, pos: usize) -> Option<(&'a str, bool)> {
        let rest = self.text.as_bytes().get(pos + 1..)?;
        let closing = rest.first() == Some(&b'/');
        let rest = rest.get(usize::from(closing)..)?;
        let len = rest
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric())
            .count();
        let after = rest.get(len).copied();
        let boundary = after.is_none_or(|b| b.is_ascii_whitespace() || b == b'/' || b == b'>');
        if !rest.first()?.is_ascii_alphabetic() || !boundary {
            return None;
        }
        let name = std::str::from_utf8(rest.get(..len)?).ok()?;
        Some((name, closing))
    }

    /// End of a region whose content is not wikitext (a comment, `<nowiki>`,
    /// `<pre>`, `<math>`…) starting at `pos`, or `None` when none starts there.
    fn opaque_end(&mut self, pos: usize) -> Option<usize> {
        let text = self.text;
        if self.starts_with_ci(pos, "<!--") {
            let end = self.comment_end.next(text, pos + 4);
            return Some(end.map_or(text.len(), |e| e + 3));
        }
        let (name, closing) = self.tag_name_at(pos)?;
        let i = OPAQUE
            .iter()
            .position(|(n, _)| n.eq_ignore_ascii_case(name))
            .filter(|_| !closing)?;
        let open_end = pos + self.tag_len(pos)?;
        if self.byte(open_end - 2) == b'/' {
            return Some(open_end);
        }
        let close = self.opaque.get_mut(i)?.next(text, open_end)?;
        Some(close + self.tag_len(close).unwrap_or(2))
    }

    /// Pairs every `{{` with its `}}` and `[[` with its `]]`, one pass
    /// each; unpaired ones are text.
    fn pair_all(&mut self) {
        self.braces = self.pair(b'{', b'}');
        self.brackets = self.pair(b'[', b']');
    }

    /// Pairs doubled `open` bytes with doubled `close` bytes, nesting, outside
    /// comments and `<nowiki>`; sorted by opening position.
    fn pair(&mut self, open: u8, close: u8) -> Vec<(usize, usize)> {
        let mut pairs = Vec::new();
        let mut stack = Vec::new();
        let mut pos = 0;
        let bytes = self.text.as_bytes();
        while let Some(i) = memchr::memchr3(open, close, b'<', bytes.get(pos..).unwrap_or_default())
        {
            let at = pos + i;
            if let Some(end) = self.opaque_end(at) {
                pos = end.max(at + 1);
                continue;
            }
            let (here, next) = (self.byte(at), self.byte(at + 1));
            if here == open && next == open {
                stack.push(at);
                pos = at + 2;
            } else if here == close && next == close {
                if let Some(start) = stack.pop() {
                    pairs.push((start, at));
                }
                pos = at + 2;
            } else {
                pos = at + 1;
            }
        }
        pairs.sort_unstable();
        pairs
    }

    /// Walks wikitext in `range`, reporting citations and collecting the
    /// enclosing ref's text.
    fn walk(&mut self, range: Range<usize>, scope: &Scope, depth: usize) {
        let bytes = self.text.as_bytes();
        let mut run = range.start;
        let mut pos = range.start;
        while pos < range.end {
            let Some(i) = bytes
                .get(pos..range.end)
                .and_then(|b| memchr::memchr3(b'<', b'{', b'[', b))
            else {
                break;
            };
            let at = pos + i;
            match self.recognise(at, range.end) {
                Some(markup) => {
                    self.plain(run..at, scope);
                    let end = self.handle(markup, scope, depth);
                    pos = end.clamp(at + 1, range.end);
                    run = pos;
                }
                None => pos = at + 1,
            }
        }
        self.plain(run..range.end, scope);
    }

    /// The markup starting at `at` and ending by `limit`, if any.
    fn recognise(&mut self, at: usize, limit: usize) -> Option<Markup> {
        if let Some(end) = self.opaque_end(at) {
            return Some(Markup::Skip(end.min(limit)));
        }
        match self.byte(at) {
            b'<' => self.recognise_tag(at, limit),
            b'{' => {
                let close = self.brace_close(at)?;
                (close + 2 <= limit).then_some(Markup::Template(at..close + 2))
            }
            b'[' if self.byte(at + 1) == b'[' => {
                let close = self.link_close(at, limit)?;
                Some(Markup::WikiLink(at + 2..close))
            }
            b'[' => self.recognise_external(at, limit),
            _ => None,
        }
    }

    /// Acts on recognised markup; returns where it ends.
    fn handle(&mut self, markup: Markup, scope: &Scope, depth: usize) -> usize {
        let deeper = depth + 1;
        match markup {
            Markup::Skip(end) => end,
            Markup::RefUse { attrs, end } => {
                self.number(self.slice(&attrs));
                end
            }
            Markup::Ref {
                attrs,
                content,
                end,
            } => {
                let label = self.number(self.slice(&attrs));
                if deeper < MAX_DEPTH {
                    self.read_ref(content, label, deeper);
                }
                end
            }
            Markup::Template(whole) => {
                let end = whole.end;
                if deeper < MAX_DEPTH {
                    self.template(whole, scope, deeper);
                }
                end
            }
            Markup::WikiLink(inner) => {
                let end = inner.end + 2;
                if deeper < MAX_DEPTH {
                    self.wikilink(inner, scope, deeper);
                }
                end
            }
            Markup::External { whole, url } => {
                let end = whole.end;
                self.external(whole, url, scope);
                end
            }
        }
    }

    /// Plain text: bare URLs, and the enclosing ref's text.
    fn plain(&mut self, range: Range<usize>, scope: &Scope) {
        let Some(text) = self.text.get(range.clone()) else {
            return;
        };
        self.note_text(text);
        for url in bare_urls(text) {
            let span = range.start + url.start..range.start + url.end;
            let kind = self.outside_kind(span.start, CitationKind::Bare);
            self.report(Found::new(span, kind), scope);
        }
    }

    fn note_text(&mut self, text: &str) {
        if let Some(open) = self.refs.last_mut() {
            push_capped(&mut open.text, text);
        }
    }

    /// The kind of a URL outside refs: `outside`, or reference in a
    /// bibliography section.
    fn outside_kind(&self, pos: usize, outside: CitationKind) -> CitationKind {
        let i = self.sections.partition_point(|&(start, _)| start <= pos);
        match i.checked_sub(1).and_then(|i| self.sections.get(i)) {
            Some(&(_, true)) => CitationKind::Reference,
            _ => outside,
        }
    }

    /// Records a citation; inside a ref it becomes a footnote of that ref.
    fn report(&mut self, mut found: Found, scope: &Scope) {
        if let Some((label, serial)) = &scope.note {
            found.kind = CitationKind::Footnote;
            found.footnote = Some(label.clone());
            self.found_in.push(Some(*serial));
        } else {
            self.found_in.push(None);
        }
        self.found.push(found);
    }

    /// An HTML-like tag: `<ref>` starts a note; other known tags are
    /// skipped and their content read on; unknown ones are text.
    fn recognise_tag(&mut self, at: usize, limit: usize) -> Option<Markup> {
        let (name, closing) = self.tag_name_at(at)?;
        if !KNOWN_TAGS.iter().any(|t| t.eq_ignore_ascii_case(name)) {
            return None;
        }
        let end = at + self.tag_len(at)?;
        if end > limit {
            return None;
        }
        if closing || !name.eq_ignore_ascii_case("ref") {
            return Some(Markup::Skip(end));
        }
        if self.byte(end - 2) == b'/' {
            let attrs = at + 4..end - 2;
            return Some(Markup::RefUse { attrs, end });
        }
        let close = self.ref_end.next(self.text, end).filter(|&c| c <= limit)?;
        Some(Markup::Ref {
            attrs: at + 4..end - 1,
            content: end..close,
            end: (close + self.tag_len(close).unwrap_or(5)).min(limit),
        })
    }

    /// The label of a ref with these attributes, numbering it when it is new.
    fn number(&mut self, attrs: &'a str) -> String {
        let group = attr(attrs, "group").unwrap_or_default();
        let name = attr(attrs, "name");
        let known = name.and_then(|name| self.names.get(&(group, name)).copied());
        let n = known.unwrap_or_else(|| self.next_number(group));
        if let Some(name) = name {
            self.names.insert((group, name), n);
        }
        if group.is_empty() {
            n.to_string()
        } else {
            format!("{group} {n}")
        }
    }

    /// Length of the tag starting at `at` (`<…>`), if it closes within reach.
    fn tag_len(&mut self, at: usize) -> Option<usize> {
        let end = self.tag_end.next(self.text, at)?;
        (end - at < LINK_REACH).then_some(end - at + 1)
    }

    /// The next number of a ref group (documents use a handful of groups).
    fn next_number(&mut self, group: &'a str) -> u32 {
        if let Some((_, count)) = self.counts.iter_mut().find(|(g, _)| *g == group) {
            *count += 1;
            return *count;
        }
        self.counts.push((group, 1));
        1
    }

    /// The `}}` closing the `{{` at `open`, if they pair.
    fn brace_close(&self, open: usize) -> Option<usize> {
        let i = self.braces.binary_search_by_key(&open, |&(o, _)| o).ok()?;
        self.braces.get(i).map(|&(_, close)| close)
    }

    /// Walks a ref's content and gives its text to the citations inside.
    fn read_ref(&mut self, content: Range<usize>, label: String, depth: usize) {
        self.serial += 1;
        let serial = self.serial;
        self.refs.push(OpenRef {
            serial,
            text: String::new(),
            first: self.found.len(),
        });
        let scope = Scope {
            note: Some((label, serial)),
        };
        self.walk(content, &scope, depth);
        let Some(open) = self.refs.pop() else {
            return;
        };
        let context = clean_context(&open.text);
        if let Some(outer) = self.refs.last_mut() {
            push_capped(&mut outer.text, &context);
        }
        for (found, note) in self.found.iter_mut().zip(&self.found_in).skip(open.first) {
            if *note == Some(open.serial) && found.context.is_none() {
                found.context = Some(context.clone());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<Found> {
        extract(&Doc::new("t", text))
    }

    #[test]
    fn refs_inside_templates_and_captions_are_notes() {
        let text = "{{efn|x<ref>https://e.citecheck-fixture.org/</ref>}} \
            [[File:a.jpg|thumb|c<ref name=a>https://f.citecheck-fixture.org/</ref>]]<ref name=a/>";
        let labels: Vec<_> = found(text)
            .into_iter()
            .map(|f| (f.kind, f.footnote))
            .collect();
        assert_eq!(
            labels,
            [
                (CitationKind::Footnote, Some("1".to_string())),
                (CitationKind::Footnote, Some("2".to_string())),
            ]
        );
    }
}
