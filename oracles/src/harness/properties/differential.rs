//! The differential property: the evaluator under test returns what the reference returns — same
//! columns and types, same warnings, the same rows as a multiset, the same sort-key sequence when a
//! terminal SORT fixes the order, and (the optimized engine's own promise) the same row order.

use super::super::compare::{Difference, differences, render};
use super::{Report, Runner, Subjects, differential_options, skipped};

pub(super) fn check(
    run: &mut Runner<'_>,
    subjects: &Subjects<'_>,
    exact_order: bool,
) -> Result<Report, super::Failure> {
    let p = match run.prepare(&run.case.query) {
        Ok(p) => p,
        Err(s) => return Ok(skipped(s)),
    };
    let opts = differential_options();
    let data = &run.built.source;
    let expected = subjects.reference.run(&p.plan, data, &opts);
    let actual = subjects.subject.run(&p.plan, data, &opts);
    let mut diffs = differences(&p.plan, &expected, &actual);
    let order_only = diffs == [Difference::RowOrderOnly];
    if !exact_order {
        diffs.retain(|d| *d != Difference::RowOrderOnly);
    }
    if diffs.is_empty() {
        return Ok(Report {
            skipped: None,
            base_rows: expected.as_ref().map(|t| t.rows.len()).unwrap_or(0),
            selected_rows: None,
            order_only,
        });
    }
    run.log.push_str(&format!(
        "canonical query: {}\n--- reference\n{}--- evaluator under test\n{}",
        p.text,
        render(&expected, 50),
        render(&actual, 50)
    ));
    let what: Vec<&str> = diffs
        .iter()
        .map(|d| match d {
            Difference::Error => "errors",
            Difference::Columns => "columns or types",
            Difference::Warnings => "warnings",
            Difference::Rows => "rows (as multisets)",
            Difference::SortOrder => "the order the terminal SORT imposes",
            Difference::RowOrderOnly => {
                "row order only (the engine promises the reference's order)"
            }
        })
        .collect();
    Err(run.fail(format!("the evaluators disagree on {}", what.join(", "))))
}
