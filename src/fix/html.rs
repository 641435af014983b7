//! The HTML idiom, with Robust Links.
//!
//! An anchor keeps its element and gains the Robust Links attributes
//! (`data-originalurl`, `data-versionurl`, `data-versiondate`), the
//! convention that lets scripts and readers find the archive copy whichever
//! URL `href` holds. Append adds a visible `(archived)` link after the
//! anchor as well; replace points `href` at the copy. The attributes go right
//! after the attribute holding the URL, so the rest of the start tag is
//! untouched.

use super::escape::html;
use super::{rewrite_url, ArchiveCopy, Edit, FixOptions, Idiom, Site, SkipReason};

/// HTML documents.
pub struct Html;

/// The start tag of an anchor element, when the construct is one.
fn anchor_start_tag<'t>(site: &Site<'t>) -> Option<&'t str> {
    let element = site.text.get(site.c.element.clone())?;
    let name = element.get(..3)?;
    let is_anchor = name.get(..2)?.eq_ignore_ascii_case("<a")
        && name
            .get(2..)?
            .starts_with(|c: char| c.is_ascii_whitespace());
    if !is_anchor {
        return None;
    }
    element.get(..start_tag_len(element)?)
}

/// Length of the start tag opening `element`, skipping quoted values.
fn start_tag_len(element: &str) -> Option<usize> {
    let mut quote = None;
    for (i, b) in element.bytes().enumerate() {
        match (quote, b) {
            (None, b'"' | b'\'') => quote = Some(b),
            (Some(q), _) if q == b => quote = None,
            (None, b'>') => return Some(i + 1),
            _ => {}
        }
    }
    None
}

/// Byte offset just after the attribute value holding the URL.
fn attribute_end(site: &Site, tag_end: usize) -> Option<usize> {
    let quote = site.before_span().bytes().next_back()?;
    if !matches!(quote, b'"' | b'\'') {
        return Some(site.c.span.end);
    }
    let rest = site.text.get(site.c.span.end..tag_end)?;
    let close = memchr::memchr(quote, rest.as_bytes())?;
    Some(site.c.span.end + close + 1)
}

/// The Robust Links attributes for `copy`, inserted into the anchor.
fn robust_links(site: &Site, copy: &ArchiveCopy) -> Result<Edit, SkipReason> {
    let tag = anchor_start_tag(site).ok_or(SkipReason::Invalid("not an anchor"))?;
    let lower = tag.to_ascii_lowercase();
    if lower.contains("data-originalurl") || lower.contains("data-versiondate") {
        return Err(SkipReason::Unsupported(
            "the anchor already has some Robust Links attributes",
        ));
    }
    let tag_end = site.c.element.start + tag.len();
    let at = attribute_end(site, tag_end)
        .filter(|&at| at < tag_end)
        .ok_or(SkipReason::Invalid(
            "the URL is not in the anchor's start tag",
        ))?;
    let attributes = format!(
        " data-originalurl=\"{}\" data-versionurl=\"{}\" data-versiondate=\"{}\"",
        html(&site.c.url),
        html(copy.url),
        copy.date
    );
    Ok(Edit::insert(at, attributes))
}

impl Idiom for Html {
    fn target(&self, _site: &Site, url: &str) -> Result<String, SkipReason> {
        Ok(html(url))
    }

    fn link_text(&self, _site: &Site, url: &str) -> String {
        html(url)
    }

    fn append(
        &self,
        site: &Site,
        copy: &ArchiveCopy,
        _opts: &FixOptions,
    ) -> Result<Vec<Edit>, SkipReason> {
        let link = format!(" (<a href=\"{}\">archived</a>)", html(copy.url));
        let after = Edit::insert(site.c.element.end, link);
        if anchor_start_tag(site).is_some() {
            return Ok(vec![robust_links(site, copy)?, after]);
        }
        if site.element().starts_with('<') {
            return Err(SkipReason::Unsupported(
                "only anchors and URLs in the text get an archive link",
            ));
        }
        Ok(vec![after])
    }

    fn replace(
        &self,
        site: &Site,
        copy: &ArchiveCopy,
        _opts: &FixOptions,
    ) -> Result<Vec<Edit>, SkipReason> {
        let mut edits = rewrite_url(self, site, copy.url)?;
        if anchor_start_tag(site).is_some() {
            edits.push(robust_links(site, copy)?);
        }
        Ok(edits)
    }

    fn has_archive(&self, site: &Site) -> bool {
        anchor_start_tag(site)
            .is_some_and(|tag| tag.to_ascii_lowercase().contains("data-versionurl"))
    }
}

#[cfg(test)]
mod tests {
    use crate::fix::tests::{archive, cite, fix, fix_with, A};
    use crate::fix::Style;
    use crate::Format;

    const ANCHOR: &str = "<a class=x href=\"http://x.org/a\" title='t>'>the page</a>";

    #[test]
    fn append_adds_robust_links_and_a_visible_link() {
        let text = format!("<p>See {ANCHOR}.</p>\r\n");
        let c = cite(&text, "http://x.org/a", ANCHOR);
        assert_eq!(
            fix(&text, Format::Html, c, archive()),
            format!(
                "<p>See <a class=x href=\"http://x.org/a\" data-originalurl=\"http://x.org/a\" \
                 data-versionurl=\"{A}\" data-versiondate=\"2017-10-27\" title='t>'>the page</a> \
                 (<a href=\"{A}\">archived</a>).</p>\r\n"
            )
        );
    }

    #[test]
    fn replace_points_href_at_the_copy() {
        let text = "<A HREF=http://x.org/a>http://x.org/a</A>";
        let mut c = cite(
            text,
            "http://x.org/a",
            "<A HREF=http://x.org/a>http://x.org/a</A>",
        );
        c.span = 8..22;
        c.text_span = Some(23..37);
        assert_eq!(
            fix_with(text, Format::Html, c, archive(), Style::Replace),
            format!(
                "<A HREF={A} data-originalurl=\"http://x.org/a\" data-versionurl=\"{A}\" \
                 data-versiondate=\"2017-10-27\">{A}</A>"
            )
        );
    }

    #[test]
    fn ampersands_are_escaped_in_attributes() {
        let text = "<a href=\"http://x.org/a\">t</a>";
        let c = cite(text, "http://x.org/a", text);
        let action = crate::fix::Action::Archive {
            archive_url: "https://archive.ph/x?a=1&b=2".into(),
            timestamp: "20200101000000".into(),
        };
        let out = fix(text, Format::Html, c, action);
        assert!(
            out.ends_with(" (<a href=\"https://archive.ph/x?a=1&amp;b=2\">archived</a>)"),
            "{out}"
        );
    }

    #[test]
    fn anchors_with_a_version_url_are_already_archived() {
        let text = "<a href=\"http://x.org/a\" data-versionurl=\"https://perma.cc/X\">t</a>";
        let c = cite(text, "http://x.org/a", text);
        assert_eq!(fix(text, Format::Html, c, archive()), text);
    }

    #[test]
    fn text_urls_get_a_link_and_other_tags_are_left_alone() {
        let text = "<p>http://x.org/a</p><img src=\"http://x.org/a\">";
        let bare = cite(text, "http://x.org/a", "http://x.org/a");
        assert_eq!(
            fix(text, Format::Html, bare, archive()),
            format!(
                "<p>http://x.org/a (<a href=\"{A}\">archived</a>)</p><img src=\"http://x.org/a\">"
            )
        );
        let img = cite(text, "http://x.org/a", "<img src=\"http://x.org/a\">");
        assert_eq!(fix(text, Format::Html, img, archive()), text);
    }
}
