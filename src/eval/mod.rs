//! Evaluation: metric values + thresholds → an outcome per check. Pure: no I/O.
//!
//! Rules are Soda Core's (sodacl.md §3.6, §8): fail is tested before warn; a metric that was
//! not computed (failed query, unknown metric) is an error and leaves the check unevaluated;
//! a metric that is SQL NULL (an average over no rows) leaves it unevaluated silently.

pub mod anomaly;
mod freshness;
mod group_by;
pub mod groups;
pub mod history;
pub mod problem;
mod schema;

use crate::diagnostic::{Level, Location};
use crate::measure::{Measurements, Rows, Value};
pub use crate::measure::{Sample, SampleSource};
use crate::plan::{MetricKind, Plan};
use crate::sodacl::line::Operand;
use crate::sodacl::model::{Check, CheckKind, GroupEvolutionCheck, SchemaRules, Zone};
use crate::template::Vars;
pub use problem::{GroupByProblem, Problem, ThresholdProblem};

/// A check's outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Pass,
    Warn,
    Fail,
}

impl Outcome {
    /// Soda Core's rule for every kind of check: fail before warn, else pass.
    pub fn decide(fails: bool, warns: bool) -> Outcome {
        if fails {
            Outcome::Fail
        } else if warns {
            Outcome::Warn
        } else {
            Outcome::Pass
        }
    }

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
#[derive(Debug, Clone, Default)]
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
    /// Diagnostics after `value`/`fail`/`warn` (freshness, schema, row count comparison).
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// Diagnostics `blocks`; `None` for check types whose diagnostics have no blocks key.
    pub blocks: Option<Vec<serde_json::Value>>,
    /// Schema checks have no `value` in their diagnostics.
    pub no_value_key: bool,
    /// Only shown on the console, never in the results (group-by parents).
    pub local_only: bool,
    /// A group-by child: the check it stands for and its group description.
    pub child: Option<Box<Check>>,
    pub group: Option<serde_json::Value>,
    /// A metric that exists only through this result (group-by children): identity, name, value.
    pub own_metric: Option<(String, String, Value)>,
    pub sample: Option<SampleSource>,
    /// The failed-row sample collected for a warned or failed check.
    pub samples: Option<Sample>,
    /// Why a check has no outcome, reported with it (`notEnoughHistory`).
    pub outcome_reasons: Vec<serde_json::Value>,
    /// Why a check Soda Core would leave out of its results has no outcome (see
    /// `results::reasons`): kept by the store and `soda server`, never sent to Soda Cloud.
    pub not_evaluated: Option<serde_json::Value>,
}

/// Parses an ISO 8601 date or date-time (naive values are UTC).
pub fn parse_iso_datetime(text: &str) -> Option<chrono::DateTime<chrono::Utc>> {
    freshness::parse_iso(text)
}

/// A problem for the scan log: how serious, what, and at which check.
#[derive(Debug, Clone)]
pub struct Message {
    pub level: Level,
    pub problem: Problem,
    pub location: Option<Location>,
}

/// The outcome and chart diagnostics of checks that count violations (schema, group
/// evolution): `nf` fail and `nw` warn events, and for schema checks the passing columns.
pub(crate) fn event_chart(
    result: &mut CheckResult,
    noun: &str,
    nf: usize,
    nw: usize,
    passing: Option<usize>,
) {
    let mut series = vec![
        serde_json::json!({"label": "fail", "value": nf, "outcome": "fail"}),
        serde_json::json!({"label": "warn", "value": nw, "outcome": "warn"}),
    ];
    if let Some(p) = passing {
        series.push(serde_json::json!({"label": "pass", "value": p, "outcome": "pass"}));
    }
    let x = &mut result.extra;
    x.insert("preferredChart".into(), serde_json::json!("bars"));
    x.insert(
        "valueLabel".into(),
        serde_json::json!(format!("{} {noun} event(s)", nf + nw)),
    );
    x.insert(
        "valueSeries".into(),
        serde_json::json!({ "values": series }),
    );
    result.outcome = Some(Outcome::decide(nf > 0, nw > 0));
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

fn resolve(op: &Operand, vars: &Vars) -> Result<f64, ThresholdProblem> {
    match op {
        Operand::Number(n) => Ok(*n),
        Operand::Duration { seconds, .. } => Ok(*seconds as f64),
        Operand::Variable(text) => {
            let rendered = vars.render(text).text;
            match rendered.trim().parse::<f64>() {
                Ok(n) if n.is_finite() => Ok(n),
                Ok(_) => Err(ThresholdProblem::NotFinite(rendered)),
                Err(_) => Err(ThresholdProblem::NotANumber(rendered)),
            }
        }
    }
}

fn resolve_zone(z: &Zone, vars: &Vars) -> Result<NumZone, ThresholdProblem> {
    let r = |o: &Option<Operand>| o.as_ref().map(|o| resolve(o, vars)).transpose();
    Ok(NumZone {
        gte: r(&z.gte)?,
        gt: r(&z.gt)?,
        lt: r(&z.lt)?,
        lte: r(&z.lte)?,
        split: z.split,
    })
}

pub(crate) fn location(check: &Check) -> Option<Location> {
    Some(Location {
        file: check.file.clone(),
        line: check.line,
        col: check.col,
    })
}

/// Evaluates one check; group-by checks also return one result per group and nested check.
pub fn evaluate(
    check: &Check,
    plan: &Plan,
    out: &Measurements,
    history: &history::HistoryMap,
    vars: &Vars,
    data_time: chrono::DateTime<chrono::Utc>,
    messages: &mut Vec<Message>,
) -> Vec<CheckResult> {
    let ids = plan.metrics_of(check.seq);
    let mut result = unevaluated(check, plan, ids);
    if matches!(check.kind, CheckKind::Unsupported(_)) || check.invalid || ids.is_empty() {
        return vec![result];
    }
    if let CheckKind::RowCountComparison { .. } = check.kind {
        result.metrics = ids
            .iter()
            .map(|i| plan.metrics[*i].identity.clone())
            .collect();
    }
    if !all_computed(check, plan, ids, out, messages) {
        result.console.push(("check_value".into(), "None".into()));
        return vec![result];
    }
    let input = Input {
        check,
        plan,
        ids,
        out,
        history: history.get(&check.seq),
        vars,
        data_time,
    };
    match &check.kind {
        CheckKind::GroupBy(g) => {
            return group_by::evaluate(check, g, &input.rows(), plan, vars, result, messages);
        }
        CheckKind::Freshness(f) => {
            freshness::evaluate(check, f, input.value(0), vars, &mut result, messages);
        }
        CheckKind::Schema { warn, fail } => {
            schema_outcome(&input, warn, fail, &mut result, messages)
        }
        CheckKind::GroupEvolution(g) => group_evolution_outcome(&input, g, &mut result, messages),
        CheckKind::Anomaly(_) => anomaly_outcome(&input, &mut result, messages),
        CheckKind::RowCountComparison { .. } => row_count_comparison(&input, &mut result),
        _ => {
            metric_outcome(&input, &mut result, messages);
            shortcut_blocks(&input, &mut result);
        }
    }
    vec![result]
}

/// The result every check starts from, and ends with when it cannot be evaluated.
fn unevaluated(check: &Check, plan: &Plan, ids: &[usize]) -> CheckResult {
    CheckResult {
        seq: check.seq,
        blocks: Some(Vec::new()),
        // Soda Core lists only the check's own metric, not a percentage's inputs.
        metrics: ids
            .first()
            .map(|i| plan.metrics[*i].identity.clone())
            .into_iter()
            .collect(),
        ..CheckResult::default()
    }
}

/// Schema checks; comparing with the previous schema needs history, and its absence is
/// reported differently when there is no history source at all.
fn schema_outcome(
    input: &Input,
    warn: &SchemaRules,
    fail: &SchemaRules,
    result: &mut CheckResult,
    messages: &mut Vec<Message>,
) {
    let check = input.check;
    schema::evaluate(warn, fail, &input.rows(), input.history, result);
    let compares = !warn.changes.is_empty() || !fail.changes.is_empty();
    if compares && history::has_no_source(input.history) {
        history::no_history_source(result, messages, check, "schema changes");
    } else if compares
        && !input
            .history
            .is_some_and(history::History::has_measurements)
    {
        no_historic_schema(input, result, messages);
    }
}

/// Schema and group changes found no earlier schema or groups to compare with.
fn no_historic_schema(input: &Input, result: &mut CheckResult, messages: &mut Vec<Message>) {
    let elsewhere = input.history.and_then(history::History::elsewhere).cloned();
    let problem = Problem::NoHistoricSchema { elsewhere };
    history::not_enough_history(result, messages, input.check, problem);
}

/// Group evolution checks; like schema checks, their changes need history.
fn group_evolution_outcome(
    input: &Input,
    g: &GroupEvolutionCheck,
    result: &mut CheckResult,
    messages: &mut Vec<Message>,
) {
    let check = input.check;
    let rows = input.rows();
    let compares = !g.warn.changes.is_empty() || !g.fail.changes.is_empty();
    let evaluated = groups::evaluate(&g.warn, &g.fail, &rows, input.history, result);
    if compares && history::has_no_source(input.history) {
        history::no_history_source(result, messages, check, "groups change");
    } else if !evaluated {
        no_historic_schema(input, result, messages);
    }
}

/// Anomaly detection checks: the value is shown even when history is too short to score it.
fn anomaly_outcome(input: &Input, result: &mut CheckResult, messages: &mut Vec<Message>) {
    let value = input.value(0);
    result.value = Some(value.clone());
    result
        .console
        .push(("check_value".into(), value.to_string()));
    anomaly::evaluate(
        input.check,
        &value,
        input.history,
        input.data_time,
        result,
        messages,
    );
}

/// A CSV block per metric of the check that a unique key answered without its query, so
/// the results say why a duplicate count is 0 without a query to show for it.
fn shortcut_blocks(input: &Input, result: &mut CheckResult) {
    let Some(blocks) = result.blocks.as_mut() else {
        return;
    };
    let answered = input
        .out
        .shortcuts
        .iter()
        .filter(|s| input.ids.contains(&s.metric));
    for s in answered {
        let text = format!(
            "Table,Columns,Unique key,Key columns,Query not run\n{},{},{},{},{}",
            csv_field(&s.table),
            csv_field(&s.columns.join(" ")),
            csv_field(&s.key),
            csv_field(&s.key_columns.join(" ")),
            csv_field(&s.query)
        );
        blocks.push(
            serde_json::json!({"type": "csv", "text": text, "title": "Answered by a unique key"}),
        );
    }
}

/// A CSV field, quoted when it holds a separator, a quote or a line break.
fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

/// What evaluating one check reads.
struct Input<'a> {
    check: &'a Check,
    plan: &'a Plan,
    /// The check's metrics, the first being its value.
    ids: &'a [usize],
    out: &'a Measurements,
    history: Option<&'a history::History>,
    vars: &'a Vars,
    data_time: chrono::DateTime<chrono::Utc>,
}

impl Input<'_> {
    fn value(&self, i: usize) -> Value {
        self.out.values[self.ids[i]].clone().unwrap_or(Value::Null)
    }

    /// The table the check's own metric measured; empty when it returned none.
    fn rows(&self) -> Rows {
        self.out
            .rows
            .get(self.ids[0])
            .cloned()
            .flatten()
            .unwrap_or_default()
    }
}

/// False (after saying which) when a metric of the check was not computed.
fn all_computed(
    check: &Check,
    plan: &Plan,
    ids: &[usize],
    out: &Measurements,
    messages: &mut Vec<Message>,
) -> bool {
    let missing: Vec<String> = ids
        .iter()
        .filter(|i| out.values.get(**i).is_none_or(Option::is_none))
        .map(|i| {
            let m = &plan.metrics[*i];
            // Soda quotes the names of user-defined metrics.
            if matches!(
                m.kind,
                MetricKind::UserQuery(_) | MetricKind::FailedRowsQuery(_)
            ) {
                format!("\"{}\"", m.name)
            } else {
                m.name.clone()
            }
        })
        .collect();
    if missing.is_empty() {
        return true;
    }
    messages.push(Message {
        level: Level::Error,
        problem: Problem::MetricsNotComputed {
            metrics: missing,
            check: check.source_line.clone(),
        },
        location: location(check),
    });
    false
}

/// `row_count same as T`: the difference of the two row counts, failing unless it is 0.
fn row_count_comparison(input: &Input, result: &mut CheckResult) {
    let count = |i: usize| input.value(i).as_f64().unwrap_or(0.0) as i64;
    let (own, other) = (count(0), count(1));
    let diff = own - other;
    result.value = Some(Value::Int(diff));
    result.blocks = None;
    result.extra.insert("rowCount".into(), own.into());
    result.extra.insert("otherRowCount".into(), other.into());
    result.console = vec![
        ("value".into(), diff.to_string()),
        ("rowCount".into(), own.to_string()),
        ("otherRowCount".into(), other.to_string()),
    ];
    result.outcome = Some(Outcome::decide(diff != 0, false));
}

/// Where the failed-row samples of a warned or failed check come from.
fn sample_source(input: &Input) -> Option<SampleSource> {
    let (plan, ids) = (input.plan, input.ids);
    match (&input.check.kind, &plan.metrics[ids[0]].kind) {
        (CheckKind::Reference(_), _) => Some(SampleSource::Reference(ids[0])),
        (
            CheckKind::FailedRows {
                condition: Some(_), ..
            },
            _,
        ) => Some(SampleSource::Condition(ids[0])),
        (CheckKind::FailedRows { .. }, _) => Some(SampleSource::QueryRows(ids[0])),
        (_, MetricKind::MissingCount | MetricKind::InvalidCount) => {
            Some(SampleSource::Count(ids[0]))
        }
        (_, MetricKind::DuplicateCount(_)) => Some(SampleSource::Duplicate(ids[0])),
        (_, MetricKind::Percent(_)) if ids.len() == 3 => match plan.metrics[ids[2]].kind {
            MetricKind::DuplicateCount(_) => Some(SampleSource::Duplicate(ids[2])),
            _ => Some(SampleSource::Count(ids[2])),
        },
        _ => None,
    }
}

/// Checks whose value is one metric: metric checks, change over time, reference and failed
/// rows checks.
fn metric_outcome(input: &Input, result: &mut CheckResult, messages: &mut Vec<Message>) {
    let check = input.check;
    let primary = &input.plan.metrics[input.ids[0]];
    result.sample = sample_source(input);
    let value = input.value(0);
    result.value = Some(value.clone());
    result
        .console
        .push(("check_value".into(), value.to_string()));
    if matches!(primary.kind, MetricKind::Percent(_)) && input.ids.len() == 3 {
        for (i, dep) in input.ids.iter().enumerate().skip(1) {
            let name = input.plan.metrics[*dep].name.clone();
            result.console.push((name, input.value(i).to_string()));
        }
    }
    match &check.kind {
        CheckKind::Change(c) if !value.is_null() => {
            history::evaluate_change(check, c, value, input.history, input.vars, result, messages)
        }
        CheckKind::Change(_) => {}
        CheckKind::Reference(_) => {
            result.outcome = Some(Outcome::decide(value.as_f64().unwrap_or(0.0) != 0.0, false));
        }
        CheckKind::FailedRows { .. } if check.fail.is_none() && check.warn.is_none() => {
            result.outcome = Some(Outcome::decide(value.as_f64().unwrap_or(0.0) > 0.0, false));
        }
        _ if check.no_threshold || value.is_null() => {}
        _ => apply_thresholds(
            check,
            check.fail.as_ref(),
            check.warn.as_ref(),
            &value,
            primary.validity.valid_format.is_some(),
            input.vars,
            result,
            messages,
        ),
    }
}

/// Compares a numeric value with the check's zones (fail first, then warn).
#[allow(clippy::too_many_arguments)]
pub(crate) fn apply_thresholds(
    check: &Check,
    fail: Option<&Zone>,
    warn: Option<&Zone>,
    value: &Value,
    has_format: bool,
    vars: &Vars,
    result: &mut CheckResult,
    messages: &mut Vec<Message>,
) {
    let Some(v) = value.as_f64() else {
        messages.push(Message {
            level: Level::Error,
            problem: Problem::NotNumeric {
                value: value.clone(),
                has_format,
            },
            location: location(check),
        });
        return;
    };
    let zones = (
        fail.map(|z| resolve_zone(z, vars)).transpose(),
        warn.map(|z| resolve_zone(z, vars)).transpose(),
    );
    let (fail, warn) = match zones {
        (Ok(f), Ok(w)) => (f, w),
        (Err(e), _) | (_, Err(e)) => {
            messages.push(Message {
                level: Level::Error,
                problem: Problem::Threshold {
                    check: check.source_line.clone(),
                    why: e,
                },
                location: location(check),
            });
            return;
        }
    };
    result.outcome = Some(Outcome::decide(
        fail.as_ref().is_some_and(|z| z.contains(v)),
        warn.as_ref().is_some_and(|z| z.contains(v)),
    ));
    result.fail = fail;
    result.warn = warn;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn z(
        gte: Option<f64>,
        gt: Option<f64>,
        lt: Option<f64>,
        lte: Option<f64>,
        split: bool,
    ) -> NumZone {
        NumZone {
            gte,
            gt,
            lt,
            lte,
            split,
        }
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

    /// A threshold variable that is not a number is a kind the caller can tell apart, not
    /// text to be searched.
    #[test]
    fn a_threshold_that_is_not_a_number_is_a_kind() {
        let mut vars = Vars::default();
        vars.cli.insert("LIMIT".into(), "ten".into());
        vars.cli.insert("HUGE".into(), "inf".into());
        let zone = |name: &str| Zone {
            lt: Some(Operand::Variable(format!("${{{name}}}"))),
            ..Zone::default()
        };
        assert_eq!(
            resolve_zone(&zone("LIMIT"), &vars).err(),
            Some(ThresholdProblem::NotANumber("ten".into()))
        );
        assert_eq!(
            resolve_zone(&zone("HUGE"), &vars).err(),
            Some(ThresholdProblem::NotFinite("inf".into()))
        );
    }
}
