//! Unit tests of the ingest rules, each citing the Elasticsearch doc, issue or csv-spec fact it checks.

use std::net::IpAddr;

use serde_json::json;

use super::*;
use crate::{FieldMapping, Mapping, Value};

fn kw(s: &str) -> Value {
    Value::keyword(s)
}

fn ecs() -> Mapping {
    let mut m = Mapping::new()
        .with("process.name", "keyword")
        .with("process.pid", "long")
        .with("process.parent.name", "keyword")
        .with("process.args", "keyword")
        .with("event.action", "keyword")
        .with("event.id", "keyword")
        .with("user.id", "integer")
        .with("host.uptime", "double")
        .with("host.cpu", "float")
        .with("host.half", "half_float")
        .with("host.bytes", "unsigned_long")
        .with("host.ip", "ip")
        .with("host.small", "short")
        .with("host.tiny", "byte")
        .with("@timestamp", "date")
        .with("event.created", "date_nanos")
        .with("agent.version", "version")
        .with("file.hidden", "boolean")
        .with("message", "text");
    m.insert(
        "process.command_line",
        FieldMapping::new("wildcard").with_ignore_above(20),
    );
    m.insert(
        "process.title",
        FieldMapping::new("keyword").with_ignore_above(5),
    );
    let mut sub = FieldMapping::new("keyword").with_ignore_above(10);
    sub.multi_field_of = Some("message".into());
    m.insert("message.keyword", sub);
    let mut caseless = FieldMapping::new("keyword");
    caseless.multi_field_of = Some("process.name".into());
    caseless.normalizer = Some("lowercase".into());
    m.insert("process.name.caseless", caseless);
    let mut ds = FieldMapping::new("constant_keyword");
    ds.constant_value = Some("endpoint.events.process".into());
    m.insert("data_stream.dataset", ds);
    let mut alias = FieldMapping::new("alias");
    alias.multi_field_of = Some("process.pid".into());
    m.insert("pid_alias", alias);
    let mut scaled = FieldMapping::new("scaled_float");
    scaled.scaling_factor = Some(100.0);
    m.insert("host.load", scaled);
    m.insert("location", FieldMapping::new("geo_point"));
    m
}

fn index(doc: serde_json::Value) -> Indexed {
    let m = ecs();
    Indexer::new(&m)
        .index(&doc, "d1", "logs-endpoint.events.process-default")
        .unwrap()
}

fn reject(doc: serde_json::Value) -> IngestError {
    let m = ecs();
    Indexer::new(&m).index(&doc, "d1", "idx").unwrap_err()
}

#[test]
fn nested_objects_flatten_and_dotted_keys_merge_with_objects() {
    // ES docs "Field names with dots": `{"process.name": …}` is the same as `{"process": {"name": …}}`
    // and both forms can be mixed in one document (mapping-reference/dots-in-field-names).
    let i = index(json!({
        "process": {"pid": 42, "parent": {"name": "bash"}},
        "process.name": "sshd",
        "event": {"id": "e1"}
    }));
    let d = &i.document;
    assert_eq!(d.get("process.pid"), &Value::Long(42));
    assert_eq!(d.get("process.parent.name"), &kw("bash"));
    assert_eq!(d.get("process.name"), &kw("sshd"));
    assert_eq!(d.id, "d1");
    assert_eq!(d.index, "logs-endpoint.events.process-default");
    assert_eq!(d.version, 1);
}

#[test]
fn arrays_become_sorted_multi_values_keywords_deduplicated_numbers_not() {
    // docs esql-multivalued-fields: "multivalued fields come back sorted"; keyword values are
    // deduplicated (sorted-set doc values), longs keep duplicates.
    let i = index(json!({
        "event": {"action": ["exec", "fork", "exec"]},
        "process": {"args": ["-c", "/bin/sh", "-c"]},
        "user": {"id": [3, 1, 3]},
    }));
    let d = &i.document;
    assert_eq!(
        d.get("event.action"),
        &Value::Multi(vec![kw("exec"), kw("fork")])
    );
    assert_eq!(
        d.get("process.args"),
        &Value::Multi(vec![kw("-c"), kw("/bin/sh")])
    );
    assert_eq!(
        d.get("user.id"),
        &Value::Multi(vec![
            Value::Integer(1),
            Value::Integer(3),
            Value::Integer(3)
        ])
    );
}

#[test]
fn arrays_of_objects_flatten_per_leaf_and_nested_arrays_flatten() {
    // ES docs (mapping-reference/array): arrays of objects are flattened per field unless `nested`.
    let i = index(json!({
        "process": [{"name": "b", "pid": 2}, {"name": "a", "pid": [1, [5]]}],
    }));
    let d = &i.document;
    assert_eq!(d.get("process.name"), &Value::Multi(vec![kw("a"), kw("b")]));
    assert_eq!(
        d.get("process.pid"),
        &Value::Multi(vec![Value::Long(1), Value::Long(2), Value::Long(5)])
    );
}

#[test]
fn nulls_in_arrays_drop_and_empty_arrays_are_absent() {
    // docs mapping-reference/null-value: "An empty array does not contain an explicit null" and null
    // values are not indexed; SEMANTICS.md §2.2 "nulls inside arrays are dropped".
    let i = index(json!({
        "event": {"action": [null, "exec", null]},
        "process": {"args": [], "pid": null},
    }));
    let d = &i.document;
    assert_eq!(d.get("event.action"), &kw("exec"));
    assert!(!d.fields.contains_key("process.args"));
    assert!(!d.fields.contains_key("process.pid"));
}

#[test]
fn numeric_strings_are_coerced_and_decimals_truncated() {
    // docs mapping-reference/coerce: "Strings will be coerced to numbers. Floating points will be
    // truncated for integer values." (coerce defaults to true).
    let i = index(json!({
        "process": {"pid": "12"},
        "user": {"id": ["1.9", -2.7, "3e2"]},
        "host": {"uptime": "1.5", "small": "7", "tiny": -128},
    }));
    let d = &i.document;
    assert_eq!(d.get("process.pid"), &Value::Long(12));
    assert_eq!(
        d.get("user.id"),
        &Value::Multi(vec![
            Value::Integer(-2),
            Value::Integer(1),
            Value::Integer(300)
        ])
    );
    assert_eq!(d.get("host.uptime"), &Value::Double(1.5));
    assert_eq!(d.get("host.small"), &Value::Integer(7));
    assert_eq!(d.get("host.tiny"), &Value::Integer(-128));
}

#[test]
fn an_empty_string_in_a_numeric_field_is_null() {
    // NumberFieldMapper treats an empty string as null when coercing (ES number field docs, `null_value`).
    let i = index(json!({"process": {"pid": ""}, "host": {"uptime": ""}}));
    assert!(!i.document.fields.contains_key("process.pid"));
    assert!(!i.document.fields.contains_key("host.uptime"));
}

#[test]
fn non_numeric_strings_and_out_of_range_numbers_reject_the_document() {
    // The _bulk API answers mapper_parsing_exception "failed to parse field [x] of type [long]" and
    // "Value [...] is out of range for an integer" (number field docs: ranges of each type).
    let e = reject(json!({"process": {"pid": "abc"}}));
    let text = e.to_string();
    assert!(
        text.contains("failed to parse field [process.pid] of type [long]"),
        "{text}"
    );
    assert!(text.contains("document with id 'd1'"), "{text}");
    let e = reject(json!({"user": {"id": 2147483648u64}}));
    assert!(e.to_string().contains("out of range for an integer"), "{e}");
    let e = reject(json!({"host": {"small": 40000}}));
    assert!(e.to_string().contains("out of range for a short"), "{e}");
    let e = reject(json!({"process": {"pid": "9223372036854775808"}}));
    assert!(e.to_string().contains("out of range for a long"), "{e}");
    let e = reject(json!({"host": {"bytes": -1}}));
    assert!(
        e.to_string().contains("out of range for an unsigned_long"),
        "{e}"
    );
    let e = reject(json!({"process": {"pid": true}}));
    assert!(matches!(e, IngestError::FieldValue { ref field, .. } if field == "process.pid"));
}

#[test]
fn unsigned_long_takes_the_full_range() {
    // docs number field type: unsigned_long is 0 to 2^64-1.
    let i = index(json!({"host": {"bytes": 18446744073709551615u64}}));
    assert_eq!(i.document.get("host.bytes"), &Value::UnsignedLong(u64::MAX));
}

#[test]
fn float_and_half_float_read_back_at_their_precision() {
    // spec:keep/simpleEvalWithSortAndLimitOne: height 1.63 reads height.float 1.6299999952316284 and
    // height.half_float 1.6298828125; spec:stats maxOfFloat 2.0999999046325684, maxOfHalfFloat 2.099609375.
    let i = index(json!({"host": {"cpu": 1.63, "half": 1.63}}));
    assert_eq!(
        i.document.get("host.cpu"),
        &Value::Double(1.6299999952316284)
    );
    assert_eq!(i.document.get("host.half"), &Value::Double(1.6298828125));
    let i = index(json!({"host": {"cpu": 2.1, "half": 2.1}}));
    assert_eq!(
        i.document.get("host.cpu"),
        &Value::Double(2.0999999046325684)
    );
    assert_eq!(i.document.get("host.half"), &Value::Double(2.099609375));
    let e = reject(json!({"host": {"cpu": 1e39}}));
    assert!(
        e.to_string()
            .contains("[float] supports only finite values"),
        "{e}"
    );
}

#[test]
fn scaled_float_rounds_to_the_factor_and_divides_back() {
    // elastic/elasticsearch#122586 (capability fix_precision_of_scaled_float_fields): ES|QL reads
    // `stored / factor`, so 1.63 with factor 100 reads 1.63 (spec:keep/simpleEvalWithSortAndLimitOne).
    let i = index(json!({"host": {"load": [1.63, 2.03, 0.125]}}));
    assert_eq!(
        i.document.get("host.load"),
        &Value::Multi(vec![
            Value::Double(0.13),
            Value::Double(1.63),
            Value::Double(2.03)
        ])
    );
}

#[test]
fn numbers_and_booleans_into_keyword_fields_become_strings() {
    // docs keyword field type: any JSON scalar is indexed as its text; employees.csv salary_change.keyword
    // holds the text of salary_change's numbers.
    let i = index(json!({"process": {"name": 33, "args": [true, 1.5]}}));
    assert_eq!(i.document.get("process.name"), &kw("33"));
    assert_eq!(
        i.document.get("process.args"),
        &Value::Multi(vec![kw("1.5"), kw("true")])
    );
}

#[test]
fn boolean_fields_accept_strings() {
    // docs mapping-reference/boolean: false values are false, "false", "" (empty string); true values
    // are true, "true". Anything else is rejected.
    let i = index(json!({"file": {"hidden": ["true", false, "false", ""]}}));
    assert_eq!(
        i.document.get("file.hidden"),
        &Value::Multi(vec![
            Value::Boolean(false),
            Value::Boolean(false),
            Value::Boolean(false),
            Value::Boolean(true)
        ])
    );
    let e = reject(json!({"file": {"hidden": "yes"}}));
    assert!(
        e.to_string().contains("only [true] or [false] are allowed"),
        "{e}"
    );
    assert!(
        reject(json!({"file": {"hidden": 1}}))
            .to_string()
            .contains("file.hidden")
    );
}

#[test]
fn dates_use_strict_date_optional_time_or_epoch_millis() {
    // docs mapping-reference/date: the default format is "strict_date_optional_time||epoch_millis";
    // JSON numbers are epoch milliseconds; a date field keeps millisecond precision.
    let i = index(json!({"@timestamp": ["2023-01-23T12:15:00.123456Z", 1674476100000i64]}));
    assert_eq!(
        i.document.get("@timestamp"),
        &Value::Multi(vec![
            Value::Date(1_674_476_100_000),
            Value::Date(1_674_476_100_123)
        ])
    );
    let i = index(json!({"event": {"created": "2023-01-23T12:15:00.123456789Z"}}));
    assert_eq!(
        i.document.get("event.created"),
        &Value::DateNanos(1_674_476_100_123_456_789)
    );
    let e = reject(json!({"@timestamp": "23/01/2023"}));
    assert!(
        e.to_string()
            .contains("failed to parse date field [23/01/2023]"),
        "{e}"
    );
    // docs date_nanos: dates before 1970 cannot be stored in nanosecond resolution.
    assert!(
        reject(json!({"event": {"created": "1969-12-31T23:59:59Z"}}))
            .to_string()
            .contains("before the epoch")
    );
}

#[test]
fn ips_parse_and_ipv4_mapped_read_back_as_ipv4() {
    // docs ip field type: IPv4 and IPv6 in one field; stored as 16 bytes, so ::ffff:1.2.3.4 is 1.2.3.4.
    let i = index(json!({"host": {"ip": ["::ffff:10.0.0.1", "fe80::1", "10.0.0.1"]}}));
    let ip = |s: &str| Value::Ip(s.parse::<IpAddr>().unwrap());
    assert_eq!(
        i.document.get("host.ip"),
        &Value::Multi(vec![ip("10.0.0.1"), ip("fe80::1")])
    );
    assert!(
        reject(json!({"host": {"ip": "10.0.0"}}))
            .to_string()
            .contains("is not an IP string literal")
    );
}

#[test]
fn versions_sort_as_versions() {
    // docs version field type: ordered by semver precedence, deduplicated like keywords.
    let i = index(json!({"agent": {"version": ["8.10.0", "8.9.1", "8.10.0"]}}));
    assert_eq!(
        i.document.get("agent.version"),
        &Value::Multi(vec![
            Value::Version("8.9.1".into()),
            Value::Version("8.10.0".into())
        ])
    );
}

#[test]
fn keywords_over_ignore_above_read_back_null_and_are_listed_in_ignored() {
    // docs mapping-reference/ignore-above: longer strings "will not be indexed or stored", per array
    // element; since 7.14 the field is listed in `_ignored` (elastic/elasticsearch#74418). ES|QL reads
    // doc values, so the value is null: elastic/elasticsearch#124678 ("Load from _source if a field was
    // ignore_above-ed", open) shows `FROM long_field` returning null; #119546 notes ES|QL never returns
    // ignored values, also with synthetic source.
    let i = index(json!({"process": {"title": ["abc", "toolong"], "command_line": "short"}}));
    let d = &i.document;
    assert_eq!(d.get("process.title"), &kw("abc"));
    assert_eq!(d.get("process.command_line"), &kw("short"));
    assert_eq!(d.ignored, vec!["process.title".to_string()]);
    let i = index(json!({"process": {"title": "toolong"}}));
    assert_eq!(i.document.get("process.title"), &Value::Null);
    assert_eq!(i.document.ignored, vec!["process.title".to_string()]);
    // ignore_above counts characters (Java String length, UTF-16 units), not bytes: 5 × "é" is kept.
    let i = index(json!({"process": {"title": "ééééé"}}));
    assert_eq!(i.document.get("process.title"), &kw("ééééé"));
}

#[test]
fn multi_fields_index_the_parents_source_value() {
    // docs mapping-reference/multi-fields: the same source value is indexed by each sub-field with its
    // own type and parameters (text `message` with a `keyword` sub-field; ECS `.caseless` normalizer).
    let i = index(
        json!({"message": ["b text", "a text", "b text", "much longer text"], "process": {"name": "SSHD"}}),
    );
    let d = &i.document;
    assert_eq!(
        d.get("message"),
        &Value::Multi(vec![
            kw("b text"),
            kw("a text"),
            kw("b text"),
            kw("much longer text")
        ])
    );
    assert_eq!(
        d.get("message.keyword"),
        &Value::Multi(vec![kw("a text"), kw("b text")])
    );
    assert_eq!(d.ignored, vec!["message.keyword".to_string()]);
    assert_eq!(d.get("process.name"), &kw("SSHD"));
    assert_eq!(d.get("process.name.caseless"), &kw("sshd"));
}

#[test]
fn constant_keyword_fields_return_the_mapped_value() {
    // docs constant_keyword: every document has the mapped value; another value is rejected.
    let i = index(json!({}));
    assert_eq!(
        i.document.get("data_stream.dataset"),
        &kw("endpoint.events.process")
    );
    let i = index(json!({"data_stream": {"dataset": "endpoint.events.process"}}));
    assert_eq!(
        i.document.get("data_stream.dataset"),
        &kw("endpoint.events.process")
    );
    let e = reject(json!({"data_stream": {"dataset": "other"}}));
    assert!(
        e.to_string().contains("only accepts values that are equal"),
        "{e}"
    );
}

#[test]
fn aliases_read_their_target_and_cannot_be_written() {
    // docs field-alias: an alias reads its path's values; "writes to the alias are not supported".
    let i = index(json!({"process": {"pid": 7}}));
    assert_eq!(i.document.get("pid_alias"), &Value::Long(7));
    assert!(matches!(
        reject(json!({"pid_alias": 7})),
        IngestError::FieldValue { .. }
    ));
}

#[test]
fn unmapped_fields_are_ignored_and_reported() {
    // With a fixed mapping (`dynamic: false`) unknown fields stay in _source only and are not searchable
    // (docs mapping-reference/dynamic); detsim reports them instead of dropping them silently.
    let i = index(json!({"process": {"name": "a", "hash": {"md5": "x"}}, "extra": [1, 2]}));
    assert_eq!(
        i.unmapped,
        vec!["extra".to_string(), "process.hash.md5".to_string()]
    );
    // process.name, its caseless multi-field and the constant_keyword field.
    assert_eq!(i.document.fields.len(), 3, "{:?}", i.document.fields);
}

#[test]
fn fields_of_unsupported_types_read_null_and_are_reported() {
    let i = index(json!({"location": {"lat": 1.0, "lon": 2.0}}));
    assert_eq!(i.unsupported, vec!["location".to_string()]);
    assert_eq!(i.document.get("location"), &Value::Null);
}

#[test]
fn objects_where_values_are_mapped_and_values_where_objects_are_mapped_reject() {
    // _bulk: "failed to parse field [process.name] of type [keyword]" for an object, and "object mapping
    // for [process] tried to parse field [process] as object, but found a concrete value".
    let e = reject(json!({"process": {"name": {"x": 1}}}));
    assert!(
        matches!(e, IngestError::ObjectForLeaf { ref field, .. } if field == "process.name"),
        "{e}"
    );
    let e = reject(json!({"process": "bash"}));
    assert!(
        matches!(e, IngestError::ConcreteValueForObject { ref field, .. } if field == "process"),
        "{e}"
    );
    let e = reject(json!({"process.name.first": "x"}));
    assert!(
        matches!(e, IngestError::ObjectForLeaf { ref field, .. } if field == "process.name"),
        "{e}"
    );
    assert!(matches!(
        reject(json!({"a..b": 1})),
        IngestError::FieldName { .. }
    ));
    assert!(matches!(
        reject(json!([1])),
        IngestError::NotAnObject { .. }
    ));
}

#[test]
fn index_document_is_the_simple_entry_point() {
    let m = Mapping::new().with("a", "keyword");
    let d = index_document(&json!({"a": ["y", "x"]}), "1", "i", &m).unwrap();
    assert_eq!(d.get("a"), &Value::Multi(vec![kw("x"), kw("y")]));
}

#[test]
fn ndjson_lines_index_with_event_id_and_report_rejects_with_line_numbers() {
    // docs _bulk API: each item succeeds or fails on its own (`"errors": true`, the item's
    // `mapper_parsing_exception`); a rejected line is reported with its line and counted, never dropped.
    let m = ecs();
    let text = "{\"event\":{\"id\":\"e1\"},\"process\":{\"pid\":1}}\n\n{\"process\":{\"pid\":\"x\"}}\nnot json\n{\"event.id\":\"e4\",\"zzz\":1}\n";
    let mut r = read_ndjson(text.as_bytes(), "idx", &m).with_file("f.ndjson");
    let items: Vec<_> = r.by_ref().collect();
    assert_eq!(items.len(), 4);
    assert_eq!(items[0].as_ref().unwrap().id, "e1");
    let e = items[1].as_ref().unwrap_err();
    assert_eq!((e.line, e.file.as_deref()), (3, Some("f.ndjson")));
    assert!(
        e.to_string()
            .starts_with("f.ndjson: line 3: mapper_parsing_exception"),
        "{e}"
    );
    let e = items[2].as_ref().unwrap_err();
    assert!(
        matches!(e.error, IngestError::Json { column: 2, .. }),
        "{e}"
    );
    assert_eq!(items[3].as_ref().unwrap().id, "e4");
    let s = r.stats();
    assert_eq!((s.indexed, s.rejected), (2, 2));
    assert_eq!(s.unmapped.get("zzz"), Some(&1));
}

#[test]
fn documents_without_event_id_get_a_deterministic_id() {
    let m = Mapping::new().with("a", "keyword");
    let docs: Vec<_> = read_ndjson("{\"a\":1}\n{\"a\":2}\n".as_bytes(), "idx", &m).collect();
    assert_eq!(docs[1].as_ref().unwrap().id, "idx-2");
}

#[test]
fn decimal_strings_truncate_exactly() {
    assert_eq!(
        truncate_decimal("9223372036854775807.9"),
        Some(Some(9223372036854775807))
    );
    assert_eq!(truncate_decimal("-0.5"), Some(Some(0)));
    assert_eq!(truncate_decimal("1.5e1"), Some(Some(15)));
    assert_eq!(truncate_decimal("+7"), Some(Some(7)));
    assert_eq!(truncate_decimal("1e40"), Some(None));
    assert_eq!(truncate_decimal("0x10"), None);
    assert_eq!(truncate_decimal(" 1"), None);
    assert_eq!(truncate_decimal("."), None);
}

#[test]
fn a_dataset_folder_loads_each_stream_under_its_template_mapping() {
    let dir = std::env::temp_dir().join(format!("detsim-ingest-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("logs-x-default.ndjson"),
        "{\"event\":{\"id\":\"a\"},\"n\":\"1\"}\n{\"n\":\"bad\"}\n",
    )
    .unwrap();
    std::fs::write(dir.join("labels.ndjson"), "{}\n").unwrap();
    let mut catalog = crate::Catalog::new();
    catalog.add_template(crate::catalog::IndexTemplate {
        name: "logs-x".into(),
        patterns: vec!["logs-x-*".into()],
        mapping: std::sync::Arc::new(Mapping::new().with("n", "long")),
    });
    let ds = Dataset::load(&dir, &catalog).unwrap();
    std::fs::remove_dir_all(&dir).ok();
    let docs = ds.source.documents("logs-x-default");
    assert_eq!(docs.len(), 1);
    assert_eq!(docs[0].get("n"), &Value::Long(1));
    assert_eq!(ds.rejected(), 1);
    assert_eq!(ds.errors[0].line, 2);
    assert_eq!(ds.skipped_files.len(), 1);
    assert!(ds.skipped_files[0].ends_with("labels.ndjson"));
}
