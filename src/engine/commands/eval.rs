//! EVAL over a frame: compute each assignment as a column, left to right, then project.
//!
//! Oracle twin: the reference's eval command. Invariant: assignment `j` sees the extended row
//! `input ++ results 0..j` exactly as in the reference, is evaluated on every selected row (so its
//! warnings are the reference's even when the column is later dropped), and the output columns are the
//! projection of the extended row.

use esql::plan::Expr;
use esql::{DataType, EvalError};

use crate::engine::expr::Ctx;
use crate::engine::expr::predicate::{Compiler, Pred};
use crate::engine::expr::vector::eval_column;
use crate::engine::frame::Frame;

/// A compiled EVAL.
#[derive(Debug, Clone)]
pub struct EvalCommand {
    leaves: Vec<(Pred, DataType)>,
    projection: Vec<usize>,
}

impl EvalCommand {
    /// Compiles the assignments; `node_base` keeps table ids distinct from other steps'.
    pub fn new(exprs: &[Expr], projection: &[usize], node_base: u32) -> EvalCommand {
        let mut c = Compiler::new(node_base);
        EvalCommand {
            leaves: exprs
                .iter()
                .map(|e| (c.compile_value(e), e.data_type))
                .collect(),
            projection: projection.to_vec(),
        }
    }

    /// Extends and projects the frame; `types` are the output column types.
    pub fn apply(
        &self,
        frame: &mut Frame,
        ctx: &mut Ctx<'_>,
        types: Vec<DataType>,
    ) -> Result<(), EvalError> {
        for (leaf, t) in &self.leaves {
            let col = eval_column(leaf, *t, frame, ctx)?;
            frame.columns.push(Some(col));
            frame.types.push(*t);
        }
        super::project::apply(frame, &self.projection, types);
        Ok(())
    }
}
