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
use crate::engine::aggregates::interner::{Interner, NULL_ID, Translation};
use crate::engine::aggregates::state::{AggKind, AggState};
use crate::engine::column::Column;
use crate::engine::expr::Ctx;
use crate::engine::expr::keyword_table::TRUE;
use crate::engine::expr::predicate::{Compiler, Pred};
use crate::engine::frame::Frame;

/// Per selected row, the interned ids of one expression's values (CSR; no offsets when every row holds
/// exactly one value).
struct RowIds {
    /// Row `i` holds `ids[starts[i]..starts[i + 1]]`; empty when `single`.
    starts: Vec<u32>,
    ids: Vec<u32>,
    /// Every row holds exactly one id (`ids[i]` is row `i`'s).
    single: bool,
}

impl RowIds {
    /// Ids of rows that each hold exactly one value.
    fn single(ids: Vec<u32>) -> RowIds {
        RowIds {
            starts: Vec::new(),
            ids,
            single: true,
        }
    }

    fn with_capacity(n: usize) -> RowIds {
        let mut starts = Vec::with_capacity(n + 1);
        starts.push(0);
        RowIds {
            starts,
            ids: Vec::with_capacity(n),
            single: false,
        }
    }

    #[inline]
    fn end_row(&mut self) {
        self.starts.push(self.ids.len() as u32);
    }

    #[inline]
    fn row(&self, i: usize) -> &[u32] {
        if self.single {
            return std::slice::from_ref(&self.ids[i]);
        }
        &self.ids[self.starts[i] as usize..self.starts[i + 1] as usize]
    }

    /// Drops the offsets when every row turned out to hold exactly one id.
    fn compact(mut self) -> RowIds {
        if !self.single && self.ids.len() + 1 == self.starts.len() {
            let n = self.starts.len();
            if self.starts.windows(2).all(|w| w[1] == w[0] + 1) && n > 0 {
                self.starts = Vec::new();
                self.single = true;
            }
        }
        self
    }
}

/// The groups each selected row joins (CSR; no offsets when every row joins exactly one).
struct RowGroups {
    starts: Vec<u32>,
    groups: Vec<u32>,
}

impl RowGroups {
    #[inline]
    fn row(&self, i: usize) -> &[u32] {
        if self.starts.is_empty() {
            return std::slice::from_ref(&self.groups[i]);
        }
        &self.groups[self.starts[i] as usize..self.starts[i + 1] as usize]
    }
}

pub(super) struct AggSlot {
    pub(super) kind: AggKind,
    /// First argument (none for COUNT(*)).
    arg: Option<Pred>,
    /// Further arguments (evaluated per row for collected aggregates; constants otherwise).
    extra: Vec<Pred>,
    filter: Option<Pred>,
    /// An earlier aggregate whose distinct-value state this one reads instead of keeping its own (same
    /// plain column argument, neither filtered: `COUNT_DISTINCT(x)` and `VALUES(x)` share one id set);
    /// its own `state` then stays empty.
    pub(super) shares: Option<usize>,
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
                    shares: None,
                    state: AggState::new(kind),
                }
            })
            .collect::<Vec<_>>();
        let mut aggs = aggs;
        for ai in 0..aggs.len() {
            let column = |a: &AggSlot| {
                (a.kind == AggKind::Distinct && a.filter.is_none())
                    .then(|| a.arg.as_ref().and_then(Pred::plain_column))
                    .flatten()
            };
            let Some(c) = column(&aggs[ai]).filter(|_| aggs[ai].extra.is_empty()) else {
                continue;
            };
            aggs[ai].shares =
                (0..ai).find(|&bi| aggs[bi].shares.is_none() && column(&aggs[bi]) == Some(c));
        }
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

    /// The state aggregate `ai` is finished from (its own, or the one it shares).
    pub(super) fn state(&self, ai: usize) -> &AggState {
        &self.aggs[self.aggs[ai].shares.unwrap_or(ai)].state
    }

    /// An empty sink for the same aggregation (for a chunk processed on another thread).
    pub fn fresh(&self) -> StatsSink {
        StatsSink::new(&self.aggregation, self.node_base)
    }

    /// Adds everything `later` saw after what this sink saw (its rows came later in input order), so
    /// merging per-chunk sinks in chunk order gives the sink of the whole input, groups in order.
    pub fn merge(&mut self, later: StatsSink) {
        if self.groups.is_empty() {
            // Nothing seen yet (every consumed row makes a group): the later sink is the whole input so far.
            let constants = std::mem::take(&mut self.constants);
            *self = later;
            for (mine, old) in self.constants.iter_mut().zip(constants) {
                if old.is_some() {
                    *mine = old;
                }
            }
            return;
        }
        let arity = self.keys.len();
        let mut key = vec![0u32; arity];
        let mut map = Vec::with_capacity(later.groups.len());
        let mut key_tables: Vec<Vec<u32>> = later
            .key_interners
            .iter()
            .map(|i| vec![u32::MAX; i.len()])
            .collect();
        for g in 0..later.groups.len() {
            for (k, &id) in later.groups.key(g).iter().enumerate() {
                key[k] = if id == NULL_ID {
                    NULL_ID
                } else {
                    let t = &mut key_tables[k][id as usize];
                    if *t == u32::MAX {
                        *t = self.key_interners[k].intern_from(&later.key_interners[k], id);
                    }
                    *t
                };
            }
            map.push(self.groups.group(&key) as usize);
        }
        let n = self.groups.len();
        for (ai, (a, b)) in self.aggs.iter_mut().zip(later.aggs).enumerate() {
            if self.constants[ai].is_none() {
                self.constants[ai] = later.constants[ai].clone();
            }
            if a.shares.is_some() {
                continue;
            }
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
                    let mut table = vec![u32::MAX; bi.len()];
                    for (g, &to) in map.iter().enumerate().take(bs.len()) {
                        for &id in bs.ids(g) {
                            let t = &mut table[id as usize];
                            if *t == u32::MAX {
                                *t = interner.intern_from(&bi, id);
                            }
                            sets.insert(to, *t);
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
        // Keys, then the groups of every row (created in row order), then room in every state.
        let mut key_ids = Vec::with_capacity(self.keys.len());
        for (k, interner) in self.keys.iter().zip(self.key_interners.iter_mut()) {
            key_ids.push(ids_of(k, frame, rows, ctx, interner)?);
        }
        let groups = self.assign_groups(&key_ids, rows.len());
        drop(key_ids);
        let n = self.groups.len();
        // Filters, then arguments on the rows that pass (the reference evaluates arguments only there).
        for ai in 0..self.aggs.len() {
            let a = &mut self.aggs[ai];
            if a.shares.is_some() {
                // The shared state is filled by the aggregate it shares (no filter, no constants).
                continue;
            }
            a.state.grow(n);
            let pass = match &a.filter {
                Some(f) => Some(f.eval(frame, rows, ctx)?),
                None => None,
            };
            // `at[j]`: the position in `rows` of the `j`-th passing row (all rows when unfiltered).
            let at: Option<Vec<u32>> = pass.as_ref().map(|p| {
                p.iter()
                    .enumerate()
                    .filter(|(_, t)| **t == TRUE)
                    .map(|(i, _)| i as u32)
                    .collect()
            });
            let sub: std::borrow::Cow<'_, [u32]> = match &at {
                Some(at) => at.iter().map(|&i| rows[i as usize]).collect(),
                None => std::borrow::Cow::Borrowed(rows.as_slice()),
            };
            if sub.is_empty() {
                continue;
            }
            let pos = |j: usize| at.as_ref().map_or(j, |at| at[j] as usize);
            match (a.kind, &a.arg, &mut a.state) {
                (AggKind::CountRows, _, AggState::Count(c)) => {
                    if at.is_none() && groups.starts.is_empty() {
                        for &g in &groups.groups {
                            c[g as usize] += 1;
                        }
                    } else {
                        for j in 0..sub.len() {
                            for &g in groups.row(pos(j)) {
                                c[g as usize] += 1;
                            }
                        }
                    }
                }
                (AggKind::CountValues, Some(arg), AggState::Count(c)) => {
                    let counts = value_counts(arg, frame, &sub, ctx)?;
                    for (j, &x) in counts.iter().enumerate() {
                        for &g in groups.row(pos(j)) {
                            c[g as usize] += x as i64;
                        }
                    }
                }
                (AggKind::Distinct, Some(arg), AggState::Distinct { interner, sets }) => {
                    let d = ids_of(arg, frame, &sub, ctx, interner)?;
                    if d.single && at.is_none() && groups.starts.is_empty() {
                        for (&g, &id) in groups.groups.iter().zip(&d.ids) {
                            if id != NULL_ID {
                                sets.insert(g as usize, id);
                            }
                        }
                    } else {
                        for j in 0..sub.len() {
                            for &g in groups.row(pos(j)) {
                                for &id in d.row(j) {
                                    if id != NULL_ID {
                                        sets.insert(g as usize, id);
                                    }
                                }
                            }
                        }
                    }
                    if self.constants[ai].is_none() && !a.extra.is_empty() {
                        let mut consts = Vec::new();
                        for e in &a.extra {
                            let v = e.eval_values(frame, &sub[..1], ctx, false)?;
                            consts.push(v.values.into_iter().next().unwrap_or(Value::Null));
                        }
                        self.constants[ai] = Some(consts);
                    }
                }
                (AggKind::Collect, Some(arg), AggState::Collect(rowsets)) => {
                    let mut per_arg = vec![arg.eval_values(frame, &sub, ctx, false)?.values];
                    for e in &a.extra {
                        per_arg.push(e.eval_values(frame, &sub, ctx, false)?.values);
                    }
                    for j in 0..sub.len() {
                        let row: Vec<Value> = per_arg.iter().map(|vs| vs[j].clone()).collect();
                        for &g in groups.row(pos(j)) {
                            rowsets[g as usize].push(row.clone());
                        }
                    }
                }
                (AggKind::CountRows | AggKind::CountValues | AggKind::Distinct, None, _) => {}
                _ => {
                    return Err(EvalError::Internal(
                        "an aggregate state of the wrong kind".into(),
                    ));
                }
            }
        }
        Ok(())
    }

    /// The groups each row joins, creating new groups in row order (each row's in the order of the
    /// cross product of its key values, in written key order, every distinct value once; a key without
    /// values is the null key).
    fn assign_groups(&mut self, key_ids: &[RowIds], n: usize) -> RowGroups {
        if key_ids.iter().all(|k| k.single) {
            let groups = match key_ids {
                [] => {
                    self.groups.group(&[]);
                    vec![0; n]
                }
                [a] => a.ids.iter().map(|&x| self.groups.group1(x)).collect(),
                [a, b] => {
                    self.choose_chains();
                    self.groups.reserve(n / 8);
                    a.ids
                        .iter()
                        .zip(&b.ids)
                        .map(|(&x, &y)| self.groups.group2(x, y))
                        .collect()
                }
                _ => {
                    let mut key = vec![0u32; key_ids.len()];
                    (0..n)
                        .map(|i| {
                            for (k, ids) in key.iter_mut().zip(key_ids) {
                                *k = ids.ids[i];
                            }
                            self.groups.group(&key)
                        })
                        .collect()
                }
            };
            return RowGroups {
                starts: Vec::new(),
                groups,
            };
        }
        if key_ids.len() == 2 {
            self.choose_chains();
        }
        let mut out = RowGroups {
            starts: Vec::with_capacity(n + 1),
            groups: Vec::with_capacity(n),
        };
        out.starts.push(0);
        let mut key = vec![0u32; key_ids.len()];
        for i in 0..n {
            match key_ids {
                [a, b] if a.row(i).len() == 1 && b.row(i).len() == 1 => {
                    let g = self.groups.group2(a.row(i)[0], b.row(i)[0]);
                    out.groups.push(g);
                }
                _ => self.cross_product(key_ids, i, 0, &mut key, &mut out.groups),
            }
            out.starts.push(out.groups.len() as u32);
        }
        out
    }

    /// Before the first group of two keys: chains headed by the key with more distinct values so far
    /// (the interners hold at least the first batch's, or its chunk dictionary's, values).
    fn choose_chains(&mut self) {
        if self.groups.is_empty() && self.key_interners.len() == 2 {
            let more = self.key_interners[1].len() > self.key_interners[0].len();
            self.groups.chain_on_second(more);
        }
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
    if let Some(c) = p.plain_column() {
        let col: Arc<Column> = frame.column(c)?.clone();
        let map = frame.row_map(c);
        let phys = |r: u32| map.map_or(r, |m| m[r as usize]) as usize;
        if let Some((dict, ids)) = col.keyword_ids().filter(|_| ctx.use_dictionary) {
            let t = interner.translation(dict);
            if col.dense {
                // One value per row: value `r` is row `r`'s.
                let mut out: Vec<u32> = match map {
                    None => rows.iter().map(|&r| ids[r as usize]).collect(),
                    Some(m) => rows.iter().map(|&r| ids[m[r as usize] as usize]).collect(),
                };
                if let Translation::Table(mut table) = t {
                    interner.translate_ids(&mut table, dict, &mut out);
                    interner.keep_translation(dict, Translation::Table(table));
                }
                return Ok(RowIds::single(out));
            }
            let mut out = RowIds::with_capacity(rows.len());
            for &r in rows {
                let (s, e) = col.range(phys(r));
                // Rows hold one or two values: a loop, not a `memcpy` call per row.
                for &id in &ids[s..e] {
                    out.ids.push(id);
                }
                out.end_row();
            }
            if let Translation::Table(mut table) = t {
                interner.translate_ids(&mut table, dict, &mut out.ids);
                interner.keep_translation(dict, Translation::Table(table));
            }
            return Ok(out.compact());
        }
        let mut out = RowIds::with_capacity(rows.len());
        for &r in rows {
            let (s, e) = col.range(phys(r));
            for i in s..e {
                out.ids.push(interner.intern(&col.scalar(i)));
            }
            out.end_row();
        }
        return Ok(out.compact());
    }
    let vals = p.eval_values(frame, rows, ctx, false)?;
    let mut out = RowIds::with_capacity(rows.len());
    for v in &vals.values {
        for x in v.values() {
            out.ids.push(interner.intern(x));
        }
        out.end_row();
    }
    Ok(out.compact())
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

#[cfg(test)]
mod tests {
    use super::*;
    use esql::plan::StepKind;

    fn sink_of(query: &str) -> StatsSink {
        let plan = super::super::test_plan(
            &[
                ("a", "keyword"),
                ("b", "keyword"),
                ("k", "keyword"),
                ("n", "long"),
            ],
            query,
        );
        let agg = plan
            .steps
            .iter()
            .find_map(|s| match &s.kind {
                StepKind::Stats(a) => Some(a.clone()),
                _ => None,
            })
            .unwrap();
        StatsSink::new(&agg, 0)
    }

    #[test]
    fn aggregates_of_one_column_share_the_first_unfiltered_id_set() {
        let s = sink_of(
            "FROM t | STATS c = COUNT(), d = COUNT_DISTINCT(a, 5), v = VALUES(a), e = \
             COUNT_DISTINCT(a, 3), w = VALUES(a) WHERE n > 1, m = MIN(b), x = MAX(b), \
             y = VALUES(n), z = MAX(n) BY k",
        );
        let shares: Vec<Option<usize>> = s.aggs.iter().map(|a| a.shares).collect();
        // COUNT has no set; VALUES(a) reads COUNT_DISTINCT(a, 5)'s; a further argument or a filter
        // keeps an own set; MAX(b) reads MIN(b)'s; MAX(n) reads VALUES(n)'s.
        assert_eq!(
            shares,
            vec![
                None,
                None,
                Some(1),
                None,
                None,
                None,
                Some(5),
                None,
                Some(7)
            ]
        );
        assert!(std::ptr::eq(s.state(2), &s.aggs[1].state));
    }
}
