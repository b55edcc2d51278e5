//! One scenario per check type, run by every engine (`tests/check_types.rs`).
//!
//! Each function writes a checks file over the shared dataset (customers, orders, shipments),
//! scans, and asserts the exit code and, in the `-srf` results document, each check's outcome,
//! `diagnostics.value` and the diagnostics specific to its type. "Now" is always pinned with
//! `-v`, so every value is deterministic. Engine differences are confined to [`Types`] (the
//! column type names each engine reports).

use super::{assert_close, db, Database, Results, Run, Test};
use serde_json::{json, Value};

/// The column type names one engine reports for the shared dataset.
struct Types {
    /// `customers.id`, `customers.age`, `orders.id`.
    integer: &'static str,
    /// A text type, which `customers.age` is not.
    text: &'static str,
    /// A name for the type of `customers.email` (PostgreSQL: the synonym `varchar`).
    email: &'static str,
    /// `customers.created_at`, `orders.ordered_at`.
    timestamp: &'static str,
    /// `orders.status` as measured.
    status: &'static str,
    /// The measured schema of `orders`: column, type.
    orders: [(&'static str, &'static str); 5],
}

fn types(db: Database) -> Types {
    match db {
        Database::Sqlite => Types {
            integer: "integer",
            text: "text",
            email: "text",
            timestamp: "timestamp",
            status: "text",
            orders: [
                ("id", "integer"),
                ("customer_id", "integer"),
                ("status", "text"),
                ("total", "numeric(10, 2)"),
                ("ordered_at", "timestamp"),
            ],
        },
        Database::Postgres => Types {
            integer: "integer",
            text: "text",
            email: "varchar",
            timestamp: "timestamp without time zone",
            status: "character varying",
            orders: [
                ("id", "integer"),
                ("customer_id", "integer"),
                ("status", "character varying"),
                ("total", "numeric"),
                ("ordered_at", "timestamp without time zone"),
            ],
        },
        Database::MariaDb => Types {
            integer: "int",
            text: "varchar",
            email: "varchar",
            timestamp: "datetime",
            status: "varchar",
            orders: [
                ("id", "int"),
                ("customer_id", "int"),
                ("status", "varchar"),
                ("total", "decimal"),
                ("ordered_at", "datetime"),
            ],
        },
        Database::Spark => Types {
            integer: "int",
            text: "string",
            email: "string",
            timestamp: "timestamp_ntz",
            status: "string",
            orders: [
                ("id", "int"),
                ("customer_id", "int"),
                ("status", "string"),
                ("total", "decimal(10,2)"),
                ("ordered_at", "timestamp_ntz"),
            ],
        },
    }
}

/// Asserts a check's outcome (`"null"` for none) and `diagnostics.value`. A float expected
/// value is compared within a tolerance and must be a JSON float; anything else must be equal
/// JSON (so counts stay integers).
#[track_caller]
fn expect_check(r: &Results, run: &Run, name: &str, outcome: &str, value: Value) {
    assert_eq!(r.outcome(name), outcome, "outcome of {name:?}\n{run}");
    let got = &r.check(name)["diagnostics"]["value"];
    if value.is_f64() {
        assert!(
            got.is_f64(),
            "value of {name:?} is {got}, not a float\n{run}"
        );
        assert_close(
            name,
            got.as_f64().unwrap_or(f64::NAN),
            value.as_f64().unwrap_or(0.0),
            1e-9,
        );
    } else {
        assert_eq!(got, &value, "value of {name:?}\n{run}");
    }
}

/// Asserts that the check's diagnostics contain these keys with these values.
#[track_caller]
fn expect_diagnostics(r: &Results, run: &Run, name: &str, expected: Value) {
    let diagnostics = &r.check(name)["diagnostics"];
    for (key, value) in expected
        .as_object()
        .expect("expected diagnostics are an object")
    {
        assert_eq!(
            &diagnostics[key], value,
            "diagnostics.{key} of {name:?}\n{diagnostics:#}\n{run}"
        );
    }
}

/// The blocks of a check's diagnostics.
fn blocks<'a>(r: &'a Results, name: &str) -> &'a [Value] {
    r.check(name)["diagnostics"]["blocks"]
        .as_array()
        .map_or(&[], Vec::as_slice)
}

/// The one failed-rows sample block of a check, asserting its type and row counts.
#[track_caller]
fn expect_sample<'a>(
    r: &'a Results,
    run: &Run,
    name: &str,
    kind: &str,
    total: u64,
    stored: u64,
) -> &'a Value {
    let samples: Vec<&Value> = blocks(r, name)
        .iter()
        .filter(|b| b["type"] == "file" || b["type"] == "failedRowsAnalysis")
        .collect();
    assert_eq!(samples.len(), 1, "one sample block in {name:?}\n{run}");
    let block = samples[0];
    assert_eq!(block["type"], kind, "sample block of {name:?}: {block:#}");
    assert_eq!(block["file"]["totalRowCount"], total, "{name:?}: {block:#}");
    assert_eq!(
        block["file"]["storedRowCount"], stored,
        "{name:?}: {block:#}"
    );
    block
}

/// The messages of the log records of `level` and where they point (`file:line:col`).
fn located(r: &Results, level: &str) -> Vec<(String, String)> {
    r.logs(level)
        .iter()
        .map(|l| {
            let loc = &l["location"];
            let at = if loc.is_null() {
                String::new()
            } else {
                format!(
                    "{}:{}:{}",
                    loc["filePath"].as_str().unwrap_or(""),
                    loc["line"],
                    loc["col"]
                )
            };
            (l["message"].as_str().unwrap_or_default().to_string(), at)
        })
        .collect()
}

/// Asserts that no check of these names has a result (they were not evaluated).
#[track_caller]
fn expect_not_evaluated(r: &Results, run: &Run, names: &[&str]) {
    for name in names {
        assert!(
            !r.names().iter().any(|n| n == name),
            "{name:?} should not be evaluated\n{run}"
        );
        run.expect_stdout_contains(&format!(" {name} [NOT EVALUATED]\n"));
    }
}

/// A number of the profiling or metadata sections (MariaDB sums are decimals).
#[track_caller]
fn num(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("{v} is not a number"))
}

/// Freshness against pinned "now" variables: inline and block thresholds, a variable of its
/// own, a DATE column (its last microsecond), an empty set, sub-second values, and the
/// deprecated `freshness using` form. Values are milliseconds.
pub fn freshness(db: Database) {
    let t = Test::with(&db);
    t.write(
        "checks.yml",
        "
        checks for customers:
          - freshness(created_at) < 1d
          - freshness(created_at) < 1h:
              name: stale after an hour
          - freshness(created_at):
              name: warn and fail blocks
              warn: when > 1h
              fail: when > 6h
          - freshness(created_at, LATE_NOW):
              name: over the fail block
              warn: when > 1h
              fail: when > 6h
          - freshness(created_at, LATE_NOW) < 1d:
              name: own now variable
          - freshness(signup_date, DATE_NOW) < 7h:
              name: date column
          - freshness(created_at) < 1d:
              name: no rows left after the filter
              filter: age > 100
          - freshness using created_at < 1d
          - freshness using created_at with LATE_NOW < 1d
        checks for shipments:
          - freshness(shipped_at, PRECISE_NOW) < 1m:
              name: sub-second freshness
        ",
    );
    let run = t.scan(&[
        "-v",
        "NOW=2024-01-09T18:00:00+00:00",
        "-v",
        "LATE_NOW=2024-01-11T16:00:00Z",
        "-v",
        "DATE_NOW=2024-01-11T06:00:00Z",
        "-v",
        "PRECISE_NOW=2024-02-06T10:00:01.250Z",
        "checks.yml",
    ]);
    run.expect_code(2);
    let r = t.results();
    const TWO_HOURS: i64 = 2 * 3600 * 1000;
    const TWO_DAYS: i64 = 48 * 3600 * 1000;
    for (name, outcome, value) in [
        ("freshness(created_at) < 1d", "pass", TWO_HOURS),
        ("stale after an hour", "fail", TWO_HOURS),
        ("warn and fail blocks", "warn", TWO_HOURS),
        ("over the fail block", "fail", TWO_DAYS),
        ("own now variable", "fail", TWO_DAYS),
        ("date column", "pass", 6 * 3600 * 1000),
        ("no rows left after the filter", "fail", 0),
        ("freshness using created_at < 1d", "pass", TWO_HOURS),
        (
            "freshness using created_at with LATE_NOW < 1d",
            "fail",
            TWO_DAYS,
        ),
        ("sub-second freshness", "pass", 1250),
    ] {
        expect_check(&r, &run, name, outcome, json!(value));
    }
    expect_diagnostics(
        &r,
        &run,
        "freshness(created_at) < 1d",
        json!({
            "measure": "time",
            "maxColumnTimestamp": "2024-01-09 16:00:00",
            "maxColumnTimestampUtc": "2024-01-09 16:00:00+00:00",
            "nowVariableName": "NOW",
            "nowTimestamp": "2024-01-09T18:00:00+00:00",
            "nowTimestampUtc": "2024-01-09 18:00:00+00:00",
            "freshness": "2:00:00",
        }),
    );
    expect_diagnostics(
        &r,
        &run,
        "own now variable",
        json!({
            "nowVariableName": "LATE_NOW",
            "nowTimestamp": "2024-01-11T16:00:00Z",
            "nowTimestampUtc": "2024-01-11 16:00:00+00:00",
            "freshness": "2 days, 0:00:00",
        }),
    );
    // A date counts as its last microsecond, on every engine (SQLite stores it as text).
    expect_diagnostics(
        &r,
        &run,
        "date column",
        json!({
            "maxColumnTimestamp": "2024-01-10 23:59:59.999999",
            "maxColumnTimestampUtc": "2024-01-10 23:59:59.999999+00:00",
            "freshness": "6:00:00.000001",
        }),
    );
    expect_diagnostics(
        &r,
        &run,
        "no rows left after the filter",
        json!({"maxColumnTimestamp": null, "maxColumnTimestampUtc": null, "freshness": null}),
    );
    expect_diagnostics(
        &r,
        &run,
        "sub-second freshness",
        json!({"freshness": "0:00:01.250000", "nowTimestampUtc": "2024-02-06 10:00:01.250000+00:00"}),
    );
    expect_diagnostics(
        &r,
        &run,
        "freshness using created_at with LATE_NOW < 1d",
        json!({"nowVariableName": "LATE_NOW"}),
    );
    // The deprecated form warns where it is written, and is still evaluated (above).
    let deprecated = "Syntax of freshness check has changed and is deprecated.  Use freshness(column_name) < 24h30m  See docs";
    assert_eq!(
        located(&r, "warning"),
        [
            (deprecated.to_string(), "checks.yml:20:5".to_string()),
            (deprecated.to_string(), "checks.yml:21:5".to_string()),
        ],
        "{run}"
    );
    assert!(r.errors().is_empty(), "{run}");
}

/// Schema validations with each engine's own type names: required, forbidden (whole-name
/// patterns), types, indexes, exact columns with optional ones, warn and fail in one check.
pub fn schema(db: Database) {
    let ty = types(db);
    let t = Test::with(&db);
    t.write(
        "checks.yml",
        &format!(
            r#"
            checks for customers:
              - schema:
                  name: customers schema is as expected
                  fail:
                    when required column missing: [id, email]
                    when forbidden column present: [secret%, "pass*"]
                    when wrong column type:
                      id: {int}
                      email: {email}
                      created_at: {ts}
                      name:
                    when wrong column index:
                      id: 0
                      email: 2
              - schema:
                  name: required column missing
                  fail:
                    when required column missing: [id, phone]
              - schema:
                  name: forbidden columns present
                  fail:
                    when forbidden column present: [cre%, sign, "*_date", i]
              - schema:
                  name: wrong column type
                  fail:
                    when wrong column type:
                      id: {int}
                      age: {text}
              - schema:
                  name: wrong column index
                  fail:
                    when wrong column index:
                      name: 1
                      email: 1
              - schema:
                  name: warned only
                  warn:
                    when required column missing: [phone]
                  fail:
                    when required column missing: [id]
              - schema:
                  name: warned and failed
                  warn:
                    when required column missing: [phone]
                  fail:
                    when required column missing: [fax]
            checks for orders:
              - schema:
                  name: exact columns with an optional one
                  fail:
                    when mismatching columns:
                      id: {int}
                      customer_id:
                      status:
                      total:
                      ordered_at: {ts}
                      shipped_at:
                    with optional columns: [shipped_at]
              - schema:
                  name: mismatching columns
                  fail:
                    when mismatching columns:
                      id:
                      customer_id:
                      status: {int}
            "#,
            int = ty.integer,
            text = ty.text,
            email = ty.email,
            ts = ty.timestamp,
        ),
    );
    let run = t.scan(&["checks.yml"]);
    run.expect_code(2);
    let r = t.results();
    let empty = json!({
        "missing_column_names": [], "present_column_names": [],
        "column_type_mismatches": {}, "column_index_mismatches": {},
    });
    for (name, outcome, diagnostics) in [
        ("customers schema is as expected", "pass", empty.clone()),
        ("exact columns with an optional one", "pass", empty),
        (
            "required column missing",
            "fail",
            json!({"missing_column_names": ["phone"], "valueLabel": "1 schema event(s)"}),
        ),
        (
            // `sign` and `i` match whole names only: not signup_date, not id.
            "forbidden columns present",
            "fail",
            json!({"present_column_names": ["signup_date", "created_at"], "missing_column_names": []}),
        ),
        (
            "wrong column type",
            "fail",
            json!({"column_type_mismatches": {
                "age": {"expected_type": ty.text, "actual_type": if matches!(db, Database::MariaDb | Database::Spark) { "int" } else { "integer" }}
            }}),
        ),
        (
            "wrong column index",
            "fail",
            json!({"column_index_mismatches": {
                "email": {"expected_index": 1, "actual_index": 2, "column_on_expected_index": "name"}
            }}),
        ),
        (
            "warned only",
            "warn",
            json!({"missing_column_names": ["phone"]}),
        ),
        (
            // Fail findings first, then warn findings.
            "warned and failed",
            "fail",
            json!({"missing_column_names": ["fax", "phone"], "valueLabel": "2 schema event(s)"}),
        ),
        (
            "mismatching columns",
            "fail",
            json!({
                "present_column_names": ["total", "ordered_at"],
                "column_type_mismatches": {"status": {"expected_type": ty.integer, "actual_type": ty.status}},
                "valueLabel": "3 schema event(s)",
            }),
        ),
    ] {
        assert_eq!(r.outcome(name), outcome, "outcome of {name:?}\n{run}");
        expect_diagnostics(&r, &run, name, diagnostics);
        // Schema checks have no value.
        assert!(
            r.check(name)["diagnostics"].get("value").is_none(),
            "{name:?} has a value"
        );
    }
    // The measured schema, in column order, with the engine's type names.
    let measured: String = ty
        .orders
        .iter()
        .map(|(c, t)| format!("\n{c},{t}"))
        .collect();
    assert_eq!(
        blocks(&r, "mismatching columns")[0],
        json!({"type": "csv", "text": format!("Column,Type{measured}"), "title": "Schema"})
    );
    assert_eq!(
        blocks(&r, "exact columns with an optional one").len(),
        1,
        "a passing schema check has no Diagnostics block"
    );
}

/// Reference checks: must exist, must not exist (joined duplicates count), multi-column, on a
/// partition; the failing ones carry a `failedRowsAnalysis` sample.
pub fn reference(db: Database) {
    let t = Test::with(&db);
    t.write(
        "checks.yml",
        "
        filter shipments [recent]:
          where: shipped_at >= '2024-02-05'

        checks for orders:
          - values in (customer_id) must exist in customers (id)
          - values in (customer_id) must not exist in customers (id)
          - values in (id) must not exist in customers (age)
        checks for customers:
          - values in (id) must exist in orders (customer_id):
              samples limit: 4
        checks for shipments:
          - values in (order_id, customer_id) must exist in orders (id, customer_id)
        checks for shipments [recent]:
          - values in (order_id, customer_id) must exist in orders (id, customer_id):
              name: recent shipments
        ",
    );
    let run = t.scan(&["checks.yml"]);
    run.expect_code(2);
    let r = t.results();
    for (name, outcome, value) in [
        (
            "values in (customer_id) must exist in customers (id)",
            "pass",
            0,
        ),
        // Customers 1, 2 (two orders), 3 and 8: five joined rows.
        (
            "values in (customer_id) must not exist in customers (id)",
            "fail",
            5,
        ),
        (
            "values in (id) must not exist in customers (age)",
            "pass",
            0,
        ),
        // Customers 4, 5, 6, 7, 9 and 10 have no order.
        (
            "values in (id) must exist in orders (customer_id)",
            "fail",
            6,
        ),
        // Shipment 4 (order 4 is not customer 8's), shipment 5 (no order 9); NULLs never fail.
        (
            "values in (order_id, customer_id) must exist in orders (id, customer_id)",
            "fail",
            2,
        ),
        ("recent shipments", "fail", 1),
    ] {
        expect_check(&r, &run, name, outcome, json!(value));
    }
    assert_eq!(
        r.check("values in (id) must exist in orders (customer_id)")["column"],
        "id"
    );
    assert_eq!(
        r.check("values in (order_id, customer_id) must exist in orders (id, customer_id)")
            ["column"],
        Value::Null,
        "multi-column reference checks are table-level"
    );
    assert!(blocks(&r, "values in (customer_id) must exist in customers (id)").is_empty());
    let names = r.query_names();
    for (name, total, stored) in [
        (
            "values in (customer_id) must not exist in customers (id)",
            5,
            5,
        ),
        ("values in (id) must exist in orders (customer_id)", 6, 4),
        (
            "values in (order_id, customer_id) must exist in orders (id, customer_id)",
            2,
            2,
        ),
        ("recent shipments", 1, 1),
    ] {
        let block = expect_sample(&r, &run, name, "failedRowsAnalysis", total, stored);
        assert_eq!(block["totalFailingRows"], total, "{block:#}");
        assert_eq!(block["sampleRowCount"], stored, "{block:#}");
        for key in ["failingRowsQueryName", "passingRowsQueryName"] {
            let query = block[key].as_str().unwrap_or_default();
            assert!(
                names.contains(&query),
                "{key} {query:?} not among the queries {names:#?}"
            );
        }
    }
    let sampled: Vec<&str> = expect_sample(
        &r,
        &run,
        "values in (order_id, customer_id) must exist in orders (id, customer_id)",
        "failedRowsAnalysis",
        2,
        2,
    )["file"]["columns"]
        .as_array()
        .map(|c| c.iter().filter_map(|c| c["name"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(sampled, ["id", "order_id", "customer_id", "shipped_at"]);
}

/// User-defined metrics: `query` in a dataset section and at data-source level, `sql_file`,
/// `expression`; a failing query errors only its own check.
pub fn user_defined_metrics(db: Database) {
    let t = Test::with(&db);
    t.write(
        "sql/pending.sql",
        "SELECT COUNT(*) FROM orders WHERE status = 'pending'\n",
    );
    t.write(
        "checks.yml",
        "
        checks:
          - shipped_orders = 3:
              shipped_orders query: SELECT COUNT(*) FROM orders WHERE status = 'shipped'
          - broken = 0:
              broken query: SELECT no_such_column FROM orders
        checks for customers:
          - avg_age_in_be between 41 and 42:
              avg_age_in_be query: |
                SELECT country, AVG(age)
                FROM customers
                WHERE country = 'BE'
                GROUP BY country
          - be_share = 40:
              be_share expression: 100.0 * COUNT(CASE WHEN country = 'BE' THEN 1 END) / COUNT(*)
          - row_count = 10
        checks for orders:
          - pending_orders = 1:
              pending_orders sql_file: sql/pending.sql
        ",
    );
    let run = t.scan(&["checks.yml"]);
    run.expect_code(3);
    let r = t.results();
    // Query values are floats (the last non-NULL column of the first row).
    expect_check(&r, &run, "shipped_orders = 3", "pass", json!(3.0));
    expect_check(
        &r,
        &run,
        "avg_age_in_be between 41 and 42",
        "pass",
        json!(41.25),
    );
    expect_check(&r, &run, "pending_orders = 1", "pass", json!(1.0));
    expect_check(&r, &run, "be_share = 40", "pass", json!(40.0));
    expect_check(&r, &run, "row_count = 10", "pass", json!(10));
    assert_eq!(r.check("shipped_orders = 3")["table"], Value::Null);
    assert_eq!(
        r.check("avg_age_in_be between 41 and 42")["table"],
        "customers"
    );
    expect_not_evaluated(&r, &run, &["broken = 0"]);
    let errors = r.errors();
    assert_eq!(errors.len(), 1, "one problem, one error: {errors:#?}");
    assert!(
        errors[0].starts_with("Query execution error") && errors[0].contains("[broken = 0]"),
        "{errors:#?}"
    );
    let failed: Vec<&str> = r
        .queries()
        .iter()
        .filter(|q| !q["exception"].is_null())
        .filter_map(|q| q["name"].as_str())
        .collect();
    assert_eq!(failed.len(), 1, "only the broken query fails\n{run}");
    assert!(
        failed[0].ends_with(&format!(".{}.user_defined_query[broken = 0]", db.name())),
        "{failed:?}"
    );
}

/// Failed rows: `fail condition` (fail; warn with thresholds), `fail query` in a dataset and
/// at data-source level (the value counts rows), `samples limit` on both.
pub fn failed_rows(db: Database) {
    let t = Test::with(&db);
    t.write(
        "checks.yml",
        "
        checks:
          - failed rows:
              name: orders without a customer
              fail query: SELECT id FROM orders WHERE customer_id IS NULL
        checks for orders:
          - failed rows:
              name: small orders
              fail condition: total < 10
          - failed rows:
              name: small orders, one sample
              fail condition: total < 10
              samples limit: 1
          - failed rows:
              name: small orders with thresholds
              fail condition: total < 10
              warn: when > 0
              fail: when > 5
          - failed rows:
              name: no negative totals
              fail condition: total < 0
        checks for customers:
          - failed rows:
              name: bad emails
              fail query: |
                SELECT id, email FROM customers WHERE email NOT LIKE '%@%.%'
          - failed rows:
              name: bad emails, one sample
              samples limit: 1
              fail query: |
                SELECT id, email FROM customers WHERE email NOT LIKE '%@%.%'
        ",
    );
    let run = t.scan(&["checks.yml"]);
    run.expect_code(2);
    let r = t.results();
    for (name, outcome, value) in [
        ("orders without a customer", "fail", 1),
        ("small orders", "fail", 2),
        ("small orders, one sample", "fail", 2),
        ("small orders with thresholds", "warn", 2),
        ("no negative totals", "pass", 0),
        ("bad emails", "fail", 3),
        ("bad emails, one sample", "fail", 3),
    ] {
        expect_check(&r, &run, name, outcome, json!(value));
    }
    expect_diagnostics(
        &r,
        &run,
        "small orders with thresholds",
        json!({"warn": {"greaterThan": 0.0}, "fail": {"greaterThan": 5.0}}),
    );
    assert_eq!(r.check("orders without a customer")["table"], Value::Null);
    assert!(blocks(&r, "no negative totals").is_empty());
    expect_sample(&r, &run, "orders without a customer", "file", 1, 1);
    expect_sample(&r, &run, "small orders", "file", 2, 2);
    expect_sample(&r, &run, "small orders, one sample", "file", 2, 1);
    expect_sample(&r, &run, "small orders with thresholds", "file", 2, 2);
    let block = expect_sample(&r, &run, "bad emails", "file", 3, 3);
    let columns: Vec<&str> = block["file"]["columns"]
        .as_array()
        .map(|c| c.iter().filter_map(|c| c["name"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(columns, ["id", "email"], "{block:#}");
    expect_sample(&r, &run, "bad emails, one sample", "file", 3, 1);
    assert!(r.errors().is_empty(), "{run}");
}

/// Group by: one result per group and nested check, named `<name> [<group>]`; the parent is
/// never in the results; a failing child makes the scan fail, passing children do not.
pub fn group_by(db: Database) {
    let t = Test::with(&db);
    let checks = |threshold: &str| {
        format!(
            "
            checks for customers:
              - group by:
                  query: |
                    SELECT country, COUNT(*) AS n, AVG(age) AS avg_age
                    FROM customers
                    WHERE country IN ('BE', 'FR')
                    GROUP BY country
                    ORDER BY country
                  fields: [country]
                  checks:
                    - n > {threshold}:
                        name: customers per country
                    - avg_age:
                        name: average age
                        fail: when > 50
            "
        )
    };
    t.write("checks.yml", &checks("2"));
    let run = t.scan(&["checks.yml"]);
    run.expect_code(2);
    let r = t.results();
    assert_eq!(
        r.names(),
        [
            "customers per country [BE]",
            "average age [BE]",
            "customers per country [FR]",
            "average age [FR]"
        ],
        "{run}"
    );
    expect_check(&r, &run, "customers per country [BE]", "pass", json!(4));
    expect_check(&r, &run, "customers per country [FR]", "fail", json!(2));
    expect_check(&r, &run, "average age [BE]", "pass", json!(41.25));
    expect_check(&r, &run, "average age [FR]", "pass", json!(40.0));
    let group = &r.check("customers per country [FR]")["group"];
    assert_eq!(group["name"], "customers per country", "{group}");
    assert_eq!(group["distinctLabel"], "FR", "{group}");
    expect_diagnostics(
        &r,
        &run,
        "customers per country [FR]",
        json!({"fail": {"lessThanOrEqual": 2.0}}),
    );

    // Every group passing: the scan passes.
    t.write("checks.yml", &checks("1"));
    let run = t.scan(&["checks.yml"]);
    run.expect_code(0);
    let r = t.results();
    expect_check(&r, &run, "customers per country [FR]", "pass", json!(2));
}

/// `group evolution`: required and forbidden groups from a query's first column; change
/// validations without Soda Cloud history are not evaluated (`notEnoughHistory`).
pub fn group_evolution(db: Database) {
    let t = Test::with(&db);
    t.write(
        "checks.yml",
        "
        checks for customers:
          - group evolution:
              name: countries present
              query: SELECT DISTINCT country FROM customers
              fail:
                when required group missing: [BE, FR, XX]
              warn:
                when forbidden group present: [F%]
          - group evolution:
              name: no forbidden country
              query: SELECT DISTINCT country FROM customers
              fail:
                when forbidden group present: [ZZ%]
          - group evolution:
              name: countries stable
              query: SELECT DISTINCT country FROM customers
              warn:
                when groups change: any
        ",
    );
    let run = t.scan(&["checks.yml"]);
    // "when groups change" without Soda Cloud or a results store is an error (exit 3).
    run.expect_code(3);
    let r = t.results();
    assert_eq!(r.outcome("countries present"), "fail", "{run}");
    assert_eq!(r.outcome("no forbidden country"), "pass", "{run}");
    expect_not_evaluated(&r, &run, &["countries stable"]);
    run.expect_stdout_contains("fail_missing_groups = [XX]");
    run.expect_stdout_contains("warn_forbidden_groups_present = [FR]");
}

/// `row_count same as`: another table, another partition, and tables of another configured
/// data source (a second SQLite file holding the same dataset).
pub fn row_count_comparisons(db: Database) {
    let t = Test::with(&db);
    if !t.join("shop.sqlite").exists() {
        db::sqlite_shop(&t);
    }
    std::fs::copy(t.join("shop.sqlite"), t.join("other.sqlite")).expect("copy the SQLite file");
    let config = std::fs::read_to_string(t.join("configuration.yml")).expect("configuration");
    t.write(
        "configuration.yml",
        &format!("{config}data_source other:\n  type: sqlite\n  path: other.sqlite\n"),
    );
    t.write(
        "checks.yml",
        "
        filter orders [shipped]:
          where: status = 'shipped'
        filter customers [fr_or_ie]:
          where: country IN ('FR', 'IE')

        checks for shipments:
          - row_count same as orders:
              name: as many shipments as orders
        checks for customers:
          - row_count same as orders:
              name: as many customers as orders
        checks for orders [shipped]:
          - row_count same as customers [fr_or_ie]:
              name: shipped orders vs French and Irish customers
          - row_count same as orders [shipped] in other:
              name: shipped orders here and there
        checks for orders:
          - row_count same as orders in other:
              name: orders here and there
          - row_count same as customers in other:
              name: orders here vs customers there
        ",
    );
    let run = t.scan(&["checks.yml"]);
    run.expect_code(2);
    let r = t.results();
    for (name, outcome, diff, own, other) in [
        ("as many shipments as orders", "pass", 0, 6, 6),
        ("as many customers as orders", "fail", 4, 10, 6),
        (
            "shipped orders vs French and Irish customers",
            "pass",
            0,
            3,
            3,
        ),
        ("shipped orders here and there", "pass", 0, 3, 3),
        ("orders here and there", "pass", 0, 6, 6),
        ("orders here vs customers there", "fail", -4, 6, 10),
    ] {
        expect_check(&r, &run, name, outcome, json!(diff));
        expect_diagnostics(
            &r,
            &run,
            name,
            json!({"rowCount": own, "otherRowCount": other}),
        );
    }
    let ds = db.name();
    assert_eq!(
        r.check("shipped orders here and there")["metrics"],
        json!([
            format!("metric-Soda Core CLI-{ds}-orders-shipped-row_count"),
            "metric-Soda Core CLI-other-orders-shipped-row_count",
        ])
    );
    assert_eq!(
        r.check("shipped orders vs French and Irish customers")["metrics"],
        json!([
            format!("metric-Soda Core CLI-{ds}-orders-shipped-row_count"),
            format!("metric-Soda Core CLI-{ds}-customers-fr_or_ie-row_count"),
        ])
    );
    let other_queries: Vec<&str> = r
        .queries()
        .iter()
        .filter_map(|q| q["name"].as_str())
        .filter(|n| n.contains(".other."))
        .collect();
    assert_eq!(
        other_queries.len(),
        3,
        "one aggregation query per table and partition of the other data source: {other_queries:#?}"
    );
}

/// `for each dataset`: include and exclude patterns, the alias in check names and user SQL.
pub fn for_each_dataset(db: Database) {
    let t = Test::with(&db);
    t.write(
        "checks.yml",
        "
        for each dataset T:
          datasets:
            - include cust%
            - include ord%
            - include ship%
            - exclude ship%
          checks:
            - row_count > 0:
                name: ${T} has rows
            - failed rows:
                name: ${T} ids are set
                fail query: SELECT id FROM ${T} WHERE id IS NULL
        for each dataset S:
          datasets:
            - shipments
          checks:
            - row_count = 6:
                name: ${S} rows
        ",
    );
    let run = t.scan(&["checks.yml"]);
    run.expect_code(0);
    let r = t.results();
    let mut names = r.names();
    names.sort();
    assert_eq!(
        names,
        [
            "customers has rows",
            "customers ids are set",
            "orders has rows",
            "orders ids are set",
            "shipments rows"
        ],
        "{run}"
    );
    expect_check(&r, &run, "customers has rows", "pass", json!(10));
    expect_check(&r, &run, "orders has rows", "pass", json!(6));
    expect_check(&r, &run, "shipments rows", "pass", json!(6));
    expect_check(&r, &run, "orders ids are set", "pass", json!(0));
    for (name, table) in [
        ("customers has rows", "customers"),
        ("orders ids are set", "orders"),
        ("shipments rows", "shipments"),
    ] {
        assert_eq!(r.check(name)["table"], table, "{name}");
    }
    assert!(
        r.queries()
            .iter()
            .any(|q| q["sql"] == "SELECT id FROM customers WHERE id IS NULL"),
        "the alias is rendered in user SQL\n{run}"
    );
}

/// Change-over-time and anomaly checks need Soda Cloud: errors, not evaluated, exit 3.
/// `when schema changes` without history: a warning and the outcome reason `notEnoughHistory`.
pub fn cloud_only_checks(db: Database) {
    let t = Test::with(&db);
    t.write(
        "checks.yml",
        "
        checks for orders:
          - change for row_count < 10
          - change percent for row_count between -10% and +20%
          - anomaly detection for row_count
          - anomaly score for row_count < default
          - schema:
              warn:
                when schema changes: any
          - group evolution:
              name: countries stable
              query: SELECT DISTINCT customer_id FROM orders
              warn:
                when groups change: any
          - row_count = 6
        ",
    );
    let run = t.scan(&["checks.yml"]);
    run.expect_code(3);
    let r = t.results();
    assert_eq!(r.names(), ["row_count = 6"], "{run}");
    expect_check(&r, &run, "row_count = 6", "pass", json!(6));
    expect_not_evaluated(
        &r,
        &run,
        &[
            "change for row_count < 10",
            "change percent for row_count between -10% and +20%",
            "anomaly detection for row_count",
            "anomaly score for row_count < default",
            "Schema Check",
            "countries stable",
        ],
    );
    let cloud =
        "Soda Core must be configured to connect to Soda Cloud to use change-over-time checks.";
    let anomaly = "Anomaly checks compare with the metric's history: configure Soda Cloud or a results store (results_store: or --store)";
    // Soda Core errors on these too ("must be configured to connect to Soda Cloud").
    let history = |condition: &str| {
        format!("Checks with \"when {condition}\" compare with history: configure Soda Cloud or a results store (results_store: or --store)")
    };
    assert_eq!(
        located(&r, "error"),
        [
            (cloud.to_string(), "checks.yml:2:5".to_string()),
            (cloud.to_string(), "checks.yml:3:5".to_string()),
            (anomaly.to_string(), "checks.yml:4:5".to_string()),
            (anomaly.to_string(), "checks.yml:5:5".to_string()),
            (history("schema changes"), "checks.yml:6:5".to_string()),
            (history("groups change"), "checks.yml:9:5".to_string()),
        ],
        "{run}"
    );
    assert!(located(&r, "warning").is_empty(), "{run}");
}

/// `profile columns`, `discover datasets` and `sample datasets` run without Soda Cloud; their
/// results are the `profiling` and `metadata` sections of the results document.
pub fn profiling_sections(db: Database) {
    let ty = types(db);
    let t = Test::with(&db);
    t.write(
        "checks.yml",
        "
        profile columns:
          columns:
            - orders.%
            - exclude orders.id
            - exclude orders.customer_id
        discover datasets:
          datasets:
            - include orders
        sample datasets:
          datasets:
            - include shipments
        checks for orders:
          - row_count = 6
        ",
    );
    let run = t.scan(&["checks.yml"]);
    run.expect_code(0);
    let r = t.results();
    expect_check(&r, &run, "row_count = 6", "pass", json!(6));
    let doc = &r.0;

    // discover datasets: the column metadata of orders.
    let schema: Vec<Value> = ty
        .orders
        .iter()
        .map(|(c, t)| json!({"columnName": c, "sourceDataType": t}))
        .collect();
    assert_eq!(
        doc["metadata"],
        json!([{"table": "orders", "dataSource": db.name(), "schema": schema}])
    );

    // profile columns: text and numeric columns (the timestamp is not profiled).
    let profiling = doc["profiling"].as_array().expect("profiling is a list");
    assert_eq!(profiling.len(), 2, "{profiling:#?}");
    let orders = &profiling[0];
    assert_eq!(orders["table"], "orders");
    assert_eq!(orders["dataSource"], db.name());
    assert_eq!(orders["rowCount"], 6);
    let profiles = orders["columnProfiles"].as_array().expect("columnProfiles");
    let columns: Vec<&str> = profiles
        .iter()
        .filter_map(|p| p["columnName"].as_str())
        .collect();
    assert_eq!(columns, ["status", "total"], "{orders:#}");
    let status = &profiles[0]["profile"];
    assert_eq!(num(&status["distinct"]), 3.0, "{status:#}");
    assert_eq!(num(&status["missing_count"]), 1.0, "{status:#}");
    assert_eq!(status["min_length"], 7, "{status:#}");
    assert_eq!(status["max_length"], 9, "{status:#}");
    assert_eq!(status["avg_length"], 7, "{status:#}");
    assert_eq!(
        status["frequent_values"],
        json!([
            {"value": "shipped", "frequency": 3},
            {"value": "cancelled", "frequency": 1},
            {"value": "pending", "frequency": 1},
        ])
    );
    assert_eq!(status["min"], Value::Null);
    let total = &profiles[1]["profile"];
    for (key, expected) in [
        ("min", 3.75),
        ("max", 100.0),
        ("avg", 31.75),
        ("sum", 190.5),
        ("variance", 1312.7),
        ("stddev", 1312.7_f64.sqrt()),
        ("distinct", 6.0),
        ("missing_count", 0.0),
    ] {
        assert_close(key, num(&total[key]), expected, 1e-9);
    }
    let list = |key: &str| -> Vec<f64> {
        total[key]
            .as_array()
            .map(|v| v.iter().map(num).collect())
            .unwrap_or_default()
    };
    assert_eq!(list("mins"), [3.75, 7.25, 12.5, 25.0, 42.0], "{total:#}");
    assert_eq!(list("maxs"), [100.0, 42.0, 25.0, 12.5, 7.25], "{total:#}");
    assert_eq!(total["avg_length"], Value::Null);

    // sample datasets: up to 100 rows of shipments, described (not sent anywhere).
    let sample = &profiling[1];
    assert_eq!(sample["table"], "shipments");
    assert_eq!(sample["dataSource"], db.name());
    let file = &sample["sampleFile"];
    assert_eq!(file["totalRowCount"], 6, "{file:#}");
    assert_eq!(file["storedRowCount"], 6, "{file:#}");
    let names: Vec<&str> = file["columns"]
        .as_array()
        .map(|c| c.iter().filter_map(|c| c["name"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(names, ["id", "order_id", "customer_id", "shipped_at"]);
}

/// A table that does not exist: its checks error (not evaluated), the others still run.
pub fn unknown_table(db: Database) {
    let t = Test::with(&db);
    t.write(
        "checks.yml",
        "
        checks for no_such_table:
          - row_count > 0
          - schema:
              fail:
                when required column missing: [id]
        checks for orders:
          - row_count = 6
        ",
    );
    let run = t.scan(&["checks.yml"]);
    run.expect_code(3);
    let r = t.results();
    assert_eq!(r.names(), ["row_count = 6"], "{run}");
    expect_check(&r, &run, "row_count = 6", "pass", json!(6));
    expect_not_evaluated(&r, &run, &["row_count > 0", "Schema Check"]);
    // One problem, one error: the failed query, not one more per check it stopped.
    let errors = r.errors();
    assert!(
        errors.iter().all(|e| !e.contains("were not computed")),
        "{errors:#?}"
    );
    let exceptions: Vec<&str> = r
        .queries()
        .iter()
        .filter_map(|q| q["exception"].as_str())
        .collect();
    // Spark's DESCRIBE TABLE fails on a missing table, where information_schema returns no
    // rows: there the schema query is a second failing query.
    let failing = if db == Database::Spark { 2 } else { 1 };
    assert_eq!(exceptions.len(), failing, "{exceptions:#?}");
    assert!(
        exceptions.iter().all(|e| e.contains("no_such_table")),
        "{exceptions:#?}"
    );
}

/// A column that does not exist errors only the checks reading it, whatever their type.
pub fn unknown_column(db: Database) {
    let t = Test::with(&db);
    t.write(
        "checks.yml",
        "
        checks for customers:
          - missing_count(no_such_column) = 0
          - freshness(no_such_column) < 1d
          - row_count = 10
          - max(age) = 61
        ",
    );
    let run = t.scan(&["-v", "NOW=2024-01-10T00:00:00Z", "checks.yml"]);
    run.expect_code(3);
    let r = t.results();
    let mut names = r.names();
    names.sort();
    assert_eq!(names, ["max(age) = 61", "row_count = 10"], "{run}");
    expect_check(&r, &run, "row_count = 10", "pass", json!(10));
    expect_check(&r, &run, "max(age) = 61", "pass", json!(61));
    expect_not_evaluated(
        &r,
        &run,
        &[
            "missing_count(no_such_column) = 0",
            "freshness(no_such_column) < 1d",
        ],
    );
    // One error per failed query, none more per check it stopped.
    let errors = r.errors();
    assert!(
        errors.iter().all(|e| !e.contains("were not computed")),
        "{errors:#?}"
    );
    assert!(
        errors
            .iter()
            .any(|e| e.starts_with("Query execution error") && e.contains("no_such_column")),
        "{errors:#?}"
    );
}

/// `${NOT_SET}` renders as empty with a warning at the check's file and line (not an error);
/// a freshness "now" variable that is not set fails the check with an error.
pub fn missing_variable(db: Database) {
    let t = Test::with(&db);
    t.write(
        "checks.yml",
        "
        checks for customers:
          - row_count = 10:
              name: ${NOT_SET}customers rows
          - missing_count(email) = 0:
              name: no missing Belgian emails
              filter: country = '${NOT_SET}BE'
        ",
    );
    let run = t.scan(&["checks.yml"]);
    run.expect_code(0);
    let r = t.results();
    expect_check(&r, &run, "customers rows", "pass", json!(10));
    expect_check(&r, &run, "no missing Belgian emails", "pass", json!(0));
    let warning = "Variable ${NOT_SET} is not defined; it renders as empty";
    assert_eq!(
        located(&r, "warning"),
        [
            (warning.to_string(), "checks.yml:2:5".to_string()),
            (warning.to_string(), "checks.yml:4:5".to_string()),
        ],
        "{run}"
    );
    run.expect_stdout_contains(&format!("{warning}\n  +-> line=2,col=5 in checks.yml\n"));
    assert!(r.errors().is_empty(), "{run}");

    t.write(
        "checks.yml",
        "
        checks for customers:
          - freshness(created_at, NOT_SET_NOW) < 1d
        ",
    );
    let run = t.scan(&["checks.yml"]);
    run.expect_code(3);
    let r = t.results();
    // No "now", no value: Soda Core 3.5.6 reports null (not 0) and fails the check.
    expect_check(
        &r,
        &run,
        "freshness(created_at, NOT_SET_NOW) < 1d",
        "fail",
        Value::Null,
    );
    expect_diagnostics(
        &r,
        &run,
        "freshness(created_at, NOT_SET_NOW) < 1d",
        json!({"nowVariableName": "NOT_SET_NOW", "nowTimestamp": null, "freshness": null}),
    );
    assert_eq!(
        located(&r, "error"),
        [(
            "Could not parse variable NOT_SET_NOW as a timestamp: variable not found".to_string(),
            "checks.yml:2:5".to_string()
        )],
        "{run}"
    );
}
