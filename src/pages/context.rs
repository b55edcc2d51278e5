//! What several views need, computed once per document: the outcome counts and the dataset
//! rows, each with its own latest scan. The shell builds it and hands it to every view, so a
//! view reads shared facts without knowing about the other views.

use super::facts::{dataset_rows, outcome_counts, Counts, DatasetRow};
use crate::results::stored::ReportData;

pub struct Context<'a> {
    pub data: &'a ReportData,
    pub counts: Counts,
    pub datasets: Vec<DatasetRow<'a>>,
}

impl<'a> Context<'a> {
    pub fn new(data: &'a ReportData) -> Context<'a> {
        Context {
            data,
            counts: outcome_counts(&data.checks),
            datasets: dataset_rows(data),
        }
    }

    /// The row of a dataset (or of a data source's own checks), when its latest scan failed
    /// to complete.
    pub fn failed_scan_of(
        &self,
        data_source: &str,
        dataset: Option<&str>,
    ) -> Option<&DatasetRow<'a>> {
        self.datasets
            .iter()
            .find(|r| r.data_source == data_source && r.dataset == dataset)
            .filter(|r| r.scan_failed())
    }

    /// The datasets whose own latest scan failed to complete.
    pub fn failed_datasets(&self) -> impl Iterator<Item = &DatasetRow<'a>> + '_ {
        self.datasets.iter().filter(|r| r.scan_failed())
    }
}
