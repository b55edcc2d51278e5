//! The shared scans ([`crate::common::scans`]) on the local PostgreSQL server (schema
//! `soda_rs_test` of database `test`). Without the server these tests fail.

use crate::common::{scans, Database};

const DB: Database = Database::Postgres;

scans::shared_scan_tests!();

#[test]
fn query_timeout_errors_only_the_slow_check() {
    scans::query_timeout(DB, "pg_sleep(3) IS NOT NULL", "statement timeout");
}
