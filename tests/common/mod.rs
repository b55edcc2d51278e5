//! The test harness: runs the real `soda` binary in a fresh temporary directory.
//!
//! A [`Test`] owns a temp dir, writes the files a user would write (`configuration.yml`,
//! `checks.yml`), runs `soda` there with arguments and environment, and hands back a [`Run`]
//! whose stdout and stderr are normalised (`[HH:MM:SS]`, `[TMP]`, `[VERSION]`, `[DURATION]`) so
//! that tests can compare whole outputs. [`db`] loads the shared dataset into each engine;
//! [`scans`] holds the scans every engine must answer the same way; [`https`] is a scriptable
//! Soda Cloud endpoint over real TLS.

#![allow(dead_code)] // Each test module uses a different part of the harness.

pub mod check_types;
pub mod db;
pub mod expect;
pub mod https;
pub mod scans;
pub mod store;

use serde_json::Value;
use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::fmt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

pub use db::Database;

/// One test's working directory and the environment `soda` runs with.
pub struct Test {
    dir: tempfile::TempDir,
    env: Vec<(String, String)>,
    /// Variables removed from the inherited environment.
    unset: Vec<String>,
    data_source: Option<String>,
}

impl Test {
    /// A fresh temp dir; `soda` will run there with `HOME` pointing at it and `TZ=UTC`.
    pub fn new() -> Test {
        let dir = tempfile::Builder::new()
            .prefix("soda-rs-test-")
            .tempdir()
            .expect("create a temp dir");
        Test {
            dir,
            env: vec![("TZ".into(), "UTC".into())],
            unset: Vec::new(),
            data_source: None,
        }
    }

    /// A test whose `configuration.yml` declares `db` (and, for SQLite, whose database file
    /// is created in the temp dir); [`Test::scan`] then scans it.
    pub fn with(db: &Database) -> Test {
        Test::with_config(db, "")
    }

    /// Like [`Test::with`], with extra keys (indented YAML lines) in the data source block.
    pub fn with_config(db: &Database, extra: &str) -> Test {
        let mut t = Test::new();
        let block = db.configuration(&t, extra);
        t.write("configuration.yml", &block);
        t.data_source = Some(db.name().to_string());
        t
    }

    /// The temp dir.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// A path inside the temp dir.
    pub fn join(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Writes a file, unindenting `contents` (see [`unindent`]).
    pub fn write(&self, name: &str, contents: &str) -> &Test {
        self.write_bytes(name, unindent(contents).as_bytes())
    }

    /// Writes a file byte for byte.
    pub fn write_bytes(&self, name: &str, contents: &[u8]) -> &Test {
        let path = self.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("create parent folder");
        }
        std::fs::write(&path, contents).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
        self
    }

    /// Sets an environment variable for the `soda` runs of this test.
    pub fn env(mut self, key: &str, value: &str) -> Test {
        self.env.retain(|(k, _)| k != key);
        self.env.push((key.into(), value.into()));
        self
    }

    /// Removes an inherited environment variable for the `soda` runs of this test.
    pub fn env_remove(mut self, key: &str) -> Test {
        self.env.retain(|(k, _)| k != key);
        self.unset.push(key.into());
        self
    }

    /// Runs `soda <args>` in the temp dir.
    pub fn soda<I, S>(&self, args: I) -> Run
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_soda"));
        cmd.args(args)
            .current_dir(self.path())
            .env("HOME", self.path())
            .env_remove("SODA_DATA_SOURCE")
            .env_remove("SODA_SCAN_DEFINITION");
        // A test run inside a CI job must not pick up that job's CI outputs or colour choice.
        for k in [
            "GITHUB_ACTIONS",
            "GITHUB_STEP_SUMMARY",
            "GITHUB_WORKSPACE",
            "CI",
            "NO_COLOR",
        ] {
            cmd.env_remove(k);
        }
        for k in &self.unset {
            cmd.env_remove(k);
        }
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
        let output = cmd.output().expect("run the soda binary");
        let tmp = self.path().to_string_lossy().into_owned();
        // The temp dir may also be reached through a symlink (macOS /var → /private/var).
        let canonical = std::fs::canonicalize(self.path())
            .map(|p| p.to_string_lossy().into_owned())
            .unwrap_or_else(|_| tmp.clone());
        let clean = |bytes: &[u8]| normalise(&String::from_utf8_lossy(bytes), &[&canonical, &tmp]);
        Run {
            code: output.status.code().unwrap_or(-1),
            stdout: clean(&output.stdout),
            stderr: clean(&output.stderr),
        }
    }

    /// `soda scan -d <data source> -c configuration.yml -srf results.json <args>`, for tests
    /// made with [`Test::with`].
    pub fn scan(&self, args: &[&str]) -> Run {
        let ds = self
            .data_source
            .as_deref()
            .expect("Test::with(db) declares the data source");
        let mut all = vec![
            "scan",
            "-d",
            ds,
            "-c",
            "configuration.yml",
            "-srf",
            "results.json",
        ];
        all.extend_from_slice(args);
        self.soda(all)
    }

    /// The parsed `results.json` of the last scan.
    pub fn results(&self) -> Results {
        Results(serde_json::from_str(&self.results_text()).expect("results.json is JSON"))
    }

    /// The raw text of `results.json`.
    pub fn results_text(&self) -> String {
        let path = self.join("results.json");
        std::fs::read_to_string(&path).unwrap_or_else(|e| {
            panic!(
                "read {}: {e} (was -srf results.json given?)",
                path.display()
            )
        })
    }
}

/// What one `soda` run printed and how it exited.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    /// Normalised stdout.
    pub stdout: String,
    /// Normalised stderr.
    pub stderr: String,
}

impl Run {
    /// Asserts the exit code, showing the whole run when it differs.
    #[track_caller]
    pub fn expect_code(&self, code: i32) -> &Run {
        assert_eq!(self.code, code, "unexpected exit code\n{self}");
        self
    }

    /// Asserts that stdout is exactly `expected` (unindented), with a readable diff.
    #[track_caller]
    pub fn expect_stdout(&self, expected: &str) -> &Run {
        assert_text(&self.stdout, &unindent(expected), "stdout");
        self
    }

    /// Asserts that stderr is exactly `expected` (unindented).
    #[track_caller]
    pub fn expect_stderr(&self, expected: &str) -> &Run {
        assert_text(&self.stderr, &unindent(expected), "stderr");
        self
    }

    /// Asserts that stdout contains `needle`.
    #[track_caller]
    pub fn expect_stdout_contains(&self, needle: &str) -> &Run {
        assert!(
            self.stdout.contains(needle),
            "stdout lacks {needle:?}\n{self}"
        );
        self
    }
}

impl fmt::Display for Run {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let rule = "-".repeat(60);
        write!(
            f,
            "exit code: {}\n{rule} stdout\n{}{rule} stderr\n{}{rule}",
            self.code, self.stdout, self.stderr
        )
    }
}

/// Compares two texts and, when they differ, prints both between rulers and the first
/// differing line.
#[track_caller]
pub fn assert_text(got: &str, expected: &str, what: &str) {
    if got == expected {
        return;
    }
    let first = got
        .lines()
        .zip(expected.lines())
        .position(|(g, e)| g != e)
        .unwrap_or_else(|| got.lines().count().min(expected.lines().count()));
    let rule = "=".repeat(60);
    panic!(
        "{what} differs (first at line {})\n{rule} expected\n{expected}{rule} got\n{got}{rule}",
        first + 1
    );
}

/// Removes the leading newline and the common indentation of a multi-line literal, so that
/// expected texts and YAML files can be written indented inside the test.
pub fn unindent(text: &str) -> String {
    let text = text.strip_prefix('\n').unwrap_or(text);
    let indent = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start_matches(' ').len())
        .min()
        .unwrap_or(0);
    let mut out = String::new();
    for line in text.split_inclusive('\n') {
        out.push_str(line.get(indent..).unwrap_or(line.trim_start_matches(' ')));
    }
    // A literal ends with the closing quote on its own indented line.
    let tail = out.len() - out.trim_end_matches(' ').len();
    if out[..out.len() - tail].ends_with('\n') {
        out.truncate(out.len() - tail);
    }
    out
}

/// Replaces what changes from run to run: clock times, the temp dir, the version, durations.
pub fn normalise(text: &str, tmp_paths: &[&str]) -> String {
    static TIME: OnceLock<regex::Regex> = OnceLock::new();
    static DURATION: OnceLock<regex::Regex> = OnceLock::new();
    let time = TIME.get_or_init(|| regex::Regex::new(r"(?m)^\[\d{2}:\d{2}:\d{2}\]").unwrap());
    let duration = DURATION
        .get_or_init(|| regex::Regex::new(r"\[(OK|ERROR)\] \d+:\d{2}:\d{2}(\.\d{6})?").unwrap());
    let mut out = time.replace_all(text, "[HH:MM:SS]").into_owned();
    out = duration.replace_all(&out, "[$1] [DURATION]").into_owned();
    for tmp in tmp_paths {
        out = out.replace(tmp, "[TMP]");
    }
    out.replace(
        &format!("soda-rs {}", env!("CARGO_PKG_VERSION")),
        "soda-rs [VERSION]",
    )
}

/// A parsed scan results document with lookups by check name.
pub struct Results(pub Value);

impl Results {
    /// The check objects.
    pub fn checks(&self) -> &[Value] {
        self.0["checks"].as_array().expect("checks is an array")
    }

    /// The check named `name` (panics with the names present when absent).
    #[track_caller]
    pub fn check(&self, name: &str) -> &Value {
        self.checks()
            .iter()
            .find(|c| c["name"] == name)
            .unwrap_or_else(|| {
                panic!(
                    "no check named {name:?} in results; checks: {:?}",
                    self.names()
                )
            })
    }

    /// The names of the evaluated checks, in document order.
    pub fn names(&self) -> Vec<String> {
        self.checks()
            .iter()
            .map(|c| c["name"].as_str().unwrap_or_default().to_string())
            .collect()
    }

    /// `diagnostics.value` of every evaluated check, by name.
    pub fn values(&self) -> BTreeMap<String, Value> {
        self.checks()
            .iter()
            .map(|c| {
                (
                    c["name"].as_str().unwrap_or_default().to_string(),
                    c["diagnostics"]["value"].clone(),
                )
            })
            .collect()
    }

    /// `diagnostics.value` of the check named `name`, as a number.
    #[track_caller]
    pub fn number(&self, name: &str) -> f64 {
        let v = &self.check(name)["diagnostics"]["value"];
        v.as_f64()
            .unwrap_or_else(|| panic!("check {name:?} has a non-numeric value {v}"))
    }

    /// The outcome of the check named `name`.
    #[track_caller]
    pub fn outcome(&self, name: &str) -> String {
        self.check(name)["outcome"]
            .as_str()
            .unwrap_or("null")
            .to_string()
    }

    /// The log records of the given level.
    pub fn logs(&self, level: &str) -> Vec<&Value> {
        self.0["logs"]
            .as_array()
            .expect("logs is an array")
            .iter()
            .filter(|l| l["level"] == level)
            .collect()
    }

    /// The messages of the error log records.
    pub fn errors(&self) -> Vec<String> {
        self.logs("error")
            .iter()
            .map(|l| l["message"].as_str().unwrap_or_default().to_string())
            .collect()
    }

    /// The query objects.
    pub fn queries(&self) -> &[Value] {
        self.0["queries"].as_array().expect("queries is an array")
    }

    /// The names of the queries, in the document's order.
    pub fn query_names(&self) -> Vec<&str> {
        self.queries()
            .iter()
            .filter_map(|q| q["name"].as_str())
            .collect()
    }
}

/// Asserts that `got` is within `rel` relative distance of `expected`.
#[track_caller]
pub fn assert_close(what: &str, got: f64, expected: f64, rel: f64) {
    let scale = expected.abs().max(f64::MIN_POSITIVE);
    assert!(
        ((got - expected) / scale).abs() <= rel,
        "{what}: got {got}, expected {expected} (within {rel:e} relative)"
    );
}
