//! The SARIF 2.1.0 report, for code-scanning upload (GitHub, GitLab, Azure).
//!
//! One run, one rule per verdict that needs attention (dead and invalid are
//! errors, blocked and unreachable warnings, moved a note); live and skipped
//! citations produce no result, as a linter reports findings, not passes.
//! Columns are counted in Unicode code points, as citecheck counts them, and
//! the run says so with `columnKind` (SARIF's default is UTF-16 units).
//! Document paths become relative URI references (percent-encoded, forward
//! slashes) so a code-scanning service resolves them against the checkout;
//! absolute paths become `file://` URIs.

use serde_json::{json, Value};

use super::check::Checked;
use super::{archive_url, reason};
use crate::check::Verdict;

/// The `$schema` the document declares.
pub const SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// The verdicts that become results, in rule-index order.
const RULES: [Verdict; 5] = [
    Verdict::Dead,
    Verdict::Invalid,
    Verdict::Blocked,
    Verdict::Unreachable,
    Verdict::Moved,
];

/// The SARIF rule id of a verdict (`citecheck/dead`, …).
pub fn rule_id(v: Verdict) -> String {
    format!("citecheck/{}", v.name())
}

fn level(v: Verdict) -> &'static str {
    match v {
        Verdict::Dead | Verdict::Invalid => "error",
        Verdict::Blocked | Verdict::Unreachable => "warning",
        _ => "note",
    }
}

fn description(v: Verdict) -> (&'static str, &'static str) {
    match v {
        Verdict::Dead => (
            "Dead citation",
            "The cited URL is gone (404, 410, no such host, soft 404 or parked domain); link an archived copy.",
        ),
        Verdict::Invalid => ("Invalid citation", "The cited text is not a usable URL."),
        Verdict::Blocked => (
            "Blocked citation",
            "The server refuses automated checking (401, 403, 429, bot wall); check it by hand.",
        ),
        Verdict::Unreachable => (
            "Unreachable citation",
            "The URL could not be reached (timeout, refused connection, TLS, 5xx); possibly transient.",
        ),
        _ => (
            "Moved citation",
            "The URL permanently redirects to another working URL; cite the new one.",
        ),
    }
}

fn rules() -> Vec<Value> {
    RULES
        .iter()
        .map(|&v| {
            let (short, full) = description(v);
            json!({
                "id": rule_id(v),
                "name": short.replace(' ', ""),
                "shortDescription": { "text": short },
                "fullDescription": { "text": full },
                "defaultConfiguration": { "level": level(v) },
                "helpUri": env!("CARGO_PKG_HOMEPAGE"),
            })
        })
        .collect()
}

/// The SARIF 2.1.0 log of a `check` run.
pub fn render(records: &[Checked]) -> String {
    let results: Vec<Value> = super::urgent_first(records)
        .into_iter()
        .filter_map(result)
        .collect();
    let log = json!({
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "citecheck",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": env!("CARGO_PKG_HOMEPAGE"),
                "rules": rules(),
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    // Serialising a `Value` cannot fail.
    let mut out = serde_json::to_string_pretty(&log).unwrap_or_default();
    out.push('\n');
    out
}

fn result(r: &Checked) -> Option<Value> {
    let v = r.result.verdict;
    let index = RULES.iter().position(|&x| x == v)?;
    let c = &r.citation;
    let mut text = format!("{} {}: {}", description(v).0, c.url, reason(r));
    if let Some(a) = archive_url(r) {
        text.push_str(&format!(" (archived copy: {a})"));
    }
    Some(json!({
        "ruleId": rule_id(v),
        "ruleIndex": index,
        "level": level(v),
        "message": { "text": text },
        "locations": [{ "physicalLocation": {
            "artifactLocation": { "uri": uri(&c.source) },
            "region": { "startLine": c.line, "startColumn": c.column },
        }}],
    }))
}

/// A document path as a URI reference: relative paths stay relative,
/// absolute ones become `file://` URIs; backslashes become slashes and
/// anything outside RFC 3986 path characters is percent-encoded.
pub fn uri(path: &str) -> String {
    let slashed = path.replace('\\', "/");
    let relative = slashed.strip_prefix("./").unwrap_or(&slashed);
    let bytes = relative.as_bytes();
    let drive = bytes.first().is_some_and(u8::is_ascii_alphabetic)
        && bytes.get(1) == Some(&b':')
        && bytes.get(2) == Some(&b'/');
    let prefix = if relative.starts_with('/') {
        "file://"
    } else if drive {
        "file:///"
    } else {
        ""
    };
    let mut out = String::from(prefix);
    for b in relative.bytes() {
        let keep = b.is_ascii_alphanumeric() || b"-._~/!$&'()*+,;=:@".contains(&b);
        // A colon in a relative path's first segment would read as a scheme.
        let scheme_like = b == b':' && prefix.is_empty();
        if keep && !scheme_like {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_become_uri_references() {
        assert_eq!(uri("docs/a b.md"), "docs/a%20b.md");
        assert_eq!(uri("./x.md"), "x.md");
        assert_eq!(uri("/home/me/thèse.md"), "file:///home/me/th%C3%A8se.md");
        assert_eq!(uri(r"C:\work\x.md"), "file:///C:/work/x.md");
        assert_eq!(uri("a:b#c?.md"), "a%3Ab%23c%3F.md");
        assert_eq!(uri("100%.md"), "100%25.md");
    }

    #[test]
    fn rules_cover_every_reported_verdict() {
        let log: Value = serde_json::from_str(&render(&[])).unwrap();
        let ids: Vec<&str> = log["runs"][0]["tool"]["driver"]["rules"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].as_str().unwrap())
            .collect();
        assert_eq!(
            ids,
            [
                "citecheck/dead",
                "citecheck/invalid",
                "citecheck/blocked",
                "citecheck/unreachable",
                "citecheck/moved"
            ]
        );
        assert_eq!(log["runs"][0]["results"], json!([]));
        assert_eq!(log["version"], "2.1.0");
    }
}
