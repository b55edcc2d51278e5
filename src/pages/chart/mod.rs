//! The chart of a check page: its value over data time as server-side SVG (no script), with
//! the points coloured by outcome and the warn and fail thresholds of the latest result
//! drawn as shaded bands and labelled dashed lines.
//!
//! This file picks what to plot; [`scale`] fits it to the canvas, [`svg`] draws it and
//! [`legend`] writes what it means (and what it left out) underneath.

mod legend;
mod scale;
mod svg;

use super::facts::Outcome;
use super::time::parse_millis;
use crate::results::stored::{CheckHistory, CheckPoint, Zone};
use scale::Scale;
use std::fmt::{self, Write};

const WIDTH: f64 = 900.0;
const HEIGHT: f64 = 260.0;
const LEFT: f64 = 72.0;
const RIGHT: f64 = 790.0;
const TOP: f64 = 14.0;
const BOTTOM: f64 = 228.0;

/// A result that can be plotted: a readable data time and a finite value.
struct Point<'a> {
    t: i64,
    v: f64,
    outcome: Outcome,
    result: &'a CheckPoint,
}

/// Writes the chart of `check` (or a line saying there is nothing to plot) followed by its
/// legend.
pub fn write_chart(out: &mut String, check: &CheckHistory) -> fmt::Result {
    let points = plotted(check);
    let skipped = check.results.len() - points.len();
    if points.is_empty() {
        out.push_str("<p class=\"chart-empty\">No numeric values to chart.");
        if skipped > 0 {
            write!(out, " {}", not_plotted(skipped))?;
        }
        out.push_str("</p>");
        return Ok(());
    }
    let zones = latest_zones(check);
    let (scale, thresholds) = Scale::fit(&points, &zones);
    svg::write_svg(out, &points, &zones, &scale, &thresholds.drawn)?;
    legend::write_legend(out, &points, &scale, &thresholds, skipped)
}

/// The results with a readable data time and a finite value, in time order.
fn plotted(check: &CheckHistory) -> Vec<Point<'_>> {
    let mut points: Vec<Point<'_>> = Vec::with_capacity(check.results.len());
    for result in &check.results {
        if let (Some(t), Some(v)) = (parse_millis(&result.data_timestamp), result.value) {
            if v.is_finite() {
                points.push(Point {
                    t,
                    v,
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

/// The zones of the latest result, warn first so that fail is drawn over it: older results
/// may have had other thresholds, but the chart shows what holds now.
fn latest_zones(check: &CheckHistory) -> Vec<(&'static str, &Zone)> {
    let mut zones: Vec<(&'static str, &Zone)> = Vec::new();
    if let Some(latest) = check.results.last() {
        zones.extend(latest.warn.as_ref().map(|z| ("warn", z)));
        zones.extend(latest.fail.as_ref().map(|z| ("fail", z)));
    }
    zones
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
        assert!(out.contains(">2024-05-01</text>") && out.contains(">2024-05-30</text>"));
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
    fn only_the_latest_zones_count_and_far_ones_are_listed_instead() {
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
        assert!(!out.contains("<line class=\"thr"));
        assert!(!out.contains("fail &lt; 1002"));
        assert!(out.contains("fail ≤ 0 (off the chart)"));
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
