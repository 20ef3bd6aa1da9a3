//! The [`RowKernel`] backed by the reference evaluator (`oracles::reference`).
//!
//! Oracle twin: the reference itself — this file only adapts calling conventions. Invariant: each
//! method calls the reference's own function for the job (`expr::eval`, the command functions,
//! `aggregates::finish`, `ReferenceEvaluator::run`) with a `Context` carrying the caller's warnings and
//! clock, so the engine's borrowed semantics are the reference's, never a copy of them. `run_steps`
//! is the reference's own `evaluator::run_steps` (pipelines, early-stopping limits, implicit limit).

use esql::plan::{AggregateCall, Expr, Step};
use esql::{
    DataSource, EvalError, EvalOptions, Evaluator, Plan, ResultTable, Schema, Value, Warnings,
};
use oracles::reference::{Context, ReferenceEvaluator, aggregates, expr};

use super::row_kernel::RowKernel;

/// Row semantics from the reference evaluator.
#[derive(Debug, Default, Clone, Copy)]
pub struct ReferenceKernel;

fn with_context<T>(
    opts: &EvalOptions,
    warnings: &mut Warnings,
    f: impl FnOnce(&mut Context) -> Result<T, EvalError>,
) -> Result<T, EvalError> {
    let mut ctx = Context::new(opts.now_millis);
    ctx.warnings = std::mem::take(warnings);
    let out = f(&mut ctx);
    *warnings = ctx.warnings;
    out
}

impl RowKernel for ReferenceKernel {
    fn eval(
        &self,
        e: &Expr,
        row: &[Value],
        opts: &EvalOptions,
        warnings: &mut Warnings,
    ) -> Result<Value, EvalError> {
        with_context(opts, warnings, |ctx| expr::eval(e, row, ctx))
    }

    fn run_steps(
        &self,
        input: &Schema,
        steps: &[Step],
        rows: Vec<Vec<Value>>,
        opts: &EvalOptions,
        warnings: &mut Warnings,
    ) -> Result<Vec<Vec<Value>>, EvalError> {
        let _ = input;
        with_context(opts, warnings, |ctx| {
            oracles::reference::evaluator::run_steps(steps, rows, opts.implicit_limit, ctx)
        })
    }

    fn aggregate(
        &self,
        call: &AggregateCall,
        inputs: &[Vec<Value>],
        opts: &EvalOptions,
        warnings: &mut Warnings,
    ) -> Result<Value, EvalError> {
        with_context(opts, warnings, |ctx| aggregates::finish(call, inputs, ctx))
    }

    fn run_plan(
        &self,
        plan: &Plan,
        data: &dyn DataSource,
        opts: &EvalOptions,
    ) -> Result<ResultTable, EvalError> {
        ReferenceEvaluator::new().run(plan, data, opts)
    }
}
