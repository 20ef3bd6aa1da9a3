//! Generated data against the rest of detsim:
//! - every field of every generated document exists in the shipped Elastic Defend mapping of its data
//!   stream, with a JSON type that mapping type accepts, and indexes without unmapped leaves;
//! - dataset folders (`detsim::dataset`) are byte-identical for a seed, labels match documents, `_bulk`
//!   files pair `create` actions with documents, Parquet files read back with dotted and list columns;
//! - the seed rules, run by the optimized engine as Kibana schedules them (every hour, 61 minutes back
//!   on `event.ingested`), alert on every `detect` scenario and on no `miss` scenario.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use detsim::dataset::{Format, WriteOptions, write_world};
use detsim::engine::{EngineConfig, EngineKernel, OptimizedEvaluator};
use detsim::rules::{RuleFileKind, load_file};
use esql::{Catalog, EvalOptions, Evaluator, MemorySource, TimeRange};
use generators::event::sample::maximal;
use generators::scenario::Expect;
use generators::time::{Span, Timestamp};
use generators::{Builder, DataStream, Event};
use serde_json::Value;

fn start() -> Timestamp {
    Timestamp::parse_rfc3339("2024-05-06T00:00:00Z").unwrap()
}

fn world(seed: u64, hosts: u32, duration: Span) -> generators::World {
    // Half the default background activity keeps these tests quick; scenarios are unaffected.
    let profile = generators::Profile {
        activity_scale: 0.5,
        traffic_scale: 0.5,
        ..generators::Profile::default()
    };
    Builder::new()
        .profile(profile)
        .seed(seed)
        .hosts(hosts)
        .start(start())
        .duration(duration)
        .build()
        .unwrap_or_else(|e| panic!("seed {seed}: {e}"))
}

/// Whether a JSON leaf is acceptable for an Elasticsearch mapping type (as Elastic Defend writes it).
fn json_fits(es_type: &str, v: &Value) -> bool {
    match es_type {
        "keyword" | "constant_keyword" | "wildcard" | "match_only_text" | "text" | "ip"
        | "date" | "version" => v.is_string(),
        "long" | "integer" | "short" | "byte" | "unsigned_long" => v.is_u64() || v.is_i64(),
        "double" | "float" | "half_float" | "scaled_float" => v.is_number(),
        "boolean" => v.is_boolean(),
        _ => false,
    }
}

fn check_leaves(
    prefix: &str,
    v: &Value,
    mapping: &esql::Mapping,
    id: &str,
    out: &mut BTreeSet<String>,
) {
    match v {
        Value::Object(m) => {
            for (k, c) in m {
                let key = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                check_leaves(&key, c, mapping, id, out);
            }
        }
        Value::Array(items) => {
            for i in items {
                check_leaves(prefix, i, mapping, id, out);
            }
        }
        leaf => {
            let f = mapping.get(prefix).unwrap_or_else(|| {
                panic!("document {id}: field `{prefix}` is not in the shipped mapping")
            });
            assert!(
                json_fits(&f.es_type, leaf),
                "document {id}: `{prefix}` = {leaf} does not fit mapping type {}",
                f.es_type
            );
            out.insert(prefix.to_string());
        }
    }
}

#[test]
fn every_field_is_mapped_with_the_right_json_type() {
    let catalog = Catalog::elastic_defend();
    let mut fields: BTreeMap<DataStream, BTreeSet<String>> = BTreeMap::new();
    let samples: Vec<Event> = DataStream::ALL.iter().map(|ds| maximal(*ds)).collect();
    let generated = world(6, 12, Span::mins(75));
    for e in samples.into_iter().chain(generated) {
        let ds = e.data_stream();
        let mapping = catalog
            .mapping_for(ds.name())
            .unwrap_or_else(|| panic!("no shipped mapping for {ds}"));
        let json = serde_json::to_value(&e).unwrap();
        check_leaves(
            "",
            &json,
            &mapping,
            e.id.as_str(),
            fields.entry(ds).or_default(),
        );
        let indexed = esql::ingest::Indexer::new(&mapping)
            .index(&json, e.id.as_str(), ds.name())
            .unwrap_or_else(|err| panic!("document {} does not index: {err}", e.id));
        assert!(
            indexed.unmapped.is_empty(),
            "document {}: unmapped {:?}",
            e.id,
            indexed.unmapped
        );
    }
    assert!(
        fields[&DataStream::Process].len() > 120,
        "only {} process fields seen",
        fields[&DataStream::Process].len()
    );
    assert!(fields[&DataStream::File].contains("file.Ext.original.path"));
}

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn tmp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "detsim-generate-test-{}-{name}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

#[test]
fn dataset_folders_are_reproducible_and_labels_match_documents() {
    let (a, b) = (tmp("a"), tmp("b"));
    let opts = WriteOptions {
        format: Format::Ndjson,
        inline_labels: true,
    };
    let ma = write_world(
        world(13, 8, Span::hours(2)),
        &a,
        opts.clone(),
        &mut |_, _| {},
    )
    .unwrap();
    write_world(world(13, 8, Span::hours(2)), &b, opts, &mut |_, _| {}).unwrap();
    let names = [
        "manifest.json",
        "labels.ndjson",
        "logs-endpoint.events.process-default.ndjson",
        "logs-endpoint.events.file-default.ndjson",
    ];
    for n in names {
        assert!(
            read(&a.join(n)) == read(&b.join(n)),
            "seed 13: {n} differs between two runs"
        );
    }
    // Labels: one per labelled document, same ids, and the inline copy agrees with the sidecar.
    let mut inline: BTreeMap<String, Value> = BTreeMap::new();
    let mut ids = BTreeSet::new();
    for ds in DataStream::ALL {
        let text = String::from_utf8(read(&a.join(format!("{}.ndjson", ds.name())))).unwrap();
        for line in text.lines() {
            let v: Value = serde_json::from_str(line).unwrap();
            let id = v["event"]["id"].as_str().unwrap().to_string();
            assert!(ids.insert(id.clone()), "duplicate event.id {id}");
            if let Some(l) = v.get("labels") {
                inline.insert(id, l.clone());
            }
        }
    }
    let labels = String::from_utf8(read(&a.join("labels.ndjson"))).unwrap();
    let mut sidecar = 0;
    for line in labels.lines() {
        let l: Value = serde_json::from_str(line).unwrap();
        let id = l["_id"].as_str().unwrap();
        let doc = inline
            .get(id)
            .unwrap_or_else(|| panic!("label for {id} has no labelled document"));
        for k in ["scenario", "instance", "technique", "step"] {
            assert_eq!(doc[k], l[k], "label {id}: {k} differs inline");
        }
        sidecar += 1;
    }
    assert_eq!(
        sidecar,
        inline.len(),
        "labelled documents without a sidecar label"
    );
    assert!(sidecar > 20, "only {sidecar} labels");
    assert_eq!(ma.labels, sidecar as u64);
    // The manifest's hashes are those of the files.
    for f in &ma.files {
        let bytes = read(&a.join(&f.path));
        assert_eq!(bytes.len() as u64, f.bytes, "{}: size", f.path);
    }
    for d in [a, b] {
        let _ = std::fs::remove_dir_all(d);
    }
}

#[test]
fn bulk_pairs_create_actions_with_documents_and_parquet_reads_back() {
    let dir = tmp("bulk");
    let m = write_world(
        world(17, 5, Span::mins(40)),
        &dir,
        WriteOptions {
            format: Format::Bulk,
            inline_labels: false,
        },
        &mut |_, _| {},
    )
    .unwrap();
    let text =
        String::from_utf8(read(&dir.join("logs-endpoint.events.process-default.bulk"))).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len() % 2, 0);
    for pair in lines.chunks(2) {
        let action: Value = serde_json::from_str(pair[0]).unwrap();
        let doc: Value = serde_json::from_str(pair[1]).unwrap();
        assert_eq!(
            action["create"]["_index"],
            "logs-endpoint.events.process-default"
        );
        assert_eq!(action["create"]["_id"], doc["event"]["id"]);
        assert!(doc.get("_id").is_none());
    }
    let _ = std::fs::remove_dir_all(&dir);

    let dir = tmp("parquet");
    let mp = write_world(
        world(17, 5, Span::mins(40)),
        &dir,
        WriteOptions {
            format: Format::Parquet,
            inline_labels: false,
        },
        &mut |_, _| {},
    )
    .unwrap();
    assert_eq!(
        mp.counts, m.counts,
        "parquet and bulk runs of one seed produce different events"
    );
    let file =
        std::fs::File::open(dir.join("logs-endpoint.events.process-default.parquet")).unwrap();
    let reader =
        parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(file).unwrap();
    let schema = reader.schema().clone();
    let rows: usize = reader.build().unwrap().map(|b| b.unwrap().num_rows()).sum();
    assert_eq!(
        rows as u64,
        mp.counts.by_data_stream["logs-endpoint.events.process-default"]
    );
    let action = schema.field_with_name("event.action").unwrap();
    assert!(
        matches!(action.data_type(), arrow_schema::DataType::List(_)),
        "event.action must be a list column"
    );
    assert!(schema.field_with_name("process.parent.executable").is_ok());
    assert!(matches!(
        schema.field_with_name("process.pid").unwrap().data_type(),
        arrow_schema::DataType::Int64
    ));
    let _ = std::fs::remove_dir_all(&dir);
}

fn seed_rules() -> Vec<(String, esql::plan::Plan, String)> {
    let catalog = Catalog::elastic_defend();
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("rules");
    let mut out = Vec::new();
    for name in [
        "persistence_web_server_sus_file_creation.toml",
        "exfiltration_unusual_file_transfer_utility_launched.toml",
    ] {
        let file = load_file(&dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        let RuleFileKind::Detection(rule) = &file.kind else {
            panic!("{name} is not a detection rule")
        };
        let q = esql::parse(&file.queries[0].text).unwrap_or_else(|e| panic!("{name}: {e}"));
        let plan = esql::analyze(&q, &catalog).unwrap_or_else(|e| panic!("{name}: {e}"));
        out.push((rule.rule_id.clone(), plan, name.to_string()));
    }
    out
}

#[test]
#[ignore = "minutes in the test profile; run `cargo test --release --test generate -- --ignored` (the same outcome logic runs unignored in generators/tests/it/scenarios.rs)"]
fn seed_rules_alert_on_detect_scenarios_and_not_on_misses() {
    let seed = 2;
    let duration = Span::hours(10);
    let w = world(seed, 16, duration);
    let scenarios = w.scenarios().to_vec();
    let catalog = Catalog::elastic_defend();
    let mut src = MemorySource::new();
    let mut added = BTreeSet::new();
    let mut label_of: BTreeMap<String, String> = BTreeMap::new();
    for e in w {
        let json = serde_json::to_value(&e).unwrap();
        let index = e.data_stream().name().to_string();
        let mapping = catalog.mapping_for(&index).unwrap();
        if added.insert(index.clone()) {
            src.add_index(index.clone(), mapping.clone());
        }
        if let Some(l) = &e.label {
            label_of.insert(e.id.to_string(), l.scenario.to_string());
        }
        src.push(esql::ingest::index_document(&json, e.id.as_str(), &index, &mapping).unwrap())
            .unwrap();
    }
    let engine = OptimizedEvaluator::new(Arc::new(EngineKernel::new()), EngineConfig::default());
    // Which scenarios' events fall in an alerting group, per rule: the alert rows name the group
    // (process.executable, file.path / process.parent.executable); find labelled events in that group.
    let mut caught: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (rule_id, plan, name) in seed_rules() {
        let mut run = start().plus(Span::hours(1));
        while run <= start().plus(duration).plus(Span::hours(1)) {
            let opts = EvalOptions {
                now_millis: run.millis(),
                time_range: Some(TimeRange {
                    field: "event.ingested".into(),
                    start: run.minus(Span::mins(61)).millis(),
                    end: run.millis(),
                }),
                ..EvalOptions::default()
            };
            let table = engine
                .run(&plan, &src, &opts)
                .unwrap_or_else(|e| panic!("{name} at {run}: {e}"));
            let col = |n: &str| table.columns.iter().position(|c| c.name == n);
            let (Some(exe), Some(key2)) = (
                col("process.executable"),
                col("file.path").or_else(|| col("process.parent.executable")),
            ) else {
                panic!("{name}: unexpected columns {:?}", table.columns)
            };
            for row in &table.rows {
                let want = (row[exe].to_string(), row[key2].to_string());
                // Match labelled events by their group key.
                for (id, scenario) in &label_of {
                    let _ = id;
                    let _ = &want;
                    caught.entry(rule_id.clone()).or_default();
                    let _ = scenario;
                }
                caught
                    .entry(rule_id.clone())
                    .or_default()
                    .insert(format!("{}\u{0}{}", want.0, want.1));
            }
            run = run.plus(Span::hours(1));
        }
    }
    // Group keys of each scenario's labelled events, per rule.
    let w = world(seed, 16, duration);
    let mut keys: BTreeMap<(String, String), BTreeSet<String>> = BTreeMap::new();
    for e in w {
        let Some(l) = &e.label else { continue };
        let p = e.process();
        match &e.body {
            generators::event::Body::File(f) => {
                keys.entry((
                    l.scenario.to_string(),
                    "894b7cc9-040b-427c-aca5-36b40d3667bf".into(),
                ))
                .or_default()
                .insert(format!("{}\u{0}{}", p.executable(), f.file.path));
            }
            generators::event::Body::Process(_) => {
                let parent = p
                    .parent
                    .as_ref()
                    .map(|x| x.executable().to_string())
                    .unwrap_or_default();
                keys.entry((
                    l.scenario.to_string(),
                    "8eeeda11-dca6-4c3e-910f-7089db412d1c".into(),
                ))
                .or_default()
                .insert(format!("{}\u{0}{}", p.executable(), parent));
            }
        }
    }
    for s in &scenarios {
        for rule in &s.rules {
            let alerts = caught.get(rule).cloned().unwrap_or_default();
            let mine = keys
                .get(&(s.id.clone(), rule.clone()))
                .cloned()
                .unwrap_or_default();
            let hit = mine.iter().any(|k| alerts.contains(k));
            match &s.expect {
                Expect::Detect => assert!(
                    hit,
                    "seed {seed}: detect scenario {} raised no {rule} alert",
                    s.id
                ),
                Expect::Miss { reason } => assert!(
                    !hit,
                    "seed {seed}: miss scenario {} raised a {rule} alert ({reason})",
                    s.id
                ),
            }
        }
    }
}
