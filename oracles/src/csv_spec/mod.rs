//! The csv-spec conformance runner: Elasticsearch's own ES|QL golden tests (`*.csv-spec`) run through
//! detsim's front end and an [`esql::Evaluator`].
//!
//! [`spec_file`] reads the test files, [`expected`] their result tables, [`data`] the datasets,
//! [`scope`] decides which tests are out of scope (always with a reason), [`compare`] checks results as
//! ES's `CsvAssert` does, and [`runner`] ties them together, generic over the evaluator.
//!
//! # Conformance on `../shared/esql-spec` (728 tests)
//!
//! `cargo run --release -p oracles --bin csv-spec -- ../shared/esql-spec/*.csv-spec` gives
//! **651 passed, 0 failed, 77 skipped** (`--list-skips` prints each skip with its reason). Every skip
//! falls in a [`scope::SkipClass`] with a budget in [`scope::SKIP_BUDGET`], which `tests/csv_spec.rs`
//! enforces:
//!
//! | class | tests | why |
//! |---|---|---|
//! | MissingDataset | 48 | the dataset's CSV and mapping are not among the shared files (only `employees`, `addresses` and `hosts` data are): airports 13, sample_data 8, event_alerts 7, wide 6, apps 5, ul_logs 3, airport_city_boundaries 2, languages, mv_sample*, sample_data_ts_long, event_empty 1 each |
//! | NewerGrammar | 15 | `like_rlike_constant_expression`: a LIKE/RLIKE pattern that is an expression (`like concat("Eber", "*")`, `like p`), which the Elasticsearch 9.5 grammar detsim follows rejects (Elastic's own ANTLR parser rejects them too, scripts/antlr/FINDINGS.md); the analyzer already folds such patterns |
//! | OutOfScopeCapability | 8 | `aggregate_metric_double` 5 (`TO_AGGREGATE_METRIC_DOUBLE`), LOOKUP JOIN 2, ENRICH 1 |
//! | OutOfScopeCommand | 1 | ENRICH |
//! | DisabledByElasticsearch | 4 | three `-Ignore` tests and stats/countDistinctNull (`#[skip:-9.99.99, reason:not yet fixed]`) |
//! | StaleExpectation | 1 | mv_expand/keepStarMvExpand predates fix_precision_of_scaled_float_fields, which keep.csv-spec relies on |
//!
//! No test is skipped for an unsupported function, type or `SET`. COUNT_DISTINCT is ES's HyperLogLog++
//! over its whole range, bias correction included (`esql::algo::hll`). PERCENTILE/MEDIAN/MEDIAN_ABSOLUTE_DEVIATION are exact (ES's `SortingDigest`)
//! below 20,000 values and unsupported above, where ES's t-digest is approximate.

pub mod compare;
pub mod data;
pub mod expected;
pub mod runner;
pub mod scope;
pub mod spec_file;

pub use data::Datasets;
pub use runner::{FrontEnd, FrontEndError, Outcome, Runner, Summary, TestResult, describe_failure};
pub use spec_file::{SpecTest, parse_spec};

use std::path::Path;

/// A file or directory that could not be read.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// A csv-spec file does not follow the format.
    #[error(transparent)]
    Spec(#[from] spec_file::SpecError),
    /// A dataset file is malformed.
    #[error(transparent)]
    Data(#[from] data::DataError),
    /// Reading failed.
    #[error("{path}: {message}")]
    Io {
        /// The path.
        path: String,
        /// The OS error.
        message: String,
    },
}

/// Reads the tests of one csv-spec file.
pub fn read_spec_file(path: &Path) -> Result<Vec<SpecTest>, LoadError> {
    let text = std::fs::read_to_string(path).map_err(|e| LoadError::Io {
        path: path.display().to_string(),
        message: e.to_string(),
    })?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok(parse_spec(&name, &text)?)
}

/// The `*.csv-spec` files of a directory, sorted by name.
pub fn spec_files(dir: &Path) -> Result<Vec<std::path::PathBuf>, LoadError> {
    let io = |e: std::io::Error| LoadError::Io {
        path: dir.display().to_string(),
        message: e.to_string(),
    };
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .map_err(io)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.to_string_lossy().ends_with(".csv-spec"))
        .collect();
    files.sort();
    Ok(files)
}

/// The front end detsim ships: `esql::parser::parse_query` then `esql::analyzer::analyze_full` (the plan
/// and the analysis-time warnings).
pub fn esql_front_end(
    query: &str,
    catalog: &esql::Catalog,
) -> Result<esql::analyzer::Analysis, FrontEndError> {
    let ast = esql::parser::parse_query(query).map_err(|e| FrontEndError::Parse(e.to_string()))?;
    esql::analyzer::analyze_full(&ast, catalog).map_err(|e| FrontEndError::Analyze(e.to_string()))
}
