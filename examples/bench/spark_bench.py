"""Helper of spark-bench.sh: loads the benchmark table, and replays a scan's statements.

`load ROWS` creates soda_bench.events (parquet) from range(ROWS).
`replay RESULTS.json RUNS` runs the statements listed in a soda results file through pyspark's
Spark Connect client, 4 at a time (as soda does), RUNS times, and prints each run's seconds.
"""
import json
import sys
import time
from concurrent.futures import ThreadPoolExecutor

from pyspark.sql import SparkSession

URL = "sc://127.0.0.1:15002"


def load(rows):
    spark = SparkSession.builder.remote(URL).getOrCreate()
    spark.sql("CREATE DATABASE IF NOT EXISTS soda_bench")
    spark.sql("DROP TABLE IF EXISTS soda_bench.events")
    spark.sql(f"""
        CREATE TABLE soda_bench.events USING parquet AS
        SELECT id,
               id % 100000 AS customer_id,
               CAST(((id * 37) % 100000) / 100.0 AS DECIMAL(10, 2)) AS amount,
               CAST(1 + id % 9 AS INT) AS quantity,
               CASE WHEN id % 50 = 0 THEN NULL ELSE concat('user', id % 1000, '@example.com') END AS email,
               element_at(array('shipped', 'pending', 'cancelled', 'returned'), CAST(id % 4 + 1 AS INT)) AS status,
               TIMESTAMP_NTZ '2024-01-01 00:00:00' + make_interval(0, 0, 0, 0, 0, CAST(id % 100000 AS INT), 0) AS ordered_at
        FROM range({rows})
    """)
    print(spark.sql("SELECT COUNT(*) FROM soda_bench.events").collect()[0][0], "rows")


def replay(results_file, runs):
    statements = [q["sql"] for q in json.load(open(results_file))["queries"] if q.get("sql")]
    spark = SparkSession.builder.remote(URL).getOrCreate()
    spark.sql("USE soda_bench")
    sessions = [spark] + [SparkSession.builder.remote(URL).create() for _ in range(3)]
    for s in sessions[1:]:
        s.sql("USE soda_bench")

    def run(i_sql):
        i, sql = i_sql
        return sessions[i % 4].sql(sql).collect()

    for _ in range(runs):
        start = time.monotonic()
        with ThreadPoolExecutor(max_workers=4) as pool:
            list(pool.map(run, enumerate(statements)))
        print(f"{time.monotonic() - start:.3f}")
    print(f"{len(statements)} statements", file=sys.stderr)


if __name__ == "__main__":
    if sys.argv[1] == "load":
        load(int(sys.argv[2]))
    else:
        replay(sys.argv[2], int(sys.argv[3]))
