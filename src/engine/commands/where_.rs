//! WHERE over a frame: evaluate the compiled condition on the selection and keep the `true` rows.
//!
//! Oracle twin: the reference's WHERE command. Invariant: the new selection is exactly the rows, in
//! order, whose condition the reference evaluates to `true` (false and null drop the row), and the
//! condition's failures are logged for exactly the rows the reference evaluates it on.

use esql::EvalError;

use crate::engine::expr::Ctx;
use crate::engine::expr::predicate::{Compiler, Pred};
use crate::engine::frame::Frame;

/// A compiled WHERE.
#[derive(Debug, Clone)]
pub struct WhereCommand {
    pred: Pred,
}

impl WhereCommand {
    /// Compiles `condition`; `node_base` keeps its table ids distinct from other steps'.
    pub fn new(condition: &esql::plan::Expr, node_base: u32) -> WhereCommand {
        WhereCommand {
            pred: Compiler::new(node_base).compile(condition),
        }
    }

    /// Narrows the frame's selection.
    pub fn apply(&self, frame: &mut Frame, ctx: &mut Ctx<'_>) -> Result<(), EvalError> {
        if frame.selection.is_empty() {
            return Ok(());
        }
        frame.selection = self.pred.filter(frame, &frame.selection, ctx)?;
        Ok(())
    }
}
