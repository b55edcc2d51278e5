//! The shared scans ([`crate::common::scans`]) on the local PostgreSQL server (schema
//! `soda_rs_test` of database `test`). Without the server these tests fail.

use crate::common::{scans, Database};

const DB: Database = Database::Postgres;

scans::shared_scan_tests!();

#[test]
fn query_timeout_errors_only_the_slow_check() {
    scans::query_timeout(DB, "pg_sleep(3) IS NOT NULL", "statement timeout");
}

/// The schema check reads PostgreSQL's system catalogues; its types must be the ones
/// information_schema.columns reports (what Soda Core shows), for every kind of type.
#[test]
fn schema_types_are_information_schema_types() {
    use crate::common::db::{block_on, POSTGRES_URL, SCHEMA};
    use sqlx::Connection;
    let t = crate::common::Test::with(&DB);
    let setup = format!(
        "DROP TABLE IF EXISTS {SCHEMA}.column_kinds; \
         DROP DOMAIN IF EXISTS {SCHEMA}.positive_amount; DROP TYPE IF EXISTS {SCHEMA}.mood; \
         CREATE DOMAIN {SCHEMA}.positive_amount AS numeric(10,2) NOT NULL CHECK (VALUE > 0); \
         CREATE TYPE {SCHEMA}.mood AS ENUM ('calm', 'angry'); \
         CREATE TABLE {SCHEMA}.column_kinds (id bigint PRIMARY KEY, gone int, name varchar(20), \
           code char(3), note text, price numeric(10,2), ratio double precision, \
           at timestamptz, day date, tags text[], feeling {SCHEMA}.mood, \
           amount {SCHEMA}.positive_amount, doc jsonb, uid uuid, flag boolean NOT NULL); \
         ALTER TABLE {SCHEMA}.column_kinds DROP COLUMN gone;"
    );
    let expected: Vec<(String, String)> = block_on(async {
        let mut c = sqlx::PgConnection::connect(POSTGRES_URL).await?;
        sqlx::raw_sql(&setup).execute(&mut c).await?;
        sqlx::query_as(
            "SELECT column_name::text, data_type::text FROM information_schema.columns \
             WHERE table_schema = $1 AND table_name = 'column_kinds' ORDER BY ordinal_position",
        )
        .bind(SCHEMA)
        .fetch_all(&mut c)
        .await
    })
    .expect("create column_kinds");
    t.write(
        "checks.yml",
        "
        checks for column_kinds:
          - schema:
              fail:
                when required column missing: [id]
        ",
    );
    t.scan(&["checks.yml"]).expect_code(0);
    let r = t.results();
    let measured: Vec<(String, String)> = r.0["metrics"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|m| m["metricName"] == "schema")
        .and_then(|m| m["value"].as_array())
        .expect("a schema metric")
        .iter()
        .map(|c| {
            let text = |k: &str| c[k].as_str().unwrap_or_default().to_string();
            (text("columnName"), text("sourceDataType"))
        })
        .collect();
    assert_eq!(measured, expected);
    assert!(expected.iter().any(|(_, ty)| ty == "USER-DEFINED"));
    assert!(expected.iter().any(|(_, ty)| ty == "ARRAY"));
}

/// `parallel_workers` sets how many parallel workers each of the scan's queries may use.
#[test]
fn parallel_workers_reach_the_sessions() {
    for workers in [0, 3] {
        let t = crate::common::Test::with_config(&DB, &format!("  parallel_workers: {workers}\n"));
        t.write(
            "checks.yml",
            &format!(
                "
        checks for customers:
          - workers = {workers}:
              workers query: SELECT CAST(current_setting('max_parallel_workers_per_gather') AS INT)
        "
            ),
        );
        t.scan(&["checks.yml"]).expect_code(0);
    }
}
