//! The shared scans ([`crate::common::scans`]) on the local MariaDB server (database
//! `soda_rs_test`), through the `mysql` data source type. Without the server these tests fail.

use crate::common::{scans, Database, Test};

const DB: Database = Database::MariaDb;

scans::shared_scan_tests!();

#[test]
fn query_timeout_errors_only_the_slow_check() {
    scans::query_timeout(DB, "SLEEP(3) = 0", "max_statement_time");
}

/// A refused login shows the server's answer, never the configured password (Soda Core
/// prints MySQL passwords).
#[test]
fn refused_password_is_not_printed() {
    let t = Test::with_config(&DB, "  password: hunter2-Very-Secret\n");
    t.write(
        "checks.yml",
        "
        checks for customers:
          - row_count > 0
    ",
    );
    let run = t.scan(&["-V", "checks.yml"]);
    run.expect_code(3);
    run.expect_stdout_contains("Could not connect to data source \"maria\"");
    let all = format!("{}{}{}", run.stdout, run.stderr, t.results_text());
    assert!(
        !all.contains("hunter2-Very-Secret"),
        "the password leaked\n{run}"
    );
}

/// `avg` and `avg_length` are MySQL's own AVG: a DECIMAL with 4 more decimals than the input's
/// scale for integers and decimals (the values Soda Core 3.5.6 reports), a double for doubles.
/// Missing, invalid, duplicate and reference checks carry `totalFailingRows`, as on PostgreSQL.
#[test]
fn averages_are_mysql_decimals_and_failed_rows_carry_their_total() {
    let t = Test::with(&DB);
    t.write(
        "checks.yml",
        "
        checks for customers:
          - avg(age) > 0
          - avg(amount) > 0
          - avg(size) > 0
          - avg_length(name) > 0
          - missing_count(age) = 0
          - duplicate_count(name) = 0
          - invalid_count(email) = 0:
              valid format: email
        ",
    );
    let run = t.scan(&["checks.yml"]);
    run.expect_code(2);
    let r = t.results();
    for (name, value) in [
        ("avg(age) > 0", serde_json::json!(39.7778)),
        ("avg(amount) > 0", serde_json::json!(26.213333)),
        ("avg(size) > 0", serde_json::json!(48.0 / 9.0)),
        ("avg_length(name) > 0", serde_json::json!(4.3333)),
    ] {
        assert_eq!(
            r.check(name)["diagnostics"]["value"],
            value,
            "{name}\n{run}"
        );
    }
    for (name, total) in [
        ("missing_count(age) = 0", 1),
        ("duplicate_count(name) = 0", 1),
        ("invalid_count(email) = 0", 3),
    ] {
        let blocks = &r.check(name)["diagnostics"]["blocks"];
        let analysis = blocks
            .as_array()
            .and_then(|b| b.iter().find(|b| b["type"] == "failedRowsAnalysis"))
            .unwrap_or_else(|| panic!("{name}: no failedRowsAnalysis block: {blocks}\n{run}"));
        assert_eq!(analysis["totalFailingRows"], total, "{name}\n{run}");
    }
}
