//! The `-srf` scan results document (cli-and-cloud.md §5), pinned with test-side types.
//!
//! The structs below are written from the specification, not from `src/report`, and refuse
//! unknown fields: a renamed, added or dropped key fails here. The text format (Python's
//! `json.dumps`), timestamps, identities and secrets are checked on the raw file.

use crate::common::{Database, Test};
use serde::Deserialize;
use serde_json::Value;

/// §5.3: the top-level document.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct ScanResults {
    definition_name: String,
    default_data_source: String,
    data_timestamp: String,
    scan_start_timestamp: String,
    scan_end_timestamp: String,
    has_errors: bool,
    has_warnings: bool,
    has_failures: bool,
    metrics: Vec<Metric>,
    checks: Vec<Check>,
    queries: Vec<Query>,
    automated_monitoring_checks: Vec<Value>,
    profiling: Vec<Value>,
    metadata: Vec<Value>,
    logs: Vec<Log>,
    source_owner: String,
}

/// The top-level keys, in Soda Core's order.
const TOP_LEVEL_KEYS: [&str; 16] = [
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

/// §5.4: a check.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct Check {
    identity: String,
    identities: Identities,
    migrated_identities: Option<Value>,
    name: String,
    #[serde(rename = "type")]
    type_: String,
    definition: String,
    resource_attributes: Vec<Attribute>,
    location: Location,
    data_source: String,
    table: Option<String>,
    column: Option<String>,
    metrics: Vec<String>,
    outcome: Option<String>,
    diagnostics: Diagnostics,
    source: String,
}

/// The check keys, in Soda Core's order.
const CHECK_KEYS: [&str; 15] = [
    "identity",
    "identities",
    "migratedIdentities",
    "name",
    "type",
    "definition",
    "resourceAttributes",
    "location",
    "dataSource",
    "table",
    "column",
    "metrics",
    "outcome",
    "diagnostics",
    "source",
];

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Identities {
    v1: String,
    v2: String,
    v3: String,
    v4: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Attribute {
    name: String,
    value: Value,
}

#[derive(Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct Location {
    file_path: String,
    line: u64,
    col: u64,
}

/// §5.7, for metric checks.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Diagnostics {
    blocks: Vec<Value>,
    value: Value,
    fail: Option<Zone>,
    warn: Option<Zone>,
}

/// §5.7: the failed-rows block of a built-in missing/invalid/duplicate check.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct FailedRowsAnalysis {
    #[serde(rename = "type")]
    type_: String,
    title: String,
    file: SampleFile,
    failing_rows_query_name: String,
    passing_rows_query_name: String,
    total_failing_rows: u64,
    sample_row_count: u64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct SampleFile {
    columns: Vec<SampleColumn>,
    total_row_count: u64,
    stored_row_count: u64,
    reference: Option<SampleReference>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SampleColumn {
    name: String,
    #[serde(rename = "type")]
    type_: String,
}

/// Where the sample is: without Soda Cloud, nowhere (`noFile`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct SampleReference {
    #[serde(rename = "type")]
    type_: String,
    message: String,
    link: Value,
    file_id: String,
}

/// A threshold's bad zone.
#[derive(Debug, Deserialize, PartialEq, Default)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct Zone {
    greater_than_or_equal: Option<f64>,
    greater_than: Option<f64>,
    less_than: Option<f64>,
    less_than_or_equal: Option<f64>,
}

/// §5.8: a metric.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct Metric {
    identity: String,
    metric_name: String,
    value: Value,
}

/// §5.9: a query.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct Query {
    name: String,
    data_source: String,
    table: Option<String>,
    partition: Option<String>,
    column: Option<String>,
    sql: String,
    exception: Option<String>,
    /// Null for the `.failing_sql` / `.passing_sql` entries, which are not executed.
    duration: Option<String>,
}

/// §5.13: a log record.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct Log {
    level: String,
    message: String,
    timestamp: String,
    index: u64,
    error_location: Option<Location>,
    location: Option<Location>,
}

fn parse(text: &str) -> ScanResults {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("results document: {e}\n{text}"))
}

fn utc_seconds() -> regex::Regex {
    regex::Regex::new(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+00:00$").unwrap()
}

/// A scan with a pass, a warn, a fail, a partition, a non-ASCII name and a located error.
fn mixed_scan() -> Test {
    let t = Test::with(&Database::Sqlite);
    t.write(
        "checks.yml",
        "
        filter customers [be]:
          where: country = 'BE'
        checks for customers [be]:
          - row_count = 4
        checks for customers:
          - row_count > 0
          - row_count:
              warn: when < 100
          - missing_count(email) = 0:
              name: Zoë's emails
              attributes:
                owner: data-team
                priority: 1
          - min(age) > 0:
              identity: stable-min-age
          - row_count >
        ",
    );
    t
}

#[test]
fn document_has_the_soda_core_shape() {
    let t = mixed_scan();
    let run = t.scan(&["-t", "2024-06-01T14:00:00+02:00", "checks.yml"]);
    run.expect_code(3);
    let text = t.results_text();
    let doc = parse(&text);

    let raw: Value = serde_json::from_str(&text).unwrap();
    let keys: Vec<&str> = raw
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys, TOP_LEVEL_KEYS);
    let check_keys: Vec<&str> = raw["checks"][0]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(check_keys, CHECK_KEYS);

    assert_eq!(doc.definition_name, "Soda Core CLI");
    assert_eq!(doc.default_data_source, "lite");
    assert_eq!(doc.data_timestamp, "2024-06-01T12:00:00+00:00");
    for ts in [&doc.scan_start_timestamp, &doc.scan_end_timestamp] {
        assert!(utc_seconds().is_match(ts), "{ts}");
    }
    assert!(doc.has_errors && doc.has_warnings && doc.has_failures);
    assert!(
        doc.automated_monitoring_checks.is_empty()
            && doc.profiling.is_empty()
            && doc.metadata.is_empty()
    );
    assert_eq!(doc.source_owner, "soda-core");

    // Checks: Soda Core's creation order (dataset-level checks, then column checks).
    let names: Vec<&str> = doc.checks.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "row_count = 4",
            "row_count > 0",
            "row_count warn when < 100",
            "Zoë's emails",
            "min(age) > 0"
        ]
    );
    let by_name = |n: &str| doc.checks.iter().find(|c| c.name == n).unwrap();

    let passing = by_name("row_count > 0");
    assert_eq!(passing.identity, passing.identities.v3);
    assert_eq!(passing.identities.v4, None);
    assert_eq!(passing.migrated_identities, None);
    assert_eq!(passing.type_, "generic");
    assert_eq!(passing.definition, "checks for customers:\n  row_count > 0");
    assert_eq!(
        passing.location,
        Location {
            file_path: "checks.yml".into(),
            line: 6,
            col: 5
        }
    );
    assert_eq!(
        (passing.data_source.as_str(), passing.table.as_deref()),
        ("lite", Some("customers"))
    );
    assert_eq!(passing.column, None);
    assert_eq!(
        passing.metrics,
        ["metric-Soda Core CLI-lite-customers-row_count"]
    );
    assert_eq!(passing.outcome.as_deref(), Some("pass"));
    assert_eq!(passing.diagnostics.value, serde_json::json!(10));
    assert!(passing.diagnostics.blocks.is_empty());
    assert_eq!(
        passing.diagnostics.fail,
        Some(Zone {
            less_than_or_equal: Some(0.0),
            ..Zone::default()
        })
    );
    assert_eq!(passing.diagnostics.warn, None);
    assert_eq!(passing.source, "soda-core");

    let warned = by_name("row_count warn when < 100");
    assert_eq!(warned.outcome.as_deref(), Some("warn"));
    assert_eq!(
        warned.diagnostics.warn,
        Some(Zone {
            less_than: Some(100.0),
            ..Zone::default()
        })
    );
    assert_eq!(warned.diagnostics.fail, None);
    // Both row_count checks share one metric.
    assert_eq!(warned.metrics, passing.metrics);

    let failed = by_name("Zoë's emails");
    assert_eq!(failed.outcome.as_deref(), Some("fail"));
    assert_eq!(failed.column.as_deref(), Some("email"));
    assert_eq!(
        failed.diagnostics.fail,
        Some(Zone {
            greater_than: Some(0.0),
            less_than: Some(0.0),
            ..Zone::default()
        })
    );
    let [block] = failed.diagnostics.blocks.as_slice() else {
        panic!("one failed-rows block: {:#?}", failed.diagnostics.blocks);
    };
    let block: FailedRowsAnalysis =
        serde_json::from_value(block.clone()).expect("failedRowsAnalysis block");
    assert_eq!(
        (block.type_.as_str(), block.title.as_str()),
        ("failedRowsAnalysis", "Failed Rows Analysis")
    );
    assert_eq!((block.total_failing_rows, block.sample_row_count), (1, 1));
    assert_eq!(
        (block.file.total_row_count, block.file.stored_row_count),
        (1, 1)
    );
    let columns: Vec<&str> = block.file.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        columns,
        [
            "id",
            "name",
            "email",
            "country",
            "age",
            "size",
            "amount",
            "code",
            "ref",
            "signup_date",
            "created_at"
        ]
    );
    assert!(block.file.columns.iter().all(|c| !c.type_.is_empty()));
    let reference = block.file.reference.expect("a sample reference");
    assert_eq!(
        (
            reference.type_.as_str(),
            reference.message.as_str(),
            reference.file_id.as_str()
        ),
        ("noFile", "Samples are not sent to Soda Cloud", "")
    );
    assert_eq!(
        reference.link,
        serde_json::json!({"href": null, "text": null})
    );
    assert_eq!(
        block.failing_rows_query_name,
        "3.lite.customers.email.failed_rows[missing_count].failing_sql"
    );
    assert_eq!(
        block.passing_rows_query_name,
        "3.lite.customers.email.failed_rows[missing_count].passing_sql"
    );
    let attributes: Vec<(&str, &Value)> = failed
        .resource_attributes
        .iter()
        .map(|a| (a.name.as_str(), &a.value))
        .collect();
    assert_eq!(
        attributes,
        [
            ("owner", &serde_json::json!("data-team")),
            ("priority", &serde_json::json!("1"))
        ]
    );

    let with_identity = by_name("min(age) > 0");
    assert_eq!(
        with_identity.identities.v4.as_deref(),
        Some("stable-min-age")
    );

    let partitioned = by_name("row_count = 4");
    assert_eq!(partitioned.table.as_deref(), Some("customers"));
    assert_eq!(
        partitioned.metrics,
        ["metric-Soda Core CLI-lite-customers-be-row_count"]
    );

    // Metrics: one per measurement, with Soda Core's identities.
    let metric = |identity: &str| {
        doc.metrics
            .iter()
            .find(|m| m.identity == identity)
            .unwrap_or_else(|| panic!("no metric {identity}: {:#?}", doc.metrics))
    };
    let row_count = metric("metric-Soda Core CLI-lite-customers-row_count");
    assert_eq!(
        (row_count.metric_name.as_str(), &row_count.value),
        ("row_count", &serde_json::json!(10))
    );
    let missing = metric("metric-Soda Core CLI-lite-customers-email-missing_count");
    assert_eq!(
        (missing.metric_name.as_str(), &missing.value),
        ("missing_count", &serde_json::json!(1))
    );
    assert_eq!(
        metric("metric-Soda Core CLI-lite-customers-be-row_count").value,
        serde_json::json!(4)
    );
    assert_eq!(
        metric("metric-Soda Core CLI-lite-customers-age-min").value,
        serde_json::json!(19)
    );
    assert_eq!(doc.metrics.len(), 4, "{:#?}", doc.metrics);

    // Queries: one aggregation per dataset, named `<seq>.<ds>.<table>[<partition>].aggregation[0]`,
    // and the failed-rows sample query of the failed check.
    let executed: Vec<(&str, Option<&str>, Option<&str>)> = doc
        .queries
        .iter()
        .filter(|q| q.duration.is_some())
        .map(|q| (q.name.as_str(), q.partition.as_deref(), q.column.as_deref()))
        .collect();
    assert_eq!(
        executed,
        [
            ("1.lite.customers[be].aggregation[0]", Some("be"), None),
            ("2.lite.customers.aggregation[0]", None, None),
            (
                "3.lite.customers.email.failed_rows[missing_count]",
                None,
                Some("email")
            ),
        ]
    );
    let duration = regex::Regex::new(r"^\d+:\d{2}:\d{2}(\.\d{6})?$").unwrap();
    for q in doc.queries.iter().filter(|q| q.duration.is_some()) {
        assert_eq!(
            (q.data_source.as_str(), q.table.as_deref()),
            ("lite", Some("customers"))
        );
        assert_eq!(q.exception, None);
        assert!(q.sql.starts_with("SELECT "), "{}", q.sql);
        let d = q.duration.as_deref().unwrap_or_default();
        assert!(duration.is_match(d), "{d}");
    }
    assert!(
        doc.queries[0]
            .sql
            .ends_with("\nFROM customers\nWHERE country = 'BE'"),
        "{}",
        doc.queries[0].sql
    );
    assert_eq!(
        doc.queries[2].sql,
        "SELECT * FROM customers \n WHERE (email IS NULL) \n LIMIT 100"
    );

    // Logs: numbered from 1, UTC timestamps, the console summary without `[HH:MM:SS]`.
    for (i, log) in doc.logs.iter().enumerate() {
        assert_eq!(log.index, i as u64 + 1);
        assert!(utc_seconds().is_match(&log.timestamp), "{}", log.timestamp);
        assert!(
            ["error", "warning", "info"].contains(&log.level.as_str()),
            "{log:?}"
        );
        assert!(!log.message.starts_with('['), "{log:?}");
        assert_eq!(log.error_location, log.location);
    }
    let error = doc
        .logs
        .iter()
        .find(|l| l.level == "error")
        .expect("an error record");
    assert!(
        error.message.starts_with("Invalid check \"row_count >\""),
        "{error:?}"
    );
    assert_eq!(
        error.location,
        Some(Location {
            file_path: "checks.yml".into(),
            line: 16,
            col: 16
        })
    );
    let messages: Vec<&str> = doc.logs.iter().map(|l| l.message.as_str()).collect();
    assert!(
        messages.contains(&"      row_count > 0 [PASSED]"),
        "{messages:#?}"
    );
    assert!(
        messages.contains(&"Oops! 1 error. 1 failure. 1 warning. 3 pass."),
        "{messages:#?}"
    );
    assert!(
        !messages.contains(&"ERRORS:"),
        "the recap is not logged again"
    );
}

#[test]
fn text_is_python_json_dumps() {
    let t = mixed_scan();
    t.scan(&["checks.yml"]).expect_code(3);
    let text = t.results_text();
    assert!(
        text.starts_with(
            "{\"definitionName\": \"Soda Core CLI\", \"defaultDataSource\": \"lite\", "
        ),
        "{text}"
    );
    assert!(
        text.ends_with("\"sourceOwner\": \"soda-core\"}"),
        "no trailing newline: {text}"
    );
    assert!(text.is_ascii(), "non-ASCII text must be \\u-escaped");
    assert!(text.contains(r#""name": "Zo\u00eb's emails""#), "{text}");
    assert!(
        text.contains(r#""fail": {"lessThanOrEqual": 0.0}"#),
        "thresholds are floats: {text}"
    );
    assert!(
        text.contains(r#""value": 10, "#),
        "counts are integers: {text}"
    );
    // Outside strings, every `,` and `:` is followed by one space, and nothing is indented.
    let (mut in_string, mut escaped) = (false, false);
    let bytes = text.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b',' | b':' => assert!(
                bytes.get(i + 1) == Some(&b' ') && bytes.get(i + 2) != Some(&b' '),
                "separator at byte {i} is not followed by exactly one space: {}",
                &text[i.saturating_sub(40)..(i + 40).min(text.len())]
            ),
            b'\n' | b'\t' => panic!("whitespace outside strings at byte {i}"),
            _ => {}
        }
    }
}

#[test]
fn data_timestamp_is_converted_to_utc() {
    let t = Test::with(&Database::Sqlite).env("TZ", "America/New_York");
    t.write(
        "checks.yml",
        "
        checks for customers:
          - row_count > 0
    ",
    );
    let cases = [
        ("2024-06-01T14:00:00+02:00", "2024-06-01T12:00:00+00:00"),
        ("2024-06-01T12:00:00Z", "2024-06-01T12:00:00+00:00"),
        (
            "2024-06-01T12:00:00.123456+00:00",
            "2024-06-01T12:00:00+00:00",
        ),
        // Without an offset: local time (TZ), as Python's fromisoformat + astimezone.
        ("2024-05-01T12:00:00", "2024-05-01T16:00:00+00:00"),
        ("2024-01-15", "2024-01-15T05:00:00+00:00"),
    ];
    for (given, expected) in cases {
        t.scan(&["-t", given, "checks.yml"]).expect_code(0);
        assert_eq!(
            parse(&t.results_text()).data_timestamp,
            expected,
            "-t {given}"
        );
    }
}

#[test]
fn metric_identities_name_the_scan_definition() {
    let t = Test::with(&Database::Sqlite);
    t.write(
        "checks.yml",
        "
        checks for customers:
          - row_count > 0
          - missing_count(email) < 5
          - missing_count(country) < 5:
              missing values: [N/A]
          - duplicate_count(name, email) < 5
        ",
    );
    t.scan(&["-s", "nightly", "checks.yml"]).expect_code(0);
    let doc = parse(&t.results_text());
    assert_eq!(doc.definition_name, "nightly");
    let identities: Vec<&str> = doc.metrics.iter().map(|m| m.identity.as_str()).collect();
    assert!(
        identities.contains(&"metric-nightly-lite-customers-row_count"),
        "{identities:#?}"
    );
    assert!(
        identities.contains(&"metric-nightly-lite-customers-email-missing_count"),
        "{identities:#?}"
    );
    // Settings beyond the column are hashed into an 8-hex suffix.
    let hashed =
        regex::Regex::new(r"^metric-nightly-lite-customers-country-missing_count-[0-9a-f]{8}$")
            .unwrap();
    assert!(
        identities.iter().any(|i| hashed.is_match(i)),
        "{identities:#?}"
    );
    // Multi-column duplicates name no column.
    let multi =
        regex::Regex::new(r"^metric-nightly-lite-customers-duplicate_count-[0-9a-f]{8}$").unwrap();
    assert!(
        identities.iter().any(|i| multi.is_match(i)),
        "{identities:#?}"
    );
}

/// The identities Soda Core 3.5.6 computes for these checks (cli-and-cloud.md §5.5), so that
/// Soda Cloud keeps one history per check across both tools.
#[test]
fn check_identities_match_soda_core() {
    let t = Test::new();
    t.write(
        "configuration.yml",
        "
        data_source spec:
          type: sqlite
          path: shop.sqlite
    ",
    );
    crate::common::db::sqlite_shop(&t);
    t.write(
        "checks.yml",
        "
        checks for customers:
          - row_count > 0
          - row_count:
              warn: when < 10
        ",
    );
    t.soda([
        "scan",
        "-d",
        "spec",
        "-c",
        "configuration.yml",
        "-srf",
        "results.json",
        "checks.yml",
    ]);
    let doc = parse(&t.results_text());
    let ids: Vec<(&str, [&str; 3])> = doc
        .checks
        .iter()
        .map(|c| {
            (
                c.name.as_str(),
                [
                    c.identities.v1.as_str(),
                    c.identities.v2.as_str(),
                    c.identities.v3.as_str(),
                ],
            )
        })
        .collect();
    assert_eq!(
        ids,
        [
            ("row_count > 0", ["e7c77591", "e6627ea2", "9f1893dc"]),
            (
                "row_count warn when < 10",
                ["87346f09", "f11abf62", "ce3a349d"]
            ),
        ]
    );
    assert_eq!(doc.checks[0].identity, "9f1893dc");
    assert_eq!(
        doc.checks[1].definition,
        "checks for customers:\n  - row_count:\n      warn: when < 10\n"
    );
}

/// The configured password never reaches the console or the results file, even with `-V`
/// (Soda Core prints connection properties in verbose mode).
#[test]
fn secrets_never_appear_with_verbose() {
    const PASSWORD: &str = "pg-Pa55w0rd-not-for-logs";
    let t = Test::with_config(&Database::Postgres, &format!("  password: {PASSWORD}\n"));
    t.write(
        "checks.yml",
        "
        checks for customers:
          - row_count = 10
          - missing_count(email) = 1
    ",
    );
    let run = t.scan(&["-V", "checks.yml"]);
    run.expect_code(0)
        .expect_stdout_contains("] Query 1.pg.customers.aggregation[0]:\n");
    let text = t.results_text();
    for (what, haystack) in [
        ("stdout", &run.stdout),
        ("stderr", &run.stderr),
        ("results.json", &text),
    ] {
        assert!(
            !haystack.contains(PASSWORD),
            "the password appears in {what}\n{run}"
        );
    }
}

/// A failed-rows block names its failing and passing queries, and those names are entries of
/// `queries` (§5.9: `<name>.failing_sql` and `<name>.passing_sql` follow the sample query, with
/// their SQL and a null duration), so Soda Cloud can show the SQL behind the sample.
#[test]
fn failed_rows_queries_are_listed() {
    let t = Test::with(&Database::Sqlite);
    t.write(
        "checks.yml",
        "
        checks for customers:
          - missing_count(email) = 0
    ",
    );
    t.scan(&["checks.yml"]).expect_code(2);
    let doc = parse(&t.results_text());
    let listed: Vec<(&str, &str, Option<&str>)> = doc
        .queries
        .iter()
        .map(|q| (q.name.as_str(), q.sql.as_str(), q.duration.as_deref()))
        .collect();
    let name = "2.lite.customers.email.failed_rows[missing_count]";
    assert_eq!(listed.len(), 4, "{listed:#?}");
    assert_eq!(listed[1].0, name);
    assert_eq!(
        &listed[2..],
        [
            (
                &*format!("{name}.failing_sql"),
                "SELECT * FROM customers \n WHERE (email IS NULL)",
                None
            ),
            (
                &*format!("{name}.passing_sql"),
                "SELECT * FROM customers \n WHERE NOT (email IS NULL)",
                None
            ),
        ]
    );
}
