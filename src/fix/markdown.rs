//! The Markdown idiom, shared by converted PDF Markdown.
//!
//! An archive link is a second inline link right after the construct,
//! `[text](url) ([archived](archive))`, which every Markdown renderer shows
//! and which works the same after a bare URL, an autolink or a link inside
//! a footnote definition, so notes keep their shape. A reference definition
//! is the one construct with no room for a second link; it can only take
//! the archive URL in place of its own.

use std::sync::LazyLock;

use regex::Regex;

use super::escape::{line_start, markdown_target, markdown_text};
use super::{ArchiveCopy, Edit, FixOptions, Idiom, Site, SkipReason};

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
        if in_reference_definition(site) {
            return Err(SkipReason::Unsupported(
                "a link reference definition has no room for a second link (use --style replace)",
            ));
        }
        let link = format!(" ([archived]({}))", markdown_target(copy.url));
        Ok(vec![Edit::insert(site.after(), link)])
    }
}

#[cfg(test)]
mod tests {
    use crate::fix::tests::{archive, archive_of, cite, fix, fix_with, A};
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
