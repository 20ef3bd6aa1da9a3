//! Parquet output: one file per data stream, one column per dotted field name, list columns for
//! multi-valued fields (`event.action` is always a list column: a single action is a one-element
//! list), typed by their items (`List<Int64>` for `process.previous.args_count`, `List<Utf8>` for
//! strings). Row groups hold at most [`ROW_GROUP_ROWS`] rows, so readers decode a file on all cores
//! and can skip row groups by their statistics. Fields the Elastic Defend mapping types `date` (`@timestamp`, `event.created`,
//! `event.ingested`, `process.start`, `process.end`, every leader's and parent's `start`) are timestamp
//! columns: `Timestamp(Nanosecond, "UTC")`, INT64 nanoseconds since the epoch in the file, which keeps
//! the 100 ns resolution of Elastic Defend's text (`2024-05-06T08:00:00.1234567Z`).
//!
//! The schema is fixed per data stream and derived from the stream's maximal sample event
//! (`generators::event::sample::maximal`), which carries every field the generator can write, so
//! every file of a stream has the same columns whatever the seed. A field outside the schema, or a
//! value of another type, is an error (never silently dropped).
//!
//! Events are flattened straight into per-column slots by a serde serializer
//! ([`FlatRow`](super::flat_row::FlatRow), no JSON values, field order learnt from the previous row)
//! and appended to Arrow builders; batches of [`BATCH_ROWS`] rows keep the builders' buffers small
//! enough to be reused by the allocator. Output bytes depend only on the events (no threads here).

use std::sync::Arc;

use arrow_array::builder::{
    ArrayBuilder, BooleanBuilder, Float64Builder, Int64Builder, ListBuilder, StringBuilder,
    TimestampNanosecondBuilder,
};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema, TimeUnit};
use generators::{DataStream, Event};
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;

use super::flat_row::{FlatRow, Leaf, Shape, Slot};
use super::flatten::{Flat, flatten_event};
use super::sink::HashingFile;

/// Rows per Arrow batch handed to the Parquet writer.
const BATCH_ROWS: usize = 8 * 1024;

/// Rows per row group (a multiple of the batch size: every row group but the last is full).
pub const ROW_GROUP_ROWS: usize = 128 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Str,
    Int,
    Float,
    Bool,
    StrList,
    IntList,
    FloatList,
    BoolList,
    Date,
}

/// The time zone of timestamp columns.
const UTC: &str = "UTC";

enum Column {
    Str(StringBuilder),
    Int(Int64Builder),
    Float(Float64Builder),
    Bool(BooleanBuilder),
    StrList(ListBuilder<StringBuilder>),
    IntList(ListBuilder<Int64Builder>),
    FloatList(ListBuilder<Float64Builder>),
    BoolList(ListBuilder<BooleanBuilder>),
    Date(TimestampNanosecondBuilder),
}

impl Column {
    fn new(kind: Kind) -> Column {
        match kind {
            Kind::Str => Column::Str(StringBuilder::new()),
            Kind::Int => Column::Int(Int64Builder::new()),
            Kind::Float => Column::Float(Float64Builder::new()),
            Kind::Bool => Column::Bool(BooleanBuilder::new()),
            Kind::StrList => Column::StrList(ListBuilder::new(StringBuilder::new())),
            Kind::IntList => Column::IntList(ListBuilder::new(Int64Builder::new())),
            Kind::FloatList => Column::FloatList(ListBuilder::new(Float64Builder::new())),
            Kind::BoolList => Column::BoolList(ListBuilder::new(BooleanBuilder::new())),
            Kind::Date => Column::Date(TimestampNanosecondBuilder::new().with_timezone(UTC)),
        }
    }

    fn push_null(&mut self) {
        match self {
            Column::Str(b) => b.append_null(),
            Column::Int(b) => b.append_null(),
            Column::Float(b) => b.append_null(),
            Column::Bool(b) => b.append_null(),
            Column::StrList(b) => b.append_null(),
            Column::IntList(b) => b.append_null(),
            Column::FloatList(b) => b.append_null(),
            Column::BoolList(b) => b.append_null(),
            Column::Date(b) => b.append_null(),
        }
    }

    /// Appends column `i`'s value of `row` (null when absent).
    fn push_slot(&mut self, slot: &Slot, row: &FlatRow) -> Result<(), String> {
        if slot.shape == Shape::Absent {
            self.push_null();
            return Ok(());
        }
        let items = slot.items.as_slice();
        let one = slot.shape == Shape::One;
        let mismatch = || {
            format!(
                "value {:?} does not fit the column type",
                as_flat(slot, row)
            )
        };
        match self {
            Column::Str(b) => match (one, items) {
                (true, [Leaf::Str(s, e)]) => b.append_value(row.text(*s, *e)),
                _ => return Err(mismatch()),
            },
            Column::Int(b) => match (one, items) {
                (true, [Leaf::Int(i)]) => b.append_value(*i),
                _ => return Err(mismatch()),
            },
            Column::Float(b) => match (one, items) {
                (true, [Leaf::Float(f)]) => b.append_value(*f),
                (true, [Leaf::Int(i)]) => b.append_value(*i as f64),
                _ => return Err(mismatch()),
            },
            Column::Bool(b) => match (one, items) {
                (true, [Leaf::Bool(x)]) => b.append_value(*x),
                _ => return Err(mismatch()),
            },
            Column::Date(b) => match (one, items) {
                (true, [Leaf::Str(s, e)]) => {
                    let t = generators::time::Timestamp::parse_rfc3339(row.text(*s, *e))
                        .map_err(|e| format!("date field: {e}"))?;
                    b.append_value(t.0);
                }
                _ => return Err(mismatch()),
            },
            // A single value is a one-item list; numbers and booleans in a text list as text.
            Column::StrList(b) => {
                for item in items {
                    match item {
                        Leaf::Str(s, e) => b.values().append_value(row.text(*s, *e)),
                        Leaf::Int(i) => b.values().append_value(i.to_string()),
                        Leaf::Float(f) => b.values().append_value(f.to_string()),
                        Leaf::Bool(x) => b.values().append_value(x.to_string()),
                    }
                }
                b.append(true);
            }
            Column::IntList(b) => {
                for item in items {
                    match item {
                        Leaf::Int(i) => b.values().append_value(*i),
                        other => {
                            return Err(format!(
                                "list item {:?} is not an integer",
                                leaf_flat(*other, row)
                            ));
                        }
                    }
                }
                b.append(true);
            }
            Column::FloatList(b) => {
                for item in items {
                    match item {
                        Leaf::Float(f) => b.values().append_value(*f),
                        Leaf::Int(i) => b.values().append_value(*i as f64),
                        other => {
                            return Err(format!(
                                "list item {:?} is not a number",
                                leaf_flat(*other, row)
                            ));
                        }
                    }
                }
                b.append(true);
            }
            Column::BoolList(b) => {
                for item in items {
                    match item {
                        Leaf::Bool(x) => b.values().append_value(*x),
                        other => {
                            return Err(format!(
                                "list item {:?} is not a boolean",
                                leaf_flat(*other, row)
                            ));
                        }
                    }
                }
                b.append(true);
            }
        }
        Ok(())
    }

    fn finish(&mut self) -> ArrayRef {
        match self {
            Column::Str(b) => Arc::new(b.finish()),
            Column::Int(b) => Arc::new(b.finish()),
            Column::Float(b) => Arc::new(b.finish()),
            Column::Bool(b) => Arc::new(b.finish()),
            Column::StrList(b) => Arc::new(b.finish()),
            Column::IntList(b) => Arc::new(b.finish()),
            Column::FloatList(b) => Arc::new(b.finish()),
            Column::BoolList(b) => Arc::new(b.finish()),
            Column::Date(b) => Arc::new(b.finish()),
        }
    }

    fn len(&self) -> usize {
        match self {
            Column::Str(b) => b.len(),
            Column::Int(b) => b.len(),
            Column::Float(b) => b.len(),
            Column::Bool(b) => b.len(),
            Column::StrList(b) => b.len(),
            Column::IntList(b) => b.len(),
            Column::FloatList(b) => b.len(),
            Column::BoolList(b) => b.len(),
            Column::Date(b) => b.len(),
        }
    }
}

/// A leaf as the flattened value it stands for (for error messages).
fn leaf_flat(leaf: Leaf, row: &FlatRow) -> Flat {
    match leaf {
        Leaf::Str(s, e) => Flat::Str(row.text(s, e).to_string()),
        Leaf::Int(i) => Flat::Int(i),
        Leaf::Float(f) => Flat::Float(f),
        Leaf::Bool(b) => Flat::Bool(b),
    }
}

/// A slot as the flattened value it stands for (for error messages).
fn as_flat(slot: &Slot, row: &FlatRow) -> Flat {
    match (slot.shape, slot.items.as_slice()) {
        (Shape::One, [leaf]) => leaf_flat(*leaf, row),
        _ => Flat::List(slot.items.iter().map(|l| leaf_flat(*l, row)).collect()),
    }
}

fn kind_of(v: &Flat) -> Kind {
    match v {
        Flat::Str(_) => Kind::Str,
        Flat::Int(_) => Kind::Int,
        Flat::Float(_) => Kind::Float,
        Flat::Bool(_) => Kind::Bool,
        // Typed by the sample's items when they all have one scalar type; text otherwise.
        Flat::List(items)
            if !items.is_empty() && items.iter().all(|i| matches!(i, Flat::Int(_))) =>
        {
            Kind::IntList
        }
        Flat::List(items)
            if !items.is_empty() && items.iter().all(|i| matches!(i, Flat::Float(_))) =>
        {
            Kind::FloatList
        }
        Flat::List(items)
            if !items.is_empty() && items.iter().all(|i| matches!(i, Flat::Bool(_))) =>
        {
            Kind::BoolList
        }
        Flat::List(_) => Kind::StrList,
    }
}

/// The fixed (column name, kind) list of a data stream.
fn schema_of(stream: DataStream, inline_labels: bool) -> Vec<(String, Kind)> {
    let sample = generators::event::sample::maximal(stream);
    let mut cols: Vec<(String, Kind)> = flatten_event(&sample, inline_labels)
        .iter()
        .map(|(k, v)| (k.clone(), kind_of(v)))
        .collect();
    let mapping = esql::Catalog::elastic_defend().mapping_for(stream.name());
    for c in cols.iter_mut() {
        // Numbers that can be fractional in real data.
        if c.0 == "file.Ext.entropy" {
            c.1 = Kind::Float;
        }
        // Single-valued text of date fields becomes a timestamp column.
        let is_date = mapping
            .as_ref()
            .and_then(|m| m.get(&c.0))
            .is_some_and(|f| matches!(f.es_type.as_str(), "date" | "date_nanos"));
        if c.1 == Kind::Str && is_date {
            c.1 = Kind::Date;
        }
    }
    cols
}

/// Writes one data stream's Parquet file.
pub(crate) struct ParquetStreamWriter {
    stream: DataStream,
    inline_labels: bool,
    names: Vec<String>,
    row: FlatRow,
    columns: Vec<Column>,
    schema: Arc<Schema>,
    writer: Option<ArrowWriter<HashingFile>>,
    rows: usize,
    pub(crate) events: u64,
}

impl ParquetStreamWriter {
    pub(crate) fn new(
        file: HashingFile,
        stream: DataStream,
        inline_labels: bool,
    ) -> Result<ParquetStreamWriter, String> {
        let cols = schema_of(stream, inline_labels);
        let fields: Vec<Field> = cols
            .iter()
            .map(|(name, kind)| {
                let dt = match kind {
                    Kind::Str => DataType::Utf8,
                    Kind::Int => DataType::Int64,
                    Kind::Float => DataType::Float64,
                    Kind::Bool => DataType::Boolean,
                    Kind::StrList => {
                        DataType::List(Arc::new(Field::new("item", DataType::Utf8, true)))
                    }
                    Kind::IntList => {
                        DataType::List(Arc::new(Field::new("item", DataType::Int64, true)))
                    }
                    Kind::FloatList => {
                        DataType::List(Arc::new(Field::new("item", DataType::Float64, true)))
                    }
                    Kind::BoolList => {
                        DataType::List(Arc::new(Field::new("item", DataType::Boolean, true)))
                    }
                    Kind::Date => DataType::Timestamp(TimeUnit::Nanosecond, Some(UTC.into())),
                };
                Field::new(name, dt, true)
            })
            .collect();
        let schema = Arc::new(Schema::new(fields));
        let props = WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .set_created_by("detsim".into())
            .set_max_row_group_row_count(Some(ROW_GROUP_ROWS))
            .build();
        let writer =
            ArrowWriter::try_new(file, schema.clone(), Some(props)).map_err(|e| e.to_string())?;
        Ok(ParquetStreamWriter {
            stream,
            inline_labels,
            names: cols.iter().map(|(n, _)| n.clone()).collect(),
            row: FlatRow::new(cols.iter().map(|(n, _)| n.as_str())),
            columns: cols.iter().map(|(_, k)| Column::new(*k)).collect(),
            schema,
            writer: Some(writer),
            rows: 0,
            events: 0,
        })
    }

    pub(crate) fn write(&mut self, e: &Event) -> Result<(), String> {
        let fast = if self.inline_labels {
            self.row.fill(&generators::LabelledEvent(e))
        } else {
            self.row.fill(e)
        };
        if fast.is_err() {
            // Shapes the fast path does not reproduce exactly (and unknown fields, whose error
            // names the first in name order) take the exact path.
            let flat = flatten_event(e, self.inline_labels);
            self.row.fill_from_flat(&flat).map_err(|k| {
                format!(
                    "event {}: field `{k}` is not in the {} Parquet schema",
                    e.id, self.stream
                )
            })?;
        }
        for (i, column) in self.columns.iter_mut().enumerate() {
            column
                .push_slot(self.row.slot(i), &self.row)
                .map_err(|m| format!("event {}: field `{}`: {m}", e.id, self.names[i]))?;
        }
        self.rows += 1;
        self.events += 1;
        if self.rows >= BATCH_ROWS {
            self.flush()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<(), String> {
        if self.rows == 0 {
            return Ok(());
        }
        debug_assert!(self.columns.iter().all(|c| c.len() == self.rows));
        let arrays: Vec<ArrayRef> = self.columns.iter_mut().map(Column::finish).collect();
        let batch = RecordBatch::try_new(self.schema.clone(), arrays).map_err(|e| e.to_string())?;
        if let Some(w) = self.writer.as_mut() {
            w.write(&batch).map_err(|e| e.to_string())?;
        }
        self.rows = 0;
        Ok(())
    }

    /// Flushes, writes the footer, and returns the underlying file.
    pub(crate) fn finish(mut self) -> Result<HashingFile, String> {
        self.flush()?;
        let w = self.writer.take().ok_or("parquet writer already closed")?;
        w.into_inner().map_err(|e| e.to_string())
    }
}
