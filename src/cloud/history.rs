//! Soda Cloud's answer to `sodaCoreHistoricMeasurements`, as typed wire structs, and its
//! decoding into the history evaluation reads ([`crate::measure::history`]). What a value
//! means depends on the metric, so the caller says which shape it expects.

use crate::measure::history::{HistoricMeasurement, HistoricValue};
use crate::measure::{ColumnInfo, Value};
use serde::Deserialize;
use serde_json::Value as Json;

/// One entry of `results` (cli-and-cloud.md §7.3); unknown keys are ignored, as Cloud may add
/// some.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MeasurementRow {
    #[serde(default)]
    pub value: Option<Json>,
    #[serde(default)]
    pub data_time: Option<String>,
}

/// One column of a historic schema measurement.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
struct SchemaColumn {
    column_name: String,
    #[serde(default)]
    source_data_type: Option<String>,
}

/// Which shape the measurements of a metric have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    Number,
    Schema,
    Groups,
}

/// Decodes Cloud's rows (newest first, as Cloud sends them); rows that do not parse are kept as
/// [`HistoricValue::Other`] so evaluation can tell a wrong shape from no history.
pub fn decode(rows: Vec<Json>, shape: Shape) -> Vec<HistoricMeasurement> {
    rows.into_iter()
        .map(|row| {
            let row: MeasurementRow = serde_json::from_value(row).unwrap_or(MeasurementRow {
                value: None,
                data_time: None,
            });
            HistoricMeasurement {
                data_time: row
                    .data_time
                    .as_deref()
                    .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
                    .map(|t| t.with_timezone(&chrono::Utc)),
                value: decode_value(row.value.unwrap_or(Json::Null), shape),
            }
        })
        .collect()
}

fn decode_value(value: Json, shape: Shape) -> HistoricValue {
    let other = |v: &Json| HistoricValue::Other(v.to_string());
    match (shape, &value) {
        (Shape::Number, Json::Number(n)) => HistoricValue::Number(
            n.as_i64()
                .map(Value::Int)
                .or_else(|| n.as_f64().map(Value::Float))
                .unwrap_or(Value::Null),
        ),
        (Shape::Schema, Json::Array(items)) => HistoricValue::Schema(
            items
                .iter()
                .filter_map(|c| serde_json::from_value::<SchemaColumn>(c.clone()).ok())
                .map(|c| ColumnInfo {
                    name: c.column_name,
                    type_name: c.source_data_type.unwrap_or_default(),
                })
                .collect(),
        ),
        (Shape::Groups, Json::Array(items)) => HistoricValue::Groups(
            items
                .iter()
                .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string))
                .collect(),
        ),
        _ => other(&value),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn numbers_keep_their_int_or_float_nature() {
        let m = decode(
            vec![
                json!({"id": "1", "value": 5, "dataTime": "2024-05-01T10:00:00Z"}),
                json!({"value": 2.5}),
                json!({"value": "x"}),
            ],
            Shape::Number,
        );
        assert_eq!(m[0].value, HistoricValue::Number(Value::Int(5)));
        assert_eq!(
            m[0].data_time.map(|t| t.to_rfc3339()),
            Some("2024-05-01T10:00:00+00:00".into())
        );
        assert_eq!(m[1].value, HistoricValue::Number(Value::Float(2.5)));
        assert!(matches!(m[2].value, HistoricValue::Other(_)));
    }

    #[test]
    fn schemas_and_groups() {
        let s = decode(
            vec![json!({"value": [{"columnName": "id", "sourceDataType": "integer"}, {"x": 1}]})],
            Shape::Schema,
        );
        assert_eq!(
            s[0].value,
            HistoricValue::Schema(vec![ColumnInfo {
                name: "id".into(),
                type_name: "integer".into()
            }])
        );
        let g = decode(vec![json!({"value": ["BE", 3]})], Shape::Groups);
        assert_eq!(
            g[0].value,
            HistoricValue::Groups(vec!["BE".into(), "3".into()])
        );
        let wrong = decode(vec![json!({"value": 3})], Shape::Schema);
        assert!(matches!(wrong[0].value, HistoricValue::Other(_)));
    }
}
