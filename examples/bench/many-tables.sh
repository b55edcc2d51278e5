#!/usr/bin/env bash
# Benchmark: `for each dataset` over 200 tables of 2,000 rows with 10 checks each, on
# PostgreSQL and MariaDB. Prints, per engine, the wall time and peak memory of the scan with
# max_connections 1 (one query after the other), 4 (the default) and 8, measured in the same
# run.
#
# Usage: examples/bench/many-tables.sh [SODA_BIN] [TABLES]
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SODA="${1:-$HERE/../../target/release/soda}"
TABLES="${2:-200}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

table_sql() { # table_sql N
  echo "CREATE TABLE t_$1 AS SELECT n AS id, n % 97 AS customer_id, CONCAT('user', n % 500, '@example.com') AS email, (n % 1000) / 10.0 AS amount FROM seq;"
}

echo "loading $TABLES tables of 2,000 rows into PostgreSQL (schema bench_many) and MariaDB (database bench_many) ..."
{
  echo "DROP SCHEMA IF EXISTS bench_many CASCADE; CREATE SCHEMA bench_many; SET search_path TO bench_many;"
  echo "CREATE TEMP TABLE seq AS SELECT generate_series(1, 2000) AS n;"
  for i in $(seq 1 "$TABLES"); do table_sql "$i"; done
} | psql -h 127.0.0.1 -U postgres -d test -qtAX -v ON_ERROR_STOP=1 >/dev/null
{
  echo "DROP DATABASE IF EXISTS bench_many; CREATE DATABASE bench_many; USE bench_many;"
  echo "CREATE TEMPORARY TABLE seq (n INT); INSERT INTO seq SELECT seq FROM (SELECT 1 + a.i + 10 * b.i + 100 * c.i + 1000 * d.i AS seq FROM (SELECT 0 i UNION SELECT 1 UNION SELECT 2 UNION SELECT 3 UNION SELECT 4 UNION SELECT 5 UNION SELECT 6 UNION SELECT 7 UNION SELECT 8 UNION SELECT 9) a, (SELECT 0 i UNION SELECT 1 UNION SELECT 2 UNION SELECT 3 UNION SELECT 4 UNION SELECT 5 UNION SELECT 6 UNION SELECT 7 UNION SELECT 8 UNION SELECT 9) b, (SELECT 0 i UNION SELECT 1 UNION SELECT 2 UNION SELECT 3 UNION SELECT 4 UNION SELECT 5 UNION SELECT 6 UNION SELECT 7 UNION SELECT 8 UNION SELECT 9) c, (SELECT 0 i UNION SELECT 1) d) s WHERE seq <= 2000;"
  for i in $(seq 1 "$TABLES"); do table_sql "$i"; done
} | mariadb -h 127.0.0.1 -u root

cat > "$WORK/checks.yml" <<'YML'
for each dataset T:
  datasets:
    - t_%
  checks:
    - row_count > 0
    - missing_count(email) = 0
    - invalid_count(email) = 0:
        valid format: email
    - min(amount) >= 0
    - max(amount) < 1000
    - avg(amount) > 0
    - duplicate_count(id) = 0
    - duplicate_count(email) > 0
    - max_length(email) < 100
    - schema:
        fail:
          when required column missing: [id, email]
YML

run() { # run ENGINE_BLOCK CONNECTIONS -> "seconds peak_kb"
  printf 'data_source b:\n%s  max_connections: %s\n' "$1" "$2" > "$WORK/configuration.yml"
  /usr/bin/time -f "%e %M" -o "$WORK/time" "$SODA" scan -d b -c "$WORK/configuration.yml" "$WORK/checks.yml" > "$WORK/out" || true
  grep -q "checks PASSED" "$WORK/out" || { cat "$WORK/out" | tail -5; }
  cat "$WORK/time"
}

PG='  type: postgres
  host: 127.0.0.1
  username: postgres
  database: test
  schema: bench_many
'
MARIA='  type: mysql
  host: 127.0.0.1
  username: root
  database: bench_many
'
printf '%-10s %-16s %10s %12s\n' engine max_connections seconds "peak RSS"
for engine in postgres mariadb; do
  block=$PG; [ $engine = mariadb ] && block=$MARIA
  run "$block" 4 >/dev/null # warm the server's caches
  for c in 1 4 8; do
    read -r secs kb < <(run "$block" "$c" | tail -1)
    printf '%-10s %-16s %10s %9s MB\n' "$engine" "$c" "$secs" "$((kb / 1024))"
  done
done
