//! The bodies of Soda Cloud calls that carry scan results, as typed wire structs, shared by the
//! client that sends them and whoever receives them.

use crate::report::document::ScanResults;
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
