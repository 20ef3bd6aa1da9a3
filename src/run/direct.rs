//! Generated events straight into the store's columns, without building a `Document` per event.
//!
//! The generator thread writes each event's JSON line holding only the fields the store reads
//! ([`super::pruned_json`]: the event's own `Serialize` with unread subtrees skipped; a generated
//! document is ~5 KB of which the rules read a few hundred bytes); the calling thread hands
//! each data stream's lines to one task (rayon) that extracts the store's columns with the engine's
//! NDJSON walker ([`crate::engine::inputs::json_scan`]) and appends them to that index's column
//! builders ([`crate::engine::inputs::layout::Assembler`]). A line the walker does not serve (its
//! `Bail`) goes through serde_json and `esql::ingest`, exactly as `detsim eval` reads files.
//!
//! Oracle twin: [`super::store::index_event`] + [`super::store::StoreBuilder::push`] (a test compares
//! the two stores). Rows keep the event order within each index, whatever the thread count.
//! Known difference, by design (the walker's): values of fields no rule reads are not type-checked,
//! so an event ingest would reject only because of such a field is kept. Generated events never are.

use std::collections::HashMap;
use std::sync::Arc;

use esql::plan::{FromSource, MetadataField, Schema, SourceField};
use esql::{Catalog, Column as SchemaColumn, DataType, Mapping};
use generators::{DataStream, Event};
use rayon::prelude::*;

use super::pruned_json::{FieldFilter, to_pruned_json};
use super::store::{ColumnKey, ColumnSpec, IndexData, Store, TimeIndex};
use crate::engine::column::Column;
use crate::engine::inputs::json_scan::{Line, scan_line};
use crate::engine::inputs::layout::{Assembler, Layout, NotServed, Pending};

/// One batch of generated events with their JSON lines, per data stream.
pub struct Batch {
    /// Events in stream order.
    pub events: Vec<Event>,
    /// Per data stream (parallel to [`DirectBuilder::streams`]): the events' positions in `events`
    /// and their JSON lines, concatenated, each line ending at the recorded offset.
    pub lines: Vec<(Vec<u32>, String, Vec<usize>)>,
}

/// The FROM-like description of everything the store keeps: spec columns, then time fields.
fn store_source(spec: &ColumnSpec, mapping: &Mapping) -> (FromSource, Vec<ColumnKey>) {
    let mut keys: Vec<ColumnKey> = spec.columns.clone();
    for tf in &spec.time_fields {
        let t = mapping
            .get(tf)
            .map(|f| f.data_type)
            .unwrap_or(DataType::Date);
        let key = (SourceField::Field(tf.clone()), t);
        if !keys.contains(&key) {
            keys.push(key);
        }
    }
    let columns = keys
        .iter()
        .enumerate()
        .map(|(i, (_, t))| SchemaColumn::new(format!("c{i}"), *t))
        .collect();
    let from = FromSource {
        patterns: vec!["*".to_owned()],
        fields: keys.iter().map(|(f, _)| f.clone()).collect(),
        output: Schema { columns },
    };
    (from, keys)
}

/// Builds a [`Store`] from generated batches.
pub struct DirectBuilder {
    /// The data streams, in the order of [`Batch::lines`].
    pub streams: Vec<DataStream>,
    layouts: Vec<Layout>,
    keys: Vec<Vec<ColumnKey>>,
    mappings: Vec<Arc<Mapping>>,
    spec: ColumnSpec,
    /// The JSON paths the store's columns read: the rest of each event is never written.
    filter: FieldFilter,
}

impl DirectBuilder {
    /// A builder of `spec`'s columns (with `_id` and `@timestamp`) for every data stream `catalog`
    /// maps; `Err` when the walker cannot serve a column (the caller then indexes documents).
    pub fn new(catalog: &Catalog, mut spec: ColumnSpec) -> Result<DirectBuilder, NotServed> {
        spec.add_column((SourceField::Metadata(MetadataField::Id), DataType::Keyword));
        spec.add_time_field("@timestamp");
        let filter = spec.filter(catalog);
        let mut b = DirectBuilder {
            streams: Vec::new(),
            layouts: Vec::new(),
            keys: Vec::new(),
            mappings: Vec::new(),
            spec,
            filter,
        };
        for d in DataStream::ALL {
            let Some(m) = catalog.mapping_for(d.name()) else {
                continue;
            };
            let (from, keys) = store_source(&b.spec, &m);
            let needed = vec![true; keys.len()];
            let layout = Layout::new(&from, &needed, d.name(), m.clone(), None, true)?;
            b.streams.push(d);
            b.layouts.push(layout);
            b.keys.push(keys);
            b.mappings.push(m);
        }
        Ok(b)
    }

    /// Splits `events` into a batch: each event's JSON line under its data stream (`None`: an
    /// event of a data stream the catalog does not map, returned for rejection).
    pub fn batch(&self, events: Vec<Event>) -> (Batch, Vec<u32>) {
        let mut bufs: Vec<(Vec<u32>, Vec<u8>, Vec<usize>)> = self
            .streams
            .iter()
            .map(|_| (Vec::new(), Vec::with_capacity(1 << 20), Vec::new()))
            .collect();
        let mut unmapped = Vec::new();
        for (i, e) in events.iter().enumerate() {
            let Some(s) = self.streams.iter().position(|d| *d == e.data_stream()) else {
                unmapped.push(i as u32);
                continue;
            };
            let (pos, bytes, ends) = &mut bufs[s];
            pos.push(i as u32);
            self.write_line(e, bytes);
            ends.push(bytes.len());
        }
        // The writer emits serde_json's bytes, which are UTF-8: one validation per batch and stream.
        let lines = bufs
            .into_iter()
            .map(|(pos, bytes, ends)| {
                let text = String::from_utf8(bytes)
                    .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
                (pos, text, ends)
            })
            .collect();
        (Batch { events, lines }, unmapped)
    }

    /// Writes `event`'s JSON line: only the subtrees the store reads (the walker would skip the
    /// rest, so its values are the same), or the whole document when the filter keeps everything
    /// or pruning fails.
    fn write_line(&self, event: &Event, bytes: &mut Vec<u8>) {
        let start = bytes.len();
        if !self.filter.keeps_all()
            && let Ok(json) = to_pruned_json(event, &self.filter)
            && serde_json::to_writer(&mut *bytes, &json).is_ok()
        {
            return;
        }
        bytes.truncate(start);
        event.write_json(bytes, false);
    }

    /// Builds the store: `batches` are consumed in order; each data stream's rows are assembled by
    /// one task. Returns the store; rejected events (with their messages) are counted in it.
    pub fn build(
        &self,
        batches: impl Iterator<Item = Batch>,
        mut each: impl FnMut(&Batch),
    ) -> Store {
        let mut asm: Vec<Assembler<'_>> = self
            .layouts
            .iter()
            .map(|l| Assembler::new(l, 1 << 16))
            .collect();
        let mut rejected: Vec<(u64, Vec<String>)> = vec![(0, Vec::new()); self.layouts.len()];
        let mut lines_seen = vec![0usize; self.layouts.len()];
        for batch in batches {
            each(&batch);
            asm.par_iter_mut()
                .zip(self.layouts.par_iter())
                .zip(batch.lines.par_iter())
                .zip(rejected.par_iter_mut())
                .zip(lines_seen.par_iter_mut())
                .for_each(|((((a, layout), (pos, text, ends)), rej), seen)| {
                    let mut pending = Pending::new(layout);
                    let mut start = 0;
                    for (p, &end) in pos.iter().zip(ends) {
                        let line = text.get(start..end).unwrap_or_default();
                        start = end;
                        *seen += 1;
                        let event = &batch.events[*p as usize];
                        let ok = match scan_line(layout, line, &mut pending) {
                            Ok(Line::Document) => a.push_pending(&pending, *seen),
                            Ok(Line::Blank) => false,
                            Err(_) => slow_path(layout, line, event, a),
                        };
                        if !ok {
                            rej.0 += 1;
                            if rej.1.len() < 10 {
                                rej.1.push(format!("event {}: not indexed", event.id));
                            }
                        }
                    }
                });
        }
        let mut catalog = Catalog::new();
        let mut indices = Vec::new();
        let mut total_rejected = 0;
        let mut first = Vec::new();
        for (i, (((a, keys), m), (n, msgs))) in asm
            .into_iter()
            .zip(&self.keys)
            .zip(&self.mappings)
            .zip(rejected)
            .enumerate()
        {
            total_rejected += n;
            first.extend(msgs);
            let chunk = a.finish();
            if chunk.rows == 0 {
                continue;
            }
            let name = self.layouts[i].index.clone();
            catalog.insert(name.clone(), m.clone());
            let columns: HashMap<ColumnKey, Arc<Column>> = keys
                .iter()
                .cloned()
                .zip(chunk.columns)
                .filter_map(|(k, c)| c.map(|c| (k, c)))
                .collect();
            let times = self
                .spec
                .time_fields
                .iter()
                .map(|tf| (tf.clone(), time_index(&columns, keys, tf, chunk.rows)))
                .collect();
            indices.push(IndexData::new(name, chunk.rows, columns, times));
        }
        indices.sort_by(|a, b| a.name.cmp(&b.name));
        first.truncate(10);
        Store {
            catalog,
            indices,
            spec: self.spec.clone(),
            rejected: total_rejected,
            first_rejections: first,
        }
    }
}

/// The exact path for a line the walker bails on: serde_json, then `esql::ingest`.
fn slow_path(layout: &Layout, line: &str, event: &Event, a: &mut Assembler<'_>) -> bool {
    let Ok(json) = serde_json::from_str::<serde_json::Value>(line) else {
        return false;
    };
    let indexer = esql::ingest::Indexer::new(&layout.mapping);
    match indexer.index(&json, &event.id.to_string(), &layout.index) {
        Ok(indexed) => a.push_document(&indexed.document),
        Err(_) => false,
    }
}

/// The time keys of `tf` (Kibana's fallback to `@timestamp` for rows without a value).
fn time_index(
    columns: &HashMap<ColumnKey, Arc<Column>>,
    keys: &[ColumnKey],
    tf: &str,
    rows: usize,
) -> TimeIndex {
    let col = |name: &str| {
        keys.iter()
            .find(|(f, _)| matches!(f, SourceField::Field(n) if n == name))
            .and_then(|k| columns.get(k))
    };
    let primary = col(tf);
    let fallback = if tf == "@timestamp" {
        None
    } else {
        col("@timestamp")
    };
    let mut out = Vec::with_capacity(rows);
    let mut buf = Vec::new();
    for r in 0..rows {
        buf.clear();
        if let Some(c) = primary {
            super::store::time_values(&c.value(r), &mut buf);
        }
        if buf.is_empty()
            && let Some(c) = fallback
        {
            super::store::time_values(&c.value(r), &mut buf);
        }
        out.extend(buf.iter().map(|t| (*t, r as u32)));
    }
    TimeIndex::from_keys(out)
}
