//! The shared scans ([`crate::common::scans`]) on a SQLite database file.

use crate::common::{scans, Database};

const DB: Database = Database::Sqlite;

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
fn session_changes_do_not_outlive_a_query() {
    scans::session_changes_do_not_outlive_a_query(DB);
}
