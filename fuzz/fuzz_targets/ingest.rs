//! Fuzz target: NDJSON ingestion never panics and accounts for every line (indexed or rejected), on raw
//! bytes and on structured documents whose keys are Elastic Defend field names and whose values are
//! arbitrary JSON (nulls, nested arrays, objects where leaves belong, extreme numbers, any string).
#![no_main]

use std::sync::OnceLock;

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use oracles::harness::dataset::harness_catalog;
use oracles::harness::entry_points::ingest_bytes;
use serde_json::{Map, Value as Json};

#[derive(Debug, Arbitrary)]
enum Leaf {
    Null,
    Bool(bool),
    Int(i64),
    UInt(u64),
    Float(f64),
    Str(String),
    Array(Vec<Leaf>),
    Object(Vec<(String, Leaf)>),
}

#[derive(Debug, Arbitrary)]
enum Input {
    Raw(Vec<u8>),
    Docs(Vec<Vec<(u16, bool, Leaf)>>),
}

fn fields() -> &'static [String] {
    static F: OnceLock<Vec<String>> = OnceLock::new();
    F.get_or_init(|| {
        let c = harness_catalog();
        let mut all: Vec<String> = c.indices.values().flat_map(|m| m.fields.keys().cloned()).collect();
        all.sort();
        all.dedup();
        all
    })
}

fn json(l: &Leaf, depth: u32) -> Json {
    match l {
        Leaf::Null => Json::Null,
        Leaf::Bool(b) => Json::Bool(*b),
        Leaf::Int(i) => Json::from(*i),
        Leaf::UInt(u) => Json::from(*u),
        Leaf::Float(f) => serde_json::Number::from_f64(*f).map(Json::Number).unwrap_or(Json::Null),
        Leaf::Str(s) => Json::String(s.clone()),
        Leaf::Array(v) if depth < 4 => Json::Array(v.iter().map(|x| json(x, depth + 1)).collect()),
        Leaf::Object(kv) if depth < 4 => {
            Json::Object(kv.iter().map(|(k, v)| (k.clone(), json(v, depth + 1))).collect())
        }
        _ => Json::Null,
    }
}

/// Sets a dotted field as nested objects (or, with `dotted`, as one dotted key).
fn set(doc: &mut Map<String, Json>, path: &str, v: Json, dotted: bool) {
    if dotted {
        doc.insert(path.to_owned(), v);
        return;
    }
    let mut obj = doc;
    let parts: Vec<&str> = path.split('.').collect();
    for p in &parts[..parts.len() - 1] {
        let slot = obj.entry((*p).to_owned()).or_insert_with(|| Json::Object(Map::new()));
        if !slot.is_object() {
            *slot = Json::Object(Map::new());
        }
        obj = match slot {
            Json::Object(m) => m,
            _ => return,
        };
    }
    obj.insert(parts[parts.len() - 1].to_owned(), v);
}

fuzz_target!(|input: Input| {
    let bytes = match &input {
        Input::Raw(b) => b.clone(),
        Input::Docs(docs) => {
            let f = fields();
            let mut out = String::new();
            for d in docs {
                let mut doc = Map::new();
                for (pick, dotted, leaf) in d {
                    let name = &f[*pick as usize % f.len()];
                    set(&mut doc, name, json(leaf, 0), *dotted);
                }
                out.push_str(&Json::Object(doc).to_string());
                out.push('\n');
            }
            out.into_bytes()
        }
    };
    if let Err(e) = ingest_bytes(&bytes) {
        panic!("{e}");
    }
});
