"""Syntax verdicts from detsim (`detsim parse --json DIR`).

Each text is written to its own `NNNNNN.esql` file (exact bytes, UTF-8, no newline
translation) in a fresh temporary folder, and `detsim parse --json` runs once over the
folder. Its output is one JSON object per query:
`{"path","query_index","ok","line","column","message"}` with 1-based positions in the
query text. A `.esql` file is one query, so positions in the file are positions in the text.

If detsim dies (a panic is a bug on any input) or leaves files without a verdict, the
missing files are run one by one, and a file that still gets no verdict is reported with
`detsim_error` (exit status and the end of stderr).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile

Verdict = dict


def _run(binary: str, target: str) -> tuple[int, str, str]:
    proc = subprocess.run(
        [binary, "parse", "--json", target],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        check=False,
    )
    return (
        proc.returncode,
        proc.stdout.decode("utf-8", "replace"),
        proc.stderr.decode("utf-8", "replace"),
    )


def _read_lines(stdout: str) -> dict[str, Verdict]:
    out: dict[str, Verdict] = {}
    # Split on "\n" only: str.splitlines() would also split on U+2028 and friends, which
    # serde_json writes unescaped inside strings.
    for line in stdout.split("\n"):
        line = line.strip()
        if not line:
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError:
            continue
        name = os.path.basename(obj.get("path", ""))
        out[name] = {
            "ok": bool(obj.get("ok")),
            "line": obj.get("line"),
            "column": obj.get("column"),
            "message": obj.get("message"),
        }
        if obj.get("query_index") is None and not obj.get("ok"):
            out[name]["detsim_error"] = "file not loaded: " + str(obj.get("message"))
    return out


def detsim_verdicts(binary: str, texts: list[str], keep_dir: str | None = None) -> list[Verdict]:
    """Verdicts of `detsim parse --json` for `texts`, in order."""
    folder = tempfile.mkdtemp(prefix="detsim-antlr-diff-")
    try:
        names = []
        for i, text in enumerate(texts):
            name = f"{i:06d}.esql"
            names.append(name)
            with open(os.path.join(folder, name), "w", encoding="utf-8", newline="", errors="surrogatepass") as f:
                f.write(text)
        status, stdout, stderr = _run(binary, folder)
        found = _read_lines(stdout)
        missing = [n for n in names if n not in found]
        if status not in (0, 1) or missing:
            for name in missing:
                status, stdout, stderr = _run(binary, os.path.join(folder, name))
                one = _read_lines(stdout)
                if name in one:
                    found[name] = one[name]
                else:
                    found[name] = {
                        "ok": False,
                        "line": None,
                        "column": None,
                        "message": None,
                        "detsim_error": f"exit status {status}: {stderr.strip()[-500:]}",
                    }
        if keep_dir:
            if os.path.exists(keep_dir):
                shutil.rmtree(keep_dir)
            shutil.copytree(folder, keep_dir)
        return [found[n] for n in names]
    finally:
        shutil.rmtree(folder, ignore_errors=True)
