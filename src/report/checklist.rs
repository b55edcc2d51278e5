//! The flat view of a finished scan that the CI outputs share (JUnit XML, GitHub annotations
//! and step summary, webhook alerts): one [`Item`] per check with its dataset, status, value,
//! thresholds and place in its checks file, the scan's errors, and the verdict.
//!
//! Everything here is plain text; each output escapes it for its own format.

use super::{unquoted_table, ScanReport};
use crate::diagnostic::{Level, Location, Logs};
use crate::eval::{CheckResult, NumZone, Outcome};
use crate::sodacl::model::Check;

/// How a check ended, with "not evaluated" as a status of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Pass,
    Warn,
    Fail,
    NotEvaluated,
}

impl Status {
    fn of(outcome: Option<Outcome>) -> Status {
        match outcome {
            Some(Outcome::Pass) => Status::Pass,
            Some(Outcome::Warn) => Status::Warn,
            Some(Outcome::Fail) => Status::Fail,
            None => Status::NotEvaluated,
        }
    }

    /// The console's label: `PASSED`, `WARNED`, `FAILED`, `NOT EVALUATED`.
    pub fn label(self) -> &'static str {
        match self {
            Status::Pass => "PASSED",
            Status::Warn => "WARNED",
            Status::Fail => "FAILED",
            Status::NotEvaluated => "NOT EVALUATED",
        }
    }
}

/// One check, as the CI outputs describe it.
pub struct Item<'a> {
    pub check: &'a Check,
    pub result: &'a CheckResult,
    /// `customers`, `customers [recent]`; empty for data-source level checks.
    pub dataset: String,
    pub status: Status,
    /// The measured value as text, when there is one.
    pub value: Option<String>,
    /// `fail when value > 5; warn when value > 2`; empty when the check has no numeric zones.
    pub thresholds: String,
    /// Why a check was not evaluated (empty for evaluated checks).
    pub reason: String,
}

impl Item<'_> {
    /// The one-line account of the check: outcome, value and thresholds.
    pub fn message(&self) -> String {
        let mut parts = vec![format!("{} [{}]", self.check.name, self.status.label())];
        if let Some(v) = &self.value {
            parts.push(format!("value: {v}"));
        }
        if !self.thresholds.is_empty() {
            parts.push(self.thresholds.clone());
        }
        if !self.reason.is_empty() {
            parts.push(self.reason.clone());
        }
        parts.join("; ")
    }

    /// `file:line` of the check.
    pub fn place(&self) -> String {
        format!("{}:{}", self.check.file, self.check.line)
    }
}

/// A scan error (an error record of the scan log), with its place when it has one.
pub struct ScanError {
    pub message: String,
    pub location: Option<Location>,
}

/// What the scan as a whole came to, by Soda Core's rule: error > fail > warn > pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Verdict {
    Pass,
    Warn,
    Fail,
    Error,
}

impl Verdict {
    /// `pass`, `warn`, `fail`, `error` (the words of the `notifications: on:` list too).
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Pass => "pass",
            Verdict::Warn => "warn",
            Verdict::Fail => "fail",
            Verdict::Error => "error",
        }
    }
}

/// The verdict of a finished scan.
pub fn verdict(report: &ScanReport, logs: &Logs) -> Verdict {
    let has = |o: Outcome| report.checks.iter().any(|(_, r)| r.outcome == Some(o));
    if logs.has_errors() {
        Verdict::Error
    } else if has(Outcome::Fail) {
        Verdict::Fail
    } else if has(Outcome::Warn) {
        Verdict::Warn
    } else {
        Verdict::Pass
    }
}

/// Every check of the report, in Soda Core's order.
pub fn items<'a>(report: &'a ScanReport, logs: &Logs) -> Vec<Item<'a>> {
    report
        .checks
        .iter()
        .map(|(check, result)| {
            let status = Status::of(result.outcome);
            let reason = if status == Status::NotEvaluated {
                not_evaluated_reason(check, result, logs)
            } else {
                String::new()
            };
            Item {
                check,
                result,
                dataset: dataset(check),
                status,
                value: result.value.as_ref().map(ToString::to_string),
                thresholds: thresholds(result),
                reason,
            }
        })
        .collect()
}

/// The error records of the scan log.
pub fn errors(logs: &Logs) -> Vec<ScanError> {
    logs.records()
        .iter()
        .filter(|r| r.level == Level::Error)
        .map(|r| ScanError {
            message: r.message.clone(),
            location: r.location.clone(),
        })
        .collect()
}

fn dataset(check: &Check) -> String {
    if check.dataset.table.is_empty() {
        return String::new();
    }
    let table = unquoted_table(&check.dataset.table);
    match &check.dataset.partition {
        Some(p) => format!("{table} [{p}]"),
        None => table,
    }
}

/// `fail when …; warn when …` from the check's resolved zones.
fn thresholds(result: &CheckResult) -> String {
    let mut parts = Vec::new();
    if let Some(z) = &result.fail {
        parts.push(format!("fail when {}", zone(z)));
    }
    if let Some(z) = &result.warn {
        parts.push(format!("warn when {}", zone(z)));
    }
    parts.join("; ")
}

/// A zone as a condition on the value: `value > 5`, `value >= 1 and value <= 9`, and for a
/// split zone (outside a range) `value < 1 or value > 9`.
pub fn zone(z: &NumZone) -> String {
    // `= 5` is stored as the split zone below 5 or above 5.
    if let (true, Some(a), Some(b)) = (z.split, z.lt, z.gt) {
        if a == b && z.gte.is_none() && z.lte.is_none() {
            return format!("value != {}", number(a));
        }
    }
    let mut lower = Vec::new();
    let mut upper = Vec::new();
    if let Some(b) = z.gte {
        lower.push(format!("value >= {}", number(b)));
    }
    if let Some(b) = z.gt {
        lower.push(format!("value > {}", number(b)));
    }
    if let Some(b) = z.lt {
        upper.push(format!("value < {}", number(b)));
    }
    if let Some(b) = z.lte {
        upper.push(format!("value <= {}", number(b)));
    }
    // A split zone is its two sides; ordered lower-bound-last reads as "below or above".
    if z.split {
        upper.extend(lower);
        return upper.join(" or ");
    }
    lower.extend(upper);
    lower.join(" and ")
}

/// A bound without a needless `.0`.
fn number(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{v:.0}")
    } else {
        v.to_string()
    }
}

/// Why a check has no outcome: the errors logged at its line, else the reasons evaluation
/// gave, else what its console lines say.
fn not_evaluated_reason(check: &Check, result: &CheckResult, logs: &Logs) -> String {
    let located: Vec<&str> = logs
        .records()
        .iter()
        .filter(|r| r.level == Level::Error)
        .filter(|r| {
            r.location
                .as_ref()
                .is_some_and(|l| l.file == check.file && l.line == check.line)
        })
        .map(|r| r.message.as_str())
        .collect();
    if !located.is_empty() {
        return located.join("; ");
    }
    let reasons: Vec<String> = result
        .outcome_reasons
        .iter()
        .filter_map(|r| {
            r.get("message")
                .and_then(|m| m.as_str())
                .map(str::to_string)
        })
        .collect();
    if !reasons.is_empty() {
        return reasons.join("; ");
    }
    let console: Vec<String> = result
        .console
        .iter()
        .map(|(k, v)| {
            if v.is_empty() {
                k.clone()
            } else {
                format!("{k}: {v}")
            }
        })
        .collect();
    let mut reason = "not evaluated".to_string();
    if logs.has_errors() {
        reason.push_str(" (see the scan errors)");
    }
    if !console.is_empty() {
        reason.push_str(&format!(": {}", console.join(", ")));
    }
    reason
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zones_read_as_conditions() {
        let above = NumZone {
            gt: Some(5.0),
            ..NumZone::default()
        };
        assert_eq!(zone(&above), "value > 5");
        let outside = NumZone {
            lt: Some(1.0),
            gt: Some(9.5),
            split: true,
            ..NumZone::default()
        };
        assert_eq!(zone(&outside), "value < 1 or value > 9.5");
        let equal = NumZone {
            lt: Some(0.0),
            gt: Some(0.0),
            split: true,
            ..NumZone::default()
        };
        assert_eq!(zone(&equal), "value != 0");
        let inside = NumZone {
            gte: Some(1.0),
            lte: Some(9.0),
            ..NumZone::default()
        };
        assert_eq!(zone(&inside), "value >= 1 and value <= 9");
    }
}
