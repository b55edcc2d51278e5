# Shared by server-load.sh and server-kill-drill.sh (sourced, not run): a work folder with a
# test CA and certificate, the example data and checks, a key; the server started and stopped;
# the client loops; the figures and the store check. Expects SODA, CLIENTS and SECONDS_ set;
# makes WORK and removes it (and stops the server) however the script ends.

WORK="$(mktemp -d)"
SERVER_PID=""
cleanup() {
  [[ -n "$SERVER_PID" ]] && kill "$SERVER_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

# Makes the CA, the server certificate, the example data, the checks and one API key.
setup_work() {
  local w="$1"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
    -subj "/CN=soda load CA" -keyout "$w/ca.key" -out "$w/ca.pem" 2>/dev/null
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=localhost" \
    -keyout "$w/server.key" -out "$w/server.csr" 2>/dev/null
  printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' > "$w/ext"
  openssl x509 -req -in "$w/server.csr" -CA "$w/ca.pem" -CAkey "$w/ca.key" -CAcreateserial \
    -days 2 -extfile "$w/ext" -out "$w/server.pem" 2>/dev/null
  cp "$HERE/../adventureworks.db" "$w/"
  cp "$HERE/../tables/customers.yml" "$w/checks.yml"
  printf '  - change for row_count = 0\n' >> "$w/checks.yml"
  "$SODA" server keys create load --store "$w/store.sqlite" > "$w/key.txt"
  KEY_ID=$(awk '/^api_key_id:/{print $2}' "$w/key.txt")
  KEY_SECRET=$(awk '/^api_key_secret:/{print $2}' "$w/key.txt")
}

# Starts the server on a free loopback port (sets SERVER_PID and PORT); the log is appended.
start_server() {
  local w="$1"
  local before
  before=$(grep -c 'listening on' "$w/server.log" 2>/dev/null || true)
  "$SODA" server --store "$w/store.sqlite" --listen 127.0.0.1:"${PORT:-0}" \
    --tls-cert "$w/server.pem" --tls-key "$w/server.key" 2>> "$w/server.log" &
  SERVER_PID=$!
  for _ in $(seq 1 300); do
    if [[ $(grep -c 'listening on' "$w/server.log" 2>/dev/null || true) -gt ${before:-0} ]]; then
      PORT=$(grep -o 'listening on https://127.0.0.1:[0-9]*' "$w/server.log" | tail -1 | sed 's/.*://')
      return 0
    fi
    sleep 0.1
  done
  echo "the server did not start" >&2
  exit 3
}

# SIGTERM, and waits for the server to finish its requests in flight.
stop_server() {
  kill -TERM "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
}

# The configuration of client $2: the example data, the server, its own outbox.
client_config() {
  local w="$1" c="$2"
  mkdir -p "$w/c$c"
  cat > "$w/c$c/configuration.yml" <<YML
data_source adventureworks:
  type: sqlite
  path: $w/adventureworks.db
soda_cloud:
  host: localhost
  port: $PORT
  api_key_id: $KEY_ID
  api_key_secret: $KEY_SECRET
  connect_timeout: 5
  request_timeout: 60
  retries: 2
  retry_backoff: 0.2
  outbox: $w/c$c/outbox
YML
}

# Client $2 scans until the epoch second $3: one line per scan in c$2/scans (its -t, and
# `ack` when the server acknowledged the insert, else `kept`).
client_loop() {
  local w="$1" c="$2" end="$3" n=0
  client_config "$w" "$c"
  while (( $(date +%s) < end )) && (( n < 100000 )); do
    n=$((n + 1))
    local t
    t=$(date -u -d "@$(( 1704067200 + n * 3600 ))" +%Y-%m-%dT%H:%M:%SZ)
    local out
    out=$(SSL_CERT_FILE="$w/ca.pem" "$SODA" scan -d adventureworks -c "$w/c$c/configuration.yml" \
      -s "load client $c" -t "$t" "$w/checks.yml" 2>&1 || true)
    if grep -q 'Soda Cloud Trace: scan-' <<< "$out"; then
      echo "$t ack" >> "$w/c$c/scans"
    else
      echo "$t kept" >> "$w/c$c/scans"
    fi
  done
}

# Starts CLIENTS client loops in the background, each scanning until SECONDS_ have passed.
start_clients() {
  END=$(( $(date +%s) + SECONDS_ ))
  local c
  for c in $(seq 1 "$CLIENTS"); do
    client_loop "$WORK" "$c" "$END" &
  done
}

wait_clients() {
  local pid
  for pid in $(jobs -p); do
    [[ "$pid" == "$SERVER_PID" ]] && continue
    wait "$pid" || true
  done
}

# Requests/s and p50/p99 latency, overall and per request kind, from the access log.
report_latency() {
  local log="$1" seconds="$2" lat="$WORK/latency.txt"
  grep -E ' (POST|GET) /[^ ]* [^ ]+ [0-9]{3} [0-9.]+ms ' "$log" \
    | awk '{ ms = $6; sub(/ms$/, "", ms); print $4, ms }' > "$lat" || true
  local n
  n=$(wc -l < "$lat")
  printf 'requests: %d in %ds = %.1f requests/s; latency p50 %s ms, p99 %s ms\n' \
    "$n" "$seconds" "$(echo "$n / $seconds" | bc -l)" "$(percentile 0.50 < "$lat")" "$(percentile 0.99 < "$lat")"
  local kind
  for kind in $(awk '{ print $1 }' "$lat" | sort -u); do
    printf '  %-28s %7d  p50 %8s ms  p99 %8s ms\n' "$kind" "$(grep -c "^$kind " "$lat")" \
      "$(grep "^$kind " "$lat" | percentile 0.50)" "$(grep "^$kind " "$lat" | percentile 0.99)"
  done
}

# The P-th percentile (nearest rank) of the second column of stdin.
percentile() {
  awk '{ print $2 }' | sort -n | awk -v p="$1" '{ a[NR] = $1 } END { i = int(p * NR + 0.999999); if (i < 1) i = 1; print (NR ? a[i] : "-") }'
}

# Delivers what waits in the clients' outboxes, then checks the store: one scan per scan the
# clients ran, each acknowledged insert among them, each key exactly once.
verify_store() {
  local w="$1" c
  for c in $(seq 1 "$CLIENTS"); do
    if compgen -G "$w/c$c/outbox/*.json" > /dev/null; then
      SSL_CERT_FILE="$w/ca.pem" "$SODA" outbox send -c "$w/c$c/configuration.yml" > /dev/null 2>&1 || true
    fi
  done
  local ran acked kept pending stored keys
  ran=$(cat "$w"/c*/scans 2>/dev/null | wc -l)
  acked=$(cat "$w"/c*/scans 2>/dev/null | grep -c ' ack$' || true)
  kept=$(( ran - acked ))
  pending=$(find "$w" -path '*/outbox/*.json' | wc -l)
  stored=$(sqlite3 "$w/store.sqlite" "SELECT COUNT(*) FROM soda_scans WHERE definition LIKE 'load client %'")
  keys=$(sqlite3 "$w/store.sqlite" "SELECT COUNT(DISTINCT definition || '|' || data_timestamp) FROM soda_scans WHERE definition LIKE 'load client %'")
  local missing
  missing=0
  for c in $(seq 1 "$CLIENTS"); do
    while read -r t _; do
      local stamp
      stamp=$(date -u -d "$t" +%Y-%m-%dT%H:%M:%S+00:00)
      local found
      found=$(sqlite3 "$w/store.sqlite" "SELECT COUNT(*) FROM soda_scans WHERE definition = 'load client $c' AND data_timestamp = '$stamp'")
      [[ "$found" == 1 ]] || missing=$((missing + 1))
    done < <(grep ' ack$' "$w/c$c/scans" 2>/dev/null || true)
  done
  echo "scans run: $ran; acknowledged at once: $acked; kept in outboxes and delivered later: $kept; still pending: $pending"
  echo "store: $stored scans, $keys distinct keys; acknowledged scans missing: $missing"
  if (( stored == ran && keys == stored && missing == 0 && pending == 0 )); then
    echo "OK: every scan stored exactly once"
  else
    echo "FAILED: the store does not hold every scan exactly once" >&2
    exit 1
  fi
}
