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
