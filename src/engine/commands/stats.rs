//! STATS as a streaming sink: hash aggregation keyed by interned ids, finished into rows.
//!
//! Oracle twin: the reference's stats command (and its aggregate functions). Invariant: every selected
//! row joins the group of each combination of its key values (a null key is its own group, multi-valued
//! keys give the cross product, in written key order), groups come out in order of first occurrence,
//! aggregate arguments and per-aggregate WHERE filters are evaluated on the original row, an input with
//! no rows and no BY still gives one row, and final values come from the row kernel (see
//! `aggregates/state.rs`) — so the rows equal the reference's.

use std::sync::Arc;

use esql::plan::Aggregation;
use esql::{EvalError, Value};

use crate::engine::aggregates::group_map::GroupMap;
use crate::engine::aggregates::interner::{Interner, NULL_ID};
use crate::engine::aggregates::state::{AggKind, AggState};
use crate::engine::column::Column;
use crate::engine::expr::Ctx;
use crate::engine::expr::keyword_table::TRUE;
use crate::engine::expr::predicate::{Compiler, Pred};
use crate::engine::frame::Frame;

/// Per selected row, the interned ids of one expression's values (CSR).
struct RowIds {
    starts: Vec<u32>,
    ids: Vec<u32>,
}

impl RowIds {
    fn with_capacity(n: usize) -> RowIds {
        let mut starts = Vec::with_capacity(n + 1);
        starts.push(0);
        RowIds {
            starts,
            ids: Vec::with_capacity(n),
        }
    }

    #[inline]
    fn end_row(&mut self) {
        self.starts.push(self.ids.len() as u32);
    }

    #[inline]
    fn row(&self, i: usize) -> &[u32] {
        &self.ids[self.starts[i] as usize..self.starts[i + 1] as usize]
    }
}

pub(super) struct AggSlot {
    pub(super) kind: AggKind,
    /// First argument (none for COUNT(*)).
    arg: Option<Pred>,
    /// Further arguments (evaluated per row for collected aggregates; constants otherwise).
    extra: Vec<Pred>,
    filter: Option<Pred>,
    pub(super) state: AggState,
}

/// A STATS in progress.
pub struct StatsSink {
    pub(super) aggregation: Aggregation,
    pub(super) keys: Vec<Pred>,
    pub(super) key_interners: Vec<Interner>,
    pub(super) groups: GroupMap,
    pub(super) aggs: Vec<AggSlot>,
    /// Extra-argument constants of distinct aggregates, taken from the first row that has them.
    pub(super) constants: Vec<Option<Vec<Value>>>,
    node_base: u32,
}

impl StatsSink {
    /// Compiles an aggregation; `node_base` keeps table ids distinct from other steps'.
    pub fn new(aggregation: &Aggregation, node_base: u32) -> StatsSink {
        let mut c = Compiler::new(node_base);
        let keys: Vec<Pred> = aggregation
            .groups
            .iter()
            .map(|g| c.compile_value(g))
            .collect();
        let aggs = aggregation
            .aggregates
            .iter()
            .map(|a| {
                let kind = AggKind::of(a.function, a.args.len());
                let filter = a.filter.as_ref().map(|f| c.compile(f));
                let arg = a.args.first().map(|e| c.compile_value(e));
                let extra = a.args.iter().skip(1).map(|e| c.compile_value(e)).collect();
                AggSlot {
                    kind,
                    arg,
                    extra,
                    filter,
                    state: AggState::new(kind),
                }
            })
            .collect::<Vec<_>>();
        StatsSink {
            key_interners: keys.iter().map(|_| Interner::new()).collect(),
            groups: GroupMap::new(keys.len()),
            constants: vec![None; aggs.len()],
            keys,
            aggs,
            aggregation: aggregation.clone(),
            node_base,
        }
    }

    /// An empty sink for the same aggregation (for a chunk processed on another thread).
    pub fn fresh(&self) -> StatsSink {
        StatsSink::new(&self.aggregation, self.node_base)
    }

    /// Adds everything `later` saw after what this sink saw (its rows came later in input order), so
    /// merging per-chunk sinks in chunk order gives the sink of the whole input, groups in order.
    pub fn merge(&mut self, later: StatsSink) {
        let arity = self.keys.len();
        let mut key = vec![0u32; arity];
        let mut map = Vec::with_capacity(later.groups.len());
        for g in 0..later.groups.len() {
            for (k, &id) in later.groups.key(g).iter().enumerate() {
                key[k] = if id == NULL_ID {
                    NULL_ID
                } else {
                    self.key_interners[k].intern(&later.key_interners[k].value(id))
                };
            }
            map.push(self.groups.group(&key) as usize);
        }
        let n = self.groups.len();
        for (ai, (a, b)) in self.aggs.iter_mut().zip(later.aggs).enumerate() {
            a.state.grow(n);
            match (&mut a.state, b.state) {
                (AggState::Count(c), AggState::Count(d)) => {
                    for (g, x) in d.into_iter().enumerate() {
                        c[map[g]] += x;
                    }
                }
                (
                    AggState::Distinct { interner, sets },
                    AggState::Distinct {
                        interner: bi,
                        sets: bs,
                    },
                ) => {
                    for (g, set) in bs.into_iter().enumerate() {
                        for &id in set.ids() {
                            let v = interner.intern(&bi.value(id));
                            sets[map[g]].insert(v);
                        }
                    }
                }
                (AggState::Collect(c), AggState::Collect(d)) => {
                    for (g, rows) in d.into_iter().enumerate() {
                        c[map[g]].extend(rows);
                    }
                }
                _ => {}
            }
            if self.constants[ai].is_none() {
                self.constants[ai] = later.constants[ai].clone();
            }
        }
    }

    /// Forgets per-chunk dictionary translations (the chunk's dictionaries are going away).
    pub fn end_chunk(&mut self) {
        for i in self.key_interners.iter_mut() {
            i.clear_translations();
        }
        for a in self.aggs.iter_mut() {
            if let AggState::Distinct { interner, .. } = &mut a.state {
                interner.clear_translations();
            }
        }
    }

    /// Number of groups so far.
    pub fn groups(&self) -> usize {
        self.groups.len()
    }

    /// True when every key, argument and filter is a plain column read, so [`Self::consume`] may read a
    /// virtual frame (after MV_EXPAND) through its parent mapping without materialising it.
    pub fn reads_virtual(&self) -> bool {
        self.keys.iter().all(|k| k.plain_column().is_some())
            && self.aggs.iter().all(|a| {
                a.filter.is_none()
                    && a.kind != AggKind::Collect
                    && a.extra.is_empty()
                    && a.arg.as_ref().is_none_or(|p| p.plain_column().is_some())
            })
    }

    /// Adds the selected rows of a frame (a virtual frame only when [`Self::reads_virtual`]).
    pub fn consume(&mut self, frame: &Frame, ctx: &mut Ctx<'_>) -> Result<(), EvalError> {
        if frame.expand.is_some() && !self.reads_virtual() {
            return Err(EvalError::Internal(
                "a STATS sink that evaluates expressions got a virtual frame".into(),
            ));
        }
        let rows = &frame.selection;
        if rows.is_empty() {
            return Ok(());
        }
        // Keys.
        let mut key_ids = Vec::with_capacity(self.keys.len());
        for (k, interner) in self.keys.iter().zip(self.key_interners.iter_mut()) {
            key_ids.push(ids_of(k, frame, rows, ctx, interner)?);
        }
        // Filters, then arguments on the rows that pass (the reference evaluates arguments only there).
        let mut passes: Vec<Option<Vec<u8>>> = Vec::with_capacity(self.aggs.len());
        let mut counts: Vec<Option<Vec<u32>>> = Vec::with_capacity(self.aggs.len());
        let mut distinct: Vec<Option<RowIds>> = Vec::with_capacity(self.aggs.len());
        let mut collected: Vec<Option<Vec<Vec<Value>>>> = Vec::with_capacity(self.aggs.len());
        for (ai, a) in self.aggs.iter_mut().enumerate() {
            let pass = match &a.filter {
                Some(f) => Some(f.eval(frame, rows, ctx)?),
                None => None,
            };
            let sub: std::borrow::Cow<'_, [u32]> = match &pass {
                Some(p) => rows
                    .iter()
                    .zip(p)
                    .filter(|(_, t)| **t == TRUE)
                    .map(|(r, _)| *r)
                    .collect(),
                None => std::borrow::Cow::Borrowed(rows.as_slice()),
            };
            passes.push(pass);
            let (mut cnt, mut dis, mut col) = (None, None, None);
            if !sub.is_empty() {
                match (a.kind, &a.arg) {
                    (AggKind::CountRows, _) | (_, None) => {}
                    (AggKind::CountValues, Some(arg)) => {
                        cnt = Some(value_counts(arg, frame, &sub, ctx)?)
                    }
                    (AggKind::Distinct, Some(arg)) => {
                        let AggState::Distinct { interner, .. } = &mut a.state else {
                            return Err(EvalError::Internal(
                                "distinct aggregate without interner".into(),
                            ));
                        };
                        dis = Some(ids_of(arg, frame, &sub, ctx, interner)?);
                        if self.constants[ai].is_none() && !a.extra.is_empty() {
                            let mut consts = Vec::new();
                            for e in &a.extra {
                                let v = e.eval_values(frame, &sub[..1], ctx, false)?;
                                consts.push(v.values.into_iter().next().unwrap_or(Value::Null));
                            }
                            self.constants[ai] = Some(consts);
                        }
                    }
                    (AggKind::Collect, Some(arg)) => {
                        let mut per_arg = vec![arg.eval_values(frame, &sub, ctx, false)?.values];
                        for e in &a.extra {
                            per_arg.push(e.eval_values(frame, &sub, ctx, false)?.values);
                        }
                        let mut out = Vec::with_capacity(sub.len());
                        for i in 0..sub.len() {
                            out.push(per_arg.iter().map(|vs| vs[i].clone()).collect());
                        }
                        col = Some(out);
                    }
                }
            }
            counts.push(cnt);
            distinct.push(dis);
            collected.push(col);
        }
        // Group each row and update the states (`next[ai]` walks the passing rows of aggregate `ai`).
        let mut key = vec![0u32; self.keys.len()];
        let mut groups_of_row: Vec<u32> = Vec::new();
        let mut next = vec![0usize; self.aggs.len()];
        for i in 0..rows.len() {
            groups_of_row.clear();
            self.cross_product(&key_ids, i, 0, &mut key, &mut groups_of_row);
            let n = self.groups.len();
            for (ai, a) in self.aggs.iter_mut().enumerate() {
                a.state.grow(n);
                if let Some(p) = &passes[ai]
                    && p[i] != TRUE
                {
                    continue;
                }
                let j = next[ai];
                next[ai] += 1;
                for &g in &groups_of_row {
                    let g = g as usize;
                    match &mut a.state {
                        AggState::Count(c) => {
                            c[g] += match &counts[ai] {
                                Some(cs) => cs[j] as i64,
                                None if a.kind == AggKind::CountRows => 1,
                                None => 0,
                            }
                        }
                        AggState::Distinct { sets, .. } => {
                            if let Some(d) = &distinct[ai] {
                                for &id in d.row(j) {
                                    if id != NULL_ID {
                                        sets[g].insert(id);
                                    }
                                }
                            }
                        }
                        AggState::Collect(rowsets) => {
                            if let Some(c) = &collected[ai] {
                                rowsets[g].push(c[j].clone());
                            }
                        }
                    }
                }
            }
        }
        Ok(())
    }

    fn cross_product(
        &mut self,
        key_ids: &[RowIds],
        i: usize,
        k: usize,
        key: &mut [u32],
        out: &mut Vec<u32>,
    ) {
        if k == key_ids.len() {
            out.push(self.groups.group(key));
            return;
        }
        let ids = key_ids[k].row(i);
        if ids.is_empty() {
            key[k] = NULL_ID;
            self.cross_product(key_ids, i, k + 1, key, out);
        } else {
            for j in 0..ids.len() {
                let id = key_ids[k].row(i)[j];
                // A row joins each distinct key value once.
                if key_ids[k].row(i)[..j].contains(&id) {
                    continue;
                }
                key[k] = id;
                self.cross_product(key_ids, i, k + 1, key, out);
            }
        }
    }
}

/// Interned ids of the leaf's values on each selected row.
fn ids_of(
    p: &Pred,
    frame: &Frame,
    rows: &[u32],
    ctx: &mut Ctx<'_>,
    interner: &mut Interner,
) -> Result<RowIds, EvalError> {
    let mut out = RowIds::with_capacity(rows.len());
    if let Some(c) = p.plain_column() {
        let col: Arc<Column> = frame.column(c)?.clone();
        let map = frame.row_map(c);
        let phys = |r: u32| map.map_or(r, |m| m[r as usize]) as usize;
        if let Some((dict, ids)) = col.keyword_ids().filter(|_| ctx.use_dictionary) {
            let mut t = interner.translation(dict);
            for &r in rows {
                let (s, e) = col.range(phys(r));
                for &id in &ids[s..e] {
                    let g = interner.translate(&mut t, dict, id);
                    out.ids.push(g);
                }
                out.end_row();
            }
            interner.keep_translation(dict, t);
            return Ok(out);
        }
        for &r in rows {
            let (s, e) = col.range(phys(r));
            for i in s..e {
                out.ids.push(interner.intern(&col.scalar(i)));
            }
            out.end_row();
        }
        return Ok(out);
    }
    let vals = p.eval_values(frame, rows, ctx, false)?;
    for v in &vals.values {
        for x in v.values() {
            out.ids.push(interner.intern(x));
        }
        out.end_row();
    }
    Ok(out)
}

/// Number of values of the leaf on each selected row (COUNT(expr)).
fn value_counts(
    p: &Pred,
    frame: &Frame,
    rows: &[u32],
    ctx: &mut Ctx<'_>,
) -> Result<Vec<u32>, EvalError> {
    if let Some(c) = p.plain_column() {
        let col = frame.column(c)?;
        let map = frame.row_map(c);
        return Ok(rows
            .iter()
            .map(|&r| col.count(map.map_or(r, |m| m[r as usize]) as usize) as u32)
            .collect());
    }
    let vals = p.eval_values(frame, rows, ctx, false)?;
    Ok(vals.values.iter().map(|v| v.count() as u32).collect())
}
