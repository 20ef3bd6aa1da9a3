//! `WHERE condition`: keeps a row only when the condition is `true`; null and false drop it
//! (SEMANTICS.md §2.1, spec:null/whereNull, spec:where-like/likeStarAloneOnEvalOutput).

use esql::EvalError;
use esql::plan::Expr;

use crate::reference::expr::is_true;
use crate::reference::{Context, Row};

/// Whether one row passes.
pub fn keep(condition: &Expr, row: &Row, ctx: &mut Context) -> Result<bool, EvalError> {
    is_true(condition, row, ctx)
}

/// Filters rows.
pub fn where_(condition: &Expr, rows: Vec<Row>, ctx: &mut Context) -> Result<Vec<Row>, EvalError> {
    let mut out = Vec::new();
    for row in rows {
        if is_true(condition, &row, ctx)? {
            out.push(row);
        }
    }
    Ok(out)
}
