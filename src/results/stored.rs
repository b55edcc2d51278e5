//! The stored-scan read model: what the results store gives back (every scan it holds and
//! every check's history, with its failed-row samples), and what `soda report`, the server's
//! pages and its JSON API render. The store builds it (`store/read.rs`); rendering is a pure
//! function of it.

use serde::{Deserialize, Serialize};

/// Everything the report shows.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ReportData {
    /// When the report was made (ISO 8601, UTC).
    pub generated_at: String,
    /// Where the data comes from, for the title (a file path or a database, never a password).
    pub store: String,
    /// Scans, newest data timestamp first.
    pub scans: Vec<ScanSummary>,
    /// Every check ever recorded, one entry per check identity.
    pub checks: Vec<CheckHistory>,
    /// Every dataset a scan covered, with its scan status (see [`super::datasets`]).
    #[serde(default)]
    pub datasets: Vec<DatasetStatus>,
}

pub use super::datasets::DatasetStatus;

/// A dataset a scan covers.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ScanDataset {
    pub data_source: String,
    pub dataset: String,
}

/// One recorded scan.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ScanSummary {
    pub id: i64,
    pub definition: String,
    pub data_source: String,
    pub data_timestamp: String,
    pub scan_start: String,
    pub scan_end: String,
    /// The scan failed to complete: a query, connection or checks-file error.
    pub has_errors: bool,
    pub has_warnings: bool,
    pub has_failures: bool,
    /// Check results recorded for it.
    pub check_count: usize,
    /// The datasets it covers.
    #[serde(default)]
    pub datasets: Vec<ScanDataset>,
    /// The scan log (errors included), in order.
    pub logs: Vec<LogLine>,
}

/// One line of a scan log.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LogLine {
    pub level: String,
    pub message: String,
    pub timestamp: String,
}

/// What names and places a check: stored with each of its results (`store/rows.rs`), read
/// back from the latest one, shown on every page.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CheckInfo {
    /// Soda's check identity (v3).
    pub identity: String,
    pub name: String,
    pub definition: String,
    pub data_source: String,
    /// The dataset (table) name; `None` for data-source level checks.
    pub dataset: Option<String>,
    pub column: Option<String>,
    /// Where the check is written.
    pub file: String,
    pub line: usize,
}

/// The history of one check (by Soda's check identity).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CheckHistory {
    /// As of its latest result.
    #[serde(flatten)]
    pub check: CheckInfo,
    /// Its results, oldest data timestamp first; the last one is the current outcome.
    pub results: Vec<CheckPoint>,
    /// The failed-row samples of its most recent run that warned or failed with samples.
    pub samples: Option<SampleRows>,
    /// The check's attributes (owner, priority, ...) as of its latest result.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attributes: Vec<super::document::Attribute>,
    /// Soda's diagnostics of its latest result (value, zones, blocks, and what the check type
    /// adds: schema changes, the historic value, the anomaly's expectation, the freshness),
    /// which the check page explains.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub diagnostics: Option<serde_json::Value>,
    /// For one group of a group by: `{identity (the group by's), name, distinctLabel}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<serde_json::Value>,
}

/// The pages read a history's name, dataset and place as its own.
impl std::ops::Deref for CheckHistory {
    type Target = CheckInfo;

    fn deref(&self) -> &CheckInfo {
        &self.check
    }
}

/// One result of a check.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CheckPoint {
    pub scan_id: i64,
    pub data_timestamp: String,
    /// `pass`, `warn`, `fail`, or `None` (not evaluated).
    pub outcome: Option<String>,
    /// The check's value as a number, when it is one (what the chart plots).
    pub value: Option<f64>,
    /// The value as shown in the table (`None` shows as empty).
    pub value_text: String,
    /// The fail and warn zones in force for this result.
    pub fail: Option<Zone>,
    pub warn: Option<Zone>,
    /// Why it has no outcome (or what else Soda said about it): `outcomeReasons`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reasons: Vec<OutcomeReason>,
}

/// One of Soda's outcome reasons (`notEnoughHistory`, or ours: see `results::reasons`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct OutcomeReason {
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub message: String,
    #[serde(default)]
    pub severity: String,
}

/// A threshold zone (the results document's own type: the pages draw what was recorded).
pub use super::document::Zone;

/// The failed rows of a check's most recent run that kept some, with its data time.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SampleRows {
    pub data_timestamp: String,
    #[serde(flatten)]
    pub sample: FailedRows,
}

/// Failed rows a check kept: a sample of them, cell by cell with its JSON type, and how many
/// failed in total (the sample may hold fewer). The one shape of samples, stored and shown.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FailedRows {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
    pub total: usize,
}

/// One cell of a failed row, as JSON: `null` for a NULL, a boolean, a number, or text (dates
/// and times as their text). Stores written before cells kept their types hold every cell as
/// text (a NULL as the text `None`); those read back as the text they are.
pub type Cell = serde_json::Value;

/// A cell as the pages show it: `None` for a NULL (shown apart from any text), else Python's
/// `str()` of the value, as the scan log shows samples (`True`, `3`, `2.5`, `1e+20`).
pub fn cell_text(cell: &Cell) -> Option<String> {
    use serde_json::Value as Json;
    Some(match cell {
        Json::Null => return None,
        Json::Bool(true) => "True".into(),
        Json::Bool(false) => "False".into(),
        Json::String(s) => s.clone(),
        Json::Number(n) if n.is_f64() => n
            .as_f64()
            .map_or_else(|| n.to_string(), crate::python::float_repr),
        other => other.to_string(),
    })
}
