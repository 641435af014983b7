//! Markdown (CommonMark, GFM footnotes, Pandoc inline notes).
//!
//! Structure comes from pulldown-cmark's offset iterator, so code spans, code
//! blocks, images and HTML comments are never mistaken for citations and the
//! walk stays linear however the notes are laid out (lychee's footnote
//! handling is quadratic on back-to-back definitions; this is one pass).
//!
//! pulldown-cmark gives unescaped strings, but `fix` needs the URL exactly as
//! written, so every URL span is recovered from the source bytes: inline link
//! destinations are re-scanned after the link text, autolinks lose their angle
//! brackets, reference definitions are re-scanned after their `]:`. Bare URLs
//! are found in runs of adjacent text events (a backslash escape splits text
//! events, a soft break separates the halves of a URL a PDF converter broke),
//! by the shared [`crate::repair::find_bare_urls`] scanner.
//!
//! Notes are regions of the source: GFM footnote definitions found by the
//! parser, Pandoc `^[…]` notes found by a bracket scan, and, for converted
//! documents, the `<sup>N</sup>` notes found by [`super::converted`]. A URL
//! inside a region takes the note's label and its text as context.

use std::ops::Range;

use pulldown_cmark::{
    BrokenLink, CodeBlockKind, CowStr, Event, LinkType, Options, Parser, Tag, TagEnd,
};

use std::sync::OnceLock;

use super::chunk::{fence_closed, front_matter_end, html_closed, Labels};
use super::{Doc, Found};
use crate::citation::CitationKind;
use crate::repair;

/// A note region: where it is, its label, and its text as a reader sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    /// The label as written, or the note's number when it has none.
    pub label: String,
    /// Byte range of the whole note.
    pub range: Range<usize>,
    /// Where the note's text starts (after its marker).
    pub text_start: usize,
    /// `Footnote` or `Endnote`.
    pub kind: CitationKind,
    /// The note's plain text, filled in by the walk.
    pub context: String,
}

/// Extracts the citations of a Markdown document.
pub fn extract(doc: &Doc) -> Vec<Found> {
    extract_with_notes(doc, Vec::new())
}

/// The part of a document the Markdown walk reads: all of it but front
/// matter at its start.
pub fn body(text: &str) -> Range<usize> {
    front_matter_end(text)..text.len()
}

/// Extracts citations, treating the given regions (sorted, disjoint) as notes
/// in addition to the document's own footnote definitions and inline notes.
pub fn extract_with_notes(doc: &Doc, notes: Vec<Note>) -> Vec<Found> {
    extract_chunk(doc.text, body(doc.text), &notes, None).found
}

/// Whether a document can be cut into chunks: Pandoc `^[…]` notes are
/// numbered by their rank among all note references, which only a walk over
/// the whole document knows.
pub fn can_chunk(text: &str) -> bool {
    inline_notes(text).is_empty()
}

/// Extracts the citations of one chunk of a document cut by
/// [`super::chunk::plan`] (or of its whole [`body`]): `notes` are note
/// regions (positions in the whole text), `labels` the labels defined
/// anywhere in the document when the chunk is not all of it. The spans
/// returned are positions in the whole text.
pub fn extract_chunk(
    text: &str,
    chunk: Range<usize>,
    notes: &[Note],
    labels: Option<&OnceLock<Labels>>,
) -> ChunkFound {
    let Some(slice) = text.get(chunk.clone()) else {
        return ChunkFound::default();
    };
    let base = chunk.start;
    let local = notes
        .iter()
        .filter(|n| n.range.start >= chunk.start && n.range.end <= chunk.end)
        .map(|n| Note {
            range: n.range.start - base..n.range.end - base,
            text_start: n.text_start - base,
            ..n.clone()
        })
        .collect();
    let shift = |r: &mut Range<usize>| *r = r.start + base..r.end + base;
    let (mut found, open_at_end) = walk_notes(slice, local, labels);
    for f in &mut found {
        shift(&mut f.span);
        if let Some(e) = &mut f.element {
            shift(e);
        }
        if let Some(t) = &mut f.text_span {
            shift(t);
        }
    }
    ChunkFound { found, open_at_end }
}

/// What the walk over a chunk found.
#[derive(Debug, Default)]
pub struct ChunkFound {
    /// The URLs, with positions in the whole text.
    pub found: Vec<Found>,
    /// The chunk ends inside a fenced code block or HTML block that the
    /// document continues: it must be walked together with the next chunk.
    pub open_at_end: bool,
}

/// The walk over a text with its note regions; `labels` resolves references
/// whose definitions lie outside the text (a chunk of a larger document).
fn walk_notes(
    text: &str,
    mut notes: Vec<Note>,
    labels: Option<&OnceLock<Labels>>,
) -> (Vec<Found>, bool) {
    let inline = inline_notes(text);
    let has_inline = !inline.is_empty();
    if has_inline {
        notes.extend(inline);
        notes.sort_by_key(|n| n.range.start);
    }
    let mut walk = Walk::new(text, notes, labels);
    walk.run();
    let open_at_end = walk.open_at_end();
    let Walk {
        mut hits,
        mut notes,
        refs,
        ..
    } = walk;
    if has_inline {
        number_inline_notes(&mut notes, &refs);
    }
    notes.sort_by_key(|n| n.range.start);
    for note in &mut notes {
        note.context = tidy(std::mem::take(&mut note.context));
    }
    // The note each hit lies in, and how many hits each note holds: the last
    // hit of a note takes its label and text, the others copy them.
    // Hits come mostly in document order: step through the notes with them,
    // searching only when a hit lies before the last one.
    let mut at = 0;
    let mut last_start = 0;
    let homes: Vec<Option<usize>> = hits
        .iter()
        .map(|hit| {
            if hit.kind == CitationKind::Reference {
                return None;
            }
            let start = hit.span.start;
            if start < last_start {
                at = notes.partition_point(|n| n.range.start <= start);
            } else {
                while notes.get(at).is_some_and(|n| n.range.start <= start) {
                    at += 1;
                }
            }
            last_start = start;
            at.checked_sub(1)
                .filter(|&i| notes.get(i).is_some_and(|n| start < n.range.end))
        })
        .collect();
    let mut left = vec![0usize; notes.len()];
    for i in homes.iter().flatten() {
        left[*i] += 1;
    }
    for (hit, home) in hits.iter_mut().zip(homes) {
        let Some(i) = home else { continue };
        let Some(note) = notes.get_mut(i) else {
            continue;
        };
        left[i] -= 1;
        hit.kind = note.kind;
        if left[i] == 0 {
            hit.footnote = Some(std::mem::take(&mut note.label));
            hit.context = Some(std::mem::take(&mut note.context));
        } else {
            hit.footnote = Some(note.label.clone());
            hit.context = Some(note.context.clone());
        }
    }
    (hits, open_at_end)
}

/// Folds white space and drops the punctuation left stranded where a URL was
/// taken out of a note's text ("2001. <url>." reads "2001.").
fn tidy(context: String) -> String {
    let folded = if context.is_ascii() {
        tidy_ascii(context.into_bytes())
    } else {
        tidy_words(context.split_whitespace(), context.len())
    };
    let kept = folded.trim_start_matches("^[").trim_end_matches(']').trim();
    if kept.len() == folded.len() {
        return folded;
    }
    kept.to_string()
}

/// Whether a word is only punctuation a sentence or a list ends with.
fn stranded(word: &[u8]) -> bool {
    word.iter().all(|b| matches!(b, b'.' | b',' | b';' | b':'))
}

/// [`tidy`]'s folding for any text: its words, one space apart.
fn tidy_words<'w>(words: impl Iterator<Item = &'w str>, capacity: usize) -> String {
    let mut out = String::with_capacity(capacity);
    for word in words {
        if stranded(word.as_bytes()) && out.ends_with(['.', ',', ';', ':']) {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// [`tidy_words`] for ASCII text, in place: the same words (white space is
/// the six ASCII characters `split_whitespace` knows), moved left over the
/// space they no longer need, without a new string or decoding characters.
fn tidy_ascii(mut bytes: Vec<u8>) -> String {
    let space = |b: u8| matches!(b, b'\t'..=b'\r' | b' ');
    let (mut read, mut write) = (0, 0);
    while read < bytes.len() {
        while read < bytes.len() && space(bytes[read]) {
            read += 1;
        }
        let start = read;
        while read < bytes.len() && !space(bytes[read]) {
            read += 1;
        }
        if start == read {
            break;
        }
        let ends_in_punct = write > 0 && matches!(bytes[write - 1], b'.' | b',' | b';' | b':');
        if ends_in_punct && stranded(&bytes[start..read]) {
            continue;
        }
        if write > 0 {
            bytes[write] = b' ';
            write += 1;
        }
        // Words never move right: at least one space byte lay before this one.
        if write != start {
            bytes.copy_within(start..read, write);
        }
        write += read - start;
    }
    bytes.truncate(write);
    // Only ASCII bytes were moved: this cannot fail.
    String::from_utf8(bytes).unwrap_or_default()
}

/// Pandoc `^[…]` inline notes: bracket-balanced, never across a blank line.
fn inline_notes(text: &str) -> Vec<Note> {
    let bytes = text.as_bytes();
    let mut notes = Vec::new();
    let mut from = 0;
    while let Some(off) = memchr::memmem::find(&bytes[from..], b"^[") {
        let start = from + off;
        if start > 0 && bytes[start - 1] == b'\\' {
            from = start + 2;
            continue;
        }
        let mut depth = 0usize;
        let mut end = None;
        let mut i = start + 1;
        while i < bytes.len() {
            match bytes[i] {
                b'\\' => i += 1,
                b'[' => depth += 1,
                b']' => {
                    depth -= 1;
                    if depth == 0 {
                        end = Some(i + 1);
                        break;
                    }
                }
                b'\n' if bytes.get(i + 1) == Some(&b'\n') => break,
                _ => {}
            }
            i += 1;
        }
        match end {
            Some(end) => {
                notes.push(Note {
                    label: String::new(),
                    range: start..end,
                    text_start: start + 2,
                    kind: CitationKind::Footnote,
                    context: String::new(),
                });
                from = end;
            }
            None => from = start + 2,
        }
    }
    notes
}

/// Gives unlabelled inline notes the number a reader sees: their rank among
/// all note references (first references of labelled notes, inline notes).
fn number_inline_notes(notes: &mut [Note], refs: &[(usize, String)]) {
    let mut seen = std::collections::HashSet::new();
    let mut marks: Vec<(usize, Option<usize>)> = refs
        .iter()
        .filter(|(_, label)| seen.insert(label.as_str()))
        .map(|(pos, _)| (*pos, None))
        .collect();
    marks.extend(
        notes
            .iter()
            .enumerate()
            .filter(|(_, n)| n.label.is_empty())
            .map(|(i, n)| (n.range.start, Some(i))),
    );
    marks.sort_unstable();
    for (rank, (_, idx)) in marks.iter().enumerate() {
        if let Some(note) = idx.and_then(|i| notes.get_mut(i)) {
            note.label = (rank + 1).to_string();
        }
    }
}

/// A link being walked: its type, where it is, and its text.
struct OpenLink {
    link_type: LinkType,
    range: Range<usize>,
    text_end: usize,
    text: String,
}

/// The state of one pass over the document's events.
struct Walk<'a> {
    text: &'a str,
    hits: Vec<Found>,
    notes: Vec<Note>,
    /// Footnote references in document order: (position, label).
    refs: Vec<(usize, String)>,
    /// The note whose text is being collected, as an index into `notes`.
    current: Option<usize>,
    /// Next candidate in `notes` for position-based region tracking.
    next_note: usize,
    link: Option<OpenLink>,
    /// Depth inside images, code blocks and metadata, whose text is skipped.
    image_depth: usize,
    /// A run of adjacent text to scan for bare URLs.
    run: Option<Range<usize>>,
    /// Labels defined outside the text, when walking a chunk. They may
    /// still be being collected while the chunk is walked: a look-up waits
    /// for them (rare: only a reference not defined in the chunk asks).
    labels: Option<&'a OnceLock<Labels>>,
    /// End of a footnote reference to a note outside the chunk, whose
    /// pieces of text are skipped as the whole document's walk would.
    skip_until: usize,
    /// The last fenced code block (`true`) or HTML block seen, which may
    /// run on past the end of a chunk.
    last_block: Option<(Range<usize>, bool)>,
}

impl<'a> Walk<'a> {
    fn new(text: &'a str, mut notes: Vec<Note>, labels: Option<&'a OnceLock<Labels>>) -> Walk<'a> {
        // A bibliography holds about one URL (and note) per 100 bytes:
        // reserving that much spares the growing vectors' copies. Only the
        // part used is ever touched.
        let expected = text.len() / 96;
        notes.reserve(expected);
        Walk {
            labels,
            skip_until: 0,
            last_block: None,
            text,
            hits: Vec::with_capacity(expected),
            notes,
            refs: Vec::new(),
            current: None,
            next_note: 0,
            link: None,
            image_depth: 0,
            run: None,
        }
    }

    fn run(&mut self) {
        let options = PARSER_OPTIONS;
        let labels = self.labels;
        // In a chunk, a reference whose definition is elsewhere in the
        // document is still a link (its text is not prose to scan).
        let outside = move |link: BrokenLink<'a>| {
            labels
                .is_some_and(|l| l.wait().has_link(&link.reference))
                .then_some((CowStr::Borrowed(""), CowStr::Borrowed("")))
        };
        let parser = Parser::new_with_broken_link_callback(self.text, options, Some(outside))
            .into_offset_iter();
        let defs: Vec<(String, Range<usize>)> = parser
            .reference_definitions()
            .iter()
            .map(|(label, def)| (label.to_string(), def.span.clone()))
            .collect();
        for (event, range) in parser {
            self.event(event, range);
        }
        self.flush_run();
        for (label, span) in defs {
            self.reference_definition(label, span);
        }
    }

    /// Moves the region tracking to `pos`: closes a region left behind and
    /// opens the precomputed region `pos` falls into.
    fn track(&mut self, pos: usize) {
        if let Some(cur) = self.current {
            if self.notes.get(cur).is_some_and(|n| pos >= n.range.end) {
                self.current = None;
            }
        }
        while let Some(note) = self.notes.get(self.next_note) {
            if note.range.end <= pos {
                self.next_note += 1;
            } else {
                if note.range.start <= pos && self.current.is_none() {
                    self.current = Some(self.next_note);
                }
                break;
            }
        }
    }

    fn context_push(&mut self, pos: usize, s: &str) {
        if let Some(note) = self.current.and_then(|i| self.notes.get_mut(i)) {
            if pos >= note.text_start {
                note.context.push_str(s);
            }
        }
    }

    /// Whether the text ends inside a fenced code block or an HTML block
    /// that only a marker ends: then a chunk was cut where the document
    /// goes on with that block, and must be walked with the next one.
    fn open_at_end(&self) -> bool {
        let Some((range, fence)) = &self.last_block else {
            return false;
        };
        if range.end < self.text.trim_end().len() {
            return false;
        }
        let block = self.text.get(range.clone()).unwrap_or("");
        if *fence {
            !fence_closed(block)
        } else {
            !html_closed(block)
        }
    }

    fn event(&mut self, event: Event<'a>, range: Range<usize>) {
        self.track(range.start);
        match &event {
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(_))) => {
                self.last_block = Some((range.clone(), true));
            }
            Event::Start(Tag::HtmlBlock) => self.last_block = Some((range.clone(), false)),
            _ => {}
        }
        if let Some(link) = &mut self.link {
            link.text_end = link.text_end.max(range.end);
        }
        match event {
            Event::Start(Tag::Link { link_type, .. }) => {
                self.flush_run();
                self.link = Some(OpenLink {
                    link_type,
                    text_end: range.start + 1,
                    range,
                    text: String::new(),
                });
            }
            Event::End(TagEnd::Link) => {
                if let Some(link) = self.link.take() {
                    self.link_end(link);
                }
            }
            // Text in images, code blocks and front matter is not prose.
            Event::Start(Tag::Image { .. } | Tag::CodeBlock(_) | Tag::MetadataBlock(_)) => {
                self.flush_run();
                self.image_depth += 1;
            }
            Event::End(TagEnd::Image | TagEnd::CodeBlock | TagEnd::MetadataBlock(_)) => {
                self.image_depth = self.image_depth.saturating_sub(1);
            }
            // Emphasis marks split the text events but not a bare URL's
            // text: `http://a.org/_a` reads `_a` as emphasis opening, and
            // pulldown-cmark has no GFM autolinks to take the URL first. The
            // run goes on across them (see `extend_run`).
            Event::Start(Tag::Emphasis | Tag::Strong | Tag::Strikethrough)
            | Event::End(TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough) => {}
            Event::Start(Tag::FootnoteDefinition(label)) => {
                self.flush_run();
                self.notes.push(Note {
                    label: label.to_string(),
                    text_start: range.start,
                    range: range.clone(),
                    kind: CitationKind::Footnote,
                    // The note's text is at most its source, less markup: one
                    // allocation instead of a string grown piece by piece.
                    context: String::with_capacity(range.len().min(4096)),
                });
                self.current = Some(self.notes.len() - 1);
                // Keep the precomputed-region cursor from reopening an earlier region.
                self.next_note = self.notes.len();
            }
            Event::End(TagEnd::FootnoteDefinition) => {
                self.flush_run();
                self.current = None;
            }
            Event::FootnoteReference(label) => {
                self.flush_run();
                self.refs.push((range.start, label.to_string()));
            }
            Event::Text(_) if range.end <= self.skip_until => {}
            Event::Text(_) if self.outside_note_reference(range.start) => {}
            Event::Text(t) => {
                if let Some(link) = &mut self.link {
                    link.text.push_str(&t);
                } else if self.image_depth == 0 {
                    self.context_push(range.start, &t);
                    self.extend_run(range);
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                if let Some(link) = &mut self.link {
                    link.text.push(' ');
                } else {
                    self.context_push(range.start, " ");
                    self.extend_run(range);
                }
            }
            Event::Code(code) => {
                self.flush_run();
                if let Some(link) = &mut self.link {
                    link.text.push_str(&code);
                } else {
                    self.context_push(range.start, &code);
                }
            }
            Event::End(
                TagEnd::Paragraph | TagEnd::Item | TagEnd::TableCell | TagEnd::Heading(_),
            ) => {
                self.flush_run();
                // An end event spans its whole block: use its end as the position.
                self.context_push(range.end.saturating_sub(1), " ");
            }
            _ => self.flush_run(),
        }
    }

    /// In a chunk, text starting a `[^label]` reference to a footnote defined
    /// in another chunk: handled as the reference it is in the whole document.
    fn outside_note_reference(&mut self, pos: usize) -> bool {
        let Some(labels) = self.labels else {
            return false;
        };
        let Some(rest) = self.text.get(pos..).and_then(|r| r.strip_prefix("[^")) else {
            return false;
        };
        let Some(close) = rest.find(']') else {
            return false;
        };
        let label = &rest[..close];
        if label.is_empty() || label.contains(char::is_whitespace) || !labels.wait().has_note(label)
        {
            return false;
        }
        self.flush_run();
        self.refs.push((pos, label.to_string()));
        self.skip_until = pos + close + 3;
        true
    }

    /// Adds a text event to the current run when it touches it (a backslash
    /// escape or emphasis marks between them do not break a run).
    fn extend_run(&mut self, range: Range<usize>) {
        let bytes = self.text.as_bytes();
        let joins = |end: usize| {
            end == range.start
                || (end + 1 == range.start && bytes.get(end) == Some(&b'\\'))
                || (end < range.start
                    && bytes
                        .get(end..range.start)
                        .is_some_and(|gap| gap.iter().all(|b| matches!(b, b'_' | b'*' | b'~'))))
        };
        match &mut self.run {
            Some(run) if joins(run.end) => {
                run.end = range.end;
            }
            _ => {
                self.flush_run();
                self.run = Some(range);
            }
        }
    }

    fn flush_run(&mut self) {
        let Some(mut run) = self.run.take() else {
            return;
        };
        // Emphasis marks closing right after the run belong to no text event
        // but may end a URL (`http://a.org/x_`); the URL scanner knows when
        // such a mark closes emphasis around the URL instead.
        let bytes = self.text.as_bytes();
        while matches!(bytes.get(run.end), Some(b'_' | b'*' | b'~')) {
            run.end += 1;
        }
        let Some(slice) = self.text.get(run.clone()) else {
            return;
        };
        for span in repair::find_bare_urls(slice) {
            let span = span.start + run.start..span.end + run.start;
            self.hits.push(Found::new(span, CitationKind::Bare));
        }
    }

    fn link_end(&mut self, link: OpenLink) {
        let span = match link.link_type {
            LinkType::Inline => inline_destination(self.text, &link.range, link.text_end),
            LinkType::Autolink => (link.range.end >= link.range.start + 2)
                .then(|| link.range.start + 1..link.range.end - 1),
            // Reference-style links are reported once, at their definition;
            // e-mail autolinks and wiki links are not citations.
            _ => None,
        };
        let Some(span) = span else {
            self.context_push(link.range.start, &link.text);
            return;
        };
        let text_span = (link.link_type == LinkType::Inline)
            .then(|| link.range.start + 1..inline_text_end(self.text, &link.range, link.text_end))
            .filter(|t| {
                let same = |a: &str, b: &str| repair::repair(a).url == repair::repair(b).url;
                match (self.text.get(t.clone()), self.text.get(span.clone())) {
                    (Some(a), Some(b)) => !a.trim().is_empty() && same(a, b),
                    _ => false,
                }
            });
        if text_span.is_none() && link.link_type == LinkType::Inline {
            self.context_push(link.range.start, &link.text);
        }
        let mut found = Found::new(span, CitationKind::InlineLink).element(link.range);
        found.text_span = text_span;
        self.hits.push(found);
    }

    fn reference_definition(&mut self, label: String, def: Range<usize>) {
        let Some(src) = self.text.get(def.clone()) else {
            return;
        };
        let Some(colon) = src.find("]:") else { return };
        let after = colon + 2;
        let rest = src.get(after..).unwrap_or("");
        let lead = rest.len() - rest.trim_start().len();
        let start = after + lead;
        let dest = destination(src, start);
        if dest.is_empty() {
            return;
        }
        let span = def.start + dest.start..def.start + dest.end;
        let mut found = Found::new(span, CitationKind::Reference).element(def);
        found.footnote = Some(label);
        self.hits.push(found);
    }
}

/// The CommonMark extensions citecheck reads (GFM footnotes, tables,
/// strikethrough, task lists); `fix` parses with the same ones. A constant,
/// so the parser's option checks fold away where it is inlined.
pub(crate) const PARSER_OPTIONS: Options = Options::ENABLE_FOOTNOTES
    .union(Options::ENABLE_TABLES)
    .union(Options::ENABLE_STRIKETHROUGH)
    .union(Options::ENABLE_TASKLISTS);

/// The end of an inline link's text: the `]` before its `(`.
fn inline_text_end(text: &str, link: &Range<usize>, text_end: usize) -> usize {
    let bytes = text.as_bytes();
    let mut i = text_end.min(link.end);
    while i > link.start && bytes.get(i.saturating_sub(1)) != Some(&b']') {
        i -= 1;
    }
    let end = i.saturating_sub(1).max(link.start + 1);
    // When inner events already reached the `]`, step back over it.
    if bytes.get(end) == Some(&b']') {
        end
    } else {
        text_end.min(link.end)
    }
}

/// The destination of an inline link `[text](dest "title")`, as written.
fn inline_destination(text: &str, link: &Range<usize>, text_end: usize) -> Option<Range<usize>> {
    let src = text.get(link.clone())?;
    let from = text_end.checked_sub(link.start)?.min(src.len());
    let rel = src
        .get(from..)?
        .find("](")
        .map(|i| from + i + 2)
        .or_else(|| {
            // Inner events may end past the `]` (e.g. trailing emphasis).
            src.find("](").map(|i| i + 2)
        })?;
    let rest = src.get(rel..)?;
    let start = rel + (rest.len() - rest.trim_start().len());
    let dest = destination(src, start);
    (!dest.is_empty()).then(|| link.start + dest.start..link.start + dest.end)
}

/// A link destination starting at byte `start` of `src`: `<…>` or a run
/// without spaces and with balanced parentheses.
fn destination(src: &str, start: usize) -> Range<usize> {
    let bytes = src.as_bytes();
    if bytes.get(start) == Some(&b'<') {
        let end = memchr::memchr2(b'>', b'\n', &bytes[start..]).map_or(bytes.len(), |i| start + i);
        return start + 1..end;
    }
    let mut depth = 0usize;
    let mut i = start;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 1,
            b'(' => depth += 1,
            b')' if depth == 0 => break,
            b')' => depth -= 1,
            b if b.is_ascii_whitespace() => break,
            _ => {}
        }
        i += 1;
    }
    start..i.min(bytes.len())
}

#[cfg(test)]
mod tests {
    use crate::extract::extract;
    use crate::Format;

    /// `tidy` as first written: every text through `split_whitespace`.
    fn tidy_reference(context: &str) -> String {
        let mut out = String::new();
        for word in context.split_whitespace() {
            if word.chars().all(|c| matches!(c, '.' | ',' | ';' | ':'))
                && out.ends_with(['.', ',', ';', ':'])
            {
                continue;
            }
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(word);
        }
        out.trim_start_matches("^[")
            .trim_end_matches(']')
            .trim()
            .to_string()
    }

    #[test]
    fn tidy_agrees_with_its_reference_on_every_kind_of_space() {
        let pieces = [
            "a", "Title", ".", ",", ";:", " ", "  ", "\t", "\n", "\u{b}", "\u{c}", "\r", "\u{1c}",
            "\u{85}", "\u{a0}", "\u{3000}", "é", "^[", "]", "2001.", "x.",
        ];
        let mut seed = 7u64;
        for _ in 0..20_000 {
            let mut text = String::new();
            for _ in 0..(seed % 9) {
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                text.push_str(pieces[(seed >> 33) as usize % pieces.len()]);
            }
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            assert_eq!(super::tidy(text.clone()), tidy_reference(&text), "{text:?}");
        }
    }

    fn cites(text: &str) -> Vec<(usize, Option<String>, &'static str, String)> {
        extract("t.md", text, Format::Markdown)
            .into_iter()
            .map(|c| (c.line, c.footnote, c.kind.name(), c.url))
            .collect()
    }

    #[test]
    fn inline_autolink_bare_and_reference() {
        let md = "See [a](https://a.org/x) and <https://b.org/y>.\n\
                  Bare https://c.org/z. and `https://code.org` too.\n\n\
                  ![img](https://img.org/i.png)\n\n[r]: https://d.org/r \"T\"\n";
        assert_eq!(
            cites(md),
            vec![
                (1, None, "inline-link", "https://a.org/x".into()),
                (1, None, "inline-link", "https://b.org/y".into()),
                (2, None, "bare", "https://c.org/z".into()),
                (6, Some("r".into()), "reference", "https://d.org/r".into()),
            ]
        );
    }

    #[test]
    fn footnote_definitions_with_continuation() {
        let md = "Text[^a] more[^b].\n\n[^a]: First, <https://a.org/1>.\n\n    Second para https://a.org/2\n\n[^b]: B note [x](https://b.org/).\n\nAfter https://body.org/\n";
        let got = cites(md);
        assert_eq!(
            got,
            vec![
                (3, Some("a".into()), "footnote", "https://a.org/1".into()),
                (5, Some("a".into()), "footnote", "https://a.org/2".into()),
                (7, Some("b".into()), "footnote", "https://b.org/".into()),
                (9, None, "bare", "https://body.org/".into()),
            ]
        );
        let all = extract("t.md", md, Format::Markdown);
        assert_eq!(
            all[0].context.as_deref(),
            Some("First, Second para https://a.org/2")
        );
    }

    #[test]
    fn back_to_back_definitions_are_separate_notes() {
        let md = "[^1]: One https://h1.org/a\n[^2]: Two https://h2.org/b\n[^3]: Three https://h3.org/c\n";
        let labels: Vec<_> = cites(md)
            .into_iter()
            .map(|c| c.1.unwrap_or_default())
            .collect();
        assert_eq!(labels, ["1", "2", "3"]);
    }

    #[test]
    fn pandoc_inline_notes_are_numbered_with_labelled_ones() {
        let md = "A[^x] b^[Inline, see <https://i.org/1>.] c^[Again [l](https://i.org/2)].\n\n[^x]: X https://x.org/\n";
        assert_eq!(
            cites(md),
            vec![
                (1, Some("2".into()), "footnote", "https://i.org/1".into()),
                (1, Some("3".into()), "footnote", "https://i.org/2".into()),
                (3, Some("x".into()), "footnote", "https://x.org/".into()),
            ]
        );
    }

    #[test]
    fn same_text_and_target_is_one_citation_with_text_span() {
        let md = "[http://a.org/c\\\\_1.htm](http://a.org/c_1.htm).\n";
        let all = extract("t.md", md, Format::Markdown);
        assert_eq!(all.len(), 1);
        assert_eq!(all[0].url, "http://a.org/c_1.htm");
        assert_eq!(all[0].text_span, Some(1..23));
        assert_eq!(&md[all[0].span.clone()], "http://a.org/c_1.htm");
        assert_eq!(all[0].element, 0..46);
    }

    #[test]
    fn not_citations() {
        let md = "```\nhttps://code.org/block\n```\n\n<!-- https://comment.org/ -->\n\n[rel](../x.md) [anchor](#fn1) [mail](mailto:a@b.org) <a@b.org>\n";
        assert!(cites(md).is_empty(), "{:?}", cites(md));
    }

    #[test]
    fn underscores_in_bare_urls_are_not_emphasis() {
        // pulldown-cmark reads `_a  http://a.org/_` as emphasis; the URLs keep
        // their underscores, and emphasis around a URL stays outside it.
        let md = " http://a.org/_a  http://a.org/__A_ \n\n*http://b.org/x* and _http://c.org/y_.\n";
        let urls: Vec<String> = cites(md).into_iter().map(|c| c.3).collect();
        assert_eq!(
            urls,
            [
                "http://a.org/_a",
                "http://a.org/__A_",
                "http://b.org/x",
                "http://c.org/y"
            ]
        );
    }

    #[test]
    fn rules_between_sections_are_not_front_matter() {
        // Only the start of a document holds front matter; two `---` rules
        // further down must not hide the section between them.
        let md = "---\ntitle: https://meta.org/x\n---\n\nIntro.\n\n---\nSection https://a.org/1\n\n---\n\nEnd.\n";
        assert_eq!(cites(md), vec![(8, None, "bare", "https://a.org/1".into())]);
    }

    #[test]
    fn link_destination_spans_are_exact() {
        let md = "[t](<https://a.org/x y>) [u]( https://b.org/(p)_q \"title\")";
        let all = extract("t.md", md, Format::Markdown);
        let spans: Vec<&str> = all.iter().map(|c| &md[c.span.clone()]).collect();
        assert_eq!(spans, ["https://a.org/x y", "https://b.org/(p)_q"]);
    }
}
