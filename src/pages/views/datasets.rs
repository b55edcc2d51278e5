//! The Datasets view (`#datasets`): per (data source, dataset) the counts of the checks'
//! latest outcomes, when it was last checked, and Soda Cloud's failed-scan warning when its
//! own most recent scan did not complete. The warning is styled as a scan
//! error, apart from failed checks.

use crate::pages::context::Context;
use crate::pages::escape::{Esc, Url};
use crate::pages::facts::{DatasetRow, Outcome};
use crate::pages::time::short;
use crate::pages::widgets::{failed_scan_summary, outcome_badge};
use std::fmt::{self, Write};

pub fn write_view(out: &mut String, ctx: &Context<'_>) -> fmt::Result {
    out.push_str("<section id=\"datasets\" class=\"view\" aria-labelledby=\"h-datasets\"><h2 id=\"h-datasets\">Datasets</h2>");
    if ctx.datasets.is_empty() {
        out.push_str("<p class=\"empty\">No datasets in this store yet.</p></section>");
        return Ok(());
    }
    out.push_str("<div class=\"card\"><table class=\"data datasets-table\"><thead><tr><th>Dataset</th><th>Data source</th><th>Health</th>");
    for outcome in Outcome::ALL {
        out.push_str("<th class=\"num\">");
        outcome_badge(out, outcome)?;
        out.push_str("</th>");
    }
    out.push_str("<th>Last checked</th><th>Last scan</th></tr></thead><tbody>");
    for row in &ctx.datasets {
        write_row(out, row)?;
    }
    out.push_str("</tbody></table></div></section>");
    Ok(())
}

fn write_row(out: &mut String, row: &DatasetRow<'_>) -> fmt::Result {
    write!(
        out,
        "<tr class=\"dataset{}\" data-data-source=\"{}\" data-dataset=\"{}\"><td class=\"name\">",
        if row.scan_failed() {
            " has-scan-error"
        } else {
            ""
        },
        Esc(row.data_source),
        Esc(row.dataset.unwrap_or(""))
    )?;
    write_name(out, row)?;
    write!(out, "</td><td>{}</td><td>", Esc(row.data_source))?;
    write_health_bar(out, row)?;
    out.push_str("</td>");
    for outcome in Outcome::ALL {
        let n = row.counts.get(outcome);
        write!(
            out,
            "<td class=\"num{}\">{n}</td>",
            if n == 0 {
                String::from(" zero")
            } else {
                format!(" n-{}", outcome.key())
            }
        )?;
    }
    write!(
        out,
        "<td class=\"time\">{}</td><td class=\"last-scan\">",
        Esc(&row.last_data_time.map(short).unwrap_or_default())
    )?;
    write_last_scan(out, row)?;
    out.push_str("</td></tr>");
    Ok(())
}

/// The dataset as a link to its checks; the rows without a dataset say why they have none.
fn write_name(out: &mut String, row: &DatasetRow<'_>) -> fmt::Result {
    match row.dataset {
        Some(name) => write!(
            out,
            "<a href=\"#checks?dataset={}\">{}</a>",
            Url(name),
            Esc(name)
        )?,
        None if row.counts.total() > 0 => {
            out.push_str("<span class=\"muted\">(data source checks)</span>")
        }
        None => out.push_str("<span class=\"muted\">(no checks recorded)</span>"),
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
