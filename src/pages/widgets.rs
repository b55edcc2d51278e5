//! Small pieces of markup and wording that more than one view writes: the outcome and
//! scan-status badges, a check's name as a link text, and counted nouns. One definition each,
//! so that a badge looks the same in the table, on the check page and in the Datasets header.

use super::escape::Esc;
use super::facts::{Outcome, ScanStatus};
use super::time::short;
use crate::results::document::Attribute;
use crate::results::stored::CheckPoint;
use std::fmt::{self, Write};

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

/// A scan status as icon and label; `error` is styled apart from `fail`, and names how many
/// errors its log holds ("Scan failed (2 errors)"): the scan failed, not its checks.
pub fn scan_badge(out: &mut String, status: ScanStatus, errors: usize) -> fmt::Result {
    write!(
        out,
        "<span class=\"oc st-{}\"><span class=\"oc-i\" aria-hidden=\"true\">{}</span>{}",
        status.key(),
        status.icon(),
        status.label()
    )?;
    if status == ScanStatus::Error && errors > 0 {
        write!(out, " ({})", plural(errors, "error"))?;
    }
    out.push_str("</span>");
    Ok(())
}

/// The recent outcomes of a check as a strip of small coloured cells, oldest first: each
/// cell's title names its data time, scan definition, outcome and value, and the strip reads
/// as one sentence to a screen reader.
pub fn outcome_strip<'d>(
    out: &mut String,
    points: &[&CheckPoint],
    definition_of: impl Fn(i64) -> Option<&'d str>,
) -> fmt::Result {
    if points.is_empty() {
        out.push_str("<span class=\"muted\">—</span>");
        return Ok(());
    }
    out.push_str("<span class=\"strip\" role=\"img\" aria-label=\"");
    write!(
        out,
        "Last {}, oldest first: ",
        plural(points.len(), "result")
    )?;
    for (i, p) in points.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str(Outcome::of_point(p).label());
    }
    out.push_str("\">");
    for p in points {
        let outcome = Outcome::of_point(p);
        write!(
            out,
            "<i class=\"sc sc-{}\" title=\"{} · {}",
            outcome.key(),
            Esc(&short(&p.data_timestamp)),
            outcome.label()
        )?;
        if !p.value_text.is_empty() {
            write!(out, " · {}", Esc(&p.value_text))?;
        }
        if let Some(d) = definition_of(p.scan_id).filter(|d| !d.is_empty()) {
            write!(out, " · {}", Esc(d))?;
        }
        out.push_str("\"></i>");
    }
    out.push_str("</span>");
    Ok(())
}

/// An attribute's value as text: a string as it is, anything else as JSON.
pub fn attribute_text(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A check's attributes as small `name: value` chips.
pub fn attribute_chips(out: &mut String, attributes: &[Attribute]) -> fmt::Result {
    for a in attributes {
        write!(
            out,
            "<span class=\"attr\"><span class=\"attr-k\">{}:</span> {}</span>",
            Esc(&a.name),
            Esc(&attribute_text(&a.value))
        )?;
    }
    Ok(())
}

/// `1 check`, `2 checks`.
pub fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// A check's name, or a stand-in so that its link is never empty.
pub fn display_name(name: &str) -> &str {
    if name.trim().is_empty() {
        "(unnamed check)"
    } else {
        name
    }
}

/// A failed scan as a warning names it: its scan definition, data time and link, then the
/// first error of its log (shortened: the scan page has it whole).
pub fn failed_scan_summary(
    out: &mut String,
    scan: &crate::results::stored::ScanSummary,
    first_error: Option<&str>,
) -> fmt::Result {
    write!(
        out,
        "<span class=\"scan-def\">{}</span> · {} · <a href=\"#scan-{}\">scan #{}</a>",
        Esc(&scan.definition),
        Esc(&super::time::short(&scan.data_timestamp)),
        scan.id,
        scan.id
    )?;
    if let Some(error) = first_error {
        let line = error.lines().next().unwrap_or_default();
        let shown: String = line.chars().take(200).collect();
        let cut = if shown.len() < line.len() { "…" } else { "" };
        write!(
            out,
            "<div class=\"first-error\" title=\"{}\">{}{cut}</div>",
            Esc(line),
            Esc(&shown)
        )?;
    }
    Ok(())
}
