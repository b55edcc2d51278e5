#!/usr/bin/env bash
# Benchmark: duplicate counts on a 5-million-row PostgreSQL table, measured in one run.
#
# 1. Keyed: `duplicate_count(id)` and `duplicate_count(id, customer_id)`, answered by the
#    primary key without a query, against the GROUP BY id soda used to send (through psql).
# 2. Unkeyed: `duplicate_count` of customer_id (100,000 groups), email (1,000 groups) and
#    scattered (5 million groups in no order), against the same GROUP BYs with the plans
#    PostgreSQL picks by itself, run concurrently (the floor soda used to reach) and one
#    after the other, and against one GROUPING SETS pass over the table for all three.
#
# Usage: examples/bench/duplicates-bench.sh [SODA_BIN] [ROWS] [RUNS]
# Needs PostgreSQL on 127.0.0.1:5432 with trust auth for user postgres, database test.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SODA="${1:-$HERE/../../target/release/soda}"
ROWS="${2:-5000000}"
RUNS="${3:-3}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
PSQL=(psql -h 127.0.0.1 -U postgres -d test -qtAX -v ON_ERROR_STOP=1)

have=$("${PSQL[@]}" -c "SELECT COUNT(*) FROM bench.keyed_5m" 2>/dev/null || echo 0)
cols=$("${PSQL[@]}" -c "SELECT COUNT(*) FROM information_schema.columns WHERE table_schema = 'bench' AND table_name = 'keyed_5m' AND column_name = 'scattered'" 2>/dev/null || echo 0)
if [ "$have" != "$ROWS" ] || [ "$cols" != "1" ]; then
  echo "loading $ROWS rows into bench.keyed_5m (primary key id) ..."
  "${PSQL[@]}" <<SQL
CREATE SCHEMA IF NOT EXISTS bench;
DROP TABLE IF EXISTS bench.keyed_5m;
CREATE TABLE bench.keyed_5m AS
SELECT i AS id, (i % 100000) AS customer_id, 'user' || (i % 1000) || '@example.com' AS email,
       (i::bigint * 7919) % 4999999 AS scattered
FROM generate_series(1, $ROWS) AS s(i);
ALTER TABLE bench.keyed_5m ADD PRIMARY KEY (id);
VACUUM ANALYZE bench.keyed_5m;
SQL
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
printf 'checks for keyed_5m:\n  - duplicate_count(id) = 0\n  - duplicate_count(id, customer_id) = 0\n' > "$WORK/keyed.yml"
printf 'checks for keyed_5m:\n  - duplicate_count(customer_id) > 0\n  - duplicate_count(email) > 0\n  - duplicate_count(scattered) >= 0\n' > "$WORK/unkeyed.yml"

dup() { echo "WITH frequencies AS (SELECT COUNT(*) AS frequency FROM bench.keyed_5m WHERE $1 IS NOT NULL GROUP BY $1) SELECT COUNT(*) FROM frequencies WHERE frequency > 1"; }
GROUPING_SETS="SELECT g, COUNT(*) FROM (SELECT GROUPING(customer_id, email, scattered) AS g, customer_id, email, scattered, COUNT(*) AS frequency FROM bench.keyed_5m GROUP BY GROUPING SETS ((customer_id), (email), (scattered))) f WHERE frequency > 1 AND ((g = 3 AND customer_id IS NOT NULL) OR (g = 5 AND email IS NOT NULL) OR (g = 6 AND scattered IS NOT NULL)) GROUP BY g"

now() { date +%s.%N; }
# median_of CMD...: runs CMD RUNS times, prints the median wall time in seconds.
median_of() {
  local times=()
  for _ in $(seq 1 "$RUNS"); do
    local s e
    s=$(now); "$@" >/dev/null 2>&1 || true; e=$(now)
    times+=("$(echo "$e - $s" | bc)")
  done
  printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {printf "%.3f", a[int((NR+1)/2)]}'
}
soda_keyed() { "$SODA" scan -d bench -c "$WORK/configuration.yml" "$WORK/keyed.yml"; }
soda_unkeyed() { "$SODA" scan -d bench -c "$WORK/configuration.yml" "$WORK/unkeyed.yml"; }
psql_group_by_id() { "${PSQL[@]}" -c "$(dup id)"; }
psql_concurrent() {
  for c in customer_id email scattered; do "${PSQL[@]}" -c "$(dup $c)" & done
  wait
}
psql_sequential() { for c in customer_id email scattered; do "${PSQL[@]}" -c "$(dup $c)"; done; }
psql_grouping_sets() { "${PSQL[@]}" -c "$GROUPING_SETS"; }

# The scan must agree with the hand-written SQL before its time means anything.
set +e
"$SODA" scan -d bench -c "$WORK/configuration.yml" -srf "$WORK/r.json" "$WORK/unkeyed.yml" >"$WORK/scan.out" 2>&1
rc=$?
set -e
if [ "$rc" -ge 3 ]; then cat "$WORK/scan.out"; echo "the scan failed (exit $rc)"; exit 1; fi
for c in customer_id email scattered; do
  ours=$(python3 -c "import json,sys; d=json.load(open('$WORK/r.json')); print(next(int(x['diagnostics']['value']) for x in d['checks'] if x['name'].startswith('duplicate_count($c)')))")
  theirs=$("${PSQL[@]}" -c "$(dup $c)")
  if [ "$ours" != "$theirs" ]; then echo "duplicate_count($c): soda $ours, psql $theirs"; exit 1; fi
done

keyed=$(median_of soda_keyed)
by_id=$(median_of psql_group_by_id)
unkeyed=$(median_of soda_unkeyed)
concurrent=$(median_of psql_concurrent)
sequential=$(median_of psql_sequential)
sets=$(median_of psql_grouping_sets)

echo "rows: $ROWS, median of $RUNS runs, $(uptime | sed 's/.*load/load/')"
printf '%-66s %8s s\n' "soda: duplicate_count(id) and (id, customer_id), keyed" "$keyed"
printf '%-66s %8s s\n' "psql: the GROUP BY id soda no longer sends" "$by_id"
printf '%-66s %8s s\n' "soda: duplicate_count of customer_id, email, scattered" "$unkeyed"
printf '%-66s %8s s\n' "psql: the same 3 GROUP BYs, PostgreSQL's plans, concurrently" "$concurrent"
printf '%-66s %8s s\n' "psql: the same 3 GROUP BYs, PostgreSQL's plans, one after the other" "$sequential"
printf '%-66s %8s s\n' "psql: one GROUPING SETS pass for all 3" "$sets"
printf '%-66s %8.2fx\n' "soda unkeyed against the concurrent floor" "$(echo "$concurrent / $unkeyed" | bc -l)"
