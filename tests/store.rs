//! The results store, as a user meets it: scans recorded into a real SQLite file and into the
//! real PostgreSQL server, replaced when re-run with the same `-t`, ordered by data time for a
//! backfill, written by concurrent scans, kept in the outbox when the store is down, read
//! back by the checks that compare with the past, and migrated from a store the previous
//! version wrote (`tests/fixtures/store-v2`).
//!
//! Every scan here reads a small SQLite table `events` whose rows the test changes between
//! scans, so each scan measures what the test decided.

use crate::common::db::{block_on, create_sqlite, POSTGRES_URL};
use crate::common::store::{postgres_database, query_rows as store_rows, Backend, TestStore};
use crate::common::{Run, Test};
use serde_json::{json, Value};
use sqlx::Connection;
use std::process::Command;

/// Each named test runs once per backend, as `store::on_sqlite::NAME` and
/// `store::on_postgres::NAME`, each on a fresh store of its own.
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod on_sqlite {
            $(#[test] fn $name() { super::$name(super::Backend::Sqlite) })*
        }
        mod on_postgres {
            $(#[test] fn $name() { super::$name(super::Backend::Postgres) })*
        }
    };
}

on_both_backends!(
    a_rescan_with_the_same_data_timestamp_replaces_it,
    the_store_comes_from_the_configuration_too,
    history_follows_data_time_not_run_order,
    change_checks_pass_warn_and_fail_from_recorded_history,
    same_day_last_week_reads_that_day_only,
    schema_and_group_changes_from_recorded_history,
    anomaly_detection_from_recorded_history,
    concurrent_scans_into_one_store_all_land,
    a_failed_scan_is_recorded_apart_from_failed_checks,
    a_store_replaces_orders_and_answers_history,
    a_first_result_without_a_value_is_recorded,
    soda_report_writes_the_store_as_html,
    the_report_of_a_store_shows_its_failed_rows_in_chromium,
    a_version_2_store_is_migrated_without_losing_a_row,
    the_report_of_a_store_explains_each_result,
);

/// A test dir with the data source `lite` (`data.sqlite`, table `events` of `rows` rows).
fn with_events(rows: usize) -> Test {
    let t = Test::new();
    t.write(
        "configuration.yml",
        "
        data_source lite:
          type: sqlite
          path: data.sqlite
        ",
    );
    create_sqlite(
        &t.join("data.sqlite"),
        "CREATE TABLE events (id INTEGER, country TEXT);",
    );
    set_rows(&t, rows, &["BE"]);
    t
}

/// Replaces the rows of `events`: `n` rows spread over `countries`.
fn set_rows(t: &Test, n: usize, countries: &[&str]) {
    let mut sql = String::from("DELETE FROM events;");
    for i in 0..n {
        let country = countries[i % countries.len()];
        sql.push_str(&format!(
            "INSERT INTO events (id, country) VALUES ({i}, '{country}');"
        ));
    }
    create_sqlite(&t.join("data.sqlite"), &sql);
}

/// Scans `checks.yml` for data time `day` (`2024-05-DD`), recording into `store`.
fn scan_day(t: &Test, day: u32, store: &str) -> Run {
    scan_day_as(t, day, None, store)
}

/// The check named `name` in the last results file.
fn check(t: &Test, name: &str) -> Value {
    let results: Value = serde_json::from_str(&t.results_text()).expect("results.json");
    results["checks"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["name"] == name).cloned())
        .unwrap_or_else(|| panic!("no check {name} in {results:#}"))
}

fn a_rescan_with_the_same_data_timestamp_replaces_it(b: Backend) {
    let t = with_events(10);
    let s = TestStore::new(b, &t, "rescan");
    t.write("checks.yml", "checks for events:\n  - row_count > 5\n");
    scan_day(&t, 1, &s.arg).expect_code(0);
    set_rows(&t, 3, &["BE"]);
    scan_day(&t, 1, &s.arg).expect_code(2);
    assert_eq!(
        s.rows(&format!(
            "SELECT {} FROM soda_scans",
            s.time("data_timestamp")
        )),
        ["2024-05-01T06:00:00+00:00"]
    );
    assert_eq!(
        s.rows("SELECT outcome || ' ' || value_text FROM soda_check_results"),
        ["fail 3"],
        "the second run replaced the first"
    );
    scan_day(&t, 2, &s.arg).expect_code(2);
    assert_eq!(s.rows("SELECT COUNT(*) FROM soda_scans"), ["2"]);
    assert_eq!(s.rows("SELECT COUNT(*) FROM soda_metrics"), ["2"]);
}

fn the_store_comes_from_the_configuration_too(b: Backend) {
    let t = with_events(10);
    let s = TestStore::new(b, &t, "config");
    t.write(
        "configuration.yml",
        &format!(
            "data_source lite:\n  type: sqlite\n  path: data.sqlite\n{}",
            s.configuration()
        ),
    );
    t.write("checks.yml", "checks for events:\n  - row_count > 5\n");
    let run = t.soda([
        "scan",
        "-d",
        "lite",
        "-c",
        "configuration.yml",
        "checks.yml",
    ]);
    run.expect_code(0);
    assert!(
        run.stdout
            .contains(&format!("Scan results recorded in {}", s.arg)),
        "{run}"
    );
    assert_eq!(s.rows("SELECT COUNT(*) FROM soda_scans"), ["1"]);
}

fn history_follows_data_time_not_run_order(b: Backend) {
    let t = with_events(30);
    let s = TestStore::new(b, &t, "data_time");
    t.write(
        "checks.yml",
        "checks for events:\n  - change for row_count < 5\n",
    );
    // Backfill out of order: day 3 first, then days 1 and 2.
    scan_day(&t, 3, &s.arg);
    set_rows(&t, 10, &["BE"]);
    scan_day(&t, 1, &s.arg);
    set_rows(&t, 20, &["BE"]);
    let run = scan_day(&t, 2, &s.arg);
    // Day 2 compares with day 1 (10 rows, +10: fails), not with day 3 (30 rows, -10: passes).
    run.expect_code(2);
    let c = check(&t, "change for row_count < 5");
    assert_eq!(c["outcome"], "fail", "{run}");
    assert_eq!(
        c["diagnostics"]["diagnostics"],
        json!({"historic_value": 10, "metric_value": 20})
    );
}

fn change_checks_pass_warn_and_fail_from_recorded_history(b: Backend) {
    let t = with_events(100);
    let s = TestStore::new(b, &t, "change");
    t.write(
        "checks.yml",
        "
        checks for events:
          - change for row_count:
              warn: when > 5
              fail: when > 20
          - change percent for row_count < 15%
          - change avg last 3 for row_count < 8
        ",
    );
    // The first scan has no history: change checks are not evaluated, without an error.
    let first = scan_day(&t, 1, &s.arg);
    first.expect_code(0);
    assert!(
        first
            .stdout
            .contains("Skipping metric check eval because there is not enough historic data yet"),
        "{first}"
    );
    for (day, rows) in [(2, 100), (3, 106)] {
        set_rows(&t, rows, &["BE"]);
        let run = scan_day(&t, day, &s.arg);
        assert!(run.stdout.contains("Scan results recorded"), "{run}");
    }
    let outcome = |t: &Test, name: &str| check(t, name)["outcome"].clone();
    // Day 3: +6 against day 2 warns; +6% passes; avg(100, 100) = 100, +6 < 8 passes.
    assert_eq!(
        outcome(&t, "change for row_count warn when > 5 fail when > 20"),
        "warn"
    );
    assert_eq!(outcome(&t, "change percent for row_count < 15%"), "pass");
    assert_eq!(outcome(&t, "change avg last 3 for row_count < 8"), "pass");
    set_rows(&t, 130, &["BE"]);
    let run = scan_day(&t, 4, &s.arg);
    run.expect_code(2);
    assert_eq!(
        outcome(&t, "change for row_count warn when > 5 fail when > 20"),
        "fail"
    );
    assert_eq!(outcome(&t, "change percent for row_count < 15%"), "fail");
    // avg of days 3, 2, 1 = 102; 130 - 102 = 28.
    let avg = check(&t, "change avg last 3 for row_count < 8");
    assert_eq!(avg["outcome"], "fail");
    assert_eq!(avg["diagnostics"]["value"], json!(28.0));
}

fn same_day_last_week_reads_that_day_only(b: Backend) {
    let t = with_events(50);
    let s = TestStore::new(b, &t, "last_week");
    t.write(
        "checks.yml",
        "checks for events:\n  - change same day last week for row_count < 3\n",
    );
    scan_day(&t, 1, &s.arg);
    set_rows(&t, 70, &["BE"]);
    scan_day(&t, 7, &s.arg);
    set_rows(&t, 52, &["BE"]);
    let run = scan_day(&t, 8, &s.arg);
    // Day 8 compares with day 1 (50), not with day 7 (70).
    let c = check(&t, "change same day last week for row_count < 3");
    assert_eq!(c["outcome"], "pass", "{run}");
    assert_eq!(c["diagnostics"]["diagnostics"]["historic_value"], json!(50));
}

fn schema_and_group_changes_from_recorded_history(b: Backend) {
    let t = with_events(6);
    let s = TestStore::new(b, &t, "schema_groups");
    set_rows(&t, 6, &["BE", "NL"]);
    t.write(
        "checks.yml",
        "
        checks for events:
          - schema:
              warn:
                when schema changes: any
          - group evolution:
              name: countries
              query: SELECT DISTINCT country FROM events
              fail:
                when groups change: any
        ",
    );
    scan_day(&t, 1, &s.arg).expect_code(0);
    scan_day(&t, 2, &s.arg).expect_code(0);
    assert_eq!(check(&t, "Schema Check")["outcome"], "pass");
    assert_eq!(check(&t, "countries")["outcome"], "pass");
    create_sqlite(
        &t.join("data.sqlite"),
        "ALTER TABLE events ADD COLUMN amount REAL;",
    );
    set_rows(&t, 6, &["BE", "NL", "DE"]);
    let run = scan_day(&t, 3, &s.arg);
    run.expect_code(2);
    let schema = check(&t, "Schema Check");
    assert_eq!(schema["outcome"], "warn", "{run}");
    assert_eq!(schema["diagnostics"]["column_additions"], json!(["amount"]));
    assert_eq!(check(&t, "countries")["outcome"], "fail");
    assert_eq!(s.rows("SELECT COUNT(*) FROM soda_scans"), ["3"]);
}

fn anomaly_detection_from_recorded_history(b: Backend) {
    let t = with_events(100);
    let s = TestStore::new(b, &t, "anomaly");
    t.write(
        "checks.yml",
        "checks for events:\n  - anomaly detection for row_count\n",
    );
    // Four earlier days are not enough: not evaluated, and the results say why.
    for day in 1..=5 {
        set_rows(&t, 100 + (day as usize * 7) % 5, &["BE"]);
        scan_day(&t, day, &s.arg).expect_code(0);
    }
    let first = check(&t, "anomaly detection for row_count");
    assert_eq!(first["outcome"], Value::Null);
    assert_eq!(first["outcomeReasons"][0]["code"], "notEnoughHistory");
    for day in 6..=28 {
        set_rows(&t, 100 + (day as usize * 7) % 5, &["BE"]);
        scan_day(&t, day, &s.arg);
    }
    assert_eq!(
        check(&t, "anomaly detection for row_count")["outcome"],
        "pass"
    );
    set_rows(&t, 400, &["BE"]);
    let run = scan_day(&t, 29, &s.arg);
    run.expect_code(2);
    let spike = check(&t, "anomaly detection for row_count");
    assert_eq!(spike["outcome"], "fail", "{run}");
    assert_eq!(spike["type"], "anomalyDetection");
    assert!(spike["diagnostics"]["anomalyProbability"].as_f64().unwrap() > 0.9);
}

/// Starts `n` scans at once (days 1..=n) and waits for all of them.
fn concurrent_scans(t: &Test, n: u32, store: &str) -> Vec<i32> {
    let children: Vec<_> = (1..=n)
        .map(|day| {
            Command::new(env!("CARGO_BIN_EXE_soda"))
                .args([
                    "scan",
                    "-d",
                    "lite",
                    "-c",
                    "configuration.yml",
                    "-t",
                    &format!("2024-06-{day:02}T00:00:00+00:00"),
                    "--store",
                    store,
                    "checks.yml",
                ])
                .current_dir(t.path())
                .env("HOME", t.path())
                .stdout(std::process::Stdio::null())
                .spawn()
                .expect("start soda")
        })
        .collect();
    children
        .into_iter()
        .map(|mut c| c.wait().expect("soda ends").code().unwrap_or(-1))
        .collect()
}

fn concurrent_scans_into_one_store_all_land(b: Backend) {
    let t = with_events(10);
    let s = TestStore::new(b, &t, "concurrent");
    t.write(
        "checks.yml",
        "checks for events:\n  - row_count > 5\n  - missing_count(country) = 0\n",
    );
    // The first writers also race to create the schema.
    assert_eq!(concurrent_scans(&t, 6, &s.arg), [0; 6]);
    assert_eq!(s.rows("SELECT COUNT(*) FROM soda_scans"), ["6"]);
    assert_eq!(s.rows("SELECT COUNT(*) FROM soda_check_results"), ["12"]);
    // All six again, same keys: each replaces its own scan, none is duplicated.
    assert_eq!(concurrent_scans(&t, 6, &s.arg), [0; 6]);
    assert_eq!(s.rows("SELECT COUNT(*) FROM soda_scans"), ["6"]);
    assert_eq!(s.rows("SELECT COUNT(*) FROM soda_check_results"), ["12"]);
}

#[test]
fn an_unwritable_store_fails_the_scan_and_keeps_the_results_for_the_next() {
    let t = with_events(10);
    t.write("checks.yml", "checks for events:\n  - row_count > 5\n");
    // A file where the store's folder should be: the store cannot be created.
    t.write("blocked", "not a folder");
    let run = scan_day(&t, 1, "blocked/store.sqlite");
    run.expect_code(3);
    assert!(
        run.stdout
            .contains("Could not open the results store blocked/store.sqlite"),
        "{run}"
    );
    assert!(run.stdout.contains("The scan results wait in"), "{run}");
    let outbox = t.join(".local/state/soda-rs/store-outbox");
    assert_eq!(
        std::fs::read_dir(&outbox)
            .expect("the store outbox")
            .count(),
        1
    );
    std::fs::remove_file(t.join("blocked")).unwrap();
    let run = scan_day(&t, 2, "blocked/store.sqlite");
    run.expect_code(0);
    assert!(
        run.stdout
            .contains("Recorded the waiting results of the scan of 2024-05-01"),
        "{run}"
    );
    assert_eq!(
        store_rows(
            &format!("sqlite://{}", t.join("blocked/store.sqlite").display()),
            "SELECT data_timestamp FROM soda_scans ORDER BY 1"
        ),
        ["2024-05-01T06:00:00+00:00", "2024-05-02T06:00:00+00:00"]
    );
    assert_eq!(
        std::fs::read_dir(&outbox)
            .unwrap()
            .filter(|e| e.as_ref().unwrap().path().is_file())
            .count(),
        0
    );
}

fn a_failed_scan_is_recorded_apart_from_failed_checks(b: Backend) {
    let t = with_events(10);
    let s = TestStore::new(b, &t, "failed_scan");
    t.write(
        "checks.yml",
        "checks for events:\n  - row_count > 50\n  - avg(no_such_column) > 1\n",
    );
    scan_day(&t, 1, &s.arg).expect_code(3);
    let flags = "SELECT CAST(has_errors AS TEXT) || ',' || CAST(has_failures AS TEXT) FROM soda_scans ORDER BY data_timestamp";
    assert_eq!(s.rows(flags), ["1,1"]);
    t.write("checks.yml", "checks for events:\n  - row_count > 50\n");
    scan_day(&t, 2, &s.arg).expect_code(2);
    assert_eq!(s.rows(flags), ["1,1", "0,1"]);
}

fn a_store_replaces_orders_and_answers_history(b: Backend) {
    let t = with_events(30);
    let s = TestStore::new(b, &t, "history");
    t.write(
        "checks.yml",
        "checks for events:\n  - change for row_count < 5\n",
    );
    scan_day(&t, 3, &s.arg);
    set_rows(&t, 10, &["BE"]);
    scan_day(&t, 1, &s.arg);
    set_rows(&t, 20, &["BE"]);
    scan_day(&t, 2, &s.arg).expect_code(2);
    assert_eq!(
        check(&t, "change for row_count < 5")["diagnostics"]["diagnostics"]["historic_value"],
        json!(10)
    );
    // The same -t again replaces that scan.
    set_rows(&t, 12, &["BE"]);
    scan_day(&t, 2, &s.arg).expect_code(0);
    assert_eq!(s.rows("SELECT COUNT(*) FROM soda_scans"), ["3"]);
    assert_eq!(
        s.rows(&format!(
            "SELECT value_text FROM soda_check_results r JOIN soda_scans s ON s.id = r.scan_id \
             WHERE {} LIKE '2024-05-02%'",
            s.time("s.data_timestamp")
        )),
        ["2"]
    );
    assert_eq!(
        s.rows("SELECT CAST(MAX(version) AS TEXT) FROM soda_store_version"),
        ["4"],
        "0001_init, 0002_server, 0003_scan_datasets, 0004_typed_times"
    );
}

/// The first result a scan stores has no value, no outcome, no column and no samples (a
/// schema-change check without history); the next ones have them: all land, alike on both
/// backends. On PostgreSQL the statement prepared for the first one once refused every later
/// value (`incorrect binary data format in bind parameter 12`) and the scan was not stored.
fn a_first_result_without_a_value_is_recorded(b: Backend) {
    let t = with_events(10);
    let s = TestStore::new(b, &t, "valueless");
    t.write(
        "checks.yml",
        "
        checks for events:
          - schema:
              warn:
                when schema changes: any
          - row_count > 5
          - missing_count(country) = 0
          - failed rows:
              name: low ids
              fail condition: id < 7
        ",
    );
    let run = scan_day(&t, 1, &s.arg);
    run.expect_code(2);
    assert!(run.stdout.contains("Scan results recorded"), "{run}");
    let rows = "SELECT name || '|' || COALESCE(outcome, '-') || '|' \
                || COALESCE(CAST(CAST(value AS BIGINT) AS TEXT), '-') || '|' \
                || COALESCE(column_name, '-') || '|' \
                || CASE WHEN samples IS NULL THEN '-' ELSE 'samples' END \
                FROM soda_check_results ORDER BY line";
    let expected = [
        "Schema Check|-|-|-|-",
        "row_count > 5|pass|10|-|-",
        "missing_count(country) = 0|pass|0|country|-",
        "low ids|fail|7|-|samples",
    ];
    assert_eq!(s.rows(rows), expected);
    // The next scan has history: the schema check has a value now, and it lands too.
    let run = scan_day(&t, 2, &s.arg);
    run.expect_code(2);
    assert_eq!(
        s.rows("SELECT COUNT(*) FROM soda_check_results WHERE name = 'Schema Check' AND outcome = 'pass'"),
        ["1"],
        "{run}"
    );
    assert_eq!(s.rows("SELECT COUNT(*) FROM soda_check_results"), ["8"]);
}

// ---- PostgreSQL only ----

#[test]
fn a_postgres_store_can_live_in_its_own_schema() {
    let t = with_events(10);
    let s = TestStore::new(Backend::Postgres, &t, "own_schema");
    let name = s.database().expect("a database");
    t.write(
        "configuration.yml",
        &format!(
            "
            data_source lite:
              type: sqlite
              path: data.sqlite
            results_store:
              type: postgres
              host: 127.0.0.1
              username: postgres
              database: {name}
              schema: quality
            "
        ),
    );
    t.write("checks.yml", "checks for events:\n  - row_count > 5\n");
    let run = t.soda([
        "scan",
        "-d",
        "lite",
        "-c",
        "configuration.yml",
        "checks.yml",
    ]);
    run.expect_code(0);
    assert_eq!(s.rows("SELECT COUNT(*) FROM quality.soda_scans"), ["1"]);
}

#[test]
fn a_postgres_store_that_is_down_keeps_the_results_for_the_next_scan() {
    // Trust authentication ignores the password; it must still never be shown or kept.
    let url = "postgres://postgres:s3cret-pw@127.0.0.1:5432/soda_rs_store_down";
    block_on(async {
        let mut c = sqlx::PgConnection::connect(POSTGRES_URL).await?;
        sqlx::query("DROP DATABASE IF EXISTS soda_rs_store_down WITH (FORCE)")
            .execute(&mut c)
            .await?;
        c.close().await
    })
    .expect("PostgreSQL on 127.0.0.1:5432 is needed for this test");
    let t = with_events(10);
    t.write("checks.yml", "checks for events:\n  - row_count > 5\n");
    let run = scan_day(&t, 1, url);
    run.expect_code(3);
    assert!(run.stdout.contains("Could not open the results store postgres://postgres@127.0.0.1:5432/soda_rs_store_down"), "{run}");
    assert!(
        !run.stdout.contains("s3cret") && !run.stderr.contains("s3cret"),
        "{run}"
    );
    let outbox = t.join(".local/state/soda-rs/store-outbox");
    for file in std::fs::read_dir(&outbox).expect("the store outbox") {
        let text = std::fs::read_to_string(file.unwrap().path()).unwrap();
        assert!(!text.contains("s3cret"), "the outbox keeps no password");
    }
    let plain = "postgres://postgres@127.0.0.1:5432/soda_rs_store_down";
    postgres_database("soda_rs_store_down");
    let run = scan_day(&t, 2, url);
    run.expect_code(0);
    assert!(!run.stdout.contains("s3cret"), "{run}");
    assert_eq!(store_rows(plain, "SELECT COUNT(*) FROM soda_scans"), ["2"]);
}

// ---- The report of a store ----

fn soda_report_writes_the_store_as_html(b: Backend) {
    let t = with_events(3);
    let s = TestStore::new(b, &t, "report");
    t.write("checks.yml", "checks for events:\n  - row_count > 5\n");
    scan_day(&t, 1, &s.arg);
    let run = t.soda(["report", "--store", &s.arg, "-o", "report.html"]);
    run.expect_code(0);
    assert!(
        run.stdout
            .contains("Report of 1 checks and 1 scans written to report.html"),
        "{run}"
    );
    let html = std::fs::read_to_string(t.join("report.html")).unwrap();
    assert!(html.contains("row_count &gt; 5"), "{html}");
    let missing = t.soda(["report", "-o", "report.html"]);
    missing.expect_code(3);
}

/// From scan to store to report to browser: the failed rows the report shows in Chromium are
/// the ones the store kept.
fn the_report_of_a_store_shows_its_failed_rows_in_chromium(b: Backend) {
    let t = with_events(10);
    let s = TestStore::new(b, &t, "report_rows");
    t.write(
        "checks.yml",
        "
        checks for events:
          - failed rows:
              name: low ids
              fail condition: id < 7
        ",
    );
    scan_day(&t, 1, &s.arg).expect_code(2);
    let kept: Value = serde_json::from_str(&s.rows("SELECT samples FROM soda_check_results")[0])
        .expect("the samples the store kept");
    let kept_rows = kept["rows"].as_array().expect("sample rows").len();
    assert_eq!(kept_rows, 7);
    t.soda(["report", "--store", &s.arg, "-o", "report.html"])
        .expect_code(0);
    let url = format!("file://{}", t.join("report.html").display());
    let dom = crate::report_html::dump_dom(&url);
    assert_eq!(
        dom.matches("class=\"failed-row\"").count(),
        kept_rows,
        "{dom}"
    );
    assert!(dom.contains("low ids"));
}

/// The report of a store explains each result from what the store kept: every result shows
/// the zones it was judged against (read from each row's diagnostics, not only the newest),
/// and the schema check's page lists the column that was added and the schema it found.
fn the_report_of_a_store_explains_each_result(b: Backend) {
    let t = with_events(6);
    let s = TestStore::new(b, &t, "report_explain");
    t.write(
        "checks.yml",
        "
        checks for events:
          - row_count > 3
          - schema:
              warn:
                when schema changes: any
        ",
    );
    scan_day(&t, 1, &s.arg).expect_code(0);
    scan_day(&t, 2, &s.arg).expect_code(0);
    create_sqlite(
        &t.join("data.sqlite"),
        "ALTER TABLE events ADD COLUMN amount REAL;",
    );
    scan_day(&t, 3, &s.arg).expect_code(1);
    t.soda(["report", "--store", &s.arg, "-o", "report.html"])
        .expect_code(0);
    let html = std::fs::read_to_string(t.join("report.html")).expect("report.html");
    let page = |name: &str| -> String {
        html.split("<section id=\"check-")
            .skip(1)
            .find(|p| p.contains(name))
            .and_then(|p| p.split("</section>").next())
            .unwrap_or_else(|| panic!("no page for {name}"))
            .to_string()
    };
    let rows = page("row_count &gt; 3");
    assert_eq!(rows.matches("<td>≤ 3</td>").count(), 3, "{rows}");
    let schema = page("Schema Check");
    assert!(
        schema.contains("<td><code>amount</code></td><td class=\"ev-added\">Column added</td>"),
        "{schema}"
    );
    assert!(schema.contains("<table class=\"data schema-columns\">"));
    assert!(!schema.contains("No numeric values"));
}

/// Scans `checks.yml` for data time `day` under scan definition `definition` (none: the
/// default), recording into `store`.
fn scan_day_as(t: &Test, day: u32, definition: Option<&str>, store: &str) -> Run {
    let ts = format!("2024-05-{day:02}T06:00:00+00:00");
    let mut args = vec![
        "scan",
        "-d",
        "lite",
        "-c",
        "configuration.yml",
        "-t",
        &ts,
        "--store",
        store,
        "-srf",
        "results.json",
    ];
    if let Some(d) = definition {
        args.extend(["-s", d]);
    }
    args.push("checks.yml");
    t.soda(args)
}

#[test]
fn history_under_another_scan_definition_is_pointed_at() {
    history_elsewhere_is_pointed_at("store.sqlite");
}

#[test]
fn history_under_another_scan_definition_is_pointed_at_in_postgres() {
    history_elsewhere_is_pointed_at(&postgres_database("soda_rs_store_elsewhere"));
}

/// Two scans under `-s daily`, then scans under other definitions: each history-based check
/// that finds nothing under its own definition names the one that has its history.
fn history_elsewhere_is_pointed_at(store: &str) {
    let t = with_events(10);
    t.write(
        "checks.yml",
        "
        checks for events:
          - change for row_count < 5
          - anomaly detection for row_count
          - schema:
              warn:
                when schema changes: any
        ",
    );
    scan_day_as(&t, 1, Some("daily"), store).expect_code(0);
    scan_day_as(&t, 2, Some("daily"), store).expect_code(0);
    // Without -s the metric identities name the default scan definition: no history there.
    let run = scan_day_as(&t, 3, None, store);
    run.expect_code(0);
    let hint = "0 recorded so far under scan definition \"Soda Core CLI\"; \
                the store has 2 under \"daily\" — pass -s daily to use them";
    for said in [
        format!("Skipping metric check eval because there is not enough historic data yet: {hint}"),
        format!("Anomaly detection needs at least 5 earlier measurements of the metric; {hint}"),
        format!("Skipping schema checks since there is no historic schema metrics: {hint}"),
    ] {
        assert!(run.stdout.contains(&said), "missing {said:?} in\n{run}");
    }
    // The not-evaluated reason of the results says it too.
    let anomaly = check(&t, "anomaly detection for row_count");
    assert_eq!(anomaly["outcomeReasons"][0]["code"], "notEnoughHistory");
    assert!(
        anomaly["outcomeReasons"][0]["message"]
            .as_str()
            .is_some_and(|m| m.ends_with(hint)),
        "{anomaly:#}"
    );
    // Under its own definition, the history is read and nothing points elsewhere.
    let run = scan_day_as(&t, 4, Some("daily"), store);
    assert!(!run.stdout.contains("pass -s"), "{run}");
    assert_eq!(check(&t, "change for row_count < 5")["outcome"], "pass");
    // Any other definition without history of its own is pointed at the same place.
    let run = scan_day_as(&t, 5, Some("nightly run"), store);
    assert!(
        run.stdout.contains(
            "0 recorded so far under scan definition \"nightly run\"; the store has 3 under \"daily\" — pass -s daily to use them"
        ),
        "{run}"
    );
    // Once the default definition has history of its own, it reads that and points nowhere.
    let run = scan_day_as(&t, 6, None, store);
    assert!(run.stdout.contains("1 recorded so far"), "{run}");
    assert!(!run.stdout.contains("pass -s"), "{run}");
}

/// The failed rows a scan keeps hold their types: a NULL is stored as `null` and the report
/// shows it as a styled NULL, apart from text; a store written when every cell was text still
/// renders, its cells as the text they are.
#[test]
fn failed_rows_keep_their_types_from_scan_to_report() {
    let t = with_events(3);
    create_sqlite(
        &t.join("data.sqlite"),
        "INSERT INTO events (id, country) VALUES (7, NULL);",
    );
    t.write(
        "checks.yml",
        "
        checks for events:
          - failed rows:
              name: no country
              fail condition: country IS NULL OR id = 0
        ",
    );
    scan_day(&t, 1, "store.sqlite").expect_code(2);
    let kept = TestStore::new(Backend::Sqlite, &t, "typed_samples")
        .rows("SELECT samples FROM soda_check_results");
    let kept: Value = serde_json::from_str(&kept[0]).expect("the samples the store kept");
    assert_eq!(kept["rows"], json!([[0, "BE"], [7, null]]), "{kept}");
    let report = |t: &Test| {
        t.soda(["report", "--store", "store.sqlite", "-o", "report.html"])
            .expect_code(0);
        std::fs::read_to_string(t.join("report.html")).expect("report.html")
    };
    let html = report(&t);
    assert!(
        html.contains("<td>7</td><td><span class=\"null\">NULL</span></td>"),
        "the NULL cell"
    );
    assert!(html.contains("<td>0</td><td>BE</td>"));
    // As the previous version stored the same rows: every cell text, a NULL as "None".
    create_sqlite(
        &t.join("store.sqlite"),
        r#"UPDATE soda_check_results SET samples = json_set(samples, '$.rows', json('[["0","BE"],["7","None"]]'))"#,
    );
    let html = report(&t);
    assert!(html.contains("<td>7</td><td>None</td>"), "old text cells");
    assert!(!html.contains("class=\"null\""));
}

// ---- A store written by the previous version ----

/// A file of `tests/fixtures/store-v2`: the schema of version 2 as the previous release
/// created it (`0001_init.sql`, `0002_server.sql`, copied from it) and rows as it wrote them.
fn store_v2(name: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/store-v2")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The rows of every table of a store, in one list (no row may be lost).
fn row_counts(s: &TestStore) -> Vec<String> {
    [
        "soda_scans",
        "soda_check_results",
        "soda_metrics",
        "soda_api_keys",
        "soda_uploads",
    ]
    .iter()
    .map(|table| {
        format!(
            "{table} {}",
            s.rows(&format!("SELECT COUNT(*) FROM {table}"))[0]
        )
    })
    .collect()
}

/// A version-2 store (every time the text it came as: `Z`, a `+02:00` offset, microseconds,
/// `not-a-date`, and one instant written two ways under one scan key) opened by this version:
/// every row stays, every time is UTC in one form (typed `TIMESTAMPTZ` on PostgreSQL), history
/// follows real time, and the report, the keys and the checks that compare with the past read
/// it.
fn a_version_2_store_is_migrated_without_losing_a_row(b: Backend) {
    let t = with_events(40);
    let s = TestStore::new(b, &t, "v2");
    if let Some(database) = s.database() {
        // Nothing may depend on the session's time zone (5:45 east of UTC here) or date style.
        s.execute(&format!(
            "ALTER DATABASE {database} SET TimeZone = 'Asia/Kathmandu';\
             ALTER DATABASE {database} SET DateStyle = 'SQL, DMY'"
        ));
    }
    for file in ["0001_init.sql", "0002_server.sql", "rows.sql"] {
        s.execute(&store_v2(file));
    }
    let counts = [
        "soda_scans 6",
        "soda_check_results 6",
        "soda_metrics 6",
        "soda_api_keys 1",
        "soda_uploads 1",
    ];
    assert_eq!(row_counts(&s), counts);
    // `soda report` opens it, which migrates it.
    let run = t.soda(["report", "--store", &s.arg, "-o", "report.html"]);
    run.expect_code(0);
    assert!(
        run.stdout
            .contains("Report of 1 checks and 6 scans written to report.html"),
        "{run}"
    );
    assert_eq!(row_counts(&s), counts, "no row lost");
    assert_eq!(
        s.rows("SELECT CAST(MAX(version) AS TEXT) FROM soda_store_version"),
        ["4"]
    );
    // Migration 3 gave every old scan the datasets its results name.
    assert_eq!(
        s.rows(
            "SELECT data_source || '.' || dataset || ' ' || CAST(COUNT(*) AS TEXT) \
             FROM soda_scan_datasets GROUP BY data_source, dataset"
        ),
        ["lite.events 6"]
    );
    let types = match b {
        Backend::Postgres => s.rows(
            "SELECT table_name || '.' || column_name || ' ' || data_type \
             FROM information_schema.columns WHERE table_schema = current_schema() \
             AND column_name IN ('data_timestamp', 'scan_start', 'scan_end', 'recorded_at', \
             'created_at', 'revoked_at', 'uploaded_at') ORDER BY 1",
        ),
        Backend::Sqlite => s.rows(
            "SELECT 'soda_scans: ' || group_concat(DISTINCT typeof(data_timestamp)) FROM soda_scans",
        ),
    };
    let expected = match b {
        Backend::Postgres => vec![
            "soda_api_keys.created_at timestamp with time zone",
            "soda_api_keys.revoked_at timestamp with time zone",
            "soda_check_results.data_timestamp timestamp with time zone",
            "soda_metrics.data_timestamp timestamp with time zone",
            "soda_scans.data_timestamp timestamp with time zone",
            "soda_scans.recorded_at timestamp with time zone",
            "soda_scans.scan_end timestamp with time zone",
            "soda_scans.scan_start timestamp with time zone",
            "soda_uploads.uploaded_at timestamp with time zone",
        ],
        Backend::Sqlite => vec!["soda_scans: text"],
    };
    assert_eq!(types, expected);
    if b == Backend::Postgres {
        assert_eq!(
            s.rows("SELECT DISTINCT CAST(pg_typeof(data_timestamp) AS TEXT) FROM soda_scans"),
            ["timestamp with time zone"]
        );
    }
    // Ordered by the times themselves: 07:00 UTC written as 09:00+02:00 before 08:00Z, the
    // unreadable time first as 1970, and the second 06:00 UTC a microsecond after the first.
    let scans = format!(
        "SELECT {} || ' ' || {} || ' ' || {} FROM soda_scans ORDER BY data_timestamp",
        s.time("data_timestamp"),
        s.time("scan_start"),
        s.time("scan_end")
    );
    assert_eq!(
        s.rows(&scans),
        [
            "1970-01-01T00:00:00+00:00 1970-01-01T00:00:00+00:00 1970-01-01T00:00:00+00:00",
            "2024-05-01T06:00:00+00:00 2024-05-01T06:00:01.123456+00:00 2024-05-01T06:00:02+00:00",
            "2024-05-01T06:00:00.000001+00:00 2024-05-01T06:00:01+00:00 2024-05-01T06:00:02+00:00",
            "2024-05-02T07:00:00+00:00 2024-05-02T07:00:01+00:00 2024-05-02T07:00:02+00:00",
            "2024-05-02T08:00:00+00:00 2024-05-02T08:00:01+00:00 2024-05-02T08:00:02+00:00",
            "2024-05-03T06:00:00.250000+00:00 2024-05-03T06:00:01.500000+00:00 2024-05-03T06:00:02.750000+00:00",
        ]
    );
    assert_eq!(
        s.rows("SELECT value FROM soda_metrics ORDER BY data_timestamp"),
        ["40", "10", "11", "20", "30", "50"]
    );
    for table in ["soda_check_results", "soda_metrics"] {
        assert_eq!(
            s.rows(&format!(
                "SELECT COUNT(*) FROM {table} r JOIN soda_scans s \
                 ON s.id = r.scan_id AND s.data_timestamp = r.data_timestamp"
            )),
            ["6"],
            "each row of {table} keeps its scan's time"
        );
    }
    assert_eq!(
        s.rows(&format!(
            "SELECT {} FROM soda_uploads",
            s.time("uploaded_at")
        )),
        ["2024-05-01T10:00:00.500000+00:00"]
    );
    let html = std::fs::read_to_string(t.join("report.html")).unwrap();
    for shown in ["2024-05-02 07:00", "2024-05-02 08:00", "1970-01-01 00:00"] {
        assert!(html.contains(shown), "{shown} in the report");
    }
    let keys = t.soda(["server", "keys", "list", "--store", &s.arg]);
    keys.expect_code(0);
    assert_eq!(
        keys.stdout.trim(),
        "old-key\tci\tcreated 2024-05-01T10:00:00+00:00\trevoked 2024-05-02T10:00:00+00:00"
    );
    // History by real time: at 07:30 UTC (written with its offset) the last measurement is
    // 07:00 UTC's 20; at 10:00 UTC it is 08:00 UTC's 30 (as text, 09:00+02:00 came last).
    t.write(
        "checks.yml",
        "checks for events:\n  - change for row_count < 5\n",
    );
    for (time, historic) in [
        ("2024-05-02T09:30:00+02:00", 20),
        ("2024-05-02T10:00:00+00:00", 30),
    ] {
        let run = t.soda([
            "scan",
            "-d",
            "lite",
            "-c",
            "configuration.yml",
            "-s",
            "daily",
            "-t",
            time,
            "--store",
            &s.arg,
            "-srf",
            "results.json",
            "checks.yml",
        ]);
        run.expect_code(2);
        assert_eq!(
            check(&t, "change for row_count < 5")["diagnostics"]["diagnostics"],
            json!({"historic_value": historic, "metric_value": 40}),
            "{run}"
        );
    }
    assert_eq!(
        s.rows(&format!(
            "SELECT {} FROM soda_scans ORDER BY data_timestamp DESC LIMIT 3",
            s.time("data_timestamp")
        )),
        [
            "2024-05-03T06:00:00.250000+00:00",
            "2024-05-02T10:00:00+00:00",
            "2024-05-02T08:00:00+00:00"
        ]
    );
}
