//! The differential property: the evaluator under test returns what the reference returns — same
//! columns and types, same warnings, the same rows as a multiset, the same sort-key sequence and the
//! same rows within every run of tied keys when a terminal SORT fixes the order, and (the optimized
//! engine's own promise, checked with `exact_order`) the same row order. Where ES leaves the order open
//! and only the order differs, the case holds and its report says which freedom was used
//! ([`OrderFreedom`]), so runs count those cases instead of hiding them.
//!
//! [`check_many`] runs the reference once and compares several evaluators under test with it (the
//! campaign checks every engine configuration on every case).

use esql::Evaluator;

use super::super::compare::{Difference, OrderFreedom, Outcome, differences, render};
use super::super::frontend::Prepared;
use super::{Failure, Report, Runner, Subjects, differential_options, skipped};

pub(super) fn check(
    run: &mut Runner<'_>,
    subjects: &Subjects<'_>,
    exact_order: bool,
) -> Result<Report, Failure> {
    let p = match run.prepare(&run.case.query) {
        Ok(p) => p,
        Err(s) => return Ok(skipped(s)),
    };
    let opts = differential_options();
    let data = &run.built.source;
    let expected = subjects.reference.run(&p.plan, data, &opts);
    let actual = subjects.subject.run(&p.plan, data, &opts);
    let order_freedom = compare(run, &p, &expected, &actual, exact_order)?;
    Ok(Report {
        skipped: None,
        base_rows: expected.as_ref().map(|t| t.rows.len()).unwrap_or(0),
        selected_rows: None,
        order_freedom,
    })
}

/// What [`check_many`] found.
#[derive(Debug)]
pub struct ManyReport {
    /// Why the case was not checked (its query failed the front end).
    pub skipped: Option<String>,
    /// Rows the reference returned.
    pub base_rows: usize,
    /// Per evaluator under test: it agreed (with the order freedom it used, if any) or it failed.
    pub results: Vec<Result<Option<OrderFreedom>, Failure>>,
}

/// The differential property of `run`'s case for every evaluator of `subjects` against one run of
/// `reference`.
pub(super) fn check_many(
    run: &mut Runner<'_>,
    reference: &dyn Evaluator,
    subjects: &[&dyn Evaluator],
    exact_order: bool,
) -> ManyReport {
    let p = match run.prepare(&run.case.query) {
        Ok(p) => p,
        Err(s) => {
            return ManyReport {
                skipped: Some(s.0),
                base_rows: 0,
                results: Vec::new(),
            };
        }
    };
    let opts = differential_options();
    let data = &run.built.source;
    let expected = reference.run(&p.plan, data, &opts);
    let results = subjects
        .iter()
        .map(|s| {
            let actual = s.run(&p.plan, data, &opts);
            let mut one = Runner {
                case: run.case,
                built: run.built,
                log: String::new(),
            };
            compare(&mut one, &p, &expected, &actual, exact_order)
        })
        .collect();
    ManyReport {
        skipped: None,
        base_rows: expected.as_ref().map(|t| t.rows.len()).unwrap_or(0),
        results,
    }
}

/// Compares the outcomes: `Ok` with the order freedom used when they agree, a failure naming every
/// difference otherwise.
fn compare(
    run: &mut Runner<'_>,
    p: &Prepared,
    expected: &Outcome,
    actual: &Outcome,
    exact_order: bool,
) -> Result<Option<OrderFreedom>, Failure> {
    let mut diffs = differences(&p.plan, expected, actual);
    let freedom = match diffs.as_slice() {
        [Difference::RowOrderOnly(f)] => Some(*f),
        _ => None,
    };
    if !exact_order {
        diffs.retain(|d| !matches!(d, Difference::RowOrderOnly(_)));
    }
    if diffs.is_empty() {
        return Ok(freedom);
    }
    run.log.push_str(&format!(
        "canonical query: {}\n--- reference\n{}--- evaluator under test\n{}",
        p.text,
        render(expected, 50),
        render(actual, 50)
    ));
    let what: Vec<String> = diffs
        .iter()
        .map(|d| match d {
            Difference::Error => "errors".to_owned(),
            Difference::Columns => "columns or types".to_owned(),
            Difference::Warnings => "warnings".to_owned(),
            Difference::Rows => "rows (as multisets)".to_owned(),
            Difference::SortOrder => "the order the terminal SORT imposes".to_owned(),
            Difference::RowOrderOnly(f) => format!(
                "{} only (ES allows it; the engine promises the reference's order)",
                f.describe()
            ),
        })
        .collect();
    Err(run.fail(format!("the evaluators disagree on {}", what.join(", "))))
}
