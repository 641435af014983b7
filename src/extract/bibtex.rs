//! BibTeX and BibLaTeX: one reference per URL-bearing entry.
//!
//! The `biblatex` crate parses whole files but rejects a file for a single
//! bad entry and gives no byte spans of values, both of which citecheck needs
//! (a `.bib` in the wild often has one stray brace; `fix` edits values in
//! place). So this is a small linear scanner: entries are `@type{key, name =
//! value, …}` with brace- or quote-delimited values, `#` concatenation and
//! bare macros; `@string` defines macros (expanded where later entries use
//! them, as BibTeX does), `@comment` and `@preamble` are skipped, and text
//! outside entries (including `%` lines) is ignored. A value
//! that never closes ends its entry at the next line starting with `@type{`,
//! so one broken entry cannot swallow the rest of the file.
//!
//! Each entry's URLs (`url`, `\url{}` in `howpublished`/`note`/`addendum`,
//! `doi`, arXiv `eprint`) are references labelled with the entry key; the
//! whole entry is the element `fix` annotates. A `doi` or `eprint` is not a
//! URL as written, so the URL built from it travels in [`Found::url`] while
//! the span stays on the identifier; a value built from `@string` macros
//! (`acm # "/doi/…"`) likewise, with the span on the whole expression.
//! Dates come from the structured fields:
//! the access date (`urldate`, or "Accessed …" in a note) wins over the
//! publication date (`date`, else `year` and `month`).

use std::borrow::Cow;
use std::collections::HashMap;
use std::ops::Range;

use super::dates::{access_date, parse_date};
use super::latex::{plain_text, scan_fragment, trim_span};
use super::{normalise_space, Doc, Found};
use crate::citation::{CitationKind, CitedDate};

/// Entry types that hold no reference.
const SKIPPED_TYPES: [&str; 3] = ["comment", "string", "preamble"];

/// `@string` macros defined so far: lower-cased name to value as written
/// (LaTeX, macros in it already expanded).
type Macros = HashMap<String, String>;

/// Fields whose free text may hold `\url{}`s or bare URLs.
const NOTE_FIELDS: [&str; 3] = ["howpublished", "note", "addendum"];

/// Fields naming an archive copy of the entry's URL.
const ARCHIVE_FIELDS: [&str; 4] = ["archiveurl", "archive-url", "archive_url", "archivedurl"];

/// Extracts the URLs of every entry of a `.bib` file.
pub fn extract(doc: &Doc) -> Vec<Found> {
    let text = doc.text;
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut macros = Macros::new();
    let mut pos = 0;
    while pos < bytes.len() {
        match bytes[pos] {
            b'%' => pos = memchr::memchr(b'\n', &bytes[pos..]).map_or(bytes.len(), |i| pos + i),
            b'@' => {
                let Some((kind, open)) = entry_start(bytes, pos) else {
                    pos += 1;
                    continue;
                };
                let mut parser = EntryParser::new(text, pos, open);
                let mode = match kind.as_str() {
                    "string" => Mode::Definitions,
                    k if SKIPPED_TYPES.contains(&k) => Mode::Skip,
                    _ => Mode::Entry,
                };
                let entry = parser.parse(mode);
                pos = parser.pos.max(pos + 1);
                match mode {
                    Mode::Entry => out.extend(entry_urls(text, &entry, &macros)),
                    Mode::Definitions => define(text, &entry, &mut macros),
                    Mode::Skip => {}
                }
            }
            _ => {
                pos += memchr::memchr2(b'@', b'%', &bytes[pos..]).unwrap_or(bytes.len() - pos);
            }
        }
    }
    out
}

/// The lower-cased type and the index of the opening delimiter of an entry
/// starting at `at` (`@type{` or `@type(`).
fn entry_start(bytes: &[u8], at: usize) -> Option<(String, usize)> {
    let mut i = at + 1;
    while bytes
        .get(i)
        .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_')
    {
        i += 1;
    }
    let kind = std::str::from_utf8(bytes.get(at + 1..i)?)
        .ok()?
        .to_ascii_lowercase();
    while bytes.get(i).is_some_and(|b| b.is_ascii_whitespace()) {
        i += 1;
    }
    (!kind.is_empty() && matches!(bytes.get(i), Some(b'{' | b'('))).then_some((kind, i))
}

/// Whether a line starting at `at` opens a new entry (for recovery);
/// `indented` also accepts white space before the `@`.
fn entry_line(bytes: &[u8], at: usize, indented: bool) -> bool {
    let mut i = at;
    while indented && matches!(bytes.get(i), Some(b' ' | b'\t')) {
        i += 1;
    }
    bytes.get(i) == Some(&b'@') && entry_start(bytes, i).is_some()
}

/// One field: its lower-cased name and the span of its value (inside the
/// delimiters; a concatenation spans all its parts).
#[derive(Debug)]
struct Field {
    name: String,
    value: Range<usize>,
    /// The whole value expression, delimiters included.
    expr: Range<usize>,
    /// The concatenated parts (`"a" # b`).
    parts: Vec<Part>,
}

/// One part of a value: `{…}` or `"…"` (the span inside the delimiters), or
/// a bare number or macro name.
#[derive(Debug)]
struct Part {
    span: Range<usize>,
    bare: bool,
}

impl Field {
    /// The value as BibTeX reads it: borrowed when it is written in one
    /// piece, else its parts joined with the `@string` macros they name
    /// expanded.
    fn written<'t>(&self, text: &'t str, macros: &Macros) -> Cow<'t, str> {
        let macro_part = |p: &Part| {
            p.bare
                && text
                    .get(p.span.clone())
                    .is_some_and(|name| macros.contains_key(&name.to_ascii_lowercase()))
        };
        match self.parts.as_slice() {
            [one] if !macro_part(one) => Cow::Borrowed(text.get(one.span.clone()).unwrap_or("")),
            _ => Cow::Owned(self.joined(text, macros)),
        }
    }

    /// Whether [`Field::written`] joins parts or expands macros: the value
    /// is not written in one piece anywhere in the document.
    fn expands(&self, text: &str, macros: &Macros) -> bool {
        matches!(self.written(text, macros), Cow::Owned(_))
    }

    /// The parts joined as BibTeX does; unknown macros stay as their name.
    fn joined(&self, text: &str, macros: &Macros) -> String {
        let mut out = String::new();
        for part in &self.parts {
            let written = text.get(part.span.clone()).unwrap_or("");
            match macros.get(&written.to_ascii_lowercase()) {
                Some(value) if part.bare => out.push_str(value),
                _ => out.push_str(written),
            }
        }
        out
    }

    /// The value as BibTeX reads it: the parts joined, made readable.
    fn plain(&self, text: &str, macros: &Macros) -> String {
        plain_text(&self.joined(text, macros), false)
    }
}

/// Records the macros an `@string` entry defines (usually one).
fn define(text: &str, entry: &Entry, macros: &mut Macros) {
    for field in &entry.fields {
        let value = field.joined(text, macros);
        macros.insert(field.name.clone(), value);
    }
}

/// What to read of an entry.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Mode {
    /// A reference: a key, then fields.
    Entry,
    /// `@string`: fields without a key.
    Definitions,
    /// `@comment`, `@preamble`: only find the end.
    Skip,
}

/// One parsed entry.
#[derive(Debug)]
struct Entry {
    key: String,
    element: Range<usize>,
    fields: Vec<Field>,
}

impl Entry {
    fn get(&self, name: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.name == name)
    }
}

struct EntryParser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    start: usize,
    pos: usize,
    close: u8,
    /// Whether an indented `@type{` line ends a value that never closes. Off
    /// in `@comment` and the like, which often hold indented entries.
    indented_recovery: bool,
}

/// Why a value ended.
enum Stop {
    Closed,
    /// The entry ended: its closing delimiter, the end of input, or a new entry.
    EntryEnd,
}

impl<'a> EntryParser<'a> {
    fn new(text: &'a str, start: usize, open: usize) -> EntryParser<'a> {
        let close = if text.as_bytes().get(open) == Some(&b'(') {
            b')'
        } else {
            b'}'
        };
        EntryParser {
            text,
            bytes: text.as_bytes(),
            start,
            pos: open + 1,
            close,
            indented_recovery: true,
        }
    }

    /// Parses the entry (or only skips it, for `@comment` and the like),
    /// leaving `pos` after it.
    fn parse(&mut self, mode: Mode) -> Entry {
        let mut entry = Entry {
            key: String::new(),
            element: self.start..self.bytes.len(),
            fields: Vec::new(),
        };
        if mode == Mode::Skip {
            self.indented_recovery = false;
            let stop = self.balanced(self.close);
            self.finish(&mut entry, stop);
            return entry;
        }
        if mode == Mode::Entry {
            let key_end = self.find_any(&[b',', self.close, b'\n']);
            entry.key = self
                .text
                .get(self.pos..key_end)
                .unwrap_or("")
                .trim()
                .to_string();
            self.pos = key_end;
        }
        loop {
            self.skip(|b| b.is_ascii_whitespace() || b == b',');
            if self.pos >= self.bytes.len() || self.bytes[self.pos] == self.close {
                self.finish(&mut entry, Stop::Closed);
                return entry;
            }
            if self.at_entry_line() {
                self.finish(&mut entry, Stop::EntryEnd);
                return entry;
            }
            match self.field() {
                Ok(Some(field)) => entry.fields.push(field),
                Ok(None) => {}
                Err(()) => {
                    self.finish(&mut entry, Stop::EntryEnd);
                    return entry;
                }
            }
        }
    }

    /// Sets the entry's end from how it stopped and steps past its closer.
    fn finish(&mut self, entry: &mut Entry, stop: Stop) {
        match stop {
            Stop::Closed if self.pos < self.bytes.len() => {
                self.pos += 1;
                entry.element = self.start..self.pos;
            }
            _ => {
                let written = self.text.get(self.start..self.pos).unwrap_or("");
                entry.element = self.start..self.start + written.trim_end().len();
            }
        }
    }

    /// Reads `name = value`; `Ok(None)` skips a malformed line, `Err` ends the entry.
    fn field(&mut self) -> Result<Option<Field>, ()> {
        let name_start = self.pos;
        self.skip(|b| !b.is_ascii_whitespace() && !b"=,{}\"()#".contains(&b));
        let name = self
            .text
            .get(name_start..self.pos)
            .unwrap_or("")
            .to_ascii_lowercase();
        self.skip(|b| b.is_ascii_whitespace());
        if name.is_empty() || self.bytes.get(self.pos) != Some(&b'=') {
            // Not a field: resume at the next line (or the entry's end).
            self.pos = self
                .find_any(&[b'\n', self.close])
                .max(self.pos + 1)
                .min(self.bytes.len());
            return Ok(None);
        }
        self.pos += 1;
        let mut parts = Vec::new();
        let mut expr_start = None;
        loop {
            self.skip(|b| b.is_ascii_whitespace());
            expr_start.get_or_insert(self.pos);
            parts.push(self.piece()?);
            let expr_end = self.pos;
            self.skip(|b| b.is_ascii_whitespace());
            if self.bytes.get(self.pos) != Some(&b'#') {
                let (Some(first), Some(last)) = (parts.first(), parts.last()) else {
                    return Ok(None);
                };
                let value = first.span.start..last.span.end;
                let expr = expr_start.unwrap_or(value.start)..expr_end;
                return Ok(Some(Field {
                    name,
                    value,
                    expr,
                    parts,
                }));
            }
            self.pos += 1;
        }
    }

    /// Reads one part of a value: `{…}`, `"…"` or a bare number/macro.
    fn piece(&mut self) -> Result<Part, ()> {
        match self.bytes.get(self.pos) {
            Some(&(open @ b'{' | open @ b'"')) => {
                self.pos += 1;
                let start = self.pos;
                match self.balanced(if open == b'{' { b'}' } else { b'"' }) {
                    Stop::Closed => {
                        self.pos += 1;
                        Ok(Part {
                            span: start..self.pos - 1,
                            bare: false,
                        })
                    }
                    Stop::EntryEnd => Err(()),
                }
            }
            _ => {
                let start = self.pos;
                let close = self.close;
                self.skip(|b| !b.is_ascii_whitespace() && b != b',' && b != b'#' && b != close);
                Ok(Part {
                    span: start..self.pos,
                    bare: true,
                })
            }
        }
    }

    /// Advances to the `closer` at brace depth zero (`pos` left on it), or to
    /// where the entry must end: the input's end or a line opening a new entry.
    fn balanced(&mut self, closer: u8) -> Stop {
        let mut depth = 0usize;
        while self.pos < self.bytes.len() {
            let b = self.bytes[self.pos];
            if b == closer && depth == 0 {
                return Stop::Closed;
            }
            match b {
                b'{' => depth += 1,
                b'}' => depth = depth.saturating_sub(1),
                b'\n' if entry_line(self.bytes, self.pos + 1, self.indented_recovery) => {
                    self.pos += 1;
                    return Stop::EntryEnd;
                }
                _ => {}
            }
            self.pos += 1;
        }
        Stop::EntryEnd
    }

    /// Whether a new entry starts where a field name was expected (its
    /// predecessor lacks its closing delimiter).
    fn at_entry_line(&self) -> bool {
        self.bytes.get(self.pos) == Some(&b'@') && entry_start(self.bytes, self.pos).is_some()
    }

    fn skip(&mut self, keep_going: impl Fn(u8) -> bool) {
        while self.pos < self.bytes.len() && keep_going(self.bytes[self.pos]) {
            self.pos += 1;
        }
    }

    /// Index of the first of `stops` at or after `pos`, or the input's end.
    fn find_any(&self, stops: &[u8]) -> usize {
        self.bytes[self.pos..]
            .iter()
            .position(|b| stops.contains(b))
            .map_or(self.bytes.len(), |i| self.pos + i)
    }
}

/// The references an entry gives: one per URL, all labelled with its key.
fn entry_urls(text: &str, entry: &Entry, macros: &Macros) -> Vec<Found> {
    let value = |name: &str| entry.get(name).map(|f| f.written(text, macros));
    let mut found: Vec<Found> = Vec::new();
    if let Some(field) = entry.get("url") {
        found.extend(
            field_urls(text, field, true, macros)
                .into_iter()
                .map(|mut f| {
                    f.declared = true;
                    f
                }),
        );
    }
    for name in NOTE_FIELDS {
        if let Some(field) = entry.get(name) {
            found.extend(field_urls(text, field, false, macros));
        }
    }
    for (span, url) in identifier_urls(text, entry, macros) {
        let known = found.iter().any(|f| {
            f.url
                .as_deref()
                .or_else(|| text.get(f.span.clone()))
                .is_some_and(|u| same_url(u, &url))
        });
        if !known {
            let mut f = Found::new(span, CitationKind::Reference);
            f.url = Some(url);
            found.push(f);
        }
    }
    let context = entry_context(text, entry, macros);
    let date = entry_date(text, entry, macros);
    let archived = ARCHIVE_FIELDS
        .iter()
        .find_map(|name| value(name))
        .and_then(|v| archive_url(&v));
    // The archive copy is of the entry's main URL: the `url` field's, which
    // comes first, else the first one found.
    for (i, f) in found.iter_mut().enumerate() {
        f.kind = CitationKind::Reference;
        f.footnote = Some(entry.key.clone());
        f.context.clone_from(&context);
        f.element = Some(entry.element.clone());
        f.text_span = None;
        f.date = date;
        if i == 0 {
            f.archived.clone_from(&archived);
        }
    }
    found
}

/// The URLs in one field: a `url` field is a URL unless it wraps one in
/// `\url{}`; free-text fields are searched.
fn field_urls(text: &str, field: &Field, is_url: bool, macros: &Macros) -> Vec<Found> {
    if field.expands(text, macros) {
        return expanded_url(text, field, is_url, macros)
            .into_iter()
            .collect();
    }
    let written = text.get(field.value.clone()).unwrap_or("");
    if is_url && !written.contains('\\') {
        let span = trim_span(text, field.value.clone());
        return if span.is_empty() {
            Vec::new()
        } else {
            vec![Found::new(span, CitationKind::Reference)]
        };
    }
    let mut found = scan_fragment(text, field.value.clone());
    if is_url && found.is_empty() {
        // A URL with LaTeX escapes (`\_`): the value as written.
        found.push(Found::new(
            trim_span(text, field.value.clone()),
            CitationKind::Reference,
        ));
    }
    found
}

/// The URL of a field whose value is joined from parts or uses `@string`
/// macros: the joined value's first URL (or, for a `url` field, the value
/// itself), with the whole value expression as its span. One per field, since `fix` can only
/// rewrite the expression as a whole.
fn expanded_url(text: &str, field: &Field, is_url: bool, macros: &Macros) -> Option<Found> {
    let value = field.joined(text, macros);
    let url = scan_fragment(&value, 0..value.len())
        .into_iter()
        .find_map(|f| f.url.or_else(|| value.get(f.span).map(str::to_string)))
        .or_else(|| is_url.then(|| value.trim().to_string()))
        .filter(|u| !u.is_empty())?;
    let mut found = Found::new(field.expr.clone(), CitationKind::Reference);
    found.url = Some(url);
    Some(found)
}

/// A field's value with its span: the identifier as written (trimmed), or
/// the whole expression when it is joined from parts or macros.
fn identifier<'t>(text: &'t str, field: &Field, macros: &Macros) -> (Range<usize>, Cow<'t, str>) {
    match field.written(text, macros) {
        Cow::Owned(v) => (field.expr.clone(), Cow::Owned(v.trim().to_string())),
        Cow::Borrowed(_) => {
            let span = trim_span(text, field.value.clone());
            let written = text.get(span.clone()).unwrap_or("");
            (span, Cow::Borrowed(written))
        }
    }
}

/// URLs built from identifiers: `doi` and arXiv `eprint`, each with the span
/// of the identifier as written.
fn identifier_urls(text: &str, entry: &Entry, macros: &Macros) -> Vec<(Range<usize>, String)> {
    let mut urls = Vec::new();
    if let Some(doi) = entry.get("doi") {
        let (span, written) = identifier(text, doi, macros);
        let written = written.as_ref();
        let lower = written.to_ascii_lowercase();
        if lower.starts_with("http://") || lower.starts_with("https://") {
            urls.push((span, written.to_string()));
        } else if !written.is_empty() {
            let id = ["doi:", "doi "]
                .iter()
                .find(|p| lower.starts_with(*p))
                .map_or(written, |p| written.get(p.len()..).unwrap_or("").trim());
            urls.push((span, format!("https://doi.org/{id}")));
        }
    }
    let eprint_type = ["eprinttype", "archiveprefix"]
        .iter()
        .find_map(|n| entry.get(n))
        .map(|f| f.written(text, macros).trim().to_ascii_lowercase());
    if let (Some(eprint), Some("arxiv")) = (entry.get("eprint"), eprint_type.as_deref()) {
        let (span, id) = identifier(text, eprint, macros);
        let id = id.as_ref();
        let id = id.strip_prefix("arXiv:").unwrap_or(id);
        if !id.is_empty() {
            urls.push((span, format!("https://arxiv.org/abs/{id}")));
        }
    }
    urls
}

/// Whether two URLs are the same citation (ignoring scheme case and a final `/`).
fn same_url(a: &str, b: &str) -> bool {
    let norm = |s: &str| s.trim().trim_end_matches('/').to_ascii_lowercase();
    norm(a) == norm(b)
}

/// An archive field's URL, unwrapped from `\url{}`.
fn archive_url(value: &str) -> Option<String> {
    let found = scan_fragment(value, 0..value.len());
    let span = found.first().map_or(0..value.len(), |f| f.span.clone());
    let url = value.get(span)?.trim();
    (!url.is_empty()).then(|| url.to_string())
}

/// "author, title", readable: the first author and "et al." past three.
fn entry_context(text: &str, entry: &Entry, macros: &Macros) -> Option<String> {
    let field = |name: &str| {
        entry
            .get(name)
            .map(|f| normalise_space(&f.plain(text, macros)))
            .filter(|v| !v.is_empty())
    };
    let who = [
        "author",
        "editor",
        "organization",
        "institution",
        "publisher",
    ]
    .iter()
    .find_map(|n| field(n))
    .map(|names| {
        let mut people = names.split(" and ");
        match (people.next(), people.clone().count()) {
            (Some(first), n) if n >= 3 => format!("{first} et al."),
            _ => names,
        }
    });
    let parts: Vec<String> = [who, field("title")].into_iter().flatten().collect();
    (!parts.is_empty()).then(|| parts.join(", "))
}

/// The entry's date: access date first, then publication date.
fn entry_date(text: &str, entry: &Entry, macros: &Macros) -> Option<CitedDate> {
    let value = |name: &str| entry.get(name).map(|f| f.plain(text, macros));
    if let Some(date) = value("urldate").and_then(|d| parse_date(&d)) {
        return Some(date);
    }
    if let Some(date) = NOTE_FIELDS
        .iter()
        .find_map(|n| value(n).and_then(|v| access_date(&v)))
    {
        return Some(date);
    }
    if let Some(date) = value("date").and_then(|d| parse_date(d.split('/').next().unwrap_or(""))) {
        return Some(date);
    }
    let year = value("year")?;
    let year = year.trim();
    match value("month").and_then(|m| month_number(&m)) {
        Some(month) => parse_date(&format!("{year}-{month:02}")),
        None => parse_date(year),
    }
}

/// A `month` value as a number: `5`, `May`, `may` (the BibTeX macro).
fn month_number(month: &str) -> Option<u8> {
    const NAMES: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let month = month.trim();
    if let Ok(n) = month.parse::<u8>() {
        return (1..=12).contains(&n).then_some(n);
    }
    let lower = month.to_ascii_lowercase();
    let prefix = lower.get(..3)?;
    NAMES.iter().position(|n| *n == prefix).map(|i| i as u8 + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(text: &str) -> Vec<(String, Range<usize>, Vec<String>)> {
        let bytes = text.as_bytes();
        let at = text.find('@').unwrap_or(0);
        let (_, open) = entry_start(bytes, at).unwrap_or_default();
        let mut parser = EntryParser::new(text, at, open);
        let e = parser.parse(Mode::Entry);
        vec![(
            e.key,
            e.element,
            e.fields
                .iter()
                .map(|f| format!("{}={}", f.name, &text[f.value.clone()]))
                .collect(),
        )]
    }

    #[test]
    fn parses_fields_of_every_value_style() {
        let text = "@misc( k1 ,\n title = \"A {\"}quoted{\"} \" # {x},\n year = 2001, month = jan)";
        assert_eq!(
            entries(text),
            vec![(
                "k1".to_string(),
                0..text.len(),
                vec![
                    "title=A {\"}quoted{\"} \" # {x".to_string(),
                    "year=2001".to_string(),
                    "month=jan".to_string()
                ]
            )]
        );
    }

    #[test]
    fn unclosed_value_ends_at_next_entry() {
        let text =
            "@book{a, title = {Broken,\n url = {https://x.test}\n@misc{b, url={https://y.test}}";
        let doc = Doc::new("t.bib", text);
        let found = extract(&doc);
        assert_eq!(found.len(), 1);
        assert_eq!(&text[found[0].span.clone()], "https://y.test");
        assert_eq!(found[0].footnote.as_deref(), Some("b"));
    }

    #[test]
    fn month_forms() {
        assert_eq!(month_number("jan"), Some(1));
        assert_eq!(month_number("{September}"), None);
        assert_eq!(month_number("September"), Some(9));
        assert_eq!(month_number("12"), Some(12));
        assert_eq!(month_number("13"), None);
        assert_eq!(month_number("ma"), None);
    }

    #[test]
    fn same_url_ignores_case_and_final_slash() {
        assert!(same_url(
            "https://DOI.org/10.1/x/",
            "https://doi.org/10.1/x"
        ));
        assert!(!same_url(
            "https://doi.org/10.1/x",
            "https://doi.org/10.1/y"
        ));
    }
}
