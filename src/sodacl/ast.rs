//! The syntax tree of check lines and section headers: what the user wrote, before analysis.
//! [`super::line`] produces it; the checks-file parser and the analyzer turn it into the
//! validated model of [`super::model`].

/// A syntax error inside one line.
#[derive(Debug, Clone, PartialEq)]
pub struct LineError {
    pub offset: usize,
    pub syntax: super::problem::Syntax,
}

/// A comparison operator in a threshold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Comparator {
    Lt,
    Le,
    Eq,
    Ge,
    Gt,
    Ne,
}

/// A threshold operand.
#[derive(Debug, Clone, PartialEq)]
pub enum Operand {
    /// A number (the `%` decoration is dropped).
    Number(f64),
    /// A duration such as `1d6h` (used by freshness), in seconds.
    Duration { seconds: i64, text: String },
    /// An unquoted identifier, typically a `${VAR}`, resolved at evaluation time.
    Variable(String),
}

/// A threshold as written.
#[derive(Debug, Clone, PartialEq)]
pub enum Threshold {
    Compare(Comparator, Operand),
    Between {
        negated: bool,
        low: Operand,
        low_inclusive: bool,
        high: Operand,
        high_inclusive: bool,
    },
    /// `< default` (anomaly score checks).
    Default,
}

/// A metric argument.
#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    Ident(String),
    Number { value: f64, text: String },
}

impl Arg {
    pub fn text(&self) -> &str {
        match self {
            Arg::Ident(s) => s,
            Arg::Number { text, .. } => text,
        }
    }
}

/// What a check line says.
#[derive(Debug, Clone, PartialEq)]
pub enum CheckLine {
    Metric {
        metric: String,
        args: Vec<Arg>,
        threshold: Option<Threshold>,
    },
    /// `values in (a, b) must [not] exist in other (x, y)`.
    Reference {
        source: Vec<String>,
        target_table: String,
        target: Vec<String>,
        must_exist: bool,
    },
    /// The deprecated `freshness using COL [with VAR] [< DURATION]`.
    FreshnessUsing {
        column: String,
        now_variable: Option<String>,
        threshold: Option<Operand>,
    },
    /// `row_count same as OTHER [PARTITION] [in DATA_SOURCE]`.
    RowCountSameAs {
        table: String,
        partition: Option<String>,
        data_source: Option<String>,
    },
    /// `change [avg|min|max last N | same day last week] [percent] for <metric check>`.
    Change {
        history: HistoryWindow,
        percent: bool,
        inner: Box<CheckLine>,
    },
    /// `anomaly score for <metric> < default` / `anomaly detection for <metric>`.
    Anomaly {
        detection: bool,
        inner: Box<CheckLine>,
    },
}

/// Which past measurements a change-over-time check compares with.
#[derive(Debug, Clone, PartialEq)]
pub enum HistoryWindow {
    /// The latest measurement.
    Last,
    /// `avg|min|max last N`: that aggregate of the N latest measurements.
    Aggregate { function: String, count: usize },
    /// `same day last week`: the measurement of today's date minus 7 days.
    SameDayLastWeek,
}

/// What a section header says.
#[derive(Debug, Clone, PartialEq)]
pub enum Header {
    ChecksFor {
        table: String,
        partition: Option<String>,
    },
    Filter {
        table: String,
        partition: String,
    },
    ConfigurationsFor {
        table: String,
    },
    ForEachDataset {
        alias: String,
    },
    ForEachColumn {
        alias: String,
    },
}
