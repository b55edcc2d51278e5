//! The chart's SVG, drawn back to front: the plot area, the zones each segment of results was
//! judged against as shaded bands (an anomaly check's expected range as one band that moves
//! with its results), the value grid, the threshold lines with the latest ones labelled, the
//! line through the points, the points by outcome (anomalies ringed), and both axes with
//! their titles. Server-side and without script, so the page needs none.

use super::scale::{Bound, Scale};
use super::{Axis, Point, Segment, BOTTOM, HEIGHT, LEFT, RIGHT, TOP, WIDTH};
use crate::pages::escape::Esc;
use crate::pages::facts::Outcome;
use crate::pages::numbers::{number, show, Unit};
use crate::pages::time::short;
use crate::pages::zones::{bounds, covered};
use std::fmt::{self, Write};

/// Writes the `<svg>` of `points` (not empty, sorted by time).
pub fn write_svg(
    out: &mut String,
    points: &[Point<'_>],
    segments: &[Segment],
    scale: &Scale,
    drawn: &[Bound],
    axis: &Axis,
) -> fmt::Result {
    write_frame(out, points, scale, axis)?;
    if axis.anomaly {
        write_expected_range(out, points, scale, axis)?;
    } else {
        write_bands(out, segments, scale)?;
    }
    write_grid(out, scale, axis)?;
    if !axis.anomaly {
        write_threshold_lines(out, segments, scale)?;
    }
    write_threshold_labels(out, drawn, scale, axis)?;
    write_line(out, points, scale)?;
    write_points(out, points, scale, axis)?;
    write_axes(out, scale, axis)?;
    out.push_str("</svg>");
    Ok(())
}

/// A value as the axis reads it (a freshness in the axis' unit is a plain number there).
fn axis_value(v: f64, axis: &Axis) -> String {
    match axis.unit {
        Unit::Percent => show(v, Unit::Percent),
        _ => number(v),
    }
}

/// The opening tag, with a description for screen readers, and the plot area.
fn write_frame(out: &mut String, points: &[Point<'_>], scale: &Scale, axis: &Axis) -> fmt::Result {
    write!(
        out,
        "<svg class=\"chart\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" role=\"img\" aria-label=\"{} over data time (UTC): {} point{} from {} to {}, values {} to {}\">",
        Esc(&axis.title),
        points.len(),
        if points.len() == 1 { "" } else { "s" },
        scale.date(scale.tmin),
        scale.date(scale.tmax),
        Esc(&axis_value(scale.vmin, axis)),
        Esc(&axis_value(scale.vmax, axis)),
    )?;
    write!(
        out,
        "<rect class=\"plot\" x=\"{LEFT}\" y=\"{TOP}\" width=\"{:.1}\" height=\"{:.1}\"/>",
        RIGHT - LEFT,
        BOTTOM - TOP
    )
}

/// The canvas x range of a segment; a single time spans the whole plot.
fn span_x(segment: &Segment, scale: &Scale) -> (f64, f64) {
    let (x0, x1) = (scale.x(segment.t0), scale.x(segment.t1));
    if scale.tmax <= scale.tmin {
        (LEFT, RIGHT)
    } else {
        (x0, x1)
    }
}

/// Each segment's zones as shaded bands, under everything else; fail is drawn after warn so
/// it shows where they overlap.
fn write_bands(out: &mut String, segments: &[Segment], scale: &Scale) -> fmt::Result {
    for segment in segments {
        let (x0, x1) = span_x(segment, scale);
        if x1 <= x0 {
            continue;
        }
        for (kind, zone) in segment.zones() {
            for (a, b) in covered(zone) {
                let top = scale.yh((b * 0.5).min(scale.yhi));
                let bottom = scale.yh((a * 0.5).max(scale.ylo));
                if bottom > top {
                    write!(
                        out,
                        "<rect class=\"band band-{kind}\" x=\"{x0:.1}\" y=\"{top:.1}\" width=\"{:.1}\" height=\"{:.1}\"/>",
                        x1 - x0,
                        bottom - top
                    )?;
                }
            }
        }
    }
    Ok(())
}

/// An anomaly check's expected range at each result (between the bounds of its bad zone) as
/// one band through the points, with its edges dashed.
fn write_expected_range(
    out: &mut String,
    points: &[Point<'_>],
    scale: &Scale,
    axis: &Axis,
) -> fmt::Result {
    let ranges: Vec<(f64, f64, f64)> = points
        .iter()
        .filter_map(|p| {
            let zone = p.result.fail.as_ref().or(p.result.warn.as_ref())?;
            let (lo, hi) = match covered(zone).as_slice() {
                [(_, lo), (hi, _)] => (*lo, *hi),
                // A collapsed range: bad on either side of one value.
                [(a, b)] if a == b => (*a, *b),
                _ => return None,
            };
            let clamp = |v: f64| scale.yh((v / axis.divisor * 0.5).clamp(scale.ylo, scale.yhi));
            Some((scale.x(p.t), clamp(lo), clamp(hi)))
        })
        .collect();
    if ranges.is_empty() {
        return Ok(());
    }
    let ranges = if ranges.len() == 1 {
        let (_, lo, hi) = ranges[0];
        vec![(LEFT, lo, hi), (RIGHT, lo, hi)]
    } else {
        ranges
    };
    out.push_str("<polygon class=\"expected\" points=\"");
    for (x, _, hi) in &ranges {
        write!(out, "{x:.1},{hi:.1} ")?;
    }
    for (x, lo, _) in ranges.iter().rev() {
        write!(out, "{x:.1},{lo:.1} ")?;
    }
    out.push_str("\"/>");
    for edge in [0, 1] {
        out.push_str("<polyline class=\"expected-edge\" points=\"");
        for (x, lo, hi) in &ranges {
            write!(out, "{x:.1},{:.1} ", if edge == 0 { hi } else { lo })?;
        }
        out.push_str("\"/>");
    }
    Ok(())
}

fn write_grid(out: &mut String, scale: &Scale, axis: &Axis) -> fmt::Result {
    for v in scale.ticks() {
        let py = scale.y(v);
        write!(
            out,
            "<line class=\"grid\" x1=\"{LEFT}\" x2=\"{RIGHT}\" y1=\"{py:.1}\" y2=\"{py:.1}\"/><text class=\"ylab\" x=\"{:.1}\" y=\"{:.1}\">{}</text>",
            LEFT - 8.0,
            py + 4.0,
            Esc(&axis_value(v, axis))
        )?;
    }
    Ok(())
}

/// Each segment's bounds as dashed lines across it (a threshold that changed steps).
fn write_threshold_lines(out: &mut String, segments: &[Segment], scale: &Scale) -> fmt::Result {
    for segment in segments {
        let (x0, x1) = span_x(segment, scale);
        for (kind, zone) in segment.zones() {
            for (_, value) in bounds(zone) {
                if !scale.shows(value) {
                    continue;
                }
                let py = scale.y(value);
                write!(
                    out,
                    "<line class=\"thr thr-{kind}\" x1=\"{x0:.1}\" x2=\"{:.1}\" y1=\"{py:.1}\" y2=\"{py:.1}\"/>",
                    x1.max(x0 + 1.0),
                )?;
            }
        }
    }
    Ok(())
}

/// The latest bounds' labels sit in the right margin, level with their line; one that would
/// overprint the previous (two bounds at or near the same value, a collapsed range) moves
/// down a line, and the whole column moves up when it would leave the canvas.
fn write_threshold_labels(
    out: &mut String,
    drawn: &[Bound],
    scale: &Scale,
    axis: &Axis,
) -> fmt::Result {
    const LINE: f64 = 13.0;
    let mut labels: Vec<(f64, &Bound)> = drawn
        .iter()
        .filter(|b| scale.shows(b.value))
        .map(|b| (scale.y(b.value) + 4.0, b))
        .collect();
    labels.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut last = f64::NEG_INFINITY;
    for label in &mut labels {
        label.0 = label.0.max(last + LINE);
        last = label.0;
    }
    let overflow = (last - (HEIGHT - 4.0)).max(0.0);
    for (ly, bound) in labels {
        write!(
            out,
            "<text class=\"thr-lab thr-lab-{kind}\" x=\"{:.1}\" y=\"{:.1}\">{}</text>",
            RIGHT + 6.0,
            (ly - overflow).max(TOP),
            Esc(&bound.label(axis)),
            kind = bound.kind,
        )?;
    }
    Ok(())
}

fn write_line(out: &mut String, points: &[Point<'_>], scale: &Scale) -> fmt::Result {
    if points.len() > 1 {
        out.push_str("<polyline class=\"line\" points=\"");
        for p in points {
            write!(out, "{:.1},{:.1} ", scale.x(p.t), scale.y(p.v))?;
        }
        out.push_str("\"/>");
    }
    Ok(())
}

/// One group per outcome, so the colour is set once; failures are drawn last to stay on top.
/// Dense charts get smaller points so that neighbours do not merge. On an anomaly chart the
/// results outside their expected range are ringed.
fn write_points(out: &mut String, points: &[Point<'_>], scale: &Scale, axis: &Axis) -> fmt::Result {
    let r = match points.len() {
        0..=60 => 3.5,
        61..=200 => 2.8,
        _ => 2.2,
    };
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
            let (x, y) = (scale.x(p.t), scale.y(p.v));
            let value = p
                .result
                .value
                .map(|v| show(v, axis.unit))
                .unwrap_or_default();
            write!(
                out,
                "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"{r}\"><title>{} UTC · {}",
                Esc(&short(&p.result.data_timestamp)),
                Esc(&value),
            )?;
            if value != p.result.value_text {
                write!(out, " ({})", Esc(&p.result.value_text))?;
            }
            write!(out, " · {}</title></circle>", outcome.label())?;
            if axis.anomaly && matches!(outcome, Outcome::Fail | Outcome::Warn) {
                write!(
                    out,
                    "<circle class=\"anomaly\" cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"{:.1}\"/>",
                    r + 3.5
                )?;
            }
        }
        out.push_str("</g>");
    }
    Ok(())
}

/// The time axis with round dated ticks and its title (the time zone), and the value axis'
/// title (the metric and its unit).
fn write_axes(out: &mut String, scale: &Scale, axis: &Axis) -> fmt::Result {
    let ly = BOTTOM + 16.0;
    write!(
        out,
        "<line class=\"axis\" x1=\"{LEFT}\" x2=\"{RIGHT}\" y1=\"{BOTTOM}\" y2=\"{BOTTOM}\"/>"
    )?;
    let ticks = scale.time_ticks();
    let single = scale.tmax <= scale.tmin;
    for (t, label) in &ticks {
        let x = if single {
            (LEFT + RIGHT) / 2.0
        } else {
            scale.x(*t)
        };
        // Centred under their tick: the margins have room for half a label.
        let anchor = "middle";
        write!(
            out,
            "<line class=\"tick\" x1=\"{x:.1}\" x2=\"{x:.1}\" y1=\"{BOTTOM}\" y2=\"{:.1}\"/><text class=\"xlab\" x=\"{x:.1}\" y=\"{ly}\" text-anchor=\"{anchor}\">{}</text>",
            BOTTOM + 4.0,
            Esc(label)
        )?;
    }
    write!(
        out,
        "<text class=\"axis-title\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">Data time (UTC)</text>",
        (LEFT + RIGHT) / 2.0,
        HEIGHT - 6.0
    )?;
    write!(
        out,
        "<text class=\"axis-title\" transform=\"translate(14 {:.1}) rotate(-90)\" text-anchor=\"middle\">{}</text>",
        (TOP + BOTTOM) / 2.0,
        Esc(&axis.title)
    )
}
