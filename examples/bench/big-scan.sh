#!/usr/bin/env bash
# Benchmark: a 15-check scan of a 5-million-row table on PostgreSQL and MariaDB, against the
# floor of the same work written by hand.
#
# Prints, per engine, the median over RUNS (after one warm-up read of the table) of:
#   soda        the wall time of `soda scan` with 15 checks over 6 columns (one aggregation
#               query with the email regex, and the duplicate GROUP BY on customer_id, which
#               no key covers);
#   floor       the same two queries, written by hand, each in its own psql / mariadb process
#               started at the same time (soda sends them concurrently);
#   sequential  the same two queries one after the other in one client;
# (on MariaDB, which runs a query on one core, soda splits the aggregation query of this big
# table into parts that run at once, two unless PARALLEL_WORKERS says otherwise; the floor
# stays the two statements a person writes, and the check below compares the parts' select
# items with the one query's);
# then soda/floor, sequential/soda, soda's peak RSS, the load average and soda's own timing
# of each query. It fails (exit 1) unless every check evaluated (a scan exit code of 3 or
# more is an error), soda read the table with exactly these two statements, word for word,
# and soda's values equal the hand-written queries' results.
#
# Usage: examples/bench/big-scan.sh [SODA_BIN] [ROWS] [RUNS] [ENGINES]
#   defaults: target/release/soda, 5000000, 3, "postgres mariadb"
#   PARALLEL_WORKERS=N sets the data sources' parallel_workers (PostgreSQL: workers per
#   query; MariaDB: statements per big aggregation, 1 for one statement); unset, soda's default.
# Needs PostgreSQL on 127.0.0.1:5432 (trust auth, user postgres, database test; the table is
# bench.orders_big) and MariaDB on 127.0.0.1:3306 (user root, no password; the table is
# bench.orders_big). The tables are reloaded only when they do not hold ROWS rows.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SODA="${1:-$HERE/../../target/release/soda}"
ROWS="${2:-5000000}"
RUNS="${3:-3}"
ENGINES="${4:-postgres mariadb}"
PARALLEL_WORKERS="${PARALLEL_WORKERS:-}"
# shellcheck source=orders-table.sh
. "$HERE/orders-table.sh"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
PSQL=(psql -h 127.0.0.1 -U postgres -d test -qtAX -v ON_ERROR_STOP=1)
MARIA=(mariadb -h 127.0.0.1 -P 3306 -u root -N -B)

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.3f", b-a}'; }
median() { tr ' ' '\n' | grep . | sort -g | awk '{v[NR]=$1} END{m=int((NR+1)/2); if (NR%2) printf "%.3f", v[m]; else printf "%.3f", (v[m]+v[m+1])/2}'; }

# --- loading -------------------------------------------------------------------------------

load_postgres() { load_orders_postgres "$ROWS"; }

# The numbers 1..ROWS as a derived table `nums(i)`: MariaDB's SEQUENCE engine when the server
# has it, else a cross join of digit tables.
maria_numbers() {
  local has_seq
  has_seq=$("${MARIA[@]}" -e "SELECT COUNT(*) FROM information_schema.ENGINES WHERE ENGINE = 'SEQUENCE' AND SUPPORT IN ('YES', 'DEFAULT')")
  if [ "$has_seq" = 1 ]; then
    echo "(SELECT seq AS i FROM seq_1_to_$ROWS) AS nums"
    return
  fi
  local digits="(SELECT 0 d UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9)"
  local expr="1" from="" k
  for ((k = 0; k < ${#ROWS}; k++)); do
    expr="$expr + d$k.d * $((10 ** k))"
    from="$from${from:+, }$digits d$k"
  done
  echo "(SELECT $expr AS i FROM $from HAVING i <= $ROWS) AS nums"
}

load_mariadb() {
  local nums
  nums=$(maria_numbers)
  "${MARIA[@]}" <<SQL
CREATE DATABASE IF NOT EXISTS bench;
USE bench;
DROP TABLE IF EXISTS orders_big;
CREATE TABLE orders_big (
  id INT NOT NULL,
  customer_id INT,
  amount DECIMAL(10,2),
  quantity INT,
  email VARCHAR(64),
  status VARCHAR(16),
  ordered_at DATETIME
) ENGINE=InnoDB;
INSERT INTO orders_big
SELECT i,
       i % 100000,
       ROUND(((i * 37) % 100000) / 100.0, 2),
       1 + i % 9,
       CASE WHEN i % 50 = 0 THEN NULL ELSE CONCAT('user', i % 1000, '@example.com') END,
       ELT(1 + i % 4, 'shipped', 'pending', 'cancelled', 'returned'),
       TIMESTAMP '2024-01-01 00:00:00' + INTERVAL (i % 100000) MINUTE
FROM $nums;
ANALYZE TABLE orders_big;
SQL
}

count_rows() { # count_rows ENGINE -> rows in the table, 0 when it does not exist
  case $1 in
    postgres) orders_postgres_rows ;;
    mariadb) "${MARIA[@]}" -e "SELECT COUNT(*) FROM bench.orders_big" 2>/dev/null || echo 0 ;;
  esac
}

# --- the work ------------------------------------------------------------------------------

# The checks of aggregate-bench.sh plus the email format, a duplicate count and ordered_at.
# Every check passes: a failing one would add a failed-rows sample query (a `= 0` on the
# duplicate count, with 100,000 customers that repeat, costs 0.8 s on PostgreSQL and 1.9 s
# on MariaDB more, after the other two).
cat > "$WORK/checks.yml" <<'YML'
checks for orders_big:
  - row_count > 0
  - missing_count(email) < 200000
  - missing_percent(email) < 5
  - invalid_count(email) = 0:
      valid format: email
  - invalid_count(status) = 0:
      valid values: [shipped, pending, cancelled, returned]
  - duplicate_count(customer_id) <= 100000
  - min(amount) >= 0
  - max(amount) < 1000
  - avg(amount) between 1 and 1000
  - stddev(amount) > 0
  - sum(quantity) > 0
  - max(quantity) <= 9
  - avg_length(email) > 5
  - max_length(email) < 100
  - missing_count(ordered_at) = 0
YML

config() { # config ENGINE
  case $1 in
    postgres) printf 'data_source bench:\n  type: postgres\n  host: 127.0.0.1\n  port: 5432\n  username: postgres\n  database: test\n  schema: bench\n' ;;
    mariadb) printf 'data_source bench:\n  type: mysql\n  host: 127.0.0.1\n  port: 3306\n  username: root\n  database: bench\n' ;;
  esac
  if [ -n "$PARALLEL_WORKERS" ]; then printf '  parallel_workers: %s\n' "$PARALLEL_WORKERS"; fi
}

# The two statements soda sends for the table (seen with `soda scan -V`: the aggregation query
# for the 14 aggregate checks and the GROUP BY for the duplicate count), written by hand in
# the same words, so that the floor does exactly the work the scan asks of the database; the
# script checks that the words still are soda's. Soda also sends lookups the floor does not:
# the table's unique keys from the catalogue (none covers customer_id, so the GROUP BY runs)
# and, on PostgreSQL, an EXPLAIN of the GROUP BY for its group estimate; from 50,000 groups
# (this table has 100,000 customers) it runs the GROUP BY sorted, with
# `SET LOCAL enable_hashagg = off` and `SET LOCAL work_mem = '128MB'`, and so does the floor.
# On MariaDB it always groups by sorting (SQL_BIG_RESULT).
write_sql() { # write_sql ENGINE -> $WORK/ENGINE.{aggregate,duplicate}.sql, as soda words them;
  #                                  $WORK/ENGINE.duplicate.run.sql, the GROUP BY as sent
  case $1 in
    postgres)
      cat > "$WORK/postgres.aggregate.sql" <<'SQL'
SELECT
  COUNT(*),
  COUNT(CASE WHEN email IS NULL THEN 1 END),
  COUNT(CASE WHEN NOT (email IS NULL) AND NOT (CAST(email AS TEXT) ~ '^[a-zA-ZÀ-ÿĀ-ſƀ-ȳ0-9.\-_%+]+@[a-zA-ZÀ-ÿĀ-ſƀ-ȳ0-9.\-_%]+\.[A-Za-z]{2,4}$') THEN 1 END),
  AVG(LENGTH(email)),
  MAX(LENGTH(email)),
  COUNT(CASE WHEN NOT (status IS NULL) AND NOT (status IN ('shipped','pending','cancelled','returned')) THEN 1 END),
  MIN(amount),
  MAX(amount),
  AVG(amount),
  STDDEV(amount),
  SUM(quantity),
  MAX(quantity),
  COUNT(CASE WHEN ordered_at IS NULL THEN 1 END)
FROM bench.orders_big;
SQL
      cat > "$WORK/postgres.duplicate.sql" <<'SQL'
WITH frequencies AS (
    SELECT COUNT(*) AS frequency
    FROM bench.orders_big
    WHERE customer_id IS NOT NULL
    GROUP BY customer_id)
SELECT COUNT(*)
FROM frequencies
WHERE frequency > 1;
SQL
      { echo "BEGIN;"
        echo "SET LOCAL enable_hashagg = off;"
        echo "SET LOCAL work_mem = '128MB';"
        cat "$WORK/postgres.duplicate.sql"
        echo "COMMIT;"
      } > "$WORK/postgres.duplicate.run.sql" ;;
    mariadb)
      cat > "$WORK/mariadb.aggregate.sql" <<'SQL'
SELECT
  COUNT(*),
  COUNT(CASE WHEN email IS NULL THEN 1 END),
  COUNT(CASE WHEN NOT (email IS NULL) AND NOT (email RLIKE '^[a-zA-ZÀ-ÿĀ-ſƀ-ȳ0-9.\\-_%+]+@[a-zA-ZÀ-ÿĀ-ſƀ-ȳ0-9.\\-_%]+\\.[A-Za-z]{2,4}$') THEN 1 END),
  AVG(CHAR_LENGTH(email)),
  MAX(CHAR_LENGTH(email)),
  COUNT(CASE WHEN NOT (status IS NULL) AND NOT (status IN ('shipped','pending','cancelled','returned')) THEN 1 END),
  MIN(amount),
  MAX(amount),
  AVG(amount),
  STDDEV_SAMP(amount),
  SUM(quantity),
  MAX(quantity),
  COUNT(CASE WHEN ordered_at IS NULL THEN 1 END)
FROM orders_big;
SQL
      cat > "$WORK/mariadb.duplicate.sql" <<'SQL'
WITH frequencies AS (
    SELECT SQL_BIG_RESULT COUNT(*) AS frequency
    FROM orders_big
    WHERE customer_id IS NOT NULL
    GROUP BY customer_id)
SELECT COUNT(*)
FROM frequencies
WHERE frequency > 1;
SQL
      cp "$WORK/mariadb.duplicate.sql" "$WORK/mariadb.duplicate.run.sql" ;;
  esac
}

# The select items of the queries in soda's -V output whose names match a regex (or of a
# hand-written file), one per line, sorted: the aggregation split in parts on MariaDB has the
# items of the one query, in two statements.
select_items() { # select_items OUT NAME_REGEX | select_items - < FILE
  if [ "$1" = - ]; then cat; else
    RE="$2" awk '/^\[..:..:..\] / { n = $3; sub(/:$/, "", n); on = ($2 == "Query" && n ~ ENVIRON["RE"]); next } on' "$1"
  fi | sed 's/^ *//; s/[ ,;]*$//' | grep -v -e '^SELECT$' -e '^FROM ' -e '^$' | sort
}

# The SQL of one query in soda's -V output (its name matching a regex), whitespace folded.
soda_sql() { # soda_sql OUT NAME_REGEX
  RE="$2" awk '/^\[..:..:..\] / { n = $3; sub(/:$/, "", n); on = ($2 == "Query" && n ~ ENVIRON["RE"]); next } on' "$1" | fold_sql
}
fold_sql() { tr -s ' \n\t' ' ' | sed 's/^ //; s/[ ;]*$//'; }

client() { # client ENGINE < SQL
  case $1 in
    postgres) "${PSQL[@]}" ;;
    mariadb) "${MARIA[@]}" --default-character-set=utf8mb4 bench ;;
  esac
}

# soda scan, timed; prints "seconds peak_kb exit_code". Peak RSS from /usr/bin/time, else the
# last VmHWM read from /proc while the scan runs.
run_soda() { # run_soda ENGINE OUT
  local s e rc kb=0 pid hwm
  s=$(now)
  set +e
  if [ -x /usr/bin/time ]; then
    /usr/bin/time -f %M -o "$WORK/time" "$SODA" scan -d bench -c "$WORK/$1.yml" -V "$WORK/checks.yml" > "$2" 2>&1
    rc=$?
    e=$(now)
    kb=$(tail -1 "$WORK/time")
  else
    "$SODA" scan -d bench -c "$WORK/$1.yml" -V "$WORK/checks.yml" > "$2" 2>&1 &
    pid=$!
    while kill -0 "$pid" 2>/dev/null; do
      hwm=$(awk '/^VmHWM:/ {print $2}' "/proc/$pid/status" 2>/dev/null)
      [ -n "$hwm" ] && kb=$hwm
      sleep 0.01
    done
    wait "$pid"
    rc=$?
    e=$(now)
  fi
  set -e
  echo "$(elapsed "$s" "$e") $kb $rc"
}

run_floor() { # run_floor ENGINE -> seconds; each query in its own client, all at once
  local s e pids=() p
  s=$(now)
  client "$1" < "$WORK/$1.aggregate.sql" > "$WORK/$1.aggregate.out" & pids+=($!)
  client "$1" < "$WORK/$1.duplicate.run.sql" > "$WORK/$1.duplicate.out" & pids+=($!)
  for p in "${pids[@]}"; do wait "$p"; done
  e=$(now)
  elapsed "$s" "$e"
}

run_sequential() { # run_sequential ENGINE -> seconds; both queries in one client
  local s e
  s=$(now)
  cat "$WORK/$1.aggregate.sql" "$WORK/$1.duplicate.run.sql" | client "$1" > /dev/null
  e=$(now)
  elapsed "$s" "$e"
}

# soda's value for a check: the `check_value:` line under it in the -V output.
soda_value() { # soda_value OUT CHECK_NAME
  awk -v n="      $2 [" 'index($0, n) { hit = 1; next } hit && /check_value:/ { print $NF; exit }' "$1"
}

# The names of the two queries that read the table, in soda's log and recap.
AGG_QUERY='^[0-9]+\.bench\.orders_big\.aggregation\[0\](\.part\[[0-9]\])?$'
DUP_QUERY='^[0-9]+\.bench\.orders_big\.customer_id\.duplicate_count$'

# A query's duration in soda's recap (`  1.bench.orders_big.aggregation[0] [OK] 0:00:04.047761`).
query_seconds() { # query_seconds OUT NAME_REGEX
  RE="$2" awk '$2 ~ ENVIRON["RE"] && $3 == "[OK]" { split($4, t, ":"); printf "%.3f\n", t[1] * 3600 + t[2] * 60 + t[3] }' "$1"
}

# Counts must be equal; other values within 1e-6 (the mariadb client prints a double with six
# significant digits, soda reads all of them).
compare() { # compare ENGINE CHECK_NAME HAND_VALUE
  local got
  got=$(soda_value "$WORK/$1.scan.out" "$2")
  if ! awk -v a="$got" -v b="$3" 'BEGIN{d=a-b; if (d<0) d=-d; t=(b ~ /^-?[0-9]+$/) ? 0 : 1e-6 * (b<0?-b:b)
                                      exit !(a != "" && d <= t)}'; then
    echo "MISMATCH on $1: '$2' soda $got, hand SQL $3"
    return 1
  fi
}

bench_engine() { # bench_engine ENGINE
  local engine=$1 have s e
  config "$engine" > "$WORK/$engine.yml"
  have=$(count_rows "$engine")
  if [ "$have" = "$ROWS" ]; then
    echo "$engine: bench.orders_big already holds $ROWS rows, not reloaded"
  else
    echo "$engine: loading $ROWS rows into bench.orders_big ..."
    s=$(now)
    "load_$engine" > /dev/null
    e=$(now)
    echo "$engine: loaded in $(elapsed "$s" "$e") s"
  fi
  write_sql "$engine"

  # One warm-up read of the whole table (and of soda's first connection).
  client "$engine" < "$WORK/$engine.aggregate.sql" > /dev/null

  local soda_t=() floor_t=() seq_t=() peak=0 i secs kb rc load_before
  load_before=$(cut -d' ' -f1 /proc/loadavg)
  for ((i = 1; i <= RUNS; i++)); do
    read -r secs kb rc < <(run_soda "$engine" "$WORK/$engine.scan.out")
    if [ "$rc" -ge 3 ]; then
      echo "$engine: soda scan reported an error (exit code $rc):"
      cat "$WORK/$engine.scan.out"
      exit 1
    fi
    soda_t+=("$secs")
    [ "$kb" -gt "$peak" ] && peak=$kb
    floor_t+=("$(run_floor "$engine")")
    seq_t+=("$(run_sequential "$engine")")
  done

  # Every check evaluated; soda read the table with the two statements of the floor, word for
  # word, besides its lookups; its values equal the hand SQL's.
  local out="$WORK/$engine.scan.out" checks reads lookups same=yes
  checks=$(grep -cE '\[(PASSED|WARNED|FAILED)\]$' "$out" || true)
  reads=$(A="$AGG_QUERY" D="$DUP_QUERY" awk '/^\[..:..:..\] Query / { n = $3; sub(/:$/, "", n); c += (n ~ ENVIRON["A"] || n ~ ENVIRON["D"]) } END { print c + 0 }' "$out")
  lookups=$(( $(grep -c '^\[..:..:..\] Query ' "$out" || true) - reads ))
  if [ "$(select_items "$out" "$AGG_QUERY")" != "$(select_items - < "$WORK/$engine.aggregate.sql")" ] ||
     [ "$(soda_sql "$out" "$DUP_QUERY")" != "$(fold_sql < "$WORK/$engine.duplicate.sql")" ]; then
    same=NO
  fi
  local agg dup
  IFS=$'\t|' read -r -a agg < "$WORK/$engine.aggregate.out"
  dup=$(tr -d '[:space:]' < "$WORK/$engine.duplicate.out")
  local bad=0
  compare "$engine" "row_count > 0" "${agg[0]}" || bad=1
  compare "$engine" "missing_count(email) < 200000" "${agg[1]}" || bad=1
  compare "$engine" "invalid_count(email) = 0" "${agg[2]}" || bad=1
  compare "$engine" "avg_length(email) > 5" "${agg[3]}" || bad=1
  compare "$engine" "max_length(email) < 100" "${agg[4]}" || bad=1
  compare "$engine" "invalid_count(status) = 0" "${agg[5]}" || bad=1
  compare "$engine" "min(amount) >= 0" "${agg[6]}" || bad=1
  compare "$engine" "max(amount) < 1000" "${agg[7]}" || bad=1
  compare "$engine" "avg(amount) between 1 and 1000" "${agg[8]}" || bad=1
  compare "$engine" "stddev(amount) > 0" "${agg[9]}" || bad=1
  compare "$engine" "sum(quantity) > 0" "${agg[10]}" || bad=1
  compare "$engine" "max(quantity) <= 9" "${agg[11]}" || bad=1
  compare "$engine" "missing_count(ordered_at) = 0" "${agg[12]}" || bad=1
  compare "$engine" "duplicate_count(customer_id) <= 100000" "$dup" || bad=1

  local ms mf mq
  ms=$(echo "${soda_t[*]}" | median)
  mf=$(echo "${floor_t[*]}" | median)
  mq=$(echo "${seq_t[*]}" | median)
  echo
  echo "$engine, $ROWS rows, parallel_workers ${PARALLEL_WORKERS:-unset}, median of $RUNS runs (1-minute load average $load_before before, $(cut -d' ' -f1 /proc/loadavg) after)"
  printf '  %-44s %9s s   (%s)\n' "soda scan: 15 checks, $reads queries + $lookups lookups" "$ms" "${soda_t[*]}"
  printf '  %-44s %9s s   (%s)\n' "floor: the 2 queries at once, 2 clients" "$mf" "${floor_t[*]}"
  printf '  %-44s %9s s   (%s)\n' "sequential: the 2 queries in 1 client" "$mq" "${seq_t[*]}"
  printf '  %-44s %9sx\n' "soda / floor" "$(awk -v a="$ms" -v b="$mf" 'BEGIN{printf "%.2f", a/b}')"
  printf '  %-44s %9sx\n' "sequential / soda" "$(awk -v a="$mq" -v b="$ms" 'BEGIN{printf "%.2f", a/b}')"
  printf '  %-44s %9s MB\n' "soda peak RSS" "$((peak / 1024))"
  printf '  %-44s %9s\n' "checks evaluated (exit code $rc)" "$checks of 15"
  printf '  %-44s %9s\n' "duplicate_count(customer_id), soda = SQL" "$dup"
  printf '  %-44s %9s\n' "hand SQL = soda's SQL, word for word" "$same"
  printf '  %-44s %9s s\n' "soda's recap, last run: aggregation queries" "$(query_seconds "$out" "$AGG_QUERY" | tr '\n' ' ')"
  printf '  %-44s %9s s\n' "soda's recap, last run: duplicate query" "$(query_seconds "$out" "$DUP_QUERY")"
  echo
  # The duplicate GROUP BY plus the aggregation, whole or in its parts.
  local most_reads=$((1 + ${PARALLEL_WORKERS:-2}))
  [ "$most_reads" -ge 2 ] || most_reads=2
  if [ "$checks" != 15 ] || [ "$reads" -lt 2 ] || [ "$reads" -gt "$most_reads" ] || [ "$same" != yes ] || [ "$bad" != 0 ]; then
    echo "UNEXPECTED on $engine: $checks checks evaluated, $reads queries read the table, hand SQL = soda's: $same; the scan said:"
    cat "$out"
    exit 1
  fi
}

for engine in $ENGINES; do
  case $engine in
    postgres | mariadb) bench_engine "$engine" ;;
    *) echo "unknown engine '$engine' (expected postgres and/or mariadb)"; exit 2 ;;
  esac
done
