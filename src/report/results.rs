//! The scan results document: what `-srf FILE` writes and what Soda Cloud receives
//! (cli-and-cloud.md §5), with Soda Core's field names, order and JSON formatting.

use super::{pyjson, unquoted_table, ScanReport};
use crate::diagnostic::{Level, Logs};
use crate::eval::{NumZone, Outcome};
use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{json, Map, Value};

/// Soda Core's timestamp format: UTC, whole seconds, `+00:00`.
pub fn timestamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, false)
}

fn zone(z: &NumZone) -> Value {
    let mut m = Map::new();
    let f = |v: f64| serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number);
    if let Some(v) = z.gte {
        m.insert("greaterThanOrEqual".into(), f(v));
    }
    if let Some(v) = z.gt {
        m.insert("greaterThan".into(), f(v));
    }
    if let Some(v) = z.lt {
        m.insert("lessThan".into(), f(v));
    }
    if let Some(v) = z.lte {
        m.insert("lessThanOrEqual".into(), f(v));
    }
    Value::Object(m)
}

/// Builds the document as JSON values (keys in Soda Core's order).
pub fn document(report: &ScanReport, logs: &Logs) -> Value {
    let metrics: Vec<Value> = report
        .plan
        .metrics
        .iter()
        .filter(|m| !matches!(m.kind, crate::plan::MetricKind::Unsupported))
        .map(|m| {
            let value = report
                .values
                .get(m.id)
                .and_then(|v| v.as_ref())
                .map_or(Value::Null, |v| v.to_json());
            json!({"identity": m.identity, "metricName": m.name, "value": value})
        })
        .collect();
    let checks: Vec<Value> = report
        .checks
        .iter()
        .filter(|(_, r)| r.outcome.is_some())
        .map(|(c, r)| {
            let mut ids = Map::new();
            ids.insert("v1".into(), json!(c.identity_v1));
            ids.insert("v2".into(), json!(c.identity_v2));
            ids.insert("v3".into(), json!(c.identity_v3));
            if let Some(v4) = &c.identity_v4 {
                ids.insert("v4".into(), json!(v4));
            }
            let mut diagnostics = Map::new();
            diagnostics.insert("blocks".into(), json!([]));
            diagnostics.insert(
                "value".into(),
                r.value.as_ref().map_or(Value::Null, |v| v.to_json()),
            );
            if let Some(f) = &r.fail {
                diagnostics.insert("fail".into(), zone(f));
            }
            if let Some(w) = &r.warn {
                diagnostics.insert("warn".into(), zone(w));
            }
            let attributes: Vec<Value> = c
                .attributes
                .iter()
                .map(|(k, v)| json!({"name": k, "value": v}))
                .collect();
            let mut o = Map::new();
            o.insert("identity".into(), json!(c.identity_v3));
            o.insert("identities".into(), Value::Object(ids));
            o.insert("migratedIdentities".into(), Value::Null);
            o.insert("name".into(), json!(c.name));
            o.insert("type".into(), json!("generic"));
            o.insert("definition".into(), json!(c.definition));
            o.insert("resourceAttributes".into(), Value::Array(attributes));
            o.insert(
                "location".into(),
                json!({"filePath": c.file, "line": c.line, "col": c.col}),
            );
            o.insert("dataSource".into(), json!(report.data_source));
            o.insert("table".into(), json!(unquoted_table(&c.dataset.table)));
            o.insert("column".into(), json!(c.column));
            o.insert("metrics".into(), json!(r.metrics));
            o.insert("outcome".into(), json!(r.outcome.map(Outcome::as_str)));
            o.insert("diagnostics".into(), Value::Object(diagnostics));
            o.insert("source".into(), json!("soda-core"));
            Value::Object(o)
        })
        .collect();
    let queries: Vec<Value> = report
        .executed
        .iter()
        .map(|q| {
            json!({
                "name": q.name,
                "dataSource": report.data_source,
                "table": q.dataset.as_ref().map(|d| unquoted_table(&d.table)),
                "partition": q.dataset.as_ref().and_then(|d| d.partition.clone()),
                "column": q.column,
                "sql": q.sql,
                "exception": q.error,
                "duration": pyjson::python_timedelta(q.duration),
            })
        })
        .collect();
    let log_entries: Vec<Value> = logs
        .records()
        .iter()
        .map(|r| {
            let mut o = Map::new();
            o.insert("level".into(), json!(r.level.as_str()));
            o.insert("message".into(), json!(r.message));
            o.insert("timestamp".into(), json!(timestamp(r.timestamp)));
            o.insert("index".into(), json!(r.index));
            if let (Some(loc), Level::Error | Level::Warning) = (&r.location, r.level) {
                let l = json!({"filePath": loc.file, "line": loc.line, "col": loc.col});
                o.insert("errorLocation".into(), l.clone());
                o.insert("location".into(), l);
            }
            Value::Object(o)
        })
        .collect();
    let outcome_present = |o: Outcome| report.checks.iter().any(|(_, r)| r.outcome == Some(o));
    let mut doc = Map::new();
    doc.insert("definitionName".into(), json!(report.definition_name));
    doc.insert("defaultDataSource".into(), json!(report.data_source));
    doc.insert("dataTimestamp".into(), json!(timestamp(report.data_timestamp)));
    doc.insert("scanStartTimestamp".into(), json!(timestamp(report.scan_start)));
    doc.insert("scanEndTimestamp".into(), json!(timestamp(report.scan_end)));
    doc.insert("hasErrors".into(), json!(logs.has_errors()));
    doc.insert("hasWarnings".into(), json!(outcome_present(Outcome::Warn)));
    doc.insert("hasFailures".into(), json!(outcome_present(Outcome::Fail)));
    doc.insert("metrics".into(), Value::Array(metrics));
    doc.insert("checks".into(), Value::Array(checks));
    doc.insert("queries".into(), Value::Array(queries));
    doc.insert("automatedMonitoringChecks".into(), json!([]));
    doc.insert("profiling".into(), json!([]));
    doc.insert("metadata".into(), json!([]));
    doc.insert("logs".into(), Value::Array(log_entries));
    doc.insert("sourceOwner".into(), json!("soda-core"));
    Value::Object(doc)
}

/// The document as Python's `json.dumps` would write it.
pub fn to_text(doc: &Value) -> String {
    pyjson::to_python_json(doc)
}
