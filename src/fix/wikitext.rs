//! The wikitext idiom, following Wikipedia's archive bot.
//!
//! A cite template has fields for an archive copy, so in either style it
//! gets `archive-url`, `archive-date` and `url-status=dead` and keeps `url`
//! — the convention editors and bots expect. New parameters copy the layout
//! of the template's own `url` parameter (one line or one per line, spacing
//! and alignment around `=`), and parameters already present but empty are
//! filled in rather than repeated. A bare `[url text]` link gets a
//! `{{Webarchive}}` template after it, as the bot writes it.

use std::ops::Range;

use super::escape::{wiki_link, wiki_param};
use super::{ArchiveCopy, Edit, FixOptions, Idiom, Site, SkipReason};

/// MediaWiki wikitext.
pub struct Wikitext;

/// One `|`-separated parameter of a template, offsets into the document.
#[derive(Debug)]
struct Param {
    /// Offset of the `|` opening it.
    bar: usize,
    /// Everything after the `|` up to the next one or the closing `}}`.
    piece: Range<usize>,
}

/// The parameters of the template `tpl` starting at byte `base`; `None`
/// when it is not a `{{…}}` template.
fn params(tpl: &str, base: usize) -> Option<Vec<Param>> {
    let inner = tpl.strip_prefix("{{")?.strip_suffix("}}")?;
    let bytes = inner.as_bytes();
    let mut depth = 0usize;
    let mut bars = Vec::new();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let pair = bytes.get(i + 1) == Some(&b);
        match b {
            b'{' | b'[' if pair => {
                depth += 1;
                i += 1;
            }
            b'}' | b']' if pair => {
                depth = depth.saturating_sub(1);
                i += 1;
            }
            b'|' if depth == 0 => bars.push(i),
            _ => {}
        }
        i += 1;
    }
    let end = inner.len();
    let offset = base + 2;
    let ends = bars.iter().skip(1).copied().chain(std::iter::once(end));
    Some(
        bars.iter()
            .zip(ends)
            .map(|(&bar, next)| Param {
                bar: offset + bar,
                piece: offset + bar + 1..offset + next,
            })
            .collect(),
    )
}

/// A named parameter's parts: leading space, name, space before `=`, space
/// after `=`, and the value's range (trimmed).
struct Named<'t> {
    lead: &'t str,
    name: &'t str,
    before_eq: &'t str,
    after_eq: &'t str,
    value: Range<usize>,
}

fn named<'t>(text: &'t str, p: &Param) -> Option<Named<'t>> {
    let piece = text.get(p.piece.clone())?;
    let eq = piece.find('=')?;
    let key = piece.get(..eq)?;
    let rest = piece.get(eq + 1..)?;
    let name = key.trim();
    let lead = key.get(..key.len() - key.trim_start().len())?;
    let before_eq = key.get(lead.len() + name.len()..)?;
    let after_eq = rest.get(..rest.len() - rest.trim_start().len())?;
    let value_start = p.piece.start + eq + 1 + after_eq.len();
    let value_len = rest.trim().len();
    Some(Named {
        lead,
        name,
        before_eq,
        after_eq,
        value: value_start..value_start + value_len,
    })
}

/// The template parameter holding the citation's URL and all parameters.
fn template(site: &Site) -> Option<(Vec<Param>, usize)> {
    let all = params(site.element(), site.c.element.start)?;
    let holder = all
        .iter()
        .position(|p| p.piece.start <= site.c.span.start && site.c.span.end <= p.piece.end)?;
    Some((all, holder))
}

fn find<'t>(text: &'t str, all: &[Param], names: &[&str]) -> Option<Named<'t>> {
    all.iter()
        .filter_map(|p| named(text, p))
        .find(|n| names.iter().any(|want| n.name.eq_ignore_ascii_case(want)))
}

/// Edits setting the archive parameters of the cite template.
fn fill_template(
    site: &Site,
    copy: &ArchiveCopy,
    all: &[Param],
    holder: usize,
) -> Result<Vec<Edit>, SkipReason> {
    let text = site.text;
    let url_param = all
        .get(holder)
        .and_then(|p| named(text, p).map(|n| (p, n)))
        .filter(|(_, n)| n.name.eq_ignore_ascii_case("url"))
        .ok_or(SkipReason::Unsupported(
            "only a cite template's url parameter gets an archive copy",
        ))?;
    let (p, layout) = url_param;
    let before_bar = text.get(..p.bar).unwrap_or("");
    let sep = before_bar.get(before_bar.trim_end().len()..).unwrap_or("");
    let width = layout.name.len() + layout.before_eq.len();
    let wanted = [
        (&["archive-url", "archiveurl"][..], wiki_param(copy.url)),
        (&["archive-date", "archivedate"][..], copy.date.clone()),
        (&["url-status"][..], "dead".to_string()),
    ];
    let mut edits = Vec::new();
    let mut added = String::new();
    for (names, value) in wanted {
        match find(text, all, names) {
            Some(existing) if text.get(existing.value.clone()) == Some(value.as_str()) => {}
            Some(existing) => edits.push(Edit::new(existing.value, value)),
            None => {
                let name = names.first().copied().unwrap_or_default();
                let pad = if layout.before_eq.is_empty() {
                    String::new()
                } else {
                    " ".repeat(width.saturating_sub(name.len()).max(1))
                };
                added.push_str(&format!(
                    "{sep}|{}{name}{pad}={}{value}",
                    layout.lead, layout.after_eq
                ));
            }
        }
    }
    if !added.is_empty() {
        let inner_end = site.c.element.end.saturating_sub(2);
        let inner = text.get(site.c.element.start..inner_end).unwrap_or("");
        edits.push(Edit::insert(
            site.c.element.start + inner.trim_end().len(),
            added,
        ));
    }
    Ok(edits)
}

impl Idiom for Wikitext {
    fn target(&self, site: &Site, url: &str) -> Result<String, SkipReason> {
        Ok(if site.element().starts_with("{{") {
            wiki_param(url)
        } else {
            wiki_link(url)
        })
    }

    fn link_text(&self, _site: &Site, url: &str) -> String {
        wiki_link(url)
    }

    fn append(
        &self,
        site: &Site,
        copy: &ArchiveCopy,
        _opts: &FixOptions,
    ) -> Result<Vec<Edit>, SkipReason> {
        if let Some((all, holder)) = template(site) {
            return fill_template(site, copy, &all, holder);
        }
        let link = format!(
            " {{{{Webarchive |url={} |date={}}}}}",
            wiki_param(copy.url),
            copy.date
        );
        Ok(vec![Edit::insert(site.after(), link)])
    }

    fn replace(
        &self,
        site: &Site,
        copy: &ArchiveCopy,
        opts: &FixOptions,
    ) -> Result<Vec<Edit>, SkipReason> {
        if template(site).is_some() {
            return self.append(site, copy, opts);
        }
        super::rewrite_url(self, site, copy.url)
    }

    fn has_archive(&self, site: &Site) -> bool {
        template(site).is_some_and(|(all, _)| {
            find(site.text, &all, &["archive-url", "archiveurl"])
                .is_some_and(|n| !n.value.is_empty())
        })
    }
}

#[cfg(test)]
mod tests {
    use crate::fix::tests::{archive, cite, fix, fix_with, A};
    use crate::fix::Style;
    use crate::Format;

    const WIKI: Format = Format::Wikitext;

    #[test]
    fn one_line_templates_get_archive_parameters() {
        let tpl = "{{cite web |url=http://x.org/a |title=T {{!}} U |access-date=2017-01-01}}";
        let text = format!("Fact.<ref>{tpl}</ref>\n");
        let c = cite(&text, "http://x.org/a", tpl);
        let expected = format!(
            "Fact.<ref>{{{{cite web |url=http://x.org/a |title=T {{{{!}}}} U |access-date=2017-01-01 \
             |archive-url={A} |archive-date=2017-10-27 |url-status=dead}}}}</ref>\n"
        );
        assert_eq!(fix(&text, WIKI, c.clone(), archive()), expected);
        assert_eq!(
            fix_with(&text, WIKI, c, archive(), Style::Replace),
            expected
        );
    }

    #[test]
    fn multi_line_templates_keep_their_layout() {
        let tpl =
            "{{Cite news\r\n| url   = http://x.org/a\r\n| title = T\r\n| url-status = live\r\n}}";
        let text = format!("{tpl}\r\n");
        let c = cite(&text, "http://x.org/a", tpl);
        assert_eq!(
            fix(&text, WIKI, c, archive()),
            format!(
                "{{{{Cite news\r\n| url   = http://x.org/a\r\n| title = T\r\n| url-status = dead\r\n\
                 | archive-url = {A}\r\n| archive-date = 2017-10-27\r\n}}}}\r\n"
            )
        );
    }

    #[test]
    fn templates_with_an_archive_url_are_left_alone() {
        let tpl = "{{cite web|url=http://x.org/a|archive-url=https://archive.ph/x}}";
        let c = cite(tpl, "http://x.org/a", tpl);
        assert_eq!(fix(tpl, WIKI, c, archive()), tpl);
        let empty = "{{cite web|url=http://x.org/a|archive-url=|title=T}}";
        let c = cite(empty, "http://x.org/a", empty);
        assert_eq!(
            fix(empty, WIKI, c, archive()),
            format!("{{{{cite web|url=http://x.org/a|archive-url={A}|title=T|archive-date=2017-10-27|url-status=dead}}}}")
        );
    }

    #[test]
    fn external_links_get_a_webarchive_template() {
        let text = "* [http://x.org/a The page], 2017.\n";
        let c = cite(text, "http://x.org/a", "[http://x.org/a The page]");
        assert_eq!(
            fix(text, WIKI, c.clone(), archive()),
            format!(
                "* [http://x.org/a The page] {{{{Webarchive |url={A} |date=2017-10-27}}}}, 2017.\n"
            )
        );
        assert_eq!(
            fix_with(text, WIKI, c, archive(), Style::Replace),
            format!("* [{A} The page], 2017.\n")
        );
    }

    #[test]
    fn other_template_parameters_are_not_archived() {
        let tpl = "{{cite book |chapter-url=http://x.org/a |title=T}}";
        let c = cite(tpl, "http://x.org/a", tpl);
        assert_eq!(fix(tpl, WIKI, c, archive()), tpl);
    }
}
