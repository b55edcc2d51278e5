//! The Datasets view (`#datasets`): per (data source, dataset) the counts of the checks'
//! latest outcomes, when it was last checked, and Soda Cloud's failed-scan warning when its
//! own most recent scan did not complete. The warning is styled as a scan
//! error, apart from failed checks.
//!
//! And a page per dataset (`#dataset-<index of its row>`): its latest scan, the warning with
//! the scan definition, data time and first error, and its checks grouped by column, the
//! dataset-level checks first.

use super::checks::{worst_first, write_table, Table};
use crate::pages::context::Context;
use crate::pages::escape::Esc;
use crate::pages::facts::{error_count, DatasetRow, Outcome, ScanStatus};
use crate::pages::time::short;
use crate::pages::widgets::{failed_scan_summary, outcome_badge, plural, scan_badge};
use std::collections::BTreeMap;
use std::fmt::{self, Write};

pub fn write_view(out: &mut String, ctx: &Context<'_>) -> fmt::Result {
    out.push_str("<section id=\"datasets\" class=\"view\" aria-labelledby=\"h-datasets\"><h2 id=\"h-datasets\">Datasets</h2>");
    if ctx.datasets.is_empty() {
        out.push_str("<p class=\"empty\">No datasets in this store yet.</p></section>");
        return Ok(());
    }
    out.push_str("<div class=\"card\"><table class=\"data datasets-table stack\"><thead><tr><th scope=\"col\">Dataset</th><th scope=\"col\">Data source</th><th scope=\"col\">Health</th>");
    for outcome in Outcome::ALL {
        out.push_str("<th scope=\"col\" class=\"num\">");
        outcome_badge(out, outcome)?;
        out.push_str("</th>");
    }
    out.push_str(
        "<th scope=\"col\">Last checked</th><th scope=\"col\">Last scan</th></tr></thead><tbody>",
    );
    for (i, row) in ctx.datasets.iter().enumerate() {
        write_row(out, i, row)?;
    }
    out.push_str("</tbody></table></div></section>");
    Ok(())
}

fn write_row(out: &mut String, i: usize, row: &DatasetRow<'_>) -> fmt::Result {
    write!(
        out,
        "<tr class=\"dataset{}\" data-data-source=\"{}\" data-dataset=\"{}\"><td class=\"name\" data-label=\"Dataset\">",
        if row.scan_failed() {
            " has-scan-error"
        } else {
            ""
        },
        Esc(row.data_source),
        Esc(row.dataset.unwrap_or(""))
    )?;
    write_name(out, i, row)?;
    write!(
        out,
        "</td><td data-label=\"Data source\">{}</td><td data-label=\"Health\">",
        Esc(row.data_source)
    )?;
    write_health_bar(out, row)?;
    out.push_str("</td>");
    for outcome in Outcome::ALL {
        let n = row.counts.get(outcome);
        write!(
            out,
            "<td data-label=\"{}\" class=\"num{}\">{n}</td>",
            outcome.label(),
            if n == 0 {
                String::from(" zero")
            } else {
                format!(" n-{}", outcome.key())
            }
        )?;
    }
    write!(
        out,
        "<td class=\"time\" data-label=\"Last checked\">{}</td><td class=\"last-scan\" data-label=\"Last scan\">",
        Esc(&row.last_data_time.map(short).unwrap_or_default())
    )?;
    write_last_scan(out, row)?;
    out.push_str("</td></tr>");
    Ok(())
}

/// The dataset as a link to its page; the rows without a dataset say why they have none.
fn write_name(out: &mut String, i: usize, row: &DatasetRow<'_>) -> fmt::Result {
    write!(out, "<a href=\"#dataset-{i}\">")?;
    write_title(out, row)?;
    out.push_str("</a>");
    Ok(())
}

/// The dataset's name, or what stands for it on a data source's own row.
fn write_title(out: &mut String, row: &DatasetRow<'_>) -> fmt::Result {
    match row.dataset {
        Some(name) => write!(out, "{}", Esc(name))?,
        None if row.counts.total() > 0 => out.push_str("(data source checks)"),
        None => out.push_str("(no checks recorded)"),
    }
    Ok(())
}

/// The page of every dataset row.
pub fn write_pages(out: &mut String, ctx: &Context<'_>) -> fmt::Result {
    // The lanes of each (data source, dataset), in one pass.
    let mut lanes: BTreeMap<(&str, Option<&str>), Vec<usize>> = BTreeMap::new();
    for (i, lane) in ctx.lanes.iter().enumerate() {
        let check = &ctx.data.checks[lane.check];
        lanes
            .entry((check.data_source.as_str(), check.dataset.as_deref()))
            .or_default()
            .push(i);
    }
    for (i, row) in ctx.datasets.iter().enumerate() {
        let own = lanes
            .remove(&(row.data_source, row.dataset))
            .unwrap_or_default();
        write_page(out, ctx, i, row, own)?;
    }
    Ok(())
}

fn write_page(
    out: &mut String,
    ctx: &Context<'_>,
    i: usize,
    row: &DatasetRow<'_>,
    own: Vec<usize>,
) -> fmt::Result {
    write!(
        out,
        "<section id=\"dataset-{i}\" class=\"view dataset-page\" data-data-source=\"{}\" data-dataset=\"{}\" aria-labelledby=\"h-dataset-{i}\">\
         <p class=\"crumbs\"><a href=\"#datasets\">← Datasets</a></p><h2 id=\"h-dataset-{i}\">",
        Esc(row.data_source),
        Esc(row.dataset.unwrap_or(""))
    )?;
    write_title(out, row)?;
    write!(
        out,
        "</h2><div class=\"card pad\"><dl class=\"meta\"><div><dt>Data source</dt><dd>{}</dd></div><div><dt>Checks</dt><dd class=\"ds-counts\">",
        Esc(row.data_source)
    )?;
    write_counts(out, row)?;
    write!(
        out,
        "</dd></div><div><dt>Last checked</dt><dd>{}</dd></div><div><dt>Latest scan</dt><dd class=\"last-scan\">",
        Esc(&row.last_data_time.map(short).unwrap_or_else(|| "—".into()))
    )?;
    match row.latest_scan {
        Some(scan) => {
            scan_badge(out, ScanStatus::of(scan), error_count(scan))?;
            write!(
                out,
                "<span class=\"sub\">{} · {} · <a href=\"#scan-{}\">scan #{}</a></span>",
                Esc(&scan.definition),
                Esc(&short(&scan.data_timestamp)),
                scan.id,
                scan.id
            )?;
        }
        None => out.push_str("<span class=\"muted\">no scan recorded</span>"),
    }
    out.push_str("</dd></div></dl></div>");
    if let Some(scan) = row.latest_scan.filter(|_| row.scan_failed()) {
        out.push_str("<div class=\"alert scan-failed-note\" role=\"alert\"><span class=\"alert-i\" aria-hidden=\"true\">⚠</span><div><b>The last scan of this dataset failed to complete</b> (its checks may not have run): ");
        failed_scan_summary(out, scan, row.first_error())?;
        out.push_str("</div></div>");
    }
    if own.is_empty() {
        out.push_str("<p class=\"empty\">No checks recorded for it.</p></section>");
        return Ok(());
    }
    // By column, the dataset-level checks (no column) first.
    let mut by_column: BTreeMap<Option<&str>, Vec<usize>> = BTreeMap::new();
    for l in own {
        let check = &ctx.data.checks[ctx.lanes[l].check];
        by_column
            .entry(check.column.as_deref())
            .or_default()
            .push(l);
    }
    for (column, lanes) in by_column {
        let lanes = worst_first(ctx, lanes);
        match column {
            None => write!(
                out,
                "<h3 class=\"col-head\">Dataset checks <span class=\"muted\">({})</span></h3>",
                plural(lanes.len(), "check")
            )?,
            Some(c) => write!(
                out,
                "<h3 class=\"col-head\">Column <code>{}</code> <span class=\"muted\">({})</span></h3>",
                Esc(c),
                plural(lanes.len(), "check")
            )?,
        }
        out.push_str("<div class=\"card\">");
        write_table(out, ctx, &lanes, Table::DatasetPage)?;
        out.push_str("</div>");
    }
    out.push_str("</section>");
    Ok(())
}

/// The counts of the dataset's current outcomes, in words.
fn write_counts(out: &mut String, row: &DatasetRow<'_>) -> fmt::Result {
    if row.counts.total() == 0 {
        out.push_str("<span class=\"muted\">none</span>");
        return Ok(());
    }
    for outcome in Outcome::ALL {
        let n = row.counts.get(outcome);
        if n > 0 {
            write!(
                out,
                "<span class=\"n-{}\">{n} {}</span> ",
                outcome.key(),
                outcome.label().to_lowercase()
            )?;
        }
    }
    Ok(())
}

/// A stacked bar of the outcome shares; the counts next to it carry the same information
/// as text.
fn write_health_bar(out: &mut String, row: &DatasetRow<'_>) -> fmt::Result {
    let total = row.counts.total();
    if total == 0 {
        out.push_str("<span class=\"muted\">—</span>");
        return Ok(());
    }
    out.push_str("<div class=\"bar\" aria-hidden=\"true\">");
    for outcome in [
        Outcome::Fail,
        Outcome::Warn,
        Outcome::NotEvaluated,
        Outcome::Pass,
    ] {
        let n = row.counts.get(outcome);
        if n > 0 {
            write!(
                out,
                "<i class=\"seg-{}\" style=\"width:{:.2}%\" title=\"{n} {}\"></i>",
                outcome.key(),
                n as f64 * 100.0 / total as f64,
                outcome.label()
            )?;
        }
    }
    out.push_str("</div>");
    Ok(())
}

/// The dataset's own latest scan, as Soda Cloud's warning when it did not complete (naming
/// the scan definition, the data time and the first error).
fn write_last_scan(out: &mut String, row: &DatasetRow<'_>) -> fmt::Result {
    match row.latest_scan {
        Some(scan) if row.scan_failed() => {
            out.push_str("<div class=\"scan-failed-warning\" role=\"alert\"><span class=\"alert-i\" aria-hidden=\"true\">⚠</span>Last scan failed to complete</div><div class=\"sub\">");
            failed_scan_summary(out, scan, row.first_error())?;
            out.push_str("</div>");
            Ok(())
        }
        Some(scan) => write!(
            out,
            "<div class=\"time\">{}</div><div class=\"sub\">completed · {} · <a href=\"#scan-{}\">scan #{}</a></div>",
            Esc(&short(&scan.data_timestamp)),
            Esc(&scan.definition),
            scan.id,
            scan.id
        ),
        None => {
            out.push_str("<span class=\"muted\">no scan recorded</span>");
            Ok(())
        }
    }
}
