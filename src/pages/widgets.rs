//! Small pieces of markup and wording that more than one view writes: the outcome and
//! scan-status badges, a check's name as a link text, and counted nouns. One definition each,
//! so that a badge looks the same in the table, on the check page and in the Datasets header.

use super::facts::{Outcome, ScanStatus};
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
    use super::escape::Esc;
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
