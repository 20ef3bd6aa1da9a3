"""Shrinks a disagreeing query to a small one that still disagrees the same way.

`evaluate(texts) -> kinds` classifies a batch of candidate texts (both parsers run once per
batch). The passes, repeated until none makes progress:

1. delete chunks of tokens (delta debugging: halves, quarters, ... single tokens);
2. simplify tokens: long words become `x`, strings `"a"`, numbers `1`, whitespace runs ` `;
3. delete single characters (only for short texts).

Every pass keeps the first candidate (in text order) that still has the target kind, so the
result is deterministic.
"""

from __future__ import annotations

from typing import Callable

from mutate import tokenize

Evaluate = Callable[[list[str]], list[str]]


class Shrinker:
    """Delta-debugging minimiser with a memo of the kinds already computed."""

    def __init__(self, evaluate: Evaluate, max_rounds: int = 120) -> None:
        self._evaluate = evaluate
        self._memo: dict[str, str] = {}
        self.max_rounds = max_rounds
        self.rounds = 0

    def kinds(self, texts: list[str]) -> list[str]:
        """Kinds of `texts`, evaluating only the ones not seen before."""
        todo = sorted({t for t in texts if t not in self._memo})
        if todo:
            self.rounds += 1
            for text, kind in zip(todo, self._evaluate(todo)):
                self._memo[text] = kind
        return [self._memo[t] for t in texts]

    def _first(self, candidates: list[str], kind: str) -> str | None:
        candidates = [c for c in dict.fromkeys(candidates)]
        if not candidates:
            return None
        for cand, got in zip(candidates, self.kinds(candidates)):
            if got == kind:
                return cand
        return None

    def shrink(self, text: str, kind: str) -> str:
        """The smallest text found that still has `kind`."""
        progress = True
        while progress and self.rounds < self.max_rounds:
            progress = False
            smaller = self._delete_chunks(text, kind)
            if smaller != text:
                text, progress = smaller, True
            simpler = self._simplify(text, kind)
            if simpler != text:
                text, progress = simpler, True
            if len(text) <= 120:
                shorter = self._delete_chars(text, kind)
                if shorter != text:
                    text, progress = shorter, True
        return text

    def _delete_chunks(self, text: str, kind: str) -> str:
        units = [t.text for t in tokenize(text)]
        parts = 2
        while len(units) >= 1 and self.rounds < self.max_rounds:
            size = max(1, -(-len(units) // parts))
            candidates = ["".join(units[:i] + units[i + size :]) for i in range(0, len(units), size)]
            found = self._first([c for c in candidates if c != text], kind)
            if found is not None:
                units = [t.text for t in tokenize(found)]
                text = found
                parts = max(parts - 1, 2)
            elif size == 1:
                break
            else:
                parts = min(parts * 2, len(units))
        return text

    def _simplify(self, text: str, kind: str) -> str:
        while self.rounds < self.max_rounds:
            tokens = tokenize(text)
            candidates = []
            for i, tok in enumerate(tokens):
                if tok.kind == "word" and len(tok.text) > 1:
                    new = "x"
                elif tok.kind == "string" and tok.text not in ('"a"', '""'):
                    new = '"a"'
                elif tok.kind == "number" and tok.text != "1":
                    new = "1"
                elif tok.kind == "ws" and tok.text != " ":
                    new = " "
                elif tok.kind == "comment" and tok.text not in ("/**/", "//"):
                    new = "/**/" if tok.text.startswith("/*") else "//"
                else:
                    continue
                candidates.append("".join(t.text for t in tokens[:i]) + new + "".join(t.text for t in tokens[i + 1 :]))
            found = self._first(candidates, kind)
            if found is None:
                return text
            text = found
        return text

    def _delete_chars(self, text: str, kind: str) -> str:
        while self.rounds < self.max_rounds and text:
            candidates = [text[:i] + text[i + 1 :] for i in range(len(text))]
            found = self._first(candidates, kind)
            if found is None:
                return text
            text = found
        return text
