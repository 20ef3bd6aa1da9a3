//! Tests of the Parquet prefilter (`parquet_prefilter`, `parquet_warnings`): row groups and rows it
//! drops against the reference and the in-memory path, 1 and 2 threads.

use std::path::PathBuf;
use std::sync::Arc;

use arrow_array::builder::{ListBuilder, StringBuilder};
use arrow_array::{ArrayRef, RecordBatch, StringArray, TimestampNanosecondArray};
use arrow_schema::{Field, Schema, TimeUnit};
use esql::{Catalog, Evaluator};
use serde_json::{Value as Json, json};

use super::*;
use crate::engine::inputs::layout::Layout;
use crate::engine::inputs::ndjson_files::{OnError, load};
use crate::engine::inputs::read::{ReadOptions, eval_files};
use crate::engine::prune::needed_columns;
use crate::engine::{EngineConfig, EngineKernel, OptimizedEvaluator};

const STREAM: &str = "logs-endpoint.events.process-default";

/// (event.id, process.name, user.name, event.type, event.action) per row; row groups of 4.
type Row = (
    Option<&'static str>,
    Option<&'static str>,
    &'static [&'static str],
    &'static [&'static str],
);

fn rows() -> Vec<Row> {
    vec![
        // Row group 0: nothing passes, every row single-valued: skipped whole.
        (Some("ls"), Some("root"), &["start"], &["exec"]),
        (Some("bash"), Some("root"), &["start"], &["fork", "exec"]),
        (Some("cat"), None, &["end"], &["end"]),
        (None, Some("root"), &["start"], &["exec"]),
        // Row group 1: nothing passes, but one row is multi-valued in event.type (warns).
        (Some("ls"), Some("root"), &["start"], &["exec"]),
        (
            Some("sed"),
            Some("root"),
            &["start", "end"],
            &["fork", "exec", "end"],
        ),
        (Some("awk"), Some("root"), &["start"], &["exec"]),
        (Some("vi"), Some("root"), &["end"], &["end"]),
        // Row group 2: survivors, an expanded action, an action that fails.
        (Some("scp"), Some("root"), &["start"], &["fork", "exec"]),
        (Some("scp"), Some("root"), &["end"], &["end"]),
        (Some("rsync"), Some("www-data"), &["start"], &["exec"]),
        (Some("ls"), Some("www-data"), &["start"], &["exec"]),
        // Row group 3: nulls and empty lists.
        (None, None, &[], &[]),
        (Some("scp"), Some("root"), &[], &["exec"]),
        (Some("rsync"), Some("root"), &["start"], &[]),
        (
            Some("ftp"),
            Some("root"),
            &["start", "end"],
            &["fork", "exec", "end"],
        ),
    ]
}

fn list(items: &[&str]) -> Json {
    match items {
        [] => json!([]),
        [one] => json!(one),
        many => json!(many),
    }
}

/// The rows as NDJSON (for ingest) and as Parquet with row groups of 4 rows.
fn write(dir: &Path) {
    let props = parquet::file::properties::WriterProperties::builder()
        .set_max_row_group_row_count(Some(4))
        .build();
    write_rows(dir, &rows(), props, 4);
}

/// `rows` as NDJSON (for ingest) and as Parquet written with `props` into `groups` row groups.
fn write_rows(
    dir: &Path,
    rows: &[Row],
    props: parquet::file::properties::WriterProperties,
    groups: usize,
) {
    let mut ndjson = String::new();
    for (i, (name, user, types, actions)) in rows.iter().enumerate() {
        let mut doc = json!({
            "@timestamp": format!("2024-05-06T08:{:02}:{:02}Z", i / 60, i % 60),
            "event": {"id": format!("e{i:02}"), "type": list(types), "action": list(actions)},
            "host": {"os": {"type": "linux"}},
            "data_stream": {"dataset": "endpoint.events.process"},
        });
        if let Some(n) = name {
            doc["process"] = json!({"name": n, "parent": {"name": "bash"}});
        }
        if let Some(u) = user {
            doc["user"] = json!({"name": u});
        }
        ndjson.push_str(&doc.to_string());
        ndjson.push('\n');
    }
    std::fs::write(dir.join(format!("{STREAM}.ndjson")), ndjson).unwrap();
    let strings = |f: &dyn Fn(usize) -> Option<String>| -> ArrayRef {
        Arc::new((0..rows.len()).map(f).collect::<StringArray>())
    };
    let lists = |f: &dyn Fn(&Row) -> &[&str]| -> ArrayRef {
        let mut b = ListBuilder::new(StringBuilder::new());
        for r in rows {
            for v in f(r) {
                b.values().append_value(v);
            }
            b.append(true);
        }
        Arc::new(b.finish())
    };
    let ts: ArrayRef = Arc::new(
        TimestampNanosecondArray::from(
            (0..rows.len() as i64)
                .map(|i| 1_714_982_400_000_000_000 + i * 1_000_000_000)
                .collect::<Vec<_>>(),
        )
        .with_timezone("UTC"),
    );
    let list_t = DataType::List(Arc::new(Field::new("item", DataType::Utf8, true)));
    let schema = Arc::new(Schema::new(vec![
        Field::new(
            "@timestamp",
            DataType::Timestamp(TimeUnit::Nanosecond, Some("UTC".into())),
            true,
        ),
        Field::new("event.action", list_t.clone(), true),
        Field::new("event.id", DataType::Utf8, true),
        Field::new("event.type", list_t, true),
        Field::new("data_stream.dataset", DataType::Utf8, true),
        Field::new("host.os.type", DataType::Utf8, true),
        Field::new("process.name", DataType::Utf8, true),
        Field::new("process.parent.name", DataType::Utf8, true),
        Field::new("user.name", DataType::Utf8, true),
    ]));
    let batch = RecordBatch::try_new(
        schema.clone(),
        vec![
            ts,
            lists(&|r| r.3),
            strings(&|i| Some(format!("e{i:02}"))),
            lists(&|r| r.2),
            strings(&|_| Some("endpoint.events.process".into())),
            strings(&|_| Some("linux".into())),
            strings(&|i| rows[i].0.map(str::to_owned)),
            strings(&|i| rows[i].0.map(|_| "bash".to_owned())),
            strings(&|i| rows[i].1.map(str::to_owned)),
        ],
    )
    .unwrap();
    let file = File::create(dir.join(format!("{STREAM}.parquet"))).unwrap();
    let mut w = parquet::arrow::ArrowWriter::try_new(file, schema, Some(props)).unwrap();
    w.write(&batch).unwrap();
    assert_eq!(w.close().unwrap().num_row_groups(), groups);
}

use arrow_schema::DataType;

fn dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("detsim-prefilter-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    write(&d);
    d
}

fn plan_of(query: &str) -> esql::Plan {
    let catalog = Catalog::elastic_defend();
    let ast = esql::parse(query).unwrap_or_else(|e| panic!("{query}: {e}"));
    esql::analyze(&ast, &catalog).unwrap_or_else(|e| panic!("{query}: {e}"))
}

fn layout(plan: &esql::Plan) -> Layout {
    let esql::plan::Source::From(from) = &plan.source else {
        panic!("FROM")
    };
    let catalog = Catalog::elastic_defend();
    let mapping = catalog.mapping_for(STREAM).unwrap();
    Layout::new(
        from,
        needed_columns(plan).source(),
        STREAM,
        mapping,
        None,
        true,
    )
    .unwrap()
}

/// Rows selected per row group (`None`: every row).
fn selections(query: &str, d: &Path) -> Option<Vec<Option<usize>>> {
    selections_and_skips(query, d).map(|(s, _)| s)
}

/// [`selections`], and how many row groups a dictionary page alone skipped.
fn selections_and_skips(query: &str, d: &Path) -> Option<(Vec<Option<usize>>, u64)> {
    selections_with(query, d, FIRST_SEGMENT)
}

/// [`selections_and_skips`] with first segments of `first_segment` rows.
fn selections_with(
    query: &str,
    d: &Path,
    first_segment: usize,
) -> Option<(Vec<Option<usize>>, u64)> {
    let plan = plan_of(query);
    let layout = layout(&plan);
    let kernel = EngineKernel::new();
    let opts = EvalOptions::default();
    let mut pre = Prefilter::new(&plan, &layout, &kernel, &opts)?;
    pre.first_segment = first_segment;
    let path = d.join(format!("{STREAM}.parquet"));
    let meta = ArrowReaderMetadata::load(&File::open(&path).unwrap(), Default::default()).unwrap();
    assert!(pre.usable(&layout, meta.schema()));
    // The reader's dictionary view of the string columns.
    let dict_schema = Arc::new(Schema::new(
        meta.schema()
            .fields()
            .iter()
            .map(|f| match f.data_type() {
                DataType::Utf8 => Arc::new(f.as_ref().clone().with_data_type(
                    DataType::Dictionary(Box::new(DataType::Int32), Box::new(DataType::Utf8)),
                )),
                _ => f.clone(),
            })
            .collect::<Vec<_>>(),
    ));
    let meta = ArrowReaderMetadata::try_new(
        meta.metadata().clone(),
        parquet::arrow::arrow_reader::ArrowReaderOptions::new().with_schema(dict_schema),
    )
    .unwrap();
    // Row groups one after another, as one thread reads them.
    let mut logged = 0;
    let rows = (0..meta.metadata().num_row_groups())
        .map(|rg| {
            let s = pre.select(&layout, &path, &meta, rg, logged).unwrap();
            logged = s.logged;
            s.rows.map(|s| s.row_count())
        })
        .collect();
    Some((rows, pre.dictionary_skips()))
}

/// The Parquet fast path (with the prefilter) equals the in-memory path and the reference.
fn same_results(query: &str, d: &Path) -> esql::ResultTable {
    same_results_with(query, d, EvalOptions::default())
}

/// [`same_results`] under `opts`.
fn same_results_with(query: &str, d: &Path, opts: EvalOptions) -> esql::ResultTable {
    let plan = plan_of(query);
    let catalog = Catalog::elastic_defend();
    let ndjson = d.join(format!("{STREAM}.ndjson"));
    let loaded = load(&[ndjson], &catalog, OnError::Fail).unwrap();
    let reference = oracles::ReferenceEvaluator::new()
        .run(&plan, &loaded.source, &opts)
        .unwrap();
    let memory = OptimizedEvaluator::new(Arc::new(EngineKernel::new()), EngineConfig::default())
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
        let parquet = d.join(format!("{STREAM}.parquet"));
        let (got, report) = pool
            .install(|| {
                eval_files(
                    &plan,
                    &[parquet],
                    &catalog,
                    &opts,
                    &EngineKernel::new(),
                    options,
                )
            })
            .unwrap()
            .expect("served");
        assert_eq!(got, reference, "{query}: Parquet, {threads} threads");
        if !query.contains("LIMIT") {
            let lines = std::fs::read_to_string(d.join(format!("{STREAM}.ndjson")))
                .unwrap()
                .lines()
                .count();
            assert_eq!(report.documents, lines as u64, "{query}: rows counted");
        }
    }
    reference
}

const FILE_TRANSFER: &str = "FROM logs-endpoint.events.process-* METADATA _id \
    | MV_EXPAND event.action \
    | WHERE host.os.type == \"linux\" AND event.type == \"start\" AND event.action == \"exec\" \
      AND process.name IN (\"scp\", \"rsync\", \"ftp\") AND process.parent.name IN (\"bash\") \
    | KEEP _id, process.name, event.action, data_stream.dataset";

#[test]
fn skipped_row_groups_and_rows_keep_the_reference_results_and_warnings() {
    let d = dir("ft");
    let t = same_results(FILE_TRANSFER, &d);
    // e08 (exec of fork+exec) and e10; e15's multi-valued event.type is null (a warning).
    let ids: Vec<String> = t.rows.iter().map(|r| format!("{:?}", r[0])).collect();
    assert_eq!(t.rows.len(), 2, "{ids:?}");
    assert!(!t.warnings.is_empty(), "multi-valued event.type warns");
    // Row group 0 is skipped whole; row group 1 keeps only its multi-valued row; row group 2
    // keeps the scp fork+exec and rsync rows (the scp "end" type and ls fail); row group 3
    // keeps only the multi-valued ftp row (a null name, an empty type, an empty action fail).
    // Row group 3's multi-valued ftp row is dropped too: the only line it can log (event.type's
    // failure) was logged by row group 1's kept row, so the rest is read narrowed.
    assert_eq!(
        selections(FILE_TRANSFER, &d),
        Some(vec![Some(0), Some(1), Some(2), Some(0)])
    );
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn disjunctions_renames_and_failing_conditions() {
    let d = dir("or");
    // An OR of single-column conditions; the expanded action must be "exec".
    let q = "FROM logs-endpoint.events.process-* METADATA _id | MV_EXPAND event.action \
        | WHERE event.action == \"exec\" AND (process.name LIKE \"rs*\" OR user.name IN (\"www-data\")) \
        | KEEP _id, process.name, user.name";
    let t = same_results(q, &d);
    assert_eq!(t.rows.len(), 2);
    assert_eq!(
        selections(q, &d),
        Some(vec![Some(0), Some(0), Some(2), Some(0)])
    );
    // KEEP/RENAME before the WHERE: columns followed through the projection.
    let q = "FROM logs-endpoint.events.process-* METADATA _id \
        | KEEP _id, process.name, event.type | RENAME process.name AS p \
        | WHERE p IN (\"scp\") AND event.type == \"start\"";
    same_results(q, &d);
    assert_eq!(
        selections(q, &d),
        Some(vec![Some(0), Some(1), Some(1), Some(0)])
    );
    // A condition that can fail on single values: no prefilter, same results.
    let q = "FROM logs-endpoint.events.process-* | WHERE TO_LONG(process.name) > 3 \
        AND process.name == \"scp\"";
    same_results(q, &d);
    assert_eq!(selections(q, &d), None);
    // A LIMIT before the WHERE: no prefilter.
    let q = "FROM logs-endpoint.events.process-* | LIMIT 10 | WHERE process.name == \"scp\"";
    same_results(q, &d);
    assert_eq!(selections(q, &d), None);
    // NOT, IS NULL and a STATS after the WHERE.
    let q = "FROM logs-endpoint.events.process-* | WHERE NOT process.name IN (\"ls\", \"scp\") \
        AND user.name IS NOT NULL | STATS n = COUNT(*) BY process.name | SORT process.name";
    same_results(q, &d);
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn warnings_of_two_list_columns_keep_their_order_when_repeats_are_dropped() {
    let d = dir("two");
    // event.action is not expanded: both list conditions can fail. Row group 0's bash row fails
    // only on event.action, row group 1's sed row on both; after that every line is logged and the
    // multi-valued rows of row groups 2 and 3 (scp fork+exec, ftp) are dropped.
    let q = "FROM logs-endpoint.events.process-* METADATA _id \
        | WHERE process.name IN (\"scp\", \"rsync\") AND event.type == \"start\" \
          AND event.action == \"exec\" | KEEP _id, process.name";
    let t = same_results(q, &d);
    assert_eq!(t.rows.len(), 1, "{:?}", t.rows);
    assert_eq!(t.warnings.len(), 4, "{:?}", t.warnings);
    assert!(t.warnings[0].contains("event.action"), "{:?}", t.warnings);
    assert_eq!(
        selections(q, &d),
        Some(vec![Some(1), Some(1), Some(1), Some(0)])
    );
    // The same condition with the lines' first rows in the other order.
    let q = "FROM logs-endpoint.events.process-* METADATA _id \
        | WHERE process.name IN (\"scp\", \"rsync\") AND event.action == \"exec\" \
          AND event.type == \"start\" | KEEP _id, process.name";
    same_results(q, &d);
    // A time range: rows outside it never reach the WHERE, so no line counts as logged and every
    // multi-valued row is kept (same results either way).
    let opts = EvalOptions {
        time_range: Some(esql::TimeRange {
            field: "@timestamp".into(),
            start: 1_714_982_404_000,
            end: 1_714_982_413_000,
        }),
        ..EvalOptions::default()
    };
    let t = same_results_with(q, &d, opts.clone());
    assert!(!t.warnings.is_empty());
    same_results_with(FILE_TRANSFER, &d, opts);
    std::fs::remove_dir_all(&d).unwrap();
}

/// 600 rows in row groups of 200: every 100th row from 7 a file transfer, every 50th from 3 an
/// aggregated start+end (multi-valued event.type), the rest `ls`/`cat`.
fn many_rows() -> Vec<Row> {
    (0..600)
        .map(|i| -> Row {
            if i % 100 == 7 {
                (Some("scp"), Some("root"), &["start"], &["fork", "exec"])
            } else if i % 50 == 3 {
                (
                    Some("ls"),
                    Some("root"),
                    &["start", "end"],
                    &["fork", "exec", "end"],
                )
            } else if i % 2 == 0 {
                (Some("ls"), Some("root"), &["start"], &["exec"])
            } else {
                (Some("cat"), None, &["end"], &["end"])
            }
        })
        .collect()
}

#[test]
fn sparse_rows_end_the_narrowing_with_and_without_dictionaries_and_page_index() {
    use parquet::file::properties::WriterProperties;
    let variants = [
        ("dict", WriterProperties::builder()),
        (
            "plain",
            WriterProperties::builder()
                .set_dictionary_enabled(false)
                .set_statistics_enabled(parquet::file::properties::EnabledStatistics::Chunk)
                .set_offset_index_disabled(true),
        ),
        (
            "pages",
            WriterProperties::builder().set_data_page_row_count_limit(16),
        ),
    ];
    for (name, props) in variants {
        let d = std::env::temp_dir().join(format!(
            "detsim-prefilter-many-{name}-{}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        let props = props
            .set_max_row_group_row_count(Some(200))
            .set_write_batch_size(16)
            .build();
        write_rows(&d, &many_rows(), props, 3);
        let meta = ArrowReaderMetadata::load(
            &File::open(d.join(format!("{STREAM}.parquet"))).unwrap(),
            parquet::arrow::arrow_reader::ArrowReaderOptions::new()
                .with_page_index_policy(parquet::file::metadata::PageIndexPolicy::Optional),
        )
        .unwrap();
        assert_eq!(
            meta.metadata().page_index().is_some(),
            name != "plain",
            "{name}: offset index"
        );
        let t = same_results(FILE_TRANSFER, &d);
        assert_eq!(t.rows.len(), 6, "{name}");
        assert!(!t.warnings.is_empty(), "{name}");
        // Row group 0 is read whole: its two transfers and the first multi-valued row (which logs
        // the only possible line) are kept, the later multi-valued rows dropped. Row group 1 is
        // narrowed: host.os.type (all pass), then process.name leaves 2 of 200 rows, sparse enough
        // to stop; row group 2 starts with process.name (the lowest pass rate seen).
        assert_eq!(
            selections(FILE_TRANSFER, &d),
            Some(vec![Some(3), Some(2), Some(2)]),
            "{name}"
        );
        // No row group holds a wanted name: row groups 1 and 2 are skipped from the dictionary
        // page of process.name alone when every data page is dictionary-encoded (not in the
        // plain file, which is decoded to the same end).
        let q = FILE_TRANSFER.replace("\"scp\", ", "");
        let t = same_results(&q, &d);
        assert!(t.rows.is_empty() && !t.warnings.is_empty(), "{name}");
        let dictionary = name != "plain";
        assert_eq!(
            selections_and_skips(&q, &d),
            Some((
                vec![Some(1), Some(0), Some(0)],
                if dictionary { 2 } else { 0 }
            )),
            "{name}"
        );
        // The seed rule's shape with a STATS after the WHERE.
        let q = "FROM logs-endpoint.events.process-* METADATA _id | MV_EXPAND event.action \
            | WHERE event.type == \"start\" AND process.name IN (\"scp\", \"ls\") \
            | STATS n = COUNT(*) BY process.name, event.action | SORT process.name, event.action";
        same_results(q, &d);
        std::fs::remove_dir_all(&d).unwrap();
    }
}

/// The file read with a prefilter whose first segments hold `first_segment` rows, evaluated on
/// `threads` threads as `eval_files` does.
fn segmented_results(
    query: &str,
    d: &Path,
    first_segment: usize,
    threads: usize,
) -> esql::ResultTable {
    let plan = plan_of(query);
    let layout = layout(&plan);
    let kernel = EngineKernel::new();
    let opts = EvalOptions::default();
    let mut pre = Prefilter::new(&plan, &layout, &kernel, &opts).expect("a prefilter");
    pre.first_segment = first_segment;
    let path = d.join(format!("{STREAM}.parquet"));
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap();
    pool.install(|| {
        let mut run =
            crate::engine::evaluator::Run::new(&plan, &kernel, &opts, EngineConfig::default())
                .expect("columnar");
        let mut next = 0u32;
        let mut report = crate::engine::inputs::read::ReadReport::default();
        crate::engine::inputs::parquet_fast::read_file_filtered(
            &layout,
            Some(&pre),
            &path,
            &mut report,
            &mut |mut chunks| {
                for c in &mut chunks {
                    c.index = next;
                    next += 1;
                }
                run.chunks(&chunks).unwrap();
                Ok(!run.done())
            },
        )
        .unwrap();
        run.finish().unwrap()
    })
}

/// 600 rows in row groups of 200 whose warning lines first appear at different depths of row
/// group 0: row 5's event.action holds two items, row 20's event.type; every 100th row from 7 is an
/// rsync exec, every 50th from 33 multi-valued in both lists.
fn staggered_rows() -> Vec<Row> {
    (0..600)
        .map(|i| -> Row {
            match i {
                5 => (Some("scp"), Some("root"), &["start"], &["fork", "exec"]),
                20 => (Some("ls"), Some("root"), &["start", "end"], &["exec"]),
                _ if i % 100 == 7 => (Some("rsync"), Some("root"), &["start"], &["exec"]),
                _ if i % 50 == 33 => (
                    Some("ls"),
                    Some("root"),
                    &["start", "end"],
                    &["fork", "exec", "end"],
                ),
                _ if i % 2 == 0 => (Some("ls"), Some("root"), &["start"], &["exec"]),
                _ => (Some("cat"), None, &["end"], &["end"]),
            }
        })
        .collect()
}

#[test]
fn row_group_narrowed_after_the_segment_that_logs_every_line() {
    use parquet::file::properties::WriterProperties;
    let two_lists = "FROM logs-endpoint.events.process-* METADATA _id \
        | WHERE process.name IN (\"scp\", \"rsync\") AND event.type == \"start\" \
          AND event.action == \"exec\" | KEEP _id, process.name";
    let stats = "FROM logs-endpoint.events.process-* METADATA _id | MV_EXPAND event.action \
        | WHERE event.type == \"start\" AND process.name IN (\"scp\", \"rsync\", \"ls\") \
        | STATS n = COUNT(*) BY process.name, event.action | SORT process.name, event.action";
    for (name, rows) in [("staggered", staggered_rows()), ("many", many_rows())] {
        for pages in [None, Some(16)] {
            let d = std::env::temp_dir().join(format!(
                "detsim-prefilter-seg-{name}-{pages:?}-{}",
                std::process::id()
            ));
            let _ = std::fs::remove_dir_all(&d);
            std::fs::create_dir_all(&d).unwrap();
            let mut props = WriterProperties::builder()
                .set_max_row_group_row_count(Some(200))
                .set_write_batch_size(16);
            if let Some(p) = pages {
                props = props.set_data_page_row_count_limit(p);
            }
            write_rows(&d, &rows, props.build(), 3);
            for q in [FILE_TRANSFER, two_lists, stats] {
                // The reference, the in-memory path and the default segments.
                let reference = same_results(q, &d);
                assert!(!reference.warnings.is_empty(), "{name}: {q}");
                for first in [1, 2, 3, 5, 6, 8, 21, 50, 199, 200, 1024] {
                    for threads in [1, 2] {
                        let got = segmented_results(q, &d, first, threads);
                        assert_eq!(
                            got, reference,
                            "{name} {pages:?}: first segment {first}, {threads} threads: {q}"
                        );
                    }
                }
            }
            if name == "staggered" {
                // Row group 0, first segment 8: rows 5 (action's lines) and 7 kept in [0, 8);
                // [8, 136) keeps row 20 (event.type's lines) and the rsync row 107, drops the
                // multi-valued rows 33, 83 and 133; [136, 200) is narrowed on process.name first
                // (the lowest pass rate seen) and holds no candidate. Row groups 1 and 2 are
                // narrowed to their two rsync rows.
                assert_eq!(
                    selections_with(two_lists, &d, 8),
                    Some((vec![Some(4), Some(2), Some(2)], 0)),
                    "{pages:?}"
                );
                // First segment 1: [0, 1), [1, 17) logs the action's lines, [17, 200) the type's.
                assert_eq!(
                    selections_with(two_lists, &d, 1),
                    Some((vec![Some(4), Some(2), Some(2)], 0)),
                    "{pages:?}"
                );
                // Expanded actions: only event.type can warn; row 20 logs its lines in the
                // second segment of 8 rows, and the rest of row group 0 is narrowed: rows 5
                // (scp), 7, 107 (rsync), 20 (its line).
                assert_eq!(
                    selections_with(FILE_TRANSFER, &d, 8),
                    Some((vec![Some(4), Some(2), Some(2)], 0)),
                    "{pages:?}"
                );
            }
            std::fs::remove_dir_all(&d).unwrap();
        }
    }
}
