//! CI pipelines and terminals: the JUnit XML report (validated with `xmllint --schema` against
//! tests/fixtures/junit/junit.xsd), GitHub Actions annotations and step summary, `-q`, colour
//! (never in a pipe, never with `NO_COLOR`), the progress line under a pseudo-terminal, shell
//! completions and the man page. Webhook alerts are in tests/notify.rs.

use crate::common::{Database, Run, Test};
use std::path::{Path, PathBuf};
use std::process::Command;

const DB: Database = Database::Sqlite;

/// A pass, a warning, a failure, a check that cannot be evaluated (its column does not exist:
/// a scan error too), a name that needs escaping everywhere, and a second dataset.
const MIXED: &str = r#"
    checks for customers:
      - row_count = 10
      - row_count:
          warn: when < 100
      - missing_count(email) = 0
      - missing_count(no_such_column) = 0
      - row_count > 0:
          name: odd <name> & "quotes", 100%
    checks for orders:
      - row_count = 6
    "#;

fn mixed() -> Test {
    let t = Test::with(&DB);
    t.write("checks.yml", MIXED);
    t
}

fn scan(t: &Test, extra: &[&str]) -> Run {
    let mut args = vec!["scan", "-d", "lite", "-c", "configuration.yml"];
    args.extend_from_slice(extra);
    args.push("checks.yml");
    t.soda(args)
}

fn schema() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/junit/junit.xsd")
}

/// `xmllint --noout --schema junit.xsd FILE`: `Ok` when valid, else xmllint's complaint.
fn validate(file: &Path) -> Result<(), String> {
    let out = Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(schema())
        .arg(file)
        .output()
        .expect("xmllint is needed (Debian: apt-get install libxml2-utils; .ci/run installs it)");
    if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

/// The string value of an XPath expression over `file`, as xmllint computes it.
fn xpath(file: &Path, expr: &str) -> String {
    let out = Command::new("xmllint")
        .arg("--xpath")
        .arg(expr)
        .arg(file)
        .output()
        .expect("run xmllint");
    assert!(
        out.status.success(),
        "xmllint --xpath {expr}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

#[test]
fn junit_report_is_valid_and_maps_every_outcome() {
    let t = mixed();
    scan(&t, &["--junit", "junit.xml"]).expect_code(3);
    let file = t.join("junit.xml");
    validate(&file).unwrap_or_else(|e| panic!("junit.xml is not valid JUnit XML:\n{e}"));
    let x = |e: &str| xpath(&file, e);
    // One problem (a missing column), one error case.
    assert_eq!(x("string(/testsuites/@tests)"), "7");
    assert_eq!(x("string(/testsuites/@failures)"), "1");
    assert_eq!(x("string(/testsuites/@errors)"), "1");
    assert_eq!(x("string(/testsuites/@skipped)"), "1");
    // One suite per dataset, then the scan errors.
    assert_eq!(x("count(//testsuite)"), "3");
    assert_eq!(
        x("concat(//testsuite[1]/@name, '|', //testsuite[2]/@name, '|', //testsuite[3]/@name)"),
        "customers in lite|orders in lite|soda scan"
    );
    let case = |name: &str| format!("//testcase[@name='{name}']");
    let failed = case("missing_count(email) = 0");
    assert_eq!(x(&format!("string({failed}/@file)")), "checks.yml");
    assert_eq!(x(&format!("string({failed}/@line)")), "5");
    assert_eq!(
        x(&format!("string({failed}/failure/@message)")),
        "missing_count(email) = 0 [FAILED]; value: 1; fail when value != 0"
    );
    // A warning passes, and says so in its output.
    let warned = case("row_count warn when < 100");
    assert_eq!(x(&format!("count({warned}/*[not(self::system-out)])")), "0");
    assert!(x(&format!("string({warned}/system-out)")).starts_with(
        "WARNING: row_count warn when < 100 [WARNED]; value: 10; warn when value < 100"
    ));
    let skipped = case("missing_count(no_such_column) = 0");
    assert!(
        x(&format!("string({skipped}/skipped/@message)")).starts_with(
            "Query execution error in 1.lite.customers.aggregation[0].isolated[2]: no such column: no_such_column"
        ),
        "the check says which query stopped it"
    );
    assert_eq!(
        x("count(//testsuite[@name='soda scan']/testcase/error)"),
        "1"
    );
    // Escaped on the way in, the same text on the way out.
    assert_eq!(
        x("count(//testcase[@name='odd <name> & \"quotes\", 100%'])"),
        "1"
    );
}

#[test]
fn the_junit_schema_refuses_malformed_reports() {
    // The schema is only worth something if it can say no.
    let t = Test::new();
    let cases = [
        (
            "no_name.xml",
            r#"<testsuites><testsuite name="s" tests="1"><testcase/></testsuite></testsuites>"#,
        ),
        (
            "bad_count.xml",
            r#"<testsuites><testsuite name="s" tests="many"/></testsuites>"#,
        ),
        (
            "two_results.xml",
            r#"<testsuites><testsuite name="s" tests="1"><testcase name="c"><skipped/><failure/></testcase></testsuite></testsuites>"#,
        ),
        (
            "unknown.xml",
            r#"<testsuites><testsuite name="s" tests="1"><check name="c"/></testsuite></testsuites>"#,
        ),
    ];
    for (name, xml) in cases {
        t.write(name, xml);
        assert!(
            validate(&t.join(name)).is_err(),
            "{name} should not validate"
        );
    }
    t.write("ok.xml", r#"<testsuites><testsuite name="s" tests="1"><testcase name="c" line="3"><failure message="m">text</failure></testcase></testsuite></testsuites>"#);
    validate(&t.join("ok.xml")).expect("a minimal report validates");
}

#[test]
fn junit_file_that_cannot_be_written_is_an_error() {
    let t = Test::with(&DB);
    t.write("checks.yml", "checks for orders:\n  - row_count = 6\n");
    let run = scan(&t, &["--junit", "missing/folder/junit.xml"]);
    run.expect_code(3);
    assert!(
        run.stdout
            .contains("Could not write the JUnit report missing/folder/junit.xml"),
        "{run}"
    );
}

fn github(t: Test) -> Test {
    let summary = t.join("summary.md");
    let workspace = t.path().to_string_lossy().into_owned();
    t.env("GITHUB_ACTIONS", "true")
        .env("GITHUB_STEP_SUMMARY", &summary.to_string_lossy())
        .env("GITHUB_WORKSPACE", &workspace)
}

#[test]
fn github_actions_get_annotations_at_the_checks_lines() {
    let t = github(mixed());
    let run = scan(&t, &[]);
    run.expect_code(3);
    let commands: Vec<&str> = run.stdout.lines().filter(|l| l.starts_with("::")).collect();
    assert_eq!(
        commands,
        [
            "::warning file=checks.yml,line=3,col=5,title=Soda check WARNED%3A row_count warn when < 100::customers: row_count warn when < 100 [WARNED]; value: 10; warn when value < 100",
            "::error file=checks.yml,line=5,col=5,title=Soda check FAILED%3A missing_count(email) = 0::customers: missing_count(email) = 0 [FAILED]; value: 1; fail when value != 0",
            // One problem, one annotation: the failed query, at the check it stopped.
            "::error file=checks.yml,line=6,col=5,title=Soda scan error::Query execution error in 1.lite.customers.aggregation[0].isolated[2]: no such column: no_such_column%0ASELECT %0A  COUNT(CASE WHEN no_such_column IS NULL THEN 1 END) %0AFROM customers",
        ],
        "{run}"
    );
    // The annotations come after Soda Core's output, which is unchanged.
    let console: Vec<&str> = run
        .stdout
        .lines()
        .filter(|l| !l.starts_with("::"))
        .collect();
    let plain = scan(&mixed(), &[]);
    assert_eq!(console, plain.stdout.lines().collect::<Vec<_>>());
}

#[test]
fn github_step_summary_has_a_table_per_dataset() {
    let t = github(mixed());
    std::fs::write(t.join("summary.md"), "earlier step\n").unwrap();
    scan(&t, &[]).expect_code(3);
    let summary = std::fs::read_to_string(t.join("summary.md")).unwrap();
    crate::common::assert_text(
        &summary,
        &crate::common::unindent(
            r#"
            earlier step
            ## Soda scan: ❌ error

            Data source lite, scan definition Soda Core CLI, 6 checks.

            ### customers in lite

            | Check | Outcome | Value |
            |---|---|---|
            | row_count = 10 | ✅ PASSED | 10 |
            | row_count warn when &lt; 100 | ⚠️ WARNED | 10 |
            | odd &lt;name&gt; &amp; "quotes", 100% | ✅ PASSED | 10 |
            | missing_count(email) = 0 | ❌ FAILED | 1 |
            | missing_count(no_such_column) = 0 | ⏭️ NOT EVALUATED |  |

            ### orders in lite

            | Check | Outcome | Value |
            |---|---|---|
            | row_count = 6 | ✅ PASSED | 6 |

            ### Errors

            - Query execution error in 1.lite.customers.aggregation[0].isolated[2]: no such column: no_such_column SELECT    COUNT(CASE WHEN no_such_column IS NULL THEN 1 END)  FROM customers

            "#,
        ),
        "summary.md",
    );
}

#[test]
fn outside_github_actions_there_are_no_workflow_commands() {
    let run = scan(&mixed(), &[]);
    assert!(!run.stdout.contains("::"), "{run}");
}

#[test]
fn quiet_prints_only_what_did_not_pass_and_the_verdict() {
    let t = Test::with(&DB);
    t.write(
        "checks.yml",
        "
        checks for customers:
          - row_count = 10
          - row_count:
              warn: when < 100
          - missing_count(email) = 0
        checks for orders:
          - row_count = 6
        ",
    );
    scan(&t, &["-q", "-srf", "results.json"])
        .expect_code(2)
        .expect_stdout(
            "
            [HH:MM:SS] 1/4 checks WARNED: 
            [HH:MM:SS]     customers in lite
            [HH:MM:SS]       row_count warn when < 100 [WARNED]
            [HH:MM:SS]         check_value: 10
            [HH:MM:SS] 1/4 checks FAILED: 
            [HH:MM:SS]     customers in lite
            [HH:MM:SS]       missing_count(email) = 0 [FAILED]
            [HH:MM:SS]         check_value: 1
            [HH:MM:SS]         failed_rows_sample_ref: not-persisted Samples are not sent to Soda Cloud 11x(1/1)
            [HH:MM:SS] Oops! 1 failure. 1 warning. 0 errors. 2 pass.
            ",
        );
    // -q changes the console only: the results document keeps the whole log.
    let logs = t.results().0["logs"].as_array().unwrap().len();
    scan(&t, &["-srf", "results.json"]).expect_code(2);
    assert_eq!(t.results().0["logs"].as_array().unwrap().len(), logs);
}

#[test]
fn quiet_still_shows_errors_and_their_recap() {
    let t = Test::with(&DB);
    t.write(
        "checks.yml",
        "checks for customers:\n  - row_count = 10\n  - row_count >\n",
    );
    let run = scan(&t, &["--quiet"]);
    run.expect_code(3);
    assert!(!run.stdout.contains("Soda Core 3.5.6"), "{run}");
    assert!(!run.stdout.contains("[PASSED]"), "{run}");
    assert!(run.stdout.contains("Oops! 1 error."), "{run}");
    assert!(run.stdout.contains("\nERRORS:\n"), "{run}");
}

#[test]
fn colour_only_when_asked_for_or_on_a_terminal() {
    let t = mixed();
    // A pipe (the harness captures stdout): no escape codes, even for a failing scan.
    assert!(!scan(&t, &[]).stdout.contains('\x1b'));
    assert!(!scan(&t, &["--color", "never"]).stdout.contains('\x1b'));
    let coloured = scan(&t, &["--color", "always"]);
    assert!(
        coloured
            .stdout
            .contains("[HH:MM:SS]       \x1b[31mmissing_count(email) = 0 [FAILED]\x1b[0m\n"),
        "{coloured}"
    );
    assert!(
        coloured
            .stdout
            .contains("[HH:MM:SS]       \x1b[32mrow_count = 10 [PASSED]\x1b[0m\n"),
        "{coloured}"
    );
    // Colour never reaches the results document.
    scan(&t, &["--color", "always", "-srf", "results.json"]);
    assert!(!t.results_text().contains("\\u001b"));
}

/// Runs `soda <args>` in `t`'s directory under a pseudo-terminal (util-linux `script`), so
/// that stdout and stderr are terminals; returns everything the terminal showed.
fn on_a_terminal(t: &Test, args: &[&str], env: &[(&str, &str)]) -> String {
    let mut line = shell_quote(env!("CARGO_BIN_EXE_soda"));
    for a in args {
        line.push(' ');
        line.push_str(&shell_quote(a));
    }
    let mut cmd = Command::new("script");
    cmd.args(["-q", "-e", "-c", &line, "/dev/null"])
        .current_dir(t.path())
        .env("HOME", t.path())
        .env("TZ", "UTC")
        .env("TERM", "xterm")
        .env_remove("CI")
        .env_remove("GITHUB_ACTIONS")
        .env_remove("NO_COLOR");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd
        .output()
        .expect("util-linux `script` runs a command under a pty");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

#[test]
fn terminals_get_colour_unless_no_color_is_set() {
    let t = mixed();
    let args = [
        "scan",
        "-d",
        "lite",
        "-c",
        "configuration.yml",
        "checks.yml",
    ];
    let tty = on_a_terminal(&t, &args, &[]);
    assert!(
        tty.contains("\x1b[31mmissing_count(email) = 0 [FAILED]"),
        "{tty}"
    );
    let no_color = on_a_terminal(&t, &args, &[("NO_COLOR", "1")]);
    assert!(
        no_color.contains("missing_count(email) = 0 [FAILED]"),
        "{no_color}"
    );
    assert!(!no_color.contains('\x1b'), "{no_color}");
}

/// A user-defined query that keeps SQLite busy for a while (a recursive count).
const SLOW: &str = "
    checks for customers:
      - slow_count > 0:
          slow_count query: |
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000000)
            SELECT COUNT(*) FROM n
      - row_count = 10
    ";

#[test]
fn progress_line_on_a_terminal_only() {
    let t = Test::with(&DB);
    t.write("checks.yml", SLOW);
    let args = [
        "scan",
        "-d",
        "lite",
        "-c",
        "configuration.yml",
        "checks.yml",
    ];
    let tty = on_a_terminal(&t, &args, &[("NO_COLOR", "1")]);
    assert!(
        tty.contains("queries done"),
        "no progress line on a terminal:\n{tty}"
    );
    assert!(tty.contains("slowest: "), "{tty}");
    // The line is erased before the summary, which stays as in a pipe.
    assert!(tty.contains("\r\x1b[2K"), "{tty}");
    let piped = scan(&t, &[]);
    piped.expect_code(0);
    assert!(!piped.stderr.contains("queries done"), "{piped}");
    assert!(!piped.stdout.contains("queries done"), "{piped}");
    // Not in CI either, even on a terminal.
    let ci = on_a_terminal(&t, &args, &[("CI", "true")]);
    assert!(!ci.contains("queries done"), "{ci}");
}

#[test]
fn completions_for_each_shell() {
    let t = Test::new();
    let bash = t.soda(["completions", "bash"]);
    bash.expect_code(0);
    assert!(bash.stdout.contains("complete -F _soda"), "{bash}");
    assert!(bash.stdout.contains("--junit"), "{bash}");
    let zsh = t.soda(["completions", "zsh"]);
    assert!(zsh.stdout.starts_with("#compdef soda"), "{zsh}");
    let fish = t.soda(["completions", "fish"]);
    assert!(fish.stdout.contains("complete -c soda"), "{fish}");
    t.soda(["completions", "tcsh"]).expect_code(3);
}

#[test]
fn bash_accepts_the_completion_script() {
    let t = Test::new();
    let script = t.soda(["completions", "bash"]).stdout;
    t.write_bytes("soda.bash", script.as_bytes());
    let out = Command::new("bash")
        .args(["-c", "source ./soda.bash && complete -p soda"])
        .current_dir(t.path())
        .output()
        .expect("bash");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("_soda"));
}

#[test]
fn man_page_is_roff_from_the_cli_definition() {
    let t = Test::new();
    let man = t.soda(["man"]);
    man.expect_code(0);
    assert!(man.stdout.starts_with(".ie \\n(.g .ds Aq"), "{man}");
    assert!(man.stdout.contains(".TH soda 1"), "{man}");
    assert!(man.stdout.contains("completions"), "{man}");
}
