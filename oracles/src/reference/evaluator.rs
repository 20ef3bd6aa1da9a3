//! [`ReferenceEvaluator`]: runs a [`Plan`] step by step, row at a time.
//!
//! The source (FROM or ROW) produces rows; each step maps the rows of the previous step to its own
//! (checking that every row has as many values as the step's schema has columns); the implicit limit of
//! [`EvalOptions`] applies last, as ES appends `| LIMIT 1000`. Warnings are collected in one
//! [`Context`] and returned with the table.

use esql::plan::{Source, StepKind};
use esql::{DataSource, EvalError, EvalOptions, Evaluator, Plan, ResultTable};

use super::commands::{
    dissect, eval, from, grok, inline_stats, limit, mv_expand, project, row, sort, stats, where_,
};
use super::{Context, Row};

/// The reference evaluator. It holds no state: every run starts fresh.
#[derive(Debug, Clone, Copy, Default)]
pub struct ReferenceEvaluator;

impl ReferenceEvaluator {
    /// A reference evaluator.
    pub fn new() -> ReferenceEvaluator {
        ReferenceEvaluator
    }
}

fn check_width(rows: &[Row], width: usize, what: &str) -> Result<(), EvalError> {
    match rows.iter().find(|r| r.len() != width) {
        Some(r) => Err(EvalError::Internal(format!(
            "{what} produced a row of {} values for {width} columns",
            r.len()
        ))),
        None => Ok(()),
    }
}

impl Evaluator for ReferenceEvaluator {
    fn run(
        &self,
        plan: &Plan,
        data: &dyn DataSource,
        opts: &EvalOptions,
    ) -> Result<ResultTable, EvalError> {
        let mut ctx = Context::new(opts.now_millis);
        let mut rows = match &plan.source {
            Source::From(f) => from::from(f, data, opts)?,
            Source::Row(r) => row::row(r, &mut ctx)?,
        };
        check_width(&rows, plan.source.output().len(), "the source")?;
        for step in &plan.steps {
            rows = match &step.kind {
                StepKind::Where { condition } => where_::where_(condition, rows, &mut ctx)?,
                StepKind::Eval { exprs, projection } => {
                    eval::eval_step(exprs, projection, rows, &mut ctx)?
                }
                StepKind::Stats(agg) => stats::stats(agg, rows, &mut ctx)?,
                StepKind::InlineStats {
                    aggregation,
                    projection,
                } => inline_stats::inline_stats(aggregation, projection, rows, &mut ctx)?,
                StepKind::Project { columns } => project::project(columns, rows)?,
                StepKind::Sort { keys } => sort::sort(keys, rows, &mut ctx)?,
                StepKind::Limit { count } => limit::limit(*count, rows),
                StepKind::MvExpand { column } => mv_expand::mv_expand(*column, rows)?,
                StepKind::Dissect(d) => dissect::dissect_step(d, rows, &mut ctx)?,
                StepKind::Grok(g) => grok::grok_step(g, rows, &mut ctx)?,
            };
            check_width(&rows, step.output.len(), "a step")?;
        }
        if let Some(n) = opts.implicit_limit {
            rows = limit::limit(n, rows);
        }
        Ok(ResultTable {
            columns: plan.output().columns.clone(),
            rows,
            warnings: ctx.warnings.into_lines(),
        })
    }
}
