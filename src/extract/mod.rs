//! Extraction: every cited URL in a document, with its note, date and place.
//!
//! Each format has its own parser module. A parser walks the document with a
//! real parser for that format and reports [`Found`] items: a byte span of the
//! URL as written plus what it knows of the surrounding note. [`Doc::finish`]
//! then does the work that is the same for every format: repairing the URL,
//! rejecting what is not a citation (relative links, `mailto:`…), computing
//! line and column, and resolving the cited date. Keeping that in one place is
//! why every format repairs and dates URLs the same way.

pub mod bibtex;
pub mod chunk;
pub mod converted;
pub mod dates;
pub mod html;
pub mod ignore;
pub mod latex;
pub mod markdown;
pub mod parallel;
pub mod rst;
pub mod text;
pub mod wikitext;

use std::ops::Range;

use crate::citation::{Citation, CitationKind, CitedDate, Format};
use crate::repair;

/// A URL a parser found, before the shared finishing steps.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    /// Byte range of the URL as written in the document.
    pub span: Range<usize>,
    /// Where the URL stands.
    pub kind: CitationKind,
    /// The note's label, when the URL is inside a note.
    pub footnote: Option<String>,
    /// The note's text (for people, and for finding the cited date).
    pub context: Option<String>,
    /// Byte range of the whole construct holding the URL; defaults to `span`.
    pub element: Option<Range<usize>>,
    /// Byte range of a link text that repeats the URL.
    pub text_span: Option<Range<usize>>,
    /// A date given in a structured field (BibTeX `urldate`, `access-date=`),
    /// which wins over dates found in the context.
    pub date: Option<CitedDate>,
    /// An archive copy the document already names for this URL.
    pub archived: Option<String>,
    /// The URL when the document does not write it out (a BibTeX `doi` made
    /// into `https://doi.org/…`); `span` then covers the text it was built
    /// from, which is reported as `raw`.
    pub url: Option<String>,
    /// The document says this is a URL (a BibTeX `url` field): reported
    /// even when it cannot be one (`github.com/x`, an undefined macro), so
    /// that `check` calls it invalid instead of it going unnoticed.
    pub declared: bool,
}

impl Found {
    /// A found URL with only its span and kind known.
    pub fn new(span: Range<usize>, kind: CitationKind) -> Found {
        Found {
            span,
            kind,
            footnote: None,
            context: None,
            element: None,
            text_span: None,
            date: None,
            archived: None,
            url: None,
            declared: false,
        }
    }

    /// Sets the note label and text.
    pub fn in_note(mut self, label: impl Into<String>, context: Option<String>) -> Found {
        self.footnote = Some(label.into());
        self.context = context;
        self
    }

    /// Sets the enclosing construct's span.
    pub fn element(mut self, element: Range<usize>) -> Found {
        self.element = Some(element);
        self
    }
}

/// A document being extracted: its name, text and a line index.
pub struct Doc<'a> {
    /// The name reported as `source`.
    pub source: &'a str,
    /// The whole text.
    pub text: &'a str,
    /// Whether URLs are written with LaTeX escapes (BibTeX and LaTeX sources).
    pub latex: bool,
    line_starts: Vec<usize>,
}

impl<'a> Doc<'a> {
    /// Indexes `text` for line/column look-ups.
    pub fn new(source: &'a str, text: &'a str) -> Doc<'a> {
        let mut line_starts = vec![0];
        line_starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        Doc {
            source,
            text,
            latex: false,
            line_starts,
        }
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let line = self.line_starts.partition_point(|&s| s <= offset).max(1);
        let start = self.line_starts[line - 1];
        let end = offset.min(self.text.len());
        let column = self
            .text
            .get(start..end)
            .map_or(end - start, |s| s.chars().count());
        (line, column + 1)
    }

    /// [`Doc::line_col`] for offsets met in increasing order: counting the
    /// characters from the last offset rather than from the line's start
    /// keeps a document that is one huge line (minified HTML) linear.
    fn line_col_after(&self, place: &mut Place, offset: usize) -> (usize, usize) {
        if offset < place.offset || place.line == 0 {
            let (line, column) = self.line_col(offset);
            *place = Place {
                line,
                offset,
                column,
            };
            return (line, column);
        }
        // The next offset is usually a line or two further on: gallop from
        // the last line rather than search all the lines after it.
        let rest = self.line_starts.get(place.line..).unwrap_or(&[]);
        let mut reach = 1;
        while reach < rest.len() && rest[reach - 1] <= offset {
            reach *= 2;
        }
        let low = reach / 2;
        let ahead = low
            + rest
                .get(low..reach.min(rest.len()))
                .map_or(0, |span| span.partition_point(|&s| s <= offset));
        let line = place.line + ahead;
        let end = offset.min(self.text.len());
        let (from, base) = if ahead == 0 {
            (place.offset.min(end), place.column - 1)
        } else {
            (self.line_starts[line - 1], 0)
        };
        let column = base
            + self
                .text
                .get(from..end)
                .map_or(end - from, |s| s.chars().count())
            + 1;
        *place = Place {
            line,
            offset,
            column,
        };
        (line, column)
    }

    /// Repairs, validates and places a found URL; `None` when it is not a
    /// citation (relative link, anchor, `mailto:`, unparsable).
    pub fn finish(&self, found: Found) -> Option<Citation> {
        self.finish_at(found, &mut Place::default())
    }

    fn finish_at(&self, found: Found, place: &mut Place) -> Option<Citation> {
        let raw = self.text.get(found.span.clone())?;
        let input = found.url.as_deref().unwrap_or(raw);
        let repaired = if self.latex {
            repair::repair_latex(input)
        } else {
            repair::repair(input)
        };
        // A declared URL that cannot be one is kept for `check` to call invalid.
        let invalid_but_declared = found.declared && not_a_url(&repaired.url);
        if !(repair::is_citable(&repaired.url) || invalid_but_declared) {
            return None;
        }
        // The URL proper, without the wrappers and trailing punctuation repair
        // dropped: what `fix` rewrites and where the archive link goes after.
        // A URL built from an identifier (a DOI) keeps the identifier's span.
        let span = if found.url.is_some() {
            found.span.clone()
        } else {
            found.span.start + repaired.core.start..found.span.start + repaired.core.end
        };
        let (line, column) = self.line_col_after(place, span.start);
        let context = found
            .context
            .map(|c| {
                if is_normal_space(&c) {
                    c
                } else {
                    normalise_space(&c)
                }
            })
            .filter(|c| !c.is_empty());
        let cited = found
            .date
            .or_else(|| dates::cited(context.as_deref().unwrap_or(""), &repaired.url));
        let raw = (raw != repaired.url).then(|| raw.to_string());
        Some(Citation {
            source: self.source.to_string(),
            line,
            column,
            footnote: found.footnote,
            kind: found.kind,
            url: repaired.url,
            raw,
            repairs: repaired.rules,
            cited,
            context,
            archived: found.archived,
            element: found.element.unwrap_or_else(|| span.clone()),
            span,
            text_span: found.text_span,
        })
    }

    /// Finishes every found URL, in document order, dropping exact duplicates
    /// (the same span reported twice).
    pub fn finish_all(&self, mut found: Vec<Found>) -> Vec<Citation> {
        // Most parsers report in order; checking is cheaper than moving.
        if !found.is_sorted_by_key(|f| (f.span.start, f.span.end)) {
            found.sort_by_key(|f| (f.span.start, f.span.end));
        }
        found.dedup_by(|a, b| a.span == b.span);
        let mut place = Place::default();
        let mut out = Vec::with_capacity(found.len());
        out.extend(
            found
                .into_iter()
                .filter_map(|f| self.finish_at(f, &mut place)),
        );
        out
    }
}

/// The last place [`Doc::line_col_after`] computed: 1-based line (0 before
/// the first), byte offset and 1-based column.
#[derive(Debug, Default, Clone, Copy)]
struct Place {
    line: usize,
    offset: usize,
    column: usize,
}

/// Whether a text has no white space but single spaces between words (most
/// notes' text, already folded by its parser), so [`normalise_space`] would
/// return it unchanged. Any control byte or non-ASCII byte answers "no": the
/// caller then folds the text, which is right in every case.
fn is_normal_space(s: &str) -> bool {
    let bytes = s.as_bytes();
    if bytes.first() == Some(&b' ') || bytes.last() == Some(&b' ') {
        return false;
    }
    let mut prev_space = false;
    for &b in bytes {
        let space = b == b' ';
        if (space && prev_space) || !(0x20..0x7f).contains(&b) {
            return false;
        }
        prev_space = space;
    }
    true
}

/// Collapses runs of white space into one space and trims.
pub fn normalise_space(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// How extraction divides a large document: Markdown larger than
/// `chunk_bytes` is cut into chunks (see [`chunk`]) parsed on up to
/// `threads` threads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Split {
    /// Threads to parse chunks on.
    pub threads: usize,
    /// The size chunks are cut at, roughly.
    pub chunk_bytes: usize,
}

impl Default for Split {
    fn default() -> Split {
        Split {
            threads: parallel::default_threads(),
            chunk_bytes: 1 << 20,
        }
    }
}

/// Whether a value declared to be a URL cannot be one: not empty, and not
/// an absolute URL of any scheme (a `mailto:` is a URL, just not a citation).
fn not_a_url(value: &str) -> bool {
    !value.trim().is_empty() && url::Url::parse(value).is_err()
}

/// Extracts every citation of a document whose format is known.
pub fn extract(source: &str, text: &str, format: Format) -> Vec<Citation> {
    let mut all = Vec::new();
    let result = extract_each(source, text, format, Split::default(), |batch| {
        all.extend(batch);
        Ok::<(), std::convert::Infallible>(())
    });
    match result {
        Ok(()) => all,
        Err(never) => match never {},
    }
}

/// Extracts every citation of a document, handing them to `sink` in document
/// order, in batches (one per chunk), so that a report can be written while
/// the rest of the document is still being parsed. The first error `sink`
/// returns stops the extraction and is returned.
pub fn extract_each<E>(
    source: &str,
    text: &str,
    format: Format,
    split: Split,
    mut sink: impl FnMut(Vec<Citation>) -> Result<(), E>,
) -> Result<(), E> {
    extract_prepared(
        source,
        text,
        format,
        split,
        |batch| batch,
        |mut batch, dropped| {
            for &i in dropped.iter().rev() {
                if i < batch.len() {
                    batch.remove(i);
                }
            }
            sink(batch)
        },
    )
}

/// Like [`extract_each`], but each batch goes through `prepare` on the thread
/// that extracted it (to encode a report in parallel, say; the batch is
/// dropped there too, not on the thread that writes). `sink` gets, in
/// document order, what `prepare` made of each batch and the sorted indices
/// of the batch's citations it must leave out: link definitions whose label
/// an earlier chunk defined (the first definition of a label is the one that
/// counts).
pub fn extract_prepared<T: Send, E>(
    source: &str,
    text: &str,
    format: Format,
    split: Split,
    prepare: impl Fn(Vec<Citation>) -> T + Sync,
    mut sink: impl FnMut(T, &[usize]) -> Result<(), E>,
) -> Result<(), E> {
    let mut doc = Doc::new(source, text);
    doc.latex = matches!(format, Format::Bibtex | Format::Latex);
    let ignored = ignore::Ignored::scan(&doc, format);
    let notes = match format {
        Format::Converted => converted::notes(text),
        _ => Vec::new(),
    };
    let chunkable = matches!(format, Format::Markdown | Format::Converted)
        && text.len() > split.chunk_bytes
        && markdown::can_chunk(text);
    let regions: Vec<Range<usize>> = if chunkable {
        notes.iter().map(|n| n.range.clone()).collect()
    } else {
        Vec::new()
    };
    let mut planner = chunkable.then(|| {
        chunk::Planner::new(
            text,
            markdown::body(text).start,
            &regions,
            split.chunk_bytes,
        )
    });
    let first = planner.as_mut().and_then(chunk::Planner::next_chunk);
    // A document the planner found no cut in is walked whole.
    let Some((mut planner, first)) = planner.zip(first).filter(|(_, c)| c.end < text.len()) else {
        let found = match format {
            Format::Markdown => markdown::extract(&doc),
            Format::Converted => markdown::extract_with_notes(&doc, notes),
            Format::Text => text::extract(&doc),
            Format::Html => html::extract(&doc),
            Format::Bibtex => bibtex::extract(&doc),
            Format::Latex => latex::extract(&doc),
            Format::Rst => rst::extract(&doc),
            Format::Wikitext => wikitext::extract(&doc),
        };
        let batch = ignored.apply(doc.finish_all(found));
        return sink(prepare(batch), &[]);
    };
    // The planner cuts the rest while the first chunks are parsed; the
    // labels it collects are there once it is done (a walk that needs them
    // before waits).
    let labels = std::sync::OnceLock::new();
    let feed = parallel::Feed::new();
    feed.push(first);
    let walk = |range: Range<usize>| markdown::extract_chunk(text, range, &notes, Some(&labels));
    let finish = |part: markdown::ChunkFound| {
        let batch = ignored.apply(doc.finish_all(part.found));
        // Reference definitions, by position and label: a label an earlier
        // chunk defined is left out (decided in order, by the sink side).
        let definitions: Vec<(usize, u64)> = batch
            .iter()
            .enumerate()
            .filter(|(_, c)| c.kind == CitationKind::Reference)
            .map(|(i, c)| (i, chunk::label_key(c.footnote.as_deref().unwrap_or(""))))
            .collect();
        (prepare(batch), definitions)
    };
    // A label defined twice keeps its first definition, across chunks too.
    let mut defined = std::collections::HashSet::new();
    // Chunks already walked together with an earlier one.
    let mut merged_until = 0;
    // Every chunk, known once the planner is done (before any result is sunk).
    let mut chunks: Vec<Range<usize>> = Vec::new();
    parallel::ordered_fed(
        &feed,
        split.threads,
        |i, range| {
            let part = walk(range);
            // A chunk the next one must be walked with is finished then.
            let done = if part.open_at_end {
                Err(part)
            } else {
                Ok(finish(part))
            };
            (i, done)
        },
        || {
            let _labels = SetOnDrop(&labels);
            while let Some(range) = planner.next_chunk() {
                feed.push(range);
            }
            let _ = labels.set(planner.labels());
        },
        |(i, done)| {
            if i < merged_until {
                return Ok(());
            }
            if chunks.is_empty() {
                chunks = feed.jobs();
            }
            let (prepared, definitions) = match done {
                Ok(done) => {
                    merged_until = i + 1;
                    done
                }
                Err(part) if i + 1 >= chunks.len() => {
                    merged_until = i + 1;
                    finish(part)
                }
                Err(_) => {
                    // The planner cut inside a block the parser sees running
                    // on (its line scan is a heuristic): walk on with the
                    // next chunks.
                    // The reach doubles each time, so a block that never
                    // closes costs a few walks, not one per chunk left.
                    let mut last = i + 1;
                    let mut step = 1;
                    let mut part = walk(chunks[i].start..chunks[last].end);
                    while part.open_at_end && last + 1 < chunks.len() {
                        step *= 2;
                        last = (last + step).min(chunks.len() - 1);
                        part = walk(chunks[i].start..chunks[last].end);
                    }
                    merged_until = last + 1;
                    finish(part)
                }
            };
            let dropped: Vec<usize> = definitions
                .into_iter()
                .filter(|&(_, key)| !defined.insert(key))
                .map(|(i, _)| i)
                .collect();
            sink(prepared, &dropped)
        },
    )
}

/// Sets empty labels if the planner stops before setting its own (a panic):
/// a walk waiting for them must not wait forever.
struct SetOnDrop<'a>(&'a std::sync::OnceLock<chunk::Labels>);

impl Drop for SetOnDrop<'_> {
    fn drop(&mut self) {
        let _ = self.0.set(chunk::Labels::default());
    }
}

#[cfg(test)]
mod place_tests {
    use super::*;

    #[test]
    fn places_far_apart_agree_with_line_col() {
        let text: String = (0..2_000).map(|i| "x".repeat(i % 7) + "\n").collect();
        let doc = Doc::new("t", &text);
        for stride in [1, 2, 3, 5, 17, 100, 1_000, 5_000] {
            let mut place = Place::default();
            for o in (0..text.len()).step_by(stride) {
                assert_eq!(
                    doc.line_col_after(&mut place, o),
                    doc.line_col(o),
                    "offset {o}"
                );
            }
        }
    }

    #[test]
    fn normal_space_agrees_with_normalise_space() {
        let cases = [
            "",
            "a",
            "a b",
            "a  b",
            " a",
            "a ",
            "a\tb",
            "a\nb",
            "a\u{b}b",
            "a\u{1}b",
            "caf\u{e9} b",
            "a\u{a0}b",
            "a\u{3000}b",
            "x. y, z",
        ];
        for s in cases {
            if is_normal_space(s) {
                assert_eq!(normalise_space(s), s, "{s:?}");
            }
        }
        assert!(is_normal_space(
            "A. Author, \"Title\", 5 May 2019. https://a.org/x"
        ));
        assert!(!is_normal_space("a  b"));
        assert!(!is_normal_space("a\u{b}b"));
    }

    #[test]
    fn places_in_order_agree_with_line_col() {
        let text = "a\u{e9}b\ncd\n\n\u{4f8b}\u{4f8b}x y z\nlast line é é é\n";
        let doc = Doc::new("t", text);
        let offsets: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
        let mut place = Place::default();
        for &o in &offsets {
            assert_eq!(
                doc.line_col_after(&mut place, o),
                doc.line_col(o),
                "offset {o}"
            );
        }
        // Out of order: starts again from the line's start.
        assert_eq!(doc.line_col_after(&mut place, 1), doc.line_col(1));
        let mut sparse = Place::default();
        for &o in offsets.iter().step_by(3) {
            assert_eq!(
                doc.line_col_after(&mut sparse, o),
                doc.line_col(o),
                "offset {o}"
            );
        }
    }
}
