//! The words for problems that cross stages as data: a failed connection or statement
//! ([`EngineError`]). The stages that
//! find them keep a kind and a location; this is the one place they become text, so a message
//! is changed (or translated, or shown differently in a report) here and nowhere else.

use crate::measure::EngineError;
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
            EngineError::ConnectTimeout { address: None, .. } => {
                f.write_str("timed out while connecting")
            }
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
