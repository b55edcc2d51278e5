//! The chart of a check page: its value over data time as server-side SVG (no script), with
//! the points coloured by outcome and the warn and fail zones each result was judged against
//! drawn as shaded bands and dashed lines that step where the thresholds changed (an anomaly
//! check's expected range moves with every result), labelled axes with units, and dated ticks
//! in UTC.
//!
//! This file picks what to plot; [`scale`] fits it to the canvas, [`svg`] draws it and
//! [`legend`] writes what it means (and what it left out) underneath.

mod legend;
mod scale;
mod svg;

use super::facts::Outcome;
use super::numbers::Unit;
use super::time::parse_millis;
use crate::results::stored::{CheckHistory, CheckPoint, Zone};
use scale::Scale;
use std::fmt::{self, Write};

const WIDTH: f64 = 900.0;
const HEIGHT: f64 = 276.0;
const LEFT: f64 = 84.0;
const RIGHT: f64 = 790.0;
const TOP: f64 = 14.0;
const BOTTOM: f64 = 228.0;

/// A result that can be plotted: a readable data time and a finite value (in the axis'
/// unit: a freshness in hours or days rather than milliseconds).
struct Point<'a> {
    t: i64,
    v: f64,
    outcome: Outcome,
    result: &'a CheckPoint,
}

/// A run of consecutive points judged against the same zones, from `t0` to `t1` (half way to
/// the neighbouring runs), with its zones in the axis' unit.
pub struct Segment {
    t0: i64,
    t1: i64,
    warn: Option<Zone>,
    fail: Option<Zone>,
}

impl Segment {
    /// Warn first so that fail is drawn over it.
    fn zones(&self) -> impl Iterator<Item = (&'static str, &Zone)> {
        self.warn
            .iter()
            .map(|z| ("warn", z))
            .chain(self.fail.iter().map(|z| ("fail", z)))
    }
}

/// How the value axis reads: its title, the divisor from recorded values to plotted ones, and
/// whether its ticks must be whole numbers (counts).
pub struct Axis {
    title: String,
    divisor: f64,
    unit: Unit,
    integers: bool,
    /// An anomaly check: its fail or warn zone is the outside of the expected range.
    anomaly: bool,
}

/// Writes the chart of `check` (or a line saying there is nothing to plot) followed by its
/// legend.
pub fn write_chart(out: &mut String, check: &CheckHistory) -> fmt::Result {
    let unit = Unit::of(check);
    let divisor = divisor(check, unit);
    let points = plotted(check, divisor);
    let skipped = check.results.len() - points.len();
    if points.is_empty() {
        out.push_str("<p class=\"chart-empty\">No numeric values to chart.");
        if skipped > 0 {
            write!(out, " {}", not_plotted(skipped))?;
        }
        out.push_str("</p>");
        return Ok(());
    }
    let axis = Axis {
        title: axis_title(check, unit, divisor),
        divisor,
        unit,
        integers: unit != Unit::Millis && points.iter().all(|p| p.v.fract() == 0.0),
        anomaly: is_anomaly(check),
    };
    let segments = segments(&points, divisor);
    let (scale, thresholds) = Scale::fit(&points, &segments, &axis);
    svg::write_svg(out, &points, &segments, &scale, &thresholds.drawn, &axis)?;
    legend::write_legend(out, &points, &segments, &scale, &thresholds, skipped, &axis)
}

/// Whether the chart of `check` has a point to plot.
pub fn plottable(check: &CheckHistory) -> bool {
    check
        .results
        .iter()
        .any(|r| r.value.is_some_and(f64::is_finite) && parse_millis(&r.data_timestamp).is_some())
}

/// An anomaly detection check (its zones are the outside of each result's expected range).
pub fn is_anomaly(check: &CheckHistory) -> bool {
    check
        .definition
        .trim_start()
        .to_ascii_lowercase()
        .starts_with("anomaly")
        || check
            .diagnostics
            .as_ref()
            .is_some_and(|d| d.get("anomalyPredictedValue").is_some())
}

/// Milliseconds per plotted unit of a freshness (hours, or days for long ages), else 1.
fn divisor(check: &CheckHistory, unit: Unit) -> f64 {
    if unit != Unit::Millis {
        return 1.0;
    }
    let max = check
        .results
        .iter()
        .filter_map(|r| r.value)
        .filter(|v| v.is_finite())
        .fold(0.0, f64::max);
    match max {
        m if m >= 3.0 * 86_400_000.0 => 86_400_000.0,
        m if m >= 3.0 * 3_600_000.0 => 3_600_000.0,
        m if m >= 3.0 * 60_000.0 => 60_000.0,
        _ => 1000.0,
    }
}

/// The value axis' title: the metric as the check names it, with its unit.
fn axis_title(check: &CheckHistory, unit: Unit, divisor: f64) -> String {
    let first = check.definition.lines().next().unwrap_or_default().trim();
    // An anomaly check charts its metric.
    let first = ["anomaly detection for ", "anomaly score for "]
        .iter()
        .find_map(|p| first.strip_prefix(p))
        .unwrap_or(first);
    let cut = [" <", " >", " =", " !=", " between", " not between", ":"]
        .iter()
        .filter_map(|op| first.find(op))
        .min()
        .unwrap_or(first.len());
    let mut metric: String = first[..cut].trim().chars().take(48).collect();
    if metric.is_empty() {
        metric = "Value".into();
    }
    let unit_text = match unit {
        Unit::Millis => match divisor as i64 {
            86_400_000 => " (days)",
            3_600_000 => " (hours)",
            60_000 => " (minutes)",
            _ => " (seconds)",
        },
        other => other.axis_suffix(),
    };
    format!("{metric}{unit_text}")
}

/// The results with a readable data time and a finite value, in time order.
fn plotted(check: &CheckHistory, divisor: f64) -> Vec<Point<'_>> {
    let mut points: Vec<Point<'_>> = Vec::with_capacity(check.results.len());
    for result in &check.results {
        if let (Some(t), Some(v)) = (parse_millis(&result.data_timestamp), result.value) {
            if v.is_finite() {
                points.push(Point {
                    t,
                    v: v / divisor,
                    outcome: Outcome::of_point(result),
                    result,
                });
            }
        }
    }
    // Stable, so results recorded for the same data time keep the store's order.
    points.sort_by_key(|p| p.t);
    points
}

/// The runs of points judged against the same zones (one for thresholds that never changed,
/// one per result for an anomaly check's moving range).
fn segments(points: &[Point<'_>], divisor: f64) -> Vec<Segment> {
    let scaled = |z: &Option<Zone>| {
        z.as_ref().map(|z| Zone {
            greater_than_or_equal: z.greater_than_or_equal.map(|v| v / divisor),
            greater_than: z.greater_than.map(|v| v / divisor),
            less_than: z.less_than.map(|v| v / divisor),
            less_than_or_equal: z.less_than_or_equal.map(|v| v / divisor),
        })
    };
    let mut segments: Vec<Segment> = Vec::new();
    let mut previous: Option<(&Option<Zone>, &Option<Zone>, i64)> = None;
    for p in points {
        let (warn, fail) = (&p.result.warn, &p.result.fail);
        match previous {
            Some((w, f, _)) if w == warn && f == fail => {}
            _ => {
                if let (Some(last), Some((_, _, prev_t))) = (segments.last_mut(), previous) {
                    last.t1 = prev_t + (p.t - prev_t) / 2;
                }
                segments.push(Segment {
                    t0: segments.last().map_or(p.t, |s| s.t1),
                    t1: p.t,
                    warn: scaled(warn),
                    fail: scaled(fail),
                });
            }
        }
        previous = Some((warn, fail, p.t));
    }
    if let (Some(last), Some(p)) = (segments.last_mut(), points.last()) {
        last.t1 = p.t;
    }
    segments
}

fn not_plotted(n: usize) -> String {
    format!(
        "{n} result{} not plotted (no numeric value or no readable data time).",
        if n == 1 { "" } else { "s" }
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(day: usize, value: Option<f64>, outcome: Option<&str>) -> CheckPoint {
        CheckPoint {
            scan_id: day as i64,
            data_timestamp: format!("2024-05-{day:02}T10:00:00+00:00"),
            outcome: outcome.map(Into::into),
            value,
            value_text: value.map(|v| v.to_string()).unwrap_or_default(),
            ..CheckPoint::default()
        }
    }

    fn chart(results: Vec<CheckPoint>) -> String {
        let check = CheckHistory {
            results,
            ..CheckHistory::default()
        };
        let mut out = String::new();
        write_chart(&mut out, &check).unwrap();
        out
    }

    fn count(hay: &str, needle: &str) -> usize {
        hay.matches(needle).count()
    }

    /// The points drawn with an outcome's colour.
    fn circles(svg: &str, outcome: &str) -> usize {
        svg.split(&format!("<g class=\"pt pt-{outcome}\">"))
            .nth(1)
            .and_then(|g| g.split("</g>").next())
            .map_or(0, |g| count(g, "<circle"))
    }

    /// Every number in the SVG's coordinates, which must all be finite.
    fn coordinates_are_finite(svg: &str) -> bool {
        !svg.contains("NaN") && !svg.contains("inf")
    }

    #[test]
    fn no_points_no_svg() {
        let out = chart(vec![]);
        assert!(!out.contains("<svg"));
        assert!(out.contains("No numeric values"));
        let out = chart(vec![
            point(1, None, None),
            point(2, Some(f64::NAN), Some("pass")),
        ]);
        assert!(!out.contains("<svg"));
        assert!(out.contains("2 results not plotted"));
    }

    #[test]
    fn one_point_is_centred_without_a_line() {
        let out = chart(vec![point(1, Some(5.0), Some("pass"))]);
        assert_eq!(count(&out, "<circle"), 1);
        assert!(!out.contains("<polyline"));
        assert!(
            out.contains(&format!("cx=\"{:.1}\"", (LEFT + RIGHT) / 2.0)),
            "{out}"
        );
        assert!(out.contains(">5</text>"));
        assert!(out.contains("2024-05-01 10:00"));
        assert!(coordinates_are_finite(&out));
    }

    #[test]
    fn many_points_make_one_line_coloured_by_outcome() {
        let mut results: Vec<_> = (1..=30)
            .map(|d| point(d, Some(d as f64 * 10.0), Some("pass")))
            .collect();
        results[3].outcome = Some("fail".into());
        results[4].outcome = Some("warn".into());
        results[5].outcome = None;
        results[6].value = None;
        results[7].data_timestamp = "garbage".into();
        results[8].value = Some(f64::INFINITY);
        let out = chart(results);
        assert_eq!(count(&out, "<polyline"), 1);
        assert_eq!(count(&out, "<circle"), 27);
        assert_eq!(circles(&out, "fail"), 1);
        assert_eq!(circles(&out, "warn"), 1);
        assert_eq!(circles(&out, "not-evaluated"), 1);
        assert_eq!(circles(&out, "pass"), 24);
        assert!(out.contains("3 results not plotted"));
        // Ticks every three days at UTC midnight, and the axes' titles.
        assert!(out.contains(">2024-05-02</text>") && out.contains(">2024-05-29</text>"));
        assert!(count(&out, "class=\"xlab\"") >= 4, "{out}");
        assert!(out.contains(">Data time (UTC)</text>"));
        assert!(out.contains("min 10 · max 300"));
        for tick in [">0</text>", ">100</text>", ">200</text>", ">300</text>"] {
            assert!(out.contains(tick), "{tick}");
        }
        assert!(coordinates_are_finite(&out));
    }

    #[test]
    fn points_are_drawn_in_time_order() {
        let out = chart(vec![
            point(3, Some(3.0), Some("pass")),
            point(1, Some(1.0), Some("pass")),
        ]);
        let line = out.split("points=\"").nth(1).unwrap();
        assert!(line.starts_with(&format!("{LEFT:.1},")), "{line}");
    }

    #[test]
    fn equal_values_huge_and_negative_values_stay_on_the_canvas() {
        for values in [
            vec![7.0, 7.0, 7.0],
            vec![0.0, 0.0],
            vec![-1e308, 1e308, f64::MAX],
            vec![f64::MIN, f64::MIN],
            vec![-5.0, -20.0, -3.5],
            vec![1e-300, 2e-300],
        ] {
            let out = chart(
                values
                    .iter()
                    .enumerate()
                    .map(|(i, &v)| point(i + 1, Some(v), Some("pass")))
                    .collect(),
            );
            assert!(coordinates_are_finite(&out), "{values:?}: {out}");
            for cy in out.split("cy=\"").skip(1) {
                let cy: f64 = cy.split('"').next().unwrap().parse().unwrap();
                assert!((TOP..=BOTTOM).contains(&cy), "{values:?}: {cy}");
            }
        }
    }

    #[test]
    fn thresholds_of_the_latest_result_are_dashed_labelled_lines() {
        let mut results: Vec<_> = (1..=10)
            .map(|d| point(d, Some(d as f64 * 2.0), Some("pass")))
            .collect();
        let last = results.last_mut().unwrap();
        last.fail = Some(Zone {
            less_than: Some(10.0),
            ..Zone::default()
        });
        last.warn = Some(Zone {
            greater_than_or_equal: Some(10.0),
            less_than: Some(15.0),
            ..Zone::default()
        });
        let out = chart(results);
        assert_eq!(count(&out, "<line class=\"thr thr-fail\""), 1);
        assert_eq!(count(&out, "<line class=\"thr thr-warn\""), 2);
        assert!(out.contains(">fail &lt; 10</text>"), "{out}");
        assert!(out.contains(">warn ≥ 10</text>") && out.contains(">warn &lt; 15</text>"));
        assert_eq!(count(&out, "class=\"band band-fail\""), 1);
        assert_eq!(count(&out, "class=\"band band-warn\""), 1);
        assert!(out.contains("fail threshold") && out.contains("warn threshold"));
    }

    #[test]
    fn each_result_keeps_its_zones_and_far_ones_are_listed_instead() {
        let mut results: Vec<_> = (1..=5)
            .map(|d| point(d, Some(1000.0 + d as f64), Some("pass")))
            .collect();
        results[0].fail = Some(Zone {
            less_than: Some(1002.0),
            ..Zone::default()
        });
        results[4].fail = Some(Zone {
            less_than_or_equal: Some(0.0),
            ..Zone::default()
        });
        let out = chart(results);
        // The first result's threshold is drawn over its own stretch only, unlabelled (the
        // labels name the latest); the latest one is far off the scale, so listed.
        let lines: Vec<&str> = out.split("<line class=\"thr thr-fail\"").skip(1).collect();
        assert_eq!(lines.len(), 1, "{out}");
        let x2: f64 = lines[0]
            .split("x2=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        assert!(x2 < (LEFT + RIGHT) / 2.0, "{x2}");
        assert!(!out.contains(">fail &lt; 1,002</text>"));
        assert!(out.contains("fail ≤ 0 (off the chart)"));
        assert!(out.contains("thresholds changed 2 times"));
    }

    #[test]
    fn an_anomaly_range_moves_with_each_result() {
        let mut results: Vec<_> = (1..=6)
            .map(|d| point(d, Some(100.0 + d as f64), Some("pass")))
            .collect();
        for (i, p) in results.iter_mut().enumerate() {
            p.fail = Some(Zone {
                less_than: Some(90.0 + i as f64 * 2.0),
                greater_than: Some(110.0 + i as f64 * 2.0),
                ..Zone::default()
            });
        }
        results[5].value = Some(140.0);
        results[5].outcome = Some("fail".into());
        let check = CheckHistory {
            check: crate::results::stored::CheckInfo {
                definition: "anomaly detection for row_count".into(),
                ..Default::default()
            },
            results,
            ..CheckHistory::default()
        };
        let mut out = String::new();
        write_chart(&mut out, &check).unwrap();
        assert_eq!(count(&out, "<polygon class=\"expected\""), 1);
        let polygon = out
            .split("<polygon class=\"expected\" points=\"")
            .nth(1)
            .unwrap();
        let ys: Vec<f64> = polygon
            .split('"')
            .next()
            .unwrap()
            .split_whitespace()
            .map(|xy| xy.split(',').nth(1).unwrap().parse().unwrap())
            .collect();
        assert_eq!(ys.len(), 12);
        assert!(ys[0] > ys[5], "the upper edge rises: {ys:?}");
        assert_eq!(count(&out, "<circle class=\"anomaly\""), 1);
        assert!(!out.contains("band-fail"), "no fixed bands");
        assert!(out.contains("expected range of each result"));
        // The latest range's two labels never overprint.
        let labels: Vec<f64> = out
            .split("class=\"thr-lab thr-lab-fail\" x=\"")
            .skip(1)
            .map(|s| {
                s.split("y=\"")
                    .nth(1)
                    .unwrap()
                    .split('"')
                    .next()
                    .unwrap()
                    .parse()
                    .unwrap()
            })
            .collect();
        assert_eq!(labels.len(), 2);
        assert!((labels[0] - labels[1]).abs() >= 13.0);
    }

    #[test]
    fn a_collapsed_range_keeps_its_labels_apart_and_counts_get_whole_ticks() {
        let mut results: Vec<_> = (1..=4).map(|d| point(d, Some(0.0), Some("pass"))).collect();
        results[3].value = Some(1.0);
        results[3].fail = Some(Zone {
            greater_than: Some(0.0),
            less_than: Some(0.0),
            ..Zone::default()
        });
        let out = chart(results);
        assert!(
            !out.contains(">0.2</text>") && !out.contains(">0.5</text>"),
            "{out}"
        );
        assert!(out.contains(">0</text>") && out.contains(">1</text>"));
        // Bad on both sides of 0: one label, not two printed over each other.
        assert_eq!(count(&out, "class=\"thr-lab thr-lab-fail\""), 1, "{out}");
        assert!(out.contains(">fail ≠ 0</text>"));
    }

    #[test]
    fn percent_and_freshness_axes_say_their_unit() {
        let check = |definition: &str, values: &[f64]| {
            let check = CheckHistory {
                check: crate::results::stored::CheckInfo {
                    definition: definition.into(),
                    ..Default::default()
                },
                results: values
                    .iter()
                    .enumerate()
                    .map(|(i, v)| point(i + 1, Some(*v), Some("pass")))
                    .collect(),
                ..CheckHistory::default()
            };
            let mut out = String::new();
            write_chart(&mut out, &check).unwrap();
            out
        };
        let out = check(
            "missing_percent(email) < 5",
            &[1.5, 2.25, 65.20000000000005],
        );
        assert!(out.contains(">missing_percent(email) (%)</text>"), "{out}");
        assert!(out.contains("%</text>"));
        assert!(out.contains("max 65.2%"));
        let out = check(
            "freshness(updated_at) < 1d",
            &[3_600_000.0 * 30.0, 3_600_000.0 * 50.0],
        );
        assert!(
            out.contains(">freshness(updated_at) (hours)</text>"),
            "{out}"
        );
        assert!(out.contains("max 2 d 2 h"), "{out}");
    }

    #[test]
    fn tooltips_escape_the_data() {
        let mut p = point(1, Some(1.0), Some("fail"));
        p.value_text = "<b>1</b>".into();
        p.data_timestamp = "2024-05-01T10:00:00Z".into();
        let out = chart(vec![p]);
        assert!(out.contains("&lt;b&gt;1&lt;/b&gt;"));
        assert!(!out.contains("<b>"));
    }
}
