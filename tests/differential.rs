//! The optimized engine against the reference evaluator on generated queries and data, and the
//! metamorphic properties on the optimized engine.
//!
//! Differential (DataFusion `fuzz_cases` style): seeded random queries over the Elastic Defend catalog
//! and random fleets plus adversarial documents; the engine must return the reference's columns,
//! types, warnings, rows (as multisets, in the order a terminal SORT imposes, and — the engine's own
//! promise — in the reference's exact order). It runs under several engine configurations (dictionary
//! on and off, batch sizes 1, 7 and large, chunk sizes 1, 13 and large, sequential and parallel). On a
//! failure the shrunk case (seed, query, NDJSON documents, both outputs) is printed, and with
//! `HARNESS_SAVE=1` saved under `oracles/regressions/`. Every saved regression is replayed on both
//! engines.
//!
//! `PROPTEST_CASES=n` sets the cases per property (per configuration for the differential),
//! `HARNESS_SEED=n|random` the seed.

use std::path::PathBuf;
use std::sync::Arc;

use detsim::engine::{EngineConfig, EngineKernel, OptimizedEvaluator};
use oracles::ReferenceEvaluator;
use oracles::harness::properties::Subjects;
use oracles::harness::regression::{Regression, files, replay};
use oracles::harness::runner::{RunConfig, run_property};

fn regressions() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("oracles/regressions")
}

fn config(default_cases: u32) -> RunConfig {
    let var = |k: &str| std::env::var(k).ok();
    RunConfig::from_env_values(
        var("PROPTEST_CASES").as_deref(),
        var("HARNESS_SEED").as_deref(),
        var("HARNESS_SAVE").as_deref(),
        var("HARNESS_EXACT_ORDER").as_deref(),
        default_cases,
        regressions(),
    )
}

/// The engine configurations the differential runs under (every one must give identical results).
fn configurations() -> Vec<(&'static str, EngineConfig)> {
    vec![
        ("default", EngineConfig::default()),
        (
            "tiny batches, no dictionary, sequential",
            EngineConfig {
                dictionary: false,
                batch_size: 1,
                chunk_rows: 1,
                parallel: false,
            },
        ),
        (
            "odd batches and chunks, parallel",
            EngineConfig {
                dictionary: true,
                batch_size: 7,
                chunk_rows: 13,
                parallel: true,
            },
        ),
    ]
}

fn engine(cfg: EngineConfig) -> OptimizedEvaluator {
    OptimizedEvaluator::new(Arc::new(EngineKernel::new()), cfg)
}

#[test]
fn optimized_engine_agrees_with_the_reference() {
    let reference = ReferenceEvaluator::new();
    let cfg = config(100);
    for (i, (label, ec)) in configurations().into_iter().enumerate() {
        let engine = engine(ec);
        let subjects = Subjects {
            subject: &engine,
            reference: &reference,
        };
        // Each configuration sees other cases.
        let mut c = cfg.clone();
        c.seed = cfg.seed.wrapping_add(i as u64);
        match run_property("differential", &c, &subjects) {
            Ok(stats) => {
                eprintln!("differential [{label}]: {stats}");
                assert!(stats.checked > 0 && stats.nonempty > 0, "{stats}");
                assert_eq!(stats.strategy_bugs, 0, "{:#?}", stats.examples);
            }
            Err(report) => panic!("engine configuration [{label}]\n{report}"),
        }
    }
}

fn metamorphic(property: &str, default_cases: u32) {
    let reference = ReferenceEvaluator::new();
    let engine = engine(EngineConfig {
        batch_size: 7,
        chunk_rows: 13,
        ..EngineConfig::default()
    });
    let subjects = Subjects {
        subject: &engine,
        reference: &reference,
    };
    match run_property(property, &config(default_cases), &subjects) {
        Ok(stats) => {
            eprintln!("{property} on the optimized engine: {stats}");
            assert!(stats.checked > 0, "{stats}");
        }
        Err(report) => panic!("{report}"),
    }
}

#[test]
fn engine_ternary_logic_partitions_the_rows() {
    metamorphic("partition", 24);
}

#[test]
fn engine_where_a_and_b_is_where_a_then_where_b() {
    metamorphic("and-split", 16);
}

#[test]
fn engine_keep_of_a_permutation_permutes_the_columns() {
    metamorphic("keep-permutation", 16);
}

#[test]
fn engine_sort_limit_is_the_top_of_the_full_sort() {
    metamorphic("sort-limit", 16);
}

#[test]
fn engine_stats_over_shards_merge_to_stats_over_the_whole() {
    metamorphic("sharded-stats", 16);
}

#[test]
fn engine_mv_expand_count_is_the_sum_of_mv_counts() {
    metamorphic("mv-expand-count", 16);
}

/// Every saved regression replays on the optimized engine (differential cases against the reference,
/// metamorphic ones on the engine alone): `fixed` ones must hold; `open` ones are reported.
#[test]
fn saved_regressions_replay_on_both_engines() {
    let reference = ReferenceEvaluator::new();
    let mut failures = Vec::new();
    let paths = files(&regressions());
    for (label, ec) in configurations() {
        let engine = engine(ec);
        let subjects = Subjects {
            subject: &engine,
            reference: &reference,
        };
        for path in &paths {
            let r = match Regression::load(path) {
                Ok(r) => r,
                Err(e) => {
                    failures.push(e.to_string());
                    continue;
                }
            };
            match (replay(&r, &subjects), r.is_open()) {
                (Ok(()), true) => eprintln!("{} [{label}]: open case now holds", path.display()),
                (Err(e), true) => eprintln!(
                    "{} [{label}]: open ({}): {}",
                    path.display(),
                    r.issue,
                    e.lines().next().unwrap_or("")
                ),
                (Ok(()), false) => {}
                (Err(e), false) => failures.push(format!("{} [{label}]: {e}", path.display())),
            }
        }
    }
    eprintln!(
        "{} regressions replayed on {} engine configurations",
        paths.len(),
        configurations().len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
