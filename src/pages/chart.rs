//! The chart of a check page: its value over data time as server-side SVG (no script), with
//! the points coloured by outcome and the warn and fail thresholds of the latest result
//! drawn as shaded bands and labelled dashed lines.
//!
//! The scale is computed on half values (`v / 2`) so that the differences of any two finite
//! `f64` stay finite: a check whose values range from `-1e308` to `1e308` still draws.

use super::escape::Esc;
use super::facts::{bounds, covered, number, pretty_sign, Outcome};
use super::time::{format_date, format_minute, parse_millis, short};
use crate::results::stored::{CheckHistory, CheckPoint, Zone};
use std::fmt::{self, Write};

const WIDTH: f64 = 900.0;
const HEIGHT: f64 = 260.0;
const LEFT: f64 = 72.0;
const RIGHT: f64 = 790.0;
const TOP: f64 = 14.0;
const BOTTOM: f64 = 228.0;
/// How far outside the data's range a threshold may lie and still widen the scale, in
/// data spans; farther ones would flatten the line, so they are listed under the chart.
const THRESHOLD_REACH: f64 = 2.0;

struct Point<'a> {
    t: i64,
    v: f64,
    outcome: Outcome,
    result: &'a CheckPoint,
}

/// A threshold bound of the latest result: `fail` or `warn`, its sign and value.
struct Bound {
    kind: &'static str,
    sign: &'static str,
    value: f64,
}

impl Bound {
    fn label(&self) -> String {
        format!(
            "{} {} {}",
            self.kind,
            pretty_sign(self.sign),
            number(self.value)
        )
    }
}

/// Writes the chart of `check` (or a line saying there is nothing to plot) followed by its
/// legend.
pub fn write_chart(out: &mut String, check: &CheckHistory) -> fmt::Result {
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
    let skipped = check.results.len() - points.len();
    // Stable, so results recorded for the same data time keep the store's order.
    points.sort_by_key(|p| p.t);
    if points.is_empty() {
        out.push_str("<p class=\"chart-empty\">No numeric values to chart.");
        if skipped > 0 {
            write!(out, " {}", not_plotted(skipped))?;
        }
        out.push_str("</p>");
        return Ok(());
    }

    let mut zones: Vec<(&'static str, &Zone)> = Vec::new();
    if let Some(latest) = check.results.last() {
        zones.extend(latest.warn.as_ref().map(|z| ("warn", z)));
        zones.extend(latest.fail.as_ref().map(|z| ("fail", z)));
    }

    let vmin = points.iter().map(|p| p.v).fold(f64::INFINITY, f64::min);
    let vmax = points.iter().map(|p| p.v).fold(f64::NEG_INFINITY, f64::max);
    let (lo, hi) = (vmin * 0.5, vmax * 0.5);
    let data_span = if hi > lo {
        hi - lo
    } else {
        (lo.abs() * 0.1).max(0.5)
    };
    let mut drawn = Vec::new();
    let mut off_chart = Vec::new();
    for &(kind, zone) in &zones {
        for (sign, value) in bounds(zone) {
            let h = value * 0.5;
            let bound = Bound { kind, sign, value };
            if h >= lo - THRESHOLD_REACH * data_span && h <= hi + THRESHOLD_REACH * data_span {
                drawn.push(bound);
            } else {
                off_chart.push(bound);
            }
        }
    }
    let lo = drawn.iter().map(|b| b.value * 0.5).fold(lo, f64::min);
    let hi = drawn.iter().map(|b| b.value * 0.5).fold(hi, f64::max);
    let (ylo, yhi) = if hi > lo {
        let pad = (hi - lo) * 0.08;
        (lo - pad, hi + pad)
    } else {
        (lo - data_span, hi + data_span)
    };
    let yh = |h: f64| TOP + (yhi - h) / (yhi - ylo) * (BOTTOM - TOP);
    let y = |v: f64| yh(v * 0.5);
    let (tmin, tmax) = (points[0].t, points[points.len() - 1].t);
    let x = |t: i64| {
        if tmax > tmin {
            LEFT + (t - tmin) as f64 / (tmax - tmin) as f64 * (RIGHT - LEFT)
        } else {
            (LEFT + RIGHT) / 2.0
        }
    };
    let date = |t: i64| {
        if tmax - tmin < 2 * 86_400_000 {
            format_minute(t)
        } else {
            format_date(t)
        }
    };

    write!(
        out,
        "<svg class=\"chart\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" role=\"img\" aria-label=\"Value over data time: {} point{} from {} to {}, values {} to {}\">",
        points.len(),
        if points.len() == 1 { "" } else { "s" },
        date(tmin),
        date(tmax),
        Esc(&number(vmin)),
        Esc(&number(vmax)),
    )?;
    write!(
        out,
        "<rect class=\"plot\" x=\"{LEFT}\" y=\"{TOP}\" width=\"{:.1}\" height=\"{:.1}\"/>",
        RIGHT - LEFT,
        BOTTOM - TOP
    )?;

    // Bands under everything else, fail over warn where they overlap.
    for &(kind, zone) in &zones {
        for (a, b) in covered(zone) {
            let top = yh((b * 0.5).min(yhi));
            let bottom = yh((a * 0.5).max(ylo));
            if bottom > top {
                write!(
                    out,
                    "<rect class=\"band band-{kind}\" x=\"{LEFT}\" y=\"{top:.1}\" width=\"{:.1}\" height=\"{:.1}\"/>",
                    RIGHT - LEFT,
                    bottom - top
                )?;
            }
        }
    }

    for v in y_ticks(ylo, yhi, vmin, vmax) {
        let py = y(v);
        write!(
            out,
            "<line class=\"grid\" x1=\"{LEFT}\" x2=\"{RIGHT}\" y1=\"{py:.1}\" y2=\"{py:.1}\"/><text class=\"ylab\" x=\"{:.1}\" y=\"{:.1}\">{}</text>",
            LEFT - 8.0,
            py + 4.0,
            Esc(&number(v))
        )?;
    }

    // Labels sit in the right margin, level with their line; one that would overprint the
    // previous (two bounds at or near the same value) moves down a line.
    let mut labels: Vec<(f64, &Bound)> = drawn.iter().map(|b| (y(b.value), b)).collect();
    labels.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut last_ly = f64::NEG_INFINITY;
    for (py, bound) in labels {
        let ly = (py + 4.0).max(last_ly + 13.0);
        last_ly = ly;
        write!(
            out,
            "<line class=\"thr thr-{kind}\" x1=\"{LEFT}\" x2=\"{RIGHT}\" y1=\"{py:.1}\" y2=\"{py:.1}\"/><text class=\"thr-lab thr-lab-{kind}\" x=\"{:.1}\" y=\"{ly:.1}\">{}</text>",
            RIGHT + 6.0,
            Esc(&bound.label()),
            kind = bound.kind,
        )?;
    }

    if points.len() > 1 {
        out.push_str("<polyline class=\"line\" points=\"");
        for p in &points {
            write!(out, "{:.1},{:.1} ", x(p.t), y(p.v))?;
        }
        out.push_str("\"/>");
    }
    let r = match points.len() {
        0..=60 => 3.5,
        61..=200 => 2.8,
        _ => 2.2,
    };
    // One group per outcome (the colour is set once), failures drawn last so they stay on top.
    for outcome in [
        Outcome::Pass,
        Outcome::NotEvaluated,
        Outcome::Warn,
        Outcome::Fail,
    ] {
        if !points.iter().any(|p| p.outcome == outcome) {
            continue;
        }
        write!(out, "<g class=\"pt pt-{}\">", outcome.key())?;
        for p in points.iter().filter(|p| p.outcome == outcome) {
            write!(
                out,
                "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"{r}\"><title>{} · {} · {}</title></circle>",
                x(p.t),
                y(p.v),
                Esc(&short(&p.result.data_timestamp)),
                Esc(&p.result.value_text),
                outcome.label(),
            )?;
        }
        out.push_str("</g>");
    }

    let ly = BOTTOM + 18.0;
    write!(
        out,
        "<line class=\"axis\" x1=\"{LEFT}\" x2=\"{RIGHT}\" y1=\"{BOTTOM}\" y2=\"{BOTTOM}\"/>"
    )?;
    if tmax > tmin {
        write!(
            out,
            "<text class=\"xlab\" x=\"{LEFT}\" y=\"{ly}\" text-anchor=\"start\">{}</text><text class=\"xlab\" x=\"{:.1}\" y=\"{ly}\" text-anchor=\"middle\">{}</text><text class=\"xlab\" x=\"{RIGHT}\" y=\"{ly}\" text-anchor=\"end\">{}</text>",
            date(tmin),
            (LEFT + RIGHT) / 2.0,
            date(tmin + (tmax - tmin) / 2),
            date(tmax)
        )?;
    } else {
        write!(
            out,
            "<text class=\"xlab\" x=\"{:.1}\" y=\"{ly}\" text-anchor=\"middle\">{}</text>",
            (LEFT + RIGHT) / 2.0,
            date(tmin)
        )?;
    }
    out.push_str("</svg>");

    out.push_str("<div class=\"chart-legend\">");
    for outcome in Outcome::ALL {
        if points.iter().any(|p| p.outcome == outcome) {
            write!(
                out,
                "<span><i class=\"dot pt-{}\"></i>{}</span>",
                outcome.key(),
                outcome.label()
            )?;
        }
    }
    write!(
        out,
        "<span class=\"range\">min {} · max {}</span>",
        Esc(&number(vmin)),
        Esc(&number(vmax))
    )?;
    for kind in ["warn", "fail"] {
        if drawn.iter().any(|b| b.kind == kind) {
            write!(
                out,
                "<span><i class=\"dash thr-{kind}\"></i>{kind} threshold</span>"
            )?;
        }
    }
    for bound in &off_chart {
        write!(
            out,
            "<span class=\"note\">{} (off the chart)</span>",
            Esc(&bound.label())
        )?;
    }
    if skipped > 0 {
        write!(out, "<span class=\"note\">{}</span>", not_plotted(skipped))?;
    }
    out.push_str("</div>");
    Ok(())
}

/// Round values (1, 2 or 5 times a power of ten) across the scale, in real units; the data's
/// own min and max when the scale is too wide for `f64` to step through.
fn y_ticks(ylo_half: f64, yhi_half: f64, vmin: f64, vmax: f64) -> Vec<f64> {
    let span = (yhi_half - ylo_half) * 2.0;
    if !span.is_finite() || span <= 0.0 {
        return if vmin < vmax {
            vec![vmin, vmax]
        } else {
            vec![vmin]
        };
    }
    let raw = span / 4.0;
    let magnitude = 10f64.powf(raw.log10().floor());
    let f = raw / magnitude;
    let step = magnitude
        * if f < 1.5 {
            1.0
        } else if f < 3.0 {
            2.0
        } else if f < 7.0 {
            5.0
        } else {
            10.0
        };
    let first = ((ylo_half / step) * 2.0).ceil();
    let last = ((yhi_half / step) * 2.0).floor();
    if !step.is_finite() || step <= 0.0 || !(last - first).is_finite() || last - first > 12.0 {
        return if vmin < vmax {
            vec![vmin, vmax]
        } else {
            vec![vmin]
        };
    }
    let mut ticks = Vec::new();
    let mut k = first;
    while k <= last {
        let v = k * step;
        if v.is_finite() {
            // Snap float noise (0.30000000000000004) so that zero reads as 0.
            ticks.push(if v.abs() < step * 1e-9 { 0.0 } else { v });
        }
        k += 1.0;
    }
    ticks
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
    fn round_ticks_across_the_scale() {
        assert_eq!(y_ticks(-0.5, 5.5, 0.0, 10.0), vec![0.0, 5.0, 10.0]);
        assert_eq!(
            y_ticks(0.05, 0.2, 0.1, 0.4),
            vec![0.1, 0.2, 0.30000000000000004, 0.4]
        );
        assert_eq!(
            y_ticks(-f64::MAX / 2.0, f64::MAX / 2.0, -1e308, 1e308),
            vec![-1e308, 1e308]
        );
        assert_eq!(y_ticks(1.0, 1.0, 2.0, 2.0), vec![2.0]);
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
