//! Comparing an evaluator's [`ResultTable`] with a test's expectations, as ES's `CsvAssert` does.
//!
//! Columns: same count, same names, same types (an actual `integer` matches an expected `long`).
//! Rows: with `ignoreOrder`, both sides are stably sorted by a row comparator (a multi-value stands for
//! its first element, nulls last); cells compare like Java's `Objects.equals` (doubles bit for bit, so
//! `-0.0 != 0.0` and `NaN == NaN`; multi-values as ordered lists). Warnings: without regexes the sorted
//! lists must be equal; with `warningRegex:` every actual warning must match one of `.*re.*`. ES's
//! "No limit defined, adding default limit" warning is ignored, as CsvTests ignores it.

use std::cmp::Ordering;
use std::fmt::Write as _;

use esql::{DataType, ResultTable, Value};

use super::expected::ExpectedTable;
use super::spec_file::SpecTest;

/// How an actual result differs from the expected one; `Display` renders a readable diff.
#[derive(Debug, Clone, PartialEq)]
pub enum Mismatch {
    /// Column names or types differ.
    Columns {
        /// `name:type` cells expected.
        expected: Vec<String>,
        /// `name:type` cells returned.
        actual: Vec<String>,
    },
    /// Row values differ.
    Rows {
        /// The diff, one line per row.
        diff: String,
    },
    /// Warnings differ.
    Warnings {
        /// Expected lines (or regexes).
        expected: Vec<String>,
        /// Actual lines.
        actual: Vec<String>,
        /// What does not match.
        detail: String,
    },
}

impl std::fmt::Display for Mismatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Mismatch::Columns { expected, actual } => {
                writeln!(f, "columns differ")?;
                writeln!(f, "  expected: {}", expected.join(" | "))?;
                write!(f, "  actual:   {}", actual.join(" | "))
            }
            Mismatch::Rows { diff } => write!(f, "rows differ (- expected, + actual)\n{diff}"),
            Mismatch::Warnings {
                expected,
                actual,
                detail,
            } => {
                writeln!(f, "warnings differ: {detail}")?;
                for e in expected {
                    writeln!(f, "  - {e}")?;
                }
                for (i, a) in actual.iter().enumerate() {
                    if i > 0 {
                        writeln!(f)?;
                    }
                    write!(f, "  + {a}")?;
                }
                Ok(())
            }
        }
    }
}

/// The warning ES adds for queries without LIMIT; csv-spec tests do not list it.
const DEFAULT_LIMIT_WARNING: &str = "No limit defined, adding default limit of [";

/// Checks `actual` against the test's expected table and warnings.
///
/// `ties` names the output columns of the query's final SORT (see [`final_sort_columns`]): ES gives
/// rows that tie on every sort key no guaranteed order (docs commands/sort.md), so runs of tied rows
/// compare as multisets.
pub fn compare(
    test: &SpecTest,
    expected: &ExpectedTable,
    actual: &ResultTable,
    ties: Option<&[usize]>,
) -> Result<(), Mismatch> {
    compare_columns(expected, actual)?;
    compare_rows(expected, actual, test.ignore_order, ties)?;
    compare_warnings(test, &actual.warnings)
}

fn type_name(t: DataType) -> &'static str {
    if t == DataType::Date {
        "datetime"
    } else {
        t.es_name()
    }
}

fn compare_columns(expected: &ExpectedTable, actual: &ResultTable) -> Result<(), Mismatch> {
    let same = expected.columns.len() == actual.columns.len()
        && expected.columns.iter().zip(&actual.columns).all(|(e, a)| {
            e.name == a.name
                && (e.data_type == a.data_type
                    || (e.data_type == DataType::Long && a.data_type == DataType::Integer))
        });
    if same {
        return Ok(());
    }
    Err(Mismatch::Columns {
        expected: expected
            .columns
            .iter()
            .map(|c| format!("{}:{}", c.name, type_name(c.data_type)))
            .collect(),
        actual: actual
            .columns
            .iter()
            .map(|c| format!("{}:{}", c.name, type_name(c.data_type)))
            .collect(),
    })
}

/// `Objects.equals` on the Java values the two cells become.
pub fn cells_equal(expected: &Value, actual: &Value) -> bool {
    match (expected, actual) {
        (Value::Double(a), Value::Double(b)) => {
            (a.is_nan() && b.is_nan()) || a.to_bits() == b.to_bits()
        }
        (Value::Long(a), Value::Integer(b)) => *a == *b as i64,
        (Value::Multi(a), Value::Multi(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| cells_equal(x, y))
        }
        (a, b) => a == b,
    }
}

fn first(v: &Value) -> &Value {
    match v {
        Value::Multi(vs) => vs.first().unwrap_or(&Value::Null),
        other => other,
    }
}

/// CsvAssert's row comparator: column by column, multi-values by their first element, nulls last.
pub fn row_order(x: &[Value], y: &[Value]) -> Ordering {
    for (a, b) in x.iter().zip(y) {
        let (a, b) = (first(a), first(b));
        let o = match (a.is_null(), b.is_null()) {
            (true, true) => Ordering::Equal,
            (true, false) => Ordering::Greater,
            (false, true) => Ordering::Less,
            (false, false) => a
                .compare(b)
                .unwrap_or_else(|| a.to_string().cmp(&b.to_string())),
        };
        if o.is_ne() {
            return o;
        }
    }
    Ordering::Equal
}

fn render_row(row: &[Value]) -> String {
    row.iter()
        .map(|v| match v {
            Value::Keyword(s) if s.is_empty() => "\"\"".to_string(),
            other => other.to_string(),
        })
        .collect::<Vec<_>>()
        .join(" | ")
}

/// The most differing rows a diff shows.
const MAX_DIFF_ROWS: usize = 20;

fn compare_rows(
    expected: &ExpectedTable,
    actual: &ResultTable,
    ignore_order: bool,
    ties: Option<&[usize]>,
) -> Result<(), Mismatch> {
    let mut exp = expected.rows.clone();
    let mut act = actual.rows.clone();
    if ignore_order {
        exp.sort_by(|a, b| row_order(a, b));
        act.sort_by(|a, b| row_order(a, b));
    } else if let Some(columns) = ties {
        sort_tied_runs(&mut exp, columns);
        sort_tied_runs(&mut act, columns);
    }
    let row_eq = |e: &Vec<Value>, a: &Vec<Value>| {
        e.len() == a.len() && e.iter().zip(a).all(|(x, y)| cells_equal(x, y))
    };
    if exp.len() == act.len() && exp.iter().zip(&act).all(|(e, a)| row_eq(e, a)) {
        return Ok(());
    }
    let mut diff = String::new();
    let _ = writeln!(diff, "  expected {} rows, got {}", exp.len(), act.len());
    let mut shown = 0;
    for i in 0..exp.len().max(act.len()) {
        let (e, a) = (exp.get(i), act.get(i));
        if let (Some(e), Some(a)) = (e, a)
            && row_eq(e, a)
        {
            continue;
        }
        if shown == MAX_DIFF_ROWS {
            let _ = writeln!(diff, "  … more differing rows");
            break;
        }
        shown += 1;
        if let Some(e) = e {
            let _ = writeln!(diff, "  row {i} - {}", render_row(e));
        }
        if let Some(a) = a {
            let _ = writeln!(diff, "  row {i} + {}", render_row(a));
        }
    }
    Err(Mismatch::Rows {
        diff: diff.trim_end().to_owned(),
    })
}

/// Sorts each run of consecutive rows that are equal on `columns` by [`row_order`], so two results
/// that differ only in the order of tied rows become equal.
fn sort_tied_runs(rows: &mut [Vec<Value>], columns: &[usize]) {
    let tied = |a: &[Value], b: &[Value]| {
        columns.iter().all(|&c| match (a.get(c), b.get(c)) {
            (Some(x), Some(y)) => cells_equal(x, y),
            _ => false,
        })
    };
    let mut start = 0;
    while start < rows.len() {
        let mut end = start + 1;
        while end < rows.len() && tied(&rows[start], &rows[end]) {
            end += 1;
        }
        rows[start..end].sort_by(|a, b| row_order(a, b));
        start = end;
    }
}

/// The output columns that hold the keys of the plan's final SORT, when the order of the result is
/// decided by that SORT (only LIMIT, WHERE, KEEP/DROP/RENAME and EVAL follow it) and every key is a
/// column that reaches the output. `None` when the order cannot be traced that way.
pub fn final_sort_columns(plan: &esql::Plan) -> Option<Vec<usize>> {
    use esql::plan::{ExprKind, StepKind};
    // `origin[p]`: the column of the current step's output that final output column `p` comes from.
    let mut origin: Vec<Option<usize>> = (0..plan.output().len()).map(Some).collect();
    for (n, step) in plan.steps.iter().enumerate().rev() {
        let input_len = match n {
            0 => plan.source.output().len(),
            _ => plan.steps[n - 1].output.len(),
        };
        match &step.kind {
            StepKind::Limit { .. } | StepKind::Where { .. } => {}
            StepKind::Project { columns } => {
                origin = origin
                    .iter()
                    .map(|o| o.and_then(|i| columns.get(i).copied()))
                    .collect();
            }
            StepKind::Eval { projection, .. } => {
                // Columns computed by the EVAL (extended-row index ≥ input length) have no origin.
                origin = origin
                    .iter()
                    .map(|o| {
                        o.and_then(|i| projection.get(i).copied())
                            .filter(|&i| i < input_len)
                    })
                    .collect();
            }
            StepKind::Sort { keys } => {
                return keys
                    .iter()
                    .map(|k| match k.expr.kind {
                        ExprKind::Column(c) => origin.iter().position(|o| *o == Some(c)),
                        _ => None,
                    })
                    .collect();
            }
            _ => return None,
        }
    }
    None
}

/// The forms an actual warning may take in a stored csv-spec file: as ES sends it; escaped as in the
/// HTTP `Warning` header (`"` → `\"`, `\` → `\\`), which older ES test runners compared against; and
/// both without the `Line L:C: ` prefix, which older ES versions did not put on exception lines
/// (row.csv-spec/convertMvToSv, where-like.csv-spec/multiValueLike are stored in that older form).
fn warning_forms(w: &str) -> Vec<String> {
    let escape = |s: &str| s.replace('\\', "\\\\").replace('"', "\\\"");
    let mut forms = vec![w.to_owned(), escape(w)];
    if let Some(rest) = strip_position(w) {
        forms.push(rest.to_owned());
        forms.push(escape(rest));
    }
    forms
}

/// `w` without a leading `Line L:C: `.
fn strip_position(w: &str) -> Option<&str> {
    let rest = w.strip_prefix("Line ")?;
    let (pos, rest) = rest.split_once(": ")?;
    let (l, c) = pos.split_once(':')?;
    (l.bytes().all(|b| b.is_ascii_digit()) && c.bytes().all(|b| b.is_ascii_digit())).then_some(rest)
}

fn compare_warnings(test: &SpecTest, actual: &[String]) -> Result<(), Mismatch> {
    let mut got: Vec<String> = actual
        .iter()
        .filter(|w| !w.starts_with(DEFAULT_LIMIT_WARNING))
        .cloned()
        .collect();
    got.sort();
    if test.warning_regexes.is_empty() {
        let mut want = test.warnings.clone();
        want.sort();
        // Sorted-list equality, each actual line used once, in any of its stored forms.
        let mut used = vec![false; got.len()];
        let all_found = want.len() == got.len()
            && want.iter().all(|e| {
                let hit = (0..got.len())
                    .find(|&i| !used[i] && warning_forms(&got[i]).iter().any(|f| f == e));
                hit.map(|i| used[i] = true).is_some()
            });
        if all_found {
            return Ok(());
        }
        return Err(Mismatch::Warnings {
            expected: want,
            actual: got,
            detail: "exact lines (sorted)".into(),
        });
    }
    let mut regexes = Vec::new();
    for r in &test.warning_regexes {
        let re = regex::Regex::new(&format!("^(?:.*{r}.*)$")).map_err(|e| Mismatch::Warnings {
            expected: test.warning_regexes.clone(),
            actual: got.clone(),
            detail: format!("regex [{r}] does not compile: {e}"),
        })?;
        regexes.push(re);
    }
    for w in &got {
        let forms = warning_forms(w);
        if !regexes
            .iter()
            .any(|re| forms.iter().any(|f| re.is_match(f)))
        {
            return Err(Mismatch::Warnings {
                expected: test.warning_regexes.clone(),
                actual: got.clone(),
                detail: format!("unexpected warning [{w}]"),
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::csv_spec::expected::parse_expected;
    use crate::csv_spec::spec_file::parse_spec;
    use esql::Column;

    fn test_case(result: &str) -> SpecTest {
        parse_spec("t.csv-spec", &format!("t\nrow a = 1;\n{result}\n;\n"))
            .unwrap()
            .remove(0)
    }

    fn table(cols: &[(&str, DataType)], rows: Vec<Vec<Value>>, warnings: &[&str]) -> ResultTable {
        ResultTable {
            columns: cols.iter().map(|(n, t)| Column::new(*n, *t)).collect(),
            rows,
            warnings: warnings.iter().map(|w| w.to_string()).collect(),
        }
    }

    #[test]
    fn equal_tables_pass_and_integer_matches_expected_long() {
        let t = test_case("a:long | b:keyword\n1 | [x, y]");
        let e = parse_expected(&t.table).unwrap();
        let act = table(
            &[("a", DataType::Integer), ("b", DataType::Keyword)],
            vec![vec![
                Value::Integer(1),
                Value::Multi(vec![Value::keyword("x"), Value::keyword("y")]),
            ]],
            &[],
        );
        assert_eq!(compare(&t, &e, &act, None), Ok(()));
    }

    #[test]
    fn column_names_types_and_counts_must_match() {
        let t = test_case("a:integer");
        let e = parse_expected(&t.table).unwrap();
        let m = compare(&t, &e, &table(&[("a", DataType::Long)], vec![], &[]), None).unwrap_err();
        assert!(m.to_string().contains("expected: a:integer"), "{m}");
        assert!(
            compare(
                &t,
                &e,
                &table(&[("b", DataType::Integer)], vec![], &[]),
                None
            )
            .is_err()
        );
        assert!(
            compare(
                &t,
                &e,
                &table(
                    &[("a", DataType::Integer), ("b", DataType::Integer)],
                    vec![],
                    &[]
                ),
                None
            )
            .is_err()
        );
    }

    #[test]
    fn doubles_compare_exactly_and_multi_values_in_order() {
        assert!(cells_equal(
            &Value::Double(318171948.1),
            &Value::Double(3.181719481E8)
        ));
        assert!(!cells_equal(&Value::Double(0.0), &Value::Double(-0.0)));
        assert!(cells_equal(
            &Value::Double(f64::NAN),
            &Value::Double(f64::NAN)
        ));
        assert!(!cells_equal(&Value::Double(0.1 + 0.2), &Value::Double(0.3)));
        let ab = Value::Multi(vec![Value::keyword("a"), Value::keyword("b")]);
        let ba = Value::Multi(vec![Value::keyword("b"), Value::keyword("a")]);
        assert!(!cells_equal(&ab, &ba));
        assert!(!cells_equal(&Value::Integer(1), &Value::Long(1)));
    }

    #[test]
    fn ignore_order_sorts_both_sides_and_row_diffs_are_readable() {
        let t = test_case("ignoreOrder:true\na:integer | b:keyword\n2 | x\n1 | null");
        let e = parse_expected(&t.table).unwrap();
        let cols = [("a", DataType::Integer), ("b", DataType::Keyword)];
        let ok = table(
            &cols,
            vec![
                vec![Value::Integer(1), Value::Null],
                vec![Value::Integer(2), Value::keyword("x")],
            ],
            &[],
        );
        assert_eq!(compare(&t, &e, &ok, None), Ok(()));
        let bad = table(&cols, vec![vec![Value::Integer(1), Value::Null]], &[]);
        let m = compare(&t, &e, &bad, None).unwrap_err().to_string();
        assert!(m.contains("expected 2 rows, got 1"), "{m}");
        assert!(m.contains("row 1 - 2 | x"), "{m}");
        let t = test_case("a:integer\n2\n1");
        let e = parse_expected(&t.table).unwrap();
        let swapped = table(
            &[("a", DataType::Integer)],
            vec![vec![Value::Integer(1)], vec![Value::Integer(2)]],
            &[],
        );
        let m = compare(&t, &e, &swapped, None).unwrap_err().to_string();
        assert!(m.contains("row 0 - 2") && m.contains("row 0 + 1"), "{m}");
    }

    #[test]
    fn rows_tied_on_the_final_sort_keys_compare_in_any_order() {
        let t = test_case("k:keyword|n:integer\na|1\nnull|5\nnull|3");
        let e = parse_expected(&t.table).unwrap();
        let cols = [("k", DataType::Keyword), ("n", DataType::Integer)];
        let row = |k: Value, n| vec![k, Value::Integer(n)];
        let tied_swapped = table(
            &cols,
            vec![
                row(Value::keyword("a"), 1),
                row(Value::Null, 3),
                row(Value::Null, 5),
            ],
            &[],
        );
        assert_eq!(compare(&t, &e, &tied_swapped, Some(&[0])), Ok(()));
        // Without tie information, or when the swapped rows do not tie on the key, order matters.
        assert!(compare(&t, &e, &tied_swapped, None).is_err());
        assert!(compare(&t, &e, &tied_swapped, Some(&[1])).is_err());
    }

    #[test]
    fn row_order_puts_nulls_last_and_uses_first_multi_value() {
        let mv = Value::Multi(vec![Value::Integer(1), Value::Integer(9)]);
        assert_eq!(row_order(&[mv], &[Value::Integer(2)]), Ordering::Less);
        assert_eq!(
            row_order(&[Value::Null], &[Value::Integer(2)]),
            Ordering::Greater
        );
    }

    #[test]
    fn warnings_compare_as_sorted_lists_or_regexes() {
        let t = test_case("warning:B\nwarning:A\na:integer");
        let e = parse_expected(&t.table).unwrap();
        let cols = [("a", DataType::Integer)];
        assert_eq!(
            compare(&t, &e, &table(&cols, vec![], &["A", "B"]), None),
            Ok(())
        );
        assert!(compare(&t, &e, &table(&cols, vec![], &["A"]), None).is_err());
        assert!(compare(&t, &e, &table(&cols, vec![], &["A", "B", "B"]), None).is_err());
        let t = test_case("warningRegex:evaluation of \\[.*\\] failed\na:integer");
        let e = parse_expected(&t.table).unwrap();
        assert_eq!(
            compare(
                &t,
                &e,
                &table(
                    &cols,
                    vec![],
                    &["Line 1:2: evaluation of [x] failed, treating"]
                ),
                None
            ),
            Ok(())
        );
        assert!(compare(&t, &e, &table(&cols, vec![], &["other"]), None).is_err());
        let t = test_case("a:integer");
        let e = parse_expected(&t.table).unwrap();
        assert_eq!(
            compare(
                &t,
                &e,
                &table(
                    &cols,
                    vec![],
                    &["No limit defined, adding default limit of [1000]"]
                ),
                None
            ),
            Ok(())
        );
        assert!(compare(&t, &e, &table(&cols, vec![], &["surprise"]), None).is_err());
    }

    #[test]
    fn warnings_stored_in_older_es_forms_still_match_exactly() {
        // row.csv-spec/convertMvToSv: exception lines without position, quotes escaped as in the header.
        let t = test_case(
            "warning:Line 1:42: evaluation of [f(s)] failed\nwarning:java.lang.NumberFormatException: For input string: \\\"two\\\"\na:integer",
        );
        let e = parse_expected(&t.table).unwrap();
        let cols = [("a", DataType::Integer)];
        let now = [
            "Line 1:42: evaluation of [f(s)] failed",
            "Line 1:42: java.lang.NumberFormatException: For input string: \"two\"",
        ];
        assert_eq!(compare(&t, &e, &table(&cols, vec![], &now), None), Ok(()));
        let wrong_header = ["Line 9:42: evaluation of [f(s)] failed", now[1]];
        assert!(compare(&t, &e, &table(&cols, vec![], &wrong_header), None).is_err());
        // where-like.csv-spec/multiValueLike: a regex written against the escaped header value.
        let t = test_case(
            "warningRegex:evaluation of \\[x like \\\\\\\"A\\*\\\\\\\"\\] failed\na:integer",
        );
        let e = parse_expected(&t.table).unwrap();
        assert_eq!(
            compare(
                &t,
                &e,
                &table(
                    &cols,
                    vec![],
                    &["Line 1:24: evaluation of [x like \"A*\"] failed"]
                ),
                None
            ),
            Ok(())
        );
    }
}
