//! Row-at-a-time execution of plan steps, for what the columnar prefix hands over: the small tables after
//! a STATS, the steps after a SORT, and whole plans the prefix does not compile (ROW sources, DISSECT or
//! GROK before the first blocking step).
//!
//! Steps that look at one row at a time (WHERE, EVAL, KEEP/DROP/RENAME, MV_EXPAND, DISSECT, GROK, LIMIT)
//! form a pipeline each row goes through before the next enters, so a LIMIT stops the pipeline as soon
//! as it is full and no later row is evaluated (their warnings never happen); SORT, STATS and INLINE
//! STATS take all rows of the previous pipeline. The implicit limit is a final LIMIT.

pub mod dissect;
pub mod grok;
pub mod grouping;
pub mod sort;

use std::ops::ControlFlow;

use esql::catalog::pattern_list_matches;
use esql::plan::{FromSource, MetadataField, RowSource, SourceField, Step, StepKind};
use esql::{DataSource, DataType, Document, EvalError, EvalOptions, Value};

use crate::engine::scalar::{Scope, eval, is_true};

/// One row of values.
pub type Row = Vec<Value>;

/// A pipeline operation: a plan step or the implicit limit.
#[derive(Clone, Copy)]
enum Op<'a> {
    Step(&'a Step),
    Limit(usize),
}

impl Op<'_> {
    fn blocking(&self) -> bool {
        matches!(
            self,
            Op::Step(Step {
                kind: StepKind::Sort { .. } | StepKind::Stats(_) | StepKind::InlineStats { .. },
                ..
            })
        )
    }

    fn limit(&self) -> Option<usize> {
        match self {
            Op::Limit(n) => Some(*n),
            Op::Step(Step {
                kind: StepKind::Limit { count },
                ..
            }) => Some(*count),
            _ => None,
        }
    }
}

/// Where a pipeline's rows end up.
enum Sink<'a> {
    Rows(Vec<Row>),
    Stats(grouping::Grouper<'a>),
}

/// Fills a row's deferred cells (see [`run_steps_deferred`]).
pub type Materialize<'h> = dyn FnMut(&mut Row) -> Result<(), EvalError> + 'h;

struct Pipeline<'o, 'a, 'h, 'm> {
    ops: &'o [Op<'a>],
    taken: Vec<usize>,
    sink: Sink<'a>,
    /// Rows entering operation `.0` (of `ops`; `ops.len()`: the sink) are materialised first.
    hook: Option<(usize, &'h mut Materialize<'m>)>,
}

fn out_of_row(i: usize, len: usize) -> EvalError {
    EvalError::Internal(format!("projection index {i} of a {len}-column row"))
}

/// The cells of `extended` at `projection`, from a row the caller gives up: each cell is moved to its last position in
/// `projection` and cloned only for earlier ones (a column picked twice), so a KEEP or EVAL allocates
/// nothing for the cells it keeps.
fn project_owned(mut extended: Row, projection: &[usize]) -> Result<Row, EvalError> {
    let n = extended.len();
    if let Some(&i) = projection.iter().find(|&&i| i >= n) {
        return Err(out_of_row(i, n));
    }
    // The identity keeps the row as it is.
    if projection.len() == n && projection.iter().enumerate().all(|(j, &i)| i == j) {
        return Ok(extended);
    }
    let mut out = Vec::with_capacity(projection.len());
    for (j, &i) in projection.iter().enumerate() {
        let later = projection[j + 1..].contains(&i);
        out.push(if later {
            extended[i].clone()
        } else {
            std::mem::replace(&mut extended[i], Value::Null)
        });
    }
    Ok(out)
}

impl Pipeline<'_, '_, '_, '_> {
    /// Pushes `row` into operation `i`; `Break` once nothing further can reach the output.
    fn push(
        &mut self,
        i: usize,
        mut row: Row,
        s: &mut Scope<'_>,
    ) -> Result<ControlFlow<()>, EvalError> {
        if let Some((at, f)) = &mut self.hook
            && *at == i
        {
            f(&mut row)?;
        }
        let Some(op) = self.ops.get(i).copied() else {
            match &mut self.sink {
                Sink::Rows(rows) => rows.push(row),
                Sink::Stats(g) => g.add(&row, s)?,
            }
            return Ok(ControlFlow::Continue(()));
        };
        if let Some(n) = op.limit() {
            if self.taken[i] >= n {
                return Ok(ControlFlow::Break(()));
            }
            self.taken[i] += 1;
            let flow = self.push(i + 1, row, s)?;
            return Ok(if self.taken[i] >= n {
                ControlFlow::Break(())
            } else {
                flow
            });
        }
        let Op::Step(step) = op else {
            return Err(EvalError::Internal("limit without count".into()));
        };
        let next = match &step.kind {
            StepKind::Where { condition } => {
                if !is_true(condition, &row, s)? {
                    return Ok(ControlFlow::Continue(()));
                }
                row
            }
            StepKind::Eval { exprs, projection } => {
                let mut ext = row;
                ext.reserve(exprs.len());
                for e in exprs {
                    let v = eval(e, &ext, s)?;
                    ext.push(v);
                }
                project_owned(ext, projection)?
            }
            StepKind::Project { columns } => project_owned(row, columns)?,
            StepKind::Dissect(d) => dissect::apply(d, row, s)?,
            StepKind::Grok(g) => grok::apply(g, row, s)?,
            StepKind::MvExpand { column } => {
                let c = *column;
                let cell = row.get(c).cloned().ok_or_else(|| {
                    EvalError::Internal(format!(
                        "MV_EXPAND column {c} of a {}-column row",
                        row.len()
                    ))
                })?;
                if let Value::Multi(vs) = cell {
                    for v in vs {
                        let mut r = row.clone();
                        r[c] = v;
                        if self.push(i + 1, r, s)?.is_break() {
                            return Ok(ControlFlow::Break(()));
                        }
                    }
                    return Ok(ControlFlow::Continue(()));
                }
                row
            }
            _ => {
                return Err(EvalError::Internal(
                    "a blocking step inside a pipeline".into(),
                ));
            }
        };
        if next.len() != step.output.len() {
            return Err(EvalError::Internal(format!(
                "a step produced {} values for {} columns",
                next.len(),
                step.output.len()
            )));
        }
        self.push(i + 1, next, s)
    }
}

fn run_pipeline<'a>(
    ops: &[Op<'a>],
    rows: Vec<Row>,
    sink: Sink<'a>,
    hook: Option<(usize, &mut Materialize<'_>)>,
    s: &mut Scope<'_>,
) -> Result<Sink<'a>, EvalError> {
    let mut p = Pipeline {
        ops,
        taken: vec![0; ops.len()],
        sink,
        hook,
    };
    if !ops.iter().any(|o| o.limit() == Some(0)) {
        for row in rows {
            if p.push(0, row, s)?.is_break() {
                break;
            }
        }
    }
    Ok(p.sink)
}

/// Runs `steps` then the implicit limit over `rows`.
pub fn run_steps(
    steps: &[Step],
    rows: Vec<Row>,
    implicit_limit: Option<usize>,
    s: &mut Scope<'_>,
) -> Result<Vec<Row>, EvalError> {
    run_steps_deferred(steps, rows, implicit_limit, steps.len(), &mut |_| Ok(()), s)
}

/// Runs `steps` then the implicit limit over rows whose deferred cells are filled by `materialize` only
/// when a row reaches step `at` (`steps.len()`: when it leaves the last step, after the implicit limit).
/// The steps before `at` must not read the deferred cells; a row they drop, or that a full LIMIT never
/// lets in, is never materialised. Rows flow exactly as in [`run_steps`], so results and warnings are
/// the same as if every row had been materialised up front.
pub fn run_steps_deferred(
    steps: &[Step],
    rows: Vec<Row>,
    implicit_limit: Option<usize>,
    at: usize,
    materialize: &mut Materialize<'_>,
    s: &mut Scope<'_>,
) -> Result<Vec<Row>, EvalError> {
    let mut ops: Vec<Op<'_>> = steps.iter().map(Op::Step).collect();
    if let Some(n) = implicit_limit {
        ops.push(Op::Limit(n));
    }
    // Past the end of the steps: after the implicit limit as well.
    let at = if at >= steps.len() { ops.len() } else { at };
    let mut rows = rows;
    let mut start = 0;
    loop {
        let end = ops[start..]
            .iter()
            .position(Op::blocking)
            .map_or(ops.len(), |p| start + p);
        let segment = &ops[start..end];
        // The hook fires in the one segment whose operations (or sink, `at == end`) hold `at`.
        let hook = if (start..=end).contains(&at) {
            Some((at - start, &mut *materialize))
        } else {
            None
        };
        match ops.get(end) {
            Some(Op::Step(Step {
                kind: StepKind::Stats(agg),
                ..
            })) => {
                let sink = Sink::Stats(grouping::Grouper::new(agg));
                let Sink::Stats(g) = run_pipeline(segment, rows, sink, hook, s)? else {
                    return Err(EvalError::Internal("STATS sink changed kind".into()));
                };
                rows = g.finish(s)?;
            }
            next => {
                let Sink::Rows(out) = run_pipeline(segment, rows, Sink::Rows(Vec::new()), hook, s)?
                else {
                    return Err(EvalError::Internal("row sink changed kind".into()));
                };
                rows = out;
                match next {
                    Some(Op::Step(step)) => {
                        rows = match &step.kind {
                            StepKind::Sort { keys } => sort::sort(keys, rows, s)?,
                            StepKind::InlineStats {
                                aggregation,
                                projection,
                            } => grouping::inline_stats(aggregation, projection, rows, s)?,
                            _ => return Err(EvalError::Internal("not a blocking step".into())),
                        }
                    }
                    _ => return Ok(rows),
                }
            }
        }
        start = end + 1;
        if start > ops.len() {
            return Ok(rows);
        }
    }
}

/// The single row of a ROW source (each expression sees the columns before it).
pub fn row_source(source: &RowSource, s: &mut Scope<'_>) -> Result<Vec<Row>, EvalError> {
    let mut row = Vec::with_capacity(source.exprs.len());
    for e in &source.exprs {
        let v = eval(e, &row, s)?;
        row.push(v);
    }
    Ok(vec![row])
}

fn read(doc: &Document, index: &str, field: &SourceField, t: DataType) -> Value {
    if t == DataType::Unsupported {
        return Value::Null;
    }
    match field {
        SourceField::Field(name) => doc.get(name).clone(),
        SourceField::Metadata(MetadataField::Id) => Value::keyword(doc.id.clone()),
        SourceField::Metadata(MetadataField::Index) => Value::keyword(index),
        SourceField::Metadata(MetadataField::Version) => Value::Long(doc.version),
        SourceField::Metadata(MetadataField::Ignored) => Value::from_values(
            doc.ignored
                .iter()
                .map(|f| Value::keyword(f.clone()))
                .collect(),
        ),
    }
}

/// Every document of the indices `source` matches, in catalog then scan order, as rows (the time range
/// of `opts` applied).
pub fn from_source(
    source: &FromSource,
    data: &dyn DataSource,
    opts: &EvalOptions,
) -> Result<Vec<Row>, EvalError> {
    let mut rows = Vec::new();
    for index in data.catalog().indices.keys() {
        if !pattern_list_matches(&source.patterns, index) {
            continue;
        }
        data.scan(index, &mut |doc| {
            if let Some(range) = &opts.time_range {
                let inside = doc.get(&range.field).values().iter().any(|v| {
                    let ms = match v {
                        Value::Date(ms) => *ms,
                        Value::DateNanos(ns) => ns.div_euclid(1_000_000),
                        _ => return false,
                    };
                    range.start <= ms && ms <= range.end
                });
                if !inside {
                    return Ok(());
                }
            }
            rows.push(
                source
                    .fields
                    .iter()
                    .zip(&source.output.columns)
                    .map(|(f, c)| read(doc, index, f, c.data_type))
                    .collect(),
            );
            Ok(())
        })?;
    }
    Ok(rows)
}
