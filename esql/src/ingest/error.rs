//! Why a document could not be indexed, worded as Elasticsearch's `_bulk` API words it.
//!
//! Elasticsearch rejects a whole document (`mapper_parsing_exception` / `document_parsing_exception`)
//! when one value cannot be parsed under its field's mapping; detsim does the same and callers count
//! the rejects. Every variant names the document and the field.

/// A document that Elasticsearch would reject, or an input that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum IngestError {
    /// A value that cannot be parsed as its field's type (a non-numeric string in a `long`, a malformed
    /// date or IP, an out-of-range integer, an object where a keyword is mapped).
    #[error(
        "mapper_parsing_exception: failed to parse field [{field}] of type [{es_type}] in document with id '{id}'. Preview of field's value: '{preview}' ({reason})"
    )]
    FieldValue {
        /// Document `_id`.
        id: String,
        /// Full dotted field name.
        field: String,
        /// The field's mapping type.
        es_type: String,
        /// The offending value, shortened.
        preview: String,
        /// Why it could not be parsed.
        reason: String,
    },
    /// A concrete value where the mapping has an object (`"process": "x"` with `process.name` mapped).
    #[error(
        "mapper_parsing_exception: object mapping for [{field}] tried to parse field [{field}] as object, but found a concrete value (document with id '{id}')"
    )]
    ConcreteValueForObject {
        /// Document `_id`.
        id: String,
        /// The object's dotted name.
        field: String,
    },
    /// An object (or a dotted key) below a field mapped as a leaf (`{"message": {"a": 1}}` with
    /// `message` a keyword).
    #[error(
        "mapper_parsing_exception: failed to parse field [{field}] of type [{es_type}] in document with id '{id}': an object was found where a value of type [{es_type}] is mapped"
    )]
    ObjectForLeaf {
        /// Document `_id`.
        id: String,
        /// The leaf field's dotted name.
        field: String,
        /// Its mapping type.
        es_type: String,
    },
    /// A JSON object key that is not a usable field name (empty, or with an empty dotted segment).
    #[error(
        "mapper_parsing_exception: document with id '{id}': invalid field name [{name}]: {reason}"
    )]
    FieldName {
        /// Document `_id`.
        id: String,
        /// The key as written.
        name: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A value of a field whose mapping detsim cannot index (e.g. `scaled_float` without `scaling_factor`).
    #[error("document with id '{id}': field [{field}]: {reason}")]
    Mapping {
        /// Document `_id`.
        id: String,
        /// Dotted field name.
        field: String,
        /// What is missing.
        reason: String,
    },
    /// The document is not a JSON object.
    #[error("mapper_parsing_exception: document with id '{id}' is not a JSON object")]
    NotAnObject {
        /// Document `_id`.
        id: String,
    },
    /// A line of an NDJSON file that is not valid JSON.
    #[error("invalid JSON at column {column}: {message}")]
    Json {
        /// 1-based column of the error in the line.
        column: usize,
        /// serde_json's description.
        message: String,
    },
    /// Reading a file failed.
    #[error("{path}: {message}")]
    Io {
        /// The file.
        path: String,
        /// The OS error.
        message: String,
    },
}

/// An [`IngestError`] with where it happened: the file (if any) and 1-based line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}line {line}: {error}", file.as_ref().map(|f| format!("{f}: ")).unwrap_or_default())]
pub struct LocatedError {
    /// The file the line is in, when known.
    pub file: Option<String>,
    /// 1-based line number.
    pub line: usize,
    /// What went wrong.
    pub error: IngestError,
}

/// Shortens a JSON value for an error preview (ES previews values the same way).
pub(crate) fn preview(value: &serde_json::Value) -> String {
    let text = match value {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    if text.chars().count() > 50 {
        let cut: String = text.chars().take(50).collect();
        format!("{cut}...")
    } else {
        text
    }
}
