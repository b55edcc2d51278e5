//! Reports: the console summary and the scan results document (`-srf`).
//!
//! Both read the same [`ScanReport`]. The console summary is written through the scan log,
//! because Soda Core stores the summary lines in the results document's `logs` (and tools
//! read the "NOT EVALUATED" section from there).

pub mod console;
pub mod pyjson;
pub mod results;

use crate::engine::Executed;
use crate::eval::CheckResult;
use crate::plan::Plan;
use crate::sodacl::model::Check;
use chrono::{DateTime, Utc};

/// Everything a finished scan knows, for reporting.
pub struct ScanReport<'a> {
    pub definition_name: &'a str,
    pub data_source: &'a str,
    pub data_timestamp: DateTime<Utc>,
    pub scan_start: DateTime<Utc>,
    pub scan_end: DateTime<Utc>,
    /// Checks in Soda Core's order, with their results.
    pub checks: Vec<(Check, CheckResult)>,
    pub plan: &'a Plan,
    pub values: &'a [Option<crate::engine::value::Value>],
    pub rows: &'a [Option<crate::engine::Rows>],
    pub executed: &'a [Executed],
    /// `profile columns` and `sample datasets` results; `discover datasets` results.
    pub profiling: Vec<serde_json::Value>,
    pub metadata: Vec<serde_json::Value>,
}

/// Soda Core shows dataset names without their quotes in reports.
pub fn unquoted_table(table: &str) -> String {
    let t = table.trim();
    for (open, close) in [('"', '"'), ('`', '`'), ('[', ']')] {
        if t.len() >= 2 && t.starts_with(open) && t.ends_with(close) {
            return t[1..t.len() - 1].to_string();
        }
    }
    t.to_string()
}
