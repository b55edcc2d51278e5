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

/// MariaDB runs a query on one core, so the aggregation query of a table estimated at a
/// million rows or more is split into statements that run at once: two unless
/// `parallel_workers` says otherwise, none when it is 1. The values are those of one query.
#[test]
fn big_aggregations_are_split_as_configured() {
    use crate::common::db::{block_on, MARIADB_URL, SCHEMA};
    use sqlx::Connection;
    let setup = format!(
        "CREATE TABLE IF NOT EXISTS {SCHEMA}.big_split AS \
         SELECT seq AS id, seq % 7 AS bucket, CONCAT('user', seq % 100, '@example.com') AS email \
         FROM seq_1_to_1200000; \
         ANALYZE TABLE {SCHEMA}.big_split;"
    );
    block_on(async {
        let mut c = sqlx::MySqlConnection::connect(MARIADB_URL).await?;
        sqlx::raw_sql(&setup).execute(&mut c).await.map(|_| ())
    })
    .expect("create big_split");
    for (extra, parts, sizes_read) in [
        ("", 2, true),
        ("  parallel_workers: 3\n", 3, true),
        ("  parallel_workers: 1\n", 0, false),
    ] {
        let t = Test::with_config(&DB, extra);
        t.write(
            "checks.yml",
            "
            checks for big_split:
              - row_count = 1200000
              - sum(bucket) = 3599998
              - max(id) = 1200000
              - missing_count(email) = 0
              - invalid_count(email) = 0:
                  valid format: email
            ",
        );
        let run = t.scan(&["checks.yml"]);
        run.expect_code(0);
        let r = t.results();
        let names = r.query_names();
        let split = names.iter().filter(|n| n.contains(".part[")).count();
        assert_eq!(split, parts, "{extra:?}: {names:?}\n{run}");
        assert_eq!(
            names.contains(&"table_sizes"),
            sizes_read,
            "{extra:?}: {names:?}"
        );
    }
}
