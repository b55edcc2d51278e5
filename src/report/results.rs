//! The scan results document: what `-srf FILE` writes and what Soda Cloud receives
//! (cli-and-cloud.md §5), with Soda Core's field names, order and JSON formatting.

use super::{unquoted_table, ScanReport};
use crate::diagnostic::{Level, Logs};
use crate::eval::{NumZone, Outcome};
use crate::plan::MetricKind;
use crate::python;
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

fn text(v: Option<&crate::measure::Value>) -> String {
    v.map(ToString::to_string).unwrap_or_default()
}

/// The diagnostics block describing a check's failed-row sample.
fn sample_block(sample: &crate::eval::Sample) -> Value {
    let columns: Vec<Value> = sample
        .rows
        .columns
        .iter()
        .map(|c| json!({"name": c.name, "type": c.type_name}))
        .collect();
    let stored = sample.rows.rows.len();
    let mut file = Map::new();
    file.insert("columns".into(), Value::Array(columns));
    file.insert("totalRowCount".into(), json!(sample.total));
    file.insert("storedRowCount".into(), json!(stored));
    if let Some(id) = &sample.file_id {
        file.insert(
            "reference".into(),
            json!({"type": "sodaCloudStorage", "fileId": id}),
        );
    } else if stored > 0 {
        file.insert(
            "reference".into(),
            json!({"type": "noFile", "message": "Samples are not sent to Soda Cloud", "link": {"href": null, "text": null}, "fileId": ""}),
        );
    }
    if sample.plain_file {
        return json!({"type": "file", "title": "Failed Rows", "file": Value::Object(file)});
    }
    json!({
        "type": "failedRowsAnalysis", "title": "Failed Rows Analysis", "file": Value::Object(file),
        "failingRowsQueryName": format!("{}.failing_sql", sample.query_name),
        "passingRowsQueryName": format!("{}.passing_sql", sample.query_name),
        "totalFailingRows": sample.total, "sampleRowCount": stored,
    })
}

/// Builds the document as JSON values (keys in Soda Core's order).
pub fn document(report: &ScanReport, logs: &Logs) -> Value {
    let mut metrics: Vec<Value> = report
        .plan
        .metrics
        .iter()
        .map(|m| {
            let value = report
                .values
                .get(m.id)
                .and_then(|v| v.as_ref())
                .map_or(Value::Null, |v| v.to_json());
            if let MetricKind::GroupEvolution(_) = m.kind {
                let groups = report.rows.get(m.id).and_then(|r| r.as_ref()).map(crate::eval::groups::metric_value);
                return json!({
                    "identity": m.identity, "metricName": m.name,
                    "dataSourceName": report.data_source, "tableName": unquoted_table(&m.dataset.table),
                    "partitionName": m.dataset.partition, "columnName": m.column, "value": groups,
                });
            }
            if m.kind == MetricKind::Schema {
                let columns = report.rows.get(m.id).and_then(|r| r.as_ref()).map(|rows| {
                    rows.rows
                        .iter()
                        .map(|r| json!({"columnName": text(r.first()), "sourceDataType": text(r.get(1))}))
                        .collect::<Vec<_>>()
                });
                return json!({
                    "identity": m.identity, "metricName": m.name,
                    "dataSourceName": report.data_source, "tableName": unquoted_table(&m.dataset.table),
                    "partitionName": m.dataset.partition, "columnName": m.column, "value": columns,
                });
            }
            json!({"identity": m.identity, "metricName": m.name, "value": value})
        })
        .collect();
    for (_, r) in &report.checks {
        if let Some((identity, name, value)) = &r.own_metric {
            metrics
                .push(json!({"identity": identity, "metricName": name, "value": value.to_json()}));
        }
    }
    let checks: Vec<Value> = report
        .checks
        .iter()
        .filter(|(_, r)| (r.outcome.is_some() || !r.outcome_reasons.is_empty()) && !r.local_only)
        .map(|(c, r)| {
            let mut ids = Map::new();
            ids.insert("v1".into(), json!(c.identity_v1));
            ids.insert("v2".into(), json!(c.identity_v2));
            ids.insert("v3".into(), json!(c.identity_v3));
            if let Some(v4) = &c.identity_v4 {
                ids.insert("v4".into(), json!(v4));
            }
            let mut diagnostics = Map::new();
            if let Some(blocks) = &r.blocks {
                let mut blocks = blocks.clone();
                if let Some(sample) = &r.samples {
                    blocks.push(sample_block(sample));
                }
                diagnostics.insert("blocks".into(), Value::Array(blocks));
            }
            if !r.no_value_key {
                diagnostics.insert(
                    "value".into(),
                    r.value.as_ref().map_or(Value::Null, |v| v.to_json()),
                );
            }
            if let Some(f) = &r.fail {
                diagnostics.insert("fail".into(), zone(f));
            }
            if let Some(w) = &r.warn {
                diagnostics.insert("warn".into(), zone(w));
            }
            for (k, v) in &r.extra {
                diagnostics.insert(k.clone(), v.clone());
            }
            let attributes: Vec<Value> = c
                .attributes
                .iter()
                .map(|(k, v)| json!({"name": k, "value": v}))
                .collect();
            let mut o = Map::new();
            if let Some(g) = &r.group {
                o.insert("group".into(), g.clone());
            }
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
            o.insert(
                "table".into(),
                if c.dataset.table.is_empty() {
                    Value::Null
                } else {
                    json!(unquoted_table(&c.dataset.table))
                },
            );
            o.insert("column".into(), json!(c.column));
            o.insert("metrics".into(), json!(r.metrics));
            o.insert("outcome".into(), json!(r.outcome.map(Outcome::as_str)));
            o.insert("diagnostics".into(), Value::Object(diagnostics));
            o.insert("source".into(), json!("soda-core"));
            if !r.outcome_reasons.is_empty() {
                o.insert(
                    "outcomeReasons".into(),
                    Value::Array(r.outcome_reasons.clone()),
                );
            }
            Value::Object(o)
        })
        .collect();
    let mut queries: Vec<Value> = Vec::new();
    for q in report.executed {
        let table = q
            .dataset
            .as_ref()
            .filter(|d| !d.table.is_empty())
            .map(|d| unquoted_table(&d.table));
        let partition = q.dataset.as_ref().and_then(|d| d.partition.clone());
        let data_source = q.data_source.as_deref().unwrap_or(report.data_source);
        queries.push(json!({
            "name": q.name, "dataSource": data_source, "table": table, "partition": partition,
            "column": q.column, "sql": q.sql, "exception": q.error,
            "duration": python::timedelta(q.duration),
        }));
        for (name, sql) in &q.extra_sql {
            queries.push(json!({
                "name": name, "dataSource": data_source, "table": table, "partition": partition,
                "column": q.column, "sql": sql, "exception": null, "duration": null,
            }));
        }
    }
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
    doc.insert(
        "dataTimestamp".into(),
        json!(timestamp(report.data_timestamp)),
    );
    doc.insert(
        "scanStartTimestamp".into(),
        json!(timestamp(report.scan_start)),
    );
    doc.insert("scanEndTimestamp".into(), json!(timestamp(report.scan_end)));
    doc.insert("hasErrors".into(), json!(logs.has_errors()));
    doc.insert("hasWarnings".into(), json!(outcome_present(Outcome::Warn)));
    doc.insert("hasFailures".into(), json!(outcome_present(Outcome::Fail)));
    doc.insert("metrics".into(), Value::Array(metrics));
    doc.insert("checks".into(), Value::Array(checks));
    doc.insert("queries".into(), Value::Array(queries));
    doc.insert("automatedMonitoringChecks".into(), json!([]));
    doc.insert("profiling".into(), Value::Array(report.profiling.clone()));
    doc.insert("metadata".into(), Value::Array(report.metadata.clone()));
    doc.insert("logs".into(), Value::Array(log_entries));
    doc.insert("sourceOwner".into(), json!("soda-core"));
    Value::Object(doc)
}

/// The document as Python's `json.dumps` would write it.
pub fn to_text(doc: &Value) -> String {
    python::json::to_python_json(doc)
}
