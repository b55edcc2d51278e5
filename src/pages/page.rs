//! The document around the views: head with the inline style, the header with the store and
//! generation time, the navigation tabs, the inline router script, and the small pieces of
//! markup every view shares (outcome and scan-status badges).

use super::assets::{SCRIPT, STYLE};
use super::escape::Esc;
use super::facts::{
    dataset_rows, latest_scans, outcome_counts, Counts, DatasetRow, Outcome, ScanStatus,
};
use super::{check_page, checks, datasets, scans};
use crate::results::stored::{ReportData, ScanSummary};
use std::collections::BTreeMap;
use std::fmt::{self, Write};

/// What several views need, computed once.
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

pub fn write_document(out: &mut String, data: &ReportData) -> fmt::Result {
    let ctx = Context::new(data);
    write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <meta name=\"color-scheme\" content=\"light dark\">\
         <title>Data quality report · {}</title><style>{STYLE}</style></head><body>",
        Esc(&data.store)
    )?;
    write_header(out, &ctx)?;
    out.push_str("<main class=\"wrap\">");
    checks::write_view(out, &ctx)?;
    datasets::write_view(out, &ctx)?;
    scans::write_view(out, &ctx)?;
    check_page::write_pages(out, &ctx)?;
    out.push_str("</main><footer class=\"wrap\">Made by soda-rs from the local results store. Self-contained: no network requests.</footer>");
    writeln!(out, "<script>{SCRIPT}</script></body></html>")
}

fn write_header(out: &mut String, ctx: &Context<'_>) -> fmt::Result {
    let data = ctx.data;
    write!(
        out,
        "<header class=\"top\"><div class=\"wrap head\"><div class=\"brand\">\
         <svg class=\"logo\" viewBox=\"0 0 24 24\" aria-hidden=\"true\"><circle cx=\"12\" cy=\"12\" r=\"11\"/><path d=\"M7 12.5l3.2 3.2L17 8.8\"/></svg>\
         <div><div class=\"title\">Data quality report</div><div class=\"store\" title=\"Results store\">{}</div></div></div>\
         <div class=\"generated\">Generated <time datetime=\"{}\">{}</time></div></div>",
        Esc(&data.store),
        Esc(&data.generated_at),
        Esc(&super::time::short(&data.generated_at)),
    )?;
    write!(
        out,
        "<nav class=\"tabs wrap\" aria-label=\"Views\">\
         <a href=\"#checks\" data-view=\"checks\">Check Results <span class=\"tab-n\">{}</span></a>\
         <a href=\"#datasets\" data-view=\"datasets\">Datasets <span class=\"tab-n\">{}</span></a>\
         <a href=\"#scans\" data-view=\"scans\">Scans <span class=\"tab-n\">{}</span></a></nav></header>",
        data.checks.len(),
        ctx.datasets.iter().filter(|d| d.counts.total() > 0).count(),
        data.scans.len()
    )
}

/// An outcome as icon and label, e.g. for the Check Results table.
pub fn outcome_badge(out: &mut String, outcome: Outcome) -> fmt::Result {
    write!(
        out,
        "<span class=\"oc oc-{}\"><span class=\"oc-i\" aria-hidden=\"true\">{}</span>{}</span>",
        outcome.key(),
        outcome.icon(),
        outcome.label()
    )
}

/// A scan status as icon and label; `error` is styled apart from `fail`.
pub fn scan_badge(out: &mut String, status: ScanStatus) -> fmt::Result {
    write!(
        out,
        "<span class=\"oc st-{}\"><span class=\"oc-i\" aria-hidden=\"true\">{}</span>{}</span>",
        status.key(),
        status.icon(),
        status.label()
    )
}

/// `1 check`, `2 checks`.
pub fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}
