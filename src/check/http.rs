//! One HTTP request, reduced to the facts classification needs.
//!
//! The whole request, headers and body prefix, runs under one timeout, so a
//! server that drips its body cannot hold a check. At most `body_limit` bytes
//! are read (enough for a title, a parked-domain notice or a challenge page);
//! the rest of a large body is never downloaded.

use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::{Client, Method};
use url::Url;

use super::dns::{find_failure, DnsFailure};
use super::retry::parse_retry_after;

/// What a server answered.
#[derive(Debug, Clone)]
pub struct Answer {
    /// The status code.
    pub status: u16,
    /// The `Location` header, resolved against the request URL.
    pub location: Option<Result<Url, String>>,
    /// The `Retry-After` delay.
    pub retry_after: Option<Duration>,
    /// Whether the content type is HTML (or unknown).
    pub html: bool,
    /// `cf-mitigated: challenge` (a Cloudflare bot wall).
    pub challenge_header: bool,
    /// The body prefix (empty for HEAD).
    pub body: Vec<u8>,
}

/// Why a request got no answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// The name did not resolve.
    Dns(DnsFailure),
    /// No complete answer within the timeout.
    Timeout,
    /// The connection was refused.
    Refused,
    /// The connection was reset or closed early.
    Reset,
    /// The TLS handshake failed (certificate or protocol).
    Tls(String),
    /// Anything else (a proxy that could not connect, a protocol error).
    Other(String),
}

impl Failure {
    /// Whether trying again later may succeed.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            Failure::Timeout | Failure::Refused | Failure::Reset | Failure::Other(_)
        )
    }

    /// The human text for a report.
    pub fn describe(&self) -> String {
        match self {
            Failure::Dns(d) => d.to_string(),
            Failure::Timeout => "timed out".into(),
            Failure::Refused => "connection refused".into(),
            Failure::Reset => "connection reset".into(),
            Failure::Tls(m) => format!("TLS failure: {m}"),
            Failure::Other(m) => m.clone(),
        }
    }
}

/// Sends one request and reads at most `body_limit` bytes of the body.
pub async fn send(
    client: &Client,
    method: Method,
    url: &Url,
    headers: HeaderMap,
    timeout: Duration,
    body_limit: usize,
) -> Result<Answer, Failure> {
    let read_body = method == Method::GET;
    let request = async {
        let mut resp = client
            .request(method, url.clone())
            .headers(headers)
            .send()
            .await
            .map_err(|e| failure(&e))?;
        let mut answer = summarise(&resp, url);
        if read_body {
            while answer.body.len() < body_limit {
                match resp.chunk().await {
                    Ok(Some(chunk)) => answer.body.extend_from_slice(&chunk),
                    Ok(None) => break,
                    // A body cut short still tells us what the page is.
                    Err(_) if !answer.body.is_empty() => break,
                    Err(e) => return Err(failure(&e)),
                }
            }
            answer.body.truncate(body_limit);
        }
        Ok(answer)
    };
    tokio::time::timeout(timeout, request)
        .await
        .unwrap_or(Err(Failure::Timeout))
}

fn summarise(resp: &reqwest::Response, url: &Url) -> Answer {
    let h = resp.headers();
    let text = |name: &str| h.get(name).and_then(|v| v.to_str().ok());
    let location = text("location").map(|l| url.join(l.trim()).map_err(|e| format!("{l:?}: {e}")));
    Answer {
        status: resp.status().as_u16(),
        location,
        retry_after: text("retry-after").and_then(|v| parse_retry_after(v, jiff::Timestamp::now())),
        html: text("content-type").is_none_or(|c| {
            let c = c.to_ascii_lowercase();
            c.contains("html") || c.starts_with("text/")
        }),
        challenge_header: text("cf-mitigated").is_some_and(|v| v.eq_ignore_ascii_case("challenge")),
        body: Vec::new(),
    }
}

/// Maps a client error to a [`Failure`] by walking its sources.
fn failure(err: &reqwest::Error) -> Failure {
    if let Some(dns) = find_failure(err) {
        return Failure::Dns(dns.clone());
    }
    if err.is_timeout() {
        return Failure::Timeout;
    }
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(err);
    let mut innermost = err.to_string();
    while let Some(e) = cur {
        if let Some(io) = e.downcast_ref::<std::io::Error>() {
            use std::io::ErrorKind::*;
            match io.kind() {
                ConnectionRefused => return Failure::Refused,
                ConnectionReset | ConnectionAborted | BrokenPipe | UnexpectedEof => {
                    return Failure::Reset
                }
                TimedOut => return Failure::Timeout,
                // tokio-rustls reports handshake errors as InvalidData.
                InvalidData if err.is_connect() => return Failure::Tls(io.to_string()),
                _ => {}
            }
        }
        innermost = e.to_string();
        cur = e.source();
    }
    let lower = innermost.to_ascii_lowercase();
    if lower.contains("connection closed") || lower.contains("incomplete message") {
        return Failure::Reset;
    }
    if lower.contains("certificate") || lower.contains("handshake") {
        return Failure::Tls(innermost);
    }
    Failure::Other(innermost)
}

/// The extra headers for a request to `host`: `Authorization`, `Cookie` and
/// `Proxy-Authorization` only go to the cited URL's own host.
pub fn headers_for(extra: &[(HeaderName, HeaderValue)], same_host: bool) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (name, value) in extra {
        let private = matches!(
            name.as_str(),
            "authorization" | "cookie" | "proxy-authorization"
        );
        if same_host || !private {
            map.append(name.clone(), value.clone());
        }
    }
    map
}
