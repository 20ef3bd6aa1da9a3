//! Aggregates whose support the engine mirrors from the reference, checked against it on ROW queries:
//! COUNT_DISTINCT of `version` values (hashed by their stored encoding, as ES does), and PERCENTILE with
//! a percentile outside [0, 100] (null; plus a warning pair over a constant with values).

use std::sync::Arc;

use detsim::engine::{EngineConfig, EngineKernel, OptimizedEvaluator};
use esql::{Catalog, EvalOptions, Evaluator, MemorySource, ResultTable, Value};
use oracles::ReferenceEvaluator;

fn both(query: &str) -> (ResultTable, ResultTable) {
    let catalog = Catalog::elastic_defend();
    let plan = esql::analyze(&esql::parse(query).expect("parses"), &catalog).expect("analyzes");
    let data = MemorySource::new();
    let opts = EvalOptions::default();
    let expected = ReferenceEvaluator::new()
        .run(&plan, &data, &opts)
        .unwrap_or_else(|e| panic!("{query}: reference failed: {e}"));
    let engine = OptimizedEvaluator::new(Arc::new(EngineKernel::new()), EngineConfig::default());
    let got = engine
        .run(&plan, &data, &opts)
        .unwrap_or_else(|e| panic!("{query}: engine failed: {e}"));
    (got, expected)
}

#[test]
fn count_distinct_of_versions_matches_the_reference() {
    let queries = [
        // Equal strings once; a pre-release and an illegal version apart.
        (
            "ROW v = [\"1.2.3\", \"1.2.3\", \"1.10.0\", \"1.2.3-rc.1\", \"not a version\"] \
             | EVAL v = TO_VERSION(v) | STATS n = COUNT_DISTINCT(v)",
            Some(4),
        ),
        (
            "ROW v = [\"1.2.3\", \"1.10.0\", \"2.0\"] | MV_EXPAND v | EVAL v = TO_VERSION(v) \
             | STATS n = COUNT_DISTINCT(v, 10)",
            Some(3),
        ),
        // Grouped, with a null version.
        (
            "ROW v = [\"1.0.0\", \"1.0.0\", \"3.1\"], g = 1 | MV_EXPAND v | EVAL v = TO_VERSION(v) \
             | STATS n = COUNT_DISTINCT(v) BY g",
            Some(2),
        ),
        (
            "ROW v = TO_VERSION(null) | STATS n = COUNT_DISTINCT(v)",
            None,
        ),
    ];
    for (q, n) in queries {
        let (got, expected) = both(q);
        assert_eq!(got.columns, expected.columns, "{q}: columns");
        assert_eq!(got.rows, expected.rows, "{q}: rows");
        assert_eq!(got.warnings, expected.warnings, "{q}: warnings");
        if let Some(n) = n {
            assert_eq!(got.rows[0][0], Value::Long(n), "{q}: count");
        }
    }
}

#[test]
fn out_of_range_percentile_matches_the_reference() {
    let queries = [
        "ROW x = 1 | STATS p = PERCENTILE(3, 150)",
        "ROW x = 1 | STATS p = PERCENTILE([1, 2, 5], -1)",
        "ROW x = 1 | STATS p = PERCENTILE(null, 150)",
        "ROW x = [1, 2, 3] | MV_EXPAND x | STATS p = PERCENTILE(x, 101)",
        "ROW x = [1, 2, 3] | MV_EXPAND x | STATS p = PERCENTILE(2.5, 120.5) BY x",
        "ROW x = 1 | STATS p = PERCENTILE(3, 50)",
    ];
    let mut warned = 0;
    for q in queries {
        let (got, expected) = both(q);
        assert_eq!(got.columns, expected.columns, "{q}: columns");
        assert_eq!(got.rows, expected.rows, "{q}: rows");
        assert_eq!(got.warnings, expected.warnings, "{q}: warnings");
        warned += usize::from(!expected.warnings.is_empty());
    }
    // The constant cases with values warn in the reference.
    assert!(warned >= 3, "only {warned} queries warned");
}
