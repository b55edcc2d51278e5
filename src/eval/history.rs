//! Checks that compare with history kept in Soda Cloud: change over time and schema changes
//! (cli-and-cloud.md §7). The history is fetched before evaluation (by the scan, which owns
//! the Cloud session) and handed in, so evaluation stays free of I/O.

use super::{apply_thresholds, location, CheckResult, Message, Problem};
use crate::diagnostic::Level;
use crate::measure::Value;
use crate::sodacl::line::HistoryWindow;
use crate::sodacl::model::{ChangeCheck, Check, CheckKind};
use crate::template::Vars;
use serde_json::{json, Value as Json};

use crate::measure::history::{HistoricMeasurement, HistoricValue, HistoryShape};
pub use crate::measure::history::{History, HistoryMap};

/// What history a check compares with, whoever keeps it (Soda Cloud or the results store).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HistoryRequest {
    pub shape: HistoryShape,
    /// At most this many measurements (anomaly checks); `None`: all.
    pub limit: Option<u32>,
    /// Only the measurements of the same day a week earlier.
    pub same_day_last_week: bool,
}

/// The history a check needs, or `None` when it compares with nothing.
pub fn request(check: &Check) -> Option<HistoryRequest> {
    let plain = |shape| HistoryRequest {
        shape,
        limit: None,
        same_day_last_week: false,
    };
    match &check.kind {
        CheckKind::Change(c) => Some(HistoryRequest {
            same_day_last_week: c.history == HistoryWindow::SameDayLastWeek,
            ..plain(HistoryShape::Number)
        }),
        CheckKind::Schema { warn, fail }
            if !warn.changes.is_empty() || !fail.changes.is_empty() =>
        {
            Some(plain(HistoryShape::Schema))
        }
        CheckKind::GroupEvolution(g)
            if !g.warn.changes.is_empty() || !g.fail.changes.is_empty() =>
        {
            Some(plain(HistoryShape::Groups))
        }
        CheckKind::Anomaly(_) => Some(HistoryRequest {
            limit: Some(1000),
            ..plain(HistoryShape::Number)
        }),
        _ => None,
    }
}

/// Change over time: the difference (or percentage) against the history, then thresholds.
pub fn evaluate_change(
    check: &Check,
    c: &ChangeCheck,
    current: Value,
    history: Option<&History>,
    vars: &Vars,
    result: &mut CheckResult,
    messages: &mut Vec<Message>,
) {
    let Some(measurements) = measurements(check, history, messages) else {
        return;
    };
    let values: Vec<Value> = measurements
        .iter()
        .filter_map(|m| m.value.number().cloned())
        .collect();
    let Some(historic) = historic_value(&c.history, &values) else {
        messages.push(Message {
            level: Level::Info,
            problem: Problem::NoHistoricValue {
                elsewhere: history.and_then(History::elsewhere).cloned(),
            },
            location: None,
        });
        return;
    };
    // A change that cannot be computed (not numbers, a percentage of zero) has no outcome.
    let Some(value) = change(c.percent, &current, &historic) else {
        return;
    };
    result.value = Some(value.clone());
    result.console = vec![
        ("check_value".into(), value.to_string()),
        ("historic_value".into(), historic.to_string()),
        ("metric_value".into(), current.to_string()),
    ];
    result.extra.insert(
        "diagnostics".into(),
        json!({"historic_value": historic.to_json(), "metric_value": current.to_json()}),
    );
    apply_thresholds(
        check,
        check.fail.as_ref(),
        check.warn.as_ref(),
        &value,
        false,
        vars,
        result,
        messages,
    );
}

/// The historic measurements, or `None` (reported) when there is no history to read.
fn measurements<'h>(
    check: &Check,
    history: Option<&'h History>,
    messages: &mut Vec<Message>,
) -> Option<&'h [HistoricMeasurement]> {
    let problem = match history {
        None | Some(History::NoSource) => Problem::NoHistorySource { anomaly: false },
        Some(History::Failed(e)) => Problem::HistoryFailed {
            check: check.source_line.clone(),
            reason: e.clone(),
            from_cloud: true,
        },
        Some(History::Measurements(m)) => return Some(m),
        Some(History::Elsewhere(_)) => return Some(&[]),
    };
    messages.push(Message {
        level: Level::Error,
        problem,
        location: location(check),
    });
    None
}

/// The value to compare with: the window's aggregate, or the latest value.
fn historic_value(window: &HistoryWindow, values: &[Value]) -> Option<Value> {
    // Soda Core parses `avg|min|max last N` but compares with the latest value only; we
    // apply the aggregate it describes (README).
    match window {
        HistoryWindow::Aggregate { function, count } if !values.is_empty() => {
            let nums: Vec<f64> = values
                .iter()
                .take((*count).max(1))
                .filter_map(Value::as_f64)
                .collect();
            let v = match function.as_str() {
                "avg" => nums.iter().sum::<f64>() / nums.len() as f64,
                "max" => nums.iter().copied().fold(f64::MIN, f64::max),
                _ => nums.iter().copied().fold(f64::MAX, f64::min),
            };
            Some(
                if function != "avg"
                    && v.fract() == 0.0
                    && values.iter().all(|x| matches!(x, Value::Int(_)))
                {
                    Value::Int(v as i64)
                } else {
                    Value::Float(v)
                },
            )
        }
        _ => values.first().cloned(),
    }
}

/// The difference between the current and the historic value, or its percentage.
fn change(percent: bool, current: &Value, historic: &Value) -> Option<Value> {
    let diff = match (current, historic) {
        (Value::Int(a), Value::Int(b)) if a.checked_sub(*b).is_some() => Value::Int(a - b),
        (a, b) => match (a.as_f64(), b.as_f64()) {
            (Some(a), Some(b)) => Value::Float(a - b),
            _ => return None,
        },
    };
    if !percent {
        return Some(diff);
    }
    let (d, h) = (
        diff.as_f64().unwrap_or(0.0),
        historic.as_f64().unwrap_or(0.0),
    );
    if h == 0.0 {
        (d == 0.0).then_some(Value::Float(0.0))
    } else {
        Some(Value::Float(d / h * 100.0))
    }
}

/// Compares the measured schema with the latest one in history. Returns the violations of
/// the `changes` kinds, or `None` when there is no history to compare with.
pub fn schema_changes(
    measured: &[(String, String)],
    history: Option<&History>,
    kinds: &[String],
) -> Option<(usize, Json)> {
    let HistoricValue::Schema(columns) = &history?.latest()?.value else {
        return None;
    };
    let previous: Vec<(String, String)> = columns
        .iter()
        .map(|c| (c.name.clone(), c.type_name.clone()))
        .collect();
    let pos = |list: &[(String, String)], name: &str| list.iter().position(|(n, _)| n == name);
    let additions: Vec<String> = measured
        .iter()
        .filter(|(n, _)| pos(&previous, n).is_none())
        .map(|(n, _)| n.clone())
        .collect();
    let deletions: Vec<String> = previous
        .iter()
        .filter(|(n, _)| pos(measured, n).is_none())
        .map(|(n, _)| n.clone())
        .collect();
    let mut type_changes = serde_json::Map::new();
    let mut index_changes = serde_json::Map::new();
    for (i, (n, t)) in measured.iter().enumerate() {
        if let Some(j) = pos(&previous, n) {
            if !previous[j].1.eq_ignore_ascii_case(t) {
                type_changes.insert(
                    n.clone(),
                    json!({"previous_type": previous[j].1, "new_type": t}),
                );
            }
            if i != j {
                index_changes.insert(n.clone(), json!({"previous_index": j, "new_index": i}));
            }
        }
    }
    let wants = |k: &str| kinds.iter().any(|x| x == k);
    let count = if wants("column add") {
        additions.len()
    } else {
        0
    } + if wants("column delete") {
        deletions.len()
    } else {
        0
    } + if wants("column type change") {
        type_changes.len()
    } else {
        0
    } + if wants("column index change") {
        index_changes.len()
    } else {
        0
    };
    Some((
        count,
        json!({"column_additions": additions, "column_deletions": deletions,
               "column_type_changes": type_changes, "column_index_changes": index_changes}),
    ))
}

/// True when neither Soda Cloud nor a results store keeps history for this scan.
pub fn has_no_source(history: Option<&History>) -> bool {
    matches!(history, None | Some(History::NoSource))
}

/// Marks a check that compares with history as not evaluated, with an error (exit 3): there
/// is no history to compare with at all. Soda Core says "Soda Core must be configured to
/// connect to Soda Cloud"; we also have the results store to offer.
pub fn no_history_source(
    result: &mut CheckResult,
    messages: &mut Vec<Message>,
    check: &Check,
    condition: &'static str,
) {
    result.outcome = None;
    result.outcome_reasons.clear();
    messages.push(Message {
        level: Level::Error,
        problem: Problem::NoHistoryFor { condition },
        location: location(check),
    });
}

/// Marks a check as waiting for history (outcome reason `notEnoughHistory`, saying `problem`).
pub fn not_enough_history(
    result: &mut CheckResult,
    messages: &mut Vec<Message>,
    check: &Check,
    problem: Problem,
) {
    result.outcome = None;
    result.outcome_reasons = vec![
        json!({"code": "notEnoughHistory", "message": problem.to_string(), "severity": "warn"}),
    ];
    messages.push(Message {
        level: Level::Warning,
        problem,
        location: location(check),
    });
}
