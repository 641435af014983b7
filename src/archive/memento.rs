//! Other web archives through the Memento protocol (RFC 7089).
//!
//! Asked only when the Wayback Machine has no good capture (`--memento`). A
//! TimeMap lists every memento with its datetime, so when an archive has one
//! the Wayback picking rules apply unchanged; a TimeGate alone only yields the
//! memento closest to `Accept-Datetime`, which is used when no TimeMap is
//! configured. TimeMaps carry no HTTP status, so each pick is confirmed by
//! fetching it without following redirects: only a 200/203/206 is accepted.

use jiff::Timestamp;

use super::client::{text_ok, Fail};
use super::config::MementoArchive;
use super::pick::{self, Target};
use super::{Archive, Snapshot};

/// Mementos confirmed per archive before giving up on it.
const CONFIRM_TRIES: usize = 3;

/// Parses an HTTP date (`Sun, 06 Nov 1994 08:49:37 GMT`).
pub fn parse_http_date(s: &str) -> Option<Timestamp> {
    static PARSER: jiff::fmt::rfc2822::DateTimeParser = jiff::fmt::rfc2822::DateTimeParser::new();
    PARSER.parse_timestamp(s.trim()).ok()
}

/// Formats an HTTP date for `Accept-Datetime`.
pub fn http_date(ts: Timestamp) -> String {
    static PRINTER: jiff::fmt::rfc2822::DateTimePrinter =
        jiff::fmt::rfc2822::DateTimePrinter::new();
    PRINTER.timestamp_to_rfc9110_string(&ts).unwrap_or_default()
}

/// A 14-digit Wayback-style timestamp of an instant.
pub fn wayback_timestamp(ts: Timestamp) -> String {
    ts.to_zoned(jiff::tz::TimeZone::UTC)
        .strftime("%Y%m%d%H%M%S")
        .to_string()
}

/// One link of a link-format document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// The target URI.
    pub uri: String,
    /// The `rel` parameter (space-separated relation types).
    pub rel: String,
    /// The `datetime` parameter, when present.
    pub datetime: Option<String>,
}

/// Parses an RFC 6690 link-format document or `Link` header. Quoted values
/// may contain commas (datetimes do), so this scans rather than splits.
pub fn parse_links(s: &str) -> Vec<Link> {
    let mut out = Vec::new();
    let mut rest = s;
    while let Some(start) = rest.find('<') {
        let Some(len) = rest.get(start + 1..).and_then(|r| r.find('>')) else {
            break;
        };
        let uri = rest
            .get(start + 1..start + 1 + len)
            .unwrap_or_default()
            .to_string();
        rest = rest.get(start + 2 + len..).unwrap_or_default();
        let (params, after) = split_params(rest);
        rest = after;
        let mut link = Link {
            uri,
            rel: String::new(),
            datetime: None,
        };
        for (k, v) in params {
            match k.to_ascii_lowercase().as_str() {
                "rel" => link.rel = v,
                "datetime" => link.datetime = Some(v),
                _ => {}
            }
        }
        out.push(link);
    }
    out
}

/// The `; k="v"` parameters up to the comma ending a link, and the remainder.
fn split_params(s: &str) -> (Vec<(String, String)>, &str) {
    let mut params = Vec::new();
    let mut in_quotes = false;
    let mut end = s.len();
    for (i, ch) in s.char_indices() {
        match ch {
            '"' => in_quotes = !in_quotes,
            ',' if !in_quotes => {
                end = i;
                break;
            }
            _ => {}
        }
    }
    let (body, rest) = s.split_at(end);
    for part in split_unquoted(body, ';') {
        if let Some((k, v)) = part.split_once('=') {
            params.push((k.trim().to_string(), v.trim().trim_matches('"').to_string()));
        }
    }
    (params, rest)
}

fn split_unquoted(s: &str, sep: char) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut start, mut in_quotes) = (0, false);
    for (i, ch) in s.char_indices() {
        if ch == '"' {
            in_quotes = !in_quotes;
        } else if ch == sep && !in_quotes {
            parts.push(s.get(start..i).unwrap_or_default());
            start = i + ch.len_utf8();
        }
    }
    parts.push(s.get(start..).unwrap_or_default());
    parts
}

/// Mementos of a TimeMap as captures (no status: confirmed on fetch).
pub fn timemap_captures(body: &str) -> Vec<pick::Capture> {
    parse_links(body)
        .into_iter()
        .filter(|l| l.rel.split_whitespace().any(|r| r == "memento"))
        .filter_map(|l| {
            let when = parse_http_date(l.datetime.as_deref()?)?;
            Some(pick::Capture {
                timestamp: wayback_timestamp(when),
                original: l.uri,
                status: Some(200),
                digest: None,
            })
        })
        .collect()
}

/// Asks each configured archive in turn; the first confirmed pick wins.
pub async fn lookup(
    archive: &Archive,
    variants: &[&str],
    target: Option<&Target>,
) -> Result<Option<Snapshot>, Fail> {
    let mut first_fail = None;
    for m in &archive.cfg.memento {
        for url in variants {
            match lookup_one(archive, m, url, target).await {
                Ok(Some(s)) => return Ok(Some(s)),
                Ok(None) => {}
                Err(f) => {
                    first_fail.get_or_insert(f);
                }
            }
        }
    }
    first_fail.map_or(Ok(None), Err)
}

async fn lookup_one(
    archive: &Archive,
    m: &MementoArchive,
    url: &str,
    target: Option<&Target>,
) -> Result<Option<Snapshot>, Fail> {
    let candidates: Vec<pick::Capture> = match &m.timemap {
        Some(tm) => {
            let tm_url = format!("{tm}{url}");
            let resp = archive
                .http
                .send_memento(&m.name, |c| c.get(tm_url.as_str()))
                .await?;
            if resp.status().as_u16() == 404 {
                return Ok(None);
            }
            let body = text_ok(resp, &m.name).await?;
            let caps = timemap_captures(&body);
            pick::ranked(&caps, target).into_iter().cloned().collect()
        }
        None => match timegate(archive, m, url, target).await? {
            Some(c) => vec![c],
            None => return Ok(None),
        },
    };
    for c in candidates.iter().take(CONFIRM_TRIES) {
        if let Some(s) = confirm(archive, m, c, target).await? {
            return Ok(Some(s));
        }
    }
    Ok(None)
}

/// Asks the TimeGate for the memento closest to the cut-off.
async fn timegate(
    archive: &Archive,
    m: &MementoArchive,
    url: &str,
    target: Option<&Target>,
) -> Result<Option<pick::Capture>, Fail> {
    let gate = format!("{}{url}", m.timegate);
    let accept = target.and_then(|t| {
        let dt = t.cutoff().to_datetime(jiff::civil::time(23, 59, 59, 0));
        dt.to_zoned(jiff::tz::TimeZone::UTC)
            .ok()
            .map(|z| http_date(z.timestamp()))
    });
    let resp = archive
        .http
        .send_memento(&m.name, |c| {
            let req = c.get(gate.as_str());
            match &accept {
                Some(a) => req.header("Accept-Datetime", a.as_str()),
                None => req,
            }
        })
        .await?;
    let location = resp
        .headers()
        .get(reqwest::header::LOCATION)
        .or_else(|| resp.headers().get(reqwest::header::CONTENT_LOCATION))
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let dated = resp
        .headers()
        .get("memento-datetime")
        .and_then(|v| v.to_str().ok())
        .and_then(parse_http_date);
    let Some(location) = location else {
        return Ok(None);
    };
    let location = resp
        .url()
        .join(&location)
        .map(|u| u.to_string())
        .unwrap_or(location);
    Ok(Some(pick::Capture {
        timestamp: dated.map(wayback_timestamp).unwrap_or_default(),
        original: location,
        status: Some(200),
        digest: None,
    }))
}

/// Fetches a memento without following redirects; a good status makes it a snapshot.
async fn confirm(
    archive: &Archive,
    m: &MementoArchive,
    c: &pick::Capture,
    target: Option<&Target>,
) -> Result<Option<Snapshot>, Fail> {
    let resp = archive
        .http
        .send_memento(&m.name, |cl| cl.get(c.original.as_str()))
        .await?;
    let status = resp.status().as_u16();
    if !pick::is_good(status) {
        return Ok(None);
    }
    let timestamp = resp
        .headers()
        .get("memento-datetime")
        .and_then(|v| v.to_str().ok())
        .and_then(parse_http_date)
        .map(wayback_timestamp)
        .unwrap_or_else(|| c.timestamp.clone());
    if pick::timestamp_day(&timestamp).is_none() {
        return Ok(None);
    }
    let (relation, distance_days) = super::wayback::relate(target, &timestamp);
    Ok(Some(Snapshot {
        url: c.original.clone(),
        timestamp,
        source: m.name.clone(),
        status,
        relation,
        distance_days,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_format_with_commas_in_dates() {
        let body = r#"<http://a.example/>; rel="original",
<http://arch.example/timemap/link/http://a.example/> ; rel="self"; type="application/link-format",
<http://arch.example/20100101000000/http://a.example/>; rel="first memento"; datetime="Fri, 01 Jan 2010 00:00:00 GMT",
<http://arch.example/20170301120000/http://a.example/>; rel="memento"; datetime="Wed, 01 Mar 2017 12:00:00 GMT""#;
        let links = parse_links(body);
        assert_eq!(links.len(), 4);
        assert_eq!(links[0].rel, "original");
        assert_eq!(
            links[2].datetime.as_deref(),
            Some("Fri, 01 Jan 2010 00:00:00 GMT")
        );
        let caps = timemap_captures(body);
        let ts: Vec<&str> = caps.iter().map(|c| c.timestamp.as_str()).collect();
        assert_eq!(ts, vec!["20100101000000", "20170301120000"]);
        assert_eq!(
            caps[1].original,
            "http://arch.example/20170301120000/http://a.example/"
        );
    }

    #[test]
    fn http_dates_round_trip() {
        let t = parse_http_date("Wed, 01 Mar 2017 12:00:00 GMT").unwrap();
        assert_eq!(wayback_timestamp(t), "20170301120000");
        assert_eq!(http_date(t), "Wed, 01 Mar 2017 12:00:00 GMT");
        assert!(parse_http_date("yesterday").is_none());
    }

    #[test]
    fn garbage_links_do_not_panic() {
        assert!(parse_links("<unterminated").is_empty());
        assert_eq!(
            parse_links("<a>;rel=memento;datetime=\"x, y\"")[0].rel,
            "memento"
        );
        assert!(timemap_captures("<a>; rel=\"memento\"; datetime=\"x\"").is_empty());
    }
}
