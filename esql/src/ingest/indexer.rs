//! Indexing one JSON document under a mapping: the one place where a JSON `_source` becomes an
//! [`esql::Document`](crate::Document) as Elasticsearch would index it and ES|QL would read it back.
//!
//! Steps: (1) walk the JSON, flattening objects to dotted names (dotted keys such as
//! `{"process.name": …}` merge with objects), arrays (also of objects, and nested arrays) to several
//! values of one field, dropping nulls; (2) convert each value under its field's mapping type
//! ([`super::coerce`]), rejecting the document as `_bulk` would on the first bad value; (3) feed the
//! parent's source values to its multi-fields (`a.keyword`), give `constant_keyword` fields their
//! mapped value and aliases their target's values; (4) read every field back in doc-values order
//! ([`super::doc_values`]). Unmapped fields are ignored and reported, as are fields of types ES|QL
//! cannot read (`geo_point`, `flattened`, …), which read back as null.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value as Json;

use super::coerce::{Converted, FieldCtx, convert};
use super::doc_values::{read_back, read_order};
use super::error::IngestError;
use crate::{DataType, Document, FieldMapping, Mapping, Value};

/// A document indexed under a mapping, and what was left out of it.
#[derive(Debug, Clone, PartialEq)]
pub struct Indexed {
    /// The document as ES|QL reads it.
    pub document: Document,
    /// Dotted names of leaf values the mapping does not have (ignored, sorted).
    pub unmapped: Vec<String>,
    /// Mapped fields of types detsim does not read (they read back as null, sorted).
    pub unsupported: Vec<String>,
}

/// A mapping prepared for indexing many documents.
#[derive(Debug, Clone)]
pub struct Indexer<'m> {
    mapping: &'m Mapping,
    /// Dotted paths that are objects in the mapping (proper prefixes of source fields).
    objects: BTreeSet<String>,
    /// Source field → its multi-fields.
    multi_fields: BTreeMap<&'m str, Vec<&'m str>>,
    /// `constant_keyword` fields and their value, in mapping order (precomputed once).
    constants: Vec<(&'m str, &'m str)>,
    /// Aliases and their target, in mapping order (precomputed once).
    aliases: Vec<(&'m str, &'m str)>,
}

/// Indexes one document under `mapping`: see the module doc. The common entry point; use an
/// [`Indexer`] to index many documents under one mapping and to learn which fields were unmapped.
pub fn index_document(
    json: &Json,
    id: &str,
    index: &str,
    mapping: &Mapping,
) -> Result<Document, IngestError> {
    Indexer::new(mapping)
        .index(json, id, index)
        .map(|i| i.document)
}

fn is_alias(f: &FieldMapping) -> bool {
    f.es_type == "alias"
}

fn is_multi_field(f: &FieldMapping) -> bool {
    f.multi_field_of.is_some() && !is_alias(f)
}

/// Types whose values are structured JSON (points, objects) that ES|QL does not read as a value.
fn is_opaque(f: &FieldMapping) -> bool {
    matches!(f.data_type, DataType::Unsupported | DataType::GeoPoint) && !is_alias(f)
}

impl<'m> Indexer<'m> {
    /// Prepares `mapping`.
    pub fn new(mapping: &'m Mapping) -> Indexer<'m> {
        let mut objects = BTreeSet::new();
        let mut multi_fields: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for (name, f) in &mapping.fields {
            if is_multi_field(f) {
                if let Some(parent) = &f.multi_field_of {
                    multi_fields
                        .entry(parent.as_str())
                        .or_default()
                        .push(name.as_str());
                }
                continue;
            }
            let mut end = 0;
            while let Some(dot) = name[end..].find('.') {
                end += dot;
                objects.insert(name[..end].to_owned());
                end += 1;
            }
        }
        let constants = mapping
            .fields
            .iter()
            .filter_map(|(n, f)| f.constant_value.as_deref().map(|c| (n.as_str(), c)))
            .collect();
        let aliases = mapping
            .fields
            .iter()
            .filter(|(_, f)| is_alias(f))
            .filter_map(|(n, f)| f.multi_field_of.as_deref().map(|t| (n.as_str(), t)))
            .collect();
        Indexer {
            mapping,
            objects,
            multi_fields,
            constants,
            aliases,
        }
    }

    /// The mapping documents are indexed under.
    pub fn mapping(&self) -> &'m Mapping {
        self.mapping
    }

    /// A mapped field that takes values from `_source` (not a multi-field or alias).
    fn source_field(&self, path: &str) -> Option<&'m FieldMapping> {
        self.mapping.get(path).filter(|f| !is_multi_field(f))
    }

    /// Indexes `json` as document `id` of `index`.
    pub fn index(&self, json: &Json, id: &str, index: &str) -> Result<Indexed, IngestError> {
        if !json.is_object() {
            return Err(IngestError::NotAnObject { id: id.to_owned() });
        }
        let mut walk = Walk {
            id,
            raw: BTreeMap::new(),
            unmapped: BTreeSet::new(),
            unsupported: BTreeSet::new(),
        };
        self.walk("", json, &mut walk)?;

        let mut fields = BTreeMap::new();
        let mut ignored = BTreeSet::new();
        for (name, raws) in &walk.raw {
            let Some(f) = self.source_field(name) else {
                continue;
            };
            self.store(id, name, f, raws, &mut fields, &mut ignored)?;
            for sub in self.multi_fields.get(name.as_str()).into_iter().flatten() {
                let Some(sf) = self.mapping.get(sub) else {
                    continue;
                };
                if is_opaque(sf) {
                    walk.unsupported.insert((*sub).to_owned());
                    continue;
                }
                self.store(id, sub, sf, raws, &mut fields, &mut ignored)?;
            }
        }
        for (name, c) in &self.constants {
            if !fields.contains_key(*name) {
                fields.insert((*name).to_owned(), Value::Keyword((*c).to_owned()));
            }
        }
        for (name, target) in &self.aliases {
            if let Some(v) = fields.get(*target).cloned() {
                fields.insert((*name).to_owned(), v);
            }
        }
        Ok(Indexed {
            document: Document {
                id: id.to_owned(),
                index: index.to_owned(),
                version: 1,
                fields,
                ignored: ignored.into_iter().collect(),
            },
            unmapped: walk.unmapped.into_iter().collect(),
            unsupported: walk.unsupported.into_iter().collect(),
        })
    }

    /// Converts the raw values of one field and stores them in read-back order.
    fn store(
        &self,
        id: &str,
        name: &str,
        f: &FieldMapping,
        raws: &[&Json],
        fields: &mut BTreeMap<String, Value>,
        ignored: &mut BTreeSet<String>,
    ) -> Result<(), IngestError> {
        let ctx = FieldCtx {
            id,
            field: name,
            mapping: f,
        };
        let mut values = Vec::with_capacity(raws.len());
        for raw in raws {
            match convert(&ctx, raw)? {
                Converted::Value(v) => values.push(v),
                Converted::Ignored => {
                    ignored.insert(name.to_owned());
                }
                Converted::Null => {}
            }
        }
        let v = read_back(read_order(f), values);
        if !v.is_null() {
            fields.insert(name.to_owned(), v);
        }
        Ok(())
    }

    fn walk<'j>(
        &self,
        path: &str,
        value: &'j Json,
        w: &mut Walk<'_, 'j>,
    ) -> Result<(), IngestError> {
        if let Some(f) = self.source_field(path)
            && is_opaque(f)
        {
            w.unsupported.insert(path.to_owned());
            return Ok(());
        }
        match value {
            Json::Null => Ok(()),
            Json::Array(items) => items.iter().try_for_each(|item| self.walk(path, item, w)),
            Json::Object(map) => {
                if let Some(f) = self.mapping.get(path).filter(|_| !path.is_empty()) {
                    return Err(IngestError::ObjectForLeaf {
                        id: w.id.to_owned(),
                        field: path.to_owned(),
                        es_type: f.es_type.clone(),
                    });
                }
                for (key, child) in map {
                    let full = self.child_path(path, key, w.id)?;
                    self.walk(&full, child, w)?;
                }
                Ok(())
            }
            scalar => {
                if let Some(f) = self.mapping.get(path) {
                    if is_alias(f) || is_multi_field(f) {
                        return Err(IngestError::FieldValue {
                            id: w.id.to_owned(),
                            field: path.to_owned(),
                            es_type: f.es_type.clone(),
                            preview: super::error::preview(scalar),
                            reason: "a field alias or multi-field cannot be written to".into(),
                        });
                    }
                    w.raw.entry(path.to_owned()).or_default().push(scalar);
                } else if self.objects.contains(path) {
                    return Err(IngestError::ConcreteValueForObject {
                        id: w.id.to_owned(),
                        field: path.to_owned(),
                    });
                } else {
                    w.unmapped.insert(path.to_owned());
                }
                Ok(())
            }
        }
    }

    /// `path.key`, checking the key's dotted segments: none may be empty, and no intermediate path may
    /// be a mapped leaf (`{"message.x": 1}` with `message` a keyword).
    fn child_path(&self, path: &str, key: &str, id: &str) -> Result<String, IngestError> {
        if key.trim().is_empty() || key.split('.').any(str::is_empty) {
            return Err(IngestError::FieldName {
                id: id.to_owned(),
                name: key.to_owned(),
                reason: "field names must be non-empty and may not start or end with a dot or contain `..`".into(),
            });
        }
        let mut full = path.to_owned();
        let segments: Vec<&str> = key.split('.').collect();
        for (i, seg) in segments.iter().enumerate() {
            if !full.is_empty() {
                full.push('.');
            }
            full.push_str(seg);
            if i + 1 < segments.len()
                && let Some(f) = self.mapping.get(&full)
                && !is_opaque(f)
            {
                return Err(IngestError::ObjectForLeaf {
                    id: id.to_owned(),
                    field: full,
                    es_type: f.es_type.clone(),
                });
            }
        }
        Ok(full)
    }
}

/// State of one document's walk.
struct Walk<'a, 'j> {
    id: &'a str,
    raw: BTreeMap<String, Vec<&'j Json>>,
    unmapped: BTreeSet<String>,
    unsupported: BTreeSet<String>,
}
