"""Unit tests of the differential harness that need neither the oracle nor detsim.

    python3 -m unittest discover -s scripts/antlr -p 'test_*.py'
"""

from __future__ import annotations

import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from corpus import read_csv_spec  # noqa: E402
from differential import classify, generate_mutants, message_classes, signature  # noqa: E402
from mutate import OPERATORS_TABLE, mutant_rng, mutate, tokenize  # noqa: E402
from shrink import Shrinker  # noqa: E402

SPEC = """\
// a comment line
firstTest
required_capability: something
from employees
| where x > 1 // inline comment stays
| keep emp_no;

emp_no:integer
10001
;

# hash comment
second#[skip:-8.11.99]
row a = 1\\;
set b = 2;
a:integer
1
;
"""

OK = {"ok": True, "line": None, "column": None, "message": None}


def err(line, column, message="m"):
    return {"ok": False, "line": line, "column": column, "message": message}


class CsvSpecTest(unittest.TestCase):
    def test_queries_are_joined_with_crlf_and_directives_dropped(self):
        tests = read_csv_spec(SPEC)
        self.assertEqual(
            tests,
            [
                ("firstTest", "from employees\r\n| where x > 1 // inline comment stays\r\n| keep emp_no"),
                ("second", "row a = 1;\r\nset b = 2"),
            ],
        )


class TokenizeTest(unittest.TestCase):
    def test_tokens_cover_the_text(self):
        text = 'from a-* | where `x``y`.z == """q"q""" /* c */ and b != "s\\"t" // end\n| eval ?p'
        tokens = tokenize(text)
        self.assertEqual("".join(t.text for t in tokens), text)
        kinds = {t.text: t.kind for t in tokens}
        self.assertEqual(kinds['"""q"q"""'], "string")
        self.assertEqual(kinds["`x``y`"], "quoted")
        self.assertEqual(kinds["/* c */"], "comment")
        self.assertEqual(kinds["?p"], "param")

    def test_never_fails_on_odd_input(self):
        for text in ["", "\x00", '"unterminated', "/* open", "é\u2028😀", "`"]:
            self.assertEqual("".join(t.text for t in tokenize(text)), text)


class MutateTest(unittest.TestCase):
    corpus = ["from logs-* | where process.name == \"bash\" and x > 10\n| keep a, b", "row a = [1, 2], b = \"x\""]

    def test_same_seed_same_mutant(self):
        a = mutate(mutant_rng(7, 3), self.corpus[0], self.corpus)
        b = mutate(mutant_rng(7, 3), self.corpus[0], self.corpus)
        self.assertEqual(a, b)
        self.assertNotEqual(mutant_rng(7, 3).random(), mutant_rng(7, 4).random())

    def test_every_operator_runs_on_every_corpus_query(self):
        for index, (op, _) in enumerate(OPERATORS_TABLE * 20):
            for text in self.corpus + ["", "x", "a\rb", "a\r\nb\rc\n"]:
                result = op(mutant_rng(1, index), text, self.corpus)
                if result is not None:
                    self.assertIsInstance(result[0], str)
                    self.assertIsInstance(result[1], str)

    def test_mutant_set_does_not_depend_on_the_count(self):
        small = generate_mutants(self.corpus, [0], 5, 10)
        large = generate_mutants(self.corpus, [0], 5, 30)
        self.assertEqual([m["text"] for m in small], [m["text"] for m in large[:10]])
        texts = [m["text"] for m in large]
        self.assertEqual(len(texts), len(set(texts)))
        self.assertFalse(set(texts) & set(self.corpus))


class ClassifyTest(unittest.TestCase):
    def test_kinds(self):
        self.assertEqual(classify(OK, OK), "agree")
        self.assertEqual(classify(err(1, 5), err(1, 5)), "agree")
        self.assertEqual(classify(err(1, 5), err(1, 6)), "position")
        self.assertEqual(classify(err(2, 5), err(1, 5)), "position")
        self.assertEqual(classify(OK, err(1, 1)), "accept-only-detsim")
        self.assertEqual(classify(err(1, 1), OK), "accept-only-antlr")
        unpositioned = dict(err(None, None), unpositioned=True)
        self.assertEqual(classify(err(3, 4), unpositioned), "agree-unpositioned")
        self.assertEqual(classify(OK, unpositioned), "accept-only-detsim")
        self.assertEqual(classify(dict(err(None, None), detsim_error="exit 101"), err(1, 1)), "detsim-error")
        self.assertEqual(classify(OK, dict(err(None, None), oracle_error="recursion")), "oracle-error")

    def test_signature_separates_which_parser_stops_first(self):
        a = signature("position", err(1, 3, "extraneous input 'x'"), err(1, 5, "token recognition error at: '\"'"))
        b = signature("position", err(1, 5, "extraneous input 'x'"), err(1, 3, "token recognition error at: '\"'"))
        self.assertNotEqual(a, b)

    def test_message_classes_group_by_first_words_with_the_shortest_example(self):
        def diff(query, detsim, antlr):
            return {"query": query, "detsim": err(1, 1, detsim), "antlr": err(1, 1, antlr)}

        classes = message_classes([
            diff("ROW d = -1 da e", "no viable alternative at input '-1 da e'", "extraneous input 'e' expecting <EOF>"),
            diff("ROW -1 x", "no viable alternative at input '-1 x'", "extraneous input 'x' expecting <EOF>"),
            diff("x", "mismatched input 'x' expecting {DEV_EXPLAIN, 'row'}", "mismatched input 'x' expecting {, 'row'}"),
        ])
        self.assertEqual([c["count"] for c in classes], [2, 1])
        self.assertEqual(classes[0]["detsim_head"], "no viable alternative")
        self.assertEqual(classes[0]["antlr_head"], "extraneous input")
        self.assertEqual(classes[0]["example"], "ROW -1 x")
        self.assertEqual(classes[1]["example_antlr"], "mismatched input 'x' expecting {, 'row'}")


class ShrinkTest(unittest.TestCase):
    def test_shrinks_to_the_smallest_text_with_the_property(self):
        # Fake oracle pair: "disagree" whenever the text still contains both `(` and `"`.
        def evaluate(texts):
            return ["position" if "(" in t and '"' in t else "agree" for t in texts]

        small = Shrinker(evaluate).shrink('from logs | where f(a, "b") and c > 1', "position")
        self.assertEqual(sorted(small), sorted('("'))


if __name__ == "__main__":
    unittest.main()
