#!/bin/sh
# Creates the Python venv with Elastic's ANTLR-generated ES|QL parser, used as the oracle of
# scripts/antlr/differential.py. Usage: scripts/antlr/setup.sh [VENV_DIR]
# (default /work/team/venv-antlr; outside the repository on purpose). Reuses an existing venv.
set -eu
VENV="${1:-/work/team/venv-antlr}"
PYTHON="${PYTHON:-python3}"
if [ ! -x "$VENV/bin/python" ]; then
    "$PYTHON" -m venv "$VENV"
fi
# detection-rules-esql-py declares Python >= 3.12 but works on 3.11 (tomllib is all it needs).
EXTRA=""
if ! "$VENV/bin/python" -c 'import sys; sys.exit(sys.version_info < (3, 12))'; then
    EXTRA="--ignore-requires-python"
fi
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
    antlr4-python3-runtime==4.13.2
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check $EXTRA \
    detection-rules-esql-py==0.1.0
"$VENV/bin/python" - <<'PY'
import esql
from esql.grammar_registry import resolve_grammar_key
print(f"ok: detection-rules-esql-py {esql.__version__}, default grammar {resolve_grammar_key(None)}")
PY
