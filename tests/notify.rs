//! Alerts without Soda Cloud: `notifications:` webhooks received by a real HTTPS endpoint
//! (tests/common/https.rs), their JSON and Slack bodies pinned with test-side types, retries on
//! 500, bounded waits on an endpoint that hangs, and the rules that an alert never changes the
//! exit code and that a webhook URL (a secret) is never printed.

use crate::common::https::{Reply, Server};
use crate::common::{Database, Run, Test};
use serde::Deserialize;
use serde_json::json;
use std::time::{Duration, Instant};

/// The secret part of every webhook URL: it must never appear in any output.
const TOKEN: &str = "T0KEN-s3cr3t";

/// The JSON alert as documented in README.md; unknown fields fail the test.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct Alert {
    outcome: String,
    scan_definition: String,
    data_source: String,
    data_timestamp: String,
    scan_start_timestamp: String,
    scan_end_timestamp: String,
    counts: Counts,
    checks: Vec<AlertCheck>,
    errors: Vec<String>,
}

#[derive(Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct Counts {
    pass: usize,
    warn: usize,
    fail: usize,
    not_evaluated: usize,
    errors: usize,
}

#[derive(Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct AlertCheck {
    name: String,
    dataset: String,
    outcome: String,
    value: Option<String>,
    thresholds: String,
    file: String,
    line: usize,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Slack {
    text: String,
}

/// A SQLite test whose `configuration.yml` also has `notifications` (unindented YAML lines,
/// `{url}` replaced by the endpoint's webhook URL), trusting the endpoint's CA.
fn setup(server: &Server, notifications: &str) -> Test {
    let t = Test::with(&Database::Sqlite);
    t.write("ca.pem", server.ca_pem());
    let url = format!("https://localhost:{}/hooks/{TOKEN}", server.port());
    let config = std::fs::read_to_string(t.join("configuration.yml")).unwrap();
    let block = crate::common::unindent(notifications).replace("{url}", &url);
    t.write_bytes("configuration.yml", format!("{config}{block}").as_bytes());
    let ca = t.join("ca.pem").to_string_lossy().into_owned();
    let mut t = t.env("SSL_CERT_FILE", &ca).env_remove("SSL_CERT_DIR");
    for proxy in [
        "HTTPS_PROXY",
        "https_proxy",
        "HTTP_PROXY",
        "http_proxy",
        "ALL_PROXY",
    ] {
        t = t.env_remove(proxy);
    }
    t
}

const FAILING: &str = "
    checks for customers:
      - row_count = 10
      - row_count:
          warn: when < 100
      - missing_count(email) = 0
    ";

fn scan(t: &Test, checks: &str) -> Run {
    t.write("checks.yml", checks);
    t.soda([
        "scan",
        "-d",
        "lite",
        "-c",
        "configuration.yml",
        "-t",
        "2024-05-01T12:00:00+00:00",
        "-srf",
        "results.json",
        "checks.yml",
    ])
}

#[track_caller]
fn assert_no_secret(t: &Test, run: &Run) {
    assert!(!run.stdout.contains(TOKEN), "webhook URL printed:\n{run}");
    assert!(!run.stderr.contains(TOKEN), "webhook URL printed:\n{run}");
    assert!(
        !t.results_text().contains(TOKEN),
        "webhook URL in results.json"
    );
}

#[test]
fn a_failing_scan_posts_the_json_alert() {
    let server = Server::start();
    let t = setup(
        &server,
        "
        notifications:
          webhooks:
            - name: data-team
              url: {url}
        ",
    );
    let run = scan(&t, FAILING);
    run.expect_code(2)
        .expect_stdout_contains("Notification sent to data-team");
    let hooks = server.of_kind("webhook");
    assert_eq!(hooks.len(), 1, "{:?}", server.kinds());
    let hook = &hooks[0];
    assert_eq!(hook.method, "POST");
    assert_eq!(hook.path, format!("/hooks/{TOKEN}"));
    assert_eq!(hook.header("content-type"), Some("application/json"));
    let alert: Alert = serde_json::from_slice(&hook.body).expect("the documented alert");
    assert_eq!(alert.outcome, "fail");
    assert_eq!(alert.scan_definition, "Soda Core CLI");
    assert_eq!(alert.data_source, "lite");
    assert_eq!(alert.data_timestamp, "2024-05-01T12:00:00+00:00");
    assert!(alert.scan_start_timestamp <= alert.scan_end_timestamp);
    assert_eq!(
        alert.counts,
        Counts {
            pass: 1,
            warn: 1,
            fail: 1,
            not_evaluated: 0,
            errors: 0
        }
    );
    assert_eq!(
        alert.checks,
        [
            AlertCheck {
                name: "row_count warn when < 100".into(),
                dataset: "customers".into(),
                outcome: "warn".into(),
                value: Some("10".into()),
                thresholds: "warn when value < 100".into(),
                file: "checks.yml".into(),
                line: 3,
            },
            AlertCheck {
                name: "missing_count(email) = 0".into(),
                dataset: "customers".into(),
                outcome: "fail".into(),
                value: Some("1".into()),
                thresholds: "fail when value != 0".into(),
                file: "checks.yml".into(),
                line: 5,
            },
        ]
    );
    assert!(alert.errors.is_empty());
    assert_no_secret(&t, &run);
}

#[test]
fn slack_gets_its_incoming_webhook_message() {
    let server = Server::start();
    let t = setup(
        &server,
        "
        notifications:
          webhooks:
            - url: {url}
              format: slack
        ",
    );
    t.write("checks.yml", "");
    let run = scan(
        &t,
        "
        checks for customers:
          - row_count > 100:
              name: <!channel> & friends
        ",
    );
    run.expect_code(2)
        .expect_stdout_contains("Notification sent to webhook 1");
    let hooks = server.of_kind("webhook");
    assert_eq!(hooks.len(), 1);
    let slack: Slack = serde_json::from_slice(&hooks[0].body).expect("a Slack message");
    assert_eq!(
        slack.text,
        ":x: Soda scan *fail* on `lite` (Soda Core CLI): 1 failed, 0 warned, 0 not evaluated, 0 errors, 0 passed\n• fail: customers: &lt;!channel&gt; &amp; friends (value 10)"
    );
}

#[test]
fn webhooks_are_called_only_for_their_outcomes() {
    let server = Server::start();
    let t = setup(
        &server,
        "
        notifications:
          webhooks:
            - name: failures
              url: {url}
            - name: everything
              url: {url}
              on: [pass, warn, fail, error]
        ",
    );
    let run = scan(&t, "checks for customers:\n  - row_count = 10\n");
    run.expect_code(0);
    assert!(
        !run.stdout.contains("Notification sent to failures"),
        "{run}"
    );
    let hooks = server.of_kind("webhook");
    assert_eq!(hooks.len(), 1, "only the webhook for passing scans");
    let alert: Alert = serde_json::from_slice(&hooks[0].body).unwrap();
    assert_eq!(alert.outcome, "pass");
    // A scan error is an outcome of its own, and by default worth an alert.
    server.clear();
    scan(&t, "checks for nowhere:\n  - row_count = 10\n").expect_code(3);
    let hooks = server.of_kind("webhook");
    assert_eq!(hooks.len(), 2);
    let alert: Alert = serde_json::from_slice(&hooks[0].body).unwrap();
    assert_eq!(alert.outcome, "error");
    assert!(alert.counts.errors > 0);
    assert_eq!(alert.errors.len(), alert.counts.errors);
}

#[test]
fn a_500_is_retried_until_delivered() {
    let server = Server::start();
    server.script(
        "webhook",
        [
            Reply::status(500, json!({"error": "busy"})),
            Reply::status(503, json!({})),
        ],
    );
    let t = setup(
        &server,
        "
        notifications:
          retry_backoff: 0.05
          webhooks:
            - name: data-team
              url: {url}
        ",
    );
    let run = scan(&t, FAILING);
    run.expect_code(2)
        .expect_stdout_contains("Notification sent to data-team");
    let statuses: Vec<Option<u16>> = server.of_kind("webhook").iter().map(|r| r.status).collect();
    assert_eq!(statuses, [Some(500), Some(503), Some(200)]);
    assert!(!run.stdout.contains("Could not notify"), "{run}");
}

#[test]
fn an_undeliverable_alert_is_a_warning_and_never_changes_the_exit_code() {
    let server = Server::start();
    server.set_default("webhook", Reply::status(500, json!({})));
    let t = setup(
        &server,
        "
        notifications:
          tries: 3
          retry_backoff: 0.05
          webhooks:
            - name: data-team
              url: {url}
        ",
    );
    let run = scan(&t, FAILING);
    run.expect_code(2)
        .expect_stdout_contains("Could not notify data-team after 3 tries: HTTP 500");
    assert_eq!(server.of_kind("webhook").len(), 3);
    assert_no_secret(&t, &run);
    // A 4xx will not get better: one try.
    server.clear();
    server.set_default("webhook", Reply::status(404, json!({})));
    let run = scan(&t, FAILING);
    run.expect_code(2).expect_stdout_contains("HTTP 404");
    assert_eq!(server.of_kind("webhook").len(), 1);
}

#[test]
fn a_hanging_endpoint_does_not_hold_the_scan() {
    let server = Server::start();
    server.set_default("webhook", Reply::Hang);
    let t = setup(
        &server,
        "
        notifications:
          timeout: 0.5
          tries: 2
          retry_backoff: 0.05
          webhooks:
            - name: slow
              url: {url}
        ",
    );
    let start = Instant::now();
    let run = scan(&t, FAILING);
    let took = start.elapsed();
    run.expect_code(2)
        .expect_stdout_contains("Could not notify slow after 2 tries: timed out");
    assert!(took < Duration::from_secs(6), "the scan waited {took:?}");
    assert_no_secret(&t, &run);
}

#[test]
fn an_unreachable_endpoint_never_shows_its_url() {
    // Nothing listens on port 9 of this machine: a connection error, which reqwest would
    // report with the URL.
    let server = Server::start();
    let t = setup(
        &server,
        &format!(
            "
            notifications:
              tries: 1
              webhooks:
                - url: https://127.0.0.1:9/hooks/{TOKEN}
            "
        ),
    );
    let run = scan(&t, FAILING);
    run.expect_code(2)
        .expect_stdout_contains("Could not notify webhook 1 after 1 try: could not connect");
    assert_no_secret(&t, &run);
}

#[test]
fn notification_settings_are_checked_at_their_place() {
    let server = Server::start();
    let t = setup(
        &server,
        "
        notifications:
          on: [fail, sometimes]
          tries: 0
          webhooks:
            - url: http://hooks.example.com/x
            - url: {url}
              format: teams
            - name: nowhere
            - url: {url}
              colour: red
        ",
    );
    let run = scan(&t, FAILING);
    run.expect_code(3);
    for (message, line, col) in [
        (
            "unknown outcome 'sometimes' in on (pass, warn, fail, error)",
            5,
            14,
        ),
        ("tries must be from 1 to 10, but was 0", 6, 10),
        ("the url of webhook 1 must use https://", 8, 12),
        (
            "unknown format 'teams' of webhook 2 (json or slack)",
            10,
            15,
        ),
        ("nowhere has no url", 11, 7),
        ("Unknown key \"colour\" in a notifications webhook", 13, 7),
    ] {
        let located = run.stdout.lines().collect::<Vec<_>>().windows(2).any(|w| {
            w[0].contains(message)
                && w[1].ends_with(&format!("+-> line={line},col={col} in configuration.yml"))
        });
        assert!(located, "{message} at {line}:{col}\n{run}");
    }
    assert!(!run.stdout.contains("hooks.example.com"), "{run}");
}
