//! Generated data against the rest of detsim:
//! - every field of every generated document exists in the shipped Elastic Defend mapping of its data
//!   stream, with a JSON type that mapping type accepts, and indexes without unmapped leaves;
//! - dataset folders (`detsim::dataset`) are byte-identical for a seed, labels match documents, `_bulk`
//!   files pair `create` actions with documents, Parquet files read back with dotted and list columns;
//! - dataset files are the same bytes whatever the number of threads;
//! - the seed rules, run by the optimized engine as Kibana schedules them (every hour, 61 minutes back
//!   on `event.ingested`), alert on every `detect` scenario and on no `miss` scenario (12 hosts, 4 h:
//!   a few seconds in release).

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
fn dataset_bytes_do_not_depend_on_the_thread_count() {
    // Hosts are simulated and documents encoded on all threads of the pool; the files must be the
    // same bytes with 1 and 3 threads (NDJSON with inline labels, and `_bulk`).
    for (format, inline_labels) in [(Format::Ndjson, true), (Format::Bulk, false)] {
        let mut files = Vec::new();
        for threads in [1, 3] {
            let dir = tmp(&format!("threads-{}-{threads}", format.name()));
            let m = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap()
                .install(|| {
                    write_world(
                        world(23, 10, Span::mins(90)),
                        &dir,
                        WriteOptions {
                            format,
                            inline_labels,
                        },
                        &mut |_, _| {},
                    )
                })
                .unwrap();
            // More than one batch of 8192 events goes through the pipeline.
            assert!(m.counts.total > 8_192, "only {} events", m.counts.total);
            files.push(
                m.files
                    .iter()
                    .map(|f| (f.path.clone(), f.bytes, f.sha256.clone()))
                    .collect::<Vec<_>>(),
            );
            let _ = std::fs::remove_dir_all(&dir);
        }
        assert_eq!(
            files[0],
            files[1],
            "{}: 1 and 3 threads wrote different files",
            format.name()
        );
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
    // Date fields are UTC nanosecond timestamps holding exactly the generated instants.
    let ts_type =
        arrow_schema::DataType::Timestamp(arrow_schema::TimeUnit::Nanosecond, Some("UTC".into()));
    for name in [
        "@timestamp",
        "event.created",
        "event.ingested",
        "process.start",
        "process.end",
        "process.parent.start",
        "process.entry_leader.start",
        "process.entry_leader.parent.start",
    ] {
        let f = schema
            .field_with_name(name)
            .unwrap_or_else(|_| panic!("no column {name}"));
        assert_eq!(f.data_type(), &ts_type, "{name}");
    }
    assert_eq!(
        schema.field_with_name("process.name").unwrap().data_type(),
        &arrow_schema::DataType::Utf8
    );
    let expected: Vec<(i64, i64)> = world(17, 5, Span::mins(40))
        .filter(|e| e.data_stream() == DataStream::Process)
        // Documents carry Elastic Defend's 100 ns resolution.
        .map(|e| (e.timestamp.tick().0, e.process().start.tick().0))
        .collect();
    let file =
        std::fs::File::open(dir.join("logs-endpoint.events.process-default.parquet")).unwrap();
    let mut got = Vec::new();
    for batch in parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(file)
        .unwrap()
        .build()
        .unwrap()
    {
        use arrow_array::cast::AsArray;
        use arrow_array::types::TimestampNanosecondType;
        let batch = batch.unwrap();
        let ts = batch
            .column_by_name("@timestamp")
            .unwrap()
            .as_primitive::<TimestampNanosecondType>();
        let start = batch
            .column_by_name("process.start")
            .unwrap()
            .as_primitive::<TimestampNanosecondType>();
        got.extend((0..batch.num_rows()).map(|r| (ts.value(r), start.value(r))));
    }
    assert_eq!(got.len(), expected.len());
    assert!(got == expected, "timestamps differ from the generated ones");
    assert!(
        got.iter().any(|(t, _)| t % 1_000_000 != 0),
        "no sub-millisecond timestamp: precision lost?"
    );
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
fn seed_rules_alert_on_detect_scenarios_and_not_on_misses() {
    // 12 hosts cover every role; 4 hours hold every scenario instance; a fifth of the default
    // background activity keeps it quick (scenarios are unaffected, and less noise never hides a
    // miss scenario's reason: renamed binary, curl, many hosts).
    let seed = 2;
    let duration = Span::hours(4);
    let profile = generators::Profile {
        activity_scale: 0.2,
        traffic_scale: 0.2,
        ..generators::Profile::default()
    };
    let w = Builder::new()
        .profile(profile)
        .seed(seed)
        .hosts(12)
        .start(start())
        .duration(duration)
        .build()
        .unwrap();
    let scenarios = w.scenarios().to_vec();
    let catalog = Catalog::elastic_defend();
    let mut src = MemorySource::new();
    let mappings: BTreeMap<DataStream, Arc<esql::Mapping>> = DataStream::ALL
        .iter()
        .map(|d| (*d, catalog.mapping_for(d.name()).unwrap()))
        .collect();
    // One indexer per data stream (building one per document would dominate the test's time).
    let indexers: BTreeMap<DataStream, esql::ingest::Indexer<'_>> = mappings
        .iter()
        .map(|(d, m)| (*d, esql::ingest::Indexer::new(m)))
        .collect();
    for (d, m) in &mappings {
        src.add_index(d.name().to_string(), (*m).clone());
    }
    // Documents keep the fields the rules name (and the scheduling field), as `detsim run` prunes
    // them: indexing full 5 KB documents would dominate the test's time.
    let rules = seed_rules();
    let mut wanted: BTreeSet<String> = ["@timestamp", "event.ingested"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    for m in mappings.values() {
        for name in m.fields.keys() {
            if rules
                .iter()
                .any(|(_, plan, _)| plan.query_text.contains(name.as_str()))
            {
                wanted.insert(name.clone());
            }
        }
    }
    assert!(wanted.contains("file.path") && wanted.contains("process.parent.executable"));
    let filter = detsim::run::pruned_json::FieldFilter::new(wanted);
    // Group keys of each scenario's labelled events, per target rule: (process.executable, file.path)
    // for the web-server rule, (process.executable, process.parent.executable) for the transfer rule.
    let web_rule = "894b7cc9-040b-427c-aca5-36b40d3667bf";
    let transfer_rule = "8eeeda11-dca6-4c3e-910f-7089db412d1c";
    let mut keys: BTreeMap<(String, String), BTreeSet<String>> = BTreeMap::new();
    for e in w {
        let json = detsim::run::pruned_json::to_pruned_json(&e, &filter).unwrap();
        let ds = e.data_stream();
        if let Some(l) = &e.label {
            let p = e.process();
            let (rule, key) = match &e.body {
                generators::event::Body::File(f) => {
                    (web_rule, format!("{}\u{0}{}", p.executable(), f.file.path))
                }
                generators::event::Body::Process(_) => {
                    let parent = p
                        .parent
                        .as_ref()
                        .map(|x| x.executable().to_string())
                        .unwrap_or_default();
                    (transfer_rule, format!("{}\u{0}{}", p.executable(), parent))
                }
            };
            keys.entry((l.scenario.to_string(), rule.to_string()))
                .or_default()
                .insert(key);
        }
        let doc = indexers[&ds]
            .index(&json, e.id.as_str(), ds.name())
            .unwrap()
            .document;
        src.push(doc).unwrap();
    }
    let engine = OptimizedEvaluator::new(Arc::new(EngineKernel::new()), EngineConfig::default());
    // The group keys of every alert row, per rule, over hourly runs looking 61 minutes back on
    // `event.ingested` (as Kibana schedules the rules).
    let mut caught: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (rule_id, plan, name) in rules {
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
            let alerts = caught.entry(rule_id.clone()).or_default();
            for row in &table.rows {
                alerts.insert(format!("{}\u{0}{}", row[exe], row[key2]));
            }
            run = run.plus(Span::hours(1));
        }
    }
    let mut checked = 0;
    for s in &scenarios {
        for rule in &s.rules {
            let alerts = caught.get(rule).cloned().unwrap_or_default();
            let mine = keys
                .get(&(s.id.clone(), rule.clone()))
                .cloned()
                .unwrap_or_default();
            let hit = mine.iter().any(|k| alerts.contains(k));
            match &s.expect {
                Expect::Detect => {
                    assert!(
                        !mine.is_empty(),
                        "seed {seed}: detect scenario {} produced no labelled event for {rule}",
                        s.id
                    );
                    assert!(
                        hit,
                        "seed {seed}: detect scenario {} raised no {rule} alert",
                        s.id
                    );
                }
                Expect::Miss { reason } => assert!(
                    !hit,
                    "seed {seed}: miss scenario {} raised a {rule} alert ({reason})",
                    s.id
                ),
            }
            checked += 1;
        }
    }
    assert!(
        checked >= 12,
        "only {checked} (scenario, rule) pairs checked"
    );
    assert!(
        caught.values().all(|a| !a.is_empty()),
        "a seed rule never alerted"
    );
}
