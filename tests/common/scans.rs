//! The scans every engine runs on the shared dataset, with the values each must report.
//!
//! Each function is one user scenario: write a checks file, scan, read `-srf results.json`.
//! The engine modules (`sqlite`, `postgres`, `mysql`) call them, so a value that differs
//! between engines fails in the module of that engine. Counts must be identical JSON (integers
//! stay integers, percentages are floats); other numbers are compared within a tolerance.

use super::{assert_close, Database, Test};
use serde_json::{json, Value};
use std::path::Path;
use std::time::{Duration, Instant};

/// The relative tolerance for statistics: the same value on every engine.
const EXACT: f64 = 1e-9;

/// The relative tolerance for averages. MariaDB returns `AVG` of integers and decimals as a
/// DECIMAL with 4 more digits of scale (`div_precision_increment`), as Soda Core reports too.
const AVERAGE: f64 = 1e-5;

/// Asserts every check's value, then the exit code (a wrong value also fails its check).
#[track_caller]
fn expect_values(t: &Test, run: &super::Run, expected: &Value) {
    let got: serde_json::Map<String, Value> = t.results().values().into_iter().collect();
    assert_eq!(&Value::Object(got), expected, "check values differ\n{run}");
    run.expect_code(0);
}

/// Row, missing, invalid and duplicate counts and their percentages.
pub fn counts(db: Database) {
    let t = Test::with(&db);
    t.write(
        "checks.yml",
        r#"
        checks for customers:
          - row_count = 10
          - missing_count(email) = 1
          - missing_percent(email) = 10
          - missing_count(name) = 2:
              missing values: ["O'Brien"]
          - missing_count(country) = 2:
              missing values: [N/A, "-"]
          - missing_count(age) = 4:
              missing values: [0, 45]
          - invalid_count(email) = 3:
              valid format: email
          - invalid_percent(email) = 30:
              valid format: email
          - invalid_count(ref) = 2:
              valid format: uuid
          - invalid_count(code) = 2:
              valid format: integer
          - invalid_count(country) = 1:
              valid length: 2
          - invalid_count(country) = 3:
              valid values: [BE, FR]
          - invalid_count(age) = 2:
              valid min: 20
              valid max: 60
          - valid_count(email) = 6:
              valid format: email
          - duplicate_count(name) = 1
          - duplicate_count(country) = 2
          - duplicate_count(name, email) = 1
          - duplicate_percent(name) = 10
        checks for orders:
          - row_count = 6
          - missing_count(status) = 1
        "#,
    );
    let run = t.scan(&["checks.yml"]);
    expect_values(
        &t,
        &run,
        &json!({
            "row_count = 10": 10,
            "missing_count(email) = 1": 1,
            "missing_percent(email) = 10": 10.0,
            "missing_count(name) = 2": 2,
            "missing_count(country) = 2": 2,
            "missing_count(age) = 4": 4,
            "invalid_count(email) = 3": 3,
            "invalid_percent(email) = 30": 30.0,
            "invalid_count(ref) = 2": 2,
            "invalid_count(code) = 2": 2,
            "invalid_count(country) = 1": 1,
            "invalid_count(country) = 3": 3,
            "invalid_count(age) = 2": 2,
            "valid_count(email) = 6": 6,
            "duplicate_count(name) = 1": 1,
            "duplicate_count(country) = 2": 2,
            "duplicate_count(name, email) = 1": 1,
            "duplicate_percent(name) = 10": 10.0,
            "row_count = 6": 6,
            "missing_count(status) = 1": 1,
        }),
    );
}

/// min, max, sum and avg on integer, float and decimal columns.
pub fn aggregates(db: Database) {
    let t = Test::with(&db);
    t.write(
        "checks.yml",
        "
        checks for customers:
          - min(age) = 19
          - max(age) = 61
          - sum(age) = 358
          - avg(age) between 39.77 and 39.78
          - min(size) = 1.5
          - max(size) = 9.5
          - sum(size) = 48
          - avg(size) between 5.33 and 5.34
          - min(amount) = 0.01
          - max(amount) = 99.99
          - sum(amount) between 235.91 and 235.93
          - avg(amount) between 26.21 and 26.22
        checks for orders:
          - sum(total) = 190.5
        ",
    );
    let run = t.scan(&["checks.yml"]);
    run.expect_code(0);
    let r = t.results();
    let expected = [
        ("min(age) = 19", 19.0, EXACT),
        ("max(age) = 61", 61.0, EXACT),
        ("sum(age) = 358", 358.0, EXACT),
        ("avg(age) between 39.77 and 39.78", 358.0 / 9.0, AVERAGE),
        ("min(size) = 1.5", 1.5, EXACT),
        ("max(size) = 9.5", 9.5, EXACT),
        ("sum(size) = 48", 48.0, EXACT),
        ("avg(size) between 5.33 and 5.34", 48.0 / 9.0, EXACT),
        ("min(amount) = 0.01", 0.01, EXACT),
        ("max(amount) = 99.99", 99.99, EXACT),
        ("sum(amount) between 235.91 and 235.93", 235.92, EXACT),
        ("avg(amount) between 26.21 and 26.22", 235.92 / 9.0, AVERAGE),
        ("sum(total) = 190.5", 190.5, EXACT),
    ];
    for (name, value, rel) in expected {
        assert_close(name, r.number(name), value, rel);
    }
    // Integer columns keep integer minimums and maximums.
    assert_eq!(r.check("min(age) = 19")["diagnostics"]["value"], json!(19));
    assert_eq!(r.check("max(age) = 61")["diagnostics"]["value"], json!(61));
}

/// Sample and population statistics and discrete percentiles: PostgreSQL's meaning everywhere.
pub fn statistics(db: Database) {
    let t = Test::with(&db);
    t.write(
        "checks.yml",
        "
        checks for customers:
          - stddev(age) between 13.19 and 13.2
          - stddev_samp(age) between 13.19 and 13.2
          - stddev_pop(age) between 12.44 and 12.45
          - variance(age) between 174.19 and 174.2
          - var_samp(age) between 174.19 and 174.2
          - var_pop(age) between 154.83 and 154.84
          - stddev(size) between 2.76 and 2.77
          - variance(amount) between 931.94 and 931.95
          - percentile(age, 0.5) = 45
          - percentile(size, 0.25) = 3
          - percentile(amount, 0.75) = 30
        ",
    );
    let run = t.scan(&["checks.yml"]);
    run.expect_code(0);
    let r = t.results();
    // Reference values: Python's statistics module on the fixture rows.
    let expected = [
        ("stddev(age) between 13.19 and 13.2", 13.198274297969581),
        (
            "stddev_samp(age) between 13.19 and 13.2",
            13.198274297969581,
        ),
        (
            "stddev_pop(age) between 12.44 and 12.45",
            12.443452341405882,
        ),
        ("variance(age) between 174.19 and 174.2", 174.19444444444446),
        ("var_samp(age) between 174.19 and 174.2", 174.19444444444446),
        ("var_pop(age) between 154.83 and 154.84", 154.8395061728395),
        ("stddev(size) between 2.76 and 2.77", 2.7641680484369977),
        ("variance(amount) between 931.94 and 931.95", 931.94775),
        ("percentile(age, 0.5) = 45", 45.0),
        ("percentile(size, 0.25) = 3", 3.0),
        ("percentile(amount, 0.75) = 30", 30.0),
    ];
    for (name, value) in expected {
        assert_close(name, r.number(name), value, EXACT);
    }
}

/// Length metrics count characters, not bytes (`Zoë` is 3, `Ñúñez` is 5).
pub fn lengths(db: Database) {
    let t = Test::with(&db);
    t.write(
        "checks.yml",
        "
        checks for customers:
          - min_length(name) = 3
          - max_length(name) = 7
          - avg_length(name) between 4.33 and 4.34
          - invalid_count(name) = 5:
              valid max length: 3
        ",
    );
    let run = t.scan(&["checks.yml"]);
    run.expect_code(0);
    let r = t.results();
    assert_close("min_length", r.number("min_length(name) = 3"), 3.0, EXACT);
    assert_close("max_length", r.number("max_length(name) = 7"), 7.0, EXACT);
    assert_close(
        "avg_length",
        r.number("avg_length(name) between 4.33 and 4.34"),
        39.0 / 9.0,
        AVERAGE,
    );
    // Longer than 3 characters: Alice, O'Brien, Ñúñez, Carol, Frank; not Zoë (4 bytes).
    assert_eq!(
        r.check("invalid_count(name) = 5")["diagnostics"]["value"],
        json!(5)
    );
}

/// Check filters and dataset partitions (`filter T [p]` + `checks for T [p]`).
pub fn filters_and_partitions(db: Database) {
    let t = Test::with(&db);
    t.write(
        "checks.yml",
        "
        filter customers [be]:
          where: country = 'BE'

        checks for customers [be]:
          - row_count = 4
          - avg(age) between 41 and 42
          - missing_count(email) = 0

        checks for customers:
          - row_count = 6:
              name: customers over 30
              filter: age > 30
          - missing_count(email) = 1:
              name: missing emails over 30
              filter: age > 30
          - row_count = 5:
              name: created since January 5th
              filter: created_at >= '2024-01-05'
        ",
    );
    let run = t.scan(&["checks.yml"]);
    run.expect_code(0);
    let r = t.results();
    assert_eq!(r.check("row_count = 4")["diagnostics"]["value"], json!(4));
    assert_close(
        "BE average age",
        r.number("avg(age) between 41 and 42"),
        41.25,
        AVERAGE,
    );
    assert_eq!(
        r.check("missing_count(email) = 0")["diagnostics"]["value"],
        json!(0)
    );
    assert_eq!(
        r.check("customers over 30")["diagnostics"]["value"],
        json!(6)
    );
    assert_eq!(
        r.check("missing emails over 30")["diagnostics"]["value"],
        json!(1)
    );
    assert_eq!(
        r.check("created since January 5th")["diagnostics"]["value"],
        json!(5)
    );
    // The partition has its own metric identities and its own query.
    let identity = format!("metric-Soda Core CLI-{}-customers-be-row_count", db.name());
    assert_eq!(r.check("row_count = 4")["metrics"], json!([identity]));
    let partition_query = r
        .queries()
        .iter()
        .find(|q| q["partition"] == "be")
        .unwrap_or_else(|| panic!("no query for partition be\n{run}"));
    assert!(
        partition_query["sql"]
            .as_str()
            .unwrap_or_default()
            .contains("WHERE country = 'BE'"),
        "{partition_query}"
    );
}

/// Values from a checks file are data, never SQL: quotes and backslashes in `missing values`
/// are escaped, and statements smuggled into filters do not run. The tables are unchanged.
pub fn hostile_checks_never_write(db: Database) {
    let t = Test::with(&db);
    t.write(
        "checks.yml",
        r#"
        filter customers [hostile]:
          where: "1=1; DROP TABLE orders"

        checks for customers [hostile]:
          - row_count > 0

        checks for customers:
          - missing_count(name) = 1:
              name: quote in missing values
              missing values: ["x'); DELETE FROM customers; --"]
          - missing_count(name) = 1:
              name: backslash in missing values
              missing values: ["\\'); DELETE FROM customers; --"]
          - row_count > 0:
              name: statements smuggled through a filter
              filter: "1=1 THEN 1 END) FROM customers; DELETE FROM customers; SELECT COUNT(CASE WHEN 1=1"
          - row_count > 0:
              name: write after a filter
              filter: "1=1; DELETE FROM customers"
        "#,
    );
    let run = t.scan(&["checks.yml"]);
    assert!(
        matches!(run.code, 0 | 2 | 3),
        "the scan must finish with a result or an error\n{run}"
    );
    let r = t.results();
    assert_eq!(r.outcome("quote in missing values"), "pass", "{run}");
    assert_eq!(r.outcome("backslash in missing values"), "pass", "{run}");
    assert_eq!(
        db.count_rows(&t, "customers"),
        10,
        "customers was written to\n{run}"
    );
    assert_eq!(
        db.count_rows(&t, "orders"),
        6,
        "orders was written to\n{run}"
    );
}

/// A check whose filter names a column that does not exist errors alone; the other checks of
/// the same table, planned into the same aggregation query, are still evaluated.
pub fn failing_check_is_isolated(db: Database) {
    let t = Test::with(&db);
    t.write(
        "checks.yml",
        "
        checks for customers:
          - row_count = 10
          - missing_count(email) = 1
          - row_count > 0:
              name: filter on a missing column
              filter: no_such_column > 0
          - max(age) = 61
        ",
    );
    let run = t.scan(&["checks.yml"]);
    run.expect_code(3);
    let r = t.results();
    assert_eq!(
        r.names(),
        [
            "row_count = 10",
            "missing_count(email) = 1",
            "max(age) = 61"
        ],
        "{run}"
    );
    for name in r.names() {
        assert_eq!(r.outcome(&name), "pass", "{name}\n{run}");
    }
    run.expect_stdout_contains("      filter on a missing column [NOT EVALUATED]\n");
    let errors = r.errors();
    assert!(
        errors.iter().any(|e| e.contains("no_such_column")),
        "the query error names the column: {errors:#?}"
    );
    assert!(
        errors.iter().all(|e| !e.contains("were not computed")),
        "one problem, one error: {errors:#?}"
    );
}

/// A statement that outlives the data source's `query_timeout` errors its own check; the scan
/// still finishes, with the other check of the table evaluated.
pub fn query_timeout(db: Database, sleeping_filter: &str, timeout_message: &str) {
    // Spark's `COUNT(*)` alone can take over a second on a loaded 2-core machine, and then the
    // check that should pass times out too; its sleeping filter never ends, so a longer
    // timeout still stops it.
    let seconds = if db == Database::Spark { 4 } else { 1 };
    let t = Test::with_config(&db, &format!("  query_timeout: {seconds}\n"));
    t.write(
        "checks.yml",
        &format!(
            "
            checks for customers:
              - row_count = 10
              - row_count > 0:
                  name: slow
                  filter: {sleeping_filter}
            "
        ),
    );
    let start = Instant::now();
    let run = t.scan(&["checks.yml"]);
    let elapsed = start.elapsed();
    run.expect_code(3);
    assert!(
        elapsed < Duration::from_secs(20),
        "the scan took {elapsed:?}; the 1 s timeout did not stop the query\n{run}"
    );
    let r = t.results();
    assert_eq!(r.names(), ["row_count = 10"], "{run}");
    assert_eq!(r.outcome("row_count = 10"), "pass");
    let exceptions: Vec<&str> = r
        .queries()
        .iter()
        .filter_map(|q| q["exception"].as_str())
        .collect();
    assert!(
        exceptions.iter().any(|e| e.contains(timeout_message)),
        "expected a query exception containing {timeout_message:?}: {exceptions:#?}\n{run}"
    );
    run.expect_stdout_contains("      slow [NOT EVALUATED]\n");
}

/// A query that switches the session back to read-write (PostgreSQL `set_config`, MySQL
/// `SET SESSION TRANSACTION READ WRITE`, SQLite `PRAGMA query_only = OFF`) does not open the
/// door for the queries after it on the same pooled connection: every write still fails, and
/// SQLite refuses anything that is not a read (`VACUUM INTO` creates no file).
pub fn session_changes_do_not_outlive_a_query(db: Database) {
    let t = Test::with(&db);
    let unlock = match db {
        Database::Postgres => {
            "SELECT length(set_config('default_transaction_read_only', 'off', false))".to_string()
        }
        Database::MariaDb => "SET SESSION TRANSACTION READ WRITE".to_string(),
        Database::Sqlite => "PRAGMA query_only = OFF".to_string(),
        Database::Spark => "SET spark.sql.ansi.enabled = false".to_string(),
    };
    let copy = t.join("copy.db").to_string_lossy().into_owned();
    let mut checks = String::from("checks:\n");
    for i in 0..4 {
        checks.push_str(&format!(
            "  - unlock{i} > 0:\n      unlock{i} query: \"{unlock}\"\n"
        ));
    }
    checks.push_str(&format!(
        "  - copy > 0:\n      copy query: \"VACUUM INTO '{copy}'\"\nchecks for orders:\n"
    ));
    for i in 0..6 {
        let write = match db {
            Database::Postgres => "WITH d AS (DELETE FROM orders RETURNING *) SELECT * FROM d",
            // Parquet tables cannot DELETE, but TRUNCATE would empty one.
            Database::Spark => "TRUNCATE TABLE orders",
            _ => "DELETE FROM orders",
        };
        checks.push_str(&format!(
            "  - failed rows:\n      name: write {i}\n      fail query: \"{write}\"\n"
        ));
    }
    t.write("checks.yml", &checks);
    let run = t.scan(&["checks.yml"]);
    assert_eq!(run.code, 3, "writes are query errors\n{run}");
    assert_eq!(
        db.count_rows(&t, "orders"),
        6,
        "orders was written to\n{run}"
    );
    assert!(
        !Path::new(&copy).exists(),
        "VACUUM INTO wrote a file\n{run}"
    );
}

/// A duplicate count over columns that include the table's primary key is 0 by the catalogue,
/// without its GROUP BY (said with `-V`); other duplicate counts still run, and the key lookup
/// runs once per table. Spark has no keys: there every count runs.
pub fn duplicates_answered_by_keys(db: Database) {
    let t = Test::with(&db);
    t.write(
        "checks.yml",
        "
        checks for customers:
          - duplicate_count(id) = 0
          - duplicate_count(email, id) = 0
          - duplicate_count(email) = 1
        ",
    );
    let run = t.scan(&["-V", "checks.yml"]);
    run.expect_code(0);
    let r = t.results();
    let names = r.query_names();
    let lookups = names.iter().filter(|n| n.ends_with("unique_keys")).count();
    let counted = names
        .iter()
        .filter(|n| n.ends_with("duplicate_count"))
        .count();
    let skipped = run.stdout.matches(" not run: duplicate_count(").count();
    if db == Database::Spark {
        assert_eq!((lookups, counted, skipped), (0, 3, 0), "{names:?}\n{run}");
    } else {
        assert_eq!((lookups, counted, skipped), (1, 1, 2), "{names:?}\n{run}");
        run.expect_stdout_contains("is 0 because customers is unique by");
    }
    // The check's diagnostics say which key answered it, the way Soda Cloud shows tables.
    let key_block = |name: &str| {
        r.check(name)["diagnostics"]["blocks"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|b| b["title"] == "Answered by a unique key")
            .map(|b| b["text"].as_str().unwrap_or_default().to_string())
    };
    let keyed = key_block("duplicate_count(email, id) = 0");
    let unkeyed = key_block("duplicate_count(email) = 1");
    if db == Database::Spark {
        assert_eq!((keyed, unkeyed), (None, None));
    } else {
        let text = keyed.expect("a block naming the key");
        let mut lines = text.lines();
        assert_eq!(
            lines.next(),
            Some("Table,Columns,Unique key,Key columns,Query not run")
        );
        let row: Vec<&str> = lines.next().unwrap_or_default().split(',').collect();
        assert_eq!(
            (row[0], row[1], row[3]),
            ("customers", "email id", "id"),
            "{text}"
        );
        assert!(row[4].ends_with("duplicate_count"), "{text}");
        assert_eq!(unkeyed, None);
    }
}

/// The `#[test]`s every engine runs, for the `DB` of the calling module.
macro_rules! shared_scan_tests {
    () => {
        #[test]
        fn counts() {
            $crate::common::scans::counts(DB);
        }

        #[test]
        fn aggregates() {
            $crate::common::scans::aggregates(DB);
        }

        #[test]
        fn statistics() {
            $crate::common::scans::statistics(DB);
        }

        #[test]
        fn lengths_count_characters() {
            $crate::common::scans::lengths(DB);
        }

        #[test]
        fn filters_and_partitions() {
            $crate::common::scans::filters_and_partitions(DB);
        }

        #[test]
        fn hostile_checks_never_write() {
            $crate::common::scans::hostile_checks_never_write(DB);
        }

        #[test]
        fn failing_check_is_isolated() {
            $crate::common::scans::failing_check_is_isolated(DB);
        }

        #[test]
        fn duplicates_answered_by_keys() {
            $crate::common::scans::duplicates_answered_by_keys(DB);
        }

        #[test]
        fn session_changes_do_not_outlive_a_query() {
            $crate::common::scans::session_changes_do_not_outlive_a_query(DB);
        }
    };
}
pub(crate) use shared_scan_tests;
