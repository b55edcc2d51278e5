//! What the store records, as typed rows: one [`StoreRecord`] per scan (the unit written in one
//! transaction, and what waits in the store's outbox when the store is down), turned into the
//! rows of `soda_scans`, `soda_check_results` and `soda_metrics`.

use crate::eval::CheckResult as CheckOutcome;
use crate::report::document::{CheckResult, ScanResults};
use crate::report::CheckRef;
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;

/// One scan as the store records it: the results document and the failed-row samples (which
/// the document only describes).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoreRecord {
    pub results: ScanResults,
    #[serde(default)]
    pub samples: Vec<CheckSamples>,
}

/// The failed rows kept for one check of the scan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckSamples {
    /// The check identity (v3) they belong to.
    pub identity: String,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<String>>,
    pub total: usize,
}

/// The failed rows the checks of a scan kept, by check identity.
pub fn samples_of(checks: &[(CheckRef<'_>, CheckOutcome)]) -> Vec<CheckSamples> {
    checks
        .iter()
        .filter_map(|(c, r)| {
            let sample = r.samples.as_ref()?;
            Some(CheckSamples {
                identity: c.identity_v3.clone(),
                columns: sample.rows.columns.iter().map(|c| c.name.clone()).collect(),
                rows: sample
                    .rows
                    .rows
                    .iter()
                    .map(|row| row.iter().map(ToString::to_string).collect())
                    .collect(),
                total: sample.total,
            })
        })
        .collect()
}

/// The failed-row samples a results document's checks uploaded to Soda Cloud: per check
/// identity, the file id (`diagnostics.blocks[].file.reference.fileId`) and the block's `file`.
pub fn uploaded_samples(results: &ScanResults) -> Vec<(String, String, &Json)> {
    let mut out = Vec::new();
    for check in &results.checks {
        let blocks = check.diagnostics.get("blocks").and_then(Json::as_array);
        for file in blocks.into_iter().flatten().filter_map(|b| b.get("file")) {
            let Some(reference) = file.get("reference") else {
                continue;
            };
            if reference.get("type").and_then(Json::as_str) != Some("sodaCloudStorage") {
                continue;
            }
            if let Some(id) = reference.get("fileId").and_then(Json::as_str) {
                out.push((check.identity.clone(), id.to_string(), file));
            }
        }
    }
    out
}

impl StoreRecord {
    /// A scan received as a results document (`soda server`, from Soda Cloud clients): the
    /// failed rows its checks uploaded beforehand become their samples. `upload` gives the
    /// JSON lines stored under a file id (`None` when that upload is unknown).
    pub fn from_document(results: ScanResults, upload: impl Fn(&str) -> Option<String>) -> Self {
        let mut samples = Vec::new();
        for (identity, id, file) in uploaded_samples(&results) {
            let Some(lines) = upload(&id) else { continue };
            let rows: Vec<Vec<String>> = lines
                .lines()
                .filter_map(|l| serde_json::from_str::<Vec<Json>>(l).ok())
                .map(|cells| cells.iter().map(cell_text).collect())
                .collect();
            let columns = file
                .get("columns")
                .and_then(Json::as_array)
                .map(|cs| {
                    cs.iter()
                        .filter_map(|c| c.get("name")?.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default();
            let total = file
                .get("totalRowCount")
                .and_then(Json::as_u64)
                .unwrap_or(rows.len() as u64);
            samples.push(CheckSamples {
                identity,
                columns,
                rows,
                total: total as usize,
            });
        }
        StoreRecord { results, samples }
    }
}

/// A sample cell as the scan's own samples show it (Python's `str()`: `None`, `True`).
fn cell_text(v: &Json) -> String {
    match v {
        Json::Null => "None".into(),
        Json::Bool(true) => "True".into(),
        Json::Bool(false) => "False".into(),
        Json::String(s) => s.clone(),
        other => other.to_string(),
    }
}

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
    pub identity: String,
    pub name: String,
    pub definition: String,
    pub data_source: String,
    pub dataset: Option<String>,
    pub column: Option<String>,
    pub file: String,
    pub line: i64,
    pub outcome: Option<String>,
    pub value: Option<f64>,
    pub value_text: String,
    /// Soda's diagnostics object as JSON (value, zones, blocks, ...).
    pub diagnostics: String,
    /// [`CheckSamples`] as JSON, for checks that kept failed rows.
    pub samples: Option<String>,
    /// Soda's v1 check identity (anomaly checks' results are looked up by it).
    pub identity_v1: Option<String>,
    /// The identities of the metrics the check read, as a JSON list.
    pub metrics: String,
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
            identity: c.identity.clone(),
            name: c.name.clone(),
            definition: c.definition.clone(),
            data_source: c.data_source.clone(),
            dataset: c.table.clone(),
            column: c.column.clone(),
            file: c.location.file_path.clone(),
            line: c.location.line as i64,
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
        }
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
