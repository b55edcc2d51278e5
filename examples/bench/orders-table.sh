# Sourced by the benchmarks that read the 5-million-row orders table on PostgreSQL
# (aggregate-bench.sh, big-scan.sh): its one definition, so their figures are of the same data.
# big-scan.sh loads the same values into MariaDB.

# load_orders_postgres ROWS: (re)creates bench.orders_big with ROWS rows.
load_orders_postgres() {
  psql -h 127.0.0.1 -U postgres -d test -qtAX -v ON_ERROR_STOP=1 <<SQL
SET client_min_messages TO warning;
CREATE SCHEMA IF NOT EXISTS bench;
DROP TABLE IF EXISTS bench.orders_big;
CREATE TABLE bench.orders_big AS
SELECT i AS id,
       (i % 100000) AS customer_id,
       round(((i * 37) % 100000) / 100.0, 2)::numeric(10,2) AS amount,
       1 + (i % 9) AS quantity,
       CASE WHEN i % 50 = 0 THEN NULL ELSE 'user' || (i % 1000) || '@example.com' END AS email,
       CASE i % 4 WHEN 0 THEN 'shipped' WHEN 1 THEN 'pending' WHEN 2 THEN 'cancelled' ELSE 'returned' END AS status,
       timestamp '2024-01-01' + (i % 100000) * interval '1 minute' AS ordered_at
FROM generate_series(1, $1) AS s(i);
VACUUM ANALYZE bench.orders_big;
SQL
}

# orders_postgres_rows: how many rows bench.orders_big holds (0 when it does not exist).
orders_postgres_rows() {
  psql -h 127.0.0.1 -U postgres -d test -qtAX -c "SELECT COUNT(*) FROM bench.orders_big" 2>/dev/null || echo 0
}
