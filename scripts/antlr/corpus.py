"""Seed corpus for the parser differential test.

Reads the ES|QL queries that detsim must parse, from the shared reference material:

* every `[rule].query` of the detection-rule TOML files under `detection-rules/`
  (rules whose `language`/`type` is not ES|QL are counted and skipped);
* every test query of the `esql-spec/*.csv-spec` files, extracted the way
  Elasticsearch's SpecReader does it (see `esql-spec/SEMANTICS.md` section 1):
  physical lines are trimmed, blank lines and lines starting with `//` or `#` are
  skipped, the first line of a test is its name, directive lines are dropped,
  query lines are joined with CRLF, the query ends at the first line ending in `;`
  (a trailing `\\;` is kept as `;` and does not end the query), and the result
  section runs until a line starting with `;`.

Nothing here is copied into the project: the queries are read at run time from
`../shared`.
"""

from __future__ import annotations

import dataclasses
import glob
import os
import tomllib

# Preamble directives of a csv-spec test (case-insensitive prefixes).
_DIRECTIVES = (
    "required_capability",
    "required_feature",
    "missing_capability",
    "schema::",
    "approximate:",
    "pragma:",
    "request_stored:",
    "request_time_filter:",
    "dataset:",
    "skip_flattened_rewrite:",
)


@dataclasses.dataclass(frozen=True)
class SeedQuery:
    """One corpus query and where it came from (`origin` is a readable label)."""

    origin: str
    text: str


@dataclasses.dataclass
class Corpus:
    """The seed queries plus counts of what was skipped, so nothing is dropped silently."""

    queries: list[SeedQuery]
    skipped: list[str]


def load_corpus(shared: str) -> Corpus:
    """Loads the rule and csv-spec queries under the `shared` folder (sorted, deterministic)."""
    queries: list[SeedQuery] = []
    skipped: list[str] = []
    rules_root = os.path.join(shared, "detection-rules")
    for path in sorted(glob.glob(os.path.join(rules_root, "**", "*.toml"), recursive=True)):
        rel = os.path.relpath(path, shared)
        with open(path, "rb") as handle:
            try:
                doc = tomllib.load(handle)
            except tomllib.TOMLDecodeError as err:
                skipped.append(f"{rel}: invalid TOML ({err})")
                continue
        rule = doc.get("rule", {})
        query = rule.get("query")
        if query is None:
            skipped.append(f"{rel}: no [rule].query")
        elif rule.get("language", "esql") != "esql" and rule.get("type") != "esql":
            skipped.append(f"{rel}: not an ES|QL rule")
        else:
            queries.append(SeedQuery(rel, query))
    for path in sorted(glob.glob(os.path.join(shared, "esql-spec", "*.csv-spec"))):
        rel = os.path.relpath(path, shared)
        with open(path, encoding="utf-8") as handle:
            for name, text in read_csv_spec(handle.read()):
                queries.append(SeedQuery(f"{rel}:{name}", text))
    return Corpus(queries, skipped)


def read_csv_spec(content: str) -> list[tuple[str, str]]:
    """Returns `(test name, query)` for every test of a csv-spec file."""
    tests: list[tuple[str, str]] = []
    state = "name"
    name = ""
    lines: list[str] = []
    for raw in content.split("\n"):
        line = raw.strip()
        if not line or line.startswith("//") or line.startswith("#"):
            continue
        if state == "name":
            name = line.split("#", 1)[0]
            lines = []
            state = "query"
            continue
        if state == "query":
            if line.lower().startswith(_DIRECTIVES):
                continue
            if line.endswith("\\;"):
                lines.append(line[:-2] + ";")
            elif line.endswith(";"):
                lines.append(line[:-1])
                tests.append((name, "\r\n".join(lines).strip()))
                state = "result"
            else:
                lines.append(line)
        elif state == "result" and line.startswith(";"):
            state = "name"
    return tests
