//! Soda Cloud's answer to `sodaCoreHistoricMeasurements`, as typed wire structs, and its
//! decoding into the history evaluation reads ([`crate::measure::history`]). What a value
//! means depends on the metric, so the caller says which shape it expects.

pub use crate::measure::history::HistoryShape as Shape;
use crate::measure::history::{HistoricMeasurement, HistoricValue};
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
                value: HistoricValue::from_json(row.value.unwrap_or(Json::Null), shape),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::measure::{ColumnInfo, Value};
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
