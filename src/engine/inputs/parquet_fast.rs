//! Parquet file (as `detsim generate --format parquet` writes it) → column chunks: only the columns of
//! needed source paths are decoded (projection by root column), row groups are read on all cores, each
//! row group becomes one or more chunks of at most 64k rows (evaluated on all cores).
//!
//! File shape: one column per dotted source path (`process.parent.name`), `Utf8` for strings,
//! `Timestamp` (any unit; the writer uses nanoseconds, UTC) for date fields (RFC 3339 text in files
//! written before that change, also read), `Int64`, `Float64`, `Boolean`, and lists of `Utf8`,
//! `Int64`, `Float64` or `Boolean` items for multi-valued fields (older files hold every list as text;
//! also read). A path absent from the file reads as null, as a field absent from a document does.
//!
//! Oracle twin: the same events written as NDJSON and read by `esql::ingest`. Invariant: each cell is
//! converted under the field mapping exactly as ingest converts the JSON value it came from
//! ([`super::convert`]); a row with a value the fast conversions do not serve is rebuilt as a small JSON
//! document of its needed paths and indexed by ingest itself. `_id` is `event.id`, or
//! `<index>-<row>` (1-based row in the file) when absent. A row ingest rejects stops the read with its
//! file and row (Parquet files are written by detsim; there is no skip mode for them).

use std::borrow::Cow;
use std::collections::HashSet;
use std::fs::File;
use std::path::Path;
use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::{
    Float64Type, Int32Type, Int64Type, TimestampMicrosecondType, TimestampMillisecondType,
    TimestampNanosecondType, TimestampSecondType,
};
use arrow_array::{Array, ArrayRef, RecordBatch};
use arrow_schema::{DataType as ArrowType, TimeUnit};
use esql::ingest::Indexer;
use parquet::arrow::ProjectionMask;
use parquet::arrow::arrow_reader::{
    ArrowReaderMetadata, ArrowReaderOptions, ParquetRecordBatchReaderBuilder, RowSelection,
};
use parquet::basic::Encoding;
use parquet::file::metadata::{ColumnChunkMask, PageIndexPolicy, ParquetMetaDataReader};
use rayon::prelude::*;
use serde_json::{Map, Value as Json};

use super::convert::{Bail, Out, from_bool, from_number, from_str};
use super::layout::{Assembler, Layout, Pending};
use super::parquet_columns::ColumnChunk;
use super::parquet_prefilter::Prefilter;
use super::read::{ReadError, ReadReport};
use crate::engine::frame::Chunk;

/// Rows decoded per Arrow batch.
const BATCH_ROWS: usize = 16 * 1024;

/// Batches per chunk (a chunk is at most `BATCH_ROWS * CHUNK_BATCHES` rows of one row group).
const CHUNK_BATCHES: usize = 4;

/// One row group read: its chunks, the rows it counts, and the warning lines its kept rows log.
type GroupOut = (Vec<Chunk>, u64, u64);

/// Reads `path` (documents of `layout`'s index), handing chunks to `sink` in row-group order; `sink`
/// returns false when no further row matters.
pub fn read_file(
    layout: &Layout,
    path: &Path,
    report: &mut ReadReport,
    sink: &mut dyn FnMut(Vec<Chunk>) -> Result<bool, ReadError>,
) -> Result<(), ReadError> {
    read_file_filtered(layout, None, path, report, sink)
}

/// [`read_file`] with a predicate pushdown ([`Prefilter`]): rows it proves irrelevant are not
/// decoded beyond the WHERE's columns, row groups without survivors not at all.
pub fn read_file_filtered(
    layout: &Layout,
    prefilter: Option<&Prefilter<'_>>,
    path: &Path,
    report: &mut ReadReport,
    sink: &mut dyn FnMut(Vec<Chunk>) -> Result<bool, ReadError>,
) -> Result<(), ReadError> {
    let name = path.display().to_string();
    let fail = |row_group: usize, message: String| ReadError::Parquet {
        path: name.clone(),
        row_group,
        message,
    };
    let file = File::open(path).map_err(|e| ReadError::Io {
        path: name.clone(),
        message: e.to_string(),
    })?;
    report.bytes += file.metadata().map(|m| m.len()).unwrap_or(0);
    let meta =
        ArrowReaderMetadata::load(&file, Default::default()).map_err(|e| fail(0, e.to_string()))?;
    // Root columns of the needed source paths, and where each path's column sits in a projected batch.
    let schema = meta.schema().clone();
    let paths = layout.source_paths();
    let mut roots: Vec<usize> = paths
        .iter()
        .filter_map(|p| schema.fields().iter().position(|f| f.name() == p))
        .collect();
    roots.sort_unstable();
    let prefilter = prefilter.filter(|p| p.usable(layout, &schema));
    // With a prefilter most reads are sparse: the offset index of the needed columns lets the
    // reader skip pages without reading or decompressing them (list columns included).
    let meta = match prefilter {
        Some(_) => with_offset_index(meta, &roots, &file).map_err(|m| fail(0, m))?,
        None => meta,
    };
    // The same file with its string columns read as dictionaries (kept as the file encodes them):
    // every string column for the prefilter (its leaves are evaluated once per distinct value), and
    // for the main read only the columns whose every data page is dictionary-encoded. A column the
    // writer fell back to plain pages for (near-unique values such as `file.path`) is read as plain
    // strings instead: Arrow would rebuild a dictionary by hashing every value, and the chunk's
    // dictionary hashes every value again.
    let as_dict = |md: &parquet::file::metadata::ParquetMetaData| {
        let all_dict = dictionary_encoded_columns(md);
        move |f: &Arc<arrow_schema::Field>, every: bool| match f.data_type() {
            ArrowType::Utf8 if every || all_dict.contains(f.name()) => {
                Arc::new(f.as_ref().clone().with_data_type(ArrowType::Dictionary(
                    Box::new(ArrowType::Int32),
                    Box::new(ArrowType::Utf8),
                )))
            }
            _ => f.clone(),
        }
    };
    let to_dict = as_dict(meta.metadata());
    let with_schema = |every: bool| {
        let s = arrow_schema::Schema::new(
            schema
                .fields()
                .iter()
                .map(|f| to_dict(f, every))
                .collect::<Vec<_>>(),
        );
        ArrowReaderMetadata::try_new(
            meta.metadata().clone(),
            ArrowReaderOptions::new().with_schema(Arc::new(s)),
        )
        .map_err(|e| fail(0, e.to_string()))
    };
    let dict_meta = with_schema(true)?;
    let main_meta = with_schema(false)?;
    let groups = meta.metadata().num_row_groups();
    // Row offsets of the row groups (1-based row numbers name rows in `_id`s and errors).
    let mut first_rows = Vec::with_capacity(groups);
    let mut total = 0usize;
    for g in 0..groups {
        first_rows.push(total);
        total += meta.metadata().row_group(g).num_rows().max(0) as usize;
    }
    let per_round = rayon::current_num_threads().max(1);
    // One round: row groups `g..g + per_round` read on all cores, given the warning lines (the
    // prefilter's bits) `logged` by kept rows of the rounds before.
    let read_round = |g: usize, logged: u64| -> Vec<Result<GroupOut, ReadError>> {
        let end = (g + per_round).min(groups);
        (g..end)
            .into_par_iter()
            .map(|rg| {
                let group_rows = dict_meta.metadata().row_group(rg).num_rows().max(0) as u64;
                let (selection, logged) = match prefilter {
                    Some(p) => {
                        let s = p
                            .select(layout, path, &dict_meta, rg, logged)
                            .map_err(|m| fail(rg, m))?;
                        (s.rows, s.logged)
                    }
                    None => (None, 0),
                };
                if selection.as_ref().is_some_and(|s| !s.selects_any()) {
                    return Ok((Vec::new(), group_rows, logged));
                }
                let reader = |meta: &ArrowReaderMetadata, selection: Option<RowSelection>| {
                    let f = File::open(path).map_err(|e| ReadError::Io {
                        path: name.clone(),
                        message: e.to_string(),
                    })?;
                    let b = ParquetRecordBatchReaderBuilder::new_with_metadata(f, meta.clone())
                        .with_projection(ProjectionMask::roots(
                            meta.parquet_schema(),
                            roots.iter().copied(),
                        ))
                        .with_row_groups(vec![rg])
                        .with_batch_size(BATCH_ROWS);
                    match selection {
                        Some(s) => b.with_row_selection(s),
                        None => b,
                    }
                    .build()
                    .map_err(|e| fail(rg, e.to_string()))
                };
                // Column by column, strings as dictionaries; row by row when a value needs ingest.
                // A large row group is cut into several chunks, so that the engine evaluates them on
                // all cores even when the file has a single row group.
                let mut out = Vec::new();
                let mut cols = ColumnChunk::new(layout, BATCH_ROWS);
                let mut rows = 0u64;
                let mut row = first_rows[rg];
                let mut bailed = false;
                // Row numbers count the selected rows only; they name `_id`s only when `event.id`
                // is null, and the prefilter keeps every row of such row groups.
                let selected = selection.is_some();
                for (i, batch) in reader(&main_meta, selection)?.enumerate() {
                    let batch = batch.map_err(|e| fail(rg, e.to_string()))?;
                    if i > 0 && i % CHUNK_BATCHES == 0 {
                        let full =
                            std::mem::replace(&mut cols, ColumnChunk::new(layout, BATCH_ROWS));
                        out.push(full.finish());
                    }
                    match cols.push_batch(&batch, row) {
                        Ok(()) => {}
                        Err(Ok(Bail)) => {
                            bailed = true;
                            break;
                        }
                        Err(Err(m)) => return Err(fail(rg, m)),
                    }
                    rows += batch.num_rows() as u64;
                    row += batch.num_rows();
                }
                if !bailed {
                    out.push(cols.finish());
                    return Ok((out, if selected { group_rows } else { rows }, logged));
                }
                // The exact row-wise path reads every row, as without a prefilter.
                let mut out = Vec::new();
                let mut asm = Assembler::new(layout, BATCH_ROWS);
                let mut rows = 0u64;
                let mut row = first_rows[rg];
                for (i, batch) in reader(&meta, None)?.enumerate() {
                    let batch = batch.map_err(|e| fail(rg, e.to_string()))?;
                    if i > 0 && i % CHUNK_BATCHES == 0 {
                        let full = std::mem::replace(&mut asm, Assembler::new(layout, BATCH_ROWS));
                        out.push(full.finish());
                    }
                    rows += batch.num_rows() as u64;
                    push_batch(layout, &batch, row, &mut asm).map_err(|m| fail(rg, m))?;
                    row += batch.num_rows();
                }
                out.push(asm.finish());
                Ok((out, rows, logged))
            })
            .collect()
    };
    // The next round is read while this round's chunks are evaluated, one chunk per `sink` call
    // (a call with several chunks evaluates them in parallel into per-chunk sinks that are then
    // merged one after another, which costs as much as the evaluation again when STATS keeps
    // millions of groups; here the other cores read instead).
    let mut logged = 0u64;
    let mut g = 0;
    let mut round = (groups > 0).then(|| read_round(0, 0));
    while let Some(outs) = round.take() {
        let mut chunks = Vec::with_capacity(outs.len());
        for out in outs {
            let (parts, rows, lines) = out?;
            logged |= lines;
            report.documents += rows;
            chunks.extend(parts.into_iter().filter(|c| c.rows > 0));
        }
        g = (g + per_round).min(groups);
        let mut next = None;
        let mut sunk: Result<bool, ReadError> = Ok(true);
        rayon::in_place_scope(|s| {
            if g < groups {
                let (next, read_round) = (&mut next, &read_round);
                s.spawn(move |_| *next = Some(read_round(g, logged)));
            }
            for c in chunks {
                sunk = sink(vec![c]);
                if !matches!(sunk, Ok(true)) {
                    break;
                }
            }
        });
        // A read of the next round after the sink asked to stop is dropped (errors included), as
        // if it had not been made.
        if !sunk? {
            return Ok(());
        }
        round = next;
    }
    Ok(())
}

/// Names of the top-level columns whose data pages are dictionary-encoded in every row group (the
/// page encoding statistics say so; a file without them has none).
fn dictionary_encoded_columns(md: &parquet::file::metadata::ParquetMetaData) -> HashSet<String> {
    let mut out: Option<HashSet<String>> = None;
    for rg in md.row_groups() {
        let here: HashSet<String> = rg
            .columns()
            .iter()
            .filter(|c| {
                c.dictionary_page_offset().is_some()
                    && c.page_encoding_stats_mask().is_some_and(|m| {
                        m.is_only(Encoding::RLE_DICTIONARY) || m.is_only(Encoding::PLAIN_DICTIONARY)
                    })
            })
            .map(|c| c.column_path().string())
            .collect();
        out = Some(match out {
            None => here,
            Some(o) => o.intersection(&here).cloned().collect(),
        });
    }
    out.unwrap_or_default()
}

/// `meta` with the offset index (page locations) of the columns under `roots`, when the file has one.
fn with_offset_index(
    meta: ArrowReaderMetadata,
    roots: &[usize],
    file: &File,
) -> Result<ArrowReaderMetadata, String> {
    let descr = meta.parquet_schema();
    let mask = ColumnChunkMask::from_projection(
        &ProjectionMask::roots(descr, roots.iter().copied()),
        descr,
    );
    let md = meta.metadata().clone();
    drop(meta);
    let mut reader = ParquetMetaDataReader::new_with_metadata(Arc::unwrap_or_clone(md))
        .with_offset_index_policy(PageIndexPolicy::Optional)
        .with_offset_index_mask(mask);
    reader.read_page_indexes(file).map_err(|e| e.to_string())?;
    let md = reader.finish().map_err(|e| e.to_string())?;
    ArrowReaderMetadata::try_new(Arc::new(md), ArrowReaderOptions::new()).map_err(|e| e.to_string())
}

/// One projected column, typed.
pub(super) enum Cells<'a> {
    /// The file has no such column: every row reads null.
    Absent,
    /// Dictionary-encoded strings: keys, and the dictionary's values.
    Dict(
        &'a arrow_array::DictionaryArray<Int32Type>,
        &'a arrow_array::StringArray,
    ),
    Str(&'a arrow_array::StringArray),
    LargeStr(&'a arrow_array::LargeStringArray),
    Int(&'a arrow_array::Int64Array),
    Float(&'a arrow_array::Float64Array),
    Bool(&'a arrow_array::BooleanArray),
    Time(Times<'a>),
    List(&'a arrow_array::ListArray),
}

/// A timestamp column in one of Arrow's units.
pub(super) enum Times<'a> {
    Ns(&'a arrow_array::TimestampNanosecondArray),
    Us(&'a arrow_array::TimestampMicrosecondArray),
    Ms(&'a arrow_array::TimestampMillisecondArray),
    S(&'a arrow_array::TimestampSecondArray),
}

impl Times<'_> {
    /// Nanoseconds since the epoch of row `r`, `None` when null.
    fn nanos(&self, r: usize) -> Option<i128> {
        let (valid, v, per) = match self {
            Times::Ns(a) => (a.is_valid(r), a.value(r), 1),
            Times::Us(a) => (a.is_valid(r), a.value(r), 1_000),
            Times::Ms(a) => (a.is_valid(r), a.value(r), 1_000_000),
            Times::S(a) => (a.is_valid(r), a.value(r), 1_000_000_000),
        };
        valid.then_some(v as i128 * per)
    }
}

/// The typed view of a projected column (`None`: absent from the file).
pub(super) fn cells(col: Option<&ArrayRef>) -> Result<Cells<'_>, String> {
    let Some(a) = col else {
        return Ok(Cells::Absent);
    };
    Ok(match a.data_type() {
        ArrowType::Utf8 => Cells::Str(a.as_string::<i32>()),
        ArrowType::Dictionary(k, v) if **k == ArrowType::Int32 && **v == ArrowType::Utf8 => {
            let d = a.as_dictionary::<Int32Type>();
            Cells::Dict(d, d.values().as_string::<i32>())
        }
        ArrowType::LargeUtf8 => Cells::LargeStr(a.as_string::<i64>()),
        ArrowType::Int64 => Cells::Int(a.as_primitive::<Int64Type>()),
        ArrowType::Float64 => Cells::Float(a.as_primitive::<Float64Type>()),
        ArrowType::Boolean => Cells::Bool(a.as_boolean()),
        ArrowType::Timestamp(unit, _) => Cells::Time(match unit {
            TimeUnit::Nanosecond => Times::Ns(a.as_primitive::<TimestampNanosecondType>()),
            TimeUnit::Microsecond => Times::Us(a.as_primitive::<TimestampMicrosecondType>()),
            TimeUnit::Millisecond => Times::Ms(a.as_primitive::<TimestampMillisecondType>()),
            TimeUnit::Second => Times::S(a.as_primitive::<TimestampSecondType>()),
        }),
        ArrowType::List(item)
            if matches!(
                item.data_type(),
                ArrowType::Utf8 | ArrowType::Int64 | ArrowType::Float64 | ArrowType::Boolean
            ) =>
        {
            Cells::List(a.as_list())
        }
        other => return Err(format!("column type {other} is not one detsim writes")),
    })
}

/// A raw cell value.
#[derive(Clone, Copy)]
pub(super) enum Raw<'a> {
    Str(&'a str),
    Int(i64),
    Float(f64),
    Bool(bool),
    /// Nanoseconds since the epoch.
    Time(i128),
}

impl Raw<'_> {
    fn json(self) -> Json {
        match self {
            Raw::Str(s) => Json::String(s.to_owned()),
            Raw::Int(i) => Json::from(i),
            Raw::Float(f) => serde_json::Number::from_f64(f)
                .map(Json::Number)
                .unwrap_or(Json::Null),
            Raw::Bool(b) => Json::Bool(b),
            Raw::Time(ns) => match i64::try_from(ns) {
                // The writer's own RFC 3339 rendering of the instant.
                Ok(ns) => Json::String(generators::time::Timestamp(ns).to_string()),
                Err(_) => Json::Null,
            },
        }
    }
}

/// Calls `f` with each value of row `r` of a column (none for null).
pub(super) fn each<'a>(
    c: &Cells<'a>,
    r: usize,
    f: &mut dyn FnMut(Raw<'a>) -> Result<(), Bail>,
) -> Result<(), Bail> {
    match c {
        Cells::Absent => Ok(()),
        Cells::Str(a) if a.is_valid(r) => f(Raw::Str(a.value(r))),
        Cells::Dict(k, v) if k.is_valid(r) => f(Raw::Str(v.value(k.keys().value(r) as usize))),
        Cells::LargeStr(a) if a.is_valid(r) => f(Raw::Str(a.value(r))),
        Cells::Int(a) if a.is_valid(r) => f(Raw::Int(a.value(r))),
        Cells::Float(a) if a.is_valid(r) => f(Raw::Float(a.value(r))),
        Cells::Bool(a) if a.is_valid(r) => f(Raw::Bool(a.value(r))),
        Cells::Time(t) => match t.nanos(r) {
            Some(ns) => f(Raw::Time(ns)),
            None => Ok(()),
        },
        Cells::List(a) if a.is_valid(r) => {
            let offs = a.value_offsets();
            let range = offs[r] as usize..offs[r + 1] as usize;
            let items = a.values();
            match items.data_type() {
                ArrowType::Int64 => {
                    let items = items.as_primitive::<Int64Type>();
                    for i in range.filter(|&i| items.is_valid(i)) {
                        f(Raw::Int(items.value(i)))?;
                    }
                }
                ArrowType::Float64 => {
                    let items = items.as_primitive::<Float64Type>();
                    for i in range.filter(|&i| items.is_valid(i)) {
                        f(Raw::Float(items.value(i)))?;
                    }
                }
                ArrowType::Boolean => {
                    let items = items.as_boolean();
                    for i in range.filter(|&i| items.is_valid(i)) {
                        f(Raw::Bool(items.value(i)))?;
                    }
                }
                _ => {
                    let items = items.as_string::<i32>();
                    for i in range.filter(|&i| items.is_valid(i)) {
                        f(Raw::Str(items.value(i)))?;
                    }
                }
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

/// A raw cell converted under a field mapping (see `super::convert`).
pub(super) fn convert<'a>(f: &esql::FieldMapping, raw: Raw<'a>) -> Result<Option<Out<'a>>, Bail> {
    match raw {
        Raw::Str(s) => from_str(f, Cow::Borrowed(s)),
        Raw::Int(i) => from_number(f, &i.to_string()),
        Raw::Float(x) if f.es_type == "double" => match x.is_finite() {
            true => Ok(Some(Out::Val(esql::Value::Double(x)))),
            false => Err(Bail),
        },
        Raw::Float(x) => {
            let n = serde_json::Number::from_f64(x).ok_or(Bail)?;
            from_number(f, &n.to_string())
        }
        Raw::Bool(b) => from_bool(f, b),
        // The instant the writer parsed from the document's RFC 3339 text, stored as ingest stores it.
        Raw::Time(ns) => match f.es_type.as_str() {
            "date" => Ok(Some(Out::Val(esql::Value::Date(
                esql::ingest::date::nanos_to_millis(ns).ok_or(Bail)?,
            )))),
            "date_nanos" if ns >= 0 => Ok(Some(Out::Val(esql::Value::DateNanos(
                i64::try_from(ns).map_err(|_| Bail)?,
            )))),
            _ => Err(Bail),
        },
    }
}

fn push_batch(
    layout: &Layout,
    batch: &RecordBatch,
    first_row: usize,
    asm: &mut Assembler<'_>,
) -> Result<(), String> {
    let schema = batch.schema();
    let col_of = |path: &str| {
        schema
            .fields()
            .iter()
            .position(|f| f.name() == path)
            .map(|i| batch.column(i))
    };
    let slot_cells: Vec<Cells<'_>> = layout
        .slots
        .iter()
        .map(|s| cells(col_of(&s.path)))
        .collect::<Result<_, _>>()?;
    let id_cells = if layout.needs_id() {
        cells(col_of("event.id"))?
    } else {
        Cells::Absent
    };
    let mut pending = Pending::new(layout);
    let mut indexer: Option<Indexer<'_>> = None;
    for r in 0..batch.num_rows() {
        let line = first_row + r + 1;
        pending.clear();
        let fast = (|| -> Result<(), Bail> {
            for (s, (slot, c)) in layout.slots.iter().zip(&slot_cells).enumerate() {
                let vals = &mut pending.values[s];
                each(c, r, &mut |raw| {
                    if let Some(v) = convert(&slot.mapping, raw)? {
                        vals.push(v);
                    }
                    Ok(())
                })?;
            }
            let mut id = None;
            each(&id_cells, r, &mut |raw| {
                id = match raw {
                    Raw::Str(s) => Some(Cow::Borrowed(s)),
                    Raw::Int(i) => Some(Cow::Owned(i.to_string())),
                    _ => return Err(Bail),
                };
                Ok(())
            })?;
            pending.id_nested = id;
            Ok(())
        })();
        if fast.is_ok() {
            asm.push_pending(&pending, line);
            continue;
        }
        // The exact path: the row's needed paths as a JSON document, indexed by ingest.
        let mut doc = Map::new();
        let mut paths: Vec<(&str, &Cells<'_>)> = layout
            .slots
            .iter()
            .zip(&slot_cells)
            .map(|(s, c)| (s.path.as_str(), c))
            .collect();
        if layout.needs_id() {
            paths.push(("event.id", &id_cells));
        }
        for (path, c) in paths {
            if doc.contains_key(path) {
                continue;
            }
            let mut vals = Vec::new();
            let _ = each(c, r, &mut |raw| {
                vals.push(raw.json());
                Ok(())
            });
            let v = match (c, vals.len()) {
                (_, 0) => continue,
                (Cells::List(_), _) => Json::Array(vals),
                (_, _) => vals.swap_remove(0),
            };
            doc.insert(path.to_owned(), v);
        }
        let json = Json::Object(doc);
        let id =
            esql::ingest::event_id(&json).unwrap_or_else(|| format!("{}-{line}", layout.index));
        let indexer = indexer.get_or_insert_with(|| Indexer::new(&layout.mapping));
        let indexed = indexer
            .index(&json, &id, &layout.index)
            .map_err(|e| format!("row {line}: {e}"))?;
        asm.push_document(&indexed.document);
    }
    Ok(())
}

#[cfg(test)]
#[path = "parquet_plain_tests.rs"]
mod plain_tests;
