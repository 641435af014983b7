//! LaTeX: `\url`, `\href` and the notes that hold them.
//!
//! A full TeX interpreter is out of reach (catcodes can change anything), but
//! citations live in a small, regular part of the language: `\footnote{…}`,
//! `\url{…}`, `\href{…}{…}` and `\bibitem` lists. The scanner makes one pass
//! over the bytes keeping a stack of open brace groups, so a footnote's end is
//! known when its brace closes and nothing is scanned twice; that keeps it
//! linear even for documents with hundreds of thousands of notes. What TeX
//! would not typeset is skipped: `%` comments, `\verb`, and the `verbatim`,
//! `lstlisting`, `comment` and `minted` environments. `\url` arguments are
//! read verbatim (they may hold `%` and `#`), as the `url` package does.
//!
//! Footnotes are labelled with the number the reader sees: LaTeX's footnote
//! counter, stepped by `\footnote` and `\footnotemark`, overridden by an
//! optional `[n]`, and not stepped by `\footnotetext`. The counter is never
//! reset (documents that reset it per chapter get document-wide numbers).
//! Bare URLs are reported only inside notes (footnotes and bibliography
//! items), where they are a citation; elsewhere in LaTeX prose they are rare.
//!
//! The same scanner reads BibTeX field values (`scan_fragment`), and
//! `plain_text` turns LaTeX into the readable context both formats report.

use std::ops::Range;

use super::{Doc, Found};
use crate::citation::CitationKind;
use crate::repair::find_bare_urls;

/// Environments whose content TeX prints verbatim or drops.
const VERBATIM_ENVS: [&str; 6] = [
    "verbatim",
    "verbatim*",
    "lstlisting",
    "comment",
    "minted",
    "Verbatim",
];

/// Longest `\url`/`\href` argument looked for; bounds the work an unclosed
/// argument can cause, so malformed input stays linear.
const MAX_ARG: usize = 16 * 1024;

/// Extracts the `\url`s and `\href`s of a LaTeX document, and bare URLs in its notes.
pub fn extract(doc: &Doc) -> Vec<Found> {
    let mut scanner = Scanner::new(doc.text, 0..doc.text.len(), true);
    scanner.run();
    scanner.out
}

/// Finds the URLs in a fragment of LaTeX-like text (a BibTeX field value):
/// `\url`, `\href` and bare URLs, all as [`CitationKind::Reference`] with no
/// label or context; `%` is an ordinary character there.
pub(super) fn scan_fragment(text: &str, range: Range<usize>) -> Vec<Found> {
    let mut scanner = Scanner::new(text, range.clone(), false);
    scanner.item = Some(Note {
        label: String::new(),
        kind: CitationKind::Reference,
        body_start: range.start,
        first_found: 0,
    });
    scanner.run();
    scanner.out
}

/// A note being read: a footnote body or a bibliography item.
struct Note {
    label: String,
    kind: CitationKind,
    body_start: usize,
    /// Index in `out` of the first URL found in this note.
    first_found: usize,
}

struct Scanner<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    end: usize,
    /// Whether `%` starts a comment (LaTeX) or is a character (BibTeX values).
    comments: bool,
    out: Vec<Found>,
    /// LaTeX's footnote counter.
    counter: u64,
    /// For each open brace group, whether it is a note's body.
    groups: Vec<bool>,
    /// The open footnote bodies, innermost last.
    notes: Vec<Note>,
    /// The `\bibitem` being read, or the whole fragment for [`scan_fragment`].
    item: Option<Note>,
    in_bibliography: bool,
    /// Start of the plain text not yet searched for bare URLs.
    run_start: usize,
}

impl<'a> Scanner<'a> {
    fn new(text: &'a str, range: Range<usize>, comments: bool) -> Scanner<'a> {
        Scanner {
            text,
            bytes: text.as_bytes(),
            pos: range.start,
            end: range.end.min(text.len()),
            comments,
            out: Vec::new(),
            counter: 0,
            groups: Vec::new(),
            notes: Vec::new(),
            item: None,
            in_bibliography: false,
            run_start: range.start,
        }
    }

    fn run(&mut self) {
        while self.pos < self.end {
            match self.bytes[self.pos] {
                b'%' if self.comments => {
                    self.flush();
                    self.pos = line_end(self.bytes, self.pos, self.end);
                    self.run_start = self.pos;
                }
                b'\\' => {
                    if !self.command() {
                        break;
                    }
                }
                b'{' => {
                    self.flush();
                    self.groups.push(false);
                    self.pos += 1;
                    self.run_start = self.pos;
                }
                b'}' => {
                    self.flush();
                    if self.groups.pop() == Some(true) {
                        if let Some(note) = self.notes.pop() {
                            self.close_note(note, self.pos);
                        }
                    }
                    self.pos += 1;
                    self.run_start = self.pos;
                }
                _ => self.pos += 1,
            }
        }
        self.pos = self.end;
        self.flush();
        while let Some(note) = self.notes.pop() {
            self.close_note(note, self.end);
        }
        self.close_item(self.end);
    }

    /// Handles the command at `pos`; `false` ends the scan (`\end{document}`).
    fn command(&mut self) -> bool {
        let start = self.pos;
        let name_end = command_name_end(self.bytes, start + 1, self.end);
        if name_end == start + 1 {
            // A control symbol (`\%`, `\_`, `\\`): part of the text run.
            let len = self
                .text
                .get(start + 1..)
                .and_then(|s| s.chars().next())
                .map_or(1, char::len_utf8);
            self.pos = (start + 1 + len).min(self.end);
            return true;
        }
        self.flush();
        self.pos = name_end;
        let name = self.text.get(start + 1..name_end).unwrap_or("");
        match name {
            "footnote" | "footnotetext" => self.open_footnote(name == "footnote"),
            "footnotemark" => self.footnotemark(),
            "url" => self.url(start),
            "href" => self.href(start),
            "nolinkurl" | "path" => {
                if let Some(arg) = self.url_arg() {
                    self.pos = arg.end + 1;
                }
            }
            "verb" => self.verb(),
            "begin" => self.begin(),
            "end" => {
                if let Some(env) = self.env_name() {
                    if env == "document" {
                        self.run_start = self.pos;
                        return false;
                    }
                    if env == "thebibliography" {
                        self.close_item(start);
                        self.in_bibliography = false;
                    }
                }
            }
            "bibitem" if self.in_bibliography => self.bibitem(start),
            _ => {}
        }
        self.run_start = self.pos;
        true
    }

    /// Searches the pending text run for bare URLs when inside a note.
    fn flush(&mut self) {
        let start = self.run_start;
        self.run_start = self.pos;
        let Some((label, kind)) = self.current_note() else {
            return;
        };
        let Some(run) = self.text.get(start..self.pos) else {
            return;
        };
        for span in find_bare_urls(run) {
            let span = span.start + start..span.end + start;
            self.out
                .push(Found::new(span, kind).in_note(label.clone(), None));
        }
    }

    /// The label and kind of the innermost open note.
    fn current_note(&self) -> Option<(String, CitationKind)> {
        self.notes
            .last()
            .or(self.item.as_ref())
            .map(|n| (n.label.clone(), n.kind))
    }

    /// Reports a URL (`span`) held by a construct (`element`).
    fn push(&mut self, span: Range<usize>, element: Range<usize>, text_span: Option<Range<usize>>) {
        let span = trim_span(self.text, span);
        let mut found = match self.current_note() {
            Some((label, kind)) => Found::new(span, kind).in_note(label, None),
            None => Found::new(span, CitationKind::InlineLink),
        };
        found.element = Some(element);
        found.text_span = text_span;
        self.out.push(found);
    }

    /// Gives every URL found since the note opened the note's text as context.
    fn close_note(&mut self, note: Note, end: usize) {
        let body = self.text.get(note.body_start..end.max(note.body_start));
        let context = plain_text(body.unwrap_or(""), self.comments);
        for found in self.out.iter_mut().skip(note.first_found) {
            if found.context.is_none() {
                found.context = Some(context.clone());
            }
        }
    }

    fn close_item(&mut self, end: usize) {
        if let Some(item) = self.item.take() {
            self.close_note(item, end);
        }
    }

    fn open_footnote(&mut self, steps: bool) {
        let label = match self.optional_arg() {
            Some(arg) => self.text.get(arg).unwrap_or("").trim().to_string(),
            None => {
                if steps {
                    self.counter += 1;
                }
                self.counter.to_string()
            }
        };
        let open = skip_space(self.bytes, self.pos, self.end);
        if self.bytes.get(open) != Some(&b'{') || open >= self.end {
            return;
        }
        self.pos = open + 1;
        self.groups.push(true);
        self.notes.push(Note {
            label,
            kind: CitationKind::Footnote,
            body_start: self.pos,
            first_found: self.out.len(),
        });
    }

    /// `\footnotemark` steps the counter unless given a number.
    fn footnotemark(&mut self) {
        if self.optional_arg().is_none() {
            self.counter += 1;
        }
    }

    fn url(&mut self, start: usize) {
        if let Some(arg) = self.url_arg() {
            self.pos = arg.end + 1;
            self.push(arg, start..self.pos, None);
        }
    }

    fn href(&mut self, start: usize) {
        let Some(target) = self.verbatim_arg() else {
            return;
        };
        self.pos = target.end + 1;
        let open = skip_space(self.bytes, self.pos, self.end);
        let label = (self.bytes.get(open) == Some(&b'{'))
            .then(|| group_close(self.bytes, open, self.end, true))
            .flatten();
        let text_span = label.and_then(|close| self.repeated_text(&target, open + 1..close));
        if let Some(close) = label {
            self.pos = close + 1;
        }
        self.push(target, start..self.pos, text_span);
    }

    /// The span of a link text that repeats the URL: the text itself, or the
    /// argument of a `\nolinkurl`, `\url` or `\texttt` that is the whole text.
    fn repeated_text(&self, target: &Range<usize>, text: Range<usize>) -> Option<Range<usize>> {
        let url = self.text.get(target.clone())?.trim();
        let text = trim_span(self.text, text);
        let inner = self.text.get(text.clone())?;
        if inner == url {
            return Some(text);
        }
        let bytes = self.bytes;
        let name_end = command_name_end(bytes, text.start + 1, text.end);
        let name = self.text.get(text.start + 1..name_end)?;
        if !inner.starts_with('\\') || !matches!(name, "nolinkurl" | "url" | "texttt") {
            return None;
        }
        let open = skip_space(bytes, name_end, text.end);
        let close = group_close(bytes, open, text.end, false)?;
        let arg = trim_span(self.text, open + 1..close);
        (close + 1 == text.end && self.text.get(arg.clone())? == url).then_some(arg)
    }

    fn verb(&mut self) {
        let mut at = self.pos;
        if self.bytes.get(at) == Some(&b'*') {
            at += 1;
        }
        let Some(&delim) = self.bytes.get(at).filter(|_| at < self.end) else {
            return;
        };
        if delim.is_ascii_alphabetic() || delim.is_ascii_whitespace() || !delim.is_ascii() {
            return;
        }
        if let Some(close) = same_line_close(self.bytes, at, self.end) {
            self.pos = close + 1;
        }
    }

    fn begin(&mut self) {
        let Some(env) = self.env_name() else {
            return;
        };
        if env == "thebibliography" {
            self.in_bibliography = true;
        } else if VERBATIM_ENVS.contains(&env.as_str()) {
            let end_tag = format!("\\end{{{env}}}");
            let rest = &self.bytes[self.pos..self.end];
            self.pos = memchr::memmem::find(rest, end_tag.as_bytes())
                .map_or(self.end, |i| self.pos + i + end_tag.len());
        }
    }

    fn bibitem(&mut self, start: usize) {
        self.close_item(start);
        self.optional_arg();
        let open = skip_space(self.bytes, self.pos, self.end);
        if self.bytes.get(open) != Some(&b'{') {
            return;
        }
        let Some(close) = group_close(self.bytes, open, self.end.min(open + MAX_ARG), true) else {
            return;
        };
        let key = self
            .text
            .get(open + 1..close)
            .unwrap_or("")
            .trim()
            .to_string();
        self.pos = close + 1;
        self.item = Some(Note {
            label: key,
            kind: CitationKind::Reference,
            body_start: self.pos,
            first_found: self.out.len(),
        });
    }

    /// Reads `{name}` after `\begin`/`\end`.
    fn env_name(&mut self) -> Option<String> {
        let open = skip_space(self.bytes, self.pos, self.end);
        if self.bytes.get(open) != Some(&b'{') {
            return None;
        }
        let close = group_close(self.bytes, open, self.end.min(open + 256), false)?;
        self.pos = close + 1;
        Some(self.text.get(open + 1..close)?.trim().to_string())
    }

    /// Reads an optional `[…]` argument, returning its inside.
    fn optional_arg(&mut self) -> Option<Range<usize>> {
        let open = skip_space(self.bytes, self.pos, self.end);
        if self.bytes.get(open) != Some(&b'[') || open >= self.end {
            return None;
        }
        let limit = self.end.min(open + MAX_ARG);
        let close = open + 1 + memchr::memchr(b']', self.bytes.get(open + 1..limit)?)?;
        self.pos = close + 1;
        Some(open + 1..close)
    }

    /// Reads the argument of `\url`, `\nolinkurl` or `\path`: verbatim in
    /// braces, or between two equal characters (`\url|…|`) as the `url`
    /// package also accepts. Returns its inside (the closer is at `end`).
    fn url_arg(&mut self) -> Option<Range<usize>> {
        self.verbatim_arg().or_else(|| {
            let open = skip_space(self.bytes, self.pos, self.end);
            let close = url_delimited_close(self.bytes, open, self.end)?;
            Some(open + 1..close)
        })
    }

    /// Reads a verbatim `{…}` argument, returning its inside (the closing
    /// brace is at `end`).
    fn verbatim_arg(&mut self) -> Option<Range<usize>> {
        let open = skip_space(self.bytes, self.pos, self.end);
        if self.bytes.get(open) != Some(&b'{') {
            return None;
        }
        let close = group_close(self.bytes, open, self.end.min(open + MAX_ARG), false)?;
        Some(open + 1..close)
    }
}

/// Index of the brace closing the group opened at `open`, before `end`.
/// With `escapes`, `\{` and `\}` do not count (TeX text); without, every brace
/// counts (verbatim arguments such as `\url`'s).
fn group_close(bytes: &[u8], open: usize, end: usize, escapes: bool) -> Option<usize> {
    let mut depth = 0usize;
    let mut i = open;
    while i < end.min(bytes.len()) {
        match bytes[i] {
            b'\\' if escapes => i += 1,
            b'{' => depth += 1,
            b'}' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// End of the command name starting at `from` (letters; `@` as in packages).
fn command_name_end(bytes: &[u8], from: usize, end: usize) -> usize {
    let mut i = from;
    while i < end.min(bytes.len()) && (bytes[i].is_ascii_alphabetic() || bytes[i] == b'@') {
        i += 1;
    }
    i
}

/// The first non-space byte at or after `from` (spaces, tabs, one line break).
fn skip_space(bytes: &[u8], from: usize, end: usize) -> usize {
    let mut i = from;
    while i < end.min(bytes.len()) && bytes[i].is_ascii_whitespace() {
        i += 1;
    }
    i
}

/// Index of the character closing a `\url|…|` argument whose delimiter is at
/// `open`: the delimiter is punctuation other than braces, `\` and `%`.
fn url_delimited_close(bytes: &[u8], open: usize, end: usize) -> Option<usize> {
    let d = *bytes.get(open)?;
    if !d.is_ascii_punctuation() || matches!(d, b'{' | b'}' | b'\\' | b'%') {
        return None;
    }
    same_line_close(bytes, open, end)
}

/// Index of the next copy of the delimiter at `open` on the same line, as
/// `\verb`-style arguments end.
fn same_line_close(bytes: &[u8], open: usize, end: usize) -> Option<usize> {
    let d = *bytes.get(open).filter(|_| open < end)?;
    let stop = line_end(bytes, open + 1, end);
    memchr::memchr(d, bytes.get(open + 1..stop)?).map(|i| open + 1 + i)
}

/// Index of the line break ending the line holding `from`, or `end`.
fn line_end(bytes: &[u8], from: usize, end: usize) -> usize {
    bytes
        .get(from..end)
        .and_then(|rest| memchr::memchr(b'\n', rest))
        .map_or(end, |i| from + i)
}

/// Shrinks a span to exclude surrounding white space.
pub(super) fn trim_span(text: &str, span: Range<usize>) -> Range<usize> {
    let Some(s) = text.get(span.clone()) else {
        return span;
    };
    let start = span.start + (s.len() - s.trim_start().len());
    start..start + s.trim().len()
}

/// LaTeX made readable: commands and braces dropped, escaped characters
/// unescaped, `\url` arguments kept verbatim, `\href` reduced to its text,
/// and (with `comments`) `%` comments removed. White space is left for the
/// caller to normalise.
pub(super) fn plain_text(s: &str, comments: bool) -> String {
    let bytes = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    let mut last = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if !matches!(b, b'\\' | b'{' | b'}' | b'~' | b'%') || (b == b'%' && !comments) {
            i += 1;
            continue;
        }
        out.push_str(s.get(last..i).unwrap_or(""));
        i = match b {
            b'\\' => plain_command(s, i, &mut out),
            b'~' => {
                out.push(' ');
                i + 1
            }
            b'%' => line_end(bytes, i, bytes.len()),
            _ => i + 1,
        };
        last = i;
    }
    out.push_str(s.get(last..).unwrap_or(""));
    out
}

/// Writes the readable form of the command at `at` and returns where the text resumes.
fn plain_command(s: &str, at: usize, out: &mut String) -> usize {
    let bytes = s.as_bytes();
    let name_end = command_name_end(bytes, at + 1, bytes.len());
    if name_end == at + 1 {
        let Some(c) = s.get(at + 1..).and_then(|r| r.chars().next()) else {
            return at + 1;
        };
        match c {
            '%' | '_' | '&' | '#' | '$' | '{' | '}' => out.push(c),
            '\\' | ' ' | ',' | '\n' => out.push(' '),
            _ => {}
        }
        return at + 1 + c.len_utf8();
    }
    let name = s.get(at + 1..name_end).unwrap_or("");
    let open = skip_space(bytes, name_end, bytes.len());
    let verbatim = matches!(name, "url" | "nolinkurl" | "href");
    if !verbatim {
        return name_end;
    }
    if name != "href" && bytes.get(open) != Some(&b'{') {
        let Some(close) = url_delimited_close(bytes, open, bytes.len()) else {
            return name_end;
        };
        out.push_str(s.get(open + 1..close).unwrap_or(""));
        return close + 1;
    }
    if bytes.get(open) != Some(&b'{') {
        return name_end;
    }
    let Some(close) = group_close(bytes, open, bytes.len().min(open + MAX_ARG), false) else {
        return name_end;
    };
    if name != "href" {
        out.push_str(s.get(open + 1..close).unwrap_or(""));
    }
    close + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn urls(text: &str) -> Vec<(String, CitationKind, Option<String>)> {
        let doc = Doc::new("t.tex", text);
        extract(&doc)
            .into_iter()
            .map(|f| (text[f.span].to_string(), f.kind, f.footnote))
            .collect()
    }

    #[test]
    fn plain_text_strips_commands_and_keeps_url_arguments() {
        let s = r"See \emph{The {Report}}, \url{https://a.test/x%20y}~p.\,3 \% off % gone
\href{https://b.test}{its site}.";
        assert_eq!(
            plain_text(s, true),
            "See The Report, https://a.test/x%20y p. 3 % off \nits site."
        );
    }

    #[test]
    fn footnote_counter_follows_latex() {
        let text = r"a\footnote{\url{https://a.test/1}} b\footnotemark c\footnote[9]{\url{https://a.test/9}}
\footnotetext{\url{https://a.test/2}} d\footnote{\url{https://a.test/3}}";
        let labels: Vec<_> = urls(text).into_iter().map(|u| u.2).collect();
        assert_eq!(
            labels,
            ["1", "9", "2", "3"].map(|s| Some(s.to_string())).to_vec()
        );
    }

    #[test]
    fn unclosed_footnote_runs_to_the_end() {
        let found = urls(r"x\footnote{see https://a.test/open");
        assert_eq!(
            found,
            vec![(
                "https://a.test/open".to_string(),
                CitationKind::Footnote,
                Some("1".to_string())
            )]
        );
    }

    #[test]
    fn unclosed_url_argument_is_ignored() {
        assert!(urls(r"\url{https://a.test/x").is_empty());
    }

    #[test]
    fn url_arguments_between_equal_delimiters() {
        let text = "See \\url|https://a.test/x_{y}%z| and \\url +https://b.test/p+,\n\\url|https://c.test/unclosed\n|.";
        assert_eq!(
            urls(text).iter().map(|u| u.0.as_str()).collect::<Vec<_>>(),
            ["https://a.test/x_{y}%z", "https://b.test/p"]
        );
        assert_eq!(
            plain_text(
                "at \\url|https://a.test/%x| and \\nolinkurl!https://b.test!",
                true
            ),
            "at https://a.test/%x and https://b.test"
        );
    }

    #[test]
    fn verb_and_stray_braces_do_not_derail() {
        let text = "}} \\verb|\\url{https://a.test/no}| \\url{https://a.test/yes}";
        assert_eq!(urls(text).len(), 1);
        assert_eq!(urls(text)[0].0, "https://a.test/yes");
    }
}
