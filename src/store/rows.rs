//! The rows of `soda_scans`, `soda_check_results` and `soda_metrics`, made from a
//! [`StoreRecord`].

use crate::results::document::CheckResult;
use crate::results::record::StoreRecord;
use crate::results::stored::CheckInfo;
use serde_json::Value as Json;

/// A row of `soda_scans`.
#[derive(Debug, Clone, PartialEq)]
pub struct ScanRow {
    pub definition: String,
    pub data_source: String,
    pub data_timestamp: String,
    pub scan_start: String,
    pub scan_end: String,
    pub has_errors: bool,
    pub has_warnings: bool,
    pub has_failures: bool,
    /// The scan log as JSON (level, message, timestamp per line).
    pub logs: String,
}

/// A row of `soda_check_results`.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckRow {
    pub check: CheckInfo,
    pub outcome: Option<String>,
    pub value: Option<f64>,
    pub value_text: String,
    /// Soda's diagnostics object as JSON (value, zones, blocks, ...).
    pub diagnostics: String,
    /// [`crate::results::record::CheckSamples`] as JSON, for checks that kept failed rows.
    pub samples: Option<String>,
    /// Soda's v1 check identity (anomaly checks' results are looked up by it).
    pub identity_v1: Option<String>,
    /// The identities of the metrics the check read, as a JSON list.
    pub metrics: String,
    /// Soda's `outcomeReasons`, `group` and `resourceAttributes` as JSON, when present.
    pub outcome_reasons: Option<String>,
    pub group_info: Option<String>,
    pub attributes: Option<String>,
}

/// A row of `soda_metrics`.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricRow {
    pub identity: String,
    pub name: String,
    /// The value as JSON (a number, or the columns of a schema, or groups).
    pub value: String,
}

impl StoreRecord {
    pub fn scan_row(&self) -> ScanRow {
        let r = &self.results;
        let logs: Vec<Json> = r
            .logs
            .iter()
            .map(|l| serde_json::json!({"level": l.level, "message": l.message, "timestamp": l.timestamp}))
            .collect();
        ScanRow {
            definition: r.definition_name.clone(),
            data_source: r.default_data_source.clone(),
            data_timestamp: r.data_timestamp.clone(),
            scan_start: r.scan_start_timestamp.clone(),
            scan_end: r.scan_end_timestamp.clone(),
            has_errors: r.has_errors,
            has_warnings: r.has_warnings,
            has_failures: r.has_failures,
            logs: Json::Array(logs).to_string(),
        }
    }

    pub fn check_rows(&self) -> Vec<CheckRow> {
        self.results
            .checks
            .iter()
            .map(|c| self.check_row(c))
            .collect()
    }

    fn check_row(&self, c: &CheckResult) -> CheckRow {
        let value = c.diagnostics.get("value");
        let samples = self
            .samples
            .iter()
            .find(|s| s.identity == c.identity)
            .and_then(|s| serde_json::to_string(s).ok());
        CheckRow {
            check: CheckInfo {
                identity: c.identity.clone(),
                name: c.name.clone(),
                definition: c.definition.clone(),
                data_source: c.data_source.clone(),
                dataset: c.table.clone(),
                column: c.column.clone(),
                file: c.location.file_path.clone(),
                line: c.location.line,
            },
            outcome: c.outcome.clone(),
            value: value.and_then(Json::as_f64),
            value_text: match value {
                None | Some(Json::Null) => String::new(),
                Some(Json::String(s)) => s.clone(),
                Some(v) => v.to_string(),
            },
            diagnostics: Json::Object(c.diagnostics.clone()).to_string(),
            samples,
            identity_v1: Some(c.identities.v1.clone()),
            metrics: serde_json::to_string(&c.metrics).unwrap_or_else(|_| "[]".into()),
            outcome_reasons: (!c.outcome_reasons.is_empty())
                .then(|| Json::Array(c.outcome_reasons.clone()).to_string()),
            group_info: c.group.as_ref().map(Json::to_string),
            attributes: (!c.resource_attributes.is_empty())
                .then(|| serde_json::to_string(&c.resource_attributes).ok())
                .flatten(),
        }
    }

    /// The datasets the scan covers, as (data source, dataset): those its checks and its
    /// queries name. A scan that failed before naming any covers none here (the store then
    /// looks at the earlier scans of its scan definition).
    pub fn dataset_rows(&self) -> Vec<(String, String)> {
        let r = &self.results;
        let from_checks = r
            .checks
            .iter()
            .filter_map(|c| Some((c.data_source.clone(), c.table.clone()?)));
        let from_queries = r
            .queries
            .iter()
            .filter_map(|q| Some((q.data_source.clone(), q.table.clone()?)));
        let all: std::collections::BTreeSet<(String, String)> = from_checks
            .chain(from_queries)
            .filter(|(_, table)| !table.is_empty())
            .collect();
        all.into_iter().collect()
    }

    pub fn metric_rows(&self) -> Vec<MetricRow> {
        self.results
            .metrics
            .iter()
            .map(|m| MetricRow {
                identity: m.identity.clone(),
                name: m.metric_name.clone(),
                value: m.value.to_string(),
            })
            .collect()
    }
}
