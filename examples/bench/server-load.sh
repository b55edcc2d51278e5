#!/usr/bin/env bash
# Load drill for `soda server`: CLIENTS concurrent `soda scan` loops send their results to one
# server over HTTPS for SECONDS seconds, then the figures and the exactly-once check.
#
# Each client runs the example checks (two failures with failed-row uploads, a change-over-time
# check that reads history) on the example SQLite file, under its own scan definition and with
# a new -t per scan, so every scan is a distinct store key. A scan counts as acknowledged when
# it printed `Soda Cloud Trace: scan-N` (the server answers the insert only after the store
# committed). At the end: requests/s and p50/p99 latency per request kind from the server's
# access log, and the store checked: one scan per acknowledged insert, the same number of check
# results in each, nothing pending in any outbox.
#
# Usage: examples/bench/server-load.sh [SODA_BIN] [CLIENTS] [SECONDS]
#        (defaults: target/release/soda, 50 clients, 60 s; at most 200 clients and 600 s)
# Everything listens and connects on 127.0.0.1 only.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SODA="$(realpath "${1:-$HERE/../../target/release/soda}")"
CLIENTS="${2:-50}"
SECONDS_="${3:-60}"
(( CLIENTS >= 1 && CLIENTS <= 200 )) || { echo "CLIENTS must be 1..200" >&2; exit 3; }
(( SECONDS_ >= 1 && SECONDS_ <= 600 )) || { echo "SECONDS must be 1..600" >&2; exit 3; }
source "$HERE/server-common.sh"

setup_work "$WORK"
start_server "$WORK"
echo "server on https://127.0.0.1:$PORT; $CLIENTS clients for ${SECONDS_}s ..."

start_clients
wait_clients
stop_server "$WORK"

echo
report_latency "$WORK/server.log" "$SECONDS_"
verify_store "$WORK"
