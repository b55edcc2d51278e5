//! The validated checks model: what the rest of the program sees of the checks files.
//!
//! Every check carries its location, its Soda-compatible name, definition and identities, its
//! thresholds as bad zones, and a typed description of what it measures. Nothing here refers
//! to YAML syntax except the original config node kept for identities.

use super::line::{Arg, Operand};
use crate::diagnostic::Location;
pub use crate::measure::metric::{Aggregate, Literal, Validity};
pub use crate::measure::{Dataset, Patterns};
use crate::yaml::Node;
use std::collections::HashMap;

/// One bound set of a threshold (Soda's "zone"): a value is *in* the zone when it satisfies
/// every present bound, or, for a split zone, all lower bounds or all upper bounds.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Zone {
    pub gte: Option<Operand>,
    pub gt: Option<Operand>,
    pub lt: Option<Operand>,
    pub lte: Option<Operand>,
    pub split: bool,
}

/// Which count a percentage divides by the row count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PercentOf {
    Missing,
    Invalid,
    Duplicate,
}

/// The metric a metric check measures, resolved by the analyzer from its name and arguments.
#[derive(Debug, Clone, PartialEq)]
pub enum MetricName {
    RowCount,
    MissingCount,
    InvalidCount,
    ValidCount,
    DuplicateCount,
    /// `missing_percent`, `invalid_percent`, `duplicate_percent`.
    Percent(PercentOf),
    Aggregate(Aggregate),
    /// A discrete percentile at this fraction.
    Percentile(f64),
    /// `<metric> expression` or `<metric> query`.
    UserDefined,
    /// A name soda-rs does not know (already reported); planned so the check says so.
    Unknown,
}

/// What a metric check measures.
#[derive(Debug, Clone)]
pub struct MetricCheck {
    /// The metric name as written (`missing_count`, `avg_order_value`).
    pub metric: String,
    pub args: Vec<Arg>,
    pub filter: Option<String>,
    /// Check-level settings; the column's `configurations for` are merged at planning time.
    pub validity: Validity,
    /// `<metric> expression: SQL`.
    pub expression: Option<String>,
    /// `<metric> query: SQL` (or the contents of `<metric> sql_file`), rendered.
    pub query: Option<String>,
    /// What the name and arguments resolve to.
    pub resolved: MetricName,
}

/// `freshness(column[, NOW_VARIABLE])`: the age of the newest value.
#[derive(Debug, Clone)]
pub struct FreshnessCheck {
    pub column: String,
    /// The variable holding "now" (`NOW` unless given).
    pub now_variable: String,
    pub filter: Option<String>,
    /// Seconds; the check fails (warns) when freshness is strictly greater.
    pub fail_after: Option<i64>,
    pub warn_after: Option<i64>,
}

/// The validations of one severity (`warn:` or `fail:`) of a schema check.
#[derive(Debug, Clone, Default)]
pub struct SchemaRules {
    pub required: Vec<String>,
    pub forbidden: Vec<String>,
    /// Column → expected type (None: only required).
    pub types: Vec<(String, Option<String>)>,
    pub indexes: Vec<(String, i64)>,
    /// `when mismatching columns` (column → type or None).
    pub mismatching: Option<Vec<(String, Option<String>)>>,
    pub optional: Vec<String>,
    /// `when schema changes`: the kinds of change (`column add`, `column delete`,
    /// `column type change`, `column index change`) compared with the last measured schema.
    pub changes: Vec<String>,
}

impl SchemaRules {
    pub fn is_empty(&self) -> bool {
        self.required.is_empty()
            && self.forbidden.is_empty()
            && self.types.is_empty()
            && self.indexes.is_empty()
            && self.mismatching.is_none()
            && self.changes.is_empty()
    }
}

/// `change ... for <metric>`.
#[derive(Debug, Clone)]
pub struct ChangeCheck {
    pub metric: MetricCheck,
    pub history: super::line::HistoryWindow,
    pub percent: bool,
}

/// `values in (a) must [not] exist in other (x)`.
#[derive(Debug, Clone)]
pub struct ReferenceCheck {
    pub source: Vec<String>,
    pub target_table: String,
    pub target: Vec<String>,
    pub must_exist: bool,
}

/// The validations of one severity of a group evolution check.
#[derive(Debug, Clone, Default)]
pub struct GroupRules {
    pub required: Vec<String>,
    pub forbidden: Vec<String>,
    /// `when groups change`: `group add`, `group delete`.
    pub changes: Vec<String>,
}

/// `group evolution` with its query (first column = the group).
#[derive(Debug, Clone)]
pub struct GroupEvolutionCheck {
    pub query: String,
    pub warn: GroupRules,
    pub fail: GroupRules,
}

/// `group by` with per-group nested checks.
#[derive(Debug, Clone)]
pub struct GroupByCheck {
    pub query: String,
    pub fields: Vec<String>,
    /// Nested checks: line, name, config.
    pub checks: Vec<GroupByChild>,
    pub group_limit: usize,
    /// What the nested checks' identities are made of besides the group (set with the
    /// identities of every check, by [`super::identity::assign`]).
    pub identity: super::identity::GroupIdentity,
}

#[derive(Debug, Clone)]
pub struct GroupByChild {
    pub line: String,
    /// Where the nested check's key is (1-based).
    pub pos: (usize, usize),
    pub name: String,
    pub metric: String,
    pub config: Option<Node>,
    pub fail: Option<Zone>,
    pub warn: Option<Zone>,
}

/// The kinds of checks.
#[derive(Debug, Clone)]
pub enum CheckKind {
    Metric(Box<MetricCheck>),
    Freshness(FreshnessCheck),
    Schema {
        warn: Box<SchemaRules>,
        fail: Box<SchemaRules>,
    },
    Reference(ReferenceCheck),
    /// `row_count same as OTHER [P] [in DS]`.
    RowCountComparison {
        other: Dataset,
        other_data_source: Option<String>,
    },
    /// `failed rows` with `fail condition` (a row filter) or `fail query` (rendered SQL).
    FailedRows {
        condition: Option<String>,
        query: Option<String>,
    },
    GroupBy(Box<GroupByCheck>),
    /// `group evolution`: the distinct groups a query returns, against required, forbidden
    /// and (with Soda Cloud history) changed groups.
    GroupEvolution(Box<GroupEvolutionCheck>),
    /// Change over time: the metric compared with its history in Soda Cloud.
    Change(Box<ChangeCheck>),
    /// Anomaly score / detection: needs Soda Cloud history and a forecasting model.
    Anomaly(Box<MetricCheck>),
    /// A check type that this version recognises but does not run.
    Unsupported(String),
}

/// One check.
#[derive(Debug, Clone)]
pub struct Check {
    /// Position in parse order (ties broken by it when ordering like Soda Core).
    pub seq: usize,
    pub file: String,
    pub line: usize,
    pub col: usize,
    pub source_header: String,
    pub source_line: String,
    pub config: Option<Node>,
    pub dataset: Dataset,
    pub column: Option<String>,
    pub name: String,
    pub definition: String,
    /// Soda's identities, empty until [`super::identity::assign`] has seen the whole model.
    pub identity_v1: String,
    pub identity_v2: String,
    pub identity_v3: String,
    pub identity_v4: Option<String>,
    pub attributes: Vec<(String, serde_json::Value)>,
    pub fail: Option<Zone>,
    pub warn: Option<Zone>,
    /// True when the check has no usable threshold: it is never evaluated.
    pub no_threshold: bool,
    /// True when a configuration error makes the check unevaluable (already logged).
    pub invalid: bool,
    pub samples_limit: Option<i64>,
    pub kind: CheckKind,
}

impl Check {
    /// Where the check is written in its checks file.
    pub fn location(&self) -> Location {
        Location {
            file: self.file.clone(),
            line: self.line,
            col: self.col,
        }
    }
}

/// A named dataset filter (`filter T [p]: where: ...`).
#[derive(Debug, Clone)]
pub struct Partition {
    pub dataset: Dataset,
    pub where_sql: String,
}

/// A `for each dataset ALIAS:` section, expanded once the data source's tables are known.
#[derive(Debug, Clone)]
pub struct ForEach {
    pub alias: String,
    pub file: String,
    pub line: usize,
    pub col: usize,
    /// SQL `LIKE` patterns (`%`, `_`) on table names.
    pub includes: Vec<String>,
    pub excludes: Vec<String>,
    /// The check list items, parsed for each matching table.
    pub checks: Vec<Node>,
}

/// Everything the checks files declared for one scan.
#[derive(Debug, Clone, Default)]
pub struct ChecksModel {
    /// Boxed: a `Check` is most of a kilobyte, and the list grows by doubling.
    pub checks: Vec<Box<Check>>,
    pub partitions: Vec<Partition>,
    /// `configurations for T`: per table, per column.
    pub column_configs: HashMap<(String, String), Validity>,
    /// The YAML lists of `missing values for C` / `valid values for C` (for identities).
    pub column_lists: Vec<(String, String, String, Node)>,
    /// Tables in the order they were first seen (drives check and query order).
    pub table_order: Vec<String>,
    /// Datasets (table + partition) in creation order.
    pub dataset_order: Vec<Dataset>,
    pub for_each: Vec<ForEach>,
    /// `profile columns` (`table.column` patterns), `discover datasets`, `sample datasets`.
    pub profile_columns: Option<Patterns>,
    pub discover_datasets: Option<Patterns>,
    pub sample_datasets: Option<Patterns>,
    /// Positions in `table_order`, `dataset_order` and `partitions`: look-ups by map keep a
    /// file of many sections, tables or filters linear to read and order.
    table_index: HashMap<String, usize>,
    dataset_index: HashMap<Dataset, usize>,
    partition_index: HashMap<Dataset, usize>,
}

impl ChecksModel {
    pub fn touch_table(&mut self, table: &str) {
        if !self.table_index.contains_key(table) {
            self.table_index
                .insert(table.to_string(), self.table_order.len());
            self.table_order.push(table.to_string());
        }
    }

    pub fn touch_dataset(&mut self, dataset: &Dataset) {
        self.touch_table(&dataset.table);
        if !self.dataset_index.contains_key(dataset) {
            self.dataset_index
                .insert(dataset.clone(), self.dataset_order.len());
            self.dataset_order.push(dataset.clone());
        }
    }

    /// Where the table was first seen, among the tables.
    pub fn table_position(&self, table: &str) -> Option<usize> {
        self.table_index.get(table).copied()
    }

    /// Where the dataset was first used, among the datasets.
    pub fn dataset_position(&self, dataset: &Dataset) -> Option<usize> {
        self.dataset_index.get(dataset).copied()
    }

    /// The `filter T [p]` declared for the dataset.
    pub fn partition(&self, dataset: &Dataset) -> Option<&Partition> {
        self.partition_index
            .get(dataset)
            .and_then(|i| self.partitions.get(*i))
    }

    /// Declares a partition (the caller checked it is new).
    pub fn add_partition(&mut self, partition: Partition) {
        self.partition_index
            .insert(partition.dataset.clone(), self.partitions.len());
        self.partitions.push(partition);
    }

    pub fn partition_where(&self, dataset: &Dataset) -> Option<&str> {
        dataset.partition.as_ref()?;
        self.partition(dataset).map(|p| p.where_sql.as_str())
    }

    /// True when there is anything to ask the database.
    pub fn needs_database(&self) -> bool {
        !self.checks.is_empty()
            || !self.for_each.is_empty()
            || self.profile_columns.is_some()
            || self.discover_datasets.is_some()
            || self.sample_datasets.is_some()
    }

    pub fn column_validity(&self, table: &str, column: &str) -> Option<&Validity> {
        self.column_configs
            .get(&(table.to_string(), column.to_string()))
    }

    /// Checks in Soda Core's order (sodacl.md §8.4): per table in first-seen order, per
    /// partition in creation order, table-level checks first, then column checks grouped by
    /// column in order of first appearance.
    pub fn ordered_checks(&self) -> Vec<&Check> {
        // Soda Core files metric and freshness checks under their column; reference checks
        // keep their place among the dataset-level checks even when they have a column.
        let grouping = |c: &Check| match c.kind {
            CheckKind::Metric(_)
            | CheckKind::Freshness(_)
            | CheckKind::Change(_)
            | CheckKind::Anomaly(_) => c.column.clone(),
            _ => None,
        };
        // Positions in maps: ordering n checks stays O(n log n) however many columns there are.
        let mut column_order: HashMap<(&Dataset, String), usize> = HashMap::new();
        for check in &self.checks {
            if let Some(col) = grouping(check) {
                let next = column_order.len();
                column_order.entry((&check.dataset, col)).or_insert(next);
            }
        }
        let mut ordered: Vec<&Check> = self.checks.iter().map(|c| &**c).collect();
        ordered.sort_by_cached_key(|c| {
            let table = self.table_position(&c.dataset.table).unwrap_or(usize::MAX);
            let part = self.dataset_position(&c.dataset).unwrap_or(usize::MAX);
            let col = grouping(c).map_or(0, |col| {
                1 + column_order
                    .get(&(&c.dataset, col))
                    .copied()
                    .unwrap_or(usize::MAX - 1)
            });
            (table, part, col, c.seq)
        });
        ordered
    }
}
