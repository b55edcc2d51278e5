//! The words for problems that cross stages as data: a failed connection or statement
//! ([`EngineError`]) and a check that could not be evaluated ([`Problem`]). The stages that
//! find them keep a kind and a location; this is the one place they become text, so a message
//! is changed (or translated, or shown differently in a report) here and nowhere else. The
//! scan-log line of a query the engine skipped ([`Shortcut`]) is here for the same reason.

use crate::eval::{GroupByProblem, Problem, ThresholdProblem};
use crate::measure::history::Elsewhere;
use crate::measure::{EngineError, Shortcut};
use std::fmt;

impl fmt::Display for EngineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EngineError::Refused { host, port } => write!(f, "connection refused by {host}:{port}"),
            EngineError::Unreachable { host, port, reason } => {
                write!(f, "cannot connect to {host}:{port}: {reason}")
            }
            EngineError::ConnectTimeout {
                address: Some((host, port)),
                seconds,
            } => write!(
                f,
                "timed out after {seconds} s while connecting to {host}:{port}"
            ),
            EngineError::ConnectTimeout {
                address: None,
                seconds,
            } => write!(f, "timed out after {seconds} s while connecting"),
            EngineError::PoolTimedOut => f.write_str("timed out while connecting"),
            EngineError::NotReadOnly => f.write_str(
                "refused: on Spark only queries, DESCRIBE TABLE and SHOW TABLES are sent (a scan never writes)",
            ),
            EngineError::Configuration(text) | EngineError::Database(text) => f.write_str(text),
            EngineError::SecondStatement => f.write_str(
                "only one SQL statement per query is allowed (found a second statement after ';')",
            ),
            EngineError::QueryTimeout { seconds } => {
                write!(f, "query timed out after {seconds} seconds")
            }
            EngineError::NotConnected => f.write_str("not connected"),
            EngineError::UnknownDataSource(name) => {
                write!(f, "Data source '{name}' not present in the configuration")
            }
            EngineError::OtherSource { name, cause } => {
                write!(f, "Could not connect to data source \"{name}\": {cause}")
            }
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::NoHistoricValue { .. }
            | Problem::NoHistorySource { .. }
            | Problem::NoHistoryFor { .. }
            | Problem::HistoryFailed { .. }
            | Problem::NoHistoricSchema { .. }
            | Problem::AnomalyNeedsHistory { .. } => history_problem(self, f),
            Problem::MetricsNotComputed { metrics, check } => write!(
                f,
                "Metrics '{}' were not computed for check '{check}'",
                metrics.join(",")
            ),
            Problem::NotNumeric { value, has_format } => {
                write!(
                    f,
                    "Cannot evaluate check: Expected a numeric value, but was {value}."
                )?;
                if *has_format {
                    f.write_str(
                        " (a valid format does not turn text into numbers for this metric)",
                    )?;
                }
                Ok(())
            }
            Problem::Threshold { check, why } => {
                write!(f, "Evaluation of check {check} failed: {why}")
            }
            Problem::GroupBy(why) => write!(f, "Evaluation of check group by failed: {why}"),
            Problem::FreshnessNotTime { column, type_name } => write!(
                f,
                "Could not evaluate freshness: max({column}) is not a datetime: {type_name}"
            ),
            Problem::NowMissing { variable } => write!(
                f,
                "Could not parse variable {variable} as a timestamp: variable not found"
            ),
            Problem::NowUnreadable { variable, text } => {
                write!(
                    f,
                    "Could not parse variable {variable} as a timestamp: {text}"
                )
            }
            Problem::NowNotTime { variable } => write!(
                f,
                "Could not evaluate freshness: variable {variable} is not a datetime"
            ),
        }
    }
}

/// The words for checks that compare with history and found none (or could not read it).
fn history_problem(problem: &Problem, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    match problem {
            Problem::NoHistoricValue { elsewhere } => {
                f.write_str("Skipping metric check eval because there is not enough historic data yet")?;
                if let Some(e) = elsewhere {
                    write!(f, ": 0 recorded so far{}", elsewhere_hint(e))?;
                }
                Ok(())
            }
            Problem::NoHistorySource { anomaly: false } => f.write_str(
                "Soda Core must be configured to connect to Soda Cloud to use change-over-time checks.",
            ),
            Problem::NoHistorySource { anomaly: true } => f.write_str(
                "Anomaly checks compare with the metric's history: configure Soda Cloud or a results store (results_store: or --store)",
            ),
            Problem::NoHistoryFor { condition } => write!(
                f,
                "Checks with \"when {condition}\" compare with history: configure Soda Cloud or a results store (results_store: or --store)"
            ),
            Problem::HistoryFailed {
                check,
                reason,
                from_cloud,
            } => {
                let source = if *from_cloud { " from Soda Cloud" } else { "" };
                write!(f, "Evaluation of check {check} failed: no history{source}: {reason}")
            }
            Problem::NoHistoricSchema { elsewhere: None } => {
                f.write_str("Skipping schema checks since there is no historic schema metrics!")
            }
            Problem::NoHistoricSchema { elsewhere: Some(e) } => write!(
                f,
                "Skipping schema checks since there is no historic schema metrics: 0 recorded so far{}",
                elsewhere_hint(e)
            ),
            Problem::AnomalyNeedsHistory {
                have,
                need,
                elsewhere,
            } => {
                write!(
                    f,
                    "Anomaly detection needs at least {need} earlier measurements of the metric; {have} recorded so far"
                )?;
                match elsewhere {
                    Some(e) => f.write_str(&elsewhere_hint(e)),
                    None => Ok(()),
                }
            }
        _ => Ok(()),
    }
}

impl fmt::Display for ThresholdProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ThresholdProblem::NotFinite(text) => {
                write!(f, "the threshold '{text}' is not a finite number")
            }
            ThresholdProblem::NotANumber(text) => {
                write!(f, "could not convert string to float: '{text}'")
            }
        }
    }
}

impl fmt::Display for GroupByProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GroupByProblem::NotAColumn(field) => {
                write!(f, "field \"{field}\" is not a column of the query result")
            }
            GroupByProblem::MetricNotAColumn(metric) => {
                write!(f, "\"{metric}\" is not a column of the query result")
            }
            GroupByProblem::TooManyGroups { count, limit } => write!(
                f,
                "Total number of groups {count} exceeds the maximum number of groups ({limit})"
            ),
        }
    }
}

/// What follows "0 recorded so far" when the store has the metric's history under another scan
/// definition: where it is, and the `-s` that reads it.
fn elsewhere_hint(e: &Elsewhere) -> String {
    format!(
        " under scan definition \"{}\"; the store has {} under \"{}\" — pass -s {} to use them",
        e.here,
        e.count,
        e.definition,
        shell_word(&e.definition)
    )
}

/// A scan definition as typed in a shell: bare when it is one plain word, else single-quoted.
fn shell_word(text: &str) -> String {
    let plain = !text.is_empty()
        && text.chars().all(|c| {
            c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '/' | ':' | '@' | '+' | ',')
        });
    if plain {
        text.to_string()
    } else {
        format!("'{}'", text.replace('\'', "'\\''"))
    }
}

/// The scan-log line of a query the engine did not need to run.
pub fn shortcut(s: &Shortcut) -> String {
    format!(
        "Query {} not run: duplicate_count({}) is 0 because {} is unique by {} ({})",
        s.query,
        s.columns.join(", "),
        s.table,
        s.key,
        s.key_columns.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hint(definition: &str) -> String {
        Problem::AnomalyNeedsHistory {
            have: 0,
            need: 5,
            elsewhere: Some(Elsewhere {
                here: "Soda Core CLI".into(),
                definition: definition.into(),
                count: 20,
            }),
        }
        .to_string()
    }

    #[test]
    fn history_elsewhere_names_the_scan_definition_to_pass() {
        assert_eq!(
            hint("daily_orders"),
            "Anomaly detection needs at least 5 earlier measurements of the metric; 0 recorded \
             so far under scan definition \"Soda Core CLI\"; the store has 20 under \
             \"daily_orders\" — pass -s daily_orders to use them"
        );
        assert!(hint("it's daily").ends_with("pass -s 'it'\\''s daily' to use them"));
        assert!(hint("").ends_with("pass -s '' to use them"));
    }
}
