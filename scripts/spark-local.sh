#!/usr/bin/env bash
# A local Spark cluster with a Spark Connect endpoint, for trying `type: spark` and for the
# Spark tests: a driver and two executor JVMs (`local-cluster[2,1,1024]`), answering on
# 127.0.0.1:15002. Spark comes from PyPI (pyspark ships every jar, the Connect server
# included) and runs on the machine's Java 17.
#
#   scripts/spark-local.sh install   # pyspark into $SODA_SPARK_VENV (about 460 MB, once)
#   scripts/spark-local.sh start     # starts the cluster (installing first if needed), waits for the port
#   scripts/spark-local.sh stop
#   scripts/spark-local.sh status    # exit 0 when the endpoint answers
set -euo pipefail

VENV="${SODA_SPARK_VENV:-$HOME/.cache/soda-rs/spark-venv}"
PYSPARK_VERSION="4.3.0"
PORT="${SODA_SPARK_PORT:-15002}"
export SPARK_LOCAL_IP=127.0.0.1
export SPARK_LOG_DIR="${SPARK_LOG_DIR:-$HOME/.cache/soda-rs/spark-logs}"
export SPARK_PID_DIR="${SPARK_PID_DIR:-$HOME/.cache/soda-rs/spark-pids}"
WAREHOUSE="$HOME/.cache/soda-rs/spark-warehouse"

log() { echo "[spark] $*"; }

# A glob rather than `ls | head`: under pipefail a pipe can fail on SIGPIPE or a missing venv.
spark_home() {
  local home
  for home in "$VENV"/lib/python3*/site-packages/pyspark; do
    if [ -x "$home/sbin/start-connect-server.sh" ]; then echo "$home"; return 0; fi
  done
  return 1
}

answers() { (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; }

install() {
  if [ -n "$(spark_home)" ]; then return 0; fi
  log "installing pyspark==$PYSPARK_VERSION into $VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/python" -m pip install -q "pyspark==$PYSPARK_VERSION"
}

start() {
  if answers; then log "already answering on 127.0.0.1:$PORT"; return 0; fi
  install
  local home; home=$(spark_home)
  command -v java >/dev/null || { log "java is required (OpenJDK 17)"; exit 1; }
  mkdir -p "$SPARK_LOG_DIR" "$SPARK_PID_DIR"
  # The catalogue lives in the driver's memory, so the tables of an earlier cluster are gone
  # while their files would stop new tables of the same names: start from an empty warehouse.
  rm -rf "$WAREHOUSE"
  log "starting a local-cluster[2,1,1024] with Spark Connect on 127.0.0.1:$PORT"
  SPARK_HOME="$home" "$home/sbin/start-connect-server.sh" \
    --master 'local-cluster[2,1,1024]' \
    --conf spark.connect.grpc.binding.address=127.0.0.1 \
    --conf "spark.connect.grpc.binding.port=$PORT" \
    --conf spark.sql.warehouse.dir="$WAREHOUSE" \
    --conf spark.ui.enabled=false \
    --driver-memory 1g >/dev/null
  for _ in $(seq 1 120); do
    if answers; then log "up on 127.0.0.1:$PORT"; return 0; fi
    sleep 1
  done
  log "did not answer within 120 s; logs in $SPARK_LOG_DIR"
  tail -n 30 "$SPARK_LOG_DIR"/*.out || true
  exit 1
}

stop() {
  local home; home=$(spark_home) || true
  if [ -n "$home" ]; then SPARK_HOME="$home" "$home/sbin/stop-connect-server.sh" >/dev/null || true; fi
  # The driver closes its port only as it exits: wait, so that a `start` right after does not
  # find the old one still answering.
  for _ in $(seq 1 60); do
    answers || { log "stopped"; return 0; }
    sleep 0.5
  done
  log "still answering on 127.0.0.1:$PORT after 30 s"
}

case "${1:-}" in
  install) install ;;
  start) start ;;
  stop) stop ;;
  status) answers ;;
  *) echo "usage: $0 install|start|stop|status" >&2; exit 2 ;;
esac
