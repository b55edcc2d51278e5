//! The chart's SVG, drawn back to front: the plot area, the threshold bands, the value grid,
//! the threshold lines with their labels, the line through the points, the points by
//! outcome, and the time axis. Server-side and without script, so the page needs none.

use super::scale::{Bound, Scale};
use super::{Point, BOTTOM, HEIGHT, LEFT, RIGHT, TOP, WIDTH};
use crate::pages::escape::Esc;
use crate::pages::facts::Outcome;
use crate::pages::time::short;
use crate::pages::zones::{covered, number};
use crate::results::stored::Zone;
use std::fmt::{self, Write};

/// Writes the `<svg>` of `points` (not empty, sorted by time).
pub fn write_svg(
    out: &mut String,
    points: &[Point<'_>],
    zones: &[(&'static str, &Zone)],
    scale: &Scale,
    drawn: &[Bound],
) -> fmt::Result {
    write_frame(out, points, scale)?;
    write_bands(out, zones, scale)?;
    write_grid(out, scale)?;
    write_threshold_lines(out, drawn, scale)?;
    write_line(out, points, scale)?;
    write_points(out, points, scale)?;
    write_time_axis(out, scale)?;
    out.push_str("</svg>");
    Ok(())
}

/// The opening tag, with a description for screen readers, and the plot area.
fn write_frame(out: &mut String, points: &[Point<'_>], scale: &Scale) -> fmt::Result {
    write!(
        out,
        "<svg class=\"chart\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" role=\"img\" aria-label=\"Value over data time: {} point{} from {} to {}, values {} to {}\">",
        points.len(),
        if points.len() == 1 { "" } else { "s" },
        scale.date(scale.tmin),
        scale.date(scale.tmax),
        Esc(&number(scale.vmin)),
        Esc(&number(scale.vmax)),
    )?;
    write!(
        out,
        "<rect class=\"plot\" x=\"{LEFT}\" y=\"{TOP}\" width=\"{:.1}\" height=\"{:.1}\"/>",
        RIGHT - LEFT,
        BOTTOM - TOP
    )
}

/// The zones as shaded bands, under everything else; fail is drawn after warn so it shows
/// where they overlap.
fn write_bands(out: &mut String, zones: &[(&'static str, &Zone)], scale: &Scale) -> fmt::Result {
    for &(kind, zone) in zones {
        for (a, b) in covered(zone) {
            let top = scale.yh((b * 0.5).min(scale.yhi));
            let bottom = scale.yh((a * 0.5).max(scale.ylo));
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
    Ok(())
}

fn write_grid(out: &mut String, scale: &Scale) -> fmt::Result {
    for v in scale.ticks() {
        let py = scale.y(v);
        write!(
            out,
            "<line class=\"grid\" x1=\"{LEFT}\" x2=\"{RIGHT}\" y1=\"{py:.1}\" y2=\"{py:.1}\"/><text class=\"ylab\" x=\"{:.1}\" y=\"{:.1}\">{}</text>",
            LEFT - 8.0,
            py + 4.0,
            Esc(&number(v))
        )?;
    }
    Ok(())
}

/// Labels sit in the right margin, level with their line; one that would overprint the
/// previous (two bounds at or near the same value) moves down a line.
fn write_threshold_lines(out: &mut String, drawn: &[Bound], scale: &Scale) -> fmt::Result {
    let mut labels: Vec<(f64, &Bound)> = drawn.iter().map(|b| (scale.y(b.value), b)).collect();
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
/// Dense charts get smaller points so that neighbours do not merge.
fn write_points(out: &mut String, points: &[Point<'_>], scale: &Scale) -> fmt::Result {
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
            write!(
                out,
                "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"{r}\"><title>{} · {} · {}</title></circle>",
                scale.x(p.t),
                scale.y(p.v),
                Esc(&short(&p.result.data_timestamp)),
                Esc(&p.result.value_text),
                outcome.label(),
            )?;
        }
        out.push_str("</g>");
    }
    Ok(())
}

/// The time axis: first, middle and last data time, or the one time centred.
fn write_time_axis(out: &mut String, scale: &Scale) -> fmt::Result {
    let (tmin, tmax) = (scale.tmin, scale.tmax);
    let ly = BOTTOM + 18.0;
    write!(
        out,
        "<line class=\"axis\" x1=\"{LEFT}\" x2=\"{RIGHT}\" y1=\"{BOTTOM}\" y2=\"{BOTTOM}\"/>"
    )?;
    if tmax > tmin {
        write!(
            out,
            "<text class=\"xlab\" x=\"{LEFT}\" y=\"{ly}\" text-anchor=\"start\">{}</text><text class=\"xlab\" x=\"{:.1}\" y=\"{ly}\" text-anchor=\"middle\">{}</text><text class=\"xlab\" x=\"{RIGHT}\" y=\"{ly}\" text-anchor=\"end\">{}</text>",
            scale.date(tmin),
            (LEFT + RIGHT) / 2.0,
            scale.date(tmin + (tmax - tmin) / 2),
            scale.date(tmax)
        )
    } else {
        write!(
            out,
            "<text class=\"xlab\" x=\"{:.1}\" y=\"{ly}\" text-anchor=\"middle\">{}</text>",
            (LEFT + RIGHT) / 2.0,
            scale.date(tmin)
        )
    }
}
