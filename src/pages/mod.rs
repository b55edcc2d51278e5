//! The HTML pages of a results store: `soda report` writes them as one self-contained file
//! (no network requests; it opens from disk and can be published as a CI artifact) and
//! `soda server` serves the same document live. They show what Soda Cloud's pages show: the
//! Check Results table, datasets (with a warning when their last scan failed to complete), a
//! page per check with its metric over data time, and the scans with their errors and logs.
//! Every text from checks files and data is HTML-escaped.
//!
//! The input is [`ReportData`], the store's read model; rendering is a pure function of it.
//!
//! The shell ([`shell`]) lays out the document and calls one file per view ([`views`]); the
//! views share the pieces beside them: [`context`] and [`facts`] (what is computed from the
//! data), [`zones`], [`time`] and [`escape`] (how values read and are made safe), [`widgets`]
//! (badges and wording) and [`chart`]. None of those imports the shell, so nothing circles
//! back to it.

mod assets;
mod chart;
mod context;
mod escape;
mod explain;
mod facts;
mod numbers;
mod shell;
mod time;
mod views;
mod widgets;
mod zones;

/// The Datasets view's rows, which `/api/v1/datasets` answers with too (one rule for both).
pub use facts::{dataset_rows, DatasetRow};

use crate::results::stored::ReportData;

/// Renders the report as one HTML document (`soda report`'s file).
pub fn render(data: &ReportData) -> String {
    render_as(data, context::Mode::File)
}

/// Renders the same document as `soda server`'s live page (its footer says so).
pub fn render_live(data: &ReportData) -> String {
    render_as(data, context::Mode::Live)
}

fn render_as(data: &ReportData, mode: context::Mode) -> String {
    let mut out = String::with_capacity(estimated_size(data));
    // Writing into a String cannot fail; the views return fmt::Result only to use `?`.
    let _ = shell::write_document(&mut out, data, mode);
    out
}

/// A generous guess at the output size, so the String is allocated once in the usual case.
fn estimated_size(data: &ReportData) -> usize {
    let results: usize = data.checks.iter().map(|c| c.results.len()).sum();
    let text: usize = data
        .checks
        .iter()
        .map(|c| c.name.len() * 4 + c.definition.len() + c.file.len())
        .sum();
    let samples: usize = data
        .checks
        .iter()
        .filter_map(|c| c.samples.as_ref())
        .map(|s| {
            s.sample
                .rows
                .iter()
                .flatten()
                // Text as long as it is; a number, a boolean or a NULL's span about 30 bytes.
                .map(|cell| cell.as_str().map_or(30, str::len) + 12)
                .sum::<usize>()
        })
        .sum();
    let logs: usize = data
        .scans
        .iter()
        .flat_map(|s| &s.logs)
        .map(|l| l.message.len() + l.timestamp.len() + 120)
        .sum();
    48 * 1024
        + data.checks.len() * 3 * 1024
        + results * 260
        + text
        + samples
        + logs
        + data.scans.len() * 700
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::results::stored::{
        CheckHistory, CheckInfo, CheckPoint, FailedRows, LogLine, OutcomeReason, SampleRows,
        ScanDataset, ScanSummary, Zone,
    };

    const HOSTILE: &str = "<script>alert(1)</script>\"'&<img src=x onerror=alert(2)>";

    fn hostile_data() -> ReportData {
        let zone = Zone {
            less_than: Some(10.0),
            ..Zone::default()
        };
        let mut data = ReportData {
            generated_at: HOSTILE.into(),
            store: HOSTILE.into(),
            scans: vec![ScanSummary {
                id: 1,
                definition: HOSTILE.into(),
                data_source: HOSTILE.into(),
                data_timestamp: "2024-05-01T10:00:00+00:00".into(),
                scan_start: HOSTILE.into(),
                scan_end: HOSTILE.into(),
                has_errors: true,
                check_count: 1,
                datasets: vec![ScanDataset {
                    data_source: HOSTILE.into(),
                    dataset: HOSTILE.into(),
                }],
                logs: vec![LogLine {
                    level: "ERROR".into(),
                    message: HOSTILE.into(),
                    timestamp: HOSTILE.into(),
                }],
                ..ScanSummary::default()
            }],
            checks: vec![CheckHistory {
                check: CheckInfo {
                    identity: HOSTILE.into(),
                    name: HOSTILE.into(),
                    definition: HOSTILE.into(),
                    data_source: HOSTILE.into(),
                    dataset: Some(HOSTILE.into()),
                    column: Some(HOSTILE.into()),
                    file: HOSTILE.into(),
                    line: 3,
                },
                results: vec![
                    CheckPoint {
                        scan_id: 1,
                        data_timestamp: HOSTILE.into(),
                        outcome: Some(HOSTILE.into()),
                        value: Some(1.0),
                        value_text: HOSTILE.into(),
                        fail: Some(zone.clone()),
                        warn: None,
                        reasons: vec![OutcomeReason {
                            code: HOSTILE.into(),
                            message: HOSTILE.into(),
                            severity: HOSTILE.into(),
                        }],
                    },
                    CheckPoint {
                        scan_id: 1,
                        data_timestamp: "2024-05-01T10:00:00+00:00".into(),
                        outcome: Some("fail".into()),
                        value: Some(2.0),
                        value_text: HOSTILE.into(),
                        fail: Some(zone),
                        warn: None,
                        reasons: Vec::new(),
                    },
                ],
                samples: Some(SampleRows {
                    data_timestamp: HOSTILE.into(),
                    sample: FailedRows {
                        columns: vec![HOSTILE.into()],
                        rows: vec![vec![HOSTILE.into(), HOSTILE.into()]],
                        total: 5,
                    },
                }),
                attributes: vec![crate::results::document::Attribute {
                    name: HOSTILE.into(),
                    value: HOSTILE.into(),
                }],
                diagnostics: Some(serde_json::json!({
                    "value": HOSTILE,
                    HOSTILE: HOSTILE,
                    "column_additions": [HOSTILE],
                    "column_type_changes": {HOSTILE: {"previous_type": HOSTILE, "new_type": HOSTILE}},
                    "diagnostics": {"historic_value": HOSTILE, "metric_value": HOSTILE},
                    "blocks": [{"type": "csv", "title": HOSTILE, "text": format!("a,b\n{HOSTILE},1")}],
                })),
                group: Some(
                    serde_json::json!({"identity": HOSTILE, "name": HOSTILE, "distinctLabel": HOSTILE}),
                ),
            }],
            datasets: Vec::new(),
        };
        data.datasets = crate::results::datasets::statuses(&data.scans);
        data
    }

    #[test]
    fn no_text_from_the_data_reaches_the_page_unescaped() {
        let html = render(&hostile_data());
        assert!(
            !html.contains("<script>alert"),
            "a hostile name opened a tag"
        );
        assert!(!html.contains("<img"), "a hostile name opened a tag");
        assert!(!html.contains("\"'&<"), "raw quotes or ampersands survived");
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;"));
        assert!(html.contains("data-dataset=\"&lt;script&gt;alert(1)&lt;/script&gt;&quot;"));
        assert!(html.contains("<title>Data quality report · &lt;script&gt;"));
    }

    #[test]
    fn the_only_script_is_the_router_and_it_holds_no_data() {
        let html = render(&hostile_data());
        assert_eq!(html.matches("<script").count(), 1);
        let script = html
            .split("<script>")
            .nth(1)
            .and_then(|s| s.split("</script>").next())
            .unwrap();
        assert_eq!(script, assets::SCRIPT);
        assert!(!assets::SCRIPT.contains("</"));
    }

    #[test]
    fn the_document_is_self_contained() {
        let html = render(&hostile_data());
        for remote in ["http://", "https://", "//cdn", "@import", "url("] {
            assert!(!html.contains(remote), "{remote}");
        }
        assert!(html.starts_with("<!DOCTYPE html>"));
        assert!(html.trim_end().ends_with("</html>"));
    }

    #[test]
    fn one_table_row_per_check_and_one_view_per_check() {
        let mut data = hostile_data();
        data.checks.push(CheckHistory {
            check: CheckInfo {
                name: "row_count > 0".into(),
                data_source: "a".into(),
                ..CheckInfo::default()
            },
            ..CheckHistory::default()
        });
        let html = render(&data);
        assert_eq!(html.matches("<tr data-outcome=").count(), 2);
        assert!(html.contains("<tr data-outcome=\"fail\" data-dataset=\"&lt;script"));
        assert!(html.contains("<tr data-outcome=\"not-evaluated\" data-dataset=\"\""));
        assert!(html.contains("id=\"check-0\"") && html.contains("id=\"check-1\""));
        assert!(html.contains("<a href=\"#check-1\">row_count &gt; 0</a>"));
        assert_eq!(html.matches("<tr class=\"failed-row\">").count(), 1);
        assert!(html.contains("Showing 1 of 5 failing rows"));
    }

    #[test]
    fn a_failed_scan_is_a_warning_not_a_failed_check() {
        let html = render(&hostile_data());
        assert_eq!(html.matches("class=\"scan-failed-warning\"").count(), 1);
        assert!(html.contains("data-status=\"error\""));
        assert!(html.contains("Scan failed (1 error)"));
        assert!(
            !html.contains("did not complete"),
            "a failed scan is not called an error"
        );
    }

    #[test]
    fn an_empty_store_renders() {
        let html = render(&ReportData::default());
        assert!(html.contains("No check results in this store yet."));
        assert!(html.contains("No scans in this store yet."));
        assert!(html.contains("0 of 0 checks"));
    }

    /// The layering inside the pages: only the shell knows the views, and nothing else knows
    /// the shell (an import circle would tie every view to every other).
    #[test]
    fn only_the_root_of_the_pages_imports_the_shell() {
        let files = [
            ("context.rs", include_str!("context.rs")),
            ("facts.rs", include_str!("facts.rs")),
            ("escape.rs", include_str!("escape.rs")),
            ("time.rs", include_str!("time.rs")),
            ("widgets.rs", include_str!("widgets.rs")),
            ("zones.rs", include_str!("zones.rs")),
            ("chart/mod.rs", include_str!("chart/mod.rs")),
            ("chart/scale.rs", include_str!("chart/scale.rs")),
            ("chart/svg.rs", include_str!("chart/svg.rs")),
            ("chart/legend.rs", include_str!("chart/legend.rs")),
            ("views/mod.rs", include_str!("views/mod.rs")),
            ("views/checks.rs", include_str!("views/checks.rs")),
            ("views/datasets.rs", include_str!("views/datasets.rs")),
            ("views/scans.rs", include_str!("views/scans.rs")),
            ("views/check_page.rs", include_str!("views/check_page.rs")),
        ];
        for (file, text) in files {
            assert!(!text.contains("shell::"), "{file} imports the shell");
        }
    }
}
