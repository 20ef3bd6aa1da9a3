//! Flattening a document into dotted field names, as Elasticsearch indexes it: objects become dotted
//! paths, arrays become multi-valued leaves (an array of objects spreads its leaves into lists).
//! Used by the Parquet writer (not on the NDJSON hot path).

use std::collections::BTreeMap;

use generators::Event;
use serde_json::Value;

/// A flattened leaf value.
#[derive(Debug, Clone, PartialEq)]
pub enum Flat {
    /// Text (keywords, dates, IPs).
    Str(String),
    /// Integer.
    Int(i64),
    /// Floating point.
    Float(f64),
    /// Boolean.
    Bool(bool),
    /// Several values (JSON array), in order.
    List(Vec<Flat>),
}

fn leaf(v: &Value) -> Option<Flat> {
    match v {
        Value::String(s) => Some(Flat::Str(s.clone())),
        Value::Bool(b) => Some(Flat::Bool(*b)),
        Value::Number(n) => n
            .as_i64()
            .map(Flat::Int)
            .or_else(|| n.as_u64().map(|u| Flat::Int(u as i64)))
            .or_else(|| n.as_f64().map(Flat::Float)),
        _ => None,
    }
}

fn push(out: &mut BTreeMap<String, Flat>, key: String, v: Flat, in_array: bool) {
    if !in_array {
        out.insert(key, v);
        return;
    }
    match out.get_mut(&key) {
        Some(Flat::List(items)) => match v {
            Flat::List(more) => items.extend(more),
            one => items.push(one),
        },
        _ => {
            let list = match v {
                Flat::List(items) => items,
                one => vec![one],
            };
            out.insert(key, Flat::List(list));
        }
    }
}

fn walk(prefix: &str, v: &Value, out: &mut BTreeMap<String, Flat>, in_array: bool) {
    match v {
        Value::Object(m) => {
            for (k, child) in m {
                let key = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                walk(&key, child, out, in_array);
            }
        }
        Value::Array(items) => {
            if items.iter().all(|i| !i.is_object()) {
                let list: Vec<Flat> = items.iter().filter_map(leaf).collect();
                push(out, prefix.to_string(), Flat::List(list), in_array);
            } else {
                for item in items {
                    walk(prefix, item, out, true);
                }
            }
        }
        Value::Null => {}
        other => {
            if let Some(l) = leaf(other) {
                push(out, prefix.to_string(), l, in_array);
            }
        }
    }
}

/// The event's fields by dotted name (with the inline label under `labels.*` when `inline_labels`).
pub fn flatten_event(e: &Event, inline_labels: bool) -> BTreeMap<String, Flat> {
    let value = if inline_labels {
        serde_json::to_value(generators::LabelledEvent(e))
    } else {
        serde_json::to_value(e)
    }
    .unwrap_or(Value::Null);
    flatten_value(&value)
}

/// A JSON document's fields by dotted name.
pub fn flatten_value(value: &Value) -> BTreeMap<String, Flat> {
    let mut out = BTreeMap::new();
    walk("", value, &mut out, false);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use generators::DataStream;
    use generators::event::sample::maximal;

    #[test]
    fn objects_become_dotted_and_arrays_lists() {
        let f = flatten_event(&maximal(DataStream::Process), false);
        assert_eq!(f["process.pid"], Flat::Int(12641));
        assert!(matches!(&f["event.action"], Flat::List(v) if v.len() == 3));
        assert!(matches!(&f["process.Ext.ancestry"], Flat::List(_)));
        // process.previous is an array of objects: its leaves become lists.
        assert!(matches!(&f["process.previous.executable"], Flat::List(v) if v.len() == 1));
        assert_eq!(f["host.os.type"], Flat::Str("linux".into()));
        assert!(!f.contains_key("labels.scenario"));
        let with = flatten_event(&maximal(DataStream::File), true);
        assert_eq!(with["labels.scenario"], Flat::Str("sample".into()));
        assert_eq!(
            with["file.Ext.original.path"],
            Flat::Str("/tmp/report.tmp".into())
        );
    }
}
