//! FROM: documents of a [`DataSource`] into column chunks, reading only the needed columns.
//!
//! Oracle twin: the reference's FROM (scan of every matching index, in catalog name order, documents in
//! scan order). Invariant: chunk rows are exactly the reference's source rows in the same order (after
//! the same time-range filter); a needed column holds each document's value as the reference reads it
//! (`Document::get` for fields; `_id`, `_index`, `_version`, `_ignored` for metadata), a pruned column
//! is not built at all.

use std::sync::Arc;

use esql::plan::{FromSource, MetadataField, SourceField};
use esql::{DataSource, Document, EvalError, EvalOptions, TimeRange, Value};

use super::column::ColumnBuilder;
use super::frame::Chunk;

/// How the source is cut into chunks.
#[derive(Debug, Clone, Copy)]
pub struct ChunkConfig {
    /// Rows per chunk (memory is bounded by this, not by the data size).
    pub rows: usize,
    /// Dictionary-encode keyword columns.
    pub dictionary: bool,
}

/// True when `doc` passes the time-range filter the rule executor applies before the query.
/// (Some value of the time field lies in `[start, end]`, as Kibana's `range` filter keeps documents.)
pub fn in_time_range(doc: &Document, tr: &TimeRange) -> bool {
    doc.get(&tr.field).values().iter().any(|v| {
        let ms = match v {
            Value::Date(ms) => *ms,
            Value::DateNanos(ns) => ns.div_euclid(1_000_000),
            _ => return false,
        };
        tr.start <= ms && ms <= tr.end
    })
}

/// The value a FROM column (of type `t`) reads from a document of index `index`: unsupported columns
/// read null, `_index` is the scanned index's name.
pub fn read_field<'d>(
    doc: &'d Document,
    index: &str,
    field: &SourceField,
    t: esql::DataType,
    tmp: &'d mut Value,
) -> &'d Value {
    if t == esql::DataType::Unsupported {
        *tmp = Value::Null;
        return tmp;
    }
    match field {
        SourceField::Field(name) => doc.get(name),
        SourceField::Metadata(m) => {
            *tmp = match m {
                MetadataField::Id => Value::Keyword(doc.id.clone()),
                MetadataField::Index => Value::Keyword(index.to_owned()),
                MetadataField::Version => Value::Long(doc.version),
                MetadataField::Ignored => Value::from_values(
                    doc.ignored
                        .iter()
                        .map(|s| Value::Keyword(s.clone()))
                        .collect(),
                ),
            };
            tmp
        }
    }
}

/// Builds chunks from documents as they arrive.
pub struct ChunkBuilder<'a> {
    from: &'a FromSource,
    needed: &'a [bool],
    cfg: ChunkConfig,
    builders: Vec<Option<ColumnBuilder>>,
    rows: usize,
    next_index: u32,
}

impl<'a> ChunkBuilder<'a> {
    /// A builder for `from`'s columns, building only those marked in `needed`.
    pub fn new(from: &'a FromSource, needed: &'a [bool], cfg: ChunkConfig) -> ChunkBuilder<'a> {
        let mut b = ChunkBuilder {
            from,
            needed,
            cfg,
            builders: Vec::new(),
            rows: 0,
            next_index: 0,
        };
        b.reset();
        b
    }

    fn reset(&mut self) {
        self.rows = 0;
        self.builders = self
            .from
            .output
            .columns
            .iter()
            .enumerate()
            .map(|(i, c)| {
                self.needed.get(i).copied().unwrap_or(true).then(|| {
                    ColumnBuilder::new(c.data_type, self.cfg.dictionary, self.cfg.rows.min(1 << 16))
                })
            })
            .collect();
    }

    /// Appends a document; returns a full chunk when one is ready.
    pub fn push(&mut self, doc: &Document, index: &str) -> Option<Chunk> {
        let mut tmp = Value::Null;
        let columns = &self.from.output.columns;
        for ((b, field), c) in self.builders.iter_mut().zip(&self.from.fields).zip(columns) {
            if let Some(b) = b {
                b.push_ref(read_field(doc, index, field, c.data_type, &mut tmp));
            }
        }
        self.rows += 1;
        (self.rows >= self.cfg.rows).then(|| self.take())
    }

    /// The last, partial chunk (if it has rows).
    pub fn finish(&mut self) -> Option<Chunk> {
        (self.rows > 0).then(|| self.take())
    }

    fn take(&mut self) -> Chunk {
        let rows = self.rows;
        let builders = std::mem::take(&mut self.builders);
        let chunk = Chunk {
            index: self.next_index,
            rows,
            columns: builders
                .into_iter()
                .map(|b| b.map(|b| Arc::new(b.finish())))
                .collect(),
        };
        self.next_index += 1;
        self.reset();
        chunk
    }
}

/// Scans every index `from` matches in `data`, calling `on_chunk` with chunks of its documents, until
/// `done` says no further document matters (the rest of the scan then skips documents).
pub fn scan(
    data: &dyn DataSource,
    from: &FromSource,
    needed: &[bool],
    cfg: ChunkConfig,
    opts: &EvalOptions,
    done: &mut dyn FnMut() -> bool,
    on_chunk: &mut dyn FnMut(Chunk) -> Result<(), EvalError>,
) -> Result<(), EvalError> {
    let catalog = data.catalog();
    let indices: Vec<String> = catalog
        .resolve(&from.patterns)
        .into_iter()
        .map(|(n, _)| n.to_owned())
        .collect();
    let mut builder = ChunkBuilder::new(from, needed, cfg);
    let mut stopped = done();
    for index in &indices {
        data.scan(index, &mut |doc| {
            if stopped {
                return Ok(());
            }
            if let Some(tr) = &opts.time_range
                && !in_time_range(doc, tr)
            {
                return Ok(());
            }
            if let Some(chunk) = builder.push(doc, index) {
                on_chunk(chunk)?;
                stopped = done();
            }
            Ok(())
        })?;
    }
    if !stopped && let Some(chunk) = builder.finish() {
        on_chunk(chunk)?;
    }
    Ok(())
}
