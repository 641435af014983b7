//! Links: `[[internal|text]]` (not citations, but their text is note text
//! and file captions hold refs) and `[http://… text]` external links.

use std::ops::Range;

use super::{clean_context, Markup, Scanner, Scope, LINK_REACH};
use crate::citation::CitationKind;
use crate::extract::Found;

impl Scanner<'_> {
    /// `[[target|text]]`: not a citation, but its text belongs to the note
    /// and a file caption may hold refs and links.
    pub(super) fn wikilink(&mut self, inner: Range<usize>, scope: &Scope, depth: usize) {
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

    /// The `]]` matching the `[[` at `at`, within reach and `limit`.
    pub(super) fn link_close(&self, at: usize, limit: usize) -> Option<usize> {
        let i = self.brackets.binary_search_by_key(&at, |&(o, _)| o).ok()?;
        let &(_, close) = self.brackets.get(i)?;
        (close + 2 <= limit && close - at <= LINK_REACH).then_some(close)
    }

    /// `[http://… text]` ending on its line; otherwise the `[` is text and
    /// the URL a bare one.
    pub(super) fn recognise_external(&mut self, at: usize, limit: usize) -> Option<Markup> {
        let start = at + 1;
        let rest = self.text.get(start..limit)?;
        let scheme = ["http://", "https://", "ftp://"].iter().any(|s| {
            rest.get(..s.len())
                .is_some_and(|p| p.eq_ignore_ascii_case(s))
        });
        if !scheme {
            return None;
        }
        let url_len = rest
            .find(|c: char| c.is_whitespace() || matches!(c, '[' | ']' | '<' | '>' | '"'))
            .unwrap_or(rest.len());
        let close = self.bracket_or_line.next(self.text, start + url_len)?;
        if self.byte(close) != b']' || close >= limit || close - at > LINK_REACH {
            return None;
        }
        Some(Markup::External {
            whole: at..close + 1,
            url: start..start + url_len,
        })
    }

    /// An external link: inline, or a note's or bibliography's source.
    pub(super) fn external(&mut self, whole: Range<usize>, url: Range<usize>, scope: &Scope) {
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
