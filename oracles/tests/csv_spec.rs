//! Runs Elasticsearch's csv-spec golden tests in `../shared/esql-spec` through detsim's front end and
//! the reference evaluator: no test may fail, and every skipped test must say which out-of-scope
//! feature it needs, and no class of skip reason may exceed its budget (`scope::SKIP_BUDGET`), so the
//! skip list cannot grow silently. Fails loudly when `CI=true` and `../shared` is missing; otherwise prints a skip
//! notice.

use std::path::PathBuf;

use oracles::ReferenceEvaluator;
use std::collections::BTreeMap;

use oracles::csv_spec::scope::{SKIP_BUDGET, SkipClass, skip_budget};
use oracles::csv_spec::{
    Datasets, Outcome, Runner, Summary, describe_failure, esql_front_end, read_spec_file,
    spec_files,
};

/// `../shared` relative to the workspace root, if present.
fn shared_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared");
    if dir.is_dir() {
        return Some(dir);
    }
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!(
            "../shared is missing ({}) and CI=true: the csv-spec conformance tests cannot run",
            dir.display()
        );
    }
    eprintln!(
        "SKIP csv_spec conformance: ../shared not found at {}",
        dir.display()
    );
    None
}

#[test]
fn shared_csv_spec_tests_pass_or_skip_with_a_reason() {
    let Some(shared) = shared_dir() else { return };
    let spec_dir = shared.join("esql-spec");
    let datasets = Datasets::load(&spec_dir).expect("datasets load");
    assert!(
        datasets.missing.is_empty(),
        "datasets missing: {:?}",
        datasets.missing
    );
    let evaluator = ReferenceEvaluator::new();
    let runner = Runner::new(&datasets, &evaluator, &esql_front_end);
    let files = spec_files(&spec_dir).expect("spec dir readable");
    assert!(
        !files.is_empty(),
        "no csv-spec files in {}",
        spec_dir.display()
    );
    let mut results = Vec::new();
    for f in &files {
        let tests = read_spec_file(f).unwrap_or_else(|e| panic!("{e}"));
        results.extend(runner.run_all(&tests));
    }
    let failures: Vec<String> = results
        .iter()
        .filter(|r| matches!(r.outcome, Outcome::Failed(_)))
        .map(describe_failure)
        .collect();
    for r in &results {
        if let Outcome::Skipped(why) = &r.outcome {
            assert!(
                !why.trim().is_empty(),
                "{}:{} {} skipped without a reason",
                r.file,
                r.line,
                r.name
            );
        }
    }
    let summary = Summary::of(&results);
    println!("{summary}");
    let mut by_class: BTreeMap<SkipClass, Vec<String>> = BTreeMap::new();
    for r in &results {
        if let Outcome::Skipped(why) = &r.outcome {
            by_class
                .entry(SkipClass::of(why))
                .or_default()
                .push(format!("{}:{} {}: {why}", r.file, r.line, r.name));
        }
    }
    let mut over = Vec::new();
    for (class, tests) in &by_class {
        let budget = skip_budget(*class);
        println!("skipped {class:?}: {} (budget {budget})", tests.len());
        if tests.len() > budget {
            over.push(format!(
                "{class:?}: {} skipped, budget {budget}:\n  {}",
                tests.len(),
                tests.join("\n  ")
            ));
        }
    }
    assert!(
        over.is_empty(),
        "skip classes over budget (implement the feature, or justify and raise the budget in \
         oracles/src/csv_spec/scope.rs SKIP_BUDGET):\n{}",
        over.join("\n")
    );
    let budget_total: usize = SKIP_BUDGET.iter().map(|(_, n)| n).sum();
    assert!(summary.skipped <= budget_total, "{summary}");
    assert!(summary.passed > 0, "no csv-spec test passed");
    assert!(
        failures.is_empty(),
        "{}\n\n{summary}",
        failures.join("\n\n")
    );
}
