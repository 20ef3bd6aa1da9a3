//! A document as an index stores it: flat dotted fields holding doc-values-ordered [`Value`]s.

use std::collections::BTreeMap;

use crate::Value;

/// One indexed document.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Document {
    /// `_id` (for generated Elastic Defend documents, their `event.id`).
    pub id: String,
    /// `_index`: the concrete index or data stream name.
    pub index: String,
    /// `_version` (1 for documents indexed once).
    pub version: i64,
    /// Field values by full dotted name, as read back from doc values (multi-values sorted, keyword
    /// multi-values deduplicated, nulls dropped). Missing fields are absent.
    pub fields: BTreeMap<String, Value>,
    /// Fields whose values were ignored at index time (`_ignored`), e.g. keywords over `ignore_above`.
    pub ignored: Vec<String>,
}

impl Document {
    /// The value of a field, `Null` when absent.
    pub fn get(&self, field: &str) -> &Value {
        self.fields.get(field).unwrap_or(&Value::Null)
    }
}
