//! The shared scans ([`crate::common::scans`]) on the local MariaDB server (database
//! `soda_rs_test`), through the `mysql` data source type. Without the server these tests fail.

use crate::common::{scans, Database, Test};

const DB: Database = Database::MariaDb;

#[test]
fn counts() {
    scans::counts(DB);
}

#[test]
fn aggregates() {
    scans::aggregates(DB);
}

#[test]
fn statistics() {
    scans::statistics(DB);
}

#[test]
fn lengths_count_characters() {
    scans::lengths(DB);
}

#[test]
fn filters_and_partitions() {
    scans::filters_and_partitions(DB);
}

#[test]
fn hostile_checks_never_write() {
    scans::hostile_checks_never_write(DB);
}

#[test]
fn failing_check_is_isolated() {
    scans::failing_check_is_isolated(DB);
}

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

#[test]
fn session_changes_do_not_outlive_a_query() {
    scans::session_changes_do_not_outlive_a_query(DB);
}
