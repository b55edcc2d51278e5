//! The scan results document as typed wire structs: what `-srf FILE` writes, what Soda Cloud's
//! `sodaCoreInsertScanResults` receives, what the outbox keeps (cli-and-cloud.md §5).
//!
//! Field order is Soda Core's key order (serde writes struct fields in declaration order) and
//! optional keys that Soda Core leaves out are skipped rather than written as `null`. The
//! structs deserialize too, so whoever receives a document (the results store, `soda server`)
//! reads the same definition. Check diagnostics differ by check type and stay an ordered JSON
//! object: they are data for charts, not something this program reads back.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value as Json};

/// The whole document (§5.3).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ScanResults {
    pub definition_name: String,
    pub default_data_source: String,
    pub data_timestamp: String,
    pub scan_start_timestamp: String,
    pub scan_end_timestamp: String,
    pub has_errors: bool,
    pub has_warnings: bool,
    pub has_failures: bool,
    pub metrics: Vec<MetricResult>,
    pub checks: Vec<CheckResult>,
    /// Absent from `soda ingest dbt` documents (cli-and-cloud.md §6.9).
    #[serde(default)]
    pub queries: Vec<QueryRecord>,
    #[serde(default)]
    pub automated_monitoring_checks: Vec<Json>,
    #[serde(default)]
    pub profiling: Vec<Json>,
    #[serde(default)]
    pub metadata: Vec<Json>,
    #[serde(default)]
    pub logs: Vec<LogRecord>,
    #[serde(default)]
    pub source_owner: String,
}

/// One measured metric. Schema and group evolution metrics also name where they were measured.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MetricResult {
    pub identity: String,
    pub metric_name: String,
    #[serde(flatten, default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<MetricOrigin>,
    pub value: Json,
}

/// Where a table-valued metric was measured.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MetricOrigin {
    pub data_source_name: String,
    pub table_name: String,
    pub partition_name: Option<String>,
    pub column_name: Option<String>,
}

/// One column of a schema metric's value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SchemaColumn {
    pub column_name: String,
    pub source_data_type: String,
}

/// One check result (§5.4).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CheckResult {
    /// A group-by child's group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<Json>,
    pub identity: String,
    pub identities: Identities,
    pub migrated_identities: Option<Json>,
    pub name: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub definition: String,
    /// Absent from `soda ingest dbt` checks.
    #[serde(default)]
    pub resource_attributes: Vec<Attribute>,
    pub location: Location,
    pub data_source: String,
    pub table: Option<String>,
    pub column: Option<String>,
    pub metrics: Vec<String>,
    pub outcome: Option<String>,
    pub diagnostics: Map<String, Json>,
    pub source: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub outcome_reasons: Vec<Json>,
    /// A check Soda Core leaves out of its results (no outcome, no reason of Soda's own):
    /// listed for the results store and `soda server` only, never written to `-srf` or sent
    /// to Soda Cloud (see [`ScanResults::as_soda_lists_it`]).
    #[serde(skip)]
    pub beyond_soda: bool,
}

/// A check's identities: v3 is the one Soda Cloud keys history on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Identities {
    pub v1: String,
    pub v2: String,
    pub v3: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub v4: Option<String>,
}

/// A check attribute (`attributes:` in the checks file).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Attribute {
    pub name: String,
    pub value: Json,
}

/// A place in a checks file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Location {
    pub file_path: String,
    pub line: usize,
    pub col: usize,
}

/// A threshold zone of a check's diagnostics (`fail`, `warn`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Zone {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub greater_than_or_equal: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub greater_than: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub less_than: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub less_than_or_equal: Option<f64>,
}

/// One executed query (or a related query reported after it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QueryRecord {
    pub name: String,
    pub data_source: String,
    pub table: Option<String>,
    pub partition: Option<String>,
    pub column: Option<String>,
    pub sql: String,
    pub exception: Option<String>,
    /// Python's `str(timedelta)`.
    pub duration: Option<String>,
}

/// One line of the scan log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LogRecord {
    pub level: String,
    pub message: String,
    pub timestamp: String,
    pub index: usize,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_location: Option<Location>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
}

impl ScanResults {
    /// The document as Soda Core lists its checks: without the ones only the results store
    /// and `soda server` keep (`-srf` and Soda Cloud get this).
    pub fn as_soda_lists_it(&self) -> ScanResults {
        let mut doc = self.clone();
        doc.checks.retain(|c| !c.beyond_soda);
        doc
    }

    /// Whether it lists checks Soda Core would leave out.
    pub fn has_checks_beyond_soda(&self) -> bool {
        self.checks.iter().any(|c| c.beyond_soda)
    }

    /// The document as Python's `json.dumps` would write it (byte for byte Soda Core's).
    pub fn to_text(&self) -> String {
        crate::python::json::to_python_json(&self.to_json())
    }

    /// Writes what [`ScanResults::to_text`] returns, one metric, check and log record at a
    /// time: the document of a scan of many checks never exists whole as one JSON value or
    /// one string (a 250,000-check document would need gigabytes).
    pub fn write_text(mut self, out: &mut impl std::io::Write) -> std::io::Result<()> {
        use crate::python::json::to_python_json;
        fn items<T: Serialize>(items: &[T], out: &mut impl std::io::Write) -> std::io::Result<()> {
            out.write_all(b"[")?;
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.write_all(b", ")?;
                }
                let value = serde_json::to_value(item).unwrap_or(Json::Null);
                out.write_all(to_python_json(&value).as_bytes())?;
            }
            out.write_all(b"]")
        }
        let metrics = std::mem::take(&mut self.metrics);
        let checks = std::mem::take(&mut self.checks);
        let logs = std::mem::take(&mut self.logs);
        let skeleton = self.to_json();
        out.write_all(b"{")?;
        for (i, (key, value)) in skeleton.as_object().into_iter().flatten().enumerate() {
            if i > 0 {
                out.write_all(b", ")?;
            }
            out.write_all(to_python_json(&Json::String(key.clone())).as_bytes())?;
            out.write_all(b": ")?;
            match key.as_str() {
                "metrics" => items(&metrics, out)?,
                "checks" => items(&checks, out)?,
                "logs" => items(&logs, out)?,
                _ => out.write_all(to_python_json(value).as_bytes())?,
            }
        }
        out.write_all(b"}")
    }

    /// The document as an ordered JSON value.
    pub fn to_json(&self) -> Json {
        // Serializing plain structs of strings, numbers and JSON values cannot fail.
        serde_json::to_value(self).unwrap_or(Json::Null)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The outbox and the results store read documents back: reading one and writing it again
    /// gives the same text, optional keys staying absent or null as they were.
    #[test]
    fn documents_read_back_unchanged() {
        let text = r#"{"definitionName": "d", "defaultDataSource": "ds", "dataTimestamp": "2024-05-01T10:00:00+00:00", "scanStartTimestamp": "2024-05-01T10:00:00+00:00", "scanEndTimestamp": "2024-05-01T10:00:01+00:00", "hasErrors": false, "hasWarnings": true, "hasFailures": false, "metrics": [{"identity": "metric-d-ds-t-row_count", "metricName": "row_count", "value": 5}, {"identity": "metric-d-ds-t-schema", "metricName": "schema", "dataSourceName": "ds", "tableName": "t", "partitionName": null, "columnName": null, "value": [{"columnName": "id", "sourceDataType": "integer"}]}], "checks": [{"identity": "abc", "identities": {"v1": "a", "v2": "b", "v3": "abc"}, "migratedIdentities": null, "name": "row_count > 10", "type": "generic", "definition": "checks for t:\n  - row_count > 10", "resourceAttributes": [], "location": {"filePath": "c.yml", "line": 2, "col": 5}, "dataSource": "ds", "table": "t", "column": null, "metrics": ["metric-d-ds-t-row_count"], "outcome": "warn", "diagnostics": {"blocks": [], "value": 5, "warn": {"lessThanOrEqual": 10.0}}, "source": "soda-core"}], "queries": [{"name": "q", "dataSource": "ds", "table": "t", "partition": null, "column": null, "sql": "SELECT 1", "exception": null, "duration": "0:00:00.001000"}], "automatedMonitoringChecks": [], "profiling": [], "metadata": [], "logs": [{"level": "info", "message": "m", "timestamp": "2024-05-01T10:00:00+00:00", "index": 0}], "sourceOwner": "soda-core"}"#;
        let doc: ScanResults = serde_json::from_str(text).expect("a results document");
        assert_eq!(doc.to_text(), text);
        let mut streamed = Vec::new();
        doc.clone()
            .write_text(&mut streamed)
            .expect("writes to memory");
        assert_eq!(String::from_utf8_lossy(&streamed), text);
        assert!(doc.metrics[0].origin.is_none());
        assert_eq!(
            doc.metrics[1]
                .origin
                .as_ref()
                .map(|o| o.table_name.as_str()),
            Some("t")
        );
    }
}
