//! An in-process mock of the Wayback Machine (availability single and batch,
//! CDX, replay with `Memento-Datetime`, SPN2 jobs), of a Memento archive
//! (TimeMap, TimeGate, mementos), with scripted 429s and a request log.
//!
//! It keeps its own URL canonicalisation (scheme, `www.`, case, trailing
//! slash) so the library's matching is tested against an independent one.
#![allow(dead_code)]

use std::collections::{HashMap, VecDeque};
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;

/// One capture held by the mock.
#[derive(Debug, Clone)]
pub struct Cap {
    pub ts: String,
    pub status: u16,
    pub digest: String,
    /// Days the replay's `Memento-Datetime` is off by (to fail verification).
    pub replay_skew_days: i64,
}

pub fn cap(ts: &str, status: u16, digest: &str) -> Cap {
    Cap {
        ts: ts.into(),
        status,
        digest: digest.into(),
        replay_skew_days: 0,
    }
}

/// An SPN2 job script.
#[derive(Debug, Clone)]
pub struct Job {
    pub url: String,
    pub pending_polls: u32,
    pub result: Result<String, String>,
}

#[derive(Default)]
pub struct State {
    pub captures: HashMap<String, Vec<Cap>>,
    pub mementos: HashMap<String, Vec<Cap>>,
    pub log: Vec<(String, Instant, String)>,
    pub fail: HashMap<String, VecDeque<Option<u64>>>,
    pub batch: bool,
    pub jobs: HashMap<String, Job>,
    pub save_results: HashMap<String, (u32, Result<String, String>)>,
    pub next_job: u32,
}

#[derive(Clone)]
pub struct Mock {
    pub addr: SocketAddr,
    pub state: Arc<Mutex<State>>,
}

/// The mock's canonical key of a URL.
pub fn key(url: &str) -> String {
    let u = url.split('#').next().unwrap_or("").to_lowercase();
    let u = u
        .trim_start_matches("http://")
        .trim_start_matches("https://");
    let u = u.strip_prefix("www.").unwrap_or(u);
    u.trim_end_matches('/').to_string()
}

impl Mock {
    pub async fn start() -> Mock {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let state = Arc::new(Mutex::new(State {
            batch: true,
            ..State::default()
        }));
        let mock = Mock { addr, state };
        let m = mock.clone();
        tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                let m = m.clone();
                tokio::spawn(async move {
                    let svc = hyper::service::service_fn(move |req| {
                        let m = m.clone();
                        async move { Ok::<_, Infallible>(m.handle(req).await) }
                    });
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), svc)
                        .await;
                });
            }
        });
        mock
    }

    pub fn base(&self) -> String {
        format!("http://{}/", self.addr)
    }

    pub fn add(&self, url: &str, caps: Vec<Cap>) {
        self.state
            .lock()
            .unwrap()
            .captures
            .entry(key(url))
            .or_default()
            .extend(caps);
    }

    pub fn add_mementos(&self, url: &str, caps: Vec<Cap>) {
        self.state
            .lock()
            .unwrap()
            .mementos
            .entry(key(url))
            .or_default()
            .extend(caps);
    }

    /// The next `n` requests to `endpoint` get a 429 (with `Retry-After` if given).
    pub fn fail_next(&self, endpoint: &str, n: usize, retry_after: Option<u64>) {
        let mut s = self.state.lock().unwrap();
        let q = s.fail.entry(endpoint.into()).or_default();
        for _ in 0..n {
            q.push_back(retry_after);
        }
    }

    pub fn set_batch(&self, on: bool) {
        self.state.lock().unwrap().batch = on;
    }

    /// How SPN2 will treat `url`: polls before the end, and the end.
    pub fn script_save(&self, url: &str, pending_polls: u32, result: Result<&str, &str>) {
        self.state.lock().unwrap().save_results.insert(
            url.into(),
            (
                pending_polls,
                result.map(str::to_string).map_err(str::to_string),
            ),
        );
    }

    pub fn count(&self, endpoint: &str) -> usize {
        self.state
            .lock()
            .unwrap()
            .log
            .iter()
            .filter(|(e, _, _)| e == endpoint)
            .count()
    }

    pub fn total(&self) -> usize {
        self.state.lock().unwrap().log.len()
    }

    pub fn times(&self, endpoint: &str) -> Vec<Instant> {
        let s = self.state.lock().unwrap();
        s.log
            .iter()
            .filter(|(e, _, _)| e == endpoint)
            .map(|(_, t, _)| *t)
            .collect()
    }

    pub fn requests(&self, endpoint: &str) -> Vec<String> {
        let s = self.state.lock().unwrap();
        s.log
            .iter()
            .filter(|(e, _, _)| e == endpoint)
            .map(|(_, _, r)| r.clone())
            .collect()
    }

    async fn handle(&self, req: Request<Incoming>) -> Response<Full<Bytes>> {
        let path = req.uri().path().to_string();
        let query = req.uri().query().unwrap_or("").to_string();
        let method = req.method().clone();
        let headers = req.headers().clone();
        let body = req
            .into_body()
            .collect()
            .await
            .map(|b| b.to_bytes())
            .unwrap_or_default();
        let body = String::from_utf8_lossy(&body).to_string();
        let endpoint = if path.starts_with("/wayback/available") {
            "availability"
        } else if path.starts_with("/cdx/") {
            "cdx"
        } else if path.starts_with("/web/") {
            "replay"
        } else if path.starts_with("/save/status/") {
            "status"
        } else if path.starts_with("/save") {
            "save"
        } else if path.starts_with("/timemap/") {
            "timemap"
        } else if path.starts_with("/timegate/") {
            "timegate"
        } else if path.starts_with("/memento/") {
            "memento"
        } else {
            "other"
        };
        let full = if query.is_empty() {
            path.clone()
        } else {
            format!("{path}?{query}")
        };
        let scripted = {
            let mut s = self.state.lock().unwrap();
            s.log.push((
                endpoint.into(),
                Instant::now(),
                format!("{method} {full}\n{body}"),
            ));
            s.fail.get_mut(endpoint).and_then(|q| q.pop_front())
        };
        if let Some(retry_after) = scripted {
            let mut r = resp(429, "slow down");
            if let Some(s) = retry_after {
                r.headers_mut()
                    .insert("retry-after", s.to_string().parse().unwrap());
            }
            return r;
        }
        let get = |k: &str| header(&headers, k);
        match endpoint {
            "availability" if method == hyper::Method::POST => {
                if !self.state.lock().unwrap().batch
                    || get("wayback-api-version").as_deref() != Some("2")
                {
                    return resp(405, "no batch");
                }
                let results: Vec<serde_json::Value> = body
                    .lines()
                    .filter(|l| !l.trim().is_empty())
                    .map(|l| self.available(&form(l)))
                    .collect();
                json(serde_json::json!({ "results": results }))
            }
            "availability" => json(self.available(&form(&query))),
            "cdx" => self.cdx(&form(&query)),
            "replay" => self.replay(&path),
            "save" => self.save(&method, &path, &body, get("authorization")),
            "status" => self.status(&path),
            "timemap" => self.timemap(path.trim_start_matches("/timemap/")),
            "timegate" => self.timegate(
                path.trim_start_matches("/timegate/"),
                get("accept-datetime"),
            ),
            "memento" => self.memento(path.trim_start_matches("/memento/")),
            _ => resp(404, "not here"),
        }
    }

    fn available(&self, f: &HashMap<String, Vec<String>>) -> serde_json::Value {
        let one = |k: &str| f.get(k).and_then(|v| v.first()).cloned();
        let url = one("url").unwrap_or_default();
        let statuses: Vec<u16> = f
            .get("statuscodes")
            .map(|v| v.iter().filter_map(|s| s.parse().ok()).collect())
            .unwrap_or_default();
        let s = self.state.lock().unwrap();
        let mut caps: Vec<&Cap> = s
            .captures
            .get(&key(&url))
            .map(|v| {
                v.iter()
                    .filter(|c| statuses.is_empty() || statuses.contains(&c.status))
                    .collect()
            })
            .unwrap_or_default();
        caps.sort_by(|a, b| a.ts.cmp(&b.ts));
        let ts = one("timestamp");
        let chosen = match (ts, one("closest").as_deref()) {
            (None, _) => caps.last().copied(),
            (Some(t), Some("after")) => caps.iter().find(|c| c.ts >= t).copied(),
            (Some(t), _) => caps.iter().rev().find(|c| c.ts <= t).copied(),
        };
        let mut out = serde_json::json!({ "url": url, "archived_snapshots": {} });
        if let Some(tag) = one("tag") {
            out["tag"] = tag.into();
        }
        if let Some(c) = chosen {
            out["archived_snapshots"]["closest"] = serde_json::json!({
                "available": true,
                "url": format!("http://{}/web/{}/{}", self.addr, c.ts, url),
                "timestamp": c.ts,
                "status": c.status.to_string(),
            });
        }
        out
    }

    fn cdx(&self, f: &HashMap<String, Vec<String>>) -> Response<Full<Bytes>> {
        let one = |k: &str| f.get(k).and_then(|v| v.first()).cloned();
        let url = one("url").unwrap_or_default();
        let s = self.state.lock().unwrap();
        let mut caps: Vec<Cap> = s.captures.get(&key(&url)).cloned().unwrap_or_default();
        caps.sort_by(|a, b| a.ts.cmp(&b.ts));
        if one("sort").as_deref() == Some("closest") {
            let t: i64 = one("closest")
                .and_then(|t| t.get(..8).and_then(|d| d.parse().ok()))
                .unwrap_or(0);
            caps.sort_by_key(|c| {
                (c.ts
                    .get(..8)
                    .and_then(|d| d.parse::<i64>().ok())
                    .unwrap_or(0)
                    - t)
                    .abs()
            });
        }
        let limit: i64 = one("limit").and_then(|l| l.parse().ok()).unwrap_or(10_000);
        if limit < 0 {
            let n = caps.len().saturating_sub(limit.unsigned_abs() as usize);
            caps.drain(..n);
        } else {
            caps.truncate(limit as usize);
        }
        if caps.is_empty() {
            return resp(200, "");
        }
        let mut rows = vec![serde_json::json!([
            "timestamp",
            "original",
            "statuscode",
            "digest"
        ])];
        rows.extend(
            caps.iter()
                .map(|c| serde_json::json!([c.ts, url, c.status.to_string(), c.digest])),
        );
        json(serde_json::Value::Array(rows))
    }

    fn replay(&self, path: &str) -> Response<Full<Bytes>> {
        let rest = path.trim_start_matches("/web/");
        let Some((ts, url)) = rest.split_once('/') else {
            return resp(404, "");
        };
        let ts = ts.trim_end_matches("id_");
        let s = self.state.lock().unwrap();
        let Some(c) = s
            .captures
            .get(&key(url))
            .and_then(|v| v.iter().find(|c| c.ts == ts))
            .cloned()
        else {
            return resp(404, "not in archive");
        };
        let when = stamp_to_http(&c.ts, c.replay_skew_days);
        let mut r = resp(
            if c.status >= 300 && c.status < 400 {
                302
            } else {
                c.status
            },
            "captured page",
        );
        r.headers_mut()
            .insert("memento-datetime", when.parse().unwrap());
        r
    }

    fn save(
        &self,
        method: &hyper::Method,
        path: &str,
        body: &str,
        auth: Option<String>,
    ) -> Response<Full<Bytes>> {
        let url = if method == hyper::Method::POST {
            if !auth.is_some_and(|a| a.starts_with("LOW ") && a.contains(':')) {
                return resp(401, "keys needed");
            }
            form(body)
                .get("url")
                .and_then(|v| v.first())
                .cloned()
                .unwrap_or_default()
        } else {
            path.trim_start_matches("/save/").to_string()
        };
        let mut s = self.state.lock().unwrap();
        let Some((polls, result)) = s.save_results.get(&url).cloned() else {
            return json(
                serde_json::json!({"status":"error","status_ext":"error:invalid-url-syntax","message":"bad"}),
            );
        };
        s.next_job += 1;
        let id = format!("spn2-{:04x}", s.next_job);
        s.jobs.insert(
            id.clone(),
            Job {
                url: url.clone(),
                pending_polls: polls,
                result,
            },
        );
        if method == hyper::Method::POST {
            json(serde_json::json!({"url": url, "job_id": id}))
        } else {
            resp(
                200,
                &format!(
                    "<html><script>spn.watchJob(\"{id}\", \"/_static/\",6000);</script></html>"
                ),
            )
        }
    }

    fn status(&self, path: &str) -> Response<Full<Bytes>> {
        let id = path.trim_start_matches("/save/status/");
        let mut s = self.state.lock().unwrap();
        let Some(job) = s.jobs.get_mut(id) else {
            return json(serde_json::json!({"status":"error","message":"no such job"}));
        };
        if job.pending_polls > 0 {
            job.pending_polls -= 1;
            return json(serde_json::json!({"status":"pending","job_id": id}));
        }
        match &job.result {
            Ok(ts) => json(
                serde_json::json!({"status":"success","timestamp": ts,"original_url": job.url,"job_id": id}),
            ),
            Err(e) => json(
                serde_json::json!({"status":"error","status_ext": e,"message":"capture failed","job_id": id}),
            ),
        }
    }

    fn timemap(&self, url: &str) -> Response<Full<Bytes>> {
        let s = self.state.lock().unwrap();
        let Some(caps) = s.mementos.get(&key(url)) else {
            return resp(404, "");
        };
        let mut lines = vec![format!("<{url}>; rel=\"original\"")];
        for c in caps {
            lines.push(format!(
                "<http://{}/memento/{}/{url}>; rel=\"memento\"; datetime=\"{}\"",
                self.addr,
                c.ts,
                stamp_to_http(&c.ts, 0)
            ));
        }
        resp(200, &lines.join(",\n"))
    }

    fn timegate(&self, url: &str, accept: Option<String>) -> Response<Full<Bytes>> {
        let s = self.state.lock().unwrap();
        let Some(caps) = s.mementos.get(&key(url)) else {
            return resp(404, "");
        };
        let want = accept
            .and_then(|a| http_to_stamp(&a))
            .unwrap_or_else(|| "99999999999999".into());
        let best = caps.iter().min_by_key(|c| {
            let d = |x: &str| x.get(..8).and_then(|d| d.parse::<i64>().ok()).unwrap_or(0);
            (d(&c.ts) - d(&want)).abs()
        });
        let Some(c) = best else { return resp(404, "") };
        let mut r = resp(302, "");
        let loc = format!("http://{}/memento/{}/{url}", self.addr, c.ts);
        r.headers_mut().insert("location", loc.parse().unwrap());
        r.headers_mut()
            .insert("vary", "accept-datetime".parse().unwrap());
        r
    }

    fn memento(&self, rest: &str) -> Response<Full<Bytes>> {
        let Some((ts, url)) = rest.split_once('/') else {
            return resp(404, "");
        };
        let s = self.state.lock().unwrap();
        let Some(c) = s
            .mementos
            .get(&key(url))
            .and_then(|v| v.iter().find(|c| c.ts == ts))
        else {
            return resp(404, "");
        };
        let mut r = resp(c.status, "memento");
        r.headers_mut()
            .insert("memento-datetime", stamp_to_http(&c.ts, 0).parse().unwrap());
        r
    }
}

fn header(h: &hyper::HeaderMap, k: &str) -> Option<String> {
    h.get(k).and_then(|v| v.to_str().ok()).map(str::to_string)
}

fn form(s: &str) -> HashMap<String, Vec<String>> {
    let mut m: HashMap<String, Vec<String>> = HashMap::new();
    for (k, v) in url::form_urlencoded::parse(s.as_bytes()) {
        m.entry(k.into_owned()).or_default().push(v.into_owned());
    }
    m
}

fn resp(status: u16, body: &str) -> Response<Full<Bytes>> {
    let mut r = Response::new(Full::new(Bytes::from(body.to_string())));
    *r.status_mut() = StatusCode::from_u16(status).unwrap();
    r
}

fn json(v: serde_json::Value) -> Response<Full<Bytes>> {
    let mut r = resp(200, &v.to_string());
    r.headers_mut()
        .insert("content-type", "application/json".parse().unwrap());
    r
}

/// `YYYYMMDDhhmmss` (shifted by some days) as an HTTP date.
pub fn stamp_to_http(ts: &str, skew_days: i64) -> String {
    let n = |r: std::ops::Range<usize>| ts.get(r).and_then(|s| s.parse::<i8>().ok()).unwrap_or(0);
    let year: i16 = ts.get(..4).and_then(|s| s.parse().ok()).unwrap_or(2000);
    let dt = jiff::civil::date(year, n(4..6), n(6..8)).at(n(8..10), n(10..12), n(12..14), 0);
    let z = dt.to_zoned(jiff::tz::TimeZone::UTC).unwrap();
    let z = z.checked_add(jiff::Span::new().days(skew_days)).unwrap();
    jiff::fmt::rfc2822::DateTimePrinter::new()
        .timestamp_to_rfc9110_string(&z.timestamp())
        .unwrap()
}

fn http_to_stamp(s: &str) -> Option<String> {
    let t = jiff::fmt::rfc2822::DateTimeParser::new()
        .parse_timestamp(s)
        .ok()?;
    Some(
        t.to_zoned(jiff::tz::TimeZone::UTC)
            .strftime("%Y%m%d%H%M%S")
            .to_string(),
    )
}
