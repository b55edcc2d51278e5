//! The legend under the chart: the outcomes that have points, the value range, the threshold
//! lines or the expected range drawn, and in words what the chart could not show (bounds far
//! off the scale, results without a value or a readable time), so nothing is left out
//! silently.

use super::scale::{Scale, Thresholds};
use super::{not_plotted, Axis, Point, Segment};
use crate::pages::escape::Esc;
use crate::pages::facts::Outcome;
use crate::pages::numbers::{number, show, Unit};
use std::fmt::{self, Write};

pub fn write_legend(
    out: &mut String,
    points: &[Point<'_>],
    segments: &[Segment],
    scale: &Scale,
    thresholds: &Thresholds,
    skipped: usize,
    axis: &Axis,
) -> fmt::Result {
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
    let real = |v: f64| match axis.unit {
        Unit::Millis => show(v * axis.divisor, Unit::Millis),
        unit => show(v, unit),
    };
    write!(
        out,
        "<span class=\"range\">min {} · max {}</span>",
        Esc(&real(scale.vmin)),
        Esc(&real(scale.vmax))
    )?;
    let zoned = |kind: &str| segments.iter().any(|s| s.zones().any(|(k, _)| k == kind));
    if axis.anomaly {
        if zoned("fail") || zoned("warn") {
            out.push_str(
                "<span><i class=\"swatch expected\"></i>expected range of each result</span>",
            );
        }
        if points
            .iter()
            .any(|p| matches!(p.outcome, Outcome::Fail | Outcome::Warn))
        {
            out.push_str("<span><i class=\"ring\"></i>anomaly</span>");
        }
    } else {
        for kind in ["warn", "fail"] {
            if zoned(kind) {
                write!(
                    out,
                    "<span><i class=\"dash thr-{kind}\"></i>{kind} threshold</span>"
                )?;
            }
        }
        let changes = segments.len().saturating_sub(1);
        if changes > 0 {
            write!(
                out,
                "<span class=\"note\">thresholds changed {} (each result is shown with the ones it was judged against)</span>",
                if changes == 1 { "once".to_string() } else { format!("{} times", number(changes as f64)) }
            )?;
        }
    }
    for bound in &thresholds.off_chart {
        write!(
            out,
            "<span class=\"note\">{} (off the chart)</span>",
            Esc(&bound.label(axis))
        )?;
    }
    if skipped > 0 {
        write!(out, "<span class=\"note\">{}</span>", not_plotted(skipped))?;
    }
    out.push_str("</div>");
    Ok(())
}
