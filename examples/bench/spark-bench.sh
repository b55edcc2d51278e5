#!/usr/bin/env bash
# Benchmark: a 15-check scan of a 10-million-row table on the local Spark cluster, against the
# same SQL submitted directly through Spark's own client (pyspark over Spark Connect) in the
# same run, with the same concurrency (4 statements at a time, as soda runs them).
#
# Usage: examples/bench/spark-bench.sh [SODA_BIN] [ROWS]
# Needs the cluster: scripts/spark-local.sh start. Installs pyspark's Connect client extras
# (pandas, pyarrow, grpcio) into the same venv on first use.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SODA="${1:-$HERE/../../target/release/soda}"
ROWS="${2:-10000000}"
VENV="${SODA_SPARK_VENV:-$HOME/.cache/soda-rs/spark-venv}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

"$HERE/../../scripts/spark-local.sh" status || { echo "start the cluster first: scripts/spark-local.sh start"; exit 1; }
"$VENV/bin/python" -c 'import pyspark.sql.connect.session, pandas, pyarrow, grpc' 2>/dev/null \
  || "$VENV/bin/python" -m pip install -q "pyspark[connect]==4.3.0"

echo "loading $ROWS rows into soda_bench.events ..."
"$VENV/bin/python" "$HERE/spark_bench.py" load "$ROWS"

cat > "$WORK/configuration.yml" <<YML
data_source lake:
  type: spark
  host: 127.0.0.1
  port: 15002
  database: soda_bench
YML
cat > "$WORK/checks.yml" <<'YML'
checks for events:
  - row_count > 0
  - missing_count(email) < 300000
  - missing_percent(email) < 5
  - invalid_count(status) = 0:
      valid values: [shipped, pending, cancelled, returned]
  - invalid_count(email) = 0:
      valid format: email
  - min(amount) >= 0
  - max(amount) < 1000
  - avg(amount) between 1 and 1000
  - sum(quantity) > 0
  - max(quantity) <= 9
  - avg_length(email) > 5
  - stddev(amount) > 0
  - percentile(amount, 0.95) > 0
  - duplicate_count(id) = 0
  - freshness(ordered_at) < 10000d
YML

echo "warming up (first queries compile code on the executors) ..."
"$SODA" scan -d lake -c "$WORK/configuration.yml" "$WORK/checks.yml" >/dev/null || true

runs=3
ours=()
for i in $(seq 1 $runs); do
  start=$(date +%s.%N)
  "$SODA" scan -d lake -c "$WORK/configuration.yml" -srf "$WORK/results.json" "$WORK/checks.yml" > "$WORK/scan.log" || true
  end=$(date +%s.%N)
  ours+=("$(echo "$end - $start" | bc)")
done
grep -E "checks (PASSED|FAILED|WARNED)|Oops|All is good" "$WORK/scan.log" || true

echo "the same statements through pyspark (4 at a time), $runs runs:"
theirs=$("$VENV/bin/python" "$HERE/spark_bench.py" replay "$WORK/results.json" "$runs")

median() { printf '%s\n' "$@" | sort -n | sed -n "$(( ($# + 1) / 2 ))p"; }
o=$(median "${ours[@]}")
t=$(median $theirs)
printf '%-40s %8s s   (runs: %s)\n' "soda scan (15 checks, $ROWS rows)" "$o" "${ours[*]}"
printf '%-40s %8s s   (runs: %s)\n' "same SQL via pyspark, 4 concurrent" "$t" "$(echo $theirs)"
printf '%-40s %8.2fx\n' "ratio soda / pyspark" "$(echo "$o / $t" | bc -l)"
