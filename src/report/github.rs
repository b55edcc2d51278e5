//! GitHub Actions outputs, written when `GITHUB_ACTIONS=true`: workflow-command annotations
//! (`::error file=…,line=…,title=…::…`) that put failed and warned checks and scan errors on
//! the lines of the checks files in a pull request, and a Markdown table per dataset appended
//! to `$GITHUB_STEP_SUMMARY`.
//!
//! Annotation text is escaped as the runner requires (`%`, CR, LF, and in properties also `:`
//! and `,`); summary cells are escaped for Markdown tables and HTML.

use super::checklist::{self, Item, ScanError, Status, Verdict};
use super::ScanReport;
use crate::diagnostic::Logs;
use std::fmt::Write;
use std::path::{Path, PathBuf};

/// The workflow commands for the checks that warned or failed and for every scan error.
/// Files are made relative to `workspace` (`$GITHUB_WORKSPACE`) so they point into the repo.
pub fn annotations(report: &ScanReport, logs: &Logs, workspace: Option<&Path>) -> Vec<String> {
    let mut lines = Vec::new();
    for item in checklist::items(report, logs) {
        let command = match item.status {
            Status::Fail => "error",
            Status::Warn => "warning",
            Status::Pass | Status::NotEvaluated => continue,
        };
        lines.push(check_annotation(command, &item, workspace));
    }
    for e in checklist::errors(logs) {
        lines.push(error_annotation(&e, workspace));
    }
    lines
}

fn check_annotation(command: &str, item: &Item, workspace: Option<&Path>) -> String {
    let file = repo_path(&item.check.file, workspace);
    let title = format!("Soda check {}: {}", item.status.label(), item.check.name);
    let mut message = item.message();
    if !item.dataset.is_empty() {
        message = format!("{}: {message}", item.dataset);
    }
    format!(
        "::{command} file={},line={},col={},title={}::{}",
        property(&file),
        item.check.line,
        item.check.col,
        property(&title),
        data(&message)
    )
}

fn error_annotation(e: &ScanError, workspace: Option<&Path>) -> String {
    let place = match &e.location {
        Some(l) => format!(
            "file={},line={},col={},",
            property(&repo_path(&l.file, workspace)),
            l.line,
            l.col
        ),
        None => String::new(),
    };
    format!("::error {place}title=Soda scan error::{}", data(&e.message))
}

/// The checks file's path relative to the workspace when it lies inside it, else as given.
fn repo_path(file: &str, workspace: Option<&Path>) -> String {
    let Some(workspace) = workspace.and_then(|w| w.canonicalize().ok()) else {
        return file.to_string();
    };
    let absolute = std::fs::canonicalize(file).unwrap_or_else(|_| PathBuf::from(file));
    match absolute.strip_prefix(&workspace) {
        Ok(rel) => rel.to_string_lossy().into_owned(),
        Err(_) => file.to_string(),
    }
}

/// Escapes a command's message (its data).
pub fn data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a command property value.
pub fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}

/// The Markdown appended to `$GITHUB_STEP_SUMMARY`: the verdict, a table per dataset (check,
/// outcome, value), and the scan errors.
pub fn step_summary(report: &ScanReport, logs: &Logs) -> String {
    let items = checklist::items(report, logs);
    let verdict = checklist::verdict(report, logs);
    let mut md = format!(
        "## Soda scan: {} {}\n\n",
        verdict_icon(verdict),
        verdict_text(verdict)
    );
    let _ = writeln!(
        md,
        "Data source {}, scan definition {}, {} checks.\n",
        cell(report.data_source),
        cell(report.definition_name),
        items.len()
    );
    let mut datasets: Vec<&str> = Vec::new();
    for item in &items {
        if !datasets.contains(&item.dataset.as_str()) {
            datasets.push(&item.dataset);
        }
    }
    for dataset in datasets {
        dataset_table(&mut md, dataset, report.data_source, &items);
    }
    let errors = checklist::errors(logs);
    if !errors.is_empty() {
        md.push_str("### Errors\n\n");
        for e in errors {
            let _ = writeln!(md, "- {}", cell(&e.message));
        }
        md.push('\n');
    }
    md
}

fn dataset_table(md: &mut String, dataset: &str, data_source: &str, items: &[Item]) {
    let title = if dataset.is_empty() {
        data_source.to_string()
    } else {
        format!("{dataset} in {data_source}")
    };
    let _ = writeln!(md, "### {}\n", cell(&title));
    md.push_str("| Check | Outcome | Value |\n|---|---|---|\n");
    for item in items.iter().filter(|i| i.dataset == dataset) {
        let _ = writeln!(
            md,
            "| {} | {} {} | {} |",
            cell(&item.check.name),
            status_icon(item.status),
            item.status.label(),
            cell(item.value.as_deref().unwrap_or(""))
        );
    }
    md.push('\n');
}

fn verdict_text(v: Verdict) -> &'static str {
    match v {
        Verdict::Pass => "passed",
        Verdict::Warn => "warned",
        Verdict::Fail => "failed",
        Verdict::Error => "error",
    }
}

fn verdict_icon(v: Verdict) -> &'static str {
    match v {
        Verdict::Pass => "✅",
        Verdict::Warn => "⚠️",
        Verdict::Fail | Verdict::Error => "❌",
    }
}

fn status_icon(s: Status) -> &'static str {
    match s {
        Status::Pass => "✅",
        Status::Warn => "⚠️",
        Status::Fail => "❌",
        Status::NotEvaluated => "⏭️",
    }
}

/// Text for one table cell: on one line, `|` and backslashes escaped for the table, and `<`,
/// `>`, `&` as entities so that a check name is never markup.
pub fn cell(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '|' => out.push_str("\\|"),
            '\\' => out.push_str("\\\\"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '`' => out.push_str("&#96;"),
            '\r' | '\n' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_are_escaped() {
        assert_eq!(data("50% of\r\nrows"), "50%25 of%0D%0Arows");
        assert_eq!(property("a:b,c%"), "a%3Ab%2Cc%25");
    }

    #[test]
    fn cells_stay_in_their_cell() {
        assert_eq!(cell("a|b\n<i>&"), "a\\|b &lt;i&gt;&amp;");
    }
}
