//! The history of earlier scans, as checks that compare with the past read it: measurements of
//! one metric, newest first. Whoever keeps the history (Soda Cloud, the local results store)
//! decodes its own wire format into these types, so evaluation never sees raw JSON.

use super::{ColumnInfo, Value};
use chrono::{DateTime, Utc};
use std::collections::HashMap;

/// What one historic measurement holds.
#[derive(Debug, Clone, PartialEq)]
pub enum HistoricValue {
    /// A number (counts stay integers).
    Number(Value),
    /// The columns of a schema measurement, in table order.
    Schema(Vec<ColumnInfo>),
    /// The groups of a group evolution measurement.
    Groups(Vec<String>),
    /// No value, or one of a shape no check reads (kept so a wrong shape can be reported).
    Other(String),
}

impl HistoricValue {
    /// The value as a number, when it is one.
    pub fn number(&self) -> Option<&Value> {
        match self {
            HistoricValue::Number(v) => Some(v),
            _ => None,
        }
    }
}

/// One measurement of an earlier scan.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoricMeasurement {
    /// The data timestamp (`-t`) of the scan that measured it, when known.
    pub data_time: Option<DateTime<Utc>>,
    pub value: HistoricValue,
}

/// The history available to one check.
#[derive(Debug, Clone, PartialEq)]
pub enum History {
    /// No history source is configured (neither Soda Cloud nor a results store).
    NoSource,
    /// The request failed (already logged).
    Failed(String),
    /// Measurements, newest first.
    Measurements(Vec<HistoricMeasurement>),
}

impl History {
    /// The newest measurement, if any.
    pub fn latest(&self) -> Option<&HistoricMeasurement> {
        match self {
            History::Measurements(m) => m.first(),
            _ => None,
        }
    }

    /// True when there is at least one measurement to compare with.
    pub fn has_measurements(&self) -> bool {
        self.latest().is_some()
    }
}

/// History by check (`seq`).
pub type HistoryMap = HashMap<usize, History>;
