//! The Check Results view (`#checks`, the default): summary counters, the filters, and one
//! row per check and scan definition with its latest result: outcome, name and column,
//! dataset and data source, scan definition, value, the data time of the last result, a strip
//! of the last outcomes, and the check's attributes. The rows carry `data-*` attributes that
//! the inline script filters and sorts on (it reads the DOM, never data embedded in a script).
//!
//! The same rows (without the dataset) make up each dataset's page, so [`write_rows`] is
//! shared with the Datasets view.

use crate::pages::context::Context;
use crate::pages::escape::{Esc, Url};
use crate::pages::facts::{Counts, Lane, Outcome};
use crate::pages::numbers::{write_value, Unit};
use crate::pages::time::{parse_millis, short};
use crate::pages::widgets::{
    attribute_chips, attribute_text, display_name, failed_scan_summary, outcome_badge,
    outcome_strip, plural,
};
use std::collections::BTreeSet;
use std::fmt::{self, Write};

pub fn write_view(out: &mut String, ctx: &Context<'_>) -> fmt::Result {
    out.push_str("<section id=\"checks\" class=\"view\" aria-labelledby=\"h-checks\"><h2 id=\"h-checks\">Check Results</h2>");
    write_failed_scans(out, ctx)?;
    write_counters(out, &ctx.lane_counts)?;
    write_toolbar(out, ctx)?;
    if ctx.lanes.is_empty() {
        out.push_str("<p class=\"empty\">No check results in this store yet.</p></section>");
        return Ok(());
    }
    out.push_str("<div class=\"card\">");
    let order = worst_first(ctx, (0..ctx.lanes.len()).collect());
    write_table(out, ctx, &order, Table::CheckResults)?;
    out.push_str("<p class=\"empty\" id=\"no-match\" hidden>No checks match the filters.</p></div></section>");
    Ok(())
}

/// Which table the rows go into: Check Results (with the dataset, the one the filters act
/// on) or a dataset's page (its rows need no dataset).
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Table {
    CheckResults,
    DatasetPage,
}

/// The lanes `order` (indexes into `ctx.lanes`), worst outcome first, then by dataset, name
/// and scan definition, as a reader scans for problems.
pub fn worst_first(ctx: &Context<'_>, mut order: Vec<usize>) -> Vec<usize> {
    let checks = &ctx.data.checks;
    order.sort_by(|&a, &b| {
        let (la, lb) = (&ctx.lanes[a], &ctx.lanes[b]);
        let (ca, cb) = (&checks[la.check], &checks[lb.check]);
        (la.outcome() as u8, &ca.dataset, &ca.name, la.definition).cmp(&(
            lb.outcome() as u8,
            &cb.dataset,
            &cb.name,
            lb.definition,
        ))
    });
    order
}

/// A table of the lanes `order`, headers with their scope.
pub fn write_table(
    out: &mut String,
    ctx: &Context<'_>,
    order: &[usize],
    table: Table,
) -> fmt::Result {
    match table {
        Table::CheckResults => out.push_str("<table class=\"data checks-table stack\" id=\"check-table\"><thead><tr><th scope=\"col\">Outcome</th><th scope=\"col\">Check</th><th scope=\"col\">Dataset</th><th scope=\"col\">Scan definition</th><th scope=\"col\" class=\"num\">Value</th><th scope=\"col\">Last result</th><th scope=\"col\">Recent outcomes</th><th scope=\"col\">Attributes</th></tr></thead><tbody>"),
        Table::DatasetPage => out.push_str("<table class=\"data checks-table stack\"><thead><tr><th scope=\"col\">Outcome</th><th scope=\"col\">Check</th><th scope=\"col\">Scan definition</th><th scope=\"col\" class=\"num\">Value</th><th scope=\"col\">Last result</th><th scope=\"col\">Recent outcomes</th><th scope=\"col\">Attributes</th></tr></thead><tbody>"),
    }
    for (n, &i) in order.iter().enumerate() {
        write_row(out, ctx, n, &ctx.lanes[i], table)?;
    }
    out.push_str("</tbody></table>");
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
        let page = ctx.dataset_page(row.data_source, row.dataset).unwrap_or(0);
        match row.dataset {
            Some(d) => write!(
                out,
                "The last scan of <a href=\"#dataset-{page}\"><b>{}</b></a> in {}",
                Esc(d),
                Esc(row.data_source)
            )?,
            None => write!(
                out,
                "The last scan of data source <a href=\"#dataset-{page}\"><b>{}</b></a>",
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

/// One `<select>` of the toolbar: its label, id, the "all" option and the values.
fn write_select(
    out: &mut String,
    label: &str,
    id: &str,
    all: &str,
    values: impl IntoIterator<Item = (String, String)>,
) -> fmt::Result {
    write!(
        out,
        "<label for=\"{id}\">{label}</label><select id=\"{id}\" autocomplete=\"off\"><option value=\"\">{all}</option>"
    )?;
    for (value, text) in values {
        write!(
            out,
            "<option value=\"{}\">{}</option>",
            Esc(&value),
            Esc(&text)
        )?;
    }
    out.push_str("</select>");
    Ok(())
}

/// The filters (outcome, dataset, data source, scan definition, attribute, search), the
/// sort, and the count of rows shown; hidden without the script, which is what applies them.
fn write_toolbar(out: &mut String, ctx: &Context<'_>) -> fmt::Result {
    let counts = &ctx.lane_counts;
    let checks = &ctx.data.checks;
    out.push_str("<div class=\"toolbar js-only\" role=\"search\" aria-label=\"Filter checks\">");
    write!(
        out,
        "<span class=\"fld\"><label for=\"f-outcome\">Outcome</label><select id=\"f-outcome\" autocomplete=\"off\"><option value=\"all\">All ({})</option>",
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
    out.push_str("</select></span><span class=\"fld\">");
    let datasets: BTreeSet<&str> = checks.iter().filter_map(|c| c.dataset.as_deref()).collect();
    write_select(
        out,
        "Dataset",
        "f-dataset",
        "All datasets",
        datasets.into_iter().map(|d| (d.to_string(), d.to_string())),
    )?;
    out.push_str("</span><span class=\"fld\">");
    let sources: BTreeSet<&str> = checks.iter().map(|c| c.data_source.as_str()).collect();
    write_select(
        out,
        "Data source",
        "f-source",
        "All data sources",
        sources.into_iter().map(|d| (d.to_string(), d.to_string())),
    )?;
    out.push_str("</span><span class=\"fld\">");
    let definitions: BTreeSet<&str> = ctx.lanes.iter().map(|l| l.definition).collect();
    write_select(
        out,
        "Scan definition",
        "f-definition",
        "All scan definitions",
        definitions.into_iter().map(|d| {
            let text = if d.is_empty() {
                "(scan not recorded)"
            } else {
                d
            };
            (d.to_string(), text.to_string())
        }),
    )?;
    out.push_str("</span><span class=\"fld\">");
    let attributes: BTreeSet<(&str, String)> = checks
        .iter()
        .flat_map(|c| &c.attributes)
        .map(|a| (a.name.as_str(), attribute_text(&a.value)))
        .collect();
    write_select(
        out,
        "Attribute",
        "f-attribute",
        "Any attribute",
        attributes
            .into_iter()
            .map(|(n, v)| (format!("{n}={v}"), format!("{n}: {v}"))),
    )?;
    out.push_str("</span><span class=\"fld\"><label for=\"f-sort\">Sort</label><select id=\"f-sort\" autocomplete=\"off\">\
        <option value=\"\">Worst first</option><option value=\"name\">Name</option><option value=\"dataset\">Dataset</option>\
        <option value=\"newest\">Last result, newest first</option><option value=\"oldest\">Last result, oldest first</option></select></span>");
    write!(
        out,
        "<span class=\"fld fld-q\"><label for=\"f-q\">Search</label><input id=\"f-q\" type=\"search\" placeholder=\"Name, dataset, column, attribute\" autocomplete=\"off\"></span>\
         <span id=\"check-count\" class=\"count\" aria-live=\"polite\">{n} of {}</span></div>",
        plural(ctx.lanes.len(), "check"),
        n = ctx.lanes.len(),
    )
}

/// The row of `lane`, the `n`th of its table. Its check's page is `#check-{index}`.
fn write_row(
    out: &mut String,
    ctx: &Context<'_>,
    n: usize,
    lane: &Lane<'_>,
    table: Table,
) -> fmt::Result {
    let check = &ctx.data.checks[lane.check];
    let outcome = lane.outcome();
    let latest = lane.latest;
    let dataset = check.dataset.as_deref().unwrap_or("");
    // Check Results' rows open with `data-outcome` (the tests and the script find them by
    // it); a dataset page's rows are not filtered and say so with their class.
    if table == Table::DatasetPage {
        out.push_str("<tr class=\"ds-check\" ");
    } else {
        out.push_str("<tr ");
    }
    write!(
        out,
        "data-outcome=\"{}\" data-dataset=\"{}\" data-data-source=\"{}\" data-scan-definition=\"{}\" data-time=\"{}\" data-order=\"{n}\"",
        outcome.key(),
        Esc(dataset),
        Esc(&check.data_source),
        Esc(lane.definition),
        latest
            .and_then(|p| parse_millis(&p.data_timestamp))
            .unwrap_or(i64::MIN),
    )?;
    if !check.attributes.is_empty() {
        out.push_str(" data-attributes=\"");
        for (i, a) in check.attributes.iter().enumerate() {
            if i > 0 {
                out.push('\n');
            }
            write!(out, "{}={}", Esc(&a.name), Esc(&attribute_text(&a.value)))?;
        }
        out.push('"');
    }
    out.push_str("><td data-label=\"Outcome\">");
    outcome_badge(out, outcome)?;
    write!(
        out,
        "</td><td class=\"c-name\" data-label=\"Check\"><a href=\"#check-{}\">{}</a>",
        lane.check,
        Esc(display_name(&check.name))
    )?;
    if let Some(column) = &check.column {
        write!(
            out,
            "<span class=\"sub\">column <span class=\"c-col\">{}</span></span>",
            Esc(column)
        )?;
    }
    out.push_str("</td>");
    if table == Table::CheckResults {
        out.push_str("<td data-label=\"Dataset\"><span class=\"c-ds\">");
        let page = ctx.dataset_page(&check.data_source, check.dataset.as_deref());
        match (&check.dataset, page) {
            (Some(name), Some(page)) => write!(
                out,
                "<a href=\"#dataset-{page}\" title=\"The page of this dataset\">{}</a>",
                Esc(name)
            )?,
            (Some(name), None) => write!(
                out,
                "<a href=\"#checks?dataset={}\" title=\"Only this dataset\">{}</a>",
                Url(name),
                Esc(name)
            )?,
            (None, _) => out.push_str("<span class=\"muted\">—</span>"),
        }
        write!(
            out,
            "</span><span class=\"sub c-src\">{}</span></td>",
            Esc(&check.data_source)
        )?;
    }
    out.push_str("<td class=\"c-def\" data-label=\"Scan definition\">");
    if lane.definition.is_empty() {
        out.push_str("<span class=\"muted\">—</span>");
    } else {
        write!(out, "{}", Esc(lane.definition))?;
    }
    // Numbers as people read them, the exact value on hover (as on the check's page).
    out.push_str("</td><td class=\"num\" data-label=\"Value\">");
    if let Some(p) = latest {
        write_value(out, p.value, &p.value_text, Unit::of(check))?;
    }
    out.push_str("</td><td class=\"time\" data-label=\"Last result\">");
    if let Some(p) = latest {
        write!(
            out,
            "<time datetime=\"{}\">{}</time>",
            Esc(&p.data_timestamp),
            Esc(&short(&p.data_timestamp))
        )?;
        if let Some(scan) = ctx.scan(p.scan_id) {
            write!(
                out,
                "<span class=\"sub\"><a href=\"#scan-{}\">scan #{}</a></span>",
                scan.id, scan.id
            )?;
        }
    }
    out.push_str("</td><td class=\"c-strip\" data-label=\"Recent outcomes\">");
    outcome_strip(out, &lane.recent, |id| {
        ctx.scan(id).map(|s| s.definition.as_str())
    })?;
    out.push_str("</td><td class=\"c-attrs\" data-label=\"Attributes\">");
    if check.attributes.is_empty() {
        out.push_str("<span class=\"muted\">—</span>");
    } else {
        attribute_chips(out, &check.attributes)?;
    }
    out.push_str("</td></tr>");
    Ok(())
}
