//! The harness itself: the query strategy writes well-typed queries that survive the printer round
//! trip, its predicates select rows of the generated data, the data strategies produce what they
//! promise, the no-panic entry points of the fuzz targets hold on arbitrary input, and every saved
//! regression under `oracles/regressions/` replays on the reference evaluator.

use std::path::PathBuf;

use oracles::ReferenceEvaluator;
use oracles::harness::choices::choice_stream;
use oracles::harness::data::data_spec;
use oracles::harness::dataset::build;
use oracles::harness::entry_points::{analyze_mutated, ingest_bytes, parse_text};
use oracles::harness::frontend::prepare;
use oracles::harness::properties::Subjects;
use oracles::harness::query::{CommandKind, random_query};
use oracles::harness::regression::{Regression, files, replay};
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
    let mut failures = Vec::new();
    let paths = files(&dir);
    for path in &paths {
        let r = match Regression::load(path) {
            Ok(r) => r,
            Err(e) => {
                failures.push(e.to_string());
                continue;
            }
        };
        match (replay(&r, &subjects), r.is_open()) {
            (Ok(()), true) => eprintln!("{}: open case now holds on the reference", path.display()),
            (Err(e), true) => eprintln!(
                "{}: open ({}): {}",
                path.display(),
                r.issue,
                e.lines().next().unwrap_or("")
            ),
            (Ok(()), false) => {}
            (Err(e), false) => failures.push(format!("{}: {e}", path.display())),
        }
    }
    eprintln!("{} regressions replayed", paths.len());
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
