//! Hostile input: files and arguments built to crash, hang or slip past the parser. Each one
//! must end in one clear message (with `file:line:col` where there is a file), exit 3, and
//! no panic; the rest of the scan still runs where it can.

use crate::common::db::Database;
use crate::common::Test;

/// A test with the SQLite dataset and `checks.yml` holding `checks`.
fn scan_checks(checks: &[u8]) -> (Test, crate::common::Run) {
    let t = Test::with(&Database::Sqlite);
    t.write_bytes("checks.yml", checks);
    let run = t.scan(&["checks.yml"]);
    (t, run)
}

#[test]
fn an_alias_bomb_is_refused_at_its_alias() {
    let mut text = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..9 {
        let prev = (b'a' + i - 1) as char;
        let name = (b'a' + i) as char;
        text.push_str(&format!(
            "{name}: &{name} [{}]\n",
            vec![format!("*{prev}"); 10].join(", ")
        ));
    }
    let (_, run) = scan_checks(text.as_bytes());
    run.expect_code(3);
    assert!(
        run.stdout
            .contains("aliases expand to more than 100000 nodes"),
        "{run}"
    );
    assert!(
        run.stdout.contains("+-> line=5,col="),
        "the alias that crosses the limit: {run}"
    );
}

#[test]
fn deep_nesting_is_refused_early() {
    // 10,000 levels of block sequences on one line, and as many of flow sequences.
    for text in [
        format!("{}x\n", "- ".repeat(10_000)),
        format!("a: {}\n", "[".repeat(10_000)),
    ] {
        let (_, run) = scan_checks(text.as_bytes());
        run.expect_code(3);
        assert!(
            run.stdout.contains("nesting deeper than 200 levels")
                || run.stdout.contains("recursion limit exceeded"),
            "{run}"
        );
    }
}

#[test]
fn a_second_yaml_document_is_an_error_at_its_line() {
    let (_, run) = scan_checks(
        b"checks for customers:\n  - row_count > 0\n---\nchecks for orders:\n  - row_count > 0\n",
    );
    run.expect_code(3);
    assert!(
        run.stdout
            .contains("a second YAML document (---) in the same file"),
        "{run}"
    );
    assert!(
        run.stdout.contains("+-> line=3,col=1 in checks.yml"),
        "{run}"
    );
}

#[test]
fn a_byte_order_mark_is_accepted() {
    let (_, run) = scan_checks(b"\xef\xbb\xbfchecks for customers:\n  - row_count > 0\n");
    run.expect_code(0);
}

#[test]
fn a_nul_character_is_located() {
    let (_, run) = scan_checks(b"checks for customers:\n  - row_count\0 > 0\n");
    run.expect_code(3);
    assert!(
        run.stdout
            .contains("the file holds a NUL character\n  +-> line=2,col=14 in checks.yml"),
        "{run}"
    );
}

#[test]
fn a_fifo_or_device_is_refused_at_once() {
    let t = Test::with(&Database::Sqlite);
    let fifo = t.join("pipe.yml");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo");
    assert!(made.success());
    let start = std::time::Instant::now();
    let run = t.scan(&["pipe.yml", "/dev/zero"]);
    run.expect_code(3);
    assert!(
        run.stdout.contains("pipe.yml is not a regular file"),
        "{run}"
    );
    assert!(
        run.stdout.contains("/dev/zero is not a regular file"),
        "{run}"
    );
    // Reading either would block or never end; refusing takes no time at all.
    assert!(
        start.elapsed() < std::time::Duration::from_secs(20),
        "took {:?}",
        start.elapsed()
    );
    let config = t.soda(["scan", "-d", "lite", "-c", "/dev/zero", "pipe.yml"]);
    config.expect_code(3);
    assert!(
        config.stdout.contains("/dev/zero is not a regular file"),
        "{config}"
    );
}

#[test]
fn variables_without_a_name_or_an_equals_sign_are_usage_errors() {
    let t = Test::with(&Database::Sqlite);
    t.write("checks.yml", "checks for customers:\n  - row_count > 0\n");
    for bad in ["FOO", "=x"] {
        let run = t.soda([
            "scan",
            "-d",
            "lite",
            "-c",
            "configuration.yml",
            "-v",
            bad,
            "checks.yml",
        ]);
        run.expect_code(3);
        assert_eq!(run.stdout, "", "{run}");
        assert_eq!(run.stderr.lines().count(), 1, "one line: {run}");
        assert!(run.stderr.contains("-v/--variable"), "{run}");
    }
}

#[test]
fn a_scan_without_checks_is_a_usage_error() {
    let t = Test::with(&Database::Sqlite);
    let run = t.soda(["scan", "-d", "lite", "-c", "configuration.yml"]);
    run.expect_code(3);
    assert_eq!(run.stderr.lines().count(), 1, "{run}");
    assert!(
        run.stderr.contains("no checks file or folder given"),
        "{run}"
    );
}

/// A configuration of a PostgreSQL data source at `host:port` with a password.
fn postgres_at(t: &Test, host: &str, port: &str) {
    t.write(
        "configuration.yml",
        &format!(
            "data_source pg:\n  type: postgres\n  host: {host}\n  port: {port}\n  username: postgres\n  password: hunter2-secret\n  database: test\n"
        ),
    );
}

#[test]
fn a_refused_connection_fails_at_once_and_says_so() {
    let t = Test::new();
    postgres_at(&t, "127.0.0.1", "1");
    t.write("checks.yml", "checks for customers:\n  - row_count > 0\n");
    for args in [
        vec!["test-connection", "-d", "pg", "-c", "configuration.yml"],
        vec!["scan", "-d", "pg", "-c", "configuration.yml", "checks.yml"],
    ] {
        let start = std::time::Instant::now();
        let run = t.soda(&args);
        let took = start.elapsed();
        run.expect_code(3);
        assert!(
            took < std::time::Duration::from_secs(2),
            "took {took:?}: {run}"
        );
        assert!(
            run.stdout.contains("connection refused by 127.0.0.1:1"),
            "{run}"
        );
        assert!(
            !run.stdout.contains("hunter2") && !run.stderr.contains("hunter2"),
            "{run}"
        );
    }
}

#[test]
fn an_unknown_host_fails_at_once() {
    let t = Test::new();
    postgres_at(&t, "no-such-host.invalid", "5432");
    let start = std::time::Instant::now();
    let run = t.soda(["test-connection", "-d", "pg", "-c", "configuration.yml"]);
    run.expect_code(3);
    assert!(start.elapsed() < std::time::Duration::from_secs(5), "{run}");
    assert!(
        run.stdout
            .contains("cannot connect to no-such-host.invalid:5432"),
        "{run}"
    );
}

#[test]
fn an_impossible_port_is_a_located_configuration_error() {
    for port in ["0", "70000"] {
        let t = Test::new();
        postgres_at(&t, "127.0.0.1", port);
        let run = t.soda(["test-connection", "-d", "pg", "-c", "configuration.yml"]);
        run.expect_code(3);
        assert!(
            run.stdout.contains(&format!(
                "port must be a number from 1 to 65535, but was '{port}'\n  +-> line=4,col=9 in configuration.yml"
            )),
            "{run}"
        );
        assert!(!run.stdout.contains("Successfully connected"), "{run}");
    }
}

/// `n` checks of the example table: `- row_count > i`, one a line from line 2.
fn many_checks(n: usize) -> String {
    let mut text = String::from("checks for customers:\n");
    for i in 0..n {
        text.push_str(&format!("  - row_count > {i}\n"));
    }
    text
}

#[test]
fn a_file_over_the_size_limit_is_refused_before_it_is_read() {
    // 4 MiB + 1 byte of nothing (sparse): the size alone refuses it, for checks and
    // configuration files alike.
    let t = Test::with(&Database::Sqlite);
    for name in ["big.yml", "big-config.yml"] {
        let file = std::fs::File::create(t.join(name)).expect("create");
        file.set_len(4 * 1024 * 1024 + 1).expect("set_len");
    }
    let run = t.scan(&["big.yml"]);
    run.expect_code(3);
    run.expect_stdout_contains("Could not read SodaCL file big.yml: big.yml is 4194305 bytes, more than the 4 MiB a checks or configuration file may have; refused");
    let config = t.soda(["scan", "-d", "lite", "-c", "big-config.yml", "big.yml"]);
    config.expect_code(3);
    config.expect_stdout_contains(
        "big-config.yml is 4194305 bytes, more than the 4 MiB a checks or configuration file may have; refused",
    );
}

#[test]
fn more_checks_than_the_limit_refuse_the_whole_scan_at_the_first_check_over_it() {
    // 40,001 checks (1 MB): refused at the 40,001st, on line 40,002; no query runs.
    let (_, run) = scan_checks(many_checks(40_001).as_bytes());
    run.expect_code(3);
    run.expect_stdout_contains(
        "more than 40000 checks in one scan; the scan is refused (split the checks over several scans)\n  +-> line=40002,col=5 in checks.yml",
    );
    assert!(!run.stdout.contains("[PASSED]"), "nothing runs: {run}");
    // At the limit, every check runs.
    let (_, run) = scan_checks(many_checks(40_000).as_bytes());
    run.expect_code(2);
    run.expect_stdout_contains("Oops! 39990 failures. 0 warnings. 0 errors. 10 pass.");
}

#[test]
fn a_yaml_file_of_more_than_500000_nodes_is_refused_at_the_node_over_the_limit() {
    let text = format!("x: [{}]\n", vec!["a"; 500_000].join(","));
    let (_, run) = scan_checks(text.as_bytes());
    run.expect_code(3);
    // The mapping, `x` and the list are nodes 1 to 3: item 499,998 (column 5 + 2 * 499,997)
    // is node 500,001.
    run.expect_stdout_contains(&format!(
        "more than 500000 YAML nodes in one file; refused\n  +-> line=1,col={} in checks.yml",
        5 + 2 * 499_997
    ));
}

#[test]
fn a_one_megabyte_single_line_flow_list_is_read() {
    // 125,000 valid values on one line: the check runs (no status is in the list).
    let values: Vec<String> = (0..125_000).map(|i| format!("v{i:06}")).collect();
    let text = format!(
        "checks for customers:\n  - invalid_count(country) = 0:\n      valid values: [{}]\n",
        values.join(", ")
    );
    assert!(text.len() > 1_000_000);
    let (_, run) = scan_checks(text.as_bytes());
    run.expect_code(2);
    run.expect_stdout_contains("invalid_count(country) = 0 [FAILED]");
}

/// A checks file using every construct, for the damage test below.
const EVERY_CONSTRUCT: &str = "variables:\n  lim: '5'\nfilter orders [recent]:\n  where: x > 1\nconfigurations for orders:\n  missing values for status: [N/A, '-']\n  valid format for email: email\nchecks for orders [recent]:\n  - attributes:\n      team: a\n  - row_count between 1 and ${lim}\n  - missing_percent(status) < 5%:\n      name: n\n      filter: a = 'b'\n      missing values: [1, 2]\n  - schema:\n      fail:\n        when required column missing: [id]\n        when wrong column type:\n          id: integer\n  - freshness(ts) < 1d\n  - values in (a) must exist in other (b)\n  - failed rows:\n      fail condition: x < 0\n      warn: when > 2\n  - group by:\n      query: SELECT 1\n      fields: [a]\n      checks:\n        - n > 1:\n            name: c\nfor each dataset T:\n  datasets: [include o%]\n  checks:\n    - row_count > 0\nchecks:\n  - q > 0:\n      q query: SELECT 1\n";

/// Files damaged at random (characters dropped, doubled or swapped) never panic the
/// checks parser, the planner or the evaluator: every problem must become a diagnostic.
#[test]
fn damaged_files_never_panic() {
    let chars: Vec<char> = EVERY_CONSTRUCT.chars().collect();
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for _ in 0..3_000 {
        let mut text = chars.clone();
        for _ in 0..(1 + next() % 4) {
            let i = (next() % text.len() as u64) as usize;
            match next() % 3 {
                0 => {
                    text.remove(i);
                }
                1 => {
                    let c = text[i];
                    text.insert(i, c);
                }
                _ => {
                    let j = (i + 1) % text.len();
                    text.swap(i, j);
                }
            }
        }
        let text: String = text.into_iter().collect();
        let mut vars = soda::template::Vars::default();
        let mut logs = soda::diagnostic::Logs::new(false, None);
        let mut parser = soda::sodacl::Parser::new(&mut vars, &mut logs, "ds");
        parser.add_text("checks.yml", &text);
        let mut model = parser.model;
        soda::sodacl::identity::assign(&mut model, "ds");
        let _ = model.ordered_checks();
        let plan = soda::plan::Planner::new("s", "ds", &vars).plan(&model, &mut logs);
        let out = soda::measure::Measurements::empty(plan.metrics.len());
        for check in model.ordered_checks() {
            let _ = soda::eval::evaluate(
                check,
                &plan,
                &out,
                &Default::default(),
                &vars,
                chrono::Utc::now(),
                &mut Vec::new(),
            );
        }
    }
}
