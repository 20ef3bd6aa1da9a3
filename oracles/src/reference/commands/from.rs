//! `FROM patterns [METADATA …]`. SEMANTICS.md §2.11 (spec:metadata/*, spec:drop/dropAllColumnsIndexPattern).
//!
//! Every index of the data source's catalog whose name the pattern list selects
//! ([`esql::catalog::pattern_list_matches`]: `*` wildcards, `-` exclusions) is scanned in name order, each
//! in its stable document order. A row has one value per output column: a mapped field reads the
//! document's doc values (null when absent), `_id`/`_index`/`_version`/`_ignored` read the document's
//! metadata. A column whose type is `unsupported` (conflicting mappings across indices) reads null.
//! With [`EvalOptions::time_range`], a document is kept only when some value of the time field lies in
//! `[start, end]` (Kibana's `range` filter, both ends inclusive); documents without it are dropped.

use esql::catalog::pattern_list_matches;
use esql::plan::{FromSource, MetadataField, SourceField};
use esql::{DataSource, DataType, Document, EvalError, EvalOptions, TimeRange, Value};

use crate::reference::Row;

fn in_time_range(doc: &Document, range: &TimeRange) -> bool {
    doc.get(&range.field).values().iter().any(|v| {
        let ms = match v {
            Value::Date(ms) => *ms,
            Value::DateNanos(ns) => ns.div_euclid(1_000_000),
            _ => return false,
        };
        range.start <= ms && ms <= range.end
    })
}

fn read(doc: &Document, index: &str, field: &SourceField, data_type: DataType) -> Value {
    if data_type == DataType::Unsupported {
        return Value::Null;
    }
    match field {
        SourceField::Field(name) => doc.get(name).clone(),
        SourceField::Metadata(MetadataField::Id) => Value::keyword(doc.id.clone()),
        SourceField::Metadata(MetadataField::Index) => Value::keyword(index),
        SourceField::Metadata(MetadataField::Version) => Value::Long(doc.version),
        SourceField::Metadata(MetadataField::Ignored) => Value::from_values(
            doc.ignored
                .iter()
                .map(|f| Value::keyword(f.clone()))
                .collect(),
        ),
    }
}

/// Reads the rows of `FROM`.
pub fn from(
    source: &FromSource,
    data: &dyn DataSource,
    opts: &EvalOptions,
) -> Result<Vec<Row>, EvalError> {
    if source.fields.len() != source.output.len() {
        return Err(EvalError::Internal(format!(
            "FROM has {} fields for {} columns",
            source.fields.len(),
            source.output.len()
        )));
    }
    let catalog = data.catalog();
    let mut rows = Vec::new();
    for index in catalog.indices.keys() {
        if !pattern_list_matches(&source.patterns, index) {
            continue;
        }
        data.scan(index, &mut |doc| {
            if let Some(range) = &opts.time_range
                && !in_time_range(doc, range)
            {
                return Ok(());
            }
            rows.push(
                source
                    .fields
                    .iter()
                    .zip(&source.output.columns)
                    .map(|(f, c)| read(doc, index, f, c.data_type))
                    .collect(),
            );
            Ok(())
        })?;
    }
    Ok(rows)
}
