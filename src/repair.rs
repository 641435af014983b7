//! URL repair rules. (being written)

/// A repaired URL and the names of the rules that changed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repaired {
    /// The URL after repair.
    pub url: String,
    /// The rules applied, in order.
    pub rules: Vec<&'static str>,
}

/// Repairs a URL as found in a document.
pub fn repair(raw: &str) -> Repaired {
    Repaired {
        url: raw.trim().to_string(),
        rules: Vec::new(),
    }
}

/// Whether a repaired URL is something to cite and check: an absolute
/// `http`/`https`/`ftp` URL with a host.
pub fn is_citable(url: &str) -> bool {
    url::Url::parse(url)
        .is_ok_and(|u| matches!(u.scheme(), "http" | "https" | "ftp") && u.has_host())
}

/// Every bare URL in plain text, as raw spans (temporary scanner until the
/// repair module lands).
pub fn find_bare_urls(text: &str) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = text.get(from..).and_then(|t| t.find("http")) {
        let start = from + i;
        let rest = &text[start..];
        if rest.starts_with("http://") || rest.starts_with("https://") {
            let len = rest
                .find(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"' | '`'))
                .unwrap_or(rest.len());
            out.push(start..start + len);
            from = start + len;
        } else {
            from = start + 4;
        }
    }
    out
}
