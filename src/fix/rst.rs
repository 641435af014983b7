//! The reStructuredText idiom.
//!
//! The archive link is an anonymous embedded-URI reference,
//! `` (`archived <…>`__) ``: anonymous (two underscores) because a named
//! `archived` target repeated with different URLs is an error in docutils.
//! A hyperlink target (`.. _name: url`) is a definition, not text: its
//! archive link goes after every reference to the name (`name_`,
//! `` `a name`_ ``, `` `text <name_>`_ ``).

use std::collections::HashMap;
use std::sync::LazyLock;

use regex::Regex;

use super::escape::{line_start, rst_target, rst_text};
use super::{
    after_every_use, reference_key, Action, ArchiveCopy, Edit, Facts, FixOptions, Idiom, Site,
    SkipReason,
};
use crate::citation::{Citation, CitationKind};

/// reStructuredText documents.
pub struct Rst;

/// The start of a hyperlink target's line up to its URL.
static TARGET: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*(?:\.\.\s+_[^:]*:|__)\s*$").unwrap_or_else(|_| unreachable!())
});

impl Idiom for Rst {
    fn target(&self, _site: &Site, url: &str) -> Result<String, SkipReason> {
        Ok(rst_target(url))
    }

    fn link_text(&self, _site: &Site, url: &str) -> String {
        rst_text(url)
    }

    fn append(
        &self,
        site: &Site,
        copy: &ArchiveCopy,
        _opts: &FixOptions,
    ) -> Result<Vec<Edit>, SkipReason> {
        let start = line_start(site.text, site.c.span.start);
        let prefix = site.text.get(start..site.c.span.start).unwrap_or("");
        let link = format!(" (`archived <{}>`__)", rst_target(copy.url));
        if TARGET.is_match(prefix) {
            return after_every_use(
                site,
                &link,
                "no reference uses this hyperlink target (use --style replace)",
            );
        }
        Ok(vec![Edit::insert(site.after(), link)])
    }

    fn facts(&self, text: &str, items: &[(Citation, Action)]) -> Facts {
        let mut reference_uses: HashMap<String, Vec<usize>> = HashMap::new();
        if items.iter().any(|(c, _)| c.kind == CitationKind::Reference) {
            for (name, end) in crate::extract::rst::reference_uses(text) {
                reference_uses
                    .entry(reference_key(&name))
                    .or_default()
                    .push(end);
            }
        }
        Facts { reference_uses }
    }
}

#[cfg(test)]
mod tests {
    use crate::fix::tests::{archive, cite, fix, fix_extracted, fix_with, A};
    use crate::fix::Style;
    use crate::Format;

    #[test]
    fn references_get_an_anonymous_archive_reference() {
        let text = "See `the page <http://x.org/a>`_.\n";
        let c = cite(text, "http://x.org/a", "`the page <http://x.org/a>`_");
        assert_eq!(
            fix(text, Format::Rst, c.clone(), archive()),
            format!("See `the page <http://x.org/a>`_ (`archived <{A}>`__).\n")
        );
        assert_eq!(
            fix_with(text, Format::Rst, c, archive(), Style::Replace),
            format!("See `the page <{A}>`_.\n")
        );
    }

    #[test]
    fn targets_get_archive_links_after_every_reference() {
        let text = "See page_, `Page`_ and `this one <page_>`_; not ``page_``,\n\
                    nor page__ or `page`__ (anonymous).\n\n\
                    ::\n\n    page_ in a literal block\n\n\
                    .. _page: http://x.org/a\n.. _unused: http://x.org/b\n";
        let link = format!(" (`archived <{A}>`__)");
        let once = fix_extracted(text, Format::Rst, archive());
        assert_eq!(
            once,
            format!(
                "See page_{link}, `Page`_{link} and `this one <page_>`_{link}; not ``page_``,\n\
                 nor page__ or `page`__ (anonymous).\n\n\
                 ::\n\n    page_ in a literal block\n\n\
                 .. _page: http://x.org/a\n.. _unused: http://x.org/b\n"
            )
        );
        assert_eq!(fix_extracted(&once, Format::Rst, archive()), once);
    }

    #[test]
    fn targets_without_references_only_take_replacement() {
        let text = ".. _page: http://x.org/a\n";
        let c = cite(text, "http://x.org/a", "http://x.org/a");
        assert_eq!(fix(text, Format::Rst, c.clone(), archive()), text);
        assert_eq!(
            fix_with(text, Format::Rst, c, archive(), Style::Replace),
            format!(".. _page: {A}\n")
        );
    }
}
