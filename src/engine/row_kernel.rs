//! The row-wise kernel seam: the scalar semantics the columnar paths call for what they do not specialise.
//!
//! Oracle twin: the reference evaluator's expression, aggregate and step functions. Invariant: every
//! value the columnar paths compute that is not a plain column read, boolean combination or dictionary
//! lookup comes from a [`RowKernel`] call on the very row values the reference would see (once per
//! distinct dictionary value, only on selected rows). The engine's implementation is
//! [`EngineKernel`](super::kernel::EngineKernel), written independently of the reference, so the
//! differential tests check both the semantics and the columnar bookkeeping.

use esql::plan::{AggregateCall, Step};
use esql::{EvalError, EvalOptions, Plan, ResultTable, Schema, Value, Warnings};

/// Exact row-at-a-time semantics (see [`EngineKernel`](super::kernel::EngineKernel)).
pub trait RowKernel: Send + Sync {
    /// Evaluates `expr` on `row` (laid out as the expression's input schema), recording failures in
    /// `warnings` exactly as the reference does.
    fn eval(
        &self,
        expr: &esql::plan::Expr,
        row: &[Value],
        opts: &EvalOptions,
        warnings: &mut Warnings,
    ) -> Result<Value, EvalError>;

    /// Runs `steps`, then `opts.implicit_limit`, over `rows` (laid out as `input`) exactly as the
    /// reference runs a plan's steps; `steps` must start at a segment boundary (a blocking step).
    fn run_steps(
        &self,
        input: &Schema,
        steps: &[Step],
        rows: Vec<Vec<Value>>,
        opts: &EvalOptions,
        warnings: &mut Warnings,
    ) -> Result<Vec<Vec<Value>>, EvalError>;

    /// As [`Self::run_steps`], over rows whose deferred cells `materialize` fills only when a row reaches
    /// step `at` (`steps.len()`: when it leaves the steps); the steps before `at` must not read those
    /// cells. By default every row is materialised first.
    #[allow(clippy::too_many_arguments)]
    fn run_steps_deferred(
        &self,
        input: &Schema,
        steps: &[Step],
        mut rows: Vec<Vec<Value>>,
        opts: &EvalOptions,
        warnings: &mut Warnings,
        at: usize,
        materialize: &mut super::rows::Materialize<'_>,
    ) -> Result<Vec<Vec<Value>>, EvalError> {
        let _ = at;
        for r in rows.iter_mut() {
            materialize(r)?;
        }
        self.run_steps(input, steps, rows, opts, warnings)
    }

    /// The final value of aggregate `call` over the argument values it saw for one group, in input order
    /// (each item is the evaluated arguments of one accepted row).
    fn aggregate(
        &self,
        call: &AggregateCall,
        inputs: &[Vec<Value>],
        opts: &EvalOptions,
        warnings: &mut Warnings,
    ) -> Result<Value, EvalError>;

    /// Runs a whole plan the reference's way (used when the engine cannot run a plan at all).
    fn run_plan(
        &self,
        plan: &Plan,
        data: &dyn esql::DataSource,
        opts: &EvalOptions,
    ) -> Result<ResultTable, EvalError>;
}
