#!/usr/bin/env bash
# Benchmark: big and hostile inputs, time and peak memory (issue 8). Against the example SQLite
# database, with the release binary:
#
# 1. checks files of 10,000, 20,000 and 40,000 checks (1x, 2x, 4x), with and without -srf:
#    time and peak RSS grow linearly with the file.
# 2. one check whose `valid values` is a single-line flow list of 0.25, 0.5 and 1 MB.
# 3. checks spread over 5,000, 10,000 and 20,000 sections (datasets; their tables do not
#    exist, so every query fails fast), 10,000 to 40,000 `filter` declarations, as many
#    `configurations for` columns (each with its check) and dataset attributes.
# 4. a 10 MB checks file of 250,000 checks: refused at once (4 MiB file size limit); the same
#    checks split in files of 2.5 MB: refused at check 50,001 (the checks limit), before any
#    query runs.
# 5. an alias bomb (10^9 nodes if expanded): refused at the alias that crosses 100,000 nodes.
#
# Target: each under 10 s and 300 MB. Usage: examples/bench/big-input.sh [SODA_BIN]
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SODA="$(cd "$(dirname "${1:-$HERE/../../target/release/soda}")" && pwd)/$(basename "${1:-soda}")"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
cp "$HERE/../adventureworks.db" "$WORK/"
cd "$WORK"
cat > configuration.yml <<YML
data_source aw:
  type: sqlite
  path: adventureworks.db
YML

checks() { # checks N FILE [START]: N missing-count checks (40 bytes each)
  awk -v n="$1" -v s="${3:-0}" 'BEGIN { print "checks for orders:"; for (i = s; i < s + n; i++) printf "  - missing_count(customer_id) < %06d\n", i }' > "$2"
}
flow() { # flow BYTES FILE: one check, its valid values one flow list of BYTES bytes
  awk -v b="$1" 'BEGIN { printf "checks for orders:\n  - invalid_count(status) = 0:\n      valid values: ["; n = 0; for (i = 0; n < b; i++) { v = sprintf("v%06d", i); printf "%s%s", (i ? ", " : ""), v; n += length(v) + 2 } print "]" }' > "$2"
}
run() { # run LABEL ARGS...: prints wall time, peak RSS, exit code and the last error line
  local label="$1"; shift
  local code=0
  /usr/bin/time -f "%e %M" -o time.txt "$SODA" scan -d aw -c configuration.yml "$@" > out.txt 2>&1 || code=$?
  read -r secs kb < <(tail -1 time.txt)
  local note
  note=$(grep -E "refused|limit" out.txt | head -1 | sed 's/^\[[0-9:]*\] //' | cut -c1-110 || true)
  printf "%-44s %6.2f s %7.1f MB  exit %d  %s\n" "$label" "$secs" "$(echo "$kb / 1024" | bc -l)" "$code" "$note"
}

echo "== checks files (linear growth: 1x, 2x, 4x)"
for n in 10000 20000 40000; do
  checks "$n" "checks$n.yml"
  run "$n checks ($(($(wc -c < "checks$n.yml") / 1024)) KB)" "checks$n.yml"
  run "$n checks, -srf" "checks$n.yml" -srf results.json
done

echo "== one single-line flow list (linear growth: 1x, 2x, 4x)"
for b in 250000 500000 1000000; do
  flow "$b" "flow$b.yml"
  run "valid values list of $((b / 1000)) KB" "flow$b.yml"
  run "valid values list of $((b / 1000)) KB, -srf" "flow$b.yml" -srf results.json
done

echo "== many sections, filters, configured columns, attributes (linear growth: 1x, 2x, 4x)"
for n in 5000 10000 20000; do
  awk -v n="$n" 'BEGIN { for (i = 0; i < n; i++) printf "checks for t%d:\n  - row_count > 0\n", i }' > "sections$n.yml"
  run "$n sections of one check" "sections$n.yml"
done
for n in 10000 20000 40000; do
  awk -v n="$n" 'BEGIN { for (i = 0; i < n; i++) printf "filter orders [p%d]:\n  where: quantity > %d\n", i, i; print "checks for orders [p0]:\n  - row_count > 0" }' > "filters$n.yml"
  run "$n filters" "filters$n.yml"
done
for n in 10000 20000 40000; do
  awk -v n="$n" 'BEGIN { print "configurations for orders:"; for (i = 0; i < n; i++) printf "  missing values for c%d: [x]\n", i; print "checks for orders:"; for (i = 0; i < n; i++) printf "  - missing_count(c%d) = 0\n", i }' > "columns$n.yml"
  run "$n configured columns, a check each" "columns$n.yml"
  awk -v n="$n" 'BEGIN { print "checks for orders:\n  - attributes:"; for (i = 0; i < n; i++) printf "      k%d: v%d\n", i, i; print "  - row_count > 0:\n      attributes:"; for (i = 0; i < n; i++) printf "        k%d: w%d\n", i, i }' > "attributes$n.yml"
  run "$n attributes, section and check" "attributes$n.yml"
done

echo "== limits"
checks 250000 big.yml
run "250,000 checks in one 10 MB file" big.yml
mkdir -p split
for p in 0 1 2 3; do checks 62500 "split/part$p.yml" $((p * 62500)); done
run "250,000 checks in four 2.5 MB files" split
{
  echo "a: &a [x, x, x, x, x, x, x, x, x, x]"
  prev=a
  for name in b c d e f g h i; do
    echo "$name: &$name [$(printf "*$prev, %.0s" 1 2 3 4 5 6 7 8 9)*$prev]"
    prev=$name
  done
} > bomb.yml
run "alias bomb (10^9 nodes)" bomb.yml
