//! The page of each check (`#check-<index in data.checks>`): what and where it is, its
//! definition, the chart of its value over data time, the failed-row samples, and all its
//! results newest first.

use crate::pages::chart::{plottable, write_chart};
use crate::pages::context::Context;
use crate::pages::escape::Esc;
use crate::pages::explain::{sample_types, write_explain};
use crate::pages::facts::{current, Outcome};
use crate::pages::numbers::{write_value, Unit};
use crate::pages::time::short;
use crate::pages::widgets::{display_name, failed_scan_summary, outcome_badge, plural};
use crate::pages::zones::zone_text_in;
use crate::results::stored::{cell_text, CheckHistory, CheckPoint, SampleRows, Zone};
use std::fmt::{self, Write};

pub fn write_pages(out: &mut String, ctx: &Context<'_>) -> fmt::Result {
    for (i, check) in ctx.data.checks.iter().enumerate() {
        write_page(out, ctx, i, check)?;
    }
    Ok(())
}

fn write_page(out: &mut String, ctx: &Context<'_>, i: usize, check: &CheckHistory) -> fmt::Result {
    let unit = Unit::of(check);
    write_title(out, ctx, i, check)?;
    let explained = write_explain(out, check, &ctx.data.checks)?;
    write_facts(out, check, unit)?;
    // A check without numbers (a schema check) is explained by its diagnostics above rather
    // than by an empty chart.
    if plottable(check) || !explained {
        out.push_str("<h3>Value over data time</h3><div class=\"card pad chart-card\">");
        write_chart(out, check)?;
        out.push_str("</div>");
    }
    if let Some(samples) = &check.samples {
        write_samples(out, samples, &sample_types(check))?;
    }
    write_results(out, &check.results, unit)?;
    out.push_str("</section>");
    Ok(())
}

/// Opens the page's section (the `i` of `#check-i`) with the way back, the outcome and the
/// name, and a note when the latest scan of its data source did not complete.
fn write_title(out: &mut String, ctx: &Context<'_>, i: usize, check: &CheckHistory) -> fmt::Result {
    let outcome = current(check);
    write!(
        out,
        "<section id=\"check-{i}\" class=\"view check-page\" data-identity=\"{}\" data-outcome=\"{}\" aria-labelledby=\"h-check-{i}\">\
         <p class=\"crumbs\"><a href=\"#checks\">← Check Results</a></p><div class=\"check-head\">",
        Esc(&check.identity),
        outcome.key()
    )?;
    outcome_badge(out, outcome)?;
    write!(
        out,
        "<h2 id=\"h-check-{i}\">{}</h2></div>",
        Esc(display_name(&check.name))
    )?;
    let failed = ctx.failed_scan_of(&check.data_source, check.dataset.as_deref());
    if let Some((row, scan)) = failed.and_then(|r| Some((r, r.latest_scan?))) {
        out.push_str("<div class=\"alert scan-failed-note\"><span class=\"alert-i\" aria-hidden=\"true\">⚠</span><div>The last scan of this dataset failed to complete: ");
        failed_scan_summary(out, scan, row.first_error())?;
        out.push_str("</div></div>");
    }
    Ok(())
}

/// What and where the check is, its latest value and thresholds, and its definition.
fn write_facts(out: &mut String, check: &CheckHistory, unit: Unit) -> fmt::Result {
    out.push_str("<div class=\"card pad\"><dl class=\"meta\">");
    meta(out, "Dataset", check.dataset.as_deref().unwrap_or("—"))?;
    meta(out, "Column", check.column.as_deref().unwrap_or("—"))?;
    meta(out, "Data source", &check.data_source)?;
    write!(
        out,
        "<div><dt>Checks file</dt><dd><code>{}:{}</code></dd></div>",
        Esc(&check.file),
        check.line
    )?;
    if let Some(p) = check.results.last() {
        write_latest(out, p, unit)?;
    }
    write!(
        out,
        "<div><dt>Identity</dt><dd><code>{}</code></dd></div></dl>",
        Esc(&check.identity)
    )?;
    write!(
        out,
        "<h3>Definition</h3><pre class=\"definition\">{}</pre></div>",
        Esc(&check.definition)
    )
}

/// The latest result's value and the zones it was judged by; a zone without bounds is left
/// out rather than shown empty.
fn write_latest(out: &mut String, p: &CheckPoint, unit: Unit) -> fmt::Result {
    out.push_str("<div><dt>Latest value</dt><dd class=\"latest-value\">");
    if p.value.is_none() && p.value_text.is_empty() {
        out.push('—');
    }
    write_value(out, p.value, &p.value_text, unit)?;
    out.push_str("</dd></div>");
    meta(
        out,
        "Latest data time",
        &format!("{} UTC", short(&p.data_timestamp)),
    )?;
    let fail = p
        .fail
        .as_ref()
        .map(|z| zone_text_in(z, unit))
        .unwrap_or_default();
    let warn = p
        .warn
        .as_ref()
        .map(|z| zone_text_in(z, unit))
        .unwrap_or_default();
    if !fail.is_empty() {
        meta(out, "Fails when", &fail)?;
    }
    if !warn.is_empty() {
        meta(out, "Warns when", &warn)?;
    }
    Ok(())
}

/// All results, newest first.
fn write_results(out: &mut String, results: &[CheckPoint], unit: Unit) -> fmt::Result {
    write!(
        out,
        "<h3>Results <span class=\"muted\">({}, newest first)</span></h3>",
        results.len()
    )?;
    if results.is_empty() {
        out.push_str("<p class=\"empty\">No results recorded.</p>");
        return Ok(());
    }
    out.push_str("<div class=\"card scroll\"><table class=\"data results-table\"><thead><tr><th>Data time (UTC)</th><th>Outcome</th><th class=\"num\">Value</th><th>Fail zone</th><th>Warn zone</th><th>Scan</th></tr></thead><tbody>");
    // The longest table of the report (one row per result): the cells carry no classes but
    // the outcome's, whose icon the style sheet adds. Zones rarely change between
    // results, so their text is made once per change.
    let mut fail = ZoneText::new(unit);
    let mut warn = ZoneText::new(unit);
    for p in results.iter().rev() {
        let o = Outcome::of_point(p);
        write!(
            out,
            "<tr><td>{}</td><td class=\"o-{}\">{}",
            Esc(&short(&p.data_timestamp)),
            o.key(),
            o.label(),
        )?;
        // Why a result has no outcome, under it: never a blank row that looks like a pass.
        if o == Outcome::NotEvaluated {
            for r in &p.reasons {
                write!(
                    out,
                    "<div class=\"reason\" data-code=\"{}\">{}</div>",
                    Esc(&r.code),
                    Esc(&r.message)
                )?;
            }
        }
        out.push_str("</td><td class=\"num\">");
        write_value(out, p.value, &p.value_text, unit)?;
        write!(
            out,
            "</td><td>{}</td><td>{}</td><td><a href=\"#scan-{}\">#{}</a></td></tr>",
            Esc(fail.of(p.fail.as_ref())),
            Esc(warn.of(p.warn.as_ref())),
            p.scan_id,
            p.scan_id
        )?;
    }
    out.push_str("</tbody></table></div>");
    Ok(())
}

fn meta(out: &mut String, term: &str, value: &str) -> fmt::Result {
    write!(
        out,
        "<div><dt>{}</dt><dd>{}</dd></div>",
        Esc(term),
        Esc(value)
    )
}

/// The failed rows, with each column's type when the diagnostics name it.
fn write_samples(
    out: &mut String,
    samples: &SampleRows,
    types: &[(String, String)],
) -> fmt::Result {
    let shown = samples.sample.rows.len();
    let total = samples.sample.total.max(shown);
    write!(
        out,
        "<h3>Failed rows</h3><p class=\"samples-note\">Showing {shown} of {} (data time {}).</p>",
        plural(total, "failing row"),
        Esc(&short(&samples.data_timestamp))
    )?;
    if shown == 0 {
        return Ok(());
    }
    // A row longer than the header still shows all its cells, under unnamed columns.
    let width = samples
        .sample
        .rows
        .iter()
        .map(Vec::len)
        .max()
        .unwrap_or(0)
        .max(samples.sample.columns.len());
    out.push_str("<div class=\"card scroll\"><table class=\"data failed-rows\"><thead><tr>");
    for c in 0..width {
        let name = samples.sample.columns.get(c).map_or("", String::as_str);
        write!(out, "<th>{}", Esc(name))?;
        if let Some((_, t)) = types.iter().find(|(n, _)| n == name) {
            write!(out, " <span class=\"col-type\">{}</span>", Esc(t))?;
        }
        out.push_str("</th>");
    }
    out.push_str("</tr></thead><tbody>");
    for row in &samples.sample.rows {
        out.push_str("<tr class=\"failed-row\">");
        for c in 0..width {
            match row.get(c).map(cell_text) {
                // A NULL is not text: shown apart from a cell holding the text "NULL" or "None".
                Some(None) => out.push_str("<td><span class=\"null\">NULL</span></td>"),
                Some(Some(text)) => write!(out, "<td>{}</td>", Esc(&text))?,
                None => out.push_str("<td></td>"),
            }
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table></div>");
    Ok(())
}

/// The text of the last zone seen, reused while the zone stays the same.
struct ZoneText<'a> {
    zone: Option<&'a Zone>,
    text: String,
    unit: Unit,
}

impl<'a> ZoneText<'a> {
    fn new(unit: Unit) -> Self {
        ZoneText {
            zone: None,
            text: String::new(),
            unit,
        }
    }

    fn of(&mut self, zone: Option<&'a Zone>) -> &str {
        if zone != self.zone {
            self.text = zone.map(|z| zone_text_in(z, self.unit)).unwrap_or_default();
            self.zone = zone;
        }
        &self.text
    }
}
