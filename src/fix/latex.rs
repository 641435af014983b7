//! The LaTeX idiom.
//!
//! What a URL may contain depends on the command it is the argument of:
//! `\url` reads its argument verbatim, `\href` sees it after tokenisation
//! (so `%` and `#` need a backslash), and a URL typed into running text
//! needs `\url` around it to survive at all. The idiom therefore looks at the
//! command just before the span and writes the archive link in the same
//! kind: `\href{…}{archived}` after an `\href`, `(archived at \url{…})`
//! after a `\url` or a bare URL, so a printed document still shows the
//! address.

use super::escape::{latex_href, latex_text, latex_url, percent_encode};
use super::{ArchiveCopy, Edit, FixOptions, Idiom, Site, SkipReason};

/// LaTeX documents.
pub struct Latex;

/// The command a URL is the argument of.
#[derive(Debug, PartialEq, Eq)]
enum Holder {
    /// First argument of `\href`.
    Href,
    /// Argument of `\url`, `\nolinkurl` or `\path`.
    Url,
    /// Their argument between two copies of a character (`\url|…|`).
    Delimited(char),
    /// Running text.
    Bare,
}

/// Which command, if any, has its argument start right at byte `at`.
fn holder(text: &str, at: usize) -> Holder {
    let before = text.get(..at).unwrap_or("");
    let url_command = |s: &str| {
        let s = s.trim_end();
        ["\\url", "\\nolinkurl", "\\path"]
            .iter()
            .any(|cmd| s.ends_with(cmd))
    };
    if before.ends_with("\\href{") {
        Holder::Href
    } else if before.strip_suffix('{').is_some_and(url_command) {
        Holder::Url
    } else if let Some(d) = before
        .chars()
        .next_back()
        .filter(|d| d.is_ascii_punctuation() && !matches!(d, '{' | '}' | '\\' | '%'))
        .filter(|d| url_command(before.get(..before.len() - d.len_utf8()).unwrap_or("")))
    {
        Holder::Delimited(d)
    } else {
        Holder::Bare
    }
}

impl Idiom for Latex {
    fn target(&self, site: &Site, url: &str) -> Result<String, SkipReason> {
        Ok(match holder(site.text, site.c.span.start) {
            Holder::Href => latex_href(url),
            Holder::Url => latex_url(url),
            // Verbatim up to the delimiter, which must not occur inside.
            Holder::Delimited(d) => percent_encode(url, &[d]),
            Holder::Bare => format!("\\url{{{}}}", latex_url(url)),
        })
    }

    fn link_text(&self, site: &Site, url: &str) -> String {
        let start = site.c.text_span.as_ref().map_or(0, |t| t.start);
        match holder(site.text, start) {
            Holder::Url => latex_url(url),
            Holder::Delimited(d) => percent_encode(url, &[d]),
            Holder::Href | Holder::Bare => latex_text(url),
        }
    }

    fn append(
        &self,
        site: &Site,
        copy: &ArchiveCopy,
        _opts: &FixOptions,
    ) -> Result<Vec<Edit>, SkipReason> {
        let link = match holder(site.text, site.c.span.start) {
            Holder::Href => format!(" (\\href{{{}}}{{archived}})", latex_href(copy.url)),
            Holder::Url | Holder::Delimited(_) | Holder::Bare => {
                format!(" (archived at \\url{{{}}})", latex_url(copy.url))
            }
        };
        Ok(vec![Edit::insert(site.after(), link)])
    }
}

#[cfg(test)]
mod tests {
    use crate::fix::tests::{archive, archive_of, cite, fix, fix_with, A};
    use crate::fix::{Action, Style};
    use crate::Format;

    const TEX: Format = Format::Latex;

    #[test]
    fn url_gets_an_archived_url_beside_it() {
        let text = "See\\footnote{Smith, \\url{http://x.org/a}.}\n";
        let c = cite(text, "http://x.org/a", "\\url{http://x.org/a}");
        assert_eq!(
            fix(text, TEX, c.clone(), archive()),
            format!(
                "See\\footnote{{Smith, \\url{{http://x.org/a}} (archived at \\url{{{A}}}).}}\n"
            )
        );
        assert_eq!(
            fix_with(text, TEX, c, archive(), Style::Replace),
            format!("See\\footnote{{Smith, \\url{{{A}}}.}}\n")
        );
    }

    #[test]
    fn href_gets_an_href_with_escaped_specials() {
        let url = "http://x.org/a%20b#c";
        let text = "\\href{http://x.org/a\\%20b\\#c}{the page}";
        let mut c = cite(text, "http://x.org/a\\%20b\\#c", text);
        c.raw = Some("http://x.org/a\\%20b\\#c".into());
        c.url = url.into();
        assert_eq!(
            fix(text, TEX, c.clone(), archive_of(url)),
            format!(
                "{text} (\\href{{https://web.archive.org/web/20171027120000/http://x.org/a\\%20b\\#c}}{{archived}})"
            )
        );
        assert_eq!(
            fix_with(text, TEX, c, archive_of(url), Style::Replace),
            "\\href{https://web.archive.org/web/20171027120000/http://x.org/a\\%20b\\#c}{the page}"
        );
    }

    #[test]
    fn href_text_repeating_the_url_follows_it() {
        let text = "\\href{http://x.org/a}{http://x.org/a}";
        let mut c = cite(text, "http://x.org/a", text);
        c.span = 6..20;
        c.text_span = Some(22..36);
        assert_eq!(
            fix_with(text, TEX, c, archive(), Style::Replace),
            format!("\\href{{{A}}}{{{A}}}")
        );
    }

    #[test]
    fn delimited_url_arguments_keep_their_delimiter() {
        let text = "See \\url|http://x.org/a|.\n";
        let c = cite(text, "http://x.org/a", "\\url|http://x.org/a|");
        let update = Action::Update {
            new_url: "http://x.org/b|c{d}".into(),
        };
        assert_eq!(
            fix(text, TEX, c.clone(), update),
            "See \\url|http://x.org/b%7Cc{d}|.\n"
        );
        assert_eq!(
            fix(text, TEX, c, archive()),
            format!("See \\url|http://x.org/a| (archived at \\url{{{A}}}).\n")
        );
    }

    #[test]
    fn bare_urls_are_wrapped_in_url_when_replaced() {
        let text = "Online at http://x.org/a.\n";
        let c = cite(text, "http://x.org/a", "http://x.org/a");
        assert_eq!(
            fix_with(text, TEX, c.clone(), archive(), Style::Replace),
            format!("Online at \\url{{{A}}}.\n")
        );
        assert_eq!(
            fix(text, TEX, c, archive()),
            format!("Online at http://x.org/a (archived at \\url{{{A}}}).\n")
        );
    }
}
