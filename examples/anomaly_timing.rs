//! Times the anomaly model (`soda::eval::anomaly::model::detect`) on a 1000-point daily history (seasonal, trending, noisy).
//! Run by `examples/bench/anomaly-rates.sh`.
use soda::eval::anomaly::model::{detect, Point, Settings};
use soda::eval::anomaly::synthetic::SplitMix64;
use std::time::Instant;

#[expect(clippy::print_stdout, reason = "a benchmark prints its figures")]
fn main() {
    let mut rng = SplitMix64::new(14);
    let day = 86_400;
    let history: Vec<Point> = (0..1000)
        .map(|i| Point {
            time: 1_700_006_400 + i * day,
            value: 1e5 + 10.0 * i as f64 + 2e4 * ((i % 7) as f64 / 7.0) + 500.0 * rng.gaussian(),
        })
        .collect();
    let settings = Settings::default();
    for (label, value) in [
        ("normal", 1e5 + 10_000.0 + 2e4 * (1000 % 7) as f64 / 7.0),
        ("anomalous", 2e5),
    ] {
        let current = Point {
            time: 1_700_006_400 + 1000 * day,
            value,
        };
        let runs = 2000;
        let start = Instant::now();
        let mut flagged = 0;
        for _ in 0..runs {
            flagged += usize::from(detect(&history, current, &settings).is_anomaly());
        }
        let per_call = start.elapsed() / runs;
        println!("{label}: {per_call:?} per call, flagged {flagged}/{runs}");
    }
}
