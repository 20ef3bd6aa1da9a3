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

    /// Before an MV_EXPAND of column `c` that this WHERE follows: drops the rows whose every expanded
    /// child this WHERE would reject, when that cannot change any warning. Each child of a row carries
    /// the row's values in the other columns, so a top-level conjunct that does not read `c` has the same
    /// truth on all children; a row where it is not `true` yields no child that passes. Pre-filtering is
    /// done only when evaluating the whole condition on the expanded rows can log no failure (so skipping
    /// those children loses no warning). The WHERE still runs in full after the expansion.
    pub fn prefilter_before_expand(
        &self,
        c: usize,
        frame: &mut Frame,
        ctx: &mut Ctx<'_>,
    ) -> Result<(), EvalError> {
        let independent: Vec<&Pred> = self
            .pred
            .conjuncts()
            .into_iter()
            .filter(|p| p.independent_of(c))
            .collect();
        if independent.is_empty()
            || frame.selection.is_empty()
            || !self.pred.quiet_after_expanding(c, frame, ctx)?
        {
            return Ok(());
        }
        for p in independent {
            frame.selection = p.filter(frame, &frame.selection, ctx)?;
            if frame.selection.is_empty() {
                break;
            }
        }
        Ok(())
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
