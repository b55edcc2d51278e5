#!/usr/bin/env bash
# Benchmark: what the results store costs.
#
# 1. A 15-check scan of the example SQLite database, 20 runs without a store and 20 runs
#    recording into an SQLite store, interleaved: prints the mean wall time of both and the
#    difference (the target: recording adds under 10 ms).
# 2. A store holding a year of daily scans of 200 checks (73,000 check results, recorded by
#    365 real scans): prints how long `soda report` takes to render it (target: under 2 s).
#
# Usage: examples/bench/store-bench.sh [SODA_BIN]
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SODA="$(cd "$(dirname "${1:-$HERE/../../target/release/soda}")" && pwd)/$(basename "${1:-soda}")"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
cp "$HERE/../adventureworks.db" "$WORK/"
cd "$WORK"
cat > configuration.yml <<YML
data_source aw:
  type: sqlite
  path: adventureworks.db
YML
{
  echo "checks for orders:"
  echo "  - row_count > 0"
  for c in order_date customer_id ship_country; do
    echo "  - missing_count($c) = 0"
    echo "  - duplicate_percent($c) < 100"
  done
  for m in min max avg sum stddev; do echo "  - $m(unit_price) > -1"; done
  echo "  - max_length(status) < 100"
  echo "  - avg_length(status) > 0"
  echo "  - invalid_count(status) < 1000000:"
  echo "      valid length: 100"
} > checks15.yml
ms() { echo $(( $(date +%s%N) / 1000000 )); }
plain=0; stored=0
for i in $(seq 1 20); do
  t0=$(ms); "$SODA" scan -d aw -c configuration.yml -t "2024-01-$(printf %02d $i)" checks15.yml >/dev/null || true; t1=$(ms)
  "$SODA" scan -d aw -c configuration.yml -t "2024-01-$(printf %02d $i)" --store store.sqlite checks15.yml >/dev/null || true; t2=$(ms)
  plain=$((plain + t1 - t0)); stored=$((stored + t2 - t1))
done
echo "15-check scan, mean of 20: without store $((plain / 20)) ms, recording into SQLite $((stored / 20)) ms, recording adds $(((stored - plain) / 20)) ms"

{
  echo "checks for orders:"
  for i in $(seq 1 200); do echo "  - row_count > $i"; done
} > checks200.yml
t0=$(ms)
for d in $(seq 0 364); do
  day=$(date -u -d "2023-01-01 + $d days" +%Y-%m-%d)
  "$SODA" scan -d aw -c configuration.yml -t "$day" --store year.sqlite checks200.yml >/dev/null || true
done
t1=$(ms)
echo "recorded 365 scans of 200 checks in $((t1 - t0)) ms"
t0=$(ms); "$SODA" report --store year.sqlite -o report.html >/dev/null; t1=$(ms)
echo "soda report of 73,000 check results: $((t1 - t0)) ms, $(wc -c < report.html) bytes"
