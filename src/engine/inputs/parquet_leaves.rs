//! The prefilter's view of a WHERE: conditions on one keyword column (*leaves*) under ANDs and ORs,
//! each evaluated once per distinct value with the engine's row kernel and looked up per row; and
//! the *narrowing* read of a row group: top-level conjuncts evaluated one after another, each reading
//! its columns only for the rows the earlier ones left (a shrinking `RowSelection`), the most
//! selective first (pass rates observed on earlier row groups), until the rows left are sparse
//! (fewer than one in 64: further conjuncts would touch every page anyway, and the engine's WHERE
//! drops what they would have).
//!
//! Oracle twin: the engine's WHERE over every row. Invariant: a leaf is *false* on a row only when
//! the kernel gives false or null on the value ingest stores there (a value needing the exact path
//! counts as possibly true; a multi-valued row gets the leaf's truth on a multi-value, which in the
//! prefilter's language depends on no value); the tree is false only when no leaf assignment the row
//! allows makes it true.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fs::File;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, RwLock};

use arrow_array::cast::AsArray;
use arrow_array::{Array, BooleanArray, StringArray};
use arrow_schema::DataType as ArrowType;
use esql::plan::{Expr, ExprKind};
use esql::{EvalOptions, FieldMapping, Value, Warnings};
use parquet::arrow::ProjectionMask;
use parquet::arrow::arrow_reader::{
    ArrowReaderMetadata, ParquetRecordBatchReaderBuilder, RowSelection, RowSelector,
};
use parquet::basic::Encoding;
use parquet::file::metadata::ParquetMetaDataReader;

use super::convert::from_str;
use super::parquet_fast::{Cells, cells};
use super::parquet_warnings::{list_items, stored_count};
use crate::engine::expr::keyword_table::{TRUE, tri_of};
use crate::engine::row_kernel::RowKernel;

/// Rows decoded per batch while evaluating leaves.
pub(super) const BATCH_ROWS: usize = 64 * 1024;

/// A selection of fewer than one row in this many ends the narrowing (see [`Leaves::narrow`]).
const SPARSE: usize = 64;

/// Distinct strings a [`Cache`] compares directly before hashing.
const FEW: usize = 8;

/// One condition on one keyword column.
pub(super) struct Leaf {
    pub expr: Expr,
    /// The column in the WHERE's input row.
    pub col: usize,
    pub path: String,
    pub mapping: FieldMapping,
    /// The column was MV_EXPANDed before the WHERE.
    pub expanded: bool,
    /// Whether the leaf may be true on a multi-valued column.
    pub on_multi: bool,
    /// Truths computed so far, shared by the row groups (a kernel call per distinct value).
    pub known: RwLock<HashMap<String, bool>>,
}

/// The shape of the WHERE as far as the prefilter understands it.
#[derive(Clone)]
pub(super) enum Tree {
    Leaf(usize),
    And(Vec<Tree>),
    Or(Vec<Tree>),
    /// Anything else: may be true.
    Any,
}

/// Leaf evaluation: the kernel, its options and the WHERE's input width.
pub(super) struct Leaves<'a> {
    pub kernel: &'a dyn RowKernel,
    pub opts: &'a EvalOptions,
    pub width: usize,
    pub leaves: Vec<Leaf>,
    pub tree: Tree,
    /// The tree's top-level conjuncts without an `Any` (they alone can drop rows).
    conjuncts: Vec<Tree>,
    /// Per conjunct: rows it was evaluated on and rows it passed, over the row groups so far.
    stats: Mutex<Vec<(u64, u64)>>,
    /// Row groups skipped from a dictionary page alone.
    dictionary_skips: AtomicU64,
    /// A WHERE input row of nulls (see [`Leaves::truth_of`]).
    row: Mutex<Vec<Value>>,
}

/// Truths already computed for one leaf in one row group.
#[derive(Default)]
pub(super) struct Cache {
    null: Option<bool>,
    strings: HashMap<String, bool>,
    /// The first [`FEW`] distinct strings met and their truths (checked before `strings`).
    few: Vec<(String, bool)>,
}

impl<'a> Leaves<'a> {
    /// The leaves and tree of a WHERE; each leaf's truth on a multi-value is computed here.
    pub fn new(
        kernel: &'a dyn RowKernel,
        opts: &'a EvalOptions,
        width: usize,
        mut leaves: Vec<Leaf>,
        tree: Tree,
    ) -> Leaves<'a> {
        let mut l = Leaves {
            kernel,
            opts,
            width,
            leaves: Vec::new(),
            tree,
            conjuncts: Vec::new(),
            stats: Mutex::new(Vec::new()),
            dictionary_skips: AtomicU64::new(0),
            row: Mutex::new(Vec::new()),
        };
        for leaf in &mut leaves {
            let multi = Value::Multi(vec![Value::Keyword("a".into()), Value::Keyword("b".into())]);
            leaf.on_multi = l.truth_of(leaf, multi);
        }
        l.leaves = leaves;
        let mut conjuncts = Vec::new();
        flatten_and(&l.tree, &mut conjuncts);
        l.conjuncts = conjuncts.into_iter().filter(|t| !has_any(t)).collect();
        l.stats = Mutex::new(vec![(0, 0); l.conjuncts.len()]);
        l
    }

    fn truth_of(&self, leaf: &Leaf, v: Value) -> bool {
        // The WHERE's input row is as wide as the FROM's output (every mapped field): one row of
        // nulls is kept and only the leaf's column is set, instead of a fresh row per value.
        let mut row = self.row.lock().unwrap_or_else(|p| p.into_inner());
        if row.len() <= leaf.col {
            row.resize(self.width.max(leaf.col + 1), Value::Null);
        }
        row[leaf.col] = v;
        let mut w = Warnings::new();
        let t = match self.kernel.eval(&leaf.expr, &row, self.opts, &mut w) {
            Ok(v) => tri_of(&v) == TRUE,
            Err(_) => true,
        };
        row[leaf.col] = Value::Null;
        t
    }

    /// Whether `leaf` may be true on the value `s` (as stored under its mapping), or on null.
    fn truth(&self, leaf: &Leaf, s: Option<&str>) -> bool {
        let Some(s) = s else {
            return self.truth_of(leaf, Value::Null);
        };
        if let Some(&t) = leaf
            .known
            .read()
            .ok()
            .and_then(|m| m.get(s).copied())
            .as_ref()
        {
            return t;
        }
        let t = match from_str(&leaf.mapping, Cow::Borrowed(s)) {
            Ok(Some(out)) => self.truth_of(leaf, out.into_value()),
            Ok(None) => self.truth_of(leaf, Value::Null),
            Err(_) => true,
        };
        if let Ok(mut m) = leaf.known.write() {
            m.insert(s.to_owned(), t);
        }
        t
    }

    /// Per row of a batch: whether leaf `l` may be true.
    pub fn leaf_rows(&self, l: usize, c: &Cells<'_>, n: usize, cache: &mut Cache) -> Vec<bool> {
        let leaf = &self.leaves[l];
        let on_null = *cache.null.get_or_insert_with(|| self.truth(leaf, None));
        let (strings, few) = (&mut cache.strings, &mut cache.few);
        let mut by_str = |s: &str| -> bool {
            // Plain (non-dictionary) strings are looked up per row: the first few distinct values
            // are compared directly, which is cheaper than hashing (list items hold few values).
            if let Some((_, t)) = few.iter().find(|(v, _)| v == s) {
                return *t;
            }
            let t = match strings.get(s) {
                Some(&t) => t,
                None => {
                    let t = self.truth(leaf, Some(s));
                    strings.insert(s.to_owned(), t);
                    t
                }
            };
            if few.len() < FEW {
                few.push((s.to_owned(), t));
            }
            t
        };
        match c {
            Cells::Absent => vec![on_null; n],
            Cells::Dict(keys, values) => {
                // The truth of every dictionary value, then one table lookup per row.
                let per_key: Vec<bool> = (0..values.len())
                    .map(|k| !values.is_valid(k) || by_str(values.value(k)))
                    .collect();
                let ks = keys.keys().values();
                let mut out: Vec<bool> = ks
                    .iter()
                    .take(n)
                    .map(|&k| per_key.get(k as usize).copied().unwrap_or(true))
                    .collect();
                if let Some(nulls) = keys.nulls() {
                    for r in (0..n).filter(|&r| nulls.is_null(r)) {
                        out[r] = on_null;
                    }
                }
                out
            }
            Cells::Str(a) => (0..n)
                .map(|r| {
                    if a.is_valid(r) {
                        by_str(a.value(r))
                    } else {
                        on_null
                    }
                })
                .collect(),
            Cells::List(a) if matches!(a.values().data_type(), ArrowType::Utf8) => {
                let Some(items) = a.values().as_any().downcast_ref::<StringArray>() else {
                    return vec![true; n];
                };
                let offs = a.value_offsets();
                (0..n)
                    .map(|r| {
                        if !a.is_valid(r) {
                            return on_null;
                        }
                        let range = offs[r] as usize..offs[r + 1] as usize;
                        let mut vals = range.clone().filter(|&i| items.is_valid(i));
                        match (vals.next(), vals.next()) {
                            (None, _) => on_null,
                            (Some(i), None) => by_str(items.value(i)),
                            // Each expanded row holds one value (an ignored one reads as null).
                            _ if leaf.expanded => range
                                .filter(|&i| items.is_valid(i))
                                .any(|i| by_str(items.value(i))),
                            // Two or more stored values: the leaf's truth on a multi-value.
                            _ => match stored_count(&leaf.mapping, &list_items(a, items, r)) {
                                Some(k) if k >= 2 => leaf.on_multi,
                                _ => true,
                            },
                        }
                    })
                    .collect()
            }
            _ => vec![true; n],
        }
    }

    /// The conjuncts in the order to evaluate them: lowest observed pass rate first; before any
    /// observation, conjuncts on single-valued columns before those reading a list column.
    fn order(&self, is_list: &dyn Fn(&str) -> bool) -> Vec<usize> {
        let stats = self.stats.lock().unwrap_or_else(|p| p.into_inner()).clone();
        let key = |i: usize| -> f64 {
            let (seen, passed) = stats[i];
            if seen > 0 {
                passed as f64 / seen as f64
            } else if leaves_of(&self.conjuncts[i])
                .iter()
                .any(|&l| is_list(&self.leaves[l].path))
            {
                0.9
            } else {
                0.5
            }
        };
        let mut order: Vec<usize> = (0..self.conjuncts.len()).collect();
        order.sort_by(|&a, &b| key(a).total_cmp(&key(b)).then(a.cmp(&b)));
        order
    }

    /// Records each conjunct's pass rate on `n` rows whose leaves gave `leaf_rows` (rows read
    /// whole, before the narrowing starts).
    pub fn observe(&self, leaf_rows: &[Vec<bool>], n: usize) {
        let passed: Vec<u64> = self
            .conjuncts
            .iter()
            .map(|c| eval(c, leaf_rows, n).iter().filter(|m| **m).count() as u64)
            .collect();
        if let Ok(mut stats) = self.stats.lock() {
            for (s, p) in stats.iter_mut().zip(passed) {
                s.0 += n as u64;
                s.1 += p;
            }
        }
    }

    /// The rows of row group `rg` from row `start` on (rows before it are not selected) on which
    /// the WHERE may be true, read conjunct by conjunct (see the module doc): `None` for every row.
    /// Warnings are not considered: the caller uses this only when every line a row could log is
    /// already logged.
    pub fn narrow(
        &self,
        path: &Path,
        meta: &ArrowReaderMetadata,
        rg: usize,
        start: usize,
    ) -> Result<Option<RowSelection>, String> {
        let schema = meta.schema();
        let root = |p: &str| schema.fields().iter().position(|f| f.name() == p);
        let is_list = |p: &str| {
            root(p).is_some_and(|i| {
                matches!(
                    schema.field(i).data_type(),
                    ArrowType::List(_) | ArrowType::LargeList(_)
                )
            })
        };
        let group_rows = meta.metadata().row_group(rg).num_rows().max(0) as usize;
        if self.dictionary_proves_false(path, meta, rg, &is_list)? {
            self.dictionary_skips.fetch_add(1, Ordering::Relaxed);
            return Ok(Some(RowSelection::from(vec![RowSelector::skip(
                group_rows,
            )])));
        }
        let start = start.min(group_rows);
        let in_scope = group_rows - start;
        let mut sel: Option<RowSelection> = (start > 0).then(|| {
            RowSelection::from(vec![
                RowSelector::skip(start),
                RowSelector::select(in_scope),
            ])
        });
        for ci in self.order(&is_list) {
            let conj = &self.conjuncts[ci];
            let ids = leaves_of(conj);
            let leaf_roots: Vec<Option<usize>> =
                ids.iter().map(|&l| root(&self.leaves[l].path)).collect();
            let mut roots: Vec<usize> = leaf_roots.iter().flatten().copied().collect();
            roots.sort_unstable();
            roots.dedup();
            let selected = sel.as_ref().map_or(group_rows, |s| s.row_count());
            let mut mask: Vec<bool> = Vec::with_capacity(selected);
            let mut caches: Vec<Cache> = ids.iter().map(|_| Cache::default()).collect();
            let mut per_leaf: Vec<Vec<bool>> = vec![Vec::new(); self.leaves.len()];
            if roots.is_empty() {
                for (&l, cache) in ids.iter().zip(&mut caches) {
                    per_leaf[l] = self.leaf_rows(l, &Cells::Absent, selected, cache);
                }
                mask = eval(conj, &per_leaf, selected);
            } else {
                let f = File::open(path).map_err(|e| e.to_string())?;
                let mut b = ParquetRecordBatchReaderBuilder::new_with_metadata(f, meta.clone())
                    .with_projection(ProjectionMask::roots(
                        meta.parquet_schema(),
                        roots.iter().copied(),
                    ))
                    .with_row_groups(vec![rg])
                    .with_batch_size(BATCH_ROWS);
                if let Some(s) = &sel {
                    b = b.with_row_selection(s.clone());
                }
                for batch in b.build().map_err(|e| e.to_string())? {
                    let batch = batch.map_err(|e| e.to_string())?;
                    let n = batch.num_rows();
                    for ((&l, r), cache) in ids.iter().zip(&leaf_roots).zip(&mut caches) {
                        let col = r
                            .and_then(|r| roots.iter().position(|&x| x == r))
                            .map(|p| batch.column(p));
                        per_leaf[l] = self.leaf_rows(l, &cells(col)?, n, cache);
                    }
                    mask.extend(eval(conj, &per_leaf, n));
                }
            }
            if mask.len() != selected {
                return Err(format!(
                    "prefilter read {} rows of {selected} selected",
                    mask.len()
                ));
            }
            let passed = mask.iter().filter(|m| **m).count() as u64;
            if let Ok(mut stats) = self.stats.lock() {
                stats[ci].0 += selected as u64;
                stats[ci].1 += passed;
            }
            let narrowed = RowSelection::from_filters(&[BooleanArray::from(mask)]);
            let next = match sel {
                None => narrowed,
                Some(s) => s.and_then(&narrowed),
            };
            // Rows this sparse touch nearly every page of a column anyway: the main read decodes
            // them as cheaply as a further conjunct would, and the engine's WHERE drops the rest.
            let sparse = next.row_count() * SPARSE < in_scope;
            sel = Some(next);
            if sparse {
                break;
            }
        }
        Ok(sel.filter(|s| s.row_count() < group_rows))
    }
}

impl Leaves<'_> {
    /// Row groups skipped so far from a dictionary page alone.
    #[cfg(test)]
    pub fn dictionary_skips(&self) -> u64 {
        self.dictionary_skips.load(Ordering::Relaxed)
    }

    /// Whether some conjunct reading one single-valued column is false on every row of row group
    /// `rg`, proven from the column chunk's dictionary page without decoding a data page: every
    /// data page must be dictionary-encoded (the page encoding statistics say so; otherwise a value
    /// could lie outside the dictionary), no dictionary value may make the conjunct true, and
    /// neither may a null unless the statistics count no null.
    fn dictionary_proves_false(
        &self,
        path: &Path,
        meta: &ArrowReaderMetadata,
        rg: usize,
        is_list: &dyn Fn(&str) -> bool,
    ) -> Result<bool, String> {
        let md = meta.metadata();
        let group = md.row_group(rg);
        let mut file: Option<File> = None;
        for conj in &self.conjuncts {
            let ids = leaves_of(conj);
            let Some(&first) = ids.first() else { continue };
            let col_path = &self.leaves[first].path;
            if ids.iter().any(|&l| &self.leaves[l].path != col_path) || is_list(col_path) {
                continue;
            }
            let Some(ci) = group
                .columns()
                .iter()
                .position(|c| c.column_path().string() == *col_path)
            else {
                continue;
            };
            let chunk = group.column(ci);
            let all_dictionary = chunk.dictionary_page_offset().is_some()
                && chunk.page_encoding_stats_mask().is_some_and(|m| {
                    m.is_only(Encoding::RLE_DICTIONARY) || m.is_only(Encoding::PLAIN_DICTIONARY)
                });
            if !all_dictionary {
                continue;
            }
            let f = match &file {
                Some(f) => f,
                None => file.insert(File::open(path).map_err(|e| e.to_string())?),
            };
            let Some(dict) = ParquetMetaDataReader::read_column_dictionary(f, md, rg, ci)
                .map_err(|e| e.to_string())?
            else {
                continue;
            };
            let Some(values) = dict.as_binary_opt::<i32>() else {
                continue;
            };
            // One row per dictionary value, plus a null row when nulls may occur.
            let nulls = chunk
                .statistics()
                .and_then(|s| s.null_count_opt())
                .is_none_or(|n| n > 0);
            let strings: Vec<Option<&str>> = (0..values.len())
                .map(|i| match values.is_valid(i) {
                    true => std::str::from_utf8(values.value(i)).ok(),
                    false => None,
                })
                .collect();
            if strings
                .iter()
                .zip(0..)
                .any(|(s, i)| s.is_none() && values.is_valid(i))
            {
                continue;
            }
            let rows = StringArray::from(
                strings
                    .into_iter()
                    .chain(nulls.then_some(None))
                    .collect::<Vec<_>>(),
            );
            let n = rows.len();
            let mut per_leaf: Vec<Vec<bool>> = vec![Vec::new(); self.leaves.len()];
            for &l in &ids {
                per_leaf[l] = self.leaf_rows(l, &Cells::Str(&rows), n, &mut Cache::default());
            }
            if !eval(conj, &per_leaf, n).iter().any(|m| *m) {
                return Ok(true);
            }
        }
        Ok(false)
    }
}

/// The tree of `e`: ANDs and ORs over leaves `leaf` accepts.
pub(super) fn build(e: &Expr, leaf: &mut dyn FnMut(&Expr) -> Option<usize>) -> Tree {
    match &e.kind {
        ExprKind::And(a, b) => Tree::And(vec![build(a, leaf), build(b, leaf)]),
        ExprKind::Or(a, b) => Tree::Or(vec![build(a, leaf), build(b, leaf)]),
        _ => leaf(e).map_or(Tree::Any, Tree::Leaf),
    }
}

fn flatten_and(t: &Tree, out: &mut Vec<Tree>) {
    match t {
        Tree::And(parts) => parts.iter().for_each(|p| flatten_and(p, out)),
        other => out.push(other.clone()),
    }
}

fn has_any(t: &Tree) -> bool {
    match t {
        Tree::Any => true,
        Tree::Leaf(_) => false,
        Tree::And(p) | Tree::Or(p) => p.iter().any(has_any),
    }
}

fn leaves_of(t: &Tree) -> Vec<usize> {
    match t {
        Tree::Any => Vec::new(),
        Tree::Leaf(l) => vec![*l],
        Tree::And(p) | Tree::Or(p) => p.iter().flat_map(leaves_of).collect(),
    }
}

/// Per row: whether the tree may be true.
pub(super) fn eval(t: &Tree, leaves: &[Vec<bool>], n: usize) -> Vec<bool> {
    match t {
        Tree::Leaf(i) => leaves[*i].clone(),
        Tree::Any => vec![true; n],
        Tree::And(parts) => {
            let mut out = vec![true; n];
            for p in parts {
                for (o, v) in out.iter_mut().zip(eval(p, leaves, n)) {
                    *o &= v;
                }
            }
            out
        }
        Tree::Or(parts) => {
            let mut out = vec![false; n];
            for p in parts {
                for (o, v) in out.iter_mut().zip(eval(p, leaves, n)) {
                    *o |= v;
                }
            }
            out
        }
    }
}
