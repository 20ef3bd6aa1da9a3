//! Parquet predicate pushdown: before a row group's needed columns are decoded, the columns of the
//! plan's first WHERE are read (as Arrow dictionaries) and rows that provably leave no trace are
//! dropped; the other columns are then decoded only for the surviving rows (a `RowSelection`), and a
//! row group with no survivor is not decoded at all. Once every warning line the WHERE can log on
//! the file has been logged by a kept row of an earlier row group, a row group is *narrowed* instead
//! (`parquet_leaves`): conjunct by conjunct, each reading its columns for the rows left, the most
//! selective first, and only rows on which the WHERE may be true survive.
//!
//! Oracle twin: the same read without a prefilter (every row decoded, the engine's WHERE drops the
//! rows). Invariant: a row is dropped only when (1) the WHERE is not true on it, judged from
//! conjuncts/disjuncts that each read one keyword column, evaluated per distinct value with the
//! engine's row kernel on the value ingest would store, and (2) the WHERE cannot record a *new*
//! warning line on it: the whole condition cannot fail on single values ([`cannot_fail_on_singles`])
//! and either every list column it reads holds at most one item in that row (MV_EXPANDed columns
//! excepted: each expanded row is single-valued, and such a row is kept if any of its values may
//! pass), or every line its shape can log was logged by an earlier kept row (`parquet_warnings`).
//! Only MV_EXPAND and KEEP/DROP/RENAME may come before the WHERE (they neither drop nor warn). The
//! file must be one whose needed columns convert without ingest errors (keyword-like strings,
//! timestamps as dates, 64-bit integers as longs, doubles, booleans), and `_id`s must come from a
//! non-null `event.id`, so dropped rows could not have raised an error or numbered an `_id` either.

use std::fs::File;
use std::path::Path;

use arrow_array::{Array, BooleanArray};
use arrow_schema::DataType as ArrowType;
use esql::plan::{Expr, Plan, StepKind};
use esql::{EvalOptions, FieldMapping};
use parquet::arrow::ProjectionMask;
use parquet::arrow::arrow_reader::{
    ArrowReaderMetadata, ParquetRecordBatchReaderBuilder, RowSelection, RowSelector,
};

use super::layout::{ColumnSpec, Layout};
use super::parquet_fast::{Cells, cells};
use super::parquet_leaves::{BATCH_ROWS, Cache, Leaf, Leaves, build, eval};
use super::parquet_warnings::{ShapeColumn, WarnTable, list_items, shape_digit};
use crate::engine::expr::keyword_table::{cannot_fail_on_singles, single_column};
use crate::engine::row_kernel::RowKernel;

/// What the prefilter reads and decides for a plan over one index.
pub struct Prefilter<'a> {
    leaves: Leaves<'a>,
    /// Source paths read by the WHERE (not expanded): a row with two or more items in one of them
    /// may warn.
    quiet: Vec<String>,
    /// The warning lines per row shape (`None`: every row that may warn is kept).
    warn: Option<WarnTable<'a>>,
    /// Rows of a row group's first full segment (then 16 times more per segment; see [`Self::full`]).
    first_segment: usize,
}

/// Rows of a row group read whole before checking whether every warning line is logged (the
/// segments after it grow 16 times each).
const FIRST_SEGMENT: usize = 1024;

/// The rows of one row group to decode, and the warning lines known logged after it.
pub struct Selected {
    /// `None`: every row; an empty selection: none.
    pub rows: Option<RowSelection>,
    /// Lines (bits of the prefilter's table) logged by kept rows up to the end of this row group.
    pub logged: u64,
}

/// Whether `path`'s Parquet column of type `t` converts under `f` without any ingest error.
fn error_free(f: &FieldMapping, t: &ArrowType) -> bool {
    let item = match t {
        ArrowType::List(i) | ArrowType::LargeList(i) => i.data_type(),
        other => other,
    };
    let stringy = matches!(item, ArrowType::Utf8 | ArrowType::LargeUtf8)
        || matches!(item, ArrowType::Dictionary(_, v) if **v == ArrowType::Utf8);
    match f.es_type.as_str() {
        "keyword" | "wildcard" => stringy && f.constant_value.is_none(),
        // With a constant, checked per row group: every value must be it ([`Prefilter::select`]).
        "constant_keyword" => stringy,
        "text" | "match_only_text" => stringy,
        "date" => matches!(item, ArrowType::Timestamp(..)),
        "long" => *item == ArrowType::Int64,
        "double" => *item == ArrowType::Float64,
        "boolean" => *item == ArrowType::Boolean,
        _ => false,
    }
}

fn is_list_type(t: &ArrowType) -> bool {
    matches!(t, ArrowType::List(_) | ArrowType::LargeList(_))
}

impl<'a> Prefilter<'a> {
    /// The prefilter of `plan` over `layout`'s index, if its first WHERE offers one.
    pub fn new(
        plan: &Plan,
        layout: &Layout,
        kernel: &'a dyn RowKernel,
        opts: &'a EvalOptions,
    ) -> Option<Prefilter<'a>> {
        // Where each column of the current row comes from in the FROM output.
        let mut from_col: Vec<Option<usize>> = (0..layout.columns.len()).map(Some).collect();
        let mut expanded: Vec<usize> = Vec::new();
        let condition = plan.steps.iter().find_map(|step| match &step.kind {
            StepKind::MvExpand { column } => {
                if let Some(Some(c)) = from_col.get(*column) {
                    expanded.push(*c);
                }
                None
            }
            StepKind::Project { columns } => {
                from_col = columns
                    .iter()
                    .map(|&c| from_col.get(c).copied().flatten())
                    .collect();
                None
            }
            StepKind::Where { condition } => Some(Some(condition)),
            _ => Some(None),
        })??;
        if !cannot_fail_on_singles(condition) {
            return None;
        }
        let width = from_col.len();
        let slot_of = |c: usize| match from_col.get(c).copied().flatten() {
            Some(fc) => match layout.columns.get(fc) {
                Some(ColumnSpec::Slot(s)) => Some((fc, &layout.slots[*s as usize])),
                _ => None,
            },
            None => None,
        };
        let mut quiet = Vec::new();
        let mut shape_columns = Some(Vec::new());
        let mut columns = condition.columns();
        columns.sort_unstable();
        columns.dedup();
        for c in columns {
            match from_col.get(c).copied().flatten() {
                Some(fc) => {
                    let is_expanded = expanded.contains(&fc);
                    match slot_of(c) {
                        Some((_, slot)) => {
                            if !is_expanded {
                                quiet.push(slot.path.clone());
                            }
                            if let Some(s) = shape_columns.as_mut() {
                                s.push(ShapeColumn {
                                    col: c,
                                    path: slot.path.clone(),
                                    mapping: slot.mapping.clone(),
                                    expanded: is_expanded,
                                });
                            }
                        }
                        None => shape_columns = None,
                    }
                }
                // A column the FROM does not provide: nothing is known about it.
                None => return None,
            }
        }
        let mut leaves = Vec::new();
        let tree = build(condition, &mut |e: &Expr| {
            let c = single_column(e)?;
            let (fc, slot) = slot_of(c)?;
            let keywordish = matches!(
                slot.mapping.es_type.as_str(),
                "keyword" | "wildcard" | "text" | "match_only_text"
            ) && slot.mapping.normalizer.is_none()
                && slot.mapping.constant_value.is_none();
            if !keywordish {
                return None;
            }
            leaves.push(Leaf {
                expr: e.clone(),
                col: c,
                path: slot.path.clone(),
                mapping: slot.mapping.clone(),
                expanded: expanded.contains(&fc),
                on_multi: true,
                known: Default::default(),
            });
            Some(leaves.len() - 1)
        });
        if leaves.is_empty() {
            return None;
        }
        let warn = shape_columns.and_then(|s| WarnTable::new(condition, width, s, kernel, opts));
        Some(Prefilter {
            leaves: Leaves::new(kernel, opts, width, leaves, tree),
            quiet,
            warn,
            first_segment: FIRST_SEGMENT,
        })
    }

    /// Whether the prefilter may be used on a file of this schema (see the module doc).
    pub fn usable(&self, layout: &Layout, schema: &arrow_schema::Schema) -> bool {
        let field = |p: &str| schema.fields().iter().find(|f| f.name() == p);
        let typed = layout.slots.iter().all(|s| match field(&s.path) {
            None => true,
            Some(f) => error_free(&s.mapping, f.data_type()),
        });
        typed && (!layout.needs_id() || field("event.id").is_some())
    }

    /// Every warning line (bits) a row of a file of this schema can make the WHERE log; all bits
    /// set when unknown (no table).
    pub fn universe(&self, schema: &arrow_schema::Schema) -> u64 {
        match &self.warn {
            Some(t) => t.universe(&|p: &str| {
                schema
                    .fields()
                    .iter()
                    .find(|f| f.name() == p)
                    .is_some_and(|f| is_list_type(f.data_type()))
            }),
            None => u64::MAX,
        }
    }

    /// Row groups skipped so far from a dictionary page alone.
    #[cfg(test)]
    pub fn dictionary_skips(&self) -> u64 {
        self.leaves.dictionary_skips()
    }

    /// The rows of row group `rg` to decode, given the lines `logged` by kept rows of the row
    /// groups before it.
    pub fn select(
        &self,
        layout: &Layout,
        path: &Path,
        meta: &ArrowReaderMetadata,
        rg: usize,
        logged: u64,
    ) -> Result<Selected, String> {
        let all = Selected { rows: None, logged };
        let schema = meta.schema();
        let md = meta.metadata();
        // `_id`s of rows without `event.id` are numbered by their row: keep every row then.
        if layout.needs_id() {
            let Some(i) = schema.fields().iter().position(|f| f.name() == "event.id") else {
                return Ok(all);
            };
            let nulls = md
                .row_group(rg)
                .columns()
                .iter()
                .find(|c| c.column_path().string() == "event.id")
                .and_then(|c| c.statistics())
                .and_then(|s| s.null_count_opt());
            if nulls != Some(0) || schema.field(i).data_type() == &ArrowType::Null {
                return Ok(all);
            }
        }
        let root = |p: &str| schema.fields().iter().position(|f| f.name() == p);
        // A constant_keyword value other than the constant is an ingest error: the row group's
        // statistics must prove every value is the constant (a null is no value).
        for s in layout.slots.iter() {
            if s.mapping.es_type != "constant_keyword" || root(&s.path).is_none() {
                continue;
            }
            let Some(v) = s.mapping.constant_value.as_deref() else {
                continue;
            };
            let proven = md
                .row_group(rg)
                .columns()
                .iter()
                .find(|c| c.column_path().string() == s.path)
                .and_then(|c| c.statistics())
                .is_some_and(|st| {
                    st.min_bytes_opt() == Some(v.as_bytes())
                        && st.max_bytes_opt() == Some(v.as_bytes())
                });
            if !proven {
                return Ok(all);
            }
        }
        let universe = self.universe(schema);
        if universe & !logged == 0 {
            let rows = self.leaves.narrow(path, meta, rg, 0)?;
            return Ok(Selected { rows, logged });
        }
        self.full(layout, path, meta, rg, logged, universe)
    }

    /// Every WHERE column read at once, segment by segment (1024 rows, then 16 times more each
    /// time); rows that may warn are kept unless their lines are logged. Once every line of the
    /// file's universe is logged (usually by the first multi-valued row), the rest of the row group
    /// is narrowed instead, as later row groups are.
    fn full(
        &self,
        layout: &Layout,
        path: &Path,
        meta: &ArrowReaderMetadata,
        rg: usize,
        mut logged: u64,
        universe: u64,
    ) -> Result<Selected, String> {
        let group_rows = meta.metadata().row_group(rg).num_rows().max(0) as usize;
        let mut keep: Vec<bool> = Vec::with_capacity(group_rows);
        let mut len = self.first_segment.max(1);
        while keep.len() < group_rows {
            let start = keep.len();
            if universe & !logged == 0 {
                // Every line is logged: the rest of the row group is narrowed.
                let mut rest = match self.leaves.narrow(path, meta, rg, start)? {
                    Some(s) => s,
                    None => RowSelection::from(vec![RowSelector::select(group_rows)]),
                };
                let _read_whole = rest.split_off(start);
                let head = RowSelection::from_filters(&[BooleanArray::from(keep)]);
                let rows: RowSelection = [head, rest].into_iter().collect();
                let rows = (rows.row_count() < group_rows).then_some(rows);
                return Ok(Selected { rows, logged });
            }
            let end = start.saturating_add(len).min(group_rows);
            self.segment(
                layout,
                path,
                meta,
                rg,
                start..end,
                &mut logged,
                universe,
                &mut keep,
            )?;
            if keep.len() != end {
                return Err(format!(
                    "prefilter read {} rows of row group {rg}'s first {end}",
                    keep.len()
                ));
            }
            len = len.saturating_mul(16);
        }
        let rows = if keep.iter().all(|k| *k) {
            None
        } else {
            Some(RowSelection::from_filters(&[BooleanArray::from(keep)]))
        };
        Ok(Selected { rows, logged })
    }

    /// Rows `range` of row group `rg` read with every WHERE column: a keep decision per row is
    /// pushed to `keep`, lines logged by kept rows added to `logged`, and each conjunct's pass rate
    /// recorded (it orders the narrowing).
    #[allow(clippy::too_many_arguments)]
    fn segment(
        &self,
        layout: &Layout,
        path: &Path,
        meta: &ArrowReaderMetadata,
        rg: usize,
        range: std::ops::Range<usize>,
        logged: &mut u64,
        universe: u64,
        keep: &mut Vec<bool>,
    ) -> Result<(), String> {
        let schema = meta.schema();
        let group_rows = meta.metadata().row_group(rg).num_rows().max(0) as usize;
        let root = |p: &str| schema.fields().iter().position(|f| f.name() == p);
        let quiet: Vec<usize> = self
            .quiet
            .iter()
            .filter_map(|p| root(p))
            .filter(|&i| is_list_type(schema.field(i).data_type()))
            .collect();
        let leaves = &self.leaves.leaves;
        let leaf_roots: Vec<Option<usize>> = leaves.iter().map(|l| root(&l.path)).collect();
        let shape_roots: Vec<Option<usize>> = self
            .warn
            .iter()
            .flat_map(|t| t.columns().iter().map(|c| root(&c.path)))
            .collect();
        let mut roots: Vec<usize> = quiet
            .iter()
            .copied()
            .chain(leaf_roots.iter().flatten().copied())
            .chain(shape_roots.iter().flatten().copied())
            .collect();
        roots.sort_unstable();
        roots.dedup();
        // Lines count as logged only when every kept row reaches the WHERE.
        let counts = layout.time_filter().is_none();
        let f = File::open(path).map_err(|e| e.to_string())?;
        let mut b = ParquetRecordBatchReaderBuilder::new_with_metadata(f, meta.clone())
            .with_projection(ProjectionMask::roots(
                meta.parquet_schema(),
                roots.iter().copied(),
            ))
            .with_row_groups(vec![rg])
            .with_batch_size(BATCH_ROWS.min(range.len().max(1)));
        if range.len() < group_rows {
            b = b.with_row_selection(RowSelection::from(vec![
                RowSelector::skip(range.start),
                RowSelector::select(range.len()),
                RowSelector::skip(group_rows - range.end),
            ]));
        }
        let reader = b.build().map_err(|e| e.to_string())?;
        let mut caches: Vec<Cache> = leaves.iter().map(|_| Cache::default()).collect();
        for batch in reader {
            let batch = batch.map_err(|e| e.to_string())?;
            let n = batch.num_rows();
            let col = |i: usize| {
                let pos = roots.iter().position(|&r| r == i)?;
                Some(batch.column(pos))
            };
            let mut leaf_rows = Vec::with_capacity(leaves.len());
            for ((l, r), cache) in (0..leaves.len()).zip(&leaf_roots).zip(&mut caches) {
                let c = cells(r.and_then(col))?;
                leaf_rows.push(self.leaves.leaf_rows(l, &c, n, cache));
            }
            self.leaves.observe(&leaf_rows, n);
            let may = eval(&self.leaves.tree, &leaf_rows, n);
            // Rows with two or more items in a WHERE list column may warn.
            let mut multi = vec![false; n];
            for &q in &quiet {
                if let Some(Cells::List(a)) = col(q).map(|a| cells(Some(a))).transpose()? {
                    let offs = a.value_offsets();
                    for (r, m) in multi.iter_mut().enumerate() {
                        if a.is_valid(r) && offs[r + 1] - offs[r] >= 2 {
                            *m = true;
                        }
                    }
                }
            }
            let shape_cells: Vec<Cells<'_>> = shape_roots
                .iter()
                .map(|r| cells(r.and_then(col)))
                .collect::<Result<_, _>>()?;
            for r in 0..n {
                if !multi[r] {
                    keep.push(may[r]);
                    continue;
                }
                let lines = match &self.warn {
                    Some(t) if universe & !*logged != 0 || may[r] => {
                        shape_code(t, &shape_cells, r).and_then(|code| t.lines(code))
                    }
                    _ => None,
                };
                let kept = match lines {
                    _ if may[r] => true,
                    _ if universe & !*logged == 0 => false,
                    Some(bits) => bits & !*logged != 0,
                    None => true,
                };
                if kept && counts {
                    *logged |= lines.unwrap_or(0);
                }
                keep.push(kept);
            }
        }
        Ok(())
    }
}

/// The shape code of row `r` (see `parquet_warnings`), `None` when a column's shape is unknown.
fn shape_code(t: &WarnTable<'_>, cells: &[Cells<'_>], r: usize) -> Option<usize> {
    let digits: Vec<Option<usize>> = t
        .columns()
        .iter()
        .zip(cells)
        .map(|(c, cell)| match cell {
            Cells::Absent => shape_digit(c, &[]),
            Cells::Dict(k, v) if k.is_valid(r) => {
                shape_digit(c, &[v.value(k.keys().value(r) as usize)])
            }
            Cells::Str(a) if a.is_valid(r) => shape_digit(c, &[a.value(r)]),
            Cells::Dict(..) | Cells::Str(_) => shape_digit(c, &[]),
            Cells::List(a) => {
                let items = a
                    .values()
                    .as_any()
                    .downcast_ref::<arrow_array::StringArray>()?;
                shape_digit(c, &list_items(a, items, r))
            }
            _ => None,
        })
        .collect();
    WarnTable::code(&digits)
}

#[cfg(test)]
#[path = "parquet_prefilter_tests.rs"]
mod tests;
