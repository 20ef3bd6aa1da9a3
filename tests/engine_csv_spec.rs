//! Elasticsearch's csv-spec golden tests through the optimized engine: every test must have the same
//! outcome (passed, failed or skipped) as with the reference evaluator, so the pass/fail/skip counts are
//! equal too. The csv-spec datasets are small and full of multi-values, nulls and odd types, so this is a
//! broad differential test of the engine's columnar paths (with dictionaries on, and off with tiny batches).
//! Fails loudly when `CI=true` and `../shared` is missing; otherwise prints a skip notice.

use std::path::PathBuf;
use std::sync::Arc;

use detsim::engine::{EngineConfig, EngineKernel, OptimizedEvaluator};
use oracles::ReferenceEvaluator;
use oracles::csv_spec::{
    Datasets, Outcome, Runner, Summary, describe_failure, esql_front_end, read_spec_file,
    spec_files,
};

fn shared_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared");
    if dir.is_dir() {
        return Some(dir);
    }
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("../shared is missing ({}) and CI=true", dir.display());
    }
    eprintln!(
        "SKIP engine csv-spec: ../shared not found at {}",
        dir.display()
    );
    None
}

fn kind(o: &Outcome) -> &'static str {
    match o {
        Outcome::Passed => "passed",
        Outcome::Failed(_) => "failed",
        Outcome::Skipped(_) => "skipped",
    }
}

#[test]
fn csv_spec_outcomes_match_the_reference() {
    let Some(shared) = shared_dir() else { return };
    let spec_dir = shared.join("esql-spec");
    let datasets = Datasets::load(&spec_dir).expect("datasets load");
    let reference = ReferenceEvaluator::new();
    let engines = [
        ("default", EngineConfig::default()),
        (
            "dict=off batch=7 chunk=13",
            EngineConfig {
                dictionary: false,
                batch_size: 7,
                chunk_rows: 13,
                parallel: true,
            },
        ),
    ];
    let mut tests = Vec::new();
    for f in spec_files(&spec_dir).expect("spec dir") {
        tests.extend(read_spec_file(&f).unwrap_or_else(|e| panic!("{e}")));
    }
    let expected = Runner::new(&datasets, &reference, &esql_front_end).run_all(&tests);
    for (name, cfg) in engines {
        let engine = OptimizedEvaluator::new(Arc::new(EngineKernel::new()), cfg);
        let got = Runner::new(&datasets, &engine, &esql_front_end).run_all(&tests);
        let mut diffs = Vec::new();
        for (e, g) in expected.iter().zip(&got) {
            if kind(&e.outcome) != kind(&g.outcome) {
                diffs.push(format!(
                    "{}:{} {}: reference {}, optimized {}\n{}",
                    g.file,
                    g.line,
                    g.name,
                    kind(&e.outcome),
                    kind(&g.outcome),
                    describe_failure(g)
                ));
            }
        }
        let (se, sg) = (Summary::of(&expected), Summary::of(&got));
        println!("[{name}] reference: {se}; optimized: {sg}");
        assert!(
            diffs.is_empty(),
            "[{name}] {} outcomes differ:\n{}",
            diffs.len(),
            diffs.join("\n\n")
        );
        assert_eq!(sg, se, "[{name}]");
        assert!(sg.passed > 0, "no csv-spec test passed");
    }
}
