//! Why a check has no outcome. Soda Core gives a reason only for checks waiting for history
//! (`notEnoughHistory`) and leaves every other unevaluated check out of its results; the
//! results store and `soda server` keep every check, so each one left out gets a reason here,
//! in Soda's `{code, message, severity}` shape, from what its evaluation and the scan's
//! queries said. Codes other than `notEnoughHistory` are ours and never reach Soda Cloud.

use crate::diagnostic::Level;
use crate::eval::problem::Problem;
use crate::eval::Message;
use crate::measure::Executed;
use crate::plan::{Plan, QueryKind};
use crate::sodacl::model::Check;
use serde_json::{json, Value as Json};

/// The check's metrics were not measured: a query on its dataset failed.
pub const METRICS_NOT_COMPUTED: &str = "metricsNotComputed";
/// The scan could not connect to the data source, so nothing was measured.
pub const DATA_SOURCE_UNAVAILABLE: &str = "dataSourceUnavailable";
/// The check's evaluation stopped on an error (a threshold, a value of the wrong type, ...).
pub const EVALUATION_FAILED: &str = "evaluationFailed";
/// The check as written cannot run (an unsupported metric, a wrong configuration value).
pub const INVALID_CHECK: &str = "invalidCheck";
/// Soda's own code: the check compares with history and there is not enough of it yet.
pub const NOT_ENOUGH_HISTORY: &str = "notEnoughHistory";
/// Nothing more specific is known: the scan log says what happened.
pub const NOT_EVALUATED: &str = "notEvaluated";

/// What the scan knew when it evaluated one check.
pub struct Evidence<'a> {
    /// The messages the check's own evaluation logged.
    pub messages: &'a [Message],
    /// Every query the scan ran, failed ones with their error.
    pub executed: &'a [Executed],
    /// The plan the queries ran and the metrics they measured (`None`: not computed).
    pub plan: &'a Plan,
    pub values: &'a [Option<crate::measure::Value>],
    /// The connection error, when the scan never reached its data source.
    pub unconnected: Option<&'a str>,
    /// The scan log so far: a checks-file error at the check's line explains it.
    pub logged: &'a [crate::diagnostic::Record],
}

/// The reason a check without an outcome gives (one entry of `outcomeReasons`).
pub fn not_evaluated(check: &Check, evidence: &Evidence<'_>) -> Json {
    if let Some(error) = evidence.unconnected {
        return reason(DATA_SOURCE_UNAVAILABLE, error, "error");
    }
    // The check's lines: its definition is the section header and the check as written.
    let lines = check.line..check.line + check.definition.lines().count().max(2) - 1;
    let at_check = |r: &&crate::diagnostic::Record| {
        // Failed queries are located at the checks they stop: they are found below.
        r.level == Level::Error
            && !r.message.starts_with("Query execution error")
            && r.location
                .as_ref()
                .is_some_and(|l| l.file == check.file && lines.contains(&l.line))
    };
    if let Some(r) = evidence.logged.iter().find(at_check) {
        return reason(INVALID_CHECK, &r.message, "error");
    }
    for m in evidence.messages {
        match &m.problem {
            Problem::NoHistoricValue { .. }
            | Problem::NoHistoricSchema { .. }
            | Problem::AnomalyNeedsHistory { .. } => {
                return reason(NOT_ENOUGH_HISTORY, &m.problem.to_string(), "warn");
            }
            Problem::MetricsNotComputed { metrics, .. } => {
                let mut text = format!("Metrics '{}' were not computed", metrics.join(","));
                if let Some(cause) = query_error(check, evidence) {
                    text.push_str(": ");
                    text.push_str(&cause);
                }
                return reason(METRICS_NOT_COMPUTED, &text, "error");
            }
            _ if matches!(m.level, Level::Error | Level::Warning) => {
                return reason(EVALUATION_FAILED, &m.problem.to_string(), "error");
            }
            _ => {}
        }
    }
    match query_error(check, evidence) {
        Some(cause) => reason(METRICS_NOT_COMPUTED, &cause, "error"),
        None => reason(
            NOT_EVALUATED,
            "The check was not evaluated; the scan log says why",
            "warn",
        ),
    }
}

fn reason(code: &str, message: &str, severity: &str) -> Json {
    json!({"code": code, "message": message, "severity": severity})
}

/// The error of the query that stopped a check, with the query's name.
fn query_error(check: &Check, evidence: &Evidence<'_>) -> Option<String> {
    let q = &evidence.executed[cause(check, evidence)?];
    Some(format!("query {} failed: {}", q.name, q.error.as_ref()?))
}

/// The failed query that stopped a check (its index in `executed`): the first reported
/// failure (see [`reported`]) among the queries that measure one of the check's metrics
/// that were not computed.
pub fn cause(check: &Check, evidence: &Evidence<'_>) -> Option<usize> {
    let missing: Vec<usize> = evidence
        .plan
        .metrics_of(check.seq)
        .iter()
        .copied()
        .filter(|&m| evidence.values.get(m).is_none_or(Option::is_none))
        .collect();
    if missing.is_empty() {
        return None;
    }
    let executed = evidence.executed;
    let failed = |i: &usize| executed[*i].error.is_some() && reported(executed, *i);
    let own = (0..executed.len()).filter(failed).find(|&i| {
        metrics_of_query(evidence.plan, &executed[i])
            .iter()
            .any(|m| missing.contains(m))
    });
    // A query that found nothing to fail on (a schema query of a missing table) is explained
    // by a whole query of its dataset failing.
    own.or_else(|| {
        (0..executed.len()).filter(failed).find(|&i| {
            let q = &executed[i];
            !q.name.contains(".isolated[")
                && q.data_source.is_none()
                && q.dataset.as_ref().map(|d| d.table.as_str())
                    == Some(check.dataset.table.as_str())
        })
    })
}

/// Where a failed query is reported: at the first check it stopped, so that one missing
/// table or column is one located error.
pub fn stopped_check<'m>(
    i: usize,
    evidence: &Evidence<'_>,
    checks: impl IntoIterator<Item = &'m Check>,
) -> Option<crate::diagnostic::Location> {
    checks
        .into_iter()
        .find(|c| cause(c, evidence) == Some(i))
        .and_then(crate::eval::location)
}

/// The metrics an executed query measured: its plan query's, or for an item retried alone
/// (`….isolated[i]`) that item's.
fn metrics_of_query(plan: &Plan, q: &Executed) -> Vec<usize> {
    let Some(query) = plan
        .queries
        .iter()
        .find(|p| q.name == p.name || q.name.starts_with(&format!("{}.", p.name)))
    else {
        return Vec::new();
    };
    match &query.kind {
        QueryKind::Aggregate { items } => {
            let item = q
                .name
                .strip_prefix(&format!("{}.isolated[", query.name))
                .and_then(|rest| rest.strip_suffix(']'))
                .and_then(|i| i.parse::<usize>().ok())
                .and_then(|i| items.get(i));
            match item {
                Some(&m) => vec![m],
                None => items.clone(),
            }
        }
        QueryKind::Duplicate { metric } | QueryKind::Own { metric } => vec![*metric],
    }
}

/// Whether the failure of `executed[i]` is a problem of its own, to report as an error: not
/// an item retried alone whose combined query stands for it (every item failed as it did: a
/// missing table), nor a combined query some of whose items ran (the items that failed say
/// what is wrong: a missing column).
pub fn reported(executed: &[Executed], i: usize) -> bool {
    let q = &executed[i];
    match q.name.rsplit_once(".isolated[") {
        Some((base, _)) => executed
            .iter()
            .find(|c| c.name == base)
            .is_none_or(|c| !stands_for_its_items(executed, c)),
        None => {
            let prefix = format!("{}.isolated[", q.name);
            !executed.iter().any(|c| c.name.starts_with(&prefix))
                || stands_for_its_items(executed, q)
        }
    }
}

/// A failed combined query whose items, retried alone, all failed with its own error.
fn stands_for_its_items(executed: &[Executed], combined: &Executed) -> bool {
    let text = |q: &Executed| q.error.as_ref().map(ToString::to_string);
    let prefix = format!("{}.isolated[", combined.name);
    executed
        .iter()
        .filter(|c| c.name.starts_with(&prefix))
        .all(|c| c.error.is_some() && text(c) == text(combined))
}
