//! What a fast reader extracts from each document of one index, and how it assembles the engine's
//! column chunks: the needed FROM columns resolved to *slots* (a source path converted under one
//! mapping), a trie of source paths for the JSON walker, and the row assembler.
//!
//! Oracle twin: `esql::ingest::Indexer` followed by `engine::source::ChunkBuilder`. Invariant: for a
//! document that ingest accepts, the row pushed from the extracted slot values is the row
//! `ChunkBuilder::push` would build from the indexed document: aliases read their target, multi-fields
//! convert their parent's source values under their own mapping, `constant_keyword` fields without a
//! value read their constant, multi-values come back in doc-values order ([`read_back`]), `_id` is
//! `event.id` or `<index>-<line>`, `_index` the index, `_version` 1. Documents that need ingest's exact
//! path are indexed by it and pushed with [`read_field`], so both routes build the same columns.

use std::sync::Arc;

use esql::ingest::{ReadOrder, read_back, read_order};
use esql::plan::{FromSource, MetadataField, SourceField};
use esql::{DataType, Document, FieldMapping, Mapping, TimeRange, Value};

use super::convert::{Out, is_plain_keyword};
use crate::engine::column::ColumnBuilder;
use crate::engine::frame::Chunk;
use crate::engine::source::{in_time_range, read_field};

/// One node of the source-path trie (node 0 is the document root).
#[derive(Debug, Clone, Default)]
pub struct Node {
    /// Child path segments and their nodes.
    pub children: Vec<(Box<[u8]>, u32)>,
    /// Slots fed by the values at this path (non-empty only for mapped leaf fields).
    pub slots: Vec<u32>,
    /// This is `event.id`, whose value is the document `_id`.
    pub event_id: bool,
    /// Children by a hash of the segment ([`bucket`]): 0 none, 255 several (search them all),
    /// else the child's position + 1. Most keys of a document are not children: one probe.
    table: [u8; 32],
}

/// The lookup bucket of a path segment (its length and first and last bytes).
#[inline]
fn bucket(seg: &[u8]) -> usize {
    let (first, last) = (seg.first().copied(), seg.last().copied());
    (seg.len() * 7 + usize::from(first.unwrap_or(0)) + usize::from(last.unwrap_or(0)) * 3) & 31
}

impl Node {
    /// The child for one path segment.
    #[inline]
    pub fn child(&self, seg: &[u8]) -> Option<(usize, u32)> {
        match self.table[bucket(seg)] {
            0 => None,
            255 => self
                .children
                .iter()
                .enumerate()
                .find(|(_, (k, _))| same(k, seg))
                .map(|(i, (_, n))| (i, *n)),
            k => {
                let i = usize::from(k) - 1;
                let (key, n) = &self.children[i];
                same(key, seg).then_some((i, *n))
            }
        }
    }

    /// Adds the child `n` for segment `seg`.
    pub fn add_child(&mut self, seg: &[u8], n: u32) {
        let i = self.children.len();
        self.children.push((seg.into(), n));
        let b = &mut self.table[bucket(seg)];
        *b = if *b == 0 && i < 254 { i as u8 + 1 } else { 255 };
    }
}

/// `a == b` for short byte strings (path segments), without a call to `memcmp`.
#[inline]
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x == y)
}

/// A source path whose values are converted under one field mapping.
#[derive(Debug, Clone)]
pub struct Slot {
    /// Dotted source path.
    pub path: String,
    /// The mapping the values are converted under (a multi-field's own mapping for multi-fields).
    pub mapping: FieldMapping,
    /// Doc-values read order.
    pub order: ReadOrder,
    /// Strings convert by [`super::convert::plain_keyword`] (inlined) instead of `from_str`.
    pub plain_keyword: bool,
}

/// How one FROM output column is filled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ColumnSpec {
    /// Not read by the plan: not built.
    Pruned,
    /// Always null (unmapped in this index, or of a type ES|QL does not read).
    Null,
    /// The values of a slot.
    Slot(u32),
    /// `_id`.
    Id,
    /// `_index`.
    Index,
    /// `_version`.
    Version,
}

/// The plan's needs for one index, prepared for fast readers.
#[derive(Debug, Clone)]
pub struct Layout {
    /// The index (data stream) name.
    pub index: String,
    /// The mapping of the index.
    pub mapping: Arc<Mapping>,
    /// Source-path trie.
    pub nodes: Vec<Node>,
    /// Extraction slots.
    pub slots: Vec<Slot>,
    /// One spec per FROM output column.
    pub columns: Vec<ColumnSpec>,
    /// FROM fields and column types (for documents indexed by ingest).
    fields: Vec<SourceField>,
    types: Vec<DataType>,
    /// The time-range filter: the slot of its field (`None`: field unmapped, no row passes) and range.
    time: Option<(Option<u32>, TimeRange)>,
    /// Dictionary-encode keyword columns.
    dictionary: bool,
}

/// A plan need fast readers do not serve (the caller uses the ingest path instead).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the fast reader does not serve {0}")]
pub struct NotServed(pub String);

fn is_alias(f: &FieldMapping) -> bool {
    f.es_type == "alias"
}

fn is_opaque(f: &FieldMapping) -> bool {
    matches!(f.data_type, DataType::Unsupported | DataType::GeoPoint) && !is_alias(f)
}

impl Layout {
    /// The layout of `from`'s `needed` columns for documents of `index` under `mapping`.
    pub fn new(
        from: &FromSource,
        needed: &[bool],
        index: &str,
        mapping: Arc<Mapping>,
        time_range: Option<&TimeRange>,
        dictionary: bool,
    ) -> Result<Layout, NotServed> {
        let mut layout = Layout {
            index: index.to_owned(),
            mapping: mapping.clone(),
            nodes: vec![Node::default()],
            slots: Vec::new(),
            columns: Vec::new(),
            fields: from.fields.clone(),
            types: from.output.columns.iter().map(|c| c.data_type).collect(),
            time: None,
            dictionary,
        };
        for (i, (field, col)) in from.fields.iter().zip(&from.output.columns).enumerate() {
            let spec = if !needed.get(i).copied().unwrap_or(true) {
                ColumnSpec::Pruned
            } else if col.data_type == DataType::Unsupported {
                ColumnSpec::Null
            } else {
                match field {
                    SourceField::Field(name) => match layout.slot_for(name) {
                        Some(s) => ColumnSpec::Slot(s),
                        None => ColumnSpec::Null,
                    },
                    SourceField::Metadata(MetadataField::Id) => {
                        let node = layout.insert_path("event.id");
                        layout.nodes[node as usize].event_id = true;
                        ColumnSpec::Id
                    }
                    SourceField::Metadata(MetadataField::Index) => ColumnSpec::Index,
                    SourceField::Metadata(MetadataField::Version) => ColumnSpec::Version,
                    SourceField::Metadata(MetadataField::Ignored) => {
                        return Err(NotServed("METADATA _ignored".into()));
                    }
                }
            };
            layout.columns.push(spec);
        }
        if let Some(tr) = time_range {
            let slot = layout.slot_for(&tr.field);
            layout.time = Some((slot, tr.clone()));
        }
        Ok(layout)
    }

    /// The slot reading field `name` (resolving aliases and multi-fields), `None` if it always reads
    /// null in this index.
    fn slot_for(&mut self, name: &str) -> Option<u32> {
        let mapping = self.mapping.clone();
        let mut f = mapping.get(name)?;
        let mut name = name;
        if is_alias(f) {
            name = f.multi_field_of.as_deref()?;
            f = mapping.get(name)?;
        }
        if is_opaque(f) {
            return None;
        }
        let source = match &f.multi_field_of {
            Some(parent) => {
                let p = mapping.get(parent)?;
                if is_opaque(p) {
                    return None;
                }
                parent.as_str()
            }
            None => name,
        };
        if let Some(i) = self
            .slots
            .iter()
            .position(|s| s.path == source && s.mapping == *f)
        {
            return Some(i as u32);
        }
        let id = self.slots.len() as u32;
        self.slots.push(Slot {
            path: source.to_owned(),
            mapping: f.clone(),
            order: read_order(f),
            plain_keyword: is_plain_keyword(f),
        });
        let node = self.insert_path(source);
        self.nodes[node as usize].slots.push(id);
        Some(id)
    }

    fn insert_path(&mut self, path: &str) -> u32 {
        let mut node = 0u32;
        for seg in path.split('.') {
            node = match self.nodes[node as usize].child(seg.as_bytes()) {
                Some((_, n)) => n,
                None => {
                    let n = self.nodes.len() as u32;
                    self.nodes.push(Node::default());
                    self.nodes[node as usize].add_child(seg.as_bytes(), n);
                    n
                }
            };
        }
        node
    }

    /// Source paths the plan reads from documents of this index (sorted; for projection by column).
    pub fn source_paths(&self) -> Vec<&str> {
        let mut v: Vec<&str> = self.slots.iter().map(|s| s.path.as_str()).collect();
        if self.columns.contains(&ColumnSpec::Id) {
            v.push("event.id");
        }
        v.sort_unstable();
        v.dedup();
        v
    }

    /// The time-range filter: the slot of its field (`None`: unmapped, no row passes) and the range.
    pub fn time_filter(&self) -> Option<(Option<u32>, &TimeRange)> {
        self.time.as_ref().map(|(s, tr)| (*s, tr))
    }

    /// FROM column types.
    pub fn types(&self) -> &[DataType] {
        &self.types
    }

    /// Dictionary-encode keyword columns.
    pub fn dictionary(&self) -> bool {
        self.dictionary
    }

    /// True when `_id` is read.
    pub fn needs_id(&self) -> bool {
        self.columns.contains(&ColumnSpec::Id)
    }
}

/// The values extracted from one document, before assembly.
#[derive(Debug, Default)]
pub struct Pending<'a> {
    /// Converted values per slot, in source order.
    pub values: Vec<Vec<Out<'a>>>,
    /// `event.id` under an `event` object.
    pub id_nested: Option<std::borrow::Cow<'a, str>>,
    /// A top-level `event.id` key.
    pub id_dotted: Option<std::borrow::Cow<'a, str>>,
}

impl<'a> Pending<'a> {
    /// Empty pending values for `layout`.
    pub fn new(layout: &Layout) -> Pending<'a> {
        Pending {
            values: vec![Vec::new(); layout.slots.len()],
            id_nested: None,
            id_dotted: None,
        }
    }

    /// Forgets the current document.
    pub fn clear(&mut self) {
        for v in &mut self.values {
            v.clear();
        }
        self.id_nested = None;
        self.id_dotted = None;
    }
}

/// Builds one chunk of rows for a layout.
pub struct Assembler<'l> {
    layout: &'l Layout,
    builders: Vec<Option<ColumnBuilder>>,
    rows: usize,
}

impl<'l> Assembler<'l> {
    /// An empty chunk of `layout`'s columns.
    pub fn new(layout: &'l Layout, rows_hint: usize) -> Assembler<'l> {
        let builders = layout
            .columns
            .iter()
            .zip(&layout.types)
            .map(|(spec, t)| {
                (*spec != ColumnSpec::Pruned)
                    .then(|| ColumnBuilder::new(*t, layout.dictionary, rows_hint))
            })
            .collect();
        Assembler {
            layout,
            builders,
            rows: 0,
        }
    }

    /// Rows pushed so far.
    pub fn rows(&self) -> usize {
        self.rows
    }

    fn in_range(&self, p: &Pending<'_>) -> bool {
        let Some((slot, tr)) = &self.layout.time else {
            return true;
        };
        let Some(slot) = slot else {
            return false;
        };
        p.values[*slot as usize].iter().any(|o| {
            let ms = match o {
                Out::Val(Value::Date(ms)) => *ms,
                Out::Val(Value::DateNanos(ns)) => ns.div_euclid(1_000_000),
                _ => return false,
            };
            tr.start <= ms && ms <= tr.end
        })
    }

    /// Appends the document extracted into `p` (from line `line` of its file) unless the time-range
    /// filter drops it; returns whether a row was added.
    pub fn push_pending(&mut self, p: &Pending<'_>, line: usize) -> bool {
        self.push_pending_with(p, || line)
    }

    /// [`Assembler::push_pending`] with the line number computed only when the `_id` is made from
    /// it.
    pub fn push_pending_with(&mut self, p: &Pending<'_>, mut line: impl FnMut() -> usize) -> bool {
        if !self.in_range(p) {
            return false;
        }
        let layout = self.layout;
        for (b, spec) in self.builders.iter_mut().zip(&layout.columns) {
            let Some(b) = b else { continue };
            match spec {
                ColumnSpec::Pruned => {}
                ColumnSpec::Null => b.push(Value::Null),
                ColumnSpec::Slot(s) => {
                    push_slot(b, &layout.slots[*s as usize], &p.values[*s as usize])
                }
                ColumnSpec::Id => match p.id_nested.as_ref().or(p.id_dotted.as_ref()) {
                    Some(id) => b.push_str(id),
                    None => b.push_str(&format!("{}-{}", layout.index, line())),
                },
                ColumnSpec::Index => b.push_str(&layout.index),
                ColumnSpec::Version => b.push(Value::Long(1)),
            }
        }
        self.rows += 1;
        true
    }

    /// Appends a document indexed by `esql::ingest` unless the time-range filter drops it.
    pub fn push_document(&mut self, doc: &Document) -> bool {
        let layout = self.layout;
        if let Some((_, tr)) = &layout.time
            && !in_time_range(doc, tr)
        {
            return false;
        }
        let mut tmp = Value::Null;
        for ((b, field), t) in self
            .builders
            .iter_mut()
            .zip(&layout.fields)
            .zip(&layout.types)
        {
            if let Some(b) = b {
                b.push_ref(read_field(doc, &layout.index, field, *t, &mut tmp));
            }
        }
        self.rows += 1;
        true
    }

    /// The chunk (its `index` is set by the caller, in scan order).
    pub fn finish(self) -> Chunk {
        Chunk {
            index: 0,
            rows: self.rows,
            columns: self
                .builders
                .into_iter()
                .map(|b| b.map(|b| Arc::new(b.finish())))
                .collect(),
        }
    }
}

/// Appends one row holding a slot's converted values (in source order) to `b`.
pub fn push_slot(b: &mut ColumnBuilder, slot: &Slot, vals: &[Out<'_>]) {
    match vals {
        [] => match &slot.mapping.constant_value {
            Some(c) => b.push_str(c),
            None => b.push(Value::Null),
        },
        [Out::Str(s)] => b.push_str(s),
        [Out::Val(v)] => b.push_ref(v),
        many => {
            let vs: Vec<Value> = many.iter().cloned().map(Out::into_value).collect();
            b.push_ref(&read_back(slot.order, vs));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Node;

    /// A node finds exactly its children, with few children (one probe per key) and with 300
    /// (shared buckets, the search of all): every slice of a line of keys is looked up.
    #[test]
    fn a_node_finds_exactly_its_children() {
        let names: Vec<String> = (0..300)
            .map(|i| match i % 4 {
                0 => format!("k{i}"),
                1 => format!("entry_leader_{i}"),
                2 => format!("working_directory_{i}_x"),
                _ => "ab".repeat(i % 13),
            })
            .collect();
        for count in [3, 20, 300] {
            let mut node = Node::default();
            let mut kids: Vec<&str> = Vec::new();
            for (i, name) in names.iter().take(count).enumerate() {
                if !kids.contains(&name.as_str()) {
                    node.add_child(name.as_bytes(), i as u32 + 1);
                    kids.push(name);
                }
            }
            let line: String = names.iter().map(|n| format!("\"{n}\":1,")).collect();
            let line = line.as_bytes();
            for start in (0..line.len()).step_by(3) {
                for end in (start..line.len().min(start + 30)).step_by(2) {
                    let key = &line[start..end];
                    let want = node
                        .children
                        .iter()
                        .position(|(k, _)| &k[..] == key)
                        .map(|i| (i, node.children[i].1));
                    assert_eq!(node.child(key), want, "{count}: {key:?}");
                }
            }
            for (i, k) in kids.iter().enumerate() {
                assert_eq!(node.child(k.as_bytes()).map(|c| c.0), Some(i), "{k}");
            }
        }
    }
}
