//! Serializing a generated event to JSON, keeping only the fields the rules read.
//!
//! A generated Elastic Defend document is a few kilobytes of JSON, of which a rule reads a dozen
//! fields. [`to_pruned_json`] runs the event's own `Serialize` implementation through a serde
//! [`Serializer`] that skips every subtree whose dotted path leads to no wanted field, and returns the
//! rest as a `serde_json::Value` — which is then indexed by `esql::ingest` exactly as the full
//! document would be, so pruning changes no value a rule sees.

use serde::Serialize;
use serde::ser::{
    SerializeMap, SerializeSeq, SerializeStruct, SerializeStructVariant, SerializeTuple,
    SerializeTupleStruct, SerializeTupleVariant, Serializer,
};
use serde_json::{Map, Value as Json};

/// A node of the path trie: its children by key, and whether everything below it is wanted.
#[derive(Debug, Clone, Default)]
struct Node {
    /// A handful per node: a linear scan beats hashing each key of every serialized event.
    children: Vec<(String, Node)>,
    all: bool,
}

impl Node {
    /// The node reached from `self` through a (possibly dotted) key; `None` when nothing below is wanted.
    fn step(&self, key: &str) -> Option<&Node> {
        if self.all {
            return Some(self);
        }
        if !key.contains('.') {
            return self.child(key);
        }
        let mut n = self;
        for part in key.split('.') {
            if n.all {
                return Some(n);
            }
            n = n.child(part)?;
        }
        Some(n)
    }

    /// The child under one path segment.
    fn child(&self, part: &str) -> Option<&Node> {
        self.children
            .iter()
            .find(|(k, _)| k == part)
            .map(|(_, n)| n)
    }
}

/// The dotted source paths to keep, as a trie of path segments.
#[derive(Debug, Clone, Default)]
pub struct FieldFilter {
    root: Node,
}

impl FieldFilter {
    /// A filter keeping everything.
    pub fn all() -> FieldFilter {
        let mut f = FieldFilter::default();
        f.add_all();
        f
    }

    /// A filter keeping `paths` (and whatever lies below them).
    pub fn new<I: IntoIterator<Item = String>>(paths: I) -> FieldFilter {
        let mut f = FieldFilter::default();
        for p in paths {
            f.add(&p);
        }
        f
    }

    /// Adds a wanted path (and everything below it).
    pub fn add(&mut self, path: &str) {
        let mut n = &mut self.root;
        for part in path.split('.') {
            let i = match n.children.iter().position(|(k, _)| k == part) {
                Some(i) => i,
                None => {
                    n.children.push((part.to_owned(), Node::default()));
                    n.children.len() - 1
                }
            };
            n = &mut n.children[i].1;
        }
        n.all = true;
    }

    /// Keeps everything from now on.
    pub fn add_all(&mut self) {
        self.root.all = true;
    }

    /// Whether everything is kept.
    pub fn keeps_all(&self) -> bool {
        self.root.all
    }

    /// Whether the value at `path` may hold a wanted field.
    pub fn keep(&self, path: &str) -> bool {
        self.root.step(path).is_some()
    }
}

/// Serializes `value` to JSON, keeping only the paths `filter` keeps.
pub fn to_pruned_json<T: Serialize + ?Sized>(
    value: &T,
    filter: &FieldFilter,
) -> Result<Json, serde_json::Error> {
    if filter.keeps_all() {
        return serde_json::to_value(value);
    }
    value.serialize(Pruned { node: &filter.root })
}

/// The serializer: `node` is the trie node of the value being serialized.
#[derive(Clone, Copy)]
struct Pruned<'f> {
    node: &'f Node,
}

/// Collects a map or struct, skipping entries whose path is not kept.
struct MapOut<'f> {
    node: &'f Node,
    map: Map<String, Json>,
    key: Option<String>,
}

impl MapOut<'_> {
    fn entry<T: Serialize + ?Sized>(
        &mut self,
        key: &str,
        value: &T,
    ) -> Result<(), serde_json::Error> {
        let Some(node) = self.node.step(key) else {
            return Ok(());
        };
        let v = if node.all {
            serde_json::to_value(value)?
        } else {
            value.serialize(Pruned { node })?
        };
        self.map.insert(key.to_owned(), v);
        Ok(())
    }
}

fn key_string<T: Serialize + ?Sized>(key: &T) -> Result<String, serde_json::Error> {
    match serde_json::to_value(key)? {
        Json::String(s) => Ok(s),
        other => Ok(other.to_string()),
    }
}

impl SerializeMap for MapOut<'_> {
    type Ok = Json;
    type Error = serde_json::Error;

    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Self::Error> {
        self.key = Some(key_string(key)?);
        Ok(())
    }

    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Self::Error> {
        let key = self.key.take().unwrap_or_default();
        self.entry(&key, value)
    }

    fn serialize_entry<K: Serialize + ?Sized, V: Serialize + ?Sized>(
        &mut self,
        key: &K,
        value: &V,
    ) -> Result<(), Self::Error> {
        let key = key_string(key)?;
        self.entry(&key, value)
    }

    fn end(self) -> Result<Json, Self::Error> {
        Ok(Json::Object(self.map))
    }
}

impl SerializeStruct for MapOut<'_> {
    type Ok = Json;
    type Error = serde_json::Error;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Self::Error> {
        self.entry(key, value)
    }

    fn end(self) -> Result<Json, Self::Error> {
        Ok(Json::Object(self.map))
    }
}

impl SerializeStructVariant for MapOut<'_> {
    type Ok = Json;
    type Error = serde_json::Error;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Self::Error> {
        self.entry(key, value)
    }

    fn end(self) -> Result<Json, Self::Error> {
        Ok(Json::Object(self.map))
    }
}

/// Collects a sequence; elements share the sequence's path.
struct SeqOut<'f> {
    node: &'f Node,
    items: Vec<Json>,
}

impl SeqOut<'_> {
    fn push<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), serde_json::Error> {
        let v = value.serialize(Pruned { node: self.node })?;
        self.items.push(v);
        Ok(())
    }
}

macro_rules! seq_impl {
    ($trait:ident, $method:ident) => {
        impl $trait for SeqOut<'_> {
            type Ok = Json;
            type Error = serde_json::Error;

            fn $method<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Self::Error> {
                self.push(value)
            }

            fn end(self) -> Result<Json, Self::Error> {
                Ok(Json::Array(self.items))
            }
        }
    };
}

seq_impl!(SerializeSeq, serialize_element);
seq_impl!(SerializeTuple, serialize_element);
seq_impl!(SerializeTupleStruct, serialize_field);
seq_impl!(SerializeTupleVariant, serialize_field);

macro_rules! scalar {
    ($method:ident, $t:ty) => {
        fn $method(self, v: $t) -> Result<Json, serde_json::Error> {
            serde_json::value::Serializer.$method(v)
        }
    };
}

impl<'f> Serializer for Pruned<'f> {
    type Ok = Json;
    type Error = serde_json::Error;
    type SerializeSeq = SeqOut<'f>;
    type SerializeTuple = SeqOut<'f>;
    type SerializeTupleStruct = SeqOut<'f>;
    type SerializeTupleVariant = SeqOut<'f>;
    type SerializeMap = MapOut<'f>;
    type SerializeStruct = MapOut<'f>;
    type SerializeStructVariant = MapOut<'f>;

    scalar!(serialize_bool, bool);
    scalar!(serialize_i8, i8);
    scalar!(serialize_i16, i16);
    scalar!(serialize_i32, i32);
    scalar!(serialize_i64, i64);
    scalar!(serialize_i128, i128);
    scalar!(serialize_u8, u8);
    scalar!(serialize_u16, u16);
    scalar!(serialize_u32, u32);
    scalar!(serialize_u64, u64);
    scalar!(serialize_u128, u128);
    scalar!(serialize_f32, f32);
    scalar!(serialize_f64, f64);
    scalar!(serialize_char, char);
    scalar!(serialize_str, &str);
    scalar!(serialize_bytes, &[u8]);

    fn serialize_none(self) -> Result<Json, Self::Error> {
        Ok(Json::Null)
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<Json, Self::Error> {
        value.serialize(self)
    }

    fn serialize_unit(self) -> Result<Json, Self::Error> {
        Ok(Json::Null)
    }

    fn serialize_unit_struct(self, _name: &'static str) -> Result<Json, Self::Error> {
        Ok(Json::Null)
    }

    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<Json, Self::Error> {
        Ok(Json::String(variant.to_owned()))
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<Json, Self::Error> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<Json, Self::Error> {
        let mut out = MapOut {
            node: self.node,
            map: Map::new(),
            key: None,
        };
        out.entry(variant, value)?;
        SerializeMap::end(out)
    }

    fn serialize_seq(self, len: Option<usize>) -> Result<SeqOut<'f>, Self::Error> {
        Ok(SeqOut {
            node: self.node,
            items: Vec::with_capacity(len.unwrap_or(0)),
        })
    }

    fn serialize_tuple(self, len: usize) -> Result<SeqOut<'f>, Self::Error> {
        self.serialize_seq(Some(len))
    }

    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        len: usize,
    ) -> Result<SeqOut<'f>, Self::Error> {
        self.serialize_seq(Some(len))
    }

    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        len: usize,
    ) -> Result<SeqOut<'f>, Self::Error> {
        self.serialize_seq(Some(len))
    }

    fn serialize_map(self, _len: Option<usize>) -> Result<MapOut<'f>, Self::Error> {
        Ok(MapOut {
            node: self.node,
            map: Map::new(),
            key: None,
        })
    }

    fn serialize_struct(self, _name: &'static str, len: usize) -> Result<MapOut<'f>, Self::Error> {
        self.serialize_map(Some(len))
    }

    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        len: usize,
    ) -> Result<MapOut<'f>, Self::Error> {
        self.serialize_map(Some(len))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn keeps_wanted_paths_and_their_ancestors_only() {
        let doc = json!({
            "@timestamp": "2024-01-01T00:00:00Z",
            "process": {"name": "scp", "args": ["a", "b"], "parent": {"name": "bash", "pid": 3}},
            "host": {"ip": ["10.0.0.1", "::1"], "name": "h"},
            "event": {"action": ["fork", "exec"]}
        });
        let f = FieldFilter::new([
            "process.parent.name".into(),
            "event.action".into(),
            "host.ip".into(),
        ]);
        let got = to_pruned_json(&doc, &f).unwrap();
        assert_eq!(
            got,
            json!({"process": {"parent": {"name": "bash"}}, "host": {"ip": ["10.0.0.1", "::1"]},
                   "event": {"action": ["fork", "exec"]}})
        );
    }

    #[test]
    fn a_wanted_object_keeps_its_subtree() {
        let doc = json!({"file": {"Ext": {"original": {"path": "/a", "name": "a"}}, "path": "/b"}});
        let f = FieldFilter::new(["file.Ext".into()]);
        assert_eq!(
            to_pruned_json(&doc, &f).unwrap(),
            json!({"file": {"Ext": {"original": {"path": "/a", "name": "a"}}}})
        );
        assert!(f.keep("file.Ext.original.name"));
        assert!(!f.keep("file.path"));
        assert!(!f.keep("fil"));
    }

    #[test]
    fn keep_all_is_plain_serialization() {
        let doc = json!({"a": {"b": [1, 2]}, "c": null});
        assert_eq!(to_pruned_json(&doc, &FieldFilter::all()).unwrap(), doc);
    }

    #[test]
    fn generated_events_prune_to_the_same_indexed_values() {
        let catalog = esql::Catalog::elastic_defend();
        let world = generators::Builder::new()
            .seed(3)
            .hosts(2)
            .duration(generators::time::Span::mins(60))
            .build()
            .unwrap();
        let fields = [
            "process.name",
            "event.action",
            "process.parent.executable",
            "event.id",
            "user.id",
        ];
        let filter = FieldFilter::new(fields.iter().map(|s| s.to_string()));
        let mut n = 0;
        for e in world.take(500) {
            let index = e.data_stream().name();
            let mapping = catalog.mapping_for(index).unwrap();
            let full = serde_json::to_value(&e).unwrap();
            let pruned = to_pruned_json(&e, &filter).unwrap();
            let id = esql::ingest::event_id(&full).unwrap();
            let a = esql::ingest::index_document(&full, &id, index, &mapping).unwrap();
            let b = esql::ingest::index_document(&pruned, &id, index, &mapping).unwrap();
            for f in fields {
                assert_eq!(a.get(f), b.get(f), "{f}");
            }
            n += 1;
        }
        assert_eq!(n, 500);
    }
}
