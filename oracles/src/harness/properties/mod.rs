//! The properties: each takes a [`Case`] and an evaluator under test and either holds, is skipped
//! (a derived query the front end rejects: a strategy bug, counted), or fails with a readable report.
//!
//! - [`Property::Differential`]: the evaluator under test agrees with the reference (`differential.rs`).
//! - Metamorphic (`relational.rs`, `aggregate.rs`): need no second engine, so they run on the reference
//!   in `oracles` and on the optimized engine from the root tests.
//!
//! [`generate`] draws a case's query and parameters from a choice stream.

mod aggregate;
mod differential;
mod relational;

pub use differential::ManyReport;

use std::fmt;

use esql::{DataSource, EvalOptions, Evaluator};

use super::case::{Case, MergeableAgg, Property};
use super::compare::{OrderFreedom, Outcome, render};
use super::dataset::{Built, build, harness_catalog};
use super::frontend::{FrontEndError, Prepared, prepare};
use super::query::literal::name;
use super::query::{Class, CommandKind, class_of, random_query};
use super::vocabulary::Vocabulary;

/// What `NOW()` returns in harness runs: inside the generated fleets' day (2024-05-06T01:00Z).
pub const NOW_MILLIS: i64 = 1_714_957_200_000;

/// Options of metamorphic runs: no implicit LIMIT, so a filter after the base query sees all its rows.
pub fn metamorphic_options() -> EvalOptions {
    EvalOptions {
        now_millis: NOW_MILLIS,
        implicit_limit: None,
        time_range: None,
    }
}

/// Options of differential runs: ES's implicit LIMIT 1000.
pub fn differential_options() -> EvalOptions {
    EvalOptions {
        now_millis: NOW_MILLIS,
        ..EvalOptions::default()
    }
}

/// The property names [`generate`] knows.
pub const PROPERTIES: [&str; 7] = [
    "differential",
    "partition",
    "and-split",
    "keep-permutation",
    "sort-limit",
    "sharded-stats",
    "mv-expand-count",
];

/// A property that held (or was skipped).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// Why the case was not checked (a derived query failed the front end: a strategy bug).
    pub skipped: Option<String>,
    /// Rows the base query returned (to measure how much the data exercises).
    pub base_rows: usize,
    /// Rows the most selective derived query returned (e.g. `WHERE p`), when there is one.
    pub selected_rows: Option<usize>,
    /// Differential: the outcomes agreed except for the exact row order, where ES leaves it open
    /// (which freedom the evaluator under test used).
    pub order_freedom: Option<OrderFreedom>,
}

/// A property that does not hold.
#[derive(Debug, Clone)]
pub struct Failure {
    /// The property.
    pub property: &'static str,
    /// What does not hold.
    pub message: String,
    /// The queries run and their outcomes.
    pub details: String,
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "property {} fails: {}\n{}",
            self.property, self.message, self.details
        )
    }
}

impl std::error::Error for Failure {}

/// The evaluators of a check: the one under test and the reference.
pub struct Subjects<'e> {
    /// The evaluator under test (the reference itself for metamorphic runs in `oracles`).
    pub subject: &'e dyn Evaluator,
    /// The reference, for [`Property::Differential`].
    pub reference: &'e dyn Evaluator,
}

/// Checks `case` against `subjects`.
pub fn check(case: &Case, subjects: &Subjects<'_>) -> Result<Report, Failure> {
    let built = build(&case.docs);
    check_built(case, &built, subjects)
}

/// [`check`] over documents already indexed.
pub fn check_built(case: &Case, built: &Built, subjects: &Subjects<'_>) -> Result<Report, Failure> {
    let mut run = Runner {
        case,
        built,
        log: String::new(),
    };
    match &case.property {
        Property::Differential { exact_order } => {
            differential::check(&mut run, subjects, *exact_order)
        }
        Property::Partition { predicate } => {
            relational::partition(&mut run, subjects.subject, predicate)
        }
        Property::AndSplit { a, b } => relational::and_split(&mut run, subjects.subject, a, b),
        Property::KeepPermutation { columns } => {
            relational::keep_permutation(&mut run, subjects.subject, columns)
        }
        Property::SortLimit { keys, limit } => {
            relational::sort_limit(&mut run, subjects.subject, keys, *limit)
        }
        Property::ShardedStats {
            aggregates,
            by,
            shards,
        } => aggregate::sharded_stats(&mut run, subjects.subject, aggregates, by, *shards),
        Property::MvExpandCount { column } => {
            aggregate::mv_expand_count(&mut run, subjects.subject, column)
        }
    }
}

/// The differential property of `case` (which must be a [`Property::Differential`] case) for every
/// evaluator of `subjects`, against a single run of `reference` on the same indexed documents.
pub fn check_differential_many(
    case: &Case,
    built: &Built,
    reference: &dyn Evaluator,
    subjects: &[&dyn Evaluator],
) -> ManyReport {
    let exact_order = matches!(case.property, Property::Differential { exact_order: true });
    let mut run = Runner {
        case,
        built,
        log: String::new(),
    };
    differential::check_many(&mut run, reference, subjects, exact_order)
}

/// Runs derived queries of one case and keeps a log of what ran, for failure reports.
pub(crate) struct Runner<'c> {
    pub(crate) case: &'c Case,
    pub(crate) built: &'c Built,
    pub(crate) log: String,
}

/// A derived query failed the front end.
pub(crate) struct Skip(pub(crate) String);

impl Runner<'_> {
    /// Front end of `text`.
    pub(crate) fn prepare(&self, text: &str) -> Result<Prepared, Skip> {
        prepare(text, &harness_catalog()).map_err(|e| match e {
            FrontEndError::Analysis { .. } | FrontEndError::Parse { .. } => Skip(e.to_string()),
            // A round-trip failure is a printer/parser bug, not a strategy bug: report it loudly.
            FrontEndError::RoundTrip { .. } => Skip(format!("PRINTER: {e}")),
        })
    }

    /// Runs a prepared query on `data` and logs it.
    pub(crate) fn run_on(
        &mut self,
        label: &str,
        p: &Prepared,
        ev: &dyn Evaluator,
        data: &dyn DataSource,
        opts: &EvalOptions,
    ) -> Outcome {
        let out = ev.run(&p.plan, data, opts);
        self.log
            .push_str(&format!("{label}: {}\n{}", p.text, render(&out, 30)));
        out
    }

    /// Runs a prepared query on the case's data with metamorphic options.
    pub(crate) fn run(&mut self, label: &str, p: &Prepared, ev: &dyn Evaluator) -> Outcome {
        let built = self.built;
        self.run_on(label, p, ev, &built.source, &metamorphic_options())
    }

    /// A failure with the log.
    pub(crate) fn fail(&self, message: impl Into<String>) -> Failure {
        Failure {
            property: self.case.property.name(),
            message: message.into(),
            details: self.log.clone(),
        }
    }
}

/// The report of a skipped case.
pub(crate) fn skipped(s: Skip) -> Report {
    Report {
        skipped: Some(s.0),
        ..Report::default()
    }
}

/// Draws the query and parameters of a case of `property` from `raw` (documents are added by the
/// caller). Returns the case and the strategy bugs met while building it.
pub fn generate(
    property: &str,
    vocab: &Vocabulary,
    raw: &[u32],
) -> (Case, Vec<super::query::StrategyBug>) {
    let all = &CommandKind::ALL;
    let (mut b, prop) = match property {
        "partition" => {
            let mut b = random_query(vocab, raw, 5, all);
            let predicate = b.bool_expr(3);
            (b, Property::Partition { predicate })
        }
        "and-split" => {
            let mut b = random_query(vocab, raw, 5, all);
            let a = b.bool_expr(2);
            let bb = b.bool_expr(2);
            (b, Property::AndSplit { a, b: bb })
        }
        "keep-permutation" => {
            let mut b = random_query(vocab, raw, 5, all);
            let n = b.columns().len();
            let k = 1 + b.choices().below(n.clamp(1, 12));
            let mut pool: Vec<String> = b.columns().iter().map(|c| c.name.clone()).collect();
            let mut columns = Vec::new();
            for _ in 0..k.min(pool.len()) {
                let i = b.choices().below(pool.len());
                columns.push(pool.remove(i));
            }
            (b, Property::KeepPermutation { columns })
        }
        "sort-limit" => {
            let mut b = random_query(vocab, raw, 5, all);
            let n = 1 + b.choices().count(2);
            let mut keys = Vec::new();
            for _ in 0..n {
                if let Some(k) = b.sortable_column() {
                    let order = b.order();
                    keys.push(format!("{k}{order}"));
                }
            }
            let limit = b.limit_count();
            (
                b,
                Property::SortLimit {
                    keys: keys.join(", "),
                    limit,
                },
            )
        }
        "sharded-stats" => {
            let mut b = random_query(vocab, raw, 4, &CommandKind::ROW_LOCAL);
            let (aggregates, by) = sharded_stats_params(&mut b);
            let shards = 2 + b.choices().below(3);
            (
                b,
                Property::ShardedStats {
                    aggregates,
                    by,
                    shards,
                },
            )
        }
        "mv-expand-count" => {
            let mut b = random_query(vocab, raw, 5, all);
            let any = [Class::Num, Class::Str, Class::Date, Class::Ip, Class::Bool];
            let column = b
                .multi_column_of(&any)
                .map(|c| c.name)
                .unwrap_or_else(|| "@timestamp".to_owned());
            (b, Property::MvExpandCount { column })
        }
        _ => {
            let b = random_query(vocab, raw, 7, all);
            (b, Property::Differential { exact_order: false })
        }
    };
    let bugs = std::mem::take(&mut b.bugs);
    (
        Case {
            query: b.text(),
            property: prop,
            docs: Vec::new(),
        },
        bugs,
    )
}

fn sharded_stats_params(
    b: &mut super::query::QueryBuilder<'_>,
) -> (Vec<(String, MergeableAgg, String)>, Vec<String>) {
    let n = 1 + b.choices().count(3);
    let mut aggregates = Vec::new();
    let cols: Vec<esql::plan::Column> = b.columns().to_vec();
    for i in 0..n {
        let kind = MergeableAgg::ALL[b.choices().below(MergeableAgg::ALL.len())];
        let fits = |c: &esql::plan::Column| match kind {
            MergeableAgg::CountAll => true,
            MergeableAgg::Sum => {
                matches!(c.data_type, esql::DataType::Integer | esql::DataType::Long)
            }
            _ => !matches!(class_of(c.data_type), Class::Other | Class::UnsignedLong),
        };
        let candidates: Vec<&esql::plan::Column> = cols.iter().filter(|c| fits(c)).collect();
        let Some(c) = b.choices().pick(&candidates).copied() else {
            continue;
        };
        aggregates.push((format!("s{i}"), kind, c.name.clone()));
    }
    if aggregates.is_empty() {
        aggregates.push(("s0".to_owned(), MergeableAgg::CountAll, String::new()));
    }
    let keys = b.choices().count(2);
    let mut by = Vec::new();
    for _ in 0..keys {
        let any = [Class::Num, Class::Str, Class::Date, Class::Ip, Class::Bool];
        let key = if b.choices().chance(50) {
            b.multi_column_of(&any)
        } else {
            b.column_of(&any)
        };
        if let Some(c) = key
            && !by.contains(&c.name)
            && !aggregates.iter().any(|(n, _, _)| *n == c.name)
        {
            by.push(c.name);
        }
    }
    (aggregates, by)
}

/// The STATS command of a sharded-STATS case.
pub(crate) fn stats_text(aggregates: &[(String, MergeableAgg, String)], by: &[String]) -> String {
    let aggs: Vec<String> = aggregates
        .iter()
        .map(|(n, k, arg)| match k {
            MergeableAgg::CountAll => format!("{} = count(*)", name(n)),
            _ => format!("{} = {}({})", name(n), k.function(), name(arg)),
        })
        .collect();
    let mut s = format!("STATS {}", aggs.join(", "));
    if !by.is_empty() {
        let keys: Vec<String> = by.iter().map(|k| name(k)).collect();
        s.push_str(" BY ");
        s.push_str(&keys.join(", "));
    }
    s
}
