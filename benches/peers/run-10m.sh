#!/usr/bin/env bash
# The issue-5 scale runs: >= 10M events per seed rule in Parquet, NDJSON at the largest size the
# disk allows, detsim vs DuckDB and Polars (peers.py: alert rows checked, one table).
#
#   benches/peers/run-10m.sh                 # data under $PEER_DATA (default target/peers-10m)
#   PEER_KINDS=parquet PEER_REPEAT=1 benches/peers/run-10m.sh
#
# Datasets (generated once, reused):
#   default/parquet  seed 1, 210 hosts × 32 h, default fleet: 11,183,282 process events (1.8 GB)
#   fh/parquet       seed 1, 100 hosts × 26 h, file-heavy.toml: 12,256,552 file events (1.36 GB);
#                    its process file is deleted (not needed, 1.4 GB)
#   default/ndjson   seed 1, 40 hosts × 16 h: 1,069,158 process events (5.49 GB); 10M would be ~51 GB
#   fh/ndjson        seed 1, 5 hosts × 24 h, file-heavy.toml: 447,029 file events (1.05 GB);
#                    its process file is deleted
set -euo pipefail
cd "$(dirname "$0")/../.."
DATA="${PEER_DATA:-target/peers-10m}"
REPEAT="${PEER_REPEAT:-1}"
KINDS="${PEER_KINDS:-parquet,ndjson}"
VENV="target/peers-venv"
PROFILE=benches/peers/file-heavy.toml

if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
fi
"$VENV/bin/python" -c 'import duckdb, polars' 2>/dev/null ||
    "$VENV/bin/pip" install --quiet duckdb polars
cargo build --release --bin detsim
BIN=target/release/detsim

gen() { # out, then generate flags
    local out="$1"; shift
    [ -f "$DATA/$out/manifest.json" ] || "$BIN" generate --seed 1 "$@" --out "$DATA/$out" --no-progress
}
gen default/parquet --hosts 210 --duration 32h --format parquet
gen fh/parquet --hosts 100 --duration 26h --profile "$PROFILE" --format parquet
rm -f "$DATA/fh/parquet/logs-endpoint.events.process-default.parquet"
gen default/ndjson --hosts 40 --duration 16h --format ndjson
gen fh/ndjson --hosts 5 --duration 24h --profile "$PROFILE" --format ndjson
rm -f "$DATA/fh/ndjson/logs-endpoint.events.process-default.ndjson"

echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
"$VENV/bin/python" benches/peers/peers.py --detsim "$BIN" \
    --parquet "$DATA/default/parquet" --ndjson "$DATA/default/ndjson" \
    --ws-parquet "$DATA/fh/parquet" --ws-ndjson "$DATA/fh/ndjson" \
    --kinds "$KINDS" --repeat "$REPEAT"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
