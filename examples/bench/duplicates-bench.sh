#!/usr/bin/env bash
# Benchmark: duplicate_count on a 5-million-row PostgreSQL table whose id is the primary key.
#
# Prints the wall time of a soda scan with `duplicate_count(id) = 0` and
# `duplicate_count(id, customer_id) = 0` (both answered by the primary key, without a query)
# against the GROUP BY soda used to send for one of them, timed through psql in the same run,
# and a duplicate count no key covers (`duplicate_count(customer_id)`), which still runs.
#
# Usage: examples/bench/duplicates-bench.sh [SODA_BIN] [ROWS]
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SODA="${1:-$HERE/../../target/release/soda}"
ROWS="${2:-5000000}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
PSQL=(psql -h 127.0.0.1 -U postgres -d test -qtAX -v ON_ERROR_STOP=1)

echo "loading $ROWS rows into bench.keyed_5m (primary key id) ..."
"${PSQL[@]}" <<SQL
CREATE SCHEMA IF NOT EXISTS bench;
DROP TABLE IF EXISTS bench.keyed_5m;
CREATE TABLE bench.keyed_5m AS
SELECT i AS id, (i % 100000) AS customer_id, 'user' || (i % 1000) || '@example.com' AS email
FROM generate_series(1, $ROWS) AS s(i);
ALTER TABLE bench.keyed_5m ADD PRIMARY KEY (id);
ANALYZE bench.keyed_5m;
SQL

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
printf 'checks for keyed_5m:\n  - duplicate_count(customer_id) > 0\n' > "$WORK/unkeyed.yml"

now() { date +%s.%N; }
secs() { echo "$2 - $1" | bc; }

s=$(now); "$SODA" scan -d bench -c "$WORK/configuration.yml" "$WORK/keyed.yml" >/dev/null; e=$(now)
keyed=$(secs "$s" "$e")
s=$(now)
"${PSQL[@]}" -c "WITH frequencies AS (SELECT COUNT(*) AS frequency FROM bench.keyed_5m WHERE id IS NOT NULL GROUP BY id) SELECT COUNT(*) FROM frequencies WHERE frequency > 1" >/dev/null
e=$(now); floor=$(secs "$s" "$e")
s=$(now); "$SODA" scan -d bench -c "$WORK/configuration.yml" "$WORK/unkeyed.yml" >/dev/null; e=$(now)
unkeyed=$(secs "$s" "$e")

printf '%-58s %8.3f s\n' "soda: duplicate_count(id) and (id, customer_id), keyed" "$keyed"
printf '%-58s %8.3f s\n' "psql: the GROUP BY id soda no longer sends" "$floor"
printf '%-58s %8.3f s\n' "soda: duplicate_count(customer_id), no key covers it" "$unkeyed"
printf '%-58s %8.0fx\n' "speed-up of the keyed checks" "$(echo "$floor / $keyed" | bc -l)"
