//! A finished STATS sink: the output rows, with the cells the following steps do not read left for later.
//!
//! Oracle twin: the reference's stats command output, followed by its row-wise tail. Invariant: the rows
//! come out in the reference's group order; every aggregate whose finishing can warn or fail is finished
//! for every group, at its output position, as the reference does; the cells left *deferred* — group
//! keys and VALUES/MIN/MAX results, which finish without warnings or errors — belong to columns that no
//! tail step before step [`StatsOutput::at`] reads (only WHERE, SORT and LIMIT steps come before it),
//! so the tail computes the same rows and warnings on the placeholders, and [`StatsOutput::materialize`]
//! fills a row's deferred cells only when it reaches that step (rows dropped earlier, or never let in by
//! a full LIMIT, are never finished). A row's group number rides in its first deferred cell.
//! COUNT_DISTINCT is finished from the interned id set with cached hashes (`aggregates::distinct_count`).

use esql::functions::AggregateFunction;
use esql::plan::{ExprKind, Step, StepKind};
use esql::{EvalError, EvalOptions, Value, Warnings};

use crate::engine::aggregates::distinct_count::DistinctCounter;
use crate::engine::aggregates::keyword_results::keyword_result;
use crate::engine::aggregates::state::{AggKind, AggState};
use crate::engine::expr::Ctx;
use crate::engine::failures::{FailureKey, failures_of};
use crate::engine::row_kernel::RowKernel;

use super::stats::StatsSink;
use super::stats_tail;

/// What an output column of the STATS reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cell {
    /// Group key `k`.
    Key(usize),
    /// Aggregate `a`'s result.
    Agg(usize),
}

/// The output of a STATS, possibly with deferred cells.
pub struct StatsOutput {
    sink: StatsSink,
    /// Per output column: the deferred cell it holds, if deferred.
    deferred: Vec<Option<Cell>>,
    /// The output column carrying the group number in rows with deferred cells.
    tag: Option<usize>,
    /// The first step after the [`Self::consumed`] ones that reads a deferred cell (the number of
    /// those steps: none does).
    pub at: usize,
    /// Tail steps already applied over the groups (the row tail starts after them).
    pub consumed: usize,
}

impl StatsOutput {
    /// Fills the deferred cells of a row made by [`StatsSink::finish`].
    pub fn materialize(
        &self,
        row: &mut [Value],
        kernel: &dyn RowKernel,
        opts: &EvalOptions,
    ) -> Result<(), EvalError> {
        let Some(tag) = self.tag else {
            return Ok(());
        };
        let g = match row.get(tag) {
            Some(Value::Long(g)) => *g as usize,
            other => {
                return Err(EvalError::Internal(format!(
                    "a deferred STATS row without its group number: {other:?}"
                )));
            }
        };
        for (oi, cell) in self.deferred.iter().enumerate() {
            let Some(cell) = cell else {
                continue;
            };
            let v = match *cell {
                Cell::Key(k) => self.sink.key_interners[k].value(self.sink.groups.key(g)[k]),
                Cell::Agg(ai) => {
                    let mut w = Warnings::new();
                    let v = distinct_result(&self.sink, ai, g, kernel, opts, &mut w)?;
                    if !w.lines().is_empty() {
                        return Err(EvalError::Internal(format!(
                            "deferred aggregate [{}] warned",
                            self.sink.aggregation.aggregates[ai].text
                        )));
                    }
                    v
                }
            };
            row[oi] = v;
        }
        Ok(())
    }
}

/// The result of distinct-kind aggregate `ai` for group `g`: VALUES/MIN/MAX of keywords straight from
/// the id set (`aggregates::keyword_results`), otherwise through the kernel (its distinct argument
/// values, each followed by the call's constant further arguments).
fn distinct_result(
    sink: &StatsSink,
    ai: usize,
    g: usize,
    kernel: &dyn RowKernel,
    opts: &EvalOptions,
    w: &mut Warnings,
) -> Result<Value, EvalError> {
    let call = &sink.aggregation.aggregates[ai];
    match sink.state(ai) {
        AggState::Count(c) => Ok(Value::Long(c[g])),
        AggState::Distinct { interner, sets } => {
            if let Some(v) = keyword_result(call.function, interner, sets.ids(g)) {
                return Ok(v);
            }
            let consts = sink.constants[ai].as_deref().unwrap_or_default();
            let items: Vec<Vec<Value>> = sets
                .ids(g)
                .iter()
                .map(|&id| {
                    let mut item = Vec::with_capacity(1 + consts.len());
                    item.push(interner.value(id));
                    item.extend(consts.iter().cloned());
                    item
                })
                .collect();
            kernel.aggregate(call, &items, opts, w)
        }
        AggState::Collect(rowsets) => kernel.aggregate(call, &rowsets[g], opts, w),
    }
}

/// COUNT and COUNT_DISTINCT values of the output columns, computed per group when a tail step reads
/// them (valid when [`StatsSink::counts_quietly`] holds: no count can fail).
struct LazyLongs<'a> {
    sink: &'a StatsSink,
    counters: &'a mut [Option<DistinctCounter>],
    /// Per output column: the aggregate whose values it holds, when known.
    cols: Vec<Option<usize>>,
}

impl<'a> LazyLongs<'a> {
    fn new(sink: &'a StatsSink, counters: &'a mut [Option<DistinctCounter>]) -> LazyLongs<'a> {
        let nk = sink.keys.len();
        let cols = sink
            .aggregation
            .outputs
            .iter()
            .map(|e| {
                let ExprKind::Column(col) = e.kind else {
                    return None;
                };
                let ai = col.checked_sub(nk)?;
                match (counters.get(ai)?, sink.state(ai)) {
                    (_, AggState::Count(_)) | (Some(_), AggState::Distinct { .. }) => Some(ai),
                    _ => None,
                }
            })
            .collect();
        LazyLongs {
            sink,
            counters,
            cols,
        }
    }
}

impl stats_tail::GroupLongs for LazyLongs<'_> {
    fn known(&self, c: usize) -> bool {
        self.cols.get(c).is_some_and(Option::is_some)
    }

    fn get(&mut self, c: usize, g: usize) -> i64 {
        let Some(ai) = self.cols.get(c).copied().flatten() else {
            return 0;
        };
        match (&mut self.counters[ai], self.sink.state(ai)) {
            (_, AggState::Count(v)) => v[g],
            (Some(counter), AggState::Distinct { interner, sets }) => {
                counter.count(interner, sets.ids(g)).unwrap_or(0)
            }
            _ => 0,
        }
    }
}

/// True when a step passes rows through unchanged and reads none of `deferred`'s columns.
fn passes_over(step: &Step, deferred: &[Option<Cell>]) -> bool {
    let reads = |cols: Vec<usize>| {
        cols.iter()
            .any(|&c| deferred.get(c).is_some_and(Option::is_some))
    };
    match &step.kind {
        StepKind::Where { condition } => !reads(condition.columns()),
        StepKind::Sort { keys } => !keys.iter().any(|k| reads(k.expr.columns())),
        StepKind::Limit { .. } => true,
        _ => false,
    }
}

impl StatsSink {
    /// Group numbers in output order: first occurrence, except that with a single key the null group
    /// comes first and booleans as null, false, true (ES's block hashes keep ordinal 0 for null;
    /// spec:keep/projectFromWithStatsAfterLimit) — the order the reference emits.
    fn output_order(&self) -> Vec<usize> {
        let mut order: Vec<usize> = (0..self.groups.len()).collect();
        if self.keys.len() == 1 {
            let rank = |g: &usize| match self.key_interners[0].value(self.groups.key(*g)[0]) {
                Value::Null => 0,
                Value::Boolean(false) => 1,
                Value::Boolean(true) => 2,
                _ => 3,
            };
            order.sort_by_key(rank);
        }
        order
    }

    /// True when aggregate `ai` is finished from its distinct values without any warning or error
    /// (VALUES, MIN, MAX).
    fn finishes_quietly(&self, ai: usize) -> bool {
        self.aggregation.aggregates.get(ai).is_some_and(|a| {
            matches!(
                a.function,
                AggregateFunction::Values | AggregateFunction::Min | AggregateFunction::Max
            )
        }) && self
            .aggs
            .get(ai)
            .is_some_and(|a| a.kind == AggKind::Distinct)
    }

    /// The output cells that may be deferred past the `tail` steps that do not read them, and the
    /// first step that does (see [`StatsOutput`]); nothing is deferred when that is the first step.
    fn deferral(&self, tail: &[Step]) -> (Vec<Option<Cell>>, usize) {
        let outputs = &self.aggregation.outputs;
        let nk = self.keys.len();
        let mut deferred = vec![None; outputs.len()];
        for (oi, e) in outputs.iter().enumerate() {
            let ExprKind::Column(c) = e.kind else {
                // A computed output reads cells of its own: finish everything.
                return (vec![None; outputs.len()], 0);
            };
            deferred[oi] = if c < nk {
                Some(Cell::Key(c))
            } else {
                let ai = c - nk;
                self.finishes_quietly(ai).then_some(Cell::Agg(ai))
            };
        }
        let at = tail
            .iter()
            .take_while(|s| passes_over(s, &deferred))
            .count();
        if at == 0 && !tail.is_empty() {
            return (vec![None; outputs.len()], 0);
        }
        (deferred, at)
    }

    /// True when every aggregate is a COUNT, a COUNT_DISTINCT finished from id sets whose values all
    /// have a hash (so no group's can fail), or finishes quietly: the tail steps may then read the
    /// counts lazily ([`LazyLongs`]), with the same results as [`Self::quiet_longs`].
    fn counts_quietly(&self, counters: &[Option<DistinctCounter>]) -> bool {
        (0..self.aggs.len()).all(|ai| match (counters.get(ai), self.state(ai)) {
            (_, AggState::Count(_)) => true,
            (Some(Some(_)), AggState::Distinct { interner, .. }) => interner.all_es_hashable(),
            _ => self.finishes_quietly(ai),
        })
    }

    /// COUNT results per group, and COUNT_DISTINCT results when every group's is finished from its id
    /// set (no warning, no error possible), by aggregate; `None` when some aggregate can warn or fail
    /// in finishing (its general path must then run for every group, in output order).
    fn quiet_longs(
        &self,
        counters: &mut [Option<DistinctCounter>],
    ) -> Option<Vec<Option<Vec<i64>>>> {
        let n = self.groups.len();
        let mut out = Vec::with_capacity(self.aggs.len());
        for (ai, counter) in counters.iter_mut().enumerate().take(self.aggs.len()) {
            out.push(match (counter, self.state(ai)) {
                (_, AggState::Count(c)) => Some(c[..n].to_vec()),
                (Some(counter), AggState::Distinct { interner, sets }) => {
                    let mut v = Vec::with_capacity(n);
                    for g in 0..n {
                        v.push(counter.count(interner, sets.ids(g))?);
                    }
                    Some(v)
                }
                _ if self.finishes_quietly(ai) => None,
                _ => return None,
            });
        }
        Some(out)
    }

    /// The output rows in group order (logging finalisation failures at the sink's step), with cells
    /// that the `tail` steps before [`StatsOutput::at`] do not read deferred. When no output can warn,
    /// the first `tail` steps that read only counts run over the groups first (`stats_tail`), and rows
    /// are built only for the groups they keep, up to the most rows the steps after them let through
    /// ([`StatsOutput::consumed`] says how many steps ran).
    pub fn finish(
        mut self,
        ctx: &mut Ctx<'_>,
        tail: &[Step],
    ) -> Result<(Vec<Vec<Value>>, StatsOutput), EvalError> {
        if self.keys.is_empty() && self.groups.is_empty() {
            self.groups.group(&[]);
        }
        let n = self.groups.len();
        for a in self.aggs.iter_mut().filter(|a| a.shares.is_none()) {
            a.state.grow(n);
        }
        let (deferred, at) = self.deferral(tail);
        let tag = deferred.iter().position(Option::is_some);
        let nk = self.keys.len();
        // With cells deferred, every output is a column: finish now only the aggregates that can warn.
        let read_now: Vec<bool> = (0..self.aggs.len())
            .map(|ai| tag.is_none() || !self.finishes_quietly(ai))
            .collect();
        let mut counters: Vec<Option<DistinctCounter>> = self
            .aggregation
            .aggregates
            .iter()
            .map(DistinctCounter::for_call)
            .collect();
        let mut order = self.output_order();
        let all_columns = self
            .aggregation
            .outputs
            .iter()
            .all(|e| matches!(e.kind, ExprKind::Column(_)));
        // Counts read lazily (only for the groups the tail steps reach) when no COUNT_DISTINCT can
        // fail; otherwise all up front, and none when some aggregate can warn.
        let lazy = all_columns && self.counts_quietly(&counters);
        let longs = if all_columns && !lazy {
            self.quiet_longs(&mut counters)
        } else {
            None
        };
        let mut consumed = 0;
        if let Some(longs) = &longs {
            let mut cols: Vec<Option<Vec<i64>>> = self
                .aggregation
                .outputs
                .iter()
                .map(|e| match e.kind {
                    ExprKind::Column(c) if c >= nk => longs.get(c - nk).cloned().flatten(),
                    _ => None,
                })
                .collect();
            consumed = stats_tail::run(tail, &mut cols, &mut order, ctx.opts.implicit_limit);
        } else if lazy {
            let mut cols = LazyLongs::new(&self, &mut counters);
            consumed = stats_tail::run(tail, &mut cols, &mut order, ctx.opts.implicit_limit);
        }
        let mut out = Vec::with_capacity(order.len());
        let mut cells: Vec<Value> = Vec::with_capacity(nk + self.aggs.len());
        for (pos, g) in order.into_iter().enumerate() {
            cells.clear();
            for k in 0..nk {
                cells.push(if tag.is_none() {
                    self.key_interners[k].value(self.groups.key(g)[k])
                } else {
                    Value::Null
                });
            }
            for ai in 0..self.aggs.len() {
                if !read_now[ai] {
                    cells.push(Value::Null);
                    continue;
                }
                let known = longs
                    .as_ref()
                    .and_then(|l| l[ai].as_ref())
                    .map(|v| Value::Long(v[g]));
                let fast = known.or_else(|| match (&mut counters[ai], self.state(ai)) {
                    (Some(c), AggState::Distinct { interner, sets }) => {
                        c.count(interner, sets.ids(g)).map(Value::Long)
                    }
                    (_, AggState::Count(c)) => Some(Value::Long(c[g])),
                    _ => None,
                });
                let v = match fast {
                    Some(v) => v,
                    None => {
                        let mut w = Warnings::new();
                        let v = distinct_result(&self, ai, g, ctx.kernel, ctx.opts, &mut w)?;
                        if !w.lines().is_empty() {
                            let key = FailureKey {
                                segment: ctx.segment,
                                chunk: u32::MAX,
                                batch: 0,
                                row: pos as u32,
                                path: vec![ai as u32 * 64],
                            };
                            ctx.log.absorb(key, &failures_of(&w));
                        }
                        v
                    }
                };
                cells.push(v);
            }
            let mut result = Vec::with_capacity(self.aggregation.outputs.len());
            for (oi, e) in self.aggregation.outputs.iter().enumerate() {
                if tag.is_some() && deferred[oi].is_some() {
                    result.push(if Some(oi) == tag {
                        Value::Long(g as i64)
                    } else {
                        Value::Null
                    });
                    continue;
                }
                result.push(match &e.kind {
                    ExprKind::Column(c) if *c < cells.len() => cells[*c].clone(),
                    _ => {
                        let mut w = Warnings::new();
                        let v = ctx.kernel.eval(e, &cells, ctx.opts, &mut w)?;
                        if !w.lines().is_empty() {
                            let key = FailureKey {
                                segment: ctx.segment,
                                chunk: u32::MAX,
                                batch: 0,
                                row: pos as u32,
                                path: vec![1_000_000 + oi as u32 * 64],
                            };
                            ctx.log.absorb(key, &failures_of(&w));
                        }
                        v
                    }
                });
            }
            out.push(result);
        }
        let deferred = if tag.is_some() {
            deferred
        } else {
            vec![None; self.aggregation.outputs.len()]
        };
        Ok((
            out,
            StatsOutput {
                sink: self,
                deferred,
                tag,
                at: at.saturating_sub(consumed),
                consumed,
            },
        ))
    }
}
