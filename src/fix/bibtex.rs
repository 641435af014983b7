//! The BibTeX/BibLaTeX idiom.
//!
//! An entry has fields, so an archive copy goes into fields of its own and
//! `url` stays: `archiveurl = {…}` and `archivedate = {YYYY-MM-DD}` (the
//! names biblatex styles and Zotero exports use for a web archive copy),
//! or, with `--bibtex-archive-field note`, a sentence in `note` for styles
//! that print nothing else. New fields copy the layout of the field holding
//! the URL — indentation, alignment of `=`, braces or quotes, one field per
//! line or all on one — and respect a trailing comma, so the entry reads as
//! if written by the same hand.

use std::ops::Range;

use super::escape::{bibtex_value, latex_href, line_ending_at, line_start};
use super::{ArchiveCopy, BibtexField, Edit, FixOptions, Idiom, Site, SkipReason};

/// BibTeX and BibLaTeX databases.
pub struct Bibtex;

/// One `name = value` field, offsets into the document.
#[derive(Debug)]
struct Field {
    name: Range<usize>,
    /// The whole value expression, delimiters included.
    value: Range<usize>,
}

/// An entry's fields and the offset of its closing delimiter.
#[derive(Debug)]
struct Entry {
    fields: Vec<Field>,
    close: usize,
}

/// A cursor over an entry's bytes.
struct Scan<'t> {
    bytes: &'t [u8],
    at: usize,
}

impl Scan<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn skip_space(&mut self) {
        while self.peek().is_some_and(|b| b.is_ascii_whitespace()) {
            self.at += 1;
        }
    }

    fn take_while(&mut self, keep: impl Fn(u8) -> bool) -> Range<usize> {
        let start = self.at;
        while self.peek().is_some_and(&keep) {
            self.at += 1;
        }
        start..self.at
    }

    /// A braced `{…}` or quoted `"…"` part, braces balanced; `None` if open.
    fn delimited(&mut self, close: u8) -> Option<()> {
        let mut depth = 0usize;
        self.at += 1;
        loop {
            let b = self.peek()?;
            self.at += 1;
            match b {
                b'{' => depth += 1,
                b'}' if depth == 0 && close == b'}' => return Some(()),
                b'}' => depth = depth.checked_sub(1)?,
                b'"' if depth == 0 && close == b'"' => return Some(()),
                _ => {}
            }
        }
    }

    /// A value: parts joined by `#`.
    fn value(&mut self) -> Option<Range<usize>> {
        let start = self.at;
        loop {
            match self.peek()? {
                b'{' => self.delimited(b'}')?,
                b'"' => self.delimited(b'"')?,
                _ => {
                    let word =
                        self.take_while(|b| b.is_ascii_alphanumeric() || b"_-.:+/".contains(&b));
                    if word.is_empty() {
                        return None;
                    }
                }
            }
            let end = self.at;
            self.skip_space();
            if self.peek() != Some(b'#') {
                return Some(start..end);
            }
            self.at += 1;
            self.skip_space();
        }
    }
}

/// Parses the entry starting at byte `base` of the document.
fn parse(entry: &str, base: usize) -> Option<Entry> {
    let mut s = Scan {
        bytes: entry.as_bytes(),
        at: 0,
    };
    if s.peek()? != b'@' {
        return None;
    }
    s.at += 1;
    s.take_while(|b| b.is_ascii_alphanumeric());
    s.skip_space();
    let close = match s.peek()? {
        b'{' => b'}',
        b'(' => b')',
        _ => return None,
    };
    s.at += 1;
    s.take_while(|b| b != b',' && b != close);
    let mut fields = Vec::new();
    loop {
        s.skip_space();
        match s.peek()? {
            b',' => s.at += 1,
            b if b == close => {
                return Some(Entry {
                    fields,
                    close: base + s.at,
                })
            }
            _ => {
                let name = s.take_while(|b| !b.is_ascii_whitespace() && !b"=,{}()\"#".contains(&b));
                s.skip_space();
                if name.is_empty() || s.peek()? != b'=' {
                    return None;
                }
                s.at += 1;
                s.skip_space();
                let value = s.value()?;
                fields.push(Field {
                    name: base + name.start..base + name.end,
                    value: base + value.start..base + value.end,
                });
            }
        }
    }
}

fn field_named<'e>(text: &str, entry: &'e Entry, names: &[&str]) -> Option<&'e Field> {
    entry.fields.iter().find(|f| {
        text.get(f.name.clone())
            .is_some_and(|n| names.iter().any(|want| n.eq_ignore_ascii_case(want)))
    })
}

/// Whether a value names an archive copy somewhere in it.
fn names_archive(site: &Site, value: &str) -> bool {
    value.match_indices("http").any(|(i, _)| {
        let rest = value.get(i..).unwrap_or("");
        let end = rest
            .find(|c: char| c.is_whitespace() || matches!(c, '}' | '{' | '"'))
            .unwrap_or(rest.len());
        site.is_archive(rest.get(..end).unwrap_or(""))
    })
}

fn entry(site: &Site) -> Option<Entry> {
    parse(site.element(), site.c.element.start)
}

/// How the entry's new fields are written, learned from the URL's field.
struct Layout {
    /// What precedes a field name: a line break and indentation, or a space.
    lead: String,
    /// Width the name and the space before `=` take together.
    width: usize,
    /// Whether there is space before `=` at all.
    spaced: bool,
    /// What follows `=`.
    after_eq: String,
    /// The value delimiters.
    open: char,
    close: char,
}

impl Layout {
    fn learn(text: &str, holder: &Field) -> Layout {
        let start = line_start(text, holder.name.start);
        let indent = text.get(start..holder.name.start).unwrap_or("");
        let own_line = indent.trim().is_empty();
        let eq = text.get(holder.name.end..holder.value.start).unwrap_or("");
        let before_eq = eq.len() - eq.trim_start().len();
        let after_eq = eq
            .get(eq.find('=').map_or(eq.len(), |i| i + 1)..)
            .unwrap_or("");
        let quoted = text
            .get(holder.value.clone())
            .is_some_and(|v| v.starts_with('"'));
        Layout {
            lead: if own_line {
                format!("{}{indent}", line_ending_at(text, holder.name.start))
            } else {
                " ".to_string()
            },
            width: holder.name.len() + before_eq,
            spaced: before_eq > 0,
            after_eq: after_eq.to_string(),
            open: if quoted { '"' } else { '{' },
            close: if quoted { '"' } else { '}' },
        }
    }

    fn field(&self, name: &str, value: &str) -> String {
        let pad = if self.spaced {
            " ".repeat(self.width.saturating_sub(name.len()).max(1))
        } else {
            String::new()
        };
        format!(
            "{}{name}{pad}={}{}{value}{}",
            self.lead, self.after_eq, self.open, self.close
        )
    }
}

/// Inserts `fields` (already laid out) after the entry's last field.
fn add_fields(text: &str, entry: &Entry, fields: &[String]) -> Edit {
    let inner = text.get(..entry.close).unwrap_or("").trim_end();
    let at = inner.len();
    if inner.ends_with(',') {
        Edit::insert(
            at,
            fields.iter().map(|f| format!("{f},")).collect::<String>(),
        )
    } else {
        Edit::insert(
            at,
            fields.iter().map(|f| format!(",{f}")).collect::<String>(),
        )
    }
}

impl Idiom for Bibtex {
    fn target(&self, site: &Site, url: &str) -> Result<String, SkipReason> {
        let value = bibtex_value(url);
        let Some(entry) = entry(site) else {
            return Ok(value);
        };
        let span = &site.c.span;
        let Some(holder) = entry
            .fields
            .iter()
            .find(|f| f.value.start <= span.start && span.end <= f.value.end)
        else {
            return Ok(value);
        };
        let name = site.text.get(holder.name.clone()).unwrap_or("");
        if ["doi", "eprint"]
            .iter()
            .any(|n| name.eq_ignore_ascii_case(n))
        {
            return Err(SkipReason::Unsupported(
                "the URL is built from the entry's doi or eprint, which stays as written",
            ));
        }
        // A span covering the whole value (`@string` macros joined with `#`)
        // is replaced, delimiters and all, by a value of its own.
        Ok(if *span == holder.value {
            format!("{{{value}}}")
        } else {
            value
        })
    }

    fn link_text(&self, _site: &Site, url: &str) -> String {
        bibtex_value(url)
    }

    fn append(
        &self,
        site: &Site,
        copy: &ArchiveCopy,
        opts: &FixOptions,
    ) -> Result<Vec<Edit>, SkipReason> {
        let text = site.text;
        let entry = entry(site).ok_or(SkipReason::Unsupported("cannot parse the BibTeX entry"))?;
        let holder = entry
            .fields
            .iter()
            .find(|f| f.value.start <= site.c.span.start && site.c.span.end <= f.value.end)
            .ok_or(SkipReason::Unsupported(
                "the URL is not in a field of the entry",
            ))?;
        let layout = Layout::learn(text, holder);
        let sentence = format!(
            "Archived at \\url{{{}}} on {}",
            latex_href(&bibtex_value(copy.url)),
            copy.date
        );
        match opts.bibtex_archive_field {
            BibtexField::ArchiveUrl => {
                if field_named(text, &entry, &["archiveurl", "archivedate"]).is_some() {
                    return Err(SkipReason::Unsupported(
                        "the entry already has an empty archive field",
                    ));
                }
                let fields = [
                    layout.field("archiveurl", &bibtex_value(copy.url)),
                    layout.field("archivedate", &copy.date),
                ];
                Ok(vec![add_fields(text, &entry, &fields)])
            }
            BibtexField::Note => match field_named(text, &entry, &["note"]) {
                Some(note) => extend_note(text, note, &sentence),
                None => Ok(vec![add_fields(
                    text,
                    &entry,
                    &[layout.field("note", &sentence)],
                )]),
            },
        }
    }

    fn replace(
        &self,
        site: &Site,
        copy: &ArchiveCopy,
        opts: &FixOptions,
    ) -> Result<Vec<Edit>, SkipReason> {
        self.append(site, copy, opts)
    }

    fn has_archive(&self, site: &Site) -> bool {
        let Some(entry) = entry(site) else {
            return false;
        };
        entry.fields.iter().any(|f| {
            let holds_url = f.value.start <= site.c.span.start && site.c.span.end <= f.value.end;
            !holds_url
                && site
                    .text
                    .get(f.value.clone())
                    .is_some_and(|v| names_archive(site, v))
        })
    }
}

/// Appends `sentence` inside an existing note's closing delimiter.
fn extend_note(text: &str, note: &Field, sentence: &str) -> Result<Vec<Edit>, SkipReason> {
    let value = text.get(note.value.clone()).unwrap_or("");
    if !(value.ends_with('}') || value.ends_with('"')) || value.len() < 2 {
        return Err(SkipReason::Unsupported(
            "the note field is not a delimited string",
        ));
    }
    let close = note.value.end - 1;
    let content = text
        .get(note.value.start + 1..close)
        .unwrap_or("")
        .trim_end();
    let joint = if content.is_empty() {
        ""
    } else if content.ends_with(['.', '!', '?']) {
        " "
    } else {
        ". "
    };
    Ok(vec![Edit::insert(close, format!("{joint}{sentence}"))])
}

#[cfg(test)]
mod tests {
    use crate::fix::tests::{archive, cite, A};
    use crate::fix::{apply, plan, BibtexField, FixOptions, Style};
    use crate::Format;

    fn fix_bib(text: &str, field: BibtexField, style: Style) -> String {
        let mut c = cite(text, "http://x.org/a", text.trim_end());
        let first = text.find("http://x.org/a").unwrap_or_default();
        c.span = first..first + "http://x.org/a".len();
        let opts = FixOptions {
            style,
            bibtex_archive_field: field,
            ..FixOptions::default()
        };
        let p = plan(text, Format::Bibtex, &[(c, archive())], &opts);
        apply(text, &p.edits).unwrap_or_default()
    }

    fn fix_extracted(text: &str, action: crate::fix::Action) -> String {
        crate::fix::tests::fix_extracted(text, Format::Bibtex, action)
    }

    #[test]
    fn a_url_built_from_macros_is_rewritten_as_a_whole_value() {
        let text = "@string{acm = \"https://dl.acm.org\"}\n@misc{x,\n  url = acm # \"/old\",\n}\n";
        let update = crate::fix::Action::Update {
            new_url: "https://dl.acm.org/new".into(),
        };
        assert_eq!(
            fix_extracted(text, update),
            "@string{acm = \"https://dl.acm.org\"}\n@misc{x,\n  url = {https://dl.acm.org/new},\n}\n"
        );
        let archived = fix_extracted(text, archive());
        assert!(
            archived.contains("  url = acm # \"/old\",\n  archiveurl = {https://web.archive.org/"),
            "{archived}"
        );
    }

    #[test]
    fn identifiers_are_never_overwritten_with_urls() {
        let text = "@misc{x,\n  doi = {10.1145/3368089},\n}\n";
        let update = crate::fix::Action::Update {
            new_url: "https://publisher.example/3368089".into(),
        };
        assert_eq!(fix_extracted(text, update), text);
        assert_eq!(fix_extracted(text, crate::fix::Action::Repair), text);
    }

    #[test]
    fn aligned_multi_line_entries_get_aligned_fields() {
        let text =
            "@misc{smith,\r\n  title       = {T},\r\n  url         = {http://x.org/a}\r\n}\r\n";
        let expected = format!(
            "@misc{{smith,\r\n  title       = {{T}},\r\n  url         = {{http://x.org/a}},\r\n  \
             archiveurl  = {{{A}}},\r\n  archivedate = {{2017-10-27}}\r\n}}\r\n"
        );
        assert_eq!(
            fix_bib(text, BibtexField::ArchiveUrl, Style::Append),
            expected
        );
        assert_eq!(
            fix_bib(text, BibtexField::ArchiveUrl, Style::Replace),
            expected
        );
    }

    #[test]
    fn trailing_commas_and_quotes_are_kept() {
        let text = "@online(x,\n\turl = \"http://x.org/a\",\n)\n";
        assert_eq!(
            fix_bib(text, BibtexField::ArchiveUrl, Style::Append),
            format!("@online(x,\n\turl = \"http://x.org/a\",\n\tarchiveurl = \"{A}\",\n\tarchivedate = \"2017-10-27\",\n)\n")
        );
    }

    #[test]
    fn one_line_entries_stay_on_one_line() {
        let text = "@misc{x, url={http://x.org/a}, year=2017}";
        assert_eq!(
            fix_bib(text, BibtexField::ArchiveUrl, Style::Append),
            format!("@misc{{x, url={{http://x.org/a}}, year=2017, archiveurl={{{A}}}, archivedate={{2017-10-27}}}}")
        );
    }

    #[test]
    fn note_mode_adds_or_extends_a_note() {
        let text = "@misc{x,\n  url = {http://x.org/a},\n  note = {Accessed 2017}\n}\n";
        assert_eq!(
            fix_bib(text, BibtexField::Note, Style::Append),
            format!("@misc{{x,\n  url = {{http://x.org/a}},\n  note = {{Accessed 2017. Archived at \\url{{{A}}} on 2017-10-27}}\n}}\n")
        );
        let text = "@misc{x,\n  url = {http://x.org/a}\n}\n";
        assert_eq!(
            fix_bib(text, BibtexField::Note, Style::Append),
            format!("@misc{{x,\n  url = {{http://x.org/a}},\n  note = {{Archived at \\url{{{A}}} on 2017-10-27}}\n}}\n")
        );
    }

    #[test]
    fn entries_with_an_archive_copy_are_left_alone() {
        for text in [
            "@misc{x, url={http://x.org/a}, archiveurl={https://web.archive.org/web/1/http://x.org/a}}",
            "@misc{x, url={http://x.org/a}, note={Archived at \\url{https://archive.ph/abc}}}",
        ] {
            assert_eq!(fix_bib(text, BibtexField::ArchiveUrl, Style::Append), text);
            assert_eq!(fix_bib(text, BibtexField::Note, Style::Append), text);
        }
    }

    #[test]
    fn malformed_entries_are_left_alone() {
        for text in [
            "@misc{x, url={http://x.org/a}",
            "@misc{x, url http://x.org/a}",
        ] {
            assert_eq!(fix_bib(text, BibtexField::ArchiveUrl, Style::Append), text);
        }
    }
}
