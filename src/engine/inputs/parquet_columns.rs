//! Parquet record batches → one chunk, column by column: string columns read as Arrow dictionaries are
//! converted once per distinct value and copied into the engine's keyword dictionary by id, so a row
//! costs a key lookup instead of a hash and a string comparison.
//!
//! Oracle twin: the row-wise path of `parquet_fast` (`Assembler::push_pending`), itself checked
//! against ingest. Invariant: the chunk equals the one the row-wise path builds from the same rows —
//! same rows (after the time-range filter), same values in read-back order, and the same keyword ids
//! (values are interned in row order, multi-values in read-back order). When a value has no fast
//! conversion ([`Bail`]) the caller rebuilds the row group row-wise, where ingest handles it.

use std::borrow::Cow;
use std::sync::Arc;

use arrow_array::{Array, RecordBatch, StringArray};
use arrow_schema::DataType as ArrowType;
use esql::ingest::read_back;
use esql::{DataType, Value};

use super::convert::{Bail, Out, from_str};
use super::layout::{ColumnSpec, Layout, Slot, push_slot};
use super::parquet_fast::{Cells, Raw, cells, convert, each};
use crate::engine::column::{Column, ColumnBuilder, ColumnValues};
use crate::engine::dictionary::Dictionary;
use crate::engine::frame::Chunk;

const UNSET: u32 = u32::MAX;
const IGNORED: u32 = u32::MAX - 1;

/// Distinct list items remembered per column batch (see [`push_direct`]).
const RECENT: usize = 4;

/// One output column being built.
enum Acc {
    Pruned,
    /// Keyword ids built directly (see the module doc).
    Direct {
        dict: Dictionary,
        ids: Vec<u32>,
        offsets: Vec<u32>,
    },
    Built(ColumnBuilder),
}

/// The chunk of one row group, built batch by batch.
pub struct ColumnChunk<'l> {
    layout: &'l Layout,
    accs: Vec<Acc>,
    rows: usize,
}

/// A slot whose values can be copied by dictionary id: plain keyword or text strings, and
/// `constant_keyword` (a value other than the constant bails; a row without a value reads as the
/// constant, as [`push_slot`] makes it).
fn direct(slot: &Slot, t: DataType, dictionary: bool) -> bool {
    let f = &slot.mapping;
    dictionary
        && matches!(t, DataType::Keyword | DataType::Text)
        && f.normalizer.is_none()
        && (f.constant_value.is_none() || f.es_type == "constant_keyword")
        && matches!(
            f.es_type.as_str(),
            "keyword" | "wildcard" | "text" | "match_only_text" | "constant_keyword"
        )
}

impl<'l> ColumnChunk<'l> {
    /// An empty chunk of `layout`'s columns.
    pub fn new(layout: &'l Layout, rows_hint: usize) -> ColumnChunk<'l> {
        let accs = layout
            .columns
            .iter()
            .zip(layout.types())
            .map(|(spec, &t)| match spec {
                ColumnSpec::Pruned => Acc::Pruned,
                ColumnSpec::Slot(s)
                    if direct(&layout.slots[*s as usize], t, layout.dictionary()) =>
                {
                    let mut offsets = Vec::with_capacity(rows_hint + 1);
                    offsets.push(0);
                    Acc::Direct {
                        dict: Dictionary::new(),
                        ids: Vec::with_capacity(rows_hint),
                        offsets,
                    }
                }
                _ => Acc::Built(ColumnBuilder::new(t, layout.dictionary(), rows_hint)),
            })
            .collect();
        ColumnChunk {
            layout,
            accs,
            rows: 0,
        }
    }

    /// Appends the rows of `batch` (file rows `first_row + 1 …`) that pass the time-range filter.
    /// `Err(Ok(Bail))`: a value needs the row-wise path; `Err(Err(message))`: an unreadable column.
    pub fn push_batch(
        &mut self,
        batch: &RecordBatch,
        first_row: usize,
    ) -> Result<(), Result<Bail, String>> {
        let layout = self.layout;
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
            .collect::<Result<_, _>>()
            .map_err(Err)?;
        let n = batch.num_rows();
        let rows: Vec<usize> = match layout.time_filter() {
            None => (0..n).collect(),
            Some((None, _)) => Vec::new(),
            Some((Some(s), tr)) => {
                let (c, f) = (&slot_cells[s as usize], &layout.slots[s as usize].mapping);
                let mut keep = Vec::with_capacity(n);
                for r in 0..n {
                    let mut ok = false;
                    each(c, r, &mut |raw| {
                        let ms = match convert(f, raw)? {
                            Some(Out::Val(Value::Date(ms))) => ms,
                            Some(Out::Val(Value::DateNanos(ns))) => ns.div_euclid(1_000_000),
                            _ => return Ok(()),
                        };
                        ok |= tr.start <= ms && ms <= tr.end;
                        Ok(())
                    })
                    .map_err(Ok)?;
                    if ok {
                        keep.push(r);
                    }
                }
                keep
            }
        };
        let id_cells = if layout.needs_id() {
            cells(col_of("event.id")).map_err(Err)?
        } else {
            Cells::Absent
        };
        let mut vals: Vec<Out<'_>> = Vec::new();
        for (acc, spec) in self.accs.iter_mut().zip(&layout.columns) {
            match (acc, spec) {
                (Acc::Pruned, _) | (_, ColumnSpec::Pruned) => {}
                (Acc::Direct { dict, ids, offsets }, ColumnSpec::Slot(s)) => {
                    let slot = &layout.slots[*s as usize];
                    push_direct(slot, &slot_cells[*s as usize], &rows, dict, ids, offsets)
                        .map_err(Ok)?;
                }
                (Acc::Direct { .. }, _) => return Err(Err("direct column without a slot".into())),
                (Acc::Built(b), spec) => {
                    for &r in &rows {
                        match spec {
                            ColumnSpec::Pruned => {}
                            ColumnSpec::Null => b.push(Value::Null),
                            ColumnSpec::Slot(s) => {
                                let slot = &layout.slots[*s as usize];
                                vals.clear();
                                each(&slot_cells[*s as usize], r, &mut |raw| {
                                    if let Some(v) = convert(&slot.mapping, raw)? {
                                        vals.push(v);
                                    }
                                    Ok(())
                                })
                                .map_err(Ok)?;
                                push_slot(b, slot, &vals);
                            }
                            ColumnSpec::Id => {
                                let mut id: Option<Cow<'_, str>> = None;
                                each(&id_cells, r, &mut |raw| {
                                    id = match raw {
                                        Raw::Str(s) => Some(Cow::Borrowed(s)),
                                        Raw::Int(i) => Some(Cow::Owned(i.to_string())),
                                        _ => return Err(Bail),
                                    };
                                    Ok(())
                                })
                                .map_err(Ok)?;
                                match id {
                                    Some(id) => b.push_str(&id),
                                    None => b.push_str(&format!(
                                        "{}-{}",
                                        layout.index,
                                        first_row + r + 1
                                    )),
                                }
                            }
                            ColumnSpec::Index => b.push_str(&layout.index),
                            ColumnSpec::Version => b.push(Value::Long(1)),
                        }
                    }
                }
            }
        }
        self.rows += rows.len();
        Ok(())
    }

    /// The chunk (its `index` is set by the caller).
    pub fn finish(self) -> Chunk {
        let types = self.layout.types();
        Chunk {
            index: 0,
            rows: self.rows,
            columns: self
                .accs
                .into_iter()
                .zip(types)
                .map(|(acc, &t)| match acc {
                    Acc::Pruned => None,
                    Acc::Direct { dict, ids, offsets } => Some(Arc::new(Column::from_parts(
                        t,
                        offsets,
                        ColumnValues::Keyword {
                            dict: Arc::new(dict),
                            ids,
                        },
                    ))),
                    Acc::Built(b) => Some(Arc::new(b.finish())),
                })
                .collect(),
        }
    }
}

/// Appends `rows` of a plain keyword/text slot by dictionary id.
fn push_direct(
    slot: &Slot,
    c: &Cells<'_>,
    rows: &[usize],
    dict: &mut Dictionary,
    ids: &mut Vec<u32>,
    offsets: &mut Vec<u32>,
) -> Result<(), Bail> {
    let f = &slot.mapping;
    // Keyword and text strings without a normalizer or constant are stored as they are (unless a
    // keyword is over `ignore_above`): no conversion call per value.
    let plain = f.normalizer.is_none()
        && f.constant_value.is_none()
        && matches!(
            f.es_type.as_str(),
            "keyword" | "wildcard" | "text" | "match_only_text"
        );
    let over_limit = |s: &str| {
        f.ignore_above.is_some_and(|limit| {
            s.len() > limit as usize && s.encode_utf16().count() > limit as usize
        })
    };
    let intern = |dict: &mut Dictionary, s: &str| -> Result<u32, Bail> {
        if plain {
            return Ok(if over_limit(s) {
                IGNORED
            } else {
                dict.intern(s)
            });
        }
        Ok(match from_str(f, Cow::Borrowed(s))? {
            Some(Out::Str(v)) => dict.intern(&v),
            None => IGNORED,
            Some(Out::Val(_)) => return Err(Bail),
        })
    };
    // A row that stored no value reads as the field's constant (`constant_keyword`), interned when
    // first needed so that ids stay in row order.
    let constant = f.constant_value.as_deref();
    let end_row = |dict: &mut Dictionary, ids: &mut Vec<u32>, offsets: &mut Vec<u32>| {
        if let Some(c) = constant
            && offsets.last().is_some_and(|&o| o as usize == ids.len())
        {
            ids.push(dict.intern(c));
        }
        offsets.push(ids.len() as u32);
    };
    match c {
        Cells::Absent => {
            for _ in rows {
                end_row(dict, ids, offsets);
            }
        }
        Cells::Dict(keys, values) => {
            let mut map = vec![UNSET; values.len()];
            for &r in rows {
                if keys.is_valid(r) {
                    let k = keys.keys().value(r) as usize;
                    let mut id = map[k];
                    if id == UNSET {
                        id = intern(dict, values.value(k))?;
                        map[k] = id;
                    }
                    if id != IGNORED {
                        ids.push(id);
                    }
                }
                end_row(dict, ids, offsets);
            }
        }
        Cells::Str(a) => {
            // Plain pages: near-unique values (the writer's dictionary overflowed), so room for
            // every value of the batch is made at once.
            dict.reserve(rows.len(), a.value_data().len());
            for &r in rows {
                if a.is_valid(r) {
                    let id = intern(dict, a.value(r))?;
                    if id != IGNORED {
                        ids.push(id);
                    }
                }
                end_row(dict, ids, offsets);
            }
        }
        Cells::List(a) if plain && matches!(a.values().data_type(), ArrowType::Utf8) => {
            let Some(items) = a.values().as_any().downcast_ref::<StringArray>() else {
                return Err(Bail);
            };
            let offs = a.value_offsets();
            // The last few distinct single items with their ids: list columns (`event.action`)
            // repeat a few values, compared directly instead of hashed.
            let mut recent: Vec<(&str, u32)> = Vec::with_capacity(RECENT);
            let mut strs: Vec<&str> = Vec::new();
            for &r in rows {
                if a.is_valid(r) {
                    strs.clear();
                    let range = offs[r] as usize..offs[r + 1] as usize;
                    for i in range.filter(|&i| items.is_valid(i)) {
                        let s = items.value(i);
                        if !over_limit(s) {
                            strs.push(s);
                        }
                    }
                    match strs.as_slice() {
                        [] => {}
                        [s] => {
                            let id = match recent.iter().find(|(v, _)| v == s) {
                                Some(&(_, id)) => id,
                                None => {
                                    let id = dict.intern(s);
                                    if recent.len() == RECENT {
                                        recent.remove(0);
                                    }
                                    recent.push((s, id));
                                    id
                                }
                            };
                            ids.push(id);
                        }
                        _ => {
                            // Interned in read-back order (sorted, deduplicated), as the row-wise
                            // path interns them.
                            let vs = strs
                                .iter()
                                .map(|s| Value::Keyword((*s).to_owned()))
                                .collect();
                            for v in read_back(slot.order, vs).values() {
                                match v {
                                    Value::Keyword(s) => ids.push(dict.intern(s)),
                                    _ => return Err(Bail),
                                }
                            }
                        }
                    }
                }
                end_row(dict, ids, offsets);
            }
        }
        Cells::List(_) | Cells::LargeStr(_) => {
            let mut strs: Vec<Out<'_>> = Vec::new();
            for &r in rows {
                strs.clear();
                each(c, r, &mut |raw| {
                    let Raw::Str(s) = raw else { return Err(Bail) };
                    if let Some(v) = from_str(f, Cow::Borrowed(s))? {
                        strs.push(v);
                    }
                    Ok(())
                })?;
                match strs.as_slice() {
                    [] => {}
                    [Out::Str(s)] => ids.push(dict.intern(s)),
                    _ => {
                        let vs = strs.iter().cloned().map(Out::into_value).collect();
                        for v in read_back(slot.order, vs).values() {
                            match v {
                                Value::Keyword(s) => ids.push(dict.intern(s)),
                                _ => return Err(Bail),
                            }
                        }
                    }
                }
                end_row(dict, ids, offsets);
            }
        }
        _ => return Err(Bail),
    }
    Ok(())
}
