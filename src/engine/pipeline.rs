//! The compiled form of a plan: a columnar prefix (streaming steps, then an optional STATS sink) and a
//! row-wise tail.
//!
//! Oracle twin: the reference running every step in order over rows. Invariant: the prefix is WHERE,
//! EVAL, KEEP/DROP/RENAME and MV_EXPAND steps (which map a frame to a frame row-for-row as the reference's
//! steps map rows), optionally followed by one STATS; everything after that (SORT, LIMIT, steps after
//! STATS, DISSECT, GROK, INLINE STATS) runs row-wise through the row kernel on the prefix's output rows,
//! which is the reference's own code path — so no step is ever approximated.

use esql::plan::{Step, StepKind};
use esql::{DataType, EvalError, Plan, Schema, Value};

use super::commands::eval::EvalCommand;
use super::commands::stats::StatsSink;
use super::commands::where_::WhereCommand;
use super::commands::{mv_expand, project};
use super::expr::Ctx;
use super::frame::Frame;

/// Node ids of each step's tables start at `step * NODE_STRIDE`.
const NODE_STRIDE: u32 = 1 << 16;

/// One streaming step.
#[derive(Debug, Clone)]
pub enum Streaming {
    /// WHERE.
    Where(WhereCommand),
    /// EVAL.
    Eval(EvalCommand),
    /// KEEP/DROP/RENAME.
    Project(Vec<usize>),
    /// MV_EXPAND.
    MvExpand(usize),
}

/// A streaming step with its plan position and output types.
#[derive(Debug, Clone)]
pub struct StreamingStep {
    /// 1-based step number (failure keys sort by it; 0 is the source).
    pub step: u32,
    /// What it does.
    pub op: Streaming,
    /// Output column types.
    pub types: Vec<DataType>,
}

/// A compiled plan.
pub struct Pipeline {
    /// Streaming steps of the prefix.
    pub streaming: Vec<StreamingStep>,
    /// Index into `plan.steps` of the prefix's STATS, if any.
    pub stats: Option<usize>,
    /// First plan step of the row-wise tail.
    pub tail: usize,
}

fn types(schema: &Schema) -> Vec<DataType> {
    schema.columns.iter().map(|c| c.data_type).collect()
}

impl Pipeline {
    /// Splits `plan` into a columnar prefix and a row tail.
    pub fn compile(plan: &Plan) -> Pipeline {
        let mut streaming = Vec::new();
        let mut stats = None;
        let mut tail = plan.steps.len();
        for (k, step) in plan.steps.iter().enumerate() {
            let n = k as u32 + 1;
            let op = match &step.kind {
                StepKind::Where { condition } => {
                    Streaming::Where(WhereCommand::new(condition, n * NODE_STRIDE))
                }
                StepKind::Eval { exprs, projection } => {
                    Streaming::Eval(EvalCommand::new(exprs, projection, n * NODE_STRIDE))
                }
                StepKind::Project { columns } => Streaming::Project(columns.clone()),
                StepKind::MvExpand { column } => Streaming::MvExpand(*column),
                StepKind::Stats(_) => {
                    stats = Some(k);
                    tail = k + 1;
                    break;
                }
                _ => {
                    tail = k;
                    break;
                }
            };
            streaming.push(StreamingStep {
                step: n,
                op,
                types: types(&step.output),
            });
        }
        Pipeline {
            streaming,
            stats,
            tail,
        }
    }

    /// A STATS sink for the prefix's STATS, if any.
    pub fn stats_sink(&self, plan: &Plan) -> Option<StatsSink> {
        let k = self.stats?;
        match &plan.steps[k].kind {
            StepKind::Stats(a) => Some(StatsSink::new(a, (k as u32 + 1) * NODE_STRIDE)),
            _ => None,
        }
    }

    /// The schema of the rows the tail receives.
    pub fn tail_input<'p>(&self, plan: &'p Plan) -> &'p Schema {
        if self.tail == 0 {
            plan.source.output()
        } else {
            &plan.steps[self.tail - 1].output
        }
    }

    /// The tail steps.
    pub fn tail_steps<'p>(&self, plan: &'p Plan) -> &'p [Step] {
        &plan.steps[self.tail..]
    }

    /// Runs the streaming steps on a frame.
    pub fn run_streaming(&self, frame: &mut Frame, ctx: &mut Ctx<'_>) -> Result<(), EvalError> {
        for s in &self.streaming {
            ctx.step = s.step;
            match &s.op {
                Streaming::Where(w) => w.apply(frame, ctx)?,
                Streaming::Eval(e) => {
                    compact(frame);
                    e.apply(frame, ctx, s.types.clone())?
                }
                Streaming::Project(cols) => project::apply(frame, cols, s.types.clone()),
                Streaming::MvExpand(c) => mv_expand::apply(frame, *c)?,
            }
            if frame.selection.is_empty() {
                break;
            }
        }
        Ok(())
    }
}

/// Gathers the selected rows into fresh columns so computed columns cover only them.
pub fn compact(frame: &mut Frame) {
    if frame.selection.len() == frame.rows {
        return;
    }
    frame.columns = frame
        .columns
        .iter()
        .map(|c| {
            c.as_ref()
                .map(|c| std::sync::Arc::new(c.gather(&frame.selection)))
        })
        .collect();
    frame.rows = frame.selection.len();
    frame.selection = (0..frame.rows as u32).collect();
}

/// Materialises the selected rows of a frame (pruned columns read as null).
pub fn rows_of(frame: &Frame) -> Vec<Vec<Value>> {
    frame
        .selection
        .iter()
        .map(|&r| {
            (0..frame.columns.len())
                .map(|c| frame.value(c, r as usize))
                .collect()
        })
        .collect()
}
