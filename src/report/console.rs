//! The console summary: outcome groups per dataset, counters and one verdict line, in the
//! structure of Soda Core's (cli-and-cloud.md §4). Lines go through the scan log, so they
//! are printed as `[HH:MM:SS] ...` and also land in the results document.

use super::{unquoted_table, ScanReport};
use crate::diagnostic::{Logs, Mark, Tone};
use crate::eval::Outcome;

/// The console tone of an outcome group (`None`: not evaluated).
fn tone(outcome: Option<Outcome>) -> Tone {
    match outcome {
        Some(Outcome::Pass) => Tone::Pass,
        Some(Outcome::Warn) => Tone::Warn,
        Some(Outcome::Fail) => Tone::Fail,
        None => Tone::Skip,
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Writes the summary. Returns nothing: the exit code is decided from the log and outcomes.
pub fn summary(report: &ScanReport, logs: &mut Logs) {
    logs.info("Scan summary:");
    if logs.verbose() && !report.executed.is_empty() {
        query_lines(report.executed, logs);
    }
    let groups: [(Option<Outcome>, &str); 4] = [
        (Some(Outcome::Pass), "PASSED"),
        (Some(Outcome::Warn), "WARNED"),
        (Some(Outcome::Fail), "FAILED"),
        (None, "NOT EVALUATED"),
    ];
    for (outcome, label) in groups {
        outcome_group(report, outcome, label, logs);
    }
    verdict(report, logs);
}

/// With `-V`, each executed query and its duration, the failed ones last.
fn query_lines(executed: &[crate::measure::Executed], logs: &mut Logs) {
    let total = executed.len();
    let ok = executed.iter().filter(|q| q.error.is_none()).count();
    logs.debug(format!("{ok}/{} OK", plural(total, "query", "queries")));
    for q in executed.iter().filter(|q| q.error.is_none()) {
        logs.debug(format!(
            "  {} [OK] {}",
            q.name,
            crate::python::timedelta(q.duration)
        ));
    }
    let failed: Vec<_> = executed.iter().filter(|q| q.error.is_some()).collect();
    if !failed.is_empty() {
        logs.debug(format!(
            "{}/{} ERROR",
            failed.len(),
            plural(total, "query", "queries")
        ));
        for q in failed {
            logs.debug(format!(
                "  {} [ERROR] {}",
                q.name,
                crate::python::timedelta(q.duration)
            ));
        }
    }
}

/// The checks of one outcome, under one title per dataset; nothing when there are none.
fn outcome_group(report: &ScanReport, outcome: Option<Outcome>, label: &str, logs: &mut Logs) {
    let members: Vec<_> = report
        .checks
        .iter()
        .filter(|(_, r)| r.outcome == outcome)
        .collect();
    if members.is_empty() {
        return;
    }
    let total = report.checks.len();
    let word = if total == 1 { "check" } else { "checks" };
    let mark = Mark::outcome(tone(outcome));
    logs.info_marked(format!("{}/{total} {word} {label}: ", members.len()), mark);
    let plain = Mark {
        tone: None,
        essential: mark.essential,
    };
    // The members by dataset title, titles in order of first appearance (grouped through a
    // map: a scan of many datasets stays linear).
    let mut groups: Vec<(Option<String>, Vec<usize>)> = Vec::new();
    let mut index: std::collections::HashMap<Option<String>, usize> =
        std::collections::HashMap::new();
    for (i, (check, _)) in members.iter().enumerate() {
        let title = title(check, report.data_source);
        let g = *index.entry(title.clone()).or_insert_with(|| {
            groups.push((title, Vec::new()));
            groups.len() - 1
        });
        groups[g].1.push(i);
    }
    // Checks of no dataset come after the dataset groups.
    groups.sort_by_key(|(t, _)| t.is_none());
    for (t, group) in groups {
        let indent = if t.is_some() { "      " } else { "    " };
        if let Some(t) = &t {
            logs.info_marked(format!("    {t}"), plain);
        }
        for i in group {
            let (check, result) = members[i];
            check_lines(check, result, outcome, label, indent, logs);
        }
    }
}

/// One check's line and, unless it passed quietly, its diagnostics and sample reference.
fn check_lines(
    check: &crate::sodacl::model::Check,
    result: &crate::eval::CheckResult,
    outcome: Option<Outcome>,
    label: &str,
    indent: &str,
    logs: &mut Logs,
) {
    let file = if logs.verbose() {
        format!(" [{}]", check.file)
    } else {
        String::new()
    };
    let mark = Mark::outcome(tone(outcome));
    logs.info_marked(format!("{indent}{}{file} [{label}]", check.name), mark);
    let detail = Mark {
        tone: None,
        essential: mark.essential,
    };
    if outcome != Some(Outcome::Pass) || logs.verbose() {
        for (k, v) in &result.console {
            if v.is_empty() {
                logs.info_marked(format!("{indent}  {k}"), detail);
            } else {
                logs.info_marked(format!("{indent}  {k}: {v}"), detail);
            }
        }
        if let Some(sample) = &result.samples {
            sample_lines(sample, indent, detail, logs);
        }
    }
}

/// The counters and the one verdict line, then the error recap when there were errors.
fn verdict(report: &ScanReport, logs: &mut Logs) {
    let total = report.checks.len();
    let count = |o: Outcome| {
        report
            .checks
            .iter()
            .filter(|(_, r)| r.outcome == Some(o))
            .count()
    };
    let (p, w, f) = (
        count(Outcome::Pass),
        count(Outcome::Warn),
        count(Outcome::Fail),
    );
    let not_evaluated = total - p - w - f;
    if total == 0 {
        logs.warning("No valid checks found, 0 checks evaluated.");
    }
    let kept = |tone| Mark {
        tone,
        essential: true,
    };
    if not_evaluated > 0 {
        logs.info_marked(
            format!("{not_evaluated} checks not evaluated."),
            kept(Some(Tone::Skip)),
        );
    }
    let e = logs.error_count();
    if e > 0 {
        logs.info_marked(format!("{e} errors."), kept(Some(Tone::Fail)));
    }
    let counts = Counts {
        total,
        pass: p,
        warn: w,
        fail: f,
        errors: e,
    };
    if let Some((line, tone)) = verdict_line(&counts) {
        logs.info_marked(line, kept(tone));
    }
    if e > 0 {
        logs.print_error_recap();
    }
}

/// How many checks ended how, and how many errors the scan logged.
struct Counts {
    total: usize,
    pass: usize,
    warn: usize,
    fail: usize,
    errors: usize,
}

/// Soda Core's one verdict line (none for a scan without checks) and its colour.
fn verdict_line(c: &Counts) -> Option<(String, Option<Tone>)> {
    let (p, e, f, w) = (c.pass, c.errors, c.fail, c.warn);
    let (ee, ff, ww) = (
        plural(e, "error", "errors"),
        plural(f, "failure", "failures"),
        plural(w, "warning", "warnings"),
    );
    let line = if e > 0 {
        (
            format!("Oops! {ee}. {ff}. {ww}. {p} pass."),
            Some(Tone::Fail),
        )
    } else if f > 0 {
        (
            format!("Oops! {ff}. {ww}. {ee}. {p} pass."),
            Some(Tone::Fail),
        )
    } else if w > 0 {
        (
            format!("Only {ww}. {ff}. {ee}. {p} pass."),
            Some(Tone::Warn),
        )
    } else if c.total > 0 && p + w + f == c.total {
        let text = "All is good. No failures. No warnings. No errors.";
        (text.to_string(), Some(Tone::Pass))
    } else if c.total > 0 {
        let text = "Apart from the checks that have not been evaluated, no failures, no warnings and no errors.";
        (text.to_string(), None)
    } else {
        return None;
    };
    Some(line)
}

fn title(check: &crate::sodacl::model::Check, data_source: &str) -> Option<String> {
    if check.dataset.table.is_empty() {
        return None;
    }
    let table = unquoted_table(&check.dataset.table);
    Some(match &check.dataset.partition {
        Some(p) => format!("{table} [{p}] in {data_source}"),
        None => format!("{table} in {data_source}"),
    })
}

/// The sample reference line (as Soda Core prints it) and, with `-V`, the rows.
fn sample_lines(sample: &crate::eval::Sample, indent: &str, mark: Mark, logs: &mut Logs) {
    let stored = sample.rows.rows.len();
    // Uploaded samples name their Soda Cloud file, as in Soda Core (`soda_cloud file-1 …`).
    let reference = match &sample.file_id {
        Some(id) => format!("soda_cloud {id}"),
        None => "not-persisted Samples are not sent to Soda Cloud".to_string(),
    };
    logs.info_marked(
        format!(
            "{indent}  failed_rows_sample_ref: {reference} {}x({stored}/{})",
            sample.rows.columns.len(),
            sample.total
        ),
        mark,
    );
    if logs.verbose() && stored > 0 {
        let header: Vec<&str> = sample
            .rows
            .columns
            .iter()
            .map(|c| c.name.as_str())
            .collect();
        logs.info_marked(format!("{indent}    | {} |", header.join(" | ")), mark);
        for row in &sample.rows.rows {
            let cells: Vec<String> = row.iter().map(ToString::to_string).collect();
            logs.info_marked(format!("{indent}    | {} |", cells.join(" | ")), mark);
        }
    }
}
