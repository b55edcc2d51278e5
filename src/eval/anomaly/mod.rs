//! Anomaly checks (`anomaly detection for M`, `anomaly score for M < default`): the metric's
//! current value scored against its history by the model of [`model`], a deterministic robust
//! seasonal-trend detector that needs no Python and no network (Soda Core uses Prophet).
//!
//! `anomaly detection` passes, warns or fails by how far outside the expected band the value
//! is (`warn_only: true` caps it at warn); the deprecated `anomaly score ... < default` warns
//! when the anomaly score is above 0.9, as in Soda. With fewer than five earlier measurements
//! the check is not evaluated and says why (outcome reason `notEnoughHistory`).

pub mod model;
pub mod synthetic;

use super::{location, CheckResult, Message, NumZone, Outcome, Problem};
use crate::diagnostic::Level;
use crate::measure::history::History;
use crate::measure::Value;
use crate::sodacl::model::Check;
use chrono::{DateTime, Utc};
use model::{Detection, Point, Settings, Severity, Verdict};
use serde_json::json;

/// Evaluates an anomaly check whose metric measured `value` at `data_time`.
pub fn evaluate(
    check: &Check,
    value: &Value,
    history: Option<&History>,
    data_time: DateTime<Utc>,
    result: &mut CheckResult,
    messages: &mut Vec<Message>,
) {
    let error = |problem: Problem| Message {
        level: Level::Error,
        problem,
        location: location(check),
    };
    let Some(current) = value.as_f64() else {
        return;
    };
    let measurements = match history {
        None | Some(History::NoSource) => {
            return messages.push(error(Problem::NoHistorySource { anomaly: true }));
        }
        Some(History::Failed(e)) => {
            return messages.push(error(Problem::HistoryFailed {
                check: check.source_line.clone(),
                reason: e.clone(),
                from_cloud: false,
            }));
        }
        Some(History::Measurements(m)) => m.as_slice(),
        Some(History::Elsewhere(_)) => &[],
    };
    let points: Vec<Point> = measurements
        .iter()
        .filter_map(|m| {
            Some(Point {
                time: m.data_time?.timestamp(),
                value: m.value.number()?.as_f64()?,
            })
        })
        .collect();
    let now = Point {
        time: data_time.timestamp(),
        value: current,
    };
    match model::detect(&points, now, &Settings::default()) {
        Verdict::NotEnoughHistory { have, need } => {
            let problem = Problem::AnomalyNeedsHistory {
                have,
                need,
                elsewhere: history.and_then(History::elsewhere).cloned(),
            };
            super::history::not_enough_history(result, messages, check, problem)
        }
        Verdict::Scored(d) => scored(check, &d, result),
    }
}

fn scored(check: &Check, d: &Detection, result: &mut CheckResult) {
    let deprecated_score = check.source_line.starts_with("anomaly score for");
    let warn_only = check
        .config
        .as_ref()
        .and_then(|c| c.get("warn_only"))
        .and_then(|v| v.scalar_text())
        .is_some_and(|t| t == "true");
    let outcome = if deprecated_score {
        Outcome::decide(false, d.score > model::ANOMALY_SCORE_THRESHOLD)
    } else {
        match d.severity {
            Severity::Pass => Outcome::Pass,
            Severity::Warn => Outcome::Warn,
            Severity::Fail if warn_only => Outcome::Warn,
            Severity::Fail => Outcome::Fail,
        }
    };
    result.outcome = Some(outcome);
    // Values outside the expected band are the bad zone, as the chart draws it.
    let outside = NumZone {
        lt: Some(d.lower),
        gt: Some(d.upper),
        split: true,
        ..NumZone::default()
    };
    if outcome == Outcome::Warn || deprecated_score {
        result.warn = Some(outside);
    } else {
        result.fail = Some(outside);
    }
    let severity = match outcome {
        Outcome::Pass => "pass",
        Outcome::Warn => "warn",
        Outcome::Fail => "fail",
    };
    let x = &mut result.extra;
    x.insert("anomalyProbability".into(), json!(d.score));
    x.insert("anomalyPredictedValue".into(), json!(d.expected));
    x.insert("anomalyErrorSeverity".into(), json!(severity));
    x.insert("anomalyErrorCode".into(), json!(""));
    x.insert("anomalyErrorMessage".into(), json!(""));
    result.console.extend([
        ("expected".into(), crate::python::float_repr(d.expected)),
        (
            "expected_range".into(),
            format!(
                "{} .. {}",
                crate::python::float_repr(d.lower),
                crate::python::float_repr(d.upper)
            ),
        ),
        ("anomaly_score".into(), format!("{:.3}", d.score)),
    ]);
}
