//! Parquet predicate pushdown: before a row group's needed columns are decoded, the columns of the
//! plan's first WHERE are read (as Arrow dictionaries) and rows that provably leave no trace are
//! dropped; the other columns are then decoded only for the surviving rows (a `RowSelection`), and a
//! row group with no survivor is not decoded at all.
//!
//! Oracle twin: the same read without a prefilter (every row decoded, the engine's WHERE drops the
//! rows). Invariant: a row is dropped only when (1) the WHERE is not true on it, judged from
//! conjuncts/disjuncts that each read one keyword column, evaluated per distinct value with the
//! engine's row kernel on the value ingest would store, and (2) the WHERE cannot record a failure on
//! it: the whole condition cannot fail on single values ([`cannot_fail_on_singles`]) and every list
//! column it reads holds at most one item in that row (MV_EXPANDed columns excepted: each expanded
//! row is single-valued, and such a row is kept if any of its values may pass). Only MV_EXPAND and
//! KEEP/DROP/RENAME may come before the WHERE (they neither drop nor warn). The file must be one whose
//! needed columns convert without ingest errors (keyword-like strings, timestamps as dates, 64-bit
//! integers as longs, doubles, booleans), and `_id`s must come from a non-null `event.id`, so dropped
//! rows could not have raised an error or numbered an `_id` either.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fs::File;
use std::path::Path;

use arrow_array::{Array, BooleanArray};
use arrow_schema::DataType as ArrowType;
use esql::plan::{Expr, ExprKind, Plan, StepKind};
use esql::{EvalOptions, FieldMapping, Value, Warnings};
use parquet::arrow::ProjectionMask;
use parquet::arrow::arrow_reader::{
    ArrowReaderMetadata, ParquetRecordBatchReaderBuilder, RowSelection,
};

use super::convert::from_str;
use super::layout::{ColumnSpec, Layout};
use super::parquet_fast::{Cells, cells};
use crate::engine::expr::keyword_table::{TRUE, cannot_fail_on_singles, single_column, tri_of};
use crate::engine::row_kernel::RowKernel;

/// Rows decoded per batch while evaluating the prefilter.
const BATCH_ROWS: usize = 64 * 1024;

/// One condition on one keyword column.
struct Leaf {
    expr: Expr,
    /// The column in the WHERE's input row.
    col: usize,
    path: String,
    mapping: FieldMapping,
    /// The column was MV_EXPANDed before the WHERE.
    expanded: bool,
}

/// The shape of the WHERE as far as the prefilter understands it.
enum Tree {
    Leaf(usize),
    And(Vec<Tree>),
    Or(Vec<Tree>),
    /// Anything else: may be true.
    Any,
}

/// What the prefilter reads and decides for a plan over one index.
pub struct Prefilter<'a> {
    kernel: &'a dyn RowKernel,
    opts: &'a EvalOptions,
    width: usize,
    leaves: Vec<Leaf>,
    tree: Tree,
    /// Source paths read by the WHERE (not expanded): a row with two or more items in one of them
    /// may warn and is kept.
    quiet: Vec<String>,
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
        for c in condition.columns() {
            match from_col.get(c).copied().flatten() {
                Some(fc) if expanded.contains(&fc) => {}
                Some(_) => {
                    if let Some((_, slot)) = slot_of(c) {
                        quiet.push(slot.path.clone());
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
            });
            Some(leaves.len() - 1)
        });
        if leaves.is_empty() {
            return None;
        }
        Some(Prefilter {
            kernel,
            opts,
            width,
            leaves,
            tree,
            quiet,
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

    /// The rows of row group `rg` to decode: `None` for all of them, an empty selection for none.
    pub fn select(
        &self,
        layout: &Layout,
        path: &Path,
        meta: &ArrowReaderMetadata,
        rg: usize,
    ) -> Result<Option<RowSelection>, String> {
        let schema = meta.schema();
        let md = meta.metadata();
        // `_id`s of rows without `event.id` are numbered by their row: keep every row then.
        if layout.needs_id() {
            let Some(i) = schema.fields().iter().position(|f| f.name() == "event.id") else {
                return Ok(None);
            };
            let nulls = md
                .row_group(rg)
                .columns()
                .iter()
                .find(|c| c.column_path().string() == "event.id")
                .and_then(|c| c.statistics())
                .and_then(|s| s.null_count_opt());
            if nulls != Some(0) || schema.field(i).data_type() == &ArrowType::Null {
                return Ok(None);
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
                return Ok(None);
            }
        }
        let is_list = |i: usize| {
            matches!(
                schema.field(i).data_type(),
                ArrowType::List(_) | ArrowType::LargeList(_)
            )
        };
        let quiet: Vec<usize> = self
            .quiet
            .iter()
            .filter_map(|p| root(p))
            .filter(|&i| is_list(i))
            .collect();
        let leaf_roots: Vec<Option<usize>> = self.leaves.iter().map(|l| root(&l.path)).collect();
        let mut roots: Vec<usize> = quiet
            .iter()
            .copied()
            .chain(leaf_roots.iter().flatten().copied())
            .collect();
        roots.sort_unstable();
        roots.dedup();
        let f = File::open(path).map_err(|e| e.to_string())?;
        let reader = ParquetRecordBatchReaderBuilder::new_with_metadata(f, meta.clone())
            .with_projection(ProjectionMask::roots(
                meta.parquet_schema(),
                roots.iter().copied(),
            ))
            .with_row_groups(vec![rg])
            .with_batch_size(BATCH_ROWS)
            .build()
            .map_err(|e| e.to_string())?;
        let mut caches: Vec<Cache> = self.leaves.iter().map(|_| Cache::default()).collect();
        let mut keep: Vec<bool> = Vec::new();
        for batch in reader {
            let batch = batch.map_err(|e| e.to_string())?;
            let n = batch.num_rows();
            let col = |i: usize| {
                let pos = roots.iter().position(|&r| r == i)?;
                Some(batch.column(pos))
            };
            let mut leaf_rows = Vec::with_capacity(self.leaves.len());
            for ((leaf, r), cache) in self.leaves.iter().zip(&leaf_roots).zip(&mut caches) {
                let c = cells(r.and_then(col))?;
                leaf_rows.push(self.leaf_rows(leaf, &c, n, cache));
            }
            let mut may = eval(&self.tree, &leaf_rows, n);
            for &q in &quiet {
                if let Some(Cells::List(a)) = col(q).map(|a| cells(Some(a))).transpose()? {
                    let offs = a.value_offsets();
                    for (r, m) in may.iter_mut().enumerate() {
                        if a.is_valid(r) && offs[r + 1] - offs[r] >= 2 {
                            *m = true;
                        }
                    }
                }
            }
            keep.extend(may);
        }
        if keep.iter().all(|k| *k) {
            return Ok(None);
        }
        Ok(Some(RowSelection::from_filters(&[BooleanArray::from(
            keep,
        )])))
    }

    /// Whether `leaf` may be true on the value `s` (as stored under its mapping), or on null.
    fn truth(&self, leaf: &Leaf, s: Option<&str>) -> bool {
        let v = match s {
            None => Value::Null,
            Some(s) => match from_str(&leaf.mapping, Cow::Borrowed(s)) {
                Ok(Some(out)) => out.into_value(),
                Ok(None) => Value::Null,
                Err(_) => return true,
            },
        };
        let mut row = vec![Value::Null; self.width.max(leaf.col + 1)];
        row[leaf.col] = v;
        let mut w = Warnings::new();
        match self.kernel.eval(&leaf.expr, &row, self.opts, &mut w) {
            Ok(v) => tri_of(&v) == TRUE,
            Err(_) => true,
        }
    }

    /// Per row of a batch: whether `leaf` may be true.
    fn leaf_rows(&self, leaf: &Leaf, c: &Cells<'_>, n: usize, cache: &mut Cache) -> Vec<bool> {
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
                let mut per_key: Vec<Option<bool>> = vec![None; values.len()];
                (0..n)
                    .map(|r| {
                        if !keys.is_valid(r) {
                            return on_null;
                        }
                        let k = keys.keys().value(r) as usize;
                        *per_key[k].get_or_insert_with(|| by_str(values.value(k)))
                    })
                    .collect()
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
                let items = a
                    .values()
                    .as_any()
                    .downcast_ref::<arrow_array::StringArray>();
                let Some(items) = items else {
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
                            // Two or more values: the row may warn and is kept.
                            _ => true,
                        }
                    })
                    .collect()
            }
            _ => vec![true; n],
        }
    }
}

/// Truths already computed for one leaf in one row group.
#[derive(Default)]
struct Cache {
    null: Option<bool>,
    strings: HashMap<String, bool>,
    /// The first [`FEW`] distinct strings met and their truths (checked before `strings`).
    few: Vec<(String, bool)>,
}

/// Distinct strings a [`Cache`] compares directly before hashing.
const FEW: usize = 8;

/// The tree of `e`: ANDs and ORs over leaves `leaf` accepts.
fn build(e: &Expr, leaf: &mut dyn FnMut(&Expr) -> Option<usize>) -> Tree {
    match &e.kind {
        ExprKind::And(a, b) => Tree::And(vec![build(a, leaf), build(b, leaf)]),
        ExprKind::Or(a, b) => Tree::Or(vec![build(a, leaf), build(b, leaf)]),
        _ => leaf(e).map_or(Tree::Any, Tree::Leaf),
    }
}

/// Per row: whether the tree may be true.
fn eval(t: &Tree, leaves: &[Vec<bool>], n: usize) -> Vec<bool> {
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

#[cfg(test)]
mod tests {
    use std::path::PathBuf;
    use std::sync::Arc;

    use arrow_array::builder::{ListBuilder, StringBuilder};
    use arrow_array::{ArrayRef, RecordBatch, StringArray, TimestampNanosecondArray};
    use arrow_schema::{Field, Schema, TimeUnit};
    use esql::{Catalog, Evaluator};
    use serde_json::{Value as Json, json};

    use super::*;
    use crate::engine::inputs::layout::Layout;
    use crate::engine::inputs::ndjson_files::{OnError, load};
    use crate::engine::inputs::read::{ReadOptions, eval_files};
    use crate::engine::prune::needed_columns;
    use crate::engine::{EngineConfig, EngineKernel, OptimizedEvaluator};

    const STREAM: &str = "logs-endpoint.events.process-default";

    /// (event.id, process.name, user.name, event.type, event.action) per row; row groups of 4.
    type Row = (
        Option<&'static str>,
        Option<&'static str>,
        &'static [&'static str],
        &'static [&'static str],
    );

    fn rows() -> Vec<Row> {
        vec![
            // Row group 0: nothing passes, every row single-valued: skipped whole.
            (Some("ls"), Some("root"), &["start"], &["exec"]),
            (Some("bash"), Some("root"), &["start"], &["fork", "exec"]),
            (Some("cat"), None, &["end"], &["end"]),
            (None, Some("root"), &["start"], &["exec"]),
            // Row group 1: nothing passes, but one row is multi-valued in event.type (warns).
            (Some("ls"), Some("root"), &["start"], &["exec"]),
            (
                Some("sed"),
                Some("root"),
                &["start", "end"],
                &["fork", "exec", "end"],
            ),
            (Some("awk"), Some("root"), &["start"], &["exec"]),
            (Some("vi"), Some("root"), &["end"], &["end"]),
            // Row group 2: survivors, an expanded action, an action that fails.
            (Some("scp"), Some("root"), &["start"], &["fork", "exec"]),
            (Some("scp"), Some("root"), &["end"], &["end"]),
            (Some("rsync"), Some("www-data"), &["start"], &["exec"]),
            (Some("ls"), Some("www-data"), &["start"], &["exec"]),
            // Row group 3: nulls and empty lists.
            (None, None, &[], &[]),
            (Some("scp"), Some("root"), &[], &["exec"]),
            (Some("rsync"), Some("root"), &["start"], &[]),
            (
                Some("ftp"),
                Some("root"),
                &["start", "end"],
                &["fork", "exec", "end"],
            ),
        ]
    }

    fn list(items: &[&str]) -> Json {
        match items {
            [] => json!([]),
            [one] => json!(one),
            many => json!(many),
        }
    }

    /// The rows as NDJSON (for ingest) and as Parquet with row groups of 4 rows.
    fn write(dir: &Path) {
        let rows = rows();
        let mut ndjson = String::new();
        for (i, (name, user, types, actions)) in rows.iter().enumerate() {
            let mut doc = json!({
                "@timestamp": format!("2024-05-06T08:00:{:02}Z", i),
                "event": {"id": format!("e{i:02}"), "type": list(types), "action": list(actions)},
                "host": {"os": {"type": "linux"}},
                "data_stream": {"dataset": "endpoint.events.process"},
            });
            if let Some(n) = name {
                doc["process"] = json!({"name": n, "parent": {"name": "bash"}});
            }
            if let Some(u) = user {
                doc["user"] = json!({"name": u});
            }
            ndjson.push_str(&doc.to_string());
            ndjson.push('\n');
        }
        std::fs::write(dir.join(format!("{STREAM}.ndjson")), ndjson).unwrap();
        let strings = |f: &dyn Fn(usize) -> Option<String>| -> ArrayRef {
            Arc::new((0..rows.len()).map(f).collect::<StringArray>())
        };
        let lists = |f: &dyn Fn(&Row) -> &[&str]| -> ArrayRef {
            let mut b = ListBuilder::new(StringBuilder::new());
            for r in &rows {
                for v in f(r) {
                    b.values().append_value(v);
                }
                b.append(true);
            }
            Arc::new(b.finish())
        };
        let ts: ArrayRef = Arc::new(
            TimestampNanosecondArray::from(
                (0..rows.len() as i64)
                    .map(|i| 1_714_982_400_000_000_000 + i * 1_000_000_000)
                    .collect::<Vec<_>>(),
            )
            .with_timezone("UTC"),
        );
        let list_t = DataType::List(Arc::new(Field::new("item", DataType::Utf8, true)));
        let schema = Arc::new(Schema::new(vec![
            Field::new(
                "@timestamp",
                DataType::Timestamp(TimeUnit::Nanosecond, Some("UTC".into())),
                true,
            ),
            Field::new("event.action", list_t.clone(), true),
            Field::new("event.id", DataType::Utf8, true),
            Field::new("event.type", list_t, true),
            Field::new("data_stream.dataset", DataType::Utf8, true),
            Field::new("host.os.type", DataType::Utf8, true),
            Field::new("process.name", DataType::Utf8, true),
            Field::new("process.parent.name", DataType::Utf8, true),
            Field::new("user.name", DataType::Utf8, true),
        ]));
        let batch = RecordBatch::try_new(
            schema.clone(),
            vec![
                ts,
                lists(&|r| r.3),
                strings(&|i| Some(format!("e{i:02}"))),
                lists(&|r| r.2),
                strings(&|_| Some("endpoint.events.process".into())),
                strings(&|_| Some("linux".into())),
                strings(&|i| rows[i].0.map(str::to_owned)),
                strings(&|i| rows[i].0.map(|_| "bash".to_owned())),
                strings(&|i| rows[i].1.map(str::to_owned)),
            ],
        )
        .unwrap();
        let props = parquet::file::properties::WriterProperties::builder()
            .set_max_row_group_row_count(Some(4))
            .build();
        let file = File::create(dir.join(format!("{STREAM}.parquet"))).unwrap();
        let mut w = parquet::arrow::ArrowWriter::try_new(file, schema, Some(props)).unwrap();
        w.write(&batch).unwrap();
        assert_eq!(w.close().unwrap().num_row_groups(), 4);
    }

    use arrow_schema::DataType;

    fn dir(name: &str) -> PathBuf {
        let d =
            std::env::temp_dir().join(format!("detsim-prefilter-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        write(&d);
        d
    }

    fn plan_of(query: &str) -> esql::Plan {
        let catalog = Catalog::elastic_defend();
        let ast = esql::parse(query).unwrap_or_else(|e| panic!("{query}: {e}"));
        esql::analyze(&ast, &catalog).unwrap_or_else(|e| panic!("{query}: {e}"))
    }

    fn layout(plan: &esql::Plan) -> Layout {
        let esql::plan::Source::From(from) = &plan.source else {
            panic!("FROM")
        };
        let catalog = Catalog::elastic_defend();
        let mapping = catalog.mapping_for(STREAM).unwrap();
        Layout::new(
            from,
            needed_columns(plan).source(),
            STREAM,
            mapping,
            None,
            true,
        )
        .unwrap()
    }

    /// Rows selected per row group (`None`: every row).
    fn selections(query: &str, d: &Path) -> Option<Vec<Option<usize>>> {
        let plan = plan_of(query);
        let layout = layout(&plan);
        let kernel = EngineKernel::new();
        let opts = EvalOptions::default();
        let pre = Prefilter::new(&plan, &layout, &kernel, &opts)?;
        let path = d.join(format!("{STREAM}.parquet"));
        let meta =
            ArrowReaderMetadata::load(&File::open(&path).unwrap(), Default::default()).unwrap();
        assert!(pre.usable(&layout, meta.schema()));
        // The reader's dictionary view of the string columns.
        let dict_schema = Arc::new(Schema::new(
            meta.schema()
                .fields()
                .iter()
                .map(|f| match f.data_type() {
                    DataType::Utf8 => Arc::new(f.as_ref().clone().with_data_type(
                        DataType::Dictionary(Box::new(DataType::Int32), Box::new(DataType::Utf8)),
                    )),
                    _ => f.clone(),
                })
                .collect::<Vec<_>>(),
        ));
        let meta = ArrowReaderMetadata::try_new(
            meta.metadata().clone(),
            parquet::arrow::arrow_reader::ArrowReaderOptions::new().with_schema(dict_schema),
        )
        .unwrap();
        Some(
            (0..meta.metadata().num_row_groups())
                .map(|rg| {
                    pre.select(&layout, &path, &meta, rg)
                        .unwrap()
                        .map(|s| s.row_count())
                })
                .collect(),
        )
    }

    /// The Parquet fast path (with the prefilter) equals the in-memory path and the reference.
    fn same_results(query: &str, d: &Path) -> esql::ResultTable {
        let plan = plan_of(query);
        let catalog = Catalog::elastic_defend();
        let opts = EvalOptions::default();
        let ndjson = d.join(format!("{STREAM}.ndjson"));
        let loaded = load(&[ndjson], &catalog, OnError::Fail).unwrap();
        let reference = oracles::ReferenceEvaluator::new()
            .run(&plan, &loaded.source, &opts)
            .unwrap();
        let memory =
            OptimizedEvaluator::new(Arc::new(EngineKernel::new()), EngineConfig::default())
                .run(&plan, &loaded.source, &opts)
                .unwrap();
        assert_eq!(memory, reference, "{query}: in-memory engine");
        for threads in [1, 2] {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            let options = ReadOptions {
                on_error: OnError::Fail,
                block_bytes: 1 << 20,
                engine: EngineConfig::default(),
            };
            let parquet = d.join(format!("{STREAM}.parquet"));
            let (got, report) = pool
                .install(|| {
                    eval_files(
                        &plan,
                        &[parquet],
                        &catalog,
                        &opts,
                        &EngineKernel::new(),
                        options,
                    )
                })
                .unwrap()
                .expect("served");
            assert_eq!(got, reference, "{query}: Parquet, {threads} threads");
            if !query.contains("LIMIT") {
                assert_eq!(
                    report.documents,
                    rows().len() as u64,
                    "{query}: rows counted"
                );
            }
        }
        reference
    }

    const FILE_TRANSFER: &str = "FROM logs-endpoint.events.process-* METADATA _id \
        | MV_EXPAND event.action \
        | WHERE host.os.type == \"linux\" AND event.type == \"start\" AND event.action == \"exec\" \
          AND process.name IN (\"scp\", \"rsync\", \"ftp\") AND process.parent.name IN (\"bash\") \
        | KEEP _id, process.name, event.action, data_stream.dataset";

    #[test]
    fn skipped_row_groups_and_rows_keep_the_reference_results_and_warnings() {
        let d = dir("ft");
        let t = same_results(FILE_TRANSFER, &d);
        // e08 (exec of fork+exec) and e10; e15's multi-valued event.type is null (a warning).
        let ids: Vec<String> = t.rows.iter().map(|r| format!("{:?}", r[0])).collect();
        assert_eq!(t.rows.len(), 2, "{ids:?}");
        assert!(!t.warnings.is_empty(), "multi-valued event.type warns");
        // Row group 0 is skipped whole; row group 1 keeps only its multi-valued row; row group 2
        // keeps the scp fork+exec and rsync rows (the scp "end" type and ls fail); row group 3
        // keeps only the multi-valued ftp row (a null name, an empty type, an empty action fail).
        assert_eq!(
            selections(FILE_TRANSFER, &d),
            Some(vec![Some(0), Some(1), Some(2), Some(1)])
        );
        std::fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn disjunctions_renames_and_failing_conditions() {
        let d = dir("or");
        // An OR of single-column conditions; the expanded action must be "exec".
        let q = "FROM logs-endpoint.events.process-* METADATA _id | MV_EXPAND event.action \
            | WHERE event.action == \"exec\" AND (process.name LIKE \"rs*\" OR user.name IN (\"www-data\")) \
            | KEEP _id, process.name, user.name";
        let t = same_results(q, &d);
        assert_eq!(t.rows.len(), 2);
        assert_eq!(
            selections(q, &d),
            Some(vec![Some(0), Some(0), Some(2), Some(0)])
        );
        // KEEP/RENAME before the WHERE: columns followed through the projection.
        let q = "FROM logs-endpoint.events.process-* METADATA _id \
            | KEEP _id, process.name, event.type | RENAME process.name AS p \
            | WHERE p IN (\"scp\") AND event.type == \"start\"";
        same_results(q, &d);
        assert_eq!(
            selections(q, &d),
            Some(vec![Some(0), Some(1), Some(1), Some(1)])
        );
        // A condition that can fail on single values: no prefilter, same results.
        let q = "FROM logs-endpoint.events.process-* | WHERE TO_LONG(process.name) > 3 \
            AND process.name == \"scp\"";
        same_results(q, &d);
        assert_eq!(selections(q, &d), None);
        // A LIMIT before the WHERE: no prefilter.
        let q = "FROM logs-endpoint.events.process-* | LIMIT 10 | WHERE process.name == \"scp\"";
        same_results(q, &d);
        assert_eq!(selections(q, &d), None);
        // NOT, IS NULL and a STATS after the WHERE.
        let q = "FROM logs-endpoint.events.process-* | WHERE NOT process.name IN (\"ls\", \"scp\") \
            AND user.name IS NOT NULL | STATS n = COUNT(*) BY process.name | SORT process.name";
        same_results(q, &d);
        std::fs::remove_dir_all(&d).unwrap();
    }
}
