//! Computed columns: the value of an expression on every selected row of a frame, as a [`Column`].
//!
//! Oracle twin: the reference computing an EVAL assignment row by row. Invariant: the column holds, at
//! each selected base row, the value the reference computes for that row (unselected rows hold null and
//! are never read); a plain column reference returns the input column itself without copying.

use std::sync::Arc;

use esql::EvalError;

use super::context::Ctx;
use super::predicate::Pred;
use crate::engine::column::{Column, ColumnBuilder};
use crate::engine::frame::Frame;

/// Evaluates the leaf `p` (of type `t`) on the frame's selection into a column aligned to base rows.
pub fn eval_column(
    p: &Pred,
    t: esql::DataType,
    frame: &Frame,
    ctx: &mut Ctx<'_>,
) -> Result<Arc<Column>, EvalError> {
    if let Some(c) = p.plain_column() {
        return Ok(frame.column(c)?.clone());
    }
    let vals = p.eval_values(frame, &frame.selection, ctx, false)?;
    let mut b = ColumnBuilder::new(t, ctx.use_dictionary, frame.rows);
    let mut next = vals.values.into_iter();
    let mut sel = frame.selection.iter().peekable();
    for r in 0..frame.rows as u32 {
        if sel.peek() == Some(&&r) {
            sel.next();
            b.push(next.next().unwrap_or(esql::Value::Null));
        } else {
            b.end_row();
        }
    }
    Ok(Arc::new(b.finish()))
}
