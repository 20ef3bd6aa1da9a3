//! Running csv-spec tests through any [`Evaluator`] and counting passes, failures and skips.
//!
//! For each test: decide whether it is in scope ([`super::scope`]); read the expected table; turn the
//! query into a [`Plan`] with the given front end (parse + analyze against the datasets' catalog);
//! evaluate; compare ([`super::compare`]). The runner is generic over the evaluator so the optimized
//! engine can be held to the same pass/fail/skip counts as the reference evaluator.

use std::fmt;

use esql::analyzer::Analysis;
use esql::catalog::pattern_list_matches;
use esql::{Catalog, DataSource, EvalError, EvalOptions, Evaluator};

use super::compare::{Mismatch, compare, final_sort_columns};
use super::data::Datasets;
use super::expected::parse_expected;
use super::scope::skip_reason;
use super::spec_file::SpecTest;

/// Where a query failed before evaluation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FrontEndError {
    /// `esql::parse` rejected it (parser engineer).
    Parse(String),
    /// `esql::analyze` rejected it (analyzer engineer).
    Analyze(String),
}

/// Turns query text into a plan against a catalog, with the warnings ES emits at analysis time
/// (`Field 'x' shadowed by field at line L:C`).
pub type FrontEnd<'a> = &'a dyn Fn(&str, &Catalog) -> Result<Analysis, FrontEndError>;

/// Why a test failed, by stage (which tells whose code to look at).
#[derive(Debug, Clone, PartialEq)]
pub enum Failure {
    /// The expected table could not be read (csv-spec reader).
    Expected(String),
    /// Parse error (parser).
    Parse(String),
    /// Analysis error (analyzer).
    Analyze(String),
    /// The evaluator returned an error (evaluator).
    Evaluate(EvalError),
    /// Columns differ (analyzer: names and types come from the plan).
    Columns(Mismatch),
    /// Rows or warnings differ (evaluator).
    Result(Mismatch),
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Expected(m) => write!(f, "[csv-spec reader] cannot read expected table: {m}"),
            Failure::Parse(m) => write!(f, "[parse] {m}"),
            Failure::Analyze(m) => write!(f, "[analyze] {m}"),
            Failure::Evaluate(e) => write!(f, "[evaluate] {e}"),
            Failure::Columns(m) => write!(f, "[analyze: output schema] {m}"),
            Failure::Result(m) => write!(f, "[evaluate: result] {m}"),
        }
    }
}

/// The outcome of one test.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// Matched.
    Passed,
    /// Did not match.
    Failed(Failure),
    /// Out of scope, with the reason.
    Skipped(String),
}

/// One test's result.
#[derive(Debug, Clone, PartialEq)]
pub struct TestResult {
    /// File name.
    pub file: String,
    /// Test name.
    pub name: String,
    /// 1-based line of the name.
    pub line: usize,
    /// The query.
    pub query: String,
    /// What happened.
    pub outcome: Outcome,
}

/// Counts over many tests.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    /// Passed tests.
    pub passed: usize,
    /// Failed tests.
    pub failed: usize,
    /// Skipped tests.
    pub skipped: usize,
}

impl Summary {
    /// Counts the outcomes of `results`.
    pub fn of(results: &[TestResult]) -> Summary {
        let mut s = Summary::default();
        for r in results {
            match r.outcome {
                Outcome::Passed => s.passed += 1,
                Outcome::Failed(_) => s.failed += 1,
                Outcome::Skipped(_) => s.skipped += 1,
            }
        }
        s
    }
}

impl fmt::Display for Summary {
    /// `N passed, N failed, N skipped`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} passed, {} failed, {} skipped",
            self.passed, self.failed, self.skipped
        )
    }
}

/// Runs csv-spec tests against loaded datasets.
pub struct Runner<'a, E: Evaluator + ?Sized> {
    datasets: &'a Datasets,
    catalog: Catalog,
    evaluator: &'a E,
    front_end: FrontEnd<'a>,
    options: EvalOptions,
}

/// `NOW()` during csv-spec runs: 2030-01-01T00:00:00Z, fixed so that runs are reproducible.
pub const SPEC_NOW_MILLIS: i64 = 1_893_456_000_000;

impl<'a, E: Evaluator + ?Sized> Runner<'a, E> {
    /// A runner over `datasets`, planning with `front_end` and evaluating with `evaluator`.
    pub fn new(datasets: &'a Datasets, evaluator: &'a E, front_end: FrontEnd<'a>) -> Self {
        Runner {
            catalog: datasets.source.catalog(),
            datasets,
            evaluator,
            front_end,
            options: EvalOptions {
                now_millis: SPEC_NOW_MILLIS,
                ..EvalOptions::default()
            },
        }
    }

    /// Runs one test.
    pub fn run(&self, test: &SpecTest) -> TestResult {
        let outcome = self.outcome(test);
        TestResult {
            file: test.file.clone(),
            name: test.name.clone(),
            line: test.line,
            query: test.query.clone(),
            outcome,
        }
    }

    /// Runs every test.
    pub fn run_all(&self, tests: &[SpecTest]) -> Vec<TestResult> {
        tests.iter().map(|t| self.run(t)).collect()
    }

    fn outcome(&self, test: &SpecTest) -> Outcome {
        let available = |p: &str| {
            self.catalog
                .indices
                .keys()
                .any(|n| pattern_list_matches(&[p.to_owned()], n))
        };
        let missing = |p: &str| {
            Some(self.datasets.missing.get(p).cloned().unwrap_or_else(|| {
                "its CSV and mapping are not among the shared files in ../shared/esql-spec".into()
            }))
        };
        if let Some(reason) = skip_reason(test, &available, &missing) {
            return Outcome::Skipped(reason);
        }
        let expected = match parse_expected(&test.table) {
            Ok(e) => e,
            Err(e) => {
                if let Some(t) = unsupported_type(&test.table) {
                    return Outcome::Skipped(format!("result type {t} is not supported"));
                }
                return Outcome::Failed(Failure::Expected(e.to_string()));
            }
        };
        let Analysis { plan, warnings } = match (self.front_end)(&test.query, &self.catalog) {
            Ok(a) => a,
            Err(FrontEndError::Parse(m)) => return Outcome::Failed(Failure::Parse(m)),
            Err(FrontEndError::Analyze(m)) => return Outcome::Failed(Failure::Analyze(m)),
        };
        let source: &dyn DataSource = &self.datasets.source;
        let mut actual = match self.evaluator.run(&plan, source, &self.options) {
            Ok(t) => t,
            Err(e) => return Outcome::Failed(Failure::Evaluate(e)),
        };
        // ES adds analysis warnings to the response headers before execution adds its own.
        if !warnings.is_empty() {
            let evaluation = std::mem::take(&mut actual.warnings);
            actual.warnings = warnings;
            actual.warnings.extend(evaluation);
        }
        let ties = final_sort_columns(&plan);
        match compare(test, &expected, &actual, ties.as_deref()) {
            Ok(()) => Outcome::Passed,
            Err(m @ Mismatch::Columns { .. }) => Outcome::Failed(Failure::Columns(m)),
            Err(m) => Outcome::Failed(Failure::Result(m)),
        }
    }
}

/// A header type detsim has no values for (`geo_point`, `cartesian_shape`, …), if the table uses one.
fn unsupported_type(table: &str) -> Option<String> {
    let header = table.split("\r\n").next()?;
    super::expected::split_cells(header)
        .iter()
        .find_map(|cell| {
            let ty = cell.rsplit(':').next()?.trim().to_ascii_lowercase();
            let known = ty.parse::<esql::DataType>().is_ok_and(|t| {
                !matches!(t, esql::DataType::GeoPoint | esql::DataType::Unsupported)
            });
            (!known).then_some(ty)
        })
}

/// Renders a failed test for people: where it is, the query, and the diff.
pub fn describe_failure(r: &TestResult) -> String {
    let Outcome::Failed(f) = &r.outcome else {
        return String::new();
    };
    let query = r.query.replace("\r\n", "\n    ");
    format!(
        "FAILED {}:{} {}\n  query:\n    {query}\n  {f}",
        r.file, r.line, r.name
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::csv_spec::spec_file::parse_spec;
    use esql::plan::{Column, RowSource, Schema, Source};
    use esql::{DataType, Plan, ResultTable, Value};

    /// Plans every query as `ROW a = <integer>` (no expressions needed by the stub evaluator).
    fn front_end(query: &str, _: &Catalog) -> Result<Analysis, FrontEndError> {
        if query.contains("bad syntax") {
            return Err(FrontEndError::Parse("line 1:1: mismatched input".into()));
        }
        if query.contains("unknown") {
            return Err(FrontEndError::Analyze("Unknown column [unknown]".into()));
        }
        let plan = Plan {
            query_text: query.into(),
            source: Source::Row(RowSource {
                exprs: vec![],
                output: Schema::new(vec![Column::new("a", DataType::Integer)]),
            }),
            steps: vec![],
        };
        let warnings = if query.contains("shadow") {
            vec!["Line 1:1: Field 'a' shadowed by field at line 1:9".to_string()]
        } else {
            vec![]
        };
        Ok(Analysis { plan, warnings })
    }

    /// Returns `a:integer` with one row holding the number after `row a = `.
    struct Stub;

    impl Evaluator for Stub {
        fn run(
            &self,
            plan: &Plan,
            _: &dyn DataSource,
            opts: &EvalOptions,
        ) -> Result<ResultTable, EvalError> {
            assert_eq!(opts.now_millis, SPEC_NOW_MILLIS);
            let n: i32 = plan
                .query_text
                .rsplit('=')
                .next()
                .unwrap_or("")
                .trim()
                .parse()
                .map_err(|_| EvalError::Unsupported("stub evaluates only `row a = N`".into()))?;
            Ok(ResultTable {
                columns: vec![Column::new("a", DataType::Integer)],
                rows: vec![vec![Value::Integer(n)]],
                warnings: vec![],
            })
        }
    }

    fn outcomes(spec: &str) -> Vec<Outcome> {
        let ds = Datasets::default();
        let runner = Runner::new(&ds, &Stub, &front_end);
        let tests = parse_spec("t.csv-spec", spec).unwrap();
        runner
            .run_all(&tests)
            .into_iter()
            .map(|r| r.outcome)
            .collect()
    }

    #[test]
    fn passes_failures_by_stage_and_skips_are_counted() {
        let spec = "ok\nrow a = 1;\na:integer\n1\n;\n\
                    wrongValue\nrow a = 2;\na:integer\n3\n;\n\
                    wrongType\nrow a = 1;\na:keyword\n1\n;\n\
                    parseError\nrow bad syntax;\na:integer\n;\n\
                    analyzeError\nrow a = unknown;\na:integer\n;\n\
                    evalError\nrow a = x;\na:integer\n;\n\
                    noData\nfrom apps;\na:integer\n;\n\
                    badTable\nrow a = 1;\na:integer\nx\n;\n";
        let out = outcomes(spec);
        assert_eq!(out[0], Outcome::Passed);
        assert!(
            matches!(&out[1], Outcome::Failed(Failure::Result(_))),
            "{:?}",
            out[1]
        );
        assert!(
            matches!(&out[2], Outcome::Failed(Failure::Columns(_))),
            "{:?}",
            out[2]
        );
        assert!(
            matches!(&out[3], Outcome::Failed(Failure::Parse(_))),
            "{:?}",
            out[3]
        );
        assert!(
            matches!(&out[4], Outcome::Failed(Failure::Analyze(_))),
            "{:?}",
            out[4]
        );
        assert!(
            matches!(&out[5], Outcome::Failed(Failure::Evaluate(_))),
            "{:?}",
            out[5]
        );
        assert!(
            matches!(&out[6], Outcome::Skipped(r) if r.contains("dataset `apps` not available")),
            "{:?}",
            out[6]
        );
        assert!(
            matches!(&out[7], Outcome::Failed(Failure::Expected(_))),
            "{:?}",
            out[7]
        );
        let ds = Datasets::default();
        let results = Runner::new(&ds, &Stub, &front_end).run_all(&parse_spec("t", spec).unwrap());
        assert_eq!(
            Summary::of(&results).to_string(),
            "1 passed, 6 failed, 1 skipped"
        );
        let text = describe_failure(&results[1]);
        assert!(text.starts_with("FAILED t:6 wrongValue"), "{text}");
        assert!(
            text.contains("row 0 - 3") && text.contains("row 0 + 2"),
            "{text}"
        );
    }

    /// spec:stats/shadowingInternal: the analyzer's `shadowed by field` warning is compared with the
    /// evaluation warnings.
    #[test]
    fn analysis_warnings_are_compared() {
        let spec = "shadowed\nrow shadow a = 1;\nwarning:Line 1:1: Field 'a' shadowed by field at line 1:9\na:integer\n1\n;\n\
                    notListed\nrow shadow a = 1;\na:integer\n1\n;\n";
        let out = outcomes(spec);
        assert_eq!(out[0], Outcome::Passed);
        assert!(
            matches!(&out[1], Outcome::Failed(Failure::Result(_))),
            "{:?}",
            out[1]
        );
    }

    #[test]
    fn unsupported_result_types_are_skipped_with_their_name() {
        let out = outcomes("geo\nrow a = 1;\np:geo_shape\nPOINT(1 2)\n;\n");
        assert_eq!(
            out[0],
            Outcome::Skipped("result type geo_shape is not supported".into())
        );
    }
}
