//! Classification rules: the pure judgements behind every verdict.
//!
//! The checker (`check`) does the networking and hands the facts it gathered
//! (status codes, the redirect chain, a bounded prefix of a page) to these
//! functions. Keeping the rules free of I/O makes each one testable on its
//! own, and keeps the worst mistake — calling a live source dead — visible in
//! one place: every rule here that yields "dead" needs positive evidence
//! (a 404/410, a page that says it is an error, a home-page redirect), and
//! anything ambiguous falls back to a milder verdict.

use std::sync::LazyLock;

use regex::Regex;
use url::Url;

/// What an HTTP status alone says about a cited resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusClass {
    /// 2xx: the resource answered.
    Ok,
    /// 3xx: follow the `Location`.
    Redirect,
    /// 404 and 410: gone.
    Gone,
    /// 401, 403, 429, 999 and other refusals: the server is there but will not answer us.
    Refused,
    /// 5xx (and 408): the server failed, perhaps for a moment.
    ServerError,
}

/// Classifies a status code (after retries: this is the last answer).
pub fn status_class(status: u16) -> StatusClass {
    match status {
        200..=299 => StatusClass::Ok,
        300..=399 => StatusClass::Redirect,
        404 | 410 => StatusClass::Gone,
        408 | 500..=599 => StatusClass::ServerError,
        _ => StatusClass::Refused,
    }
}

/// Whether an answer with this status is worth another try later.
pub fn status_is_transient(status: u16) -> bool {
    matches!(status, 408 | 425 | 429 | 500..=599)
}

/// The status with its standard reason phrase: "HTTP 404 Not Found".
pub fn status_line(status: u16) -> String {
    let phrase = match status {
        999 => Some("Request Denied"),
        _ => reqwest::StatusCode::from_u16(status)
            .ok()
            .and_then(|s| s.canonical_reason()),
    };
    match phrase {
        Some(p) => format!("HTTP {status} {p}"),
        None => format!("HTTP {status}"),
    }
}

/// The host without a leading `www.`, lower-cased (as `url` already does).
fn bare_host(url: &Url) -> &str {
    let host = url.host_str().unwrap_or("");
    host.strip_prefix("www.").unwrap_or(host)
}

/// Whether a redirect from `from` to `to` changes more than the scheme, a
/// `www.` prefix or a trailing slash — i.e. whether it points at another resource.
pub fn is_significant_redirect(from: &Url, to: &Url) -> bool {
    let path = |u: &Url| u.path().trim_end_matches('/').to_string();
    // A scheme upgrade changes the port with it (80 → 443, or two explicit
    // ports in a test set-up), so ports are compared only within one scheme.
    bare_host(from) != bare_host(to)
        || path(from) != path(to)
        || from.query() != to.query()
        || (from.scheme() == to.scheme() && from.port() != to.port())
}

/// Whether a URL names something below a site's home page (a path other than
/// `/`, or a query).
pub fn is_deep(url: &Url) -> bool {
    !is_home_page(url)
}

/// Whether a URL is a site's home page: `/`, an index file, or a bare
/// language root such as `/en/`.
pub fn is_home_page(url: &Url) -> bool {
    if url.query().is_some_and(|q| !q.is_empty()) {
        return false;
    }
    let path = url.path().trim_matches('/').to_ascii_lowercase();
    static HOME: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^(?:(?:[a-z]{2}(?:-[a-z]{2})?)|(?:[a-z]{2}/)?(?:index|default|home)(?:\.[a-z]{2,5})?|home)?$")
            .unwrap_or_else(|_| unreachable_regex())
    });
    HOME.is_match(&path)
}

/// Whether a URL is a generic error or login page, where sites send what they lost.
pub fn generic_page(url: &Url) -> Option<&'static str> {
    let last = url
        .path_segments()
        .and_then(|mut s| s.rfind(|seg| !seg.is_empty()))
        .unwrap_or("")
        .to_ascii_lowercase();
    let stem = last.split('.').next().unwrap_or("");
    match stem {
        "404" | "410" | "error" | "errors" | "not-found" | "notfound" | "not_found"
        | "page-not-found" | "pagenotfound" | "404-error" | "error-404" | "error404" => {
            Some("an error page")
        }
        "login" | "signin" | "sign-in" | "log-in" | "sign_in" | "log_in" | "logon" => {
            Some("a login page")
        }
        _ => None,
    }
}

/// A regex that cannot be built is a programming error caught by the tests;
/// in a release build it degrades to a pattern that never matches.
fn unreachable_regex() -> Regex {
    Regex::new(r"[^\s\S]").unwrap_or_else(|_| std::process::abort())
}

/// The `<title>` of an HTML page prefix, entities for `&amp;`, `&lt;`,
/// `&gt;`, `&quot;`, `&#39;` and `&nbsp;` decoded, white space collapsed.
pub fn html_title(body: &str) -> Option<String> {
    static TITLE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?is)<title[^>]*>(.*?)</title>").unwrap_or_else(|_| unreachable_regex())
    });
    let raw = TITLE.captures(body)?.get(1)?.as_str();
    let decoded = raw
        .replace("&nbsp;", " ")
        .replace("&#39;", "'")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&");
    let title = crate::extract::normalise_space(&decoded);
    (!title.is_empty()).then_some(title)
}

/// Error-page titles in the common languages, normalised (lower case, letters
/// and spaces only).
const ERROR_TITLES: &[&str] = &[
    "not found",
    "page not found",
    "file not found",
    "document not found",
    "resource not found",
    "page does not exist",
    "this page does not exist",
    "page not available",
    "page unavailable",
    "page cannot be found",
    "the page cannot be found",
    "the page you requested could not be found",
    "the page you are looking for does not exist",
    "sorry page not found",
    "oops page not found",
    "error",
    "error not found",
    "error page not found",
    "gone",
    "nothing found",
    "seite nicht gefunden",
    "seite existiert nicht",
    "fehler seite nicht gefunden",
    "datei nicht gefunden",
    "page introuvable",
    "page non trouvée",
    "erreur page introuvable",
    "página no encontrada",
    "pagina no encontrada",
    "página não encontrada",
    "pagina non trovata",
    "pagina niet gevonden",
    "strona nie została znaleziona",
    "nie znaleziono strony",
    "sidan hittades inte",
    "siden blev ikke fundet",
    "sayfa bulunamadı",
    "страница не найдена",
    "сторінку не знайдено",
    "页面不存在",
    "页面未找到",
    "找不到页面",
    "您访问的页面不存在",
    "网页不存在",
    "頁面不存在",
    "網頁不存在",
    "找不到網頁",
    "ページが見つかりません",
    "お探しのページは見つかりませんでした",
    "페이지를 찾을 수 없습니다",
    "الصفحة غير موجودة",
    "הדף לא נמצא",
];

/// Normalises a title segment for comparison: lower case, status codes and
/// punctuation dropped, white space collapsed.
fn normalise_title(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    for word in segment
        .split(|c: char| !(c.is_alphanumeric()))
        .filter(|w| !w.is_empty() && !w.chars().all(|c| c.is_ascii_digit()))
    {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(word.chars().flat_map(char::to_lowercase));
    }
    out
}

/// Whether a page title reads as an error message. The title is cut at the
/// separators sites put between a page name and the site name (`|`, ` - `,
/// `–`, `—`, `::`, `·`); one segment must be an error message on its
/// own (or a bare 4xx code), so an article titled "How to fix a 404 page not
/// found error" is not one.
pub fn title_is_error(title: &str) -> bool {
    static SEPARATORS: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"\s[-–—·•|]\s|\||::|–|—|·|•|｜").unwrap_or_else(|_| unreachable_regex())
    });
    static CODE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)^\W*(?:(?:error|erreur|fehler|errore|error code)\s*)?4(?:04|10)(?:\s*(?:error|erreur|fehler))?\W*$")
            .unwrap_or_else(|_| unreachable_regex())
    });
    SEPARATORS.split(title).any(|segment| {
        let segment = segment.trim();
        if CODE.is_match(segment) {
            return true;
        }
        let norm = normalise_title(segment);
        let has_code = segment.contains("404") || segment.contains("410");
        // "Error" alone reads as an error page only with a status code beside it.
        ERROR_TITLES.contains(&norm.as_str()) && (norm != "error" || has_code)
    })
}

/// Whether a page prefix is a parked domain ("this domain is for sale").
pub fn is_parked(body: &str) -> bool {
    const SIGNS: &[&str] = &[
        "this domain is for sale",
        "this domain may be for sale",
        "the domain is for sale",
        "domain is for sale!",
        "buy this domain",
        "this domain name is for sale",
        "this domain has expired",
        "domain has been registered at",
        "sedoparking.com",
        "parkingcrew.net",
        "bodis.com/parking",
        "dan.com/buy-domain",
        "hugedomains.com",
    ];
    let lower = body.to_lowercase();
    SIGNS.iter().any(|s| lower.contains(s))
}

/// Whether a page is a bot wall or challenge (Cloudflare, DDoS-Guard, a
/// CAPTCHA) rather than the resource.
pub fn is_challenge(title: Option<&str>, cf_mitigated: bool) -> bool {
    if cf_mitigated {
        return true;
    }
    let Some(title) = title else { return false };
    let lower = title.to_lowercase();
    const TITLES: &[&str] = &[
        "just a moment",
        "attention required",
        "access denied",
        "are you a robot",
        "are you human",
        "verify you are human",
        "ddos-guard",
        "captcha",
        "security check",
        "bot verification",
        "pardon our interruption",
        "请稍候",
        "安全验证",
    ];
    TITLES.iter().any(|t| lower.contains(t))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn statuses() {
        assert_eq!(status_class(200), StatusClass::Ok);
        assert_eq!(status_class(301), StatusClass::Redirect);
        assert_eq!(status_class(410), StatusClass::Gone);
        assert_eq!(status_class(999), StatusClass::Refused);
        assert_eq!(status_class(403), StatusClass::Refused);
        assert_eq!(status_class(503), StatusClass::ServerError);
        assert_eq!(status_line(404), "HTTP 404 Not Found");
        assert_eq!(status_line(999), "HTTP 999 Request Denied");
        assert!(status_is_transient(429) && status_is_transient(502));
        assert!(!status_is_transient(404));
    }

    #[test]
    fn significant_redirects() {
        let a = u("http://example.org/a/b");
        assert!(!is_significant_redirect(
            &a,
            &u("https://www.example.org/a/b/")
        ));
        assert!(is_significant_redirect(&a, &u("https://example.org/c")));
        assert!(is_significant_redirect(&a, &u("http://other.org/a/b")));
        assert!(is_significant_redirect(
            &a,
            &u("http://example.org/a/b?x=1")
        ));
    }

    #[test]
    fn home_and_generic_pages() {
        assert!(is_home_page(&u("http://e.org/")));
        assert!(is_home_page(&u("http://e.org/en/")));
        assert!(is_home_page(&u("http://e.org/index.html")));
        assert!(!is_home_page(&u("http://e.org/en/welcome")));
        assert!(!is_home_page(&u("http://e.org/?p=12")));
        assert!(is_deep(&u("http://e.org/article/1")));
        assert_eq!(
            generic_page(&u("http://e.org/errors/404.html")),
            Some("an error page")
        );
        assert_eq!(
            generic_page(&u("http://e.org/account/login?next=/a")),
            Some("a login page")
        );
        assert_eq!(generic_page(&u("http://e.org/news/error-handling")), None);
    }

    #[test]
    fn titles() {
        assert_eq!(
            html_title("<html><head><TITLE>\n Page  not found &amp; co</title>").as_deref(),
            Some("Page not found & co")
        );
        for t in [
            "404",
            "404 Not Found",
            "Page not found | Example News",
            "Error 404 - Example",
            "Seite nicht gefunden – Beispiel",
            "页面不存在",
            "ページが見つかりません - サイト",
            "Oops! Page not found.",
            "Página no encontrada",
        ] {
            assert!(title_is_error(t), "{t}");
        }
        for t in [
            "How to fix a 404 page not found error",
            "Not Found: the lost art of letters",
            "Error correction in quantum computers",
            "Xinhua: Party Congress report",
            "Error",
        ] {
            assert!(!title_is_error(t), "{t}");
        }
    }

    #[test]
    fn parked_and_challenges() {
        assert!(is_parked("<h1>This domain is for sale!</h1>"));
        assert!(!is_parked("<h1>Domain names explained</h1>"));
        assert!(is_challenge(Some("Just a moment..."), false));
        assert!(is_challenge(None, true));
        assert!(!is_challenge(Some("Annual report"), false));
    }
}
