#!/usr/bin/env python3
"""Differential test of detsim's ES|QL parser against Elastic's ANTLR parser.

Takes the corpus queries (detection-rule TOMLs and csv-spec tests under ../shared), derives
seeded mutants from them, and asks both parsers about every text: detsim through one
`detsim parse --json DIR` run, ANTLR through `antlr_oracle` (cached by text hash). Every
disagreement is reported: accepted by one parser only, or rejected by both at different
`line:column`. Exit status: 0 when all agree, 1 on any disagreement, 2 on a harness error.

Run it with the venv made by `setup.sh` (see README.md, "Parser differential testing"):

    /work/team/venv-antlr/bin/python scripts/antlr/differential.py --seed 1 --mutants 3000

A given seed and mutant count always give the same mutants, verdicts and report.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from corpus import load_corpus  # noqa: E402
from detsim_runner import detsim_verdicts  # noqa: E402
from mutate import mutant_rng, mutate  # noqa: E402
from shrink import Shrinker  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TEAM = "/work/team"
KINDS = ("accept-only-detsim", "accept-only-antlr", "position", "detsim-error")


def classify(detsim: dict, antlr: dict) -> str:
    """`agree`, `agree-unpositioned`, `oracle-error`, or one of the disagreement KINDS.

    `agree-unpositioned`: both reject, but ANTLR's lexer failed without a position (mode
    stack underflow, see antlr_oracle), so only the rejection is compared.
    """
    if antlr.get("oracle_error"):
        return "oracle-error"
    if detsim.get("detsim_error"):
        return "detsim-error"
    if detsim["ok"] and antlr["ok"]:
        return "agree"
    if detsim["ok"]:
        return "accept-only-detsim"
    if antlr["ok"]:
        return "accept-only-antlr"
    if antlr.get("unpositioned"):
        return "agree-unpositioned"
    if (detsim["line"], detsim["column"]) == (antlr["line"], antlr["column"]):
        return "agree"
    return "position"


def verdict_text(v: dict) -> str:
    """A one-line rendering of a verdict."""
    if v.get("oracle_error"):
        return f"oracle error: {v['oracle_error']}"
    if v.get("detsim_error"):
        return f"detsim error: {v['detsim_error']}"
    if v["ok"]:
        return "ok"
    msg = (v.get("message") or "").replace("\n", "\\n")
    if len(msg) > 160:
        msg = msg[:157] + "..."
    return f"line {v['line']}:{v['column']}: {msg}"


def short(v: dict) -> dict:
    """A verdict with its message cut to a readable length (ANTLR echoes whole inputs)."""
    out = dict(v)
    if out.get("message") and len(out["message"]) > 300:
        out["message"] = out["message"][:297] + "..."
    return out


def generate_mutants(texts: list[str], rules: list[int], seed: int, count: int) -> list[dict]:
    """`count` distinct mutants (different from every corpus query), deterministic for `seed`.

    `rules` are the indices of the detection-rule queries in `texts`.
    """
    seen = set(texts)
    out: list[dict] = []
    index = 0
    while len(out) < count and index < count * 20:
        rnd = mutant_rng(seed, index)
        # Half the mutants come from detection rules (the real target), half from csv-spec tests.
        if rules and rnd.random() < 0.5:
            source = rnd.choice(rules)
        else:
            source = rnd.randrange(len(texts))
        text, ops = mutate(rnd, texts[source], texts)
        if text not in seen:
            seen.add(text)
            out.append({"seed_index": index, "source": source, "text": text, "mutations": ops})
        index += 1
    return out


def build_detsim(profile: str) -> str:
    """Builds the `detsim` binary with cargo and returns its path."""
    args = ["cargo", "build", "--quiet", "--bin", "detsim"]
    if profile == "release":
        args.insert(2, "--release")
    subprocess.run(args, cwd=REPO, check=True)
    return os.path.join(REPO, "target", profile, "detsim")


def default_dir(name: str) -> str:
    if os.path.isdir(TEAM):
        return os.path.join(TEAM, name)
    return os.path.join(os.path.expanduser("~"), ".cache", "detsim", name)


class Judge:
    """Both parsers over batches of texts."""

    def __init__(self, oracle, binary: str) -> None:
        self.oracle = oracle
        self.binary = binary

    def judge(self, texts: list[str], progress=None, keep_dir=None) -> list[tuple[dict, dict, str]]:
        detsim = detsim_verdicts(self.binary, texts, keep_dir)
        antlr = self.oracle.verdicts(texts, progress)
        return [(d, a, classify(d, a)) for d, a in zip(detsim, antlr)]

    def kinds(self, texts: list[str]) -> list[str]:
        return [k for _, _, k in self.judge(texts)]


def signature(kind: str, detsim: dict, antlr: dict) -> tuple:
    """Groups disagreements that probably share a cause (used to pick which to shrink).

    Kind, the first words of both messages, the start of both offending texts (the part of
    an ANTLR message between the first quotes), and which parser stops first.
    """

    def head(msg):
        words = (msg or "").split("'")[0].split()
        return " ".join(words[:3])

    def offending(msg):
        parts = (msg or "").split("'")
        return parts[1][:6].lower() if len(parts) > 2 else ""

    order = ""
    if kind == "position":
        d = (detsim["line"], detsim["column"])
        a = (antlr["line"], antlr["column"])
        order = "antlr-later" if a > d else "antlr-earlier"
    return (kind, head(detsim.get("message")), head(antlr.get("message")),
            offending(detsim.get("message")), offending(antlr.get("message"))[:1], order)


def message_classes(differences: list[dict]) -> list[dict]:
    """Groups same-position rejections whose messages differ by the first words of both
    messages; each class with its count and its shortest query as the example."""
    classes: dict[tuple, dict] = {}

    def head(msg):
        return " ".join((msg or "").split("'")[0].split()[:3])

    for item in differences:
        key = (head(item["detsim"].get("message")), head(item["antlr"].get("message")))
        entry = classes.setdefault(key, {"detsim_head": key[0], "antlr_head": key[1], "count": 0})
        entry["count"] += 1
        if "example" not in entry or len(item["query"]) < len(entry["example"]):
            entry["example"] = item["query"]
            entry["example_detsim"] = item["detsim"].get("message")
            entry["example_antlr"] = item["antlr"].get("message")
    return sorted(classes.values(), key=lambda e: (-e["count"], e["detsim_head"], e["antlr_head"]))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seed", type=int, default=1, help="mutation seed (default 1)")
    ap.add_argument("--mutants", type=int, default=3000, help="number of distinct mutants (default 3000)")
    ap.add_argument("--shared", default=os.path.join(os.path.dirname(REPO), "shared"), help="the shared folder")
    ap.add_argument("--detsim", help="detsim binary (default: cargo build --release, target/release/detsim)")
    ap.add_argument("--profile", default="release", choices=["release", "debug"], help="cargo profile to build")
    ap.add_argument("--jobs", type=int, default=2, help="ANTLR worker processes (default 2)")
    ap.add_argument("--cache-dir", default=default_dir("antlr-cache"), help="ANTLR verdict cache folder")
    ap.add_argument("--no-cache", action="store_true", help="do not read or write the verdict cache")
    ap.add_argument("--prediction-mode", default="sll", choices=["sll", "ll"], help="ANTLR prediction mode (ES: SLL)")
    ap.add_argument("--report", help="JSON report path (default: <team>/antlr-diff/report-<seed>-<mutants>.json)")
    ap.add_argument("--shrink", type=int, default=20, help="shrink up to N disagreements, one per signature (default 20)")
    ap.add_argument("--no-originals", action="store_true", help="check mutants only, not the corpus queries")
    ap.add_argument("--keep-dir", help="copy the folder of mutant .esql files here")
    ap.add_argument("--query", action="append", help="just compare the two parsers on this text (repeatable)")
    ap.add_argument("--quiet", action="store_true", help="no progress on stderr")
    args = ap.parse_args(argv)

    try:
        import antlr_oracle
    except ImportError as err:  # pragma: no cover - environment problem
        print(f"error: {err}; run scripts/antlr/setup.sh and use its venv's python", file=sys.stderr)
        return 2
    try:
        import esql  # noqa: F401
    except ImportError:
        print("error: the `esql` package (detection-rules-esql-py) is not installed; "
              "run scripts/antlr/setup.sh and use /work/team/venv-antlr/bin/python", file=sys.stderr)
        return 2

    binary = args.detsim or build_detsim(args.profile)
    oracle = antlr_oracle.AntlrOracle(args.jobs, None if args.no_cache else args.cache_dir, args.prediction_mode)
    judge = Judge(oracle, binary)
    try:
        if args.query:
            return _compare_queries(judge, args.query)
        return _run(args, judge, oracle, binary)
    finally:
        oracle.close()


def _compare_queries(judge: Judge, queries: list[str]) -> int:
    status = 0
    for text, (d, a, kind) in zip(queries, judge.judge(queries)):
        print(f"query:  {text!r}\n  detsim: {verdict_text(d)}\n  antlr:  {verdict_text(a)}\n  -> {kind}")
        status |= kind != "agree"
    return status


def _run(args, judge: Judge, oracle, binary: str) -> int:
    started = time.time()
    if not os.path.isdir(args.shared):
        print(f"error: shared folder not found: {args.shared}", file=sys.stderr)
        return 2
    corpus = load_corpus(args.shared)
    for note in corpus.skipped:
        print(f"notice: skipped {note}", file=sys.stderr)
    texts = [q.text for q in corpus.queries]
    origins = [q.origin for q in corpus.queries]
    rules = [i for i, o in enumerate(origins) if o.startswith("detection-rules/")]
    mutants = generate_mutants(texts, rules, args.seed, args.mutants)
    if len(mutants) < args.mutants:
        print(f"notice: only {len(mutants)} distinct mutants found", file=sys.stderr)

    cases = []
    if not args.no_originals:
        cases += [{"group": "corpus", "source": i, "text": t, "mutations": []} for i, t in enumerate(texts)]
    cases += [dict(m, group="mutant") for m in mutants]

    def progress(done, total):
        if not args.quiet and (done % 1000 < 8 or done == total):
            print(f"  antlr: {done}/{total} new verdicts ({time.time() - started:.0f} s)", file=sys.stderr)

    results = judge.judge([c["text"] for c in cases], progress, args.keep_dir)

    counts = {g: {"cases": 0, "agree": 0, "agree-unpositioned": 0, "oracle-error": 0,
                "rejected-same-position": 0, "same-message": 0, **{k: 0 for k in KINDS}} for g in ("corpus", "mutant")}
    disagreements = []
    message_differences = []
    for case, (d, a, kind) in zip(cases, results):
        c = counts[case["group"]]
        c["cases"] += 1
        c[kind] += 1
        if kind == "agree-unpositioned":
            c["agree"] += 1
        if kind == "agree" and not d["ok"]:
            c["rejected-same-position"] += 1
            c["same-message"] += d.get("message") == a.get("message")
            if d.get("message") != a.get("message"):
                message_differences.append({"group": case["group"], "query": case["text"],
                                            "detsim": short(d), "antlr": short(a)})
        if kind in KINDS:
            disagreements.append({
                "group": case["group"],
                "kind": kind,
                "origin": origins[case["source"]],
                "seed_index": case.get("seed_index"),
                "mutations": case["mutations"],
                "original": texts[case["source"]],
                "mutant": case["text"],
                "detsim": short(d),
                "antlr": short(a),
            })

    # Shrink one disagreement per signature, up to --shrink of them.
    shrunk = []
    picked = {}
    for item in disagreements:
        sig = signature(item["kind"], item["detsim"], item["antlr"])
        if sig not in picked and len(picked) < args.shrink:
            picked[sig] = item
    for n, (sig, item) in enumerate(picked.items(), 1):
        if not args.quiet:
            print(f"  shrinking {n}/{len(picked)}: {item['kind']}", file=sys.stderr)
        small = Shrinker(judge.kinds).shrink(item["mutant"], item["kind"])
        d, a, kind = judge.judge([small])[0]
        item["shrunk"] = small
        shrunk.append({"kind": kind, "query": small, "detsim": short(d), "antlr": short(a),
                       "from_origin": item["origin"], "from_seed_index": item["seed_index"]})

    total = {k: counts["corpus"][k] + counts["mutant"][k] for k in counts["corpus"]}
    report = {
        "seed": args.seed,
        "mutants": len(mutants),
        "originals_checked": not args.no_originals,
        "oracle": oracle.info,
        "counts": counts,
        "shrunk": shrunk,
        "disagreements": disagreements,
        "message_classes": message_classes(message_differences),
        "message_differences": message_differences,
    }
    report_path = args.report or os.path.join(default_dir("antlr-diff"), f"report-{args.seed}-{args.mutants}.json")
    os.makedirs(os.path.dirname(os.path.abspath(report_path)), exist_ok=True)
    with open(report_path, "w", encoding="utf-8") as handle:
        json.dump(report, handle, indent=1, ensure_ascii=False, sort_keys=True)
        handle.write("\n")

    for group, label in (("corpus", "corpus queries"), ("mutant", "mutants")):
        c = counts[group]
        if c["cases"]:
            print(_summary(c, label))
    if not args.no_originals:
        print(_summary(total, "cases in total"))
    for item in shrunk:
        print(f"shrunk [{item['kind']}] {item['query']!r}\n  detsim: {verdict_text(item['detsim'])}\n"
              f"  antlr:  {verdict_text(item['antlr'])}")
    classes = report["message_classes"]
    if classes:
        print(f"message differences (same position), {len(classes)} classes:")
    for item in classes[:15]:
        print(f"  {item['count']:5}x {item['detsim_head']!r} vs {item['antlr_head']!r}, e.g. {item['example']!r}\n"
              f"         detsim: {item['example_detsim']}\n         antlr:  {item['example_antlr']}")
    print(f"oracle: {oracle.info['package']}, grammar {oracle.info['grammar']} "
          f"(elasticsearch {oracle.info['elasticsearch_ref']}@{oracle.info['elasticsearch_sha']}), "
          f"{oracle.info['prediction_mode']}; {oracle.computed} verdicts computed, {oracle.hits} from cache")
    print(f"detsim: {binary}")
    print(f"report: {report_path}  ({time.time() - started:.0f} s)")
    return 1 if disagreements else 0


def _summary(c: dict, label: str) -> str:
    disagree = sum(c[k] for k in KINDS)
    line = (f"{c['cases']} {label}, {c['agree']} agree, {disagree} disagree "
            f"({c['accept-only-detsim']} accept-only-detsim, {c['accept-only-antlr']} accept-only-antlr, "
            f"{c['position']} position")
    if c["detsim-error"]:
        line += f", {c['detsim-error']} detsim-error"
    line += ")"
    if c["rejected-same-position"]:
        line += (f"; messages equal in {c['same-message']} of {c['rejected-same-position']} "
                 "same-position rejections")
    if c["agree-unpositioned"]:
        line += f"; {c['agree-unpositioned']} of the agreements are rejections ANTLR gives no position for"
    if c["oracle-error"]:
        line += f"; {c['oracle-error']} oracle errors (not compared)"
    return line


if __name__ == "__main__":
    sys.exit(main())
