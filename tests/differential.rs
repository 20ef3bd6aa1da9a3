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
//!
//! The long differential campaign is an ignored test, [`differential_campaign`]: see its doc and the
//! README's testing section.

use std::path::PathBuf;
use std::sync::Arc;

use detsim::engine::{EngineConfig, EngineKernel, OptimizedEvaluator};
use oracles::ReferenceEvaluator;
use oracles::harness::properties::Subjects;
use oracles::harness::regression::{files, replay_files};
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
        let summary = replay_files(&paths, &subjects);
        for line in &summary.open {
            eprintln!("{line} [{label}]");
        }
        failures.extend(
            summary
                .failures
                .into_iter()
                .map(|f| format!("[{label}] {f}")),
        );
    }
    eprintln!(
        "{} regressions replayed on {} engine configurations",
        paths.len(),
        configurations().len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// A campaign variable as a number (the test reads the environment; the library does not).
fn campaign_var(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(default)
}

/// The long differential campaign (not in CI; `cargo test --release --test differential --
/// --ignored --nocapture differential_campaign`), run by `oracles::harness::campaign`.
///
/// Runs `HARNESS_CAMPAIGN_CASES` (default 1,000,000) differential cases (one generated query over one
/// generated dataset each) in chunks of `HARNESS_CAMPAIGN_CHUNK` (default 5,000) cases. Within a chunk a
/// new dataset is drawn every `HARNESS_CAMPAIGN_QUERIES` (default 25) queries, and every case is checked
/// on every engine configuration against one reference run (`HARNESS_CAMPAIGN_CONFIGS=rotate`: case `n`
/// of a chunk on configuration `n mod 3` only). Chunk `k` uses seed `HARNESS_SEED + k`
/// (default base 0xca4e), so any chunk can be rerun alone. Chunks are shared out over
/// `HARNESS_CAMPAIGN_THREADS` threads (default 2); `HARNESS_CAMPAIGN_START=k` resumes at chunk `k`.
/// After every chunk a line with the cumulative figures (cases, datasets, rate, CPU time,
/// disagreements, order-only differences per kind) is printed, so an interrupted campaign still reports
/// how far it got. A disagreement prints its shrunk case (saved under `oracles/regressions/` with
/// `HARNESS_SAVE=1`) and the chunk goes on; the test fails at the end if any case disagreed.
#[test]
#[ignore]
fn differential_campaign() {
    use oracles::harness::campaign::{CampaignConfig, CampaignStats, Subject, run_chunk};
    use std::sync::Mutex;
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::time::Instant;

    let total = campaign_var("HARNESS_CAMPAIGN_CASES", 1_000_000);
    let chunk = campaign_var("HARNESS_CAMPAIGN_CHUNK", 5_000).max(1);
    let per_dataset = campaign_var("HARNESS_CAMPAIGN_QUERIES", 25).max(1);
    let threads = campaign_var("HARNESS_CAMPAIGN_THREADS", 2).max(1);
    let start = campaign_var("HARNESS_CAMPAIGN_START", 0);
    let rotate = std::env::var("HARNESS_CAMPAIGN_CONFIGS").is_ok_and(|v| v.trim() == "rotate");
    let base = config(0);
    let base_seed = if std::env::var("HARNESS_SEED").is_ok() {
        base.seed
    } else {
        0xca4e
    };
    let chunks = total.div_ceil(chunk);
    let next = AtomicU64::new(start);
    let stats = Mutex::new(CampaignStats::default());
    let failures: Mutex<Vec<String>> = Mutex::new(Vec::new());
    let began = Instant::now();
    let cpu0 = process_cpu_seconds();
    let labels: Vec<&str> = configurations().iter().map(|(l, _)| *l).collect();
    eprintln!(
        "campaign: {total} cases in {chunks} chunks of {chunk}, a dataset per {per_dataset} queries, \
         seeds {base_seed:#x}+k, {threads} threads, from chunk {start}, {} {labels:?}",
        if rotate {
            "each case on one of"
        } else {
            "every case on"
        }
    );
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                let reference = ReferenceEvaluator::new();
                let engines: Vec<(String, OptimizedEvaluator)> = configurations()
                    .into_iter()
                    .map(|(l, ec)| (l.to_owned(), engine(ec)))
                    .collect();
                let subjects: Vec<Subject<'_>> = engines
                    .iter()
                    .map(|(label, e)| Subject {
                        label: label.clone(),
                        evaluator: e,
                    })
                    .collect();
                loop {
                    let k = next.fetch_add(1, Ordering::SeqCst);
                    if k >= chunks {
                        break;
                    }
                    let mut run = base.clone();
                    run.cases = 0;
                    let cfg = CampaignConfig {
                        seed: base_seed.wrapping_add(k),
                        cases: chunk.min(total - k * chunk),
                        queries_per_dataset: per_dataset,
                        run,
                        max_reports: 2,
                        rotate,
                    };
                    let outcome = run_chunk(&cfg, &reference, &subjects);
                    for f in &outcome.failures {
                        eprintln!("DISAGREEMENT in chunk {k} (seed {:#x}):\n{f}", cfg.seed);
                    }
                    let all = {
                        let mut all = stats.lock().unwrap_or_else(|e| e.into_inner());
                        all.add(&outcome.stats);
                        all.clone()
                    };
                    failures
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .extend(outcome.failures);
                    let secs = began.elapsed().as_secs_f64();
                    let cpu = process_cpu_seconds() - cpu0;
                    eprintln!(
                        "campaign: chunk {k} done ({} cases); {:.0} s wall, {cpu:.0} s CPU, {:.1} cases/s, {:.1} cases per CPU-second; {all}",
                        outcome.stats.cases,
                        secs,
                        all.cases as f64 / secs.max(1e-9),
                        all.cases as f64 / cpu.max(1e-9),
                    );
                }
            });
        }
    });
    let failures = failures.into_inner().unwrap_or_else(|e| e.into_inner());
    let all = stats.into_inner().unwrap_or_else(|e| e.into_inner());
    eprintln!(
        "campaign finished: {:.0} s wall, {:.0} s CPU; {all}",
        began.elapsed().as_secs_f64(),
        process_cpu_seconds() - cpu0
    );
    for e in &all.order_examples {
        eprintln!("order-only example: {e}");
    }
    assert_eq!(all.strategy_bugs, 0, "{:#?}", all.examples);
    assert_eq!(all.skipped, 0, "{:#?}", all.examples);
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// CPU time of this process so far (user + system, from `/proc/self/stat`; 0 where unavailable).
fn process_cpu_seconds() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return 0.0;
    };
    // Fields after the command name (which is in parentheses and may hold spaces).
    let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    // utime and stime are fields 14 and 15 of the line (indices 11 and 12 after the name), in clock
    // ticks of 1/100 s (Linux USER_HZ).
    (ticks(11) + ticks(12)) / 100.0
}
