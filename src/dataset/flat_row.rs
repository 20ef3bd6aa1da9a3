//! Flattening a document straight into per-column slots: a `serde::Serializer` that walks an event
//! and records each leaf under its dotted path, with no `serde_json::Value`, no per-field `String`
//! keys and no per-event allocation once the buffers are warm (strings go to one arena per event).
//!
//! It gives what [`flatten_event`](super::flatten::flatten_event) gives — objects become dotted
//! paths, an array of scalars a list, an array of objects spreads its leaves into lists, nulls and
//! non-finite floats disappear — for the shapes the generator writes. Anything else (an array that
//! mixes scalars and objects, nested arrays, a path written twice, a field outside the schema,
//! enum variants with data, 128-bit integers, bytes) is reported as [`FlatError`], and the caller
//! falls back to the exact `flatten_event` path and [`FlatRow::fill_from_flat`], so the result is
//! the same for every input.

use std::collections::BTreeMap;

use foldhash::{HashMap, HashMapExt};
use serde::Serialize;
use serde::ser::{self, Impossible};

use super::flatten::Flat;

/// One leaf value; strings are byte ranges of the row's arena.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Leaf {
    /// Text: `arena[start..end]`.
    Str(u32, u32),
    /// Integer.
    Int(i64),
    /// Floating point.
    Float(f64),
    /// Boolean.
    Bool(bool),
}

/// Whether a column has a value in the current row, and which kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum Shape {
    /// No value (null).
    #[default]
    Absent,
    /// A single value (`items` has one leaf).
    One,
    /// A list (JSON array), possibly empty.
    List,
}

/// The value of one column in the current row.
#[derive(Debug, Default)]
pub(crate) struct Slot {
    /// Absent, one value or a list.
    pub(crate) shape: Shape,
    /// The leaves, in document order.
    pub(crate) items: Vec<Leaf>,
}

/// Why the fast path did not flatten a document (the caller then takes the exact slow path).
#[derive(Debug, thiserror::Error)]
pub(crate) enum FlatError {
    /// A shape the fast path does not reproduce exactly.
    #[error("unsupported shape: {0}")]
    Unsupported(&'static str),
    /// A dotted path that is not a column.
    #[error("field `{0}` is not in the schema")]
    Unknown(String),
    /// An error raised by a `Serialize` implementation.
    #[error("{0}")]
    Custom(String),
}

impl ser::Error for FlatError {
    fn custom<T: std::fmt::Display>(msg: T) -> Self {
        FlatError::Custom(msg.to_string())
    }
}

/// The slots of one row, reused from row to row.
pub(crate) struct FlatRow {
    index: HashMap<Box<str>, usize>,
    names: Vec<Box<str>>,
    /// For each column (and, last, the start of a row): the column that followed it in the last
    /// row where it was written. Rows of one stream repeat their field order, so the next column
    /// is usually found by one comparison instead of hashing the path.
    next_after: Vec<usize>,
    last: usize,
    slots: Vec<Slot>,
    touched: Vec<usize>,
    arena: String,
    path: String,
    scratch: Vec<Leaf>,
}

impl FlatRow {
    /// A row over the given columns (dotted names, column `i` is the `i`-th name).
    pub(crate) fn new<'a>(columns: impl IntoIterator<Item = &'a str>) -> FlatRow {
        let names: Vec<Box<str>> = columns.into_iter().map(Box::from).collect();
        let mut index = HashMap::with_capacity(names.len());
        for (i, name) in names.iter().enumerate() {
            index.entry(name.clone()).or_insert(i);
        }
        let n = names.len();
        FlatRow {
            index,
            next_after: vec![n; n + 1],
            last: n,
            names,
            slots: (0..n).map(|_| Slot::default()).collect(),
            touched: Vec::new(),
            arena: String::new(),
            path: String::new(),
            scratch: Vec::new(),
        }
    }

    fn clear(&mut self) {
        for &i in &self.touched {
            let s = &mut self.slots[i];
            s.shape = Shape::Absent;
            s.items.clear();
        }
        self.touched.clear();
        self.last = self.names.len();
        self.arena.clear();
        self.path.clear();
        self.scratch.clear();
    }

    /// Flattens `doc` into the slots (the previous row is cleared first).
    pub(crate) fn fill<T: Serialize + ?Sized>(&mut self, doc: &T) -> Result<(), FlatError> {
        self.clear();
        doc.serialize(ValueSer {
            row: self,
            in_array: false,
        })
    }

    /// Fills the slots from an exactly flattened document; an unknown field is returned by name
    /// (the first in name order).
    pub(crate) fn fill_from_flat(&mut self, flat: &BTreeMap<String, Flat>) -> Result<(), String> {
        self.clear();
        for (name, value) in flat {
            let Some(&i) = self.index.get(name.as_str()) else {
                return Err(name.clone());
            };
            let mut items = std::mem::take(&mut self.slots[i].items);
            let shape = match value {
                Flat::List(list) => {
                    for v in list {
                        items.push(self.leaf_of(v));
                    }
                    Shape::List
                }
                one => {
                    items.push(self.leaf_of(one));
                    Shape::One
                }
            };
            self.slots[i] = Slot { shape, items };
            self.touched.push(i);
        }
        Ok(())
    }

    fn leaf_of(&mut self, v: &Flat) -> Leaf {
        match v {
            Flat::Str(s) => self.str_leaf(s),
            Flat::Int(i) => Leaf::Int(*i),
            Flat::Float(f) => Leaf::Float(*f),
            Flat::Bool(b) => Leaf::Bool(*b),
            // `flatten_event` never nests lists; keep the text form if it ever does.
            Flat::List(_) => self.str_leaf(&format!("{v:?}")),
        }
    }

    fn str_leaf(&mut self, s: &str) -> Leaf {
        let start = self.arena.len() as u32;
        self.arena.push_str(s);
        Leaf::Str(start, self.arena.len() as u32)
    }

    /// Column `i`'s value in the current row.
    pub(crate) fn slot(&self, i: usize) -> &Slot {
        &self.slots[i]
    }

    /// The text of a string leaf.
    pub(crate) fn text(&self, start: u32, end: u32) -> &str {
        &self.arena[start as usize..end as usize]
    }

    /// The column of the current path.
    fn column(&mut self) -> Result<usize, FlatError> {
        let guess = self.next_after[self.last];
        let i = if self.names.get(guess).is_some_and(|n| **n == *self.path) {
            guess
        } else {
            let i = self
                .index
                .get(self.path.as_str())
                .copied()
                .ok_or_else(|| FlatError::Unknown(self.path.clone()))?;
            self.next_after[self.last] = i;
            i
        };
        self.last = i;
        Ok(i)
    }

    /// Records one leaf at the current path (`flatten::push` with a single value).
    fn push_one(&mut self, leaf: Leaf, in_array: bool) -> Result<(), FlatError> {
        let i = self.column()?;
        let slot = &mut self.slots[i];
        if slot.shape == Shape::Absent {
            self.touched.push(i);
        }
        match (in_array, slot.shape) {
            (false, Shape::Absent) => slot.shape = Shape::One,
            (false, _) => return Err(FlatError::Unsupported("a path written twice")),
            (true, Shape::List) => {}
            (true, _) => {
                slot.items.clear();
                slot.shape = Shape::List;
            }
        }
        slot.items.push(leaf);
        Ok(())
    }

    /// Records the list `scratch[base..]` at the current path (`flatten::push` with a list).
    fn push_list(&mut self, base: usize, in_array: bool) -> Result<(), FlatError> {
        let i = self.column()?;
        let slot = &mut self.slots[i];
        if slot.shape == Shape::Absent {
            self.touched.push(i);
        }
        match (in_array, slot.shape) {
            (false, Shape::Absent) => {}
            (false, _) => return Err(FlatError::Unsupported("a path written twice")),
            (true, Shape::List) => {}
            (true, _) => slot.items.clear(),
        }
        slot.shape = Shape::List;
        slot.items.extend(self.scratch.drain(base..));
        Ok(())
    }
}

/// Serializes a value at the row's current path.
struct ValueSer<'r> {
    row: &'r mut FlatRow,
    /// Inside an array of objects: leaves are appended to lists.
    in_array: bool,
}

impl ValueSer<'_> {
    fn leaf(self, leaf: Leaf) -> Result<(), FlatError> {
        self.row.push_one(leaf, self.in_array)
    }

    fn text(self, s: &str) -> Result<(), FlatError> {
        let leaf = self.row.str_leaf(s);
        self.leaf(leaf)
    }
}

/// The object under construction: keys extend the path of the object.
struct MapSer<'r> {
    row: &'r mut FlatRow,
    in_array: bool,
    prefix: usize,
}

impl<'r> MapSer<'r> {
    fn new(row: &'r mut FlatRow, in_array: bool) -> MapSer<'r> {
        let prefix = row.path.len();
        MapSer {
            row,
            in_array,
            prefix,
        }
    }

    fn start_key(&mut self) {
        self.row.path.truncate(self.prefix);
        if self.prefix > 0 {
            self.row.path.push('.');
        }
    }

    fn value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), FlatError> {
        value.serialize(ValueSer {
            row: self.row,
            in_array: self.in_array,
        })
    }
}

impl ser::SerializeMap for MapSer<'_> {
    type Ok = ();
    type Error = FlatError;

    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), FlatError> {
        self.start_key();
        key.serialize(KeySer {
            path: &mut self.row.path,
        })
    }

    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), FlatError> {
        self.value(value)
    }

    fn end(self) -> Result<(), FlatError> {
        self.row.path.truncate(self.prefix);
        Ok(())
    }
}

impl ser::SerializeStruct for MapSer<'_> {
    type Ok = ();
    type Error = FlatError;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), FlatError> {
        self.start_key();
        self.row.path.push_str(key);
        self.value(value)
    }

    fn end(self) -> Result<(), FlatError> {
        ser::SerializeMap::end(self)
    }
}

/// An array: scalars collect into `scratch[base..]`, objects spread their leaves into lists.
struct SeqSer<'r> {
    row: &'r mut FlatRow,
    in_array: bool,
    base: usize,
    saw_object: bool,
}

impl ser::SerializeSeq for SeqSer<'_> {
    type Ok = ();
    type Error = FlatError;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), FlatError> {
        value.serialize(ElemSer {
            row: self.row,
            base: self.base,
            saw_object: &mut self.saw_object,
        })
    }

    fn end(self) -> Result<(), FlatError> {
        if self.saw_object {
            Ok(())
        } else {
            self.row.push_list(self.base, self.in_array)
        }
    }
}

impl ser::SerializeTuple for SeqSer<'_> {
    type Ok = ();
    type Error = FlatError;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), FlatError> {
        ser::SerializeSeq::serialize_element(self, value)
    }

    fn end(self) -> Result<(), FlatError> {
        ser::SerializeSeq::end(self)
    }
}

impl ser::SerializeTupleStruct for SeqSer<'_> {
    type Ok = ();
    type Error = FlatError;

    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), FlatError> {
        ser::SerializeSeq::serialize_element(self, value)
    }

    fn end(self) -> Result<(), FlatError> {
        ser::SerializeSeq::end(self)
    }
}

/// One element of an array.
struct ElemSer<'a> {
    row: &'a mut FlatRow,
    base: usize,
    saw_object: &'a mut bool,
}

impl<'a> ElemSer<'a> {
    fn leaf(self, leaf: Leaf) -> Result<(), FlatError> {
        if *self.saw_object {
            return Err(FlatError::Unsupported(
                "an array mixing objects and scalars",
            ));
        }
        self.row.scratch.push(leaf);
        Ok(())
    }

    fn text(self, s: &str) -> Result<(), FlatError> {
        let leaf = self.row.str_leaf(s);
        self.leaf(leaf)
    }

    fn object(self) -> Result<MapSer<'a>, FlatError> {
        if self.row.scratch.len() > self.base {
            return Err(FlatError::Unsupported(
                "an array mixing objects and scalars",
            ));
        }
        *self.saw_object = true;
        Ok(MapSer::new(self.row, true))
    }
}

/// The scalar methods shared by [`ValueSer`] and [`ElemSer`]: numbers, booleans and strings
/// become leaves as `serde_json::to_value` + `flatten` would make them.
macro_rules! scalar_methods {
    () => {
        fn serialize_bool(self, v: bool) -> Result<(), FlatError> {
            self.leaf(Leaf::Bool(v))
        }
        fn serialize_i8(self, v: i8) -> Result<(), FlatError> {
            self.leaf(Leaf::Int(v.into()))
        }
        fn serialize_i16(self, v: i16) -> Result<(), FlatError> {
            self.leaf(Leaf::Int(v.into()))
        }
        fn serialize_i32(self, v: i32) -> Result<(), FlatError> {
            self.leaf(Leaf::Int(v.into()))
        }
        fn serialize_i64(self, v: i64) -> Result<(), FlatError> {
            self.leaf(Leaf::Int(v))
        }
        fn serialize_u8(self, v: u8) -> Result<(), FlatError> {
            self.leaf(Leaf::Int(v.into()))
        }
        fn serialize_u16(self, v: u16) -> Result<(), FlatError> {
            self.leaf(Leaf::Int(v.into()))
        }
        fn serialize_u32(self, v: u32) -> Result<(), FlatError> {
            self.leaf(Leaf::Int(v.into()))
        }
        fn serialize_u64(self, v: u64) -> Result<(), FlatError> {
            // `flatten::leaf` reads a u64 above i64::MAX with a wrapping cast.
            self.leaf(Leaf::Int(v as i64))
        }
        fn serialize_i128(self, _: i128) -> Result<(), FlatError> {
            Err(FlatError::Unsupported("128-bit integers"))
        }
        fn serialize_u128(self, _: u128) -> Result<(), FlatError> {
            Err(FlatError::Unsupported("128-bit integers"))
        }
        fn serialize_f32(self, v: f32) -> Result<(), FlatError> {
            ser::Serializer::serialize_f64(self, v.into())
        }
        fn serialize_f64(self, v: f64) -> Result<(), FlatError> {
            // serde_json turns a non-finite float into null, which flattening drops.
            if v.is_finite() {
                self.leaf(Leaf::Float(v))
            } else {
                Ok(())
            }
        }
        fn serialize_char(self, v: char) -> Result<(), FlatError> {
            self.text(v.encode_utf8(&mut [0u8; 4]))
        }
        fn serialize_str(self, v: &str) -> Result<(), FlatError> {
            self.text(v)
        }
        fn serialize_bytes(self, _: &[u8]) -> Result<(), FlatError> {
            Err(FlatError::Unsupported("bytes"))
        }
        fn serialize_none(self) -> Result<(), FlatError> {
            Ok(())
        }
        fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), FlatError> {
            value.serialize(self)
        }
        fn serialize_unit(self) -> Result<(), FlatError> {
            Ok(())
        }
        fn serialize_unit_struct(self, _: &'static str) -> Result<(), FlatError> {
            Ok(())
        }
        fn serialize_unit_variant(
            self,
            _: &'static str,
            _: u32,
            variant: &'static str,
        ) -> Result<(), FlatError> {
            self.text(variant)
        }
        fn serialize_newtype_struct<T: Serialize + ?Sized>(
            self,
            _: &'static str,
            value: &T,
        ) -> Result<(), FlatError> {
            value.serialize(self)
        }
        fn serialize_newtype_variant<T: Serialize + ?Sized>(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: &T,
        ) -> Result<(), FlatError> {
            Err(FlatError::Unsupported("enum variants with data"))
        }
        fn serialize_tuple_variant(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: usize,
        ) -> Result<Self::SerializeTupleVariant, FlatError> {
            Err(FlatError::Unsupported("enum variants with data"))
        }
        fn serialize_struct_variant(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: usize,
        ) -> Result<Self::SerializeStructVariant, FlatError> {
            Err(FlatError::Unsupported("enum variants with data"))
        }
    };
}

impl<'r> ser::Serializer for ValueSer<'r> {
    type Ok = ();
    type Error = FlatError;
    type SerializeSeq = SeqSer<'r>;
    type SerializeTuple = SeqSer<'r>;
    type SerializeTupleStruct = SeqSer<'r>;
    type SerializeTupleVariant = Impossible<(), FlatError>;
    type SerializeMap = MapSer<'r>;
    type SerializeStruct = MapSer<'r>;
    type SerializeStructVariant = Impossible<(), FlatError>;

    scalar_methods!();

    fn serialize_seq(self, _: Option<usize>) -> Result<SeqSer<'r>, FlatError> {
        let base = self.row.scratch.len();
        Ok(SeqSer {
            row: self.row,
            in_array: self.in_array,
            base,
            saw_object: false,
        })
    }

    fn serialize_tuple(self, len: usize) -> Result<SeqSer<'r>, FlatError> {
        self.serialize_seq(Some(len))
    }

    fn serialize_tuple_struct(self, _: &'static str, len: usize) -> Result<SeqSer<'r>, FlatError> {
        self.serialize_seq(Some(len))
    }

    fn serialize_map(self, _: Option<usize>) -> Result<MapSer<'r>, FlatError> {
        Ok(MapSer::new(self.row, self.in_array))
    }

    fn serialize_struct(self, _: &'static str, _: usize) -> Result<MapSer<'r>, FlatError> {
        Ok(MapSer::new(self.row, self.in_array))
    }
}

impl<'a> ser::Serializer for ElemSer<'a> {
    type Ok = ();
    type Error = FlatError;
    type SerializeSeq = Impossible<(), FlatError>;
    type SerializeTuple = Impossible<(), FlatError>;
    type SerializeTupleStruct = Impossible<(), FlatError>;
    type SerializeTupleVariant = Impossible<(), FlatError>;
    type SerializeMap = MapSer<'a>;
    type SerializeStruct = MapSer<'a>;
    type SerializeStructVariant = Impossible<(), FlatError>;

    scalar_methods!();

    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, FlatError> {
        Err(FlatError::Unsupported("nested arrays"))
    }

    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, FlatError> {
        Err(FlatError::Unsupported("nested arrays"))
    }

    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, FlatError> {
        Err(FlatError::Unsupported("nested arrays"))
    }

    fn serialize_map(self, _: Option<usize>) -> Result<MapSer<'a>, FlatError> {
        self.object()
    }

    fn serialize_struct(self, _: &'static str, _: usize) -> Result<MapSer<'a>, FlatError> {
        self.object()
    }
}

/// A map key, appended to the path. serde_json keys are strings (or chars); others take the
/// slow path.
struct KeySer<'a> {
    path: &'a mut String,
}

macro_rules! unsupported_keys {
    ($($name:ident: $t:ty),*) => {
        $(fn $name(self, _: $t) -> Result<(), FlatError> {
            Err(FlatError::Unsupported("a map key that is not a string"))
        })*
    };
}

impl ser::Serializer for KeySer<'_> {
    type Ok = ();
    type Error = FlatError;
    type SerializeSeq = Impossible<(), FlatError>;
    type SerializeTuple = Impossible<(), FlatError>;
    type SerializeTupleStruct = Impossible<(), FlatError>;
    type SerializeTupleVariant = Impossible<(), FlatError>;
    type SerializeMap = Impossible<(), FlatError>;
    type SerializeStruct = Impossible<(), FlatError>;
    type SerializeStructVariant = Impossible<(), FlatError>;

    fn serialize_str(self, v: &str) -> Result<(), FlatError> {
        self.path.push_str(v);
        Ok(())
    }

    fn serialize_char(self, v: char) -> Result<(), FlatError> {
        self.path.push(v);
        Ok(())
    }

    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<(), FlatError> {
        self.path.push_str(variant);
        Ok(())
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<(), FlatError> {
        value.serialize(self)
    }

    unsupported_keys!(
        serialize_bool: bool, serialize_i8: i8, serialize_i16: i16, serialize_i32: i32,
        serialize_i64: i64, serialize_u8: u8, serialize_u16: u16, serialize_u32: u32,
        serialize_u64: u64, serialize_f32: f32, serialize_f64: f64, serialize_bytes: &[u8],
        serialize_unit_struct: &'static str
    );

    fn serialize_none(self) -> Result<(), FlatError> {
        Err(FlatError::Unsupported("a map key that is not a string"))
    }

    fn serialize_some<T: Serialize + ?Sized>(self, _: &T) -> Result<(), FlatError> {
        Err(FlatError::Unsupported("a map key that is not a string"))
    }

    fn serialize_unit(self) -> Result<(), FlatError> {
        Err(FlatError::Unsupported("a map key that is not a string"))
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<(), FlatError> {
        Err(FlatError::Unsupported("a map key that is not a string"))
    }

    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, FlatError> {
        Err(FlatError::Unsupported("a map key that is not a string"))
    }

    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, FlatError> {
        Err(FlatError::Unsupported("a map key that is not a string"))
    }

    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, FlatError> {
        Err(FlatError::Unsupported("a map key that is not a string"))
    }

    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, FlatError> {
        Err(FlatError::Unsupported("a map key that is not a string"))
    }

    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, FlatError> {
        Err(FlatError::Unsupported("a map key that is not a string"))
    }

    fn serialize_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStruct, FlatError> {
        Err(FlatError::Unsupported("a map key that is not a string"))
    }

    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, FlatError> {
        Err(FlatError::Unsupported("a map key that is not a string"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dataset::flatten::{flatten_event, flatten_value};
    use proptest::prelude::*;
    use serde_json::{Value, json};

    /// The slots as the map `flatten_*` returns.
    fn as_map(row: &FlatRow, names: &[String]) -> BTreeMap<String, Flat> {
        let leaf = |l: &Leaf| match *l {
            Leaf::Str(s, e) => Flat::Str(row.text(s, e).to_string()),
            Leaf::Int(i) => Flat::Int(i),
            Leaf::Float(f) => Flat::Float(f),
            Leaf::Bool(b) => Flat::Bool(b),
        };
        let mut out = BTreeMap::new();
        for (i, name) in names.iter().enumerate() {
            let slot = row.slot(i);
            match slot.shape {
                Shape::Absent => assert!(slot.items.is_empty(), "{name}"),
                Shape::One => {
                    assert_eq!(slot.items.len(), 1, "{name}");
                    out.insert(name.clone(), leaf(&slot.items[0]));
                }
                Shape::List => {
                    out.insert(
                        name.clone(),
                        Flat::List(slot.items.iter().map(leaf).collect()),
                    );
                }
            }
        }
        out
    }

    #[test]
    fn generated_events_flatten_as_the_json_path() {
        let mut names: Vec<String> = Vec::new();
        for ds in generators::DataStream::ALL {
            for inline in [false, true] {
                let sample = generators::event::sample::maximal(ds);
                names.extend(flatten_event(&sample, inline).into_keys());
            }
        }
        names.sort();
        names.dedup();
        let mut row = FlatRow::new(names.iter().map(String::as_str));
        let mut checked = 0;
        for seed in [3, 17] {
            let world = generators::Builder::new()
                .seed(seed)
                .hosts(3)
                .duration(generators::time::Span::mins(30))
                .build()
                .expect("generator config");
            for e in world {
                for inline in [false, true] {
                    let want = flatten_event(&e, inline);
                    if inline {
                        row.fill(&generators::LabelledEvent(&e)).unwrap();
                    } else {
                        row.fill(&e).unwrap();
                    }
                    assert_eq!(as_map(&row, &names), want, "event {}", e.id);
                    checked += 1;
                }
            }
        }
        assert!(checked > 1000, "only {checked} events");
        // The exact path's map fills the same slots.
        let sample = generators::event::sample::maximal(generators::DataStream::Process);
        let flat = flatten_event(&sample, false);
        row.fill_from_flat(&flat).unwrap();
        assert_eq!(as_map(&row, &names), flat);
    }

    /// Either the fast path gives `flatten_value`'s map, or it declines (the writer then takes
    /// the exact path); it never gives something else.
    fn check(v: &Value) -> bool {
        let want = flatten_value(v);
        let names: Vec<String> = want.keys().cloned().collect();
        let mut row = FlatRow::new(names.iter().map(String::as_str));
        match row.fill(v) {
            Ok(()) => {
                assert_eq!(as_map(&row, &names), want, "{v}");
                true
            }
            Err(FlatError::Unsupported(_)) => false,
            Err(e) => panic!("{v}: {e}"),
        }
    }

    #[test]
    fn shapes_are_flattened_exactly_or_declined() {
        assert!(check(
            &json!({"a": {"b": 1, "c": [1, 2.5, "x", true, null]}, "d": []})
        ));
        assert!(check(
            &json!({"p": [{"x": 1, "y": [1, 2]}, null, {"x": 2}], "q": [null]})
        ));
        assert!(check(
            &json!({"f": 1.5, "u": 18446744073709551615u64, "n": null})
        ));
        assert!(check(&json!({"": {"a": 1}, "e": {"": 2}})));
        assert!(!check(&json!({"m": [1, {"x": 1}]})));
        assert!(!check(&json!({"m": [{"x": 1}, 1]})));
        assert!(!check(&json!({"m": [[1], 2]})));
        // Dotted keys that meet nested ones: the JSON path keeps the last; the fast path declines.
        assert!(!check(&json!({"a.b": 1, "a": {"b": 2}})));
        // A field outside the columns is named.
        let mut row = FlatRow::new(["a"]);
        assert!(
            matches!(row.fill(&json!({"a": 1, "b": 2})), Err(FlatError::Unknown(k)) if k == "b")
        );
    }

    fn json_value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::from),
            any::<i64>().prop_map(Value::from),
            any::<u64>().prop_map(Value::from),
            (-1e6f64..1e6).prop_map(Value::from),
            "[a-c]{0,2}".prop_map(Value::from),
        ];
        leaf.prop_recursive(4, 32, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                prop::collection::vec(("[a-c.]{0,2}", inner), 0..4)
                    .prop_map(|kv| Value::Object(kv.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]
        #[test]
        fn random_documents_flatten_exactly_or_decline(
            kv in prop::collection::vec(("[a-c.]{0,2}", json_value()), 0..5)
        ) {
            check(&Value::Object(kv.into_iter().collect()));
        }
    }
}
