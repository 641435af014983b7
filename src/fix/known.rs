//! Recognising archive copies, so `fix` never archives twice.
//!
//! Idempotence rests on two questions asked of the document itself rather
//! than of any memory of past runs: is this URL already an archive copy, and
//! does an archive link already stand right after the citation? Both work on
//! documents that someone else (or an archive bot) annotated, and they make
//! the second run of `fix` a no-op because the first run's insertions answer
//! them.

/// Archives whose every non-root page is a capture, by host (a leading
/// `www.` is ignored).
const ARCHIVE_HOSTS: &[&str] = &[
    "archive.today",
    "archive.ph",
    "archive.is",
    "archive.li",
    "archive.vn",
    "archive.fo",
    "archive.md",
    "webcitation.org",
    "perma.cc",
    "perma-archives.org",
    "webarchive.org.uk",
    "webarchive.loc.gov",
    "webarchive.nationalarchives.gov.uk",
    "webarchive.nla.gov.au",
    "wayback.archive-it.org",
    "ghostarchive.org",
    "web.archive.bibalex.org",
    "webarchive.proni.gov.uk",
    "wayback.vefsafn.is",
    "swap.stanford.edu",
    "webarchive.bac-lac.gc.ca",
];

/// Archives that also serve other pages: only paths under the prefix are
/// captures.
const ARCHIVE_PREFIXES: &[(&str, &str)] = &[
    ("web.archive.org", "/web/"),
    ("wayback.archive.org", "/web/"),
    ("archive.org", "/web/"),
    ("arquivo.pt", "/wayback/"),
    ("archive.wikiwix.com", "/cache/"),
];

/// Whether `url` points into a web archive (the Wayback Machine,
/// archive.today, WebCite, Perma.cc, Arquivo.pt, the UK, US, Australian
/// national web archives and others): a link that already preserves a page.
pub fn is_archive_url(url: &str) -> bool {
    is_archive_url_among(url, &[])
}

/// [`is_archive_url`], also counting URLs under any of `prefixes` (the
/// replay prefix of a self-hosted Wayback, `http://host/pywb/web/`) with a
/// capture after them. The prefix compares without regard to case, as
/// scheme and host do.
pub fn is_archive_url_among(url: &str, prefixes: &[String]) -> bool {
    let url = url.trim();
    let under = |p: &String| {
        url.len() > p.len()
            && url
                .get(..p.len())
                .is_some_and(|head| head.eq_ignore_ascii_case(p))
    };
    prefixes.iter().any(under) || is_known_archive(url)
}

fn is_known_archive(url: &str) -> bool {
    let Ok(parsed) = url::Url::parse(url.trim()) else {
        return false;
    };
    if !matches!(parsed.scheme(), "http" | "https") {
        return false;
    }
    let Some(host) = parsed.host_str() else {
        return false;
    };
    let host = host.to_ascii_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host);
    let path = parsed.path();
    if ARCHIVE_HOSTS.contains(&host) {
        return path.len() > 1;
    }
    ARCHIVE_PREFIXES
        .iter()
        .any(|(h, prefix)| *h == host && path.starts_with(prefix))
}

/// How far after a citation an archive link may start and still count as
/// "next to it": room for ` ([archived](`, ` (archived at \url{`,
/// ` {{Webarchive |url=` and the like, not for another sentence.
const NEARBY: usize = 48;

/// Whether an archive URL stands right after byte `end` (the end of a
/// citation's construct), on the same line and within a few characters of
/// link syntax; `prefixes` as for [`is_archive_url_among`].
pub fn archive_follows(text: &str, end: usize, prefixes: &[String]) -> bool {
    let Some(rest) = text.get(end..) else {
        return false;
    };
    let line = rest.split('\n').next().unwrap_or("");
    let lower_window: String = line
        .char_indices()
        .take_while(|(i, _)| *i < NEARBY)
        .map(|(_, c)| c.to_ascii_lowercase())
        .collect();
    let Some(at) = lower_window.find("http") else {
        return false;
    };
    let Some(candidate) = line.get(at..) else {
        return false;
    };
    is_archive_url_among(url_token(candidate), prefixes)
}

/// The URL at the start of `s`, up to the first character that ends a URL
/// in any of the supported syntaxes.
fn url_token(s: &str) -> &str {
    let end = s
        .find(|c: char| {
            c.is_whitespace() || matches!(c, ')' | ']' | '>' | '<' | '"' | '\'' | '|' | '}' | '`')
        })
        .unwrap_or(s.len());
    s.get(..end).unwrap_or(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_archives() {
        for url in [
            "https://web.archive.org/web/20171027000000/http://x.org/",
            "http://web.archive.org/web/2017/http://x.org/",
            "https://archive.ph/AbCd1",
            "https://archive.today/2019.01.01-000000/http://x.org/",
            "http://www.webcitation.org/6ABCdef",
            "https://perma.cc/ABCD-1234",
            "https://arquivo.pt/wayback/20090101000000/http://x.pt/",
            "https://www.webarchive.org.uk/wayback/archive/2010/http://x.uk/",
            "https://webarchive.loc.gov/all/2011/http://x.gov/",
            "https://WEB.ARCHIVE.ORG/web/2017/http://x.org/",
        ] {
            assert!(is_archive_url(url), "{url}");
        }
    }

    #[test]
    fn rejects_non_archives() {
        for url in [
            "http://x.org/web/2017/http://y.org/",
            "https://archive.org/details/book",
            "https://arquivo.pt/",
            "https://perma.cc/",
            "https://web.archive.org/",
            "not a url",
            "ftp://web.archive.org/web/1/http://x/",
            "https://notarchive.ph/x",
        ] {
            assert!(!is_archive_url(url), "{url}");
        }
    }

    #[test]
    fn finds_archive_links_after_a_construct() {
        let a = "https://web.archive.org/web/2017/http://x.org/";
        for after in [
            format!(" ([archived]({a}))."),
            format!(" (archived at \\url{{{a}}})"),
            format!(" {{{{Webarchive |url={a} |date=2017-01-01}}}}"),
            format!(" (<a href=\"{a}\">archived</a>)"),
            format!(" (`archived <{a}>`__)"),
        ] {
            let text = format!("[t](http://x.org/){after}");
            assert!(archive_follows(&text, 18, &[]), "{text}");
        }
    }

    #[test]
    fn ignores_far_or_non_archive_links() {
        let far = "<http://x.org/> and then a long sentence goes on and on before \
                   https://web.archive.org/web/2017/http://x.org/";
        assert!(!archive_follows(far, 15, &[]));
        let other = "<http://x.org/> ([mirror](http://mirror.org/x))";
        assert!(!archive_follows(other, 15, &[]));
        let next_line = "<http://x.org/>\n<https://web.archive.org/web/2017/http://x.org/>";
        assert!(!archive_follows(next_line, 15, &[]));
        assert!(!archive_follows("abc", 10, &[]));
    }

    #[test]
    fn configured_prefixes_count_as_archives() {
        let own = vec!["http://127.0.0.1:8080/pywb/web/".to_string()];
        let copy = "HTTP://127.0.0.1:8080/pywb/web/2017/http://x.org/";
        assert!(is_archive_url_among(copy, &own));
        assert!(!is_archive_url(copy));
        assert!(!is_archive_url_among(
            "http://127.0.0.1:8080/pywb/web/",
            &own
        ));
        assert!(!is_archive_url_among("http://127.0.0.1:8080/other/x", &own));
        let text = format!("<http://x.org/> ([archived]({copy}))");
        assert!(archive_follows(&text, 15, &own));
        assert!(!archive_follows(&text, 15, &[]));
    }
}
