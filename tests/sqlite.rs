//! The shared scans ([`crate::common::scans`]) on a SQLite database file.

use crate::common::{scans, Database};

const DB: Database = Database::Sqlite;

scans::shared_scan_tests!();
