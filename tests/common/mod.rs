//! Test servers for the `check` tests: an HTTP(S) server on 127.0.0.1 whose
//! answers a test scripts per request, which counts requests and in-flight
//! requests per host, and a tiny CONNECT proxy that counts tunnels.
#![allow(dead_code)]

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// A request as the handler sees it.
#[derive(Debug, Clone)]
pub struct Req {
    pub method: String,
    pub host: String,
    pub path: String,
    pub headers: HashMap<String, String>,
    /// 1 for the first request of this method+host+path, 2 for the next…
    pub nth: usize,
}

/// What the server does.
pub enum Reply {
    /// Answer after `delay`.
    Respond {
        status: u16,
        headers: Vec<(String, String)>,
        body: String,
        delay: Duration,
    },
    /// Never answer.
    Hang,
    /// Close the connection without answering.
    Reset,
}

impl Reply {
    pub fn status(status: u16) -> Reply {
        Reply::Respond {
            status,
            headers: vec![("content-type".into(), "text/html".into())],
            body: String::new(),
            delay: Duration::ZERO,
        }
    }
    pub fn html(status: u16, body: &str) -> Reply {
        Reply::Respond {
            status,
            headers: vec![("content-type".into(), "text/html; charset=utf-8".into())],
            body: body.into(),
            delay: Duration::ZERO,
        }
    }
    pub fn redirect(status: u16, to: &str) -> Reply {
        Reply::Respond {
            status,
            headers: vec![("location".into(), to.into())],
            body: String::new(),
            delay: Duration::ZERO,
        }
    }
    pub fn header(mut self, name: &str, value: &str) -> Reply {
        if let Reply::Respond { headers, .. } = &mut self {
            headers.push((name.into(), value.into()));
        }
        self
    }
    pub fn delay(mut self, d: Duration) -> Reply {
        if let Reply::Respond { delay, .. } = &mut self {
            *delay = d;
        }
        self
    }
}

/// One request seen, with its arrival time.
#[derive(Debug, Clone)]
pub struct Seen {
    pub req: Req,
    pub at: Instant,
}

#[derive(Default)]
struct State {
    log: Vec<Seen>,
    counts: HashMap<String, usize>,
    in_flight: HashMap<String, usize>,
    max_in_flight: HashMap<String, usize>,
}

pub type Handler = Arc<dyn Fn(&Req) -> Reply + Send + Sync>;

/// A running server; stops when dropped.
pub struct Server {
    pub port: u16,
    state: Arc<Mutex<State>>,
    _rt: tokio::runtime::Runtime,
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

impl Server {
    /// Starts a plain HTTP server.
    pub fn start(handler: impl Fn(&Req) -> Reply + Send + Sync + 'static) -> Server {
        Server::start_inner(Arc::new(handler), None)
    }

    /// Starts an HTTPS server with this certificate chain and key (DER).
    pub fn start_tls(
        handler: impl Fn(&Req) -> Reply + Send + Sync + 'static,
        tls: Arc<rustls::ServerConfig>,
    ) -> Server {
        Server::start_inner(Arc::new(handler), Some(tls))
    }

    fn start_inner(handler: Handler, tls: Option<Arc<rustls::ServerConfig>>) -> Server {
        let rt = runtime();
        let state = Arc::new(Mutex::new(State::default()));
        let listener = rt.block_on(TcpListener::bind("127.0.0.1:0")).unwrap();
        let port = listener.local_addr().unwrap().port();
        let st = Arc::clone(&state);
        rt.spawn(async move {
            let acceptor = tls.map(tokio_rustls::TlsAcceptor::from);
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                let (handler, st, acceptor) =
                    (Arc::clone(&handler), Arc::clone(&st), acceptor.clone());
                tokio::spawn(async move {
                    match acceptor {
                        Some(acc) => {
                            if let Ok(tls) = acc.accept(stream).await {
                                serve(TokioIo::new(tls), handler, st).await;
                            }
                        }
                        None => serve(TokioIo::new(stream), handler, st).await,
                    }
                });
            }
        });
        Server {
            port,
            state,
            _rt: rt,
        }
    }

    /// Every request seen so far.
    pub fn log(&self) -> Vec<Seen> {
        self.state.lock().unwrap().log.clone()
    }

    /// Requests seen for a host.
    pub fn count(&self, host: &str) -> usize {
        *self.state.lock().unwrap().counts.get(host).unwrap_or(&0)
    }

    /// The most requests to a host ever in flight at once.
    pub fn max_in_flight(&self, host: &str) -> usize {
        *self
            .state
            .lock()
            .unwrap()
            .max_in_flight
            .get(host)
            .unwrap_or(&0)
    }

    /// Requests seen for host+path, in order.
    pub fn requests(&self, host: &str, path: &str) -> Vec<Seen> {
        self.log()
            .into_iter()
            .filter(|s| s.req.host == host && s.req.path == path)
            .collect()
    }
}

struct InFlight {
    st: Arc<Mutex<State>>,
    host: String,
}

impl Drop for InFlight {
    fn drop(&mut self) {
        if let Ok(mut st) = self.st.lock() {
            if let Some(n) = st.in_flight.get_mut(&self.host) {
                *n -= 1;
            }
        }
    }
}

async fn serve<I>(io: TokioIo<I>, handler: Handler, st: Arc<Mutex<State>>)
where
    I: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let svc = service_fn(move |req: hyper::Request<Incoming>| {
        let (handler, st) = (Arc::clone(&handler), Arc::clone(&st));
        async move { handle(req, handler, st).await }
    });
    let _ = hyper::server::conn::http1::Builder::new()
        .serve_connection(io, svc)
        .await;
}

async fn handle(
    req: hyper::Request<Incoming>,
    handler: Handler,
    st: Arc<Mutex<State>>,
) -> Result<hyper::Response<Full<Bytes>>, std::io::Error> {
    let host = req
        .headers()
        .get("host")
        .and_then(|h| h.to_str().ok())
        .unwrap_or("")
        .split(':')
        .next()
        .unwrap_or("")
        .to_string();
    let path = req
        .uri()
        .path_and_query()
        .map_or("/".into(), |p| p.to_string());
    let method = req.method().to_string();
    let headers = req
        .headers()
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("").to_string()))
        .collect();
    let key = format!("{method} {host}{path}");
    let _guard;
    let r = {
        let mut s = st.lock().unwrap();
        let nth = {
            let c = s.counts.entry(key).or_default();
            *c += 1;
            *c
        };
        *s.counts.entry(host.clone()).or_default() += 1;
        let n = {
            let f = s.in_flight.entry(host.clone()).or_default();
            *f += 1;
            *f
        };
        let m = s.max_in_flight.entry(host.clone()).or_default();
        *m = (*m).max(n);
        let r = Req {
            method,
            host: host.clone(),
            path,
            headers,
            nth,
        };
        s.log.push(Seen {
            req: r.clone(),
            at: Instant::now(),
        });
        _guard = InFlight {
            st: Arc::clone(&st),
            host,
        };
        r
    };
    match handler(&r) {
        Reply::Respond {
            status,
            headers,
            body,
            delay,
        } => {
            tokio::time::sleep(delay).await;
            let mut resp = hyper::Response::builder().status(status);
            for (k, v) in headers {
                resp = resp.header(k, v);
            }
            Ok(resp.body(Full::new(Bytes::from(body))).unwrap())
        }
        Reply::Hang => {
            tokio::time::sleep(Duration::from_secs(3600)).await;
            Err(std::io::Error::other("hung"))
        }
        Reply::Reset => Err(std::io::Error::other("reset")),
    }
}

/// A test CA and a server configuration for `names` signed by it; returns
/// (CA PEM, server config).
pub fn test_tls(names: &[&str]) -> (String, Arc<rustls::ServerConfig>) {
    use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair, KeyUsagePurpose};
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    let ca_key = KeyPair::generate().unwrap();
    let ca_cert = ca_params.self_signed(&ca_key).unwrap();
    let issuer = Issuer::new(ca_params, ca_key);
    let leaf_key = KeyPair::generate().unwrap();
    let leaf_params =
        CertificateParams::new(names.iter().map(|s| s.to_string()).collect::<Vec<_>>()).unwrap();
    let leaf = leaf_params.signed_by(&leaf_key, &issuer).unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(
            vec![leaf.der().clone()],
            rustls::pki_types::PrivateKeyDer::Pkcs8(leaf_key.serialize_der().into()),
        )
        .unwrap();
    (ca_cert.pem(), Arc::new(config))
}

/// A CONNECT proxy that knows hosts only through `map` (host → address),
/// answers 502 for any other, and counts tunnels per host.
pub struct Proxy {
    pub port: u16,
    tunnels: Arc<Mutex<HashMap<String, usize>>>,
    _rt: tokio::runtime::Runtime,
}

impl Proxy {
    pub fn start(map: HashMap<String, SocketAddr>) -> Proxy {
        let rt = runtime();
        let listener = rt.block_on(TcpListener::bind("127.0.0.1:0")).unwrap();
        let port = listener.local_addr().unwrap().port();
        let tunnels = Arc::new(Mutex::new(HashMap::new()));
        let t = Arc::clone(&tunnels);
        let map = Arc::new(map);
        rt.spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                let (map, t) = (Arc::clone(&map), Arc::clone(&t));
                tokio::spawn(async move {
                    let _ = tunnel(stream, &map, &t).await;
                });
            }
        });
        Proxy {
            port,
            tunnels,
            _rt: rt,
        }
    }

    pub fn tunnels(&self, host: &str) -> usize {
        *self.tunnels.lock().unwrap().get(host).unwrap_or(&0)
    }
}

async fn tunnel(
    mut client: TcpStream,
    map: &HashMap<String, SocketAddr>,
    tunnels: &Mutex<HashMap<String, usize>>,
) -> std::io::Result<()> {
    let mut head = Vec::new();
    let mut buf = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = client.read(&mut buf).await?;
        if n == 0 {
            return Ok(());
        }
        head.extend_from_slice(&buf[..n]);
    }
    let text = String::from_utf8_lossy(&head);
    let target = text.split_whitespace().nth(1).unwrap_or("").to_string();
    let host = target
        .rsplit_once(':')
        .map_or(target.as_str(), |(h, _)| h)
        .to_string();
    *tunnels.lock().unwrap().entry(host.clone()).or_default() += 1;
    let Some(addr) = map.get(&host) else {
        client
            .write_all(b"HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\n\r\n")
            .await?;
        return Ok(());
    };
    let mut upstream = TcpStream::connect(addr).await?;
    client
        .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
        .await?;
    tokio::io::copy_bidirectional(&mut client, &mut upstream).await?;
    Ok(())
}

/// A port on 127.0.0.1 where nothing listens.
pub fn closed_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

/// The citecheck binary as every command-line test runs it: no proxy
/// inherited from the environment (tests talk only to their own servers),
/// no history-store override, no colour.
pub fn citecheck_cmd() -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::cargo_bin("citecheck").expect("the citecheck binary");
    for v in citecheck::check::PROXY_VARIABLES {
        cmd.env_remove(v);
    }
    cmd.env_remove("CITECHECK_CACHE");
    cmd.env("NO_COLOR", "1");
    cmd
}
