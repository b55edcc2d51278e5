//! Why a check could not be evaluated, or was evaluated with a caveat, as data: eval records
//! a [`Problem`] with a level and the check's location in a [`super::Message`], and
//! `report::problems` is the one place it becomes the words of the scan log. Keeping the kind
//! lets the scan, the store and tests tell "no history yet" from "a threshold is not a number"
//! without reading text.

use crate::measure::history::Elsewhere;
use crate::measure::Value;

/// What went wrong while evaluating one check.
#[derive(Debug, Clone, PartialEq)]
pub enum Problem {
    /// A change-over-time check found no earlier value to compare with (an info, not an error);
    /// `elsewhere`: the store has the metric's history under another scan definition.
    NoHistoricValue { elsewhere: Option<Elsewhere> },
    /// A history-based check runs where no history can be read (no Soda Cloud, no store).
    NoHistorySource { anomaly: bool },
    /// A schema or group evolution check compares (`when <condition>`) without history.
    NoHistoryFor { condition: &'static str },
    /// Reading the history failed; `from_cloud` when it was Soda Cloud that failed.
    HistoryFailed {
        check: String,
        reason: String,
        from_cloud: bool,
    },
    /// A schema or group change check has no earlier schema or groups to compare with.
    NoHistoricSchema { elsewhere: Option<Elsewhere> },
    /// An anomaly check has fewer earlier measurements than the model needs.
    AnomalyNeedsHistory {
        have: usize,
        need: usize,
        elsewhere: Option<Elsewhere>,
    },
    /// The metrics a check reads were not measured (their query failed).
    MetricsNotComputed { metrics: Vec<String>, check: String },
    /// The metric is not a number (text from a user-defined query, say).
    NotNumeric { value: Value, has_format: bool },
    /// A threshold written as a variable is not a usable number.
    Threshold {
        check: String,
        why: ThresholdProblem,
    },
    /// A group by cannot split its query's rows into groups.
    GroupBy(GroupByProblem),
    /// Freshness: the newest value of the column is not a date or time.
    FreshnessNotTime { column: String, type_name: String },
    /// Freshness: the "now" variable is not defined.
    NowMissing { variable: String },
    /// Freshness: the "now" variable's text is not a timestamp.
    NowUnreadable { variable: String, text: String },
    /// Freshness: without a usable "now" the age of the data cannot be computed.
    NowNotTime { variable: String },
}

/// Why a threshold's variable cannot be compared with.
#[derive(Debug, Clone, PartialEq)]
pub enum ThresholdProblem {
    /// `NaN` or an infinity.
    NotFinite(String),
    /// Not a number at all.
    NotANumber(String),
}

/// Why a group by's rows cannot be grouped.
#[derive(Debug, Clone, PartialEq)]
pub enum GroupByProblem {
    /// A field named in `fields` is not a column of the query's result.
    NotAColumn(String),
    /// A nested check's metric is not a column of the query's result.
    MetricNotAColumn(String),
    /// More distinct groups than `group_limit` allows.
    TooManyGroups { count: usize, limit: usize },
}
