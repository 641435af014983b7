//! The CDX API: the full capture list of a URL, with statuses and digests.
//!
//! CDX is the only Wayback API that returns content digests, which is what it
//! takes to recognise a soft-404 (a "200" capture whose digest equals an error
//! capture's). It is also the most expensive (about 24 requests a minute
//! published), so it is asked only for doubtful answers. With a target date the
//! listing is sorted by closeness to it, so `limit` captures around the date
//! suffice; without one, the newest `limit` are asked for (`limit=-N`).

use serde_json::Value;

use super::client::{text_ok, Fail};
use super::config::Endpoint;
use super::pick::{Capture, Target};
use super::Archive;

/// The fields asked for, in order.
pub const FIELDS: &str = "timestamp,original,statuscode,digest";

/// The query parameters of a listing.
pub fn params(url: &str, target: Option<&Target>, limit: u32) -> Vec<(&'static str, String)> {
    let mut p = vec![
        ("url", url.to_string()),
        ("output", "json".to_string()),
        ("fl", FIELDS.to_string()),
    ];
    match target {
        Some(t) => {
            p.push(("closest", t.cutoff_timestamp()));
            p.push(("sort", "closest".to_string()));
            p.push(("limit", limit.to_string()));
        }
        None => p.push(("limit", format!("-{limit}"))),
    }
    p
}

/// Parses a JSON listing: a header row naming the fields, then one row per capture.
pub fn parse(body: &str) -> Result<Vec<Capture>, String> {
    if body.trim().is_empty() {
        // The CDX server answers an empty body when nothing matches.
        return Ok(Vec::new());
    }
    let v: Value =
        serde_json::from_str(body).map_err(|e| format!("CDX answer is not JSON: {e}"))?;
    let rows = v.as_array().ok_or("CDX answer is not a list")?;
    let Some((header, rows)) = rows.split_first() else {
        return Ok(Vec::new());
    };
    let header: Vec<&str> = header
        .as_array()
        .ok_or("CDX header is not a list")?
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let col = |name: &str| header.iter().position(|h| *h == name);
    let (ts, orig, status, digest) = (
        col("timestamp"),
        col("original"),
        col("statuscode"),
        col("digest"),
    );
    let ts = ts.ok_or("CDX answer has no timestamp column")?;
    let field = |row: &[Value], i: Option<usize>| -> Option<String> {
        row.get(i?).and_then(Value::as_str).map(str::to_string)
    };
    Ok(rows
        .iter()
        .filter_map(Value::as_array)
        .filter_map(|row| {
            Some(Capture {
                timestamp: field(row, Some(ts))?,
                original: field(row, orig).unwrap_or_default(),
                status: field(row, status).and_then(|s| s.parse().ok()),
                digest: field(row, digest).filter(|d| d != "-"),
            })
        })
        .collect())
}

/// Lists the captures of `url` around `target`.
pub async fn list(
    archive: &Archive,
    url: &str,
    target: Option<&Target>,
) -> Result<Vec<Capture>, Fail> {
    let mut endpoint = archive.cfg.cdx_url.clone();
    endpoint
        .query_pairs_mut()
        .extend_pairs(params(url, target, archive.cfg.cdx_limit));
    let resp = archive
        .http
        .send(Endpoint::Cdx, |c| c.get(endpoint.clone()))
        .await?;
    let text = text_ok(resp, "the CDX API").await?;
    parse(&text).map_err(Fail::Failed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::citation::CitedDate;

    #[test]
    fn params_ask_for_the_nearest_captures() {
        let t = Target::from_cited(CitedDate::ymd(2017, 3, 9).unwrap());
        let p = params("http://a.example/", Some(&t), 500);
        let s: Vec<String> = p.iter().map(|(k, v)| format!("{k}={v}")).collect();
        assert_eq!(
            s.join("&"),
            "url=http://a.example/&output=json&fl=timestamp,original,statuscode,digest&closest=20170310235959&sort=closest&limit=500"
        );
        let p = params("http://a.example/", None, 500);
        assert_eq!(p.last(), Some(&("limit", "-500".to_string())));
    }

    #[test]
    fn rows_follow_the_header() {
        let body = r#"[["timestamp","original","statuscode","digest"],
            ["20170101000000","http://a.example/","200","AAA"],
            ["20170102000000","http://a.example/","-","-"],
            ["bad"]]"#;
        let caps = parse(body).unwrap();
        assert_eq!(caps.len(), 3);
        assert_eq!(caps[0].status, Some(200));
        assert_eq!(caps[0].digest.as_deref(), Some("AAA"));
        assert_eq!(caps[1].status, None);
        assert_eq!(caps[1].digest, None);
        assert_eq!(caps[2].timestamp, "bad");
        assert_eq!(caps[2].status, None);
        assert!(parse("").unwrap().is_empty());
        assert!(parse("[]").unwrap().is_empty());
        assert!(parse("nope").is_err());
    }
}
