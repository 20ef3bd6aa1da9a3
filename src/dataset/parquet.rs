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

use std::collections::BTreeMap;
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

use super::flatten::{Flat, flatten_event};
use super::sink::HashingFile;

const BATCH_ROWS: usize = 32 * 1024;

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

    fn push(&mut self, v: &Flat) -> Result<(), String> {
        fn text(v: &Flat) -> Option<String> {
            match v {
                Flat::Str(s) => Some(s.clone()),
                Flat::Int(i) => Some(i.to_string()),
                Flat::Float(f) => Some(f.to_string()),
                Flat::Bool(b) => Some(b.to_string()),
                Flat::List(_) => None,
            }
        }
        match (self, v) {
            (Column::Str(b), Flat::Str(s)) => b.append_value(s),
            (Column::Int(b), Flat::Int(i)) => b.append_value(*i),
            (Column::Float(b), Flat::Float(f)) => b.append_value(*f),
            (Column::Float(b), Flat::Int(i)) => b.append_value(*i as f64),
            (Column::Bool(b), Flat::Bool(x)) => b.append_value(*x),
            (Column::Date(b), Flat::Str(s)) => {
                let t = generators::time::Timestamp::parse_rfc3339(s)
                    .map_err(|e| format!("date field: {e}"))?;
                b.append_value(t.0);
            }
            (Column::StrList(b), Flat::List(items)) => {
                for item in items {
                    let t = text(item).ok_or("nested list")?;
                    b.values().append_value(t);
                }
                b.append(true);
            }
            (Column::StrList(b), one) => {
                b.values().append_value(text(one).ok_or("nested list")?);
                b.append(true);
            }
            (Column::IntList(b), v) => {
                for item in one_or_many(v) {
                    match item {
                        Flat::Int(i) => b.values().append_value(*i),
                        other => return Err(format!("list item {other:?} is not an integer")),
                    }
                }
                b.append(true);
            }
            (Column::FloatList(b), v) => {
                for item in one_or_many(v) {
                    match item {
                        Flat::Float(f) => b.values().append_value(*f),
                        Flat::Int(i) => b.values().append_value(*i as f64),
                        other => return Err(format!("list item {other:?} is not a number")),
                    }
                }
                b.append(true);
            }
            (Column::BoolList(b), v) => {
                for item in one_or_many(v) {
                    match item {
                        Flat::Bool(x) => b.values().append_value(*x),
                        other => return Err(format!("list item {other:?} is not a boolean")),
                    }
                }
                b.append(true);
            }
            (_, other) => return Err(format!("value {other:?} does not fit the column type")),
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

/// The items of a list value (a single value is a one-item list).
fn one_or_many(v: &Flat) -> &[Flat] {
    match v {
        Flat::List(items) => items,
        one => std::slice::from_ref(one),
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
    index: BTreeMap<String, usize>,
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
            index: cols
                .iter()
                .enumerate()
                .map(|(i, (n, _))| (n.clone(), i))
                .collect(),
            columns: cols.iter().map(|(_, k)| Column::new(*k)).collect(),
            schema,
            writer: Some(writer),
            rows: 0,
            events: 0,
        })
    }

    pub(crate) fn write(&mut self, e: &Event) -> Result<(), String> {
        let flat = flatten_event(e, self.inline_labels);
        for k in flat.keys() {
            if !self.index.contains_key(k) {
                return Err(format!(
                    "event {}: field `{k}` is not in the {} Parquet schema",
                    e.id, self.stream
                ));
            }
        }
        for (name, &i) in &self.index {
            match flat.get(name) {
                Some(v) => self.columns[i]
                    .push(v)
                    .map_err(|m| format!("event {}: field `{name}`: {m}", e.id))?,
                None => self.columns[i].push_null(),
            }
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
