//! Shared helpers: parse-and-print checks in the style of sqlparser's `verified_stmt`, and the
//! location of the shared reference material.

use std::path::PathBuf;

use esql::ast::{Expr, ProcessingCommand, Query};

/// Parses `src`, checks that it prints back exactly as written and that the printed text parses
/// to the same tree; returns the tree.
#[track_caller]
pub fn verified_query(src: &str) -> Query {
    query_parses_to(src, src)
}

/// Parses `src`, checks that it prints as `canonical` and that `canonical` parses to the same
/// tree; returns the tree.
#[track_caller]
pub fn query_parses_to(src: &str, canonical: &str) -> Query {
    let q = esql::parse(src).unwrap_or_else(|e| panic!("{src:?} does not parse: {e}"));
    let printed = esql::print(&q);
    assert_eq!(printed, canonical, "printing {src:?}");
    let again = esql::parse(&printed).unwrap_or_else(|e| panic!("{printed:?} does not parse: {e}"));
    assert_eq!(again, q, "round trip of {src:?}");
    q
}

/// The expression of `ROW x = <expr>` after checking that `expr` prints as `canonical`.
#[track_caller]
pub fn expr_parses_to(expr: &str, canonical: &str) -> Expr {
    let q = query_parses_to(&format!("ROW x = {expr}"), &format!("ROW x = {canonical}"));
    match q.source {
        esql::ast::SourceCommand::Row(row) => row.fields.into_iter().next().unwrap().expr,
        other => panic!("not a ROW: {other:?}"),
    }
}

/// An expression that prints back unchanged.
#[track_caller]
pub fn verified_expr(expr: &str) -> Expr {
    expr_parses_to(expr, expr)
}

/// The first processing command of `FROM a | <cmd>`, after checking that it round-trips.
#[track_caller]
pub fn verified_command(cmd: &str) -> ProcessingCommand {
    let q = verified_query(&format!("FROM a | {cmd}"));
    q.commands.into_iter().next().unwrap()
}

/// The error message (`line L:C: …`) of a query that must not parse.
#[track_caller]
pub fn error_of(src: &str) -> String {
    match esql::parse(src) {
        Ok(q) => panic!("{src:?} parsed: {q:?}"),
        Err(e) => e.to_string(),
    }
}

/// The shared reference folder (`../shared` from the workspace root), or `None` with a notice.
/// Under `CI=true` a missing folder fails the test.
pub fn shared_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared");
    if dir.is_dir() {
        return Some(dir);
    }
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!(
            "CI=true but the shared reference folder is missing: {}",
            dir.display()
        );
    }
    eprintln!(
        "skipping: shared reference folder {} not found",
        dir.display()
    );
    None
}
