//! Anomaly detection for a metric's history (the counterpart of Soda Cloud's
//! `anomaly detection for row_count`) with a deterministic robust
//! seasonal-trend model instead of Prophet. Over the last `window` points
//! (default 84, twelve weeks of daily data) the trend is the Theil–Sen slope,
//! the median of pairwise slopes (with weekly seasonality only same-weekday
//! pairs, so the weekly pattern cannot bias it); weekly offsets are the median
//! detrended value per weekday, tried only for ~daily data (median spacing
//! 0.75–1.25 days) whose current weekday occurs at least three times, and kept
//! only when they shrink the predicted error; the level is the median of the
//! last `level_window` (default 14) detrended, deseasonalised points, so a
//! genuine regime change is adopted within about a week while one to three odd
//! points barely move it. The noise scale is the Rousseeuw–Croux Qn of the
//! residuals (leave-one-out for the weekday offsets), widened for the error of
//! level and slope and by a Student-t factor for the uncertainty of the scale
//! itself; `z = (value - expected) / scale` and `|z| > z_threshold` (default
//! 3) is an anomaly. Medians and Qn ignore past spikes and drops, which would
//! inflate a mean/stddev band. At least `min_history` (default 5, Soda's
//! minimum for an anomaly score) finite points before the current one are
//! needed; with so little history the t factor makes the band wide (about
//! ±25 σ at 5 points, ±8 σ at 7), so only gross changes fire. A constant
//! history has zero scale: any change is anomalous, equality is not. This
//! model was chosen because each step is one explainable robust statistic, it
//! involves no randomness or iteration, and it scores a 1000-point history in
//! about 0.1 ms. On the seeded synthetic series of the [`super::synthetic`] module
//! (file `synthetic.rs` next to this one) it misses under 3 % of 5–10 σ
//! spikes, drops and level shifts at 0.3 % false alarms.

// The synthetic series generator lives beside this file (`super::synthetic`).

const DAY_SECONDS: f64 = 86_400.0;
/// Makes Qn a consistent estimator of a Gaussian standard deviation.
const QN_TO_SD: f64 = 2.2219;
/// Same for the mean absolute deviation, the fallback when Qn is zero.
const MEAN_ABS_TO_SD: f64 = 1.253_314;
/// Asymptotic efficiency of Qn against the standard deviation; turns
/// residual counts into effective degrees of freedom.
const QN_EFFICIENCY: f64 = 0.82;
/// Variance of a sample median relative to a sample mean (Gaussian data).
const MEDIAN_VARIANCE: f64 = std::f64::consts::FRAC_PI_2;
/// Sampling variance of the Theil–Sen slope relative to least squares.
const THEIL_SEN_VARIANCE: f64 = 1.1;
/// Relative resolution below which differences are floating-point noise.
const FLOAT_FLOOR: f64 = 1e-9;
const MIN_PER_WEEKDAY: usize = 3;
/// Theil–Sen and Qn are quadratic in the window; 1000 points (Soda's default
/// `window_length`) still score in milliseconds with a few MB of scratch.
const MAX_WINDOW: usize = 1000;
/// Two-sided 90 % normal quantile: maps |z| = z_threshold to score 0.9.
const Z_90: f64 = 1.644_853_626_951_472_2;

/// `score` above this value means the point is anomalous, whatever
/// `z_threshold` is (see [`Detection::score`]).
pub const ANOMALY_SCORE_THRESHOLD: f64 = 0.9;

/// One measurement of the metric.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    /// Seconds since the Unix epoch.
    pub time: i64,
    pub value: f64,
}

/// Tuning knobs; out-of-range values are replaced by the nearest sensible
/// value (or the default when not a number) rather than rejected.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// Warn zone beyond each bound, as a fraction of the band width
    /// (`upper - lower`); farther out is Fail. Soda's default 0.1.
    pub warning_ratio: f64,
    /// |z| above this is anomalous. 3.0 was calibrated on the synthetic
    /// series: 0.3 % false alarms and about 98 % recall for 5–10 σ
    /// anomalies, where 2.5 gives 0.9 % / 99.4 % and Soda's Prophet
    /// interval (0.999, z = 3.29) 0.1 % / 97 %.
    pub z_threshold: f64,
    /// Finite history points needed before anything is scored (at least 3).
    pub min_history: usize,
    /// Only the most recent `window` points are modelled (at most 1000), so
    /// old behaviour fades out and cost stays bounded.
    pub window: usize,
    /// Points whose median gives the current level.
    pub level_window: usize,
    /// Allow the weekly pattern for ~daily data.
    pub weekly_seasonality: bool,
    /// Minimum half-width of the band relative to |expected|, like Soda's
    /// `min_confidence_interval_ratio` (0.001 there). The default 0 keeps
    /// "any change of a constant series is anomalous".
    pub min_band_ratio: f64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            warning_ratio: 0.1,
            z_threshold: 3.0,
            min_history: 5,
            window: 84,
            level_window: 14,
            weekly_seasonality: true,
            min_band_ratio: 0.0,
        }
    }
}

impl Settings {
    fn sanitized(&self) -> Settings {
        let default = Settings::default();
        let non_negative = |v: f64, fallback: f64| {
            if v.is_nan() {
                fallback
            } else {
                v.max(0.0)
            }
        };
        let min_history = self.min_history.max(3);
        let window = self.window.clamp(min_history, MAX_WINDOW.max(min_history));
        Settings {
            warning_ratio: non_negative(self.warning_ratio, default.warning_ratio),
            z_threshold: if self.z_threshold.is_finite() && self.z_threshold > 0.0 {
                self.z_threshold
            } else {
                default.z_threshold
            },
            min_history,
            window,
            level_window: self.level_window.clamp(1, window),
            weekly_seasonality: self.weekly_seasonality,
            min_band_ratio: non_negative(self.min_band_ratio, default.min_band_ratio),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    Pass,
    /// Outside the band by at most `warning_ratio` of its width.
    Warn,
    Fail,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Detection {
    /// Forecast for the current time.
    pub expected: f64,
    /// Band for charts; a value inside it is normal.
    pub lower: f64,
    pub upper: f64,
    /// `2·Φ(1.645·|z| / z_threshold) − 1`: 0 at the forecast, 0.9 exactly on
    /// the band edge, → 1 far out. Rescaling by the threshold keeps Soda's
    /// "anomaly score > 0.9" convention meaning "outside the band".
    pub score: f64,
    /// Signed deviation in predicted-error units (for integer data after
    /// removing half a unit of rounding); ±∞ for a non-finite current value.
    pub z: f64,
    pub severity: Severity,
    /// Whether the weekly pattern was part of the forecast.
    pub seasonal: bool,
}

impl Detection {
    pub fn is_anomaly(&self) -> bool {
        self.severity != Severity::Pass
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    NotEnoughHistory { have: usize, need: usize },
    Scored(Detection),
}

impl Verdict {
    pub fn detection(&self) -> Option<&Detection> {
        match self {
            Verdict::Scored(d) => Some(d),
            Verdict::NotEnoughHistory { .. } => None,
        }
    }

    /// Not enough history is never an anomaly: there is nothing to compare.
    pub fn is_anomaly(&self) -> bool {
        self.detection().is_some_and(Detection::is_anomaly)
    }
}

/// Scores `current` against `history`.
///
/// History may be unsorted; non-finite values are ignored, duplicate times
/// keep the last finite value given, and points at or after `current.time`
/// are ignored because they cannot be history of it. A non-finite current
/// value is always a Fail: the metric could not be measured.
pub fn detect(history: &[Point], current: Point, settings: &Settings) -> Verdict {
    let settings = settings.sanitized();
    let series = clean(history, current.time);
    if series.len() < settings.min_history {
        return Verdict::NotEnoughHistory {
            have: series.len(),
            need: settings.min_history,
        };
    }
    let window = &series[series.len() - settings.window.min(series.len())..];
    let scaled = Scaled::new(window, current.time);
    let fit = best_fit(&scaled.obs, &settings);
    let band = Band::new(&fit, &scaled, window, current.value, &settings);
    Verdict::Scored(band.detection(current.value, &settings, fit.seasonal))
}

/// The window as the model sees it. Working in units of the largest |value|
/// keeps every difference and product finite even for values near f64::MAX.
struct Scaled {
    obs: Vec<Obs>,
    /// Largest |value| of the window; 0 for an all-zero window.
    magnitude: f64,
    /// What values are divided by: `magnitude`, or 1 when that is 0.
    unit: f64,
}

impl Scaled {
    fn new(window: &[Point], now: i64) -> Scaled {
        let magnitude = window.iter().map(|p| p.value.abs()).fold(0.0, f64::max);
        let unit = if magnitude > 0.0 { magnitude } else { 1.0 };
        let obs = window
            .iter()
            .map(|p| {
                let day = (i128::from(p.time) - i128::from(now)) as f64 / DAY_SECONDS;
                Obs {
                    day,
                    day_index: day.round() as i64,
                    y: p.value / unit,
                }
            })
            .collect();
        Scaled {
            obs,
            magnitude,
            unit,
        }
    }
}

/// The weekly pattern is only worth its extra parameters when it shrinks the
/// predicted error.
fn best_fit(obs: &[Obs], settings: &Settings) -> Fit {
    let z_threshold = settings.z_threshold;
    let plain = fit_model(obs, None, settings.level_window, z_threshold);
    if !(settings.weekly_seasonality && is_daily(obs)) {
        return plain;
    }
    let seasonal = weekly_slots(obs)
        .and_then(|slots| fit_seasonal(obs, &slots, settings.level_window, z_threshold));
    match seasonal {
        Some(seasonal) if seasonal.scale < plain.scale => seasonal,
        _ => plain,
    }
}

/// Forecast and band in normalised units (see [`Scaled`]).
struct Band {
    /// Converts back to the metric's own units.
    unit: f64,
    expected: f64,
    /// Predicted-error scale after its floors; never zero, so z is defined.
    scale: f64,
    /// Disagreement with the forecast that is rounding, not evidence.
    resolution: f64,
    /// Distance from the forecast to either edge of the band.
    half_width: f64,
}

impl Band {
    fn new(
        fit: &Fit,
        scaled: &Scaled,
        window: &[Point],
        current: f64,
        settings: &Settings,
    ) -> Band {
        let z_threshold = settings.z_threshold;
        let float_floor = if scaled.magnitude > 0.0 {
            FLOAT_FLOOR
        } else {
            f64::MIN_POSITIVE
        };
        let band_floor = settings.min_band_ratio * fit.expected.abs() / z_threshold;
        let scale = fit.scale.max(float_floor).max(band_floor);

        // Counts cannot move by less than one, so half a unit of disagreement
        // with a fractional forecast is rounding, not evidence.
        let integer =
            current.is_finite() && is_whole(current) && window.iter().all(|p| is_whole(p.value));
        let resolution = if integer { 0.5 / scaled.unit } else { 0.0 };

        Band {
            unit: scaled.unit,
            expected: fit.expected,
            scale,
            resolution,
            half_width: resolution + z_threshold * scale,
        }
    }

    fn detection(&self, current: f64, settings: &Settings, seasonal: bool) -> Detection {
        let z = self.z(current);
        let unit = self.unit;
        Detection {
            expected: self.expected * unit,
            lower: (self.expected - self.half_width) * unit,
            upper: (self.expected + self.half_width) * unit,
            score: (2.0 * normal_cdf(Z_90 * z.abs() / settings.z_threshold) - 1.0).clamp(0.0, 1.0),
            z,
            severity: self.severity(z, settings),
            seasonal,
        }
    }

    fn z(&self, current: f64) -> f64 {
        if current.is_finite() {
            let deviation = current / self.unit - self.expected;
            let beyond_rounding = (deviation.abs() - self.resolution).max(0.0);
            beyond_rounding.copysign(deviation) / self.scale
        } else if current == f64::NEG_INFINITY {
            f64::NEG_INFINITY
        } else {
            // NaN included: a metric that could not be measured must fail.
            f64::INFINITY
        }
    }

    fn severity(&self, z: f64, settings: &Settings) -> Severity {
        let z_threshold = settings.z_threshold;
        if z.abs() <= z_threshold {
            Severity::Pass
        } else {
            let width_in_z = 2.0 * self.half_width / self.scale;
            if z.abs() - z_threshold <= settings.warning_ratio * width_in_z {
                Severity::Warn
            } else {
                Severity::Fail
            }
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct Obs {
    /// Days relative to the current point (negative).
    day: f64,
    /// Calendar position relative to the current point; rounding absorbs
    /// time-of-day jitter of up to half a day.
    day_index: i64,
    y: f64,
}

struct Fit {
    expected: f64,
    /// Predicted-error scale in normalised units, before floors.
    scale: f64,
    seasonal: bool,
}

fn clean(history: &[Point], before: i64) -> Vec<Point> {
    let mut points: Vec<Point> = history
        .iter()
        .filter(|p| p.value.is_finite() && p.time < before)
        .copied()
        .collect();
    // Stable, so equal times stay in input order and the last one wins below.
    points.sort_by_key(|p| p.time);
    let mut out: Vec<Point> = Vec::with_capacity(points.len());
    for p in points {
        match out.last_mut() {
            Some(last) if last.time == p.time => *last = p,
            _ => out.push(p),
        }
    }
    out
}

fn is_whole(v: f64) -> bool {
    v.fract() == 0.0
}

fn is_daily(obs: &[Obs]) -> bool {
    let mut gaps: Vec<f64> = obs.windows(2).map(|w| w[1].day - w[0].day).collect();
    if gaps.is_empty() {
        return false;
    }
    let typical = median(&mut gaps);
    (0.75..=1.25).contains(&typical)
}

/// Weekday slot (0 = the current point's weekday) per observation, `None`
/// for observations whose weekday is too rare to estimate an offset; `None`
/// overall when the current weekday itself is too rare.
fn weekly_slots(obs: &[Obs]) -> Option<Vec<Option<usize>>> {
    let slot_of = |o: &Obs| o.day_index.rem_euclid(7) as usize;
    let mut counts = [0usize; 7];
    for o in obs {
        counts[slot_of(o)] += 1;
    }
    if counts[0] < MIN_PER_WEEKDAY {
        return None;
    }
    Some(
        obs.iter()
            .map(|o| Some(slot_of(o)).filter(|&s| counts[s] >= MIN_PER_WEEKDAY))
            .collect(),
    )
}

fn fit_seasonal(
    obs: &[Obs],
    slots: &[Option<usize>],
    level_window: usize,
    z_threshold: f64,
) -> Option<Fit> {
    let (kept, kept_slots): (Vec<Obs>, Vec<usize>) = obs
        .iter()
        .zip(slots)
        .filter_map(|(o, s)| s.map(|s| (*o, s)))
        .unzip();
    let used = kept_slots
        .iter()
        .fold([false; 7], |mut seen, &s| {
            seen[s] = true;
            seen
        })
        .iter()
        .filter(|&&u| u)
        .count();
    // One weekday alone is just a level; it needs at least two to be a pattern.
    if used < 2 {
        return None;
    }
    Some(fit_model(
        &kept,
        Some(&kept_slots),
        level_window,
        z_threshold,
    ))
}

fn fit_model(obs: &[Obs], slots: Option<&[usize]>, level_window: usize, z_threshold: f64) -> Fit {
    let n = obs.len();
    // One scratch buffer sized for the largest use (all pairs) serves every
    // median and Qn, so a 1000-point window allocates it once.
    let mut buf: Vec<f64> = Vec::with_capacity(n * n.saturating_sub(1) / 2);

    let slope = theil_sen_slope(obs, slots, &mut buf);
    let detrended: Vec<f64> = obs.iter().map(|o| o.y - slope * o.day).collect();
    let Decomposition {
        offsets,
        adjusted,
        mut residuals,
    } = match slots {
        Some(slots) => weekly_decomposition(detrended, slots, &mut buf),
        None => Decomposition {
            offsets: [0.0; 7],
            residuals: detrended.clone(),
            adjusted: detrended,
        },
    };

    let recent = level_window.min(n);
    buf.clear();
    buf.extend_from_slice(&adjusted[n - recent..]);
    let level = median(&mut buf);
    let expected = level + offsets[0];

    // Level and slope are fitted in-sample; the weekday offsets are not.
    let dof = n.saturating_sub(2).max(1);
    let sigma = noise_sigma(&mut residuals, n, dof, &mut buf);
    let variance = forecast_variance(obs, recent);
    let nu = (QN_EFFICIENCY * dof as f64).max(1.0);
    let t_factor = student_t_quantile(z_threshold, nu) / z_threshold;

    Fit {
        expected,
        scale: sigma * variance.sqrt() * t_factor,
        seasonal: slots.is_some(),
    }
}

/// Theil–Sen. With weekly slots only same-weekday pairs count, so the
/// weekly pattern cancels out of every pairwise slope.
fn theil_sen_slope(obs: &[Obs], slots: Option<&[usize]>, buf: &mut Vec<f64>) -> f64 {
    buf.clear();
    for (i, a) in obs.iter().enumerate() {
        for (j, b) in obs.iter().enumerate().skip(i + 1) {
            if let Some(slots) = slots {
                if slots[i] != slots[j] || a.day_index == b.day_index {
                    continue;
                }
            }
            let dt = b.day - a.day;
            if dt > 0.0 {
                buf.push((b.y - a.y) / dt);
            }
        }
    }
    if buf.is_empty() {
        0.0
    } else {
        median(buf)
    }
}

/// Detrended values split into weekday offsets and what they leave.
struct Decomposition {
    /// Offset per weekday slot; all zero without seasonality.
    offsets: [f64; 7],
    /// Detrended, deseasonalised values in observation order.
    adjusted: Vec<f64>,
    /// What the noise scale is measured on.
    residuals: Vec<f64>,
}

/// Weekday offsets are medians of detrended values per weekday. For the
/// residual spread each point is compared with the median of the *other*
/// points of its weekday: with three to five weeks of data an in-sample
/// median would sit on top of its own points and make the band too tight.
fn weekly_decomposition(detrended: Vec<f64>, slots: &[usize], buf: &mut Vec<f64>) -> Decomposition {
    buf.clear();
    buf.extend_from_slice(&detrended);
    let centre = median(buf);
    let mut groups: [Vec<f64>; 7] = Default::default();
    for (r, &s) in detrended.iter().zip(slots) {
        groups[s].push(r - centre);
    }
    let mut offsets = [0.0f64; 7];
    for (offset, group) in offsets.iter_mut().zip(&groups) {
        buf.clear();
        buf.extend_from_slice(group);
        *offset = median(buf);
    }
    let mut residuals: Vec<f64> = Vec::with_capacity(detrended.len());
    for group in &groups {
        for (i, &r) in group.iter().enumerate() {
            buf.clear();
            buf.extend(
                group
                    .iter()
                    .enumerate()
                    .filter(|&(j, _)| j != i)
                    .map(|(_, &v)| v),
            );
            residuals.push(r - median(buf));
        }
    }
    let adjusted = detrended
        .iter()
        .zip(slots)
        .map(|(r, &s)| r - offsets[s])
        .collect();
    Decomposition {
        offsets,
        adjusted,
        residuals,
    }
}

/// Noise scale of `n` observations, corrected for the `dof` left after the
/// fit. The fallback sums `residuals` in the order its median leaves them,
/// and that order is part of the recorded results.
fn noise_sigma(residuals: &mut [f64], n: usize, dof: usize, buf: &mut Vec<f64>) -> f64 {
    let qn = qn_scale(residuals, buf);
    let mut sigma = if qn > 0.0 {
        qn
    } else {
        // Most residuals are identical (a constant series with rare blips):
        // the mean deviation still sees the blips.
        let centre = median(residuals);
        MEAN_ABS_TO_SD * residuals.iter().map(|r| (r - centre).abs()).sum::<f64>() / n as f64
    };
    sigma *= (n as f64 / dof as f64).sqrt();
    sigma
}

/// Forecast error variance relative to the noise: new noise + error of the
/// level median + slope error carried from the level window to now. The
/// leave-one-out residuals already contain the weekday offset's own error.
fn forecast_variance(obs: &[Obs], recent: usize) -> f64 {
    let n = obs.len();
    let mean_day = obs.iter().map(|o| o.day).sum::<f64>() / n as f64;
    let sxx: f64 = obs.iter().map(|o| (o.day - mean_day).powi(2)).sum();
    let level_day = obs[n - recent..].iter().map(|o| o.day).sum::<f64>() / recent as f64;
    let mut variance = 1.0 + MEDIAN_VARIANCE / recent as f64;
    if sxx > 0.0 {
        variance += THEIL_SEN_VARIANCE * level_day * level_day / sxx;
    }
    variance
}

/// Rousseeuw–Croux Qn: the first quartile of all pairwise distances, scaled
/// to a Gaussian standard deviation, with their small-sample corrections.
/// Like the MAD it ignores up to half the points being outliers, but it is
/// 82 % efficient instead of 37 % and needs no location estimate, so the
/// band from a short history is far less erratic.
fn qn_scale(x: &[f64], buf: &mut Vec<f64>) -> f64 {
    let n = x.len();
    if n < 2 {
        return 0.0;
    }
    buf.clear();
    for (i, a) in x.iter().enumerate() {
        buf.extend(x[i + 1..].iter().map(|b| (a - b).abs()));
    }
    let h = n / 2 + 1;
    let k = h * (h - 1) / 2;
    let (_, kth, _) = buf.select_nth_unstable_by(k - 1, f64::total_cmp);
    let correction = match n {
        2 => 0.399,
        3 => 0.994,
        4 => 0.512,
        5 => 0.844,
        6 => 0.611,
        7 => 0.857,
        8 => 0.669,
        9 => 0.872,
        _ if n % 2 == 1 => n as f64 / (n as f64 + 1.4),
        _ => n as f64 / (n as f64 + 3.8),
    };
    QN_TO_SD * correction * *kth
}

/// Median by selection (O(n)); reorders `values`. 0 for an empty slice.
fn median(values: &mut [f64]) -> f64 {
    let n = values.len();
    if n == 0 {
        return 0.0;
    }
    let (below, mid, _) = values.select_nth_unstable_by(n / 2, f64::total_cmp);
    let mid = *mid;
    if n % 2 == 1 {
        mid
    } else {
        let lower = below.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        lower + (mid - lower) / 2.0
    }
}

/// Cornish–Fisher expansion of the Student-t quantile matching normal
/// quantile `z` at `nu` degrees of freedom; accurate to a few percent for
/// nu ≥ 5 and conservative (still widening) below.
fn student_t_quantile(z: f64, nu: f64) -> f64 {
    let z2 = z * z;
    let g1 = (z2 + 1.0) * z / 4.0;
    let g2 = ((5.0 * z2 + 16.0) * z2 + 3.0) * z / 96.0;
    let g3 = (((3.0 * z2 + 19.0) * z2 + 17.0) * z2 - 15.0) * z / 384.0;
    z + g1 / nu + g2 / (nu * nu) + g3 / (nu * nu * nu)
}

fn normal_cdf(x: f64) -> f64 {
    0.5 * (1.0 + erf(x / std::f64::consts::SQRT_2))
}

/// Abramowitz & Stegun 7.1.26, |error| < 1.5e-7: plenty for a score.
fn erf(x: f64) -> f64 {
    // The fit leaves 1e-9 at zero; a value on the forecast should score 0.
    if x.is_nan() || x == 0.0 {
        return x;
    }
    let t = 1.0 / (1.0 + 0.327_591_1 * x.abs());
    let poly = t
        * (0.254_829_592
            + t * (-0.284_496_736
                + t * (1.421_413_741 + t * (-1.453_152_027 + t * 1.061_405_429))));
    let y = 1.0 - poly * (-x * x).exp();
    y.copysign(x)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::anomaly::synthetic::{random_series, Anomaly, SplitMix64};

    const DAY: i64 = 86_400;
    /// 2023-11-15T00:00:00Z.
    const T0: i64 = 19_676 * DAY;

    fn daily(values: &[f64]) -> Vec<Point> {
        values
            .iter()
            .enumerate()
            .map(|(i, &value)| Point {
                time: T0 + i as i64 * DAY,
                value,
            })
            .collect()
    }

    fn after(history: &[Point], value: f64) -> Point {
        Point {
            time: history.last().map_or(T0, |p| p.time) + DAY,
            value,
        }
    }

    fn scored(verdict: Verdict) -> Detection {
        match verdict {
            Verdict::Scored(d) => d,
            other => panic!("expected a score, got {other:?}"),
        }
    }

    fn score(history: &[Point], value: f64) -> Detection {
        scored(detect(history, after(history, value), &Settings::default()))
    }

    /// Level 1000, slope 2/day, noise sd 10.
    fn trending(n: usize, seed: u64) -> Vec<Point> {
        let mut rng = SplitMix64::new(seed);
        let values: Vec<f64> = (0..n)
            .map(|i| 1000.0 + 2.0 * i as f64 + 10.0 * rng.gaussian())
            .collect();
        daily(&values)
    }

    fn trend_at(n: usize) -> f64 {
        1000.0 + 2.0 * n as f64
    }

    #[test]
    fn constant_series_any_change_is_anomalous_equality_is_not() {
        let history = daily(&[250.0; 30]);
        let same = score(&history, 250.0);
        assert_eq!(same.severity, Severity::Pass);
        assert_eq!(same.z, 0.0);
        assert_eq!(same.score, 0.0);
        assert_eq!(same.expected, 250.0);
        for changed in [251.0, 249.0, 250.5, 250.001] {
            let d = score(&history, changed);
            assert_eq!(d.severity, Severity::Fail, "{changed}: {d:?}");
            assert!(d.score > ANOMALY_SCORE_THRESHOLD);
        }

        let fractional = daily(&[0.37; 12]);
        assert!(!detect(&fractional, after(&fractional, 0.37), &Settings::default()).is_anomaly());
        assert!(detect(
            &fractional,
            after(&fractional, 0.370_001),
            &Settings::default()
        )
        .is_anomaly());

        let zeros = daily(&[0.0; 10]);
        assert!(!detect(&zeros, after(&zeros, 0.0), &Settings::default()).is_anomaly());
        assert!(detect(&zeros, after(&zeros, 1.0), &Settings::default()).is_anomaly());
    }

    #[test]
    fn not_enough_history_is_typed() {
        let settings = Settings::default();
        let four = daily(&[1.0, 2.0, 3.0, 4.0]);
        assert_eq!(
            detect(&four, after(&four, 5.0), &settings),
            Verdict::NotEnoughHistory { have: 4, need: 5 }
        );
        assert_eq!(
            detect(
                &[],
                Point {
                    time: T0,
                    value: 1.0
                },
                &settings
            ),
            Verdict::NotEnoughHistory { have: 0, need: 5 }
        );
        let same_time: Vec<Point> = (0..10)
            .map(|i| Point {
                time: T0,
                value: i as f64,
            })
            .collect();
        assert_eq!(
            detect(
                &same_time,
                Point {
                    time: T0 + DAY,
                    value: 1.0
                },
                &settings
            ),
            Verdict::NotEnoughHistory { have: 1, need: 5 }
        );
        // Points at or after the current time are not history.
        let ten = daily(&[5.0; 10]);
        assert_eq!(
            detect(&ten, ten[3], &settings),
            Verdict::NotEnoughHistory { have: 3, need: 5 }
        );
        let strict = Settings {
            min_history: 20,
            ..Settings::default()
        };
        assert_eq!(
            detect(&ten, after(&ten, 5.0), &strict),
            Verdict::NotEnoughHistory { have: 10, need: 20 }
        );
        assert!(!detect(&four, after(&four, 5.0), &settings).is_anomaly());
        let five = daily(&[1.0, 2.0, 3.0, 4.0, 5.0]);
        assert!(detect(&five, after(&five, 6.0), &settings)
            .detection()
            .is_some());
    }

    #[test]
    fn unsorted_input_gives_the_same_verdict() {
        let sorted = trending(70, 1);
        let current = after(&sorted, trend_at(70) + 35.0);
        let mut shuffled = sorted.clone();
        let mut rng = SplitMix64::new(99);
        for i in (1..shuffled.len()).rev() {
            shuffled.swap(i, rng.below(i as u64 + 1) as usize);
        }
        let reversed: Vec<Point> = sorted.iter().rev().copied().collect();
        let expected = detect(&sorted, current, &Settings::default());
        assert_eq!(detect(&shuffled, current, &Settings::default()), expected);
        assert_eq!(detect(&reversed, current, &Settings::default()), expected);
    }

    #[test]
    fn non_finite_history_is_ignored_and_duplicates_keep_the_last() {
        let clean = trending(40, 2);
        let current = after(&clean, trend_at(40));
        let mut dirty = clean.clone();
        for (k, bad) in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY]
            .into_iter()
            .enumerate()
        {
            dirty.push(Point {
                time: T0 + k as i64 * 7 * DAY + 3600,
                value: bad,
            });
            // Same time as a real point: the non-finite value must not win.
            dirty.push(Point {
                time: clean[k * 5].time,
                value: bad,
            });
        }
        // A stale value first, the real one last at the same time.
        dirty.insert(
            0,
            Point {
                time: clean[10].time,
                value: 1e9,
            },
        );
        assert_eq!(
            detect(&dirty, current, &Settings::default()),
            detect(&clean, current, &Settings::default())
        );
    }

    #[test]
    fn non_finite_current_value_fails() {
        let history = trending(30, 3);
        for value in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            let d = score(&history, value);
            assert_eq!(d.severity, Severity::Fail);
            assert_eq!(d.score, 1.0);
            assert!(d.z.is_infinite());
            assert!(d.expected.is_finite());
        }
    }

    #[test]
    fn clear_spike_is_flagged() {
        let history = trending(60, 4);
        let d = score(&history, trend_at(60) + 80.0);
        assert_eq!(d.severity, Severity::Fail, "{d:?}");
        assert!(d.z > 3.0 && d.score > ANOMALY_SCORE_THRESHOLD);
        assert!(d.upper < trend_at(60) + 80.0);
        assert!((d.expected - trend_at(60)).abs() < 15.0, "{d:?}");
        let normal = score(&history, trend_at(60) + 5.0);
        assert_eq!(normal.severity, Severity::Pass, "{normal:?}");
        assert!(normal.score < ANOMALY_SCORE_THRESHOLD);
    }

    #[test]
    fn clear_drop_is_flagged() {
        let history = trending(60, 5);
        let d = score(&history, trend_at(60) - 80.0);
        assert_eq!(d.severity, Severity::Fail, "{d:?}");
        assert!(d.z < -3.0);
        assert!(d.lower > trend_at(60) - 80.0);
        // A row count collapsing to zero is as anomalous as it gets.
        assert_eq!(score(&history, 0.0).severity, Severity::Fail);
    }

    #[test]
    fn level_shift_is_flagged_at_its_third_point() {
        let mut history = trending(60, 6);
        let n = history.len();
        for p in &mut history[n - 2..] {
            p.value -= 70.0;
        }
        let d = score(&history, trend_at(60) - 70.0);
        assert!(d.is_anomaly(), "{d:?}");
        assert!(d.z < -3.0);
    }

    fn weekly_series(weeks: usize, seed: u64) -> (Vec<Point>, impl Fn(i64) -> f64) {
        // Weekends are 40 % lower, Mondays 10 % higher, noise 1 %.
        let pattern = |day: i64| match day.rem_euclid(7) {
            2 | 3 => 0.6,
            4 => 1.1,
            _ => 1.0,
        };
        let mut rng = SplitMix64::new(seed);
        let history = (0..weeks as i64 * 7)
            .map(|i| {
                let day = T0 / DAY + i;
                Point {
                    time: day * DAY,
                    value: 5000.0 * pattern(day) + 50.0 * rng.gaussian(),
                }
            })
            .collect();
        (history, move |day: i64| 5000.0 * pattern(day))
    }

    #[test]
    fn seasonal_weekday_dip_is_not_flagged() {
        let (history, normal) = weekly_series(8, 7);
        // Find the next weekend day after the history ends.
        let mut day = history.last().map_or(0, |p| p.time / DAY) + 1;
        while normal(day) > 4000.0 {
            day += 1;
        }
        let mut history = history;
        history.retain(|p| p.time / DAY < day);
        let at = |value| Point {
            time: day * DAY,
            value,
        };

        let dip = scored(detect(&history, at(normal(day)), &Settings::default()));
        assert_eq!(dip.severity, Severity::Pass, "{dip:?}");
        assert!(dip.seasonal);
        assert!((dip.expected - 3000.0).abs() < 60.0, "{dip:?}");

        // A weekday level on a weekend, or a dip twice as deep, is anomalous.
        assert!(detect(&history, at(5000.0), &Settings::default()).is_anomaly());
        assert!(detect(&history, at(2400.0), &Settings::default()).is_anomaly());

        // Without the weekly pattern the same dip is an anomaly.
        let flat = Settings {
            weekly_seasonality: false,
            ..Settings::default()
        };
        let d = scored(detect(&history, at(normal(day)), &flat));
        assert!(!d.seasonal);
        assert!(d.is_anomaly(), "{d:?}");
    }

    #[test]
    fn gaps_keep_seasonality_and_detection() {
        let (mut history, normal) = weekly_series(9, 8);
        let next_day = history.last().map_or(0, |p| p.time / DAY) + 1;
        let mut rng = SplitMix64::new(80);
        history.retain(|_| !rng.chance(0.15));
        let at = |value| Point {
            time: next_day * DAY,
            value,
        };
        let ok = scored(detect(&history, at(normal(next_day)), &Settings::default()));
        assert!(ok.seasonal && !ok.is_anomaly(), "{ok:?}");
        assert!(detect(&history, at(normal(next_day) * 0.8), &Settings::default()).is_anomaly());
    }

    #[test]
    fn irregular_or_non_daily_spacing_has_no_seasonality() {
        let mut rng = SplitMix64::new(9);
        let mut time = T0;
        let mut history = Vec::new();
        for _ in 0..80 {
            time += 3600 + rng.below(6 * 3600) as i64;
            history.push(Point {
                time,
                value: 300.0 + 3.0 * rng.gaussian(),
            });
        }
        let at = |value| Point {
            time: time + 3600,
            value,
        };
        let ok = scored(detect(&history, at(301.0), &Settings::default()));
        assert!(!ok.seasonal && !ok.is_anomaly(), "{ok:?}");
        assert!(detect(&history, at(330.0), &Settings::default()).is_anomaly());

        let weekly_spaced: Vec<Point> = (0..30)
            .map(|i| Point {
                time: T0 + i * 7 * DAY,
                value: 10.0 + (i % 2) as f64,
            })
            .collect();
        let d = scored(detect(
            &weekly_spaced,
            Point {
                time: T0 + 30 * 7 * DAY,
                value: 10.0,
            },
            &Settings::default(),
        ));
        assert!(!d.seasonal && !d.is_anomaly(), "{d:?}");
    }

    #[test]
    fn integer_counts() {
        let mut rng = SplitMix64::new(10);
        let values: Vec<f64> = (0..50)
            .map(|_| (40.0 + 2.0 * rng.gaussian()).round())
            .collect();
        let history = daily(&values);
        for normal in [38.0, 40.0, 42.0] {
            assert!(!detect(&history, after(&history, normal), &Settings::default()).is_anomaly());
        }
        assert!(detect(&history, after(&history, 60.0), &Settings::default()).is_anomaly());
        assert!(detect(&history, after(&history, 20.0), &Settings::default()).is_anomaly());

        // Mostly constant with one earlier blip: the blip does not make the
        // next unit change normal, but the band still has half-unit slack.
        let mut blip = vec![1000.0; 40];
        blip[12] = 1001.0;
        let history = daily(&blip);
        assert!(!detect(&history, after(&history, 1000.0), &Settings::default()).is_anomaly());
        assert!(detect(&history, after(&history, 1002.0), &Settings::default()).is_anomaly());
    }

    #[test]
    fn past_anomalies_do_not_widen_the_band() {
        let clean = trending(80, 11);
        let mut spiky = clean.clone();
        for (i, factor) in [(10, 5.0), (30, 0.0), (50, 3.0), (65, 10.0), (70, 0.2)] {
            spiky[i].value *= factor;
        }
        let a = score(&clean, trend_at(80));
        let b = score(&spiky, trend_at(80));
        let width = |d: &Detection| d.upper - d.lower;
        assert!(width(&b) < 1.25 * width(&a), "{a:?} vs {b:?}");
        assert!((a.expected - b.expected).abs() < 10.0, "{a:?} vs {b:?}");
        assert!(score(&spiky, trend_at(80) + 80.0).is_anomaly());
    }

    #[test]
    fn severity_and_score_follow_the_band() {
        let history = trending(60, 12);
        let base = score(&history, trend_at(60));
        let width = base.upper - base.lower;
        let edge = score(&history, base.upper);
        assert_eq!(edge.severity, Severity::Pass);
        assert!(
            (edge.score - ANOMALY_SCORE_THRESHOLD).abs() < 1e-6,
            "{edge:?}"
        );
        assert_eq!(
            score(&history, base.upper + 0.05 * width).severity,
            Severity::Warn
        );
        assert_eq!(
            score(&history, base.lower - 0.05 * width).severity,
            Severity::Warn
        );
        assert_eq!(
            score(&history, base.upper + 0.2 * width).severity,
            Severity::Fail
        );
        let no_warn = Settings {
            warning_ratio: 0.0,
            ..Settings::default()
        };
        let d = scored(detect(
            &history,
            after(&history, base.upper + 0.05 * width),
            &no_warn,
        ));
        assert_eq!(d.severity, Severity::Fail);

        let mut last = -1.0;
        for k in 0..40 {
            let s = score(&history, base.expected + k as f64 * width / 20.0).score;
            assert!((0.0..=1.0).contains(&s) && s >= last);
            last = s;
        }
    }

    #[test]
    fn minimal_history_only_flags_gross_changes() {
        let history = daily(&[100.0, 104.0, 98.0, 101.0, 99.0]);
        assert!(!score(&history, 110.0).is_anomaly());
        assert!(score(&history, 0.0).is_anomaly());
        assert!(score(&history, 1000.0).is_anomaly());
    }

    #[test]
    fn extreme_inputs_do_not_panic() {
        let settings = Settings::default();
        let huge = daily(&[
            f64::MAX,
            -f64::MAX,
            f64::MAX,
            f64::MAX / 3.0,
            -f64::MAX,
            f64::MAX,
            1.0,
        ]);
        let d = scored(detect(&huge, after(&huge, f64::MAX), &settings));
        assert!(!d.z.is_nan() && !d.score.is_nan());
        let times: Vec<Point> = [i64::MIN, i64::MIN + 1, -1, 0, 1, i64::MAX - 1]
            .iter()
            .map(|&time| Point {
                time,
                value: time as f64,
            })
            .collect();
        detect(
            &times,
            Point {
                time: i64::MAX,
                value: 0.0,
            },
            &settings,
        );
        detect(
            &times,
            Point {
                time: i64::MIN,
                value: 0.0,
            },
            &settings,
        );
        let tiny = daily(&[1e-300, 2e-300, 1e-300, 3e-300, 1e-300, 2e-300]);
        let d = scored(detect(&tiny, after(&tiny, 1e300), &settings));
        assert_eq!(d.severity, Severity::Fail);
        let silly = Settings {
            warning_ratio: f64::NAN,
            z_threshold: -1.0,
            min_history: 0,
            window: 0,
            level_window: 0,
            weekly_seasonality: true,
            min_band_ratio: f64::INFINITY,
        };
        let history = trending(30, 13);
        detect(&history, after(&history, 1.0), &silly);
        detect(
            &[],
            Point {
                time: 0,
                value: f64::NAN,
            },
            &silly,
        );
        let one = daily(&[1.0]);
        detect(&one, after(&one, 1.0), &silly);
    }

    #[test]
    fn random_garbage_never_panics() {
        let mut rng = SplitMix64::new(15);
        let values = [
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::MAX,
            -f64::MAX,
            f64::MIN_POSITIVE,
            0.0,
            -0.0,
            1.0,
            1e-320,
        ];
        let times = [i64::MIN, i64::MAX, 0, -1, 1, T0];
        for _ in 0..3000 {
            let pick = |rng: &mut SplitMix64| Point {
                time: if rng.chance(0.3) {
                    times[rng.below(times.len() as u64) as usize]
                } else {
                    T0 + rng.below(40) as i64 * (1 + rng.below(2 * DAY as u64) as i64)
                },
                value: if rng.chance(0.3) {
                    values[rng.below(values.len() as u64) as usize]
                } else {
                    rng.gaussian() * 10f64.powi(rng.below(600) as i32 - 300)
                },
            };
            let len = rng.below(60) as usize;
            let history: Vec<Point> = (0..len).map(|_| pick(&mut rng)).collect();
            let current = pick(&mut rng);
            if let Verdict::Scored(d) = detect(&history, current, &Settings::default()) {
                assert!(!d.z.is_nan() && (0.0..=1.0).contains(&d.score), "{d:?}");
                assert!(!d.expected.is_nan() && d.lower <= d.upper, "{d:?}");
            }
        }
    }

    #[test]
    fn min_band_ratio_mirrors_soda() {
        let history = daily(&[1000.0; 20]);
        let soda_like = Settings {
            min_band_ratio: 0.001,
            ..Settings::default()
        };
        assert!(!detect(&history, after(&history, 1000.6), &soda_like).is_anomaly());
        assert!(detect(&history, after(&history, 1002.0), &soda_like).is_anomaly());
    }

    #[test]
    fn deterministic() {
        let s = random_series(42, Anomaly::Spike);
        let a = detect(&s.history, s.current, &Settings::default());
        let b = detect(&s.history, s.current, &Settings::default());
        assert_eq!(a, b);
        assert_eq!(random_series(42, Anomaly::Spike), s);
    }

    #[test]
    #[expect(clippy::print_stderr, reason = "prints the measured detection rates")]
    fn synthetic_detection_rates() {
        const PER_KIND: u64 = 500;
        let settings = Settings::default();
        let mut report = Vec::new();
        for kind in [
            Anomaly::None,
            Anomaly::Spike,
            Anomaly::Drop,
            Anomaly::LevelShift,
        ] {
            let mut flagged = 0u64;
            let mut seasonal = 0u64;
            for seed in 0..PER_KIND {
                let series = random_series(seed, kind);
                let verdict = detect(&series.history, series.current, &settings);
                let d = verdict
                    .detection()
                    .unwrap_or_else(|| panic!("{:?}", series.spec));
                seasonal += u64::from(d.seasonal);
                flagged += u64::from(d.is_anomaly());
            }
            let rate = flagged as f64 / PER_KIND as f64;
            eprintln!(
                "{kind:?}: flagged {flagged}/{PER_KIND} = {:.1} % (seasonal model in {seasonal})",
                100.0 * rate
            );
            report.push((kind, rate));
        }
        for (kind, rate) in report {
            if kind == Anomaly::None {
                assert!(rate <= 0.02, "false alarm rate {rate}");
            } else {
                assert!(rate >= 0.90, "{kind:?} recall {rate}");
            }
        }
    }

    /// A long seasonal history scores normal points as normal, with the default window and
    /// with the whole history (speed is measured by `examples/bench/anomaly-bench.sh`).
    #[test]
    fn long_seasonal_history_is_normal() {
        let mut rng = SplitMix64::new(14);
        let model = |i: i64| 1e5 + 10.0 * i as f64 + 2e4 * ((i % 7) as f64 / 7.0);
        let history: Vec<Point> = (0..1000)
            .map(|i| Point {
                time: T0 + i * DAY,
                value: model(i) + 500.0 * rng.gaussian(),
            })
            .collect();
        let current = after(&history, model(1000));
        assert!(!detect(&history, current, &Settings::default()).is_anomaly());
        let widest = Settings {
            window: usize::MAX,
            ..Settings::default()
        };
        let d = scored(detect(&history, current, &widest));
        assert!(d.seasonal && !d.is_anomaly(), "{d:?}");
    }
}
