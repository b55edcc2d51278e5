#!/usr/bin/env bash
# Benchmark: a 15-check scan of a 10-row PostgreSQL table (aggregates, a format, a
# duplicate count, freshness and a schema check), the whole process from start to exit.
#
# Prints the median and fastest wall time of RUNS scans against the floor measured in the
# same run: psql sending the statements the scan sends (from its -srf results) on one
# connection, process start and connection set-up included.
#
# Usage: examples/bench/small-scan.sh [SODA_BIN] [RUNS]
# Needs PostgreSQL on 127.0.0.1:5432 with trust auth for user postgres, database test.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SODA="${1:-$HERE/../../target/release/soda}"
RUNS="${2:-21}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
PSQL=(psql -h 127.0.0.1 -U postgres -d test -qtAX -v ON_ERROR_STOP=1)

"${PSQL[@]}" <<'SQL' 2>/dev/null
CREATE SCHEMA IF NOT EXISTS bench_small;
DROP TABLE IF EXISTS bench_small.orders;
CREATE TABLE bench_small.orders AS
SELECT i AS id, i % 3 AS customer_id, (i * 1.5)::numeric(10,2) AS amount, 1 + (i % 9) AS quantity,
       'user' || i || '@example.com' AS email,
       CASE i % 2 WHEN 0 THEN 'shipped' ELSE 'pending' END AS status,
       timestamp '2024-01-01' + i * interval '1 hour' AS ordered_at
FROM generate_series(1, 10) AS s(i);
SQL

cat > "$WORK/configuration.yml" <<'YML'
data_source small:
  type: postgres
  host: 127.0.0.1
  port: 5432
  username: postgres
  database: test
  schema: bench_small
YML
cat > "$WORK/checks.yml" <<'YML'
checks for orders:
  - row_count > 0
  - missing_count(email) = 0
  - missing_percent(email) < 5
  - invalid_count(status) = 0:
      valid values: [shipped, pending]
  - invalid_count(email) = 0:
      valid format: email
  - min(amount) >= 0
  - max(amount) < 1000
  - avg(amount) between 1 and 1000
  - sum(quantity) > 0
  - max(quantity) <= 9
  - avg_length(email) > 5
  - max_length(email) < 100
  - duplicate_count(customer_id) > 0
  - freshness(ordered_at) < 10000d
  - schema:
      fail:
        when required column missing: [id, email]
YML

"$SODA" scan -d small -c "$WORK/configuration.yml" -srf "$WORK/r.json" "$WORK/checks.yml" >"$WORK/scan.out" 2>&1 \
  || { cat "$WORK/scan.out"; echo "the scan did not pass"; exit 1; }
python3 - "$WORK/r.json" > "$WORK/floor.sql" <<'PY'
import json, sys
for q in json.load(open(sys.argv[1]))["queries"]:
    print(q["sql"] + ";")
PY

# times CMD...: RUNS wall times in milliseconds, one per line.
times() {
  for _ in $(seq 1 "$RUNS"); do
    local s e
    s=$(date +%s%N); "$@" >/dev/null 2>&1; e=$(date +%s%N)
    echo $(((e - s) / 1000))
  done
}
stats() { sort -n | awk '{a[NR]=$1} END {printf "median %6.1f ms   fastest %6.1f ms", a[int((NR+1)/2)]/1000, a[1]/1000}'; }

ours=$(times "$SODA" scan -d small -c "$WORK/configuration.yml" "$WORK/checks.yml" | stats)
floor=$(times "${PSQL[@]}" -f "$WORK/floor.sql" | stats)
echo "statements the scan sends: $(grep -c ';$' "$WORK/floor.sql"), $RUNS runs, $(uptime | sed 's/.*load/load/')"
echo "soda scan (15 checks):                $ours"
echo "psql, the same statements, one session: $floor"
