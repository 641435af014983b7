//! "Did you mean": typo'd hosts, offered only once the fix is proven alive.
//!
//! After the main check, each dead URL whose host does not exist is compared
//! with the hosts cited elsewhere in the run ([`crate::archive::typo`]). The
//! candidates are checked like any citation — through the same checker, so
//! the same politeness — and the first one found alive (or moved to a live
//! page) becomes the suggestion. A suggestion that was never checked, or is
//! dead too, would send the reader from one broken link to another.

use std::collections::{BTreeMap, HashSet};

use tokio::sync::mpsc;

use super::Stream;
use crate::archive::typo;
use crate::check::{Checker, Verdict};

/// The reason the checker gives for a host that does not exist.
const NO_SUCH_HOST: &str = "no such host";

/// Finds, checks and attaches suggestions for the stream's dead URLs.
pub(super) async fn suggest(stream: &mut Stream<'_>, checker: &Checker, urls: &[String]) {
    let dead: Vec<&String> = urls
        .iter()
        .filter(|u| {
            stream
                .results
                .get(*u)
                .is_some_and(|r| r.verdict == Verdict::Dead && r.reason == NO_SUCH_HOST)
        })
        .collect();
    if dead.is_empty() {
        return;
    }
    // One URL per host is enough to know the run's hosts.
    let mut hosts = HashSet::new();
    let per_host: Vec<&str> = urls
        .iter()
        .filter(|u| {
            url::Url::parse(u)
                .ok()
                .and_then(|p| p.host_str().map(str::to_ascii_lowercase))
                .is_some_and(|h| hosts.insert(h))
        })
        .map(String::as_str)
        .collect();
    let candidates: BTreeMap<&String, Vec<String>> = dead
        .into_iter()
        .map(|u| (u, typo::suggestions(u, per_host.iter().copied())))
        .filter(|(_, c)| !c.is_empty())
        .collect();
    let unknown: Vec<String> = candidates
        .values()
        .flatten()
        .filter(|c| !stream.results.contains_key(*c))
        .cloned()
        .collect();
    let (tx, mut rx) = mpsc::channel(64);
    let run = checker.run(unknown, tx);
    let collect = async {
        let mut out = Vec::new();
        while let Some(pair) = rx.recv().await {
            out.push(pair);
        }
        out
    };
    let (_, checked) = tokio::join!(run, collect);
    let mut verdicts = std::collections::HashMap::new();
    for (url, result) in checked {
        stream.stats.checked += 1;
        stream.history.record_check(&url, &result);
        verdicts.insert(url, result.verdict);
    }
    for (dead, list) in candidates {
        let alive = list.into_iter().find(|c| {
            let v = verdicts
                .get(c)
                .copied()
                .or_else(|| stream.results.get(c).map(|r| r.verdict));
            matches!(v, Some(Verdict::Alive | Verdict::Moved))
        });
        if let Some(s) = alive {
            stream.suggestions.insert(dead.clone(), s);
        }
    }
}
