//! Evaluation: metric values + thresholds → an outcome per check. Pure: no I/O.
//!
//! Rules are Soda Core's (sodacl.md §3.6, §8): fail is tested before warn; a metric that was
//! not computed (failed query, unknown metric) is an error and leaves the check unevaluated;
//! a metric that is SQL NULL (an average over no rows) leaves it unevaluated silently.

use crate::diagnostic::{Level, Location};
use crate::engine::value::Value;
use crate::plan::{MetricKind, Plan};
use crate::sodacl::line::Operand;
use crate::sodacl::model::{Check, CheckKind, Zone};
use crate::template::Vars;

/// A check's outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Pass,
    Warn,
    Fail,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Pass => "pass",
            Outcome::Warn => "warn",
            Outcome::Fail => "fail",
        }
    }
}

/// A zone with its bounds resolved to numbers.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NumZone {
    pub gte: Option<f64>,
    pub gt: Option<f64>,
    pub lt: Option<f64>,
    pub lte: Option<f64>,
    pub split: bool,
}

impl NumZone {
    /// Whether `v` lies in the zone (sodacl.md §3.1).
    pub fn contains(&self, v: f64) -> bool {
        let lower = [self.gte.map(|b| v >= b), self.gt.map(|b| v > b)];
        let upper = [self.lt.map(|b| v < b), self.lte.map(|b| v <= b)];
        let all = |side: &[Option<bool>]| side.iter().flatten().all(|ok| *ok);
        let any_present = |side: &[Option<bool>]| side.iter().any(Option::is_some);
        if self.split {
            (any_present(&lower) && all(&lower)) || (any_present(&upper) && all(&upper))
        } else {
            all(&lower) && all(&upper)
        }
    }
}

/// What evaluation decided for one check.
#[derive(Debug, Clone)]
pub struct CheckResult {
    pub seq: usize,
    pub outcome: Option<Outcome>,
    /// `diagnostics.value`.
    pub value: Option<Value>,
    pub fail: Option<NumZone>,
    pub warn: Option<NumZone>,
    /// Lines shown under the check in the console (`check_value: 5`).
    pub console: Vec<(String, String)>,
    /// Metric identities the check reads.
    pub metrics: Vec<String>,
}

/// A message for the scan log.
#[derive(Debug, Clone)]
pub struct Message {
    pub level: Level,
    pub text: String,
    pub location: Option<Location>,
}

/// Computes the percentage metrics from their counts (sodacl.md §6.5).
pub fn derive_percentages(plan: &Plan, values: &mut [Option<Value>]) {
    for m in &plan.metrics {
        if !matches!(m.kind, MetricKind::Percent(_)) || m.deps.len() != 2 {
            continue;
        }
        let (rc, count) = (values[m.deps[0]].clone(), values[m.deps[1]].clone());
        let (Some(rc), Some(count)) = (rc, count) else {
            continue;
        };
        let (rc, count) = (rc.as_f64().unwrap_or(0.0), count.as_f64().unwrap_or(0.0));
        let pct = if rc == 0.0 || count == 0.0 {
            0.0
        } else {
            round2(count * 100.0 / rc)
        };
        values[m.id] = Some(Value::Float(pct));
    }
}

/// Python's `round(x, 2)`: the correctly rounded decimal of the binary value.
pub fn round2(x: f64) -> f64 {
    format!("{x:.2}").parse().unwrap_or(x)
}

fn resolve(op: &Operand, vars: &Vars) -> Result<f64, String> {
    match op {
        Operand::Number(n) => Ok(*n),
        Operand::Duration { seconds, .. } => Ok(*seconds as f64),
        Operand::Variable(text) => {
            let rendered = vars.render(text).text;
            rendered
                .trim()
                .parse::<f64>()
                .map_err(|_| format!("could not convert string to float: '{rendered}'"))
        }
    }
}

fn resolve_zone(z: &Zone, vars: &Vars) -> Result<NumZone, String> {
    let r = |o: &Option<Operand>| o.as_ref().map(|o| resolve(o, vars)).transpose();
    Ok(NumZone {
        gte: r(&z.gte)?,
        gt: r(&z.gt)?,
        lt: r(&z.lt)?,
        lte: r(&z.lte)?,
        split: z.split,
    })
}

fn location(check: &Check) -> Option<Location> {
    Some(Location {
        file: check.file.clone(),
        line: check.line,
        col: check.col,
    })
}

/// Evaluates one check against the computed metric values.
pub fn evaluate(check: &Check, plan: &Plan, values: &[Option<Value>], vars: &Vars, messages: &mut Vec<Message>) -> CheckResult {
    let ids = plan.metrics_of(check.seq);
    let mut result = CheckResult {
        seq: check.seq,
        outcome: None,
        value: None,
        fail: None,
        warn: None,
        console: Vec::new(),
        // Soda Core lists only the check's own metric, not a percentage's inputs.
        metrics: ids.first().map(|i| plan.metrics[*i].identity.clone()).into_iter().collect(),
    };
    if !matches!(check.kind, CheckKind::Metric(_)) || check.invalid || ids.is_empty() {
        return result;
    }
    let missing: Vec<String> = ids
        .iter()
        .filter(|i| values.get(**i).is_none_or(Option::is_none))
        .map(|i| plan.metrics[*i].name.clone())
        .collect();
    if !missing.is_empty() {
        messages.push(Message {
            level: Level::Error,
            text: format!(
                "Metrics '{}' were not computed for check '{}'",
                missing.join(","),
                check.source_line
            ),
            location: location(check),
        });
        result.console.push(("check_value".into(), "None".into()));
        return result;
    }
    let value = values[ids[0]].clone().unwrap_or(Value::Null);
    result.value = Some(value.clone());
    result.console.push(("check_value".into(), value.to_string()));
    let primary = &plan.metrics[ids[0]];
    if matches!(primary.kind, MetricKind::Percent(_)) && ids.len() == 3 {
        for dep in &ids[1..] {
            let m = &plan.metrics[*dep];
            let v = values[*dep].clone().unwrap_or(Value::Null);
            result.console.push((m.name.clone(), v.to_string()));
        }
    }
    if check.no_threshold {
        return result;
    }
    if value.is_null() {
        return result;
    }
    let Some(v) = value.as_f64() else {
        let hint = if primary.validity.valid_format.is_some() {
            " (a valid format does not turn text into numbers for this metric)"
        } else {
            ""
        };
        messages.push(Message {
            level: Level::Error,
            text: format!("Cannot evaluate check: Expected a numeric value, but was {value}.{hint}"),
            location: location(check),
        });
        return result;
    };
    let zones = (
        check.fail.as_ref().map(|z| resolve_zone(z, vars)).transpose(),
        check.warn.as_ref().map(|z| resolve_zone(z, vars)).transpose(),
    );
    let (fail, warn) = match zones {
        (Ok(f), Ok(w)) => (f, w),
        (Err(e), _) | (_, Err(e)) => {
            messages.push(Message {
                level: Level::Error,
                text: format!("Evaluation of check {} failed: {e}", check.source_line),
                location: location(check),
            });
            return result;
        }
    };
    result.outcome = Some(if fail.as_ref().is_some_and(|z| z.contains(v)) {
        Outcome::Fail
    } else if warn.as_ref().is_some_and(|z| z.contains(v)) {
        Outcome::Warn
    } else {
        Outcome::Pass
    });
    result.fail = fail;
    result.warn = warn;
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    fn z(gte: Option<f64>, gt: Option<f64>, lt: Option<f64>, lte: Option<f64>, split: bool) -> NumZone {
        NumZone { gte, gt, lt, lte, split }
    }

    #[test]
    fn zones() {
        // row_count = 10 → fail zone split: gt 10 or lt 10
        let fail = z(None, Some(10.0), Some(10.0), None, true);
        assert!(!fail.contains(10.0));
        assert!(fail.contains(11.0));
        assert!(fail.contains(9.0));
        // between 1 and 100 (bad zone, not split)
        let warn = z(Some(1.0), None, None, Some(100.0), false);
        assert!(warn.contains(10.0));
        assert!(!warn.contains(101.0));
    }

    #[test]
    fn python_rounding() {
        assert_eq!(round2(3.0 * 100.0 / 9.0), 33.33);
        assert_eq!(round2(6.0 * 100.0 / 9.0), 66.67);
        assert_eq!(round2(40.0 * 100.0 / 320.0), 12.5);
        assert_eq!(round2(3.0 * 100.0 / 22.0), 13.64);
    }
}
