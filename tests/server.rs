//! `soda server` (issue 12), as a user runs it: the real binary started as a child process on
//! a free loopback port with a certificate from a throwaway CA, a key made with
//! `soda server keys create`, and our own `soda scan` pointed at it with `soda_cloud: host:`,
//! trusting the CA only through `SSL_CERT_FILE`. The pages are opened in headless Chromium.
//! Every test whose outcome passes through the store runs twice, `…_on_sqlite` and
//! `…_on_postgresql`, each on a fresh store of that kind (`common::store::TestStore`); those
//! about the listener, tokens and body limits, and `--create-store` (a file), run on SQLite.
//!
//! The load and kill drills are scripts (`examples/bench/server-load.sh`,
//! `examples/bench/server-kill-drill.sh`): they run for a minute and are not part of `cargo test`.

use crate::common::store::{Backend, TestStore};
use crate::common::{Database, Run, Test};
use serde_json::{json, Value};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const T: &str = "2024-06-01T12:00:00+00:00";
const HOSTILE: &str = "<script>alert(1)</script>";

// ----- The server process ----------------------------------------------------------------

/// PEM files of a throwaway CA and a `localhost`/`127.0.0.1` certificate it signed.
fn write_certificates(t: &Test) {
    use rcgen::{
        BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, KeyPair,
        KeyUsagePurpose,
    };
    let ca_key = KeyPair::generate().expect("CA key");
    let mut ca = CertificateParams::new(Vec::<String>::new()).expect("CA params");
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.distinguished_name
        .push(DnType::CommonName, "soda server test CA");
    ca.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    let ca_cert = ca.self_signed(&ca_key).expect("self-sign the CA");
    let key = KeyPair::generate().expect("server key");
    let mut params = CertificateParams::new(vec!["localhost".to_string(), "127.0.0.1".into()])
        .expect("server params");
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    let cert = params
        .signed_by(&key, &ca_cert, &ca_key)
        .expect("sign the server certificate");
    t.write_bytes("ca.pem", ca_cert.pem().as_bytes());
    t.write_bytes("server.pem", cert.pem().as_bytes());
    t.write_bytes("server.key", key.serialize_pem().as_bytes());
}

/// A running `soda server`; SIGKILLed when dropped (tests that care stop it themselves).
struct Server {
    child: Child,
    port: u16,
    tls: bool,
    log: PathBuf,
}

impl Server {
    /// `soda server --store store.sqlite` on `127.0.0.1:0` in the test's dir, over HTTPS
    /// with the test certificate unless `tls` is false; waits for its "listening" line.
    fn start(t: &Test, tls: bool, extra: &[&str]) -> Server {
        Server::start_on(t, "store.sqlite", tls, extra)
    }

    /// Like [`Server::start`], on the store `store` (a path or a `postgres://` URL).
    fn start_on(t: &Test, store: &str, tls: bool, extra: &[&str]) -> Server {
        static STARTED: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = STARTED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let log = t.join(&format!("server-{n}.log"));
        let mut args = vec!["server", "--store", store, "--listen", "127.0.0.1:0"];
        if tls {
            args.extend(["--tls-cert", "server.pem", "--tls-key", "server.key"]);
        }
        args.extend_from_slice(extra);
        let child = Command::new(env!("CARGO_BIN_EXE_soda"))
            .args(&args)
            .current_dir(t.path())
            .env("HOME", t.path())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).expect("the server log"))
            .spawn()
            .expect("start soda server");
        let mut server = Server {
            child,
            port: 0,
            tls,
            log,
        };
        server.port = server.wait_for_port();
        server
    }

    fn wait_for_port(&mut self) -> u16 {
        let pattern = regex::Regex::new(r"listening on https?://127\.0\.0\.1:(\d+)").unwrap();
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(30) {
            if let Some(c) = pattern.captures(&self.log()) {
                return c[1].parse().expect("a port");
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("soda server exited ({status}): {}", self.log());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("soda server did not start: {}", self.log());
    }

    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    fn url(&self, path: &str) -> String {
        let scheme = if self.tls { "https" } else { "http" };
        format!("{scheme}://127.0.0.1:{}{path}", self.port)
    }

    /// SIGTERM, then the exit status (SIGKILL after 30 s).
    fn terminate(&mut self) -> std::process::ExitStatus {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(30) {
            if let Ok(Some(status)) = self.child.try_wait() {
                return status;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        panic!("soda server did not stop on SIGTERM: {}", self.log());
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

// ----- Keys, scans and requests ------------------------------------------------------------

/// `soda server keys create NAME`: the key id and secret it printed.
fn create_key(t: &Test, name: &str) -> (String, String) {
    create_key_in(t, name, "store.sqlite")
}

fn create_key_in(t: &Test, name: &str, store: &str) -> (String, String) {
    let run = t.soda(["server", "keys", "create", name, "--store", store]);
    run.expect_code(0);
    let field = |key: &str| {
        run.stdout
            .lines()
            .find_map(|l| l.strip_prefix(key))
            .map(|v| v.trim().to_string())
            .unwrap_or_else(|| panic!("no {key} in {}", run.stdout))
    };
    (field("api_key_id:"), field("api_key_secret:"))
}

/// A test with the shared SQLite dataset whose scans trust `ca.pem` only.
fn setup() -> Test {
    let mut t = Test::with(&Database::Sqlite)
        .env("SSL_CERT_FILE", "ca.pem")
        .env_remove("SSL_CERT_DIR");
    for proxy in [
        "HTTPS_PROXY",
        "https_proxy",
        "HTTP_PROXY",
        "http_proxy",
        "ALL_PROXY",
        "all_proxy",
    ] {
        t = t.env_remove(proxy);
    }
    let data_source = std::fs::read_to_string(t.join("configuration.yml")).expect("config");
    t.write_bytes("data-source.yml", data_source.as_bytes());
    write_certificates(&t);
    t
}

/// Points `configuration.yml` at the server with this key pair.
fn connect(t: &Test, server: &Server, (id, secret): (&str, &str)) {
    let data_source = std::fs::read_to_string(t.join("data-source.yml")).expect("config");
    let outbox = t.join("outbox");
    let scheme = if server.tls { "" } else { "  scheme: http\n" };
    let text = format!(
        "{data_source}soda_cloud:\n  host: localhost\n  port: {}\n{scheme}  api_key_id: {id}\n  api_key_secret: {secret}\n  connect_timeout: 5\n  request_timeout: 30\n  retries: 1\n  retry_backoff: 0.01\n  outbox: {}\n",
        server.port,
        outbox.display()
    );
    t.write_bytes("configuration.yml", text.as_bytes());
}

fn scan(t: &Test, args: &[&str]) -> Run {
    let mut all = args.to_vec();
    all.push("checks.yml");
    t.scan(&all)
}

/// The trace id a scan printed (`Soda Cloud Trace: scan-N`).
fn trace(run: &Run) -> String {
    run.stdout
        .lines()
        .find_map(|l| l.split("Soda Cloud Trace: ").nth(1))
        .map(|t| t.trim().to_string())
        .unwrap_or_else(|| panic!("no trace id in {run}"))
}

/// One HTTP request to the server (trusting the test CA): status, `Set-Cookie`, JSON body.
struct Answer {
    status: u16,
    cookie: Option<String>,
    body: Value,
    text: String,
}

fn request(
    t: &Test,
    method: &str,
    url: &str,
    headers: &[(&str, &str)],
    body: Option<Vec<u8>>,
) -> Answer {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    rt.block_on(async {
        let mut client = reqwest::Client::builder().use_rustls_tls();
        if let Ok(pem) = std::fs::read(t.join("ca.pem")) {
            client = client.add_root_certificate(reqwest::Certificate::from_pem(&pem).expect("CA"));
        }
        let client = client.build().expect("a client");
        let mut req = client.request(method.parse().expect("a method"), url);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        if let Some(b) = body {
            req = req.body(b);
        }
        let resp = req.send().await.expect("the server answers");
        let status = resp.status().as_u16();
        let cookie = resp
            .headers()
            .get("set-cookie")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let text = resp.text().await.expect("a body");
        Answer {
            status,
            cookie,
            body: serde_json::from_str(&text).unwrap_or(Value::Null),
            text,
        }
    })
}

fn post_json(t: &Test, server: &Server, path: &str, body: &Value) -> Answer {
    request(
        t,
        "POST",
        &server.url(path),
        &[("Content-Type", "application/json")],
        Some(body.to_string().into_bytes()),
    )
}

fn login(t: &Test, server: &Server, (id, secret): (&str, &str)) -> Answer {
    post_json(
        t,
        server,
        "/api/command",
        &json!({"type": "login", "apiKeyId": id, "apiKeySecret": secret}),
    )
}

/// `GET path` with a `Bearer` token.
fn read(t: &Test, server: &Server, token: &str, path: &str) -> Answer {
    let auth = format!("Bearer {token}");
    request(
        t,
        "GET",
        &server.url(path),
        &[("Authorization", &auth)],
        None,
    )
}

fn token(answer: &Answer) -> String {
    assert_eq!(answer.status, 200, "{}", answer.text);
    answer.body["token"].as_str().expect("a token").to_string()
}

// ----- Tests ---------------------------------------------------------------------------------

/// Results land (with their failed rows), the trace names the stored scan, and sending the
/// same `-t` again replaces it rather than adding a second scan.
fn results_land_and_a_resent_scan_replaces_it(b: Backend) {
    let t = setup();
    let store = TestStore::new(b, &t, "server_land");
    let key = create_key_in(&t, "ci", &store.arg);
    let server = Server::start_on(&t, &store.arg, true, &[]);
    connect(&t, &server, (&key.0, &key.1));
    t.write(
        "checks.yml",
        "
        checks for customers:
          - row_count > 0
          - invalid_count(email) = 0:
              valid format: email
        ",
    );
    let first = scan(&t, &["-t", T]);
    first.expect_code(2);
    let first_trace = trace(&first);
    assert!(first_trace.starts_with("scan-"), "{first}");
    let second = scan(&t, &["-t", T]);
    second.expect_code(2);
    let second_trace = trace(&second);

    let tok = token(&login(&t, &server, (&key.0, &key.1)));
    let scans = read(&t, &server, &tok, "/api/v1/scans");
    assert_eq!(scans.status, 200, "{}", scans.text);
    let list = scans.body["scans"].as_array().expect("scans");
    assert_eq!(list.len(), 1, "a re-sent scan replaces: {}", scans.text);
    assert_eq!(list[0]["data_timestamp"], T);
    let scan = read(&t, &server, &tok, &format!("/api/v1/scans/{second_trace}"));
    assert_eq!(
        scan.status, 200,
        "the trace names the stored scan: {}",
        scan.text
    );
    assert_eq!(scan.body["scan"]["check_count"], 2);
    let gone = read(&t, &server, &tok, &format!("/api/v1/scans/{first_trace}"));
    assert_eq!(gone.status, 404, "the first recording was replaced");

    let checks = read(&t, &server, &tok, "/api/v1/checks");
    let invalid = checks.body["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .find(|c| c["name"] == "invalid_count(email) = 0")
        .expect("the invalid check")
        .clone();
    assert_eq!(invalid["outcome"], "fail");
    assert_eq!(invalid["results"], 1);
    let identity = invalid["identity"].as_str().expect("an identity");
    let history = read(&t, &server, &tok, &format!("/api/v1/checks/{identity}"));
    let samples = &history.body["check"]["samples"];
    assert_eq!(
        samples["total"], 3,
        "the uploaded failed rows: {}",
        history.text
    );
    assert_eq!(samples["rows"].as_array().map(Vec::len), Some(3));
    assert!(samples["columns"]
        .as_array()
        .expect("columns")
        .contains(&json!("email")));
    let uploads = server
        .log()
        .matches("POST /api/scan/upload upload 200")
        .count();
    assert_eq!(uploads, 2, "one upload per scan: {}", server.log());
}

#[test]
fn results_land_and_a_resent_scan_replaces_it_on_sqlite() {
    results_land_and_a_resent_scan_replaces_it(Backend::Sqlite);
}

#[test]
fn results_land_and_a_resent_scan_replaces_it_on_postgresql() {
    results_land_and_a_resent_scan_replaces_it(Backend::Postgres);
}

/// Change-over-time and anomaly checks read their history from the server.
fn history_checks_evaluate_from_the_server(b: Backend) {
    let t = setup();
    let store = TestStore::new(b, &t, "server_history");
    let key = create_key_in(&t, "history", &store.arg);
    let server = Server::start_on(&t, &store.arg, true, &[]);
    connect(&t, &server, (&key.0, &key.1));
    t.write(
        "checks.yml",
        "
        filter customers [upto]:
          where: id <= ${N}
        checks for customers [upto]:
          - row_count > 0
          - change for row_count = 2
          - anomaly detection for row_count
        ",
    );
    for day in 1..=6 {
        let stamp = format!("2024-05-0{day}T12:00:00+00:00");
        scan(&t, &["-t", &stamp, "-v", "N=5"]);
    }
    let run = scan(&t, &["-t", "2024-05-07T12:00:00+00:00", "-v", "N=7"]);
    let results = t.results();
    assert_eq!(results.outcome("change for row_count = 2"), "pass", "{run}");
    assert_eq!(results.number("change for row_count = 2"), 2.0);
    let anomaly = results.check("anomaly detection for row_count");
    assert!(
        anomaly["outcome"].is_string(),
        "the anomaly check was evaluated from 6 earlier scans: {run}"
    );
    let log = server.log();
    assert!(log.contains("sodaCoreHistoricMeasurements 200"), "{log}");
    assert!(log.contains("sodaCoreHistoricCheckResults 200"), "{log}");

    let metric = results.0["metrics"]
        .as_array()
        .expect("metrics")
        .iter()
        .find(|m| m["metricName"] == "row_count")
        .and_then(|m| m["identity"].as_str())
        .expect("the row_count metric")
        .to_string();
    let tok = token(&login(&t, &server, (&key.0, &key.1)));
    let answer = post_json(
        &t,
        &server,
        "/api/query",
        &json!({"type": "sodaCoreHistoricMeasurements", "filter": {"type": "and", "andExpressions": [
            {"type": "equals", "left": {"type": "columnValue", "columnName": "metric.identity"},
             "right": {"type": "string", "value": metric}}]},
         "token": tok}),
    );
    let values: Vec<&Value> = answer.body["results"]
        .as_array()
        .unwrap_or_else(|| panic!("results: {}", answer.text))
        .iter()
        .map(|m| &m["value"])
        .collect();
    assert_eq!(values.len(), 7, "{}", answer.text);
    assert_eq!(values[0], &json!(7), "newest first");
}

#[test]
fn history_checks_evaluate_from_the_server_on_sqlite() {
    history_checks_evaluate_from_the_server(Backend::Sqlite);
}

#[test]
fn history_checks_evaluate_from_the_server_on_postgresql() {
    history_checks_evaluate_from_the_server(Backend::Postgres);
}

/// A team's server on PostgreSQL: keys, inserts that replace, history, the read API.
#[test]
fn a_postgresql_store_serves_the_same_api() {
    let t = setup();
    let store = TestStore::new(Backend::Postgres, &t, "server");
    let url = store.arg.clone();
    let key = create_key_in(&t, "team", &url);
    let server = Server::start_on(&t, &url, true, &[]);
    connect(&t, &server, (&key.0, &key.1));
    t.write(
        "checks.yml",
        "
        filter customers [upto]:
          where: id <= ${N}
        checks for customers [upto]:
          - change for row_count = 3
        ",
    );
    scan(&t, &["-t", "2024-05-01T12:00:00+00:00", "-v", "N=4"]).expect_code(0);
    let second = scan(&t, &["-t", "2024-05-02T12:00:00+00:00", "-v", "N=7"]);
    second.expect_code(0);
    assert_eq!(
        t.results().number("change for row_count = 3"),
        3.0,
        "{second}"
    );
    // Sent again: it replaces day 2 (its history now holds day 2's first recording, as
    // Cloud's would: the query does not say which scan asks).
    scan(&t, &["-t", "2024-05-02T12:00:00+00:00", "-v", "N=7"]);
    let tok = token(&login(&t, &server, (&key.0, &key.1)));
    let scans = read(&t, &server, &tok, "/api/v1/scans");
    assert_eq!(
        scans.body["scans"].as_array().map(Vec::len),
        Some(2),
        "{}",
        scans.text
    );
    assert!(!server.log().contains(&key.1));
}

/// A wrong secret, an unknown id and a revoked key cannot log in; the results wait in the
/// outbox and nothing is stored.
fn wrong_and_revoked_keys_are_rejected(b: Backend) {
    let t = setup();
    let store = TestStore::new(b, &t, "server_keys");
    let key = create_key_in(&t, "ops", &store.arg);
    let server = Server::start_on(&t, &store.arg, true, &[]);
    t.write("checks.yml", "checks for customers:\n  - row_count > 0\n");
    for (id, secret) in [(key.0.as_str(), "wrong"), ("kunknown", key.1.as_str())] {
        connect(&t, &server, (id, secret));
        let run = scan(&t, &["-t", T]);
        run.expect_code(3);
        run.expect_stdout_contains("Soda Cloud login failed 401. Check credentials.");
    }
    assert!(server.log().contains("POST /api/command login 401"));
    assert!(!server.log().contains(&key.1), "the secret is never logged");

    let listed = t.soda(["server", "keys", "list", "--store", &store.arg]);
    listed.expect_code(0);
    assert!(listed.stdout.contains(&key.0) && listed.stdout.contains("active"));
    assert!(!listed.stdout.contains(&key.1), "list never shows a secret");
    let tok = token(&login(&t, &server, (&key.0, &key.1)));
    t.soda(["server", "keys", "revoke", &key.0, "--store", &store.arg])
        .expect_code(0);
    let again = login(&t, &server, (&key.0, &key.1));
    assert_eq!(again.status, 401, "a revoked key cannot log in");
    let _ = tok;
    // Both times of the key read back in the store's one form, on either backend.
    let listed = t.soda(["server", "keys", "list", "--store", &store.arg]);
    let time = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00";
    let line = regex::Regex::new(&format!(r"\tcreated {time}\trevoked {time}\n")).unwrap();
    assert!(line.is_match(&listed.stdout), "{listed}");
    assert!(
        store
            .rows("SELECT secret_hash FROM soda_api_keys")
            .iter()
            .all(|h| h.starts_with("$argon2id$") && !h.contains(&key.1)),
        "the store keeps only a hash"
    );
    if b == Backend::Sqlite {
        let db = std::fs::read(t.join("store.sqlite")).unwrap_or_default();
        assert!(
            !String::from_utf8_lossy(&db).contains(&key.1),
            "nowhere in the file either"
        );
    }
    t.soda(["server", "keys", "revoke", "nope", "--store", &store.arg])
        .expect_code(3);
}

#[test]
fn wrong_and_revoked_keys_are_rejected_on_sqlite() {
    wrong_and_revoked_keys_are_rejected(Backend::Sqlite);
}

#[test]
fn wrong_and_revoked_keys_are_rejected_on_postgresql() {
    wrong_and_revoked_keys_are_rejected(Backend::Postgres);
}

/// A token past its lifetime gets a JSON 401; the client logs in again and goes on.
#[test]
fn an_expired_token_is_refreshed() {
    let t = setup();
    let key = create_key(&t, "slow");
    let server = Server::start(&t, true, &["--token-ttl", "1"]);
    connect(&t, &server, (&key.0, &key.1));
    let tok = token(&login(&t, &server, (&key.0, &key.1)));
    let config = json!({"type": "sodaCoreCloudConfiguration", "token": tok});
    assert_eq!(post_json(&t, &server, "/api/query", &config).status, 200);
    std::thread::sleep(Duration::from_millis(1500));
    let expired = post_json(&t, &server, "/api/query", &config);
    assert_eq!(expired.status, 401);
    assert!(
        expired.body["error"].is_string(),
        "a JSON 401: {}",
        expired.text
    );

    // A scan whose query outlives the token: the insert gets the 401 and logs in again.
    t.write(
        "checks.yml",
        "
        checks for customers:
          - slow = 0:
              slow query: |
                WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 12000000) SELECT COUNT(*) - 12000000 FROM c
        ",
    );
    let run = scan(&t, &["-t", T]);
    run.expect_code(0);
    run.expect_stdout_contains(
        "Authentication failed. Probably token expired. Re-authenticating...",
    );
    assert!(trace(&run).starts_with("scan-"), "{run}");
    let log = server.log();
    assert!(log.contains("sodaCoreInsertScanResults 401"), "{log}");
    assert!(log.contains("sodaCoreInsertScanResults 200"), "{log}");
}

/// Bodies over `--max-body` get 413 and wait in the outbox; JSON nested too deep gets 400.
#[test]
fn a_body_too_large_is_refused() {
    let t = setup();
    let key = create_key(&t, "big");
    let server = Server::start(&t, true, &["--max-body", "1024"]);
    connect(&t, &server, (&key.0, &key.1));
    t.write("checks.yml", "checks for customers:\n  - row_count > 0\n");
    let run = scan(&t, &["-t", T]);
    run.expect_stdout_contains("Error while executing Soda Cloud command response code: 413");
    let pending = std::fs::read_dir(t.join("outbox"))
        .map(|d| d.count())
        .unwrap_or(0);
    assert_eq!(pending, 1, "the refused results wait in the outbox: {run}");

    let deep = format!(
        "{{\"type\": \"login\", \"x\": {}1{}}}",
        "[".repeat(100),
        "]".repeat(100)
    );
    let answer = request(
        &t,
        "POST",
        &server.url("/api/command"),
        &[("Content-Type", "application/json")],
        Some(deep.into_bytes()),
    );
    assert_eq!(answer.status, 400, "{}", answer.text);
    let huge = request(
        &t,
        "POST",
        &server.url("/api/scan/upload"),
        &[("Authorization", "x")],
        Some(vec![b'x'; 10_000]),
    );
    assert_eq!(
        huge.status, 401,
        "no token, no upload (before reading the body)"
    );
}

/// The pages and the read API need credentials (a Bearer token, a cookie, or Basic), unless
/// anonymous reading is enabled.
fn pages_and_read_api_need_credentials(b: Backend) {
    let t = setup();
    let store = TestStore::new(b, &t, "server_read");
    let key = create_key_in(&t, "reader", &store.arg);
    let server = Server::start_on(&t, &store.arg, true, &[]);
    for path in ["/", "/api/v1/checks", "/api/v1/scans", "/api/v1/datasets"] {
        let anonymous = request(&t, "GET", &server.url(path), &[], None);
        assert_eq!(anonymous.status, 401, "{path}");
    }
    let bad = read(&t, &server, "not-a-token", "/api/v1/checks");
    assert_eq!(bad.status, 401);
    use base64ct::{Base64, Encoding};
    let basic = format!(
        "Basic {}",
        Base64::encode_string(format!("{}:{}", key.0, key.1).as_bytes())
    );
    let page = request(
        &t,
        "GET",
        &server.url("/"),
        &[("Authorization", &basic)],
        None,
    );
    assert_eq!(page.status, 200);
    assert!(page.text.contains("No check results in this store yet."));
    let cookie = page.cookie.expect("a session cookie");
    assert!(
        cookie.contains("HttpOnly")
            && cookie.contains("Secure")
            && cookie.contains("SameSite=Strict")
    );
    let session = cookie.split(';').next().expect("name=value").to_string();
    let secret_token = session.split('=').nth(1).expect("a token").to_string();
    let again = request(
        &t,
        "GET",
        &server.url("/api/v1/datasets"),
        &[("Cookie", &session)],
        None,
    );
    assert_eq!(again.status, 200, "{}", again.text);
    let log = server.log();
    assert!(
        !log.contains(&secret_token) && !log.contains(&key.1),
        "{log}"
    );
    drop(server);

    let open = Server::start_on(&t, &store.arg, true, &["--allow-anonymous-read"]);
    assert_eq!(
        request(&t, "GET", &open.url("/api/v1/scans"), &[], None).status,
        200
    );
    let insert = post_json(
        &t,
        &open,
        "/api/command",
        &json!({"type": "sodaCoreInsertScanResults"}),
    );
    assert_eq!(insert.status, 401, "writing still needs a key");
}

#[test]
fn pages_and_read_api_need_credentials_on_sqlite() {
    pages_and_read_api_need_credentials(Backend::Sqlite);
}

#[test]
fn pages_and_read_api_need_credentials_on_postgresql() {
    pages_and_read_api_need_credentials(Backend::Postgres);
}

/// A view's name as a path (`/checks`, `/scans`, `/check-3`) redirects to the page with that
/// view in its `#` route, the query kept as its filters; other paths are still 404. The live
/// page's footer says it is live, not the report file's "Self-contained".
#[test]
fn view_paths_redirect_to_the_page_and_the_footer_says_live() {
    let t = setup();
    let key = create_key(&t, "reader");
    let server = Server::start(&t, false, &[]);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("a client");
    let get = |path: &str| {
        rt.block_on(async {
            let resp = client
                .get(server.url(path))
                .send()
                .await
                .expect("the server answers");
            let location = resp
                .headers()
                .get("location")
                .and_then(|v| v.to_str().ok())
                .map(str::to_string);
            (resp.status().as_u16(), location)
        })
    };
    for (path, to) in [
        ("/checks", "/#checks"),
        (
            "/checks?outcome=fail&scan_definition=daily",
            "/#checks?outcome=fail&scan_definition=daily",
        ),
        ("/datasets", "/#datasets"),
        ("/scans", "/#scans"),
        ("/check-3", "/#check-3"),
        ("/dataset-0", "/#dataset-0"),
        ("/scan-12", "/#scan-12"),
    ] {
        assert_eq!(get(path), (303, Some(to.to_string())), "{path}");
    }
    for path in ["/nothing", "/check-x", "/api", "/checks/1"] {
        assert_eq!(get(path).0, 404, "{path}");
    }
    use base64ct::{Base64, Encoding};
    let basic = format!(
        "Basic {}",
        Base64::encode_string(format!("{}:{}", key.0, key.1).as_bytes())
    );
    let page = request(
        &t,
        "GET",
        &server.url("/"),
        &[("Authorization", &basic)],
        None,
    );
    assert_eq!(page.status, 200);
    assert!(
        page.text.contains("Served live by soda server"),
        "the live footer"
    );
    assert!(
        !page.text.contains("Self-contained"),
        "only the report file is"
    );
}

/// Plain HTTP only on loopback; SIGTERM lets a request in flight finish, then stops.
#[test]
fn plain_http_only_on_loopback_and_sigterm_lets_requests_finish() {
    use std::io::{Read, Write};
    let t = setup();
    let refused = t.soda(["server", "--store", "store.sqlite", "--listen", "0.0.0.0:0"]);
    refused.expect_code(3);
    assert!(
        refused
            .stderr
            .contains("plain HTTP is only served on a loopback address"),
        "{refused}"
    );
    let key = create_key(&t, "drain");
    let mut server = Server::start(&t, false, &[]);
    // A login whose body is half sent when SIGTERM arrives.
    let body = json!({"type": "login", "apiKeyId": key.0, "apiKeySecret": key.1}).to_string();
    let (first, rest) = body.split_at(body.len() / 2);
    let mut conn = std::net::TcpStream::connect(("127.0.0.1", server.port)).expect("connect");
    write!(
        conn,
        "POST /api/command HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{first}",
        body.len()
    )
    .expect("send the first half");
    std::thread::sleep(Duration::from_millis(300));
    let _ = Command::new("kill")
        .args(["-TERM", &server.child.id().to_string()])
        .status();
    std::thread::sleep(Duration::from_millis(300));
    assert!(
        server.child.try_wait().expect("wait").is_none(),
        "the server waits for the request in flight"
    );
    conn.write_all(rest.as_bytes()).expect("send the rest");
    let mut answer = String::new();
    conn.read_to_string(&mut answer).expect("the answer");
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains("\"token\""), "{answer}");
    let status = server.terminate();
    assert!(status.success(), "{status}: {}", server.log());
    assert!(server.log().contains("soda server stopped"));
    assert!(!server.log().contains(&key.1), "no secret in the log");
}

/// A check named `<script>…` stays text in the live page, in the real Chromium, and the
/// page's policy would block any other script anyway.
fn a_script_in_a_check_name_is_text_in_chromium(b: Backend) {
    let t = setup();
    let store = TestStore::new(b, &t, "server_script");
    let key = create_key_in(&t, "browser", &store.arg);
    let server = Server::start_on(&t, &store.arg, false, &[]);
    connect(&t, &server, (&key.0, &key.1));
    t.write(
        "checks.yml",
        &format!(
            "
            checks for customers:
              - row_count > 100:
                  name: {HOSTILE}
            "
        ),
    );
    scan(&t, &["-t", T]).expect_code(2);
    let url = format!(
        "http://{}:{}@127.0.0.1:{}/?refresh=30",
        key.0, key.1, server.port
    );
    let dom = crate::report_html::dump_dom(&url);
    assert!(
        dom.contains("<html lang=\"en\" class=\"js\">"),
        "the router ran under the CSP"
    );
    assert!(
        dom.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "the name is text"
    );
    assert!(!dom.contains(HOSTILE), "no script element from the name");
    assert_eq!(dom.matches("<script").count(), 1, "only the router script");
    assert!(dom.contains("data-outcome=\"fail\""));
    assert!(
        dom.contains("<meta http-equiv=\"refresh\" content=\"30\">"),
        "live"
    );
}

#[test]
fn a_script_in_a_check_name_is_text_in_chromium_on_sqlite() {
    a_script_in_a_check_name_is_text_in_chromium(Backend::Sqlite);
}

#[test]
fn a_script_in_a_check_name_is_text_in_chromium_on_postgresql() {
    a_script_in_a_check_name_is_text_in_chromium(Backend::Postgres);
}

// ----- What the server refuses ---------------------------------------------------------------

/// The recorded Soda Core 3.5.6 insert documents (`../shared/golden`), as the client sent
/// them with a token of ours.
fn golden_inserts() -> Vec<(String, Value)> {
    let golden = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/golden");
    let mut inserts = Vec::new();
    for entry in std::fs::read_dir(&golden).expect("the recorded Soda Core payloads") {
        let path = entry.expect("a golden file").path();
        if path.extension().and_then(|e| e.to_str()) != Some("json") {
            continue;
        }
        let recorded: Value =
            serde_json::from_str(&std::fs::read_to_string(&path).expect("a golden file"))
                .expect("golden JSON");
        if recorded["json"]["type"] == "sodaCoreInsertScanResults" {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            inserts.push((name, recorded["json"].clone()));
        }
    }
    assert!(!inserts.is_empty(), "no insert documents in {golden:?}");
    inserts
}

fn insert(t: &Test, server: &Server, token: &str, mut document: Value) -> Answer {
    document["token"] = json!(token);
    post_json(t, server, "/api/command", &document)
}

/// Everything real Soda Core 3.5.6 sent is stored (200), each as one scan.
fn soda_core_golden_inserts_are_stored(b: Backend) {
    let t = setup();
    let store = TestStore::new(b, &t, "server_golden");
    let key = create_key_in(&t, "soda-core", &store.arg);
    let server = Server::start_on(&t, &store.arg, false, &[]);
    let tok = token(&login(&t, &server, (&key.0, &key.1)));
    let inserts = golden_inserts();
    for (n, (name, document)) in inserts.iter().enumerate() {
        let mut document = document.clone();
        // Each its own scan key: the recordings share one data timestamp.
        document["definitionName"] = json!(name);
        let answer = insert(&t, &server, &tok, document);
        assert_eq!(answer.status, 200, "{name}: {}", answer.text);
        let scans = read(&t, &server, &tok, "/api/v1/scans");
        assert_eq!(
            scans.body["scans"].as_array().map(Vec::len),
            Some(n + 1),
            "{name}: {}",
            scans.text
        );
    }
}

#[test]
fn soda_core_golden_inserts_are_stored_on_sqlite() {
    soda_core_golden_inserts_are_stored(Backend::Sqlite);
}

#[test]
fn soda_core_golden_inserts_are_stored_on_postgresql() {
    soda_core_golden_inserts_are_stored(Backend::Postgres);
}

/// A document the store could not key or order gets a 400 naming the field, and nothing is
/// stored; a time with an offset is stored in UTC, so history stays in time order.
fn an_insert_the_store_cannot_use_is_refused_naming_the_field(b: Backend) {
    let t = setup();
    let store = TestStore::new(b, &t, "server_refused");
    let key = create_key_in(&t, "careless", &store.arg);
    let server = Server::start_on(&t, &store.arg, false, &[]);
    let tok = token(&login(&t, &server, (&key.0, &key.1)));
    let (_, golden) = golden_inserts().remove(0);
    let with = |field: &str, value: Value| {
        let mut d = golden.clone();
        d[field] = value;
        d
    };
    let mut no_source = golden.clone();
    no_source
        .as_object_mut()
        .unwrap()
        .remove("defaultDataSource");
    let mut no_check_identity = golden.clone();
    no_check_identity["checks"][1]
        .as_object_mut()
        .expect("a check")
        .remove("identity");
    for (document, message) in [
        (
            with("dataTimestamp", json!("not-a-date")),
            "dataTimestamp is not an ISO 8601 time: not-a-date",
        ),
        (
            with("scanEndTimestamp", json!("2024-13-01T00:00:00+00:00")),
            "scanEndTimestamp is not an ISO 8601 time: 2024-13-01T00:00:00+00:00",
        ),
        (no_source, "defaultDataSource is missing"),
        (
            with("defaultDataSource", json!("")),
            "defaultDataSource must not be empty",
        ),
        (
            with("definitionName", Value::Null),
            "definitionName is missing",
        ),
        (no_check_identity, "checks[1].identity is missing"),
    ] {
        let answer = insert(&t, &server, &tok, document);
        assert_eq!(answer.status, 400, "{message}: {}", answer.text);
        assert_eq!(answer.body, json!({ "error": message }));
    }
    let scans = read(&t, &server, &tok, "/api/v1/scans");
    assert_eq!(scans.status, 200, "{}", scans.text);
    assert_eq!(
        scans.body["scans"],
        json!([]),
        "nothing stored: {}",
        scans.text
    );
    assert_eq!(
        server
            .log()
            .matches("sodaCoreInsertScanResults 400")
            .count(),
        6,
        "{}",
        server.log()
    );

    // Two days sent with different offsets: stored in UTC, listed in time order.
    for stamp in ["2024-06-02T01:00:00+02:00", "2024-06-01T20:00:00-05:00"] {
        let answer = insert(&t, &server, &tok, with("dataTimestamp", json!(stamp)));
        assert_eq!(answer.status, 200, "{stamp}: {}", answer.text);
    }
    let scans = read(&t, &server, &tok, "/api/v1/scans");
    let stamps: Vec<&Value> = scans.body["scans"]
        .as_array()
        .expect("scans")
        .iter()
        .map(|s| &s["data_timestamp"])
        .collect();
    assert_eq!(
        stamps,
        [
            &json!("2024-06-02T01:00:00+00:00"),
            &json!("2024-06-01T23:00:00+00:00")
        ],
        "newest first, in UTC: {}",
        scans.text
    );
}

#[test]
fn an_insert_the_store_cannot_use_is_refused_naming_the_field_on_sqlite() {
    an_insert_the_store_cannot_use_is_refused_naming_the_field(Backend::Sqlite);
}

#[test]
fn an_insert_the_store_cannot_use_is_refused_naming_the_field_on_postgresql() {
    an_insert_the_store_cannot_use_is_refused_naming_the_field(Backend::Postgres);
}

/// `--create-store` starts a server on a store file that does not exist yet (without it the
/// server refuses, see tests/cli.rs).
#[test]
fn create_store_starts_a_new_store() {
    let t = setup();
    assert!(!t.join("fresh/store.sqlite").exists());
    let server = Server::start_on(&t, "fresh/store.sqlite", false, &["--create-store"]);
    assert!(t.join("fresh/store.sqlite").exists(), "{}", server.log());
    assert!(
        server.log().contains("(store: fresh/store.sqlite)"),
        "{}",
        server.log()
    );
}

/// A PostgreSQL store whose database does not exist is an error naming the database, never
/// the password, for `soda server` (at start) and `soda report`.
#[test]
fn a_missing_postgresql_database_is_named_without_the_password() {
    let t = setup();
    let url = "postgres://postgres:s3cret@127.0.0.1:5432/soda_rs_no_such_database";
    for args in [
        vec!["server", "--store", url, "--listen", "127.0.0.1:0"],
        vec!["report", "--store", url, "-o", "report.html"],
    ] {
        let run = t.soda(&args);
        run.expect_code(3);
        let said = format!("{}{}", run.stdout, run.stderr);
        assert!(
            said.contains("postgres://postgres@127.0.0.1:5432/soda_rs_no_such_database")
                && said.contains("database \"soda_rs_no_such_database\" does not exist"),
            "{run}"
        );
        assert!(!said.contains("s3cret"), "{run}");
    }
    assert!(!t.join("report.html").exists());
}

/// Ingest on either store backend: the first result of the first scan has no value (a
/// schema-change check without history), as Soda Core sends it; the insert is acknowledged
/// and every result lands. On PostgreSQL this insert once got a 503 (`incorrect binary data
/// format in bind parameter 12`), and Soda Core, which has no outbox, lost the scan.
fn ingest_keeps_a_first_result_without_a_value(b: Backend) {
    let t = setup();
    let store = TestStore::new(b, &t, "server_valueless");
    let key = create_key_in(&t, "ci", &store.arg);
    let server = Server::start_on(&t, &store.arg, true, &[]);
    connect(&t, &server, (&key.0, &key.1));
    t.write(
        "checks.yml",
        "
        checks for customers:
          - schema:
              warn:
                when schema changes: any
          - row_count > 0
          - invalid_count(email) = 0:
              valid format: email
        ",
    );
    let first = scan(&t, &["-t", "2024-05-01T12:00:00+00:00"]);
    first.expect_code(2);
    assert!(trace(&first).starts_with("scan-"), "{first}");
    assert_eq!(t.results().check("Schema Check")["outcome"], Value::Null);
    let rows = "SELECT name || '|' || COALESCE(outcome, '-') || '|' \
                || COALESCE(CAST(CAST(value AS BIGINT) AS TEXT), '-') || '|' \
                || CASE WHEN samples IS NULL THEN '-' ELSE 'samples' END \
                FROM soda_check_results ORDER BY line";
    assert_eq!(
        store.rows(rows),
        [
            "Schema Check|-|-|-",
            "row_count > 0|pass|10|-",
            "invalid_count(email) = 0|fail|3|samples",
        ],
        "{}",
        server.log()
    );
    // The next scan reads the schema from the store and its result, with a value, lands.
    let second = scan(&t, &["-t", "2024-05-02T12:00:00+00:00"]);
    second.expect_code(2);
    assert_eq!(t.results().outcome("Schema Check"), "pass", "{second}");
    assert_eq!(store.rows("SELECT COUNT(*) FROM soda_check_results"), ["6"]);
    let log = server.log();
    assert_eq!(
        log.matches("sodaCoreInsertScanResults 200").count(),
        2,
        "{log}"
    );
    assert!(!log.contains(" 503"), "{log}");
}

#[test]
fn ingest_keeps_a_first_result_without_a_value_on_sqlite() {
    ingest_keeps_a_first_result_without_a_value(Backend::Sqlite);
}

#[test]
fn ingest_keeps_a_first_result_without_a_value_on_postgresql() {
    ingest_keeps_a_first_result_without_a_value(Backend::Postgres);
}

/// Data can put a NUL into a check name or a log line, and PostgreSQL text cannot hold one:
/// the store keeps U+FFFD in its place, on both backends alike, so such a scan is stored (200)
/// rather than refused again and again from the client's outbox.
fn ingest_stores_text_with_a_nul(b: Backend) {
    let t = setup();
    let store = TestStore::new(b, &t, "server_nul");
    let key = create_key_in(&t, "soda-core", &store.arg);
    let server = Server::start_on(&t, &store.arg, true, &[]);
    let tok = token(&login(&t, &server, (&key.0, &key.1)));
    let (_, mut document) = golden_inserts().remove(0);
    document["definitionName"] = json!("nightly\u{0}");
    document["checks"][0]["name"] = json!("bad\u{0}name");
    document["logs"][0]["message"] = json!("a log line with a \u{0} inside");
    // Sent twice: the second replaces the first, as a re-run of a data time does.
    for _ in 0..2 {
        let answer = insert(&t, &server, &tok, document.clone());
        let log = std::fs::read_to_string(&server.log).unwrap_or_default();
        assert_eq!(answer.status, 200, "{}\n{log}", answer.text);
    }
    let definitions = store.rows("SELECT definition FROM soda_scans");
    assert_eq!(definitions, ["nightly\u{fffd}"]);
    let names = store.rows("SELECT name FROM soda_check_results");
    assert!(names.contains(&"bad\u{fffd}name".to_string()), "{names:?}");
    let logs = store.rows("SELECT logs FROM soda_scans");
    assert!(logs[0].contains("a log line with a"), "{logs:?}");
}

#[test]
fn ingest_stores_text_with_a_nul_on_sqlite() {
    ingest_stores_text_with_a_nul(Backend::Sqlite);
}

#[test]
fn ingest_stores_text_with_a_nul_on_postgresql() {
    ingest_stores_text_with_a_nul(Backend::Postgres);
}

// ----- The scan-output scenario -------------------------------------------------------------

/// Four scan definitions on one data source, pushed by our client to `soda server` over three
/// days: `customers_daily` and `orders_daily` complete, `returns_daily` checks a table that
/// does not exist, an analyst's scan on day 2 checks a column that does not exist, and on day
/// 3 `orders_daily` finds the data source down. Each dataset's failed-scan warning follows its
/// own latest scan, in the JSON API and in the report's DOM in Chromium; every check that did
/// not run is stored with its reason (and shown as not evaluated, never as the day before's
/// result), while `-srf` lists checks as Soda Core does.
fn per_dataset_warnings_and_every_check(b: crate::common::store::Backend) {
    let t = setup();
    let store = crate::common::store::TestStore::new(b, &t, "server_scenario");
    let key = create_key_in(&t, "ci", &store.arg);
    let server = Server::start_on(&t, &store.arg, false, &[]);
    connect(&t, &server, (&key.0, &key.1));
    let config = std::fs::read_to_string(t.join("configuration.yml")).expect("configuration");
    let path = regex::Regex::new(r"(?m)^  path: .*$").expect("a pattern");
    let down = path.replace(&config, "  path: /nonexistent/soda/shop.sqlite");
    t.write_bytes("down.yml", down.as_bytes());
    let files = [
        (
            "customers_daily",
            "checks for customers:\n  - row_count > 0\n",
        ),
        ("orders_daily", "checks for orders:\n  - row_count > 0\n"),
        ("returns_daily", "checks for returns:\n  - row_count > 0\n"),
        (
            "analyst",
            "checks for customers:\n  - row_count > 0\n  - missing_count(no_such_column) = 0\n",
        ),
    ];
    for (name, checks) in files {
        t.write(&format!("{name}.yml"), checks);
    }
    let run = |definition: &str, day: u32, config: &str| {
        let time = format!("2024-05-{day:02}T06:00:00+00:00");
        let file = format!("{definition}.yml");
        t.soda([
            "scan",
            "-d",
            "lite",
            "-c",
            config,
            "-s",
            definition,
            "-t",
            &time,
            "-srf",
            "results.json",
            &file,
        ])
    };
    for day in 1..=3 {
        run("customers_daily", day, "configuration.yml").expect_code(0);
        let orders_config = if day == 3 {
            "down.yml"
        } else {
            "configuration.yml"
        };
        run("orders_daily", day, orders_config).expect_code(if day == 3 { 3 } else { 0 });
        run("returns_daily", day, "configuration.yml").expect_code(3);
        if day == 2 {
            let analyst = run("analyst", day, "configuration.yml");
            analyst.expect_code(3);
            // As Soda Core: the check that did not run is not in the results file.
            assert_eq!(t.results().names(), ["row_count > 0"], "{analyst}");
        }
    }
    let tok = token(&login(&t, &server, (&key.0, &key.1)));
    let datasets = read(&t, &server, &tok, "/api/v1/datasets");
    assert_eq!(datasets.status, 200, "{}", datasets.text);
    let by_name = |name: &str| -> Value {
        datasets.body["datasets"]
            .as_array()
            .and_then(|d| d.iter().find(|d| d["dataset"] == name).cloned())
            .unwrap_or_else(|| panic!("no dataset {name}: {}", datasets.text))
    };
    let customers = by_name("customers");
    assert_eq!(customers["last_scan_failed"], false, "{customers}");
    assert_eq!(customers["latest_scan"]["definition"], "customers_daily");
    let orders = by_name("orders");
    assert_eq!(orders["last_scan_failed"], true, "{orders}");
    assert_eq!(orders["failed_scan"]["definition"], "orders_daily");
    assert_eq!(
        orders["failed_scan"]["data_timestamp"],
        "2024-05-03T06:00:00+00:00"
    );
    let error = orders["failed_scan"]["first_error"].as_str().unwrap_or("");
    assert!(
        error.contains("lite"),
        "the first error names the data source: {orders}"
    );
    let returns = by_name("returns");
    assert_eq!(
        returns["last_scan_failed"], true,
        "listed, with no check that ever ran"
    );
    assert_eq!(returns["failed_scan"]["definition"], "returns_daily");
    let error = returns["failed_scan"]["first_error"].as_str().unwrap_or("");
    assert!(error.contains("returns"), "{returns}");

    // Every check is stored, the ones that did not run with the reason why.
    let reasons = "SELECT s.definition || '|' || s.data_timestamp || '|' || c.name || '|' \
                   || COALESCE(c.outcome, '-') || '|' || COALESCE(c.outcome_reasons, '-') \
                   FROM soda_check_results c JOIN soda_scans s ON s.id = c.scan_id \
                   WHERE c.outcome IS NULL ORDER BY s.definition, s.data_timestamp, c.name";
    let rows = store.rows(reasons);
    let codes: Vec<String> = rows
        .iter()
        .map(|r| {
            let f: Vec<&str> = r.splitn(5, '|').collect();
            let reason: Value = serde_json::from_str(f[4]).expect("reasons as JSON");
            format!(
                "{} {} {} {}",
                f[0],
                &f[1][..10],
                f[2],
                reason[0]["code"].as_str().unwrap_or("")
            )
        })
        .collect();
    assert_eq!(
        codes,
        [
            "analyst 2024-05-02 missing_count(no_such_column) = 0 metricsNotComputed",
            "orders_daily 2024-05-03 row_count > 0 dataSourceUnavailable",
            "returns_daily 2024-05-01 row_count > 0 metricsNotComputed",
            "returns_daily 2024-05-02 row_count > 0 metricsNotComputed",
            "returns_daily 2024-05-03 row_count > 0 metricsNotComputed",
        ],
        "{rows:#?}"
    );
    assert!(
        rows[0].contains("no_such_column"),
        "the query's own error: {}",
        rows[0]
    );

    // The orders check's current result is day 3's: not evaluated, with its reason.
    let checks = read(&t, &server, &tok, "/api/v1/checks");
    let orders_check = checks.body["checks"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["dataset"] == "orders").cloned())
        .expect("the orders check");
    assert_eq!(orders_check["outcome"], Value::Null, "{orders_check}");
    assert_eq!(orders_check["data_timestamp"], "2024-05-03T06:00:00+00:00");
    assert_eq!(orders_check["reasons"][0]["code"], "dataSourceUnavailable");

    // The report of the same store, in Chromium.
    let report = t.soda(["report", "--store", &store.arg, "-o", "report.html"]);
    report.expect_code(0);
    let dom = crate::report_html::dump_dom(&format!("file://{}", t.join("report.html").display()));
    let warned: Vec<&str> = regex::Regex::new(
        r#"<tr class="dataset has-scan-error" data-data-source="lite" data-dataset="(\w+)""#,
    )
    .expect("a pattern")
    .captures_iter(&dom)
    .map(|c| c.get(1).map_or("", |m| m.as_str()))
    .collect();
    assert_eq!(
        warned,
        ["orders", "returns"],
        "the datasets with a failed-scan warning"
    );
    assert!(
        dom.contains("data-code=\"dataSourceUnavailable\""),
        "the reason is shown"
    );
    if let Some(dir) = std::env::var_os("SODA_SCENARIO_SCREENSHOTS") {
        let png = std::path::Path::new(&dir).join(format!("datasets-{b:?}.png"));
        let url = format!("file://{}#datasets", t.join("report.html").display());
        crate::report_html::screenshot(&url, &png, "1400,700");
    }
}

#[test]
fn per_dataset_warnings_and_every_check_on_sqlite() {
    per_dataset_warnings_and_every_check(crate::common::store::Backend::Sqlite);
}

#[test]
fn per_dataset_warnings_and_every_check_on_postgresql() {
    per_dataset_warnings_and_every_check(crate::common::store::Backend::Postgres);
}

/// Soda Core sends no check of a scan that failed before its queries: the scan still covers
/// the datasets of the earlier scans of its scan definition, which then carry the warning.
#[test]
fn a_soda_core_scan_that_names_no_dataset_warns_on_its_earlier_datasets() {
    let t = setup();
    let key = create_key(&t, "soda-core");
    let server = Server::start(&t, false, &[]);
    let tok = token(&login(&t, &server, (&key.0, &key.1)));
    let (_, golden) = golden_inserts()
        .into_iter()
        .next()
        .expect("a golden insert");
    let mut first = golden.clone();
    first["definitionName"] = json!("nightly");
    first["dataTimestamp"] = json!("2024-05-01T00:00:00+00:00");
    assert_eq!(insert(&t, &server, &tok, first).status, 200);
    let mut failed = golden;
    failed["definitionName"] = json!("nightly");
    failed["dataTimestamp"] = json!("2024-05-02T00:00:00+00:00");
    failed["hasErrors"] = json!(true);
    failed["checks"] = json!([]);
    failed["metrics"] = json!([]);
    failed["queries"] = json!([]);
    failed["logs"] = json!([{"level": "error", "message": "Could not connect to data source",
        "timestamp": "2024-05-02T00:00:01+00:00", "index": 0}]);
    let answer = insert(&t, &server, &tok, failed);
    assert_eq!(answer.status, 200, "{}", answer.text);
    let datasets = read(&t, &server, &tok, "/api/v1/datasets");
    let list = datasets.body["datasets"].as_array().expect("datasets");
    assert!(!list.is_empty(), "{}", datasets.text);
    for d in list.iter().filter(|d| d["dataset"] != "") {
        assert_eq!(d["last_scan_failed"], true, "{d}");
        assert_eq!(
            d["failed_scan"]["first_error"],
            "Could not connect to data source"
        );
    }
}
