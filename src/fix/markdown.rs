//! The Markdown idiom, shared by converted PDF Markdown.
//!
//! An archive link is a second inline link right after the construct,
//! `[text](url) ([archived](archive))`, which every Markdown renderer shows
//! and which works the same after a bare URL, an autolink or a link inside
//! a footnote definition, so notes keep their shape. A reference definition
//! (`[label]: url`) has no room for a second link and is not shown to
//! readers, so its archive link goes after every link that uses the label
//! (`[text][label]`, `[label][]`, `[label]`).

use std::collections::HashMap;
use std::sync::LazyLock;

use pulldown_cmark::{Event, LinkType, Parser, Tag};
use regex::Regex;

use super::escape::{line_start, markdown_target, markdown_text};
use super::{
    after_every_use, reference_key, Action, ArchiveCopy, Edit, Facts, FixOptions, Idiom, Site,
    SkipReason,
};
use crate::citation::{Citation, CitationKind};

/// Markdown and converted Markdown.
pub struct Markdown;

/// The start of a link reference definition's line up to its destination.
static REFERENCE_DEFINITION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^ {0,3}\[[^^\]\\](?:[^\]\\]|\\.)*\]:[ \t]*<?$").unwrap_or_else(|_| unreachable!())
});

/// Whether the citation's URL is the destination of `[label]: url`.
fn in_reference_definition(site: &Site) -> bool {
    let start = line_start(site.text, site.c.span.start);
    site.text
        .get(start..site.c.span.start)
        .is_some_and(|prefix| REFERENCE_DEFINITION.is_match(prefix))
}

impl Idiom for Markdown {
    fn target(&self, _site: &Site, url: &str) -> Result<String, SkipReason> {
        Ok(markdown_target(url))
    }

    fn link_text(&self, _site: &Site, url: &str) -> String {
        markdown_text(url)
    }

    fn append(
        &self,
        site: &Site,
        copy: &ArchiveCopy,
        _opts: &FixOptions,
    ) -> Result<Vec<Edit>, SkipReason> {
        let link = format!(" ([archived]({}))", markdown_target(copy.url));
        if !in_reference_definition(site) {
            return Ok(vec![Edit::insert(site.after(), link)]);
        }
        after_every_use(
            site,
            &link,
            "no link uses this reference definition (use --style replace)",
        )
    }

    fn facts(&self, text: &str, items: &[(Citation, Action)]) -> Facts {
        let definitions = items.iter().any(|(c, _)| c.kind == CitationKind::Reference);
        Facts {
            reference_uses: if definitions {
                reference_uses(text)
            } else {
                HashMap::new()
            },
        }
    }
}

/// The end of every link using a reference definition, by label. Images
/// are left out: an archive link after a picture would read as a caption.
fn reference_uses(text: &str) -> HashMap<String, Vec<usize>> {
    let mut uses: HashMap<String, Vec<usize>> = HashMap::new();
    let parser = Parser::new_ext(text, crate::extract::markdown::PARSER_OPTIONS);
    for (event, range) in parser.into_offset_iter() {
        if let Event::Start(Tag::Link {
            link_type: link_type @ (LinkType::Reference | LinkType::Collapsed | LinkType::Shortcut),
            id,
            ..
        }) = event
        {
            // pulldown-cmark ends a collapsed link (`[label][]`) before its `[]`.
            let mut end = range.end;
            let rest = text.get(end..).unwrap_or("");
            if link_type == LinkType::Collapsed && rest.starts_with("[]") {
                end += 2;
            }
            uses.entry(reference_key(&id)).or_default().push(end);
        }
    }
    uses
}

#[cfg(test)]
mod tests {
    use crate::fix::tests::{archive, archive_of, cite, fix, fix_extracted, fix_with, A};
    use crate::fix::{Action, Style};
    use crate::Format;

    const MD: Format = Format::Markdown;

    #[test]
    fn inline_link_gets_an_archive_link_after_it() {
        let text = "See [the page](http://x.org/a) now.\n";
        let c = cite(text, "http://x.org/a", "[the page](http://x.org/a)");
        assert_eq!(
            fix(text, MD, c, archive()),
            format!("See [the page](http://x.org/a) ([archived]({A})) now.\n")
        );
    }

    #[test]
    fn replace_swaps_the_target_only() {
        let text = "See [the page](http://x.org/a \"T\") now.\r\n";
        let c = cite(text, "http://x.org/a", "[the page](http://x.org/a \"T\")");
        assert_eq!(
            fix_with(text, MD, c, archive(), Style::Replace),
            format!("See [the page]({A} \"T\") now.\r\n")
        );
    }

    #[test]
    fn autolink_and_bare_urls() {
        let text = "<http://x.org/a>. Also http://x.org/a\n";
        let first = cite(text, "http://x.org/a", "<http://x.org/a>");
        assert_eq!(
            fix(text, MD, first, archive()),
            format!("<http://x.org/a> ([archived]({A})). Also http://x.org/a\n")
        );
        let mut bare = cite(text, "http://x.org/a", "http://x.org/a");
        bare.span = 23..37;
        bare.element = 23..37;
        assert_eq!(
            fix_with(text, MD, bare, archive(), Style::Replace),
            format!("<http://x.org/a>. Also {A}\n")
        );
    }

    #[test]
    fn footnote_definitions_keep_their_shape() {
        let text = "[^1]: Smith, <http://x.org/a>.\n";
        let c = cite(text, "http://x.org/a", "<http://x.org/a>");
        assert_eq!(
            fix(text, MD, c, archive()),
            format!("[^1]: Smith, <http://x.org/a> ([archived]({A})).\n")
        );
    }

    #[test]
    fn reference_definitions_only_take_replacement() {
        let text = "[ref]: http://x.org/a \"T\"\n";
        let c = cite(text, "http://x.org/a", "http://x.org/a");
        assert_eq!(fix(text, MD, c.clone(), archive()), text);
        assert_eq!(
            fix_with(text, MD, c, archive(), Style::Replace),
            format!("[ref]: {A} \"T\"\n")
        );
    }

    #[test]
    fn reference_definitions_get_archive_links_after_every_use() {
        let text = "See [the report][r1], [R1][] and [r1]; not `[r1]` nor ![pic][r1].\n\n\
                    [r1]: http://x.org/a \"Title\"\n[unused]: http://x.org/b\n";
        let link = format!(" ([archived]({A}))");
        let once = fix_extracted(text, MD, archive());
        assert_eq!(
            once,
            format!(
                "See [the report][r1]{link}, [R1][]{link} and [r1]{link}; not `[r1]` nor ![pic][r1].\n\n\
                 [r1]: http://x.org/a \"Title\"\n[unused]: http://x.org/b\n"
            )
        );
        // Run again: every use already has its archive link.
        assert_eq!(fix_extracted(&once, MD, archive()), once);
    }

    #[test]
    fn archive_urls_are_escaped_for_link_targets() {
        let text = "[t](http://x.org/a)\n";
        let c = cite(text, "http://x.org/a", "[t](http://x.org/a)");
        let action = Action::Archive {
            archive_url: "https://web.archive.org/web/2017/http://x.org/a_(b) c".into(),
            timestamp: "20170101000000".into(),
        };
        assert_eq!(
            fix(text, MD, c, action),
            "[t](http://x.org/a) ([archived](https://web.archive.org/web/2017/http://x.org/a_%28b%29%20c))\n"
        );
    }

    #[test]
    fn converted_link_text_follows_its_target() {
        let text = "[http://x.org/c\\\\_1.htm](http://x.org/c_1.htm).\n";
        let element = "[http://x.org/c\\\\_1.htm](http://x.org/c_1.htm)";
        let mut c = cite(text, "http://x.org/c_1.htm", element);
        c.text_span = Some(1..23);
        assert_eq!(
            fix_with(
                text,
                Format::Converted,
                c.clone(),
                archive_of("http://x.org/c_1.htm"),
                Style::Replace
            ),
            "[https://web.archive.org/web/20171027120000/http://x.org/c\\_1.htm]\
             (https://web.archive.org/web/20171027120000/http://x.org/c_1.htm).\n"
        );
        let update = Action::Update {
            new_url: "http://y.org/new_1".into(),
        };
        assert_eq!(
            fix(text, Format::Converted, c, update),
            "[http://y.org/new\\_1](http://y.org/new_1).\n"
        );
    }
}
