//! Cite templates: `{{cite web|url=…|access-date=…|archive-url=…}}` and kin.
//!
//! A template's inside is split at the `|` that belong to it (not those of a
//! nested template or `[[link|text]]`); the URL parameter is the citation,
//! the date and archive parameters are attached to it, and the rest renders
//! a short reader's version of the reference for its context.

use std::borrow::Cow;
use std::ops::Range;

use super::{before_comment, clean_context, Markup, Scanner, Scope, MAX_DEPTH};
use crate::citation::CitationKind;
use crate::extract::{dates, Found};

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
    pub(super) fn slice(&self, range: &Range<usize>) -> &'a str {
        self.text.get(range.clone()).unwrap_or_default()
    }

    /// `{{…}}`: a cite template yields its URL; any other is read as text.
    pub(super) fn template(&mut self, whole: Range<usize>, scope: &Scope, depth: usize) {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::Doc;

    fn found(text: &str) -> Vec<Found> {
        super::super::extract(&Doc::new("t", text))
    }

    #[test]
    fn dates_come_from_access_date_then_date_then_year() {
        let text = "<ref>{{cite web|url=https://a.citecheck-fixture.org/|date=4 June 1932|access-date=2 May 2020}}</ref>\
            {{cite news|url=https://b.citecheck-fixture.org/|date=March 1951}}\
            {{cite book|url=https://c.citecheck-fixture.org/|year=1990}}\
            {{cite web|url=https://d.citecheck-fixture.org/|accessdate=2019-07-14}}";
        let dates: Vec<_> = found(text).iter().map(|f| f.date).collect();
        assert_eq!(
            dates,
            [
                dates::parse_date("2 May 2020"),
                dates::parse_date("March 1951"),
                dates::parse_date("1990"),
                dates::parse_date("2019-07-14"),
            ]
        );
    }
    #[test]
    fn cite_url_span_excludes_spaces_and_comments() {
        let text = "{{cite web |url=  https://s.citecheck-fixture.org/x <!-- old --> |title=T}}";
        let f = found(text);
        assert_eq!(f.len(), 1);
        assert_eq!(
            &text[f[0].span.clone()],
            "https://s.citecheck-fixture.org/x"
        );
        assert_eq!(f[0].element, Some(0..text.len()));
    }
    #[test]
    fn empty_cite_url_is_no_citation() {
        assert!(found("{{cite web |url= |title=T}} {{cite web|title=U}}").is_empty());
    }
    #[test]
    fn recognises_cite_templates() {
        for name in [
            "cite web",
            "Cite news",
            " cite_journal ",
            "Template:Cite book",
            "citation",
            "vcite journal",
        ] {
            assert!(is_cite(name), "{name}");
        }
        for name in [
            "cite",
            "citation needed",
            "citations",
            "URL",
            "reflist",
            "webarchive",
        ] {
            assert!(!is_cite(name), "{name}");
        }
    }
}
