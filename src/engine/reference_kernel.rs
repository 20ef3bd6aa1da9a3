//! The [`RowKernel`] backed by the reference evaluator (`oracles::reference`).
//!
//! Oracle twin: the reference itself — this file only adapts calling conventions. Invariant: each
//! method calls the reference's own function for the job (`expr::eval`, the command functions,
//! `aggregates::finish`, `ReferenceEvaluator::run`) with a `Context` carrying the caller's warnings and
//! clock, so the engine's borrowed semantics are the reference's, never a copy of them. `run_steps`
//! dispatches each step to the reference's command function exactly as `ReferenceEvaluator::run` does.

use esql::plan::StepKind;
use esql::plan::{AggregateCall, Expr, Step};
use esql::{
    DataSource, EvalError, EvalOptions, Evaluator, Plan, ResultTable, Schema, Value, Warnings,
};
use oracles::reference::commands::{
    dissect, eval, grok, inline_stats, limit, mv_expand, project, sort, stats, where_,
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
            let mut rows = rows;
            for step in steps {
                rows = match &step.kind {
                    StepKind::Where { condition } => where_::where_(condition, rows, ctx)?,
                    StepKind::Eval { exprs, projection } => {
                        eval::eval_step(exprs, projection, rows, ctx)?
                    }
                    StepKind::Stats(agg) => stats::stats(agg, rows, ctx)?,
                    StepKind::InlineStats {
                        aggregation,
                        projection,
                    } => inline_stats::inline_stats(aggregation, projection, rows, ctx)?,
                    StepKind::Project { columns } => project::project(columns, rows)?,
                    StepKind::Sort { keys } => sort::sort(keys, rows, ctx)?,
                    StepKind::Limit { count } => limit::limit(*count, rows),
                    StepKind::MvExpand { column } => mv_expand::mv_expand(*column, rows)?,
                    StepKind::Dissect(d) => dissect::dissect_step(d, rows, ctx)?,
                    StepKind::Grok(g) => grok::grok_step(g, rows, ctx)?,
                };
            }
            Ok(rows)
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
