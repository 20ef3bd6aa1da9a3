"""Seeded, token-aware mutations of ES|QL queries.

Each mutant is derived from one corpus query by one to three mutation operators (which also
splice in command and expression snippets written here, so the grammar beyond the corpus is
reached). Mutant
number `i` of a run uses its own RNG seeded from `(seed, i)`, so a mutant does not change
when the number of mutants asked for changes, and a run is byte-for-byte reproducible.

The tokenizer is an approximation of ES|QL's lexer, used only to pick mutation sites: it
keeps whitespace, comments, strings, backquoted names, numbers, words (dotted names,
keywords), parameters and operators apart. It never fails: anything else is a one-character
token.
"""

from __future__ import annotations

import hashlib
import random
import re
from typing import Callable

_TOKEN_RE = re.compile(
    r"""
     (?P<ws>[ \t\r\n]+)
    |(?P<comment>//[^\r\n]*|/\*.*?\*/)
    |(?P<string>\"\"\".*?\"\"\"|"(?:\\.|[^"\\\r\n])*")
    |(?P<quoted>`(?:``|[^`])*`)
    |(?P<number>\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)
    |(?P<word>[A-Za-z_@][A-Za-z0-9_@]*(?:\.[A-Za-z0-9_@*]+)*\*?)
    |(?P<param>\?\??[A-Za-z0-9_]*)
    |(?P<op>==|!=|<=|>=|=~|::|[-+*/%<>=!:|,.()\[\]{};])
    |(?P<other>.)
    """,
    re.S | re.X,
)

KEYWORDS = [
    "FROM", "ROW", "WHERE", "EVAL", "STATS", "INLINE", "INLINESTATS", "BY", "KEEP", "DROP",
    "RENAME", "SORT", "LIMIT", "MV_EXPAND", "DISSECT", "GROK", "ENRICH", "LOOKUP", "JOIN",
    "ON", "WITH", "AS", "METADATA", "ASC", "DESC", "NULLS", "FIRST", "LAST", "AND", "OR",
    "NOT", "IN", "LIKE", "RLIKE", "IS", "NULL", "TRUE", "FALSE", "COMPLETION", "CHANGE_POINT",
    "SAMPLE", "SHOW", "INFO", "SET", "TS", "FORK", "MATCH", "APPEND_SEPARATOR", "WHERE",
]
_KEYWORD_SET = {k.lower() for k in KEYWORDS}

OPERATORS = [
    "==", "!=", "<", "<=", ">", ">=", "=", "=~", "+", "-", "*", "/", "%", "::", ":", ",",
    ".", "|", "AND", "OR", "NOT", "IN", "LIKE", "RLIKE", "IS NULL", "IS NOT NULL", "NOT IN",
    "NOT LIKE",
]

STRAY = list("()[]{},.;:|=!?@#$~^&`\"'*+-/%<>\\") + ["\t", "\r", "\n", "é", "\u00a0", "\u2028", "\x00", "\U0001F600"]

NUMBERS = ["0", "1", "-1", "1.5", ".5", "5.", "1e3", "1E-3", "2147483648", "9223372036854775808",
           "18446744073709551616", "1.7976931348623157E309", "0x1F", "007", "1_000", "1 hour",
           "30 seconds", "1d", "3 weeks", "1..2"]

STRING_SNIPPETS = ["\\n", "\\t", "\\\\", "\\\"", "\\u0041", "\\q", "\\", "\"", "\"\"", "*", "?",
                   "\r\n", "\n", "'", "`"]

COMMENTS = ["/* c */", "/**/", "// c\n", "//\n", "/* /* nested */ */", "/* unterminated",
            "//", "/*", "*/"]

BRACKETS = list("()[]{}\"`") + ['"""']

# Processing commands and expressions written for this harness (ES|QL syntax the corpus
# rarely or never uses), spliced into queries to reach more of the grammar.
COMMAND_SNIPPETS = [
    "| LIMIT 10", "| SORT a DESC NULLS FIRST, b ASC NULLS LAST", "| KEEP a*, `b c`, _id",
    "| DROP x*", "| RENAME a AS b, c AS d", "| RENAME b = a", "| MV_EXPAND tags",
    "| EVAL t = date_trunc(1 hour, @timestamp), y = x::long", "| WHERE x IS NOT NULL",
    "| WHERE a : \"query\"", "| WHERE x NOT IN (1, 2, null)", "| WHERE s NOT LIKE (\"a*\", \"b?\")",
    "| WHERE s RLIKE \"\"\"[a-z]+\\d\"\"\"", "| STATS c = count(*), m = max(x) WHERE x > 0 BY h = host.name",
    "| INLINE STATS n = count(*) BY user.name", "| STATS BY a", "| STATS count(*)",
    "| DISSECT msg \"%{a} %{b}\" APPEND_SEPARATOR = \"-\"", "| GROK msg \"%{WORD:w} %{NUMBER:n:int}\"",
    "| ENRICH policy ON field WITH new = old, other", "| ENRICH _any:policy", "| LOOKUP JOIN idx ON a, b",
    "| LOOKUP JOIN idx ON a == b", "| SAMPLE 0.25", "| CHANGE_POINT v ON t AS kind, p",
    "| COMPLETION answer = prompt WITH {\"inference_id\": \"e\"}", "| FORK (WHERE a) (LIMIT 1)",
    "| RERANK \"q\" ON text WITH {\"inference_id\": \"r\"}", "| FUSE", "| EVAL m = {\"k\": 1}",
    "| EVAL p = ?param, q = ?, r = ?1, s = ??field", "| WHERE ?? fld == 1", "| EVAL d = 1 day + 2 hours",
    "| EVAL x = CASE(a, 1, b, 2, 3)", "| EVAL x = -(-1), y = +2.5e-3, z = .5",
    "| EVAL `a``b` = 1", "| KEEP @timestamp", "| WHERE NOT (a OR b) AND c",
]
SOURCE_SNIPPETS = [
    "logs-*", "logs-*,metrics-*", "\"logs-*\"", "remote:logs-*", "*:logs-*", "logs-*::failures",
    "logs-*::data", "<logs-{now/d}>", "\"<logs-{now/d}>\"", "a, b , c", "-excluded", "logs-*,-logs-x",
    "idx METADATA _id, _index, _version", "idx metadata _score", "`idx`", "idx*?", "\"\"\"idx\"\"\"",
    "cluster:\"idx\"", "idx::", ":idx", "i.d.x", "idx\t,\nother",
]
EXPRESSION_SNIPPETS = [
    "x::long", "?p", "?", "??f", "[1, 2, 3]", "[]", "{\"a\": [1, 2]}", "1 day", "3 hours",
    "count(*)", "count_distinct(x, 100)", "x IN (1, 2)", "x NOT LIKE \"a*\"", "x IS NULL",
    "a : \"b\"", "\"\"\"raw \" string\"\"\"", "`quoted``name`", "@timestamp", "_id", "null",
    "true", "-9223372036854775808", "1.5e10", "to_lower(x)::keyword", "(a)", "NOT a", "a.b.c",
]


class Token:
    """A token of the approximate tokenizer: kind, text and start offset."""

    __slots__ = ("kind", "text", "start")

    def __init__(self, kind: str, text: str, start: int) -> None:
        self.kind = kind
        self.text = text
        self.start = start

    @property
    def end(self) -> int:
        """Offset just past the token."""
        return self.start + len(self.text)


def tokenize(text: str) -> list[Token]:
    """Splits `text` into tokens that cover it exactly (concatenation gives `text` back)."""
    return [Token(m.lastgroup, m.group(), m.start()) for m in _TOKEN_RE.finditer(text)]


def _solid(tokens: list[Token]) -> list[int]:
    """Indices of the tokens that are not whitespace."""
    return [i for i, t in enumerate(tokens) if t.kind != "ws"]


def _join(tokens: list[Token]) -> str:
    return "".join(t.text for t in tokens)


def _boundary(rnd: random.Random, text: str) -> int:
    """A random token boundary (or, one time in four, any character offset)."""
    if rnd.random() < 0.25 or not text:
        return rnd.randint(0, len(text))
    tokens = tokenize(text)
    return rnd.choice([t.start for t in tokens] + [len(text)])


# Each operator takes (rng, text, corpus) and returns (new text, description) or None.
def drop_token(rnd, text, _corpus):
    tokens = tokenize(text)
    solid = _solid(tokens)
    if not solid:
        return None
    i = rnd.choice(solid)
    desc = f"drop {tokens[i].text[:20]!r}@{tokens[i].start}"
    del tokens[i]
    return _join(tokens), desc


def duplicate_token(rnd, text, _corpus):
    tokens = tokenize(text)
    solid = _solid(tokens)
    if not solid:
        return None
    i = rnd.choice(solid)
    sep = rnd.choice(["", " "])
    desc = f"duplicate {tokens[i].text[:20]!r}@{tokens[i].start}"
    tokens.insert(i + 1, Token("dup", sep + tokens[i].text, 0))
    return _join(tokens), desc


def swap_tokens(rnd, text, _corpus):
    tokens = tokenize(text)
    solid = _solid(tokens)
    if len(solid) < 2:
        return None
    k = rnd.randrange(len(solid) - 1)
    if rnd.random() < 0.6:
        i, j = solid[k], solid[k + 1]
    else:
        i, j = sorted(rnd.sample(solid, 2))
    desc = f"swap {tokens[i].text[:20]!r}@{tokens[i].start} {tokens[j].text[:20]!r}@{tokens[j].start}"
    tokens[i], tokens[j] = tokens[j], tokens[i]
    return _join(tokens), desc


def change_operator(rnd, text, _corpus):
    tokens = tokenize(text)
    ops = [i for i, t in enumerate(tokens) if t.kind == "op" or t.text.lower() in
           {"and", "or", "not", "in", "like", "rlike", "is"}]
    if not ops:
        return None
    i = rnd.choice(ops)
    new = rnd.choice(OPERATORS)
    desc = f"operator {tokens[i].text!r}@{tokens[i].start} -> {new!r}"
    tokens[i] = Token("op", new, 0)
    return _join(tokens), desc


def swap_keyword(rnd, text, _corpus):
    tokens = tokenize(text)
    words = [i for i, t in enumerate(tokens) if t.kind == "word"]
    keywords = [i for i in words if tokens[i].text.lower() in _KEYWORD_SET]
    pool = keywords if keywords and rnd.random() < 0.8 else words
    if not pool:
        return None
    i = rnd.choice(pool)
    new = rnd.choice(KEYWORDS)
    if rnd.random() < 0.3:
        new = new.lower()
    desc = f"keyword {tokens[i].text[:20]!r}@{tokens[i].start} -> {new!r}"
    tokens[i] = Token("word", new, 0)
    return _join(tokens), desc


def insert_punctuation(rnd, text, _corpus):
    at = _boundary(rnd, text)
    stray = rnd.choice(STRAY)
    return text[:at] + stray + text[at:], f"insert {stray!r}@{at}"


def unbalance(rnd, text, _corpus):
    positions = [i for i, c in enumerate(text) if c in "()[]{}\"`"]
    if positions and rnd.random() < 0.6:
        at = rnd.choice(positions)
        return text[:at] + text[at + 1 :], f"remove {text[at]!r}@{at}"
    at = _boundary(rnd, text)
    extra = rnd.choice(BRACKETS)
    return text[:at] + extra + text[at:], f"insert {extra!r}@{at}"


def truncate(rnd, text, _corpus):
    if not text:
        return None
    at = _boundary(rnd, text) if rnd.random() < 0.7 else rnd.randint(0, len(text))
    return text[:at], f"truncate@{at}"


def change_case(rnd, text, _corpus):
    tokens = tokenize(text)
    words = [i for i, t in enumerate(tokens) if t.kind == "word"]
    if not words:
        return None
    style = rnd.choice(["upper", "lower", "mixed", "all-upper", "all-lower"])
    if style == "all-upper":
        return text.upper(), "upper-case all"
    if style == "all-lower":
        return text.lower(), "lower-case all"
    i = rnd.choice(words)
    word = tokens[i].text
    if style == "upper":
        new = word.upper()
    elif style == "lower":
        new = word.lower()
    else:
        new = "".join(c.upper() if rnd.random() < 0.5 else c.lower() for c in word)
    tokens[i] = Token("word", new, 0)
    return _join(tokens), f"case {word[:20]!r} -> {new[:20]!r}"


def join_lines(rnd, text, _corpus):
    if "\n" not in text and "\r" not in text:
        return None
    style = rnd.choice(["space", "nothing", "cr", "crlf", "one-space", "one-nothing"])
    if style == "space":
        return re.sub(r"\r?\n", " ", text), "join lines with spaces"
    if style == "nothing":
        return re.sub(r"\r?\n", "", text), "join lines"
    if style == "cr":
        return re.sub(r"\r?\n", "\r", text), "line breaks -> CR"
    if style == "crlf":
        return re.sub(r"\r?\n", "\r\n", text), "line breaks -> CRLF"
    breaks = [(m.start(), m.end()) for m in re.finditer(r"\r\n|\n|\r", text)]
    at, end = rnd.choice(breaks)
    sep = " " if style == "one-space" else ""
    return text[:at] + sep + text[end:], f"join line break@{at}"


def insert_comment(rnd, text, _corpus):
    at = _boundary(rnd, text)
    comment = rnd.choice(COMMENTS)
    return text[:at] + comment + text[at:], f"comment {comment!r}@{at}"


def glue_or_split(rnd, text, _corpus):
    tokens = tokenize(text)
    spaces = [i for i, t in enumerate(tokens) if t.kind == "ws"]
    if spaces and rnd.random() < 0.5:
        i = rnd.choice(spaces)
        desc = f"remove whitespace@{tokens[i].start}"
        del tokens[i]
        return _join(tokens), desc
    long_tokens = [i for i, t in enumerate(tokens) if len(t.text) > 1 and t.kind != "ws"]
    if not long_tokens:
        return None
    i = rnd.choice(long_tokens)
    cut = rnd.randint(1, len(tokens[i].text) - 1)
    at = tokens[i].start + cut
    return text[:at] + " " + text[at:], f"split token@{at}"


def change_number(rnd, text, _corpus):
    tokens = tokenize(text)
    numbers = [i for i, t in enumerate(tokens) if t.kind == "number"]
    if not numbers:
        return None
    i = rnd.choice(numbers)
    new = rnd.choice(NUMBERS)
    desc = f"number {tokens[i].text!r}@{tokens[i].start} -> {new!r}"
    tokens[i] = Token("number", new, 0)
    return _join(tokens), desc


def change_string(rnd, text, _corpus):
    tokens = tokenize(text)
    strings = [i for i, t in enumerate(tokens) if t.kind in ("string", "quoted")]
    if not strings:
        return None
    i = rnd.choice(strings)
    body = tokens[i].text
    at = rnd.randint(1, max(1, len(body) - 1))
    snippet = rnd.choice(STRING_SNIPPETS)
    desc = f"string {snippet!r} into {body[:20]!r}@{tokens[i].start}+{at}"
    tokens[i] = Token(tokens[i].kind, body[:at] + snippet + body[at:], 0)
    return _join(tokens), desc


def splice(rnd, text, corpus):
    tokens = tokenize(text)
    solid = _solid(tokens)
    other = tokenize(rnd.choice(corpus))
    other_solid = _solid(other)
    if not solid or not other_solid:
        return None
    i = rnd.choice(solid)
    j = rnd.choice(other_solid)
    desc = f"splice {tokens[i].text[:20]!r}@{tokens[i].start} -> {other[j].text[:20]!r}"
    tokens[i] = other[j]
    return _join(tokens), desc


def insert_snippet(rnd, text, _corpus):
    tokens = tokenize(text)
    sources = [i for i in range(len(tokens) - 2)
               if tokens[i].text.lower() in ("from", "ts") and tokens[i + 1].kind == "ws"]
    if sources and rnd.random() < 0.2:
        i = rnd.choice(sources) + 2
        snippet = rnd.choice(SOURCE_SNIPPETS)
        desc = f"source {tokens[i].text[:20]!r}@{tokens[i].start} -> {snippet!r}"
        tokens[i] = Token("snippet", snippet, 0)
        return _join(tokens), desc
    if rnd.random() < 0.5:
        pipes = [t.start for t in tokens if t.text == "|"] + [len(text)]
        at = rnd.choice(pipes)
        snippet = rnd.choice(COMMAND_SNIPPETS)
        if at < len(text):
            snippet = snippet + "\n"
        else:
            snippet = "\n" + snippet
        return text[:at] + snippet + text[at:], f"command {snippet.strip()!r}@{at}"
    words = [i for i, t in enumerate(tokens) if t.kind in ("word", "number", "string", "quoted", "param")]
    if not words:
        return None
    i = rnd.choice(words)
    snippet = rnd.choice(EXPRESSION_SNIPPETS)
    desc = f"expression {tokens[i].text[:20]!r}@{tokens[i].start} -> {snippet!r}"
    tokens[i] = Token("snippet", snippet, 0)
    return _join(tokens), desc


# (operator, weight)
OPERATORS_TABLE: list[tuple[Callable, int]] = [
    (drop_token, 10),
    (duplicate_token, 6),
    (swap_tokens, 6),
    (change_operator, 8),
    (swap_keyword, 8),
    (insert_punctuation, 8),
    (unbalance, 8),
    (truncate, 8),
    (change_case, 4),
    (join_lines, 4),
    (insert_comment, 6),
    (glue_or_split, 5),
    (change_number, 4),
    (change_string, 5),
    (splice, 5),
    (insert_snippet, 10),
]


def mutant_rng(seed: int, index: int) -> random.Random:
    """The RNG of mutant `index` of a run with `seed` (independent of the run's size)."""
    digest = hashlib.sha256(f"detsim-antlr-diff:{seed}:{index}".encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def mutate(rnd: random.Random, text: str, corpus: list[str]) -> tuple[str, list[str]]:
    """Applies one to three weighted random operators; returns the mutant and what was done."""
    ops, weights = zip(*OPERATORS_TABLE)
    count = rnd.choices([1, 2, 3], weights=[6, 3, 1])[0]
    done: list[str] = []
    for _ in range(count):
        for _attempt in range(5):
            op = rnd.choices(ops, weights=weights)[0]
            result = op(rnd, text, corpus)
            if result is not None:
                text, desc = result
                done.append(f"{op.__name__}: {desc}")
                break
    return text, done
