//! The rule regression suite: every rule of `rules/` against every scenario targeting it, on small
//! deterministic datasets (seed 7, 14 hosts, 6 hours; one with the scenarios, one benign).
//!
//! - every `detect` instance must be detected and every `miss` instance missed;
//! - the alert rows of each (rule, scenario) and of the benign dataset are compared with the snapshots
//!   committed under `snapshots/` (insta: `cargo insta review` after an intended change; with
//!   `CI=true` a missing or different snapshot fails, nothing is written);
//! - a rule whose query is altered in memory must be reported as a regression.

use std::sync::OnceLock;

use detsim::regress::{CaseKind, Report, Suite, SuiteConfig, shipped_rules_dir};
use detsim::score::truth::GroundTruth;
use esql::Catalog;

fn suite() -> Suite {
    Suite::load(&[shipped_rules_dir()], None).expect("the shipped rules load")
}

/// The suite over the shipped rules, run once for every test of this binary.
fn shipped() -> &'static (Suite, Report, GroundTruth) {
    static RUN: OnceLock<(Suite, Report, GroundTruth)> = OnceLock::new();
    RUN.get_or_init(|| {
        let suite = suite();
        let (report, truth) = suite
            .run_with_truth(&SuiteConfig::default())
            .expect("the suite runs");
        (suite, report, truth)
    })
}

/// The file stem of a rule (snapshot names).
fn stem(label: &str) -> String {
    std::path::Path::new(label)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| label.to_owned())
}

fn settings() -> insta::Settings {
    let mut s = insta::Settings::clone_current();
    s.set_snapshot_path("../snapshots");
    s.set_prepend_module_to_snapshot(false);
    s.set_omit_expression(true);
    s
}

#[test]
fn every_detect_instance_is_detected_and_every_miss_missed() {
    let (suite, report, _) = shipped();
    assert!(report.failed() == 0, "{}", report.render());
    // Both shipped rules are targeted by scenarios, with both kinds of expectations among them.
    for r in &suite.rules {
        assert!(
            report.cases.iter().any(|c| c.label == r.label),
            "no case for {}:\n{}",
            r.label,
            report.render()
        );
    }
    assert!(report.untargeted.is_empty(), "{:?}", report.untargeted);
    let kinds: Vec<_> = report
        .cases
        .iter()
        .map(|c| {
            let CaseKind::Scenario { expect, .. } = &c.kind;
            *expect
        })
        .collect();
    assert!(kinds.contains(&detsim::score::truth::Expectation::Detect));
    assert!(kinds.contains(&detsim::score::truth::Expectation::Miss));
}

#[test]
fn alert_rows_match_the_snapshots() {
    let (suite, report, truth) = shipped();
    let settings = settings();
    for rule in &suite.rules {
        let mut scenarios: Vec<&str> = report
            .cases
            .iter()
            .filter(|c| c.label == rule.label)
            .map(|c| {
                let CaseKind::Scenario { scenario, .. } = &c.kind;
                scenario.as_str()
            })
            .collect();
        scenarios.sort_unstable();
        scenarios.dedup();
        for scenario in scenarios {
            let text = report
                .scenario_snapshot(&rule.label, scenario, truth)
                .expect("the rule ran");
            settings.bind(|| {
                insta::assert_snapshot!(format!("{}__{scenario}", stem(&rule.label)), text);
            });
        }
        let benign = report.benign_snapshot(&rule.label).expect("the rule ran");
        settings.bind(|| {
            insta::assert_snapshot!(format!("{}__benign", stem(&rule.label)), benign);
        });
    }
}

#[test]
fn an_altered_query_is_reported_as_a_regression() {
    let (suite, report, truth) = shipped();
    let catalog = Catalog::elastic_defend();
    let original = suite
        .rules
        .iter()
        .find(|r| {
            r.label
                .ends_with("exfiltration_unusual_file_transfer_utility_launched.toml")
        })
        .expect("the shipped file-transfer rule");
    // The rule keeps rare (executable, parent) pairs: flipping the threshold loses the attacks.
    let text = original
        .text
        .replace("Esql.event_count < 5", "Esql.event_count > 5");
    assert_ne!(text, original.text, "the threshold is in the query");
    let altered = original.with_query(&text, &catalog).expect("still valid");
    let altered_suite = Suite::new(vec![altered], Vec::new());
    let (altered_report, altered_truth) = altered_suite
        .run_with_truth(&SuiteConfig::default())
        .expect("the suite runs");
    assert!(altered_report.failed() > 0, "{}", altered_report.render());
    let rendered = altered_report.render();
    assert!(
        rendered.contains("FAIL") && rendered.contains("not detected"),
        "{rendered}"
    );
    // The snapshot of a detected scenario changes too (what a reviewer sees in the diff).
    let failing = altered_report
        .cases
        .iter()
        .find(|c| !c.passed)
        .expect("a failing case");
    let CaseKind::Scenario { scenario, .. } = &failing.kind;
    assert_ne!(
        altered_report.scenario_snapshot(&original.label, scenario, &altered_truth),
        report.scenario_snapshot(&original.label, scenario, truth)
    );
}
