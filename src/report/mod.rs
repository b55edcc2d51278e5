//! Reports: the console summary, the scan results document (`-srf`), the CI outputs (JUnit
//! XML, GitHub Actions annotations and step summary) over [`checklist`], the HTML report, and
//! the words for problems the other stages hand over as data (`problems.rs`).
//!
//! All read the same [`ScanReport`]. The console summary is written through the scan log,
//! because Soda Core stores the summary lines in the results document's `logs` (and tools
//! read the "NOT EVALUATED" section from there).

pub mod checklist;
pub mod console;
pub mod document;
pub mod github;
pub mod html;
pub mod junit;
pub mod problems;
pub mod progress;
pub mod results;

use crate::eval::CheckResult;
use crate::measure::{Executed, Rows, Value};
use crate::plan::Plan;
use crate::sodacl::model::Check;
use chrono::{DateTime, Utc};
use std::ops::Deref;

/// Everything a finished scan knows, for reporting.
pub struct ScanReport<'a> {
    pub definition_name: &'a str,
    pub data_source: &'a str,
    pub data_timestamp: DateTime<Utc>,
    pub scan_start: DateTime<Utc>,
    pub scan_end: DateTime<Utc>,
    /// Checks in Soda Core's order, with their results: borrowed from the checks model (a
    /// scan of many checks keeps one copy of each), owned for group-by children.
    pub checks: Vec<(CheckRef<'a>, CheckResult)>,
    pub plan: &'a Plan,
    pub values: &'a [Option<Value>],
    pub rows: &'a [Option<Rows>],
    pub executed: &'a [Executed],
    /// `profile columns` and `sample datasets` results; `discover datasets` results.
    pub profiling: Vec<serde_json::Value>,
    pub metadata: Vec<serde_json::Value>,
}

pub use crate::measure::unquoted_table;

/// A check as the report sees it: the model's own (borrowed: a scan of many checks keeps one
/// copy of each) or a group-by child made during evaluation. Two words, where a `Cow` would
/// hold a whole `Check` inline in every result.
#[derive(Debug, Clone)]
pub enum CheckRef<'a> {
    Model(&'a Check),
    Child(Box<Check>),
}

impl Deref for CheckRef<'_> {
    type Target = Check;

    fn deref(&self) -> &Check {
        match self {
            CheckRef::Model(c) => c,
            CheckRef::Child(c) => c,
        }
    }
}
