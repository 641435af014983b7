//! MediaWiki wikitext extraction.
//!
//! No maintained Rust wikitext parser exists, so this is a hand-written
//! scanner for the constructs that carry citations: `<ref>` notes, cite
//! templates, `[http://… text]` external links and bare URLs. It walks the text
//! once, descending into templates, refs and link captions. Everything it must
//! match first (the `}}` closing a `{{`, the `</ref>` closing a `<ref>`) is
//! found without rescanning: template braces are paired in one pre-pass, and
//! forward searches for closing tags remember their last answer, so a document
//! full of unclosed tags stays linear.
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

use std::borrow::Cow;
use std::collections::HashMap;
use std::ops::Range;
use std::sync::LazyLock;

use memchr::memmem;

use super::html::{decode_entities, push_capped};
use super::{dates, Doc, Found};
use crate::citation::CitationKind;
use crate::repair;

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
    scanner.pair_braces();
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

/// A forward search that remembers its last answer, so repeated searches
/// from nearby positions cost nothing.
struct Finder {
    needle: memmem::Finder<'static>,
    from: usize,
    hit: Option<Option<usize>>,
}

impl Finder {
    fn new(needle: &'static [u8]) -> Finder {
        Finder {
            needle: memmem::Finder::new(needle),
            from: 0,
            hit: None,
        }
    }

    /// First occurrence of the needle at or after `pos`.
    fn next(&mut self, text: &str, pos: usize) -> Option<usize> {
        if let Some(hit) = self.hit {
            if pos >= self.from && hit.is_none_or(|h| pos <= h) {
                return hit;
            }
        }
        let found = text
            .as_bytes()
            .get(pos..)
            .and_then(|rest| self.needle.find(rest))
            .map(|i| pos + i);
        self.from = pos;
        self.hit = Some(found);
        found
    }
}

struct Scanner<'a> {
    text: &'a str,
    /// `{{` position and position of its `}}`, sorted by the first.
    braces: Vec<(usize, usize)>,
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
    /// Closing-tag finders for [`OPAQUE`], in its order.
    opaque: Vec<Finder>,
}

impl<'a> Scanner<'a> {
    fn new(text: &'a str) -> Scanner<'a> {
        Scanner {
            text,
            braces: Vec::new(),
            sections: sections(text),
            found: Vec::new(),
            found_in: Vec::new(),
            refs: Vec::new(),
            counts: Vec::new(),
            names: HashMap::new(),
            serial: 0,
            comment_end: Finder::new(b"-->"),
            ref_end: Finder::new(b"</ref"),
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
        let open_end = pos + tag_len(text, pos)?;
        if self.byte(open_end - 2) == b'/' {
            return Some(open_end);
        }
        let close = self.opaque.get_mut(i)?.next(text, open_end)?;
        Some(close + tag_len(text, close).unwrap_or(2))
    }

    /// Pairs every `{{` with its `}}` in one pass; unpaired braces are text.
    fn pair_braces(&mut self) {
        let mut open = Vec::new();
        let mut pos = 0;
        let bytes = self.text.as_bytes();
        while let Some(i) = memchr::memchr3(b'{', b'}', b'<', bytes.get(pos..).unwrap_or_default())
        {
            let at = pos + i;
            if let Some(end) = self.opaque_end(at) {
                pos = end.max(at + 1);
                continue;
            }
            let next = bytes.get(at + 1).copied();
            match (bytes.get(at).copied(), next) {
                (Some(b'{'), Some(b'{')) => {
                    open.push(at);
                    pos = at + 2;
                }
                (Some(b'}'), Some(b'}')) => {
                    if let Some(start) = open.pop() {
                        self.braces.push((start, at));
                    }
                    pos = at + 2;
                }
                _ => pos = at + 1,
            }
        }
        self.braces.sort_unstable();
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
        for url in repair::find_bare_urls(text) {
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
        let end = at + tag_len(self.text, at)?;
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
            end: (close + tag_len(self.text, close).unwrap_or(5)).min(limit),
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

/// Length of the tag starting at `at` (`<…>`), if it closes.
fn tag_len(text: &str, at: usize) -> Option<usize> {
    let rest = text.as_bytes().get(at..)?;
    let reach = rest.len().min(LINK_REACH);
    memchr::memchr(b'>', rest.get(..reach)?).map(|i| i + 1)
}

/// The value of attribute `name` in a tag's attribute text (quoted or not).
fn attr<'t>(attrs: &'t str, name: &str) -> Option<&'t str> {
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
fn sections(text: &str) -> Vec<(usize, bool)> {
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
fn clean_context(raw: &str) -> String {
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
fn before_comment(s: &str) -> &str {
    static COMMENT: LazyLock<memmem::Finder<'static>> =
        LazyLock::new(|| memmem::Finder::new("<!--"));
    COMMENT
        .find(s.as_bytes())
        .and_then(|c| s.get(..c))
        .unwrap_or(s)
}

/// The parameters of a cite template that matter here, as byte ranges.
#[derive(Default)]
struct CiteParams {
    url: Option<Range<usize>>,
    /// `chapter-url=` and kin, used when there is no `url=`.
    other_url: Option<Range<usize>>,
    access_date: Option<Range<usize>>,
    date: Option<Range<usize>>,
    archive_url: Option<Range<usize>>,
    author: Option<Range<usize>>,
    first: Option<Range<usize>>,
    /// `year=`, the date when there is no `date=`.
    year: Option<Range<usize>>,
    title: Option<Range<usize>>,
    work: Option<Range<usize>>,
    publisher: Option<Range<usize>>,
}

impl<'a> Scanner<'a> {
    fn slice(&self, range: &Range<usize>) -> &'a str {
        self.text.get(range.clone()).unwrap_or_default()
    }

    /// `{{…}}`: a cite template yields its URL; any other is read as text.
    fn template(&mut self, whole: Range<usize>, scope: &Scope, depth: usize) {
        let parts = self.split_params(whole.start + 2..whole.end - 2);
        let Some((name, params)) = parts.split_first() else {
            return;
        };
        if is_cite(self.slice(name)) {
            self.cite(whole, params, scope);
            return;
        }
        for part in params {
            let value = self.named(part).map_or_else(|| part.clone(), |(_, v)| v);
            self.walk(value, scope, depth);
        }
    }

    /// Splits a template's inside at the `|` that are not in a nested
    /// template, link, comment or `<nowiki>`.
    fn split_params(&mut self, inner: Range<usize>) -> Vec<Range<usize>> {
        let mut parts = Vec::new();
        let mut start = inner.start;
        let mut links = 0usize;
        let mut pos = inner.start;
        while pos < inner.end {
            let here = self.byte(pos);
            let next = self.byte(pos + 1);
            pos = match (here, next) {
                (b'{', b'{') => self.brace_close(pos).map_or(pos + 2, |c| c + 2),
                (b'[', b'[') => {
                    links += 1;
                    pos + 2
                }
                (b']', b']') => {
                    links = links.saturating_sub(1);
                    pos + 2
                }
                (b'<', _) => self.opaque_end(pos).unwrap_or(pos + 1),
                (b'|', _) if links == 0 => {
                    parts.push(start..pos);
                    start = pos + 1;
                    pos + 1
                }
                _ => pos + 1,
            };
        }
        parts.push(start..inner.end);
        parts
    }

    /// A named parameter's key (trimmed, lowercased) and value range.
    fn named(&self, part: &Range<usize>) -> Option<(Cow<'a, str>, Range<usize>)> {
        let text = self.slice(part);
        let eq = text.find('=')?;
        let key = text.get(..eq)?;
        if key.contains(['{', '[', '<']) {
            return None;
        }
        let key = key.trim();
        let key = if key.bytes().any(|b| b.is_ascii_uppercase()) {
            Cow::Owned(key.to_ascii_lowercase())
        } else {
            Cow::Borrowed(key)
        };
        Some((key, part.start + eq + 1..part.end))
    }

    /// A parameter value as written, without a trailing comment or spaces.
    fn value_span(&self, value: Range<usize>) -> Range<usize> {
        let text = self.slice(&value);
        let text = before_comment(text);
        let lead = text.len() - text.trim_start().len();
        let start = value.start + lead;
        start..start + text.trim().len()
    }

    fn cite_params(&self, params: &[Range<usize>]) -> CiteParams {
        let mut p = CiteParams::default();
        for part in params {
            let Some((key, value)) = self.named(part) else {
                continue;
            };
            let value = Some(self.value_span(value));
            match &*key {
                "url" => p.url = value,
                "chapter-url" | "chapterurl" | "contribution-url" | "section-url" | "entry-url"
                | "article-url" => p.other_url = value,
                "access-date" | "accessdate" => p.access_date = value,
                "date" => p.date = value,
                "archive-url" | "archiveurl" => p.archive_url = value,
                "author" | "author1" | "last" | "last1" => p.author = value,
                "first" | "first1" => p.first = value,
                "year" => p.year = value,
                "title" => p.title = value,
                "work" | "website" | "newspaper" | "journal" | "magazine" | "periodical"
                | "encyclopedia" => p.work = value,
                "publisher" => p.publisher = value,
                _ => {}
            }
        }
        p
    }

    /// A cite template: its URL is the citation, dated and archived from
    /// its fields.
    fn cite(&mut self, whole: Range<usize>, params: &[Range<usize>], scope: &Scope) {
        let p = self.cite_params(params);
        let rendered = self.render(&p);
        self.note_text(&rendered);
        let Some(url) = p
            .url
            .clone()
            .filter(|r| !r.is_empty())
            .or(p.other_url.clone())
        else {
            return;
        };
        if url.is_empty() {
            return;
        }
        let date_of =
            |r: &Option<Range<usize>>| r.as_ref().and_then(|r| dates::parse_date(self.slice(r)));
        let mut found = Found::new(url, CitationKind::Reference).element(whole);
        found.date = date_of(&p.access_date)
            .or_else(|| date_of(&p.date))
            .or_else(|| date_of(&p.year));
        found.archived = p
            .archive_url
            .as_ref()
            .map(|r| self.slice(r).to_string())
            .filter(|a| !a.is_empty());
        if scope.note.is_none() && !rendered.is_empty() {
            found.context = Some(clean_context(&rendered));
        }
        self.report(found, scope);
    }

    /// A cite template as a reader sees it, roughly: author, title, work,
    /// publisher, date and access date.
    fn render(&mut self, p: &CiteParams) -> String {
        let mut out = String::new();
        if self.piece(&mut out, p.author.as_ref(), "", "")
            && !self.piece(&mut out, p.first.as_ref(), ", ", ". ")
        {
            out.push_str(". ");
        }
        self.piece(&mut out, p.title.as_ref(), "\"", "\". ");
        self.piece(&mut out, p.work.as_ref(), "", ". ");
        self.piece(&mut out, p.publisher.as_ref(), "", ". ");
        if !self.piece(&mut out, p.date.as_ref(), "", ". ") {
            self.piece(&mut out, p.year.as_ref(), "", ". ");
        }
        self.piece(&mut out, p.access_date.as_ref(), "Retrieved ", ". ");
        out.truncate(out.trim_end().len());
        out
    }

    /// Appends a field's readable text between `before` and `after`;
    /// appends nothing and returns false when the field is absent or blank.
    fn piece(
        &mut self,
        out: &mut String,
        field: Option<&Range<usize>>,
        before: &str,
        after: &str,
    ) -> bool {
        let Some(field) = field else {
            return false;
        };
        let mark = out.len();
        out.push_str(before);
        let body = out.len();
        self.readable(field.clone(), 0, out);
        if out.get(body..).is_none_or(|b| b.trim().is_empty()) {
            out.truncate(mark);
            return false;
        }
        out.truncate(out.trim_end().len());
        out.push_str(after);
        true
    }

    /// Appends the text a reader sees for a field value: `[[a|b]]` shows
    /// `b`, a template such as `{{lang|de|x}}` its last unnamed parameter,
    /// comments nothing.
    fn readable(&mut self, range: Range<usize>, depth: usize, out: &mut String) {
        let bytes = self.text.as_bytes();
        let (mut run, mut pos) = (range.start, range.start);
        while let Some(i) = bytes
            .get(pos..range.end)
            .and_then(|b| memchr::memchr3(b'<', b'{', b'[', b))
        {
            let at = pos + i;
            let shown = match self.recognise(at, range.end) {
                Some(Markup::Skip(end)) if self.byte(at) == b'<' && self.byte(at + 1) == b'!' => {
                    Some((None, end))
                }
                Some(Markup::Template(whole)) => {
                    let parts = self.split_params(whole.start + 2..whole.end - 2);
                    let last = parts
                        .iter()
                        .skip(1)
                        .rfind(|p| self.named(p).is_none())
                        .cloned();
                    Some((last, whole.end))
                }
                Some(Markup::WikiLink(inner)) => {
                    let text = self.slice(&inner);
                    let shown = text.rfind('|').map_or(inner.start, |p| inner.start + p + 1);
                    Some((Some(shown..inner.end), inner.end + 2))
                }
                _ => None,
            };
            let Some((part, end)) = shown else {
                pos = at + 1;
                continue;
            };
            out.push_str(self.slice(&(run..at)));
            if let Some(part) = part.filter(|_| depth < MAX_DEPTH) {
                self.readable(part, depth + 1, out);
            }
            pos = end.max(at + 1);
            run = pos;
        }
        out.push_str(self.slice(&(run..range.end)));
    }

    /// `[[target|text]]`: not a citation, but its text belongs to the note
    /// and a file caption may hold refs and links.
    fn wikilink(&mut self, inner: Range<usize>, scope: &Scope, depth: usize) {
        let text = self.slice(&inner);
        let pipe = text
            .find('|')
            .filter(|&p| !text.get(..p).unwrap_or_default().contains(['[', '{']));
        match pipe {
            Some(p) => self.walk(inner.start + p + 1..inner.end, scope, depth),
            None => {
                let target = text.trim_start_matches(':').to_string();
                self.note_text(&target);
            }
        }
    }

    /// The `]]` matching the `[[` at `at`, within reach.
    fn link_close(&self, at: usize, limit: usize) -> Option<usize> {
        let end = limit.min(at.saturating_add(LINK_REACH));
        let mut open = 0usize;
        let mut pos = at;
        while pos + 1 < end {
            match (self.byte(pos), self.byte(pos + 1)) {
                (b'[', b'[') => {
                    open += 1;
                    pos += 2;
                }
                (b']', b']') => {
                    open -= 1;
                    if open == 0 {
                        return Some(pos);
                    }
                    pos += 2;
                }
                _ => pos += 1,
            }
        }
        None
    }

    /// `[http://… text]` ending on its line; otherwise the `[` is text and
    /// the URL a bare one.
    fn recognise_external(&self, at: usize, limit: usize) -> Option<Markup> {
        let start = at + 1;
        let rest = self.text.get(start..limit)?;
        let scheme = ["http://", "https://", "ftp://"].iter().any(|s| {
            rest.get(..s.len())
                .is_some_and(|p| p.eq_ignore_ascii_case(s))
        });
        if !scheme {
            return None;
        }
        let line = rest.get(..rest.len().min(LINK_REACH))?;
        let line = line.find('\n').and_then(|n| line.get(..n)).unwrap_or(line);
        let url_len = line
            .find(|c: char| c.is_whitespace() || matches!(c, '[' | ']' | '<' | '>' | '"'))
            .unwrap_or(line.len());
        let close = start + url_len + line.get(url_len..)?.find(']')?;
        Some(Markup::External {
            whole: at..close + 1,
            url: start..start + url_len,
        })
    }

    /// An external link: inline, or a note's or bibliography's source.
    fn external(&mut self, whole: Range<usize>, url: Range<usize>, scope: &Scope) {
        let label_range = url.end..whole.end - 1;
        let raw_label = self.slice(&label_range);
        let label = raw_label.trim().to_string();
        let url_text = self.slice(&url).to_string();
        let kind = self.outside_kind(whole.start, CitationKind::InlineLink);
        let mut found = Found::new(url, kind).element(whole);
        if label == url_text {
            let offset = label_range.start + (raw_label.len() - raw_label.trim_start().len());
            found.text_span = Some(offset..offset + label.len());
        }
        self.note_text(if label.is_empty() { &url_text } else { &label });
        if scope.note.is_none() && !label.is_empty() {
            found.context = Some(clean_context(&label));
        }
        self.report(found, scope);
    }
}

/// Whether a template name is one of the cite family (`cite web`,
/// `Cite_news`, `citation`…).
fn is_cite(name: &str) -> bool {
    let name = before_comment(name).trim();
    let name = name
        .get(..9)
        .filter(|p| p.eq_ignore_ascii_case("template:"))
        .map_or(name, |_| name.get(9..).unwrap_or_default());
    let mut words = name
        .split(|c: char| c.is_whitespace() || c == '_')
        .filter(|w| !w.is_empty());
    let first = words.next().unwrap_or_default();
    let more = words.next().is_some();
    if first.eq_ignore_ascii_case("cite") || first.eq_ignore_ascii_case("vcite") {
        more
    } else {
        first.eq_ignore_ascii_case("citation") && !more
    }
}
