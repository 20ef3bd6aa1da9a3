//! The row-wise kernel: exact scalar semantics the columnar engine borrows for what it does not specialise.
//!
//! Oracle twin: the reference evaluator itself. Invariant: the engine never re-derives ES|QL scalar
//! semantics (functions, casts, LIKE/RLIKE matching, arithmetic, MV rules): every value it computes that is
//! not a plain column read, boolean combination or dictionary lookup comes from a [`RowKernel`] call on the
//! very row values the reference would see, so the two engines cannot disagree on a function. What the
//! engine adds is *when* and *how often* those calls happen (once per distinct dictionary value, only on
//! selected rows) — that is what the differential tests check.

use esql::plan::{AggregateCall, Step};
use esql::{EvalError, EvalOptions, Plan, ResultTable, Schema, Value, Warnings};

/// Exact row-at-a-time semantics, provided by the reference evaluator.
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
