//! What the views compute from [`ReportData`] before writing markup: outcomes and their
//! counts, scan statuses, and the dataset rows with each dataset's own latest scan.
//!
//! Kept apart from the markup so the rules (which scan is "the last one", when a dataset
//! carries the failed-scan warning) are tested on their own.

use super::time::parse_millis;
use crate::results::stored::{CheckHistory, CheckPoint, DatasetStatus, ReportData, ScanSummary};
use std::collections::{BTreeMap, HashMap};

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
#[cfg(test)]
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
            ScanStatus::Error => "Scan failed",
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

/// How many error lines a scan's log holds (Soda's `ERROR`, or `CRITICAL`, in any case): the
/// N of "Scan failed (N errors)".
pub fn error_count(scan: &ScanSummary) -> usize {
    scan.logs
        .iter()
        .filter(|l| {
            let level = l.level.trim();
            level.eq_ignore_ascii_case("error") || level.eq_ignore_ascii_case("critical")
        })
        .count()
}

/// How many results of each outcome every scan recorded, by scan id: one pass over all
/// results, so the Scans view counts a year of history without a search per scan.
pub fn scan_counts(data: &ReportData) -> HashMap<i64, Counts> {
    let mut counts: HashMap<i64, Counts> = HashMap::with_capacity(data.scans.len());
    for check in &data.checks {
        for point in &check.results {
            counts
                .entry(point.scan_id)
                .or_default()
                .add(Outcome::of_point(point));
        }
    }
    counts
}

/// How many of the outcomes the strip of recent results shows.
pub const STRIP: usize = 10;

/// One row of Check Results: a check's results under one scan definition. Soda's check
/// identity leaves the scan definition out (its history, the metric identity, keeps it in),
/// so one checks file run as `-s daily` and `-s hourly` is one check with two lanes, each
/// with its own latest outcome; a check that only ever ran under one has one lane.
#[derive(Debug, Clone, PartialEq)]
pub struct Lane<'a> {
    /// The check's index in `data.checks` (its page is `#check-{index}`).
    pub check: usize,
    /// The scan definition of the lane's results (`""` when their scan is not recorded).
    pub definition: &'a str,
    /// Its latest result, `None` for a check without results.
    pub latest: Option<&'a CheckPoint>,
    /// Its last [`STRIP`] results, oldest first.
    pub recent: Vec<&'a CheckPoint>,
    /// How many results it has.
    pub results: usize,
}

impl Lane<'_> {
    pub fn outcome(&self) -> Outcome {
        self.latest.map_or(Outcome::NotEvaluated, Outcome::of_point)
    }
}

/// The lanes of every check, checks in store order and each check's lanes by scan
/// definition. `definition_of` names the scan definition of a scan id.
pub fn lanes<'a>(
    data: &'a ReportData,
    definition_of: impl Fn(i64) -> Option<&'a str>,
) -> Vec<Lane<'a>> {
    let mut all = Vec::with_capacity(data.checks.len());
    for (i, check) in data.checks.iter().enumerate() {
        let mut own: Vec<Lane<'a>> = Vec::with_capacity(1);
        // Newest first, so each lane's first result is its latest and the strip stops early.
        for point in check.results.iter().rev() {
            let definition = definition_of(point.scan_id).unwrap_or("");
            let lane = match own.iter().position(|l| l.definition == definition) {
                Some(at) => &mut own[at],
                None => {
                    own.push(Lane {
                        check: i,
                        definition,
                        latest: Some(point),
                        recent: Vec::new(),
                        results: 0,
                    });
                    own.last_mut().expect("just pushed")
                }
            };
            lane.results += 1;
            if lane.recent.len() < STRIP {
                lane.recent.push(point);
            }
        }
        if own.is_empty() {
            own.push(Lane {
                check: i,
                definition: "",
                latest: None,
                recent: Vec::new(),
                results: 0,
            });
        }
        for lane in &mut own {
            lane.recent.reverse();
        }
        own.sort_by(|a, b| a.definition.cmp(b.definition));
        all.extend(own);
    }
    all
}

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
    fn a_check_run_under_two_scan_definitions_has_a_lane_for_each() {
        let mut c = check("a", Some("t"), &[Some("pass"), Some("fail"), Some("warn")]);
        c.results[0].scan_id = 1;
        c.results[1].scan_id = 2;
        c.results[2].scan_id = 1;
        let data = ReportData {
            checks: vec![c, check("a", Some("t"), &[])],
            ..ReportData::default()
        };
        let names = |id: i64| match id {
            1 => Some("daily"),
            2 => Some("hourly"),
            _ => None,
        };
        let lanes = lanes(&data, names);
        let got: Vec<_> = lanes
            .iter()
            .map(|l| {
                (
                    l.check,
                    l.definition,
                    l.outcome(),
                    l.results,
                    l.recent.len(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                (0, "daily", Outcome::Warn, 2, 2),
                (0, "hourly", Outcome::Fail, 1, 1),
                (1, "", Outcome::NotEvaluated, 0, 0),
            ]
        );
        let daily: Vec<_> = lanes[0]
            .recent
            .iter()
            .map(|p| Outcome::of_point(p))
            .collect();
        assert_eq!(daily, [Outcome::Pass, Outcome::Warn], "oldest first");
    }

    #[test]
    fn the_strip_keeps_the_last_ten_and_scans_count_their_results() {
        let outcomes: Vec<Option<&str>> = (0..25)
            .map(|i| Some(if i == 24 { "fail" } else { "pass" }))
            .collect();
        let mut c = check("a", Some("t"), &outcomes);
        for (i, p) in c.results.iter_mut().enumerate() {
            p.scan_id = i as i64;
        }
        let data = ReportData {
            checks: vec![c.clone(), c],
            ..ReportData::default()
        };
        let lanes = lanes(&data, |_| Some("d"));
        assert_eq!(lanes[0].recent.len(), STRIP);
        assert_eq!(lanes[0].results, 25);
        assert_eq!(lanes[0].recent.last().map(|p| p.scan_id), Some(24));
        let counts = scan_counts(&data);
        assert_eq!(
            counts[&24],
            Counts {
                fail: 2,
                ..Counts::default()
            }
        );
        assert_eq!(counts[&3].pass, 2);
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
