//! Where things go on the chart: the value and time ranges mapped to the canvas, which
//! threshold bounds are close enough to the data to be drawn (and widen the scale) and which
//! are only listed, the round values of the value axis (whole numbers for counts) and the
//! dated ticks of the time axis.
//!
//! Everything is computed on half values (`v / 2`) so that the differences of any two finite
//! `f64` stay finite.

use super::{Axis, Point, Segment, BOTTOM, LEFT, RIGHT, TOP};
use crate::pages::numbers::{show, Unit};
use crate::pages::time::format_minute;
use crate::pages::zones::{bounds, labelled_bounds, pretty_sign};
use chrono::{Datelike, TimeZone, Timelike};

/// How far outside the data's range a threshold may lie and still widen the scale, in
/// data spans; farther ones would flatten the line, so they are listed under the chart.
const THRESHOLD_REACH: f64 = 2.0;

/// A threshold bound of the latest result: `fail` or `warn`, its sign and value (in the
/// axis' unit).
pub struct Bound {
    pub kind: &'static str,
    pub sign: &'static str,
    pub value: f64,
}

impl Bound {
    pub fn label(&self, axis: &Axis) -> String {
        let value = match axis.unit {
            Unit::Millis => show(self.value * axis.divisor, Unit::Millis),
            unit => show(self.value, unit),
        };
        format!("{} {} {value}", self.kind, pretty_sign(self.sign))
    }
}

/// The bounds of the latest result's zones, split by whether they fit on the chart.
pub struct Thresholds {
    pub drawn: Vec<Bound>,
    pub off_chart: Vec<Bound>,
}

/// The data's ranges and the canvas they map onto.
pub struct Scale {
    /// The smallest and largest plotted value, in the axis' unit.
    pub vmin: f64,
    pub vmax: f64,
    /// The value axis, in half values, padded around the data and the drawn thresholds.
    pub ylo: f64,
    pub yhi: f64,
    /// The first and last data time, in milliseconds.
    pub tmin: i64,
    pub tmax: i64,
    /// Whole-number ticks only.
    integers: bool,
}

impl Scale {
    /// The scale of `points` (not empty, sorted by time) and of the thresholds of every
    /// segment near enough to the data.
    pub fn fit(points: &[Point<'_>], segments: &[Segment], axis: &Axis) -> (Scale, Thresholds) {
        let vmin = points.iter().map(|p| p.v).fold(f64::INFINITY, f64::min);
        let vmax = points.iter().map(|p| p.v).fold(f64::NEG_INFINITY, f64::max);
        let (lo, hi) = (vmin * 0.5, vmax * 0.5);
        // A flat line still gets a visible band around it.
        let data_span = if hi > lo {
            hi - lo
        } else {
            (lo.abs() * 0.1).max(0.5)
        };
        let near =
            |h: f64| h >= lo - THRESHOLD_REACH * data_span && h <= hi + THRESHOLD_REACH * data_span;
        let (mut lo2, mut hi2) = (lo, hi);
        for segment in segments {
            for (_, zone) in segment.zones() {
                for (_, value) in bounds(zone) {
                    let h = value * 0.5;
                    if near(h) {
                        lo2 = lo2.min(h);
                        hi2 = hi2.max(h);
                    }
                }
            }
        }
        let (ylo, yhi) = if hi2 > lo2 {
            let pad = (hi2 - lo2) * 0.08;
            (lo2 - pad, hi2 + pad)
        } else {
            (lo2 - data_span, hi2 + data_span)
        };
        let mut thresholds = Thresholds {
            drawn: Vec::new(),
            off_chart: Vec::new(),
        };
        if let Some(latest) = segments.last() {
            for (kind, zone) in latest.zones() {
                for (sign, value) in labelled_bounds(zone) {
                    let bound = Bound { kind, sign, value };
                    if near(value * 0.5) {
                        thresholds.drawn.push(bound);
                    } else {
                        thresholds.off_chart.push(bound);
                    }
                }
            }
        }
        let scale = Scale {
            vmin,
            vmax,
            ylo,
            yhi,
            tmin: points[0].t,
            tmax: points[points.len() - 1].t,
            integers: axis.integers,
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

    /// Whether a value lies within the value axis.
    pub fn shows(&self, v: f64) -> bool {
        let h = v * 0.5;
        h >= self.ylo && h <= self.yhi
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

    /// A data time as the description names it: to the minute when the whole range is short.
    pub fn date(&self, t: i64) -> String {
        if self.tmax - self.tmin < 2 * 86_400_000 {
            format_minute(t)
        } else {
            crate::pages::time::format_date(t)
        }
    }

    /// The value axis' round values (whole numbers for counts).
    pub fn ticks(&self) -> Vec<f64> {
        let ticks = y_ticks(self.ylo, self.yhi, self.vmin, self.vmax);
        if self.integers && ticks.iter().any(|v| v.fract() != 0.0) {
            let (lo, hi) = (self.ylo * 2.0, self.yhi * 2.0);
            let (first, last) = (lo.ceil(), hi.floor());
            if (last - first).is_finite() && last - first <= 12.0 && last >= first {
                return (first as i64..=last as i64).map(|v| v as f64).collect();
            }
            return ticks.into_iter().filter(|v| v.fract() == 0.0).collect();
        }
        ticks
    }

    /// The time axis' ticks: round times (hours, days, weeks, months or years) in UTC, up to
    /// ten of them, with their labels.
    pub fn time_ticks(&self) -> Vec<(i64, String)> {
        time_ticks(self.tmin, self.tmax)
    }
}

/// Round times between `tmin` and `tmax`, labelled as precisely as their step needs.
pub fn time_ticks(tmin: i64, tmax: i64) -> Vec<(i64, String)> {
    const HOUR: i64 = 3_600_000;
    const DAY: i64 = 24 * HOUR;
    let utc = |t: i64| chrono::DateTime::from_timestamp_millis(t).unwrap_or_default();
    if tmax <= tmin {
        return vec![(tmin, format_minute(tmin))];
    }
    let span = tmax - tmin;
    // Fixed steps, aligned to UTC midnight (and hours).
    for (step, fmt) in [
        (HOUR, "%m-%d %H:%M"),
        (3 * HOUR, "%m-%d %H:%M"),
        (6 * HOUR, "%m-%d %H:%M"),
        (12 * HOUR, "%m-%d %H:%M"),
        (DAY, "%Y-%m-%d"),
        (2 * DAY, "%Y-%m-%d"),
        (3 * DAY, "%Y-%m-%d"),
        (7 * DAY, "%Y-%m-%d"),
        (14 * DAY, "%Y-%m-%d"),
    ] {
        if span / step <= 9 {
            let first =
                tmin.div_euclid(step) * step + if tmin.rem_euclid(step) == 0 { 0 } else { step };
            let mut ticks = Vec::new();
            let mut t = first;
            while t <= tmax {
                ticks.push((t, utc(t).format(fmt).to_string()));
                t += step;
            }
            if ticks.len() >= 2 || step == 14 * DAY {
                return ticks;
            }
        }
    }
    // Calendar months: 1, 2, 3, 6 or 12 at a time, on the first of the month.
    let start = utc(tmin);
    for months in [1, 2, 3, 6, 12, 24, 60, 120, 600] {
        let mut ticks = Vec::new();
        let (mut y, mut m) = (start.year(), start.month0() as i32);
        let first_of_month =
            start.day() == 1 && start.num_seconds_from_midnight() == 0 && start.nanosecond() == 0;
        if !first_of_month {
            m += 1;
        }
        // Align to a multiple of the step.
        while m.rem_euclid(months.min(12)) != 0 {
            m += 1;
        }
        loop {
            y += m.div_euclid(12);
            m = m.rem_euclid(12);
            let Some(t) = chrono::Utc
                .with_ymd_and_hms(y, m as u32 + 1, 1, 0, 0, 0)
                .single()
                .map(|d| d.timestamp_millis())
            else {
                break;
            };
            if t > tmax || ticks.len() > 9 {
                break;
            }
            let label = if months >= 12 {
                utc(t).format("%Y").to_string()
            } else {
                utc(t).format("%Y-%m").to_string()
            };
            ticks.push((t, label));
            m += months;
        }
        if ticks.len() <= 9 {
            return ticks;
        }
    }
    vec![(tmin, format_minute(tmin)), (tmax, format_minute(tmax))]
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

    fn at(s: &str) -> i64 {
        crate::pages::time::parse_millis(s).unwrap()
    }

    fn labels(a: &str, b: &str) -> Vec<String> {
        time_ticks(at(a), at(b))
            .into_iter()
            .map(|(_, l)| l)
            .collect()
    }

    #[test]
    fn dated_ticks_at_round_times() {
        assert_eq!(
            labels("2024-05-01T10:00:00Z", "2024-05-07T10:00:00Z"),
            [
                "2024-05-02",
                "2024-05-03",
                "2024-05-04",
                "2024-05-05",
                "2024-05-06",
                "2024-05-07"
            ]
        );
        let month = labels("2024-05-01T06:00:00Z", "2024-05-30T06:00:00Z");
        assert!((4..=10).contains(&month.len()), "{month:?}");
        assert_eq!(month[0], "2024-05-02");
        let year = labels("2024-01-01T06:00:00Z", "2024-12-30T06:00:00Z");
        assert_eq!(
            year,
            ["2024-03", "2024-05", "2024-07", "2024-09", "2024-11"]
        );
        let hours = labels("2024-05-01T10:00:00Z", "2024-05-01T16:30:00Z");
        assert_eq!(hours[0], "05-01 10:00");
        assert_eq!(hours.len(), 7);
        assert_eq!(
            labels("2024-05-01T10:00:00Z", "2024-05-01T10:00:00Z"),
            ["2024-05-01 10:00"]
        );
        let decade = labels("2010-03-01T00:00:00Z", "2024-05-01T00:00:00Z");
        assert!((2..=9).contains(&decade.len()), "{decade:?}");
    }

    #[test]
    fn whole_ticks_for_counts() {
        let scale = Scale {
            vmin: 0.0,
            vmax: 1.0,
            ylo: -0.04,
            yhi: 0.54,
            tmin: 0,
            tmax: 1,
            integers: true,
        };
        assert_eq!(scale.ticks(), vec![0.0, 1.0]);
        let scale = Scale {
            integers: false,
            ..scale
        };
        assert!(scale.ticks().contains(&0.2));
    }
}
