//! What several views need, computed once per document: the dataset
//! rows (each with its own latest scan), the Check Results rows (one per check and scan
//! definition), each scan's outcome counts, and the lookups between them. The shell builds it
//! and hands it to every view, so a view reads shared facts without knowing about the others.

use super::facts::{dataset_rows, lanes, scan_counts, Counts, DatasetRow, Lane};
use crate::results::stored::{ReportData, ScanSummary};
use std::collections::HashMap;

/// Where the document is shown: the `soda report` file, or `soda server`'s live page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    /// One file, no network requests.
    #[default]
    File,
    /// Rendered by `soda server` at each request.
    Live,
}

pub struct Context<'a> {
    pub data: &'a ReportData,
    pub datasets: Vec<DatasetRow<'a>>,
    /// The Check Results rows: one per check and scan definition.
    pub lanes: Vec<Lane<'a>>,
    /// The rows' current outcomes.
    pub lane_counts: Counts,
    /// Each scan's results, counted by outcome.
    pub scan_counts: HashMap<i64, Counts>,
    scans_by_id: HashMap<i64, &'a ScanSummary>,
    dataset_index: HashMap<(&'a str, Option<&'a str>), usize>,
}

impl<'a> Context<'a> {
    pub fn new(data: &'a ReportData) -> Context<'a> {
        let scans_by_id: HashMap<i64, &'a ScanSummary> =
            data.scans.iter().map(|s| (s.id, s)).collect();
        let lanes = lanes(data, |id| {
            scans_by_id.get(&id).map(|s| s.definition.as_str())
        });
        let mut lane_counts = Counts::default();
        for lane in &lanes {
            lane_counts.add(lane.outcome());
        }
        let datasets = dataset_rows(data);
        let dataset_index = datasets
            .iter()
            .enumerate()
            .map(|(i, r)| ((r.data_source, r.dataset), i))
            .collect();
        Context {
            data,
            datasets,
            lanes,
            lane_counts,
            scan_counts: scan_counts(data),
            scans_by_id,
            dataset_index,
        }
    }

    /// The scan of a result.
    pub fn scan(&self, id: i64) -> Option<&'a ScanSummary> {
        self.scans_by_id.get(&id).copied()
    }

    /// The index of a dataset's page (`#dataset-{index}`, its row in [`Self::datasets`]).
    pub fn dataset_page(&self, data_source: &str, dataset: Option<&str>) -> Option<usize> {
        self.dataset_index.get(&(data_source, dataset)).copied()
    }

    /// The row of a dataset (or of a data source's own checks), when its latest scan failed
    /// to complete.
    pub fn failed_scan_of(
        &self,
        data_source: &str,
        dataset: Option<&str>,
    ) -> Option<&DatasetRow<'a>> {
        self.dataset_page(data_source, dataset)
            .and_then(|i| self.datasets.get(i))
            .filter(|r| r.scan_failed())
    }

    /// The datasets whose own latest scan failed to complete.
    pub fn failed_datasets(&self) -> impl Iterator<Item = &DatasetRow<'a>> + '_ {
        self.datasets.iter().filter(|r| r.scan_failed())
    }
}
