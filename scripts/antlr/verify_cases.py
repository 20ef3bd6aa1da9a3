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
With --update the files are rewritten with the oracle's verdicts (message kept only where one
was recorded; comments and other columns untouched); review the diff before committing.
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


def escape(s: str) -> str:
    """The case files' escapes (inverse of `unescape`)."""
    return s.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")


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
    ap.add_argument("--update", action="store_true",
                    help="rewrite the recorded verdicts with the oracle's")
    args = ap.parse_args()
    cases = []
    lines_of: dict[str, list[str]] = {}
    for path in args.files:
        with open(path, encoding="utf-8") as handle:
            lines_of[path] = handle.read().split("\n")
            for number, line in enumerate(lines_of[path], 1):
                if not line or line.startswith("# "):
                    continue
                cols = line.split("\t")
                if len(cols) < 2:
                    print(f"{path}:{number}: not a case line", file=sys.stderr)
                    return 2
                cases.append(((path, number), unescape(cols[0]), unescape(cols[1])))
    oracle = antlr_oracle.AntlrOracle(args.jobs, default_dir("antlr-cache"))
    try:
        verdicts = oracle.verdicts([q for _, q, _ in cases])
    finally:
        oracle.close()
    positions = messages = 0
    for ((path, number), query, recorded), verdict in zip(cases, verdicts):
        where = f"{path}:{number}"
        # A case recorded as UNBALANCED has no message to tell the file's style; the oracle
        # tables that hold such cases record messages.
        with_message = " " in recorded or recorded == "UNBALANCED"
        got = rendered(verdict, with_message)
        if got == recorded:
            continue
        if args.update:
            cols = lines_of[path][number - 1].split("\t")
            cols[1] = escape(got)
            lines_of[path][number - 1] = "\t".join(cols)
        same_position = got.split(" ")[0] == recorded.split(" ")[0]
        if same_position:
            messages += 1
            label = "message "
        else:
            positions += 1
            label = "POSITION"
        print(f"{label} {where}: {query!r}\n    recorded: {recorded[:200]}\n    oracle:   {got[:200]}")
    print(f"{len(cases)} cases, {positions} position differences, {messages} message differences")
    if args.update:
        for path, lines in lines_of.items():
            with open(path, "w", encoding="utf-8") as handle:
                handle.write("\n".join(lines))
        print(f"updated {', '.join(lines_of)}")
        return 0
    return 1 if positions or (args.messages and messages) else 0


if __name__ == "__main__":
    sys.exit(main())
