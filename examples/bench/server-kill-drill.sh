#!/usr/bin/env bash
# Kill drill for `soda server`: CLIENTS concurrent `soda scan` loops send results for SECONDS
# seconds; halfway through the server is killed with SIGKILL (no shutdown at all), stays down
# for DOWN seconds and is restarted on the same port and store.
#
# What must hold afterwards: every insert the server acknowledged before the kill is in the
# store (an insert is answered only after its transaction committed), scans that could not
# reach the server waited in their clients' outboxes and were delivered by the clients' next
# scans (or `soda outbox send`), and no scan is stored twice: the store holds exactly one scan
# per scan the clients ran.
#
# Usage: examples/bench/server-kill-drill.sh [SODA_BIN] [CLIENTS] [SECONDS] [DOWN]
#        (defaults: target/release/soda, 50 clients, 60 s, 5 s down)
# Everything listens and connects on 127.0.0.1 only.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SODA="$(realpath "${1:-$HERE/../../target/release/soda}")"
CLIENTS="${2:-50}"
SECONDS_="${3:-60}"
DOWN="${4:-5}"
(( CLIENTS >= 1 && CLIENTS <= 200 )) || { echo "CLIENTS must be 1..200" >&2; exit 3; }
(( SECONDS_ >= 4 && SECONDS_ <= 600 )) || { echo "SECONDS must be 4..600" >&2; exit 3; }
(( DOWN >= 0 && DOWN <= 60 )) || { echo "DOWN must be 0..60" >&2; exit 3; }
source "$HERE/server-common.sh"

setup_work "$WORK"
start_server "$WORK"
echo "server on https://127.0.0.1:$PORT; $CLIENTS clients for ${SECONDS_}s, SIGKILL at $((SECONDS_ / 2))s, down ${DOWN}s ..."

start_clients

sleep $(( SECONDS_ / 2 ))
acked_before=$(cat "$WORK"/c*/scans 2>/dev/null | grep ' ack$' > "$WORK/acked-before-kill" ; wc -l < "$WORK/acked-before-kill")
kill -KILL "$SERVER_PID"
wait "$SERVER_PID" 2>/dev/null || true
echo "killed the server (SIGKILL) after $acked_before acknowledged scans"
sleep "$DOWN"
start_server "$WORK"
echo "restarted on the same port and store"

wait_clients
stop_server "$WORK"

echo
report_latency "$WORK/server.log" "$SECONDS_"
verify_store "$WORK"
