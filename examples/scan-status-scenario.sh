#!/usr/bin/env bash
# The scan-output scenario behind docs/scan-status-*.png: four scan definitions on one SQLite
# data source over five days. `returns_daily` checks a table that does not exist, an analyst's
# scan on day 3 checks a column that does not exist, and on day 5 `orders_daily` finds the data
# source down. Writes the store and the report into DIR and prints the datasets' warnings.
#
#   examples/scan-status-scenario.sh target/release/soda /tmp/scenario
set -euo pipefail
BIN=$(realpath "${1:?usage: $0 SODA_BINARY DIR}")
DIR=${2:?usage: $0 SODA_BINARY DIR}
mkdir -p "$DIR" && cd "$DIR"
rm -f shop.db store.db report.html
python3 - <<'PY'
import sqlite3
c = sqlite3.connect("shop.db")
c.execute("create table customers(id integer, email text, country text)")
c.executemany("insert into customers values(?,?,?)", [(1, "a@x", "BE"), (2, None, "NL"), (3, "c@x", "BE")])
c.execute("create table orders(id integer, customer_id integer, amount real)")
c.executemany("insert into orders values(?,?,?)", [(1, 1, 10.0), (2, 2, 20.5), (3, 9, None)])
c.commit()
PY
printf 'data_source shop:\n  type: sqlite\n  path: shop.db\n' > config.yml
printf 'data_source shop:\n  type: sqlite\n  path: /nonexistent/shop.db\n' > down.yml
printf 'checks for customers:\n  - row_count > 0\n  - missing_count(email) = 0:\n      warn: when > 0\n' > customers_daily.yml
printf 'checks for orders:\n  - row_count > 0\n  - missing_count(amount) = 0\n' > orders_daily.yml
printf 'checks for returns:\n  - row_count > 0\n' > returns_daily.yml
printf 'checks for customers:\n  - missing_count(loyalty_tier) = 0\n' > analyst.yml
scan() { "$BIN" scan -d shop -c "$1" -s "$2" -t "$3" --store store.db "$2.yml" >/dev/null || true; }
for day in 01 02 03 04 05; do
  t=2024-05-${day}T06:00:00+00:00
  scan config.yml customers_daily "$t"
  if [ "$day" = 05 ]; then scan down.yml orders_daily "$t"; else scan config.yml orders_daily "$t"; fi
  scan config.yml returns_daily "$t"
  if [ "$day" = 03 ]; then scan config.yml analyst "$t"; fi
done
"$BIN" report --store store.db -o report.html
echo "open file://$PWD/report.html#datasets"
