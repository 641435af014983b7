//! HTML extraction.
//!
//! lol_html tokenises the document in one streaming pass and reports the byte
//! offsets of start tags, end tags, attribute values and text, which is all a
//! citation span needs; it builds no tree. This module therefore keeps its own
//! small stack holding only the elements that change how a link is reported:
//! note containers (`section.footnotes`, `ol.references`,
//! `[role=doc-endnotes]`…), note items (`li`, `aside`, `[role=doc-footnote]`),
//! lists (for the number a reader sees), anchors, code and back-links.
//! lol_html does not report the end of an element the document leaves open, so
//! the cases that matter are closed the way a browser would: a new `<li>`
//! closes the previous note of its list, a new `<a>` closes the previous
//! anchor, and an end tag closes everything opened inside it.
//!
//! Decisions the format leaves open:
//! * A note's label is the number the reader sees: the item's number in an
//!   `<ol>` (honouring `start` and `value`). Outside an `<ol>` it is the label
//!   carried in the id (`fn:smith` → `smith`, `ref-doe2020` → `doe2020`), else
//!   the note's position among its siblings.
//! * A container's class names the kind before its ARIA role: Pandoc writes
//!   `<section class="footnotes" role="doc-endnotes">` for Markdown footnotes,
//!   and they are reported as footnotes, as the Markdown parser does.
//!   MediaWiki notes (`li#cite_note-…` inside `ol.references`) are footnotes
//!   too, matching the wikitext parser's `<ref>`.
//! * Only text a reader sees is searched for bare URLs: not `<script>`,
//!   `<style>`, `<title>`, comments or code (`<code>`, `<pre>`, `<kbd>`,
//!   `<samp>`). Attributes other than `<a href>` (`src`, `<link>`, `<meta>`,
//!   `<base>`) are never citations.

use std::cell::RefCell;
use std::ops::Range;
use std::rc::Rc;

use lol_html::html_content::{Element, TextChunk, TextType};
use lol_html::{doc_text, element, end_tag, HtmlRewriter, Settings};

mod tag;
mod text;

pub(crate) use text::{bare_urls, decode_entities, push_capped};

use tag::{id_label, is_block, Tag};
use text::trimmed;

use super::{Doc, Found};
use crate::citation::CitationKind;

/// Extracts every `<a href>` and bare URL of an HTML document.
pub fn extract(doc: &Doc) -> Vec<Found> {
    let walker = Rc::new(RefCell::new(Walker::default()));
    let text = doc.text;
    {
        let on_element = Rc::clone(&walker);
        let on_text = Rc::clone(&walker);
        let settings = Settings {
            element_content_handlers: vec![element!("*", move |el| {
                open_element(&on_element, el, text);
                Ok(())
            })],
            document_content_handlers: vec![doc_text!(move |chunk| {
                if let Ok(mut w) = on_text.try_borrow_mut() {
                    w.text(text, chunk);
                }
                Ok(())
            })],
            strict: false,
            ..Settings::new()
        };
        let mut rewriter = HtmlRewriter::new(settings, |_: &[u8]| {});
        // A rewriter error stops the walk; what was found so far stands.
        if rewriter.write(text.as_bytes()).is_ok() {
            let _ = rewriter.end();
        }
    }
    let mut walker = walker.take();
    walker.flush_bare(text);
    walker.truncate(0, text.len());
    let mut found: Vec<Found> = walker.pending.into_iter().map(|p| p.found).collect();
    // An element the document never closed ends at the next tag; the white
    // space before that tag is not part of it.
    for f in &mut found {
        if let Some(el) = &mut f.element {
            let trailing = text
                .get(el.clone())
                .map_or(0, |s| s.len() - s.trim_end().len());
            el.end -= trailing;
        }
    }
    found
}

/// Registers an element with the walker and, when it matters, a handler for
/// its end tag.
fn open_element(walker: &Rc<RefCell<Walker>>, el: &mut Element, text: &str) {
    let Ok(mut w) = walker.try_borrow_mut() else {
        return;
    };
    let Some((depth, serial)) = w.open(&Tag::read(el, text)) else {
        return;
    };
    if !el.can_have_content() {
        w.close(depth, serial, el.source_location().bytes().end);
        return;
    }
    drop(w);
    let walker = Rc::clone(walker);
    let _ = el.on_end_tag(end_tag!(move |end| {
        if let Ok(mut w) = walker.try_borrow_mut() {
            w.close(depth, serial, end.source_location().bytes().end);
        }
        Ok(())
    }));
}

/// The document state as seen so far: open elements that matter and the
/// citations found.
#[derive(Default)]
struct Walker {
    stack: Vec<Open>,
    /// Indices into `stack` of open lists, containers and notes.
    lists: Vec<usize>,
    containers: Vec<usize>,
    notes: Vec<usize>,
    /// Index into `stack` of the open anchor.
    anchor: Option<usize>,
    /// How many open elements hide bare URLs (code) or note text (back-links).
    quiet: usize,
    hidden: usize,
    serial: u64,
    /// Notes seen outside any container, for their ordinal labels.
    loose_notes: u32,
    pending: Vec<Pending>,
    /// The text node being read, for bare URLs.
    bare: Option<Range<usize>>,
}

/// An open element and the roles it plays.
#[derive(Default)]
struct Open {
    serial: u64,
    list: Option<List>,
    container: Option<Container>,
    note: Option<Note>,
    anchor: Option<Anchor>,
    quiet: bool,
    hidden: bool,
}

struct List {
    ordered: bool,
    next: i64,
}

struct Container {
    kind: CitationKind,
    items: u32,
}

struct Note {
    kind: CitationKind,
    label: String,
    /// Stack index of the list this note is an item of.
    list: Option<usize>,
    text: String,
    /// Index of the first citation that may belong to this note.
    first: usize,
}

struct Anchor {
    start: usize,
    href: Range<usize>,
    href_raw: String,
    /// False for in-page links (`#fn1`), which are not citations.
    cites: bool,
    place: Place,
    text: String,
    text_range: Option<Range<usize>>,
    /// The anchor text came in more than one text node.
    split: bool,
}

/// Where a URL stands: kind, note label and the note's serial.
#[derive(Clone)]
struct Place {
    kind: CitationKind,
    label: Option<String>,
    note: Option<u64>,
}

struct Pending {
    found: Found,
    note: Option<u64>,
}

impl Walker {
    /// Classifies a start tag; returns its stack depth and serial when it
    /// was pushed (when its end matters).
    fn open(&mut self, tag: &Tag) -> Option<(usize, u64)> {
        if tag.is("li") {
            self.close_sibling_note(tag.start);
        }
        if tag.is("a") {
            if let Some(i) = self.anchor {
                self.truncate(i, tag.start);
            }
        }
        if is_block(&tag.name) {
            self.note_text(" ");
        }
        let mut open = Open {
            container: tag
                .container_kind()
                .map(|kind| Container { kind, items: 0 }),
            hidden: tag.is_backlink(),
            quiet: matches!(&*tag.name, "code" | "pre" | "kbd" | "samp"),
            ..Open::default()
        };
        match &*tag.name {
            "ol" | "ul" | "menu" => {
                let ordered = tag.is("ol");
                let first = tag.list_start.and_then(|s| s.trim().parse().ok());
                open.list = Some(List {
                    ordered,
                    next: first.filter(|_| ordered).unwrap_or(1),
                });
            }
            "a" => {
                if let Some(anchor) = self.anchor_for(tag) {
                    open.hidden |= !anchor.cites;
                    open.anchor = Some(anchor);
                }
            }
            _ => {}
        }
        if open.container.is_none() {
            open.note = self.note_for(tag);
        }
        let pushed = open.list.is_some()
            || open.container.is_some()
            || open.note.is_some()
            || open.anchor.is_some()
            || open.quiet
            || open.hidden;
        pushed.then(|| self.push(open))
    }

    fn push(&mut self, mut open: Open) -> (usize, u64) {
        let depth = self.stack.len();
        self.serial += 1;
        open.serial = self.serial;
        if open.list.is_some() {
            self.lists.push(depth);
        }
        if open.container.is_some() {
            self.containers.push(depth);
        }
        if open.note.is_some() {
            self.notes.push(depth);
        }
        if open.anchor.is_some() {
            self.anchor = Some(depth);
        }
        self.quiet += usize::from(open.quiet);
        self.hidden += usize::from(open.hidden);
        self.stack.push(open);
        (depth, self.serial)
    }

    /// Handles an end tag: closes the element if it is still open.
    fn close(&mut self, depth: usize, serial: u64, end: usize) {
        if self.stack.get(depth).is_some_and(|o| o.serial == serial) {
            self.truncate(depth, end);
        }
    }

    /// Closes every element from `depth` up; `end` is where they end.
    fn truncate(&mut self, depth: usize, end: usize) {
        while self.stack.len() > depth {
            let Some(open) = self.stack.pop() else {
                return;
            };
            let index = self.stack.len();
            for side in [&mut self.lists, &mut self.containers, &mut self.notes] {
                if side.last() == Some(&index) {
                    side.pop();
                }
            }
            self.quiet -= usize::from(open.quiet);
            self.hidden -= usize::from(open.hidden);
            if let Some(anchor) = open.anchor {
                self.anchor = None;
                self.finish_anchor(anchor, end);
            }
            if let Some(note) = open.note {
                self.finish_note(note, open.serial);
            }
        }
    }

    /// A new `<li>` ends the note that is the previous item of the same list.
    fn close_sibling_note(&mut self, start: usize) {
        let Some(&i) = self.notes.last() else {
            return;
        };
        let list = self.stack.get(i).and_then(|o| o.note.as_ref()?.list);
        if list.is_some() && list == self.lists.last().copied() {
            self.truncate(i, start);
        }
    }

    /// The note an element starts, if any, labelled as the reader sees it.
    fn note_for(&mut self, tag: &Tag) -> Option<Note> {
        let is_li = tag.is("li");
        let item = if is_li { self.next_item(tag) } else { None };
        if !self.notes.is_empty() {
            return None;
        }
        let id_label = id_label(tag.id);
        let container = self.containers.last().copied();
        let is_note = if container.is_some() {
            is_li || tag.marks_note()
        } else {
            tag.marks_note() || (is_li && id_label.is_some())
        };
        if !is_note {
            return None;
        }
        let (ordinal, kind) =
            match container.and_then(|i| self.stack.get_mut(i)?.container.as_mut()) {
                Some(c) => {
                    c.items += 1;
                    (c.items, c.kind)
                }
                None => {
                    self.loose_notes += 1;
                    (self.loose_notes, tag.note_kind())
                }
            };
        let kind = if tag.id.starts_with("cite_note") {
            CitationKind::Footnote
        } else {
            kind
        };
        let label = match item {
            Some((n, true)) => n.to_string(),
            Some((n, false)) => id_label.map_or_else(|| n.to_string(), str::to_string),
            None => id_label.map_or_else(|| ordinal.to_string(), str::to_string),
        };
        Some(Note {
            kind,
            label,
            list: item.and(self.lists.last().copied()),
            text: String::new(),
            first: self.pending.len(),
        })
    }

    /// Counts a list item: its number and whether the list is ordered.
    fn next_item(&mut self, tag: &Tag) -> Option<(i64, bool)> {
        let &i = self.lists.last()?;
        let list = self.stack.get_mut(i)?.list.as_mut()?;
        let value = tag.value.and_then(|v| v.trim().parse().ok());
        let n = value.filter(|_| list.ordered).unwrap_or(list.next);
        list.next = n.saturating_add(1);
        Some((n, list.ordered))
    }

    fn anchor_for(&self, tag: &Tag) -> Option<Anchor> {
        let (href_raw, written) = tag.href.clone()?;
        // The URL proper, without the white space browsers ignore around it.
        let href = trimmed(href_raw, written);
        Some(Anchor {
            start: tag.start,
            href,
            cites: !href_raw.trim_start().starts_with('#'),
            href_raw: href_raw.to_string(),
            place: self.place(CitationKind::InlineLink),
            text: String::new(),
            text_range: None,
            split: false,
        })
    }

    /// Where a URL found now stands.
    fn place(&self, outside: CitationKind) -> Place {
        if let Some(note) = self.notes.last().and_then(|&i| self.stack.get(i)) {
            if let Some(n) = &note.note {
                return Place {
                    kind: n.kind,
                    label: Some(n.label.clone()),
                    note: Some(note.serial),
                };
            }
        }
        let container = self
            .containers
            .last()
            .and_then(|&i| self.stack.get(i)?.container.as_ref());
        Place {
            kind: container.map_or(outside, |c| c.kind),
            label: None,
            note: None,
        }
    }

    /// Reads a piece of a text node.
    fn text(&mut self, doc: &str, chunk: &TextChunk) {
        let range = chunk.source_location().bytes();
        if chunk.text_type() == TextType::Data {
            let s = chunk.as_str();
            if self.hidden == 0 {
                self.note_text(s);
            }
            if let Some(anchor) = self
                .anchor
                .and_then(|i| self.stack.get_mut(i)?.anchor.as_mut())
            {
                push_capped(&mut anchor.text, s);
                match &mut anchor.text_range {
                    Some(r) if r.end == range.start => r.end = range.end,
                    Some(_) => anchor.split = true,
                    None => anchor.text_range = Some(range),
                }
            } else if self.quiet == 0 {
                match &mut self.bare {
                    Some(r) => r.end = range.end,
                    None => self.bare = Some(range),
                }
            }
        }
        if chunk.last_in_text_node() {
            self.flush_bare(doc);
        }
    }

    fn note_text(&mut self, s: &str) {
        if let Some(note) = self
            .notes
            .last()
            .and_then(|&i| self.stack.get_mut(i)?.note.as_mut())
        {
            push_capped(&mut note.text, s);
        }
    }

    /// Reports the bare URLs of the text node just read.
    fn flush_bare(&mut self, doc: &str) {
        let Some(range) = self.bare.take() else {
            return;
        };
        let Some(text) = doc.get(range.clone()) else {
            return;
        };
        let urls = bare_urls(text);
        if urls.is_empty() {
            return;
        }
        // Nothing has been opened or closed since the text node began.
        let place = self.place(CitationKind::Bare);
        for url in urls {
            let span = range.start + url.start..range.start + url.end;
            self.report(Found::new(span, place.kind), &place);
        }
    }

    fn report(&mut self, mut found: Found, place: &Place) {
        found.footnote.clone_from(&place.label);
        self.pending.push(Pending {
            found,
            note: place.note,
        });
    }

    fn finish_anchor(&mut self, anchor: Anchor, end: usize) {
        if !anchor.cites {
            return;
        }
        let text = decode_entities(anchor.text.trim());
        let text_span = anchor
            .text_range
            .filter(|_| !anchor.split && text == decode_entities(anchor.href_raw.trim()))
            .map(|r| trimmed(&anchor.text, r));
        let mut found = Found::new(anchor.href, anchor.place.kind).element(anchor.start..end);
        found.text_span = text_span;
        if anchor.place.note.is_none() && !text.is_empty() {
            found.context = Some(text);
        }
        self.report(found, &anchor.place);
    }

    /// Gives the note's text to every citation found inside it.
    fn finish_note(&mut self, note: Note, serial: u64) {
        let context = decode_entities(&note.text);
        for p in self.pending.iter_mut().skip(note.first) {
            if p.note == Some(serial) && p.found.context.is_none() {
                p.found.context = Some(context.clone());
            }
        }
    }
}
