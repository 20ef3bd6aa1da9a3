//! The fast file readers against the in-memory ingest path: same results (rows, columns, warnings),
//! same skipped-line counts and errors, whatever the block size and thread count.

use std::path::{Path, PathBuf};

use esql::{Catalog, EvalOptions, Evaluator, ResultTable, TimeRange};

use super::ndjson_files::{OnError, load};
use super::read::{ReadOptions, ReadReport, eval_files};
use crate::engine::{EngineConfig, EngineKernel, OptimizedEvaluator};

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("detsim-inputs-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn plan_of(query: &str) -> esql::Plan {
    let catalog = Catalog::elastic_defend();
    let ast = esql::parse(query).unwrap_or_else(|e| panic!("{query}: {e}"));
    esql::analyze(&ast, &catalog).unwrap_or_else(|e| panic!("{query}: {e}"))
}

/// A result, the number of documents skipped, and the skipped lines with their errors.
type Outcome = (ResultTable, u64, Vec<(usize, String)>);

/// The in-memory path: every document through ingest, then the optimized engine.
fn in_memory(
    plan: &esql::Plan,
    data: &Path,
    opts: &EvalOptions,
    on_error: OnError,
) -> Result<Outcome, String> {
    let catalog = Catalog::elastic_defend();
    let loaded = load(&[data.to_path_buf()], &catalog, on_error).map_err(|e| e.to_string())?;
    let t = OptimizedEvaluator::new(
        std::sync::Arc::new(EngineKernel::new()),
        EngineConfig::default(),
    )
    .run(plan, &loaded.source, opts)
    .map_err(|e| e.to_string())?;
    let errs = loaded
        .first_errors
        .iter()
        .map(|e| (e.line, e.error.to_string()))
        .collect();
    Ok((t, loaded.skipped, errs))
}

fn fast(
    plan: &esql::Plan,
    data: &Path,
    opts: &EvalOptions,
    on_error: OnError,
    block_bytes: usize,
    threads: usize,
) -> Result<(ResultTable, ReadReport), String> {
    let catalog = Catalog::elastic_defend();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap();
    let options = ReadOptions {
        on_error,
        block_bytes,
        engine: EngineConfig::default(),
    };
    pool.install(|| {
        eval_files(
            plan,
            &[data.to_path_buf()],
            &catalog,
            opts,
            &EngineKernel::new(),
            options,
        )
    })
    .map_err(|e| e.to_string())
    .map(|r| r.expect("the fast reader serves this plan"))
}

const STREAM: &str = "logs-endpoint.events.process-default";

const WIDE: &str = "FROM logs-endpoint.events.process-* METADATA _id, _index, _version \
    | KEEP _id, _index, _version, @timestamp, event.action, event.id, process.name, process.pid, \
      process.args, process.command_line, process.command_line.caseless, host.ip";

/// Lines that exercise every branch of the walker: dotted keys, arrays, escapes, numbers and booleans
/// in keyword fields, duplicate keys, blank/CRLF lines, malformed JSON, invalid UTF-8, rejected
/// documents, `_id` forms.
fn adversarial() -> Vec<u8> {
    let lines: Vec<&[u8]> = vec![
        br#"{"@timestamp":"2024-01-01T00:00:01Z","event":{"id":"e1","action":"exec"},"process":{"name":"bash","pid":12,"args":["bash","-c"],"command_line":"Bash -C"}}"#,
        br#"{"process.name":"a","process":{"pid":5},"event.id":"e2","@timestamp":"2024-01-01T00:00:00Z"}"#,
        br#"{"process":{"args":["b","a","b"]},"event":{"id":"e3","action":["y","x"]}}"#,
        br#"{"process":{"name":"q\"x\\y","command_line":"echo \"hi\" \u0041"}}"#,
        br#"{"process":{"name":12.50,"pid":"7"}}"#,
        br#"{"process":{"name":true,"pid":1.9}}"#,
        br#"{"process":{"name":"a","name":"b"}}"#,
        b"   ",
        br#"{"process":{"name":"a"}"#,
        b"{\"process\":{\"name\":\"\xff\xfe\"}}",
        b"{\"event\":{\"id\":\"crlf\"}}\r",
        br#"{"process":{"name":{"x":1}}}"#,
        br#"{"process":"x"}"#,
        br#"{"event":{"id":12345}}"#,
        br#"{"host":{"ip":"::ffff:10.1.2.3"}}"#,
        br#"{"host":{"ip":[["10.0.0.2","10.0.0.1"],null]},"event":[{"id":"in-array"}]}"#,
        b"[1,2]",
        "{\"x\":{\"y\":[{\"z\":\"é\"}]},\"process\":{\"name\":\"ü\"}}".as_bytes(),
        br#"{"a":1} x"#,
        br#"{"message":"\u00e9","process":{"name":"n"}}"#,
        br#"{"process..name":"x"}"#,
        br#"{"process":{"pid":-0,"args":[]}}"#,
        br#"{"process":{"pid":01}}"#,
        br#"{"process":{"pid":99999999999999999999}}"#,
        br#"{"event":{"id":"dup"},"event":{"id":"dup2"}}"#,
        br#"{"event.id":"dotted","event":{"action":"fork"}}"#,
        br#"{"process":{"name":"tab	in string"}}"#,
        br#"{"process":{"name":null,"args":[null,"z",["y"]]},"@timestamp":1704067200000}"#,
        br#"{"event":{"id":"last"}}"#,
    ];
    let mut out = Vec::new();
    for l in lines {
        out.extend_from_slice(l);
        out.push(b'\n');
    }
    out
}

#[test]
fn adversarial_lines_read_as_ingest_reads_them() {
    let dir = temp_dir("adversarial");
    std::fs::write(dir.join(format!("{STREAM}.ndjson")), adversarial()).unwrap();
    let plan = plan_of(WIDE);
    let opts = EvalOptions::default();
    let (want, skipped, errs) = in_memory(&plan, &dir, &opts, OnError::Skip).unwrap();
    assert!(skipped >= 5, "the adversarial file has rejected lines");
    assert!(want.rows.len() >= 15, "{} documents read", want.rows.len());
    for (block, threads) in [(1 << 20, 1), (64, 2), (4096, 2)] {
        let (got, report) = fast(&plan, &dir, &opts, OnError::Skip, block, threads).unwrap();
        assert_eq!(got, want, "block {block}, threads {threads}");
        assert_eq!(report.skipped, skipped);
        let got_errs: Vec<(usize, String)> = report
            .first_errors
            .iter()
            .map(|e| (e.line, e.error.to_string()))
            .collect();
        assert_eq!(got_errs, errs);
        assert!(report.slow_lines > 0 && report.slow_lines < 29);
    }
    // Under `fail`, the same first error, with file and line.
    let want = in_memory(&plan, &dir, &opts, OnError::Fail).unwrap_err();
    let got = fast(&plan, &dir, &opts, OnError::Fail, 64, 2).unwrap_err();
    assert_eq!(got, want);
    assert!(got.contains(&format!("{STREAM}.ndjson:9:")), "{got}");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Line numbers are counted only when needed (an error, or an `_id` made from the line number):
/// with many blocks per group, they must still be the file's line numbers.
#[test]
fn line_numbers_of_later_blocks_in_a_group_are_the_file_line_numbers() {
    let dir = temp_dir("line-numbers");
    let mut text = Vec::new();
    for i in 0..3000 {
        let line = match i % 7 {
            // No `event.id`: `_id` is `<index>-<line>` (fast path).
            0..=2 => format!(r#"{{"process":{{"name":"p{i}","pid":{i}}}}}"#),
            3 => String::new(),
            // A backslash: walked byte by byte.
            4 => format!(r#"{{"process":{{"name":"b\\{i}"}},"x":"\"q\""}}"#),
            // Rejected by serde_json: the error names the line.
            5 if i % 5 == 0 => format!(r#"{{"process":{{"name":"bad{i}"}}"#),
            _ => format!(r#"{{"event":{{"id":"e{i}"}},"process":{{"name":"q{i}"}}}}"#),
        };
        text.extend_from_slice(line.as_bytes());
        text.push(b'\n');
    }
    // The last line has no newline.
    text.extend_from_slice(br#"{"process":{"name":"end"}}"#);
    std::fs::write(dir.join(format!("{STREAM}.ndjson")), &text).unwrap();
    // Every `_id` in one row (results are capped at 1000 rows).
    let plan = plan_of(
        "FROM logs-endpoint.events.process-* METADATA _id \
         | STATS n = COUNT(*), ids = VALUES(_id), names = VALUES(process.name)",
    );
    let opts = EvalOptions::default();
    let (want, skipped, errs) = in_memory(&plan, &dir, &opts, OnError::Skip).unwrap();
    assert!(skipped > 50, "{skipped} skipped");
    let ids = format!("{:?}", want.rows[0][1]);
    for id in [
        "process-default-1\"",
        "process-default-2998\"",
        "process-default-3001\"",
    ] {
        assert!(ids.contains(id), "{id} in {ids}");
    }
    for (block, threads) in [(300, 1), (4096, 2), (1000, 3), (1 << 20, 2)] {
        let (got, report) = fast(&plan, &dir, &opts, OnError::Skip, block, threads).unwrap();
        assert_eq!(got, want, "block {block}, threads {threads}");
        assert_eq!(report.skipped, skipped);
        let got_errs: Vec<(usize, String)> = report
            .first_errors
            .iter()
            .map(|e| (e.line, e.error.to_string()))
            .collect();
        assert_eq!(got_errs, errs, "block {block}, threads {threads}");
    }
    let want = in_memory(&plan, &dir, &opts, OnError::Fail).unwrap_err();
    let got = fast(&plan, &dir, &opts, OnError::Fail, 300, 3).unwrap_err();
    assert_eq!(got, want);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Writes a generated dataset in `format`.
fn generated(name: &str, format: crate::dataset::Format) -> PathBuf {
    let dir = temp_dir(name);
    let world = generators::Builder::new()
        .seed(11)
        .hosts(4)
        .duration(generators::time::Span::mins(60))
        .build()
        .expect("generator config");
    crate::dataset::write_world(
        world,
        &dir,
        crate::dataset::WriteOptions {
            format,
            inline_labels: false,
        },
        &mut |_, _| {},
    )
    .expect("dataset written");
    dir
}

fn seed_queries() -> Vec<(String, String, Option<std::time::Duration>, String)> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("rules");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    files
        .iter()
        .map(|p| {
            let f = crate::rules::load_file(p).unwrap_or_else(|e| panic!("{}", e.message()));
            let (from, ts) = match &f.kind {
                crate::rules::RuleFileKind::Detection(r) => (
                    r.from,
                    r.timestamp_override
                        .clone()
                        .unwrap_or_else(|| "@timestamp".into()),
                ),
                _ => (None, "@timestamp".into()),
            };
            (
                p.display().to_string(),
                f.queries[0].text.to_string(),
                from,
                ts,
            )
        })
        .collect()
}

#[test]
fn generated_datasets_give_the_in_memory_results_from_ndjson_and_parquet() {
    let ndjson = generated("gen-ndjson", crate::dataset::Format::Ndjson);
    let parquet = generated("gen-parquet", crate::dataset::Format::Parquet);
    let small_groups = rewritten_with_small_row_groups(&parquet, "gen-parquet-rg");
    let mut queries: Vec<(String, String, Option<TimeRange>)> = Vec::new();
    for (name, text, from, ts) in seed_queries() {
        queries.push((name.clone(), text.clone(), None));
        if let Some(from) = from {
            // A look-back window inside the generated hour.
            let start =
                esql::ingest::date::parse_default_date(generators::config::DEFAULT_START_TEXT)
                    .and_then(esql::ingest::date::nanos_to_millis)
                    .unwrap();
            let now = start + 40 * 60_000;
            queries.push((
                format!("{name} (time range)"),
                text,
                Some(TimeRange {
                    field: ts,
                    start: now - from.as_millis() as i64,
                    end: now,
                }),
            ));
        }
    }
    queries.push((
        "wide".into(),
        format!("{WIDE} | SORT _id | LIMIT 300"),
        None,
    ));
    queries.push((
        "stats".into(),
        "FROM logs-* | STATS n = COUNT(*), h = COUNT_DISTINCT(host.name), a = VALUES(event.action) BY event.dataset | SORT event.dataset".into(),
        None,
    ));
    queries.push((
        // A typed list column (List<Int64> in Parquet) and a list of strings next to it.
        "typed lists".into(),
        "FROM logs-endpoint.events.process-* METADATA _id | WHERE process.previous.args_count IS NOT NULL \
         | KEEP _id, process.previous.args_count, process.previous.args, process.previous.executable \
         | SORT _id | LIMIT 200"
            .into(),
        None,
    ));
    queries.push((
        "limit".into(),
        "FROM logs-endpoint.events.* METADATA _index | KEEP _index, event.id, process.args | LIMIT 17".into(),
        None,
    ));
    for (name, text, tr) in queries {
        let plan = plan_of(&text);
        let opts = EvalOptions {
            time_range: tr.clone(),
            now_millis: tr.as_ref().map(|t| t.end).unwrap_or_default(),
            ..EvalOptions::default()
        };
        let (want, _, _) = in_memory(&plan, &ndjson, &opts, OnError::Fail).unwrap();
        if !name.ends_with(".toml") && !name.contains("time range") {
            assert!(want.rows.len() >= 2, "{name}: {} rows", want.rows.len());
        }
        for (block, threads) in [(8 << 20, 1), (16 << 10, 2)] {
            let (got, report) = fast(&plan, &ndjson, &opts, OnError::Fail, block, threads).unwrap();
            assert_eq!(
                got, want,
                "{name}: NDJSON, block {block}, threads {threads}"
            );
            assert_eq!(
                report.slow_lines, 0,
                "{name}: generated lines take the fast path"
            );
        }
        for threads in [1, 2] {
            let (got, _) = fast(&plan, &parquet, &opts, OnError::Fail, 0, threads).unwrap();
            assert_eq!(got, want, "{name}: Parquet, threads {threads}");
            let (got, _) = fast(&plan, &small_groups, &opts, OnError::Fail, 0, threads).unwrap();
            assert_eq!(
                got, want,
                "{name}: Parquet, 1000-row row groups, threads {threads}"
            );
        }
    }
    std::fs::remove_dir_all(&ndjson).unwrap();
    std::fs::remove_dir_all(&parquet).unwrap();
    std::fs::remove_dir_all(&small_groups).unwrap();
}

/// The Parquet files of `dir` rewritten with row groups of 1000 rows (row-group boundaries inside the
/// generated data, `_id`s numbered across them).
fn rewritten_with_small_row_groups(dir: &Path, name: &str) -> PathBuf {
    use parquet::arrow::ArrowWriter;
    use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
    let out = temp_dir(name);
    let mut files = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "parquet") {
            continue;
        }
        let reader =
            ParquetRecordBatchReaderBuilder::try_new(std::fs::File::open(&path).unwrap()).unwrap();
        let schema = reader.schema().clone();
        let props = parquet::file::properties::WriterProperties::builder()
            .set_max_row_group_row_count(Some(1000))
            .build();
        let file = std::fs::File::create(out.join(path.file_name().unwrap())).unwrap();
        let mut w = ArrowWriter::try_new(file, schema, Some(props)).unwrap();
        for batch in reader.build().unwrap() {
            w.write(&batch.unwrap()).unwrap();
        }
        let meta = w.close().unwrap();
        files += 1;
        if meta.file_metadata().num_rows() > 2000 {
            assert!(
                meta.num_row_groups() > 2,
                "{} row groups",
                meta.num_row_groups()
            );
        }
    }
    assert!(files >= 2, "the generated directory has Parquet files");
    out
}

/// The walker with the SIMD string index and without it give the same outcome on every line, and
/// every line the walker accepts is JSON serde_json accepts (its validating skip of unneeded values
/// is sound): random byte mutations of generated documents and of the adversarial lines.
#[test]
fn indexed_and_plain_walks_agree_and_accept_only_valid_json() {
    use super::json_index::LineIndex;
    use super::json_scan::{Line, scan_line, scan_line_indexed};
    use super::layout::{Layout, Pending};

    let plan = plan_of(WIDE);
    let esql::plan::Source::From(from) = &plan.source else {
        panic!("FROM plan")
    };
    let catalog = Catalog::elastic_defend();
    let mapping = catalog.resolve(&[STREAM.to_owned()])[0].1.clone();
    let needed = crate::engine::prune::needed_columns(&plan);
    let layout = Layout::new(from, needed.source(), STREAM, mapping, None, true).unwrap();

    let dir = generated("walk-mutations", crate::dataset::Format::Ndjson);
    let text = std::fs::read_to_string(dir.join(format!("{STREAM}.ndjson"))).unwrap();
    let mut bases: Vec<Vec<u8>> = text
        .lines()
        .take(40)
        .map(|l| l.as_bytes().to_vec())
        .collect();
    bases.extend(adversarial().split(|&b| b == b'\n').map(<[u8]>::to_vec));
    std::fs::remove_dir_all(&dir).unwrap();

    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let mut rnd = |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n as u64) as usize
    };
    let alphabet: &[u8] = b"{}[]:,\"\\ 0123456789-+.eEtrufalsn\t\xff";
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20_000usize);
    let mut index = LineIndex::new();
    let (mut indexed, mut documents) = (0usize, 0usize);
    for k in 0..cases {
        let mut line = bases[k % bases.len()].clone();
        if k >= bases.len() {
            for _ in 0..1 + rnd(3) {
                let at = rnd(line.len() + 1);
                let c = alphabet[rnd(alphabet.len())];
                match rnd(3) {
                    0 if at < line.len() => line[at] = c,
                    1 if at < line.len() => {
                        line.remove(at);
                    }
                    _ => line.insert(at, c),
                }
            }
        }
        let Ok(text) = std::str::from_utf8(&line) else {
            continue;
        };
        let mut plain = Pending::new(&layout);
        let want = scan_line(&layout, text, &mut plain);
        let mut fast = Pending::new(&layout);
        let ix = index.build(&line).then_some(&index);
        indexed += usize::from(ix.is_some());
        let got = scan_line_indexed(&layout, text, &mut fast, ix);
        assert_eq!(got, want, "{text}");
        if want == Ok(Line::Document) {
            documents += 1;
            assert_eq!(fast.values, plain.values, "{text}");
            assert_eq!(
                (&fast.id_nested, &fast.id_dotted),
                (&plain.id_nested, &plain.id_dotted)
            );
            let json: serde_json::Value = serde_json::from_str(text)
                .unwrap_or_else(|e| panic!("walker accepted invalid JSON ({e}): {text}"));
            assert!(json.is_object(), "{text}");
        }
    }
    assert!(
        indexed > cases / 4 && documents > cases / 10,
        "{indexed} indexed, {documents} read"
    );
}

mod access;
mod proof;
