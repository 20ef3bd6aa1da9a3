"""Syntax verdicts from Elastic's ANTLR-generated ES|QL parser (the oracle).

The oracle is the lexer and parser generated from Elasticsearch's grammar, as shipped in
the PyPI package `detection-rules-esql-py` 0.1.0 (on `antlr4-python3-runtime` 4.13.2).
It is driven the way Elasticsearch's `EsqlParser` drives the Java parser:

* the package's default grammar snapshot (`v9_5_0`, Elasticsearch 9.5 branch) in release
  mode (`dev_version` false, so DEV_ commands are not recognised);
* entry rule `statements` (SET preamble + query + EOF), as the package does for 9.3+;
* `PredictionMode.SLL`, as `EsqlParser.invokeParser` sets it (`--prediction-mode ll`
  selects the runtime's default LL mode instead);
* the first error reported by the lexer or the parser stops the parse, like ES's
  `ERROR_LISTENER` that throws `ParsingException`;
* the token stream reads ahead exactly as Java's does: the Python runtime's
  `BufferedTokenStream.getText` lexes the whole input when an error message quotes tokens,
  Java's does not (see `use_java_token_stream_semantics`). Without that patch the Python
  parser reports a later lexer error instead of a "no viable alternative" that ES reports.

Only the grammar is consulted. `esql.parse_query` also builds the package's own AST and
checks function names; those are semantic checks (detsim's `check`), not syntax, so they
are skipped. ES's extra parse-time checks outside the grammar (`is_null(...)` rejected,
query parameters without values) are not applied either.

Positions: ANTLR reports `line` (1-based) and `charPositionInLine` (0-based, in code
points). Elasticsearch prints `line L:C` with `C = charPositionInLine + 1`; verdicts here
use that 1-based column. (`esql.EsqlSyntaxError` stores `line - 1` and the 0-based column;
its text prints both plus one.)

The parser is slow (about 35 ms for a typical rule once warm, and the first queries in a
fresh process are much slower while ANTLR fills its DFA cache), so verdicts are computed by
a pool of long-lived worker processes and cached on disk by SHA-256 of the text.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import re
import sys
import threading
from typing import Iterable

# Verdict: {"ok": bool, "line": int|None, "column": int|None, "message": str|None,
#           "source": "lexer"|"parser" (on errors)}
# plus "oracle_error": str when the oracle itself failed (deep recursion, runtime bug).
Verdict = dict

_MODULE = None
_CONFIG = None
_MODE = None


# Elasticsearch's error listener removes DEV_ entries from parser messages in release builds
# (`EsqlParser.ERROR_LISTENER`, pattern `,*\s*DEV_\w+\s*`); lexer messages are kept.
_REPLACE_DEV = re.compile(r",*\s*DEV_\w+\s*")


def es_message(verdict: Verdict) -> Verdict:
    """The verdict with the message Elasticsearch prints (idempotent).

    Verdicts cached before `source` was recorded get it from the message: the lexer's only
    message is ANTLR's "token recognition error at: ...".
    """
    if verdict.get("message") and "source" not in verdict and not verdict.get("unpositioned"):
        lexer = verdict["message"].startswith("token recognition error")
        verdict = dict(verdict, source="lexer" if lexer else "parser")
    if verdict.get("message") and verdict.get("source") == "parser":
        verdict = dict(verdict, message=_REPLACE_DEV.sub("", verdict["message"]))
    return verdict


class _Stop(Exception):
    """Raised by the error listener at the first syntax error."""


def use_java_token_stream_semantics() -> None:
    """Makes the Python runtime's `BufferedTokenStream.getText` behave like Java's.

    Python's `getText(start, stop)` first calls `fill()`, lexing the whole rest of the input;
    Java's `getText(Interval)` reads only the tokens already buffered. The difference shows
    when a syntax error is reported: `reportNoViableAlternative` quotes the input with
    `getText(startToken, offendingToken)`, so under Python any lexer error later in the
    query is raised first, while Elasticsearch (Java) reports the "no viable alternative".
    Java's no-argument `getText()` does fill, and so does this one.
    """
    from antlr4 import Token
    from antlr4.BufferedTokenStream import BufferedTokenStream

    if getattr(BufferedTokenStream, "_java_get_text", False):
        return

    def get_text(self, start=None, stop=None):
        self.lazyInit()
        if start is None and stop is None:
            self.fill()
        if isinstance(start, Token):
            start = start.tokenIndex
        elif start is None:
            start = 0
        if isinstance(stop, Token):
            stop = stop.tokenIndex
        elif stop is None or stop >= len(self.tokens):
            stop = len(self.tokens) - 1
        if start < 0 or stop < 0 or stop < start:
            return ""
        stop = min(stop, len(self.tokens) - 1)
        parts = []
        for i in range(start, stop + 1):
            token = self.tokens[i]
            if token.type == Token.EOF:
                break
            parts.append(token.text)
        return "".join(parts)

    BufferedTokenStream.getText = get_text
    BufferedTokenStream._java_get_text = True


def _init_worker(mode: str) -> None:
    """Loads the grammar once per worker process."""
    global _MODULE, _CONFIG, _MODE
    use_java_token_stream_semantics()
    from esql.grammar_registry import build_esql_config, get_grammar_module

    _MODULE = get_grammar_module(None)
    _CONFIG = build_esql_config({})
    _MODE = mode
    sys.setrecursionlimit(200_000)
    threading.stack_size(512 * 1024 * 1024)


def grammar_info() -> dict:
    """Describes the oracle: package version, grammar snapshot and its Elasticsearch ref."""
    import esql
    from esql.grammar_registry import resolve_grammar_key

    key = resolve_grammar_key(None)
    provenance_path = os.path.join(os.path.dirname(esql.__file__), "_antlr", key, "provenance.json")
    provenance = {}
    if os.path.exists(provenance_path):
        with open(provenance_path, encoding="utf-8") as handle:
            provenance = json.load(handle)
    return {
        "package": f"detection-rules-esql-py {esql.__version__}",
        "grammar": key,
        "elasticsearch_ref": provenance.get("elasticsearch_ref"),
        "elasticsearch_sha": provenance.get("elasticsearch_sha"),
    }


def _parse_one(text: str) -> Verdict:
    from antlr4 import CommonTokenStream, InputStream
    from antlr4.atn.PredictionMode import PredictionMode
    from antlr4.error.ErrorListener import ErrorListener

    class Listener(ErrorListener):
        def __init__(self, source: str) -> None:
            self.source = source

        def syntaxError(self, recognizer, offendingSymbol, line, column, msg, e):  # noqa: N802
            raise _Stop(line, column + 1, msg, self.source)

    lexer = _MODULE.lexer_cls(InputStream(text))
    lexer.removeErrorListeners()
    lexer.addErrorListener(Listener("lexer"))
    lexer.setEsqlConfig(_CONFIG)
    parser = _MODULE.parser_cls(CommonTokenStream(lexer))
    parser.removeErrorListeners()
    parser.addErrorListener(Listener("parser"))
    parser.setEsqlConfig(_CONFIG)
    parser._interp.predictionMode = PredictionMode.SLL if _MODE == "sll" else PredictionMode.LL
    try:
        _run_parser(parser)
    except _Stop as stop:
        line, column, msg, source = stop.args
        return es_message({"ok": False, "line": line, "column": column, "message": msg, "source": source})
    except RecursionError:
        return {"ok": False, "line": None, "column": None, "message": None, "oracle_error": "recursion"}
    except Exception as err:  # noqa: BLE001 - an oracle bug must not stop the run
        if str(err) == "Empty Stack":
            # The lexer popped its empty mode stack (an extra `)` in some lexer modes). Java's
            # ANTLR throws EmptyStackException there and Elasticsearch turns it into a
            # ParsingException without a usable position: compared as "rejected, position
            # unknown".
            return {
                "ok": False,
                "line": None,
                "column": None,
                "message": "lexer mode stack underflow (Java: EmptyStackException)",
                "unpositioned": True,
            }
        return {
            "ok": False,
            "line": None,
            "column": None,
            "message": None,
            "oracle_error": f"{type(err).__name__}: {err}",
        }
    return {"ok": True, "line": None, "column": None, "message": None}


def _run_parser(parser) -> None:
    if hasattr(parser, "statements"):
        parser.statements()
    else:
        parser.singleStatement()


def _parse_batch(texts: list[str]) -> list[Verdict]:
    """Parses a batch on a thread with a large stack (deeply nested input recurses deeply)."""
    out: list[Verdict] = []

    def work() -> None:
        for text in texts:
            out.append(_parse_one(text))

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    return out


def text_hash(text: str) -> str:
    """The cache key of a query text."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


class AntlrOracle:
    """Computes and caches ANTLR verdicts with a pool of worker processes."""

    def __init__(self, jobs: int, cache_dir: str | None, mode: str = "sll") -> None:
        self.jobs = max(1, jobs)
        self.mode = mode
        self.info = grammar_info()
        self.info["prediction_mode"] = mode.upper()
        self.cache: dict[str, Verdict] = {}
        self.cache_path = None
        self.hits = 0
        self.computed = 0
        if cache_dir:
            os.makedirs(cache_dir, exist_ok=True)
            version = self.info["package"].split()[-1]
            # "jts": Java token-stream semantics (see use_java_token_stream_semantics); the
            # bump keeps verdicts computed without it out.
            name = f"verdicts-esqlpy{version}-{self.info['grammar']}-{mode}-jts.jsonl"
            self.cache_path = os.path.join(cache_dir, name)
            self._load_cache()
        self._pool = None

    def _load_cache(self) -> None:
        if not os.path.exists(self.cache_path):
            return
        with open(self.cache_path, encoding="utf-8") as handle:
            for line in handle:
                try:
                    entry = json.loads(line)
                except json.JSONDecodeError:
                    continue  # a line cut short by an interrupted run
                self.cache[entry["h"]] = es_message(entry["v"])

    def _pool_get(self):
        if self._pool is None:
            ctx = multiprocessing.get_context("fork")
            self._pool = ctx.Pool(self.jobs, initializer=_init_worker, initargs=(self.mode,))
        return self._pool

    def close(self) -> None:
        """Stops the worker processes."""
        if self._pool is not None:
            self._pool.close()
            self._pool.join()
            self._pool = None

    def verdicts(self, texts: Iterable[str], progress=None) -> list[Verdict]:
        """Verdicts for `texts`, in order; computes only the ones not in the cache."""
        texts = list(texts)
        keys = [text_hash(t) for t in texts]
        todo: dict[str, str] = {}
        for key, text in zip(keys, texts):
            if key in self.cache:
                self.hits += 1
            elif key not in todo:
                todo[key] = text
        if todo:
            items = list(todo.items())
            # Long texts first, so the pool is not left waiting on one straggler.
            items.sort(key=lambda kv: -len(kv[1]))
            chunk = 8
            batches = [items[i : i + chunk] for i in range(0, len(items), chunk)]
            pool = self._pool_get()
            done = 0
            handle = open(self.cache_path, "a", encoding="utf-8") if self.cache_path else None
            try:
                results = pool.imap(_parse_batch, [[t for _, t in b] for b in batches])
                for batch, verdicts in zip(batches, results):
                    for (key, _), verdict in zip(batch, verdicts):
                        self.cache[key] = verdict
                        self.computed += 1
                        if handle:
                            handle.write(json.dumps({"h": key, "v": verdict}) + "\n")
                    if handle:
                        handle.flush()
                    done += len(batch)
                    if progress:
                        progress(done, len(items))
            finally:
                if handle:
                    handle.close()
        return [self.cache[k] for k in keys]
