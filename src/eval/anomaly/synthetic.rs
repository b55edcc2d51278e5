//! Deterministic synthetic metric histories for testing and benchmarking the
//! anomaly detector.
//!
//! The file depends only on `super::Point`, so it travels with the detector
//! module: wherever `anomaly.rs` (or `anomaly/mod.rs`) is dropped, put this
//! file next to it as `anomaly/synthetic.rs`. A series is a daily metric with
//! a linear trend, a weekly pattern and Gaussian noise, optionally with missing
//! days, time-of-day jitter, integer rounding, earlier outliers in the history
//! and one injected anomaly at the last point. Everything is driven by
//! [`SplitMix64`], so a seed always reproduces the same series.

use super::model::Point;

const DAY: i64 = 86_400;
/// 2022-01-06T00:00:00Z; any day boundary works, this one keeps times realistic.
const EPOCH_DAY: i64 = 19_000;

/// SplitMix64: tiny, fast and statistically good enough for test data, and it
/// keeps the generator dependency-free.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    pub fn new(seed: u64) -> Self {
        SplitMix64 { state: seed }
    }

    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1) with 53 random bits.
    pub fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    pub fn uniform(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.next_f64()
    }

    /// Uniform integer in [0, n); 0 when n is 0. Multiply-shift avoids the
    /// modulo bias without a rejection loop.
    pub fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    pub fn chance(&mut self, p: f64) -> bool {
        self.next_f64() < p
    }

    /// Standard normal via Box–Muller. Only the cosine branch is used so that
    /// every call consumes exactly two uniforms, which keeps series
    /// reproducible when specs change.
    pub fn gaussian(&mut self) -> f64 {
        // 1 - u lies in (0, 1], so the logarithm stays finite.
        let u1 = 1.0 - self.next_f64();
        let u2 = self.next_f64();
        (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
    }

    pub fn sign(&mut self) -> f64 {
        if self.chance(0.5) {
            1.0
        } else {
            -1.0
        }
    }
}

/// What happens at the end of a series.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Anomaly {
    /// Clean series: the last point follows the model.
    None,
    /// The last point jumps up by `magnitude_sd` noise deviations.
    Spike,
    /// The last point falls by `magnitude_sd` noise deviations.
    Drop,
    /// The last `shift_len` points (1–3, the current one included) move by
    /// `magnitude_sd` noise deviations, up or down.
    LevelShift,
}

/// Full description of a synthetic series, so a failing case can be printed
/// and reproduced.
#[derive(Debug, Clone, PartialEq)]
pub struct SeriesSpec {
    /// Days spanned, the current day included; missing days reduce the
    /// number of points below this.
    pub days: usize,
    /// Seconds after midnight UTC at which the metric is measured.
    pub time_of_day: i64,
    /// Measurement times wander uniformly by up to this many seconds.
    pub jitter_seconds: i64,
    pub level: f64,
    pub slope_per_day: f64,
    /// Offset added on each weekday (indexed by days since the epoch mod 7).
    pub weekly: [f64; 7],
    pub noise_sd: f64,
    /// Probability that a history day is missing (the current day never is).
    pub gap_rate: f64,
    /// Round values to whole numbers, like row counts.
    pub integer: bool,
    /// Outliers of 5–10 noise deviations planted earlier in the history.
    pub past_outliers: usize,
    pub anomaly: Anomaly,
    /// Size of the injected anomaly in noise standard deviations (signed for
    /// level shifts).
    pub magnitude_sd: f64,
    pub shift_len: usize,
}

impl SeriesSpec {
    /// Draws the parameter mix used by the detection-rate test:
    /// 60–120 days; level 10^2–10^6 (10^3–10^6 when integer, so rounding stays
    /// small against the noise); noise 0.5–8 % of the level; a trend that
    /// moves the level by up to ±40 % over the series; a random weekly pattern
    /// of amplitude up to 25 % of the level in three series out of four; gaps
    /// of 2–10 % of days in 30 %; jitter of up to an hour in 30 %; integer
    /// values in 30 %; 1–3 earlier outliers in half of them; anomalies of
    /// 5–10 noise deviations.
    pub fn random(rng: &mut SplitMix64, anomaly: Anomaly) -> Self {
        let days = 60 + rng.below(61) as usize;
        let integer = rng.chance(0.3);
        let level = 10f64.powf(if integer {
            rng.uniform(3.0, 6.0)
        } else {
            rng.uniform(2.0, 6.0)
        });
        let noise_sd = level * rng.uniform(0.005, 0.08);
        let slope_per_day = level * rng.uniform(-0.4, 0.4) / days as f64;
        let mut weekly = [0.0; 7];
        if rng.chance(0.75) {
            let amplitude = level * rng.uniform(0.0, 0.25);
            for w in weekly.iter_mut() {
                *w = rng.gaussian();
            }
            let mean = weekly.iter().sum::<f64>() / 7.0;
            let peak = weekly
                .iter()
                .map(|w| (w - mean).abs())
                .fold(0.0, f64::max)
                .max(f64::MIN_POSITIVE);
            for w in weekly.iter_mut() {
                *w = (*w - mean) / peak * amplitude;
            }
        }
        let gap_rate = if rng.chance(0.3) {
            rng.uniform(0.02, 0.1)
        } else {
            0.0
        };
        let jitter_seconds = if rng.chance(0.3) {
            rng.below(3601) as i64
        } else {
            0
        };
        let past_outliers = if rng.chance(0.5) {
            1 + rng.below(3) as usize
        } else {
            0
        };
        let magnitude = rng.uniform(5.0, 10.0);
        let magnitude_sd = match anomaly {
            Anomaly::None => 0.0,
            Anomaly::Spike => magnitude,
            Anomaly::Drop => -magnitude,
            Anomaly::LevelShift => rng.sign() * magnitude,
        };
        let shift_len = 1 + rng.below(3) as usize;
        SeriesSpec {
            days,
            time_of_day: rng.below(DAY as u64) as i64,
            jitter_seconds,
            level,
            slope_per_day,
            weekly,
            noise_sd,
            gap_rate,
            integer,
            past_outliers,
            anomaly,
            magnitude_sd,
            shift_len,
        }
    }
}

/// A generated series: `history` in time order and the `current` point to
/// score.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub history: Vec<Point>,
    pub current: Point,
    pub spec: SeriesSpec,
}

/// Renders `spec` with randomness (noise, gaps, jitter, outlier positions)
/// from `rng`.
pub fn generate(spec: &SeriesSpec, rng: &mut SplitMix64) -> Series {
    let days = spec.days.max(1);
    let mut points: Vec<Point> = Vec::with_capacity(days);
    for d in 0..days {
        let is_current = d + 1 == days;
        // Draw the gap before anything else so the noise stream does not
        // depend on whether the day is kept.
        let missing = rng.chance(spec.gap_rate) && !is_current;
        let jitter = if spec.jitter_seconds > 0 {
            rng.below(2 * spec.jitter_seconds as u64 + 1) as i64 - spec.jitter_seconds
        } else {
            0
        };
        let noise = rng.gaussian() * spec.noise_sd;
        if missing {
            continue;
        }
        let day = EPOCH_DAY + d as i64;
        let weekday = day.rem_euclid(7) as usize;
        let value = spec.level + spec.slope_per_day * d as f64 + spec.weekly[weekday] + noise;
        points.push(Point {
            time: day * DAY + spec.time_of_day + jitter,
            value,
        });
    }

    let n = points.len();
    // Earlier outliers stay clear of the last three history points so that
    // a level shift at the end is the only structure there.
    if n > 4 {
        let eligible = (n - 4) as u64;
        for _ in 0..spec.past_outliers {
            let at = rng.below(eligible) as usize;
            points[at].value += rng.sign() * rng.uniform(5.0, 10.0) * spec.noise_sd;
        }
    }
    let affected = match spec.anomaly {
        Anomaly::None => 0,
        Anomaly::Spike | Anomaly::Drop => 1,
        Anomaly::LevelShift => spec.shift_len.clamp(1, 3),
    };
    for p in points.iter_mut().skip(n.saturating_sub(affected)) {
        p.value += spec.magnitude_sd * spec.noise_sd;
    }
    if spec.integer {
        for p in points.iter_mut() {
            p.value = p.value.round();
        }
    }

    let current = points.pop().unwrap_or(Point {
        time: EPOCH_DAY * DAY,
        value: spec.level,
    });
    Series {
        history: points,
        current,
        spec: spec.clone(),
    }
}

/// One reproducible random series per (seed, anomaly) pair.
pub fn random_series(seed: u64, anomaly: Anomaly) -> Series {
    let tag = match anomaly {
        Anomaly::None => 0x1000_0000,
        Anomaly::Spike => 0x2000_0000,
        Anomaly::Drop => 0x3000_0000,
        Anomaly::LevelShift => 0x4000_0000,
    };
    let mut rng = SplitMix64::new(seed ^ tag);
    let spec = SeriesSpec::random(&mut rng, anomaly);
    generate(&spec, &mut rng)
}
