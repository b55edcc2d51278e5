#!/usr/bin/env bash
# The anomaly model's figures on seeded synthetic daily series (trend, weekly seasonality,
# noise; spikes, drops and level shifts of 5-10 noise standard deviations at the last point):
# recall per kind of anomaly and the false-alarm rate on clean series, 500 series of each, plus
# the time to score a 1000-point history.
#
# Usage: examples/bench/anomaly-rates.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
cargo test --release --lib anomaly::model::tests::synthetic_detection_rates -- --nocapture 2>&1 \
  | grep -E 'flagged|test result'
cargo run --release --quiet --example anomaly_timing
