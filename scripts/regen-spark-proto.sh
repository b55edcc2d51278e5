#!/usr/bin/env bash
# Regenerates vendor/spark-connect-proto/src/spark.connect.rs: builds the registry crate
# apache-spark-connect-proto (its build script runs protoc through tonic-prost-build) in a scratch
# project, then copies the file it generated. Needs `protoc` (Debian's protobuf-compiler); the
# project's own build never does. Usage: scripts/regen-spark-proto.sh [VERSION]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
version="${1:-4.2.0}"
command -v protoc >/dev/null || { echo "protoc is needed (apt-get install protobuf-compiler)" >&2; exit 1; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/src"
cat > "$work/Cargo.toml" <<TOML
[package]
name = "regen"
version = "0.0.0"
edition = "2021"
[dependencies]
apache-spark-connect-proto = "=$version"
TOML
echo > "$work/src/lib.rs"
cargo build --quiet --manifest-path "$work/Cargo.toml" --target-dir "$work/target"
generated=$(echo "$work"/target/debug/build/apache-spark-connect-proto-*/out/spark.connect.rs)
[ -f "$generated" ] || { echo "the build left no spark.connect.rs" >&2; exit 1; }
cp "$generated" vendor/spark-connect-proto/src/spark.connect.rs
sed -i "s/^version = \".*\"/version = \"$version\"/" vendor/spark-connect-proto/Cargo.toml
echo "vendor/spark-connect-proto/src/spark.connect.rs regenerated from $version"
