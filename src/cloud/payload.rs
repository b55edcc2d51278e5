//! The bodies of Soda Cloud calls as typed wire structs: the login, the queries (configuration,
//! attribute schema, history with their filters) and the results insert, shared by the client
//! that sends them and whoever receives them.

use crate::results::document::ScanResults;
use serde::{Deserialize, Serialize};

/// `sodaCoreInsertScanResults`: the results document plus the command type (the client adds
/// the token as the last key, as it does to every call).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InsertScanResults {
    #[serde(flatten)]
    pub results: ScanResults,
    #[serde(rename = "type")]
    pub kind: String,
}

impl InsertScanResults {
    pub const KIND: &'static str = "sodaCoreInsertScanResults";

    pub fn new(results: &ScanResults) -> Self {
        InsertScanResults {
            results: results.clone(),
            kind: Self::KIND.to_string(),
        }
    }
}

/// `login` on `/api/command`: the API key pair, exchanged for a session token.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Login {
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(rename = "apiKeyId")]
    pub api_key_id: String,
    #[serde(rename = "apiKeySecret")]
    pub api_key_secret: String,
}

impl Login {
    pub const KIND: &'static str = "login";

    pub fn new(api_key_id: &str, api_key_secret: &str) -> Self {
        Login {
            kind: Self::KIND.to_string(),
            api_key_id: api_key_id.to_string(),
            api_key_secret: api_key_secret.to_string(),
        }
    }
}

/// The answer to `login`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoginAnswer {
    pub token: String,
}

/// A call on `/api/query` (the client adds the token as the last key). Keys are written in
/// the order Soda Core writes them: type, limit, filter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Query {
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filter: Option<Expression>,
}

impl Query {
    pub const CLOUD_CONFIGURATION: &'static str = "sodaCoreCloudConfiguration";
    pub const CHECK_ATTRIBUTES: &'static str = "sodaCoreAvailableCheckAttributes";
    pub const HISTORIC_MEASUREMENTS: &'static str = "sodaCoreHistoricMeasurements";
    pub const HISTORIC_CHECK_RESULTS: &'static str = "sodaCoreHistoricCheckResults";

    /// A query without arguments (`sodaCoreCloudConfiguration`, the attribute schema).
    pub fn plain(kind: &str) -> Self {
        Query {
            kind: kind.to_string(),
            limit: None,
            filter: None,
        }
    }

    /// A history query: the rows whose `column` equals `value` and that pass `more`.
    pub fn history(kind: &str, limit: Option<u32>, (column, value): (&str, &str)) -> Self {
        Query {
            kind: kind.to_string(),
            limit,
            filter: Some(Expression::And {
                and_expressions: vec![Expression::Equals {
                    left: Operand::column(column),
                    right: Operand::String {
                        value: value.to_string(),
                    },
                }],
            }),
        }
    }

    /// Adds a condition to the filter's `and` list.
    pub fn and(mut self, condition: Expression) -> Self {
        if let Some(Expression::And { and_expressions }) = &mut self.filter {
            and_expressions.push(condition);
        }
        self
    }
}

/// A filter of a history query.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum Expression {
    #[serde(rename = "and")]
    And {
        #[serde(rename = "andExpressions")]
        and_expressions: Vec<Expression>,
    },
    #[serde(rename = "equals")]
    Equals { left: Operand, right: Operand },
    #[serde(rename = "greaterThanOrEqual")]
    GreaterThanOrEqual { left: Operand, right: Operand },
    #[serde(rename = "lessThanOrEqual")]
    LessThanOrEqual { left: Operand, right: Operand },
}

/// One side of a comparison in a filter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum Operand {
    #[serde(rename = "columnValue")]
    ColumnValue {
        #[serde(rename = "columnName")]
        column_name: String,
    },
    #[serde(rename = "string")]
    String { value: String },
    #[serde(rename = "time")]
    Time {
        #[serde(rename = "scanTime")]
        scan_time: bool,
        time: String,
    },
}

impl Operand {
    pub fn column(name: &str) -> Self {
        Operand::ColumnValue {
            column_name: name.to_string(),
        }
    }

    /// A fixed instant (not the scan's time), as Cloud's filters compare `dataTime` with.
    pub fn time(time: String) -> Self {
        Operand::Time {
            scan_time: false,
            time,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The bodies as Soda Core writes them (spec §7.2), key order included.
    #[test]
    fn history_queries_are_written_as_soda_core_writes_them() {
        let plain = Query::history(
            Query::HISTORIC_MEASUREMENTS,
            None,
            ("metric.identity", "metric-x"),
        );
        assert_eq!(
            serde_json::to_string(&plain).unwrap(),
            r#"{"type":"sodaCoreHistoricMeasurements","filter":{"type":"and","andExpressions":[{"type":"equals","left":{"type":"columnValue","columnName":"metric.identity"},"right":{"type":"string","value":"metric-x"}}]}}"#
        );
        let window = Query::history(
            Query::HISTORIC_CHECK_RESULTS,
            Some(1000),
            ("check.identity", "9f"),
        )
        .and(Expression::LessThanOrEqual {
            left: Operand::column("measurement.dataTime"),
            right: Operand::time("2026-11-20T23:59:59+00:00".into()),
        });
        let text = serde_json::to_string(&window).unwrap();
        assert!(
            text.starts_with(r#"{"type":"sodaCoreHistoricCheckResults","limit":1000,"filter":{"#)
        );
        assert!(text.ends_with(r#"{"type":"lessThanOrEqual","left":{"type":"columnValue","columnName":"measurement.dataTime"},"right":{"type":"time","scanTime":false,"time":"2026-11-20T23:59:59+00:00"}}]}}"#));
        let back: Query = serde_json::from_str(&text).unwrap();
        assert_eq!(back, window);
    }

    #[test]
    fn login_names_the_key_pair() {
        let text = serde_json::to_string(&Login::new("id", "secret")).unwrap();
        assert_eq!(
            text,
            r#"{"type":"login","apiKeyId":"id","apiKeySecret":"secret"}"#
        );
    }
}
