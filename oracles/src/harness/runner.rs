//! Running a property over many generated cases with proptest's [`TestRunner`]: seeded generation,
//! shrinking to a minimal query and document set, a failure report that prints the seed, the case
//! (query, parameters, NDJSON documents) and every outcome, and saving the shrunk case as a
//! regression file.
//!
//! The caller (a test) decides the case count, the seed and whether to save; the library reads no
//! environment.

use std::cell::RefCell;
use std::path::PathBuf;

use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestError, TestRng, TestRunner};

use super::case::Case;
use super::case::Property;
use super::choices::choice_stream;
use super::data::{DataSpec, data_spec};
use super::dataset::build;
use super::minimize::minimize_docs;
use super::properties::{Subjects, check_built, generate};
use super::regression::Regression;
use super::vocabulary::vocabulary;

/// How to run a property.
#[derive(Debug, Clone)]
pub struct RunConfig {
    /// Generated cases.
    pub cases: u32,
    /// Seed of the generator (the same seed generates the same cases).
    pub seed: u64,
    /// Shrinking steps at most.
    pub max_shrink_iters: u32,
    /// Most fleet documents per case.
    pub max_fleet_docs: usize,
    /// Most adversarial documents per case.
    pub max_adversarial_docs: usize,
    /// Save the shrunk failing case here (a regression folder).
    pub save_dir: Option<PathBuf>,
    /// Differential: also require the reference's exact row order (the optimized engine's promise).
    pub exact_order: bool,
    /// Candidates tried when minimizing the documents of a shrunk failure.
    pub minimize_budget: usize,
}

impl Default for RunConfig {
    fn default() -> RunConfig {
        RunConfig {
            cases: 64,
            seed: 0x5eed,
            max_shrink_iters: 2000,
            max_fleet_docs: 40,
            max_adversarial_docs: 6,
            save_dir: None,
            exact_order: false,
            minimize_budget: 3000,
        }
    }
}

/// What a run saw.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RunStats {
    /// Cases checked (not skipped).
    pub checked: u64,
    /// Cases skipped because a derived query failed the front end.
    pub skipped: u64,
    /// Commands the query builder generated that the analyzer rejected.
    pub strategy_bugs: u64,
    /// Commands the query builder generated in all.
    pub queries: u64,
    /// Checked cases whose base query returned rows.
    pub nonempty: u64,
    /// Checked cases whose derived filter selected some but not all rows.
    pub selective: u64,
    /// Documents rejected by the mapping (adversarial ones), counted, not dropped.
    pub rejected_docs: u64,
    /// Differential cases whose outcomes differed only in row order, where ES leaves it open: within
    /// tied sort keys, under a SORT whose keys do not reach the output, in an unordered result.
    pub order_only: [u64; 3],
    /// Up to 5 examples of strategy bugs and skips.
    pub examples: Vec<String>,
}

impl std::fmt::Display for RunStats {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} checked, {} skipped, {} strategy bugs in {} queries, {} with rows, {} selective, {} documents rejected by the mapping, differing only in row order where ES leaves it open: {} within tied sort keys, {} under hidden sort keys, {} unordered",
            self.checked,
            self.skipped,
            self.strategy_bugs,
            self.queries,
            self.nonempty,
            self.selective,
            self.rejected_docs,
            self.order_only[0],
            self.order_only[1],
            self.order_only[2]
        )
    }
}

/// The inputs of one case: the query's choice stream and the dataset recipe.
pub fn case_inputs(cfg: &RunConfig) -> impl Strategy<Value = (Vec<u32>, DataSpec)> + use<> {
    (
        choice_stream(160),
        data_spec(cfg.max_fleet_docs, cfg.max_adversarial_docs),
    )
}

/// The case of `property` those inputs describe, and the strategy bugs met building its query.
pub fn materialize(
    property: &str,
    raw: &[u32],
    spec: &DataSpec,
    cfg: &RunConfig,
) -> (Case, Vec<super::query::StrategyBug>) {
    let vocab = vocabulary();
    let (mut case, bugs) = generate(property, &vocab, raw);
    if let Property::Differential { exact_order } = &mut case.property {
        *exact_order = cfg.exact_order;
    }
    case.docs = spec.docs(&vocab);
    (case, bugs)
}

/// Runs `property` over `cfg.cases` generated cases. On failure returns the report: seed, shrunk case,
/// outcomes, and where the regression file was saved.
pub fn run_property(
    property: &str,
    cfg: &RunConfig,
    subjects: &Subjects<'_>,
) -> Result<RunStats, String> {
    let stats = RefCell::new(RunStats::default());
    let mut seed = [0u8; 32];
    seed[..8].copy_from_slice(&cfg.seed.to_le_bytes());
    seed[8..8 + property.len().min(24)]
        .copy_from_slice(&property.as_bytes()[..property.len().min(24)]);
    let mut runner = TestRunner::new_with_rng(
        Config {
            cases: cfg.cases,
            max_shrink_iters: cfg.max_shrink_iters,
            failure_persistence: None,
            ..Config::default()
        },
        TestRng::from_seed(RngAlgorithm::ChaCha, &seed),
    );
    let shrinking = RefCell::new(false);
    let result = runner.run(&case_inputs(cfg), |(raw, spec)| {
        let (case, bugs) = materialize(property, &raw, &spec, cfg);
        let built = build(&case.docs);
        let outcome = check_built(&case, &built, subjects);
        if !*shrinking.borrow() {
            let mut s = stats.borrow_mut();
            s.queries += 1;
            s.strategy_bugs += bugs.len() as u64;
            s.rejected_docs += built.rejected.len() as u64;
            for b in bugs.iter().take(5usize.saturating_sub(s.examples.len())) {
                s.examples
                    .push(format!("strategy bug: {}\n  {}", b.error, b.query));
            }
            match &outcome {
                Ok(r) if r.skipped.is_some() => {
                    s.skipped += 1;
                    if s.examples.len() < 5 {
                        s.examples.push(format!(
                            "skipped: {}",
                            r.skipped.clone().unwrap_or_default()
                        ));
                    }
                }
                Ok(r) => {
                    s.checked += 1;
                    s.nonempty += u64::from(r.base_rows > 0);
                    if let Some(f) = r.order_freedom {
                        s.order_only[f as usize] += 1;
                    }
                    s.selective +=
                        u64::from(r.selected_rows.is_some_and(|n| n > 0 && n < r.base_rows));
                }
                Err(_) => {}
            }
        }
        match outcome {
            Ok(_) => Ok(()),
            Err(f) => {
                *shrinking.borrow_mut() = true;
                Err(TestCaseError::fail(f.to_string()))
            }
        }
    });
    match result {
        Ok(()) => Ok(stats.into_inner()),
        Err(TestError::Fail(reason, (raw, spec))) => {
            let (case, _) = materialize(property, &raw, &spec, cfg);
            let origin = format!(
                "seed {:#x}; rerun with HARNESS_SEED={} and the same PROPTEST_CASES",
                cfg.seed, cfg.seed
            );
            Err(failure_report(
                property,
                &origin,
                case,
                reason.to_string(),
                cfg,
                subjects,
            ))
        }
        Err(TestError::Abort(reason)) => Err(format!("property `{property}` aborted: {reason}")),
    }
}

/// The report of a shrunk failing `case`: its documents are minimized first (within
/// `cfg.minimize_budget`), then the report prints where it came from (`origin`), the case, why it
/// fails and its regression file, which is saved under `cfg.save_dir` when set.
pub fn failure_report(
    property: &str,
    origin: &str,
    mut case: Case,
    reason: String,
    cfg: &RunConfig,
    subjects: &Subjects<'_>,
) -> String {
    let fails = |c: &Case| check_built(c, &build(&c.docs), subjects).is_err();
    let before = case.docs.len();
    minimize_docs(&mut case, &fails, cfg.minimize_budget);
    let reason = match check_built(&case, &build(&case.docs), subjects) {
        Err(f) => f.to_string(),
        Ok(_) => reason,
    };
    let mut report = format!(
        "property `{property}` failed ({origin})\n\
         shrunk case ({before} documents after shrinking, minimized to {}):\n{case}\n{reason}\n",
        case.docs.len()
    );
    let reg = Regression::from_case(
        &case,
        &format!("{property}: found by the harness"),
        "open",
        "",
    );
    match &cfg.save_dir {
        Some(dir) => match reg.save(dir) {
            Ok(p) => report.push_str(&format!("saved as {}\n", p.display())),
            Err(e) => report.push_str(&format!("could not save the regression: {e}\n")),
        },
        None => report.push_str(&format!(
            "regression file (save it under oracles/regressions/, or set HARNESS_SAVE=1):\n{}\n",
            reg.to_toml()
        )),
    }
    report
}

impl RunConfig {
    /// A configuration from the values of the test environment: `PROPTEST_CASES` (cases; default
    /// `default_cases`), `HARNESS_SEED` (a number, or `random`; default 0x5eed) and `HARNESS_SAVE`
    /// (`1` saves shrunk failures into `regressions`), `HARNESS_EXACT_ORDER` (`1` also requires the
    /// reference's exact row order in differential runs). The caller reads the variables.
    pub fn from_env_values(
        cases: Option<&str>,
        seed: Option<&str>,
        save: Option<&str>,
        exact_order: Option<&str>,
        default_cases: u32,
        regressions: PathBuf,
    ) -> RunConfig {
        let cases = cases
            .and_then(|c| c.trim().parse().ok())
            .unwrap_or(default_cases);
        let seed = match seed.map(str::trim) {
            Some("random") => std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos() as u64)
                .unwrap_or(1),
            Some(s) => s
                .strip_prefix("0x")
                .map(|h| u64::from_str_radix(h, 16).ok())
                .unwrap_or_else(|| s.parse().ok())
                .unwrap_or(0x5eed),
            None => 0x5eed,
        };
        RunConfig {
            cases,
            seed,
            save_dir: (save == Some("1")).then_some(regressions),
            exact_order: exact_order == Some("1"),
            ..RunConfig::default()
        }
    }
}
