//! "Did you mean": a dead citation whose host does not exist but is one edit
//! away from a host cited elsewhere in the same document (`qsttheory.cn` vs
//! `qstheory.cn`) is probably a typo.
//!
//! Only the pure part lives here: candidates are proposed, and the caller
//! checks each before offering it. Hosts are compared without `www.` and
//! case, with the optimal-string-alignment distance (insertion, deletion,
//! substitution, adjacent transposition), computed with an early exit because
//! a document may cite thousands of hosts.

use std::collections::BTreeSet;

use url::Url;

/// Whether two strings are at most one edit apart (transpositions count as one).
pub fn within_one_edit(a: &str, b: &str) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let (short, long) = if a.len() <= b.len() {
        (&a, &b)
    } else {
        (&b, &a)
    };
    if long.len() - short.len() > 1 {
        return false;
    }
    let prefix = short
        .iter()
        .zip(long.iter())
        .take_while(|(x, y)| x == y)
        .count();
    let (s, l) = (
        short.get(prefix..).unwrap_or_default(),
        long.get(prefix..).unwrap_or_default(),
    );
    if s.is_empty() {
        return l.len() <= 1;
    }
    if s.len() == l.len() {
        // Substitution, or a transposition of the first two differing chars.
        let subst = s.get(1..) == l.get(1..);
        let swap = s.len() >= 2
            && s.first() == l.get(1)
            && s.get(1) == l.first()
            && s.get(2..) == l.get(2..);
        return subst || swap;
    }
    // One insertion in the longer one.
    s == l.get(1..).unwrap_or_default()
}

fn bare_host(url: &str) -> Option<String> {
    let host = Url::parse(url).ok()?.host_str()?.to_ascii_lowercase();
    Some(
        host.strip_prefix("www.")
            .map(str::to_string)
            .unwrap_or(host),
    )
}

/// Suggestions for a dead URL: the same URL with its host replaced by each
/// host of `others` that is exactly one edit away. Best checked before use.
pub fn suggestions<'a>(dead: &str, others: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let Ok(mut url) = Url::parse(dead) else {
        return Vec::new();
    };
    let Some(host) = bare_host(dead) else {
        return Vec::new();
    };
    let had_www = url
        .host_str()
        .is_some_and(|h| h.to_ascii_lowercase().starts_with("www."));
    let near: BTreeSet<String> = others
        .into_iter()
        .filter_map(bare_host)
        .filter(|h| *h != host && within_one_edit(h, &host))
        .collect();
    near.into_iter()
        .filter_map(|h| {
            let new_host = if had_www { format!("www.{h}") } else { h };
            url.set_host(Some(&new_host)).ok()?;
            Some(url.to_string())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_edit() {
        assert!(within_one_edit("qsttheory.cn", "qstheory.cn"));
        assert!(within_one_edit("qstheory.cn", "qsthoery.cn"));
        assert!(within_one_edit("abc", "abd"));
        assert!(within_one_edit("abc", "abc"));
        assert!(within_one_edit("ab", "abc"));
        assert!(within_one_edit("", "a"));
        assert!(!within_one_edit("abc", "cab"));
        assert!(!within_one_edit("people.com.cn", "gmw.cn"));
        assert!(!within_one_edit("abcd", "ab"));
        assert!(!within_one_edit("abcd", "abdx"));
    }

    #[test]
    fn seed_typo_is_suggested() {
        let others = [
            "http://www.qstheory.cn/dukan/qs/2018-02/15/c_1122402297.htm",
            "http://www.xinhuanet.com/politics/2017-03/24/c_1120691230.htm",
        ];
        let s = suggestions(
            "http://www.qsttheory.cn/dukan/hqwg/2014-09/10/c_1112427212.htm",
            others,
        );
        assert_eq!(
            s,
            vec!["http://www.qstheory.cn/dukan/hqwg/2014-09/10/c_1112427212.htm"]
        );
        assert!(suggestions("http://www.xinhuanet.com/x", others).is_empty());
        assert!(suggestions("not a url", others).is_empty());
    }
}
