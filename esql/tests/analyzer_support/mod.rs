//! Shared helpers of the analyzer tests: test catalogs and ES-style error extraction.
#![allow(dead_code)]

use std::sync::Arc;

use esql::{Catalog, Mapping, Plan};

/// The fields (facts: names and types) of ES's `mapping-default.json`, the csv-spec `employees` index,
/// plus a text field with a keyword multi-field.
pub fn employees_mapping() -> Mapping {
    let json = serde_json::json!({"properties": {
        "emp_no": {"type": "integer"},
        "first_name": {"type": "keyword"},
        "last_name": {"type": "keyword"},
        "gender": {"type": "keyword"},
        "birth_date": {"type": "date"},
        "hire_date": {"type": "date"},
        "salary": {"type": "integer"},
        "languages": {"type": "integer", "fields": {
            "long": {"type": "long"}, "short": {"type": "short"}, "byte": {"type": "byte"}}},
        "height": {"type": "double", "fields": {
            "float": {"type": "float"}, "scaled_float": {"type": "scaled_float", "scaling_factor": 100},
            "half_float": {"type": "half_float"}}},
        "still_hired": {"type": "boolean"},
        "avg_worked_seconds": {"type": "long"},
        "job_positions": {"type": "keyword"},
        "is_rehired": {"type": "boolean"},
        "salary_change": {"type": "double", "fields": {
            "int": {"type": "integer"}, "long": {"type": "long"}, "keyword": {"type": "keyword"}}},
        "job": {"type": "text", "fields": {"raw": {"type": "keyword"}}},
        "client_ip": {"type": "ip"},
        "version": {"type": "version"}
    }});
    Mapping::from_es_json(&json).expect("valid mapping")
}

/// A catalog with the index `test` (and `employees`) mapped like `employees_mapping`.
pub fn employees() -> Catalog {
    let m = Arc::new(employees_mapping());
    let mut c = Catalog::new();
    c.insert("test", m.clone());
    c.insert("employees", m);
    c
}

/// Two indices `logs-a` and `logs-b`: `port` is keyword in one and long in the other, `shape` is a
/// type ES|QL cannot read, `host` only exists in `logs-a`.
pub fn conflicting() -> Catalog {
    let a = serde_json::json!({"properties": {
        "@timestamp": {"type": "date"}, "port": {"type": "keyword"}, "host": {"type": "keyword"},
        "shape": {"type": "geo_shape"}, "msg": {"type": "match_only_text"}}});
    let b = serde_json::json!({"properties": {
        "@timestamp": {"type": "date"}, "port": {"type": "long"}, "msg": {"type": "text"},
        "shape": {"type": "geo_shape"}}});
    Catalog::new()
        .with("logs-a", Mapping::from_es_json(&a).unwrap())
        .with("logs-b", Mapping::from_es_json(&b).unwrap())
}

/// The plan of `query` over `catalog` (panics with the problems otherwise).
pub fn plan_in(catalog: &Catalog, query: &str) -> Plan {
    let q = esql::parse(query).unwrap_or_else(|e| panic!("{query}: {e}"));
    esql::analyze(&q, catalog).unwrap_or_else(|e| panic!("{query}:\n{e}"))
}

/// The plan of `query` over [`employees`].
pub fn plan(query: &str) -> Plan {
    plan_in(&employees(), query)
}

/// The output columns of `query` as `name:type` strings.
pub fn columns(query: &str) -> Vec<String> {
    plan(query)
        .output()
        .columns
        .iter()
        .map(|c| format!("{}:{}", c.name, c.data_type))
        .collect()
}

/// The problems of `query` over `catalog` as VerifierTests prints them: ES's message without the
/// `Found N problems\nline ` prefix.
pub fn error_in(catalog: &Catalog, query: &str) -> String {
    let q = esql::parse(query).unwrap_or_else(|e| panic!("{query}: {e}"));
    let e = esql::analyze(&q, catalog).expect_err(query);
    let full = e.to_string();
    let first_line_end = full.find('\n').unwrap_or(full.len());
    full[first_line_end..]
        .trim_start_matches('\n')
        .trim_start_matches("line ")
        .to_owned()
}

/// [`error_in`] over [`employees`].
pub fn error(query: &str) -> String {
    error_in(&employees(), query)
}
