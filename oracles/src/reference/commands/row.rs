//! `ROW a = expr, …`: one row of constant expressions, each evaluated on an empty row. Literal lists keep
//! their written order (SEMANTICS.md §2.2, spec:row/multivalue).

use esql::EvalError;
use esql::plan::RowSource;

use crate::reference::expr::eval;
use crate::reference::{Context, Row};

/// Produces the single row of `ROW`.
pub fn row(source: &RowSource, ctx: &mut Context) -> Result<Vec<Row>, EvalError> {
    let mut out = Vec::with_capacity(source.exprs.len());
    for e in &source.exprs {
        let v = eval(e, &out, ctx)?;
        out.push(v);
    }
    Ok(vec![out])
}
