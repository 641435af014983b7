//! The `extract` report: citations as found, for people (text) and machines (JSON).

use std::fmt::Write as _;

use crate::citation::Citation;

/// Writes the `citecheck/1` JSON document of an `extract` run: `schema` and
/// `citations`, pretty-printed (two-space indent), the same bytes whatever
/// way the citations arrive (see [`JsonStream`]).
pub fn write_json(out: &mut dyn std::io::Write, citations: &[Citation]) -> std::io::Result<()> {
    let mut json = JsonStream::begin(out)?;
    json.write(out, citations)?;
    json.finish(out)
}

/// Writes the `citecheck/1` JSON document of an `extract` run piece by
/// piece, as citations come out of the extraction: byte for byte what
/// serde_json's pretty printer writes for the whole document (tested), so
/// that a report of 200,000 citations is never held in memory.
#[derive(Debug, Default)]
pub struct JsonStream {
    written: usize,
    started: bool,
}

/// Citations encoded as pieces of the array, ready to write; encoding can
/// run on the thread that extracted them.
#[derive(Debug, Default)]
pub struct Encoded {
    bytes: Vec<u8>,
    /// Where each citation's piece ends in `bytes`.
    ends: Vec<usize>,
}

impl Encoded {
    /// Encodes citations: each pretty-printed, indented to its place in the
    /// array, preceded by `,` and a line break.
    pub fn new(citations: &[Citation]) -> std::io::Result<Encoded> {
        let mut enc = Encoded {
            bytes: Vec::with_capacity(citations.len() * 512),
            ends: Vec::with_capacity(citations.len()),
        };
        for c in citations {
            enc.bytes.extend_from_slice(b",\n    ");
            encode_citation(&mut enc.bytes, c);
            enc.ends.push(enc.bytes.len());
        }
        Ok(enc)
    }

    /// The byte range of citation `i`'s piece.
    fn piece(&self, i: usize) -> std::ops::Range<usize> {
        let start = i.checked_sub(1).and_then(|p| self.ends.get(p)).copied();
        start.unwrap_or(0)..self.ends.get(i).copied().unwrap_or(0)
    }
}

/// Writes one citation as the object serde_json's pretty printer writes for
/// it (its `Serialize` form), indented for its place in the report's array.
/// By hand because a large extraction writes hundreds of thousands of them
/// and this is several times faster than going through serde; the test
/// `hand_encoding_is_serde_json_pretty` holds the two to the same bytes.
fn encode_citation(out: &mut Vec<u8>, c: &Citation) {
    // Each field's name with the punctuation around it, as one piece.
    macro_rules! field {
        ($name:literal) => {
            concat!(",\n      \"", $name, "\": ").as_bytes()
        };
    }
    let opt = |out: &mut Vec<u8>, v: Option<&str>| match v {
        Some(v) => json_string(out, v),
        None => out.extend_from_slice(b"null"),
    };
    out.extend_from_slice(b"{\n      \"source\": ");
    json_string(out, &c.source);
    out.extend_from_slice(field!("line"));
    push_decimal(out, c.line);
    out.extend_from_slice(field!("column"));
    push_decimal(out, c.column);
    out.extend_from_slice(field!("footnote"));
    opt(out, c.footnote.as_deref());
    out.extend_from_slice(field!("kind"));
    json_string(out, c.kind.name());
    out.extend_from_slice(field!("url"));
    json_string(out, &c.url);
    out.extend_from_slice(field!("raw"));
    opt(out, c.raw.as_deref());
    out.extend_from_slice(field!("repairs"));
    if c.repairs.is_empty() {
        out.extend_from_slice(b"[]");
    } else {
        out.push(b'[');
        for (i, rule) in c.repairs.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            out.extend_from_slice(b"\n        ");
            json_string(out, rule);
        }
        out.extend_from_slice(b"\n      ]");
    }
    out.extend_from_slice(field!("cited"));
    match c.cited {
        // Digits and dashes only: nothing to escape.
        Some(d) => {
            out.push(b'"');
            push_padded(out, usize::try_from(d.year).unwrap_or(0), 4);
            if let Some(m) = d.month {
                out.push(b'-');
                push_padded(out, usize::from(m), 2);
                if let Some(day) = d.day {
                    out.push(b'-');
                    push_padded(out, usize::from(day), 2);
                }
            }
            out.push(b'"');
        }
        None => out.extend_from_slice(b"null"),
    }
    out.extend_from_slice(field!("context"));
    opt(out, c.context.as_deref());
    out.extend_from_slice(field!("known_archive"));
    opt(out, c.archived.as_deref());
    out.extend_from_slice(b"\n    }");
}

/// A number in decimal (the formatting machinery costs more than the digits).
fn push_decimal(out: &mut Vec<u8>, n: usize) {
    push_padded(out, n, 1);
}

/// A number in decimal, zero-padded to `width` digits.
fn push_padded(out: &mut Vec<u8>, mut n: usize, width: usize) {
    let mut digits = [b'0'; 20];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    let start = i.min(digits.len().saturating_sub(width));
    out.extend_from_slice(&digits[start..]);
}

/// A JSON string as serde_json writes it: `"` and `\\` escaped, control
/// characters as `\n`-style or `\u00XX` escapes, everything else as is.
fn json_string(out: &mut Vec<u8>, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push(b'"');
    let bytes = s.as_bytes();
    // Most strings need no escape: check that without branching per byte
    // (the compiler vectorises the fold) and copy them whole.
    let needs_escape = bytes.chunks(32).any(|chunk| {
        chunk.iter().fold(false, |acc, &b| {
            acc | (b < 0x20) | (b == b'"') | (b == b'\\')
        })
    });
    if !needs_escape {
        out.extend_from_slice(bytes);
        out.push(b'"');
        return;
    }
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let escape: &[u8] = match b {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0x08 => b"\\b",
            0x0c => b"\\f",
            0..=0x1f => &[],
            _ => continue,
        };
        out.extend_from_slice(&bytes[start..i]);
        if escape.is_empty() {
            out.extend_from_slice(b"\\u00");
            out.push(HEX[usize::from(b >> 4)]);
            out.push(HEX[usize::from(b & 0xf)]);
        } else {
            out.extend_from_slice(escape);
        }
        start = i + 1;
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}

impl JsonStream {
    /// Writes the document's opening.
    pub fn begin(out: &mut dyn std::io::Write) -> std::io::Result<JsonStream> {
        write!(
            out,
            "{{\n  \"schema\": \"{}\",\n  \"citations\": [",
            super::SCHEMA
        )?;
        Ok(JsonStream::default())
    }

    /// Writes citations.
    pub fn write(
        &mut self,
        out: &mut dyn std::io::Write,
        citations: &[Citation],
    ) -> std::io::Result<()> {
        self.write_encoded(out, &Encoded::new(citations)?, &[])
    }

    /// Writes encoded citations but those at the indices in `skip` (sorted).
    pub fn write_encoded(
        &mut self,
        out: &mut dyn std::io::Write,
        enc: &Encoded,
        skip: &[usize],
    ) -> std::io::Result<()> {
        let mut skip = skip.iter().peekable();
        let mut run: Option<std::ops::Range<usize>> = None;
        for i in 0..enc.ends.len() {
            if skip.next_if_eq(&&i).is_some() {
                if let Some(r) = run.take() {
                    self.put(out, &enc.bytes[r])?;
                }
                continue;
            }
            let piece = enc.piece(i);
            run = Some(run.map_or(piece.clone(), |r| r.start..piece.end));
            self.written += 1;
        }
        if let Some(r) = run {
            self.put(out, &enc.bytes[r])?;
        }
        Ok(())
    }

    /// Writes a run of pieces; the document's first drops its comma.
    fn put(&mut self, out: &mut dyn std::io::Write, run: &[u8]) -> std::io::Result<()> {
        let first = !std::mem::replace(&mut self.started, true);
        out.write_all(if first {
            run.get(1..).unwrap_or(run)
        } else {
            run
        })
    }

    /// Closes the document.
    pub fn finish(self, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        out.write_all(if self.written == 0 {
            b"]\n}\n"
        } else {
            b"\n  ]\n}\n"
        })
    }
}

/// The text report: grouped by file, one aligned line per citation (note
/// label, line:column, cited date, URL), repairs noted after the URL.
pub fn text(citations: &[Citation], color: bool) -> String {
    let mut out = String::new();
    let mut files = 0;
    for group in citations.chunk_by(|a, b| a.source == b.source) {
        files += 1;
        out.push_str(&text_file(group, color));
    }
    out.push_str(&text_summary(citations.len(), files));
    out
}

/// The text report's closing line: "N citations in M files".
pub fn text_summary(citations: usize, files: usize) -> String {
    format!(
        "{citations} citation{} in {files} file{}\n",
        plural(citations),
        plural(files)
    )
}

/// The text report of one file's citations (all from the same source).
pub fn text_file(group: &[Citation], color: bool) -> String {
    let mut out = String::new();
    let Some(first) = group.first() else {
        return out;
    };
    let bold = anstyle::Style::new().bold();
    let dim = anstyle::Style::new().dimmed();
    let (bold, dim) = if color {
        (bold, dim)
    } else {
        (anstyle::Style::new(), anstyle::Style::new())
    };
    let label_w = group
        .iter()
        .map(|c| label(c).chars().count())
        .max()
        .unwrap_or(1);
    let loc_w = group.iter().map(|c| loc(c).len()).max().unwrap_or(1);
    let n = group.len();
    let source = &first.source;
    let _ = writeln!(out, "{bold}{source}{bold:#} ({n} citation{})", plural(n));
    for c in group {
        let cited = c.cited.map_or_else(|| "-".to_string(), |d| d.to_string());
        let _ = write!(
            out,
            "  {:<label_w$}  {:<loc_w$}  {:<10}  {}",
            label(c),
            loc(c),
            cited,
            c.url
        );
        if !c.repairs.is_empty() {
            let _ = write!(out, "  {dim}(repaired: {}){dim:#}", c.repairs.join(", "));
        }
        out.push('\n');
    }
    out
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

fn label(c: &Citation) -> String {
    match &c.footnote {
        Some(l) => l.clone(),
        None => c.kind.name().to_string(),
    }
}

fn loc(c: &Citation) -> String {
    format!("{}:{}", c.line, c.column)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{CitedDate, Format};

    fn stream(batches: &[&[Citation]]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut json = JsonStream::begin(&mut out).unwrap_or_default();
        for b in batches {
            let _ = json.write(&mut out, b);
        }
        let _ = json.finish(&mut out);
        out
    }

    #[test]
    fn hand_encoding_is_serde_json_pretty() {
        let text = "[^a]: A \"q\" note\\, 5 May 2019. https://a.org/x\n\n\
                    [^b]: B https://b.org/\\_y\n\n[r]: <http://www.c.org/\u{e9}t\u{e9}>\n\n\
                    Body www.d.org/p?q=1&amp;r=2 and <https://e.org/(x)>.\n";
        let mut all = crate::extract::extract("d\"ir\\x\u{1}.md", text, Format::Markdown);
        assert!(all.len() >= 5, "{all:?}");
        // Every character class a string can hold, in every string field.
        let mut odd = String::from("\"\\/\u{7f}\u{e9}\u{1F600}");
        odd.extend((0u8..0x20).map(char::from));
        let mut c = all[0].clone();
        c.context = Some(odd.clone());
        c.raw = Some(odd.clone());
        c.archived = Some(odd.clone());
        c.footnote = Some(odd.clone());
        c.url = odd;
        c.repairs = vec!["a", "b\"c"];
        all.push(c.clone());
        // Numbers and dates written by hand, at their edges.
        let dates = [
            CitedDate {
                year: 987,
                month: None,
                day: None,
            },
            CitedDate {
                year: 2019,
                month: Some(1),
                day: None,
            },
            CitedDate {
                year: 2019,
                month: Some(12),
                day: Some(9),
            },
            CitedDate {
                year: 2019,
                month: Some(10),
                day: Some(31),
            },
        ];
        for (i, n) in [0usize, 1, 9, 10, 99, 100, 123_456_789, usize::MAX]
            .into_iter()
            .enumerate()
        {
            c.line = n;
            c.column = usize::MAX - n;
            c.cited = dates.get(i % 5).copied();
            all.push(c.clone());
        }
        for c in &all {
            let mut mine = Vec::new();
            encode_citation(&mut mine, c);
            let serde = serde_json::to_string_pretty(c).unwrap_or_default();
            let serde = serde.replace('\n', "\n    ");
            assert_eq!(String::from_utf8_lossy(&mine), serde);
        }
    }

    #[test]
    fn streamed_json_is_the_same_document() {
        let text =
            "[^a]: A \"q\" note, 5 May 2019. https://a.org/x\n\n[^b]: B https://b.org/\\_y\n";
        let all = crate::extract::extract("d.md", text, Format::Markdown);
        assert_eq!(all.len(), 2);
        // The reference: serde_json's pretty printer on the whole document.
        #[derive(serde::Serialize)]
        struct Doc<'a> {
            schema: &'static str,
            citations: &'a [Citation],
        }
        let serde = |citations: &[Citation]| {
            let doc = Doc {
                schema: crate::report::SCHEMA,
                citations,
            };
            let mut v = serde_json::to_vec_pretty(&doc).unwrap_or_default();
            v.push(b'\n');
            v
        };
        let whole = serde(&all);
        assert_eq!(stream(&[&all[..1], &[], &all[1..]]), whole);
        let mut written = Vec::new();
        write_json(&mut written, &all).unwrap_or_default();
        assert_eq!(written, whole);
        let empty = serde(&[]);
        assert_eq!(stream(&[]), empty);
        assert_eq!(stream(&[&[]]), empty);
        let mut skipped = Vec::new();
        let mut json = JsonStream::begin(&mut skipped).unwrap_or_default();
        let enc = Encoded::new(&all).unwrap_or_default();
        let _ = json.write_encoded(&mut skipped, &enc, &[0]);
        let _ = json.finish(&mut skipped);
        assert_eq!(skipped, stream(&[&all[1..]]));
    }
}
