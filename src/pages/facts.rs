//! What the views compute from [`ReportData`] before writing markup: outcomes and their
//! counts, scan statuses, and the dataset rows with each dataset's own latest scan.
//!
//! Kept apart from the markup so the rules (which scan is "the last one", when a dataset
//! carries the failed-scan warning) are tested on their own.

use super::time::parse_millis;
use crate::results::stored::{CheckHistory, CheckPoint, DatasetStatus, ReportData, ScanSummary};
use std::collections::BTreeMap;

/// A check result's outcome, as the report shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Fail,
    Warn,
    NotEvaluated,
    Pass,
}

impl Outcome {
    /// In the order the summary counters and filters list them.
    pub const ALL: [Outcome; 4] = [
        Outcome::Pass,
        Outcome::Warn,
        Outcome::Fail,
        Outcome::NotEvaluated,
    ];

    /// The store's outcome text; anything but pass/warn/fail was not evaluated.
    pub fn of(outcome: Option<&str>) -> Outcome {
        match outcome {
            Some(o) if o.eq_ignore_ascii_case("pass") => Outcome::Pass,
            Some(o) if o.eq_ignore_ascii_case("warn") => Outcome::Warn,
            Some(o) if o.eq_ignore_ascii_case("fail") => Outcome::Fail,
            _ => Outcome::NotEvaluated,
        }
    }

    pub fn of_point(point: &CheckPoint) -> Outcome {
        Outcome::of(point.outcome.as_deref())
    }

    /// The `data-outcome` value, CSS class suffix and filter value.
    pub fn key(self) -> &'static str {
        match self {
            Outcome::Pass => "pass",
            Outcome::Warn => "warn",
            Outcome::Fail => "fail",
            Outcome::NotEvaluated => "not-evaluated",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Outcome::Pass => "Pass",
            Outcome::Warn => "Warn",
            Outcome::Fail => "Fail",
            Outcome::NotEvaluated => "Not evaluated",
        }
    }

    pub fn icon(self) -> &'static str {
        match self {
            Outcome::Pass => "✓",
            Outcome::Warn => "!",
            Outcome::Fail => "✗",
            Outcome::NotEvaluated => "–",
        }
    }
}

/// The current outcome of a check: that of its latest result.
pub fn current(check: &CheckHistory) -> Outcome {
    check
        .results
        .last()
        .map_or(Outcome::NotEvaluated, Outcome::of_point)
}

/// How many checks (or results) have each outcome.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub pass: usize,
    pub warn: usize,
    pub fail: usize,
    pub not_evaluated: usize,
}

impl Counts {
    pub fn add(&mut self, outcome: Outcome) {
        *self.get_mut(outcome) += 1;
    }

    pub fn get(&self, outcome: Outcome) -> usize {
        match outcome {
            Outcome::Pass => self.pass,
            Outcome::Warn => self.warn,
            Outcome::Fail => self.fail,
            Outcome::NotEvaluated => self.not_evaluated,
        }
    }

    fn get_mut(&mut self, outcome: Outcome) -> &mut usize {
        match outcome {
            Outcome::Pass => &mut self.pass,
            Outcome::Warn => &mut self.warn,
            Outcome::Fail => &mut self.fail,
            Outcome::NotEvaluated => &mut self.not_evaluated,
        }
    }

    pub fn total(&self) -> usize {
        self.pass + self.warn + self.fail + self.not_evaluated
    }
}

/// The current outcomes of `checks`, counted.
pub fn outcome_counts<'a>(checks: impl IntoIterator<Item = &'a CheckHistory>) -> Counts {
    let mut counts = Counts::default();
    for check in checks {
        counts.add(current(check));
    }
    counts
}

/// A scan's status. `Error` (the scan did not complete) outranks the check outcomes and is
/// shown differently from `Fail`, as Soda Cloud does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScanStatus {
    Error,
    Fail,
    Warn,
    Pass,
}

impl ScanStatus {
    pub fn of(scan: &ScanSummary) -> ScanStatus {
        if scan.has_errors {
            ScanStatus::Error
        } else if scan.has_failures {
            ScanStatus::Fail
        } else if scan.has_warnings {
            ScanStatus::Warn
        } else {
            ScanStatus::Pass
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            ScanStatus::Error => "error",
            ScanStatus::Fail => "fail",
            ScanStatus::Warn => "warn",
            ScanStatus::Pass => "pass",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ScanStatus::Error => "Error: did not complete",
            ScanStatus::Fail => "Fail",
            ScanStatus::Warn => "Warn",
            ScanStatus::Pass => "Pass",
        }
    }

    pub fn icon(self) -> &'static str {
        match self {
            ScanStatus::Error => "⚠",
            ScanStatus::Fail => "✗",
            ScanStatus::Warn => "!",
            ScanStatus::Pass => "✓",
        }
    }
}

pub use crate::results::datasets::scan_order_key;

/// One row of the Datasets view.
#[derive(Debug, Clone, PartialEq)]
pub struct DatasetRow<'a> {
    pub data_source: &'a str,
    /// `None` gathers the data-source level checks (and stands for a data source whose scans
    /// cover no dataset).
    pub dataset: Option<&'a str>,
    pub counts: Counts,
    /// The newest data timestamp among its checks' latest results.
    pub last_data_time: Option<&'a str>,
    /// Its own latest scan: for a dataset the newest scan that covered it, for the data
    /// source row the newest scan of the data source that covered no dataset.
    pub latest_scan: Option<&'a ScanSummary>,
    /// The dataset's scan status, with the first error of a failed scan.
    pub status: Option<&'a DatasetStatus>,
}

impl DatasetRow<'_> {
    /// Soda Cloud's failed-scan warning: its own latest scan did not complete.
    pub fn scan_failed(&self) -> bool {
        self.latest_scan.is_some_and(|scan| scan.has_errors)
    }

    /// The first error of the failed scan behind the warning.
    pub fn first_error(&self) -> Option<&str> {
        self.status?.failed_scan.as_ref()?.first_error.as_deref()
    }
}

/// The newest of `scans` (see [`scan_order_key`]).
fn newest<'a>(scans: impl Iterator<Item = &'a ScanSummary>) -> Option<&'a ScanSummary> {
    scans.max_by_key(|s| scan_order_key(s))
}

type Newest<'a> = Option<(Option<i64>, &'a str)>;

/// Per (data source, dataset): the latest outcomes counted and the newest data time.
fn check_groups(data: &ReportData) -> BTreeMap<(&str, Option<&str>), (Counts, Newest<'_>)> {
    let mut groups: BTreeMap<(&str, Option<&str>), (Counts, Newest<'_>)> = BTreeMap::new();
    for check in &data.checks {
        let entry = groups
            .entry((check.data_source.as_str(), check.dataset.as_deref()))
            .or_default();
        entry.0.add(current(check));
        if let Some(last) = check.results.last() {
            let key = (
                parse_millis(&last.data_timestamp),
                last.data_timestamp.as_str(),
            );
            if entry.1.is_none_or(|newest| key > newest) {
                entry.1 = Some(key);
            }
        }
    }
    groups
}

/// The Datasets view: one row per dataset with checks or covered by a scan, one per data
/// source with data-source level checks, and one per data source whose scans cover no
/// dataset at all; ordered by data source then dataset.
pub fn dataset_rows(data: &ReportData) -> Vec<DatasetRow<'_>> {
    let mut groups = check_groups(data);
    for d in &data.datasets {
        groups
            .entry((d.data_source.as_str(), Some(d.dataset.as_str())))
            .or_default();
    }
    for scan in &data.scans {
        let ds = scan.data_source.as_str();
        if !groups.keys().any(|(source, _)| *source == ds) {
            groups.insert((ds, None), (Counts::default(), None));
        }
    }
    let by_id: BTreeMap<i64, &ScanSummary> = data.scans.iter().map(|s| (s.id, s)).collect();
    groups
        .into_iter()
        .map(|((data_source, dataset), (counts, newest_time))| {
            let status = dataset.and_then(|name| {
                data.datasets
                    .iter()
                    .find(|d| d.data_source == data_source && d.dataset == name)
            });
            let latest_scan = match dataset {
                Some(_) => status.and_then(|s| by_id.get(&s.latest_scan.id).copied()),
                None => newest(
                    data.scans
                        .iter()
                        .filter(|s| s.data_source == data_source && s.datasets.is_empty()),
                ),
            };
            DatasetRow {
                data_source,
                dataset,
                counts,
                last_data_time: newest_time.map(|(_, text)| text),
                latest_scan,
                status,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::results::stored::CheckInfo;

    fn scan(id: i64, ds: &str, time: &str, errors: bool) -> ScanSummary {
        ScanSummary {
            id,
            data_source: ds.into(),
            data_timestamp: time.into(),
            has_errors: errors,
            ..ScanSummary::default()
        }
    }

    fn check(ds: &str, dataset: Option<&str>, outcomes: &[Option<&str>]) -> CheckHistory {
        CheckHistory {
            check: CheckInfo {
                data_source: ds.into(),
                dataset: dataset.map(Into::into),
                ..CheckInfo::default()
            },
            results: outcomes
                .iter()
                .enumerate()
                .map(|(i, o)| CheckPoint {
                    data_timestamp: format!("2024-05-{:02}T00:00:00+00:00", i + 1),
                    outcome: o.map(Into::into),
                    ..CheckPoint::default()
                })
                .collect(),
            ..CheckHistory::default()
        }
    }

    #[test]
    fn outcomes_count_the_latest_result_only() {
        let checks = vec![
            check("a", Some("t"), &[Some("fail"), Some("pass")]),
            check("a", Some("t"), &[Some("pass"), Some("warn")]),
            check("a", Some("t"), &[Some("fail")]),
            check("a", Some("t"), &[Some("pass"), None]),
            check("a", Some("t"), &[Some("bogus")]),
            check("a", Some("t"), &[]),
            check("a", Some("t"), &[Some("PASS")]),
        ];
        let counts = outcome_counts(&checks);
        assert_eq!(
            counts,
            Counts {
                pass: 2,
                warn: 1,
                fail: 1,
                not_evaluated: 3
            }
        );
        assert_eq!(counts.total(), checks.len());
    }

    #[test]
    fn scan_status_ranks_errors_above_failures() {
        let mut s = scan(1, "a", "", false);
        assert_eq!(ScanStatus::of(&s), ScanStatus::Pass);
        s.has_warnings = true;
        assert_eq!(ScanStatus::of(&s), ScanStatus::Warn);
        s.has_failures = true;
        assert_eq!(ScanStatus::of(&s), ScanStatus::Fail);
        s.has_errors = true;
        assert_eq!(ScanStatus::of(&s), ScanStatus::Error);
    }

    /// A scan of data source `ds` covering `datasets`.
    fn covering(mut s: ScanSummary, datasets: &[&str]) -> ScanSummary {
        s.datasets = datasets
            .iter()
            .map(|d| crate::results::stored::ScanDataset {
                data_source: s.data_source.clone(),
                dataset: (*d).into(),
            })
            .collect();
        s
    }

    fn data(scans: Vec<ScanSummary>) -> ReportData {
        ReportData {
            datasets: crate::results::datasets::statuses(&scans),
            scans,
            checks: vec![
                check("a", Some("orders"), &[Some("pass")]),
                check("a", Some("orders"), &[Some("fail")]),
                check("a", Some("customers"), &[Some("pass")]),
                check("b", Some("orders"), &[Some("warn"), Some("pass")]),
                check("b", None, &[None]),
            ],
            ..ReportData::default()
        }
    }

    #[test]
    fn the_warning_follows_the_datasets_own_latest_scan() {
        let d = data(vec![
            covering(scan(3, "a", "2024-05-03T00:00:00Z", true), &["returns"]),
            covering(scan(2, "a", "2024-05-02T00:00:00Z", false), &["orders"]),
            covering(scan(4, "a", "2024-05-01T00:00:00Z", false), &["customers"]),
            scan(1, "b", "2024-05-03T00:00:00Z", false),
        ]);
        let rows = dataset_rows(&d);
        let failed: Vec<_> = rows
            .iter()
            .map(|r| (r.data_source, r.dataset, r.scan_failed()))
            .collect();
        assert_eq!(
            failed,
            vec![
                ("a", Some("customers"), false),
                ("a", Some("orders"), false),
                ("a", Some("returns"), true),
                ("b", None, false),
                ("b", Some("orders"), false),
            ]
        );
        let orders = &rows[1];
        assert_eq!(orders.counts.pass, 1);
        assert_eq!(orders.counts.fail, 1);
        assert_eq!(orders.latest_scan.map(|s| s.id), Some(2));
        assert_eq!(orders.last_data_time, Some("2024-05-01T00:00:00+00:00"));
        let returns = &rows[2];
        assert_eq!(returns.counts.total(), 0, "listed without any check");
        assert_eq!(rows[4].last_data_time, Some("2024-05-02T00:00:00+00:00"));
    }

    #[test]
    fn an_older_error_does_not_warn_when_the_newest_scan_completed() {
        let d = data(vec![
            covering(scan(2, "a", "2024-05-01T00:00:00Z", true), &["orders"]),
            covering(scan(3, "a", "2024-05-02T00:00:00Z", false), &["orders"]),
            scan(1, "b", "2024-04-01T00:00:00Z", true),
            scan(4, "b", "2024-04-02T00:00:00Z", false),
        ]);
        assert!(dataset_rows(&d).iter().all(|r| !r.scan_failed()));
    }

    #[test]
    fn a_data_source_without_scans_or_without_checks() {
        let d = data(vec![scan(1, "c", "2024-05-01T00:00:00Z", true)]);
        let rows = dataset_rows(&d);
        assert!(rows
            .iter()
            .filter(|r| r.data_source != "c")
            .all(|r| r.latest_scan.is_none() && !r.scan_failed()));
        let c = rows.iter().find(|r| r.data_source == "c").unwrap();
        assert_eq!(
            (c.dataset, c.counts.total(), c.scan_failed()),
            (None, 0, true)
        );
    }
}
