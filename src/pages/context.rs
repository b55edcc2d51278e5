//! What several views need, computed once per document: the outcome counts, the dataset
//! rows and the most recent scan of each data source. The shell builds it and hands it to
//! every view, so a view reads shared facts without knowing about the other views.

use super::facts::{dataset_rows, latest_scans, outcome_counts, Counts, DatasetRow};
use crate::results::stored::{ReportData, ScanSummary};
use std::collections::BTreeMap;

pub struct Context<'a> {
    pub data: &'a ReportData,
    pub counts: Counts,
    pub datasets: Vec<DatasetRow<'a>>,
    latest_scans: BTreeMap<&'a str, usize>,
}

impl<'a> Context<'a> {
    pub fn new(data: &'a ReportData) -> Context<'a> {
        Context {
            data,
            counts: outcome_counts(&data.checks),
            datasets: dataset_rows(data),
            latest_scans: latest_scans(&data.scans),
        }
    }

    /// The most recent scan of a data source, when it failed to complete.
    pub fn failed_latest_scan(&self, data_source: &str) -> Option<&'a ScanSummary> {
        let data = self.data;
        self.latest_scans
            .get(data_source)
            .map(|&i| &data.scans[i])
            .filter(|scan| scan.has_errors)
    }

    /// Data sources whose most recent scan failed to complete, with that scan.
    pub fn failed_data_sources(&self) -> impl Iterator<Item = (&'a str, &'a ScanSummary)> + '_ {
        let data = self.data;
        self.latest_scans
            .iter()
            .map(move |(&ds, &i)| (ds, &data.scans[i]))
            .filter(|(_, scan)| scan.has_errors)
    }
}
