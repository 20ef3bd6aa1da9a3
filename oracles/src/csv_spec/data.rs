//! The csv-spec datasets (`employees`, `addresses`, `hosts`) loaded into a [`MemorySource`].
//!
//! Each dataset is a data CSV plus an Elasticsearch mapping, as ES's `CsvTestsDataLoader` lists them:
//! `employees` = `mapping-default.json` + `employees.csv` with `noSubfields()` (CSV columns with a dot in
//! the name, such as `height.float`, are not sent: multi-fields get the parent's value at index time);
//! `addresses` = `mapping-addresses.json` + `addresses.csv` (dotted columns are sent as dotted JSON keys);
//! `hosts` = `hosts.csv`, whose `mapping-hosts.json` is not in `../shared`, so its mapping is built from
//! the CSV header types (`host:keyword, host_group:text, …`).
//!
//! Rows become JSON documents as the loader builds its `_bulk` body — empty cell: no value; `[a,b]`:
//! an array; `[]`: no value; `\,`: a literal comma; `"…"` around a keyword/text cell: quotes removed —
//! and are indexed through [`esql::ingest`], so values read back as ES reads them (sorted,
//! keyword-deduplicated multi-values, widened `float` sub-fields). Every value is sent as a JSON string,
//! which ES coerces exactly like a number but whose text keyword sub-fields keep (`-3.90`).

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use esql::ingest::Indexer;
use esql::{FieldMapping, Mapping, MemorySource};
use serde_json::{Map, Value as Json};

/// One dataset ES's loader knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DatasetSpec {
    /// Index name.
    pub index: &'static str,
    /// Data CSV file name.
    pub data: &'static str,
    /// Mapping JSON file name (`None`: built from the CSV header).
    pub mapping: Option<&'static str>,
    /// Whether dotted CSV columns are sent (`false` for ES's `noSubfields()`).
    pub allow_subfields: bool,
}

/// The datasets whose files `../shared/esql-spec` holds.
pub const DATASETS: &[DatasetSpec] = &[
    DatasetSpec {
        index: "employees",
        data: "employees.csv",
        mapping: Some("mapping-default.json"),
        allow_subfields: false,
    },
    DatasetSpec {
        index: "addresses",
        data: "addresses.csv",
        mapping: Some("mapping-addresses.json"),
        allow_subfields: true,
    },
    DatasetSpec {
        index: "hosts",
        data: "hosts.csv",
        mapping: None,
        allow_subfields: true,
    },
];

/// A dataset file that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}: {message}")]
pub struct DataError {
    /// The file.
    pub file: String,
    /// 1-based line (0 for the whole file).
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

/// The loaded datasets.
#[derive(Debug, Clone, Default)]
pub struct Datasets {
    /// Documents of every loaded index.
    pub source: MemorySource,
    /// Datasets of [`DATASETS`] that could not be loaded because a file is missing, with the reason.
    pub missing: BTreeMap<String, String>,
}

impl Datasets {
    /// Loads every dataset of [`DATASETS`] found in `dir`. A missing file makes that dataset unavailable
    /// (recorded in `missing`); a malformed file or a rejected row is an error.
    pub fn load(dir: &Path) -> Result<Datasets, DataError> {
        let mut out = Datasets::default();
        for spec in DATASETS {
            let data_path = dir.join(spec.data);
            let Ok(csv) = std::fs::read_to_string(&data_path) else {
                out.missing.insert(
                    spec.index.into(),
                    format!("{} not found", data_path.display()),
                );
                continue;
            };
            let mapping = match spec.mapping {
                Some(file) => {
                    let path = dir.join(file);
                    let Ok(text) = std::fs::read_to_string(&path) else {
                        out.missing
                            .insert(spec.index.into(), format!("{} not found", path.display()));
                        continue;
                    };
                    let file_err = |line, message| DataError {
                        file: file.into(),
                        line,
                        message,
                    };
                    let json: Json = serde_json::from_str(&text)
                        .map_err(|e| file_err(e.line(), e.to_string()))?;
                    Mapping::from_es_json(&json).map_err(|e| file_err(0, e.to_string()))?
                }
                None => mapping_from_header(spec.data, &csv)?,
            };
            load_csv(&mut out.source, spec, &csv, Arc::new(mapping))?;
        }
        Ok(out)
    }
}

/// Parses a data CSV header cell `name:type`.
fn header_cell(cell: &str) -> (String, Option<String>) {
    match cell.split_once(':') {
        Some((n, t)) => (n.trim().to_owned(), Some(t.trim().to_owned())),
        None => (cell.trim().to_owned(), None),
    }
}

/// Data lines: trimmed, without blank and `//` lines, with their 1-based line numbers.
fn data_lines(csv: &str) -> impl Iterator<Item = (usize, &str)> {
    csv.lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim()))
        .filter(|(_, l)| !l.is_empty() && !l.starts_with("//"))
}

/// A mapping with one field per header column, typed as the header says.
pub fn mapping_from_header(file: &str, csv: &str) -> Result<Mapping, DataError> {
    let (line, header) = data_lines(csv).next().ok_or_else(|| DataError {
        file: file.into(),
        line: 0,
        message: "empty file".into(),
    })?;
    let mut m = Mapping::new();
    for cell in split_data_line(header).map_err(|message| DataError {
        file: file.into(),
        line,
        message,
    })? {
        let (name, ty) = header_cell(&cell);
        let ty = ty.ok_or_else(|| DataError {
            file: file.into(),
            line,
            message: format!("no type in [{cell}]"),
        })?;
        m.insert(name, FieldMapping::new(&ty));
    }
    Ok(m)
}

/// Splits a data line on commas, keeping `[…]` multi-values together (their inner commas, minus the
/// brackets, stay in the cell; `[]` is the empty cell) and escaped `\,` in place. Cells are trimmed.
pub fn split_data_line(line: &str) -> Result<Vec<String>, String> {
    let mut cells = Vec::new();
    let mut mv: Option<String> = None;
    let parts = super::expected::split_unescaped_commas_keep_empty(line);
    for part in parts {
        let entry = part.trim();
        if let Some(acc) = mv.as_mut() {
            if let Some(last) = entry.strip_suffix(']') {
                acc.push(',');
                acc.push_str(last);
                cells.push(mv.take().unwrap_or_default());
            } else if entry.is_empty() {
                return Err("empty value inside a multi-value".into());
            } else {
                acc.push(',');
                acc.push_str(entry);
            }
        } else if let Some(rest) = entry.strip_prefix('[') {
            match rest.strip_suffix(']') {
                Some(inner) => cells.push(inner.to_owned()),
                None => mv = Some(rest.to_owned()),
            }
        } else if entry.ends_with(']') {
            return Err(format!("multi-value end without start: [{entry}]"));
        } else {
            cells.push(entry.to_owned());
        }
    }
    if mv.is_some() {
        return Err("multi-value not closed".into());
    }
    Ok(cells)
}

/// The JSON of one cell value: a string, quotes around keyword/text removed.
fn cell_json(ty: Option<&str>, value: &str) -> Json {
    let v = value.replace("\\,", ",");
    let v = match ty {
        Some("keyword" | "text") => v
            .strip_prefix('"')
            .and_then(|s| s.strip_suffix('"'))
            .map(str::to_owned)
            .unwrap_or(v),
        _ => v,
    };
    Json::String(v)
}

/// Builds the JSON document of one data row as ES's loader does.
pub fn row_document(
    columns: &[(String, Option<String>)],
    cells: &[String],
    allow_subfields: bool,
) -> Json {
    let mut doc = Map::new();
    for ((name, ty), cell) in columns.iter().zip(cells) {
        if cell.is_empty() || (!allow_subfields && name.contains('.')) {
            continue;
        }
        let parts = super::expected::split_unescaped_commas(cell);
        let value = if parts.len() > 1 {
            Json::Array(parts.iter().map(|p| cell_json(ty.as_deref(), p)).collect())
        } else {
            cell_json(ty.as_deref(), cell)
        };
        doc.insert(name.clone(), value);
    }
    Json::Object(doc)
}

fn load_csv(
    source: &mut MemorySource,
    spec: &DatasetSpec,
    csv: &str,
    mapping: Arc<Mapping>,
) -> Result<(), DataError> {
    let err = |line, message| DataError {
        file: spec.data.into(),
        line,
        message,
    };
    source.add_index(spec.index, mapping.clone());
    let indexer = Indexer::new(&mapping);
    let mut lines = data_lines(csv);
    let (hline, header) = lines.next().ok_or_else(|| err(0, "empty file".into()))?;
    let columns: Vec<(String, Option<String>)> = split_data_line(header)
        .map_err(|m| err(hline, m))?
        .iter()
        .map(|c| header_cell(c))
        .collect();
    for (n, (line, text)) in lines.enumerate() {
        let cells = split_data_line(text).map_err(|m| err(line, m))?;
        if cells.len() != columns.len() {
            return Err(err(
                line,
                format!("{} cells for {} columns", cells.len(), columns.len()),
            ));
        }
        let doc = row_document(&columns, &cells, spec.allow_subfields);
        let indexed = indexer
            .index(&doc, &n.to_string(), spec.index)
            .map_err(|e| err(line, e.to_string()))?;
        source
            .push(indexed.document)
            .map_err(|e| err(line, e.to_string()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use esql::Value;

    #[test]
    fn data_lines_keep_multi_values_together() {
        assert_eq!(
            split_data_line("a , [x, y\\, z] ,[],[one], ").unwrap(),
            ["a", "x,y\\, z", "", "one", ""]
        );
        assert!(split_data_line("[a,b").is_err());
        assert!(split_data_line("a]").is_err());
    }

    #[test]
    fn rows_become_documents_like_the_bulk_loader_builds_them() {
        let cols = vec![
            ("name".to_string(), Some("keyword".to_string())),
            ("tags".to_string(), Some("keyword".to_string())),
            ("n".to_string(), Some("double".to_string())),
            ("n.int".to_string(), Some("integer".to_string())),
        ];
        let cells: Vec<String> = ["\"quoted\"", "b,a\\,c", "", "1"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let doc = row_document(&cols, &cells, false);
        assert_eq!(
            doc,
            serde_json::json!({"name": "quoted", "tags": ["b", "a,c"]})
        );
        let doc = row_document(&cols, &cells, true);
        assert_eq!(doc["n.int"], serde_json::json!("1"));
    }

    #[test]
    fn employees_like_rows_read_back_through_ingest() {
        let mapping = Mapping::from_es_json(&serde_json::json!({"properties": {
            "salary_change": {"type": "double", "fields": {
                "int": {"type": "integer"}, "keyword": {"type": "keyword"}}},
            "height": {"type": "double", "fields": {"float": {"type": "float"}}},
            "is_rehired": {"type": "boolean"}
        }}))
        .unwrap();
        let csv = "salary_change:double,salary_change.int:integer,salary_change.keyword:keyword,height:double,height.float:float,is_rehired:boolean\n\
                   [3.65,-0.35,1.13,13.48],[3,0,1,13],[3.65,-0.35,1.13,13.48],2.03,2.03,[true,false,true,false]\n";
        let mut src = MemorySource::new();
        let spec = DatasetSpec {
            index: "e",
            data: "e.csv",
            mapping: None,
            allow_subfields: false,
        };
        load_csv(&mut src, &spec, csv, Arc::new(mapping)).unwrap();
        let d = &src.documents("e")[0];
        let dbl = |v: &[f64]| Value::Multi(v.iter().map(|x| Value::Double(*x)).collect());
        assert_eq!(d.get("salary_change"), &dbl(&[-0.35, 1.13, 3.65, 13.48]));
        let ints = Value::Multi([0, 1, 3, 13].iter().map(|i| Value::Integer(*i)).collect());
        assert_eq!(d.get("salary_change.int"), &ints);
        let kws = Value::Multi(
            ["-0.35", "1.13", "13.48", "3.65"]
                .iter()
                .map(|s| Value::keyword(*s))
                .collect(),
        );
        assert_eq!(d.get("salary_change.keyword"), &kws);
        assert_eq!(d.get("height.float"), &Value::Double(2.0299999713897705));
        let b = |x| Value::Boolean(x);
        assert_eq!(
            d.get("is_rehired"),
            &Value::Multi(vec![b(false), b(false), b(true), b(true)])
        );
    }
}
