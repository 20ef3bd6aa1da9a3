//! Adversarial documents: the JSON shapes that break naive indexing and evaluation.
//!
//! Each document starts empty or from a real generated document of its index and gets a few edits on
//! fields the vocabulary knows: a field removed, set to an explicit `null`, an empty string, an empty or
//! one-element array, duplicate values, `[v, null, w]`, nested arrays, non-ASCII or over-`ignore_above`
//! strings, LIKE/RLIKE metacharacters, extreme numbers, numbers as strings, and values the mapping
//! rejects (so ingest must report, not drop, them). Edits write either into the object tree or as a
//! dotted key (`"process.name": …`), which Elasticsearch merges with the object form.

use proptest::prelude::*;
use serde_json::{Map, Value as Json, json};

use super::dataset::{INDICES, SourceDoc};
use super::vocabulary::{Vocabulary, long_string};
use esql::{DataType, Value};

/// How an edit shapes the value it writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// Remove the field.
    Missing,
    /// `null`.
    Null,
    /// `[]`.
    EmptyArray,
    /// One value.
    Scalar,
    /// `[v]`.
    OneElement,
    /// `[v, v]`.
    Duplicate,
    /// `[v, null, w]`.
    WithNull,
    /// `[[v], [w, v]]`.
    Nested,
}

const SHAPES: [Shape; 8] = [
    Shape::Scalar,
    Shape::Missing,
    Shape::Null,
    Shape::EmptyArray,
    Shape::OneElement,
    Shape::Duplicate,
    Shape::WithNull,
    Shape::Nested,
];

/// One edit: which field (by position in the index's field lists), which shape, which values.
#[derive(Debug, Clone)]
pub struct Edit {
    /// Picks the field: even → among populated fields, odd → among all mapped fields.
    pub field: u32,
    /// Index into the shapes.
    pub shape: u8,
    /// Picks the first value.
    pub value: u32,
    /// Picks the second value.
    pub other: u32,
    /// Write as a dotted top-level key instead of into the object tree.
    pub dotted: bool,
}

/// The recipe of one adversarial document.
#[derive(Debug, Clone)]
pub struct AdversarialDoc {
    /// Index (position in [`INDICES`]; the edge stream is the most likely).
    pub index: u8,
    /// Start from a template document (`Some(k)`) or from `{}`.
    pub template: Option<u8>,
    /// The edits, in order.
    pub edits: Vec<Edit>,
}

/// Recipes of adversarial documents.
pub fn adversarial_doc() -> impl Strategy<Value = AdversarialDoc> {
    let edit = (
        any::<u32>(),
        any::<u8>(),
        any::<u32>(),
        any::<u32>(),
        any::<bool>(),
    )
        .prop_map(|(field, shape, value, other, dotted)| Edit {
            field,
            shape,
            value,
            other,
            dotted: dotted && value % 4 == 0,
        });
    (
        prop_oneof![3 => Just(3u8), 2 => Just(2u8), 1 => Just(0u8), 1 => Just(1u8)],
        proptest::option::weighted(0.7, any::<u8>()),
        proptest::collection::vec(edit, 1..6),
    )
        .prop_map(|(index, template, edits)| AdversarialDoc {
            index,
            template,
            edits,
        })
}

impl AdversarialDoc {
    /// The document this recipe describes, under the vocabulary.
    pub fn render(&self, vocab: &Vocabulary) -> SourceDoc {
        let index = INDICES[self.index as usize % INDICES.len()];
        let mut doc = match (self.template, vocab.templates.get(index)) {
            (Some(k), Some(ts)) if !ts.is_empty() => ts[k as usize % ts.len()].clone(),
            _ => Json::Object(Map::new()),
        };
        let empty = Vec::new();
        let populated = vocab.populated.get(index).unwrap_or(&empty);
        let mapped = vocab.mapped.get(index).unwrap_or(&empty);
        let mapping = vocab.catalog.mapping_for(index);
        for e in &self.edits {
            let pool = if e.field % 2 == 0 && !populated.is_empty() {
                populated
            } else {
                mapped
            };
            if pool.is_empty() {
                continue;
            }
            let field = &pool[(e.field / 2) as usize % pool.len()];
            let t = mapping
                .as_ref()
                .and_then(|m| m.get(field))
                .map(|f| f.data_type)
                .unwrap_or(DataType::Keyword);
            let shape = SHAPES[e.shape as usize % SHAPES.len()];
            let v = value_for(vocab, field, t, e.value);
            let w = value_for(vocab, field, t, e.other);
            let value = match shape {
                Shape::Missing => None,
                Shape::Null => Some(Json::Null),
                Shape::EmptyArray => Some(json!([])),
                Shape::Scalar => Some(v),
                Shape::OneElement => Some(json!([v])),
                Shape::Duplicate => Some(json!([v.clone(), v])),
                Shape::WithNull => Some(json!([v, null, w])),
                Shape::Nested => Some(json!([[v.clone()], [w, v]])),
            };
            set(&mut doc, field, value, e.dotted);
        }
        SourceDoc::new(index, doc)
    }
}

/// A JSON value for a field of type `t`: a vocabulary value most of the time, else an edge case
/// (some of which the mapping rejects).
fn value_for(vocab: &Vocabulary, field: &str, t: DataType, pick: u32) -> Json {
    let samples = vocab.samples_of(field);
    if !pick.is_multiple_of(3) && !samples.is_empty() {
        return value_json(&samples[(pick / 3) as usize % samples.len()]);
    }
    let k = (pick / 3) as usize;
    let edge: Vec<Json> = match t {
        DataType::Keyword | DataType::Text => vec![
            json!(""),
            json!(" padded "),
            json!("é"),
            json!("日本語のパス/ファイル"),
            json!("🦀"),
            json!(long_string()),
            json!("a*b?c\\d"),
            json!(42),
            json!(true),
            json!(-0.5),
        ],
        DataType::Long | DataType::Integer => vec![
            json!(i64::MAX),
            json!(i64::MIN),
            json!(0),
            json!(-1),
            json!(9_007_199_254_740_993i64),
            json!("42"),
            json!(1.75),
            json!("abc"),
            json!(1e20),
            json!(i32::MAX),
        ],
        DataType::Double => vec![
            json!(0.0),
            json!(-0.0),
            json!(1e308),
            json!(5e-324),
            json!(-1.5),
            json!("3.25"),
            json!(i64::MAX),
            json!("NaN-ish"),
        ],
        DataType::UnsignedLong => vec![
            json!(0),
            json!(u64::MAX),
            json!("18446744073709551615"),
            json!(-1),
        ],
        DataType::Boolean => vec![
            json!(true),
            json!(false),
            json!("true"),
            json!("false"),
            json!(""),
            json!("yes"),
        ],
        DataType::Date => vec![
            json!(0),
            json!(1_714_953_600_000i64),
            json!("2024-05-06T10:00:00Z"),
            json!("2024-05-06"),
            json!("2024-05-06T10:00:00.123456789Z"),
            json!("not a date"),
            json!(-1),
        ],
        DataType::Ip => vec![
            json!("10.0.0.1"),
            json!("::1"),
            json!("fe80::1"),
            json!("::ffff:1.2.3.4"),
            json!("999.1.1.1"),
        ],
        _ => vec![json!({"x": 1}), json!("x")],
    };
    edge[k % edge.len()].clone()
}

/// A value as its `_source` JSON.
pub fn value_json(v: &Value) -> Json {
    match v {
        Value::Null => Json::Null,
        Value::Boolean(b) => json!(b),
        Value::Integer(i) => json!(i),
        Value::Long(i) => json!(i),
        Value::UnsignedLong(u) => json!(u),
        Value::Double(d) => serde_json::Number::from_f64(*d)
            .map(Json::Number)
            .unwrap_or(Json::Null),
        Value::Keyword(s) | Value::Version(s) => json!(s),
        Value::Date(ms) => json!(ms),
        Value::Multi(vs) => Json::Array(vs.iter().map(value_json).collect()),
        other => json!(other.to_string()),
    }
}

/// Sets (or with `None` removes) the dotted field `path` of `doc`.
fn set(doc: &mut Json, path: &str, value: Option<Json>, dotted: bool) {
    let Json::Object(root) = doc else { return };
    if dotted {
        match value {
            Some(v) => {
                root.insert(path.to_owned(), v);
            }
            None => {
                root.remove(path);
            }
        }
        return;
    }
    let parts: Vec<&str> = path.split('.').collect();
    let mut obj = root;
    for p in &parts[..parts.len() - 1] {
        let slot = obj
            .entry((*p).to_owned())
            .or_insert_with(|| Json::Object(Map::new()));
        if !slot.is_object() {
            *slot = Json::Object(Map::new());
        }
        let Json::Object(next) = slot else { return };
        obj = next;
    }
    let last = parts[parts.len() - 1];
    match value {
        Some(v) => {
            obj.insert(last.to_owned(), v);
        }
        None => {
            obj.remove(last);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_writes_into_objects_or_as_dotted_keys() {
        let mut d = json!({"process": {"pid": 1}});
        set(&mut d, "process.name", Some(json!("a")), false);
        set(&mut d, "process.pid", None, false);
        set(&mut d, "user.name", Some(json!([])), true);
        assert_eq!(d, json!({"process": {"name": "a"}, "user.name": []}));
    }
}
