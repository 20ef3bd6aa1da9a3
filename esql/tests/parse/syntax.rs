//! One test per construct: it parses, prints canonically and parses back to the same tree.

use esql::ast::{
    BinaryOp, ExprKind, FromSource, FunctionArgs, IndexName, InlineStatsSpelling, LikeKind,
    Literal, NamePatternPart, PatternPiece, ProcessingCommand, RenameStyle, Sign, SourceCommand,
};

use crate::helpers::{
    expr_parses_to, query_parses_to, verified_command, verified_expr, verified_query,
};

#[test]
fn from_index_patterns() {
    let q = verified_query(
        "FROM logs-*, \"quoted-*\", remote:idx, idx::failures, remote:idx::data METADATA _id, _index",
    );
    let SourceCommand::From(from) = &q.source else {
        panic!()
    };
    assert_eq!(from.sources.len(), 5);
    assert_eq!(from.metadata.len(), 2);
    let FromSource::Index(p) = &from.sources[4] else {
        panic!()
    };
    assert_eq!(p.cluster.as_deref(), Some("remote"));
    assert_eq!(p.index, IndexName::Unquoted("idx".into()));
    assert_eq!(p.selector.as_deref(), Some("data"));
    verified_query("FROM <logs-{now/d}>, .alerts-security.*, logs-*-*");
    query_parses_to("from a,b metadata _id", "FROM a, b METADATA _id");
    verified_query("TS metrics-* | LIMIT 1");
}

#[test]
fn from_subqueries() {
    verified_query("FROM (FROM b | WHERE x > 1), c, (ROW y = 1 | EVAL z = y)");
}

#[test]
fn row_show_and_set() {
    verified_query("ROW a = 1, b = \"x\", c");
    verified_query("SHOW INFO");
    verified_query("SET a = 1; SET `b` = {\"c\": \"d\"}; ROW x = 1");
    query_parses_to("show info", "SHOW INFO");
}

#[test]
fn processing_commands() {
    verified_command("WHERE a > 1 AND b IS NOT NULL");
    verified_command("EVAL a = 1, b = a + 1, a * 2");
    verified_command(
        "STATS c = COUNT(*) WHERE x > 1, MAX(y) BY host.name, d = BUCKET(@timestamp, 1 hour)",
    );
    verified_command("STATS");
    verified_command("STATS BY a");
    verified_command("KEEP a, b.*, `c d`, ?p");
    verified_command("DROP *.tmp");
    verified_command("SORT a, b DESC, c ASC NULLS FIRST, d NULLS LAST");
    verified_command("LIMIT 10");
    verified_command("LIMIT 10 BY a, b");
    verified_command("MV_EXPAND host.ip");
    verified_command("DISSECT msg \"%{a} %{b}\" APPEND_SEPARATOR = \"-\"");
    verified_command("GROK msg \"%{IP:ip}\", \"%{WORD:w}\"");
    verified_command("ENRICH policy ON host.name WITH new = old, other");
    verified_command("ENRICH _any:policy");
    verified_command("LOOKUP JOIN threat_intel ON source.ip");
    verified_command("LOOKUP JOIN idx ON a == b, c");
    verified_command("CHANGE_POINT count ON @timestamp AS type, pvalue BY host");
    verified_command("COMPLETION answer = prompt WITH {\"inference_id\": \"x\"}");
    verified_command("SAMPLE 0.5");
    verified_command("FORK (WHERE x > 1 | LIMIT 3) (SORT y DESC)");
    verified_command("RERANK score = \"q\" ON title, body WITH {\"inference_id\": \"x\"}");
    verified_command("FUSE linear SCORE BY s KEY BY a, b GROUP BY g WITH {\"k\": 1}");
    verified_command("URI_PARTS p = url.original");
    verified_command("REGISTERED_DOMAIN d = dns.question.name");
    verified_command("USER_AGENT ua = user_agent.original WITH {\"x\": true}");
    verified_command("IP_LOCATION geo = source.ip");
    verified_command("METRICS_INFO");
    verified_command("MMR [0.1, 0.2] ON v LIMIT 10 WITH {\"lambda\": 0.5}");
    verified_query("PROMQL step = 1m ( rate ( x [ 5m ] ) )");
}

#[test]
fn inline_stats_spellings() {
    let two = verified_command("INLINE STATS c = COUNT(*) BY g");
    let one = verified_command("INLINESTATS c = COUNT(*) BY g");
    let (ProcessingCommand::InlineStats(a), ProcessingCommand::InlineStats(b)) = (two, one) else {
        panic!()
    };
    assert_eq!(a.spelling, InlineStatsSpelling::TwoWords);
    assert_eq!(b.spelling, InlineStatsSpelling::OneWord);
    assert_eq!(a.aggregates, b.aggregates);
}

#[test]
fn rename_both_forms() {
    let ProcessingCommand::Rename(r) = verified_command("RENAME a AS b, d = c") else {
        panic!()
    };
    assert_eq!(r.clauses[0].style, RenameStyle::As);
    assert_eq!(r.clauses[1].style, RenameStyle::Assign);
    // `d = c` renames c to d.
    assert_eq!(r.clauses[1].old.to_string(), "c");
    assert_eq!(r.clauses[1].new.to_string(), "d");
}

#[test]
fn name_patterns_keep_their_pieces() {
    let ProcessingCommand::Keep(k) = verified_command("KEEP `a``b`*.c") else {
        panic!()
    };
    let NamePatternPart::Pattern(p) = &k.patterns[0].parts[0] else {
        panic!()
    };
    assert_eq!(
        p.pieces,
        vec![
            PatternPiece::Quoted("a`b".into()),
            PatternPiece::Unquoted("*".into())
        ]
    );
    assert!(k.patterns[0].has_wildcard());
}

#[test]
fn keywords_are_case_insensitive() {
    query_parses_to(
        "from a | WhErE x iS nOt NuLl | sOrT x DeSc NuLlS fIrSt",
        "FROM a | WHERE x IS NOT NULL | SORT x DESC NULLS FIRST",
    );
}

#[test]
fn literals() {
    assert_eq!(verified_expr("null").kind, ExprKind::Literal(Literal::Null));
    verified_expr("true");
    expr_parses_to("FALSE", "false");
    verified_expr("42");
    verified_expr("1.5e10");
    verified_expr(".5");
    verified_expr("1.");
    verified_expr("\"a\\tb\\n\\\"c\\\\\"");
    verified_expr("\"\"\"raw \"quoted\" \\d\"\"\"");
    verified_expr("[1, -2.5, +3]");
    verified_expr("[true, false]");
    verified_expr("[\"a\", \"b\"]");
    verified_expr("1 hour");
    verified_expr("-30 seconds");
    expr_parses_to("5   m", "5 m");
}

#[test]
fn string_escapes_are_decoded() {
    let e = expr_parses_to("\"a\\tb\\\"c\\\\d\\Te\"", "\"a\\tb\\\"c\\\\d\\\\Te\"");
    let ExprKind::Literal(Literal::String(s)) = e.kind else {
        panic!()
    };
    // `\T` (upper case) is a valid escape for the lexer but kept as written.
    assert_eq!(s.value, "a\tb\"c\\d\\Te");
    let e = verified_expr("\"\"\"x\"y\\t\"\"\"");
    let ExprKind::Literal(Literal::String(s)) = e.kind else {
        panic!()
    };
    assert!(s.triple_quoted);
    assert_eq!(s.value, "x\"y\\t");
}

#[test]
fn a_sign_before_a_number_is_part_of_the_literal() {
    let e = expr_parses_to("- 1", "-1");
    let ExprKind::Literal(Literal::Integer(i)) = e.kind else {
        panic!("{e:?}")
    };
    assert_eq!(i.sign, Some(Sign::Minus));
    let e = verified_expr("-x");
    assert!(matches!(e.kind, ExprKind::Unary { .. }));
    verified_expr("--1");
    verified_expr("a - -1");
    verified_expr("-1::long");
}

#[test]
fn parameters() {
    verified_expr("?");
    verified_expr("?name");
    verified_expr("?1");
    verified_expr("??f");
    verified_expr("?f(x)");
    verified_expr("??fn(1)");
    verified_expr("?a.b");
}

#[test]
fn operators_and_precedence() {
    let e = verified_expr("a + b * c");
    let ExprKind::Binary { op, right, .. } = e.kind else {
        panic!()
    };
    assert_eq!(op, BinaryOp::Add);
    assert!(matches!(
        right.kind,
        ExprKind::Binary {
            op: BinaryOp::Mul,
            ..
        }
    ));
    let e = verified_expr("a OR b AND NOT c");
    let ExprKind::Binary { op, right, .. } = e.kind else {
        panic!()
    };
    assert_eq!(op, BinaryOp::Or);
    assert!(matches!(
        right.kind,
        ExprKind::Binary {
            op: BinaryOp::And,
            ..
        }
    ));
    verified_expr("(a + b) * c");
    verified_expr("a - b - c");
    verified_expr("a / b % c");
    verified_expr("a == b");
    verified_expr("a != b");
    verified_expr("a < b AND a <= b AND a > b AND a >= b");
    verified_expr("a == b IS NULL");
    verified_expr("NOT NOT a");
}

#[test]
fn in_like_rlike_is_null() {
    verified_expr("x IN (1, 2, 3)");
    verified_expr("x NOT IN (\"a\", b)");
    let e = verified_expr("x LIKE \"a*\"");
    assert!(matches!(
        e.kind,
        ExprKind::Like {
            kind: LikeKind::Like,
            list: false,
            negated: false,
            ..
        }
    ));
    let e = verified_expr("x NOT RLIKE (\"a.*\", ?p)");
    assert!(matches!(
        e.kind,
        ExprKind::Like {
            kind: LikeKind::RLike,
            list: true,
            negated: true,
            ..
        }
    ));
    verified_expr("x IS NULL");
    verified_expr("x IS NOT NULL");
    verified_query("FROM a | WHERE x IN (FROM b | KEEP x) AND y NOT IN (ROW z = 1)");
}

#[test]
fn casts_match_and_functions() {
    verified_expr("x::long");
    verified_expr("\"1.2.3.4\"::ip::string");
    verified_expr("title : \"search\"");
    verified_expr("title::keyword : \"search\"");
    let e = verified_expr("COUNT(*)");
    let ExprKind::Function(f) = e.kind else {
        panic!()
    };
    assert_eq!(f.args, FunctionArgs::Star);
    verified_expr("now()");
    verified_expr("FIRST(x, y)");
    verified_expr(
        "match(title, \"q\", {\"fuzziness\": \"AUTO\", \"boost\": 2.0, \"o\": {\"n\": 1}})",
    );
    verified_expr("`to_lower`(x)");
}

#[test]
fn identifiers() {
    verified_expr("host.os.name");
    verified_expr("@timestamp");
    verified_expr("_id");
    let e = verified_expr("`weird``name`.`a.b`");
    let ExprKind::Field(q) = e.kind else { panic!() };
    assert_eq!(q.dotted().as_deref(), Some("weird`name.a.b"));
}

#[test]
fn comments_anywhere() {
    query_parses_to(
        "/* lead */ FROM /* mid */ a // end of line\n| /* x */ WHERE /* nested /* ok */ */ x // end",
        "FROM a | WHERE x",
    );
}
