//! The harness itself: the query strategy writes well-typed queries that survive the printer round
//! trip, its predicates select rows of the generated data, the data strategies produce what they
//! promise, the no-panic entry points of the fuzz targets hold on arbitrary input, and every saved
//! regression under `oracles/regressions/` replays on the reference evaluator.

use std::path::PathBuf;

use esql::plan::{ExprKind, StepKind};
use esql::{Evaluator, Value};
use oracles::ReferenceEvaluator;
use oracles::harness::choices::choice_stream;
use oracles::harness::data::data_spec;
use oracles::harness::dataset::{build, harness_catalog};
use oracles::harness::entry_points::{analyze_mutated, ingest_bytes, parse_text};
use oracles::harness::frontend::prepare;
use oracles::harness::properties::{Subjects, metamorphic_options};
use oracles::harness::query::{CommandKind, check, random_query};
use oracles::harness::regression::{files, replay_files};
use oracles::harness::vocabulary::vocabulary;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

fn cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(default)
}

fn runner(cases: u32) -> TestRunner {
    TestRunner::new_with_rng(
        Config {
            cases,
            failure_persistence: None,
            ..Config::default()
        },
        TestRng::from_seed(RngAlgorithm::ChaCha, &[7; 32]),
    )
}

/// Generated queries: the analyzer accepts every command the builder writes (a rejected one is a
/// strategy bug), and the final text survives print → reparse → analyze.
#[test]
fn query_strategy_writes_well_typed_queries() {
    let vocab = vocabulary();
    let mut r = runner(cases(300));
    let mut commands = 0u64;
    let mut bugs = Vec::new();
    let mut kinds = [0u64; 9];
    for _ in 0..cases(300) {
        let raw = choice_stream(200).new_tree(&mut r).unwrap().current();
        let b = random_query(&vocab, &raw, 7, &CommandKind::ALL);
        let text = b.text();
        commands += text.matches(" | ").count() as u64;
        for (i, k) in [
            "WHERE",
            "EVAL",
            "STATS",
            "KEEP",
            "DROP",
            "RENAME",
            "SORT",
            "LIMIT",
            "MV_EXPAND",
        ]
        .iter()
        .enumerate()
        {
            kinds[i] += u64::from(text.contains(&format!("| {k} ")));
        }
        bugs.extend(b.bugs.iter().map(|b| format!("{}\n  {}", b.error, b.query)));
        if let Err(e) = prepare(&text, &vocab.catalog) {
            bugs.push(format!("the final query fails the front end: {e}"));
        }
    }
    eprintln!(
        "{commands} commands kept, {} rejected; queries with WHERE/EVAL/STATS/KEEP/DROP/RENAME/SORT/LIMIT/MV_EXPAND: {kinds:?}",
        bugs.len()
    );
    assert!(
        bugs.is_empty(),
        "{} of {} generated commands failed analysis (strategy bugs), e.g.:\n{}",
        bugs.len(),
        commands + bugs.len() as u64,
        bugs.iter().take(5).cloned().collect::<Vec<_>>().join("\n")
    );
    assert!(
        kinds.iter().all(|k| *k > 0),
        "every command kind is generated: {kinds:?}"
    );
}

/// Every feature the issue asks the query strategy for shows up in generated queries (counted on the
/// canonical text the evaluators see, and on the plans), and the STATS of generated queries meet null
/// and multi-valued group keys in the generated data (checked by running the query up to the STATS on
/// the reference).
#[test]
fn query_strategy_covers_every_feature() {
    let vocab = vocabulary();
    let catalog = harness_catalog();
    let reference = oracles::ReferenceEvaluator::new();
    let n = cases(400);
    let mut r = runner(n);
    let mut seen: std::collections::BTreeMap<&str, u64> = std::collections::BTreeMap::new();
    let mut hit = |k: &'static str, yes: bool| *seen.entry(k).or_insert(0) += u64::from(yes);
    for _ in 0..n {
        let raw = choice_stream(200).new_tree(&mut r).unwrap().current();
        let spec = data_spec(40, 6).new_tree(&mut r).unwrap().current();
        let b = random_query(&vocab, &raw, 7, &CommandKind::ALL);
        let Ok(p) = prepare(&b.text(), &catalog) else {
            continue;
        };
        let t = &p.text;
        let from = b.commands()[0].as_str();
        hit("FROM with a list of patterns", from.contains(", "));
        hit("FROM with an exclusion", from.contains(", -"));
        hit("FROM with a wildcard", from.contains('*'));
        hit("METADATA", t.contains(" METADATA "));
        hit("AND", t.contains(" AND "));
        hit("OR", t.contains(" OR "));
        hit("NOT", t.contains("NOT "));
        hit(
            "nested AND/OR",
            t.contains(" AND (") || t.contains(") AND ") || t.contains(") OR "),
        );
        hit("IN", t.contains(" IN ("));
        hit("NOT IN", t.contains(" NOT IN ("));
        hit("LIKE", t.contains(" LIKE "));
        hit("LIKE with a list", t.contains(" LIKE ("));
        hit("RLIKE", t.contains(" RLIKE "));
        hit("IS NULL", t.contains(" IS NULL"));
        hit("IS NOT NULL", t.contains(" IS NOT NULL"));
        hit(
            "arithmetic",
            [" + ", " - ", " * ", " / ", " % "]
                .iter()
                .any(|o| t.contains(o)),
        );
        hit("CASE", t.contains("CASE(") || t.contains("case("));
        hit("a function call", {
            let lower = t.to_ascii_lowercase();
            [
                "to_lower(",
                "length(",
                "concat(",
                "mv_count(",
                "round(",
                "coalesce(",
            ]
            .iter()
            .any(|f| lower.contains(f))
        });
        hit("MV_EXPAND", t.contains("| MV_EXPAND "));
        hit("KEEP with a wildcard", {
            b.commands()
                .iter()
                .any(|c| c.starts_with("KEEP ") && c.contains('*'))
        });
        hit("DROP with a wildcard", {
            b.commands()
                .iter()
                .any(|c| c.starts_with("DROP ") && c.contains('*'))
        });
        hit(
            "RENAME a AS b",
            b.commands()
                .iter()
                .any(|c| c.starts_with("RENAME ") && c.contains(" AS ")),
        );
        hit(
            "RENAME b = a",
            b.commands()
                .iter()
                .any(|c| c.starts_with("RENAME ") && c.contains(" = ")),
        );
        hit("SORT DESC", t.contains(" DESC"));
        hit("SORT NULLS FIRST", t.contains(" NULLS FIRST"));
        hit("SORT NULLS LAST", t.contains(" NULLS LAST"));
        hit("LIMIT", t.contains("| LIMIT "));
        // EVAL shadowing: an EVAL assigns a name the input already has.
        let mut shadow = false;
        for (j, c) in b.commands().iter().enumerate().skip(1) {
            let Some(rest) = c.strip_prefix("EVAL ") else {
                continue;
            };
            let Ok(prefix) = check(&b.commands()[..j].join(" | "), &vocab) else {
                continue;
            };
            shadow |= prefix.output().columns.iter().any(|col| {
                let q = oracles::harness::query::literal::name(&col.name);
                rest.starts_with(&format!("{q} = ")) || rest.contains(&format!(", {q} = "))
            });
        }
        hit("EVAL shadowing a column", shadow);
        // STATS: several aggregates, BY keys, and (on the data) null and multi-valued keys.
        let (mut several, mut by, mut null_key, mut multi_key) = (false, false, false, false);
        let built = build(&spec.docs(&vocab));
        for (j, c) in b.commands().iter().enumerate().skip(1) {
            if !c.starts_with("STATS ") {
                continue;
            }
            let (Ok(prefix), Ok(with)) = (
                check(&b.commands()[..j].join(" | "), &vocab),
                check(&b.commands()[..=j].join(" | "), &vocab),
            ) else {
                continue;
            };
            let Some(StepKind::Stats(agg)) = with.steps.last().map(|s| &s.kind) else {
                continue;
            };
            several |= agg.aggregates.len() >= 2;
            by |= !agg.groups.is_empty();
            let cols: Vec<usize> = agg
                .groups
                .iter()
                .filter_map(|g| match g.kind {
                    ExprKind::Column(i) => Some(i),
                    _ => None,
                })
                .collect();
            if cols.is_empty() {
                continue;
            }
            let Ok(rows) = reference.run(&prefix, &built.source, &metamorphic_options()) else {
                continue;
            };
            for row in &rows.rows {
                for i in &cols {
                    null_key |= row[*i] == Value::Null;
                    multi_key |= matches!(row[*i], Value::Multi(_));
                }
            }
        }
        hit("STATS with several aggregates", several);
        hit("STATS BY", by);
        hit("STATS over a null group key", null_key);
        hit("STATS over a multi-valued group key", multi_key);
    }
    eprintln!("queries with each feature (of {n}): {seen:#?}");
    let missing: Vec<&&str> = seen
        .iter()
        .filter(|(_, c)| **c == 0)
        .map(|(k, _)| k)
        .collect();
    assert!(
        missing.is_empty(),
        "never generated: {missing:?}\n{seen:#?}"
    );
}

/// Adversarial documents have every shape the issue names: explicit nulls, empty strings, empty and
/// one-element arrays, duplicates, non-ASCII and very long strings, extreme numbers, nested arrays,
/// dotted keys, and documents the mapping rejects.
#[test]
fn adversarial_documents_have_every_shape() {
    let vocab = vocabulary();
    let n = cases(60);
    let mut r = runner(n);
    let mut seen: std::collections::BTreeMap<&str, u64> = std::collections::BTreeMap::new();
    for _ in 0..n {
        let spec = data_spec(0, 8).new_tree(&mut r).unwrap().current();
        for a in &spec.adversarial {
            let doc = a.render(&vocab);
            let text = doc.json.to_string();
            let mut hit =
                |k: &'static str, yes: bool| *seen.entry(k).or_insert(0) += u64::from(yes);
            hit(
                "explicit null",
                text.contains(":null") || text.contains("null,"),
            );
            hit("empty string", text.contains("\"\""));
            hit("empty array", text.contains("[]"));
            hit("nested array", text.contains("[["));
            hit("non-ASCII", !text.is_ascii());
            hit("very long string", text.contains(&"x".repeat(1025)));
            hit(
                "extreme number",
                text.contains(&i64::MAX.to_string())
                    || text.contains("1e308")
                    || text.contains("1e+308"),
            );
            hit(
                "dotted key",
                doc.json
                    .as_object()
                    .is_some_and(|o| o.keys().any(|k| k.contains('.'))),
            );
            hit("missing fields (empty start)", a.template.is_none());
            let built = build(std::slice::from_ref(&doc));
            hit("rejected by the mapping", !built.rejected.is_empty());
        }
    }
    eprintln!("adversarial documents with each shape: {seen:#?}");
    let missing: Vec<&&str> = seen
        .iter()
        .filter(|(_, c)| **c == 0)
        .map(|(k, _)| k)
        .collect();
    assert!(missing.is_empty(), "never generated: {missing:?}");
}

/// The data strategy: fleet documents are indexed, adversarial ones sometimes rejected (and counted).
#[test]
fn data_strategy_mixes_fleet_and_adversarial_documents() {
    let vocab = vocabulary();
    let mut r = runner(cases(40));
    let (mut docs, mut rejected, mut edge) = (0usize, 0usize, 0usize);
    for _ in 0..cases(40) {
        let spec = data_spec(40, 6).new_tree(&mut r).unwrap().current();
        let d = spec.docs(&vocab);
        let built = build(&d);
        assert_eq!(built.len() + built.rejected.len(), d.len());
        docs += built.len();
        rejected += built.rejected.len();
        edge += built
            .documents
            .get("logs-endpoint.events.process-edge")
            .map_or(0, Vec::len);
    }
    eprintln!("{docs} documents indexed, {rejected} rejected, {edge} in the edge stream");
    assert!(docs > 100 && rejected > 0 && edge > 0);
}

proptest! {
    #![proptest_config(Config { cases: cases(256), failure_persistence: None, ..Config::default() })]

    /// The parser never panics and what parses prints back to the same tree.
    #[test]
    fn parser_never_panics_and_round_trips(s in "\\PC{0,80}") {
        prop_assert_eq!(parse_text(&s), Ok(()));
    }

    /// Queries near well-typed ones (generated, then byte-edited) never make the parser or analyzer panic.
    #[test]
    fn analyzer_never_panics_on_mutated_queries(
        raw in choice_stream(120),
        edits in proptest::collection::vec((any::<u16>(), any::<u8>()), 0..6),
    ) {
        prop_assert_eq!(analyze_mutated(&raw, &edits), Ok(()));
    }

    /// NDJSON ingestion never panics and accounts for every line.
    #[test]
    fn ingest_never_panics_and_counts_every_line(
        lines in proptest::collection::vec(
            prop_oneof![
                "\\PC{0,40}",
                Just("{\"process\":{\"pid\":[1,null,\"2\"],\"name\":[]}}".to_owned()),
                Just("{\"@timestamp\":\"2024-13-45\",\"host.ip\":\"::1\"}".to_owned()),
                Just("{\"process.args\":[[\"a\"],[\"b\",{\"c\":1}]]}".to_owned()),
                Just("[1,2]".to_owned()),
            ],
            0..6,
        )
    ) {
        prop_assert_eq!(ingest_bytes(lines.join("\n").as_bytes()), Ok(()));
    }
}

/// Every saved regression replays on the reference: `fixed` ones must hold (and give their expected
/// outcome); `open` ones are reported.
#[test]
fn saved_regressions_replay_on_the_reference() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("regressions");
    let reference = ReferenceEvaluator::new();
    let subjects = Subjects {
        subject: &reference,
        reference: &reference,
    };
    let paths = files(&dir);
    let summary = replay_files(&paths, &subjects);
    for line in &summary.open {
        eprintln!("{line} (reference)");
    }
    let failures = summary.failures;
    eprintln!("{} regressions replayed", paths.len());
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// A small campaign: 30 cases over 5 datasets (seed 11), one shrunk report.
fn small_campaign() -> oracles::harness::campaign::CampaignConfig {
    oracles::harness::campaign::CampaignConfig {
        seed: 11,
        cases: 30,
        queries_per_dataset: 7,
        run: oracles::harness::runner::RunConfig {
            max_shrink_iters: 300,
            minimize_budget: 200,
            ..oracles::harness::runner::RunConfig::default()
        },
        max_reports: 1,
        rotate: false,
    }
}

/// An evaluator that is wrong on purpose: the reference's result passed through `.1`.
struct Broken<F: Fn(esql::ResultTable) -> esql::ResultTable>(ReferenceEvaluator, F);

impl<F: Fn(esql::ResultTable) -> esql::ResultTable> Evaluator for Broken<F> {
    fn run(
        &self,
        plan: &esql::Plan,
        data: &dyn esql::DataSource,
        opts: &esql::EvalOptions,
    ) -> Result<esql::ResultTable, esql::EvalError> {
        Ok((self.1)(self.0.run(plan, data, opts)?))
    }
}

/// The reference, minus the last row of any result with two rows or more.
fn drops_last_row() -> Broken<impl Fn(esql::ResultTable) -> esql::ResultTable> {
    Broken(ReferenceEvaluator::new(), |mut t: esql::ResultTable| {
        if t.rows.len() >= 2 {
            t.rows.pop();
        }
        t
    })
}

/// The campaign: a dataset serves several queries, every case is counted once and checked on every
/// evaluator under test, the figures are reproducible from the seed, and a wrong evaluator's
/// disagreements are counted, shrunk (to a case that still fails) and reported.
#[test]
fn campaign_counts_cases_and_shrinks_disagreements() {
    use oracles::harness::campaign::{CampaignConfig, Subject, run_chunk};
    let reference = ReferenceEvaluator::new();
    let wrong = drops_last_row();
    let cfg = small_campaign();
    let same = [Subject {
        label: "reference".into(),
        evaluator: &reference,
    }];
    let a = run_chunk(&cfg, &reference, &same);
    assert!(a.failures.is_empty(), "{:#?}", a.failures);
    let s = &a.stats;
    assert_eq!((s.cases, s.datasets), (30, 5), "{s}");
    assert_eq!(s.checked + s.skipped, 30, "{s}");
    assert_eq!(s.comparisons, s.checked, "{s}");
    assert_eq!((s.disagreements, s.strategy_bugs), (0, 0), "{s}");
    assert!(s.nonempty > 0 && s.documents > 0, "{s}");
    let b = run_chunk(&cfg, &reference, &same);
    assert_eq!(a.stats, b.stats, "same seed, same figures");

    let both = [
        Subject {
            label: "reference".into(),
            evaluator: &reference,
        },
        Subject {
            label: "drops a row".into(),
            evaluator: &wrong,
        },
    ];
    let w = run_chunk(&cfg, &reference, &both);
    let s = &w.stats;
    assert_eq!(s.comparisons, 2 * s.checked, "{s}");
    assert!(s.disagreements > 0, "{s}");
    assert_eq!(s.failing_cases, s.disagreements, "{s}");
    assert_eq!(w.failures.len() as u64, s.disagreements, "{s}");
    let full = &w.failures[0];
    assert!(full.contains("[drops a row]"), "{full}");
    assert!(full.contains("rows (as multisets)"), "{full}");
    assert!(full.contains("regression file"), "{full}");
    assert!(w.failures[1..].iter().all(|f| f.contains("(not shrunk)")));

    let rotating = CampaignConfig {
        rotate: true,
        ..cfg.clone()
    };
    let r = run_chunk(&rotating, &reference, &both);
    assert_eq!(
        r.stats.comparisons, r.stats.checked,
        "one evaluator per case"
    );
    assert!(r.stats.disagreements > 0 && r.stats.disagreements < s.disagreements);
}

/// The reference, except that a result with two rows or more panics.
fn panics_on_two_rows() -> Broken<impl Fn(esql::ResultTable) -> esql::ResultTable> {
    Broken(ReferenceEvaluator::new(), |t: esql::ResultTable| {
        assert!(t.rows.len() < 2, "deliberate panic: {} rows", t.rows.len());
        t
    })
}

/// A panicking evaluator does not stop the campaign: each panic is counted as a failing case, and
/// the first is shrunk to a case that still panics (the shrunk case still yields two rows).
#[test]
fn campaign_catches_and_shrinks_panics() {
    use oracles::harness::campaign::{Subject, run_chunk};
    let reference = ReferenceEvaluator::new();
    let panicky = panics_on_two_rows();
    let cfg = small_campaign();
    let subjects = [Subject {
        label: "panics".into(),
        evaluator: &panicky,
    }];
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let out = run_chunk(&cfg, &reference, &subjects);
    std::panic::set_hook(previous);
    let s = &out.stats;
    assert_eq!(s.cases, 30, "{s}");
    assert!(s.disagreements > 0, "{s}");
    assert_eq!(s.failing_cases, s.disagreements, "{s}");
    assert_eq!(out.failures.len() as u64, s.disagreements, "{s}");
    let first = &out.failures[0];
    assert!(first.contains("evaluation panicked"), "{first}");
    assert!(first.contains("deliberate panic"), "{first}");
    assert!(first.contains("shrunk case ("), "{first}");
    assert!(!first.contains("not reproduced"), "{first}");
}
