//! The world of the check benchmark (`benches/check/run.sh`): one HTTP port
//! serving any number of virtual hosts, chosen by the `Host` header.
//!
//! Everything a client can meet is encoded in the request itself, so the
//! benchmark document is the whole specification of the world and the truth
//! needs no second source: each host answers after a fixed latency between
//! 20 and 150 ms derived from its name (FNV-1a), and the last path segment
//! decides the fate of the URL `/ID/FATE` (`ok`, `nf` 404, `gone` 410, `mv`
//! 301 to `/ID/moved`, `err` 500 forever, `rl` 429 with `Retry-After: 1`
//! then 200, `hang` never answers). "Refused" hosts are not served at all: the
//! benchmark maps them to the closed port this server prints.
//!
//! Every request is logged with its start and end (microseconds since the
//! server started) and the host's configured latency, so the script can
//! compute the ideal schedule bound from what the client actually asked. The
//! log is kept in memory and handed over (and cleared, with the 429 state)
//! by `GET /dump` with `Host: bench-admin`; `GET /reset` only clears.
//!
//! With `--hosts FILE --ip` the server also listens on the loopback address
//! of each host listed in FILE (`name<TAB>ip<TAB>refused`), so a client
//! without a `--resolve` option can be pointed at `http://IP/…` URLs and
//! still meet the same hosts.
//!
//! Usage: `bench_server --port-file FILE [--hosts FILE --ip]`; the port file
//! receives `PORT CLOSED_PORT` once the server listens.

use std::collections::HashMap;
use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;

/// One request as logged.
struct Entry {
    start_us: u128,
    end_us: u128,
    host: String,
    method: String,
    path: String,
    /// 0 when the client went away before an answer (a hang).
    status: u16,
    latency_ms: u64,
}

/// The shared state: the log, the 429 memory and the IP-to-name table.
struct World {
    epoch: Instant,
    log: Mutex<Vec<Entry>>,
    seen: Mutex<HashMap<String, u32>>,
    names_by_ip: HashMap<IpAddr, String>,
}

impl World {
    fn now_us(&self) -> u128 {
        self.epoch.elapsed().as_micros()
    }

    /// How many times host+path was asked before this request (then counts it).
    fn nth(&self, host: &str, path: &str) -> u32 {
        let mut seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
        let n = seen.entry(format!("{host}{path}")).or_default();
        *n += 1;
        *n
    }

    /// Returns the log as TSV and clears it with the 429 memory.
    fn drain(&self) -> String {
        let entries = std::mem::take(&mut *self.log.lock().unwrap_or_else(|e| e.into_inner()));
        self.seen.lock().unwrap_or_else(|e| e.into_inner()).clear();
        let mut out = String::from("start_us\tend_us\thost\tmethod\tpath\tstatus\tlatency_ms\n");
        for e in entries {
            out.push_str(&format!(
                "{}\t{}\t{}\t{}\t{}\t{}\t{}\n",
                e.start_us, e.end_us, e.host, e.method, e.path, e.status, e.latency_ms
            ));
        }
        out
    }
}

/// Logs a request when it ends, answered or abandoned by the client.
struct Pending {
    world: Arc<World>,
    entry: Option<Entry>,
}

impl Drop for Pending {
    fn drop(&mut self) {
        if let Some(mut e) = self.entry.take() {
            e.end_us = self.world.now_us();
            self.world
                .log
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(e);
        }
    }
}

/// The host's fixed latency: 20–150 ms from an FNV-1a hash of its name.
fn latency_of(host: &str) -> Duration {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in host.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    Duration::from_millis(20 + h % 131)
}

/// What a URL's path says the server does.
enum Fate {
    Answer(u16, Vec<(&'static str, String)>),
    Hang,
}

fn fate(world: &World, host: &str, path: &str) -> Fate {
    let mut parts = path.trim_start_matches('/').rsplitn(2, '/');
    let kind = parts.next().unwrap_or("");
    let id = parts.next().unwrap_or("");
    let html = || vec![("content-type", "text/html; charset=utf-8".to_string())];
    match kind {
        "" | "ok" | "moved" => Fate::Answer(200, html()),
        "nf" => Fate::Answer(404, html()),
        "gone" => Fate::Answer(410, html()),
        "mv" => Fate::Answer(301, vec![("location", format!("/{id}/moved"))]),
        "err" => Fate::Answer(500, html()),
        "rl" if world.nth(host, path) == 1 => {
            Fate::Answer(429, vec![("retry-after", "1".to_string())])
        }
        "rl" => Fate::Answer(200, html()),
        "hang" => Fate::Hang,
        _ => Fate::Answer(404, html()),
    }
}

fn body_for(status: u16, path: &str) -> String {
    let title = match status {
        200 if path == "/" => "Home".to_string(),
        200 => format!("Article {path}"),
        _ => format!("Error {status}"),
    };
    format!(
        "<!doctype html><html><head><title>{title}</title></head>\
         <body><h1>{title}</h1><p>Benchmark page.</p></body></html>"
    )
}

async fn handle(
    world: Arc<World>,
    req: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let raw_host = req
        .headers()
        .get("host")
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    let host = raw_host
        .rsplit_once(':')
        .map_or(raw_host, |(h, _)| h)
        .to_ascii_lowercase();
    let host = match host.parse::<IpAddr>() {
        Ok(ip) => world.names_by_ip.get(&ip).cloned().unwrap_or(host),
        Err(_) => host,
    };
    let path = req.uri().path().to_string();
    if host == "bench-admin" {
        let body = match path.as_str() {
            "/dump" => world.drain(),
            _ => {
                world.drain();
                "reset\n".to_string()
            }
        };
        return Ok(Response::new(Full::new(Bytes::from(body))));
    }
    let latency = latency_of(&host);
    let mut pending = Pending {
        world: Arc::clone(&world),
        entry: Some(Entry {
            start_us: world.now_us(),
            end_us: 0,
            host: host.clone(),
            method: req.method().to_string(),
            path: path.clone(),
            status: 0,
            latency_ms: latency.as_millis() as u64,
        }),
    };
    let fate = fate(&world, &host, &path);
    tokio::time::sleep(latency).await;
    let (status, headers) = match fate {
        Fate::Answer(status, headers) => (status, headers),
        Fate::Hang => std::future::pending().await,
    };
    if let Some(e) = pending.entry.as_mut() {
        e.status = status;
    }
    let mut resp = Response::new(Full::new(Bytes::from(body_for(status, &path))));
    *resp.status_mut() = hyper::StatusCode::from_u16(status).unwrap_or_default();
    for (name, value) in headers {
        if let Ok(v) = hyper::header::HeaderValue::from_str(&value) {
            resp.headers_mut().insert(name, v);
        }
    }
    drop(pending);
    Ok(resp)
}

async fn accept_loop(listener: TcpListener, world: Arc<World>) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let world = Arc::clone(&world);
        tokio::spawn(async move {
            let svc = service_fn(move |req| handle(Arc::clone(&world), req));
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), svc)
                .await;
        });
    }
}

/// Reads `name<TAB>ip<TAB>refused` lines; returns the served hosts' addresses.
fn read_hosts(path: &str) -> Result<HashMap<IpAddr, String>> {
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {path}"))?;
    let mut map = HashMap::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let cols: Vec<&str> = line.split('\t').collect();
        let [name, ip, refused] = cols.as_slice() else {
            bail!("bad hosts line {line:?}");
        };
        if *refused == "0" {
            map.insert(ip.parse().context("bad IP")?, name.to_string());
        }
    }
    Ok(map)
}

struct Args {
    port_file: String,
    hosts: Option<String>,
    ip: bool,
}

fn args() -> Result<Args> {
    let mut out = Args {
        port_file: String::new(),
        hosts: None,
        ip: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        match a.as_str() {
            "--port-file" => out.port_file = it.next().context("--port-file FILE")?,
            "--hosts" => out.hosts = Some(it.next().context("--hosts FILE")?),
            "--ip" => out.ip = true,
            other => bail!("unknown argument {other:?}"),
        }
    }
    if out.port_file.is_empty() {
        bail!("usage: bench_server --port-file FILE [--hosts FILE --ip]");
    }
    Ok(out)
}

fn main() -> Result<()> {
    let args = args()?;
    let names_by_ip = match &args.hosts {
        Some(path) => read_hosts(path)?,
        None => HashMap::new(),
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    rt.block_on(async move {
        let world = Arc::new(World {
            epoch: Instant::now(),
            log: Mutex::new(Vec::new()),
            seen: Mutex::new(HashMap::new()),
            names_by_ip,
        });
        let main = TcpListener::bind("127.0.0.1:0").await?;
        let port = main.local_addr()?.port();
        // A port nothing listens on, for the refused hosts.
        let closed = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        if args.ip {
            for ip in world.names_by_ip.keys() {
                let listener = TcpListener::bind(SocketAddr::new(*ip, port))
                    .await
                    .with_context(|| format!("binding {ip}:{port}"))?;
                tokio::spawn(accept_loop(listener, Arc::clone(&world)));
            }
        }
        std::fs::write(&args.port_file, format!("{port} {closed}\n"))?;
        accept_loop(main, world).await;
        Ok(())
    })
}
