//! The plain-text idiom.
//!
//! Plain text has no link syntax, so an archive link is written the way
//! RFC 3986 recommends delimiting URLs in prose, in angle brackets:
//! `url (archived: <archive>)`. The brackets keep trailing punctuation out
//! of the URL for every reader and extractor.

use super::escape::plain;
use super::{ArchiveCopy, Edit, FixOptions, Idiom, Site, SkipReason};

/// Plain text with endnotes.
pub struct Plain;

impl Idiom for Plain {
    fn target(&self, _site: &Site, url: &str) -> Result<String, SkipReason> {
        Ok(plain(url))
    }

    fn link_text(&self, _site: &Site, url: &str) -> String {
        plain(url)
    }

    fn append(
        &self,
        site: &Site,
        copy: &ArchiveCopy,
        _opts: &FixOptions,
    ) -> Result<Vec<Edit>, SkipReason> {
        let note = format!(" (archived: <{}>)", plain(copy.url));
        Ok(vec![Edit::insert(site.after(), note)])
    }
}

#[cfg(test)]
mod tests {
    use crate::fix::tests::{archive, cite, fix, fix_with, A};
    use crate::fix::Style;
    use crate::Format;

    #[test]
    fn plain_text_gets_an_angle_bracketed_archive_url() {
        let text = "12. Smith, http://x.org/a.  \n";
        let c = cite(text, "http://x.org/a", "http://x.org/a");
        assert_eq!(
            fix(text, Format::Text, c.clone(), archive()),
            format!("12. Smith, http://x.org/a (archived: <{A}>).  \n")
        );
        assert_eq!(
            fix_with(text, Format::Text, c, archive(), Style::Replace),
            format!("12. Smith, {A}.  \n")
        );
    }

    #[test]
    fn angle_brackets_around_a_bare_span_are_stepped_over() {
        let text = "2. Jones, <http://x.org/a>.\n";
        let c = cite(text, "http://x.org/a", "http://x.org/a");
        assert_eq!(
            fix(text, Format::Text, c, archive()),
            format!("2. Jones, <http://x.org/a> (archived: <{A}>).\n")
        );
    }
}
