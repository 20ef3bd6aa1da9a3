//! The vocabulary queries and adversarial documents are built from: which fields carry data and which
//! values occur in them.
//!
//! It is computed once per process from two generated fleets ([`VOCABULARY_FLEETS`]) plus a fixed set
//! of adversarial values per type, so that a predicate such as `process.name LIKE "ba*"` or
//! `user.id IN ("0", "")` selects something in most datasets the data strategies produce. Query and
//! data strategies both read it, but neither depends on the other's random choices, so proptest can
//! shrink a query and its documents independently.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, OnceLock};

use esql::{Catalog, DataType, Value};
use serde_json::Value as Json;

use super::dataset::{INDICES, harness_catalog};
use super::fleet_pool::{FleetParams, fleet};

/// The fleets whose values make up the vocabulary.
pub const VOCABULARY_FLEETS: [FleetParams; 2] = [
    FleetParams::DEFAULT,
    FleetParams {
        seed: 2,
        hosts: 2,
        minutes: 20,
        profile: 2,
        scenarios: 0,
    },
];

/// Most distinct sample values kept per field.
pub const MAX_SAMPLES: usize = 24;

/// A string longer than every `ignore_above` of the Elastic Defend mapping (1024).
pub fn long_string() -> String {
    let mut s = "x".repeat(1030);
    s.push_str("-end");
    s
}

/// Adversarial strings: empty, whitespace, non-ASCII, LIKE/RLIKE metacharacters, quotes, long.
pub fn adversarial_strings() -> Vec<String> {
    [
        "",
        " ",
        "é",
        "Ünïcödé-名前",
        "🦀 crab",
        "a*b?c",
        "back\\slash",
        "quote\"d",
        "tab\tnew\nline",
        "BASH",
        ".*",
        "[x]{2}",
    ]
    .into_iter()
    .map(str::to_owned)
    .chain(std::iter::once(long_string()))
    .collect()
}

/// Field facts and sample values.
#[derive(Debug, Clone)]
pub struct Vocabulary {
    /// The catalog queries are analysed against ([`harness_catalog`]).
    pub catalog: Catalog,
    /// Field → distinct values seen (each element of multi-values; first seen first), plus adversarial
    /// values of the field's type.
    pub samples: BTreeMap<String, Vec<Value>>,
    /// Index → source fields (not multi-fields or aliases) that carry data in the vocabulary fleets.
    pub populated: BTreeMap<String, Vec<String>>,
    /// Index → every source field of its mapping of a type ES|QL reads.
    pub mapped: BTreeMap<String, Vec<String>>,
    /// Index → a few real documents to start adversarial documents from.
    pub templates: BTreeMap<String, Vec<Json>>,
    /// Every keyword value seen, for generic string literals.
    pub strings: Vec<String>,
    /// Fields some vocabulary document holds several values in (good STATS keys and MV_EXPAND
    /// columns).
    pub multi_valued: BTreeSet<String>,
    /// Fields that carry data: a source field populated in some index, or a field with a sample
    /// value that is not one of the adversarial values of its type (computed once: the query
    /// builder asks for every candidate column).
    pub with_data: BTreeSet<String>,
}

/// The vocabulary of this process (built on first use).
pub fn vocabulary() -> Arc<Vocabulary> {
    static V: OnceLock<Arc<Vocabulary>> = OnceLock::new();
    V.get_or_init(|| Arc::new(build())).clone()
}

fn readable(t: DataType) -> bool {
    !matches!(t, DataType::Unsupported | DataType::GeoPoint)
}

fn build() -> Vocabulary {
    let catalog = harness_catalog();
    let mut samples: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    let mut populated: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut templates: BTreeMap<String, Vec<Json>> = BTreeMap::new();
    let mut strings: BTreeSet<String> = BTreeSet::new();
    let mut multi_valued: BTreeSet<String> = BTreeSet::new();
    for params in VOCABULARY_FLEETS {
        let f = fleet(params);
        for (i, d) in f.docs.iter().enumerate() {
            let mapping = catalog.mapping_for(&d.index);
            for (name, value) in &d.document.fields {
                if matches!(value, Value::Multi(_)) {
                    multi_valued.insert(name.clone());
                }
                let entry = samples.entry(name.clone()).or_default();
                for v in value.values() {
                    if entry.len() < MAX_SAMPLES && !entry.contains(v) {
                        entry.push(v.clone());
                    }
                    if let Value::Keyword(s) = v
                        && s.len() <= 200
                        && strings.len() < 4000
                    {
                        strings.insert(s.clone());
                    }
                }
                let is_source = mapping
                    .as_ref()
                    .and_then(|m| m.get(name))
                    .is_some_and(|fm| fm.multi_field_of.is_none() && fm.es_type != "alias");
                if is_source {
                    populated
                        .entry(d.index.clone())
                        .or_default()
                        .insert(name.clone());
                }
            }
            let t = templates.entry(d.index.clone()).or_default();
            if t.len() < 8 && (i % 37 == 0 || d.labelled) {
                t.push((*d.json).clone());
            }
        }
    }
    let mut mapped: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for index in INDICES {
        let Some(m) = catalog.mapping_for(index) else {
            continue;
        };
        let fields: Vec<String> = m
            .fields
            .iter()
            .filter(|(_, f)| {
                f.multi_field_of.is_none()
                    && f.es_type != "alias"
                    && f.constant_value.is_none()
                    && readable(f.data_type)
            })
            .map(|(n, _)| n.clone())
            .collect();
        mapped.insert(index.to_owned(), fields);
        // Every field of every index gets the adversarial values of its type.
        for (name, f) in &m.fields {
            let extra = adversarial_values(f.data_type);
            let entry = samples.entry(name.clone()).or_default();
            for v in extra {
                if !entry.contains(&v) {
                    entry.push(v);
                }
            }
        }
    }
    // The edge stream holds only adversarial documents built from process templates.
    if let Some(p) = populated.get(INDICES[2]).cloned() {
        populated.insert(INDICES[3].to_owned(), p);
    }
    if let Some(t) = templates.get(INDICES[2]).cloned() {
        templates.insert(INDICES[3].to_owned(), t);
    }
    let mut with_data: BTreeSet<String> = populated.values().flatten().cloned().collect();
    with_data.extend(
        samples
            .iter()
            .filter(|(_, s)| {
                s.iter()
                    .any(|v| !adversarial_values(kind_of(v)).contains(v))
            })
            .map(|(f, _)| f.clone()),
    );
    Vocabulary {
        catalog,
        samples,
        populated: populated
            .into_iter()
            .map(|(k, v)| (k, v.into_iter().collect()))
            .collect(),
        mapped,
        templates,
        strings: strings.into_iter().collect(),
        multi_valued,
        with_data,
    }
}

/// A few adversarial values of type `t` (the ones adversarial documents use too).
pub fn adversarial_values(t: DataType) -> Vec<Value> {
    match t {
        DataType::Keyword | DataType::Text => adversarial_strings()
            .into_iter()
            .filter(|s| s.len() <= 1024)
            .map(Value::Keyword)
            .collect(),
        DataType::Long => vec![
            Value::Long(0),
            Value::Long(-1),
            Value::Long(i64::MAX),
            Value::Long(i64::MIN + 1),
            Value::Long(1 << 53),
        ],
        DataType::Integer => vec![Value::Integer(0), Value::Integer(i32::MAX)],
        DataType::Double => vec![
            Value::Double(0.0),
            Value::Double(-1.5),
            Value::Double(1e300),
            Value::Double(5e-324),
        ],
        DataType::UnsignedLong => vec![Value::UnsignedLong(0), Value::UnsignedLong(u64::MAX)],
        DataType::Boolean => vec![Value::Boolean(true), Value::Boolean(false)],
        DataType::Date => vec![Value::Date(0), Value::Date(1_714_953_600_000)],
        DataType::Ip => ["10.0.0.1", "::1", "fe80::1"]
            .iter()
            .filter_map(|s| s.parse().ok())
            .map(Value::Ip)
            .collect(),
        _ => Vec::new(),
    }
}

impl Vocabulary {
    /// Sample values of `field` (empty when unknown).
    pub fn samples_of(&self, field: &str) -> &[Value] {
        self.samples.get(field).map(Vec::as_slice).unwrap_or(&[])
    }

    /// True when some vocabulary document has several values in `field`.
    pub fn is_multi_valued(&self, field: &str) -> bool {
        self.multi_valued.contains(field)
    }

    /// True when some vocabulary document has a value in `field`.
    pub fn is_populated(&self, field: &str) -> bool {
        self.with_data.contains(field)
    }
}

fn kind_of(v: &Value) -> DataType {
    match v {
        Value::Keyword(_) => DataType::Keyword,
        Value::Long(_) => DataType::Long,
        Value::Integer(_) => DataType::Integer,
        Value::Double(_) => DataType::Double,
        Value::UnsignedLong(_) => DataType::UnsignedLong,
        Value::Boolean(_) => DataType::Boolean,
        Value::Date(_) => DataType::Date,
        Value::Ip(_) => DataType::Ip,
        _ => DataType::Null,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vocabulary_knows_common_fields_and_their_values() {
        let v = vocabulary();
        assert!(v.is_populated("process.name"));
        assert!(v.is_populated("@timestamp"));
        assert!(!v.samples_of("process.name").is_empty());
        assert!(v.populated[INDICES[2]].len() > 20);
        assert!(v.mapped[INDICES[0]].len() > 50);
        assert!(!v.templates[INDICES[2]].is_empty());
        assert!(long_string().len() > 1024);
        assert!(v.is_multi_valued("process.args"), "{:?}", v.multi_valued);
    }
}
