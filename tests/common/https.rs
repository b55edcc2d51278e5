//! A real HTTPS Soda Cloud ingest endpoint inside the test process.
//!
//! [`Server::start`] makes a throwaway CA and a certificate for `localhost` / `127.0.0.1`
//! signed by it, listens with TLS on `127.0.0.1:<random port>` on a tokio runtime of its own
//! (one thread), and speaks just enough HTTP/1.1: it reads the headers and a `Content-Length`
//! body, answers with `Content-Length` and `Connection: close`, and closes. Every request is
//! recorded ([`Server::requests`]) before it is answered.
//!
//! Answers come from a script: [`Server::script`] queues one-shot [`Reply`]s per request kind
//! (`login`, `upload`, or the JSON `type` such as `sodaCoreInsertScanResults`), used in order
//! before the kind's default; [`Server::set_default`] replaces a default. The defaults are
//! Soda Cloud's happy path: login → `{"token": "tok-N"}` (N counts logins),
//! `sodaCoreCloudConfiguration` → `{"disableCollectingWarehouseData": true}`,
//! `sodaCoreAvailableCheckAttributes` → [`attribute_schema`], historic queries →
//! `{"results": []}`, upload → `{"fileId": "file-N"}`, insert → `{}` with
//! `X-Soda-Trace-Id: trace-123`, and `webhook` (any path under `/hooks/`, for notification
//! webhooks) → `{"ok": true}`.
//!
//! `soda` trusts the CA through `SSL_CERT_FILE` (write [`Server::ca_pem`] into the test's temp
//! dir); certificate verification stays on.

use serde_json::{json, Value};
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio_rustls::rustls;

/// How long a [`Reply::Hang`] keeps the client waiting (far longer than any test's
/// `request_timeout`; the server's shutdown ends it sooner).
const HANG: Duration = Duration::from_secs(60);

/// One request as the server received it.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    pub path: String,
    /// Header names as sent (look them up with [`Request::header`]).
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// The status answered; `None` when the server hung or dropped the connection.
    pub status: Option<u16>,
}

impl Request {
    /// A header's value, by case-insensitive name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The body as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The body parsed as JSON (keys in the order sent).
    #[track_caller]
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("{} body is not JSON ({e}): {}", self.path, self.text()))
    }

    /// The top-level keys of the JSON body, in the order sent.
    #[track_caller]
    pub fn keys(&self) -> Vec<String> {
        match self.json() {
            Value::Object(m) => m.keys().cloned().collect(),
            other => panic!("{} body is not a JSON object: {other}", self.path),
        }
    }

    /// `upload` for `/api/scan/upload`, else the JSON body's `type` (`login`, `sodaCore…`).
    pub fn kind(&self) -> String {
        kind_of(&self.path, &self.body)
    }
}

fn kind_of(path: &str, body: &[u8]) -> String {
    if path == "/api/scan/upload" {
        return "upload".into();
    }
    // Notification webhooks (tests/notify.rs) post wherever they are told; tests use /hooks/.
    if path.starts_with("/hooks/") {
        return "webhook".into();
    }
    serde_json::from_slice::<Value>(body)
        .ok()
        .and_then(|v| v.get("type").and_then(Value::as_str).map(str::to_string))
        .unwrap_or_else(|| format!("unknown request to {path}"))
}

/// How the server answers one request.
#[derive(Debug, Clone)]
pub enum Reply {
    /// A JSON answer.
    Json {
        status: u16,
        body: Value,
        headers: Vec<(String, String)>,
    },
    /// Reads the request and never answers (until the server stops).
    Hang,
    /// Reads the request and closes the connection without a word.
    Drop,
}

impl Reply {
    /// 200 with `body`.
    pub fn ok(body: Value) -> Reply {
        Reply::status(200, body)
    }

    /// `code` with `body`.
    pub fn status(code: u16, body: Value) -> Reply {
        Reply::Json {
            status: code,
            body,
            headers: Vec::new(),
        }
    }

    /// Adds a response header (to a JSON answer).
    pub fn header(mut self, name: &str, value: &str) -> Reply {
        if let Reply::Json { headers, .. } = &mut self {
            headers.push((name.into(), value.into()));
        }
        self
    }
}

/// The check attribute schema the server answers by default.
pub fn attribute_schema() -> Value {
    json!({"results": [
        {"name": "priority", "type": "number"},
        {"name": "department", "type": "singleSelect", "allowedValues": ["sales", "marketing"]},
        {"name": "pii", "type": "checkbox", "allowedValues": ["true", "false"]},
        {"name": "tags", "type": "multiSelect", "allowedValues": ["core", "finance", "ops"]},
        {"name": "reviewed", "type": "datetime"},
        {"name": "owner", "type": "text"},
    ]})
}

#[derive(Default)]
struct State {
    requests: Vec<Request>,
    /// One-shot replies per kind, used before the default.
    script: HashMap<String, VecDeque<Reply>>,
    /// Replaced defaults per kind.
    defaults: HashMap<String, Reply>,
    logins: usize,
    uploads: usize,
}

impl State {
    fn reply_for(&mut self, kind: &str) -> Reply {
        if let Some(r) = self.script.get_mut(kind).and_then(VecDeque::pop_front) {
            return r;
        }
        if let Some(r) = self.defaults.get(kind) {
            return r.clone();
        }
        match kind {
            "login" => {
                self.logins += 1;
                Reply::ok(json!({"token": format!("tok-{}", self.logins)}))
            }
            "sodaCoreCloudConfiguration" => {
                Reply::ok(json!({"disableCollectingWarehouseData": true}))
            }
            "sodaCoreAvailableCheckAttributes" => Reply::ok(attribute_schema()),
            "sodaCoreHistoricMeasurements" | "sodaCoreHistoricCheckResults" => {
                Reply::ok(json!({"results": []}))
            }
            "upload" => {
                self.uploads += 1;
                Reply::ok(json!({"fileId": format!("file-{}", self.uploads)}))
            }
            "sodaCoreInsertScanResults" => {
                Reply::ok(json!({})).header("X-Soda-Trace-Id", "trace-123")
            }
            "webhook" => Reply::ok(json!({"ok": true})),
            _ => Reply::status(400, json!({"message": "unknown request"})),
        }
    }
}

/// The test CA and the server's certificate chain and key.
struct Certificates {
    ca_pem: String,
    chain: Vec<rustls::pki_types::CertificateDer<'static>>,
    key: rustls::pki_types::PrivatePkcs8KeyDer<'static>,
}

fn certificates() -> Certificates {
    use rcgen::{
        BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, KeyPair,
        KeyUsagePurpose,
    };
    let ca_key = KeyPair::generate().expect("CA key");
    let mut ca = CertificateParams::new(Vec::<String>::new()).expect("CA params");
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.distinguished_name
        .push(DnType::CommonName, "soda-rs test CA");
    ca.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    let ca_cert = ca.self_signed(&ca_key).expect("self-sign the CA");

    let key = KeyPair::generate().expect("server key");
    let mut params = CertificateParams::new(vec!["localhost".to_string(), "127.0.0.1".into()])
        .expect("server params");
    params
        .distinguished_name
        .push(DnType::CommonName, "localhost");
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    params.key_usages = vec![
        KeyUsagePurpose::DigitalSignature,
        KeyUsagePurpose::KeyEncipherment,
    ];
    let cert = params
        .signed_by(&key, &ca_cert, &ca_key)
        .expect("sign the server certificate");
    Certificates {
        ca_pem: ca_cert.pem(),
        chain: vec![cert.der().clone()],
        key: rustls::pki_types::PrivatePkcs8KeyDer::from(key.serialize_der()),
    }
}

/// The HTTPS endpoint; stops when dropped.
pub struct Server {
    port: u16,
    ca_pem: String,
    state: Arc<Mutex<State>>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Server {
    /// Starts the endpoint on 127.0.0.1 with a fresh CA.
    pub fn start() -> Server {
        let certs = certificates();
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .expect("TLS versions")
            .with_no_client_auth()
            .with_single_cert(certs.chain, certs.key.into())
            .expect("TLS server config");
        let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        listener.set_nonblocking(true).expect("non-blocking");
        let port = listener.local_addr().expect("local address").port();
        let state = Arc::new(Mutex::new(State::default()));
        let (stop, mut stopped) = tokio::sync::oneshot::channel::<()>();
        let shared = state.clone();
        let thread = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("server runtime");
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).expect("tokio listener");
                loop {
                    tokio::select! {
                        _ = &mut stopped => break,
                        accepted = listener.accept() => {
                            let Ok((tcp, _)) = accepted else { continue };
                            let acceptor = acceptor.clone();
                            let state = shared.clone();
                            tokio::spawn(async move {
                                // A client that gives up during the handshake is not news.
                                if let Ok(tls) = acceptor.accept(tcp).await {
                                    serve(tls, state).await;
                                }
                            });
                        }
                    }
                }
            });
            // Ends hanging connections too.
            rt.shutdown_background();
        });
        Server {
            port,
            ca_pem: certs.ca_pem,
            state,
            stop: Some(stop),
            thread: Some(thread),
        }
    }

    /// The port on 127.0.0.1.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The test CA, PEM-encoded (for `SSL_CERT_FILE`).
    pub fn ca_pem(&self) -> &str {
        &self.ca_pem
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Queues one-shot replies for the next requests of `kind`, before its default.
    pub fn script(&self, kind: &str, replies: impl IntoIterator<Item = Reply>) -> &Server {
        self.state()
            .script
            .entry(kind.into())
            .or_default()
            .extend(replies);
        self
    }

    /// Replaces the default reply of `kind`.
    pub fn set_default(&self, kind: &str, reply: Reply) -> &Server {
        self.state().defaults.insert(kind.into(), reply);
        self
    }

    /// Every request received so far, in arrival order.
    pub fn requests(&self) -> Vec<Request> {
        self.state().requests.clone()
    }

    /// The kinds of the requests received so far.
    pub fn kinds(&self) -> Vec<String> {
        self.requests().iter().map(Request::kind).collect()
    }

    /// The requests of one kind.
    pub fn of_kind(&self, kind: &str) -> Vec<Request> {
        self.requests()
            .into_iter()
            .filter(|r| r.kind() == kind)
            .collect()
    }

    /// Forgets the requests received so far (the script and counters stay).
    pub fn clear(&self) {
        self.state().requests.clear();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Reads one request, records it, answers from the script and closes.
async fn serve<S>(mut stream: S, state: Arc<Mutex<State>>)
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
{
    let Some(mut request) = read_request(&mut stream).await else {
        return;
    };
    let kind = kind_of(&request.path, &request.body);
    let reply = {
        let mut s = state.lock().unwrap_or_else(|e| e.into_inner());
        let reply = s.reply_for(&kind);
        if let Reply::Json { status, .. } = &reply {
            request.status = Some(*status);
        }
        s.requests.push(request);
        reply
    };
    match reply {
        Reply::Drop => drop(stream),
        Reply::Hang => {
            tokio::time::sleep(HANG).await;
        }
        Reply::Json {
            status,
            body,
            headers,
        } => {
            let body = body.to_string();
            let mut head = format!(
                "HTTP/1.1 {status} {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n",
                reason(status),
                body.len()
            );
            for (k, v) in headers {
                head.push_str(&format!("{k}: {v}\r\n"));
            }
            head.push_str("\r\n");
            let _ = stream.write_all(head.as_bytes()).await;
            let _ = stream.write_all(body.as_bytes()).await;
            let _ = stream.flush().await;
            let _ = stream.shutdown().await;
        }
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "Status",
    }
}

/// Reads the request line, the headers and a `Content-Length` body; `None` if the client
/// went away first.
async fn read_request<S>(stream: &mut S) -> Option<Request>
where
    S: tokio::io::AsyncRead + Unpin,
{
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        if let Some(p) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break p;
        }
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut first = lines.next()?.split(' ');
    let method = first.next()?.to_string();
    let path = first.next()?.to_string();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = buf[head_end + 4..].to_vec();
    while body.len() < length {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    body.truncate(length);
    Some(Request {
        method,
        path,
        headers,
        body,
        status: None,
    })
}
