//! Seed rules: reference vs optimized, per input kind, on generated and on synthetic datasets.
//!
//! Inputs: `optimized-columnar` runs on columns already loaded (pure evaluation; `-1t` on one thread,
//! otherwise on all cores), `optimized-documents` reads indexed documents into columns and evaluates
//! (the `Evaluator` path), `reference` is the row-at-a-time oracle. Throughput is in source events of
//! the rule's indices. Results are checked equal to the reference's before timing.
//!
//! Datasets (sizes from the environment):
//! - `generated`: the generators' fleet, seed 42, `DETSIM_BENCH_HOSTS` hosts (default 40; 0 skips) ×
//!   `DETSIM_BENCH_MINUTES` (default 240). It holds few file events, so the web-server rule barely runs.
//! - `synthetic`: `DETSIM_BENCH_EVENTS` documents per rule (default 1,000,000; 0 skips) drawn from the
//!   rule's own literals (`engine::synthetic`), all four inputs, so ratios come from one run.
//! - `synthetic-large`: `DETSIM_BENCH_COLUMNAR_EVENTS` documents per rule (default 10,000,000; 0 skips),
//!   built and loaded in blocks of 500k documents (only the columns are kept), columnar inputs only;
//!   checked equal between one thread and all cores (too large for the reference).

use std::hint::black_box;
use std::path::Path;
use std::sync::Arc;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use detsim::engine::frame::Chunk;
use detsim::engine::synthetic::{SyntheticConfig, synthetic_source};
use detsim::engine::{EngineConfig, EngineKernel, OptimizedEvaluator};
use esql::{Catalog, DataSource, EvalOptions, Evaluator, MemorySource, Plan};
use oracles::ReferenceEvaluator;

fn env(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn generated(hosts: u32, minutes: i64) -> MemorySource {
    detsim::engine::synthetic::fleet_source(42, hosts, minutes).expect("fleet indexes")
}

/// `count` synthetic documents for `plan` (seed `seed`), indexed.
fn synthetic(plan: &Plan, count: usize, seed: u64) -> MemorySource {
    let cfg = SyntheticConfig {
        pool: (count / 4).max(1000),
        ..SyntheticConfig::default()
    };
    synthetic_source(plan, count, seed, cfg).expect("synthetic documents index")
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

fn engines() -> (OptimizedEvaluator, OptimizedEvaluator) {
    let all = OptimizedEvaluator::new(Arc::new(EngineKernel::new()), EngineConfig::default());
    let one = OptimizedEvaluator::new(
        Arc::new(EngineKernel::new()),
        EngineConfig {
            parallel: false,
            ..EngineConfig::default()
        },
    );
    (all, one)
}

/// Reference vs optimized (documents, columnar on one thread and on all cores) on one source.
fn bench_source(c: &mut Criterion, label: &str, name: &str, plan: &Plan, data: &MemorySource) {
    let opts = EvalOptions::default();
    let (all, one) = engines();
    let esql::plan::Source::From(from) = &plan.source else {
        return;
    };
    let events: usize = data
        .catalog()
        .resolve(&from.patterns)
        .iter()
        .map(|(i, _)| data.documents(i).len())
        .sum();
    let expected = ReferenceEvaluator::new().run(plan, data, &opts).unwrap();
    assert_eq!(all.run(plan, data, &opts).unwrap(), expected, "{name}");
    let chunks = all.load(plan, data, &opts).unwrap();
    assert_eq!(
        all.run_loaded(plan, &chunks, &opts).unwrap(),
        expected,
        "{name}"
    );
    assert_eq!(
        one.run_loaded(plan, &chunks, &opts).unwrap(),
        expected,
        "{name}"
    );
    eprintln!(
        "{label} {name}: {events} events, {} result rows, {} warning lines",
        expected.rows.len(),
        expected.warnings.len()
    );
    let mut g = c.benchmark_group(format!("{name} {label} ({events} events)"));
    g.throughput(Throughput::Elements(events as u64));
    g.sample_size(10);
    g.bench_function("optimized-columnar-1t", |b| {
        b.iter(|| black_box(one.run_loaded(plan, &chunks, &opts).unwrap()))
    });
    g.bench_function("optimized-columnar", |b| {
        b.iter(|| black_box(all.run_loaded(plan, &chunks, &opts).unwrap()))
    });
    g.bench_function("optimized-documents", |b| {
        b.iter(|| black_box(all.run(plan, data, &opts).unwrap()))
    });
    g.bench_function("reference", |b| {
        b.iter(|| black_box(ReferenceEvaluator::new().run(plan, data, &opts).unwrap()))
    });
    g.finish();
}

/// Columnar only, on `count` synthetic events loaded in blocks.
fn bench_large(c: &mut Criterion, name: &str, plan: &Plan, count: usize) {
    const BLOCK: usize = 500_000;
    let opts = EvalOptions::default();
    let (all, one) = engines();
    let mut chunks: Vec<Chunk> = Vec::new();
    let mut done = 0;
    let mut block = 0u64;
    while done < count {
        let n = BLOCK.min(count - done);
        let data = synthetic(plan, n, 1000 + block);
        for mut ch in all.load(plan, &data, &opts).unwrap() {
            ch.index = chunks.len() as u32;
            chunks.push(ch);
        }
        done += n;
        block += 1;
    }
    let a = all.run_loaded(plan, &chunks, &opts).unwrap();
    assert_eq!(one.run_loaded(plan, &chunks, &opts).unwrap(), a, "{name}");
    eprintln!(
        "synthetic-large {name}: {count} events in {} chunks, {} result rows, {} warning lines",
        chunks.len(),
        a.rows.len(),
        a.warnings.len()
    );
    let mut g = c.benchmark_group(format!("{name} synthetic-large ({count} events)"));
    g.throughput(Throughput::Elements(count as u64));
    g.sample_size(10);
    g.bench_function("optimized-columnar-1t", |b| {
        b.iter(|| black_box(one.run_loaded(plan, &chunks, &opts).unwrap()))
    });
    g.bench_function("optimized-columnar", |b| {
        b.iter(|| black_box(all.run_loaded(plan, &chunks, &opts).unwrap()))
    });
    g.finish();
}

fn bench(c: &mut Criterion) {
    let catalog = Catalog::elastic_defend();
    let rules: Vec<(String, Plan)> = seed_rules()
        .into_iter()
        .map(|(name, text)| {
            let plan = esql::analyze(&esql::parse(&text).unwrap(), &catalog).unwrap();
            (name, plan)
        })
        .collect();
    let hosts = env("DETSIM_BENCH_HOSTS", 40) as u32;
    if hosts > 0 {
        let data = generated(hosts, env("DETSIM_BENCH_MINUTES", 240) as i64);
        for (name, plan) in &rules {
            bench_source(c, "generated", name, plan, &data);
        }
    }
    let n = env("DETSIM_BENCH_EVENTS", 1_000_000) as usize;
    if n > 0 {
        for (name, plan) in &rules {
            let data = synthetic(plan, n, 7);
            bench_source(c, "synthetic", name, plan, &data);
        }
    }
    let large = env("DETSIM_BENCH_COLUMNAR_EVENTS", 10_000_000) as usize;
    if large > 0 {
        for (name, plan) in &rules {
            bench_large(c, name, plan, large);
        }
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
