#!/usr/bin/env bash
# Benchmark: 15 aggregate checks on a 5-million-row PostgreSQL table.
#
# Prints how many queries soda issued for the table (expected: 1 aggregation query) and the
# wall time of the scan against a baseline measured in the same run: the same 15 metrics
# computed one query per check (what a per-check scanner does), through psql.
#
# Usage: examples/bench/aggregate-bench.sh [SODA_BIN] [ROWS]
# Needs PostgreSQL on 127.0.0.1:5432 with trust auth for user postgres, database test.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SODA="${1:-$HERE/../../target/release/soda}"
ROWS="${2:-5000000}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
PSQL=(psql -h 127.0.0.1 -U postgres -d test -qtAX -v ON_ERROR_STOP=1)

# shellcheck source=orders-table.sh
. "$HERE/orders-table.sh"
if [ "$(orders_postgres_rows)" != "$ROWS" ]; then
  echo "loading $ROWS rows into bench.orders_big ..."
  load_orders_postgres "$ROWS" >/dev/null
fi

cat > "$WORK/configuration.yml" <<YML
data_source bench:
  type: postgres
  host: 127.0.0.1
  port: 5432
  username: postgres
  database: test
  schema: bench
YML
cat > "$WORK/checks.yml" <<'YML'
checks for orders_big:
  - row_count > 0
  - missing_count(email) < 200000
  - missing_percent(email) < 5
  - invalid_count(status) = 0:
      valid values: [shipped, pending, cancelled, returned]
  - valid_count(email) > 0
  - min(amount) >= 0
  - max(amount) < 1000
  - avg(amount) between 1 and 1000
  - sum(quantity) > 0
  - min(quantity) >= 1
  - max(quantity) <= 9
  - avg_length(email) > 5
  - max_length(email) < 100
  - stddev(amount) > 0
  - min_length(status) >= 7
YML

# Baseline: one query per metric, as written in SQL by hand.
cat > "$WORK/baseline.sql" <<'SQL'
SELECT COUNT(*) FROM bench.orders_big;
SELECT COUNT(CASE WHEN email IS NULL THEN 1 END) FROM bench.orders_big;
SELECT COUNT(CASE WHEN email IS NULL THEN 1 END) * 100.0 / COUNT(*) FROM bench.orders_big;
SELECT COUNT(CASE WHEN status IS NOT NULL AND status NOT IN ('shipped','pending','cancelled','returned') THEN 1 END) FROM bench.orders_big;
SELECT COUNT(email) FROM bench.orders_big;
SELECT MIN(amount) FROM bench.orders_big;
SELECT MAX(amount) FROM bench.orders_big;
SELECT AVG(amount) FROM bench.orders_big;
SELECT SUM(quantity) FROM bench.orders_big;
SELECT MIN(quantity) FROM bench.orders_big;
SELECT MAX(quantity) FROM bench.orders_big;
SELECT AVG(LENGTH(email)) FROM bench.orders_big;
SELECT MAX(LENGTH(email)) FROM bench.orders_big;
SELECT STDDEV(amount) FROM bench.orders_big;
SELECT MIN(LENGTH(status)) FROM bench.orders_big;
SQL

now() { date +%s.%N; }
# Warm the cache once so neither side pays for the first read.
"${PSQL[@]}" -c "SELECT COUNT(*) FROM bench.orders_big" >/dev/null

t0=$(now)
"${PSQL[@]}" -f "$WORK/baseline.sql" >/dev/null
t1=$(now)
set +e
"$SODA" scan -d bench -c "$WORK/configuration.yml" -V "$WORK/checks.yml" > "$WORK/scan.out" 2>&1
rc=$?
set -e
t2=$(now)

queries=$(grep -c '^\[..:..:..\] Query [0-9]*\.bench\.orders_big' "$WORK/scan.out" || true)
aggregations=$(grep -c '^\[..:..:..\] Query [0-9]*\.bench\.orders_big\.aggregation' "$WORK/scan.out" || true)
checks=$(grep -cE '\[(PASSED|WARNED|FAILED)\]$' "$WORK/scan.out" || true)
base=$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.2f", b-a}')
ours=$(awk -v a="$t1" -v b="$t2" 'BEGIN{printf "%.2f", b-a}')
ratio=$(awk -v a="$base" -v b="$ours" 'BEGIN{printf "%.2f", a/b}')
echo "rows:                         $ROWS"
echo "checks evaluated:             $checks of 15 (exit code $rc)"
echo "queries soda issued:          $queries ($aggregations aggregation)"
echo "baseline, 15 queries (psql):  ${base}s"
echo "soda scan, wall time:         ${ours}s"
echo "speed-up vs baseline:         ${ratio}x"
if [ "$queries" != "1" ]; then
  echo "UNEXPECTED: more than one query for one table"; grep 'Query ' "$WORK/scan.out"; exit 1
fi
