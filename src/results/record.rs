//! What the results store records of one scan: the [`StoreRecord`] (the unit written in one
//! transaction, and what waits in the store's outbox when the store is down), with the failed
//! rows its checks kept. `store/rows.rs` turns it into table rows.

use super::document::ScanResults;
use super::scan::CheckRef;
use super::stored::{Cell, FailedRows};
use crate::eval::CheckResult as CheckOutcome;
use crate::measure::Value;
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
                        .map(|row| row.iter().map(cell).collect())
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
            // Each line is one row as Soda Core wrote it: its cells keep their JSON types.
            let rows: Vec<Vec<Cell>> = lines
                .lines()
                .filter_map(|l| serde_json::from_str::<Vec<Json>>(l).ok())
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

/// A sample cell as stored: NULL as `null`, booleans and numbers as themselves, text as text,
/// dates and times as their text; a float that JSON cannot hold (NaN, an infinity) as Python's
/// text of it rather than as a NULL.
fn cell(v: &Value) -> Cell {
    match v {
        Value::Float(f) if !f.is_finite() => Cell::String(v.to_string()),
        other => other.to_json(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// A results document with one check whose failed rows were uploaded as `file-1`.
    fn document() -> ScanResults {
        serde_json::from_value(json!({
            "definitionName": "daily", "defaultDataSource": "lite",
            "dataTimestamp": "2024-05-01T06:00:00+00:00",
            "scanStartTimestamp": "2024-05-01T06:00:01+00:00",
            "scanEndTimestamp": "2024-05-01T06:00:02+00:00",
            "hasErrors": false, "hasWarnings": false, "hasFailures": true,
            "metrics": [],
            "checks": [{
                "identity": "c1",
                "identities": {"v1": "a", "v2": "b", "v3": "c1"},
                "migratedIdentities": null, "name": "rows", "type": "generic",
                "definition": "checks for t:\n  - failed rows", "location":
                {"filePath": "checks.yml", "line": 2, "col": 5},
                "dataSource": "lite", "table": "t", "column": null, "metrics": [],
                "outcome": "fail", "source": "soda-core",
                "diagnostics": {"blocks": [{"type": "file", "file": {
                    "reference": {"type": "sodaCloudStorage", "fileId": "file-1"},
                    "columns": [{"name": "id"}, {"name": "note"}, {"name": "ok"},
                                {"name": "amount"}],
                    "totalRowCount": 5
                }}]}
            }]
        }))
        .expect("a results document")
    }

    #[test]
    fn uploaded_samples_keep_their_json_types() {
        let lines = "[3, null, false, 2.5]\n[4, \"None\", true, null]\nnot json\n";
        let record = StoreRecord::from_document(document(), |id| {
            (id == "file-1").then(|| lines.to_string())
        });
        let [samples] = record.samples.as_slice() else {
            panic!("one check's samples: {:?}", record.samples)
        };
        assert_eq!(samples.identity, "c1");
        assert_eq!(samples.sample.columns, ["id", "note", "ok", "amount"]);
        assert_eq!(
            samples.sample.rows,
            [
                vec![json!(3), Json::Null, json!(false), json!(2.5)],
                vec![json!(4), json!("None"), json!(true), Json::Null],
            ]
        );
        assert_eq!(samples.sample.total, 5);
        // As the store keeps it, and reads it back.
        let text = serde_json::to_string(samples).expect("serialised");
        assert!(
            text.contains(r#""rows":[[3,null,false,2.5],[4,"None",true,null]]"#),
            "{text}"
        );
        assert_eq!(
            &serde_json::from_str::<CheckSamples>(&text).expect("read back"),
            samples
        );
    }

    #[test]
    fn our_own_cells_keep_their_types() {
        use chrono::NaiveDate;
        let date = NaiveDate::from_ymd_opt(2024, 5, 1).expect("a date");
        let cells: Vec<Cell> = [
            Value::Null,
            Value::Bool(false),
            Value::Int(3),
            Value::Float(2.5),
            Value::Float(f64::NAN),
            Value::Text("None".into()),
            Value::Date(date),
        ]
        .iter()
        .map(cell)
        .collect();
        assert_eq!(
            cells,
            [
                Json::Null,
                json!(false),
                json!(3),
                json!(2.5),
                json!("nan"),
                json!("None"),
                json!("2024-05-01")
            ]
        );
    }
}
