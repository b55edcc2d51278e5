//! The Check Results view (`#checks`, the default): summary counters, the filters, and one
//! row per check with its latest result. The rows carry `data-outcome` and `data-dataset`,
//! which the inline script filters on (it reads the DOM, never data embedded in a script).

use crate::pages::context::Context;
use crate::pages::escape::{Esc, Url};
use crate::pages::facts::{current, Counts, Outcome};
use crate::pages::time::short;
use crate::pages::widgets::failed_scan_summary;
use crate::pages::widgets::{display_name, outcome_badge, plural};
use crate::results::stored::{CheckHistory, ReportData};
use std::collections::BTreeSet;
use std::fmt::{self, Write};

pub fn write_view(out: &mut String, ctx: &Context<'_>) -> fmt::Result {
    let data = ctx.data;
    out.push_str("<section id=\"checks\" class=\"view\" aria-labelledby=\"h-checks\"><h2 id=\"h-checks\">Check Results</h2>");
    write_failed_scans(out, ctx)?;
    write_counters(out, &ctx.counts)?;
    write_toolbar(out, data, &ctx.counts)?;
    if data.checks.is_empty() {
        out.push_str("<p class=\"empty\">No check results in this store yet.</p></section>");
        return Ok(());
    }
    write_table(out, data)?;
    out.push_str("</section>");
    Ok(())
}

/// A banner per dataset whose own latest scan did not complete, naming that scan and its
/// first error: the scan failed, which is not the same as its checks failing.
fn write_failed_scans(out: &mut String, ctx: &Context<'_>) -> fmt::Result {
    let failed: Vec<_> = ctx.failed_datasets().collect();
    if failed.is_empty() {
        return Ok(());
    }
    out.push_str("<div class=\"alert scan-error-banner\" role=\"alert\"><span class=\"alert-i\" aria-hidden=\"true\">⚠</span><div>");
    for (i, row) in failed.iter().enumerate() {
        if i > 0 {
            out.push_str("<br>");
        }
        let Some(scan) = row.latest_scan else {
            continue;
        };
        match row.dataset {
            Some(d) => write!(
                out,
                "The last scan of <b>{}</b> in {}",
                Esc(d),
                Esc(row.data_source)
            )?,
            None => write!(
                out,
                "The last scan of data source <b>{}</b>",
                Esc(row.data_source)
            )?,
        }
        out.push_str(" failed to complete: ");
        failed_scan_summary(out, scan, row.first_error())?;
    }
    out.push_str("</div></div>");
    Ok(())
}

/// The counters double as filter links, so they work before (and without) the script.
fn write_counters(out: &mut String, counts: &Counts) -> fmt::Result {
    write!(
        out,
        "<div class=\"counters\"><a class=\"counter c-all\" href=\"#checks?outcome=all\" data-filter=\"all\"><span class=\"n\">{}</span><span class=\"l\">{}</span></a>",
        counts.total(),
        if counts.total() == 1 { "check" } else { "checks" }
    )?;
    for outcome in Outcome::ALL {
        write!(
            out,
            "<a class=\"counter c-{k}\" href=\"#checks?outcome={k}\" data-filter=\"{k}\"><span class=\"n\"><span class=\"oc-i\" aria-hidden=\"true\">{}</span>{}</span><span class=\"l\">{}</span></a>",
            outcome.icon(),
            counts.get(outcome),
            outcome.label(),
            k = outcome.key(),
        )?;
    }
    out.push_str("</div>");
    Ok(())
}

/// The filters (outcome, dataset, search) and the count of rows shown; hidden without the
/// script, which is what applies them.
fn write_toolbar(out: &mut String, data: &ReportData, counts: &Counts) -> fmt::Result {
    write!(
        out,
        "<div class=\"toolbar js-only\"><label>Outcome <select id=\"f-outcome\" autocomplete=\"off\"><option value=\"all\">All ({})</option>",
        counts.total()
    )?;
    for outcome in Outcome::ALL {
        write!(
            out,
            "<option value=\"{}\">{} ({})</option>",
            outcome.key(),
            outcome.label(),
            counts.get(outcome)
        )?;
    }
    out.push_str("</select></label><label>Dataset <select id=\"f-dataset\" autocomplete=\"off\"><option value=\"\">All datasets</option>");
    let names: BTreeSet<&str> = data
        .checks
        .iter()
        .filter_map(|c| c.dataset.as_deref())
        .collect();
    for name in names {
        write!(
            out,
            "<option value=\"{}\">{}</option>",
            Esc(name),
            Esc(name)
        )?;
    }
    write!(
        out,
        "</select></label><input id=\"f-q\" type=\"search\" placeholder=\"Search name, dataset, column\" aria-label=\"Search checks by name, dataset or column\" autocomplete=\"off\">\
         <span id=\"check-count\" class=\"count\" aria-live=\"polite\">{n} of {}</span></div>",
        plural(data.checks.len(), "check"),
        n = data.checks.len(),
    )
}

fn write_table(out: &mut String, data: &ReportData) -> fmt::Result {
    out.push_str("<div class=\"card\"><table class=\"data checks-table\" id=\"check-table\"><thead><tr><th>Outcome</th><th>Check</th><th>Dataset</th><th>Column</th><th class=\"num\">Value</th><th>Data time</th></tr></thead><tbody>");
    // Worst first, as a reader scans for problems; then by dataset and name for stability.
    let mut order: Vec<usize> = (0..data.checks.len()).collect();
    order.sort_by(|&a, &b| {
        let (ca, cb) = (&data.checks[a], &data.checks[b]);
        (current(ca) as u8, &ca.dataset, &ca.name).cmp(&(current(cb) as u8, &cb.dataset, &cb.name))
    });
    for i in order {
        write_row(out, i, &data.checks[i])?;
    }
    out.push_str("</tbody></table><p class=\"empty\" id=\"no-match\" hidden>No checks match the filters.</p></div>");
    Ok(())
}

/// The row of `check`, the `i`th of `data.checks`: the index is its page's route.
fn write_row(out: &mut String, i: usize, check: &CheckHistory) -> fmt::Result {
    let outcome = current(check);
    let latest = check.results.last();
    let dataset = check.dataset.as_deref().unwrap_or("");
    write!(
        out,
        "<tr data-outcome=\"{}\" data-dataset=\"{}\" data-data-source=\"{}\"><td>",
        outcome.key(),
        Esc(dataset),
        Esc(&check.data_source)
    )?;
    outcome_badge(out, outcome)?;
    write!(
        out,
        "</td><td class=\"c-name\"><a href=\"#check-{i}\">{}</a></td><td><span class=\"c-ds\">",
        Esc(display_name(&check.name))
    )?;
    match &check.dataset {
        Some(name) => write!(
            out,
            "<a href=\"#checks?dataset={}\" title=\"Only this dataset\">{}</a>",
            Url(name),
            Esc(name)
        )?,
        None => out.push_str("<span class=\"muted\">—</span>"),
    }
    write!(
        out,
        "</span><span class=\"sub\">{}</span></td><td class=\"c-col\">{}</td><td class=\"num\">{}</td><td class=\"time\">{}</td></tr>",
        Esc(&check.data_source),
        Esc(check.column.as_deref().unwrap_or("")),
        Esc(latest.map_or("", |p| p.value_text.as_str())),
        Esc(&latest.map_or(Default::default(), |p| short(&p.data_timestamp))),
    )
}
