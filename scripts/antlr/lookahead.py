#!/usr/bin/env python3
"""How far ANTLR's lexer has run when the parser reports a syntax error.

ANTLR's token stream is lazy: the parser pulls tokens from the lexer as its prediction and
error strategy look ahead, and ES's error listener throws at the first error of either. So
when a query has a parser error at token T and a lexer error somewhere after T, ES reports
the lexer error if (and only if) the parser pulled the bad token before it reported T.
This tool shows the pull horizon for a query: it runs the oracle parser with a lexer that
records errors instead of throwing and prints, at the parser's first error, the offending
token and every token the lexer had produced after it.

    /work/team/venv-antlr/bin/python scripts/antlr/lookahead.py 'from x|where x==|keep ('

Settings are the oracle's (see antlr_oracle.py): 9.5 grammar, release mode, SLL, Java
token-stream semantics. Tokens listed after the offending one were fetched before the error
was reported (the lexer here keeps going after a lexical error, so the list may run past it).
"""

from __future__ import annotations

import sys

from antlr4 import CommonTokenStream, InputStream, Token
from antlr4.atn.PredictionMode import PredictionMode
from antlr4.error.ErrorListener import ErrorListener
from esql.grammar_registry import build_esql_config, get_grammar_module

from antlr_oracle import use_java_token_stream_semantics


class _Stop(Exception):
    pass


class _LexerErrors(ErrorListener):
    def __init__(self) -> None:
        self.errors: list[tuple[int, int, str, int]] = []
        self.stream = None

    def syntaxError(self, recognizer, offendingSymbol, line, column, msg, e):  # noqa: N802
        fetched = len(self.stream.tokens) if self.stream is not None else 0
        self.errors.append((line, column + 1, msg, fetched))


class _ParserError(ErrorListener):
    def syntaxError(self, recognizer, offendingSymbol, line, column, msg, e):  # noqa: N802
        raise _Stop(offendingSymbol, line, column + 1, msg)


def horizon(text: str, mode: str = "sll") -> dict:
    """The parser's first error and the tokens fetched after its offending token."""
    use_java_token_stream_semantics()
    module = get_grammar_module(None)
    config = build_esql_config({})
    lexer = module.lexer_cls(InputStream(text))
    lexer.removeErrorListeners()
    lexer_errors = _LexerErrors()
    lexer.addErrorListener(lexer_errors)
    lexer.setEsqlConfig(config)
    stream = CommonTokenStream(lexer)
    lexer_errors.stream = stream
    parser = module.parser_cls(stream)
    parser.removeErrorListeners()
    parser.addErrorListener(_ParserError())
    parser.setEsqlConfig(config)
    parser._interp.predictionMode = PredictionMode.SLL if mode == "sll" else PredictionMode.LL
    out = {"lexer_errors": lexer_errors.errors}
    try:
        parser.statements()
        out["parser_error"] = None
    except _Stop as stop:
        token, line, column, msg = stop.args
        fetched = list(stream.tokens)
        after = [t for t in fetched if token is not None and t.tokenIndex > token.tokenIndex]
        out["parser_error"] = {"line": line, "column": column, "message": msg}
        out["offending_index"] = token.tokenIndex if token is not None else None
        out["fetched_after"] = [
            (module.lexer_cls.symbolicNames[t.type] if t.type != Token.EOF else "EOF", t.text, t.channel)
            for t in after
        ]
    except Exception as err:  # noqa: BLE001
        out["parser_error"] = {"exception": f"{type(err).__name__}: {err}"}
    return out


def main() -> int:
    for text in sys.argv[1:]:
        info = horizon(text)
        print(f"query: {text!r}")
        for line, column, msg, fetched in info["lexer_errors"]:
            print(f"  lexer error {line}:{column} {msg!r} (after {fetched} tokens were fetched)")
        err = info["parser_error"]
        if err is None:
            print("  parser: ok")
            continue
        if "exception" in err:
            print(f"  parser: {err['exception']}")
            continue
        print(f"  parser error {err['line']}:{err['column']} {err['message'][:100]!r}")
        print(f"  offending token #{info['offending_index']}; fetched after it:")
        for name, tok_text, channel in info["fetched_after"]:
            hidden = " (hidden)" if channel else ""
            print(f"    {name} {tok_text!r}{hidden}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
