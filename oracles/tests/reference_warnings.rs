//! ES's warning cap through the whole front end and the reference evaluator (SEMANTICS.md §2.2; ES's
//! `Warnings` stops after 20 failures of one expression, the HTTP layer dropping repeated lines): a
//! failing expression prints its header once, then one exception line per failure for its first 20
//! failures only; repeated identical lines count towards the 20 but are printed once.

use esql::{DataSource, EvalOptions, Evaluator, MemorySource, ResultTable};
use oracles::ReferenceEvaluator;

fn run(query: &str) -> ResultTable {
    let src = MemorySource::new();
    let ast = esql::parser::parse_query(query).unwrap_or_else(|e| panic!("parse: {e}"));
    let plan = esql::analyze(&ast, &src.catalog()).unwrap_or_else(|e| panic!("analyze: {e}"));
    ReferenceEvaluator::new()
        .run(&plan, &src, &EvalOptions::default())
        .unwrap_or_else(|e| panic!("evaluate: {e}"))
}

/// 25 distinct unparsable strings: the header plus the first 20 exception lines, none for the rest.
#[test]
fn only_the_first_20_failures_are_recorded() {
    let values: Vec<String> = (1..=25).map(|i| format!("\"n{i}\"")).collect();
    let query = format!(
        "ROW x = [{}] | MV_EXPAND x | EVAL y = TO_LONG(x) | STATS c = COUNT(y)",
        values.join(", ")
    );
    let t = run(&query);
    assert_eq!(t.rows, vec![vec![esql::Value::Long(0)]]);
    let lines = &t.warnings;
    assert_eq!(lines.len(), 21, "{lines:#?}");
    assert!(
        lines[0].ends_with(
            "evaluation of [TO_LONG(x)] failed, treating result as null. Only first 20 failures recorded."
        ),
        "{}",
        lines[0]
    );
    assert!(
        lines[1].contains("\"n1\"") && lines[20].contains("\"n20\""),
        "{lines:#?}"
    );
    assert!(!lines.iter().any(|l| l.contains("\"n21\"")), "{lines:#?}");
}

/// Repeated identical failures count towards the cap: 20 multi-value failures of `y + 1`, then an
/// integer overflow of the same expression, which is not recorded.
#[test]
fn repeated_failures_count_towards_the_cap() {
    let t = run(
        "ROW k = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21] \
         | MV_EXPAND k | EVAL y = CASE(k <= 20, [1, 2], 2147483647) | EVAL z = y + 1 \
         | STATS c = COUNT(z)",
    );
    assert_eq!(t.rows, vec![vec![esql::Value::Long(0)]]);
    assert_eq!(
        t.warnings,
        [
            "Line 1:155: evaluation of [y + 1] failed, treating result as null. Only first 20 failures recorded.",
            "Line 1:155: java.lang.IllegalArgumentException: single-value function encountered multi-value",
        ]
    );
    // Without the 20 multi-value failures before it, the overflow is recorded.
    let t = run("ROW y = 2147483647 | EVAL z = y + 1");
    assert_eq!(
        t.warnings[1],
        "Line 1:31: java.lang.ArithmeticException: integer overflow"
    );
}

/// ES's surrogate of PERCENTILE over a constant, `MV_PERCENTILE(TO_DOUBLE(c), p)`, rejects a percentile
/// outside [0, 100] with the warning pair under the PERCENTILE call (ES `MvPercentile`); over a field the
/// out-of-range percentile is null without a warning (`QuantileStates.percentileParam`).
#[test]
fn percentile_of_a_constant_out_of_range_warns() {
    let t = run("ROW x = 1 | STATS p = PERCENTILE([3, 1], 150), q = PERCENTILE(x, -1)");
    assert_eq!(t.rows, vec![vec![esql::Value::Null, esql::Value::Null]]);
    assert_eq!(
        t.warnings,
        [
            "Line 1:23: evaluation of [PERCENTILE([3, 1], 150)] failed, treating result as null. Only first 20 failures recorded.",
            "Line 1:23: java.lang.IllegalArgumentException: Percentile parameter must be a number between 0 and 100, found [150.0]",
        ]
    );
}
