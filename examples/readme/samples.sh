#!/usr/bin/env bash
# Runs every command shown in the README and saves what each printed, so the README's samples are
# real output. Usage, from the repository root, after `cargo build --release`:
#
#   bash examples/readme/samples.sh [OUT_DIR]     # default OUT_DIR: /tmp/detsim-readme
#
# It works in OUT_DIR (rules/ and the example rules linked in), so the paths in the output are the
# short ones the README uses. Each command's stdout+stderr goes to OUT_DIR/out/<name>.txt, with the
# command line first and the exit status last.
set -uo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
out="${1:-/tmp/detsim-readme}"
rm -rf "$out"
mkdir -p "$out/out" "$out/bin"
ln -s "$repo/target/release/detsim" "$out/bin/detsim"
ln -s "$repo/rules" "$out/rules"
for f in "$repo"/examples/readme/*.toml "$repo"/examples/readme/*.esql; do ln -s "$f" "$out/"; done
[ -d "$repo/../shared" ] && ln -s "$repo/../shared" "$out/../shared" 2>/dev/null
cd "$out"
export PATH="$out/bin:$PATH"

sample() { # sample NAME COMMAND...
  local name="$1"; shift
  { echo "\$ $*"; bash -c "$*" 2>&1; echo "[exit status $?]"; } > "out/$name.txt"
}

sample parse-rules      'detsim parse rules/'
sample parse-bad        'detsim parse bad-rule.toml'
sample parse-json       'detsim parse --json bad-rule.toml my-rule.toml'
sample parse-sched      'detsim parse sched-rule.toml'
sample check-rules      'detsim check rules/'
sample check-typo       'detsim check typo-rule.toml'
sample check-corpus     'detsim check ../shared/detection-rules | tail -1'
sample generate         'detsim generate --out data/ --hosts 10 --duration 6h --no-progress'
sample generate-bulk    'detsim generate --out bulk/ --hosts 10 --duration 6h --format bulk --no-progress'
sample bulk-head        'head -c 400 bulk/logs-endpoint.events.file-default.bulk'
sample eval             'detsim eval --rule top-parents.esql --data data/'
sample eval-esql        'detsim eval --rule rules/exfiltration_unusual_file_transfer_utility_launched.toml --data data/ --format esql > detsim.json; head -c 600 detsim.json'
sample run              'detsim run'
sample score            'detsim score --rule rules/exfiltration_unusual_file_transfer_utility_launched.toml --data data/'
sample test             'detsim test --rules rules/'
sample tune             'detsim tune --rule rules/exfiltration_unusual_file_transfer_utility_launched.toml --data data/ --out tune.svg'
sample compare-equal    'detsim compare --rule rules/exfiltration_unusual_file_transfer_utility_launched.toml --data data/ --actual detsim.json'
# A stand-in for another engine's answer: detsim's own, rows reversed, one count changed, one row dropped.
python3 - <<'EOF'
import json
body = json.load(open("detsim.json"))
body["took"] = 7
body["is_partial"] = False
rows = body["values"][::-1]
n = [c["name"] for c in body["columns"]].index("Esql.event_count")
rows[0][n] += 1          # Esql.event_count of one group
del rows[-1]             # one group missing
body["values"] = rows
json.dump(body, open("actual.json", "w"))
EOF
sample compare-differ   'detsim compare --rule rules/exfiltration_unusual_file_transfer_utility_launched.toml --data data/ --actual actual.json'
echo "samples in $out/out"
