//! The legend under the chart: the outcomes that have points, the value range, the threshold
//! lines drawn, and in words what the chart could not show (bounds far off the scale,
//! results without a value or a readable time), so nothing is left out silently.

use super::not_plotted;
use super::scale::{Scale, Thresholds};
use super::Point;
use crate::pages::escape::Esc;
use crate::pages::facts::Outcome;
use crate::pages::zones::number;
use std::fmt::{self, Write};

pub fn write_legend(
    out: &mut String,
    points: &[Point<'_>],
    scale: &Scale,
    thresholds: &Thresholds,
    skipped: usize,
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
    write!(
        out,
        "<span class=\"range\">min {} · max {}</span>",
        Esc(&number(scale.vmin)),
        Esc(&number(scale.vmax))
    )?;
    for kind in ["warn", "fail"] {
        if thresholds.drawn.iter().any(|b| b.kind == kind) {
            write!(
                out,
                "<span><i class=\"dash thr-{kind}\"></i>{kind} threshold</span>"
            )?;
        }
    }
    for bound in &thresholds.off_chart {
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
