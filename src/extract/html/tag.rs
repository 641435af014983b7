//! Reading and classifying start tags.
//!
//! A tag is read through the document text (name and attribute values are
//! slices of it), so classifying every element of a large document
//! allocates nothing. The class, id and role vocabularies recognised here are
//! those Pandoc, MediaWiki, docutils, citeproc and EPUB write for notes.

use std::borrow::Cow;
use std::ops::Range;

use lol_html::html_content::Element;

use crate::citation::CitationKind;

/// A start tag read through the document text, so that classifying the
/// elements of a large document allocates nothing. Names are matched without
/// regard to case; values are as written (entities undecoded).
#[derive(Default)]
pub(super) struct Tag<'t> {
    pub(super) name: Cow<'t, str>,
    pub(super) start: usize,
    pub(super) class: &'t str,
    pub(super) id: &'t str,
    pub(super) role: &'t str,
    pub(super) epub_type: &'t str,
    pub(super) href: Option<(&'t str, Range<usize>)>,
    pub(super) list_start: Option<&'t str>,
    pub(super) value: Option<&'t str>,
}

impl<'t> Tag<'t> {
    pub(super) fn read(el: &Element, text: &'t str) -> Tag<'t> {
        let start = el.source_location().bytes().start;
        let name = text
            .get(start + 1..)
            .and_then(|rest| {
                rest.split(|c: char| c.is_ascii_whitespace() || c == '/' || c == '>')
                    .next()
            })
            .unwrap_or_default();
        let name = if name.bytes().any(|b| b.is_ascii_uppercase()) {
            Cow::Owned(name.to_ascii_lowercase())
        } else {
            Cow::Borrowed(name)
        };
        let mut tag = Tag {
            name,
            start,
            ..Tag::default()
        };
        for attr in el.attributes() {
            let name = attr
                .name_source_location()
                .and_then(|l| text.get(l.bytes()));
            let Some((name, range)) = name.zip(attr.value_source_location().map(|l| l.bytes()))
            else {
                continue;
            };
            let value = text.get(range.clone()).unwrap_or_default();
            let is = |n: &str| name.eq_ignore_ascii_case(n);
            if is("class") {
                tag.class = value;
            } else if is("id") {
                tag.id = value;
            } else if is("role") {
                tag.role = value;
            } else if is("epub:type") {
                tag.epub_type = value;
            } else if is("href") && tag.href.is_none() {
                tag.href = Some((value, range));
            } else if is("start") {
                tag.list_start = Some(value);
            } else if is("value") {
                tag.value = Some(value);
            }
        }
        tag
    }

    pub(super) fn is(&self, name: &str) -> bool {
        self.name == name
    }

    fn has_class(&self, names: &[&str]) -> bool {
        self.class
            .split_ascii_whitespace()
            .any(|c| names.contains(&c))
    }

    fn has_role(&self, names: &[&str]) -> bool {
        let mut tokens = self
            .role
            .split_ascii_whitespace()
            .chain(self.epub_type.split_ascii_whitespace());
        tokens.any(|r| names.contains(&r))
    }

    /// The kind of note a container element holds, if it is one.
    pub(super) fn container_kind(&self) -> Option<CitationKind> {
        let id = self.id;
        if self.has_class(&["footnotes", "footnote-list"]) || id == "footnotes" {
            Some(CitationKind::Footnote)
        } else if self.has_class(&["endnotes"]) || id == "endnotes" {
            Some(CitationKind::Endnote)
        } else if self.has_class(&[
            "references",
            "reflist",
            "bibliography",
            "csl-bib-body",
            "citation-list",
        ]) || self.has_role(&["doc-bibliography", "bibliography"])
            || matches!(id, "refs" | "references" | "bibliography")
        {
            Some(CitationKind::Reference)
        } else if self.has_role(&["doc-endnotes", "endnotes", "rearnotes"]) {
            Some(CitationKind::Endnote)
        } else {
            None
        }
    }

    /// Whether the element is a note by its own markup.
    pub(super) fn marks_note(&self) -> bool {
        self.is("aside")
            || self.has_class(&["footnote", "csl-entry"])
            || self.has_role(&[
                "doc-footnote",
                "doc-endnote",
                "doc-biblioentry",
                "listitem",
                "footnote",
                "endnote",
                "rearnote",
            ])
    }

    pub(super) fn note_kind(&self) -> CitationKind {
        if self.has_role(&["doc-endnote", "endnote", "rearnote"]) {
            CitationKind::Endnote
        } else if self.has_role(&["doc-biblioentry"]) {
            CitationKind::Reference
        } else {
            CitationKind::Footnote
        }
    }

    /// Back-links from a note to its marker: not part of the note's text.
    pub(super) fn is_backlink(&self) -> bool {
        self.has_class(&["mw-cite-backlink", "footnote-back", "reversefootnote"])
            || self.has_role(&["doc-backlink"])
    }
}

/// The label an id carries after a note prefix (`fn:smith` → `smith`).
pub(super) fn id_label(id: &str) -> Option<&str> {
    const PREFIXES: [&str; 14] = [
        "cite_note-",
        "footnote-",
        "footnote",
        "endnote-",
        "endnote",
        "fn:",
        "fn-",
        "fn_",
        "fn",
        "note-",
        "note:",
        "note_",
        "note",
        "ref-",
    ];
    PREFIXES
        .iter()
        .find_map(|p| id.strip_prefix(p))
        .filter(|rest| !rest.is_empty())
}

/// Elements that start a new line of text, so their words do not run into
/// the previous ones in a note's context.
pub(super) fn is_block(tag: &str) -> bool {
    matches!(
        tag,
        "p" | "div" | "br" | "li" | "dd" | "dt" | "tr" | "td" | "th" | "blockquote"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_labels() {
        assert_eq!(id_label("fn:smith"), Some("smith"));
        assert_eq!(id_label("fn3"), Some("3"));
        assert_eq!(id_label("ref-doe2020"), Some("doe2020"));
        assert_eq!(id_label("cite_note-7"), Some("7"));
        assert_eq!(id_label("fn"), None);
        assert_eq!(id_label("sidebar"), None);
    }
}
