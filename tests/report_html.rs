//! The HTML report, rendered from a store built in code and opened in the real headless
//! Chromium: the DOM after the router script ran (escaping, failed rows, the failed-scan
//! warning, the filters) and a screenshot. Chromium is required: without it these tests fail.
//!
//! Two ignored tests are tools: the render time of a year of 200 daily checks (run it in
//! release) and the README screenshot, `docs/report.png`:
//!
//! ```text
//! cargo test --release -j1 --test integration report_html::render_time -- --ignored --nocapture
//! (REPORT_HTML_OUT=big.html also writes that report)
//! cargo test -j1 --test integration report_html::docs_screenshot -- --ignored
//! ```

use chrono::{Duration, NaiveDate};
use soda::pages::render;
use soda::results::document::Attribute;
use soda::results::stored::{
    Cell, CheckHistory, CheckInfo, CheckPoint, FailedRows, LogLine, OutcomeReason, ReportData,
    SampleRows, ScanDataset, ScanSummary, Zone,
};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

const HOSTILE: &str = "<script>alert(1)</script>";
const CHROMIUM_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(60);

// ----- The store -----------------------------------------------------------------------

/// A deterministic stand-in for noise (SplitMix64), so the report is the same on every run.
struct Noise(u64);

impl Noise {
    fn next(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn zone(gte: Option<f64>, gt: Option<f64>, lt: Option<f64>, lte: Option<f64>) -> Zone {
    Zone {
        greater_than_or_equal: gte,
        greater_than: gt,
        less_than: lt,
        less_than_or_equal: lte,
    }
}

/// Whether `v` is in the zone, with the renderer's reading: lower <= upper is `between`,
/// else `not between`.
fn covers(z: &Zone, v: f64) -> bool {
    let lower = z.greater_than_or_equal.or(z.greater_than);
    let upper = z.less_than.or(z.less_than_or_equal);
    let above = z
        .greater_than_or_equal
        .map(|b| v >= b)
        .or(z.greater_than.map(|b| v > b));
    let below = z
        .less_than
        .map(|b| v < b)
        .or(z.less_than_or_equal.map(|b| v <= b));
    match (above, below) {
        (None, None) => false,
        (Some(a), None) => a,
        (None, Some(b)) => b,
        (Some(a), Some(b)) if lower <= upper => a && b,
        (Some(a), Some(b)) => a || b,
    }
}

/// One kind of check the store repeats; `value` gets (day, number of days, noise in 0..1).
struct Template {
    name: &'static str,
    dataset: &'static str,
    data_source: &'static str,
    column: Option<&'static str>,
    definition: &'static str,
    fail: Option<Zone>,
    warn: Option<Zone>,
    value: fn(usize, usize, f64) -> Option<f64>,
    text: fn(f64) -> String,
}

fn integer(v: f64) -> String {
    format!("{v:.0}")
}

fn decimal(v: f64) -> String {
    format!("{v:.2}")
}

fn templates(hostile: bool) -> Vec<Template> {
    vec![
        Template {
            name: "row_count > 0",
            dataset: "orders",
            data_source: "adventureworks",
            column: None,
            definition: "checks for orders:\n  - row_count > 0",
            fail: Some(zone(None, None, None, Some(0.0))),
            warn: None,
            value: |d, _, r| Some(1200.0 + 14.0 * d as f64 + 90.0 * r),
            text: integer,
        },
        Template {
            name: "No missing customer ids",
            dataset: "orders",
            data_source: "adventureworks",
            column: Some("customer_id"),
            definition: "checks for orders:\n  - missing_count(customer_id) = 0:\n      name: No missing customer ids",
            fail: Some(zone(None, Some(0.0), None, None)),
            warn: None,
            value: |d, days, r| Some(if d + 4 >= days { 30.0 + (12.0 * r).round() } else { 0.0 }),
            text: integer,
        },
        Template {
            name: "duplicate_count(order_id) = 0",
            dataset: "orders",
            data_source: "adventureworks",
            column: Some("order_id"),
            definition: "checks for orders:\n  - duplicate_count(order_id) = 0",
            fail: Some(zone(None, Some(0.0), None, None)),
            warn: None,
            value: |_, _, _| Some(0.0),
            text: integer,
        },
        Template {
            name: "Average order amount",
            dataset: "orders",
            data_source: "adventureworks",
            column: Some("amount"),
            definition: "checks for orders:\n  - avg(amount):\n      name: Average order amount\n      warn: when > 250\n      fail: when not between 20 and 400",
            fail: Some(zone(None, Some(400.0), Some(20.0), None)),
            warn: Some(zone(None, Some(250.0), None, Some(400.0))),
            value: |d, _, r| Some(170.0 + 60.0 * ((d as f64) / 4.0).sin() + 50.0 * r),
            text: decimal,
        },
        Template {
            name: "row_count > 0",
            dataset: "customers",
            data_source: "adventureworks",
            column: None,
            definition: "checks for customers:\n  - row_count > 0",
            fail: Some(zone(None, None, None, Some(0.0))),
            warn: None,
            value: |d, _, r| Some(5000.0 + 3.0 * d as f64 + 5.0 * r),
            text: integer,
        },
        Template {
            name: "invalid_percent(email) < 5 %",
            dataset: "customers",
            data_source: "adventureworks",
            column: Some("email"),
            definition: "checks for customers:\n  - invalid_percent(email) < 5 %:\n      valid format: email\n      warn: when >= 2 %",
            fail: Some(zone(Some(5.0), None, None, None)),
            warn: Some(zone(Some(2.0), None, Some(5.0), None)),
            value: |d, _, r| Some(0.8 + 0.12 * d as f64 * r + r),
            text: decimal,
        },
        Template {
            name: "freshness(updated_at) < 1d",
            dataset: "customers",
            data_source: "adventureworks",
            column: Some("updated_at"),
            definition: "checks for customers:\n  - freshness(updated_at) < 1d",
            fail: Some(zone(Some(24.0), None, None, None)),
            warn: None,
            value: |_, _, r| Some(2.0 + 16.0 * r * r),
            text: |v| format!("{}h {:02}m", v as u64, ((v.fract()) * 60.0) as u64),
        },
        Template {
            name: "Schema",
            dataset: "customers",
            data_source: "adventureworks",
            column: None,
            definition: "checks for customers:\n  - schema:\n      fail:\n        when required column missing: [id, email]",
            fail: None,
            warn: None,
            value: |_, _, _| None,
            text: integer,
        },
        Template {
            name: "row_count > 1000",
            dataset: "events",
            data_source: "analytics",
            column: None,
            definition: "checks for events:\n  - row_count > 1000",
            fail: Some(zone(None, None, None, Some(1000.0))),
            warn: None,
            value: |d, _, r| Some(48_000.0 + 9000.0 * r - 300.0 * d as f64),
            text: integer,
        },
        Template {
            name: if hostile { HOSTILE } else { "Event payloads are valid JSON" },
            dataset: "events",
            data_source: "analytics",
            column: Some("payload"),
            definition: "checks for events:\n  - invalid_count(payload) < 3:\n      name: <script>alert(1)</script>\n      valid format: json",
            fail: Some(zone(Some(3.0), None, None, None)),
            warn: None,
            value: |_, _, r| Some((r * r * 4.5).floor()),
            text: integer,
        },
    ]
}

fn day(d: usize) -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 5, 1).expect("a date") + Duration::days(d as i64)
}

fn stamp(d: usize, hour: u32, minute: u32, second: u32) -> String {
    format!("{}T{hour:02}:{minute:02}:{second:02}+00:00", day(d))
}

/// A store of `n_checks` checks (the ten templates, repeated over numbered datasets) with one
/// result a day for `days` days. Every day each data source has one scan; `adventureworks`
/// had a scan error on day 10 but completed since, while the newest scan of `analytics`
/// failed to complete and recorded nothing.
fn store(n_checks: usize, days: usize, hostile: bool) -> ReportData {
    let templates = templates(hostile);
    let sources = ["adventureworks", "analytics"];
    let scan_id = |d: usize, source: &str| (2 * d + usize::from(source == "analytics") + 1) as i64;
    let mut noise = Noise(7);
    let mut scans: Vec<ScanSummary> = Vec::new();
    for d in 0..days {
        for source in sources {
            let error = source == "adventureworks" && d == 10;
            scans.push(ScanSummary {
                id: scan_id(d, source),
                definition: format!("{source}-daily"),
                data_source: source.into(),
                data_timestamp: stamp(d, 6, 0, 0),
                scan_start: stamp(d, 6, 0, 2),
                scan_end: stamp(d, 6, 0, 9),
                has_errors: error,
                logs: log(d, source, error),
                ..ScanSummary::default()
            });
        }
    }
    let failed_id = (2 * days + 1) as i64;
    scans.push(ScanSummary {
        id: failed_id,
        definition: "analytics-daily".into(),
        data_source: "analytics".into(),
        data_timestamp: stamp(days, 6, 0, 0),
        scan_start: stamp(days, 6, 0, 2),
        scan_end: stamp(days, 6, 0, 4),
        has_errors: true,
        check_count: 0,
        logs: vec![
            LogLine {
                level: "INFO".into(),
                message: "Soda Core 3.3.5".into(),
                timestamp: stamp(days, 6, 0, 2),
            },
            LogLine {
                level: "ERROR".into(),
                message: "Could not connect to data source \"analytics\": connection to server at \"10.0.3.7\", port 5432 failed: Connection refused".into(),
                timestamp: stamp(days, 6, 0, 4),
            },
        ],
        ..ScanSummary::default()
    });

    let mut checks = Vec::with_capacity(n_checks);
    for i in 0..n_checks {
        let t = &templates[i % templates.len()];
        let copy = i / templates.len();
        let dataset = if copy == 0 {
            t.dataset.to_string()
        } else {
            format!("{}_{copy:02}", t.dataset)
        };
        let mut results = Vec::with_capacity(days);
        for d in 0..days {
            let value = (t.value)(d, days, noise.next());
            let outcome = match value {
                None if t.name == "Schema" && d + 1 < days => Some("pass"),
                None => None,
                Some(v) if t.fail.as_ref().is_some_and(|z| covers(z, v)) => Some("fail"),
                Some(v) if t.warn.as_ref().is_some_and(|z| covers(z, v)) => Some("warn"),
                Some(_) => Some("pass"),
            };
            let id = scan_id(d, t.data_source);
            let scan = scans
                .iter_mut()
                .find(|s| s.id == id)
                .expect("the day's scan");
            scan.check_count += 1;
            scan.has_failures |= outcome == Some("fail");
            scan.has_warnings |= outcome == Some("warn");
            results.push(CheckPoint {
                scan_id: id,
                data_timestamp: stamp(d, 6, 0, 0),
                outcome: outcome.map(Into::into),
                value,
                value_text: value.map(t.text).unwrap_or_default(),
                fail: t.fail.clone(),
                warn: t.warn.clone(),
                reasons: Vec::new(),
            });
        }
        let samples = (t.name == "No missing customer ids").then(|| SampleRows {
            data_timestamp: stamp(days - 1, 6, 0, 0),
            sample: FailedRows {
                columns: ["order_id", "customer_id", "amount", "created_at"]
                    .map(Into::into)
                    .to_vec(),
                rows: (0..7)
                    .map(|r| {
                        vec![
                            (100_231 + r * 17).into(),
                            Cell::Null,
                            (20.0 + 13.5 * r as f64).into(),
                            stamp(days - 1, 3, r as u32 * 7, 0).into(),
                        ]
                    })
                    .collect(),
                total: 42,
            },
        });
        checks.push(CheckHistory {
            check: CheckInfo {
                identity: format!(
                    "{:08x}",
                    0x5eed_0000_u32.wrapping_add((i as u32).wrapping_mul(2_654_435_761))
                ),
                name: t.name.into(),
                definition: t.definition.into(),
                data_source: t.data_source.into(),
                dataset: Some(dataset),
                column: t.column.map(Into::into),
                file: format!("checks/{}.yml", t.dataset),
                line: 2 + (i % templates.len()) * 3,
            },
            results,
            samples,
            attributes: attributes(t.dataset, i),
            diagnostics: None,
            group: None,
        });
    }
    // Each scan covers the datasets its data source's checks are on.
    for scan in &mut scans {
        let mut covered: Vec<ScanDataset> = checks
            .iter()
            .filter(|c| c.data_source == scan.data_source)
            .filter_map(|c| {
                Some(ScanDataset {
                    data_source: c.data_source.clone(),
                    dataset: c.dataset.clone()?,
                })
            })
            .collect();
        covered.sort();
        covered.dedup();
        scan.datasets = covered;
    }
    // The store's order: newest data timestamp first.
    scans.reverse();
    ReportData {
        generated_at: stamp(days, 7, 30, 0),
        store: "sqlite:///var/lib/ci/soda/results.db".into(),
        datasets: soda::results::datasets::statuses(&scans),
        scans,
        checks,
    }
}

/// Soda's check attributes: an owner per dataset, and a priority on every other check.
fn attributes(dataset: &str, i: usize) -> Vec<Attribute> {
    let owner = match dataset {
        "orders" => "sales",
        "customers" => "crm",
        _ => "platform",
    };
    let mut list = vec![Attribute {
        name: "owner".into(),
        value: owner.into(),
    }];
    if i.is_multiple_of(2) {
        list.push(Attribute {
            name: "priority".into(),
            value: (1 + i % 3).into(),
        });
    }
    list
}

/// The store of `store(10, days, false)` where the first check (`row_count > 0` on orders)
/// also ran, on the same days, under a second scan definition, `adventureworks-hourly`, and
/// failed there on the last day: two rows for one check identity.
fn two_definitions(days: usize) -> ReportData {
    let mut data = store(10, days, false);
    let first = 10_000;
    for d in 0..days {
        let id = first + d as i64;
        let outcome = if d + 1 == days { "fail" } else { "pass" };
        data.scans.push(ScanSummary {
            id,
            definition: "adventureworks-hourly".into(),
            data_source: "adventureworks".into(),
            data_timestamp: stamp(d, 6, 0, 0),
            scan_start: stamp(d, 6, 30, 0),
            scan_end: stamp(d, 6, 30, 5),
            has_failures: outcome == "fail",
            check_count: 1,
            datasets: vec![ScanDataset {
                data_source: "adventureworks".into(),
                dataset: "orders".into(),
            }],
            ..ScanSummary::default()
        });
        let results = &mut data.checks[0].results;
        let at = results
            .iter()
            .position(|p| p.data_timestamp == stamp(d, 6, 0, 0))
            .map_or(results.len(), |i| i + 1);
        results.insert(
            at,
            CheckPoint {
                scan_id: id,
                data_timestamp: stamp(d, 6, 0, 0),
                outcome: Some(outcome.into()),
                value: Some(if outcome == "fail" { 0.0 } else { 1300.0 }),
                value_text: if outcome == "fail" { "0" } else { "1300" }.into(),
                ..CheckPoint::default()
            },
        );
    }
    data.datasets = soda::results::datasets::statuses(&data.scans);
    data
}

fn log(d: usize, source: &str, error: bool) -> Vec<LogLine> {
    let mut lines = vec![
        ("INFO", "Soda Core 3.3.5".to_string()),
        (
            "INFO",
            format!("Scan of data source {source} at data time {}", day(d)),
        ),
    ];
    if error {
        lines.push((
            "ERROR",
            "Query execution error in adventureworks.orders.aggregation[0]: canceling statement due to statement timeout\n  SELECT COUNT(*), AVG(amount) FROM orders".into(),
        ));
        lines.push(("WARNING", "Metrics of orders were not computed".into()));
    }
    lines.push(("INFO", "Scan summary:".into()));
    lines
        .into_iter()
        .enumerate()
        .map(|(i, (level, message))| LogLine {
            level: level.into(),
            message,
            timestamp: stamp(d, 6, 0, 2 + i as u32),
        })
        .collect()
}

// ----- Chromium ------------------------------------------------------------------------

fn chromium_path() -> PathBuf {
    if let Some(p) = std::env::var_os("CHROMIUM") {
        return PathBuf::from(p);
    }
    let default = Path::new("/usr/bin/chromium");
    if default.exists() {
        return default.to_path_buf();
    }
    PathBuf::from("chromium")
}

/// Runs headless Chromium with `args` (a fresh profile each time) and returns its stdout;
/// fails the test when Chromium is missing or does not finish within the timeout.
fn chromium(args: &[String]) -> String {
    let profile = tempfile::tempdir().expect("a temp dir for the Chromium profile");
    let exe = chromium_path();
    let mut child = Command::new(&exe)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| {
            panic!(
                "the HTML report tests need headless Chromium, and {} could not be started: {e}. \
                 Install it (apt-get install chromium) or point CHROMIUM at the binary.",
                exe.display()
            )
        });
    // Read on a thread: a large DOM would fill the pipe while we wait for the exit.
    let mut stdout = child.stdout.take().expect("piped stdout");
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stdout.read_to_string(&mut s);
        s
    });
    let start = Instant::now();
    loop {
        match child.try_wait().expect("wait for Chromium") {
            Some(_) => break,
            None if start.elapsed() > CHROMIUM_TIMEOUT => {
                let _ = child.kill();
                let _ = child.wait();
                panic!("Chromium did not finish within {CHROMIUM_TIMEOUT:?}: {args:?}");
            }
            None => std::thread::sleep(std::time::Duration::from_millis(50)),
        }
    }
    reader.join().expect("the stdout reader")
}

/// The DOM of `url` after the page's scripts ran.
pub(crate) fn dump_dom(url: &str) -> String {
    dump_dom_at(url, "1400,1000")
}

/// The DOM of `url` in a window of `size` (`width,height`; headless Chromium makes it at
/// least 500 px wide).
fn dump_dom_at(url: &str, size: &str) -> String {
    let dom = chromium(&[
        format!("--window-size={size}"),
        "--hide-scrollbars".into(),
        "--dump-dom".into(),
        url.into(),
    ]);
    assert!(
        dom.contains("</html>"),
        "Chromium returned no DOM for {url}: {:?}",
        &dom[..dom.len().min(500)]
    );
    dom
}

pub(crate) fn screenshot(url: &str, png: &Path, size: &str) {
    screenshot_with(url, png, size, &[]);
}

fn screenshot_with(url: &str, png: &Path, size: &str, extra: &[&str]) {
    let _ = std::fs::remove_file(png);
    let mut args: Vec<String> = extra.iter().map(|a| a.to_string()).collect();
    args.extend([
        format!("--window-size={size}"),
        "--hide-scrollbars".into(),
        format!("--screenshot={}", png.display()),
        url.into(),
    ]);
    chromium(&args);
}

fn write_report(dir: &Path, data: &ReportData) -> String {
    let path = dir.join("report.html");
    std::fs::write(&path, render(data)).expect("write the report");
    format!("file://{}", path.display())
}

/// The opening tags of the elements whose opening tag matches `pattern`.
fn tags<'a>(dom: &'a str, pattern: &str) -> Vec<&'a str> {
    regex::Regex::new(pattern)
        .expect("a valid pattern")
        .find_iter(dom)
        .map(|m| m.as_str())
        .collect()
}

/// The Check Results rows, as (outcome, hidden) from their opening tags.
fn check_rows(dom: &str) -> Vec<(String, bool)> {
    tags(dom, r#"<tr data-outcome="[^"]*"[^>]*>"#)
        .into_iter()
        .map(|tag| {
            let outcome = tag
                .split("data-outcome=\"")
                .nth(1)
                .and_then(|s| s.split('"').next())
                .unwrap_or_default()
                .to_string();
            (outcome, tag.contains(" hidden"))
        })
        .collect()
}

// ----- Tests ---------------------------------------------------------------------------

#[test]
fn the_report_in_chromium() {
    let data = store(10, 30, true);
    let dir = tempfile::tempdir().expect("a temp dir");
    let url = write_report(dir.path(), &data);

    let dom = dump_dom(&url);
    assert!(
        dom.contains("<html lang=\"en\" class=\"js\">"),
        "the router script did not run"
    );

    // The failed-row samples: 7 rows kept of 42.
    assert_eq!(dom.matches("<tr class=\"failed-row\">").count(), 7);
    assert!(dom.contains("Showing 7 of 42 failing rows"));

    // The hostile name is text, wherever it appears.
    assert!(dom.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(!dom.contains("<script>alert(1)"));
    assert_eq!(dom.matches("<script").count(), 1, "only the router script");

    // One row per check, the outcomes as recorded, all visible without a filter.
    let rows = check_rows(&dom);
    assert_eq!(rows.len(), data.checks.len());
    assert!(rows.iter().all(|(_, hidden)| !hidden));
    let mut expected: Vec<String> = data
        .checks
        .iter()
        .map(|c| {
            c.results
                .last()
                .and_then(|p| p.outcome.clone())
                .unwrap_or_else(|| "not-evaluated".into())
        })
        .collect();
    expected.sort();
    let mut got: Vec<String> = rows.into_iter().map(|(o, _)| o).collect();
    got.sort();
    assert_eq!(got, expected);
    assert!(dom.contains("10 of 10 checks"));

    // The failed-scan warning: on the analytics dataset only, none for adventureworks, whose
    // error was in an older scan.
    let dataset_rows = tags(&dom, r#"<tr class="dataset[^"]*" data-data-source="[^"]*""#);
    assert_eq!(dataset_rows.len(), 3);
    for row in &dataset_rows {
        let failed = row.contains("has-scan-error");
        assert_eq!(failed, row.contains("\"analytics\""), "{row}");
    }
    assert_eq!(dom.matches("class=\"scan-failed-warning\"").count(), 1);
    let datasets = dom
        .split("<section id=\"datasets\"")
        .nth(1)
        .and_then(|s| s.split("</section>").next())
        .expect("the Datasets view");
    let warned_row = datasets
        .split("<tr ")
        .find(|row| row.contains("scan-failed-warning"))
        .expect("a row with the warning");
    assert!(warned_row.contains("data-data-source=\"analytics\" data-dataset=\"events\""));
    assert!(warned_row.contains("Last scan failed to complete"));

    // The scan that did not complete is a failed scan, not a failed check.
    assert!(dom.contains("data-status=\"error\""));
    assert!(dom.contains("Scan failed (1 error)"));

    // Every check page has its chart.
    assert_eq!(dom.matches("<section id=\"check-").count(), 10);
    assert_eq!(
        dom.matches("<svg class=\"chart\"").count(),
        9,
        "all but the schema check"
    );
}

#[test]
fn the_router_applies_the_filters_of_the_url() {
    let data = store(10, 30, true);
    let dir = tempfile::tempdir().expect("a temp dir");
    let url = write_report(dir.path(), &data);

    let dom = dump_dom(&format!("{url}#checks?outcome=fail"));
    let rows = check_rows(&dom);
    assert_eq!(rows.len(), 10);
    let fails = rows.iter().filter(|(o, _)| o == "fail").count();
    assert!(fails > 0, "the store has failing checks");
    for (outcome, hidden) in &rows {
        assert_eq!(*hidden, outcome != "fail", "{outcome}");
    }
    assert!(dom.contains(&format!("{fails} of 10 checks")));
    assert!(tags(&dom, r#"<section id="checks" class="view active""#).len() == 1);

    let dom = dump_dom(&format!("{url}#checks?dataset=customers&q=row_count"));
    let visible: Vec<_> = tags(
        &dom,
        r#"<tr data-outcome="[^"]*" data-dataset="[^"]*"[^>]*>"#,
    )
    .into_iter()
    .filter(|t| !t.contains(" hidden"))
    .collect();
    assert_eq!(visible.len(), 1, "{visible:?}");
    assert!(visible[0].contains("data-dataset=\"customers\""));

    let dom = dump_dom(&format!("{url}#check-3"));
    assert_eq!(
        tags(
            &dom,
            r#"<section id="check-3" class="view check-page active""#
        )
        .len(),
        1
    );
    assert_eq!(
        tags(&dom, r#"class="view[^"]*active""#).len(),
        1,
        "one view shown"
    );
}

#[test]
fn a_screenshot_of_the_report() {
    let data = store(10, 30, true);
    let dir = tempfile::tempdir().expect("a temp dir");
    let url = write_report(dir.path(), &data);
    let png = dir.path().join("report.png");
    screenshot(&url, &png, "1400,1000");
    let size = std::fs::metadata(&png)
        .unwrap_or_else(|e| panic!("Chromium wrote no screenshot at {}: {e}", png.display()))
        .len();
    assert!(
        size > 10_000,
        "the screenshot is nearly empty: {size} bytes"
    );
}

/// Regenerates `docs/report.png`, the README's picture of the report.
#[test]
#[ignore]
fn docs_screenshot() {
    let data = store(10, 60, false);
    let dir = tempfile::tempdir().expect("a temp dir");
    let url = write_report(dir.path(), &data);
    let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs");
    std::fs::create_dir_all(&docs).expect("create docs/");
    screenshot(&url, &docs.join("report.png"), "1400,1000");
    if let Some(out) = std::env::var_os("REPORT_HTML_PAGES") {
        // For looking at the other views too, without committing them.
        let out = PathBuf::from(out);
        for (name, hash) in [
            ("datasets", "#datasets"),
            ("scans", "#scan-121"),
            ("check", "#check-3"),
            ("samples", "#check-1"),
        ] {
            screenshot(
                &format!("{url}{hash}"),
                &out.join(format!("{name}.png")),
                "1400,1300",
            );
        }
        std::fs::copy(dir.path().join("report.html"), out.join("report.html")).expect("copy");
    }
}

/// The render time of a year of daily results of 200 checks (73,000 results).
#[test]
#[ignore]
#[allow(clippy::print_stderr)]
fn render_time() {
    let data = store(200, 365, true);
    let results: usize = data.checks.iter().map(|c| c.results.len()).sum();
    assert_eq!(results, 73_000);
    let mut best = std::time::Duration::MAX;
    let mut size = 0;
    for _ in 0..5 {
        let start = Instant::now();
        let html = render(&data);
        best = best.min(start.elapsed());
        size = html.len();
    }
    eprintln!(
        "rendered {results} results of {} checks in {best:?} (best of 5), {:.1} MB",
        data.checks.len(),
        size as f64 / 1e6
    );
    assert!(best < std::time::Duration::from_secs(2), "{best:?}");
    if let Some(out) = std::env::var_os("REPORT_HTML_OUT") {
        // For opening the big report in a browser.
        std::fs::write(out, render(&data)).expect("write the report");
    }
}

/// Failed rows keep their types on the page: a NULL is a styled `NULL`, apart from the text
/// "None" or "NULL" (and from a store written before cells kept their types, whose cells are
/// all text); numbers and booleans show as their text.
#[test]
fn a_null_cell_is_not_the_text_none() {
    let mut data = store(1, 2, false);
    data.checks[0].samples = Some(SampleRows {
        data_timestamp: stamp(1, 6, 0, 0),
        sample: FailedRows {
            columns: ["id", "note", "flag", "amount"].map(Into::into).to_vec(),
            rows: vec![
                vec![3.into(), Cell::Null, false.into(), 2.5.into()],
                vec![4.into(), "None".into(), true.into(), Cell::Null],
                vec![5.into(), "NULL".into(), HOSTILE.into()],
            ],
            total: 3,
        },
    });
    let dir = tempfile::tempdir().expect("a temp dir");
    let url = write_report(dir.path(), &data);
    let dom = dump_dom(&url);
    let rows: Vec<&str> = dom
        .split("<tr class=\"failed-row\">")
        .skip(1)
        .map(|r| &r[..r.find("</tr>").unwrap_or(r.len())])
        .collect();
    let null = "<td><span class=\"null\">NULL</span></td>";
    assert_eq!(
        rows,
        [
            format!("<td>3</td>{null}<td>False</td><td>2.5</td>"),
            format!("<td>4</td><td>None</td><td>True</td>{null}"),
            "<td>5</td><td>NULL</td><td>&lt;script&gt;alert(1)&lt;/script&gt;</td><td></td>"
                .to_string(),
        ],
        "{dom}"
    );
    // Old stores: every cell was text, and reads back as text.
    let old: FailedRows =
        serde_json::from_str(r#"{"columns": ["a"], "rows": [["None", "3"]], "total": 1}"#)
            .expect("a sample stored as text");
    assert_eq!(old.rows, [[Cell::from("None"), Cell::from("3")]]);
}

/// The value of attribute `name` in an opening tag.
fn attr<'a>(tag: &'a str, name: &str) -> &'a str {
    tag.split(&format!(" {name}=\""))
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap_or_default()
}

/// The Check Results rows the filters left visible, as opening tags, in page order.
fn visible_rows(dom: &str) -> Vec<&str> {
    tags(dom, r#"<tr data-outcome="[^"]*"[^>]*>"#)
        .into_iter()
        .filter(|t| !t.contains(" hidden"))
        .collect()
}

/// The markup of the element that opens with `open`, up to `close`.
fn between<'a>(dom: &'a str, open: &str, close: &str) -> &'a str {
    let start = dom
        .find(open)
        .unwrap_or_else(|| panic!("no {open} in the page"));
    let rest = &dom[start..];
    &rest[..rest.find(close).map_or(rest.len(), |i| i + close.len())]
}

/// Check Results shows, per check and scan definition: the scan definition, the time of the
/// last result, a strip of the last outcomes (with titles and a text for screen readers), and
/// the attributes; the same check run under two scan definitions is two rows that say which.
#[test]
fn check_results_show_the_scan_definition_the_last_result_the_strip_and_attributes() {
    let data = two_definitions(30);
    let dir = tempfile::tempdir().expect("a temp dir");
    let url = write_report(dir.path(), &data);
    let dom = dump_dom(&url);
    let rows = visible_rows(&dom);
    assert_eq!(
        rows.len(),
        11,
        "ten checks, one of them under two scan definitions"
    );

    // The first check's two rows, told apart by their scan definition.
    let table = between(
        &dom,
        "<table class=\"data checks-table stack\" id=\"check-table\"",
        "</table>",
    );
    let first: Vec<&str> = table
        .split("<tr ")
        .filter(|r| r.contains("<a href=\"#check-0\">"))
        .collect();
    assert_eq!(first.len(), 2);
    let hourly = first
        .iter()
        .find(|r| r.contains("data-scan-definition=\"adventureworks-hourly\""))
        .expect("the hourly row");
    assert!(
        hourly.starts_with("data-outcome=\"fail\""),
        "its own latest outcome: {hourly}"
    );
    assert!(hourly
        .contains("<td class=\"c-def\" data-label=\"Scan definition\">adventureworks-hourly</td>"));
    let daily = first
        .iter()
        .find(|r| r.contains("data-scan-definition=\"adventureworks-daily\""))
        .expect("the daily row");
    assert!(daily.starts_with("data-outcome=\"pass\""), "{daily}");

    // The last result's data time, with its scan.
    assert!(
        hourly.contains("<time datetime=\"2024-05-30T06:00:00+00:00\">2024-05-30 06:00</time><span class=\"sub\"><a href=\"#scan-10029\">scan #10029</a></span>"),
        "{hourly}"
    );

    // The strip: the last ten outcomes, oldest first, the newest one the fail.
    let strip = between(hourly, "<span class=\"strip\"", "</span>");
    assert!(
        strip.contains("role=\"img\" aria-label=\"Last 10 results, oldest first: Pass, Pass, Pass, Pass, Pass, Pass, Pass, Pass, Pass, Fail\""),
        "{strip}"
    );
    let cells = tags(strip, r#"<i class="sc sc-[a-z-]+" title="[^"]*">"#);
    assert_eq!(cells.len(), 10, "{strip}");
    assert_eq!(
        cells[9],
        "<i class=\"sc sc-fail\" title=\"2024-05-30 06:00 · Fail · 0 · adventureworks-hourly\">"
    );
    // Every row has its strip; a check with 30 results shows 10 cells.
    assert_eq!(table.matches("<span class=\"strip\"").count(), 11);

    // Attributes, as chips and in the row for the filter.
    assert!(daily.contains("<span class=\"attr\"><span class=\"attr-k\">owner:</span> sales</span><span class=\"attr\"><span class=\"attr-k\">priority:</span> 1</span>"), "{daily}");
    assert!(
        daily.contains("data-attributes=\"owner=sales\npriority=1\""),
        "{daily}"
    );

    // Headers with their scope, filters with their labels.
    assert_eq!(
        between(&dom, "<thead>", "</thead>")
            .matches("<th scope=\"col\"")
            .count(),
        8
    );
    for id in [
        "f-outcome",
        "f-dataset",
        "f-source",
        "f-definition",
        "f-attribute",
        "f-sort",
        "f-q",
    ] {
        assert!(
            dom.contains(&format!("<label for=\"{id}\">")),
            "{id} has a label"
        );
    }
    assert!(dom.contains("<option value=\"adventureworks-hourly\">adventureworks-hourly</option>"));
    assert!(dom.contains("<option value=\"owner=platform\">owner: platform</option>"));
}

/// The filters on scan definition, data source and attribute, and the sort, come from the
/// URL, alone and together.
#[test]
fn the_new_filters_and_the_sort_come_from_the_url() {
    let data = two_definitions(30);
    let dir = tempfile::tempdir().expect("a temp dir");
    let url = write_report(dir.path(), &data);

    let dom = dump_dom(&format!(
        "{url}#checks?scan_definition=adventureworks-hourly"
    ));
    let rows = visible_rows(&dom);
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(
        attr(rows[0], "data-scan-definition"),
        "adventureworks-hourly"
    );
    assert!(dom.contains("1 of 11 checks"));

    let dom = dump_dom(&format!("{url}#checks?data_source=analytics"));
    let rows = visible_rows(&dom);
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert!(rows
        .iter()
        .all(|r| attr(r, "data-data-source") == "analytics"));

    let dom = dump_dom(&format!(
        "{url}#checks?attribute=priority%3D1&data_source=adventureworks"
    ));
    let rows = visible_rows(&dom);
    // Checks 0, 6 have priority 1 (i % 3 == 0, i even) and are on adventureworks; check 0 has two rows.
    assert_eq!(rows.len(), 3, "{rows:?}");
    assert!(rows.iter().all(|r| r.contains("priority=1")));

    let dom = dump_dom(&format!("{url}#checks?dataset=customers&sort=name"));
    let table = between(&dom, "id=\"check-table\"", "</table>");
    let names: Vec<String> = table
        .split("<tr ")
        .skip(1)
        .filter(|r| !r.starts_with("data-outcome=\"x") && !r.contains(" hidden"))
        .filter_map(|r| {
            let a = r
                .split("<td class=\"c-name\" data-label=\"Check\"><a href=\"#check-")
                .nth(1)?;
            Some(a.split('>').nth(1)?.split('<').next()?.to_string())
        })
        .collect();
    assert_eq!(
        names,
        [
            "freshness(updated_at) &lt; 1d",
            "invalid_percent(email) &lt; 5 %",
            "row_count &gt; 0",
            "Schema"
        ],
        "sorted by name, whatever the case"
    );
    assert!(dom.contains("4 of 11 checks"));
}

/// A dataset's page: its latest scan, the failed-scan warning with the scan definition, data
/// time and first error, and its checks grouped by column, the dataset-level checks first.
#[test]
fn a_page_per_dataset() {
    let data = two_definitions(30);
    let dir = tempfile::tempdir().expect("a temp dir");
    let url = write_report(dir.path(), &data);
    let dom = dump_dom(&format!("{url}#datasets"));
    // The Datasets rows link to the pages.
    let datasets = between(
        &dom,
        "<table class=\"data datasets-table stack\"",
        "</table>",
    );
    assert!(
        datasets.contains("<a href=\"#dataset-0\">customers</a>"),
        "{datasets}"
    );
    assert!(
        datasets.contains("<a href=\"#dataset-2\">events</a>"),
        "{datasets}"
    );

    let dom = dump_dom(&format!("{url}#dataset-1"));
    assert_eq!(
        tags(&dom, r#"class="view[^"]*active""#).len(),
        1,
        "one view shown"
    );
    let page = between(
        &dom,
        "<section id=\"dataset-1\" class=\"view dataset-page active\"",
        "</section>",
    );
    assert!(page.contains("data-data-source=\"adventureworks\" data-dataset=\"orders\""));
    assert!(page.contains("<h2 id=\"h-dataset-1\">orders</h2>"));
    let heads: Vec<&str> = tags(
        page,
        r#"<h3 class="col-head">(Dataset checks|Column <code>[a-z_]+</code>)"#,
    );
    assert_eq!(
        heads,
        [
            "<h3 class=\"col-head\">Dataset checks",
            "<h3 class=\"col-head\">Column <code>amount</code>",
            "<h3 class=\"col-head\">Column <code>customer_id</code>",
            "<h3 class=\"col-head\">Column <code>order_id</code>",
        ]
    );
    // Its row_count check under both scan definitions, in the dataset-level group.
    let dataset_level = between(page, "<h3 class=\"col-head\">Dataset checks", "</table>");
    assert_eq!(dataset_level.matches("<tr class=\"ds-check\"").count(), 2);
    assert!(
        !page.contains("scan-failed-note"),
        "orders' latest scan completed"
    );
    assert!(page.contains("Latest scan</dt><dd class=\"last-scan\">"));

    // events: its own latest scan failed; the warning names it and its first error.
    let dom = dump_dom(&format!("{url}#dataset-2"));
    let page = between(&dom, "<section id=\"dataset-2\"", "</section>");
    let warning = between(
        page,
        "<div class=\"alert scan-failed-note\"",
        "</div></div>",
    );
    assert!(warning.contains("<span class=\"scan-def\">analytics-daily</span> · 2024-05-31 06:00 · <a href=\"#scan-61\">scan #61</a>"), "{warning}");
    assert!(
        warning.contains("Could not connect to data source"),
        "{warning}"
    );
    assert!(page.contains("Scan failed (1 error)"), "{page}");
    assert!(
        tags(
            &dom,
            r##"<a href="#datasets" data-view="datasets" aria-current="page""##
        )
        .len()
            == 1
    );
}

/// The Scans view counts each scan's results by outcome, and a scan with errors is "Scan
/// failed (N errors)" with those counts next to it.
#[test]
fn scans_count_their_results_and_a_failed_scan_says_so() {
    let data = two_definitions(30);
    let dir = tempfile::tempdir().expect("a temp dir");
    let url = write_report(dir.path(), &data);
    let dom = dump_dom(&format!("{url}#scans"));
    let scans = between(&dom, "<section id=\"scans\"", "</section>");
    // Day 10's adventureworks scan had an error; its checks ran.
    let row = between(scans, "<tr id=\"scan-21\"", "</tr>");
    assert!(row.contains("Scan failed (1 error)"), "{row}");
    let expected = |id: i64| {
        let mut counts = [0usize; 4];
        for c in &data.checks {
            for p in c.results.iter().filter(|p| p.scan_id == id) {
                let at = match p.outcome.as_deref() {
                    Some("pass") => 0,
                    Some("warn") => 1,
                    Some("fail") => 2,
                    _ => 3,
                };
                counts[at] += 1;
            }
        }
        counts
    };
    let shown = |row: &str| {
        let mut counts = [0usize; 4];
        for (at, key) in ["pass", "warn", "fail", "not-evaluated"].iter().enumerate() {
            if let Some(n) = row
                .split(&format!("data-outcome=\"{key}\""))
                .nth(1)
                .and_then(|s| s.split("</span> ").nth(1))
                .and_then(|s| s.split('<').next())
            {
                counts[at] = n.trim().parse().expect("a count");
            }
        }
        counts
    };
    assert_eq!(shown(row), expected(21), "{row}");
    assert_eq!(expected(21).iter().sum::<usize>(), 8);
    assert!(
        row.contains("<span class=\"sub\">of 8 checks</span>"),
        "{row}"
    );
    assert!(row
        .contains("<td class=\"c-def\" data-label=\"Scan definition\">adventureworks-daily</td>"));
    // The last scan of analytics recorded no results.
    let failed = between(scans, "<tr id=\"scan-61\"", "</tr>");
    assert!(
        failed.contains("Scan failed (1 error)") && failed.contains("no check results"),
        "{failed}"
    );
    // A completed scan is labelled by its checks, with its counts.
    let hourly = between(scans, "<tr id=\"scan-10029\"", "</tr>");
    assert!(
        hourly.contains("st-fail") && !hourly.contains("Scan failed"),
        "{hourly}"
    );
    assert_eq!(shown(hourly), [0, 0, 1, 0]);
    assert!(!dom.contains("did not complete"));
}

/// At 390 px wide no view is wider than the screen. Headless Chromium's window is at least
/// 500 px wide, so the report is opened in an iframe of the width under test, in a page of
/// the test's own whose script writes the report's scroll width and viewport width into its
/// `<body>` (the report itself runs no script but its router).
#[test]
fn no_view_overflows_a_phone_screen() {
    let data = two_definitions(30);
    let dir = tempfile::tempdir().expect("a temp dir");
    write_report(dir.path(), &data);
    for (view, width) in [
        ("checks", 390),
        ("checks?outcome=fail", 390),
        ("datasets", 390),
        ("dataset-1", 390),
        ("dataset-2", 390),
        ("scans", 390),
        ("scan-21", 390),
        ("check-1", 390),
        ("check-3", 390),
        ("checks", 360),
        ("scans", 760),
        ("checks", 760),
        ("datasets", 760),
        ("checks", 1400),
    ] {
        let frame = dir.path().join("frame.html");
        std::fs::write(
            &frame,
            format!(
                "<!DOCTYPE html><html><body style=\"margin:0\">\
                 <iframe id=\"f\" src=\"report.html#{view}\" style=\"width:{width}px;height:900px;border:0\"></iframe>\
                 <script>var f = document.getElementById(\"f\");\
                 f.addEventListener(\"load\", function () {{ var d = f.contentDocument.documentElement;\
                 document.body.setAttribute(\"data-scroll-width\", d.scrollWidth);\
                 document.body.setAttribute(\"data-client-width\", d.clientWidth); }});</script></body></html>"
            ),
        )
        .expect("write the frame page");
        let dom = chromium(&[
            "--window-size=1500,1000".into(),
            "--hide-scrollbars".into(),
            "--allow-file-access-from-files".into(),
            "--dump-dom".into(),
            format!("file://{}", frame.display()),
        ]);
        let body = tags(&dom, r#"<body [^>]*>"#)
            .first()
            .copied()
            .unwrap_or_else(|| panic!("#{view}: no body: {dom}"));
        let scroll: u32 = attr(body, "data-scroll-width")
            .parse()
            .unwrap_or_else(|_| panic!("#{view}: not measured: {body}"));
        let client: u32 = attr(body, "data-client-width")
            .parse()
            .expect("the viewport's width");
        assert_eq!(client, width, "#{view}: the frame is {width} px wide");
        assert!(
            scroll <= client,
            "#{view} at {width} px: the page is {scroll} px wide"
        );
    }
}

/// The views at 1400 and 390 px, light and dark, under `docs/screenshots/`.
#[test]
#[ignore]
fn docs_view_screenshots() {
    let data = two_definitions(60);
    let dir = tempfile::tempdir().expect("a temp dir");
    let url = write_report(dir.path(), &data);
    if let Some(copy) = std::env::var_os("REPORT_HTML_OUT") {
        // For opening the same report in a browser.
        std::fs::copy(dir.path().join("report.html"), copy).expect("copy the report");
    }
    let out = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/screenshots");
    std::fs::create_dir_all(&out).expect("create docs/screenshots/");
    for (name, hash) in [
        ("check-results", "#checks"),
        ("datasets", "#datasets"),
        ("dataset-page", "#dataset-2"),
        ("scans", "#scans"),
    ] {
        screenshot(
            &format!("{url}{hash}"),
            &out.join(format!("{name}-1400.png")),
            "1400,1000",
        );
        screenshot(
            &format!("{url}{hash}"),
            &out.join(format!("{name}-390.png")),
            "390,1200",
        );
    }
    screenshot_with(
        &format!("{url}#checks"),
        &out.join("check-results-1400-dark.png"),
        "1400,1000",
        &[
            "--force-dark-mode",
            "--blink-settings=preferredColorScheme=0",
        ],
    );
    screenshot_with(
        &format!("{url}#dataset-2"),
        &out.join("dataset-page-390-dark.png"),
        "390,1200",
        &[
            "--force-dark-mode",
            "--blink-settings=preferredColorScheme=0",
        ],
    );
}

// ----- Every result explains itself ----------------------------------------------------

/// A report of one check with `results` (one a day from day 0) and its latest diagnostics.
fn one_check(
    definition: &str,
    results: Vec<CheckPoint>,
    diagnostics: serde_json::Value,
) -> ReportData {
    let scans = results
        .iter()
        .map(|p| ScanSummary {
            id: p.scan_id,
            definition: "daily".into(),
            data_source: "shop".into(),
            data_timestamp: p.data_timestamp.clone(),
            scan_start: p.data_timestamp.clone(),
            scan_end: p.data_timestamp.clone(),
            check_count: 1,
            ..ScanSummary::default()
        })
        .rev()
        .collect();
    ReportData {
        generated_at: stamp(30, 0, 0, 0),
        store: "test".into(),
        scans,
        checks: vec![CheckHistory {
            check: CheckInfo {
                identity: "c0".into(),
                name: match definition.lines().next().unwrap_or_default() {
                    "schema:" => "Schema Check".into(),
                    first => first.into(),
                },
                definition: definition.into(),
                data_source: "shop".into(),
                dataset: Some("customers".into()),
                file: "checks.yml".into(),
                line: 2,
                ..CheckInfo::default()
            },
            results,
            samples: None,
            attributes: Vec::new(),
            diagnostics: Some(diagnostics),
            group: None,
        }],
        datasets: Vec::new(),
    }
}

fn result(d: usize, outcome: Option<&str>, value: Option<f64>, text: &str) -> CheckPoint {
    CheckPoint {
        scan_id: d as i64 + 1,
        data_timestamp: stamp(d, 6, 0, 0),
        outcome: outcome.map(Into::into),
        value,
        value_text: text.into(),
        ..CheckPoint::default()
    }
}

/// The check page's section in the DOM Chromium made of the report of `data`.
fn check_page_dom(data: &ReportData) -> String {
    let dir = tempfile::tempdir().expect("a temp dir");
    let url = write_report(dir.path(), data);
    let dom = dump_dom(&format!("{url}#check-0"));
    let page = dom
        .split("<section id=\"check-0\"")
        .nth(1)
        .and_then(|s| s.split("</section>").next())
        .expect("the check page")
        .to_string();
    assert!(
        page.starts_with(" class=\"view check-page active\""),
        "{page}"
    );
    page
}

fn schema_data() -> ReportData {
    one_check(
        "schema:\n  warn:\n    when schema changes: any",
        vec![
            result(0, Some("pass"), None, ""),
            result(1, Some("warn"), None, ""),
        ],
        serde_json::json!({
            "blocks": [
                {"type": "csv", "title": "Schema", "text": "Column,Type\nid,integer\nemail,text\nloyalty_tier,text"},
                {"type": "csv", "title": "Diagnostics", "text": "Column,Event,Details\nloyalty_tier,:icon-warn: Column Added, "}
            ],
            "preferredChart": "bars", "valueLabel": "2 schema events",
            "column_additions": ["loyalty_tier"], "column_deletions": ["phone"],
            "column_index_changes": {"email": {"previous_index": 2, "new_index": 1}},
            "column_index_mismatches": {},
            "column_type_changes": {"email": {"previous_type": "VARCHAR", "new_type": "text"}},
            "column_type_mismatches": {}, "missing_column_names": [], "present_column_names": ["ssn"]
        }),
    )
}

#[test]
fn a_schema_check_page_shows_what_changed() {
    let data = schema_data();
    let page = check_page_dom(&data);
    assert!(page.contains("Why this outcome"), "{page}");
    for event in [
        "<td><code>loyalty_tier</code></td><td class=\"ev-added\">Column added</td>",
        "<td><code>phone</code></td><td class=\"ev-removed\">Column removed</td>",
        "<td class=\"ev-changed\">Type changed</td><td>VARCHAR → text</td>",
        "<td class=\"ev-changed\">Position changed</td><td>position 2 → 1</td>",
        "<td><code>ssn</code></td><td class=\"ev-forbidden\">Forbidden column present</td>",
    ] {
        assert!(page.contains(event), "{event}\n{page}");
    }
    assert_eq!(
        page.matches("<table class=\"data schema-columns\">")
            .count(),
        1
    );
    assert!(
        !page.contains("No numeric values"),
        "a table instead of an empty chart"
    );
    assert!(!page.contains("<svg"));
}

fn change_data() -> ReportData {
    let mut results: Vec<_> = (0..5)
        .map(|d| result(d, Some("pass"), Some(d as f64), &format!("{d}")))
        .collect();
    results.push(result(
        5,
        Some("fail"),
        Some(-27.85714285714289),
        "-27.857142857142890",
    ));
    for p in &mut results {
        p.fail = Some(zone(None, None, Some(-20.0), None));
    }
    one_check(
        "change percent for row_count > -20%",
        results,
        serde_json::json!({"value": -27.85714285714289, "fail": {"lessThan": -20.0},
                           "diagnostics": {"historic_value": 1400, "metric_value": 1010}}),
    )
}

#[test]
fn a_change_check_page_shows_the_historic_value() {
    let data = change_data();
    let page = check_page_dom(&data);
    assert!(
        page.contains("<dt>Historic value</dt><dd>1,400</dd>"),
        "{page}"
    );
    assert!(page.contains("<dt>Current value</dt><dd>1,010</dd>"));
    assert!(page.contains("title=\"-27.857142857142890\">-27.86%</span>"));
    // Every result keeps the zone it was judged by, in the results table too.
    assert_eq!(page.matches("<td>&lt; -20%</td>").count(), 6, "{page}");
    assert!(page.contains(">change percent for row_count (%)</text>"));
}

fn anomaly_data() -> ReportData {
    let mut results = Vec::new();
    for d in 0..20 {
        let expected = 100.0 + d as f64 * 5.0;
        let value = if d == 19 {
            400.0
        } else {
            expected + (d % 3) as f64
        };
        let mut p = result(
            d,
            Some(if d == 19 { "fail" } else { "pass" }),
            Some(value),
            &format!("{value}"),
        );
        p.fail = Some(zone(
            None,
            Some(expected + 20.0),
            Some(expected - 20.0),
            None,
        ));
        results.push(p);
    }
    one_check(
        "anomaly detection for row_count",
        results,
        serde_json::json!({"value": 400, "fail": {"lessThan": 175.0, "greaterThan": 215.0},
                           "anomalyProbability": 0.99, "anomalyPredictedValue": 195.0,
                           "anomalyErrorSeverity": "fail", "anomalyErrorCode": "", "anomalyErrorMessage": ""}),
    )
}

#[test]
fn an_anomaly_check_page_draws_a_moving_band() {
    let data = anomaly_data();
    let page = check_page_dom(&data);
    assert!(
        page.contains("<dt>Expected value</dt><dd>195</dd>"),
        "{page}"
    );
    assert!(page.contains("<dt>Expected range</dt><dd>175 to 215</dd>"));
    assert!(page.contains("above the expected range"));
    assert_eq!(page.matches("<polygon class=\"expected\"").count(), 1);
    assert_eq!(page.matches("<circle class=\"anomaly\"").count(), 1);
    assert!(
        !page.contains("class=\"band band-fail\""),
        "no fixed band across history"
    );
    // The band's upper edge follows each result's expectation: 20 points, rising.
    let edge = page
        .split("<polyline class=\"expected-edge\" points=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("the band's edge");
    let ys: Vec<f64> = edge
        .split_whitespace()
        .map(|xy| {
            xy.split(',')
                .nth(1)
                .and_then(|y| y.parse().ok())
                .expect("a y")
        })
        .collect();
    assert_eq!(ys.len(), 20);
    assert!(ys.windows(2).all(|w| w[1] < w[0]), "{ys:?}");
}

fn freshness_data() -> ReportData {
    let hour = 3_600_000.0;
    let results: Vec<_> = (0..10)
        .map(|d| {
            let v = hour * (20.0 + d as f64 * 2.5);
            result(
                d,
                Some(if v > 36.0 * hour { "fail" } else { "pass" }),
                Some(v),
                &format!("{v:.0}"),
            )
        })
        .collect();
    one_check(
        "freshness(updated_at) < 1d12h",
        results,
        serde_json::json!({"value": 153_000_000, "measure": "time",
            "maxColumnTimestamp": "2024-05-09 11:00:00", "maxColumnTimestampUtc": "2024-05-09 11:00:00+00:00",
            "nowVariableName": "NOW", "nowTimestamp": "2024-05-11T06:00:00+00:00",
            "nowTimestampUtc": "2024-05-11 06:00:00+00:00", "freshness": "1 day, 18:30:00"}),
    )
}

#[test]
fn a_freshness_check_page_shows_the_age() {
    let data = freshness_data();
    let page = check_page_dom(&data);
    assert!(
        page.contains(
            "<dt>Newest value</dt><dd>2024-05-09 11:00:00 (2024-05-09 11:00:00+00:00 UTC)</dd>"
        ),
        "{page}"
    );
    assert!(page.contains("<dt>Now (${NOW})</dt>"));
    assert!(page.contains("title=\"1 day, 18:30:00\">1 d 19 h</span>"));
    // The results table and the chart read ages, not milliseconds.
    assert!(
        page.contains("title=\"153000000\">1 d 19 h</span>"),
        "{page}"
    );
    assert!(page.contains(">freshness(updated_at) (hours)</text>"));
}

fn failed_rows_data() -> ReportData {
    let counts = [0.0, 0.0, 1.0, 0.0, 2.0, 0.0, 0.0, 1.0, 0.0, 2.0];
    let results = counts
        .iter()
        .enumerate()
        .map(|(d, &v)| {
            let mut p = result(
                d,
                Some(if v > 0.0 { "fail" } else { "pass" }),
                Some(v),
                &format!("{v:.0}"),
            );
            p.fail = Some(zone(None, Some(0.0), Some(0.0), None));
            p
        })
        .collect();
    let mut data = one_check(
        "missing_count(email) = 0",
        results,
        serde_json::json!({"value": 2, "fail": {"greaterThan": 0.0, "lessThan": 0.0},
            "blocks": [{"type": "failedRowsAnalysis", "title": "Failed Rows Analysis",
                "file": {"columns": [{"name": "id", "type": "INTEGER"}, {"name": "email", "type": "TEXT"}],
                         "totalRowCount": 2, "storedRowCount": 2}}]}),
    );
    data.checks[0].samples = Some(SampleRows {
        data_timestamp: stamp(9, 6, 0, 0),
        sample: FailedRows {
            columns: vec!["id".into(), "email".into()],
            rows: vec![vec![1.into(), Cell::Null], vec![2.into(), "NULL".into()]],
            total: 2,
        },
    });
    data
}

#[test]
fn a_failed_rows_page_shows_types_and_nulls() {
    let data = failed_rows_data();
    let page = check_page_dom(&data);
    assert!(page.contains("<th>id <span class=\"col-type\">INTEGER</span></th><th>email <span class=\"col-type\">TEXT</span></th>"), "{page}");
    assert!(page.contains(
        "<tr class=\"failed-row\"><td>1</td><td><span class=\"null\">NULL</span></td></tr>"
    ));
    assert!(page.contains("<tr class=\"failed-row\"><td>2</td><td>NULL</td></tr>"));
    // Counts chart with whole ticks only.
    assert!(!page.contains(">0.5</text>") && !page.contains(">1.5</text>"));
}

fn not_evaluated_data() -> ReportData {
    let mut latest = result(1, None, None, "");
    latest.reasons = vec![OutcomeReason {
        code: "notEnoughHistory".into(),
        message: "Skipping schema checks since there is no historic schema metrics!".into(),
        severity: "warn".into(),
    }];
    one_check(
        "schema:\n  warn:\n    when schema changes: any",
        vec![result(0, None, None, ""), latest],
        serde_json::json!({}),
    )
}

#[test]
fn a_not_evaluated_page_says_why() {
    let data = not_evaluated_data();
    let page = check_page_dom(&data);
    assert!(page.contains("Why it was not evaluated"), "{page}");
    assert!(page.contains("<li class=\"reason-item\" data-code=\"notEnoughHistory\">Skipping schema checks since there is no historic schema metrics! <code>notEnoughHistory</code></li>"));
    assert!(page.contains("<a href=\"#scan-2\">Scan #2</a>"));
}

/// Screenshots of a check page of each kind, at 1400 px and 390 px, light and dark, into
/// `docs/screenshots/` (`cargo test -j1 --test integration report_html::check_page_screenshots
/// -- --ignored`).
#[test]
#[ignore]
fn check_page_screenshots() {
    let out = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/screenshots");
    std::fs::create_dir_all(&out).expect("create docs/screenshots/");
    let dir = tempfile::tempdir().expect("a temp dir");
    for (kind, data) in [
        ("schema", schema_data()),
        ("change", change_data()),
        ("anomaly", anomaly_data()),
        ("freshness", freshness_data()),
        ("failed-rows", failed_rows_data()),
        ("not-evaluated", not_evaluated_data()),
    ] {
        let path = dir.path().join(format!("{kind}.html"));
        std::fs::write(&path, render(&data)).expect("write the report");
        let url = format!("file://{}#check-0", path.display());
        for (width, size) in [("1400", "1400,1100"), ("390", "390,1800")] {
            screenshot(&url, &out.join(format!("check-{kind}-{width}.png")), size);
        }
        let png = out.join(format!("check-{kind}-1400-dark.png"));
        let _ = std::fs::remove_file(&png);
        chromium(&[
            "--window-size=1400,1100".into(),
            "--hide-scrollbars".into(),
            "--force-dark-mode".into(),
            "--blink-settings=preferredColorScheme=0".into(),
            format!("--screenshot={}", png.display()),
            url.clone(),
        ]);
    }
}
