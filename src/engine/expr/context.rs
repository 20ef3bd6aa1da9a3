//! The evaluation context of one step: row kernel, options, failure log and dictionary-table cache.
//!
//! Oracle twin: the reference's `(row, &EvalOptions, &mut Warnings)` arguments. Invariant: every kernel
//! call goes through [`Ctx::eval_row`], which gives it a fresh `Warnings` and logs what it recorded under
//! the row's [`FailureKey`], so warnings are replayed in the reference's order whatever order rows were
//! evaluated in.

use std::sync::Arc;

use foldhash::HashMap;

use esql::plan::Expr;
use esql::{EvalError, EvalOptions, Value, Warnings};

use super::keyword_table::{KeywordTable, LazyTruth};
use crate::engine::dictionary::Dictionary;
use crate::engine::failures::{FailureKey, FailureLog, failures_of};
use crate::engine::frame::Frame;
use crate::engine::row_kernel::RowKernel;

/// Cached per-dictionary tables, keyed by (expression node id, dictionary identity).
#[derive(Default)]
pub struct TableCache {
    tables: HashMap<(u32, usize), (Arc<Dictionary>, Arc<KeywordTable>)>,
    /// Lazily computed truth tables for filters.
    pub lazy: HashMap<(u32, usize), (Arc<Dictionary>, LazyTruth)>,
    /// Truth and failure tables of split WHERE leaves (`expr/split.rs`).
    pub split: HashMap<(u32, usize), (Arc<Dictionary>, super::split::SplitTable)>,
}

impl TableCache {
    /// An empty cache.
    pub fn new() -> TableCache {
        TableCache::default()
    }

    /// Drops every table (when a chunk's dictionaries go away).
    pub fn clear(&mut self) {
        self.tables.clear();
        self.lazy.clear();
        self.split.clear();
    }
}

/// Everything a step needs to evaluate expressions.
pub struct Ctx<'a> {
    /// Exact row semantics.
    pub kernel: &'a dyn RowKernel,
    /// Evaluation options (NOW() etc.).
    pub opts: &'a EvalOptions,
    /// Where failures go.
    pub log: &'a mut FailureLog,
    /// Dictionary tables.
    pub tables: &'a mut TableCache,
    /// Pipeline segment being evaluated (see `FailureKey`).
    pub segment: u32,
    /// Plan step being evaluated (1-based).
    pub step: u32,
    /// Whether keyword dictionaries may be used (off in tests that check the plain path).
    pub use_dictionary: bool,
}

impl Ctx<'_> {
    /// Evaluates `expr` on base row `r` of `frame` through the kernel, logging failures at `seq`.
    pub fn eval_row(
        &mut self,
        frame: &Frame,
        expr: &Expr,
        read: &[usize],
        r: usize,
        seq: u32,
        scratch: &mut Vec<Value>,
    ) -> Result<Value, EvalError> {
        frame.row_values(r, read, scratch);
        let mut w = Warnings::new();
        let v = self.kernel.eval(expr, scratch, self.opts, &mut w)?;
        if !w.lines().is_empty() {
            let key = self.key(frame, r, seq);
            self.log.absorb(key, &failures_of(&w));
        }
        Ok(v)
    }

    /// The table of `expr` (node `node`, reading only column `col`) over `dict`, built on first use.
    pub fn table(
        &mut self,
        node: u32,
        expr: &Expr,
        col: usize,
        width: usize,
        dict: &Arc<Dictionary>,
    ) -> Result<Arc<KeywordTable>, EvalError> {
        let key = (node, Arc::as_ptr(dict) as usize);
        if let Some((_, t)) = self.tables.tables.get(&key) {
            return Ok(t.clone());
        }
        let t = Arc::new(KeywordTable::build(
            self.kernel,
            self.opts,
            expr,
            col,
            width,
            dict,
        )?);
        self.tables.tables.insert(key, (dict.clone(), t.clone()));
        Ok(t)
    }

    /// Logs the failures a table recorded for one value, as if met on base row `r` of `frame`.
    pub fn replay_table_failures(
        &mut self,
        frame: &Frame,
        r: usize,
        seq: u32,
        failures: &[crate::engine::failures::Failure],
    ) {
        if failures.is_empty() || self.beyond_cap(frame, r, failures) {
            return;
        }
        let key = self.key(frame, r, seq);
        self.log.absorb(key, failures);
    }

    /// Logs failures met on child `k` of an MV_EXPAND (plan step `expand_step`) of base row `p` of the
    /// unexpanded `frame`, in the current step at sequence `seq`.
    pub fn replay_child_failures(
        &mut self,
        frame: &Frame,
        p: usize,
        expand_step: u32,
        k: u32,
        seq: u32,
        failures: &[crate::engine::failures::Failure],
    ) {
        if failures.is_empty() || self.beyond_cap(frame, p, failures) {
            return;
        }
        let origin = frame.origin(p);
        let mut path = origin.path;
        path.extend([expand_step, k, self.step, seq]);
        let key = FailureKey {
            segment: self.segment,
            chunk: frame.chunk,
            batch: frame.batch,
            row: origin.row,
            path,
        };
        self.log.absorb(key, failures);
    }

    /// True when every one of `failures`, met on frame row `r`, would sort after the failures the log
    /// already keeps for its expression (so ES could never print it): decided on (segment, chunk,
    /// batch, source row) alone, without building the row's key.
    #[inline]
    pub fn beyond_cap(
        &self,
        frame: &Frame,
        r: usize,
        failures: &[crate::engine::failures::Failure],
    ) -> bool {
        let mut here = None;
        failures.iter().all(|f| match self.log.saturated(f) {
            Some(max) => {
                let row = *here.get_or_insert_with(|| frame.origin_row(r));
                (self.segment, frame.chunk, frame.batch, row)
                    > (max.segment, max.chunk, max.batch, max.row)
            }
            None => false,
        })
    }

    /// The failure key of base row `r` of `frame` in the current step, at sequence `seq`.
    pub fn key(&self, frame: &Frame, r: usize, seq: u32) -> FailureKey {
        let origin = frame.origin(r);
        let mut path = origin.path;
        path.push(self.step);
        path.push(seq);
        FailureKey {
            segment: self.segment,
            chunk: frame.chunk,
            batch: frame.batch,
            row: origin.row,
            path,
        }
    }
}
