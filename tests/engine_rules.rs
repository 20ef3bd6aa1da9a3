//! The optimized engine against the reference on real rules over generated Elastic Defend telemetry.
//!
//! Every Linux rule of `../shared/detection-rules` that the analyzer accepts against the shipped Elastic
//! Defend catalog, plus the two seed rules of `rules/`, runs through the reference and through the
//! optimized engine (default configuration, and dictionaries off with batch size 7 and chunk size 1000)
//! on one seeded generated dataset; columns, rows (in order) and warnings must be identical. Without
//! `../shared` the shared rules are skipped with a notice (and the test fails when `CI=true`).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use detsim::engine::{EngineConfig, EngineKernel, OptimizedEvaluator};
use detsim::rules::{RuleFileKind, load_file};
use esql::{Catalog, DataSource, EvalOptions, Evaluator, MemorySource};
use oracles::ReferenceEvaluator;

fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn shared_dir() -> Option<PathBuf> {
    let dir = workspace().join("../shared");
    if dir.is_dir() {
        return Some(dir);
    }
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!("../shared is missing (CI=true): the rule corpus is required");
    }
    eprintln!("NOTICE: ../shared not found; skipping the shared detection-rules corpus");
    None
}

fn toml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            toml_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "toml") {
            out.push(p);
        }
    }
}

/// A generated dataset indexed under the shipped catalog.
fn dataset() -> MemorySource {
    dataset_sized(4, 60)
}

/// A generated dataset of `hosts` hosts over `minutes` minutes (seed 11).
fn dataset_sized(hosts: u32, minutes: i64) -> MemorySource {
    let catalog = Catalog::elastic_defend();
    let world = generators::Builder::new()
        .seed(11)
        .hosts(hosts)
        .duration(generators::time::Span::mins(minutes))
        .build()
        .expect("generator config");
    let mut src = MemorySource::new();
    let mut added = std::collections::BTreeSet::new();
    for event in world {
        let json = serde_json::to_value(&event).expect("event serializes");
        let index = event.data_stream().name().to_owned();
        let mapping = catalog
            .mapping_for(&index)
            .expect("shipped mapping for generated stream");
        if added.insert(index.clone()) {
            src.add_index(index.clone(), mapping.clone());
        }
        let id = esql::ingest::event_id(&json).expect("generated events carry event.id");
        let doc = esql::ingest::index_document(&json, &id, &index, &mapping)
            .expect("generated document indexes");
        src.push(doc).unwrap();
    }
    src
}

/// (label, query text) of every rule to check.
fn rules() -> Vec<(String, String)> {
    let mut files = Vec::new();
    toml_files(&workspace().join("rules"), &mut files);
    let seeds = files.len();
    if let Some(shared) = shared_dir() {
        toml_files(&shared.join("detection-rules"), &mut files);
    }
    let mut out = Vec::new();
    for (i, path) in files.iter().enumerate() {
        let Ok(file) = load_file(path) else { continue };
        let RuleFileKind::Detection(rule) = &file.kind else {
            continue;
        };
        let linux = rule.tags.iter().any(|t| t == "OS: Linux");
        if i >= seeds && !linux {
            continue;
        }
        for q in &file.queries {
            out.push((path.display().to_string(), q.text.to_string()));
        }
    }
    out
}

#[test]
fn optimized_engine_matches_reference_on_linux_rules() {
    let data = dataset();
    let catalog = Catalog::elastic_defend();
    let opts = EvalOptions {
        now_millis: 1_700_000_000_000,
        ..EvalOptions::default()
    };
    let engines = [
        ("default", EngineConfig::default()),
        (
            "dict=off batch=7 chunk=1000",
            EngineConfig {
                dictionary: false,
                batch_size: 7,
                chunk_rows: 1000,
                parallel: true,
            },
        ),
    ];
    let (mut checked, mut with_rows, mut not_analyzed) = (0, 0, Vec::new());
    for (label, text) in rules() {
        let plan = match esql::parse(&text)
            .map_err(|e| e.to_string())
            .and_then(|q| esql::analyze(&q, &catalog).map_err(|e| e.to_string()))
        {
            Ok(p) => p,
            Err(e) => {
                not_analyzed.push(format!("{label}: {e}"));
                continue;
            }
        };
        let expected = ReferenceEvaluator::new().run(&plan, &data, &opts);
        for (name, cfg) in &engines {
            let got = OptimizedEvaluator::new(Arc::new(EngineKernel::new()), *cfg)
                .run(&plan, &data, &opts);
            match (&expected, &got) {
                (Ok(e), Ok(g)) => {
                    assert_eq!(g.columns, e.columns, "{label} [{name}]: columns");
                    assert_eq!(g.warnings, e.warnings, "{label} [{name}]: warnings");
                    assert_eq!(g.rows, e.rows, "{label} [{name}]: rows");
                }
                (Err(e), Err(g)) => {
                    assert_eq!(g.to_string(), e.to_string(), "{label} [{name}]: error")
                }
                _ => panic!("{label} [{name}]: reference {expected:?} vs optimized {got:?}"),
            }
        }
        checked += 1;
        with_rows += expected
            .as_ref()
            .map(|t| !t.rows.is_empty())
            .unwrap_or(false) as usize;
    }
    let docs: usize = data
        .catalog()
        .indices
        .keys()
        .map(|i| data.documents(i).len())
        .sum();
    eprintln!(
        "engine_rules: {docs} documents; {checked} rules checked ({with_rows} with rows); {} not analyzed",
        not_analyzed.len()
    );
    for n in &not_analyzed {
        eprintln!("  not analyzed: {n}");
    }
    assert!(checked >= 2, "the seed rules must analyze and run");
}

/// Not a test: a loop for profiling the columnar path (`cargo test --release --test engine_rules
/// profile_columnar -- --ignored --nocapture`).
#[test]
#[ignore]
fn profile_columnar() {
    let size = |name: &str, default: i64| {
        std::env::var(name)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    let data = dataset_sized(
        size("DETSIM_PROFILE_HOSTS", 4) as u32,
        size("DETSIM_PROFILE_MINUTES", 60),
    );
    let runs = size("DETSIM_PROFILE_RUNS", 200) as u32;
    let catalog = Catalog::elastic_defend();
    let opts = EvalOptions::default();
    let engine = OptimizedEvaluator::new(Arc::new(EngineKernel::new()), EngineConfig::default());
    for (label, text) in rules().into_iter().take(2) {
        let plan = esql::analyze(&esql::parse(&text).unwrap(), &catalog).unwrap();
        let chunks = engine.load(&plan, &data, &opts).unwrap();
        let t = std::time::Instant::now();
        for _ in 0..runs {
            std::hint::black_box(engine.run_loaded(&plan, &chunks, &opts).unwrap());
        }
        let rows: usize = chunks.iter().map(|c| c.rows).sum();
        let per_run = t.elapsed() / runs.max(1);
        eprintln!(
            "{label}: {rows} rows, {per_run:?} per run, {:.1} M rows/s",
            rows as f64 / per_run.as_secs_f64() / 1e6
        );
    }
}
