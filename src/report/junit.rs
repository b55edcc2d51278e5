//! The JUnit XML report (`soda scan --junit FILE`), in the shape of the common Jenkins/Ant
//! schema that CI systems read (GitLab, Jenkins, Azure DevOps, CircleCI, GitHub test-report
//! actions): a `<testsuite>` per dataset and a `<testcase>` per check.
//!
//! Outcomes map as CI understands them: a failed check is a `<failure>`; a warned check passes
//! (a warning must not turn a pipeline red where the exit code would not) and says so in its
//! `<system-out>`; a check that was not evaluated is `<skipped>` with the reason; scan errors
//! are `<error>` test cases of a last `soda scan` suite. The document is built as typed structs
//! and written by one small writer that escapes every text and attribute.

use super::checklist::{self, Item, ScanError, Status};
use super::ScanReport;
use crate::diagnostic::Logs;
use std::fmt::Write;

/// `<testsuites>`: the whole scan.
pub struct TestSuites {
    pub name: String,
    pub time: f64,
    pub suites: Vec<TestSuite>,
}

/// `<testsuite>`: the checks of one dataset, or the scan errors.
pub struct TestSuite {
    pub name: String,
    pub timestamp: String,
    pub time: f64,
    pub cases: Vec<TestCase>,
}

/// `<testcase>`: one check, or one scan error.
pub struct TestCase {
    pub name: String,
    pub classname: String,
    pub file: Option<String>,
    pub line: Option<usize>,
    pub result: CaseResult,
    pub system_out: Option<String>,
}

/// What a test case came to.
pub enum CaseResult {
    Passed,
    Failure { message: String, text: String },
    Skipped { message: String },
    Error { message: String, text: String },
}

impl TestSuite {
    fn count(&self, f: impl Fn(&CaseResult) -> bool) -> usize {
        self.cases.iter().filter(|c| f(&c.result)).count()
    }
}

/// The report of a finished scan.
pub fn junit(report: &ScanReport, logs: &Logs) -> TestSuites {
    let items = checklist::items(report, logs);
    let timestamp = report
        .scan_start
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let mut suites: Vec<TestSuite> = Vec::new();
    for item in &items {
        let name = suite_name(item, report.data_source);
        let at = match suites.iter().position(|s| s.name == name) {
            Some(at) => at,
            None => {
                suites.push(TestSuite {
                    time: dataset_time(report, &item.check.dataset.table),
                    name,
                    timestamp: timestamp.clone(),
                    cases: Vec::new(),
                });
                suites.len() - 1
            }
        };
        suites[at].cases.push(check_case(item, report.data_source));
    }
    let errors = checklist::errors(logs);
    if !errors.is_empty() {
        suites.push(TestSuite {
            name: "soda scan".into(),
            timestamp,
            time: 0.0,
            cases: errors.iter().enumerate().map(error_case).collect(),
        });
    }
    TestSuites {
        name: format!("soda scan {}", report.definition_name),
        time: seconds(report.scan_end - report.scan_start),
        suites,
    }
}

/// `customers in lite`, as the console titles the dataset; data-source checks get the data
/// source's name.
fn suite_name(item: &Item, data_source: &str) -> String {
    if item.dataset.is_empty() {
        data_source.to_string()
    } else {
        format!("{} in {data_source}", item.dataset)
    }
}

/// The time the dataset's queries took, added up.
fn dataset_time(report: &ScanReport, table: &str) -> f64 {
    report
        .executed
        .iter()
        .filter(|q| q.dataset.as_ref().is_some_and(|d| d.table == table))
        .map(|q| q.duration.as_secs_f64())
        .sum()
}

fn seconds(d: chrono::TimeDelta) -> f64 {
    d.to_std().map_or(0.0, |d| d.as_secs_f64())
}

fn check_case(item: &Item, data_source: &str) -> TestCase {
    let message = item.message();
    let result = match item.status {
        Status::Pass | Status::Warn => CaseResult::Passed,
        Status::Fail => CaseResult::Failure {
            text: detail(item),
            message,
        },
        Status::NotEvaluated => CaseResult::Skipped {
            message: item.reason.clone(),
        },
    };
    // A warning is visible where CI shows a passing test's output.
    let system_out = (item.status == Status::Warn).then(|| format!("WARNING: {}", detail(item)));
    TestCase {
        name: item.check.name.clone(),
        classname: if item.dataset.is_empty() {
            data_source.to_string()
        } else {
            format!("{data_source}.{}", item.dataset)
        },
        file: Some(item.check.file.clone()),
        line: Some(item.check.line),
        result,
        system_out,
    }
}

/// The lines of a check's account: the message, its place, and the console diagnostics.
fn detail(item: &Item) -> String {
    let mut text = format!("{}\n{}\n", item.message(), item.place());
    for (k, v) in &item.result.console {
        if v.is_empty() {
            let _ = writeln!(text, "{k}");
        } else {
            let _ = writeln!(text, "{k}: {v}");
        }
    }
    text
}

fn error_case((i, e): (usize, &ScanError)) -> TestCase {
    let first = e.message.lines().next().unwrap_or_default();
    let mut text = e.message.clone();
    if let Some(l) = &e.location {
        let _ = write!(text, "\n{}:{}:{}", l.file, l.line, l.col);
    }
    TestCase {
        name: format!("scan error {}: {first}", i + 1),
        classname: "soda.scan".into(),
        file: e.location.as_ref().map(|l| l.file.clone()),
        line: e.location.as_ref().map(|l| l.line),
        result: CaseResult::Error {
            message: first.to_string(),
            text,
        },
        system_out: None,
    }
}

impl TestSuites {
    /// The XML document (UTF-8, with its declaration).
    pub fn to_xml(&self) -> String {
        let mut x = Xml::default();
        x.out
            .push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        let total =
            |f: fn(&CaseResult) -> bool| -> usize { self.suites.iter().map(|s| s.count(f)).sum() };
        let tests: usize = self.suites.iter().map(|s| s.cases.len()).sum();
        x.open(
            "testsuites",
            &[
                ("name", self.name.clone()),
                ("tests", tests.to_string()),
                ("failures", total(is_failure).to_string()),
                ("errors", total(is_error).to_string()),
                ("skipped", total(is_skipped).to_string()),
                ("time", format!("{:.3}", self.time)),
            ],
        );
        for (id, suite) in self.suites.iter().enumerate() {
            suite.write(id, &mut x);
        }
        x.close("testsuites");
        x.out
    }
}

fn is_failure(r: &CaseResult) -> bool {
    matches!(r, CaseResult::Failure { .. })
}

fn is_error(r: &CaseResult) -> bool {
    matches!(r, CaseResult::Error { .. })
}

fn is_skipped(r: &CaseResult) -> bool {
    matches!(r, CaseResult::Skipped { .. })
}

impl TestSuite {
    fn write(&self, id: usize, x: &mut Xml) {
        x.open(
            "testsuite",
            &[
                ("name", self.name.clone()),
                ("tests", self.cases.len().to_string()),
                ("failures", self.count(is_failure).to_string()),
                ("errors", self.count(is_error).to_string()),
                ("skipped", self.count(is_skipped).to_string()),
                ("time", format!("{:.3}", self.time)),
                ("timestamp", self.timestamp.clone()),
                ("id", id.to_string()),
            ],
        );
        for case in &self.cases {
            case.write(x);
        }
        x.close("testsuite");
    }
}

impl TestCase {
    fn write(&self, x: &mut Xml) {
        let mut attrs = vec![
            ("name", self.name.clone()),
            ("classname", self.classname.clone()),
            ("time", "0.000".to_string()),
        ];
        if let Some(f) = &self.file {
            attrs.push(("file", f.clone()));
        }
        if let Some(l) = self.line {
            attrs.push(("line", l.to_string()));
        }
        if matches!(self.result, CaseResult::Passed) && self.system_out.is_none() {
            let attrs: Vec<(&str, &str)> = attrs.iter().map(|(k, v)| (*k, v.as_str())).collect();
            x.element("testcase", &attrs, "");
            return;
        }
        x.open("testcase", &attrs);
        match &self.result {
            CaseResult::Passed => {}
            CaseResult::Failure { message, text } => {
                x.element(
                    "failure",
                    &[("message", message), ("type", "CheckFailed")],
                    text,
                );
            }
            CaseResult::Skipped { message } => x.element("skipped", &[("message", message)], ""),
            CaseResult::Error { message, text } => {
                x.element(
                    "error",
                    &[("message", message), ("type", "ScanError")],
                    text,
                );
            }
        }
        if let Some(out) = &self.system_out {
            x.element("system-out", &[], out);
        }
        x.close("testcase");
    }
}

/// An indenting XML writer; the only place text becomes markup, so the only place it is
/// escaped.
#[derive(Default)]
struct Xml {
    out: String,
    depth: usize,
}

impl Xml {
    fn indent(&mut self) {
        self.out.push_str(&"  ".repeat(self.depth));
    }

    fn start_tag(&mut self, tag: &str, attrs: &[(&str, &str)]) {
        self.indent();
        self.out.push('<');
        self.out.push_str(tag);
        for (k, v) in attrs {
            let _ = write!(self.out, " {k}=\"{}\"", escape(v, true));
        }
    }

    fn open(&mut self, tag: &str, attrs: &[(&str, String)]) {
        let attrs: Vec<(&str, &str)> = attrs.iter().map(|(k, v)| (*k, v.as_str())).collect();
        self.start_tag(tag, &attrs);
        self.out.push_str(">\n");
        self.depth += 1;
    }

    fn close(&mut self, tag: &str) {
        self.depth -= 1;
        self.indent();
        let _ = writeln!(self.out, "</{tag}>");
    }

    /// An element with text content (empty: a self-closing tag).
    fn element(&mut self, tag: &str, attrs: &[(&str, &str)], text: &str) {
        self.start_tag(tag, attrs);
        if text.is_empty() {
            self.out.push_str("/>\n");
        } else {
            let _ = writeln!(self.out, ">{}</{tag}>", escape(text, false));
        }
    }
}

/// Escapes text for XML 1.0. Characters XML 1.0 cannot carry at all (most C0 controls) become
/// U+FFFD; in attributes, line breaks and tabs are kept as character references, which
/// attribute normalisation would otherwise turn into spaces.
pub fn escape(text: &str, attribute: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attribute => out.push_str("&quot;"),
            '\n' if attribute => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' if attribute => out.push_str("&#9;"),
            '\t' | '\n' => out.push(c),
            c if (c as u32) < 0x20 || matches!(c, '\u{FFFE}' | '\u{FFFF}') => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn text_and_attributes_are_escaped() {
        assert_eq!(
            escape("a<b & \"c\"\n\u{1}", true),
            "a&lt;b &amp; &quot;c&quot;&#10;\u{FFFD}"
        );
        assert_eq!(escape("]]> \"x\"\n", false), "]]&gt; \"x\"\n");
    }
}
