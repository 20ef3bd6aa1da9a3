//! Another engine's result, read into a [`Table`]: Elasticsearch's `_query` response
//! (`{"columns":[{"name","type"}],"values":[[…]]}`, extra keys such as `took`, `is_partial`,
//! `documents_found` ignored) or CSV with a header row. detsim's own [`ResultTable`] converts to the
//! same shape through the `_query` JSON it prints, so both sides are compared as ES writes them.
//!
//! Malformed input is an [`InputError`] naming the file and the line and column (JSON syntax, CSV)
//! or the JSON path (`$.values[3][1]`) of the problem.

use std::path::Path;

use serde_json::Value as Json;

use esql::ResultTable;

/// A result column: its name and, when the input says, its ES type (`long`, `keyword`, `date`, …).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    /// The column name.
    pub name: String,
    /// The ES type; `None` for CSV, which has no types.
    pub es_type: Option<String>,
}

/// A result: columns, and rows of JSON cells as the `_query` API writes them (CSV cells are strings,
/// empty cells null, `[a, b]` cells multi-valued).
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// The columns.
    pub columns: Vec<Column>,
    /// The rows, one cell per column.
    pub rows: Vec<Vec<Json>>,
}

/// Why an input could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InputError {
    /// The file could not be read.
    #[error("{file}: {message}")]
    Io {
        /// The file.
        file: String,
        /// The I/O error.
        message: String,
    },
    /// The JSON (or CSV) does not parse.
    #[error("{file}:{line}:{column}: {message}")]
    Syntax {
        /// The file.
        file: String,
        /// 1-based line.
        line: u64,
        /// 1-based column (0 when unknown).
        column: u64,
        /// What is wrong.
        message: String,
    },
    /// The JSON parses but is not a `_query` response.
    #[error("{file}: at {path}: {message}")]
    Shape {
        /// The file.
        file: String,
        /// The JSON path of the offending value (`$.values[3]`).
        path: String,
        /// What is wrong.
        message: String,
    },
}

impl Table {
    /// detsim's result in the `_query` shape.
    pub fn from_result(t: &ResultTable) -> Table {
        Table {
            columns: t
                .columns
                .iter()
                .map(|c| Column {
                    name: c.name.clone(),
                    es_type: Some(c.data_type.es_name().to_owned()),
                })
                .collect(),
            rows: t
                .rows
                .iter()
                .map(|r| r.iter().map(esql::table::value_to_json).collect())
                .collect(),
        }
    }

    /// Reads `path`: CSV when it ends in `.csv`, the `_query` JSON response otherwise.
    pub fn read(path: &Path) -> Result<Table, InputError> {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| InputError::Io {
            file: file.clone(),
            message: e.to_string(),
        })?;
        let csv = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
        if csv {
            Table::from_csv(&text, &file)
        } else {
            Table::from_query_json(&text, &file)
        }
    }

    /// Parses a `_query` response body; `file` names it in errors.
    pub fn from_query_json(text: &str, file: &str) -> Result<Table, InputError> {
        let json: Json = serde_json::from_str(text).map_err(|e| InputError::Syntax {
            file: file.to_owned(),
            line: e.line() as u64,
            column: e.column() as u64,
            message: e.to_string(),
        })?;
        let shape = |path: String, message: &str| InputError::Shape {
            file: file.to_owned(),
            path,
            message: message.to_owned(),
        };
        let obj = json
            .as_object()
            .ok_or_else(|| shape("$".into(), "expected an object with `columns` and `values`"))?;
        let cols = obj
            .get("columns")
            .ok_or_else(|| shape("$".into(), "missing `columns`"))?
            .as_array()
            .ok_or_else(|| shape("$.columns".into(), "expected an array"))?;
        let mut columns = Vec::with_capacity(cols.len());
        for (i, c) in cols.iter().enumerate() {
            let at = |k: &str| format!("$.columns[{i}]{k}");
            let name = c
                .get("name")
                .and_then(Json::as_str)
                .ok_or_else(|| shape(at(".name"), "expected a string"))?;
            let es_type = c
                .get("type")
                .and_then(Json::as_str)
                .ok_or_else(|| shape(at(".type"), "expected a string"))?;
            columns.push(Column {
                name: name.to_owned(),
                es_type: Some(es_type.to_owned()),
            });
        }
        let values = obj
            .get("values")
            .ok_or_else(|| shape("$".into(), "missing `values`"))?
            .as_array()
            .ok_or_else(|| shape("$.values".into(), "expected an array"))?;
        let mut rows = Vec::with_capacity(values.len());
        for (i, row) in values.iter().enumerate() {
            let row = row
                .as_array()
                .ok_or_else(|| shape(format!("$.values[{i}]"), "expected an array (a row)"))?;
            if row.len() != columns.len() {
                return Err(shape(
                    format!("$.values[{i}]"),
                    &format!(
                        "the row has {} cells, there are {} columns",
                        row.len(),
                        columns.len()
                    ),
                ));
            }
            for (j, cell) in row.iter().enumerate() {
                if cell.is_object() {
                    return Err(shape(
                        format!("$.values[{i}][{j}]"),
                        "expected a value or an array of values, found an object",
                    ));
                }
            }
            rows.push(row.clone());
        }
        Ok(Table { columns, rows })
    }

    /// Parses CSV with a header row; `file` names it in errors.
    pub fn from_csv(text: &str, file: &str) -> Result<Table, InputError> {
        let syntax = |line: u64, message: String| InputError::Syntax {
            file: file.to_owned(),
            line,
            column: 0,
            message,
        };
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(false)
            .from_reader(text.as_bytes());
        let header = reader
            .headers()
            .map_err(|e| syntax(1, e.to_string()))?
            .clone();
        if header.is_empty() || header.iter().all(str::is_empty) {
            return Err(syntax(1, "expected a header row of column names".into()));
        }
        let columns = header
            .iter()
            .map(|n| Column {
                name: n.to_owned(),
                es_type: None,
            })
            .collect();
        let mut rows = Vec::new();
        for record in reader.records() {
            let record = record.map_err(|e| {
                let line = e.position().map(|p| p.line()).unwrap_or(0);
                syntax(line, e.to_string())
            })?;
            rows.push(record.iter().map(csv_cell).collect());
        }
        Ok(Table { columns, rows })
    }
}

/// A CSV cell: empty is null, `[a, b]` is multi-valued, anything else a string.
fn csv_cell(text: &str) -> Json {
    if text.is_empty() {
        return Json::Null;
    }
    if let Some(inner) = text.strip_prefix('[').and_then(|t| t.strip_suffix(']'))
        && inner.contains(", ")
    {
        return Json::Array(
            inner
                .split(", ")
                .map(|s| Json::String(s.to_owned()))
                .collect(),
        );
    }
    Json::String(text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_es_responses_with_extra_keys() {
        let t = Table::from_query_json(
            r#"{"took":3,"is_partial":false,"documents_found":9,"columns":[{"name":"n","type":"long"}],"values":[[1],[[2,3]]]}"#,
            "a.json",
        )
        .unwrap();
        assert_eq!(t.columns[0].es_type.as_deref(), Some("long"));
        assert_eq!(t.rows.len(), 2);
    }

    #[test]
    fn errors_are_located() {
        let e = Table::from_query_json("{\n  \"columns\": [,]\n}", "a.json").unwrap_err();
        assert!(matches!(e, InputError::Syntax { line: 2, .. }), "{e}");
        let e = Table::from_query_json(
            r#"{"columns":[{"name":"n","type":"long"}],"values":[[1],[1,2]]}"#,
            "a.json",
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "a.json: at $.values[1]: the row has 2 cells, there are 1 columns"
        );
        let e = Table::from_query_json(r#"{"columns":[{"name":1}],"values":[]}"#, "a.json")
            .unwrap_err();
        assert!(e.to_string().contains("$.columns[0].name"), "{e}");
        let e = Table::from_csv("a,b\n1,2\n3\n", "x.csv").unwrap_err();
        assert!(matches!(e, InputError::Syntax { line: 3, .. }), "{e}");
    }

    #[test]
    fn csv_cells_are_strings_nulls_and_lists() {
        let t = Table::from_csv("a,b,c\nx,,\"[p, q]\"\n", "x.csv").unwrap();
        assert_eq!(
            t.rows[0],
            vec![
                Json::String("x".into()),
                Json::Null,
                serde_json::json!(["p", "q"])
            ]
        );
    }
}
