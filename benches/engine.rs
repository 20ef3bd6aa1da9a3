//! Seed rules: reference vs optimized, per input kind, on a generated Elastic Defend dataset.
//!
//! Inputs: `optimized-columnar` runs on columns already loaded (pure evaluation), `optimized-documents`
//! reads indexed documents into columns and evaluates (the `Evaluator` path), `reference` is the
//! row-at-a-time oracle. Throughput is in source events of the rule's indices. The dataset size comes
//! from `DETSIM_BENCH_HOSTS` (default 40) and `DETSIM_BENCH_MINUTES` (default 240); results are checked
//! equal to the reference's before timing.

use std::hint::black_box;
use std::path::Path;
use std::sync::Arc;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use detsim::engine::{EngineConfig, EngineKernel, OptimizedEvaluator};
use esql::{Catalog, DataSource, EvalOptions, Evaluator, MemorySource};
use oracles::ReferenceEvaluator;

fn env(name: &str, default: u32) -> u32 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn dataset() -> MemorySource {
    let catalog = Catalog::elastic_defend();
    let world = generators::Builder::new()
        .seed(42)
        .hosts(env("DETSIM_BENCH_HOSTS", 40))
        .duration(generators::time::Span::mins(
            env("DETSIM_BENCH_MINUTES", 240) as i64,
        ))
        .build()
        .expect("generator config");
    let mut src = MemorySource::new();
    let mut added = std::collections::BTreeSet::new();
    for event in world {
        let json = serde_json::to_value(&event).expect("event serializes");
        let index = event.data_stream().name().to_owned();
        let mapping = catalog.mapping_for(&index).expect("mapping");
        if added.insert(index.clone()) {
            src.add_index(index.clone(), mapping.clone());
        }
        let id = esql::ingest::event_id(&json).expect("event.id");
        src.push(esql::ingest::index_document(&json, &id, &index, &mapping).expect("indexes"))
            .unwrap();
    }
    src
}

fn seed_rules() -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("rules/")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let f = detsim::rules::load_file(&p).expect("seed rule loads");
            let name = p.file_stem().unwrap().to_string_lossy().into_owned();
            (name, f.queries[0].text.to_string())
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let data = dataset();
    let catalog = Catalog::elastic_defend();
    let opts = EvalOptions::default();
    let optimized = OptimizedEvaluator::new(Arc::new(EngineKernel::new()), EngineConfig::default());
    for (name, text) in seed_rules() {
        let plan = esql::analyze(&esql::parse(&text).unwrap(), &catalog).unwrap();
        let esql::plan::Source::From(from) = &plan.source else {
            continue;
        };
        let events: usize = data
            .catalog()
            .resolve(&from.patterns)
            .iter()
            .map(|(i, _)| data.documents(i).len())
            .sum();
        let expected = ReferenceEvaluator::new().run(&plan, &data, &opts).unwrap();
        assert_eq!(
            optimized.run(&plan, &data, &opts).unwrap(),
            expected,
            "{name}"
        );
        let chunks = optimized.load(&plan, &data, &opts).unwrap();
        assert_eq!(
            optimized.run_loaded(&plan, &chunks, &opts).unwrap(),
            expected,
            "{name}"
        );

        let mut g = c.benchmark_group(format!("{name} ({events} events)"));
        g.throughput(Throughput::Elements(events as u64));
        g.sample_size(10);
        g.bench_function("optimized-columnar", |b| {
            b.iter(|| black_box(optimized.run_loaded(&plan, &chunks, &opts).unwrap()))
        });
        g.bench_function("optimized-documents", |b| {
            b.iter(|| black_box(optimized.run(&plan, &data, &opts).unwrap()))
        });
        g.bench_function("reference", |b| {
            b.iter(|| black_box(ReferenceEvaluator::new().run(&plan, &data, &opts).unwrap()))
        });
        g.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
