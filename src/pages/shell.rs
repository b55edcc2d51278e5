//! The document around the views: the head with the inline style, the header with the store
//! and generation time, the navigation tabs, the layout the views sit in, the footer and the
//! inline router script. The one file that knows every view; no view imports it.

use super::assets::{SCRIPT, STYLE};
use super::context::{Context, Mode};
use super::escape::Esc;
use super::time::short;
use super::views::{check_page, checks, datasets, scans};
use crate::results::stored::ReportData;
use std::fmt::{self, Write};

pub fn write_document(out: &mut String, data: &ReportData, mode: Mode) -> fmt::Result {
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
    datasets::write_pages(out, &ctx)?;
    check_page::write_pages(out, &ctx)?;
    out.push_str(match mode {
        Mode::File => "</main><footer class=\"wrap\">Made by soda-rs from the local results store. Self-contained: no network requests.</footer>",
        Mode::Live => "</main><footer class=\"wrap\">Served live by soda server from its results store; reload for the latest results.</footer>",
    });
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
        Esc(&short(&data.generated_at)),
    )?;
    write_nav(out, ctx)
}

/// The tabs with their counts (Check Results counts its rows: a check run under two scan
/// definitions is two); Datasets leaves out the rows of data sources that have scans but no
/// checks. The router marks the current tab.
fn write_nav(out: &mut String, ctx: &Context<'_>) -> fmt::Result {
    let data = ctx.data;
    write!(
        out,
        "<nav class=\"tabs wrap\" aria-label=\"Views\">\
         <a href=\"#checks\" data-view=\"checks\">Check Results <span class=\"tab-n\">{}</span></a>\
         <a href=\"#datasets\" data-view=\"datasets\">Datasets <span class=\"tab-n\">{}</span></a>\
         <a href=\"#scans\" data-view=\"scans\">Scans <span class=\"tab-n\">{}</span></a></nav></header>",
        ctx.lanes.len(),
        ctx.datasets.iter().filter(|d| d.counts.total() > 0).count(),
        data.scans.len()
    )
}
