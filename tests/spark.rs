//! The shared scans ([`crate::common::scans`]) on a local Spark cluster (`local-cluster[2,1,1024]`:
//! a driver and two executor JVMs, started by `scripts/spark-local.sh start`), reached over
//! Spark Connect, with the dataset in the database `soda_rs_test`. Without the cluster these
//! tests fail.

use crate::common::{scans, Database, Test};
use std::time::{Duration, Instant};

const DB: Database = Database::Spark;

scans::shared_scan_tests!();

#[test]
fn query_timeout_errors_only_the_slow_check() {
    // A scalar subquery counting 2·10¹¹ generated rows runs for minutes on two executors.
    scans::query_timeout(
        DB,
        "(SELECT COUNT(*) FROM range(200000000000)) > 0",
        "query timed out after 4 seconds",
    );
}

/// Spark runs DDL and DML as soon as their text arrives, and has no read-only transaction:
/// every way of writing is refused (by our rule or by Spark's parser) and nothing changes.
#[test]
fn writes_never_reach_spark() {
    let t = Test::with(&DB);
    let writes = [
        "INSERT INTO orders SELECT * FROM orders",
        "FROM orders INSERT INTO orders SELECT *",
        "CREATE TABLE soda_written AS SELECT 1 AS x",
        "DROP TABLE orders",
        "TRUNCATE TABLE orders",
        "DESCRIBE TABLE orders; DROP TABLE orders",
        "SHOW TABLES; DROP TABLE orders",
        "SET spark.sql.ansi.enabled = false",
    ];
    let mut checks = String::from("checks for orders:\n");
    for (i, w) in writes.iter().enumerate() {
        checks.push_str(&format!(
            "  - failed rows:\n      name: write {i}\n      fail query: \"{w}\"\n"
        ));
    }
    checks.push_str("  - row_count = 6\n");
    t.write("checks.yml", &checks);
    let run = t.scan(&["checks.yml"]);
    run.expect_code(3);
    let r = t.results();
    assert_eq!(r.names(), ["row_count = 6"], "{run}");
    assert_eq!(
        DB.count_rows(&t, "orders"),
        6,
        "orders was written to\n{run}"
    );
    let tables = crate::common::db::spark_tables();
    assert_eq!(tables, ["customers", "orders", "shipments"], "{run}");
}

#[test]
fn a_refused_endpoint_fails_at_once_and_a_live_one_connects() {
    let t = Test::new();
    t.write(
        "configuration.yml",
        "data_source dead:\n  type: spark\n  host: 127.0.0.1\n  port: 1\n  token: sparkly-secret\ndata_source live:\n  type: spark\n  host: 127.0.0.1\n  port: 15002\n",
    );
    let start = Instant::now();
    let run = t.soda(["test-connection", "-d", "dead", "-c", "configuration.yml"]);
    let took = start.elapsed();
    run.expect_code(3);
    assert!(took < Duration::from_secs(2), "took {took:?}\n{run}");
    run.expect_stdout_contains("connection refused by 127.0.0.1:1");
    assert!(!run.stdout.contains("sparkly-secret"), "{run}");
    DB.configuration(&t, ""); // the dataset is there, and the cluster answers
    let run = t.soda(["test-connection", "-d", "live", "-c", "configuration.yml"]);
    run.expect_code(0);
    run.expect_stdout_contains("Connection 'live' is valid.");
}

#[test]
fn another_method_than_spark_connect_is_a_located_error() {
    let t = Test::new();
    t.write(
        "configuration.yml",
        "data_source lake:\n  type: spark\n  method: odbc\n  host: 127.0.0.1\n",
    );
    let run = t.soda(["test-connection", "-d", "lake", "-c", "configuration.yml"]);
    run.expect_code(3);
    run.expect_stdout_contains("data_source lake: method 'odbc' is not supported");
    run.expect_stdout_contains("  +-> line=3,col=11 in configuration.yml");
}
