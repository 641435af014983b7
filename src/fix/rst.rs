//! The reStructuredText idiom.
//!
//! The archive link is an anonymous embedded-URI reference,
//! `` (`archived <…>`__) ``: anonymous (two underscores) because a named
//! `archived` target repeated with different URLs is an error in docutils.
//! A hyperlink target (`.. _name: url`) is a definition, not text, and can
//! only take the archive URL in place of its own.

use std::sync::LazyLock;

use regex::Regex;

use super::escape::{line_start, rst_target, rst_text};
use super::{ArchiveCopy, Edit, FixOptions, Idiom, Site, SkipReason};

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
        if TARGET.is_match(prefix) {
            return Err(SkipReason::Unsupported(
                "a hyperlink target has no room for a second link (use --style replace)",
            ));
        }
        let link = format!(" (`archived <{}>`__)", rst_target(copy.url));
        Ok(vec![Edit::insert(site.after(), link)])
    }
}

#[cfg(test)]
mod tests {
    use crate::fix::tests::{archive, cite, fix, fix_with, A};
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
    fn targets_only_take_replacement() {
        let text = ".. _page: http://x.org/a\n";
        let c = cite(text, "http://x.org/a", "http://x.org/a");
        assert_eq!(fix(text, Format::Rst, c.clone(), archive()), text);
        assert_eq!(
            fix_with(text, Format::Rst, c, archive(), Style::Replace),
            format!(".. _page: {A}\n")
        );
    }
}
