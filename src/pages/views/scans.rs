//! The Scans view (`#scans`): one row per scan, newest data time first, with its status
//! (a scan that did not complete is "Scan failed (N errors)", shown apart from `fail`), its
//! results counted by outcome next to it (a failed scan whose checks mostly passed says so),
//! its scan definition, the first error inline, and its log in a `<details>` with error lines
//! highlighted.

use crate::pages::context::Context;
use crate::pages::escape::Esc;
use crate::pages::facts::{error_count, scan_order_key, Counts, Outcome, ScanStatus};
use crate::pages::time::{clock, short};
use crate::pages::widgets::{plural, scan_badge};
use crate::results::stored::{LogLine, ScanSummary};
use std::fmt::{self, Write};

/// How much of the first error message the status cell shows; the log has all of it.
const FIRST_ERROR_CHARS: usize = 240;

pub fn write_view(out: &mut String, ctx: &Context<'_>) -> fmt::Result {
    let scans = &ctx.data.scans;
    out.push_str("<section id=\"scans\" class=\"view\" aria-labelledby=\"h-scans\"><h2 id=\"h-scans\">Scans</h2>");
    if scans.is_empty() {
        out.push_str("<p class=\"empty\">No scans in this store yet.</p></section>");
        return Ok(());
    }
    let mut order: Vec<usize> = (0..scans.len()).collect();
    order.sort_by_cached_key(|&i| std::cmp::Reverse(scan_order_key(&scans[i])));

    out.push_str("<div class=\"card\"><table class=\"data scans-table stack\"><thead><tr><th scope=\"col\">Status</th><th scope=\"col\">Results</th><th scope=\"col\">Scan</th><th scope=\"col\">Scan definition</th><th scope=\"col\">Data source</th><th scope=\"col\">Data time</th><th scope=\"col\">Started</th><th scope=\"col\">Ended</th></tr></thead><tbody>");
    let none = Counts::default();
    for i in order {
        let counts = ctx.scan_counts.get(&scans[i].id).unwrap_or(&none);
        write_row(out, &scans[i], counts)?;
        // A second row under the scan's, spanning the table, so long messages and logs
        // do not stretch the columns.
        out.push_str("<tr class=\"scan-logs\"><td colspan=\"8\">");
        write_first_error(out, &scans[i].logs)?;
        write_logs(out, &scans[i].logs)?;
        out.push_str("</td></tr>");
    }
    out.push_str("</tbody></table></div></section>");
    Ok(())
}

fn write_row(out: &mut String, scan: &ScanSummary, counts: &Counts) -> fmt::Result {
    let status = ScanStatus::of(scan);
    let errors = error_count(scan);
    write!(
        out,
        "<tr id=\"scan-{}\" class=\"scan st-row-{}\" data-status=\"{}\" data-data-source=\"{}\"><td>",
        scan.id,
        status.key(),
        status.key(),
        Esc(&scan.data_source)
    )?;
    scan_badge(out, status, errors)?;
    out.push_str("</td><td class=\"scan-counts\" data-label=\"Results\">");
    write_counts(out, counts, scan.check_count)?;
    write!(
        out,
        "</td><td class=\"nowrap\" data-label=\"Scan\">#{}</td><td class=\"c-def\" data-label=\"Scan definition\">{}</td><td data-label=\"Data source\">{}</td><td class=\"time\" data-label=\"Data time\">{}</td><td class=\"time\" data-label=\"Started\">{}</td><td class=\"time\" data-label=\"Ended\">{}</td></tr>",
        scan.id,
        Esc(&scan.definition),
        Esc(&scan.data_source),
        Esc(&short(&scan.data_timestamp)),
        Esc(&short(&scan.scan_start)),
        Esc(&short(&scan.scan_end)),
    )
}

/// A scan's results by outcome (`✓ 8 ! 1 ✗ 1`), zeros left out, and the total; the counts
/// come from the recorded results, the total from the scan when it recorded none.
fn write_counts(out: &mut String, counts: &Counts, recorded: usize) -> fmt::Result {
    let total = counts.total().max(recorded);
    if total == 0 {
        out.push_str("<span class=\"muted\">no check results</span>");
        return Ok(());
    }
    out.push_str("<span class=\"sc-counts\">");
    for outcome in [
        Outcome::Pass,
        Outcome::Warn,
        Outcome::Fail,
        Outcome::NotEvaluated,
    ] {
        let n = counts.get(outcome);
        if n > 0 {
            write!(
                out,
                "<span class=\"scn n-{k}\" data-outcome=\"{k}\" title=\"{n} {}\"><span aria-hidden=\"true\">{}</span> {n}<span class=\"vh\"> {}</span></span>",
                outcome.label(),
                outcome.icon(),
                outcome.label().to_lowercase(),
                k = outcome.key(),
            )?;
        }
    }
    write!(
        out,
        "</span><span class=\"sub\">of {}</span>",
        plural(total, "check")
    )
}

/// The first error, cut short, so why a scan failed shows without opening its log.
fn write_first_error(out: &mut String, logs: &[LogLine]) -> fmt::Result {
    let Some(first) = logs.iter().find(|l| is_error(l)) else {
        return Ok(());
    };
    let message = first.message.trim();
    let cut = message
        .char_indices()
        .nth(FIRST_ERROR_CHARS)
        .map_or(message.len(), |(i, _)| i);
    write!(
        out,
        "<div class=\"err-msg\">{}{}</div>",
        Esc(&message[..cut]),
        if cut < message.len() { "…" } else { "" }
    )
}

/// The whole log, folded: its summary counts the lines and errors.
fn write_logs(out: &mut String, logs: &[LogLine]) -> fmt::Result {
    if logs.is_empty() {
        out.push_str("<span class=\"muted\">No log lines recorded.</span>");
        return Ok(());
    }
    let errors = logs.iter().filter(|l| is_error(l)).count();
    write!(
        out,
        "<details><summary>Logs: {}{}</summary><ol class=\"logs\">",
        plural(logs.len(), "line"),
        if errors > 0 {
            format!(
                ", <span class=\"log-err-n\">{}</span>",
                plural(errors, "error")
            )
        } else {
            String::new()
        }
    )?;
    for line in logs {
        write!(
            out,
            "<li class=\"log log-{}\"><span class=\"lv\">{}</span><span class=\"ts\" title=\"{}\">{}</span><span class=\"msg\">{}</span></li>",
            level_class(line),
            Esc(&line.level),
            Esc(&line.timestamp),
            Esc(clock(&line.timestamp).unwrap_or(&line.timestamp)),
            Esc(&line.message)
        )?;
    }
    out.push_str("</ol></details>");
    Ok(())
}

fn is_error(line: &LogLine) -> bool {
    level_class(line) == "error"
}

/// Soda Core's levels (`ERROR`, `WARNING`, `INFO`, `DEBUG`), in any case.
fn level_class(line: &LogLine) -> &'static str {
    let level = line.level.trim();
    if level.eq_ignore_ascii_case("error") || level.eq_ignore_ascii_case("critical") {
        "error"
    } else if level.eq_ignore_ascii_case("warning") || level.eq_ignore_ascii_case("warn") {
        "warning"
    } else if level.eq_ignore_ascii_case("debug") {
        "debug"
    } else {
        "info"
    }
}
