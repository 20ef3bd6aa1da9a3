//! Not a test: a loop for profiling the columnar WHERE (and the rest of each seed rule) on the
//! generators' fleet, where few rows pass the filter and the WHERE is most of the work
//! (`cargo test --release --test engine_where_profile -- --ignored --nocapture`). Sizes from
//! `DETSIM_PROFILE_HOSTS` (default 20), `DETSIM_PROFILE_MINUTES` (default 240) and
//! `DETSIM_PROFILE_RUNS` (default 200); `DETSIM_PROFILE_RULE` picks rules by a part of the file name.
//! The engine's table is checked against the reference's once before the loop.
//!
//! `profile_synthetic_blocks` loops over synthetic documents built as the `synthetic-large` bench
//! builds them (blocks of up to 500,000 documents, seed `1000 + block`, loaded chunk by chunk):
//! `DETSIM_PROFILE_EVENTS` (default 2,000,000) events per rule, `DETSIM_PROFILE_RUNS` (default 20),
//! `DETSIM_PROFILE_QUERY` replaces the steps after the rule's FROM line (e.g. only its MV_EXPAND and
//! WHERE), `DETSIM_PROFILE_CHECK=1` compares one run with the reference first (slow at this size).

use std::path::Path;
use std::sync::Arc;

use detsim::engine::frame::Chunk;
use detsim::engine::synthetic::{SyntheticConfig, synthetic_source};
use detsim::engine::{EngineConfig, EngineKernel, OptimizedEvaluator};
use esql::{Catalog, EvalOptions, Evaluator, MemorySource, Plan};
use oracles::ReferenceEvaluator;

mod support;
use support::size;

fn seed_text(file: &str) -> String {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("rules")
        .join(file);
    let f = detsim::rules::load_file(&p).expect("seed rule loads");
    f.queries[0].text.to_string()
}

fn plan_of(text: &str) -> Plan {
    esql::analyze(&esql::parse(text).unwrap(), &Catalog::elastic_defend()).unwrap()
}

fn seed_plan(file: &str) -> Plan {
    plan_of(&seed_text(file))
}

const RULES: [&str; 2] = [
    "exfiltration_unusual_file_transfer_utility_launched.toml",
    "persistence_web_server_sus_file_creation.toml",
];

/// The generators' fleet (seed 42), indexed as Elasticsearch would.
fn generated(hosts: u32, minutes: i64) -> MemorySource {
    detsim::engine::synthetic::fleet_source(42, hosts, minutes).expect("fleet indexes")
}

#[test]
#[ignore]
fn profile_generated_where() {
    let hosts = size("DETSIM_PROFILE_HOSTS", 20) as u32;
    let minutes = size("DETSIM_PROFILE_MINUTES", 240) as i64;
    let runs = size("DETSIM_PROFILE_RUNS", 200) as u32;
    let only = std::env::var("DETSIM_PROFILE_RULE").unwrap_or_default();
    let opts = EvalOptions::default();
    let engine = OptimizedEvaluator::new(
        Arc::new(EngineKernel::new()),
        EngineConfig {
            parallel: false,
            ..EngineConfig::default()
        },
    );
    let data = generated(hosts, minutes);
    for file in RULES {
        if !only.is_empty() && !file.contains(&only) {
            continue;
        }
        let plan = seed_plan(file);
        let chunks = engine.load(&plan, &data, &opts).unwrap();
        let events: usize = chunks.iter().map(|c| c.rows).sum();
        let got = engine.run_loaded(&plan, &chunks, &opts).unwrap();
        let expected = ReferenceEvaluator::new().run(&plan, &data, &opts).unwrap();
        assert_eq!(got, expected, "{file}");
        // A marker for attaching a profiler to the loop alone (the fleet takes a while to build).
        eprintln!("{file}: looping ({} pid)", std::process::id());
        support::time_runs(file, events, got.rows.len(), runs, || {
            std::hint::black_box(engine.run_loaded(&plan, &chunks, &opts).unwrap());
        });
    }
}

#[test]
#[ignore]
fn profile_synthetic_blocks() {
    const BLOCK: usize = 500_000;
    let events = size("DETSIM_PROFILE_EVENTS", 2_000_000);
    let runs = size("DETSIM_PROFILE_RUNS", 20) as u32;
    let check = size("DETSIM_PROFILE_CHECK", 0) == 1;
    let only = std::env::var("DETSIM_PROFILE_RULE").unwrap_or_default();
    let opts = EvalOptions::default();
    let engine = OptimizedEvaluator::new(
        Arc::new(EngineKernel::new()),
        EngineConfig {
            parallel: false,
            ..EngineConfig::default()
        },
    );
    for file in RULES {
        if !only.is_empty() && !file.contains(&only) {
            continue;
        }
        let text = seed_text(file);
        let rule = plan_of(&text);
        let plan = match std::env::var("DETSIM_PROFILE_QUERY") {
            Ok(steps) => {
                // The rule's FROM line (up to its first pipe), then the given steps.
                let from = text.split('|').next().unwrap_or_default();
                plan_of(&format!("{from} {steps}"))
            }
            Err(_) => rule.clone(),
        };
        let mut chunks: Vec<Chunk> = Vec::new();
        let mut sources = Vec::new();
        let (mut done, mut block) = (0, 0u64);
        while done < events {
            let n = BLOCK.min(events - done);
            let cfg = SyntheticConfig {
                pool: (n / 4).max(1000),
                ..SyntheticConfig::default()
            };
            let data = synthetic_source(&rule, n, 1000 + block, cfg).expect("synthetic documents");
            for mut ch in engine.load(&plan, &data, &opts).unwrap() {
                ch.index = chunks.len() as u32;
                chunks.push(ch);
            }
            if check {
                sources.push(data);
            }
            done += n;
            block += 1;
        }
        let got = engine.run_loaded(&plan, &chunks, &opts).unwrap();
        if check && sources.len() == 1 {
            let expected = ReferenceEvaluator::new()
                .run(&plan, &sources[0], &opts)
                .unwrap();
            assert_eq!(got, expected, "{file}");
        }
        drop(sources);
        eprintln!(
            "{file}: {} chunks, {} warning lines; looping ({} pid)",
            chunks.len(),
            got.warnings.len(),
            std::process::id()
        );
        support::time_runs(file, events, got.rows.len(), runs, || {
            std::hint::black_box(engine.run_loaded(&plan, &chunks, &opts).unwrap());
        });
    }
}
