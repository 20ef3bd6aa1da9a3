//! Each kind of syntax error, with the message and position Elastic's ANTLR parser reports
//! (checked against detection-rules-esql-py 0.1.0, grammar 9.5, release mode).

use esql::ParseErrorKind;

use crate::helpers::error_of;

const EXPR_START: &str = "{QUOTED_STRING, INTEGER_LITERAL, DECIMAL_LITERAL, 'false', 'first', \
    'last', 'not', 'null', '?', 'true', '+', '-', '??', NAMED_OR_POSITIONAL_PARAM, \
    NAMED_OR_POSITIONAL_DOUBLE_PARAMS, OPENING_BRACKET, LP, UNQUOTED_IDENTIFIER, QUOTED_IDENTIFIER}";

#[test]
fn mismatched_input() {
    assert_eq!(
        error_of("FROM a | WHERE"),
        format!("line 1:15: mismatched input '<EOF>' expecting {EXPR_START}")
    );
    assert_eq!(
        error_of("where x"),
        // Elasticsearch's release build deletes the DEV_ tokens from the set (stray `{, ` kept).
        "line 1:1: mismatched input 'where' expecting {, 'row', 'from', 'ts', 'promql', 'set', \
         'show'}"
    );
    assert_eq!(
        error_of("from a | where x =~ \"a\""),
        "line 1:18: mismatched input '=~' expecting <EOF>"
    );
    assert_eq!(
        error_of("from a | where x is"),
        "line 1:20: mismatched input '<EOF>' expecting {'not', 'null'}"
    );
}

#[test]
fn extraneous_input() {
    assert_eq!(
        error_of("from a b"),
        "line 1:8: extraneous input 'b' expecting <EOF>"
    );
    assert_eq!(
        error_of("from a | eval = 1"),
        format!("line 1:15: extraneous input '=' expecting {EXPR_START}")
    );
    assert_eq!(
        error_of("from a | where x in (1, 2 3 4)"),
        "line 1:27: extraneous input '3' expecting {',', ')'}"
    );
}

#[test]
fn missing_token() {
    assert_eq!(
        error_of("from a | grok x"),
        "line 1:16: missing QUOTED_STRING at '<EOF>'"
    );
    assert_eq!(error_of("show"), "line 1:5: missing 'info' at '<EOF>'");
    assert_eq!(
        error_of("from a | sort x nulls"),
        "line 1:22: missing {'first', 'last'} at '<EOF>'"
    );
    // After `IS NOT`, ANTLR inserts the `null` when the token found may follow it
    // (FINDINGS.md M2), and only then.
    assert_eq!(
        error_of("row a = x is not and y"),
        "line 1:18: missing 'null' at 'and'"
    );
    assert_eq!(
        error_of("from a | stats count(*) where x is not by y"),
        "line 1:40: missing 'null' at 'by'"
    );
    assert_eq!(
        error_of("from a | where x is not | keep y"),
        "line 1:25: missing 'null' at '|'"
    );
    assert_eq!(
        error_of("from a | where x is not 1"),
        "line 1:25: mismatched input '1' expecting 'null'"
    );
    assert_eq!(
        error_of("from a | where (x is not)"),
        "line 1:25: no viable alternative at input '(x is not)'"
    );
}

#[test]
fn no_viable_alternative() {
    assert_eq!(
        error_of("from a | where x =="),
        "line 1:20: no viable alternative at input 'x =='"
    );
    assert_eq!(
        error_of("from a | where f(x"),
        "line 1:19: no viable alternative at input 'f(x'"
    );
    assert_eq!(
        error_of("row a = x in (tsField, 1)"),
        "line 1:15: no viable alternative at input 'x in (tsField,'"
    );
    // The development-only `[cluster].[field]` name: ANTLR reads it, then rejects it at `[`.
    assert_eq!(
        error_of("row a = [].[x]"),
        "line 1:9: no viable alternative at input '['"
    );
    assert_eq!(
        error_of("row a = [x]"),
        "line 1:12: no viable alternative at input '[x]'"
    );
}

#[test]
fn token_recognition_error() {
    assert_eq!(
        error_of("row a = 1 ! 2"),
        "line 1:11: token recognition error at: '! '"
    );
    assert_eq!(
        error_of("row a = \"ab\nc\""),
        "line 1:9: token recognition error at: '\"ab\\n'"
    );
    assert_eq!(
        error_of("from a | keep `a`b`"),
        "line 1:19: token recognition error at: '`'"
    );
}

#[test]
fn lexer_errors_win_when_antlr_reads_ahead() {
    // Before reporting `extraneous input`, ANTLR tries single-token deletion: it reads the token
    // after the offending one, and a lexical error there is thrown first.
    assert_eq!(
        error_of("from x x\""),
        "line 1:9: token recognition error at: '\"'"
    );
    // A lexical error at or before the offending token wins too.
    assert_eq!(
        error_of("from a | where x == \"open"),
        "line 1:21: token recognition error at: '\"open'"
    );
}

#[test]
fn no_viable_alternative_does_not_read_ahead() {
    // Elasticsearch (Java) quotes only the tokens already read: a later lexical error loses
    // (ANTLR's Python runtime would lex on and report the `"` at 1:39; FINDINGS.md F1).
    assert_eq!(
        error_of("from a | where x == f(y == ) and z == \"open"),
        "line 1:28: no viable alternative at input 'x == f(y == )'"
    );
}

#[test]
fn lookup_join_cluster_without_index() {
    // The release and the development-only JOIN target forms both start with the index
    // pattern: a `cluster:` without an index fails that prediction.
    assert_eq!(
        error_of("FROM x | LOOKUP JOIN a : \"b\" ON x"),
        "line 1:26: no viable alternative at input 'a : \"b\"'"
    );
    assert_eq!(
        error_of("FROM x | LOOKUP JOIN a :"),
        "line 1:25: no viable alternative at input 'a :'"
    );
    assert_eq!(
        error_of("FROM x | LOOKUP JOIN \"a\" : \"b\" ON x"),
        "line 1:26: mismatched input ':' expecting 'on'"
    );
}

#[test]
fn ambiguous_primaries_fail_like_sll_prediction() {
    // Elasticsearch predicts in SLL mode: a signed number or a parameter followed by a token that
    // cannot follow it is a plain `extraneous`/`mismatched input`, not the `no viable
    // alternative` of ANTLR's full-context (LL) retry.
    assert_eq!(
        error_of("ROW d = -1 da e"),
        "line 1:15: extraneous input 'e' expecting <EOF>"
    );
    assert_eq!(
        error_of("ROW a = ?p by"),
        "line 1:12: extraneous input 'by' expecting <EOF>"
    );
    assert_eq!(
        error_of("PROMQL x = (rate(a[5m])))"),
        "line 1:25: extraneous input ')' expecting <EOF>"
    );
}

#[test]
fn positions_are_lines_and_characters() {
    let err = esql::parse("FROM a\n| WHERE \"é\" == 1 AND ").unwrap_err();
    assert_eq!((err.line, err.column), (2, 22));
    assert!(matches!(err.kind, ParseErrorKind::MismatchedInput { .. }));
    assert_eq!(
        err.expected.first().map(String::as_str),
        Some("QUOTED_STRING")
    );
}

#[test]
fn unbalanced_close_is_an_error_not_a_panic() {
    let err = esql::parse("row a = 1 )").unwrap_err();
    assert!(
        matches!(err.kind, ParseErrorKind::UnbalancedClose { .. }),
        "{err}"
    );
    assert_eq!((err.line, err.column), (1, 11));
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    let src = format!("ROW x = {}1{}", "(".repeat(5000), ")".repeat(5000));
    let err = esql::parse(&src).unwrap_err();
    assert!(matches!(err.kind, ParseErrorKind::TooDeep { .. }), "{err}");
    let src = format!("ROW x = {}1", "-".repeat(100_000));
    assert!(matches!(
        esql::parse(&src).unwrap_err().kind,
        ParseErrorKind::TooDeep { .. }
    ));
}

#[test]
fn render_draws_a_caret() {
    let src = "FROM logs\n| WHERE x ==";
    let err = esql::parse(src).unwrap_err();
    assert_eq!(
        err.render(src, "rule.toml"),
        "rule.toml:2:13: no viable alternative at input 'x =='\n| WHERE x ==\n            ^\n"
    );
}
