//! Seed rules over dataset files: NDJSON and Parquet straight into the engine (`engine::inputs::read`),
//! per rule and input kind, on one thread and on all cores.
//!
//! The dataset is generated once with `detsim::dataset::write_world` (seed 42; size from
//! `DETSIM_BENCH_HOSTS`, default 40, and `DETSIM_BENCH_MINUTES`, default 240) into a folder under the
//! system temp dir, in both formats. Throughput is in bytes of the rule's data-stream file (criterion
//! prints MB/s; events/s = documents ÷ time, the document count is printed). Before timing, each
//! file reader's result is checked equal to the in-memory ingest path's.

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use detsim::dataset::{Format, WriteOptions, write_world};
use detsim::engine::inputs::ndjson_files::{OnError, load};
use detsim::engine::inputs::read::{ReadOptions, eval_files};
use detsim::engine::{EngineConfig, EngineKernel, OptimizedEvaluator};
use esql::{Catalog, EvalOptions, Evaluator, Plan};

fn env(name: &str, default: u32) -> u32 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The generated dataset folder for `format` (written once per size).
fn dataset(format: Format, name: &str) -> PathBuf {
    let hosts = env("DETSIM_BENCH_HOSTS", 40);
    let minutes = env("DETSIM_BENCH_MINUTES", 240);
    let dir = std::env::temp_dir().join(format!("detsim-bench-inputs-{hosts}h-{minutes}m-{name}"));
    if dir.join("manifest.json").exists() {
        return dir;
    }
    let world = generators::Builder::new()
        .seed(42)
        .hosts(hosts)
        .duration(generators::time::Span::mins(minutes as i64))
        .build()
        .expect("generator config");
    let options = WriteOptions {
        format,
        inline_labels: false,
    };
    write_world(world, &dir, options, &mut |_, _| {}).expect("dataset written");
    dir
}

fn seed_rules() -> Vec<(String, Plan)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("rules/")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    let catalog = Catalog::elastic_defend();
    files
        .into_iter()
        .map(|p| {
            let f = detsim::rules::load_file(&p).expect("seed rule loads");
            let ast = esql::parse(&f.queries[0].text).expect("parses");
            let plan = esql::analyze(&ast, &catalog).expect("analyzes");
            let name = p.file_stem().unwrap().to_string_lossy().into_owned();
            (name, plan)
        })
        .collect()
}

/// Bytes of the data-stream files the plan reads in `dir`.
fn bytes_read(plan: &Plan, dir: &Path) -> u64 {
    let esql::plan::Source::From(from) = &plan.source else {
        return 0;
    };
    std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_stem()
                .and_then(|s| s.to_str())
                .is_some_and(|s| esql::catalog::pattern_list_matches(&from.patterns, s))
        })
        .filter_map(|p| std::fs::metadata(p).ok().map(|m| m.len()))
        .sum()
}

fn bench(c: &mut Criterion) {
    let ndjson = dataset(Format::Ndjson, "ndjson");
    let parquet = dataset(Format::Parquet, "parquet");
    let catalog = Catalog::elastic_defend();
    let opts = EvalOptions::default();
    let all = rayon::current_num_threads();
    let one = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    for (rule, plan) in seed_rules() {
        let loaded = load(std::slice::from_ref(&ndjson), &catalog, OnError::Fail).expect("loads");
        let want = OptimizedEvaluator::new(Arc::new(EngineKernel::new()), EngineConfig::default())
            .run(&plan, &loaded.source, &opts)
            .expect("in-memory run");
        drop(loaded);
        let mut g = c.benchmark_group(format!("inputs/{rule}"));
        g.sample_size(10);
        for (kind, dir) in [("ndjson", &ndjson), ("parquet", &parquet)] {
            let run = || {
                eval_files(
                    &plan,
                    std::slice::from_ref(dir),
                    &catalog,
                    &opts,
                    &EngineKernel::new(),
                    ReadOptions::default(),
                )
                .expect("reads")
                .expect("served by the fast readers")
            };
            let (got, report) = run();
            assert_eq!(got, want, "{rule} {kind}: equals the in-memory path");
            eprintln!(
                "{rule} {kind}: {} documents, {} bytes",
                report.documents, report.bytes
            );
            g.throughput(Throughput::Bytes(bytes_read(&plan, dir)));
            g.bench_function(format!("{kind}/threads-{all}"), |b| {
                b.iter(|| black_box(run()))
            });
            g.bench_function(format!("{kind}/threads-1"), |b| {
                b.iter(|| one.install(|| black_box(run())))
            });
        }
        g.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
