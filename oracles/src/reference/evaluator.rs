//! [`ReferenceEvaluator`]: runs a [`Plan`] row at a time.
//!
//! The source (FROM or ROW) produces rows. Steps that look at one row at a time (WHERE, EVAL, KEEP/DROP/
//! RENAME, MV_EXPAND, DISSECT, GROK, LIMIT) form a pipeline each row is pushed through, so a LIMIT stops
//! reading as soon as it is full (as ES's limit push-down does; `ROW` with seven 30-value columns
//! expanded and limited to 10 must not build 30^7 rows, spec:mv_expand/explosion). Steps that need all
//! rows (SORT, STATS, INLINE STATS) collect the pipeline's output, run, and feed the next pipeline.
//! The implicit limit of [`EvalOptions`] is a final LIMIT, as ES appends `| LIMIT 1000`. Every step's
//! rows are checked against its schema's width. Warnings go to one [`Context`].

use std::ops::ControlFlow;

use esql::plan::{Source, Step, StepKind};
use esql::{DataSource, EvalError, EvalOptions, Evaluator, Plan, ResultTable};

use super::commands::{
    dissect, eval, from, grok, inline_stats, mv_expand, row, sort, stats, where_,
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

/// A pipeline operation: a plan step or the implicit limit.
#[derive(Debug, Clone, Copy)]
enum Op<'a> {
    Step(&'a Step),
    ImplicitLimit(usize),
}

impl Op<'_> {
    fn needs_all_rows(&self) -> bool {
        matches!(
            self,
            Op::Step(Step {
                kind: StepKind::Sort { .. } | StepKind::Stats(_) | StepKind::InlineStats { .. },
                ..
            })
        )
    }
}

fn check_width(row: &Row, width: usize) -> Result<(), EvalError> {
    if row.len() == width {
        Ok(())
    } else {
        Err(EvalError::Internal(format!(
            "a step produced a row of {} values for {width} columns",
            row.len()
        )))
    }
}

/// Where a pipeline's rows go: collected, or straight into a STATS.
enum Sink<'a> {
    Rows(Vec<Row>),
    Stats(stats::Grouper<'a>),
}

/// Pushes rows through row-at-a-time operations, counting what each LIMIT let through.
struct Pipeline<'a, 'b> {
    ops: &'a [Op<'a>],
    taken: Vec<usize>,
    out: Sink<'b>,
}

impl<'a, 'b> Pipeline<'a, 'b> {
    fn new(ops: &'a [Op<'a>], out: Sink<'b>) -> Pipeline<'a, 'b> {
        Pipeline {
            ops,
            taken: vec![0; ops.len()],
            out,
        }
    }

    /// Pushes `row` into operation `i`; `Break` when no further input can reach the output.
    fn push(
        &mut self,
        i: usize,
        row: Row,
        ctx: &mut Context,
    ) -> Result<ControlFlow<()>, EvalError> {
        let Some(op) = self.ops.get(i) else {
            match &mut self.out {
                Sink::Rows(rows) => rows.push(row),
                Sink::Stats(grouper) => grouper.add(&row, ctx)?,
            }
            return Ok(ControlFlow::Continue(()));
        };
        let count = match op {
            Op::ImplicitLimit(n) => *n,
            Op::Step(step) => {
                let next = match &step.kind {
                    StepKind::Limit { count } => {
                        return self.limit(i, *count, row, ctx);
                    }
                    StepKind::Where { condition } => {
                        if !where_::keep(condition, &row, ctx)? {
                            return Ok(ControlFlow::Continue(()));
                        }
                        row
                    }
                    StepKind::Eval { exprs, projection } => {
                        eval::eval_row(exprs, projection, row, ctx)?
                    }
                    StepKind::Project { columns } => eval::project(&row, columns)?,
                    StepKind::Dissect(d) => dissect::dissect_row(d, row, ctx)?,
                    StepKind::Grok(g) => grok::grok_row(g, row, ctx)?,
                    StepKind::MvExpand { column } => {
                        for r in mv_expand::expand_row(*column, row)? {
                            check_width(&r, step.output.len())?;
                            if self.push(i + 1, r, ctx)?.is_break() {
                                return Ok(ControlFlow::Break(()));
                            }
                        }
                        return Ok(ControlFlow::Continue(()));
                    }
                    StepKind::Sort { .. } | StepKind::Stats(_) | StepKind::InlineStats { .. } => {
                        return Err(EvalError::Internal(
                            "a blocking step inside a pipeline".into(),
                        ));
                    }
                };
                check_width(&next, step.output.len())?;
                return self.push(i + 1, next, ctx);
            }
        };
        self.limit(i, count, row, ctx)
    }

    fn limit(
        &mut self,
        i: usize,
        count: usize,
        row: Row,
        ctx: &mut Context,
    ) -> Result<ControlFlow<()>, EvalError> {
        if self.taken[i] >= count {
            return Ok(ControlFlow::Break(()));
        }
        self.taken[i] += 1;
        let flow = self.push(i + 1, row, ctx)?;
        if self.taken[i] >= count {
            Ok(ControlFlow::Break(()))
        } else {
            Ok(flow)
        }
    }
}

/// Runs row-at-a-time `ops` over `rows` into `sink`.
fn run_pipeline<'b>(
    ops: &[Op<'_>],
    rows: Vec<Row>,
    sink: Sink<'b>,
    ctx: &mut Context,
) -> Result<Sink<'b>, EvalError> {
    let mut p = Pipeline::new(ops, sink);
    // A LIMIT 0 takes nothing: no row enters.
    let limit_zero = ops.iter().any(|op| {
        matches!(
            op,
            Op::ImplicitLimit(0)
                | Op::Step(Step {
                    kind: StepKind::Limit { count: 0 },
                    ..
                })
        )
    });
    if !limit_zero {
        for row in rows {
            if p.push(0, row, ctx)?.is_break() {
                break;
            }
        }
    }
    Ok(p.out)
}

/// Runs a step that needs all rows.
fn run_blocking(step: &Step, rows: Vec<Row>, ctx: &mut Context) -> Result<Vec<Row>, EvalError> {
    let out = match &step.kind {
        StepKind::Sort { keys } => sort::sort(keys, rows, ctx)?,
        StepKind::Stats(agg) => stats::stats(agg, rows, ctx)?,
        StepKind::InlineStats {
            aggregation,
            projection,
        } => inline_stats::inline_stats(aggregation, projection, rows, ctx)?,
        other => {
            return Err(EvalError::Internal(format!(
                "{other:?} is not a blocking step"
            )));
        }
    };
    for r in &out {
        check_width(r, step.output.len())?;
    }
    Ok(out)
}

/// Runs `steps`, then the implicit limit, over `rows` exactly as [`ReferenceEvaluator::run`] runs a
/// plan's steps after its source (pipelines between blocking steps, early-stopping LIMITs). The optimized
/// engine (`src/engine/`) runs the steps after its columnar prefix through this.
pub fn run_steps(
    steps: &[Step],
    rows: Vec<Row>,
    implicit_limit: Option<usize>,
    ctx: &mut Context,
) -> Result<Vec<Row>, EvalError> {
    let mut rows = rows;
    let mut ops: Vec<Op<'_>> = steps.iter().map(Op::Step).collect();
    if let Some(n) = implicit_limit {
        ops.push(Op::ImplicitLimit(n));
    }
    let mut start = 0;
    while start <= ops.len() {
        let end = ops[start..]
            .iter()
            .position(Op::needs_all_rows)
            .map_or(ops.len(), |p| start + p);
        let segment = &ops[start..end];
        match ops.get(end) {
            Some(Op::Step(
                step @ Step {
                    kind: StepKind::Stats(agg),
                    ..
                },
            )) => {
                let sink = Sink::Stats(stats::Grouper::new(agg)?);
                let Sink::Stats(grouper) = run_pipeline(segment, rows, sink, ctx)? else {
                    return Err(EvalError::Internal("STATS sink changed kind".into()));
                };
                rows = grouper.finish(ctx)?;
                for r in &rows {
                    check_width(r, step.output.len())?;
                }
            }
            next => {
                let Sink::Rows(out) = run_pipeline(segment, rows, Sink::Rows(Vec::new()), ctx)?
                else {
                    return Err(EvalError::Internal("row sink changed kind".into()));
                };
                rows = out;
                match next {
                    Some(Op::Step(step)) => rows = run_blocking(step, rows, ctx)?,
                    _ => break,
                }
            }
        }
        start = end + 1;
    }
    Ok(rows)
}

impl Evaluator for ReferenceEvaluator {
    fn run(
        &self,
        plan: &Plan,
        data: &dyn DataSource,
        opts: &EvalOptions,
    ) -> Result<ResultTable, EvalError> {
        let mut ctx = Context::new(opts.now_millis);
        let rows = match &plan.source {
            Source::From(f) => from::from(f, data, opts)?,
            Source::Row(r) => row::row(r, &mut ctx)?,
        };
        for r in &rows {
            check_width(r, plan.source.output().len())?;
        }
        let rows = run_steps(&plan.steps, rows, opts.implicit_limit, &mut ctx)?;
        Ok(ResultTable {
            columns: plan.output().columns.clone(),
            rows,
            warnings: ctx.warnings.into_lines(),
        })
    }
}
