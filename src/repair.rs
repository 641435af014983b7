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
