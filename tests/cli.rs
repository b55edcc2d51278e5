//! What a user sees on the command line, on a SQLite database: whole console outputs, exit
//! codes (0 pass, 1 warn, 2 fail, 3 error) and one-line usage errors.

use crate::common::{db, Database, Test};

const DB: Database = Database::Sqlite;

/// A test with `configuration.yml` (data source `lite`) and the given `checks.yml`.
fn scan_setup(checks: &str) -> Test {
    let t = Test::with(&DB);
    t.write("checks.yml", checks);
    t
}

fn scan(t: &Test, extra: &[&str]) -> crate::common::Run {
    let mut args = vec!["scan", "-d", "lite", "-c", "configuration.yml"];
    args.extend_from_slice(extra);
    args.push("checks.yml");
    t.soda(args)
}

#[test]
fn passing_scan_exits_0() {
    let t = scan_setup(
        "
        checks for customers:
          - row_count > 0
          - missing_count(email) < 5
        checks for orders:
          - row_count = 6
        ",
    );
    scan(&t, &[]).expect_code(0).expect_stdout(
        "
        [HH:MM:SS] Soda Core 3.5.6 compatible: soda-rs [VERSION]
        [HH:MM:SS] Scan summary:
        [HH:MM:SS] 3/3 checks PASSED: 
        [HH:MM:SS]     customers in lite
        [HH:MM:SS]       row_count > 0 [PASSED]
        [HH:MM:SS]       missing_count(email) < 5 [PASSED]
        [HH:MM:SS]     orders in lite
        [HH:MM:SS]       row_count = 6 [PASSED]
        [HH:MM:SS] All is good. No failures. No warnings. No errors.
        ",
    );
}

#[test]
fn warning_scan_exits_1() {
    let t = scan_setup(
        "
        checks for customers:
          - row_count > 0
          - row_count:
              warn: when < 100
        ",
    );
    scan(&t, &[]).expect_code(1).expect_stdout(
        "
        [HH:MM:SS] Soda Core 3.5.6 compatible: soda-rs [VERSION]
        [HH:MM:SS] Scan summary:
        [HH:MM:SS] 1/2 checks PASSED: 
        [HH:MM:SS]     customers in lite
        [HH:MM:SS]       row_count > 0 [PASSED]
        [HH:MM:SS] 1/2 checks WARNED: 
        [HH:MM:SS]     customers in lite
        [HH:MM:SS]       row_count warn when < 100 [WARNED]
        [HH:MM:SS]         check_value: 10
        [HH:MM:SS] Only 1 warning. 0 failures. 0 errors. 1 pass.
        ",
    );
}

#[test]
fn failing_scan_exits_2() {
    let t = scan_setup(
        "
        checks for customers:
          - row_count:
              warn: when < 100
          - missing_count(email) = 0
        ",
    );
    scan(&t, &[]).expect_code(2).expect_stdout(
        "
        [HH:MM:SS] Soda Core 3.5.6 compatible: soda-rs [VERSION]
        [HH:MM:SS] Scan summary:
        [HH:MM:SS] 1/2 checks WARNED: 
        [HH:MM:SS]     customers in lite
        [HH:MM:SS]       row_count warn when < 100 [WARNED]
        [HH:MM:SS]         check_value: 10
        [HH:MM:SS] 1/2 checks FAILED: 
        [HH:MM:SS]     customers in lite
        [HH:MM:SS]       missing_count(email) = 0 [FAILED]
        [HH:MM:SS]         check_value: 1
        [HH:MM:SS]         failed_rows_sample_ref: not-persisted Samples are not sent to Soda Cloud 11x(1/1)
        [HH:MM:SS] Oops! 1 failure. 1 warning. 0 errors. 0 pass.
        ",
    );
}

#[test]
fn unknown_data_source_exits_3() {
    let t = scan_setup(
        "
        checks for customers:
          - row_count > 0
        ",
    );
    t.soda(["scan", "-d", "nope", "-c", "configuration.yml", "checks.yml"])
        .expect_code(3)
        .expect_stdout(
            "
            [HH:MM:SS] Soda Core 3.5.6 compatible: soda-rs [VERSION]
            [HH:MM:SS] Data source 'nope' not present in the configuration. Configured data sources: lite
            [HH:MM:SS] Scan summary:
            [HH:MM:SS] 1/1 check NOT EVALUATED: 
            [HH:MM:SS]     customers in nope
            [HH:MM:SS]       row_count > 0 [NOT EVALUATED]
            [HH:MM:SS]         not_evaluated: Data source 'nope' not present in the configuration. Configured data sources: lite
            [HH:MM:SS] 1 checks not evaluated.
            [HH:MM:SS] 1 errors.
            [HH:MM:SS] Oops! 1 error. 0 failures. 0 warnings. 0 pass.
            ERRORS:
            [HH:MM:SS] Data source 'nope' not present in the configuration. Configured data sources: lite
            ",
        )
        .expect_stderr("");
}

#[test]
fn missing_configuration_file_exits_3() {
    let t = Test::new();
    t.write(
        "checks.yml",
        "
        checks for customers:
          - row_count > 0
        ",
    );
    let run = t.soda(["scan", "-d", "lite", "-c", "missing.yml", "checks.yml"]);
    run.expect_code(3)
        .expect_stdout_contains("] Configuration path 'missing.yml' does not exist\n")
        .expect_stdout_contains(
            "] Data source 'lite' not present in the configuration. Configured data sources: \n",
        );
}

#[test]
fn missing_checks_file_exits_3() {
    let t = Test::with(&DB);
    t.soda([
        "scan",
        "-d",
        "lite",
        "-c",
        "configuration.yml",
        "missing.yml",
    ])
    .expect_code(3)
    .expect_stdout(
        r#"
            [HH:MM:SS] Soda Core 3.5.6 compatible: soda-rs [VERSION]
            [HH:MM:SS] Path "missing.yml" does not exist
            [HH:MM:SS] Scan summary:
            [HH:MM:SS] No valid checks found, 0 checks evaluated.
            [HH:MM:SS] 1 errors.
            [HH:MM:SS] Oops! 1 error. 0 failures. 0 warnings. 0 pass.
            ERRORS:
            [HH:MM:SS] Path "missing.yml" does not exist
            "#,
    );
}

#[test]
fn unreadable_checks_file_exits_3() {
    let t = Test::with(&DB);
    t.write_bytes(
        "checks.yml",
        b"checks for customers:\n  - row_count > 0 \xff\xfe\n",
    );
    scan(&t, &[])
        .expect_code(3)
        .expect_stdout_contains(
            "] Could not read SodaCL file checks.yml: the file is not valid UTF-8 text\n  +-> line=2,col=19 in checks.yml\n",
        )
        .expect_stdout_contains("] No valid checks found, 0 checks evaluated.\n");
}

#[test]
fn invalid_yaml_is_located() {
    let t = scan_setup(
        "
        checks for customers:
          - row_count > 0
           bad: [
        ",
    );
    scan(&t, &[]).expect_code(3).expect_stdout(
        "
        [HH:MM:SS] Soda Core 3.5.6 compatible: soda-rs [VERSION]
        [HH:MM:SS] YAML syntax error
          | mapping values are not allowed in this context
          +-> line=3,col=7 in checks.yml
          3 |    bad: [
            |       ^
        [HH:MM:SS] Scan summary:
        [HH:MM:SS] No valid checks found, 0 checks evaluated.
        [HH:MM:SS] 1 errors.
        [HH:MM:SS] Oops! 1 error. 0 failures. 0 warnings. 0 pass.
        ERRORS:
        [HH:MM:SS] YAML syntax error
          | mapping values are not allowed in this context
          +-> line=3,col=7 in checks.yml
          3 |    bad: [
            |       ^
        ",
    );
}

#[test]
fn invalid_check_line_is_located_and_the_rest_still_runs() {
    let t = scan_setup(
        "
        checks for customers:
          - row_count >
          - missing_count(email) = 1
        ",
    );
    scan(&t, &[]).expect_code(3).expect_stdout(
        r#"
        [HH:MM:SS] Soda Core 3.5.6 compatible: soda-rs [VERSION]
        [HH:MM:SS] Invalid check "row_count >": expected a single space, found the end of the line
          +-> line=2,col=16 in checks.yml
          2 |   - row_count >
            |                ^
        [HH:MM:SS] Scan summary:
        [HH:MM:SS] 1/1 check PASSED: 
        [HH:MM:SS]     customers in lite
        [HH:MM:SS]       missing_count(email) = 1 [PASSED]
        [HH:MM:SS] 1 errors.
        [HH:MM:SS] Oops! 1 error. 0 failures. 0 warnings. 1 pass.
        ERRORS:
        [HH:MM:SS] Invalid check "row_count >": expected a single space, found the end of the line
          +-> line=2,col=16 in checks.yml
          2 |   - row_count >
            |                ^
        "#,
    );
}

#[test]
fn unknown_metric_is_located() {
    let t = scan_setup(
        "
        checks for customers:
          - row_count > 0
          - mediaan(age) > 1
        ",
    );
    let run = scan(&t, &[]);
    run.expect_code(3)
        .expect_stdout_contains("] Unsupported metric mediaan\n  +-> line=3,col=5 in checks.yml\n")
        .expect_stdout_contains("      mediaan(age) > 1 [NOT EVALUATED]\n")
        .expect_stdout_contains("      row_count > 0 [PASSED]\n");
}

#[test]
fn bad_data_timestamp_is_one_line_on_stderr() {
    let t = scan_setup(
        "
        checks for customers:
          - row_count > 0
        ",
    );
    scan(&t, &["-t", "yesterday"])
        .expect_code(3)
        .expect_stdout("")
        .expect_stderr(
            "
            error: invalid value 'yesterday' for '-t/--data-timestamp': expected ISO 8601, e.g. 2024-05-01T12:00:00+02:00
            ",
        );
}

#[test]
fn unknown_option_is_one_line_on_stderr() {
    let t = scan_setup(
        "
        checks for customers:
          - row_count > 0
        ",
    );
    scan(&t, &["--local"])
        .expect_code(3)
        .expect_stdout("")
        .expect_stderr(
            "
            error: unexpected argument '--local' found (see 'soda --help')
            ",
        );
}

#[test]
fn missing_data_source_option_is_one_line_on_stderr() {
    let t = Test::new();
    let run = t.soda(["scan", "checks.yml"]);
    run.expect_code(3).expect_stdout("");
    assert_eq!(run.stderr.lines().count(), 1, "{run}");
    assert!(run.stderr.contains("--data-source"), "{run}");
}

#[test]
fn version_exits_0() {
    let run = Test::new().soda(["--version"]);
    run.expect_code(0)
        .expect_stdout(&format!("soda {}\n", env!("CARGO_PKG_VERSION")))
        .expect_stderr("");
}

#[test]
fn help_exits_0() {
    let run = Test::new().soda(["--help"]);
    run.expect_code(0).expect_stderr("");
    for needle in ["Usage: soda <COMMAND>", "  scan ", "  test-connection "] {
        run.expect_stdout_contains(needle);
    }
    let run = Test::new().soda(["scan", "--help"]);
    run.expect_code(0).expect_stderr("");
    for needle in [
        "--data-source",
        "--scan-definition",
        "--variable",
        "--configuration",
        "--data-timestamp",
        "--verbose",
        "--scan-results-file",
    ] {
        run.expect_stdout_contains(needle);
    }
}

#[test]
fn variables_name_the_table_and_the_threshold() {
    let t = scan_setup(
        "
        checks for ${TABLE}:
          - row_count < ${MAX_ROWS}
        ",
    );
    let run = scan(&t, &["-v", "TABLE=orders", "-v", "MAX_ROWS=7"]);
    run.expect_code(0)
        .expect_stdout_contains("]     orders in lite\n")
        .expect_stdout_contains("]       row_count < 7 [PASSED]\n");
    // The same file fails when the variable says so: the threshold really is the variable.
    let run = scan(&t, &["-v", "TABLE=orders", "-v", "MAX_ROWS=5"]);
    run.expect_code(2)
        .expect_stdout_contains("]       row_count < 5 [FAILED]\n")
        .expect_stdout_contains("]         check_value: 6\n");
}

#[test]
fn verbose_prints_one_aggregation_query_per_table() {
    let t = scan_setup(
        "
        checks for customers:
          - row_count > 0
          - missing_count(email) = 1
          - invalid_count(email) = 3:
              valid format: email
          - min(age) > 0
          - max(age) < 100
          - avg(size) > 1
          - sum(amount) > 0
          - max_length(name) < 10
          - stddev(age) > 0
        checks for orders:
          - row_count = 6
          - max(total) = 100
        ",
    );
    let run = scan(&t, &["-V"]);
    run.expect_code(0);
    let queries: Vec<&str> = run
        .stdout
        .lines()
        .filter(|l| l.contains("] Query "))
        .collect();
    assert_eq!(
        queries,
        [
            "[HH:MM:SS] Query 1.lite.customers.aggregation[0]:",
            "[HH:MM:SS] Query 2.lite.orders.aggregation[0]:",
        ],
        "{run}"
    );
    assert_eq!(run.stdout.matches("\nFROM customers\n").count(), 1, "{run}");
    run.expect_stdout_contains(
        "] Query 2.lite.orders.aggregation[0]:\nSELECT \n  COUNT(*),\n  MAX(total) \nFROM orders\n",
    )
    .expect_stdout_contains("] 2/2 queries OK\n")
    .expect_stdout_contains("]   1.lite.customers.aggregation[0] [OK] [DURATION]\n")
    .expect_stdout_contains("]       row_count > 0 [checks.yml] [PASSED]\n")
    .expect_stdout_contains("]         check_value: 10\n");
}

#[test]
fn test_connection_succeeds() {
    let t = Test::with(&DB);
    t.soda(["test-connection", "-d", "lite", "-c", "configuration.yml"])
        .expect_code(0)
        .expect_stdout(
            "
            [HH:MM:SS] Soda Core 3.5.6 compatible: soda-rs [VERSION]
            Successfully connected to 'lite'.
            Connection 'lite' is valid.
            ",
        );
}

#[test]
fn test_connection_fails() {
    let t = Test::new();
    t.write(
        "configuration.yml",
        "
        data_source lite:
          type: sqlite
          path: no-such.sqlite
        ",
    );
    t.soda(["test-connection", "-d", "lite", "-c", "configuration.yml"])
        .expect_code(3)
        .expect_stdout(
            r#"
            [HH:MM:SS] Soda Core 3.5.6 compatible: soda-rs [VERSION]
            [HH:MM:SS] Could not connect to data source "lite": SQLite database file no-such.sqlite does not exist
            Unable to connect to 'lite'.
            "#,
        );
    t.soda(["test-connection", "-d", "other", "-c", "configuration.yml"])
        .expect_code(3)
        .expect_stdout_contains("] Data source 'other' not present in the configuration.\n")
        .expect_stdout_contains("Unable to connect to 'other'.\n");
}

#[test]
fn average_of_an_empty_table_is_not_evaluated() {
    let t = Test::new();
    db::create_sqlite(&t.join("empty.sqlite"), "CREATE TABLE t (x INTEGER);");
    t.write(
        "configuration.yml",
        "
        data_source empty:
          type: sqlite
          path: empty.sqlite
        ",
    );
    t.write(
        "checks.yml",
        "
        checks for t:
          - row_count = 0
          - avg(x) > 0
        ",
    );
    let run = t.soda([
        "scan",
        "-d",
        "empty",
        "-c",
        "configuration.yml",
        "checks.yml",
    ]);
    // An average over no rows is NULL: not evaluated, and not an error.
    run.expect_code(0)
        .expect_stdout_contains("]       row_count = 0 [PASSED]\n")
        .expect_stdout_contains("]       avg(x) > 0 [NOT EVALUATED]\n")
        .expect_stdout_contains(
            "] Apart from the checks that have not been evaluated, no failures, no warnings and no errors.\n",
        );
}

/// A typo in `soda report --store` is an error naming the path, not a new, empty store and
/// an empty report: exit 3, and neither the file, its folder nor a report is created.
#[test]
fn report_of_a_store_that_does_not_exist_is_an_error() {
    let t = Test::new();
    t.soda(["report", "--store", "typo/missing.db", "-o", "report.html"])
        .expect_code(3)
        .expect_stdout(
            "
            [HH:MM:SS] Soda Core 3.5.6 compatible: soda-rs [VERSION]
            [HH:MM:SS] The results store typo/missing.db does not exist; nothing to report (soda scan --store or results_store: creates it)
            ",
        );
    for made in ["typo", "typo/missing.db", "report.html"] {
        assert!(!t.join(made).exists(), "{made} was created");
    }
    t.write("configuration.yml", "results_store:\n  path: missing.db\n");
    t.soda(["report", "-c", "configuration.yml", "-o", "report.html"])
        .expect_code(3)
        .expect_stdout_contains("] The results store missing.db does not exist; nothing to report");
    assert!(!t.join("missing.db").exists());
}

/// `soda server --store` of a file that does not exist stops at start, before listening,
/// with the path and the flag that would create it.
#[test]
fn server_on_a_store_that_does_not_exist_is_an_error() {
    let t = Test::new();
    t.soda(["server", "--store", "missing.db", "--listen", "127.0.0.1:0"])
        .expect_code(3)
        .expect_stdout("")
        .expect_stderr(
            "
            error: the results store missing.db does not exist; pass --create-store to start a new one there
            ",
        );
    assert!(!t.join("missing.db").exists());
    let help = t.soda(["server", "--help"]);
    help.expect_code(0);
    assert!(help.stdout.contains("--create-store"), "{help}");
}

/// Listing or revoking keys reads the store it is given: a mistyped path is an error, not an
/// empty list from a store made on the spot. Only `keys create` starts a store.
#[test]
fn server_keys_of_a_store_that_does_not_exist_are_an_error() {
    let t = Test::new();
    for args in [
        &["server", "keys", "list", "--store", "missing.db"][..],
        &["server", "keys", "revoke", "k1", "--store", "missing.db"][..],
    ] {
        t.soda(args.iter().copied())
            .expect_code(3)
            .expect_stdout("")
            .expect_stderr(
                "
                error: could not open the results store missing.db: missing.db does not exist
                ",
            );
    }
    assert!(!t.join("missing.db").exists());
    t.soda(["server", "keys", "create", "ci", "--store", "missing.db"])
        .expect_code(0);
    assert!(t.join("missing.db").exists());
}

/// A misspelt key of a data source is one error, with what was meant, shown at its line; the
/// key it stands for is not reported missing, nor the data source as absent.
#[test]
fn a_misspelt_data_source_key_is_one_error_with_a_suggestion() {
    let t = scan_setup("checks for customers:\n  - row_count > 0\n");
    t.write(
        "configuration.yml",
        "
        data_source lite:
          type: sqlite
          paht: shop.sqlite
        ",
    );
    let run = scan(&t, &[]);
    run.expect_code(3)
        .expect_stdout_contains(
            "] Unknown key \"paht\" in data_source lite: did you mean \"path\"?\n  +-> line=3,col=3 in configuration.yml\n  3 |   paht: shop.sqlite\n    |   ^\n",
        )
        .expect_stdout_contains("] 1 errors.\n");
    assert!(!run.stdout.contains("is required"), "{run}");
    assert!(!run.stdout.contains("not present"), "{run}");
    assert!(
        run.stdout.contains("not_evaluated: Unknown key \"paht\""),
        "the check says why it did not run: {run}"
    );
}

/// A data source name one letter off names the configured one.
#[test]
fn a_misspelt_data_source_name_names_the_configured_one() {
    let t = scan_setup("checks for customers:\n  - row_count > 0\n");
    t.soda(["scan", "-d", "ltie", "-c", "configuration.yml", "checks.yml"])
        .expect_code(3)
        .expect_stdout_contains(
            "Data source 'ltie' not present in the configuration. Configured data sources: lite. Did you mean 'lite'?\n",
        );
}
