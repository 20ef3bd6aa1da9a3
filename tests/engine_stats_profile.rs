//! Not tests: loops for profiling the columnar STATS path on the seed rules over synthetic documents
//! (`cargo test --release --test engine_stats_profile -- --ignored --nocapture`; sizes from
//! `DETSIM_PROFILE_EVENTS` (default 200,000) and `DETSIM_PROFILE_RUNS` (default 20)). Each loop first
//! checks the engine's table against the reference's once when `DETSIM_PROFILE_CHECK=1`.

use std::path::Path;
use std::sync::Arc;

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

fn synthetic(plan: &Plan, count: usize, seed: u64) -> MemorySource {
    let cfg = SyntheticConfig {
        pool: (count / 4).max(1000),
        ..SyntheticConfig::default()
    };
    synthetic_source(plan, count, seed, cfg).expect("synthetic documents index")
}

#[test]
#[ignore]
fn profile_synthetic_stats() {
    let events = size("DETSIM_PROFILE_EVENTS", 200_000);
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
    for file in [
        "exfiltration_unusual_file_transfer_utility_launched.toml",
        "persistence_web_server_sus_file_creation.toml",
    ] {
        if !only.is_empty() && !file.contains(&only) {
            continue;
        }
        let text = seed_text(file);
        let data = synthetic(&plan_of(&text), events, 7);
        let plan = match std::env::var("DETSIM_PROFILE_QUERY") {
            Ok(suffix) => {
                // The rule's FROM line (up to its first pipe), then the given steps.
                let from = text.split('|').next().unwrap_or_default();
                plan_of(&format!("{from} {suffix}"))
            }
            Err(_) => plan_of(&text),
        };
        let chunks = engine.load(&plan, &data, &opts).unwrap();
        let got = engine.run_loaded(&plan, &chunks, &opts).unwrap();
        if check {
            let expected = ReferenceEvaluator::new().run(&plan, &data, &opts).unwrap();
            assert_eq!(got, expected, "{file}");
        }
        support::time_runs(file, events, got.rows.len(), runs, || {
            std::hint::black_box(engine.run_loaded(&plan, &chunks, &opts).unwrap());
        });
    }
}
