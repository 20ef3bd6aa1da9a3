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
    /// The order a terminal SORT imposes.
    SortOrder,
    /// Only the exact row order (which the optimized engine promises to keep).
    RowOrderOnly,
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
            if multiset(&a.rows) != multiset(&b.rows) {
                out.push(Difference::Rows);
            } else if let Some(keys) = terminal_sort_keys(plan)
                && key_sequence(&a.rows, &keys) != key_sequence(&b.rows, &keys)
            {
                out.push(Difference::SortOrder);
            }
            if out.is_empty()
                && a.rows
                    .iter()
                    .map(|r| row_key(r))
                    .ne(b.rows.iter().map(|r| row_key(r)))
            {
                out.push(Difference::RowOrderOnly);
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
    fn multisets_ignore_order_but_not_exact_values() {
        let a = vec![vec![Value::Double(0.0)], vec![Value::Long(1)]];
        let b = vec![vec![Value::Long(1)], vec![Value::Double(0.0)]];
        let c = vec![vec![Value::Long(1)], vec![Value::Double(-0.0)]];
        assert_eq!(multiset(&a), multiset(&b));
        assert_ne!(multiset(&a), multiset(&c));
    }
}
