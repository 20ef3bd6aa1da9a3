//! Index mappings: which fields an index has and how Elasticsearch stores them.
//!
//! A [`Mapping`] is flat: object fields are flattened to dotted names (`process.parent.name`) and
//! multi-fields become their own dotted fields (`message.keyword`) that read the parent's source value.
//! [`Mapping::from_es_json`] reads the JSON body of Elasticsearch's `PUT index { "mappings": … }`.

use std::collections::BTreeMap;

use crate::DataType;

/// How one field is mapped.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldMapping {
    /// The Elasticsearch mapping type as written (`keyword`, `wildcard`, `long`, `match_only_text`, …).
    pub es_type: String,
    /// The ES|QL type the field reads as.
    pub data_type: DataType,
    /// `ignore_above` for keyword-like fields: longer strings are not indexed and read back as null.
    pub ignore_above: Option<u32>,
    /// For a multi-field (`a.keyword`), the field whose source value it indexes (`a`).
    pub multi_field_of: Option<String>,
    /// `constant_keyword` value, if the mapping fixes one.
    pub constant_value: Option<String>,
    /// Keyword normalizer (`lowercase` for Elastic Defend's `*.caseless` multi-fields): doc values hold
    /// the normalized string.
    pub normalizer: Option<String>,
    /// `scaling_factor` of a `scaled_float` field (stored as `round(value * factor)`).
    pub scaling_factor: Option<f64>,
}

impl FieldMapping {
    /// A field of `es_type` with defaults, its ES|QL type derived from the mapping type.
    pub fn new(es_type: &str) -> FieldMapping {
        FieldMapping {
            es_type: es_type.to_owned(),
            data_type: data_type_of(es_type),
            ignore_above: None,
            multi_field_of: None,
            constant_value: None,
            normalizer: None,
            scaling_factor: None,
        }
    }

    /// Sets `ignore_above`.
    pub fn with_ignore_above(mut self, n: u32) -> FieldMapping {
        self.ignore_above = Some(n);
        self
    }
}

/// The ES|QL type of an Elasticsearch mapping type (unknown and object-like types are unsupported).
pub fn data_type_of(es_type: &str) -> DataType {
    match es_type {
        "keyword" | "wildcard" | "constant_keyword" => DataType::Keyword,
        "text" | "match_only_text" => DataType::Text,
        "long" => DataType::Long,
        "integer" | "short" | "byte" => DataType::Integer,
        "unsigned_long" => DataType::UnsignedLong,
        "double" | "float" | "half_float" | "scaled_float" => DataType::Double,
        "boolean" => DataType::Boolean,
        "date" => DataType::Date,
        "date_nanos" => DataType::DateNanos,
        "ip" => DataType::Ip,
        "version" => DataType::Version,
        "geo_point" => DataType::GeoPoint,
        _ => DataType::Unsupported,
    }
}

/// The fields of one index, by dotted name.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Mapping {
    /// Every leaf field and multi-field, by full dotted name (sorted, as ES|QL lists index columns).
    pub fields: BTreeMap<String, FieldMapping>,
}

/// A mapping (JSON or field list) that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}mapping field [{field}]: {message}", line.map(|l| format!("line {l}: ")).unwrap_or_default())]
pub struct MappingError {
    /// Dotted path of the offending field (empty for the root).
    pub field: String,
    /// 1-based line of a field list ([`Mapping::from_field_list`]); `None` for JSON.
    pub line: Option<usize>,
    /// What is wrong.
    pub message: String,
}

impl Mapping {
    /// An empty mapping.
    pub fn new() -> Mapping {
        Mapping::default()
    }

    /// Adds (or replaces) a field.
    pub fn insert(&mut self, name: impl Into<String>, field: FieldMapping) {
        self.fields.insert(name.into(), field);
    }

    /// Builder form of [`Mapping::insert`].
    pub fn with(mut self, name: &str, es_type: &str) -> Mapping {
        self.insert(name, FieldMapping::new(es_type));
        self
    }

    /// Looks up a field by dotted name.
    pub fn get(&self, name: &str) -> Option<&FieldMapping> {
        self.fields.get(name)
    }

    /// Reads detsim's compact field list: one field per line, `name type [ignore_above=N] [normalizer=X]
    /// [value=V] [multi]`; `#` starts a comment line; blank lines are skipped. `multi` marks a multi-field
    /// of the field named by `name` without its last dotted segment (`process.name.caseless` →
    /// `process.name`), which must be listed too.
    pub fn from_field_list(text: &str) -> Result<Mapping, MappingError> {
        let mut mapping = Mapping::new();
        for (i, raw) in text.lines().enumerate() {
            let line = raw.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let err = |field: &str, message: String| MappingError {
                field: field.to_owned(),
                line: Some(i + 1),
                message,
            };
            let mut parts = line.split_whitespace();
            let name = parts.next().unwrap_or_default();
            let es_type = parts
                .next()
                .ok_or_else(|| err(name, "missing mapping type".into()))?;
            let mut field = FieldMapping::new(es_type);
            for opt in parts {
                match opt.split_once('=') {
                    Some(("ignore_above", n)) => {
                        let n = n
                            .parse()
                            .map_err(|_| err(name, format!("bad ignore_above [{n}]")))?;
                        field.ignore_above = Some(n);
                    }
                    Some(("normalizer", n)) => field.normalizer = Some(n.to_owned()),
                    Some(("value", v)) => field.constant_value = Some(v.to_owned()),
                    None if opt == "multi" => {
                        let parent = name
                            .rsplit_once('.')
                            .map(|(p, _)| p)
                            .ok_or_else(|| err(name, "multi-field without a parent".into()))?;
                        field.multi_field_of = Some(parent.to_owned());
                    }
                    _ => return Err(err(name, format!("unknown option [{opt}]"))),
                }
            }
            if mapping.fields.contains_key(name) {
                return Err(err(name, "listed twice".into()));
            }
            mapping.insert(name, field);
        }
        for (name, f) in &mapping.fields {
            if let Some(parent) = &f.multi_field_of
                && !mapping.fields.contains_key(parent)
            {
                return Err(MappingError {
                    field: name.clone(),
                    line: None,
                    message: format!("multi-field of unlisted field [{parent}]"),
                });
            }
        }
        Ok(mapping)
    }

    /// Reads an Elasticsearch mapping: either `{"properties": …}` or `{"mappings": {"properties": …}}`.
    /// Objects (`properties` without `type`, or `type: object`) flatten; `fields` become multi-fields.
    pub fn from_es_json(json: &serde_json::Value) -> Result<Mapping, MappingError> {
        let root = json.get("mappings").unwrap_or(json);
        let props = root.get("properties").ok_or_else(|| MappingError {
            field: String::new(),
            line: None,
            message: "no `properties` object".into(),
        })?;
        let mut mapping = Mapping::new();
        mapping.add_properties("", props)?;
        Ok(mapping)
    }

    fn add_properties(
        &mut self,
        prefix: &str,
        props: &serde_json::Value,
    ) -> Result<(), MappingError> {
        let obj = props.as_object().ok_or_else(|| MappingError {
            field: prefix.trim_end_matches('.').to_owned(),
            line: None,
            message: "`properties` is not an object".into(),
        })?;
        for (name, def) in obj {
            let full = format!("{prefix}{name}");
            let ty = def.get("type").and_then(|t| t.as_str());
            match ty {
                // ES|QL sees neither `nested` fields nor anything under them.
                Some("nested") => {}
                // Objects only contribute their sub-fields; an object without any is no column.
                None | Some("object") => {
                    if let Some(p) = def.get("properties") {
                        self.add_properties(&format!("{full}."), p)?;
                    }
                }
                Some("alias") => {
                    // Aliases read another field; detsim maps them as that field's type when resolvable.
                    let path = def.get("path").and_then(|p| p.as_str()).unwrap_or_default();
                    let mut f = FieldMapping::new("alias");
                    f.multi_field_of = Some(path.to_owned());
                    self.insert(full, f);
                }
                Some(t) => {
                    let mut f = FieldMapping::new(t);
                    f.ignore_above = def
                        .get("ignore_above")
                        .and_then(|n| n.as_u64())
                        .map(|n| n as u32);
                    f.constant_value = def.get("value").and_then(|v| v.as_str()).map(str::to_owned);
                    f.normalizer = def
                        .get("normalizer")
                        .and_then(|v| v.as_str())
                        .map(str::to_owned);
                    f.scaling_factor = def.get("scaling_factor").and_then(|v| v.as_f64());
                    if let Some(sub) = def.get("fields").and_then(|s| s.as_object()) {
                        for (sub_name, sub_def) in sub {
                            let st = sub_def
                                .get("type")
                                .and_then(|t| t.as_str())
                                .unwrap_or("object");
                            let mut sf = FieldMapping::new(st);
                            sf.ignore_above = sub_def
                                .get("ignore_above")
                                .and_then(|n| n.as_u64())
                                .map(|n| n as u32);
                            sf.normalizer = sub_def
                                .get("normalizer")
                                .and_then(|v| v.as_str())
                                .map(str::to_owned);
                            sf.scaling_factor =
                                sub_def.get("scaling_factor").and_then(|v| v.as_f64());
                            sf.multi_field_of = Some(full.clone());
                            self.insert(format!("{full}.{sub_name}"), sf);
                        }
                    }
                    self.insert(full, f);
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn es_mapping_flattens_objects_and_multi_fields() {
        let json = serde_json::json!({
            "properties": {
                "emp_no": {"type": "integer"},
                "job": {"type": "text", "fields": {"raw": {"type": "keyword", "ignore_above": 256}}},
                "process": {"properties": {"name": {"type": "keyword", "ignore_above": 1024},
                                           "command_line": {"type": "wildcard"}}}
            }
        });
        let m = Mapping::from_es_json(&json).unwrap();
        let names: Vec<_> = m.fields.keys().cloned().collect();
        assert_eq!(
            names,
            [
                "emp_no",
                "job",
                "job.raw",
                "process.command_line",
                "process.name"
            ]
        );
        assert_eq!(
            m.get("job.raw").unwrap().multi_field_of.as_deref(),
            Some("job")
        );
        assert_eq!(m.get("job.raw").unwrap().ignore_above, Some(256));
        assert_eq!(
            m.get("process.command_line").unwrap().data_type,
            DataType::Keyword
        );
        assert_eq!(m.get("job").unwrap().data_type, DataType::Text);
    }

    #[test]
    fn es_mapping_hides_nested_and_empty_objects() {
        let json = serde_json::json!({"properties": {
            "a": {"type": "nested", "properties": {"b": {"type": "keyword"}}},
            "o": {"type": "object", "enabled": false},
            "f": {"type": "flattened"},
            "p": {"properties": {"q": {"type": "long"}}}
        }});
        let m = Mapping::from_es_json(&json).unwrap();
        let names: Vec<_> = m.fields.keys().cloned().collect();
        assert_eq!(names, ["f", "p.q"]);
        assert_eq!(m.get("f").unwrap().data_type, DataType::Unsupported);
    }

    #[test]
    fn field_list_reads_options_and_multi_fields() {
        let text = "# comment\n@timestamp date\nprocess.name keyword ignore_above=1024\n\
                    process.name.caseless keyword ignore_above=1024 normalizer=lowercase multi\n\
                    process.name.text match_only_text multi\n";
        let m = Mapping::from_field_list(text).unwrap();
        assert_eq!(m.fields.len(), 4);
        let c = m.get("process.name.caseless").unwrap();
        assert_eq!(c.multi_field_of.as_deref(), Some("process.name"));
        assert_eq!(c.normalizer.as_deref(), Some("lowercase"));
        assert_eq!(c.ignore_above, Some(1024));
        assert_eq!(
            m.get("process.name.text").unwrap().data_type,
            DataType::Text
        );
        assert_eq!(m.get("@timestamp").unwrap().data_type, DataType::Date);
    }

    #[test]
    fn field_list_errors_carry_line_and_field() {
        let e = Mapping::from_field_list("a keyword\nb long ignore_above=x\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "line 2: mapping field [b]: bad ignore_above [x]"
        );
        let e = Mapping::from_field_list("a\n").unwrap_err();
        assert_eq!(e.line, Some(1));
        let e = Mapping::from_field_list("a.b keyword multi\n").unwrap_err();
        assert!(e.to_string().contains("unlisted field [a]"), "{e}");
        let e = Mapping::from_field_list("a keyword\na long\n").unwrap_err();
        assert!(e.to_string().contains("listed twice"), "{e}");
    }
}
