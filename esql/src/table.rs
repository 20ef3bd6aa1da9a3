//! The result of a query: columns, rows and warnings, and its `_query` API JSON form.

use serde_json::{Map, Value as Json, json};

use crate::plan::Column;
use crate::{DataType, Value};

/// What a query returns.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ResultTable {
    /// Output columns.
    pub columns: Vec<Column>,
    /// Rows, each with one value per column.
    pub rows: Vec<Vec<Value>>,
    /// Warnings as Elasticsearch prints them, in order of first occurrence, without duplicates.
    pub warnings: Vec<String>,
}

impl ResultTable {
    /// The body of Elasticsearch's `_query` response: `{"columns":[{"name","type"}],"values":[[…]]}`.
    pub fn to_query_json(&self) -> Json {
        let columns: Vec<Json> = self
            .columns
            .iter()
            .map(|c| json!({"name": c.name, "type": c.data_type.es_name()}))
            .collect();
        let values: Vec<Json> = self
            .rows
            .iter()
            .map(|row| Json::Array(row.iter().map(value_to_json).collect()))
            .collect();
        let mut body = Map::new();
        body.insert("columns".into(), Json::Array(columns));
        body.insert("values".into(), Json::Array(values));
        Json::Object(body)
    }

    /// The index of a column by name.
    pub fn column_index(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.name == name)
    }
}

/// A value as the `_query` API writes it: multi-values as arrays, dates and IPs as strings.
pub fn value_to_json(v: &Value) -> Json {
    match v {
        Value::Null => Json::Null,
        Value::Boolean(b) => Json::Bool(*b),
        Value::Integer(i) => json!(i),
        Value::Long(i) => json!(i),
        Value::UnsignedLong(u) => json!(u),
        Value::Double(d) => serde_json::Number::from_f64(*d)
            .map(Json::Number)
            .unwrap_or(Json::Null),
        Value::Multi(vs) => Json::Array(vs.iter().map(value_to_json).collect()),
        other => Json::String(other.to_string()),
    }
}

/// A column type as the `_query` API names it (`datetime` columns are `date`).
pub fn type_name(t: DataType) -> &'static str {
    t.es_name()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_json_has_es_shape() {
        let t = ResultTable {
            columns: vec![
                Column::new("host.name", DataType::Keyword),
                Column::new("n", DataType::Long),
                Column::new("@timestamp", DataType::Date),
            ],
            rows: vec![vec![
                Value::Multi(vec![Value::keyword("a"), Value::keyword("b")]),
                Value::Long(3),
                Value::Date(0),
            ]],
            warnings: vec![],
        };
        assert_eq!(
            t.to_query_json().to_string(),
            r#"{"columns":[{"name":"host.name","type":"keyword"},{"name":"n","type":"long"},{"name":"@timestamp","type":"date"}],"values":[[["a","b"],3,"1970-01-01T00:00:00.000Z"]]}"#
        );
    }
}
