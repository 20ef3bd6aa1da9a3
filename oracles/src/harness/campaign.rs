//! The long differential campaign: many random queries against each random dataset, every evaluator
//! under test on every case, one reference run per case.
//!
//! A case is still one generated query over one generated dataset, drawn from the same strategies as
//! the differential property ([`choice_stream`] and [`data_spec`]), checked with the same comparison.
//! What changes is the cost around it: a dataset is drawn and indexed once and serves
//! `queries_per_dataset` queries (a new one is drawn after that, so the data strategies keep their
//! variety), the reference evaluates each query once, and every evaluator under test (the engine
//! configurations) is compared with that one outcome.
//!
//! Every tree is drawn from its own seed — dataset `j` of a chunk from `(seed, j)`, its query `q` from
//! `(seed, j, q)` — so a case can be regenerated and shrunk on its own. A disagreement is shrunk the
//! way proptest shrinks (query first with the dataset fixed, then the dataset, then the query again),
//! its documents are minimized, and it is reported (and saved) as a regression; the chunk then goes on.
//! Order-only differences where ES leaves the order open are not disagreements: they are counted per
//! [`OrderFreedom`](super::compare::OrderFreedom), with a few examples.

use std::fmt;
use std::panic::{AssertUnwindSafe, catch_unwind};

use esql::Evaluator;
use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

use super::case::{Case, Property};
use super::choices::choice_stream;
use super::data::{DataSpec, data_spec};
use super::dataset::build;
use super::properties::{Subjects, check_built, check_differential_many, generate};
use super::runner::{RunConfig, failure_report, materialize};
use super::vocabulary::vocabulary;

/// Longest choice stream of a query (as the differential property draws it).
pub const QUERY_CHOICES: usize = 160;

/// One evaluator under test, with a label for reports.
pub struct Subject<'e> {
    /// E.g. the engine configuration.
    pub label: String,
    /// The evaluator.
    pub evaluator: &'e dyn Evaluator,
}

/// What one chunk of the campaign runs.
#[derive(Debug, Clone)]
pub struct CampaignConfig {
    /// The chunk's seed.
    pub seed: u64,
    /// Cases (query × dataset) to run.
    pub cases: u64,
    /// Queries per drawn dataset (at least 1).
    pub queries_per_dataset: u64,
    /// Strategy sizes, shrinking budget, exact order, where to save regressions.
    pub run: RunConfig,
    /// Disagreements shrunk and reported in full per chunk (the others get one line each).
    pub max_reports: usize,
    /// Check each case on one evaluator under test, in turn (case `n` of the chunk on subject
    /// `n mod len`), instead of on every one.
    pub rotate: bool,
}

/// Cumulative figures of a campaign.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CampaignStats {
    /// Cases generated (query × dataset).
    pub cases: u64,
    /// Cases checked on every evaluator under test (their query passed the front end).
    pub checked: u64,
    /// Cases whose query failed the front end (a strategy or printer bug; see `examples`).
    pub skipped: u64,
    /// Evaluations under test compared with the reference (checked cases × evaluators).
    pub comparisons: u64,
    /// Datasets drawn and indexed.
    pub datasets: u64,
    /// Documents indexed over all datasets.
    pub documents: u64,
    /// Documents the mapping rejected (adversarial ones), counted per dataset.
    pub rejected_docs: u64,
    /// Commands the query builder generated that the analyzer rejected.
    pub strategy_bugs: u64,
    /// Checked cases whose reference result has rows.
    pub nonempty: u64,
    /// Comparisons that agreed except for the row order, where ES leaves it open, per
    /// [`OrderFreedom`](super::compare::OrderFreedom) (tied sort keys, hidden sort keys, unordered).
    pub order_only: [u64; 3],
    /// Comparisons that disagreed.
    pub disagreements: u64,
    /// Cases with at least one disagreeing comparison.
    pub failing_cases: u64,
    /// Up to 5 strategy bugs and skips.
    pub examples: Vec<String>,
    /// Up to 2 queries per [`OrderFreedom`](super::compare::OrderFreedom) whose results differed only in order.
    pub order_examples: Vec<String>,
}

impl CampaignStats {
    /// Adds `other`'s figures (examples up to their caps).
    pub fn add(&mut self, other: &CampaignStats) {
        self.cases += other.cases;
        self.checked += other.checked;
        self.skipped += other.skipped;
        self.comparisons += other.comparisons;
        self.datasets += other.datasets;
        self.documents += other.documents;
        self.rejected_docs += other.rejected_docs;
        self.strategy_bugs += other.strategy_bugs;
        self.nonempty += other.nonempty;
        for (a, b) in self.order_only.iter_mut().zip(other.order_only) {
            *a += b;
        }
        self.disagreements += other.disagreements;
        self.failing_cases += other.failing_cases;
        for e in &other.examples {
            if self.examples.len() < 5 {
                self.examples.push(e.clone());
            }
        }
        for e in &other.order_examples {
            if self.order_examples.len() < 6 {
                self.order_examples.push(e.clone());
            }
        }
    }
}

impl fmt::Display for CampaignStats {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} cases over {} datasets ({} documents, {} rejected by the mapping): {} checked, {} skipped, \
             {} strategy bugs, {} with rows; {} comparisons, {} disagreements in {} cases; \
             order-only differences where ES leaves the order open: {} within tied sort keys, \
             {} under hidden sort keys, {} unordered",
            self.cases,
            self.datasets,
            self.documents,
            self.rejected_docs,
            self.checked,
            self.skipped,
            self.strategy_bugs,
            self.nonempty,
            self.comparisons,
            self.disagreements,
            self.failing_cases,
            self.order_only[0],
            self.order_only[1],
            self.order_only[2]
        )
    }
}

/// What a chunk found.
#[derive(Debug, Clone, Default)]
pub struct ChunkOutcome {
    /// Its figures.
    pub stats: CampaignStats,
    /// One report per disagreement: shrunk in full for the first `max_reports`, one line after.
    pub failures: Vec<String>,
}

/// A test runner whose RNG is seeded by `(seed, dataset, query)` alone.
fn seeded_runner(seed: u64, dataset: u64, query: Option<u64>) -> TestRunner {
    let mut bytes = [0u8; 32];
    bytes[..8].copy_from_slice(&seed.to_le_bytes());
    bytes[8..16].copy_from_slice(&dataset.to_le_bytes());
    match query {
        Some(q) => {
            bytes[16..24].copy_from_slice(&q.to_le_bytes());
            bytes[24] = b'q';
        }
        None => bytes[24] = b'd',
    }
    TestRunner::new_with_rng(
        Config {
            failure_persistence: None,
            ..Config::default()
        },
        TestRng::from_seed(RngAlgorithm::ChaCha, &bytes),
    )
}

/// The value tree of dataset `dataset` of a chunk.
fn data_tree(
    cfg: &CampaignConfig,
    dataset: u64,
) -> Result<impl ValueTree<Value = DataSpec> + use<>, String> {
    data_spec(cfg.run.max_fleet_docs, cfg.run.max_adversarial_docs)
        .new_tree(&mut seeded_runner(cfg.seed, dataset, None))
        .map_err(|e| format!("dataset {dataset}: {e}"))
}

/// The value tree of query `query` of dataset `dataset` of a chunk.
fn query_tree(
    cfg: &CampaignConfig,
    dataset: u64,
    query: u64,
) -> Result<impl ValueTree<Value = Vec<u32>> + use<>, String> {
    choice_stream(QUERY_CHOICES)
        .new_tree(&mut seeded_runner(cfg.seed, dataset, Some(query)))
        .map_err(|e| format!("query {query} of dataset {dataset}: {e}"))
}

/// Shrinks `tree` as proptest does (simplify while the case fails, complicate when it passes) within
/// `budget` steps; returns the last failing value.
fn shrink<T: ValueTree>(
    tree: &mut T,
    fails: &mut dyn FnMut(&T::Value) -> bool,
    budget: &mut u32,
) -> T::Value {
    let mut best = tree.current();
    if !tree.simplify() {
        return best;
    }
    while *budget > 0 {
        *budget -= 1;
        let v = tree.current();
        if fails(&v) {
            best = v;
            if !tree.simplify() {
                break;
            }
        } else if !tree.complicate() {
            break;
        }
    }
    best
}

/// Shrinks the failing case `(dataset, query)` for `subject` and returns its report.
fn shrunk_report(
    cfg: &CampaignConfig,
    dataset: u64,
    query: u64,
    subject: &Subject<'_>,
    reference: &dyn Evaluator,
    reason: String,
) -> Result<String, String> {
    let subjects = Subjects {
        subject: subject.evaluator,
        reference,
    };
    let case = shrink_case(cfg, dataset, query, &|case| {
        check_built(case, &build(&case.docs), &subjects).is_err()
    })?;
    let origin = format!(
        "campaign chunk seed {:#x}, dataset {dataset}, query {query}, [{}]",
        cfg.seed, subject.label
    );
    Ok(failure_report(
        "differential",
        &origin,
        case,
        reason,
        &cfg.run,
        &subjects,
    ))
}

/// Shrinks the case `(dataset, query)` for which `fails` holds: the query's choices first, then the
/// documents, then the query again on the smaller documents, within the run's shrink budget.
fn shrink_case(
    cfg: &CampaignConfig,
    dataset: u64,
    query: u64,
    fails: &dyn Fn(&Case) -> bool,
) -> Result<Case, String> {
    let fails = |raw: &Vec<u32>, spec: &DataSpec| {
        let (case, _) = materialize("differential", raw, spec, &cfg.run);
        fails(&case)
    };
    let mut qt = query_tree(cfg, dataset, query)?;
    let mut dt = data_tree(cfg, dataset)?;
    let mut budget = cfg.run.max_shrink_iters;
    let spec = dt.current();
    let raw = shrink(&mut qt, &mut |r| fails(r, &spec), &mut budget);
    let spec = shrink(&mut dt, &mut |s| fails(&raw, s), &mut budget);
    let mut qt = query_tree(cfg, dataset, query)?;
    let raw = shrink(&mut qt, &mut |r| fails(r, &spec), &mut budget);
    Ok(materialize("differential", &raw, &spec, &cfg.run).0)
}

/// The message of a caught panic.
fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "(non-string panic payload)".to_string()
    }
}

/// Whether checking `case` on `subjects` panics.
fn panics(case: &Case, subjects: &Subjects<'_>) -> bool {
    catch_unwind(AssertUnwindSafe(|| {
        let _ = check_built(case, &build(&case.docs), subjects);
    }))
    .is_err()
}

/// Shrinks the case `(dataset, query)` whose evaluation panicked (a panic in any evaluator of
/// `subjects` counts as the failure) and returns its report: the shrunk query and documents.
fn panic_report(
    cfg: &CampaignConfig,
    dataset: u64,
    query: u64,
    subjects: &[Subject<'_>],
    reference: &dyn Evaluator,
    message: &str,
) -> Result<String, String> {
    let mut shrunk: Option<Case> = None;
    for subject in subjects {
        let subjects = Subjects {
            subject: subject.evaluator,
            reference,
        };
        let fails = |case: &Case| panics(case, &subjects);
        let (unshrunk, _) = materialize(
            "differential",
            &query_tree(cfg, dataset, query)?.current(),
            &data_tree(cfg, dataset)?.current(),
            &cfg.run,
        );
        if !fails(&unshrunk) {
            continue;
        }
        shrunk = Some(shrink_case(cfg, dataset, query, &fails)?);
        break;
    }
    let origin = format!(
        "campaign chunk seed {:#x}, dataset {dataset}, query {query}",
        cfg.seed
    );
    Ok(match shrunk {
        Some(case) => format!(
            "evaluation panicked ({origin}): {message}\nshrunk case ({} documents):\n{case}\n",
            case.docs.len()
        ),
        None => {
            format!("evaluation panicked ({origin}): {message} (not reproduced on one subject)\n")
        }
    })
}

/// Runs one chunk of the campaign: `cfg.cases` cases, each checked on every evaluator of `subjects`
/// against one run of `reference`.
pub fn run_chunk(
    cfg: &CampaignConfig,
    reference: &dyn Evaluator,
    subjects: &[Subject<'_>],
) -> ChunkOutcome {
    let vocab = vocabulary();
    let evaluators: Vec<&dyn Evaluator> = subjects.iter().map(|s| s.evaluator).collect();
    let per_dataset = cfg.queries_per_dataset.max(1);
    let mut out = ChunkOutcome::default();
    let mut dataset = 0u64;
    while out.stats.cases < cfg.cases {
        let spec = match data_tree(cfg, dataset) {
            Ok(t) => t.current(),
            Err(e) => {
                out.failures.push(format!("could not draw {e}"));
                return out;
            }
        };
        let docs = spec.docs(&vocab);
        let built = build(&docs);
        let s = &mut out.stats;
        s.datasets += 1;
        s.documents += built.len() as u64;
        s.rejected_docs += built.rejected.len() as u64;
        let mut case = Case {
            query: String::new(),
            property: Property::Differential {
                exact_order: cfg.run.exact_order,
            },
            docs,
        };
        let queries = per_dataset.min(cfg.cases - out.stats.cases);
        for query in 0..queries {
            let raw = match query_tree(cfg, dataset, query) {
                Ok(t) => t.current(),
                Err(e) => {
                    out.failures.push(format!("could not draw {e}"));
                    return out;
                }
            };
            let (generated, bugs) = generate("differential", &vocab, &raw);
            case.query = generated.query;
            let s = &mut out.stats;
            s.cases += 1;
            s.strategy_bugs += bugs.len() as u64;
            for b in bugs.iter().take(5usize.saturating_sub(s.examples.len())) {
                s.examples
                    .push(format!("strategy bug: {}\n  {}", b.error, b.query));
            }
            let (first, count) = if cfg.rotate && !evaluators.is_empty() {
                ((s.cases - 1) as usize % evaluators.len(), 1)
            } else {
                (0, evaluators.len())
            };
            let chosen = &evaluators[first..first + count];
            let report = match catch_unwind(AssertUnwindSafe(|| {
                check_differential_many(&case, &built, reference, chosen)
            })) {
                Ok(report) => report,
                Err(payload) => {
                    let message = panic_message(payload.as_ref());
                    let s = &mut out.stats;
                    s.checked += 1;
                    s.disagreements += 1;
                    s.failing_cases += 1;
                    let report = format!(
                        "campaign chunk seed {:#x}, dataset {dataset}, query {query}: evaluation panicked: {message}\n  {}\n{case}",
                        cfg.seed, case.query
                    );
                    let report = if out.failures.len() < cfg.max_reports {
                        panic_report(
                            cfg,
                            dataset,
                            query,
                            &subjects[first..first + count],
                            reference,
                            &message,
                        )
                        .map(|shrunk| format!("{report}\n{shrunk}"))
                        .unwrap_or_else(|e| format!("{report}\ncould not shrink: {e}"))
                    } else {
                        report
                    };
                    out.failures.push(report);
                    continue;
                }
            };
            if let Some(why) = report.skipped {
                s.skipped += 1;
                if s.examples.len() < 5 {
                    s.examples.push(format!("skipped: {why}"));
                }
                continue;
            }
            s.checked += 1;
            s.nonempty += u64::from(report.base_rows > 0);
            let mut failed = false;
            for (subject, result) in subjects[first..].iter().zip(report.results) {
                let s = &mut out.stats;
                s.comparisons += 1;
                match result {
                    Ok(None) => {}
                    Ok(Some(freedom)) => {
                        s.order_only[freedom as usize] += 1;
                        let same_kind = s
                            .order_examples
                            .iter()
                            .filter(|e| e.starts_with(freedom.describe()))
                            .count();
                        if same_kind < 2 {
                            s.order_examples.push(format!(
                                "{} [{}] (chunk seed {:#x}, dataset {dataset}, query {query}): {}",
                                freedom.describe(),
                                subject.label,
                                cfg.seed,
                                case.query
                            ));
                        }
                    }
                    Err(failure) => {
                        s.disagreements += 1;
                        failed = true;
                        let reason = failure.to_string();
                        let full = out.failures.len() < cfg.max_reports;
                        let report = if full {
                            shrunk_report(cfg, dataset, query, subject, reference, reason)
                                .unwrap_or_else(|e| format!("could not shrink: {e}"))
                        } else {
                            format!(
                                "campaign chunk seed {:#x}, dataset {dataset}, query {query}, [{}] (not shrunk): {}\n  {}",
                                cfg.seed,
                                subject.label,
                                case.query,
                                reason.lines().next().unwrap_or("")
                            )
                        };
                        out.failures.push(report);
                    }
                }
            }
            out.stats.failing_cases += u64::from(failed);
        }
        dataset += 1;
    }
    out
}
