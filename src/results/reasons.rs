//! Why a check has no outcome. Soda Core gives a reason only for checks waiting for history
//! (`notEnoughHistory`) and leaves every other unevaluated check out of its results; the
//! results store and `soda server` keep every check, so each one left out gets a reason here,
//! in Soda's `{code, message, severity}` shape, from what its evaluation and the scan's
//! queries said. Codes other than `notEnoughHistory` are ours and never reach Soda Cloud.

use crate::diagnostic::Level;
use crate::eval::problem::Problem;
use crate::eval::Message;
use crate::measure::Executed;
use crate::sodacl::model::Check;
use serde_json::{json, Value as Json};

/// The check's metrics were not measured: a query on its dataset failed.
pub const METRICS_NOT_COMPUTED: &str = "metricsNotComputed";
/// The scan could not connect to the data source, so nothing was measured.
pub const DATA_SOURCE_UNAVAILABLE: &str = "dataSourceUnavailable";
/// The check's evaluation stopped on an error (a threshold, a value of the wrong type, ...).
pub const EVALUATION_FAILED: &str = "evaluationFailed";
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
    /// The connection error, when the scan never reached its data source.
    pub unconnected: Option<&'a str>,
}

/// The reason a check without an outcome gives (one entry of `outcomeReasons`).
pub fn not_evaluated(check: &Check, evidence: &Evidence<'_>) -> Json {
    if let Some(error) = evidence.unconnected {
        return reason(DATA_SOURCE_UNAVAILABLE, error, "error");
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
                if let Some(cause) = query_error(check, evidence.executed) {
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
    match query_error(check, evidence.executed) {
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

/// The error of the query that best explains a check's missing metrics: a failed query on
/// its dataset and column, else any failed query on its dataset (the combined query, when
/// the table itself is missing).
fn query_error(check: &Check, executed: &[Executed]) -> Option<String> {
    let on_dataset = |q: &&Executed| {
        q.error.is_some()
            && q.data_source.is_none()
            && q.dataset.as_ref().map(|d| d.table.as_str()) == Some(check.dataset.table.as_str())
    };
    let failed: Vec<&Executed> = executed.iter().filter(on_dataset).collect();
    let best = failed
        .iter()
        .find(|q| q.column.is_some() && q.column == check.column)
        .or_else(|| failed.first())?;
    let error = best.error.as_ref()?;
    Some(format!("query {} failed: {error}", best.name))
}
