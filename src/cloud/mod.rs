//! Soda Cloud: the HTTPS client of the ingest API, compatible with Soda Core 3.5.6.
//!
//! Protocol (cli-and-cloud.md §6): `POST <scheme>://<host>[:port]/api/command` and
//! `/api/query` with JSON bodies carrying the token as their last key, a login command that
//! trades the API key for a token, one re-login on 401, and raw JSON-lines sample uploads to
//! `/api/scan/upload`. Unlike Soda Core, every call has a connect and a request timeout and
//! transient failures (connection errors, timeouts, 429, 5xx) are retried with exponential
//! backoff and jitter. What still cannot be delivered goes to the [`outbox`].
//!
//! Secrets (API key secret, token) live in [`Secret`]s and never reach messages or logs.

pub mod history;
pub mod outbox;
pub mod payload;
pub mod tasks;

use crate::config::{Cloud as CloudConfig, Secret};
use crate::results::document::ScanResults;
use anyhow::{anyhow, Context};
use serde_json::{Map, Value};
use std::time::Duration;

/// The User-Agent of every request.
pub fn user_agent() -> String {
    format!("soda-rs/{}", env!("CARGO_PKG_VERSION"))
}

/// Why a call to Soda Cloud did not succeed.
#[derive(Debug)]
pub enum CloudError {
    /// Could not reach Cloud or read its answer (worth retrying).
    Transport(String),
    /// Cloud answered with an error status.
    Status { code: u16, retryable: bool },
    /// The request was refused for good (credentials, a malformed answer).
    Refused(String),
}

impl std::fmt::Display for CloudError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CloudError::Transport(m) | CloudError::Refused(m) => f.write_str(m),
            CloudError::Status { code, .. } => write!(f, "response code: {code}"),
        }
    }
}

impl CloudError {
    fn retryable(&self) -> bool {
        match self {
            CloudError::Transport(_) => true,
            CloudError::Status { retryable, .. } => *retryable,
            CloudError::Refused(_) => false,
        }
    }
}

/// An answer from Cloud.
#[derive(Debug, Clone)]
pub struct Response {
    pub body: Value,
    /// The `X-Soda-Trace-Id` header.
    pub trace_id: Option<String>,
}

/// How hard the client tries.
#[derive(Debug, Clone, Copy)]
pub struct Patience {
    pub connect_timeout: Duration,
    pub request_timeout: Duration,
    /// Extra attempts after the first one for transient failures.
    pub retries: u32,
    /// The first backoff delay; doubled each retry, plus up to the same again of jitter.
    pub backoff: Duration,
}

impl Default for Patience {
    fn default() -> Self {
        Patience {
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(60),
            retries: 3,
            backoff: Duration::from_millis(500),
        }
    }
}

/// A Soda Cloud session: the HTTP client and, once logged in, the token.
pub struct Client {
    http: reqwest::Client,
    api: String,
    key_id: Secret,
    key_secret: Secret,
    token: Option<Secret>,
    patience: Patience,
    /// Raw console lines Soda Core prints outside its log (re-authentication).
    pub notices: Vec<String>,
}

/// Reads the CA certificates of `SSL_CERT_FILE` and every file in `SSL_CERT_DIR`, the way
/// OpenSSL-based tools let users add corporate or test CAs.
fn extra_roots() -> anyhow::Result<Vec<reqwest::Certificate>> {
    let mut files = Vec::new();
    if let Some(f) = std::env::var_os("SSL_CERT_FILE") {
        files.push(std::path::PathBuf::from(f));
    }
    if let Some(dir) = std::env::var_os("SSL_CERT_DIR") {
        for d in std::env::split_paths(&dir) {
            if let Ok(entries) = std::fs::read_dir(&d) {
                files.extend(
                    entries
                        .filter_map(|e| e.ok().map(|e| e.path()))
                        .filter(|p| p.is_file()),
                );
            }
        }
    }
    let mut certs = Vec::new();
    for f in files {
        let pem = std::fs::read(&f).with_context(|| format!("reading CA file {}", f.display()))?;
        // Directories may hold other files; only PEM bundles count.
        if let Ok(bundle) = reqwest::Certificate::from_pem_bundle(&pem) {
            certs.extend(bundle);
        }
    }
    Ok(certs)
}

/// The HTTPS client of every soda-rs call (Soda Cloud, webhooks): rustls with the system's
/// roots and the extra CAs, certificates always verified, both timeouts, and no redirects (a
/// redirect would resend a body or URL that carries a secret).
pub fn https_client(connect: Duration, request: Duration) -> anyhow::Result<reqwest::Client> {
    let mut builder = reqwest::Client::builder()
        .user_agent(user_agent())
        .connect_timeout(connect)
        .timeout(request)
        .redirect(reqwest::redirect::Policy::none())
        .use_rustls_tls();
    for cert in extra_roots()? {
        builder = builder.add_root_certificate(cert);
    }
    builder.build().context("setting up the HTTPS client")
}

impl Client {
    /// A client for the configured Cloud. Certificates are always verified.
    pub fn new(config: &CloudConfig) -> anyhow::Result<Client> {
        let patience = Patience {
            connect_timeout: config.connect_timeout,
            request_timeout: config.request_timeout,
            retries: config.retries,
            backoff: config.backoff,
        };
        let http = https_client(patience.connect_timeout, patience.request_timeout)?;
        let port = config
            .port
            .as_ref()
            .map(|p| format!(":{p}"))
            .unwrap_or_default();
        Ok(Client {
            http,
            api: format!("{}://{}{port}/api", config.scheme, config.host),
            key_id: config.api_key_id.clone(),
            key_secret: config.api_key_secret.clone(),
            token: None,
            patience,
            notices: Vec::new(),
        })
    }

    /// The base URL (no secrets in it).
    pub fn api_url(&self) -> &str {
        &self.api
    }

    async fn send_once(
        &self,
        url: &str,
        body: Vec<u8>,
        headers: &[(&str, String)],
        content_type: &str,
    ) -> Result<Response, CloudError> {
        let mut req = self
            .http
            .post(url)
            .header("Content-Type", content_type)
            .body(body);
        for (k, v) in headers {
            req = req.header(*k, v);
        }
        let resp = req
            .send()
            .await
            .map_err(|e| CloudError::Transport(describe(&e)))?;
        let status = resp.status().as_u16();
        let trace_id = resp
            .headers()
            .get("X-Soda-Trace-Id")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let bytes = resp
            .bytes()
            .await
            .map_err(|e| CloudError::Transport(describe(&e)))?;
        if status != 200 {
            return Err(CloudError::Status {
                code: status,
                retryable: status == 429 || status >= 500,
            });
        }
        let body = if bytes.is_empty() {
            Value::Object(Map::new())
        } else {
            serde_json::from_slice(&bytes).map_err(|_| {
                CloudError::Refused("Soda Cloud answered with something that is not JSON".into())
            })?
        };
        Ok(Response { body, trace_id })
    }

    /// Sends with retries on transient failures.
    async fn send(
        &self,
        url: &str,
        body: &[u8],
        headers: &[(&str, String)],
        content_type: &str,
    ) -> Result<Response, CloudError> {
        let mut attempt = 0;
        loop {
            match self
                .send_once(url, body.to_vec(), headers, content_type)
                .await
            {
                Err(e) if e.retryable() && attempt < self.patience.retries => {
                    let base = self.patience.backoff.saturating_mul(1 << attempt.min(10));
                    tokio::time::sleep(base + jitter(base)).await;
                    attempt += 1;
                }
                other => return other,
            }
        }
    }

    async fn login(&mut self) -> Result<Secret, CloudError> {
        if let Some(t) = &self.token {
            return Ok(t.clone());
        }
        let body = payload::Login::new(self.key_id.expose(), self.key_secret.expose());
        let url = format!("{}/command", self.api);
        match self
            .send(&url, &to_bytes(&json_of(&body)), &[], "application/json")
            .await
        {
            Ok(r) => match serde_json::from_value::<payload::LoginAnswer>(r.body) {
                Ok(answer) => {
                    let t = Secret::new(answer.token);
                    self.token = Some(t.clone());
                    Ok(t)
                }
                Err(_) => Err(CloudError::Refused("No token in login response".into())),
            },
            Err(CloudError::Status {
                code,
                retryable: false,
            }) => Err(CloudError::Refused(format!(
                "Soda Cloud login failed {code}. Check credentials."
            ))),
            Err(e) => Err(e),
        }
    }

    /// Sends `payload` with the session token; on a 401 logs in once more and resends.
    async fn send_with_token(
        &mut self,
        url: &str,
        payload: Payload<'_>,
    ) -> Result<Response, CloudError> {
        let mut relogged = false;
        loop {
            let token = self.login().await?;
            let result = match &payload {
                // Queries and commands carry the token as the body's last key.
                Payload::Json(body) => {
                    let mut body = body.clone();
                    body.insert("token".into(), Value::String(token.expose().to_string()));
                    self.send(
                        url,
                        &to_bytes(&Value::Object(body)),
                        &[],
                        "application/json",
                    )
                    .await
                }
                // Uploads carry it, raw, in the Authorization header.
                Payload::Upload { file_path, bytes } => {
                    let headers = [
                        ("Authorization", token.expose().to_string()),
                        ("Is-V3", "true".to_string()),
                        ("File-Path", (*file_path).to_string()),
                    ];
                    self.send(url, bytes, &headers, "application/octet-stream")
                        .await
                }
            };
            match result {
                Err(CloudError::Status { code: 401, .. }) if !relogged => {
                    self.notices.push(
                        "Authentication failed. Probably token expired. Re-authenticating..."
                            .into(),
                    );
                    self.token = None;
                    relogged = true;
                }
                other => return other,
            }
        }
    }

    /// Posts a query or command: `endpoint` is `query` or `command`; the token is appended.
    pub async fn post(
        &mut self,
        endpoint: &str,
        body: &impl serde::Serialize,
    ) -> Result<Response, CloudError> {
        let url = format!("{}/{endpoint}", self.api);
        let body = match json_of(body) {
            Value::Object(m) => m,
            _ => Map::new(),
        };
        self.send_with_token(&url, Payload::Json(body)).await
    }

    /// `sodaCoreCloudConfiguration`: may samples be uploaded, and does the endpoint keep
    /// every check of a scan (`soda server` says so; Soda Cloud does not)?
    pub async fn configuration(&mut self) -> Result<CloudConfiguration, CloudError> {
        let r = self
            .post(
                "query",
                &payload::Query::plain(payload::Query::CLOUD_CONFIGURATION),
            )
            .await?;
        // Missing means disabled, as in Soda Core.
        let flag = |key: &str| r.body.get(key).and_then(Value::as_bool);
        Ok(CloudConfiguration {
            samples_allowed: flag("disableCollectingWarehouseData") == Some(false),
            keeps_every_check: flag(KEEPS_EVERY_CHECK) == Some(true),
        })
    }

    /// `sodaCoreAvailableCheckAttributes`: the organisation's attribute schema.
    pub async fn check_attributes(&mut self) -> Result<Vec<Value>, CloudError> {
        let r = self
            .post(
                "query",
                &payload::Query::plain(payload::Query::CHECK_ATTRIBUTES),
            )
            .await?;
        Ok(results(r))
    }

    /// `sodaCoreHistoricMeasurements` of a metric identity, newest first.
    pub async fn historic_measurements(
        &mut self,
        metric_identity: &str,
        limit: Option<u32>,
        window: Option<(String, String)>,
    ) -> Result<Vec<Value>, CloudError> {
        use payload::{Expression, Operand, Query};
        let mut query = Query::history(
            Query::HISTORIC_MEASUREMENTS,
            limit,
            ("metric.identity", metric_identity),
        );
        if let Some((from, to)) = window {
            let data_time = || Operand::column("measurement.dataTime");
            query = query
                .and(Expression::GreaterThanOrEqual {
                    left: data_time(),
                    right: Operand::time(from),
                })
                .and(Expression::LessThanOrEqual {
                    left: data_time(),
                    right: Operand::time(to),
                });
        }
        let r = self.post("query", &query).await?;
        Ok(results(r))
    }

    /// `sodaCoreHistoricCheckResults` of a check identity (v1), newest first.
    pub async fn historic_check_results(
        &mut self,
        check_identity: &str,
        limit: u32,
    ) -> Result<Vec<Value>, CloudError> {
        let query = payload::Query::history(
            payload::Query::HISTORIC_CHECK_RESULTS,
            Some(limit),
            ("check.identity", check_identity),
        );
        let r = self.post("query", &query).await?;
        Ok(results(r))
    }

    /// Uploads a failed-rows sample (JSON lines); returns Cloud's file id.
    pub async fn upload(
        &mut self,
        file_path: &str,
        jsonl: Vec<u8>,
    ) -> Result<Option<String>, CloudError> {
        let url = format!("{}/scan/upload", self.api);
        let r = self
            .send_with_token(
                &url,
                Payload::Upload {
                    file_path,
                    bytes: &jsonl,
                },
            )
            .await?;
        Ok(r.body
            .get("fileId")
            .and_then(Value::as_str)
            .map(str::to_string))
    }

    /// `sodaCoreInsertScanResults` with the results document.
    pub async fn insert_scan_results(&mut self, doc: &ScanResults) -> Result<Response, CloudError> {
        self.post("command", &payload::InsertScanResults::new(doc))
            .await
    }
}

/// What an authenticated request sends.
enum Payload<'a> {
    Json(Map<String, Value>),
    Upload { file_path: &'a str, bytes: &'a [u8] },
}

/// The `results` list of a query answer (empty when there is none).
fn results(r: Response) -> Vec<Value> {
    match r.body {
        Value::Object(mut m) => match m.remove("results") {
            Some(Value::Array(a)) => a,
            _ => Vec::new(),
        },
        _ => Vec::new(),
    }
}

/// A wire struct as JSON; our own structs always serialize (no maps with non-text keys).
fn json_of(body: &impl serde::Serialize) -> Value {
    serde_json::to_value(body).unwrap_or_default()
}

/// Bodies are written like Python's `json.dumps` (what Soda Cloud receives from Soda Core).
fn to_bytes(v: &Value) -> Vec<u8> {
    crate::python::json::to_python_json(v).into_bytes()
}

/// A transport error without the URL (reqwest puts it in its message, and a URL can hold a
/// secret: a webhook's path, a query string); shared by the Cloud client and the webhooks.
pub fn describe(e: &reqwest::Error) -> String {
    let kind = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "could not connect"
    } else if e.is_body() || e.is_decode() {
        "the connection broke while reading the answer"
    } else {
        "request failed"
    };
    let mut cause = String::new();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        cause = s.to_string();
        source = s.source();
    }
    if cause.is_empty() {
        kind.to_string()
    } else {
        format!("{kind}: {cause}")
    }
}

/// Up to `base` of randomness, so that many clients do not retry in lockstep.
fn jitter(base: Duration) -> Duration {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let mixed = u64::from(nanos).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 32;
    let max = base.as_millis().max(1) as u64;
    Duration::from_millis(mixed % max)
}

/// Runs `f` and turns its error into an `anyhow` one with context (for callers that report).
pub fn context<T>(r: Result<T, CloudError>, what: &str) -> anyhow::Result<T> {
    r.map_err(|e| anyhow!("{what}: {e}"))
}

/// The `sodaCoreCloudConfiguration` answer, as far as a scan acts on it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CloudConfiguration {
    pub samples_allowed: bool,
    /// The endpoint is `soda server`, which keeps the checks Soda Core leaves out of its
    /// results (the ones with no outcome), so the scan sends them too.
    pub keeps_every_check: bool,
}

/// The key of the configuration answer by which `soda server` says it keeps every check;
/// Soda Core ignores keys it does not know.
pub const KEEPS_EVERY_CHECK: &str = "sodaRsKeepsEveryCheck";
