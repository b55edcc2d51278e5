//! Where things go on the chart: the value and time ranges mapped to the canvas, which
//! threshold bounds are close enough to the data to be drawn (and widen the scale) and which
//! are only listed, and the round values of the value axis.
//!
//! Everything is computed on half values (`v / 2`) so that the differences of any two finite
//! `f64` stay finite.

use super::{Point, BOTTOM, LEFT, RIGHT, TOP};
use crate::pages::time::{format_date, format_minute};
use crate::pages::zones::{bounds, number, pretty_sign};
use crate::results::stored::Zone;

/// How far outside the data's range a threshold may lie and still widen the scale, in
/// data spans; farther ones would flatten the line, so they are listed under the chart.
const THRESHOLD_REACH: f64 = 2.0;

/// A threshold bound of the latest result: `fail` or `warn`, its sign and value.
pub struct Bound {
    pub kind: &'static str,
    pub sign: &'static str,
    pub value: f64,
}

impl Bound {
    pub fn label(&self) -> String {
        format!(
            "{} {} {}",
            self.kind,
            pretty_sign(self.sign),
            number(self.value)
        )
    }
}

/// The bounds of the latest result's zones, split by whether they fit on the chart.
pub struct Thresholds {
    pub drawn: Vec<Bound>,
    pub off_chart: Vec<Bound>,
}

impl Thresholds {
    /// `lo`, `hi` and `data_span` in half values.
    fn split(zones: &[(&'static str, &Zone)], lo: f64, hi: f64, data_span: f64) -> Thresholds {
        let mut drawn = Vec::new();
        let mut off_chart = Vec::new();
        for &(kind, zone) in zones {
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
        Thresholds { drawn, off_chart }
    }
}

/// The data's ranges and the canvas they map onto.
pub struct Scale {
    /// The smallest and largest plotted value, in real units.
    pub vmin: f64,
    pub vmax: f64,
    /// The value axis, in half values, padded around the data and the drawn thresholds.
    pub ylo: f64,
    pub yhi: f64,
    /// The first and last data time, in milliseconds.
    pub tmin: i64,
    pub tmax: i64,
}

impl Scale {
    /// The scale of `points` (not empty, sorted by time) and the thresholds of `zones`.
    pub fn fit(points: &[Point<'_>], zones: &[(&'static str, &Zone)]) -> (Scale, Thresholds) {
        let vmin = points.iter().map(|p| p.v).fold(f64::INFINITY, f64::min);
        let vmax = points.iter().map(|p| p.v).fold(f64::NEG_INFINITY, f64::max);
        let (lo, hi) = (vmin * 0.5, vmax * 0.5);
        // A flat line still gets a visible band around it.
        let data_span = if hi > lo {
            hi - lo
        } else {
            (lo.abs() * 0.1).max(0.5)
        };
        let thresholds = Thresholds::split(zones, lo, hi, data_span);
        let lo = thresholds
            .drawn
            .iter()
            .map(|b| b.value * 0.5)
            .fold(lo, f64::min);
        let hi = thresholds
            .drawn
            .iter()
            .map(|b| b.value * 0.5)
            .fold(hi, f64::max);
        let (ylo, yhi) = if hi > lo {
            let pad = (hi - lo) * 0.08;
            (lo - pad, hi + pad)
        } else {
            (lo - data_span, hi + data_span)
        };
        let scale = Scale {
            vmin,
            vmax,
            ylo,
            yhi,
            tmin: points[0].t,
            tmax: points[points.len() - 1].t,
        };
        (scale, thresholds)
    }

    /// The canvas y of a half value.
    pub fn yh(&self, h: f64) -> f64 {
        TOP + (self.yhi - h) / (self.yhi - self.ylo) * (BOTTOM - TOP)
    }

    /// The canvas y of a value.
    pub fn y(&self, v: f64) -> f64 {
        self.yh(v * 0.5)
    }

    /// The canvas x of a data time; a single time sits in the middle.
    pub fn x(&self, t: i64) -> f64 {
        let (tmin, tmax) = (self.tmin, self.tmax);
        if tmax > tmin {
            LEFT + (t - tmin) as f64 / (tmax - tmin) as f64 * (RIGHT - LEFT)
        } else {
            (LEFT + RIGHT) / 2.0
        }
    }

    /// A data time as the axis labels it: to the minute when the whole range is short.
    pub fn date(&self, t: i64) -> String {
        if self.tmax - self.tmin < 2 * 86_400_000 {
            format_minute(t)
        } else {
            format_date(t)
        }
    }

    /// The value axis' round values.
    pub fn ticks(&self) -> Vec<f64> {
        y_ticks(self.ylo, self.yhi, self.vmin, self.vmax)
    }
}

/// Round values (1, 2 or 5 times a power of ten) across the scale, in real units; the data's
/// own min and max when the scale is too wide for `f64` to step through.
fn y_ticks(ylo_half: f64, yhi_half: f64, vmin: f64, vmax: f64) -> Vec<f64> {
    let span = (yhi_half - ylo_half) * 2.0;
    let Some(step) = tick_step(span) else {
        return min_and_max(vmin, vmax);
    };
    let first = ((ylo_half / step) * 2.0).ceil();
    let last = ((yhi_half / step) * 2.0).floor();
    if !(last - first).is_finite() || last - first > 12.0 {
        return min_and_max(vmin, vmax);
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

/// The round step that cuts `span` into about four, or `None` when `f64` cannot step it.
fn tick_step(span: f64) -> Option<f64> {
    if !span.is_finite() || span <= 0.0 {
        return None;
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
    (step.is_finite() && step > 0.0).then_some(step)
}

fn min_and_max(vmin: f64, vmax: f64) -> Vec<f64> {
    if vmin < vmax {
        vec![vmin, vmax]
    } else {
        vec![vmin]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
