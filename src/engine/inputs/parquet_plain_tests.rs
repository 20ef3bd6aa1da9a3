//! Tests of the main read's column types (`parquet_fast`): string columns whose data pages fell back
//! from dictionary to plain encoding are read as plain strings, the others as dictionaries; either
//! way the results equal the reference's and the in-memory path's (rows, order, warnings), at 1 and
//! 2 threads, with and without the prefilter, and STATS groups over the plain-read column are the
//! same groups (a chunk dictionary holding a string twice would split a group).

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow_array::builder::{ListBuilder, StringBuilder};
use arrow_array::{ArrayRef, RecordBatch, StringArray, TimestampNanosecondArray};
use arrow_schema::{DataType, Field, Schema, TimeUnit};
use esql::{Catalog, EvalOptions, Evaluator};
use parquet::arrow::arrow_reader::ArrowReaderMetadata;
use parquet::file::properties::WriterProperties;
use serde_json::json;

use super::dictionary_encoded_columns;
use crate::engine::inputs::ndjson_files::{OnError, load};
use crate::engine::inputs::read::{ReadOptions, eval_files};
use crate::engine::{EngineConfig, EngineKernel, OptimizedEvaluator};

const STREAM: &str = "logs-endpoint.events.file-default";

/// Rows of the file: every 7th row is a web server's (`nginx`, `www-data`), paths repeat every 97
/// rows (so a path recurs on plain pages of later row groups and of the same row group), every 50th
/// row has two actions (its `event.action == "creation"` after MV_EXPAND is single-valued).
const ROWS: usize = 700;

struct Row {
    id: String,
    name: &'static str,
    executable: &'static str,
    user: &'static str,
    path: String,
    actions: Vec<&'static str>,
    agent: String,
}

fn rows() -> Vec<Row> {
    (0..ROWS)
        .map(|i| {
            let web = i % 7 == 0 || i % 11 == 0;
            Row {
                id: format!("e{i:04}"),
                name: if web { "nginx" } else { "bash" },
                executable: match (web, i % 3) {
                    (true, 0) => "/usr/sbin/nginx",
                    (true, _) => "/usr/local/sbin/nginx",
                    (false, _) => "/usr/bin/bash",
                },
                user: if i % 5 == 0 { "www-data" } else { "root" },
                // Long enough that the small dictionary page limit below is hit after a few values.
                path: format!("/var/www/html/uploads/session/sess_{:08}.tmp", i % 97),
                actions: match i % 50 {
                    0 => vec!["creation", "modification"],
                    1 => vec![],
                    _ if i % 4 == 0 => vec!["deletion"],
                    _ => vec!["creation"],
                },
                agent: format!("agent-{}", i % 4),
            }
        })
        .collect()
}

/// The rows as NDJSON and as Parquet (row groups of 200 rows, 16-row pages, a 256-byte dictionary
/// page limit: `file.path` falls back to plain pages early in every row group, the short columns
/// stay dictionary-encoded).
fn write(dir: &Path) {
    let rows = rows();
    let mut ndjson = String::new();
    for (i, r) in rows.iter().enumerate() {
        let actions = match r.actions.as_slice() {
            [] => json!([]),
            [one] => json!(one),
            many => json!(many),
        };
        let doc = json!({
            "@timestamp": format!("2024-05-06T08:{:02}:{:02}Z", (i / 60) % 60, i % 60),
            "event": {"id": r.id, "action": actions, "dataset": "endpoint.events.file"},
            "host": {"os": {"type": "linux"}, "name": format!("web-{}", i % 3)},
            "agent": {"id": r.agent},
            "process": {"name": r.name, "executable": r.executable},
            "user": {"name": r.user},
            "file": {"path": r.path},
            "data_stream": {"namespace": "default"},
        });
        ndjson.push_str(&doc.to_string());
        ndjson.push('\n');
    }
    std::fs::write(dir.join(format!("{STREAM}.ndjson")), ndjson).unwrap();
    let strings = |f: &dyn Fn(usize) -> String| -> ArrayRef {
        Arc::new((0..rows.len()).map(|i| Some(f(i))).collect::<StringArray>())
    };
    let mut actions = ListBuilder::new(StringBuilder::new());
    for r in &rows {
        for a in &r.actions {
            actions.values().append_value(a);
        }
        actions.append(true);
    }
    let ts: ArrayRef = Arc::new(
        TimestampNanosecondArray::from(
            (0..rows.len() as i64)
                .map(|i| 1_714_982_400_000_000_000 + (i % 3600) * 1_000_000_000)
                .collect::<Vec<_>>(),
        )
        .with_timezone("UTC"),
    );
    let list_t = DataType::List(Arc::new(Field::new("item", DataType::Utf8, true)));
    let names = [
        "agent.id",
        "data_stream.namespace",
        "event.dataset",
        "event.id",
        "file.path",
        "host.name",
        "host.os.type",
        "process.executable",
        "process.name",
        "user.name",
    ];
    let mut fields = vec![
        Field::new(
            "@timestamp",
            DataType::Timestamp(TimeUnit::Nanosecond, Some("UTC".into())),
            true,
        ),
        Field::new("event.action", list_t, true),
    ];
    fields.extend(names.iter().map(|n| Field::new(*n, DataType::Utf8, true)));
    let mut columns: Vec<ArrayRef> = vec![ts, Arc::new(actions.finish())];
    for n in names {
        columns.push(strings(&|i| {
            let r = &rows[i];
            match n {
                "agent.id" => r.agent.clone(),
                "data_stream.namespace" => "default".into(),
                "event.dataset" => "endpoint.events.file".into(),
                "event.id" => r.id.clone(),
                "file.path" => r.path.clone(),
                "host.name" => format!("web-{}", i % 3),
                "host.os.type" => "linux".into(),
                "process.executable" => r.executable.into(),
                "process.name" => r.name.into(),
                _ => r.user.into(),
            }
        }));
    }
    let schema = Arc::new(Schema::new(fields));
    let batch = RecordBatch::try_new(schema.clone(), columns).unwrap();
    let props = WriterProperties::builder()
        .set_max_row_group_row_count(Some(200))
        .set_data_page_row_count_limit(16)
        .set_write_batch_size(16)
        .set_dictionary_page_size_limit(256)
        .build();
    let file = File::create(dir.join(format!("{STREAM}.parquet"))).unwrap();
    let mut w = parquet::arrow::ArrowWriter::try_new(file, schema, Some(props)).unwrap();
    w.write(&batch).unwrap();
    assert_eq!(w.close().unwrap().num_row_groups(), ROWS.div_ceil(200));
}

fn dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("detsim-plain-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    write(&d);
    d
}

/// The web-server rule's shape (MV_EXPAND, a prefiltered WHERE, STATS by two keywords, a WHERE on
/// the counts), a STATS without the WHERE (every row read, no prefilter), and a KEEP of the plain
/// column sorted on it.
const QUERIES: [&str; 3] = [
    "FROM logs-endpoint.events.file-* METADATA _id, _index, _version \
     | MV_EXPAND event.action \
     | WHERE host.os.type == \"linux\" AND event.action == \"creation\" \
       AND (process.name IN (\"nginx\", \"apache2\") OR user.name IN (\"www-data\")) \
     | KEEP @timestamp, _id, _index, event.action, user.name, process.name, process.executable, \
       file.path, agent.id, host.name, event.dataset, data_stream.namespace \
     | STATS n = COUNT(), agents = COUNT_DISTINCT(agent.id), hosts = VALUES(host.name), \
       ids = VALUES(agent.id), ds = VALUES(event.dataset), ns = VALUES(data_stream.namespace) \
       BY process.executable, file.path \
     | WHERE agents <= 2 AND n < 9",
    "FROM logs-endpoint.events.file-* \
     | STATS n = COUNT(*), p = COUNT_DISTINCT(file.path) BY file.path, process.executable",
    "FROM logs-endpoint.events.file-* METADATA _id \
     | WHERE file.path LIKE \"*sess_0000001*\" OR event.action == \"deletion\" \
     | KEEP _id, file.path, event.action | SORT file.path, _id | LIMIT 120",
];

#[test]
fn plain_fallback_columns_are_read_as_strings_with_the_reference_results() {
    let d = dir("ws");
    let path = d.join(format!("{STREAM}.parquet"));
    let meta = ArrowReaderMetadata::load(&File::open(&path).unwrap(), Default::default()).unwrap();
    let dict = dictionary_encoded_columns(meta.metadata());
    // The writer fell back to plain pages for the long paths only.
    assert!(!dict.contains("file.path"), "{dict:?}");
    for c in [
        "process.executable",
        "host.os.type",
        "user.name",
        "agent.id",
    ] {
        assert!(dict.contains(c), "{c} in {dict:?}");
    }
    let catalog = Catalog::elastic_defend();
    let loaded = load(
        &[d.join(format!("{STREAM}.ndjson"))],
        &catalog,
        OnError::Fail,
    )
    .unwrap();
    for query in QUERIES {
        let ast = esql::parse(query).unwrap_or_else(|e| panic!("{query}: {e}"));
        let plan = esql::analyze(&ast, &catalog).unwrap_or_else(|e| panic!("{query}: {e}"));
        let opts = EvalOptions::default();
        let reference = oracles::ReferenceEvaluator::new()
            .run(&plan, &loaded.source, &opts)
            .unwrap();
        assert!(
            reference.rows.len() >= 10,
            "{query}: {}",
            reference.rows.len()
        );
        let memory =
            OptimizedEvaluator::new(Arc::new(EngineKernel::new()), EngineConfig::default())
                .run(&plan, &loaded.source, &opts)
                .unwrap();
        assert_eq!(memory, reference, "{query}: in-memory engine");
        for threads in [1, 2] {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            let options = ReadOptions {
                on_error: OnError::Fail,
                block_bytes: 1 << 20,
                engine: EngineConfig::default(),
            };
            let (got, report) = pool
                .install(|| {
                    eval_files(
                        &plan,
                        std::slice::from_ref(&path),
                        &catalog,
                        &opts,
                        &EngineKernel::new(),
                        options,
                    )
                })
                .unwrap()
                .expect("served");
            assert_eq!(got, reference, "{query}: Parquet, {threads} threads");
            assert_eq!(report.documents, ROWS as u64, "{query}: rows counted");
        }
    }
    std::fs::remove_dir_all(&d).unwrap();
}

/// An index of this test's own mapping: `constant_keyword` fields with and without a fixed value
/// (a row without a value reads as the constant), and a keyword with `ignore_above`.
const CONST_INDEX: &str = "logs-consts-default";
const CONST_FIELDS: &str = "@timestamp date\n\
    host.name keyword\n\
    ns constant_keyword value=default\n\
    kind constant_keyword\n\
    tag keyword ignore_above=5\n";

#[test]
fn constant_keywords_and_ignored_values_read_by_id_as_ingest_stores_them() {
    let d = std::env::temp_dir().join(format!("detsim-plain-consts-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    let n = 300usize;
    let host = |i: usize| format!("h{}", i % 7);
    let ns = |i: usize| (!i.is_multiple_of(3)).then_some("default");
    let kind = |i: usize| (i % 4 == 1).then_some("k");
    let tag = |i: usize| match i % 5 {
        0 => None,
        1 => Some("long-tag"),
        _ => Some(["a", "bb", "ccc"][i % 3]),
    };
    let mut ndjson = String::new();
    for i in 0..n {
        let mut doc = json!({
            "@timestamp": format!("2024-05-06T08:{:02}:{:02}Z", i / 60, i % 60),
            "host": {"name": host(i)},
        });
        if let Some(v) = ns(i) {
            doc["ns"] = json!(v);
        }
        if let Some(v) = kind(i) {
            doc["kind"] = json!(v);
        }
        if let Some(v) = tag(i) {
            doc["tag"] = json!(v);
        }
        ndjson.push_str(&doc.to_string());
        ndjson.push('\n');
    }
    std::fs::write(d.join(format!("{CONST_INDEX}.ndjson")), ndjson).unwrap();
    let opt = |f: &dyn Fn(usize) -> Option<&'static str>| -> ArrayRef {
        Arc::new((0..n).map(f).collect::<StringArray>())
    };
    let schema = Arc::new(Schema::new(vec![
        Field::new(
            "@timestamp",
            DataType::Timestamp(TimeUnit::Nanosecond, Some("UTC".into())),
            true,
        ),
        Field::new("host.name", DataType::Utf8, true),
        Field::new("kind", DataType::Utf8, true),
        Field::new("ns", DataType::Utf8, true),
        Field::new("tag", DataType::Utf8, true),
    ]));
    let batch = RecordBatch::try_new(
        schema.clone(),
        vec![
            Arc::new(
                TimestampNanosecondArray::from(
                    (0..n as i64)
                        .map(|i| 1_714_982_400_000_000_000 + i * 1_000_000_000)
                        .collect::<Vec<_>>(),
                )
                .with_timezone("UTC"),
            ),
            Arc::new((0..n).map(|i| Some(host(i))).collect::<StringArray>()),
            opt(&kind),
            opt(&ns),
            opt(&tag),
        ],
    )
    .unwrap();
    // The file written twice: dictionary pages throughout, then plain pages only (no dictionary).
    let mapping = esql::Mapping::from_field_list(CONST_FIELDS).unwrap();
    let catalog = Catalog::new().with(CONST_INDEX, mapping);
    let loaded = load(
        &[d.join(format!("{CONST_INDEX}.ndjson"))],
        &catalog,
        OnError::Fail,
    )
    .unwrap();
    let queries = [
        "FROM logs-consts-* | STATS c = COUNT(*), n = COUNT(ns), v = VALUES(ns), k = VALUES(kind), \
         kc = COUNT(kind), t = VALUES(tag), tc = COUNT(tag) BY host.name | SORT host.name",
        "FROM logs-consts-* METADATA _id | KEEP _id, ns, kind, tag | SORT _id | LIMIT 40",
        "FROM logs-consts-* | STATS c = COUNT(*) BY ns, kind, tag | SORT ns, kind, tag",
    ];
    for dictionary in [true, false] {
        let props = WriterProperties::builder()
            .set_max_row_group_row_count(Some(128))
            .set_data_page_row_count_limit(16)
            .set_write_batch_size(16)
            .set_dictionary_enabled(dictionary)
            .build();
        let path = d.join(format!("{CONST_INDEX}.parquet"));
        let mut w = parquet::arrow::ArrowWriter::try_new(
            File::create(&path).unwrap(),
            schema.clone(),
            Some(props),
        )
        .unwrap();
        w.write(&batch).unwrap();
        w.close().unwrap();
        for query in queries {
            let ast = esql::parse(query).unwrap_or_else(|e| panic!("{query}: {e}"));
            let plan = esql::analyze(&ast, &catalog).unwrap_or_else(|e| panic!("{query}: {e}"));
            let opts = EvalOptions::default();
            let reference = oracles::ReferenceEvaluator::new()
                .run(&plan, &loaded.source, &opts)
                .unwrap();
            assert!(reference.rows.len() >= 3, "{query}");
            for threads in [1, 2] {
                let pool = rayon::ThreadPoolBuilder::new()
                    .num_threads(threads)
                    .build()
                    .unwrap();
                let options = ReadOptions {
                    on_error: OnError::Fail,
                    block_bytes: 1 << 20,
                    engine: EngineConfig::default(),
                };
                let (got, _) = pool
                    .install(|| {
                        eval_files(
                            &plan,
                            std::slice::from_ref(&path),
                            &catalog,
                            &opts,
                            &EngineKernel::new(),
                            options,
                        )
                    })
                    .unwrap()
                    .expect("served");
                assert_eq!(
                    got, reference,
                    "{query}: Parquet (dictionary {dictionary}), {threads} threads"
                );
            }
        }
    }
    std::fs::remove_dir_all(&d).unwrap();
}
