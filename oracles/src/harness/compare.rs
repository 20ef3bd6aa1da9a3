//! Comparing results: columns and types, warnings, rows as multisets, and the order a terminal SORT
//! imposes (ties may come out in any order), plus the exact row order the optimized engine promises.
//!
//! Values are compared by their exact form (`Debug`, so `-0.0` differs from `0.0` and doubles must be
//! bit-for-bit equal, as csv-spec compares them).

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::fmt::Write as _;

use esql::plan::{ExprKind, Plan, StepKind};
use esql::{EvalError, ResultTable, Value};

/// The outcome of one evaluation.
pub type Outcome = Result<ResultTable, EvalError>;

/// A row's exact, comparable form.
pub fn row_key(row: &[Value]) -> String {
    format!("{row:?}")
}

/// Whether two values have the same exact form (doubles bit for bit): a fast test that implies
/// equal [`row_key`]s, so results that agree row by row need no formatting.
pub fn exact_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Double(x), Value::Double(y)) => x.to_bits() == y.to_bits(),
        (Value::Multi(xs), Value::Multi(ys)) => {
            xs.len() == ys.len() && xs.iter().zip(ys).all(|(x, y)| exact_eq(x, y))
        }
        (Value::Double(_), _) | (Value::Multi(_), _) => false,
        _ => a == b,
    }
}

/// Whether two row lists are the same, row by row, in their exact forms.
pub fn same_rows(a: &[Vec<Value>], b: &[Vec<Value>]) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|(x, y)| x.len() == y.len() && x.iter().zip(y).all(|(u, v)| exact_eq(u, v)))
}

/// Rows as a multiset of their exact forms.
pub fn multiset(rows: &[Vec<Value>]) -> BTreeMap<String, usize> {
    let mut m = BTreeMap::new();
    for r in rows {
        *m.entry(row_key(r)).or_insert(0) += 1;
    }
    m
}

/// A sort key of the final output: column, descending, nulls first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutputKey {
    /// Output column index.
    pub column: usize,
    /// DESC.
    pub descending: bool,
    /// NULLS FIRST.
    pub nulls_first: bool,
}

/// The keys of the plan's last SORT, as output columns, when every step after it keeps row order and
/// every key is a column that reaches the output; `None` otherwise.
pub fn terminal_sort_keys(plan: &Plan) -> Option<Vec<OutputKey>> {
    let s = plan
        .steps
        .iter()
        .rposition(|s| matches!(s.kind, StepKind::Sort { .. }))?;
    let StepKind::Sort { keys } = &plan.steps[s].kind else {
        return None;
    };
    let mut out = Vec::new();
    for k in keys {
        let ExprKind::Column(mut i) = k.expr.kind else {
            return None;
        };
        for step in &plan.steps[s + 1..] {
            i = match &step.kind {
                StepKind::Where { .. } | StepKind::Limit { .. } => i,
                StepKind::Project { columns } => columns.iter().position(|c| *c == i)?,
                StepKind::Eval { projection, .. } => projection.iter().position(|c| *c == i)?,
                _ => return None,
            };
        }
        out.push(OutputKey {
            column: i,
            descending: k.descending,
            nulls_first: k.nulls_first,
        });
    }
    Some(out)
}

/// The value a SORT compares for `v`: the minimum of a multi-value ascending, the maximum descending.
pub fn effective(v: &Value, descending: bool) -> Value {
    match v {
        Value::Multi(vs) => {
            let pick = if descending {
                Ordering::Greater
            } else {
                Ordering::Less
            };
            vs.iter()
                .fold(None::<&Value>, |best, x| match best {
                    Some(b) if x.compare(b) != Some(pick) => Some(b),
                    _ => Some(x),
                })
                .cloned()
                .unwrap_or(Value::Null)
        }
        other => other.clone(),
    }
}

/// The effective sort keys of every row.
pub fn key_sequence(rows: &[Vec<Value>], keys: &[OutputKey]) -> Vec<String> {
    rows.iter()
        .map(|r| {
            let k: Vec<Value> = keys
                .iter()
                .map(|k| effective(r.get(k.column).unwrap_or(&Value::Null), k.descending))
                .collect();
            row_key(&k)
        })
        .collect()
}

/// Why two results holding the same rows may list them in different orders (ES leaves the order
/// open in each case; the optimized engine still promises the reference's order).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum OrderFreedom {
    /// The last SORT's keys reach the output and the rows differ only in order within runs of rows
    /// whose keys tie: each run holds the same rows in both results.
    TiedSortKeys,
    /// The last SORT's order reaches the output but not all of its keys do (a key is an expression,
    /// or is dropped or redefined later), so the output alone cannot show whether the keys tie.
    HiddenSortKeys,
    /// Nothing orders the output: no SORT, or a step after the last SORT that does not keep row
    /// order (STATS, MV_EXPAND, …).
    Unordered,
}

impl OrderFreedom {
    /// What the difference is, for reports.
    pub fn describe(self) -> &'static str {
        match self {
            OrderFreedom::TiedSortKeys => "row order within tied sort keys",
            OrderFreedom::HiddenSortKeys => {
                "row order under a SORT whose keys do not reach the output"
            }
            OrderFreedom::Unordered => "row order of an unordered result",
        }
    }
}

/// Whether the rows after the plan's last SORT keep its order (only WHERE, LIMIT, EVAL, KEEP/DROP/
/// RENAME follow it).
pub fn sort_order_reaches_output(plan: &Plan) -> bool {
    match plan
        .steps
        .iter()
        .rposition(|s| matches!(s.kind, StepKind::Sort { .. }))
    {
        None => false,
        Some(s) => plan.steps[s + 1..].iter().all(|step| {
            matches!(
                step.kind,
                StepKind::Where { .. }
                    | StepKind::Limit { .. }
                    | StepKind::Project { .. }
                    | StepKind::Eval { .. }
            )
        }),
    }
}

/// Whether `a` and `b` hold the same rows in every run of rows with equal effective sort keys (the
/// runs are the maximal runs of equal keys of `a`; the key sequences must already be equal).
pub fn tied_runs_agree(a: &[Vec<Value>], b: &[Vec<Value>], keys: &[OutputKey]) -> bool {
    let ka = key_sequence(a, keys);
    if a.len() != b.len() || ka != key_sequence(b, keys) {
        return false;
    }
    let mut start = 0;
    while start < a.len() {
        let mut end = start + 1;
        while end < a.len() && ka[end] == ka[start] {
            end += 1;
        }
        if multiset(&a[start..end]) != multiset(&b[start..end]) {
            return false;
        }
        start = end;
    }
    true
}

/// How two outcomes differ.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Difference {
    /// One failed, or both failed differently.
    Error,
    /// Column names or types.
    Columns,
    /// Warnings.
    Warnings,
    /// Rows as multisets.
    Rows,
    /// The order a terminal SORT imposes: the key sequences differ, or a run of tied keys holds
    /// different rows.
    SortOrder,
    /// Only the exact row order, where ES leaves it open (the optimized engine still promises the
    /// reference's order, which `exact_order` runs require).
    RowOrderOnly(OrderFreedom),
}

/// Compares `expected` (the reference) with `actual`; every difference found, in the order above.
pub fn differences(plan: &Plan, expected: &Outcome, actual: &Outcome) -> Vec<Difference> {
    match (expected, actual) {
        (Err(a), Err(b)) => {
            if a == b {
                Vec::new()
            } else {
                vec![Difference::Error]
            }
        }
        (Ok(_), Err(_)) | (Err(_), Ok(_)) => vec![Difference::Error],
        (Ok(a), Ok(b)) => {
            let mut out = Vec::new();
            if a.columns != b.columns {
                out.push(Difference::Columns);
            }
            if a.warnings != b.warnings {
                out.push(Difference::Warnings);
            }
            if same_rows(&a.rows, &b.rows) {
                return out;
            }
            let sort_keys = terminal_sort_keys(plan);
            if multiset(&a.rows) != multiset(&b.rows) {
                out.push(Difference::Rows);
            } else if let Some(keys) = &sort_keys
                && !tied_runs_agree(&a.rows, &b.rows, keys)
            {
                out.push(Difference::SortOrder);
            }
            if out.is_empty()
                && a.rows
                    .iter()
                    .map(|r| row_key(r))
                    .ne(b.rows.iter().map(|r| row_key(r)))
            {
                let freedom = if sort_keys.is_some() {
                    OrderFreedom::TiedSortKeys
                } else if sort_order_reaches_output(plan) {
                    OrderFreedom::HiddenSortKeys
                } else {
                    OrderFreedom::Unordered
                };
                out.push(Difference::RowOrderOnly(freedom));
            }
            out
        }
    }
}

/// An outcome as readable text: columns, rows (at most `max_rows`) and warnings.
pub fn render(outcome: &Outcome, max_rows: usize) -> String {
    let mut s = String::new();
    match outcome {
        Err(e) => {
            let _ = writeln!(s, "error: {e}");
        }
        Ok(t) => {
            let cols: Vec<String> = t
                .columns
                .iter()
                .map(|c| format!("{}:{}", c.name, c.data_type))
                .collect();
            let _ = writeln!(s, "columns: {}", cols.join(" | "));
            let _ = writeln!(s, "rows: {}", t.rows.len());
            for r in t.rows.iter().take(max_rows) {
                let cells: Vec<String> = r.iter().map(|v| format!("{v:?}")).collect();
                let _ = writeln!(s, "  {}", cells.join(" | "));
            }
            if t.rows.len() > max_rows {
                let _ = writeln!(s, "  … {} more", t.rows.len() - max_rows);
            }
            for w in &t.warnings {
                let _ = writeln!(s, "warning: {w}");
            }
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn effective_sort_value_is_min_ascending_and_max_descending() {
        let mv = Value::Multi(vec![Value::Long(3), Value::Long(1), Value::Long(2)]);
        assert_eq!(effective(&mv, false), Value::Long(1));
        assert_eq!(effective(&mv, true), Value::Long(3));
        assert_eq!(effective(&Value::Null, true), Value::Null);
    }

    #[test]
    fn exact_equality_tells_zero_signs_and_implies_equal_row_keys() {
        let pairs = [
            (Value::Double(0.0), Value::Double(-0.0)),
            (Value::Double(1.5), Value::Double(1.5)),
            (Value::Long(1), Value::Integer(1)),
            (Value::Keyword("a".into()), Value::Keyword("a".into())),
            (
                Value::Multi(vec![Value::Double(0.0), Value::Long(2)]),
                Value::Multi(vec![Value::Double(-0.0), Value::Long(2)]),
            ),
        ];
        for (a, b) in &pairs {
            let same_key = row_key(std::slice::from_ref(a)) == row_key(std::slice::from_ref(b));
            assert_eq!(exact_eq(a, b), same_key, "{a:?} vs {b:?}");
        }
    }

    #[test]
    fn order_freedom_is_told_apart() {
        let catalog = crate::harness::dataset::harness_catalog();
        let plan = |q: &str| esql::analyze(&esql::parse(q).unwrap(), &catalog).unwrap();
        let rows_a = vec![
            vec![Value::Long(1), Value::Keyword("x".into())],
            vec![Value::Long(1), Value::Keyword("y".into())],
            vec![Value::Long(2), Value::Keyword("z".into())],
        ];
        let mut rows_b = rows_a.clone();
        rows_b.swap(0, 1);
        let table = |rows: &Vec<Vec<Value>>, p: &Plan| -> Outcome {
            Ok(ResultTable {
                columns: p.output().columns.clone(),
                rows: rows.clone(),
                warnings: Vec::new(),
            })
        };
        let from = "FROM logs-endpoint.events.process-default";
        let cases = [
            (
                format!("{from} | SORT process.pid | KEEP process.pid, process.name"),
                Difference::RowOrderOnly(OrderFreedom::TiedSortKeys),
            ),
            (
                format!("{from} | SORT process.parent.pid | KEEP process.pid, process.name"),
                Difference::RowOrderOnly(OrderFreedom::HiddenSortKeys),
            ),
            (
                format!("{from} | KEEP process.pid, process.name"),
                Difference::RowOrderOnly(OrderFreedom::Unordered),
            ),
        ];
        for (q, want) in cases {
            let p = plan(&q);
            let d = differences(&p, &table(&rows_a, &p), &table(&rows_b, &p));
            assert_eq!(d, vec![want], "{q}");
            assert!(differences(&p, &table(&rows_a, &p), &table(&rows_a, &p)).is_empty());
        }
        // Swapping rows whose sort keys differ breaks the terminal SORT's order.
        let p = plan(&format!(
            "{from} | SORT process.pid | KEEP process.pid, process.name"
        ));
        let mut rows_c = rows_a.clone();
        rows_c.swap(1, 2);
        assert_eq!(
            differences(&p, &table(&rows_a, &p), &table(&rows_c, &p)),
            vec![Difference::SortOrder]
        );
    }

    #[test]
    fn multisets_ignore_order_but_not_exact_values() {
        let a = vec![vec![Value::Double(0.0)], vec![Value::Long(1)]];
        let b = vec![vec![Value::Long(1)], vec![Value::Double(0.0)]];
        let c = vec![vec![Value::Long(1)], vec![Value::Double(-0.0)]];
        assert_eq!(multiset(&a), multiset(&b));
        assert_ne!(multiset(&a), multiset(&c));
    }
}
