//! The checks language, one fixture file per construct: `tests/sodacl/valid/*.yml` and
//! `tests/sodacl/invalid/*.yml` (ruff's parser fixtures).
//!
//! Every file is one test, scanned against the SQLite dataset, and its whole console output is
//! compared with `<fixture>.stdout` beside it (`SODA_UPDATE_EXPECTED=1` rewrites those). A
//! valid file also declares how many checks it evaluates (`# checks: N`) and must log no
//! error. An invalid file declares each error it must produce as
//! `# expect-error: LINE:COL text`: an error record at that location whose console block
//! (message, detail lines and location) contains `text`.

use crate::common::expect::assert_expected;
use crate::common::{Database, Run, Test};
use std::path::{Path, PathBuf};

fn fixtures(kind: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/sodacl")
        .join(kind);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("read {}: {e}", dir.display()))
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "yml"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no fixtures in {}", dir.display());
    files
}

/// The values of the `# <key>: ...` header comments of a fixture.
fn headers<'a>(text: &'a str, key: &str) -> Vec<&'a str> {
    let prefix = format!("# {key}: ");
    text.lines()
        .take_while(|l| l.starts_with('#') || l.trim().is_empty())
        .filter_map(|l| l.strip_prefix(prefix.as_str()))
        .collect()
}

/// Copies a fixture into the test dir as `<kind>/<name>` and scans it.
fn scan_fixture(t: &Test, kind: &str, path: &Path) -> (String, String, Run) {
    let name = format!("{kind}/{}", path.file_name().unwrap().to_string_lossy());
    let text = std::fs::read_to_string(path).expect("read fixture");
    t.write_bytes(&name, text.as_bytes());
    let run = t.scan(&[&name]);
    (name, text, run)
}

/// The console records of a run: each `[HH:MM:SS] ...` line with the lines that follow it.
fn console_records(stdout: &str) -> Vec<String> {
    let mut records: Vec<String> = Vec::new();
    for line in stdout.lines() {
        if line.starts_with("[HH:MM:SS] ") || records.is_empty() {
            records.push(String::new());
        }
        let last = records.last_mut().unwrap();
        last.push_str(line);
        last.push('\n');
    }
    records
}

/// A valid fixture: no error, the declared number of checks, the expected console output.
fn valid(fixture: &str) {
    let t = Test::with(&Database::Sqlite);
    let mut problems = Vec::new();
    {
        let path = fixture_path("valid", fixture);
        let (name, text, run) = scan_fixture(&t, "valid", &path);
        assert_expected(&path.with_extension("stdout"), &run.stdout);
        let expected_checks: usize = match headers(&text, "checks").as_slice() {
            [n] => n.parse().expect("# checks: N"),
            _ => panic!("{name}: declare the number of evaluated checks with `# checks: N`"),
        };
        let results = t.results();
        let errors = results.errors();
        if run.code == 3 || !errors.is_empty() {
            problems.push(format!("{name}: errors {errors:#?}\n{run}"));
        } else if results.checks().len() != expected_checks {
            problems.push(format!(
                "{name}: {} checks evaluated, expected {expected_checks}: {:?}\n{run}",
                results.checks().len(),
                results.names()
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

/// An invalid fixture: exit 3, each declared error at its location, the expected output.
fn invalid(fixture: &str) {
    let t = Test::with(&Database::Sqlite);
    let mut problems = Vec::new();
    'fixture: {
        let path = fixture_path("invalid", fixture);
        let (name, text, run) = scan_fixture(&t, "invalid", &path);
        assert_expected(&path.with_extension("stdout"), &run.stdout);
        let expectations = headers(&text, "expect-error");
        if expectations.is_empty() {
            problems.push(format!("{name}: declare `# expect-error: LINE:COL text`"));
            break 'fixture;
        }
        if run.code != 3 {
            problems.push(format!("{name}: exit code {}, expected 3\n{run}", run.code));
            break 'fixture;
        }
        let results = t.results();
        let records = console_records(&run.stdout);
        for expectation in expectations {
            let (position, needle) = expectation.split_once(' ').expect("LINE:COL text");
            let (line, col) = position.split_once(':').expect("LINE:COL");
            let (line, col): (u64, u64) = (line.parse().unwrap(), col.parse().unwrap());
            let logged = results.logs("error").into_iter().any(|l| {
                l["location"]["filePath"] == name.as_str()
                    && l["location"]["line"] == line
                    && l["location"]["col"] == col
            });
            let marker = format!("  +-> line={line},col={col} in {name}\n");
            let shown = records
                .iter()
                .any(|r| r.contains(&marker) && r.contains(needle));
            if !logged || !shown {
                problems.push(format!(
                    "{name}: expected an error at {line}:{col} containing {needle:?} \
                     (error record at that location: {logged}; console block with the text: {shown})\n{run}"
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

/// One test per fixture file; `every_fixture_has_a_test` keeps this list complete.
macro_rules! fixture_tests {
    ($kind:ident: $($name:ident),* $(,)?) => {
        mod $kind {
            $(#[test]
            fn $name() {
                super::$kind(stringify!($name));
            })*
        }
    };
}

const VALID: &[&str] = &[
    "between",
    "comparators",
    "configurations_for",
    "filters_and_partitions",
    "name_identity_attributes",
    "numbers",
    "percent_thresholds",
    "quoted_and_flow_style",
    "several_sections",
    "validity_settings",
    "variables_section",
    "warn_and_fail_blocks",
];
const INVALID: &[&str] = &[
    "bad_threshold",
    "bad_when_threshold",
    "between_reversed",
    "between_without_upper_bound",
    "column_types_not_a_mapping",
    "double_space",
    "duplicate_keys",
    "failed_rows_samples_columns",
    "filter_without_where",
    "invalid_section_header",
    "metric_without_threshold",
    "missing_space",
    "missing_values_not_a_list",
    "misspelt_metric_and_key",
    "mixed_valid_values",
    "name_not_text",
    "nan_threshold",
    "not_without_between",
    "percentile_fraction_out_of_range",
    "percentile_without_fraction",
    "reference_without_parentheses",
    "section_not_a_list",
    "several_errors_in_one_file",
    "tab_indent",
    "undeclared_filter",
    "unknown_config_key",
    "unknown_metric",
    "unknown_valid_format",
    "valid_min_not_a_number",
    "warn_without_when",
    "yaml_syntax",
];

fixture_tests!(valid: between, comparators, configurations_for, filters_and_partitions, name_identity_attributes, numbers, percent_thresholds, quoted_and_flow_style, several_sections, validity_settings, variables_section, warn_and_fail_blocks);
fixture_tests!(invalid: bad_threshold, bad_when_threshold, between_reversed, between_without_upper_bound, column_types_not_a_mapping, double_space, duplicate_keys, failed_rows_samples_columns, filter_without_where, invalid_section_header, metric_without_threshold, missing_space, missing_values_not_a_list, misspelt_metric_and_key, mixed_valid_values, name_not_text, nan_threshold, not_without_between, percentile_fraction_out_of_range, percentile_without_fraction, reference_without_parentheses, section_not_a_list, several_errors_in_one_file, tab_indent, undeclared_filter, unknown_config_key, unknown_metric, unknown_valid_format, valid_min_not_a_number, warn_without_when, yaml_syntax);

#[test]
fn every_fixture_has_a_test() {
    for (kind, listed) in [("valid", VALID), ("invalid", INVALID)] {
        let found: Vec<String> = fixtures(kind)
            .iter()
            .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(
            found, listed,
            "tests/sodacl/{kind}: add new fixtures to tests/sodacl.rs"
        );
    }
}

fn fixture_path(kind: &str, name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/sodacl")
        .join(kind)
        .join(format!("{name}.yml"))
}
