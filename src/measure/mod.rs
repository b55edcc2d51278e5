//! The data the stages hand each other: what engine measures and eval, report, cloud and the
//! results store read. Values and rows read back from a database, the executed queries, the
//! measurements of a plan, failed-row samples, the history of earlier scans and the progress of
//! running queries. Also what the plan asks the engine to measure where the checks language
//! defines it: a metric's aggregate and validity settings ([`metric`]) and the table patterns
//! of the data-source sections ([`Patterns`]).
//!
//! Every stage may use this module; it uses none of them (only the Python helpers), so moving
//! a stage never drags another one along.

mod error;
pub mod history;
pub mod metric;
pub mod progress;
mod value;

pub use error::EngineError;
pub use value::Value;

use std::time::Duration;

/// A dataset's identification within a scan. An empty table name stands for the data
/// source itself (checks of a data-source level `checks:` section).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Dataset {
    /// The table name as written (quotes kept: they go into SQL verbatim).
    pub table: String,
    pub partition: Option<String>,
}

/// Include and exclude patterns (SQL `LIKE`, `%` wildcards) of a data-source section.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Patterns {
    pub include: Vec<String>,
    pub exclude: Vec<String>,
}

/// Soda Core shows dataset names without their quotes in reports and metadata queries.
pub fn unquoted_table(table: &str) -> String {
    let t = table.trim();
    for (open, close) in [('"', '"'), ('`', '`'), ('[', ']')] {
        if t.len() >= 2 && t.starts_with(open) && t.ends_with(close) {
            return t[1..t.len() - 1].to_string();
        }
    }
    t.to_string()
}

/// A column of a result.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnInfo {
    pub name: String,
    /// The engine's type name, lower case (`int4`, `varchar`).
    pub type_name: String,
}

/// The rows a query returned (possibly only the first ones) and how many there were.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Rows {
    pub columns: Vec<ColumnInfo>,
    pub rows: Vec<Vec<Value>>,
    pub total: usize,
}

/// How many rows of a `fail query` are kept in memory (the count covers all of them).
pub const MAX_KEPT_ROWS: usize = 1000;

/// One executed SQL statement, for logs and the results document.
#[derive(Debug, Clone, Default)]
pub struct Executed {
    pub name: String,
    pub sql: String,
    pub error: Option<EngineError>,
    pub duration: Duration,
    pub dataset: Option<Dataset>,
    pub column: Option<String>,
    /// Related SQL reported after the query (`<name>.failing_sql`, `<name>.passing_sql`).
    pub extra_sql: Vec<(String, String)>,
    /// The data source it ran on, when not the scan's own (`row_count same as T in DS`).
    pub data_source: Option<String>,
}

impl Executed {
    /// A statement run on `dataset` (and `column`), how long it took and how it ended.
    pub fn new(
        name: String,
        sql: String,
        (dataset, column): (Option<Dataset>, Option<String>),
        result: Result<(), EngineError>,
        duration: Duration,
    ) -> Executed {
        Executed {
            name,
            sql,
            error: result.err(),
            duration,
            dataset,
            column,
            ..Executed::default()
        }
    }
}

/// What running a plan produced: metric values (by metric id) and the executed queries.
#[derive(Debug, Clone, Default)]
pub struct Measurements {
    /// `None`: not computed (query failed or never built); `Some(Value::Null)`: SQL NULL.
    pub values: Vec<Option<Value>>,
    /// Result rows of metrics whose value is a table (schema, group by, fail query).
    pub rows: Vec<Option<Rows>>,
    pub executed: Vec<Executed>,
    /// Queries the engine did not need to run, and why.
    pub shortcuts: Vec<Shortcut>,
}

/// A duplicate count answered by the catalogue: a unique key of the table covers some of the
/// checked columns, so the count is 0 and its GROUP BY query was not sent. Said in the scan
/// log (`-V`) and in the diagnostics of the checks that read the metric.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shortcut {
    pub metric: usize,
    /// The name of the query that was not run.
    pub query: String,
    pub table: String,
    pub columns: Vec<String>,
    /// The key's name in the catalogue and its columns.
    pub key: String,
    pub key_columns: Vec<String>,
}

impl Measurements {
    /// Room for `n` metrics, none computed yet.
    pub fn empty(n: usize) -> Self {
        Measurements {
            values: vec![None; n],
            rows: vec![None; n],
            executed: Vec::new(),
            shortcuts: Vec::new(),
        }
    }
}

/// What to collect as failed-row samples if the check warns or fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SampleSource {
    /// Rows counted by a missing/invalid count metric.
    Count(usize),
    /// Rows of the duplicated groups of a duplicate count.
    Duplicate(usize),
    /// Source rows breaking a reference.
    Reference(usize),
    /// Rows matching a `fail condition` (a filtered row count).
    Condition(usize),
    /// The rows a `fail query` returned.
    QueryRows(usize),
}

impl SampleSource {
    /// The metric whose rows are sampled.
    pub fn metric(self) -> usize {
        match self {
            SampleSource::Count(i)
            | SampleSource::Duplicate(i)
            | SampleSource::Reference(i)
            | SampleSource::Condition(i)
            | SampleSource::QueryRows(i) => i,
        }
    }
}

/// Failed rows kept as evidence for a check.
#[derive(Debug, Clone, Default)]
pub struct Sample {
    /// The query that produced the rows (Soda's `failed_rows[...]` name).
    pub query_name: String,
    pub rows: Rows,
    /// How many rows fail in total (the check's count).
    pub total: usize,
    /// Blocks of type `file` (failed rows checks) rather than `failedRowsAnalysis`.
    pub plain_file: bool,
    /// Soda Cloud's id of the uploaded sample.
    pub file_id: Option<String>,
}
