//! A finished scan in memory: its checks with their results, the plan, the measured values
//! and the queries that ran. Every output of `soda scan` is written from it — the console
//! summary, the results document, JUnit and GitHub outputs, the store's record, the Cloud
//! upload and the alerts.

use super::time::DataTime;
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
    pub data_timestamp: DataTime,
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
