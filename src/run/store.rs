//! [`Store`]: a dataset held in memory as columns, indexed by time, ready to be cut into rule windows.
//!
//! A scheduled rule runs its query dozens of times over overlapping time ranges. The store reads the
//! dataset once — only the FROM columns the rules need ([`ColumnSpec`]), dictionary-encoded as the
//! optimized engine's chunks are — and keeps, per index and per time field, the rows sorted by time.
//! A window `[start, end]` is then a binary search and a gather of the needed columns into an engine
//! [`Chunk`]; the reference evaluator reads the same rows as [`Document`]s ([`WindowSource`]).
//!
//! Row order inside a window is the dataset's order (the order an index scan returns), as if the
//! window's documents had been filtered from the whole index. The time filter is Kibana's: a document
//! is in `[start, end]` (both inclusive) when a value of the primary time field lies in it, or — with a
//! timestamp override — when it has no primary value and `@timestamp` lies in it.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use esql::ingest::Indexer;
use esql::plan::{FromSource, MetadataField, SourceField};
use esql::{Catalog, DataSource, DataType, Document, EvalError, Value};

use crate::engine::column::{Column, ColumnBuilder};
use crate::engine::frame::Chunk;
use crate::engine::source::read_field;

use super::pruned_json::{FieldFilter, to_pruned_json};

/// A FROM column the store must hold: what it reads and its type.
pub type ColumnKey = (SourceField, DataType);

/// The columns and time fields a store is built with.
#[derive(Debug, Clone, Default)]
pub struct ColumnSpec {
    /// Columns, deduplicated, in first-added order.
    pub columns: Vec<ColumnKey>,
    /// Time fields windows are cut on (`@timestamp`, `event.ingested`).
    pub time_fields: Vec<String>,
}

impl ColumnSpec {
    /// Adds a column (once).
    pub fn add_column(&mut self, key: ColumnKey) {
        if !self.columns.contains(&key) {
            self.columns.push(key);
        }
    }

    /// Adds the needed columns of a FROM source (`needed[i]` for output column `i`).
    pub fn add_from(&mut self, from: &FromSource, needed: &[bool]) {
        for (i, (field, col)) in from.fields.iter().zip(&from.output.columns).enumerate() {
            if needed.get(i).copied().unwrap_or(true) {
                self.add_column((field.clone(), col.data_type));
            }
        }
    }

    /// Adds a time field (once).
    pub fn add_time_field(&mut self, field: &str) {
        if !self.time_fields.iter().any(|f| f == field) {
            self.time_fields.push(field.to_owned());
        }
    }

    /// The JSON source paths a document must keep for these columns (`None`: keep everything).
    pub fn filter(&self, catalog: &Catalog) -> FieldFilter {
        let mut f = FieldFilter::new(["event.id".to_owned(), "@timestamp".to_owned()]);
        for t in &self.time_fields {
            f.add(t);
        }
        for (field, _) in &self.columns {
            match field {
                SourceField::Field(name) => {
                    f.add(name);
                    // Multi-fields and aliases read another field's source value.
                    for (_, m) in catalog.resolve(&["*".to_owned()]) {
                        if let Some(src) = m.get(name).and_then(|fm| fm.multi_field_of.clone()) {
                            f.add(&src);
                        }
                    }
                }
                SourceField::Metadata(MetadataField::Ignored) => f.add_all(),
                SourceField::Metadata(_) => {}
            }
        }
        f
    }
}

/// Serializes a generated event with only the fields `filter` keeps and indexes it with `indexer`
/// (prepared for the event's data stream); the error is the rejection message. Pure, so batches of
/// events can be indexed on several threads and pushed in order.
pub fn index_event(
    event: &generators::Event,
    filter: &FieldFilter,
    indexer: &Indexer<'_>,
) -> Result<Document, String> {
    let index = event.data_stream().name();
    let json = to_pruned_json(event, filter).map_err(|e| format!("event {}: {e}", event.id))?;
    let id = event.id.to_string();
    indexer
        .index(&json, &id, index)
        .map(|indexed| indexed.document)
        .map_err(|e| format!("event {id}: {e}"))
}

/// Per-row time keys of one time field, sorted.
#[derive(Debug, Clone, Default)]
pub struct TimeIndex {
    /// `(time ms, row)` for every time value of every row, sorted.
    keys: Vec<(i64, u32)>,
}

impl TimeIndex {
    /// The index of `(time ms, row)` keys, in any order.
    pub fn from_keys(mut keys: Vec<(i64, u32)>) -> TimeIndex {
        keys.sort_unstable();
        TimeIndex { keys }
    }

    /// Rows with a key in `[start, end]`, ascending, each once.
    fn rows(&self, start: i64, end: i64) -> Vec<u32> {
        let lo = self.keys.partition_point(|(t, _)| *t < start);
        let hi = self.keys.partition_point(|(t, _)| *t <= end);
        let mut rows: Vec<u32> = self.keys[lo..hi].iter().map(|(_, r)| *r).collect();
        rows.sort_unstable();
        rows.dedup();
        rows
    }
}

/// One index of the store.
#[derive(Debug, Clone)]
pub struct IndexData {
    /// Index (data stream) name.
    pub name: String,
    /// Number of documents.
    pub rows: usize,
    columns: HashMap<ColumnKey, Arc<Column>>,
    times: HashMap<String, TimeIndex>,
}

impl IndexData {
    /// An index of `rows` documents with these columns and time indexes.
    pub fn new(
        name: String,
        rows: usize,
        columns: HashMap<ColumnKey, Arc<Column>>,
        times: HashMap<String, TimeIndex>,
    ) -> IndexData {
        IndexData {
            name,
            rows,
            columns,
            times,
        }
    }

    /// A column of the spec.
    pub fn column(&self, key: &ColumnKey) -> Option<&Arc<Column>> {
        self.columns.get(key)
    }
}

/// Which rows of each index a window holds (`None`: all rows).
#[derive(Debug, Clone)]
pub struct Window {
    /// Rows per index (parallel to [`Store::indices`]).
    pub rows: Vec<Option<Vec<u32>>>,
}

impl Window {
    /// Number of documents in the window.
    pub fn len(&self, store: &Store) -> usize {
        self.rows
            .iter()
            .zip(&store.indices)
            .map(|(r, d)| r.as_ref().map(|r| r.len()).unwrap_or(d.rows))
            .sum()
    }

    /// True when the window holds no document.
    pub fn is_empty(&self, store: &Store) -> bool {
        self.len(store) == 0
    }
}

/// A dataset in memory: per index, the spec's columns and time indexes.
#[derive(Debug, Clone)]
pub struct Store {
    /// The catalog of the indices held (their mappings).
    pub catalog: Catalog,
    /// Indices, in name order.
    pub indices: Vec<IndexData>,
    /// The spec the store was built with.
    pub spec: ColumnSpec,
    /// Documents rejected at indexing, with the first reasons.
    pub rejected: u64,
    /// The first rejection messages.
    pub first_rejections: Vec<String>,
}

struct IndexBuilder {
    name: String,
    rows: usize,
    columns: Vec<ColumnBuilder>,
    times: Vec<Vec<(i64, u32)>>,
}

/// Builds a [`Store`] document by document.
pub struct StoreBuilder {
    catalog: Catalog,
    spec: ColumnSpec,
    indices: BTreeMap<String, IndexBuilder>,
    rejected: u64,
    first_rejections: Vec<String>,
}

/// Appends the epoch-ms time values of `v` (dates and nanosecond dates) to `out`.
pub(crate) fn time_values(v: &Value, out: &mut Vec<i64>) {
    for x in v.values() {
        match x {
            Value::Date(ms) => out.push(*ms),
            Value::DateNanos(ns) => out.push(ns.div_euclid(1_000_000)),
            _ => {}
        }
    }
}

impl StoreBuilder {
    /// A builder for `spec`; documents of indices `catalog` does not know are rejected.
    pub fn new(catalog: Catalog, mut spec: ColumnSpec) -> StoreBuilder {
        spec.add_column((SourceField::Metadata(MetadataField::Id), DataType::Keyword));
        spec.add_time_field("@timestamp");
        StoreBuilder {
            catalog,
            spec,
            indices: BTreeMap::new(),
            rejected: 0,
            first_rejections: Vec::new(),
        }
    }

    /// The spec (with `_id` and `@timestamp` added).
    pub fn spec(&self) -> &ColumnSpec {
        &self.spec
    }

    /// Records a rejected document.
    pub fn reject(&mut self, message: String) {
        self.rejected += 1;
        if self.first_rejections.len() < 10 {
            self.first_rejections.push(message);
        }
    }

    /// Appends an indexed document to its index.
    pub fn push(&mut self, doc: &Document) {
        if !self.indices.contains_key(&doc.index) {
            if self.catalog.ensure_index(&doc.index).is_none() {
                self.reject(format!(
                    "document {}: no mapping for index [{}]",
                    doc.id, doc.index
                ));
                return;
            }
            let b = IndexBuilder {
                name: doc.index.clone(),
                rows: 0,
                columns: self
                    .spec
                    .columns
                    .iter()
                    .map(|(_, t)| ColumnBuilder::new(*t, true, 1024))
                    .collect(),
                times: vec![Vec::new(); self.spec.time_fields.len()],
            };
            self.indices.insert(doc.index.clone(), b);
        }
        let Some(b) = self.indices.get_mut(&doc.index) else {
            return;
        };
        let row = b.rows as u32;
        let mut tmp = Value::Null;
        for ((field, t), builder) in self.spec.columns.iter().zip(&mut b.columns) {
            builder.push_ref(read_field(doc, &doc.index, field, *t, &mut tmp));
        }
        let mut buf = Vec::new();
        for (i, tf) in self.spec.time_fields.iter().enumerate() {
            buf.clear();
            time_values(doc.get(tf), &mut buf);
            if buf.is_empty() && tf != "@timestamp" {
                // Kibana's fallback: a document without the override field is placed by @timestamp.
                time_values(doc.get("@timestamp"), &mut buf);
            }
            b.times[i].extend(buf.iter().map(|t| (*t, row)));
        }
        b.rows += 1;
    }

    /// Indexes (with `indexer`, prepared for the event's data stream) and appends a generated event,
    /// serialized with only the fields `filter` keeps.
    pub fn push_event(
        &mut self,
        event: &generators::Event,
        filter: &FieldFilter,
        indexer: &Indexer<'_>,
    ) {
        match index_event(event, filter, indexer) {
            Ok(doc) => self.push(&doc),
            Err(message) => self.reject(message),
        }
    }

    /// Finishes the store.
    pub fn finish(self) -> Store {
        let spec = self.spec;
        let mut catalog = Catalog::new();
        let indices = self
            .indices
            .into_values()
            .map(|b| {
                if let Some(m) = self.catalog.mapping_for(&b.name) {
                    catalog.insert(b.name.clone(), m);
                }
                let columns = spec
                    .columns
                    .iter()
                    .cloned()
                    .zip(b.columns)
                    .map(|(k, c)| (k, Arc::new(c.finish())))
                    .collect();
                let times = spec
                    .time_fields
                    .iter()
                    .cloned()
                    .zip(b.times)
                    .map(|(f, mut keys)| {
                        keys.sort_unstable();
                        (f, TimeIndex { keys })
                    })
                    .collect();
                IndexData {
                    name: b.name,
                    rows: b.rows,
                    columns,
                    times,
                }
            })
            .collect();
        Store {
            catalog,
            indices,
            spec,
            rejected: self.rejected,
            first_rejections: self.first_rejections,
        }
    }
}

impl Store {
    /// Reads every document of `source` into a store with `spec`'s columns.
    pub fn from_source(source: &dyn DataSource, spec: ColumnSpec) -> Result<Store, EvalError> {
        let catalog = source.catalog();
        let mut b = StoreBuilder::new(catalog.clone(), spec);
        for name in catalog.indices.keys() {
            source.scan(name, &mut |doc| {
                b.push(doc);
                Ok(())
            })?;
        }
        Ok(b.finish())
    }

    /// Total number of documents.
    pub fn documents(&self) -> usize {
        self.indices.iter().map(|i| i.rows).sum()
    }

    /// The whole dataset as one window.
    pub fn all(&self) -> Window {
        Window {
            rows: vec![None; self.indices.len()],
        }
    }

    /// The documents whose `time_field` (with Kibana's `@timestamp` fallback) lies in `[start, end]`.
    pub fn window(&self, time_field: &str, start: i64, end: i64) -> Window {
        Window {
            rows: self
                .indices
                .iter()
                .map(|d| {
                    Some(
                        d.times
                            .get(time_field)
                            .map(|t| t.rows(start, end))
                            .unwrap_or_default(),
                    )
                })
                .collect(),
        }
    }

    /// The largest time value of `time_field` in the dataset.
    pub fn max_time(&self, time_field: &str) -> Option<i64> {
        self.indices
            .iter()
            .filter_map(|d| {
                d.times
                    .get(time_field)
                    .and_then(|t| t.keys.last().map(|k| k.0))
            })
            .max()
    }

    /// The smallest time value of `time_field` in the dataset.
    pub fn min_time(&self, time_field: &str) -> Option<i64> {
        self.indices
            .iter()
            .filter_map(|d| {
                d.times
                    .get(time_field)
                    .and_then(|t| t.keys.first().map(|k| k.0))
            })
            .min()
    }

    /// Engine chunks of `window` for a FROM source: one chunk per matching index, in the order the
    /// engine scans them, holding the `needed` columns (the others pruned).
    pub fn chunks(
        &self,
        from: &FromSource,
        needed: &[bool],
        window: &Window,
    ) -> Result<Vec<Chunk>, EvalError> {
        let mut out = Vec::new();
        for (d, rows) in self.indices.iter().zip(&window.rows) {
            if !esql::catalog::pattern_list_matches(&from.patterns, &d.name) {
                continue;
            }
            let n = rows.as_ref().map(|r| r.len()).unwrap_or(d.rows);
            if n == 0 {
                continue;
            }
            let mut columns = Vec::with_capacity(from.fields.len());
            for (i, (field, col)) in from.fields.iter().zip(&from.output.columns).enumerate() {
                if !needed.get(i).copied().unwrap_or(true) {
                    columns.push(None);
                    continue;
                }
                let key = (field.clone(), col.data_type);
                let c = d.columns.get(&key).ok_or_else(|| {
                    EvalError::Internal(format!(
                        "the store was built without column {field:?} ({})",
                        col.data_type
                    ))
                })?;
                columns.push(Some(match rows {
                    None => c.clone(),
                    Some(r) => Arc::new(c.gather(r)),
                }));
            }
            out.push(Chunk {
                index: out.len() as u32,
                rows: n,
                columns,
            });
        }
        Ok(out)
    }

    /// The `_id` of every document of `window`, per index.
    pub fn ids<'a>(
        &'a self,
        index: &'a IndexData,
        rows: &'a Option<Vec<u32>>,
    ) -> impl Iterator<Item = String> + 'a {
        let col = index
            .columns
            .get(&(SourceField::Metadata(MetadataField::Id), DataType::Keyword));
        let n = rows.as_ref().map(|r| r.len()).unwrap_or(index.rows);
        (0..n).map(move |i| {
            let r = rows.as_ref().map(|rs| rs[i] as usize).unwrap_or(i);
            match col.map(|c| c.value(r)) {
                Some(Value::Keyword(s)) => s,
                _ => String::new(),
            }
        })
    }
}

/// A [`DataSource`] over the documents of one window, rebuilt from the store's columns (only the spec's
/// fields; a rule reads nothing else, so results are those of the full documents).
pub struct WindowSource<'a> {
    store: &'a Store,
    window: &'a Window,
}

impl<'a> WindowSource<'a> {
    /// The documents of `window`.
    pub fn new(store: &'a Store, window: &'a Window) -> WindowSource<'a> {
        WindowSource { store, window }
    }
}

impl DataSource for WindowSource<'_> {
    fn catalog(&self) -> Catalog {
        self.store.catalog.clone()
    }

    fn scan(
        &self,
        index: &str,
        visit: &mut dyn FnMut(&Document) -> Result<(), EvalError>,
    ) -> Result<(), EvalError> {
        let Some(pos) = self.store.indices.iter().position(|d| d.name == index) else {
            return Ok(());
        };
        let d = &self.store.indices[pos];
        let rows = &self.window.rows[pos];
        let n = rows.as_ref().map(|r| r.len()).unwrap_or(d.rows);
        for i in 0..n {
            let r = rows.as_ref().map(|rs| rs[i] as usize).unwrap_or(i);
            let mut doc = Document {
                index: d.name.clone(),
                version: 1,
                ..Document::default()
            };
            for (key, col) in &d.columns {
                let v = col.value(r);
                match &key.0 {
                    SourceField::Field(name) => {
                        if !v.is_null() {
                            doc.fields.insert(name.clone(), v);
                        }
                    }
                    SourceField::Metadata(MetadataField::Id) => {
                        if let Value::Keyword(s) = v {
                            doc.id = s;
                        }
                    }
                    SourceField::Metadata(MetadataField::Ignored) => {
                        doc.ignored = v
                            .values()
                            .iter()
                            .filter_map(|x| match x {
                                Value::Keyword(s) => Some(s.clone()),
                                _ => None,
                            })
                            .collect();
                    }
                    SourceField::Metadata(_) => {}
                }
            }
            visit(&doc)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use esql::{Evaluator, MemorySource};

    fn doc(index: &str, id: &str, ingested: Option<i64>, ts: i64, name: &str) -> Document {
        let mut d = Document {
            id: id.into(),
            index: index.into(),
            version: 1,
            ..Document::default()
        };
        d.fields.insert("@timestamp".into(), Value::Date(ts));
        if let Some(t) = ingested {
            d.fields.insert("event.ingested".into(), Value::Date(t));
        }
        d.fields.insert("process.name".into(), Value::keyword(name));
        d
    }

    fn source() -> MemorySource {
        let catalog = Catalog::elastic_defend();
        let mut s = MemorySource::new();
        let idx = "logs-endpoint.events.process-default";
        s.add_index(idx, catalog.mapping_for(idx).unwrap());
        s.push(doc(idx, "a", Some(100), 90, "bash")).unwrap();
        s.push(doc(idx, "b", Some(50), 95, "scp")).unwrap();
        s.push(doc(idx, "c", None, 70, "sh")).unwrap();
        s.push(doc(idx, "d", Some(200), 10, "scp")).unwrap();
        s
    }

    fn plan(text: &str) -> esql::Plan {
        esql::analyze(&esql::parse(text).unwrap(), &Catalog::elastic_defend()).unwrap()
    }

    #[test]
    fn windows_use_the_override_with_timestamp_fallback_and_inclusive_bounds() {
        let mut spec = ColumnSpec::default();
        spec.add_time_field("event.ingested");
        let store = Store::from_source(&source(), spec).unwrap();
        let w = store.window("event.ingested", 50, 100);
        assert_eq!(w.rows[0], Some(vec![0, 1, 2]));
        let w = store.window("@timestamp", 80, 95);
        assert_eq!(w.rows[0], Some(vec![0, 1]));
        assert_eq!(store.max_time("event.ingested"), Some(200));
    }

    #[test]
    fn chunks_and_window_sources_give_the_reference_answer() {
        let p = plan(
            "from logs-endpoint.events.process-* metadata _id | where process.name == \"scp\" | keep _id",
        );
        let needed = crate::engine::prune::needed_columns(&p);
        let esql::plan::Source::From(from) = &p.source else {
            panic!()
        };
        let mut spec = ColumnSpec::default();
        spec.add_from(from, needed.source());
        spec.add_time_field("event.ingested");
        let store = Store::from_source(&source(), spec).unwrap();
        let w = store.window("event.ingested", 0, 150);
        let opts = esql::EvalOptions::default();
        let by_ref = oracles::ReferenceEvaluator::new()
            .run(&p, &WindowSource::new(&store, &w), &opts)
            .unwrap();
        assert_eq!(by_ref.rows, vec![vec![Value::keyword("b")]]);
        let engine = crate::engine::OptimizedEvaluator::new(
            Arc::new(crate::engine::EngineKernel::new()),
            crate::engine::EngineConfig::default(),
        );
        let chunks = store.chunks(from, needed.source(), &w).unwrap();
        assert_eq!(engine.run_loaded(&p, &chunks, &opts).unwrap(), by_ref);
        let all = store.all();
        let chunks = store.chunks(from, needed.source(), &all).unwrap();
        let t = engine.run_loaded(&p, &chunks, &opts).unwrap();
        assert_eq!(
            t.rows,
            vec![vec![Value::keyword("b")], vec![Value::keyword("d")]]
        );
    }
}
