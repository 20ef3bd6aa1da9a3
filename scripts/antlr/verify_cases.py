#!/usr/bin/env python3
"""Checks recorded parser expectations against the ANTLR oracle.

Reads tab-separated case files whose first two columns are a query (escapes `\\n \\r \\t \\\\`)
and a recorded verdict: `OK`, `UNBALANCED` (lexer mode stack underflow), or `line:column`
optionally followed by a space and the message. Lines starting with `# ` are comments. For
every case the oracle's verdict (see antlr_oracle.py: Java token-stream semantics, ES's
message rewrite) is compared with the recorded one: a different acceptance or position is a
`POSITION` difference, a different message only a `message` difference.

    /work/team/venv-antlr/bin/python scripts/antlr/verify_cases.py esql/tests/parse_antlr_regressions.tsv

Exit status 1 when a position differs (messages alone do not fail unless --messages).
"""

from __future__ import annotations

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import antlr_oracle  # noqa: E402
from differential import default_dir  # noqa: E402


def unescape(s: str) -> str:
    """Undoes the `\\n \\r \\t \\\\` escapes of the case files."""
    out = []
    chars = iter(s)
    for c in chars:
        if c != "\\":
            out.append(c)
            continue
        n = next(chars, None)
        out.append({"n": "\n", "r": "\r", "t": "\t"}.get(n, n if n is not None else "\\"))
    return "".join(out)


def rendered(v: dict, with_message: bool) -> str:
    if v["ok"]:
        return "OK"
    if v.get("unpositioned"):
        return "UNBALANCED"
    text = f"{v['line']}:{v['column']}"
    return f"{text} {v['message']}" if with_message else text


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("files", nargs="+")
    ap.add_argument("--messages", action="store_true", help="fail on message differences too")
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args()
    cases = []
    for path in args.files:
        with open(path, encoding="utf-8") as handle:
            for number, line in enumerate(handle.read().split("\n"), 1):
                if not line or line.startswith("# "):
                    continue
                cols = line.split("\t")
                if len(cols) < 2:
                    print(f"{path}:{number}: not a case line", file=sys.stderr)
                    return 2
                cases.append((f"{path}:{number}", unescape(cols[0]), unescape(cols[1])))
    oracle = antlr_oracle.AntlrOracle(args.jobs, default_dir("antlr-cache"))
    try:
        verdicts = oracle.verdicts([q for _, q, _ in cases])
    finally:
        oracle.close()
    positions = messages = 0
    for (where, query, recorded), verdict in zip(cases, verdicts):
        with_message = " " in recorded
        got = rendered(verdict, with_message)
        if got == recorded:
            continue
        same_position = got.split(" ")[0] == recorded.split(" ")[0]
        if same_position:
            messages += 1
            label = "message "
        else:
            positions += 1
            label = "POSITION"
        print(f"{label} {where}: {query!r}\n    recorded: {recorded[:200]}\n    oracle:   {got[:200]}")
    print(f"{len(cases)} cases, {positions} position differences, {messages} message differences")
    return 1 if positions or (args.messages and messages) else 0


if __name__ == "__main__":
    sys.exit(main())
