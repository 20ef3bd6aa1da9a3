//! `EVAL a = expr, …`. SEMANTICS.md §2.5 (spec:row/evalOverride, spec:eval/projectEval): expression `j`
//! is evaluated on the extended row `input ++ [results 0..j]`, so later assignments see earlier ones;
//! the output is the plan's `projection` of the full extended row (the analyzer has already placed a
//! re-assigned name at its last position).

use esql::EvalError;
use esql::plan::Expr;

use crate::reference::expr::eval;
use crate::reference::{Context, Row};

/// Extends every row with the expressions' values, left to right.
pub fn extend(exprs: &[Expr], row: Row, ctx: &mut Context) -> Result<Row, EvalError> {
    let mut extended = row;
    for e in exprs {
        let v = eval(e, &extended, ctx)?;
        extended.push(v);
    }
    Ok(extended)
}

/// Picks `projection` out of an extended row.
pub fn project(extended: &Row, projection: &[usize]) -> Result<Row, EvalError> {
    projection
        .iter()
        .map(|&i| {
            extended.get(i).cloned().ok_or_else(|| {
                EvalError::Internal(format!(
                    "projection index {i} of a {}-column extended row",
                    extended.len()
                ))
            })
        })
        .collect()
}

/// Runs `EVAL` on one row.
pub fn eval_row(
    exprs: &[Expr],
    projection: &[usize],
    row: Row,
    ctx: &mut Context,
) -> Result<Row, EvalError> {
    project(&extend(exprs, row, ctx)?, projection)
}

/// Runs `EVAL`.
pub fn eval_step(
    exprs: &[Expr],
    projection: &[usize],
    rows: Vec<Row>,
    ctx: &mut Context,
) -> Result<Vec<Row>, EvalError> {
    rows.into_iter()
        .map(|r| eval_row(exprs, projection, r, ctx))
        .collect()
}
