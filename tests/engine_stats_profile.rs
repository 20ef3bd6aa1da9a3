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

fn size(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

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

/// CPU seconds this thread used so far (Linux `/proc/thread-self/stat`; 0 elsewhere).
fn thread_cpu() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/thread-self/stat") else {
        return 0.0;
    };
    // Fields after the command name (which ends at the last ')'): utime and stime are 14th and 15th.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = f.get(11).and_then(|x| x.parse().ok()).unwrap_or(0.0)
        + f.get(12).and_then(|x| x.parse::<f64>().ok()).unwrap_or(0.0);
    ticks / 100.0
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
        let t = std::time::Instant::now();
        let cpu = thread_cpu();
        for _ in 0..runs {
            std::hint::black_box(engine.run_loaded(&plan, &chunks, &opts).unwrap());
        }
        let per_run = t.elapsed() / runs.max(1);
        let cpu_per_run = (thread_cpu() - cpu) / f64::from(runs.max(1));
        eprintln!(
            "{file}: {events} events, {} rows out, {per_run:?} wall per run, {:.1} ms CPU per run, \
             {:.2} M events/CPU-s",
            got.rows.len(),
            cpu_per_run * 1e3,
            events as f64 / cpu_per_run / 1e6
        );
    }
}
