//! The compiled form of a plan: a columnar prefix (streaming steps, then an optional STATS sink) and a
//! row-wise tail.
//!
//! Oracle twin: the reference's evaluator, which pushes rows one at a time through the row-at-a-time steps
//! of a segment (up to the first blocking step: SORT, STATS, INLINE STATS), with LIMITs stopping the scan
//! once full. Invariant: the prefix is exactly that first segment — WHERE, EVAL, KEEP/DROP/RENAME,
//! MV_EXPAND and LIMIT (plus the implicit limit when the plan has no blocking step), which map a frame to a
//! frame as the reference maps rows — optionally followed by the first blocking step when it is a STATS;
//! the rest runs through the engine's row-wise `rows::run_steps`, starting at a segment boundary so
//! warnings keep the reference's order. A first segment with DISSECT or GROK is not compiled (the plan
//! then runs row-wise entirely). A WHERE right after an MV_EXPAND first drops, before the expansion, the
//! rows its conjuncts that do not read the expanded column reject, when that can change no warning.

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
    /// LIMIT (`slot` indexes the run's counters).
    Limit {
        /// Maximum rows.
        count: usize,
        /// Counter slot.
        slot: usize,
    },
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
    /// Number of LIMIT counters.
    pub limits: usize,
    /// True when a LIMIT 0 in the prefix means no row is read at all.
    pub reads_nothing: bool,
}

/// A LIMIT that filled up: the row that filled it (the reference stops right after it).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct LimitFull {
    /// Chunk, batch, source row and path of the row that filled the limit.
    pub row: (u32, u32, u32, Vec<u32>),
    /// The LIMIT's step number.
    pub step: u32,
}

/// Per-run state of the prefix: LIMIT counters and the first limit that filled.
#[derive(Debug, Default)]
pub struct PrefixState {
    /// Rows each LIMIT has let through.
    pub taken: Vec<usize>,
    /// Set when a LIMIT filled up (the scan must stop).
    pub full: Option<LimitFull>,
}

fn types(schema: &Schema) -> Vec<DataType> {
    schema.columns.iter().map(|c| c.data_type).collect()
}

impl Pipeline {
    /// Splits `plan` into a columnar prefix and a row tail; `None` when the first segment has a step the
    /// engine does not run columnar (DISSECT, GROK).
    pub fn compile(plan: &Plan, implicit_limit: Option<usize>) -> Option<Pipeline> {
        let mut streaming = Vec::new();
        let mut stats = None;
        let mut tail = plan.steps.len();
        let mut blocking = false;
        let mut limits = 0;
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
                StepKind::Limit { count } => {
                    limits += 1;
                    Streaming::Limit {
                        count: *count,
                        slot: limits - 1,
                    }
                }
                StepKind::Stats(_) => {
                    stats = Some(k);
                    tail = k + 1;
                    blocking = true;
                    break;
                }
                StepKind::Sort { .. } | StepKind::InlineStats { .. } => {
                    tail = k;
                    blocking = true;
                    break;
                }
                StepKind::Dissect(_) | StepKind::Grok(_) => return None,
            };
            streaming.push(StreamingStep {
                step: n,
                op,
                types: types(&step.output),
            });
        }
        if !blocking && let Some(count) = implicit_limit {
            // ES appends `| LIMIT n`: with no blocking step it belongs to the first segment.
            limits += 1;
            streaming.push(StreamingStep {
                step: plan.steps.len() as u32 + 1,
                op: Streaming::Limit {
                    count,
                    slot: limits - 1,
                },
                types: types(plan.output()),
            });
        }
        let reads_nothing = streaming
            .iter()
            .any(|s| matches!(s.op, Streaming::Limit { count: 0, .. }));
        Some(Pipeline {
            streaming,
            stats,
            tail,
            limits,
            reads_nothing,
        })
    }

    /// True when the implicit limit was placed in the prefix (the plan has no blocking step).
    pub fn prefix_has_implicit_limit(&self, plan: &Plan) -> bool {
        self.tail == plan.steps.len() && self.stats.is_none()
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

    /// Runs the streaming steps on a frame, counting rows through LIMITs (see [`PrefixState`]); the
    /// result is an ordinary frame unless `keep_virtual` (then it may be left virtual after a final
    /// MV_EXPAND and WHERE, for a consumer that reads through `Frame::phys`).
    pub fn run_streaming(
        &self,
        frame: &mut Frame,
        ctx: &mut Ctx<'_>,
        state: &mut PrefixState,
        keep_virtual: bool,
    ) -> Result<(), EvalError> {
        let mut fused = false;
        for (i, s) in self.streaming.iter().enumerate() {
            if std::mem::take(&mut fused) {
                // The WHERE already ran with the MV_EXPAND before it.
                if frame.selection.is_empty() {
                    break;
                }
                continue;
            }
            ctx.step = s.step;
            if matches!(s.op, Streaming::MvExpand(_)) {
                // A frame left virtual by an earlier MV_EXPAND (for the WHERE after it) is made real
                // first: the fused and pre-filtered paths below index its columns by row.
                mv_expand::materialize(frame);
            }
            if let Streaming::MvExpand(c) = &s.op
                && let Some(StreamingStep {
                    op: Streaming::Where(w),
                    step,
                    ..
                }) = self.streaming.get(i + 1)
                && w.splittable(frame, ctx)
            {
                ctx.step = *step;
                w.apply_expanding(*c, s.step, frame, ctx)?;
                fused = true;
                continue;
            }
            if let Streaming::MvExpand(c) = &s.op
                && let Some(StreamingStep {
                    op: Streaming::Where(w),
                    step,
                    ..
                }) = self.streaming.get(i + 1)
            {
                // Pushed-down conjuncts log nothing (checked), so the step number is only nominal.
                ctx.step = *step;
                w.prefilter_before_expand(*c, frame, ctx)?;
                ctx.step = s.step;
                if frame.selection.is_empty() {
                    break;
                }
            }
            // WHERE filters a virtual frame's children in place; KEEP/DROP/RENAME only moves columns.
            if !matches!(s.op, Streaming::Where(_) | Streaming::Project(_)) {
                mv_expand::materialize(frame);
            }
            match &s.op {
                Streaming::Where(w) => w.apply(frame, ctx)?,
                Streaming::Eval(e) => {
                    compact(frame);
                    e.apply(frame, ctx, s.types.clone())?
                }
                Streaming::Project(cols) => project::apply(frame, cols, s.types.clone()),
                Streaming::MvExpand(c) => {
                    // Left virtual for a following WHERE (which filters the children in place).
                    mv_expand::expand(frame, *c, s.step)?;
                    if !matches!(
                        self.streaming.get(i + 1).map(|n| &n.op),
                        Some(Streaming::Where(_))
                    ) {
                        mv_expand::materialize(frame);
                    }
                }
                Streaming::Limit { count, slot } => {
                    let left = count.saturating_sub(state.taken[*slot]);
                    if frame.selection.len() >= left {
                        frame.selection.truncate(left);
                        if let Some(&last) = frame.selection.last() {
                            let o = frame.origin(last as usize);
                            let full = LimitFull {
                                row: (frame.chunk, frame.batch, o.row, o.path),
                                step: s.step,
                            };
                            if state.full.as_ref().is_none_or(|f| full < *f) {
                                state.full = Some(full);
                            }
                        }
                    }
                    state.taken[*slot] += frame.selection.len();
                }
            }
            if frame.selection.is_empty() {
                break;
            }
        }
        if !keep_virtual {
            mv_expand::materialize(frame);
        }
        Ok(())
    }
}

/// Gathers the selected rows into fresh columns so computed columns cover only them.
pub fn compact(frame: &mut Frame) {
    if frame.selection.len() == frame.rows {
        return;
    }
    let lineage: Vec<super::frame::Lineage> = frame
        .selection
        .iter()
        .map(|&r| frame.origin(r as usize))
        .collect();
    frame.lineage = Some(std::sync::Arc::new(lineage));
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
