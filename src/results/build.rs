//! The scan results document: what `-srf FILE` writes and what Soda Cloud receives
//! (cli-and-cloud.md §5), with Soda Core's field names, order and JSON formatting.

use super::document::{
    Attribute, CheckResult, Identities, Location, LogRecord, MetricOrigin, MetricResult,
    QueryRecord, ScanResults, SchemaColumn, Zone,
};
use super::scan::ScanReport;
use super::time::soda as timestamp;
use crate::diagnostic::{Level, Logs};
use crate::eval::{CheckResult as CheckOutcome, NumZone, Outcome};
use crate::measure::unquoted_table;
use crate::plan::MetricKind;
use crate::python;
use crate::sodacl::model::{Check, CheckKind};
use serde_json::{json, Map, Value};

fn zone(z: &NumZone) -> Zone {
    Zone {
        greater_than_or_equal: z.gte,
        greater_than: z.gt,
        less_than: z.lt,
        less_than_or_equal: z.lte,
    }
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

/// Brings a document's log, and the `hasErrors` that follows from it, up to date: a scan's
/// outputs are written one after the other, and each carries the log as it stands then (the
/// Cloud upload ends with its own `Sending results` line, as in Soda Core).
pub fn update_logs(doc: &mut ScanResults, logs: &Logs) {
    doc.has_errors = logs.has_errors();
    doc.logs = log_records(logs);
}

/// Builds the document (keys in Soda Core's order) with every check of the scan: the ones
/// Soda Core leaves out are marked `beyond_soda` and carry the reason they have no outcome.
/// [`ScanResults::as_soda_lists_it`] gives the document as Soda Core writes and sends it.
pub fn document(report: &ScanReport, logs: &Logs) -> ScanResults {
    let outcome_present = |o: Outcome| report.checks.iter().any(|(_, r)| r.outcome == Some(o));
    ScanResults {
        definition_name: report.definition_name.to_string(),
        default_data_source: report.data_source.to_string(),
        data_timestamp: report.data_timestamp.soda(),
        scan_start_timestamp: timestamp(report.scan_start),
        scan_end_timestamp: timestamp(report.scan_end),
        has_errors: logs.has_errors(),
        has_warnings: outcome_present(Outcome::Warn),
        has_failures: outcome_present(Outcome::Fail),
        metrics: metric_results(report),
        checks: report
            .checks
            .iter()
            .filter(|(_, r)| !r.local_only)
            .map(|(c, r)| check_result(report, c, r))
            .collect(),
        queries: query_records(report),
        automated_monitoring_checks: Vec::new(),
        profiling: report.profiling.clone(),
        metadata: report.metadata.clone(),
        logs: log_records(logs),
        source_owner: "soda-core".into(),
    }
}

fn metric_results(report: &ScanReport) -> Vec<MetricResult> {
    let mut metrics: Vec<MetricResult> = report
        .plan
        .metrics
        .iter()
        .map(|m| {
            let rows = report.rows.get(m.id).and_then(|r| r.as_ref());
            let origin = || MetricOrigin {
                data_source_name: report.data_source.to_string(),
                table_name: unquoted_table(&m.dataset.table),
                partition_name: m.dataset.partition.clone(),
                column_name: m.column.clone(),
            };
            let (origin, value) = match m.kind {
                MetricKind::GroupEvolution(_) => (
                    Some(origin()),
                    rows.map_or(Value::Null, crate::eval::groups::metric_value),
                ),
                MetricKind::Schema => (Some(origin()), rows.map_or(Value::Null, schema_value)),
                _ => (
                    None,
                    report
                        .values
                        .get(m.id)
                        .and_then(|v| v.as_ref())
                        .map_or(Value::Null, |v| v.to_json()),
                ),
            };
            MetricResult {
                identity: m.identity.clone(),
                metric_name: m.name.clone(),
                origin,
                value,
            }
        })
        .collect();
    for (_, r) in &report.checks {
        if let Some((identity, name, value)) = &r.own_metric {
            metrics.push(MetricResult {
                identity: identity.clone(),
                metric_name: name.clone(),
                origin: None,
                value: value.to_json(),
            });
        }
    }
    metrics
}

/// A schema metric's value: the columns and their types, in table order.
fn schema_value(rows: &crate::measure::Rows) -> Value {
    let columns: Vec<SchemaColumn> = rows
        .rows
        .iter()
        .map(|r| SchemaColumn {
            column_name: text(r.first()),
            source_data_type: text(r.get(1)),
        })
        .collect();
    serde_json::to_value(columns).unwrap_or(Value::Null)
}

/// The diagnostics of a check: blocks, value and zones first, then what the check type adds.
fn diagnostics(r: &CheckOutcome) -> Map<String, Value> {
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
    let zone_json = |z: &NumZone| serde_json::to_value(zone(z)).unwrap_or(Value::Null);
    if let Some(f) = &r.fail {
        diagnostics.insert("fail".into(), zone_json(f));
    }
    if let Some(w) = &r.warn {
        diagnostics.insert("warn".into(), zone_json(w));
    }
    for (k, v) in &r.extra {
        diagnostics.insert(k.clone(), v.clone());
    }
    diagnostics
}

fn check_result(report: &ScanReport, c: &Check, r: &CheckOutcome) -> CheckResult {
    CheckResult {
        group: r.group.clone(),
        identity: c.identity_v3.clone(),
        identities: Identities {
            v1: c.identity_v1.clone(),
            v2: c.identity_v2.clone(),
            v3: c.identity_v3.clone(),
            v4: c.identity_v4.clone(),
        },
        migrated_identities: None,
        name: c.name.clone(),
        kind: match c.kind {
            CheckKind::Anomaly(_) => "anomalyDetection",
            _ => "generic",
        }
        .into(),
        definition: c.definition.clone(),
        resource_attributes: c
            .attributes
            .iter()
            .map(|(k, v)| Attribute {
                name: k.clone(),
                value: v.clone(),
            })
            .collect(),
        location: Location {
            file_path: c.file.clone(),
            line: c.line,
            col: c.col,
        },
        data_source: report.data_source.to_string(),
        table: (!c.dataset.table.is_empty()).then(|| unquoted_table(&c.dataset.table)),
        column: c.column.clone(),
        metrics: r.metrics.clone(),
        outcome: r.outcome.map(|o| o.as_str().to_string()),
        diagnostics: diagnostics(r),
        source: "soda-core".into(),
        outcome_reasons: match &r.not_evaluated {
            Some(reason) => vec![reason.clone()],
            None => r.outcome_reasons.clone(),
        },
        beyond_soda: r.not_evaluated.is_some(),
    }
}

fn query_records(report: &ScanReport) -> Vec<QueryRecord> {
    let mut queries = Vec::new();
    for q in report.executed {
        let record = |name: &str, sql: &str| QueryRecord {
            name: name.to_string(),
            data_source: q
                .data_source
                .as_deref()
                .unwrap_or(report.data_source)
                .to_string(),
            table: q
                .dataset
                .as_ref()
                .filter(|d| !d.table.is_empty())
                .map(|d| unquoted_table(&d.table)),
            partition: q.dataset.as_ref().and_then(|d| d.partition.clone()),
            column: q.column.clone(),
            sql: sql.to_string(),
            exception: None,
            duration: None,
        };
        queries.push(QueryRecord {
            exception: q.error.as_ref().map(ToString::to_string),
            duration: Some(python::timedelta(q.duration)),
            ..record(&q.name, &q.sql)
        });
        for (name, sql) in &q.extra_sql {
            queries.push(record(name, sql));
        }
    }
    queries
}

fn log_records(logs: &Logs) -> Vec<LogRecord> {
    logs.records()
        .iter()
        .map(|r| {
            let location = match (&r.location, r.level) {
                (Some(loc), Level::Error | Level::Warning) => Some(Location {
                    file_path: loc.file.clone(),
                    line: loc.line,
                    col: loc.col,
                }),
                _ => None,
            };
            LogRecord {
                level: r.level.as_str().to_string(),
                message: r.message.clone(),
                timestamp: timestamp(r.timestamp),
                index: r.index,
                error_location: location.clone(),
                location,
            }
        })
        .collect()
}
