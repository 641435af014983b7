//! Soft-404 probes: what a site answers for its home page and for nonsense.
//!
//! Two questions need a request of their own. Where does a site's `/` lead?
//! (A deep URL redirected there is a soft 404 even when `/` itself redirects
//! to `/en/welcome`.) And what does the site answer for a URL that cannot
//! exist? (If a random sibling path gets the same page as the cited one, the
//! cited page is the site's "not found" page served with 200.) Both answers
//! are cached — per origin and per origin+directory — and shared by
//! concurrent checks, so a bibliography with 300 links to one site probes it
//! once.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex};

use reqwest::Method;
use tokio::sync::OnceCell;
use url::Url;

use super::flow::{follow, Ctx, End, Job};
use super::http::Answer;
use crate::classify::{self, StatusClass};

/// What a nonsense URL got.
#[derive(Debug, Clone)]
struct ProbeAnswer {
    redirected_to: Option<Url>,
    digest: u64,
}

type Cell<T> = Arc<OnceCell<Option<T>>>;

/// The per-run caches of root destinations and sibling probes.
#[derive(Default)]
pub struct Probes {
    roots: Mutex<HashMap<String, Cell<Url>>>,
    siblings: Mutex<HashMap<String, Cell<ProbeAnswer>>>,
}

fn cell<T>(map: &Mutex<HashMap<String, Cell<T>>>, key: String) -> Cell<T> {
    let mut map = map.lock().unwrap_or_else(|e| e.into_inner());
    Arc::clone(map.entry(key).or_default())
}

impl Probes {
    /// Whether `last` is where the home page of the cited URL's site (or of
    /// `last`'s own site) ends up.
    pub async fn is_root_destination(&self, ctx: &Ctx, cited: &Url, last: &Url) -> bool {
        for site in [cited, last] {
            let origin = site.origin().ascii_serialization();
            let root = cell(&self.roots, origin.clone());
            let dest = root
                .get_or_init(|| async {
                    let home = Url::parse(&format!("{origin}/")).ok()?;
                    let chain = follow(ctx, &home, Method::GET, &mut Job::shared()).await;
                    match chain.end {
                        End::Answer(a) if classify::status_class(a.status) == StatusClass::Ok => {
                            Some(chain.last)
                        }
                        _ => None,
                    }
                })
                .await;
            if dest.as_ref().is_some_and(|d| same_page(d, last)) {
                return true;
            }
        }
        false
    }

    /// Whether a random sibling of `cited` gets the same 2xx page (or is
    /// redirected to the same place) as `cited` did.
    pub async fn sibling_matches(
        &self,
        ctx: &Ctx,
        cited: &Url,
        last: &Url,
        answer: &Answer,
    ) -> bool {
        let body = String::from_utf8_lossy(&answer.body);
        // An app shell is the same for every path until its script runs: no evidence.
        if body.contains("<noscript") {
            return false;
        }
        let Some(probe_url) = sibling(cited) else {
            return false;
        };
        let dir = probe_url
            .as_str()
            .rsplit_once('/')
            .map_or("", |(d, _)| d)
            .to_string();
        let slot = cell(&self.siblings, dir);
        let probe = slot
            .get_or_init(|| async {
                let chain = follow(ctx, &probe_url, Method::GET, &mut Job::shared()).await;
                let End::Answer(a) = chain.end else {
                    return None;
                };
                if classify::status_class(a.status) != StatusClass::Ok {
                    return None;
                }
                let redirected_to = (!chain.hops.is_empty()).then_some(chain.last.clone());
                let text = String::from_utf8_lossy(&a.body);
                Some(ProbeAnswer {
                    digest: digest(&text, &[probe_url.path(), chain.last.path()]),
                    redirected_to,
                })
            })
            .await;
        let Some(probe) = probe else { return false };
        let cited_redirected = last.as_str() != cited.as_str();
        match &probe.redirected_to {
            Some(to) if cited_redirected => same_page(to, last),
            Some(_) => false,
            None => {
                !cited_redirected && probe.digest == digest(&body, &[cited.path(), last.path()])
            }
        }
    }
}

/// A nonsense URL in the same directory as `url`, with the same extension.
fn sibling(url: &Url) -> Option<Url> {
    let path = url.path();
    let (dir, last) = path.rsplit_once('/')?;
    let ext = last
        .rsplit_once('.')
        .map_or(String::new(), |(_, e)| format!(".{e}"));
    let token: String = (0..12)
        .map(|_| fastrand::alphanumeric().to_ascii_lowercase())
        .collect();
    let mut probe = url.clone();
    probe.set_query(None);
    probe.set_fragment(None);
    probe.set_path(&format!("{dir}/citecheck-{token}{ext}"));
    Some(probe)
}

/// A hash of a page with the paths it echoes removed (a "not found" page
/// that names the missing path is still the same page).
fn digest(body: &str, paths: &[&str]) -> u64 {
    let mut text = body.to_string();
    for p in paths.iter().filter(|p| p.len() > 1) {
        text = text.replace(p, "");
    }
    let mut h = std::collections::hash_map::DefaultHasher::new();
    text.hash(&mut h);
    h.finish()
}

/// Two URLs name the same page, ignoring a trailing slash.
fn same_page(a: &Url, b: &Url) -> bool {
    a.origin() == b.origin()
        && a.path().trim_end_matches('/') == b.path().trim_end_matches('/')
        && a.query() == b.query()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn siblings_keep_directory_and_extension() {
        let u = Url::parse("http://e.org/news/2019/story.html?id=3").unwrap();
        let s = sibling(&u).unwrap();
        assert!(
            s.as_str().starts_with("http://e.org/news/2019/citecheck-"),
            "{s}"
        );
        assert!(s.as_str().ends_with(".html"), "{s}");
        assert_eq!(s.query(), None);
    }

    #[test]
    fn digests_ignore_echoed_paths() {
        let a = digest("<p>/a/b was not found</p>", &["/a/b"]);
        let b = digest("<p>/a/zzz was not found</p>", &["/a/zzz"]);
        assert_eq!(a, b);
        assert_ne!(a, digest("<p>an article</p>", &["/a/b"]));
    }
}
