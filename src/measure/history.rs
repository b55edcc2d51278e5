//! The history of earlier scans, as checks that compare with the past read it: measurements of
//! one metric, newest first. Whoever keeps the history (Soda Cloud, the local results store)
//! decodes its own wire format into these types, so evaluation never sees raw JSON.

use super::{ColumnInfo, Value};
use chrono::{DateTime, Utc};
use serde_json::Value as Json;
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

/// Which shape the measurements of a metric have (the caller knows from the check).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HistoryShape {
    Number,
    Schema,
    Groups,
}

/// A schema column as Soda writes it in a schema metric's value.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct SchemaColumn {
    column_name: String,
    #[serde(default)]
    source_data_type: Option<String>,
}

impl HistoricValue {
    /// Reads a metric value as Soda writes it (in the results document, in Cloud's answers,
    /// in the results store); a value of another shape is kept as [`HistoricValue::Other`].
    pub fn from_json(value: Json, shape: HistoryShape) -> HistoricValue {
        match (shape, &value) {
            (HistoryShape::Number, Json::Number(n)) => HistoricValue::Number(
                n.as_i64()
                    .map(Value::Int)
                    .or_else(|| n.as_f64().map(Value::Float))
                    .unwrap_or(Value::Null),
            ),
            (HistoryShape::Schema, Json::Array(items)) => HistoricValue::Schema(
                items
                    .iter()
                    .filter_map(|c| serde_json::from_value::<SchemaColumn>(c.clone()).ok())
                    .map(|c| ColumnInfo {
                        name: c.column_name,
                        type_name: c.source_data_type.unwrap_or_default(),
                    })
                    .collect(),
            ),
            (HistoryShape::Groups, Json::Array(items)) => HistoricValue::Groups(
                items
                    .iter()
                    .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string))
                    .collect(),
            ),
            _ => HistoricValue::Other(value.to_string()),
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
    /// No measurement under this scan's definition, while the store holds some of the same
    /// metric under another one (the scan was likely run without its usual `-s`).
    Elsewhere(Elsewhere),
}

/// Where the history of a metric is, when it is not under the scan's own scan definition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Elsewhere {
    /// The scan definition of this scan (`-s`), under which nothing was recorded.
    pub here: String,
    /// The scan definition with the most measurements of the same metric.
    pub definition: String,
    /// How many measurements it has.
    pub count: usize,
}

impl History {
    /// The newest measurement, if any.
    pub fn latest(&self) -> Option<&HistoricMeasurement> {
        match self {
            History::Measurements(m) => m.first(),
            _ => None,
        }
    }

    /// The other scan definition that has this metric's history, when this one has none.
    pub fn elsewhere(&self) -> Option<&Elsewhere> {
        match self {
            History::Elsewhere(e) => Some(e),
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
