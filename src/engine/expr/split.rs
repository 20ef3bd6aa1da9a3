//! WHERE split into a truth pass and a failure pass over dictionary ids.
//!
//! Oracle twin: the reference's WHERE, which evaluates every operand of AND/OR/NOT on every row
//! ([`super::predicate::SHORT_CIRCUIT`] is false) and keeps the rows whose condition is `true`.
//! Invariant: because nothing short-circuits, the failures a condition logs on a set of rows are exactly
//! the failures each of its leaves logs on every one of those rows — they do not depend on any truth
//! value. So, when every leaf is a constant or reads one dictionary-encoded keyword column, the engine
//!
//! - logs failures leaf by leaf on all rows ([`Pred::log_failures`]): a leaf that cannot fail on single
//!   values ([`cannot_fail_on_singles`]) only visits rows holding two or more values (the side path);
//!   other leaves look up per-id failures; failures beyond what ES can print are skipped cheaply
//!   (`Ctx::beyond_cap`);
//! - computes truth without logging ([`Pred::truth_filter`]): per-dictionary-id three-valued tables
//!   (`u8` per id, built lazily for the ids rows reach), applied in tight loops over `u32` ids with a
//!   selection vector; conjunctions narrow the selection conjunct by conjunct, most selective (sampled)
//!   and cheapest first — Kleene AND/OR are commutative for truth, and no failure depends on the order.
//!
//! Multi-valued rows (and null rows) get their truth and failures from the row kernel once per distinct
//! id list per chunk — or once per chunk for a leaf that cannot tell multi-values apart
//! ([`same_on_every_multi`]: `==`, IN, LIKE… on the column report the same null and warning on any
//! multi-value). Frames made virtual by MV_EXPAND are read through `Frame::row_map`.

use std::sync::Arc;

use foldhash::{HashMap, HashMapExt};

use esql::plan::Expr;
use esql::{EvalError, Value};

use super::context::Ctx;
use super::keyword_table::{
    FALSE, TRUE, UNKNOWN, cannot_fail_on_singles, same_on_every_multi, tri_of,
};
use super::predicate::Pred;
use super::selection::{and3, difference, fold_open, merge, not3, or3, select};
use super::str_test::StrTest;
use crate::engine::failures::Failure;
use crate::engine::frame::Frame;

/// Failures of one evaluation, shared between the rows that replay them.
type Fails = Option<Arc<[Failure]>>;

/// Truth and failures of one leaf per dictionary id of one chunk's column, filled on first lookup.
#[derive(Debug, Clone)]
pub struct SplitTable {
    tri: Vec<u8>,
    /// Failures per id, allocated on the first id that records one (most leaves never do).
    fails: Vec<Fails>,
    null: Option<(u8, Fails)>,
    multi: HashMap<Box<[u32]>, (u8, Fails)>,
    /// The leaf gives one truth and one failure list on every multi-valued row
    /// ([`same_on_every_multi`]): computed on the first such row, then `multi_any` serves them all.
    invariant: bool,
    multi_any: Option<(u8, Fails)>,
    /// The leaf compiled to a test on the dictionary string (ids are then filled without the kernel).
    test: Option<Arc<StrTest>>,
    /// Every id's truth is filled (by the string test).
    filled: bool,
    /// A row of nulls the leaf's value is written into for the kernel (reused).
    scratch: Vec<Value>,
}

fn fails(f: Box<[Failure]>) -> Fails {
    (!f.is_empty()).then(|| Arc::from(f))
}

/// Rows sampled to order conjuncts.
const SAMPLE: usize = 256;
/// Batches smaller than this keep the written order.
const SAMPLE_FROM: usize = 4 * SAMPLE;

/// One keyword leaf being evaluated: its column read through the frame's row mapping.
struct Leaf<'f> {
    col: usize,
    expr: &'f Expr,
    width: usize,
    dict: &'f crate::engine::dictionary::Dictionary,
    ids: &'f [u32],
    offsets: &'f [u32],
    map: Option<&'f [u32]>,
    /// Every row holds exactly one value (id `r` is row `r`'s).
    dense: bool,
    /// Most values a row of the column holds.
    max_count: usize,
}

impl Leaf<'_> {
    /// The value range of frame row `r`.
    #[inline(always)]
    fn range(&self, r: u32) -> (usize, usize) {
        let p = match self.map {
            Some(m) => m[r as usize] as usize,
            None => r as usize,
        };
        (self.offsets[p] as usize, self.offsets[p + 1] as usize)
    }

    /// The leaf's truth and failures on a row holding `v` in its column (nulls elsewhere).
    fn eval(&self, t: &mut SplitTable, v: Value, ctx: &Ctx<'_>) -> Result<(u8, Fails), EvalError> {
        let width = self.width.max(self.col + 1);
        if t.scratch.len() < width {
            t.scratch.resize(width, Value::Null);
        }
        t.scratch[self.col] = v;
        let mut w = esql::Warnings::new();
        let r = ctx.kernel.eval(self.expr, &t.scratch, ctx.opts, &mut w);
        t.scratch[self.col] = Value::Null;
        let r = r?;
        let f = if w.lines().is_empty() {
            None
        } else {
            fails(crate::engine::failures::failures_of(&w).into_boxed_slice())
        };
        Ok((tri_of(&r), f))
    }

    fn compute_id(&self, t: &mut SplitTable, id: usize, ctx: &Ctx<'_>) -> Result<u8, EvalError> {
        if let Some(test) = &t.test {
            // A single value: no failure possible (`StrTest`'s invariant); `fails[id]` stays `None`.
            let tri = test.tri(self.dict.get(id as u32));
            t.tri[id] = tri;
            return Ok(tri);
        }
        let v = Value::Keyword(self.dict.get(id as u32).to_owned());
        let (tri, f) = self.eval(t, v, ctx)?;
        t.tri[id] = tri;
        if f.is_some() {
            if t.fails.len() < t.tri.len() {
                t.fails.resize(t.tri.len(), None);
            }
            t.fails[id] = f;
        }
        Ok(tri)
    }

    fn null<'t>(&self, t: &'t mut SplitTable, ctx: &Ctx<'_>) -> Result<&'t (u8, Fails), EvalError> {
        if t.null.is_none() {
            let n = self.eval(t, Value::Null, ctx)?;
            t.null = Some(n);
        }
        Ok(t.null.as_ref().expect("just set"))
    }

    fn multi<'t>(
        &self,
        t: &'t mut SplitTable,
        s: usize,
        e: usize,
        ctx: &Ctx<'_>,
    ) -> Result<&'t (u8, Fails), EvalError> {
        let key = &self.ids[s..e];
        if t.invariant {
            if t.multi_any.is_none() {
                let r = self.eval(t, self.multi_value(key), ctx)?;
                t.multi_any = Some(r);
            }
            return Ok(t.multi_any.as_ref().expect("just set"));
        }
        if !t.multi.contains_key(key) {
            let r = self.eval(t, self.multi_value(key), ctx)?;
            t.multi.insert(key.into(), r);
        }
        Ok(&t.multi[key])
    }

    /// The multi-value of the ids `key`.
    fn multi_value(&self, key: &[u32]) -> Value {
        Value::Multi(
            key.iter()
                .map(|&id| Value::Keyword(self.dict.get(id).to_owned()))
                .collect(),
        )
    }

    /// The failures of id `id` (computed on first use).
    fn id_failures(
        &self,
        t: &mut SplitTable,
        id: usize,
        ctx: &Ctx<'_>,
    ) -> Result<Fails, EvalError> {
        if t.tri[id] == UNKNOWN {
            self.compute_id(t, id, ctx)?;
        }
        Ok(t.fails.get(id).cloned().flatten())
    }

    /// The failures the leaf logs on a row whose values are `ids[s..e]`; with `singles_quiet` (the
    /// leaf cannot fail on a single value or null) only multi-valued rows are evaluated.
    fn row_failures(
        &self,
        t: &mut SplitTable,
        s: usize,
        e: usize,
        singles_quiet: bool,
        ctx: &Ctx<'_>,
    ) -> Result<Fails, EvalError> {
        if e > s + 1 {
            Ok(self.multi(t, s, e, ctx)?.1.clone())
        } else if singles_quiet {
            Ok(None)
        } else if e == s {
            Ok(self.null(t, ctx)?.1.clone())
        } else {
            self.id_failures(t, self.ids[s] as usize, ctx)
        }
    }

    /// For a leaf that logs nothing on single values and null ([`cannot_fail_on_singles`]) and the
    /// same failures on every multi-valued row (`t.invariant`): calls `replay(ctx, r, failures)` for
    /// the multi-valued rows `r` of `rows` (ascending) until ES could print no more of them. Every
    /// such row carries the same failure list and rows only move forward, so once one row is beyond
    /// the log's cap ([`Ctx::beyond_cap`]) every later row is too and the scan stops.
    fn each_multi_failure(
        &self,
        t: &mut SplitTable,
        frame: &Frame,
        rows: &[u32],
        ctx: &mut Ctx<'_>,
        mut replay: impl FnMut(&mut Ctx<'_>, u32, &Arc<[Failure]>),
    ) -> Result<(), EvalError> {
        let mut fails: Option<Arc<[Failure]>> = None;
        for &r in rows {
            let (s, e) = self.range(r);
            if e <= s + 1 {
                continue;
            }
            let f = match &fails {
                Some(f) => f,
                None => match self.multi(t, s, e, ctx)?.1.clone() {
                    Some(f) => fails.insert(f),
                    // No failure on any multi-valued row.
                    None => return Ok(()),
                },
            };
            if ctx.beyond_cap(frame, r as usize, f) {
                return Ok(());
            }
            replay(ctx, r, f);
        }
        Ok(())
    }

    /// Readies the eager paths ([`Self::filter_eager`], [`Self::mark_eager`]): every truth a row of
    /// `rows` can meet must be known up front — all ids of the dictionary (filled here with the
    /// string test when there are no more ids than rows), null (evaluated by the callers once a
    /// null row is met), and on a column with multi-valued rows one truth for every multi-value
    /// (`t.invariant`), returned. `None` when that does not hold (the caller then takes the lazy
    /// path).
    fn eager_ready(
        &self,
        t: &mut SplitTable,
        rows: &[u32],
        ctx: &Ctx<'_>,
    ) -> Result<Option<u8>, EvalError> {
        let multi = !self.dense && self.max_count > 1;
        // (An empty dictionary — every row null — has no id table to index.)
        if (multi && !t.invariant) || rows.is_empty() || self.dict.is_empty() {
            return Ok(None);
        }
        if !t.filled {
            let Some(test) = &t.test else {
                return Ok(None);
            };
            if self.dict.len() > rows.len() {
                return Ok(None);
            }
            for (id, s) in self.dict.iter() {
                t.tri[id as usize] = test.tri(s);
            }
            t.filled = true;
        }
        if !multi {
            return Ok(Some(FALSE));
        }
        if let Some((many, _)) = &t.multi_any {
            return Ok(Some(*many));
        }
        let first = rows.iter().find(|&&r| {
            let (s, e) = self.range(r);
            e > s + 1
        });
        Ok(Some(match first {
            Some(&r) => {
                let (s, e) = self.range(r);
                self.multi(t, s, e, ctx)?.0
            }
            None => FALSE,
        }))
    }

    /// Sets `hit[j]` for every `rows[j]` whose truth is `TRUE` (leaving the others as they are),
    /// when the eager conditions hold ([`Self::eager_ready`]); `false` (nothing marked) otherwise.
    /// One pass without a selection write: the operands of an OR mark one vector.
    fn mark_eager(
        &self,
        t: &mut SplitTable,
        rows: &[u32],
        ctx: &Ctx<'_>,
        hit: &mut [bool],
    ) -> Result<bool, EvalError> {
        let Some(many) = self.eager_ready(t, rows, ctx)? else {
            return Ok(false);
        };
        let tbl = &t.tri[..];
        let ids = self.ids;
        if self.dense {
            match self.map {
                None => {
                    for (h, &r) in hit.iter_mut().zip(rows) {
                        *h |= tbl[ids[r as usize] as usize] == TRUE;
                    }
                }
                Some(m) => {
                    for (h, &r) in hit.iter_mut().zip(rows) {
                        *h |= tbl[ids[m[r as usize] as usize] as usize] == TRUE;
                    }
                }
            }
            return Ok(true);
        }
        let known_null = t.null.as_ref().map(|n| n.0);
        let side = [known_null.unwrap_or(UNKNOWN), FALSE, many];
        let last = ids.len().saturating_sub(1);
        let mut saw_null = false;
        for (h, &r) in hit.iter_mut().zip(rows) {
            let (s, e) = self.range(r);
            let n = e - s;
            saw_null |= n == 0;
            let single = tbl[ids.get(s.min(last)).copied().unwrap_or(0) as usize];
            *h |= (if n == 1 { single } else { side[n.min(2)] }) == TRUE;
        }
        if saw_null && known_null.is_none() && self.null(t, ctx)?.0 == TRUE {
            // Null rows pass: mark them now that null's truth is known.
            for (h, &r) in hit.iter_mut().zip(rows) {
                let (s, e) = self.range(r);
                *h |= s == e;
            }
        }
        Ok(true)
    }

    /// The rows of `rows` whose truth is `TRUE`, without a branch per row, when every truth a row
    /// can meet is known up front: all ids of the dictionary (filled here with the string test when
    /// there are no more ids than rows), null, and — on a column with multi-valued rows — one truth
    /// for every multi-value (`t.invariant`). `None` when that does not hold (the caller then
    /// takes the lazy path).
    fn filter_eager(
        &self,
        t: &mut SplitTable,
        rows: &[u32],
        ctx: &Ctx<'_>,
    ) -> Result<Option<Vec<u32>>, EvalError> {
        let Some(many) = self.eager_ready(t, rows, ctx)? else {
            return Ok(None);
        };
        let tbl = &t.tri[..];
        let mut out = Vec::with_capacity(rows.len() / 8 + BLOCK);
        if self.dense {
            let ids = self.ids;
            match (self.map, contiguous(rows)) {
                (None, Some(first)) => {
                    // A fresh batch: no selection to read, the ids are the rows'.
                    let ids = &ids[first as usize..first as usize + rows.len()];
                    match true_ids(tbl) {
                        // Few true ids (a selective condition): compared in SIMD lanes.
                        Some(w) => select_ids(
                            ids,
                            first,
                            |id| (id == w[0]) | (id == w[1]) | (id == w[2]) | (id == w[3]),
                            &mut out,
                        ),
                        None => select_ids(ids, first, |id| tbl[id as usize] == TRUE, &mut out),
                    }
                }
                (None, None) => select_blocks(
                    rows.len(),
                    |j| rows[j],
                    |j| tbl[ids[rows[j] as usize] as usize] == TRUE,
                    &mut out,
                ),
                (Some(m), _) => select_blocks(
                    rows.len(),
                    |j| rows[j],
                    |j| tbl[ids[m[rows[j] as usize] as usize] as usize] == TRUE,
                    &mut out,
                ),
            }
            return Ok(Some(out));
        }
        // Truth by value count: 0 (null), 1 (the id's), 2+ (the multi-value's, `many`). The leaf
        // has a string test, so it is one of the simple shapes the kernel evaluates on null or a
        // multi-value without error; null is evaluated only once a null row is met.
        let known_null = t.null.as_ref().map(|n| n.0);
        let select = |t: &SplitTable, null: u8, out: &mut Vec<u32>| {
            let side = [null, FALSE, many];
            let tbl = &t.tri[..];
            let last = self.ids.len().saturating_sub(1);
            let truth = |r: u32| {
                let (s, e) = self.range(r);
                let n = e - s;
                let single = tbl[self.ids.get(s.min(last)).copied().unwrap_or(0) as usize];
                if n == 1 { single } else { side[n.min(2)] }
            };
            select_blocks(rows.len(), |j| rows[j], |j| truth(rows[j]) == TRUE, out);
        };
        select(t, known_null.unwrap_or(UNKNOWN), &mut out);
        // Null rows were not selected while null's truth is unknown: it is needed once one is met.
        let saw_null = known_null.is_none()
            && rows.iter().any(|&r| {
                let (s, e) = self.range(r);
                e == s
            });
        if saw_null {
            let null = self.null(t, ctx)?.0;
            if null == TRUE {
                // Null rows pass: select again with their truth known.
                out.clear();
                select(t, null, &mut out);
            }
        }
        Ok(Some(out))
    }

    /// Calls `emit(i, r, truth)` for each `rows[i] = r`.
    #[inline(always)]
    fn each_truth(
        &self,
        t: &mut SplitTable,
        rows: &[u32],
        ctx: &Ctx<'_>,
        mut emit: impl FnMut(u32, u8),
    ) -> Result<(), EvalError> {
        if self.dense && self.map.is_none() {
            // No offsets to read: row `r`'s id is `ids[r]`.
            for &r in rows {
                let id = self.ids[r as usize] as usize;
                let tri = match t.tri[id] {
                    UNKNOWN => self.compute_id(t, id, ctx)?,
                    known => known,
                };
                emit(r, tri);
            }
            return Ok(());
        }
        for &r in rows {
            let (s, e) = self.range(r);
            let tri = if e == s + 1 {
                let id = self.ids[s] as usize;
                match t.tri[id] {
                    UNKNOWN => self.compute_id(t, id, ctx)?,
                    known => known,
                }
            } else if e == s {
                self.null(t, ctx)?.0
            } else {
                self.multi(t, s, e, ctx)?.0
            };
            emit(r, tri);
        }
        Ok(())
    }
}

/// Rows per block of [`select_blocks`].
const BLOCK: usize = 64;

/// The first row of `rows` when they are consecutive (`first, first + 1, …`).
#[inline]
fn contiguous(rows: &[u32]) -> Option<u32> {
    let (&a, &b) = rows.first().zip(rows.last())?;
    ((b - a) as usize + 1 == rows.len()).then_some(a)
}

/// Appends `row(j)` to `out` for every `j < n` (ascending) with `hit(j)`, block by block without a
/// branch per row: a block following one without hits is first only tested (a selective condition
/// touches each row once, no write), other blocks are written straight through a small buffer.
#[inline(always)]
fn select_blocks(
    n: usize,
    row: impl Fn(usize) -> u32,
    hit: impl Fn(usize) -> bool,
    out: &mut Vec<u32>,
) {
    let mut buf = [0u32; BLOCK];
    let mut busy = false;
    let mut i = 0;
    while i < n {
        let end = (i + BLOCK).min(n);
        if !busy {
            let mut any = false;
            for j in i..end {
                any |= hit(j);
            }
            if !any {
                i = end;
                continue;
            }
        }
        let mut k = 0usize;
        for j in i..end {
            buf[k & (BLOCK - 1)] = row(j);
            k += usize::from(hit(j));
        }
        out.extend_from_slice(&buf[..k]);
        busy = k > 0;
        i = end;
    }
}

/// Most true ids [`true_ids`] lists.
const FEW: usize = 4;

/// The ids whose truth in `tbl` is `TRUE`, padded with an id no row holds, when there are at most
/// [`FEW`].
fn true_ids(tbl: &[u8]) -> Option<[u32; FEW]> {
    let mut w = [u32::MAX; FEW];
    let mut k = 0;
    for (id, &t) in tbl.iter().enumerate() {
        if t == TRUE {
            if k == FEW {
                return None;
            }
            w[k] = id as u32;
            k += 1;
        }
    }
    Some(w)
}

/// [`select_blocks`] over consecutive rows `first, first + 1, …` holding `ids`, with `hit` a test
/// of the id: a block is first tested by folding `hit` over its ids (no bounds checks, so a test
/// without table lookups vectorises).
#[inline(always)]
fn select_ids(ids: &[u32], first: u32, hit: impl Fn(u32) -> bool, out: &mut Vec<u32>) {
    let mut buf = [0u32; BLOCK];
    let mut busy = false;
    let mut base = first;
    for block in ids.chunks(BLOCK) {
        if busy || block.iter().fold(false, |a, &id| a | hit(id)) {
            let mut k = 0usize;
            for (j, &id) in block.iter().enumerate() {
                buf[k & (BLOCK - 1)] = base + j as u32;
                k += usize::from(hit(id));
            }
            out.extend_from_slice(&buf[..k]);
            busy = k > 0;
        }
        base += BLOCK as u32;
    }
}

/// Failure lists ES can no longer print from here on (the log's cap is reached and rows only move
/// forward), by identity.
#[derive(Default)]
struct Spent(Vec<*const Failure>);

impl Spent {
    /// True when `f`, recorded on frame row `r`, is still to be logged.
    fn admits(&mut self, ctx: &Ctx<'_>, frame: &Frame, r: u32, f: &Arc<[Failure]>) -> bool {
        if self.0.contains(&f.as_ptr()) {
            return false;
        }
        if ctx.beyond_cap(frame, r as usize, f) {
            self.0.push(f.as_ptr());
            return false;
        }
        true
    }
}

/// What a split leaf is: its column, expression, table-cache node and compiled string test.
type LeafSpec<'p> = (usize, &'p Expr, u32, &'p Option<Arc<StrTest>>);

/// Runs `f` with the leaf's column and its table (taken out of the cache and put back).
fn with_leaf<R>(
    frame: &Frame,
    ctx: &mut Ctx<'_>,
    (col, expr, node, test): LeafSpec<'_>,
    f: impl FnOnce(&Leaf<'_>, &mut SplitTable, &mut Ctx<'_>) -> Result<R, EvalError>,
) -> Result<R, EvalError> {
    let column = frame.column(col)?.clone();
    let Some((dict, ids)) = column.keyword_ids() else {
        return Err(EvalError::Internal(
            "split leaf on a non-dictionary column".into(),
        ));
    };
    let key = (node, Arc::as_ptr(dict) as usize);
    let mut table = match ctx.tables.split.remove(&key) {
        Some((_, t)) => t,
        None => SplitTable {
            tri: vec![UNKNOWN; dict.len()],
            fails: Vec::new(),
            null: None,
            multi: HashMap::new(),
            invariant: same_on_every_multi(expr),
            multi_any: None,
            test: test.clone(),
            filled: false,
            scratch: Vec::new(),
        },
    };
    let leaf = Leaf {
        col,
        expr,
        width: frame.columns.len(),
        dict,
        ids,
        offsets: &column.offsets,
        map: frame.row_map(col),
        dense: column.dense,
        max_count: column.max_count as usize,
    };
    let out = f(&leaf, &mut table, ctx);
    ctx.tables.split.insert(key, (dict.clone(), table));
    out
}

fn const_value(expr: &Expr, ctx: &Ctx<'_>) -> Result<(u8, Vec<Failure>), EvalError> {
    let mut w = esql::Warnings::new();
    let v = ctx.kernel.eval(expr, &[], ctx.opts, &mut w)?;
    Ok((tri_of(&v), crate::engine::failures::failures_of(&w)))
}

impl Pred {
    /// True when the split evaluation applies on `frame`: every leaf is a constant or reads one
    /// dictionary-encoded keyword column.
    pub fn splittable(&self, frame: &Frame, ctx: &Ctx<'_>) -> bool {
        match self {
            Pred::And(a, b) | Pred::Or(a, b) => {
                a.splittable(frame, ctx) && b.splittable(frame, ctx)
            }
            Pred::Not(a) => a.splittable(frame, ctx),
            Pred::Const { .. } => true,
            Pred::Single { col, .. } => {
                ctx.use_dictionary
                    && frame
                        .column(*col)
                        .ok()
                        .is_some_and(|c| c.keyword_ids().is_some())
            }
            Pred::Row { .. } => false,
        }
    }

    /// For a leaf on column `c` compiled to a string test: its truth on a row holding one value, per
    /// id of `c`'s dictionary (`true` for `TRUE`), and on a null row — the truth of every child an
    /// MV_EXPAND of `c` makes (a child holds one value of its row, or null). The table is filled
    /// with the string test when the dictionary holds no more than `most` strings. `None` for any
    /// other predicate or column; logs nothing.
    pub(super) fn child_truths(
        &self,
        frame: &Frame,
        c: usize,
        most: usize,
        ctx: &mut Ctx<'_>,
    ) -> Result<Option<(Vec<bool>, bool)>, EvalError> {
        let Pred::Single {
            col,
            expr,
            node,
            test,
            ..
        } = self
        else {
            return Ok(None);
        };
        if *col != c || test.is_none() || !self.splittable(frame, ctx) {
            return Ok(None);
        }
        with_leaf(frame, ctx, (*col, expr, *node, test), |leaf, t, ctx| {
            if leaf.dict.is_empty() || leaf.dict.len() > most {
                return Ok(None);
            }
            if !t.filled {
                let Some(test) = &t.test else {
                    return Ok(None);
                };
                for (id, s) in leaf.dict.iter() {
                    t.tri[id as usize] = test.tri(s);
                }
                t.filled = true;
            }
            let ids: Vec<bool> = t.tri[..leaf.dict.len()]
                .iter()
                .map(|&x| x == TRUE)
                .collect();
            let null = leaf.null(t, ctx)?.0 == TRUE;
            Ok(Some((ids, null)))
        })
    }

    fn leaves(&self) -> usize {
        match self {
            Pred::And(a, b) | Pred::Or(a, b) => a.leaves() + b.leaves(),
            Pred::Not(a) => a.leaves(),
            _ => 1,
        }
    }

    /// Logs the failures every leaf records on every row of `rows` (see the module doc).
    pub fn log_failures(
        &self,
        frame: &Frame,
        rows: &[u32],
        ctx: &mut Ctx<'_>,
    ) -> Result<(), EvalError> {
        match self {
            Pred::And(a, b) | Pred::Or(a, b) => {
                a.log_failures(frame, rows, ctx)?;
                b.log_failures(frame, rows, ctx)
            }
            Pred::Not(a) => a.log_failures(frame, rows, ctx),
            Pred::Const { expr, seq } => {
                let (_, f) = const_value(expr, ctx)?;
                if !f.is_empty() {
                    for &r in rows {
                        ctx.replay_table_failures(frame, r as usize, *seq, &f);
                    }
                }
                Ok(())
            }
            Pred::Single {
                col,
                expr,
                node,
                seq,
                test,
            } => {
                let singles_quiet = cannot_fail_on_singles(expr);
                if singles_quiet && frame.column(*col)?.max_count <= 1 {
                    return Ok(());
                }
                with_leaf(frame, ctx, (*col, expr, *node, test), |leaf, t, ctx| {
                    if singles_quiet && t.invariant {
                        return leaf.each_multi_failure(t, frame, rows, ctx, |ctx, r, f| {
                            ctx.replay_table_failures(frame, r as usize, *seq, f)
                        });
                    }
                    let mut spent = Spent::default();
                    for &r in rows {
                        let (s, e) = leaf.range(r);
                        let Some(f) = leaf.row_failures(t, s, e, singles_quiet, ctx)? else {
                            continue;
                        };
                        if spent.admits(ctx, frame, r, &f) {
                            ctx.replay_table_failures(frame, r as usize, *seq, &f);
                        }
                    }
                    Ok(())
                })
            }
            Pred::Row { .. } => Err(EvalError::Internal(
                "row-kernel leaf in a split condition".into(),
            )),
        }
    }

    /// The rows of `rows` (ascending) on which the condition is `true`; logs nothing.
    pub fn truth_filter(
        &self,
        frame: &Frame,
        rows: &[u32],
        ctx: &mut Ctx<'_>,
    ) -> Result<Vec<u32>, EvalError> {
        match self {
            Pred::And(..) => conjunction_filter(self.conjuncts(), frame, rows, ctx),
            Pred::Or(..) if rows.len() >= MASK_FROM => disjunction_by_mask(self, frame, rows, ctx),
            Pred::Or(..) => {
                let mut out: Vec<u32> = Vec::new();
                let mut rest: Vec<u32> = rows.to_vec();
                for d in self.operands(false) {
                    let got = d.truth_filter(frame, &rest, ctx)?;
                    if !got.is_empty() {
                        rest = difference(&rest, &got);
                        out = merge(&out, &got);
                    }
                    if rest.is_empty() {
                        break;
                    }
                }
                Ok(out)
            }
            Pred::Not(a) => {
                let tri = a.truth_tri(frame, rows, ctx)?;
                Ok(select(rows, &tri, |t| t == FALSE))
            }
            Pred::Const { expr, .. } => {
                let (t, _) = const_value(expr, ctx)?;
                Ok(if t == TRUE { rows.to_vec() } else { Vec::new() })
            }
            Pred::Single {
                col,
                expr,
                node,
                test,
                ..
            } => with_leaf(frame, ctx, (*col, expr, *node, test), |leaf, t, ctx| {
                if let Some(out) = leaf.filter_eager(t, rows, ctx)? {
                    return Ok(out);
                }
                let mut out = Vec::with_capacity(rows.len() / 4 + 1);
                leaf.each_truth(t, rows, ctx, |r, tri| {
                    if tri == TRUE {
                        out.push(r)
                    }
                })?;
                Ok(out)
            }),
            Pred::Row { .. } => Err(EvalError::Internal(
                "row-kernel leaf in a split condition".into(),
            )),
        }
    }

    /// The three-valued truth on each of `rows`; logs nothing.
    pub fn truth_tri(
        &self,
        frame: &Frame,
        rows: &[u32],
        ctx: &mut Ctx<'_>,
    ) -> Result<Vec<u8>, EvalError> {
        match self {
            Pred::And(a, b) | Pred::Or(a, b) => {
                let (decisive, op): (u8, fn(u8, u8) -> u8) = match self {
                    Pred::And(..) => (FALSE, and3),
                    _ => (TRUE, or3),
                };
                let mut ta = a.truth_tri(frame, rows, ctx)?;
                let open = select(rows, &ta, |t| t != decisive);
                if open.is_empty() {
                    return Ok(ta);
                }
                let tb = b.truth_tri(frame, &open, ctx)?;
                fold_open(&mut ta, &tb, decisive, op);
                Ok(ta)
            }
            Pred::Not(a) => Ok(a
                .truth_tri(frame, rows, ctx)?
                .into_iter()
                .map(not3)
                .collect()),
            Pred::Const { expr, .. } => {
                let (t, _) = const_value(expr, ctx)?;
                Ok(vec![t; rows.len()])
            }
            Pred::Single {
                col,
                expr,
                node,
                test,
                ..
            } => with_leaf(frame, ctx, (*col, expr, *node, test), |leaf, t, ctx| {
                let mut out = Vec::with_capacity(rows.len());
                leaf.each_truth(t, rows, ctx, |_, tri| out.push(tri))?;
                Ok(out)
            }),
            Pred::Row { .. } => Err(EvalError::Internal(
                "row-kernel leaf in a split condition".into(),
            )),
        }
    }

    /// Logs the failures every leaf records on every row an MV_EXPAND of column `c` (plan step
    /// `expand_step`) makes of `rows` (base rows of the unexpanded `frame`), without expanding: a leaf
    /// that does not read `c` fails identically on every child of a row, a leaf on `c` fails per child
    /// value. Keys are the children's (`(expand_step, child)` in their paths).
    pub fn log_failures_expanding(
        &self,
        frame: &Frame,
        rows: &[u32],
        c: usize,
        expand_step: u32,
        ctx: &mut Ctx<'_>,
    ) -> Result<(), EvalError> {
        let expanded = frame.column(c)?.clone();
        let children = |p: u32| expanded.count(p as usize).max(1) as u32;
        match self {
            Pred::And(a, b) | Pred::Or(a, b) => {
                a.log_failures_expanding(frame, rows, c, expand_step, ctx)?;
                b.log_failures_expanding(frame, rows, c, expand_step, ctx)
            }
            Pred::Not(a) => a.log_failures_expanding(frame, rows, c, expand_step, ctx),
            Pred::Const { expr, seq } => {
                let (_, f) = const_value(expr, ctx)?;
                if !f.is_empty() {
                    for &p in rows {
                        for k in 0..children(p) {
                            ctx.replay_child_failures(frame, p as usize, expand_step, k, *seq, &f);
                        }
                    }
                }
                Ok(())
            }
            Pred::Single {
                col,
                expr,
                node,
                seq,
                test,
            } => {
                let singles_quiet = cannot_fail_on_singles(expr);
                let on_c = *col == c;
                if singles_quiet && (on_c || frame.column(*col)?.max_count <= 1) {
                    // Children hold single values (or null) in `c`: nothing to log.
                    return Ok(());
                }
                with_leaf(frame, ctx, (*col, expr, *node, test), |leaf, t, ctx| {
                    if singles_quiet && t.invariant {
                        // Not on `c` (checked above): every child replays its parent's failures.
                        return leaf.each_multi_failure(t, frame, rows, ctx, |ctx, p, f| {
                            for k in 0..children(p) {
                                ctx.replay_child_failures(
                                    frame,
                                    p as usize,
                                    expand_step,
                                    k,
                                    *seq,
                                    f,
                                );
                            }
                        });
                    }
                    let mut spent = Spent::default();
                    for &p in rows {
                        let (s, e) = leaf.range(p);
                        if on_c {
                            // One child per value (one null child for a null row).
                            if s == e {
                                if let Some(f) = leaf.null(t, ctx)?.1.clone() {
                                    ctx.replay_child_failures(
                                        frame,
                                        p as usize,
                                        expand_step,
                                        0,
                                        *seq,
                                        &f,
                                    );
                                }
                                continue;
                            }
                            for (k, &id) in leaf.ids[s..e].iter().enumerate() {
                                if let Some(f) = leaf.id_failures(t, id as usize, ctx)? {
                                    ctx.replay_child_failures(
                                        frame,
                                        p as usize,
                                        expand_step,
                                        k as u32,
                                        *seq,
                                        &f,
                                    );
                                }
                            }
                            continue;
                        }
                        let Some(f) = leaf.row_failures(t, s, e, singles_quiet, ctx)? else {
                            continue;
                        };
                        if !spent.admits(ctx, frame, p, &f) {
                            continue;
                        }
                        for k in 0..children(p) {
                            ctx.replay_child_failures(frame, p as usize, expand_step, k, *seq, &f);
                        }
                    }
                    Ok(())
                })
            }
            Pred::Row { .. } => Err(EvalError::Internal(
                "row-kernel leaf in a split condition".into(),
            )),
        }
    }

    /// Orders conjuncts by estimated cost per rejected row (leaves / share rejected on a sample of
    /// `rows`); ties keep the written order.
    fn order_by_sample(
        conjuncts: &mut Vec<&Pred>,
        frame: &Frame,
        rows: &[u32],
        ctx: &mut Ctx<'_>,
    ) -> Result<(), EvalError> {
        let step = rows.len() / SAMPLE;
        let sample: Vec<u32> = rows.iter().step_by(step.max(1)).copied().collect();
        let mut scored = Vec::with_capacity(conjuncts.len());
        for (i, c) in conjuncts.iter().enumerate() {
            let pass = c.truth_filter(frame, &sample, ctx)?.len() as f64 / sample.len() as f64;
            let score = c.leaves() as f64 / (1.0 - pass + 0.01);
            scored.push((score, i, *c));
        }
        scored.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        *conjuncts = scored.into_iter().map(|(_, _, c)| c).collect();
        Ok(())
    }
}

/// Selections at least this long evaluate an OR by marking one vector ([`disjunction_by_mask`]).
const MASK_FROM: usize = 64;

/// The rows of `rows` on which the OR `p` is `true`; logs nothing. Operands that are leaves with
/// every truth known up front ([`Leaf::mark_eager`]) mark a vector over all of `rows` in one pass;
/// any other operand filters only the rows no operand marked yet (Kleene OR is `true` exactly when
/// some operand is, so the order of operands and the rows each sees change no truth).
fn disjunction_by_mask(
    p: &Pred,
    frame: &Frame,
    rows: &[u32],
    ctx: &mut Ctx<'_>,
) -> Result<Vec<u32>, EvalError> {
    let mut hit = vec![false; rows.len()];
    for d in p.operands(false) {
        let marked = match d {
            Pred::Single {
                col,
                expr,
                node,
                test,
                ..
            } => with_leaf(frame, ctx, (*col, expr, *node, test), |leaf, t, ctx| {
                leaf.mark_eager(t, rows, ctx, &mut hit)
            })?,
            _ => false,
        };
        if marked {
            continue;
        }
        let mut rest = Vec::with_capacity(rows.len() / 2);
        select_blocks(rows.len(), |j| rows[j], |j| !hit[j], &mut rest);
        if rest.is_empty() {
            break;
        }
        let got = d.truth_filter(frame, &rest, ctx)?;
        // Both ascending, `got` within `rows`: one merge walk marks them.
        let mut j = 0;
        for r in got {
            while rows[j] != r {
                j += 1;
            }
            hit[j] = true;
        }
    }
    let mut out = Vec::with_capacity(rows.len() / 4 + BLOCK);
    select_blocks(rows.len(), |j| rows[j], |j| hit[j], &mut out);
    Ok(out)
}

/// The rows of `rows` on which every conjunct is `true`, narrowing the selection conjunct by
/// conjunct (in sampled order for large selections); logs nothing.
pub fn conjunction_filter(
    mut conjuncts: Vec<&Pred>,
    frame: &Frame,
    rows: &[u32],
    ctx: &mut Ctx<'_>,
) -> Result<Vec<u32>, EvalError> {
    if conjuncts.is_empty() {
        return Ok(rows.to_vec());
    }
    if rows.len() >= SAMPLE_FROM && conjuncts.len() > 1 {
        Pred::order_by_sample(&mut conjuncts, frame, rows, ctx)?;
    }
    let mut cur = conjuncts[0].truth_filter(frame, rows, ctx)?;
    for c in &conjuncts[1..] {
        if cur.is_empty() {
            break;
        }
        cur = c.truth_filter(frame, &cur, ctx)?;
    }
    Ok(cur)
}

#[cfg(test)]
mod tests {
    use super::{BLOCK, FEW, contiguous, select_blocks, select_ids, true_ids};
    use crate::engine::expr::keyword_table::{FALSE, NULL, TRUE};
    use crate::engine::synthetic::Rng;

    /// The block selection returns exactly the rows a plain filter returns, for every hit density
    /// (none, sparse, runs, dense, all), lengths around block boundaries and offsets into a batch.
    #[test]
    fn block_selection_equals_a_plain_filter() {
        let mut rng = Rng::new(11);
        for n in [0, 1, 5, BLOCK - 1, BLOCK, BLOCK + 1, 3 * BLOCK + 7, 1000] {
            for density in [0usize, 1, 50, 500, 999, 1000] {
                for run in [1usize, 40, 300] {
                    // Hits come in runs of `run` rows, each run on with `density`/1000 chance.
                    let mut hits = Vec::with_capacity(n);
                    let mut on = false;
                    for j in 0..n {
                        if j % run == 0 {
                            on = rng.below(1000) < density;
                        }
                        hits.push(on);
                    }
                    let rows: Vec<u32> = (0..n as u32).map(|j| 3 * j + 17).collect();
                    let expected: Vec<u32> = rows
                        .iter()
                        .zip(&hits)
                        .filter(|(_, h)| **h)
                        .map(|(r, _)| *r)
                        .collect();
                    let mut got = vec![99];
                    select_blocks(n, |j| rows[j], |j| hits[j], &mut got);
                    assert_eq!(got[0], 99, "appends");
                    assert_eq!(got[1..], expected[..], "n {n} density {density} run {run}");
                }
            }
        }
    }

    /// Consecutive rows tested by id, through the table and through the few true ids, equal a
    /// plain filter.
    #[test]
    fn id_selection_equals_a_plain_filter() {
        let mut rng = Rng::new(12);
        for n in [0, 3, BLOCK, BLOCK + 5, 700] {
            for (dict, trues) in [
                (1usize, 0usize),
                (5, 1),
                (40, 3),
                (40, FEW),
                (40, FEW + 1),
                (9, 9),
            ] {
                let mut tbl = vec![FALSE; dict];
                for t in tbl.iter_mut().take(trues) {
                    *t = TRUE;
                }
                if dict > trues {
                    tbl[dict - 1] = NULL;
                }
                let ids: Vec<u32> = (0..n)
                    .map(|j| {
                        // Runs of one id, so some blocks hold no true id.
                        let x = rng.below(dict * 3) % dict;
                        if (j / 100) % 2 == 0 {
                            x as u32
                        } else {
                            (dict - 1) as u32
                        }
                    })
                    .collect();
                let expected: Vec<u32> = (0..n as u32)
                    .filter(|&j| tbl[ids[j as usize] as usize] == TRUE)
                    .map(|j| j + 40)
                    .collect();
                let mut got = Vec::new();
                select_ids(&ids, 40, |id| tbl[id as usize] == TRUE, &mut got);
                assert_eq!(got, expected, "table: n {n} dict {dict} trues {trues}");
                match true_ids(&tbl) {
                    Some(w) => {
                        assert!(trues <= FEW);
                        let mut got = Vec::new();
                        select_ids(
                            &ids,
                            40,
                            |id| (id == w[0]) | (id == w[1]) | (id == w[2]) | (id == w[3]),
                            &mut got,
                        );
                        assert_eq!(got, expected, "few: n {n} dict {dict} trues {trues}");
                    }
                    None => assert!(trues > FEW),
                }
            }
        }
    }

    #[test]
    fn contiguous_rows() {
        assert_eq!(contiguous(&[]), None);
        assert_eq!(contiguous(&[7]), Some(7));
        assert_eq!(contiguous(&[7, 8, 9]), Some(7));
        assert_eq!(contiguous(&[7, 9, 10]), None);
        assert_eq!(contiguous(&[0, 1, 2, 4]), None);
    }
}
