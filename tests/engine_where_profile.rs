//! Not a test: a loop for profiling the columnar WHERE (and the rest of each seed rule) on the
//! generators' fleet, where few rows pass the filter and the WHERE is most of the work
//! (`cargo test --release --test engine_where_profile -- --ignored --nocapture`). Sizes from
//! `DETSIM_PROFILE_HOSTS` (default 20), `DETSIM_PROFILE_MINUTES` (default 240) and
//! `DETSIM_PROFILE_RUNS` (default 200); `DETSIM_PROFILE_RULE` picks rules by a part of the file name.
//! The engine's table is checked against the reference's once before the loop.

use std::path::Path;
use std::sync::Arc;

use detsim::engine::{EngineConfig, EngineKernel, OptimizedEvaluator};
use esql::{Catalog, EvalOptions, Evaluator, MemorySource, Plan};
use oracles::ReferenceEvaluator;

mod support;
use support::size;

fn seed_plan(file: &str) -> Plan {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("rules")
        .join(file);
    let f = detsim::rules::load_file(&p).expect("seed rule loads");
    let text = f.queries[0].text.to_string();
    esql::analyze(&esql::parse(&text).unwrap(), &Catalog::elastic_defend()).unwrap()
}

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
    for file in [
        "exfiltration_unusual_file_transfer_utility_launched.toml",
        "persistence_web_server_sus_file_creation.toml",
    ] {
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
