//! Metamorphic properties on the reference evaluator (no second engine needed): ternary logic
//! partitioning, AND splitting, KEEP of a permutation, `SORT | LIMIT k` as the top k, STATS over shards
//! merged, and `MV_EXPAND | STATS COUNT(*)` as a sum of MV_COUNTs. The root crate's
//! `tests/differential.rs` runs the same properties on the optimized engine.
//!
//! `PROPTEST_CASES=n` sets the cases per property, `HARNESS_SEED=n|random` the seed, `HARNESS_SAVE=1`
//! saves a shrunk failure under `oracles/regressions/`.

use std::path::PathBuf;

use oracles::ReferenceEvaluator;
use oracles::harness::properties::Subjects;
use oracles::harness::runner::{RunConfig, run_property};

fn config(default_cases: u32) -> RunConfig {
    let var = |k: &str| std::env::var(k).ok();
    RunConfig::from_env_values(
        var("PROPTEST_CASES").as_deref(),
        var("HARNESS_SEED").as_deref(),
        var("HARNESS_SAVE").as_deref(),
        var("HARNESS_EXACT_ORDER").as_deref(),
        default_cases,
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("regressions"),
    )
}

fn run(property: &str, default_cases: u32) {
    let reference = ReferenceEvaluator::new();
    let subjects = Subjects {
        subject: &reference,
        reference: &reference,
    };
    let cfg = config(default_cases);
    match run_property(property, &cfg, &subjects) {
        Ok(stats) => {
            eprintln!("{property} on the reference: {stats}");
            assert!(
                stats.checked > 0,
                "{property}: no case was checked: {stats}\n{:#?}",
                stats.examples
            );
            assert!(
                stats.skipped * 50 <= stats.checked + stats.skipped,
                "{property}: too many derived queries fail the front end (strategy bugs): {stats}\n{:#?}",
                stats.examples
            );
        }
        Err(report) => panic!("{report}"),
    }
}

#[test]
fn ternary_logic_partitions_the_rows() {
    run("partition", 48);
}

#[test]
fn where_a_and_b_is_where_a_then_where_b() {
    run("and-split", 32);
}

#[test]
fn keep_of_a_permutation_permutes_the_columns() {
    run("keep-permutation", 32);
}

#[test]
fn sort_limit_is_the_top_of_the_full_sort() {
    run("sort-limit", 32);
}

#[test]
fn stats_over_shards_merge_to_stats_over_the_whole() {
    run("sharded-stats", 32);
}

#[test]
fn mv_expand_count_is_the_sum_of_mv_counts() {
    run("mv-expand-count", 32);
}
