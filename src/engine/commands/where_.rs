//! WHERE over a frame: evaluate the compiled condition on the selection and keep the `true` rows.
//!
//! Oracle twin: the reference's WHERE command. Invariant: the new selection is exactly the rows, in
//! order, whose condition the reference evaluates to `true` (false and null drop the row), and the
//! condition's failures are logged for exactly the rows the reference evaluates it on.

use esql::EvalError;

use crate::engine::expr::Ctx;
use crate::engine::expr::expand_filter::expand_filtered;
use crate::engine::expr::predicate::{Compiler, Pred};
use crate::engine::expr::split::conjunction_filter;
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
        crate::engine::commands::mv_expand::materialize(frame);
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

    /// True when this WHERE runs split on `frame` (see [`Self::apply`]).
    pub fn splittable(&self, frame: &Frame, ctx: &Ctx<'_>) -> bool {
        self.pred.splittable(frame, ctx)
    }

    /// MV_EXPAND of column `c` (plan step `expand_step`) followed by this WHERE, on an unexpanded frame
    /// where [`Self::splittable`] holds: failures are logged for every child without expanding;
    /// conjuncts that do not read `c` (same truth on every child as on its row) filter the rows; only
    /// the rows left are expanded (virtually) and filtered by the conjuncts that read `c`.
    pub fn apply_expanding(
        &self,
        c: usize,
        expand_step: u32,
        frame: &mut Frame,
        ctx: &mut Ctx<'_>,
    ) -> Result<(), EvalError> {
        // The selection must index the columns' rows (an earlier expansion made real).
        crate::engine::commands::mv_expand::materialize(frame);
        let rows = std::mem::take(&mut frame.selection);
        let col = frame.column(c)?.clone();
        let identity = rows.iter().all(|&r| col.count(r as usize) <= 1);
        if identity {
            // MV_EXPAND changes nothing here (and records nothing in the rows' lineage).
            frame.selection = rows;
            return self.apply(frame, ctx);
        }
        self.pred
            .log_failures_expanding(frame, &rows, c, expand_step, ctx)?;
        let (independent, dependent): (Vec<&Pred>, Vec<&Pred>) = self
            .pred
            .conjuncts()
            .into_iter()
            .partition(|p| p.independent_of(c));
        frame.selection = conjunction_filter(independent, frame, &rows, ctx)?;
        // Only the children the conjuncts on `c` keep, when they allow (`expr/expand_filter.rs`).
        if expand_filtered(&dependent, frame, c, expand_step, ctx)? {
            return Ok(());
        }
        crate::engine::commands::mv_expand::expand(frame, c, expand_step)?;
        if !dependent.is_empty() && !frame.selection.is_empty() {
            let rows = std::mem::take(&mut frame.selection);
            frame.selection = conjunction_filter(dependent, frame, &rows, ctx)?;
        }
        Ok(())
    }

    /// Narrows the frame's selection. A condition over dictionary keyword columns and constants runs
    /// split (`expr/split.rs`: failures of every leaf on every row, then truth alone, on a virtual
    /// frame too); anything else runs through [`Pred::filter`] on a materialised frame.
    pub fn apply(&self, frame: &mut Frame, ctx: &mut Ctx<'_>) -> Result<(), EvalError> {
        if frame.selection.is_empty() {
            return Ok(());
        }
        if self.pred.splittable(frame, ctx) {
            let rows = std::mem::take(&mut frame.selection);
            self.pred.log_failures(frame, &rows, ctx)?;
            frame.selection = self.pred.truth_filter(frame, &rows, ctx)?;
            return Ok(());
        }
        crate::engine::commands::mv_expand::materialize(frame);
        frame.selection = self.pred.filter(frame, &frame.selection, ctx)?;
        Ok(())
    }
}
