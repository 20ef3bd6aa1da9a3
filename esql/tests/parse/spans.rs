//! Spans: every node knows its source text, which ES uses to name unnamed columns and warnings.

use esql::ast::{ExprKind, ProcessingCommand, SourceCommand};

#[test]
fn aggregate_text_is_verbatim() {
    let src = "FROM employees\n| STATS MIN(salary  * 10), COUNT_DISTINCT(ip0, 80000) BY languages";
    let q = esql::parse(src).unwrap();
    let ProcessingCommand::Stats(stats) = &q.commands[0] else {
        panic!()
    };
    let texts: Vec<&str> = stats
        .aggregates
        .iter()
        .map(|a| q.text_of(a.field.expr.span))
        .collect();
    assert_eq!(texts, ["MIN(salary  * 10)", "COUNT_DISTINCT(ip0, 80000)"]);
    assert_eq!(q.text_of(stats.groups[0].span), "languages");
    assert_eq!(
        q.text_of(stats.span),
        "STATS MIN(salary  * 10), COUNT_DISTINCT(ip0, 80000) BY languages"
    );
}

#[test]
fn parentheses_and_comments_inside_an_expression_are_kept() {
    let src = "ROW x = (1 + /* c */ 2) * 3 // tail";
    let q = esql::parse(src).unwrap();
    let SourceCommand::Row(row) = &q.source else {
        panic!()
    };
    let e = &row.fields[0].expr;
    assert_eq!(q.text_of(e.span), "(1 + /* c */ 2) * 3");
    let ExprKind::Binary { left, .. } = &e.kind else {
        panic!()
    };
    assert_eq!(q.text_of(left.span), "(1 + /* c */ 2)");
    assert_eq!(q.text_of(row.fields[0].span), "x = (1 + /* c */ 2) * 3");
    assert_eq!(q.text_of(q.span), "ROW x = (1 + /* c */ 2) * 3");
}

#[test]
fn spans_do_not_affect_equality() {
    let a = esql::parse("FROM a | WHERE x > 1").unwrap();
    let b = esql::parse("FROM   a\n|\tWHERE   x>1").unwrap();
    assert_eq!(a, b);
    assert_ne!(a.commands[0].span(), b.commands[0].span());
}

#[test]
fn every_span_lies_inside_the_query() {
    let src = "FROM logs-* METADATA _id | EVAL a = TO_LOWER(process.name), b = [1, 2] | WHERE a LIKE \"x*\"";
    let q = esql::parse(src).unwrap();
    for c in &q.commands {
        let s = c.span();
        assert!(s.start < s.end && s.end as usize <= src.len(), "{s:?}");
    }
    assert_eq!(q.text_of(q.commands[1].span()), "WHERE a LIKE \"x*\"");
}
