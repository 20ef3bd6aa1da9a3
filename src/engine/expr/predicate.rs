//! Compiled WHERE conditions: three-valued logic over dictionary lookups and row-kernel leaves.
//!
//! Oracle twin: the reference's WHERE evaluating its condition on every row (oracle `commands/where_`).
//! Invariant: AND/OR/NOT combine children with Kleene logic exactly as the reference does, children are
//! evaluated on exactly the rows the reference evaluates them on (see [`SHORT_CIRCUIT`]), and every leaf is
//! either a dictionary table (one keyword column), a constant evaluated once, or a row-kernel call — so
//! each row gets the reference's truth value and each failure is logged at the row and in the order the
//! reference meets it (leaf sequence numbers follow the condition's left-to-right order).

use esql::plan::{Expr, ExprKind};
use esql::{DataType, EvalError, Value};

use super::context::Ctx;
use std::sync::{Arc, Mutex};

use super::keyword_table::{
    FALSE, LazyTruth, NULL, TRUE, UNKNOWN, cannot_fail_on_singles, single_column, tri_of, truth_of,
};
use super::selection::{and3, difference, fold_open, merge, not3, or3, select};
use super::str_test::StrTest;
use crate::engine::frame::Frame;
use crate::engine::scalar::PatternCache;

/// Whether the reference skips the right operand of AND when the left is false (and of OR when the
/// left is true). Must match the reference: it decides which rows can emit warnings.
pub const SHORT_CIRCUIT: bool = false;

/// Room for failures of one leaf within one row.
const SEQ_STRIDE: u32 = 64;

/// A compiled condition. Cloning is cheap (shared sub-trees and expressions), so a compiled
/// condition can be cached and handed to every run of the same plan (see [`Compiler::compile`]).
#[derive(Debug, Clone)]
pub enum Pred {
    /// Kleene AND.
    And(Arc<Pred>, Arc<Pred>),
    /// Kleene OR.
    Or(Arc<Pred>, Arc<Pred>),
    /// Kleene NOT.
    Not(Arc<Pred>),
    /// A sub-expression that reads no column: evaluated once, applied to every row.
    Const {
        /// The expression.
        expr: Arc<Expr>,
        /// Sequence number of its failures within a row.
        seq: u32,
    },
    /// A sub-expression that reads exactly one column (a dictionary table when it is keyword).
    Single {
        /// The column.
        col: usize,
        /// The expression.
        expr: Arc<Expr>,
        /// Table-cache node id.
        node: u32,
        /// Sequence number of its failures within a row.
        seq: u32,
        /// The expression compiled to a test on the column's single string value, when its shape
        /// allows ([`StrTest::compile`]).
        test: Option<Arc<StrTest>>,
    },
    /// Anything else: row-kernel evaluation per row.
    Row {
        /// The expression.
        expr: Arc<Expr>,
        /// Columns it reads.
        read: Arc<[usize]>,
        /// Sequence number of its failures within a row.
        seq: u32,
    },
}

/// Node ids for table caching are unique per compiled step: `base` + a counter.
pub struct Compiler {
    next_node: u32,
    next_seq: u32,
    /// LIKE/RLIKE matchers of the leaves' string tests.
    patterns: PatternCache,
}

/// A compiled condition kept for later compilations of an equal condition from the same counters.
struct Compiled {
    expr: Expr,
    start: (u32, u32),
    end: (u32, u32),
    pred: Pred,
}

/// Conditions compiled lately, most recent last (at most [`CACHED_CONDITIONS`]). Compiling is a pure
/// function of the expression and the compiler's counters, so an equal expression compiled from the
/// same counters gets an equal [`Pred`]: handing out the cached one (cheap to clone) changes nothing
/// but the cost — every run of a plan otherwise re-clones its expressions and rebuilds its IN hash
/// sets and LIKE/RLIKE matchers.
static COMPILED: Mutex<Vec<Compiled>> = Mutex::new(Vec::new());

/// How many compiled conditions [`COMPILED`] keeps.
const CACHED_CONDITIONS: usize = 64;

impl Compiler {
    /// A compiler whose node ids start at `base` (distinct per step).
    pub fn new(base: u32) -> Compiler {
        Compiler {
            next_node: base,
            next_seq: 0,
            patterns: PatternCache::default(),
        }
    }

    /// Compiles a boolean condition: AND/OR/NOT nodes that read two or more columns become
    /// combinations, every largest sub-expression that reads at most one column (or is not boolean
    /// logic) a leaf. An equal condition compiled earlier from the same counters is reused.
    pub fn compile(&mut self, e: &Expr) -> Pred {
        let start = (self.next_node, self.next_seq);
        if let Ok(cache) = COMPILED.lock()
            && let Some(c) = cache
                .iter()
                .rev()
                .find(|c| c.start == start && c.expr.text == e.text && c.expr == *e)
        {
            (self.next_node, self.next_seq) = c.end;
            return c.pred.clone();
        }
        // The columns of every AND/OR/NOT node, bottom-up in one pass (asking each node for its
        // columns would visit deep OR chains once per level).
        let mut cols = std::collections::HashMap::new();
        logic_columns(e, &mut cols);
        let pred = self.compile_with(e, &mut cols);
        if let Ok(mut cache) = COMPILED.lock() {
            if cache.len() >= CACHED_CONDITIONS {
                cache.remove(0);
            }
            cache.push(Compiled {
                expr: e.clone(),
                start,
                end: (self.next_node, self.next_seq),
                pred: pred.clone(),
            });
        }
        pred
    }

    fn compile_with(&mut self, e: &Expr, cols: &mut LogicColumns) -> Pred {
        let mine = cols
            .remove(&(e as *const Expr))
            .unwrap_or_else(|| e.columns());
        let boolean_logic = matches!(
            e.kind,
            ExprKind::And(..) | ExprKind::Or(..) | ExprKind::Not(..)
        );
        if mine.len() <= 1 || !boolean_logic {
            return self.leaf(e, mine);
        }
        match &e.kind {
            ExprKind::And(a, b) => {
                let a = self.compile_with(a, cols);
                let b = self.compile_with(b, cols);
                Pred::And(Arc::new(a), Arc::new(b))
            }
            ExprKind::Or(a, b) => {
                let a = self.compile_with(a, cols);
                let b = self.compile_with(b, cols);
                Pred::Or(Arc::new(a), Arc::new(b))
            }
            ExprKind::Not(a) => Pred::Not(Arc::new(self.compile_with(a, cols))),
            _ => self.leaf(e, mine),
        }
    }

    fn leaf(&mut self, e: &Expr, cols: Vec<usize>) -> Pred {
        let seq = self.next_seq;
        self.next_seq += SEQ_STRIDE;
        match cols.len() {
            0 => Pred::Const {
                expr: Arc::new(e.clone()),
                seq,
            },
            1 => {
                let node = self.next_node;
                self.next_node += 1;
                Pred::Single {
                    col: cols[0],
                    test: StrTest::compile(e, cols[0], &self.patterns).map(Arc::new),
                    expr: Arc::new(e.clone()),
                    node,
                    seq,
                }
            }
            _ => Pred::Row {
                expr: Arc::new(e.clone()),
                read: cols.into(),
                seq,
            },
        }
    }

    /// Compiles any expression for per-row use (EVAL, STATS keys and arguments): a leaf.
    pub fn compile_value(&mut self, e: &Expr) -> Pred {
        let cols = single_column(e)
            .map(|c| vec![c])
            .unwrap_or_else(|| e.columns());
        self.leaf(e, cols)
    }
}

/// Columns read by each node of a condition's AND/OR/NOT tree (and by the operands under it), by
/// node address.
type LogicColumns = std::collections::HashMap<*const Expr, Vec<usize>>;

/// Fills `out` with the columns of `e` and of every AND/OR/NOT node and operand under it; returns
/// `e`'s (sorted, without duplicates).
fn logic_columns(e: &Expr, out: &mut LogicColumns) -> Vec<usize> {
    let cols = match &e.kind {
        ExprKind::And(a, b) | ExprKind::Or(a, b) => {
            let mut x = logic_columns(a, out);
            x.extend(logic_columns(b, out));
            x.sort_unstable();
            x.dedup();
            x
        }
        ExprKind::Not(a) => logic_columns(a, out),
        _ => e.columns(),
    };
    out.insert(e as *const Expr, cols.clone());
    cols
}

impl Pred {
    /// The truth value on each of `rows` (base rows of `frame`), logging failures.
    pub fn eval(
        &self,
        frame: &Frame,
        rows: &[u32],
        ctx: &mut Ctx<'_>,
    ) -> Result<Vec<u8>, EvalError> {
        match self {
            Pred::And(a, b) => {
                let ta = a.eval(frame, rows, ctx)?;
                combine(frame, rows, ta, b, ctx, FALSE, and3)
            }
            Pred::Or(a, b) => {
                let ta = a.eval(frame, rows, ctx)?;
                combine(frame, rows, ta, b, ctx, TRUE, or3)
            }
            Pred::Not(a) => Ok(a.eval(frame, rows, ctx)?.into_iter().map(not3).collect()),
            _ => {
                let vals = self.eval_values(frame, rows, ctx, true)?;
                Ok(vals.tri)
            }
        }
    }

    /// Whether evaluating this predicate on `frame` can log no failure at all (so rows whose result is
    /// already decided by a sibling need not evaluate it).
    pub fn quiet(&self, frame: &Frame, ctx: &mut Ctx<'_>) -> Result<bool, EvalError> {
        Ok(match self {
            Pred::And(a, b) | Pred::Or(a, b) => a.quiet(frame, ctx)? && b.quiet(frame, ctx)?,
            Pred::Not(a) => a.quiet(frame, ctx)?,
            Pred::Const { expr, .. } => {
                let mut w = esql::Warnings::new();
                ctx.kernel.eval(expr, &[], ctx.opts, &mut w)?;
                w.lines().is_empty()
            }
            Pred::Single {
                col, expr, node, ..
            } => {
                let column = frame.column(*col)?.clone();
                match column.keyword_ids().filter(|_| ctx.use_dictionary) {
                    Some((dict, _)) if column.max_count <= 1 => {
                        let dict = dict.clone();
                        !ctx.table(*node, expr, *col, frame.columns.len(), &dict)?
                            .any_failures
                    }
                    _ => false,
                }
            }
            Pred::Row { .. } => false,
        })
    }

    /// True when no leaf reads column `c`.
    pub fn independent_of(&self, c: usize) -> bool {
        match self {
            Pred::And(a, b) | Pred::Or(a, b) => a.independent_of(c) && b.independent_of(c),
            Pred::Not(a) => a.independent_of(c),
            Pred::Const { .. } => true,
            Pred::Single { col, .. } => *col != c,
            Pred::Row { read, .. } => !read.contains(&c),
        }
    }

    /// Whether evaluating this predicate can log no failure once column `c` of `frame` is expanded to
    /// single values by MV_EXPAND (other columns as they are): [`Pred::quiet`], with leaves on `c`
    /// judged by whether they can fail on single values at all.
    pub fn quiet_after_expanding(
        &self,
        c: usize,
        frame: &Frame,
        ctx: &mut Ctx<'_>,
    ) -> Result<bool, EvalError> {
        Ok(match self {
            Pred::And(a, b) | Pred::Or(a, b) => {
                a.quiet_after_expanding(c, frame, ctx)? && b.quiet_after_expanding(c, frame, ctx)?
            }
            Pred::Not(a) => a.quiet_after_expanding(c, frame, ctx)?,
            Pred::Single { col, expr, .. } if *col == c => cannot_fail_on_singles(expr),
            Pred::Row { read, .. } if read.contains(&c) => false,
            other => other.quiet(frame, ctx)?,
        })
    }

    /// The top-level AND operands (the predicate itself when it is not an AND).
    pub fn conjuncts(&self) -> Vec<&Pred> {
        self.operands(true)
    }

    /// The top-level AND operands (`and`) or OR operands, left to right.
    pub(super) fn operands(&self, and: bool) -> Vec<&Pred> {
        match self {
            Pred::And(a, b) if and => {
                let mut v = a.operands(and);
                v.extend(b.operands(and));
                v
            }
            Pred::Or(a, b) if !and => {
                let mut v = a.operands(and);
                v.extend(b.operands(and));
                v
            }
            other => vec![other],
        }
    }

    /// The rows (of `rows`, in order) on which the condition is `true`, logging exactly the failures
    /// [`Pred::eval`] would.
    pub fn filter(
        &self,
        frame: &Frame,
        rows: &[u32],
        ctx: &mut Ctx<'_>,
    ) -> Result<Vec<u32>, EvalError> {
        not_virtual(frame)?;
        match self {
            Pred::And(a, b) if b.quiet(frame, ctx)? => {
                let ra = a.filter(frame, rows, ctx)?;
                if ra.is_empty() {
                    return Ok(ra);
                }
                b.filter(frame, &ra, ctx)
            }
            Pred::Or(a, b) if b.quiet(frame, ctx)? => {
                let ra = a.filter(frame, rows, ctx)?;
                let rest = difference(rows, &ra);
                if rest.is_empty() {
                    return Ok(ra);
                }
                let rb = b.filter(frame, &rest, ctx)?;
                Ok(merge(&ra, &rb))
            }
            Pred::Single {
                col,
                expr,
                node,
                seq,
                ..
            } => {
                let column = frame.column(*col)?.clone();
                if let Some((dict, ids)) = column.keyword_ids().filter(|_| ctx.use_dictionary)
                    && column.max_count <= 1
                    && cannot_fail_on_singles(expr)
                {
                    // Lazy truth: only the values the rows reaching this filter hold are evaluated.
                    let key = (*node, Arc::as_ptr(dict) as usize);
                    let width = frame.columns.len();
                    let (kernel, opts) = (ctx.kernel, ctx.opts);
                    let entry = ctx
                        .tables
                        .lazy
                        .entry(key)
                        .or_insert_with(|| (dict.clone(), LazyTruth::new(dict.len())));
                    let lazy = &mut entry.1;
                    let offsets = &column.offsets;
                    let mut out = Vec::with_capacity(rows.len() / 4);
                    for &r in rows {
                        let s = offsets[r as usize] as usize;
                        let t = if offsets[r as usize + 1] as usize == s {
                            if lazy.null.is_none() {
                                let n = truth_of(kernel, opts, expr, *col, width, Value::Null)?;
                                unexpected_failure(expr, &n.1)?;
                                lazy.null = Some(n);
                            }
                            lazy.null.as_ref().map(|n| n.0).unwrap_or(NULL)
                        } else {
                            let id = ids[s] as usize;
                            if lazy.tri[id] == UNKNOWN {
                                let v = Value::Keyword(dict.get(id as u32).to_owned());
                                let (t, f) = truth_of(kernel, opts, expr, *col, width, v)?;
                                unexpected_failure(expr, &f)?;
                                lazy.tri[id] = t;
                                lazy.failures[id] = f;
                            }
                            lazy.tri[id]
                        };
                        if t == TRUE {
                            out.push(r);
                        }
                    }
                    return Ok(out);
                }
                if let Some((dict, ids)) = column.keyword_ids().filter(|_| ctx.use_dictionary)
                    && column.max_count <= 1
                {
                    let dict = dict.clone();
                    let table = ctx.table(*node, expr, *col, frame.columns.len(), &dict)?;
                    let mut out = Vec::with_capacity(rows.len() / 4);
                    if column.dense && !table.any_failures {
                        let tri = &table.tri;
                        out.extend(
                            rows.iter()
                                .copied()
                                .filter(|&r| tri[ids[r as usize] as usize] == TRUE),
                        );
                        return Ok(out);
                    }
                    let offsets = &column.offsets;
                    for &r in rows {
                        let s = offsets[r as usize] as usize;
                        let (t, failures) = if offsets[r as usize + 1] as usize == s {
                            (table.null_tri, &table.null_failures)
                        } else {
                            let id = ids[s] as usize;
                            (table.tri[id], &table.failures[id])
                        };
                        if !failures.is_empty() {
                            ctx.replay_table_failures(frame, r as usize, *seq, failures);
                        }
                        if t == TRUE {
                            out.push(r);
                        }
                    }
                    return Ok(out);
                }
                self.filter_by_eval(frame, rows, ctx)
            }
            _ => self.filter_by_eval(frame, rows, ctx),
        }
    }

    fn filter_by_eval(
        &self,
        frame: &Frame,
        rows: &[u32],
        ctx: &mut Ctx<'_>,
    ) -> Result<Vec<u32>, EvalError> {
        let tri = self.eval(frame, rows, ctx)?;
        Ok(select(rows, &tri, |t| t == TRUE))
    }

    /// The values of a leaf on each of `rows`. With `tri_only`, `values` is left empty.
    pub fn eval_values(
        &self,
        frame: &Frame,
        rows: &[u32],
        ctx: &mut Ctx<'_>,
        tri_only: bool,
    ) -> Result<LeafValues, EvalError> {
        not_virtual(frame)?;
        let mut out = LeafValues {
            tri: Vec::with_capacity(rows.len()),
            values: Vec::new(),
        };
        let mut scratch = Vec::new();
        match self {
            Pred::Const { expr, seq } => {
                // Evaluated once; its failures (if any) repeat on every row, as the reference meets them.
                let (v, failures) = {
                    let mut w = esql::Warnings::new();
                    let v = ctx.kernel.eval(expr, &[], ctx.opts, &mut w)?;
                    (v, crate::engine::failures::failures_of(&w))
                };
                let t = tri_of(&v);
                for &r in rows {
                    if !failures.is_empty() {
                        ctx.replay_table_failures(frame, r as usize, *seq, &failures);
                    }
                    out.tri.push(t);
                    if !tri_only {
                        out.values.push(v.clone());
                    }
                }
            }
            Pred::Single {
                col,
                expr,
                node,
                seq,
                ..
            } => {
                let column = frame.column(*col)?.clone();
                let dict = if ctx.use_dictionary {
                    column.keyword_ids().map(|(d, _)| d.clone())
                } else {
                    None
                };
                let Some(dict) = dict else {
                    return row_path(
                        frame,
                        rows,
                        ctx,
                        expr,
                        &[*col],
                        *seq,
                        tri_only,
                        &mut scratch,
                    );
                };
                let table = ctx.table(*node, expr, *col, frame.columns.len(), &dict)?;
                let ids = column.keyword_ids().map(|(_, ids)| ids).unwrap_or(&[]);
                let offsets = &column.offsets;
                let mut multi_memo: std::collections::HashMap<
                    &[u32],
                    (Value, Vec<crate::engine::failures::Failure>),
                > = std::collections::HashMap::new();
                for &r in rows {
                    let r = r as usize;
                    let (s, e) = (offsets[r] as usize, offsets[r + 1] as usize);
                    if e == s + 1 {
                        let id = ids[s] as usize;
                        out.tri.push(table.tri[id]);
                        if !tri_only {
                            out.values.push(table.values[id].clone());
                        }
                        if table.any_failures && !table.failures[id].is_empty() {
                            ctx.replay_table_failures(frame, r, *seq, &table.failures[id]);
                        }
                    } else if e == s {
                        out.tri.push(table.null_tri);
                        if !tri_only {
                            out.values.push(table.null_value.clone());
                        }
                        if !table.null_failures.is_empty() {
                            ctx.replay_table_failures(frame, r, *seq, &table.null_failures);
                        }
                    } else {
                        // A multi-valued row: its result and failures depend only on its ids, so rows
                        // holding the same ids reuse one evaluation (failures replayed per row).
                        let key = &ids[s..e];
                        if !multi_memo.contains_key(key) {
                            let mut row = vec![Value::Null; frame.columns.len().max(*col + 1)];
                            row[*col] = frame.value(*col, r);
                            let mut w = esql::Warnings::new();
                            let v = ctx.kernel.eval(expr, &row, ctx.opts, &mut w)?;
                            let f = crate::engine::failures::failures_of(&w);
                            multi_memo.insert(key, (v, f));
                        }
                        if let Some((v, f)) = multi_memo.get(key) {
                            out.tri.push(tri_of(v));
                            if !tri_only {
                                out.values.push(v.clone());
                            }
                            if !f.is_empty() {
                                ctx.replay_table_failures(frame, r, *seq, f);
                            }
                        }
                    }
                }
            }
            Pred::Row { expr, read, seq } => {
                return row_path(frame, rows, ctx, expr, read, *seq, tri_only, &mut scratch);
            }
            Pred::And(..) | Pred::Or(..) | Pred::Not(..) => {
                return Err(EvalError::Internal("values of a compound predicate".into()));
            }
        }
        Ok(out)
    }

    /// True when this is a plain reference to column `c` of `t` type (no evaluation needed).
    pub fn plain_column(&self) -> Option<usize> {
        match self {
            Pred::Single { col, expr, .. } if matches!(expr.kind, ExprKind::Column(_)) => {
                Some(*col)
            }
            _ => None,
        }
    }
}

/// Leaf results.
#[derive(Debug, Default)]
pub struct LeafValues {
    /// Truth per row.
    pub tri: Vec<u8>,
    /// Value per row (unless only truth was asked for).
    pub values: Vec<Value>,
}

#[allow(clippy::too_many_arguments)]
fn row_path(
    frame: &Frame,
    rows: &[u32],
    ctx: &mut Ctx<'_>,
    expr: &Expr,
    read: &[usize],
    seq: u32,
    tri_only: bool,
    scratch: &mut Vec<Value>,
) -> Result<LeafValues, EvalError> {
    let mut out = LeafValues {
        tri: Vec::with_capacity(rows.len()),
        values: Vec::new(),
    };
    for &r in rows {
        let v = ctx.eval_row(frame, expr, read, r as usize, seq, scratch)?;
        out.tri.push(tri_of(&v));
        if !tri_only {
            out.values.push(v);
        }
    }
    Ok(out)
}

fn combine(
    frame: &Frame,
    rows: &[u32],
    ta: Vec<u8>,
    b: &Pred,
    ctx: &mut Ctx<'_>,
    decisive: u8,
    op: fn(u8, u8) -> u8,
) -> Result<Vec<u8>, EvalError> {
    if !SHORT_CIRCUIT {
        let tb = b.eval(frame, rows, ctx)?;
        return Ok(ta.iter().zip(&tb).map(|(&x, &y)| op(x, y)).collect());
    }
    let sub = select(rows, &ta, |t| t != decisive);
    if sub.is_empty() {
        return Ok(ta);
    }
    let tb = b.eval(frame, &sub, ctx)?;
    let mut out = ta;
    fold_open(&mut out, &tb, decisive, op);
    Ok(out)
}

/// The type a predicate leaf produces (for building result columns).
pub fn leaf_type(p: &Pred) -> Option<DataType> {
    match p {
        Pred::Const { expr, .. } | Pred::Single { expr, .. } | Pred::Row { expr, .. } => {
            Some(expr.data_type)
        }
        _ => None,
    }
}

/// Expressions [`cannot_fail_on_singles`] accepts log nothing on single values; a kernel that did would
/// break that promise, so it surfaces as a bug instead of a dropped warning.
fn unexpected_failure(
    expr: &Expr,
    f: &[crate::engine::failures::Failure],
) -> Result<(), EvalError> {
    if f.is_empty() {
        Ok(())
    } else {
        Err(EvalError::Internal(format!(
            "[{}] recorded a failure on a single value",
            expr.text
        )))
    }
}

/// The row-kernel paths index columns by frame row: a virtual (MV_EXPAND) frame must be materialised
/// before it reaches them.
fn not_virtual(frame: &Frame) -> Result<(), EvalError> {
    if frame.expand.is_some() {
        return Err(EvalError::Internal(
            "a virtual MV_EXPAND frame reached a row-indexed predicate path".into(),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{Compiler, Pred};
    use esql::plan::{Expr, ExprKind, StepKind};
    use esql::{Catalog, Value};

    fn condition(q: &str) -> Expr {
        let catalog = Catalog::elastic_defend();
        let plan = esql::analyze(&esql::parse(q).unwrap(), &catalog).unwrap();
        match &plan.steps[0].kind {
            StepKind::Where { condition } => condition.clone(),
            _ => panic!("not a WHERE"),
        }
    }

    /// (node, seq, column, expression text, has a string test) of every leaf, left to right.
    fn leaves(p: &Pred, out: &mut Vec<(u32, u32, usize, String, bool)>) {
        match p {
            Pred::And(a, b) | Pred::Or(a, b) => {
                leaves(a, out);
                leaves(b, out);
            }
            Pred::Not(a) => leaves(a, out),
            Pred::Single {
                col,
                expr,
                node,
                seq,
                test,
            } => out.push((*node, *seq, *col, expr.text.clone(), test.is_some())),
            Pred::Const { expr, seq } | Pred::Row { expr, seq, .. } => {
                out.push((u32::MAX, *seq, usize::MAX, expr.text.clone(), false))
            }
        }
    }

    fn compiled(base: u32, e: &Expr) -> Vec<(u32, u32, usize, String, bool)> {
        let mut c = Compiler::new(base);
        let mut v = Vec::new();
        leaves(&c.compile(e), &mut v);
        // The counters moved past the condition, cached or not.
        let after = c.compile_value(e);
        let (Pred::Row { seq, .. } | Pred::Single { seq, .. } | Pred::Const { seq, .. }) = after
        else {
            panic!("a value leaf");
        };
        v.push((c.next_node, seq, 0, String::new(), false));
        v
    }

    /// A cached compilation is the compilation: same leaves, node ids, sequence numbers and string
    /// tests; another base or another expression with the same text is compiled afresh.
    #[test]
    fn cached_conditions_compile_identically() {
        let q = "FROM logs-endpoint.events.process-*
                 | WHERE host.os.type == \"linux\" AND process.name IN (\"scp\", \"ftp\")
                     AND (process.parent.name LIKE \"*.sh\" OR process.parent.executable LIKE \"/tmp/*\")
                     AND process.pid > 3";
        let e = condition(q);
        let first = compiled(1 << 16, &e);
        assert_eq!(first.len(), 6, "{first:?}");
        assert!(first[..4].iter().all(|l| l.4), "string tests: {first:?}");
        assert_eq!(compiled(1 << 16, &e), first);
        let other = compiled(2 << 16, &e);
        assert_eq!(other[0].0, 2 << 16, "{other:?}");
        assert_eq!(
            other.iter().map(|l| (l.1, l.2, &l.3)).collect::<Vec<_>>(),
            first.iter().map(|l| (l.1, l.2, &l.3)).collect::<Vec<_>>()
        );
        // Same text, another column and literal: not the cached condition.
        let mut changed = e.clone();
        let ExprKind::And(_, pid) = &mut changed.kind else {
            panic!("an AND");
        };
        let ExprKind::Comparison { left, right, .. } = &mut pid.kind else {
            panic!("a comparison");
        };
        left.kind = ExprKind::Column(0);
        right.kind = ExprKind::Literal(Value::Integer(4));
        let got = compiled(1 << 16, &changed);
        assert_eq!(got[..4], first[..4]);
        assert_ne!(got[4], first[4], "{got:?}");
        assert_eq!(got[4].2, 0);
    }
}
