//! Soda Cloud over real HTTPS (issue 4): `soda scan` against the in-process ingest endpoint of
//! [`crate::common::https`], on the shared dataset (SQLite; PostgreSQL for the secrets test).
//!
//! Scenario tests pin the request sequence and bodies of cli-and-cloud.md §6–§7 (login, the
//! token as the last key, the insert body = the `-srf` document + `type` + `token`, uploads,
//! attributes, history). Fault tests pin what the server received and what waits in the
//! outbox afterwards. The binary trusts the test CA only through `SSL_CERT_FILE`.

use crate::common::https::{Reply, Request, Server};
use crate::common::{Database, Run, Test};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const KEY_ID: &str = "key-id-1";
const SECRET: &str = "sk-cloud-Secret-7f3a9c";
/// `-t` with an offset: `dataTimestamp` is its UTC value, `File-Path` its wall-clock digits.
const T: &str = "2024-06-01T14:00:00+02:00";
const T_UTC: &str = "2024-06-01T12:00:00+00:00";
const INSERT: &str = "sodaCoreInsertScanResults";
const CONFIGURATION: &str = "sodaCoreCloudConfiguration";
const ATTRIBUTES: &str = "sodaCoreAvailableCheckAttributes";
const HISTORY: &str = "sodaCoreHistoricMeasurements";
/// The keys of the scan results document, in order (cli-and-cloud.md §5.3).
const RESULT_KEYS: [&str; 16] = [
    "definitionName",
    "defaultDataSource",
    "dataTimestamp",
    "scanStartTimestamp",
    "scanEndTimestamp",
    "hasErrors",
    "hasWarnings",
    "hasFailures",
    "metrics",
    "checks",
    "queries",
    "automatedMonitoringChecks",
    "profiling",
    "metadata",
    "logs",
    "sourceOwner",
];
const RELOGIN: &str = "Authentication failed. Probably token expired. Re-authenticating...";

/// A test whose `configuration.yml` holds the shared dataset and a `soda_cloud` block.
struct Setup {
    t: Test,
    /// The `data_source` block.
    data_source: String,
}

impl Setup {
    /// SQLite, with `SSL_CERT_FILE` pointing at `ca.pem` in the temp dir.
    fn new() -> Setup {
        Setup::on(Database::Sqlite, "")
    }

    fn on(db: Database, extra: &str) -> Setup {
        let t = Test::with_config(&db, extra);
        let data_source =
            std::fs::read_to_string(t.join("configuration.yml")).expect("configuration.yml");
        let ca = t.join("ca.pem").to_string_lossy().into_owned();
        let mut t = t.env("SSL_CERT_FILE", &ca).env_remove("SSL_CERT_DIR");
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
        Setup { t, data_source }
    }

    /// Removes an inherited environment variable for the `soda` runs.
    fn env_remove(self, key: &str) -> Setup {
        Setup {
            t: self.t.env_remove(key),
            ..self
        }
    }

    /// Trusts `server`'s CA and points the configuration at it with the default settings.
    fn connect(&self, server: &Server) {
        self.trust(server);
        self.configure(server.port(), &[]);
    }

    /// Writes the server's CA to `ca.pem`.
    fn trust(&self, server: &Server) {
        self.t.write_bytes("ca.pem", server.ca_pem().as_bytes());
    }

    /// Writes `configuration.yml` for Cloud at `127.0.0.1:<port>`; `overrides` replace the
    /// fast defaults (short timeouts, 2 retries, 10 ms backoff, the outbox in the temp dir).
    fn configure(&self, port: u16, overrides: &[(&str, &str)]) {
        let outbox = self.outbox().to_string_lossy().into_owned();
        let port = port.to_string();
        let mut keys: Vec<(&str, &str)> = vec![
            ("host", "localhost"),
            ("port", &port),
            ("api_key_id", KEY_ID),
            ("api_key_secret", SECRET),
            ("connect_timeout", "2"),
            ("request_timeout", "5"),
            ("retries", "2"),
            ("retry_backoff", "0.01"),
            ("outbox", &outbox),
        ];
        for (k, v) in overrides {
            match keys.iter_mut().find(|(key, _)| key == k) {
                Some(entry) => entry.1 = v,
                None => keys.push((k, v)),
            }
        }
        let mut text = format!("{}soda_cloud:\n", self.data_source);
        for (k, v) in keys {
            text.push_str(&format!("  {k}: {v}\n"));
        }
        self.t.write_bytes("configuration.yml", text.as_bytes());
    }

    fn outbox(&self) -> PathBuf {
        self.t.join("outbox")
    }

    /// `soda scan … -srf results.json <args> checks.yml`.
    fn scan(&self, args: &[&str]) -> Run {
        let mut all = args.to_vec();
        all.push("checks.yml");
        self.t.scan(&all)
    }

    /// The `-srf` document of the last scan.
    fn results(&self) -> Value {
        self.t.results().0
    }
}

/// The results waiting in an outbox folder, oldest first; asserts no half-written file.
fn pending(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries.map(|e| e.expect("outbox entry").path()).collect();
    files.sort();
    for f in &files {
        assert!(
            f.extension().is_some_and(|e| e == "json"),
            "unexpected file in the outbox: {}",
            f.display()
        );
    }
    files
}

fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).expect("read outbox file");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

fn keys(v: &Value) -> Vec<String> {
    v.as_object()
        .expect("a JSON object")
        .keys()
        .cloned()
        .collect()
}

/// A free port on 127.0.0.1 that nothing listens on.
fn closed_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    l.local_addr().expect("address").port()
}

fn user_agent() -> String {
    format!("soda-rs/{}", env!("CARGO_PKG_VERSION"))
}

/// Asserts the common envelope of a query or command: POST, path, headers, the token last.
#[track_caller]
fn assert_envelope(r: &Request, path: &str, token: &str) {
    assert_eq!(r.method, "POST");
    assert_eq!(r.path, path, "{}", r.kind());
    assert_eq!(r.header("User-Agent"), Some(user_agent().as_str()));
    assert_eq!(r.header("Content-Type"), Some("application/json"));
    assert_eq!(
        r.keys().last().map(String::as_str),
        Some("token"),
        "the token is the last key of {}",
        r.kind()
    );
    assert_eq!(r.json()["token"], token, "{}", r.kind());
    assert!(
        r.text().ends_with(&format!(", \"token\": \"{token}\"}}")),
        "Python json.dumps separators and the token last: {}",
        r.text()
    );
}

#[track_caller]
fn assert_login(r: &Request) {
    assert_eq!(r.method, "POST");
    assert_eq!(r.path, "/api/command");
    assert_eq!(r.header("User-Agent"), Some(user_agent().as_str()));
    assert_eq!(r.keys(), ["type", "apiKeyId", "apiKeySecret"]);
    assert_eq!(
        r.json(),
        json!({"type": "login", "apiKeyId": KEY_ID, "apiKeySecret": SECRET})
    );
}

/// Asserts that the insert body is the `-srf` document's keys plus `type` and `token`, with
/// the same checks and metric identities.
#[track_caller]
fn assert_insert_matches_results(insert: &Request, results: &Value, token: &str) {
    assert_envelope(insert, "/api/command", token);
    let body = insert.json();
    let mut expected: Vec<String> = RESULT_KEYS.iter().map(|k| k.to_string()).collect();
    assert_eq!(keys(results), expected, "-srf keys");
    expected.extend(["type".to_string(), "token".to_string()]);
    assert_eq!(keys(&body), expected, "insert keys");
    assert_eq!(body["type"], INSERT);
    assert_eq!(
        body["checks"], results["checks"],
        "the checks sent and saved"
    );
    let identities = |doc: &Value, key: &str| -> Vec<Value> {
        doc[key]
            .as_array()
            .expect("array")
            .iter()
            .map(|c| json!([c["identity"], c["identities"]]))
            .collect()
    };
    assert_eq!(identities(&body, "checks"), identities(results, "checks"));
    let mut sent: Vec<String> = metric_identities(&body);
    let mut saved: Vec<String> = metric_identities(results);
    sent.sort();
    saved.sort();
    assert_eq!(sent, saved, "metric identities");
    for key in ["definitionName", "defaultDataSource", "dataTimestamp"] {
        assert_eq!(body[key], results[key], "{key}");
    }
}

fn metric_identities(doc: &Value) -> Vec<String> {
    doc["metrics"]
        .as_array()
        .expect("metrics")
        .iter()
        .map(|m| m["identity"].as_str().expect("identity").to_string())
        .collect()
}

fn check<'a>(doc: &'a Value, name: &str) -> &'a Value {
    doc["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("no check {name:?} in {}", doc["checks"]))
}

#[track_caller]
fn assert_kinds(server: &Server, expected: &[&str], run: &Run) {
    assert_eq!(server.kinds(), expected, "request sequence\n{run}");
}

fn statuses(requests: &[Request]) -> Vec<Option<u16>> {
    requests.iter().map(|r| r.status).collect()
}

// ---------------------------------------------------------------------------------------
// Scenarios
// ---------------------------------------------------------------------------------------

#[test]
fn metrics_scan_sends_login_configuration_and_results() {
    let server = Server::start();
    let s = Setup::new();
    s.connect(&server);
    s.t.write(
        "checks.yml",
        "
        checks for customers:
          - row_count > 0
          - missing_count(email) < 5
          - row_count:
              warn: when < 100
        checks for orders:
          - row_count = 7
        ",
    );
    let run = s.scan(&["-t", T]);
    run.expect_code(2);
    assert_kinds(&server, &["login", CONFIGURATION, INSERT], &run);
    let reqs = server.requests();
    assert_login(&reqs[0]);
    assert_envelope(&reqs[1], "/api/query", "tok-1");
    assert_eq!(
        reqs[1].json(),
        json!({"type": CONFIGURATION, "token": "tok-1"})
    );
    let results = s.results();
    assert_insert_matches_results(&reqs[2], &results, "tok-1");
    let body = reqs[2].json();
    assert_eq!(body["dataTimestamp"], T_UTC);
    assert_eq!(body["definitionName"], "Soda Core CLI");
    assert_eq!(body["defaultDataSource"], "lite");
    assert_eq!(body["sourceOwner"], "soda-core");
    let outcomes: Vec<&Value> = body["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| &c["outcome"])
        .collect();
    assert_eq!(
        outcomes,
        [
            &json!("pass"),
            &json!("warn"),
            &json!("pass"),
            &json!("fail")
        ]
    );
    assert!(reqs.iter().all(|r| r.status == Some(200)));
    // The document sent ends its logs with the line announcing it; the -srf one goes on.
    let messages = |doc: &Value| -> Vec<String> {
        doc["logs"]
            .as_array()
            .expect("logs")
            .iter()
            .map(|l| l["message"].as_str().unwrap_or_default().to_string())
            .collect()
    };
    let sent = messages(&body);
    assert_eq!(
        sent.last().map(String::as_str),
        Some("Sending results to Soda Cloud")
    );
    assert_eq!(
        messages(&results)[sent.len() - 1..],
        [
            "Sending results to Soda Cloud",
            "Soda Cloud Trace: trace-123"
        ]
    );
    run.expect_stdout_contains("] Sending results to Soda Cloud\n");
    run.expect_stdout_contains("] Soda Cloud Trace: trace-123\n");
    assert!(pending(&s.outbox()).is_empty(), "{run}");
}

#[test]
fn failed_rows_are_uploaded_and_referenced() {
    let server = Server::start();
    server.set_default(
        CONFIGURATION,
        Reply::ok(json!({"disableCollectingWarehouseData": false})),
    );
    let s = Setup::new();
    s.connect(&server);
    s.t.write(
        "checks.yml",
        "
        checks for customers:
          - row_count > 0
          - missing_count(email) = 0
        checks for orders:
          - missing_count(status) = 0
        ",
    );
    let run = s.scan(&["-t", T, "-s", "Nightly Scan/Shop"]);
    run.expect_code(2);
    assert_kinds(
        &server,
        &["login", CONFIGURATION, "upload", "upload", INSERT],
        &run,
    );
    let reqs = server.requests();
    let results = s.results();
    let insert = reqs[4].json();
    assert_insert_matches_results(&reqs[4], &results, "tok-1");
    let start = insert["scanStartTimestamp"].as_str().unwrap().to_string();
    let end = insert["scanEndTimestamp"].as_str().unwrap().to_string();
    let digits = |iso: &str| -> String { iso[..19].chars().filter(char::is_ascii_digit).collect() };
    let path =
        regex::Regex::new(r"^nightly_scan_shop_20240601140000_(\d{14})/(\w+)\.jsonl$").unwrap();
    let mut folders = Vec::new();
    for (upload, file, first_id) in [
        (&reqs[2], "customers_email_failed_rows", 7),
        (&reqs[3], "orders_status_failed_rows", 6),
    ] {
        assert_eq!(upload.method, "POST");
        assert_eq!(upload.path, "/api/scan/upload");
        assert_eq!(
            upload.header("Authorization"),
            Some("tok-1"),
            "the raw token"
        );
        assert_eq!(upload.header("Is-V3"), Some("true"));
        assert_eq!(
            upload.header("Content-Type"),
            Some("application/octet-stream")
        );
        assert_eq!(upload.header("User-Agent"), Some(user_agent().as_str()));
        let file_path = upload.header("File-Path").expect("File-Path");
        let caps = path
            .captures(file_path)
            .unwrap_or_else(|| panic!("File-Path {file_path:?}"));
        assert_eq!(&caps[2], file);
        // The folder's second stamp is the upload's UTC wall clock, inside the scan.
        let now = &caps[1];
        assert!(
            digits(&start).as_str() <= now && now <= digits(&end).as_str(),
            "{file_path} outside {start}..{end}"
        );
        folders.push(file_path.split('/').next().unwrap().to_string());
        let text = upload.text();
        assert!(
            text.ends_with('\n'),
            "JSON lines end with a newline: {text:?}"
        );
        let rows: Vec<Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).expect("each line is JSON"))
            .collect();
        assert_eq!(rows.len(), 1, "{text}");
        assert!(rows[0].is_array(), "{text}");
        assert_eq!(rows[0][0], first_id, "{text}");
    }
    assert_eq!(folders[0], folders[1], "one folder per scan");
    for (name, file_id) in [
        ("missing_count(email) = 0", "file-1"),
        ("missing_count(status) = 0", "file-2"),
    ] {
        let blocks = check(&insert, name)["diagnostics"]["blocks"]
            .as_array()
            .expect("blocks")
            .clone();
        assert!(
            blocks.iter().any(|b| b["file"]["reference"]
                == json!({"type": "sodaCloudStorage", "fileId": file_id})),
            "{name}: {blocks:?}"
        );
    }
    // The console names the uploaded files.
    run.expect_stdout_contains("] Sending failed row samples to Soda Cloud\n");
    run.expect_stdout_contains("failed_rows_sample_ref: soda_cloud file-1 11x(1/1)\n");
    run.expect_stdout_contains("failed_rows_sample_ref: soda_cloud file-2 5x(1/1)\n");
    assert_eq!(
        run.stdout
            .matches("] Sending failed row samples to Soda Cloud\n")
            .count(),
        2,
        "{run}"
    );
}

#[test]
fn valid_attributes_are_checked_and_sent() {
    let server = Server::start();
    let s = Setup::new();
    s.connect(&server);
    s.t.write(
        "checks.yml",
        "
        checks for customers:
          - row_count > 0:
              attributes:
                priority: 1
                department: sales
          - missing_count(email) < 5:
              attributes:
                tags: [core, ops]
                pii: true
          - row_count < 100
        ",
    );
    let run = s.scan(&["-t", T]);
    run.expect_code(0);
    assert_kinds(
        &server,
        &["login", CONFIGURATION, ATTRIBUTES, ATTRIBUTES, INSERT],
        &run,
    );
    let reqs = server.requests();
    for r in &reqs[2..4] {
        assert_envelope(r, "/api/query", "tok-1");
        assert_eq!(r.json(), json!({"type": ATTRIBUTES, "token": "tok-1"}));
    }
    let results = s.results();
    assert_insert_matches_results(&reqs[4], &results, "tok-1");
    let insert = reqs[4].json();
    assert_eq!(
        check(&insert, "row_count > 0")["resourceAttributes"],
        json!([{"name": "priority", "value": "1"}, {"name": "department", "value": "sales"}])
    );
    assert_eq!(
        check(&insert, "missing_count(email) < 5")["resourceAttributes"],
        json!([{"name": "tags", "value": ["core", "ops"]}, {"name": "pii", "value": true}])
    );
    assert_eq!(insert["checks"].as_array().unwrap().len(), 3);
}

#[test]
fn invalid_attribute_stops_every_check() {
    let server = Server::start();
    let s = Setup::new();
    s.connect(&server);
    s.t.write(
        "checks.yml",
        "
        checks for customers:
          - row_count > 0:
              attributes:
                department: hr
          - row_count < 100
        ",
    );
    let run = s.scan(&["-t", T]);
    run.expect_code(3);
    assert_kinds(&server, &["login", CONFIGURATION, ATTRIBUTES, INSERT], &run);
    let reqs = server.requests();
    let results = s.results();
    assert_insert_matches_results(&reqs[3], &results, "tok-1");
    let insert = reqs[3].json();
    assert_eq!(insert["checks"], json!([]), "no check is evaluated");
    assert_eq!(insert["queries"], json!([]), "no query runs");
    assert_eq!(insert["hasErrors"], true);
    run.expect_stdout_contains("Soda Cloud does not recognize 'department': 'hr' attribute value.");
    run.expect_stdout_contains(
        "] Refer to list of valid attributes and values at https://localhost/organization/attributes.\n",
    );
}

#[test]
fn change_over_time_uses_cloud_history() {
    let server = Server::start();
    let identity = "metric-Soda Core CLI-lite-customers-row_count";
    server.set_default(
        HISTORY,
        Reply::ok(json!({"results": [
            {"id": "m2", "identity": identity, "value": 8, "dataTime": "2024-05-31T12:00:00Z"},
            {"id": "m1", "identity": identity, "value": 1, "dataTime": "2024-05-30T12:00:00Z"},
        ]})),
    );
    let s = Setup::new();
    s.connect(&server);
    s.t.write(
        "checks.yml",
        "
        checks for customers:
          - change for row_count < 5
          - change for row_count >= 3
        ",
    );
    let run = s.scan(&["-t", T]);
    run.expect_code(2);
    assert_kinds(
        &server,
        &["login", CONFIGURATION, HISTORY, HISTORY, INSERT],
        &run,
    );
    let reqs = server.requests();
    for r in &reqs[2..4] {
        assert_envelope(r, "/api/query", "tok-1");
        assert_eq!(
            r.keys(),
            ["type", "filter", "token"],
            "no limit: {}",
            r.text()
        );
        assert_eq!(
            r.json(),
            json!({"type": HISTORY, "filter": {"type": "and", "andExpressions": [
                {"type": "equals", "left": {"type": "columnValue", "columnName": "metric.identity"},
                 "right": {"type": "string", "value": identity}}]}, "token": "tok-1"})
        );
    }
    assert_insert_matches_results(&reqs[4], &s.results(), "tok-1");
    // 10 rows now, 8 in the newest measurement: a change of 2.
    let insert = reqs[4].json();
    let pass = check(&insert, "change for row_count < 5");
    assert_eq!(pass["outcome"], "pass");
    assert_eq!(pass["diagnostics"]["value"], 2);
    let fail = check(&insert, "change for row_count >= 3");
    assert_eq!(fail["outcome"], "fail");
    assert_eq!(fail["diagnostics"]["value"], 2);
}

#[test]
fn change_over_time_without_history_is_not_evaluated() {
    let server = Server::start();
    let s = Setup::new();
    s.connect(&server);
    s.t.write(
        "checks.yml",
        "
        checks for customers:
          - change for row_count < 5
          - row_count > 0
        ",
    );
    let run = s.scan(&["-t", T]);
    run.expect_code(0);
    assert_kinds(&server, &["login", CONFIGURATION, HISTORY, INSERT], &run);
    let results = s.results();
    assert_insert_matches_results(&server.requests()[3], &results, "tok-1");
    let names: Vec<&Value> = results["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| &c["name"])
        .collect();
    assert_eq!(
        names,
        [&json!("row_count > 0")],
        "the change check is not sent"
    );
    assert_eq!(results["hasErrors"], false, "{run}");
    run.expect_stdout_contains(
        "Skipping metric check eval because there is not enough historic data yet",
    );
}

#[test]
fn schema_changes_compare_with_cloud_history() {
    let server = Server::start();
    let s = Setup::new();
    s.connect(&server);
    s.t.write(
        "checks.yml",
        "
        checks for customers:
          - schema:
              fail:
                when schema changes: any
        ",
    );
    let identity = "metric-Soda Core CLI-lite-customers-schema";

    // No history yet: not evaluated, sent with the reason.
    let run = s.scan(&["-t", T]);
    run.expect_code(0);
    assert_kinds(&server, &["login", CONFIGURATION, HISTORY, INSERT], &run);
    let reqs = server.requests();
    assert_eq!(
        reqs[2].json()["filter"]["andExpressions"][0]["right"]["value"],
        identity
    );
    assert_insert_matches_results(&reqs[3], &s.results(), "tok-1");
    let insert = reqs[3].json();
    let schema = check(&insert, "Schema Check");
    assert_eq!(schema["outcome"], Value::Null);
    assert_eq!(
        schema["outcomeReasons"],
        json!([{"code": "notEnoughHistory", "message": "Skipping schema checks since there is no historic schema metrics!", "severity": "warn"}])
    );
    let current = insert["metrics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["identity"] == identity)
        .expect("the schema metric")["value"]
        .clone();
    let columns = current.as_array().expect("schema columns").clone();
    assert_eq!(columns.len(), 11, "{current}");

    // The schema Cloud remembers decides: the same one passes, one column fewer (a column
    // was added since) fails.
    let scan_with_history = |previous: Value, code: i32| -> Value {
        server.clear();
        server.set_default(
            HISTORY,
            Reply::ok(
                json!({"results": [{"id": "m1", "identity": identity, "value": previous,
                "dataTime": "2024-05-31T12:00:00Z"}]}),
            ),
        );
        let run = s.scan(&["-t", T]);
        run.expect_code(code);
        assert_kinds(&server, &["login", CONFIGURATION, HISTORY, INSERT], &run);
        check(&server.requests()[3].json(), "Schema Check")["outcome"].clone()
    };
    assert_eq!(scan_with_history(current, 0), "pass");
    assert_eq!(
        scan_with_history(Value::Array(columns[..10].to_vec()), 2),
        "fail"
    );
}

// ---------------------------------------------------------------------------------------
// Faults
// ---------------------------------------------------------------------------------------

/// Checks with a failure, so that the exit code of the checks (2) is visible.
const FAILING: &str = "
    checks for customers:
      - row_count > 0
    checks for orders:
      - row_count = 7
    ";

#[test]
fn insert_failing_twice_is_delivered_once() {
    let server = Server::start();
    server.script(
        INSERT,
        [
            Reply::status(500, json!({"message": "boom"})),
            Reply::status(503, json!({})),
        ],
    );
    let s = Setup::new();
    s.connect(&server);
    s.t.write("checks.yml", FAILING);
    let run = s.scan(&["-t", T]);
    run.expect_code(2);
    assert_kinds(
        &server,
        &["login", CONFIGURATION, INSERT, INSERT, INSERT],
        &run,
    );
    let inserts = server.of_kind(INSERT);
    assert_eq!(statuses(&inserts), [Some(500), Some(503), Some(200)]);
    assert!(
        inserts.iter().all(|r| r.body == inserts[0].body),
        "every attempt sends the same document"
    );
    assert_insert_matches_results(&inserts[2], &s.results(), "tok-1");
    assert!(
        pending(&s.outbox()).is_empty(),
        "delivered, not kept\n{run}"
    );
    run.expect_stdout_contains("] Soda Cloud Trace: trace-123\n");
    assert!(!run.stdout.contains("Error while executing"), "{run}");
}

#[test]
fn insert_that_hangs_times_out_and_is_retried() {
    let server = Server::start();
    server.script(INSERT, [Reply::Hang]);
    let s = Setup::new();
    s.trust(&server);
    s.configure(server.port(), &[("request_timeout", "2")]);
    s.t.write("checks.yml", FAILING);
    let started = Instant::now();
    let run = s.scan(&["-t", T]);
    let took = started.elapsed();
    run.expect_code(2);
    assert_kinds(&server, &["login", CONFIGURATION, INSERT, INSERT], &run);
    assert_eq!(statuses(&server.of_kind(INSERT)), [None, Some(200)]);
    assert!(pending(&s.outbox()).is_empty(), "{run}");
    assert!(took < Duration::from_secs(15), "took {took:?}\n{run}");
}

#[test]
fn insert_that_keeps_failing_waits_in_the_outbox() {
    let server = Server::start();
    server.script(INSERT, [Reply::Hang]);
    server.set_default(INSERT, Reply::status(500, json!({"message": "down"})));
    let s = Setup::new();
    s.trust(&server);
    s.configure(server.port(), &[("request_timeout", "2")]);
    s.t.write("checks.yml", FAILING);
    let run = s.scan(&["-t", T]);
    // The checks' exit code stays; the results are kept.
    run.expect_code(2);
    assert_kinds(
        &server,
        &["login", CONFIGURATION, INSERT, INSERT, INSERT],
        &run,
    );
    assert_eq!(
        statuses(&server.of_kind(INSERT)),
        [None, Some(500), Some(500)]
    );
    run.expect_stdout_contains("] Error while executing Soda Cloud command response code: 500\n");
    run.expect_stdout_contains("] Soda Cloud Trace ID not available.\n");
    run.expect_stdout_contains("saved to the outbox");
    let files = pending(&s.outbox());
    assert_eq!(files.len(), 1, "{run}");
    let kept = read_json(&files[0]);
    assert_eq!(
        keys(&kept),
        RESULT_KEYS,
        "the document, without type or token"
    );
    assert_eq!(kept["checks"], s.results()["checks"]);
    assert_eq!(kept["dataTimestamp"], T_UTC);
}

#[test]
fn dropped_connections_and_429_are_retried() {
    let server = Server::start();
    server.script(
        CONFIGURATION,
        [
            Reply::Drop,
            Reply::status(429, json!({"message": "slow down"})),
        ],
    );
    server.script(INSERT, [Reply::Drop]);
    let s = Setup::new();
    s.connect(&server);
    s.t.write("checks.yml", FAILING);
    let run = s.scan(&["-t", T]);
    run.expect_code(2);
    assert_kinds(
        &server,
        &[
            "login",
            CONFIGURATION,
            CONFIGURATION,
            CONFIGURATION,
            INSERT,
            INSERT,
        ],
        &run,
    );
    assert_eq!(
        statuses(&server.requests()),
        [Some(200), None, Some(429), Some(200), None, Some(200)]
    );
    assert!(pending(&s.outbox()).is_empty(), "{run}");
    assert!(!run.stdout.contains("Error while executing"), "{run}");
}

#[test]
fn rejected_credentials_are_not_retried() {
    let server = Server::start();
    server.set_default("login", Reply::status(401, json!({"message": "bad key"})));
    let s = Setup::new();
    s.connect(&server);
    s.t.write("checks.yml", FAILING);
    let run = s.scan(&["-t", T]);
    run.expect_code(3);
    // One login for the configuration query, one for the insert; neither is retried.
    assert_kinds(&server, &["login", "login"], &run);
    run.expect_stdout_contains("Soda Cloud login failed 401. Check credentials.");
    assert_eq!(pending(&s.outbox()).len(), 1, "{run}");
}

/// A Cloud endpoint whose configuration allows sample uploads.
fn server_allowing_uploads() -> Server {
    let server = Server::start();
    server.set_default(
        CONFIGURATION,
        Reply::ok(json!({"disableCollectingWarehouseData": false})),
    );
    server
}

/// A scan with one failing missing-count check (so one sample to upload), against `server`.
fn scan_failing_missing_count(server: &Server) -> Run {
    let s = Setup::new();
    s.connect(server);
    s.t.write(
        "checks.yml",
        "
        checks for customers:
          - missing_count(email) = 0
        ",
    );
    let run = s.scan(&["-t", T]);
    run.expect_code(2);
    run
}

#[test]
fn upload_failing_once_is_retried() {
    let server = server_allowing_uploads();
    server.script("upload", [Reply::status(502, json!({}))]);
    let run = scan_failing_missing_count(&server);
    assert_kinds(
        &server,
        &["login", CONFIGURATION, "upload", "upload", INSERT],
        &run,
    );
    let reqs = server.requests();
    assert_eq!(reqs[2].body, reqs[3].body);
    assert_eq!(reqs[2].header("File-Path"), reqs[3].header("File-Path"));
    let insert = reqs[4].json();
    let blocks = &check(&insert, "missing_count(email) = 0")["diagnostics"]["blocks"];
    assert!(
        blocks
            .as_array()
            .unwrap()
            .iter()
            .any(|b| b["file"]["reference"]
                == json!({"type": "sodaCloudStorage", "fileId": "file-1"})),
        "{blocks}"
    );
}

#[test]
fn expired_token_on_an_upload_logs_in_once_more() {
    let server = server_allowing_uploads();
    server.script("upload", [Reply::status(401, json!({}))]);
    let run = scan_failing_missing_count(&server);
    assert_kinds(
        &server,
        &["login", CONFIGURATION, "upload", "login", "upload", INSERT],
        &run,
    );
    let reqs = server.requests();
    assert_eq!(reqs[2].header("Authorization"), Some("tok-1"));
    assert_eq!(reqs[4].header("Authorization"), Some("tok-2"));
    assert_envelope(&reqs[5], "/api/command", "tok-2");
    run.expect_stdout_contains(&format!("\n{RELOGIN}\n"));
}

#[test]
fn expired_token_logs_in_once_more() {
    let server = Server::start();
    server.script(
        CONFIGURATION,
        [Reply::status(401, json!({"message": "token expired"}))],
    );
    let s = Setup::new();
    s.connect(&server);
    s.t.write("checks.yml", FAILING);
    let run = s.scan(&["-t", T]);
    run.expect_code(2);
    assert_kinds(
        &server,
        &["login", CONFIGURATION, "login", CONFIGURATION, INSERT],
        &run,
    );
    let reqs = server.requests();
    assert_login(&reqs[0]);
    assert_envelope(&reqs[1], "/api/query", "tok-1");
    assert_eq!(reqs[1].status, Some(401));
    assert_login(&reqs[2]);
    assert_envelope(&reqs[3], "/api/query", "tok-2");
    assert_insert_matches_results(&reqs[4], &s.results(), "tok-2");
    assert!(
        run.stdout.lines().any(|l| l == RELOGIN),
        "the raw re-login line\n{run}"
    );
    assert!(!run.stdout.contains("Error while executing"), "{run}");
}

#[test]
fn cloud_down_keeps_results_and_the_next_scan_sends_them_first() {
    // The endpoint exists (its CA is trusted) but the configuration points elsewhere first.
    let server = Server::start();
    let s = Setup::new();
    s.trust(&server);
    s.configure(closed_port(), &[]);
    s.t.write("checks.yml", FAILING);
    let run = s.scan(&["-t", "2024-05-01T08:00:00+00:00"]);
    run.expect_code(3);
    run.expect_stdout_contains("] Error while executing Soda Cloud query\n");
    let files = pending(&s.outbox());
    assert_eq!(files.len(), 1, "{run}");
    let kept_text = std::fs::read_to_string(&files[0]).unwrap();
    let kept = read_json(&files[0]);
    assert_eq!(keys(&kept), RESULT_KEYS, "no type, no token");
    assert_eq!(kept["dataTimestamp"], "2024-05-01T08:00:00+00:00");
    assert_eq!(kept["checks"], s.results()["checks"]);
    assert!(server.requests().is_empty());

    s.connect(&server);
    let run = s.scan(&["-t", T]);
    run.expect_code(2);
    assert_kinds(&server, &["login", CONFIGURATION, INSERT, INSERT], &run);
    let reqs = server.requests();
    // The waiting document first, byte for byte plus type and token; then this scan's.
    let expected = format!(
        "{}, \"type\": \"{INSERT}\", \"token\": \"tok-1\"}}",
        kept_text.strip_suffix('}').expect("a JSON object")
    );
    assert_eq!(reqs[2].text(), expected);
    assert_insert_matches_results(&reqs[3], &s.results(), "tok-1");
    assert_eq!(reqs[3].json()["dataTimestamp"], T_UTC);
    assert!(pending(&s.outbox()).is_empty(), "{run}");
    run.expect_stdout_contains("delivered 1 earlier scan result(s) to Soda Cloud, 0 still pending");
}

#[test]
fn outbox_list_and_send() {
    let server = Server::start();
    let s = Setup::new();
    s.trust(&server);
    s.configure(closed_port(), &[]);
    s.t.write("checks.yml", FAILING);
    for t in ["2024-05-01T08:00:00+00:00", "2024-05-02T08:00:00+00:00"] {
        s.scan(&["-t", t]).expect_code(3);
    }
    let files = pending(&s.outbox());
    assert_eq!(files.len(), 2);

    let list = s.t.soda(["outbox", "list", "-c", "configuration.yml"]);
    list.expect_code(0);
    list.expect_stdout_contains("2 scan result(s) waiting in [TMP]/outbox");
    for f in &files {
        let name = f.file_name().unwrap().to_string_lossy().into_owned();
        list.expect_stdout_contains(&name);
    }

    // Still down: nothing moves.
    let send = s.t.soda(["outbox", "send", "-c", "configuration.yml"]);
    send.expect_code(3);
    send.expect_stdout_contains("Soda Cloud is not reachable; 2 scan result(s) stay in");
    assert_eq!(pending(&s.outbox()), files);

    s.connect(&server);
    let send = s.t.soda(["outbox", "send", "-c", "configuration.yml"]);
    send.expect_code(0);
    assert_kinds(&server, &["login", CONFIGURATION, INSERT, INSERT], &send);
    let stamps: Vec<Value> = server
        .of_kind(INSERT)
        .iter()
        .map(|r| {
            assert_envelope(r, "/api/command", "tok-1");
            r.json()["dataTimestamp"].clone()
        })
        .collect();
    assert_eq!(
        stamps,
        [
            json!("2024-05-01T08:00:00+00:00"),
            json!("2024-05-02T08:00:00+00:00")
        ],
        "oldest first"
    );
    assert!(pending(&s.outbox()).is_empty(), "{send}");
    s.t.soda(["outbox", "list", "-c", "configuration.yml"])
        .expect_code(0)
        .expect_stdout_contains("0 scan result(s) waiting in");
}

#[test]
fn unwritable_outbox_is_an_error() {
    let server = Server::start();
    server.set_default(INSERT, Reply::status(500, json!({})));
    let s = Setup::new();
    s.trust(&server);
    s.t.write("not-a-folder", "a regular file\n");
    let outbox = s.t.join("not-a-folder/outbox");
    s.configure(server.port(), &[("outbox", &outbox.to_string_lossy())]);
    s.t.write(
        "checks.yml",
        "
        checks for customers:
          - row_count > 0
        ",
    );
    let run = s.scan(&["-t", T]);
    run.expect_code(3);
    assert_eq!(server.of_kind(INSERT).len(), 3, "{run}");
    run.expect_stdout_contains(
        "] Could not save the scan results to the outbox [TMP]/not-a-folder/outbox: ",
    );
    assert!(s.t.join("not-a-folder").is_file());
}

#[test]
fn without_the_test_ca_cloud_is_unreachable() {
    let server = Server::start();
    let s = Setup::new().env_remove("SSL_CERT_FILE");
    s.configure(server.port(), &[]);
    s.t.write(
        "checks.yml",
        "
        checks for customers:
          - row_count > 0
        ",
    );
    let run = s.scan(&["-t", T]);
    run.expect_code(3);
    assert!(
        server.requests().is_empty(),
        "no request passes an unverified TLS handshake"
    );
    run.expect_stdout_contains("] Error while executing Soda Cloud query\n");
    assert!(
        run.stdout.to_lowercase().contains("certificate"),
        "the error says why\n{run}"
    );
    assert_eq!(pending(&s.outbox()).len(), 1, "{run}");
}

#[test]
fn unusable_ca_file_keeps_results_in_the_outbox() {
    let server = Server::start();
    let s = Setup::new();
    // SSL_CERT_FILE names ca.pem, which does not exist yet: no client can be set up.
    s.configure(server.port(), &[]);
    s.t.write(
        "checks.yml",
        "
        checks for customers:
          - row_count > 0
        ",
    );
    let run = s.scan(&["-t", T]);
    run.expect_code(3);
    run.expect_stdout_contains("] Could not set up the Soda Cloud client\n");
    assert!(server.requests().is_empty());
    let files = pending(&s.outbox());
    assert_eq!(files.len(), 1, "the results are kept\n{run}");
    assert_eq!(keys(&read_json(&files[0])), RESULT_KEYS);

    s.trust(&server);
    let send = s.t.soda(["outbox", "send", "-c", "configuration.yml"]);
    send.expect_code(0);
    assert_kinds(&server, &["login", CONFIGURATION, INSERT], &send);
    assert_eq!(server.requests()[2].json()["dataTimestamp"], T_UTC);
    assert!(pending(&s.outbox()).is_empty(), "{send}");
}

// ---------------------------------------------------------------------------------------
// Secrets
// ---------------------------------------------------------------------------------------

#[test]
fn secrets_never_leak() {
    const DB_PASSWORD: &str = "pg-Passw0rd-e41b";
    let server = Server::start();
    server.set_default(
        CONFIGURATION,
        Reply::ok(json!({"disableCollectingWarehouseData": false})),
    );
    // A re-login (two tokens), an upload, then an insert that fails into the outbox.
    server.script(CONFIGURATION, [Reply::status(401, json!({}))]);
    server.set_default(INSERT, Reply::status(500, json!({})));
    let s = Setup::on(Database::Postgres, &format!("  password: {DB_PASSWORD}\n"));
    s.connect(&server);
    s.t.write(
        "checks.yml",
        "
        checks for customers:
          - row_count > 0
          - missing_count(email) = 0
        ",
    );
    let run = s.scan(&["-V", "-t", T]);
    run.expect_code(2);
    assert_kinds(
        &server,
        &[
            "login",
            CONFIGURATION,
            "login",
            CONFIGURATION,
            "upload",
            INSERT,
            INSERT,
            INSERT,
        ],
        &run,
    );
    let outbox = pending(&s.outbox());
    assert_eq!(outbox.len(), 1, "{run}");

    let mut texts = vec![
        ("stdout".to_string(), run.stdout.clone()),
        ("stderr".to_string(), run.stderr.clone()),
        ("-srf".to_string(), s.t.results_text()),
    ];
    for f in &outbox {
        texts.push((f.display().to_string(), std::fs::read_to_string(f).unwrap()));
    }
    for (what, text) in &texts {
        for secret in [SECRET, "tok-1", "tok-2", DB_PASSWORD] {
            assert!(
                !text.contains(secret),
                "{secret:?} leaked into {what}:\n{text}"
            );
        }
    }
    for r in server.requests() {
        let mut headers = r.headers.clone();
        headers.retain(|(k, _)| !k.eq_ignore_ascii_case("authorization"));
        let body = match r.kind().as_str() {
            "login" => String::new(),
            "upload" => r.text(),
            _ => {
                let mut body = r.json();
                body.as_object_mut().unwrap().remove("token");
                body.to_string()
            }
        };
        let text = format!("{headers:?}\n{body}");
        for secret in [SECRET, "tok-1", "tok-2", DB_PASSWORD] {
            assert!(
                !text.contains(secret),
                "{secret:?} outside the login body and token fields of {}:\n{text}",
                r.kind()
            );
        }
    }
}

/// The Soda Core payloads recorded for conformance cases 008 and 047 (`../shared/golden`):
/// our insert has the same keys, check identities and metric identities, scanning the same
/// data (`../shared/conformance/setup-db.sh`, loaded by CI). Without the recordings the test
/// fails: a comparison that silently does not run proves nothing.
#[test]
fn payloads_match_the_recorded_soda_core_payloads() {
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared");
    assert!(
        shared.join("golden").is_dir(),
        "no ../shared/golden next to this checkout: the recorded Soda Core payloads are needed"
    );
    for (case, golden, samples) in [
        ("008-warn-fail-blocks", "cloud-payload-metrics.json", false),
        (
            "047-failed-rows-condition",
            "cloud-payload-failed-rows.json",
            true,
        ),
    ] {
        let server = Server::start();
        if samples {
            server.set_default(
                CONFIGURATION,
                Reply::ok(json!({"disableCollectingWarehouseData": false})),
            );
        }
        let s = Setup::new();
        s.trust(&server);
        let outbox = s.outbox().to_string_lossy().into_owned();
        let config = format!(
            "data_source soda_oracle:\n  type: postgres\n  host: 127.0.0.1\n  port: 5432\n  \
             username: soda\n  password: soda\n  database: soda_oracle\n  schema: public\n\
             soda_cloud:\n  host: localhost\n  port: {}\n  api_key_id: {KEY_ID}\n  \
             api_key_secret: {SECRET}\n  retries: 0\n  outbox: {outbox}\n",
            server.port()
        );
        s.t.write_bytes("configuration.yml", config.as_bytes());
        let checks = std::fs::read(
            shared
                .join("conformance/cases")
                .join(case)
                .join("checks.yml"),
        )
        .expect("conformance checks file");
        s.t.write_bytes("checks.yml", &checks);
        let run = s.t.soda(vec![
            "scan",
            "-d",
            "soda_oracle",
            "-c",
            "configuration.yml",
            "-t",
            "2024-06-01T12:00:00+00:00",
            "checks.yml",
        ]);
        assert!(matches!(run.code, 0..=2), "{case}: {run}");
        let inserts = server.of_kind(INSERT);
        assert_eq!(inserts.len(), 1, "{case}: {run}");
        let ours = inserts[0].json();
        let theirs = read_json(&shared.join("golden").join(golden))["json"].clone();
        assert_eq!(keys(&ours), keys(&theirs), "{case}: payload keys");
        let ids = |doc: &Value, what: &str| -> Vec<String> {
            let mut v: Vec<String> = doc[what]
                .as_array()
                .expect("list")
                .iter()
                .map(|c| c["identity"].as_str().unwrap_or_default().to_string())
                .collect();
            v.sort();
            v
        };
        assert_eq!(
            ids(&ours, "checks"),
            ids(&theirs, "checks"),
            "{case}: check identities"
        );
        assert_eq!(
            ids(&ours, "metrics"),
            ids(&theirs, "metrics"),
            "{case}: metric identities"
        );
        for c in theirs["checks"].as_array().expect("checks") {
            let mine = ours["checks"]
                .as_array()
                .expect("checks")
                .iter()
                .find(|m| m["identity"] == c["identity"])
                .expect("same check");
            assert_eq!(mine["identities"], c["identities"], "{case}");
            assert_eq!(mine["outcome"], c["outcome"], "{case}: {}", c["name"]);
            assert_eq!(mine["metrics"], c["metrics"], "{case}: {}", c["name"]);
        }
        if samples {
            assert!(
                !server.of_kind("upload").is_empty(),
                "{case}: samples uploaded\n{run}"
            );
        }
    }
}
