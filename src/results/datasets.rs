//! Each dataset's scan status, as Soda Cloud's Datasets dashboard shows it: a dataset whose
//! own latest scan failed to complete carries a warning, apart from its failing checks. The
//! rule is decided here once, from the scans the store holds and the datasets each covers, so
//! that the store's read model, `soda report`, the server's pages and `/api/v1/datasets` agree.

use super::stored::{ScanDataset, ScanSummary};
use super::time::parse_utc;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The scan status of one dataset.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DatasetStatus {
    pub data_source: String,
    pub dataset: String,
    /// The newest scan that covered it (by data time, then end time, then store order).
    pub latest_scan: ScanMention,
    /// Present when that scan failed to complete: the warning to show.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failed_scan: Option<FailedScan>,
    /// The newest scan covering it that completed; `None` when none ever did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_completed_scan: Option<ScanMention>,
}

/// A scan, as a warning or a link names it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ScanMention {
    pub id: i64,
    pub definition: String,
    pub data_timestamp: String,
}

/// The scan behind a dataset's failed-scan warning, with the first error of its log.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FailedScan {
    #[serde(flatten)]
    pub scan: ScanMention,
    pub first_error: Option<String>,
}

impl DatasetStatus {
    pub fn scan_failed(&self) -> bool {
        self.failed_scan.is_some()
    }
}

/// How scans order in time: by data timestamp, then by when they ended, then by id (the
/// store's insertion order). Unreadable times order first, so they never count as newest
/// when a readable one exists.
pub type ScanOrder = (Option<i64>, Option<i64>, i64);

pub fn scan_order_key(scan: &ScanSummary) -> ScanOrder {
    let millis = |t: &str| parse_utc(t).map(|t| t.timestamp_millis());
    (
        millis(&scan.data_timestamp),
        millis(&scan.scan_end),
        scan.id,
    )
}

fn mention(scan: &ScanSummary) -> ScanMention {
    ScanMention {
        id: scan.id,
        definition: scan.definition.clone(),
        data_timestamp: scan.data_timestamp.clone(),
    }
}

/// The status of every dataset some scan covered, ordered by data source then dataset.
pub fn statuses(scans: &[ScanSummary]) -> Vec<DatasetStatus> {
    let mut by_dataset: BTreeMap<&ScanDataset, Vec<&ScanSummary>> = BTreeMap::new();
    for scan in scans {
        for d in &scan.datasets {
            by_dataset.entry(d).or_default().push(scan);
        }
    }
    by_dataset
        .into_iter()
        .filter_map(|(d, mut covering)| {
            covering.sort_by_key(|s| std::cmp::Reverse(scan_order_key(s)));
            let latest = *covering.first()?;
            Some(DatasetStatus {
                data_source: d.data_source.clone(),
                dataset: d.dataset.clone(),
                latest_scan: mention(latest),
                failed_scan: latest.has_errors.then(|| FailedScan {
                    scan: mention(latest),
                    first_error: latest
                        .logs
                        .iter()
                        .find(|l| l.level.eq_ignore_ascii_case("error"))
                        .map(|l| l.message.clone()),
                }),
                last_completed_scan: covering.iter().find(|s| !s.has_errors).map(|s| mention(s)),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::results::stored::LogLine;

    fn scan(id: i64, definition: &str, day: u32, failed: bool, datasets: &[&str]) -> ScanSummary {
        ScanSummary {
            id,
            definition: definition.into(),
            data_source: "shop".into(),
            data_timestamp: format!("2024-05-{day:02}T00:00:00+00:00"),
            has_errors: failed,
            datasets: datasets
                .iter()
                .map(|d| ScanDataset {
                    data_source: "shop".into(),
                    dataset: (*d).into(),
                })
                .collect(),
            logs: failed
                .then(|| LogLine {
                    level: "error".into(),
                    message: format!("scan {id} failed"),
                    timestamp: String::new(),
                })
                .into_iter()
                .collect(),
            ..ScanSummary::default()
        }
    }

    #[test]
    fn a_failed_scan_warns_only_on_the_datasets_it_covers() {
        let scans = [
            scan(1, "customers_daily", 1, false, &["customers"]),
            scan(2, "orders_daily", 1, false, &["orders"]),
            scan(3, "returns_daily", 2, true, &["returns"]),
        ];
        let s = statuses(&scans);
        let warned: Vec<(&str, bool)> = s
            .iter()
            .map(|d| (d.dataset.as_str(), d.scan_failed()))
            .collect();
        assert_eq!(
            warned,
            [("customers", false), ("orders", false), ("returns", true)]
        );
        let returns = &s[2];
        let failed = returns.failed_scan.as_ref().expect("a warning");
        assert_eq!(failed.scan.id, 3);
        assert_eq!(failed.scan.definition, "returns_daily");
        assert_eq!(failed.first_error.as_deref(), Some("scan 3 failed"));
        assert_eq!(returns.last_completed_scan, None, "returns never completed");
    }

    #[test]
    fn the_warning_clears_when_a_later_scan_of_the_dataset_completes() {
        let scans = [
            scan(1, "daily", 1, true, &["orders"]),
            scan(2, "hourly", 2, false, &["orders"]),
            scan(3, "other", 3, true, &["customers"]),
        ];
        let s = statuses(&scans);
        assert_eq!(s[1].dataset, "orders");
        assert!(!s[1].scan_failed());
        assert_eq!(s[1].latest_scan.id, 2);
        assert!(s[0].scan_failed(), "customers' own latest scan failed");
    }

    #[test]
    fn a_newer_failed_scan_warns_even_after_completed_ones() {
        let scans = [
            scan(1, "daily", 1, false, &["orders"]),
            scan(2, "daily", 2, true, &["orders"]),
        ];
        let s = statuses(&scans);
        assert!(s[0].scan_failed());
        assert_eq!(s[0].last_completed_scan.as_ref().map(|m| m.id), Some(1));
    }
}
