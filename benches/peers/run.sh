#!/usr/bin/env bash
# Peer benchmark: the seed rules in detsim, DuckDB and Polars on the same generated Parquet and NDJSON
# files; checks the peers' alert rows equal detsim's and prints one table (see peers.py).
#
#   benches/peers/run.sh                     # 40 hosts × 4 h (~265k events, ~1.3 GB NDJSON)
#   PEER_HOSTS=10 PEER_DURATION=1h benches/peers/run.sh   # quick run
#   PEER_REPEAT=5 benches/peers/run.sh       # median of 5 runs per cell (default 3)
#
# Creates a venv under target/peers-venv (pip: duckdb, polars from PyPI), builds detsim (release),
# and generates the dataset into target/peers-data/<hosts>h-<duration>/{ndjson,parquet} (reused when
# present). Runs on every core and on one; run it on a quiet machine.
set -euo pipefail
cd "$(dirname "$0")/../.."

HOSTS="${PEER_HOSTS:-40}"
DURATION="${PEER_DURATION:-4h}"
SEED="${PEER_SEED:-1}"
REPEAT="${PEER_REPEAT:-3}"
VENV="target/peers-venv"
DATA="target/peers-data/${HOSTS}h-${DURATION}-s${SEED}"

if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
fi
"$VENV/bin/python" -c 'import duckdb, polars' 2>/dev/null ||
    "$VENV/bin/pip" install --quiet duckdb polars

cargo build --release --bin detsim
BIN=target/release/detsim

for fmt in ndjson parquet; do
    if [ ! -f "$DATA/$fmt/manifest.json" ]; then
        "$BIN" generate --seed "$SEED" --hosts "$HOSTS" --duration "$DURATION" --format "$fmt" \
            --out "$DATA/$fmt" --no-progress
    fi
done

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "duckdb $("$VENV/bin/python" -c 'import duckdb; print(duckdb.__version__)'), polars $("$VENV/bin/python" -c 'import polars; print(polars.__version__)')"
"$VENV/bin/python" benches/peers/peers.py --detsim "$BIN" --ndjson "$DATA/ndjson" \
    --parquet "$DATA/parquet" --repeat "$REPEAT"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
