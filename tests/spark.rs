//! The shared scans ([`crate::common::scans`]) on a local Spark cluster (`local-cluster[2,1,1024]`:
//! a driver and two executor JVMs, started by `scripts/spark-local.sh start`), reached over
//! Spark Connect, with the dataset in the database `soda_rs_test`. Without the cluster these
//! tests fail.

use crate::common::{scans, Database};

const DB: Database = Database::Spark;

scans::shared_scan_tests!();
