//! Why a check has its outcome, from its latest result's diagnostics, as Soda Cloud's check
//! pages explain it per check type: a schema check's columns and what changed or did not
//! match, a change check's historic and current value, an anomaly check's expected value and
//! range, a freshness check's newest timestamp, "now" and the age, a row-count comparison's
//! two counts, any CSV block (group evolution, aggregates) as a table, and a result without
//! an outcome's reasons. What no rule reads is still listed, never dropped.

use super::escape::Esc;
use super::facts::Outcome;
use super::numbers::{number, show, write_json, write_value, Unit};
use super::zones::covered;
use crate::results::stored::{CheckHistory, CheckPoint};
use serde_json::{Map, Value as Json};
use std::fmt::{self, Write};

/// Keys every check's diagnostics have, that other parts of the page show, or that only tell
/// Soda Cloud how to draw its chart (the events they count are in the tables).
const SHOWN_ELSEWHERE: &[&str] = &[
    "value",
    "fail",
    "warn",
    "blocks",
    "preferredChart",
    "valueLabel",
    "valueSeries",
];

/// Writes the explanation card of `check`; `false` when there is nothing to explain (no
/// diagnostics beyond the value and zones, which the facts show).
pub fn write_explain(
    out: &mut String,
    check: &CheckHistory,
    all: &[CheckHistory],
) -> Result<bool, fmt::Error> {
    let Some(latest) = check.results.last() else {
        return Ok(false);
    };
    let empty = Map::new();
    let d = check
        .diagnostics
        .as_ref()
        .and_then(Json::as_object)
        .unwrap_or(&empty);
    let unit = Unit::of(check);
    let mut body = String::new();
    let mut used: Vec<&str> = SHOWN_ELSEWHERE.to_vec();
    let not_evaluated = Outcome::of_point(latest) == Outcome::NotEvaluated;
    if not_evaluated {
        write_not_evaluated(&mut body, latest)?;
    }
    if check.group.is_some() {
        write_groups(&mut body, check, all, unit)?;
    }
    if is_schema(d) {
        write_schema(&mut body, d)?;
        used.extend(SCHEMA_KEYS);
    }
    if let Some(change) = d.get("diagnostics").and_then(Json::as_object) {
        if change.contains_key("historic_value") {
            write_change(&mut body, check, latest, change, unit)?;
            used.push("diagnostics");
        }
    }
    if d.contains_key("anomalyPredictedValue") {
        write_anomaly(&mut body, latest, d, unit)?;
        used.extend(ANOMALY_KEYS);
    }
    if d.contains_key("maxColumnTimestamp") || d.get("measure") == Some(&Json::from("time")) {
        write_freshness(&mut body, latest, d)?;
        used.extend(FRESHNESS_KEYS);
    }
    if d.contains_key("otherRowCount") {
        write_row_counts(&mut body, d)?;
        used.extend(["rowCount", "otherRowCount"]);
    }
    write_csv_blocks(&mut body, d, is_schema(d))?;
    let rest: Vec<(&String, &Json)> = d
        .iter()
        .filter(|(k, _)| !used.contains(&k.as_str()))
        .collect();
    if !rest.is_empty() {
        body.push_str("<h4>Other diagnostics</h4><dl class=\"kv\">");
        for (k, v) in rest {
            write!(body, "<div><dt>{}</dt><dd>", Esc(k))?;
            write_json(&mut body, v, Unit::Plain)?;
            body.push_str("</dd></div>");
        }
        body.push_str("</dl>");
    }
    if body.is_empty() {
        return Ok(false);
    }
    write!(
        out,
        "<h3>{}</h3><div class=\"card pad explain\">{body}</div>",
        if not_evaluated {
            "Why it was not evaluated"
        } else {
            "Why this outcome"
        }
    )?;
    Ok(true)
}

fn write_not_evaluated(out: &mut String, latest: &CheckPoint) -> fmt::Result {
    out.push_str("<div class=\"explain-not-evaluated\"><p class=\"lead\">The latest result has no outcome: the check was not evaluated.");
    if latest.reasons.is_empty() {
        out.push_str(" No reason was recorded; the scan's log may say more.</p>");
    } else {
        out.push_str("</p><ul class=\"reasons\">");
        for r in &latest.reasons {
            write!(
                out,
                "<li class=\"reason-item\" data-code=\"{}\">{}",
                Esc(&r.code),
                Esc(&r.message)
            )?;
            if !r.code.is_empty() {
                write!(out, " <code>{}</code>", Esc(&r.code))?;
            }
            out.push_str("</li>");
        }
        out.push_str("</ul>");
    }
    write!(
        out,
        "<p><a href=\"#scan-{}\">Scan #{}</a> has the log of that run.</p></div>",
        latest.scan_id, latest.scan_id
    )
}

/// A group of a group by: which group this is, and the latest result of every group of the
/// same group by (each group is a check of its own, with its own page).
fn write_groups(
    out: &mut String,
    check: &CheckHistory,
    all: &[CheckHistory],
    unit: Unit,
) -> fmt::Result {
    let Some(group) = check.group.as_ref() else {
        return Ok(());
    };
    let text = |g: &Json, k: &str| {
        g.get(k)
            .and_then(Json::as_str)
            .unwrap_or_default()
            .to_string()
    };
    let parent = text(group, "identity");
    write!(
        out,
        "<div class=\"explain-groups\"><h4>Group by</h4><p class=\"lead\">This is the group <code>{}</code> of <strong>{}</strong>.</p>",
        Esc(&text(group, "distinctLabel")),
        Esc(&text(group, "name"))
    )?;
    let siblings: Vec<(usize, &CheckHistory)> = all
        .iter()
        .enumerate()
        .filter(|(_, c)| {
            c.group
                .as_ref()
                .is_some_and(|g| text(g, "identity") == parent)
        })
        .collect();
    out.push_str("<div class=\"scroll\"><table class=\"data group-results\"><thead><tr><th>Group</th><th>Outcome</th><th class=\"num\">Value</th><th>Data time (UTC)</th></tr></thead><tbody>");
    for (i, c) in siblings {
        let label = c
            .group
            .as_ref()
            .map(|g| text(g, "distinctLabel"))
            .unwrap_or_default();
        let latest = c.results.last();
        let outcome = latest.map_or(Outcome::NotEvaluated, Outcome::of_point);
        let here = if std::ptr::eq(c, check) {
            " class=\"here\""
        } else {
            ""
        };
        write!(
            out,
            "<tr{here}><td><a href=\"#check-{i}\"><code>{}</code></a></td><td class=\"o-{}\">{}</td><td class=\"num\">",
            Esc(&label),
            outcome.key(),
            outcome.label()
        )?;
        if let Some(p) = latest {
            write_value(out, p.value, &p.value_text, unit)?;
        }
        write!(
            out,
            "</td><td>{}</td></tr>",
            Esc(&latest
                .map(|p| super::time::short(&p.data_timestamp).into_owned())
                .unwrap_or_default())
        )?;
    }
    out.push_str("</tbody></table></div></div>");
    Ok(())
}

// ----- Schema ------------------------------------------------------------------------------

const SCHEMA_KEYS: [&str; 8] = [
    "column_additions",
    "column_deletions",
    "column_index_changes",
    "column_index_mismatches",
    "column_type_changes",
    "column_type_mismatches",
    "missing_column_names",
    "present_column_names",
];

fn is_schema(d: &Map<String, Json>) -> bool {
    d.contains_key("column_type_mismatches") || d.contains_key("missing_column_names")
}

/// The names of a JSON array of names.
fn names(v: Option<&Json>) -> Vec<String> {
    v.and_then(Json::as_array)
        .map(|a| {
            a.iter()
                .map(|n| n.as_str().map_or_else(|| n.to_string(), str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// A field of an object of a JSON object, as text.
fn field(v: &Json, key: &str) -> String {
    match v.get(key) {
        Some(Json::String(s)) => s.clone(),
        Some(Json::Null) | None => "—".into(),
        Some(other) => other.to_string(),
    }
}

fn entries<'a>(d: &'a Map<String, Json>, key: &str) -> Vec<(&'a String, &'a Json)> {
    d.get(key)
        .and_then(Json::as_object)
        .map(|o| o.iter().collect())
        .unwrap_or_default()
}

/// The schema's events (what changed since the previous scan, what does not match the
/// expected columns) and then its columns.
fn write_schema(out: &mut String, d: &Map<String, Json>) -> fmt::Result {
    // (column, event class, event, details)
    let mut events: Vec<(String, &str, &str, String)> = Vec::new();
    for c in names(d.get("column_additions")) {
        events.push((c, "added", "Column added", String::new()));
    }
    for c in names(d.get("column_deletions")) {
        events.push((c, "removed", "Column removed", String::new()));
    }
    for (c, v) in entries(d, "column_type_changes") {
        let details = format!("{} → {}", field(v, "previous_type"), field(v, "new_type"));
        events.push((c.clone(), "changed", "Type changed", details));
    }
    for (c, v) in entries(d, "column_index_changes") {
        let details = format!(
            "position {} → {}",
            field(v, "previous_index"),
            field(v, "new_index")
        );
        events.push((c.clone(), "changed", "Position changed", details));
    }
    for c in names(d.get("missing_column_names")) {
        events.push((c, "missing", "Required column missing", String::new()));
    }
    for c in names(d.get("present_column_names")) {
        events.push((c, "forbidden", "Forbidden column present", String::new()));
    }
    for (c, v) in entries(d, "column_type_mismatches") {
        let details = format!(
            "expected {}, actual {}",
            field(v, "expected_type"),
            field(v, "actual_type")
        );
        events.push((c.clone(), "changed", "Type mismatch", details));
    }
    for (c, v) in entries(d, "column_index_mismatches") {
        let mut details = format!(
            "expected position {}, actual {}",
            field(v, "expected_index"),
            field(v, "actual_index")
        );
        if let Some(on) = v.get("column_on_expected_index").and_then(Json::as_str) {
            write!(details, " ({on} is there)")?;
        }
        events.push((c.clone(), "changed", "Position mismatch", details));
    }
    out.push_str("<div class=\"explain-schema\"><h4>Schema changes and mismatches</h4>");
    if events.is_empty() {
        out.push_str(
            "<p class=\"lead\">No columns were added, removed or changed, and the columns match what the check expects.</p>",
        );
    } else {
        out.push_str("<div class=\"scroll\"><table class=\"data schema-events\"><thead><tr><th>Column</th><th>Event</th><th>Details</th></tr></thead><tbody>");
        for (column, class, event, details) in &events {
            write!(
                out,
                "<tr class=\"ev\"><td><code>{}</code></td><td class=\"ev-{class}\">{event}</td><td>{}</td></tr>",
                Esc(column),
                Esc(details)
            )?;
        }
        out.push_str("</tbody></table></div>");
    }
    out.push_str("</div>");
    if let Some(text) = csv_block(d, "Schema") {
        let rows = parse_csv(text);
        if rows.len() > 1 {
            write!(
                out,
                "<h4>Columns <span class=\"muted\">({}, as the scan found them)</span></h4>",
                rows.len() - 1
            )?;
            out.push_str("<div class=\"scroll\"><table class=\"data schema-columns\"><thead><tr><th class=\"num\">#</th><th>Column</th><th>Type</th></tr></thead><tbody>");
            for (i, row) in rows.iter().skip(1).enumerate() {
                write!(
                    out,
                    "<tr><td class=\"num\">{i}</td><td><code>{}</code></td><td>{}</td></tr>",
                    Esc(row.first().map_or("", String::as_str)),
                    Esc(row.get(1).map_or("", String::as_str))
                )?;
            }
            out.push_str("</tbody></table></div>");
        }
    }
    Ok(())
}

/// The text of the CSV block titled `title`.
fn csv_block<'a>(d: &'a Map<String, Json>, title: &str) -> Option<&'a str> {
    d.get("blocks")?.as_array()?.iter().find_map(|b| {
        (*b.get("type")? == "csv" && *b.get("title")? == title)
            .then(|| b.get("text")?.as_str())
            .flatten()
    })
}

/// Soda's CSV text (comma-separated, a field in double quotes may hold commas and `""`).
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    text.lines()
        .filter(|l| !l.is_empty())
        .map(|line| {
            let mut fields = Vec::new();
            let mut field = String::new();
            let mut quoted = false;
            let mut chars = line.chars().peekable();
            while let Some(c) = chars.next() {
                match c {
                    '"' if quoted && chars.peek() == Some(&'"') => {
                        field.push('"');
                        chars.next();
                    }
                    '"' => quoted = !quoted,
                    ',' if !quoted => fields.push(std::mem::take(&mut field)),
                    c => field.push(c),
                }
            }
            fields.push(field);
            fields
        })
        .collect()
}

/// Every CSV block but the schema's (which the schema explanation shows), as a table:
/// group evolution's groups and reasons, aggregated duplicates.
fn write_csv_blocks(out: &mut String, d: &Map<String, Json>, schema: bool) -> fmt::Result {
    let Some(blocks) = d.get("blocks").and_then(Json::as_array) else {
        return Ok(());
    };
    for b in blocks {
        let (Some("csv"), Some(text)) = (
            b.get("type").and_then(Json::as_str),
            b.get("text").and_then(Json::as_str),
        ) else {
            continue;
        };
        let title = b.get("title").and_then(Json::as_str).unwrap_or("Details");
        if schema && matches!(title, "Schema" | "Diagnostics") {
            continue;
        }
        let rows = parse_csv(text);
        let Some((head, body)) = rows.split_first() else {
            continue;
        };
        let width = rows.iter().map(Vec::len).max().unwrap_or(0);
        write!(
            out,
            "<h4>{}</h4><div class=\"scroll\"><table class=\"data csv-block\"><thead><tr>",
            Esc(title)
        )?;
        for c in 0..width {
            write!(
                out,
                "<th>{}</th>",
                Esc(head.get(c).map_or("", String::as_str))
            )?;
        }
        out.push_str("</tr></thead><tbody>");
        for row in body {
            out.push_str("<tr>");
            for c in 0..width {
                // Soda writes outcomes in its blocks as icons: `:icon-fail: Column Added`.
                let cell = row.get(c).map_or("", String::as_str);
                let cell = cell
                    .replace(":icon-fail: ", "✕ ")
                    .replace(":icon-warn: ", "! ")
                    .replace(":icon-pass: ", "✓ ");
                write!(out, "<td>{}</td>", Esc(&cell))?;
            }
            out.push_str("</tr>");
        }
        out.push_str("</tbody></table></div>");
    }
    Ok(())
}

// ----- Change over time, anomaly, freshness, row counts -------------------------------------

fn kv_start(out: &mut String, class: &str, title: &str) {
    let _ = write!(
        out,
        "<div class=\"{class}\"><h4>{title}</h4><dl class=\"kv\">"
    );
}

fn kv_json(out: &mut String, term: &str, v: Option<&Json>, unit: Unit) -> fmt::Result {
    write!(out, "<div><dt>{}</dt><dd>", Esc(term))?;
    write_json(out, v.unwrap_or(&Json::Null), unit)?;
    out.push_str("</dd></div>");
    Ok(())
}

fn kv_text(out: &mut String, term: &str, text: &str) -> fmt::Result {
    write!(
        out,
        "<div><dt>{}</dt><dd>{}</dd></div>",
        Esc(term),
        Esc(text)
    )
}

/// The historic value the check compared with, the current one, and the change.
fn write_change(
    out: &mut String,
    check: &CheckHistory,
    latest: &CheckPoint,
    change: &Map<String, Json>,
    unit: Unit,
) -> fmt::Result {
    let percent_change = check
        .definition
        .to_ascii_lowercase()
        .contains("change percent");
    // The metric's own values are in the metric's unit: a percent metric's change is in
    // percentage points, a change percent of a count compares counts.
    let metric_unit = if percent_change { Unit::Plain } else { unit };
    kv_start(out, "explain-change", "Change over time");
    kv_json(
        out,
        "Historic value",
        change.get("historic_value"),
        metric_unit,
    )?;
    kv_json(
        out,
        "Current value",
        change.get("metric_value"),
        metric_unit,
    )?;
    write!(
        out,
        "<div><dt>{}</dt><dd class=\"change\">",
        if percent_change {
            "Change (percent)"
        } else {
            "Change"
        }
    )?;
    match latest.value.filter(|v| v.is_finite()) {
        Some(v) => {
            let sign = if v > 0.0 { "+" } else { "" };
            let text = if percent_change {
                show(v, Unit::Percent)
            } else {
                show(v, unit)
            };
            write!(
                out,
                "<span class=\"n\" title=\"{}\">{sign}{}</span>",
                Esc(&latest.value_text),
                Esc(&text)
            )?;
        }
        None => write!(out, "{}", Esc(&latest.value_text))?,
    }
    out.push_str("</dd></div></dl></div>");
    Ok(())
}

const ANOMALY_KEYS: [&str; 5] = [
    "anomalyProbability",
    "anomalyPredictedValue",
    "anomalyErrorSeverity",
    "anomalyErrorCode",
    "anomalyErrorMessage",
];

/// The value, what was expected and the range it had to stay in.
fn write_anomaly(
    out: &mut String,
    latest: &CheckPoint,
    d: &Map<String, Json>,
    unit: Unit,
) -> fmt::Result {
    kv_start(out, "explain-anomaly", "Anomaly detection");
    out.push_str("<div><dt>Value</dt><dd>");
    write_value(out, latest.value, &latest.value_text, unit)?;
    out.push_str("</dd></div>");
    kv_json(out, "Expected value", d.get("anomalyPredictedValue"), unit)?;
    let zone = latest.fail.as_ref().or(latest.warn.as_ref());
    let range = zone.and_then(|z| match covered(z).as_slice() {
        [(_, lo), (hi, _)] => Some((*lo, *hi)),
        [(a, b)] if a == b => Some((*a, *b)),
        _ => None,
    });
    if let Some((lo, hi)) = range {
        kv_text(
            out,
            "Expected range",
            &format!("{} to {}", show(lo, unit), show(hi, unit)),
        )?;
        if let Some(v) = latest.value {
            let verdict = if v < lo {
                "below the expected range"
            } else if v > hi {
                "above the expected range"
            } else {
                "within the expected range"
            };
            kv_text(out, "Verdict", verdict)?;
        }
    }
    if let Some(p) = d.get("anomalyProbability").and_then(Json::as_f64) {
        kv_text(out, "Anomaly score", &number(p))?;
    }
    for (key, term) in [
        ("anomalyErrorSeverity", "Severity"),
        ("anomalyErrorMessage", "Message"),
    ] {
        if let Some(text) = d.get(key).and_then(Json::as_str).filter(|s| !s.is_empty()) {
            kv_text(out, term, text)?;
        }
    }
    out.push_str("</dl></div>");
    Ok(())
}

const FRESHNESS_KEYS: [&str; 7] = [
    "measure",
    "maxColumnTimestamp",
    "maxColumnTimestampUtc",
    "nowVariableName",
    "nowTimestamp",
    "nowTimestampUtc",
    "freshness",
];

/// The newest timestamp in the column, the "now" it was compared with, and the age.
fn write_freshness(out: &mut String, latest: &CheckPoint, d: &Map<String, Json>) -> fmt::Result {
    let text = |k: &str| d.get(k).and_then(Json::as_str).map(str::to_string);
    kv_start(out, "explain-freshness", "Freshness");
    match (text("maxColumnTimestamp"), text("maxColumnTimestampUtc")) {
        (Some(t), Some(utc)) if t != utc => {
            kv_text(out, "Newest value", &format!("{t} ({utc} UTC)"))?
        }
        (Some(t), _) => kv_text(out, "Newest value", &t)?,
        (None, _) => out.push_str(
            "<div><dt>Newest value</dt><dd><span class=\"null\">NULL</span> (no rows, or no values)</dd></div>",
        ),
    }
    let now = match (text("nowTimestamp"), text("nowTimestampUtc")) {
        (Some(t), Some(utc)) if t != utc => format!("{t} ({utc} UTC)"),
        (Some(t), _) => t,
        (None, _) => "—".into(),
    };
    let var = text("nowVariableName").unwrap_or_else(|| "NOW".into());
    kv_text(out, &format!("Now (${{{var}}})"), &now)?;
    out.push_str("<div><dt>Age</dt><dd class=\"age\">");
    match (text("freshness"), latest.value) {
        (Some(exact), Some(ms)) => write!(
            out,
            "<span class=\"n\" title=\"{}\">{}</span>",
            Esc(&exact),
            Esc(&show(ms, Unit::Millis))
        )?,
        (None, Some(ms)) if ms > 0.0 => write!(out, "{}", Esc(&show(ms, Unit::Millis)))?,
        (Some(exact), None) => write!(out, "{}", Esc(&exact))?,
        _ => out.push_str("unknown"),
    }
    out.push_str("</dd></div></dl></div>");
    Ok(())
}

fn write_row_counts(out: &mut String, d: &Map<String, Json>) -> fmt::Result {
    kv_start(out, "explain-row-counts", "Row count comparison");
    kv_json(out, "Row count", d.get("rowCount"), Unit::Plain)?;
    kv_json(out, "Other row count", d.get("otherRowCount"), Unit::Plain)?;
    out.push_str("</dl></div>");
    Ok(())
}

/// The column types of a failed-rows block, by column name, for the samples' header.
pub fn sample_types(check: &CheckHistory) -> Vec<(String, String)> {
    let Some(blocks) = check
        .diagnostics
        .as_ref()
        .and_then(|d| d.get("blocks"))
        .and_then(Json::as_array)
    else {
        return Vec::new();
    };
    blocks
        .iter()
        .filter_map(|b| b.get("file")?.get("columns")?.as_array())
        .flatten()
        .filter_map(|c| {
            Some((
                c.get("name")?.as_str()?.to_string(),
                c.get("type")?.as_str()?.to_string(),
            ))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn explained(definition: &str, diagnostics: Json, latest: CheckPoint) -> String {
        let check = CheckHistory {
            check: crate::results::stored::CheckInfo {
                definition: definition.into(),
                ..Default::default()
            },
            results: vec![latest],
            diagnostics: Some(diagnostics),
            ..CheckHistory::default()
        };
        let mut out = String::new();
        write_explain(&mut out, &check, std::slice::from_ref(&check)).unwrap();
        out
    }

    fn point(outcome: Option<&str>, value: Option<f64>) -> CheckPoint {
        CheckPoint {
            outcome: outcome.map(Into::into),
            value,
            value_text: value.map(|v| v.to_string()).unwrap_or_default(),
            ..CheckPoint::default()
        }
    }

    #[test]
    fn schema_changes_read_as_events() {
        let out = explained(
            "schema:\n  fail:\n    when schema changes: any",
            json!({
                "blocks": [{"type": "csv", "title": "Schema", "text": "Column,Type\nid,integer\nemail,text\nloyalty_tier,text"},
                           {"type": "csv", "title": "Diagnostics", "text": "Column,Event,Details\nloyalty_tier,:icon-fail: Column Added, "}],
                "column_additions": ["loyalty_tier"], "column_deletions": ["phone"],
                "column_index_changes": {}, "column_index_mismatches": {},
                "column_type_changes": {"email": {"previous_type": "varchar", "new_type": "text"}},
                "column_type_mismatches": {}, "missing_column_names": ["vip"], "present_column_names": [],
                "preferredChart": "bars"
            }),
            point(Some("fail"), None),
        );
        assert!(out.contains("<code>loyalty_tier</code></td><td class=\"ev-added\">Column added"));
        assert!(out.contains("<code>phone</code></td><td class=\"ev-removed\">Column removed"));
        assert!(
            out.contains("Type changed</td><td>varchar → text</td>"),
            "{out}"
        );
        assert!(out.contains("Required column missing"));
        assert!(out.contains("<td class=\"num\">1</td><td><code>email</code></td><td>text</td>"));
        assert!(!out.contains("Other diagnostics"), "{out}");
        assert!(!out.contains(":icon-"));
    }

    #[test]
    fn change_anomaly_freshness_and_reasons() {
        let out = explained(
            "change percent for row_count < 10%",
            json!({"value": 12.5, "diagnostics": {"historic_value": 80, "metric_value": 90}}),
            point(Some("fail"), Some(12.5)),
        );
        assert!(out.contains("Historic value</dt><dd>80</dd>"), "{out}");
        assert!(out.contains("Current value</dt><dd>90</dd>"));
        assert!(out.contains(">+12.5%</span>"), "{out}");

        let mut latest = point(Some("fail"), Some(130.93867276887872));
        latest.fail = Some(crate::results::stored::Zone {
            less_than: Some(90.0),
            greater_than: Some(110.5),
            ..Default::default()
        });
        let out = explained(
            "anomaly detection for row_count",
            json!({"anomalyPredictedValue": 100.25, "anomalyProbability": 0.97, "anomalyErrorSeverity": "fail", "anomalyErrorCode": "", "anomalyErrorMessage": ""}),
            latest,
        );
        assert!(
            out.contains("title=\"130.93867276887872\">130.9</span>"),
            "{out}"
        );
        assert!(
            out.contains("Expected value</dt><dd><span class=\"n\" title=\"100.25\">100.2</span>"),
            "{out}"
        );
        assert!(out.contains("Expected range</dt><dd>90 to 110.5</dd>"));
        assert!(out.contains("above the expected range"));

        let out = explained(
            "freshness(updated_at) < 1d",
            json!({"value": 93_784_000, "measure": "time", "maxColumnTimestamp": "2024-05-01 08:00:00", "maxColumnTimestampUtc": "2024-05-01 08:00:00+00:00", "nowVariableName": "NOW", "nowTimestamp": "2024-05-02T10:03:04+00:00", "nowTimestampUtc": "2024-05-02 10:03:04+00:00", "freshness": "1 day, 2:03:04"}),
            point(Some("fail"), Some(93_784_000.0)),
        );
        assert!(
            out.contains("2024-05-01 08:00:00 (2024-05-01 08:00:00+00:00 UTC)"),
            "{out}"
        );
        assert!(out.contains("Now (${NOW})"));
        assert!(
            out.contains("title=\"1 day, 2:03:04\">1 d 2 h</span>"),
            "{out}"
        );

        let mut latest = point(None, None);
        latest.reasons = vec![crate::results::stored::OutcomeReason {
            code: "notEnoughHistory".into(),
            message: "Skipping schema checks since there is no historic schema metrics!".into(),
            severity: "warn".into(),
        }];
        let out = explained("schema", json!({}), latest);
        assert!(out.contains("Why it was not evaluated"));
        assert!(out.contains("data-code=\"notEnoughHistory\">Skipping schema checks"));
    }

    #[test]
    fn a_group_lists_its_siblings() {
        let group = |label: &str, value: f64, outcome: &str| CheckHistory {
            check: crate::results::stored::CheckInfo {
                definition: format!("row_count > 2 [{label}]"),
                ..Default::default()
            },
            results: vec![point(Some(outcome), Some(value))],
            group: Some(
                json!({"identity": "gb1", "name": "rows per country", "distinctLabel": label}),
            ),
            ..CheckHistory::default()
        };
        let all = vec![
            group("BE", 5.0, "pass"),
            CheckHistory::default(),
            group("NL", 1.0, "fail"),
        ];
        let mut out = String::new();
        write_explain(&mut out, &all[2], &all).unwrap();
        assert!(
            out.contains("This is the group <code>NL</code> of <strong>rows per country</strong>."),
            "{out}"
        );
        assert!(out.contains("<tr><td><a href=\"#check-0\"><code>BE</code></a></td><td class=\"o-pass\">Pass</td><td class=\"num\">5</td>"), "{out}");
        assert!(out.contains("<tr class=\"here\"><td><a href=\"#check-2\"><code>NL</code></a></td><td class=\"o-fail\">Fail</td>"));
    }

    #[test]
    fn anything_else_is_listed() {
        let out = explained(
            "row_count same as other",
            json!({"value": 3, "rowCount": 10, "otherRowCount": 7, "odd": null, "blocks": [{"type": "csv", "title": "Failed Rows Aggregate", "text": "a,frequency\n\"x,y\",2"}]}),
            point(Some("fail"), Some(3.0)),
        );
        assert!(out.contains("Other row count</dt><dd>7</dd>"));
        assert!(out.contains("<dt>odd</dt><dd><span class=\"null\">NULL</span>"));
        assert!(
            out.contains("<h4>Failed Rows Aggregate</h4>")
                && out.contains("<td>x,y</td><td>2</td>")
        );
        let out = explained(
            "row_count > 0",
            json!({"value": 3, "fail": {"lessThanOrEqual": 0}}),
            point(Some("pass"), Some(3.0)),
        );
        assert!(out.is_empty(), "{out}");
    }
}
