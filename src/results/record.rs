//! What the results store records of one scan: the [`StoreRecord`] (the unit written in one
//! transaction, and what waits in the store's outbox when the store is down), with the failed
//! rows its checks kept. `store/rows.rs` turns it into table rows.

use super::document::ScanResults;
use super::scan::CheckRef;
use super::stored::FailedRows;
use crate::eval::CheckResult as CheckOutcome;
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
    #[serde(flatten)]
    pub sample: FailedRows,
}

/// The failed rows the checks of a scan kept, by check identity.
pub fn samples_of(checks: &[(CheckRef<'_>, CheckOutcome)]) -> Vec<CheckSamples> {
    checks
        .iter()
        .filter_map(|(c, r)| {
            let sample = r.samples.as_ref()?;
            Some(CheckSamples {
                identity: c.identity_v3.clone(),
                sample: FailedRows {
                    columns: sample.rows.columns.iter().map(|c| c.name.clone()).collect(),
                    rows: sample
                        .rows
                        .rows
                        .iter()
                        .map(|row| row.iter().map(ToString::to_string).collect())
                        .collect(),
                    total: sample.total,
                },
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
                sample: FailedRows {
                    columns,
                    rows,
                    total: total as usize,
                },
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
