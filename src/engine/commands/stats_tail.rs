//! The first tail steps after a STATS, run over group numbers before any output row is built.
//!
//! Oracle twin: the reference's row-wise WHERE, SORT and LIMIT over the STATS output rows (and its row
//! pipeline stopping at a full LIMIT). Invariant: given, per output column, the long value of every
//! group when that value is known without any warning (COUNT, COUNT_DISTINCT finished from id sets —
//! never null), [`run`] applies the longest prefix of tail steps that read only those columns —
//! WHERE conditions built from `AND`/`OR`/`NOT` and comparisons between such columns and integer or
//! long literals (exact `i64` comparisons; nothing in them can warn or be null), stable SORTs by such
//! columns, LIMITs — to the list of groups in output order, leaving exactly the groups, in the order,
//! that the reference's rows would have after those steps. [`row_cap`] bounds the rows the steps after
//! them can let through when those are only EVAL/KEEP/DROP/RENAME (one row out per row in) before a
//! LIMIT or the implicit limit: rows past the cap never enter the pipeline, so they need no building.

use std::cmp::Ordering;

use esql::plan::{ComparisonOp, Expr, ExprKind, SortKey, Step, StepKind};
use esql::{DataType, Value};

/// One side of a comparison.
#[derive(Debug, Clone, Copy)]
enum Operand {
    /// Output column `c`'s value per group.
    Column(usize),
    /// A literal.
    Literal(i64),
}

/// A condition over the long columns, two-valued (no operand can be null).
#[derive(Debug)]
enum Cond {
    Compare(ComparisonOp, Operand, Operand),
    And(Box<Cond>, Box<Cond>),
    Or(Box<Cond>, Box<Cond>),
    Not(Box<Cond>),
}

fn operand(e: &Expr, cols: &[Option<Vec<i64>>]) -> Option<Operand> {
    match &e.kind {
        ExprKind::Column(c)
            if e.data_type == DataType::Long && cols.get(*c).is_some_and(Option::is_some) =>
        {
            Some(Operand::Column(*c))
        }
        ExprKind::Literal(Value::Long(x)) => Some(Operand::Literal(*x)),
        ExprKind::Literal(Value::Integer(x)) => Some(Operand::Literal(i64::from(*x))),
        _ => None,
    }
}

fn compile(e: &Expr, cols: &[Option<Vec<i64>>]) -> Option<Cond> {
    Some(match &e.kind {
        ExprKind::Comparison { op, left, right } => {
            Cond::Compare(*op, operand(left, cols)?, operand(right, cols)?)
        }
        ExprKind::And(a, b) => Cond::And(Box::new(compile(a, cols)?), Box::new(compile(b, cols)?)),
        ExprKind::Or(a, b) => Cond::Or(Box::new(compile(a, cols)?), Box::new(compile(b, cols)?)),
        ExprKind::Not(a) => Cond::Not(Box::new(compile(a, cols)?)),
        _ => return None,
    })
}

#[inline]
fn value(o: Operand, cols: &[Option<Vec<i64>>], g: usize) -> i64 {
    match o {
        Operand::Column(c) => cols[c].as_ref().map_or(0, |v| v[g]),
        Operand::Literal(x) => x,
    }
}

fn holds(c: &Cond, cols: &[Option<Vec<i64>>], g: usize) -> bool {
    match c {
        Cond::Compare(op, a, b) => {
            let (a, b) = (value(*a, cols, g), value(*b, cols, g));
            match op {
                ComparisonOp::Eq => a == b,
                ComparisonOp::Neq => a != b,
                ComparisonOp::Lt => a < b,
                ComparisonOp::Lte => a <= b,
                ComparisonOp::Gt => a > b,
                ComparisonOp::Gte => a >= b,
            }
        }
        Cond::And(a, b) => holds(a, cols, g) && holds(b, cols, g),
        Cond::Or(a, b) => holds(a, cols, g) || holds(b, cols, g),
        Cond::Not(a) => !holds(a, cols, g),
    }
}

/// The long column each sort key reads, if every key reads one.
fn sort_columns(keys: &[SortKey], cols: &[Option<Vec<i64>>]) -> Option<Vec<(usize, bool)>> {
    keys.iter()
        .map(|k| match operand(&k.expr, cols)? {
            Operand::Column(c) => Some((c, k.descending)),
            Operand::Literal(_) => None,
        })
        .collect()
}

/// Applies the longest prefix of `tail` that reads only `cols` (long values per group, by output
/// column; `None`: not known quietly) to `groups` (group numbers in output order); returns the
/// number of steps applied.
pub fn run(tail: &[Step], cols: &[Option<Vec<i64>>], groups: &mut Vec<usize>) -> usize {
    let mut done = 0;
    for step in tail {
        match &step.kind {
            StepKind::Where { condition } => {
                let Some(cond) = compile(condition, cols) else {
                    break;
                };
                groups.retain(|&g| holds(&cond, cols, g));
            }
            StepKind::Sort { keys } => {
                let Some(by) = sort_columns(keys, cols) else {
                    break;
                };
                // Stable, as the row SORT: ties keep their order.
                groups.sort_by(|&a, &b| {
                    by.iter()
                        .map(|&(c, desc)| {
                            let o = value(Operand::Column(c), cols, a).cmp(&value(
                                Operand::Column(c),
                                cols,
                                b,
                            ));
                            if desc { o.reverse() } else { o }
                        })
                        .find(|o| o.is_ne())
                        .unwrap_or(Ordering::Equal)
                });
            }
            StepKind::Limit { count } => groups.truncate(*count),
            _ => break,
        }
        done += 1;
    }
    done
}

/// The most rows that can leave `rest` (the steps after those [`run`] applied) when every step
/// before its first LIMIT maps each row to exactly one row (EVAL, KEEP/DROP/RENAME); the implicit
/// limit counts as a LIMIT after the last step.
pub fn row_cap(rest: &[Step], implicit_limit: Option<usize>) -> Option<usize> {
    for step in rest {
        match &step.kind {
            StepKind::Eval { .. } | StepKind::Project { .. } => {}
            StepKind::Limit { count } => return Some(*count),
            _ => return None,
        }
    }
    implicit_limit
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The tail steps after the STATS of `query` over index `t`.
    fn tail_of(query: &str) -> Vec<Step> {
        let plan = super::super::test_plan(&[("k", "keyword"), ("a", "keyword")], query);
        let k = plan
            .steps
            .iter()
            .position(|s| matches!(s.kind, StepKind::Stats(_)))
            .unwrap();
        plan.steps[k + 1..].to_vec()
    }

    const STATS: &str = "FROM t | STATS c = COUNT(), d = COUNT_DISTINCT(a), v = VALUES(a) BY k";

    /// Output columns c, d, v, k: c and d known per group.
    fn cols() -> Vec<Option<Vec<i64>>> {
        vec![
            Some(vec![1, 5, 2, 2, 7, 1]),
            Some(vec![1, 1, 2, 1, 1, 3]),
            None,
            None,
        ]
    }

    #[test]
    fn where_sort_limit_run_over_groups() {
        let tail = tail_of(&format!(
            "{STATS} | WHERE d == 1 AND c < 6 OR NOT c != 7 | SORT c DESC | LIMIT 2 | EVAL x = 1"
        ));
        let mut groups: Vec<usize> = (0..6).collect();
        assert_eq!(run(&tail, &cols(), &mut groups), 3);
        // Kept 0 (1,1), 1 (5,1), 3 (2,1), 4 (7,1); by c descending: 4, 1, 3, 0; first two.
        assert_eq!(groups, vec![4, 1]);
        assert_eq!(row_cap(&tail[3..], Some(1000)), Some(1000));
    }

    #[test]
    fn sort_is_stable_and_mixed_directions_compare_left_to_right() {
        let tail = tail_of(&format!("{STATS} | SORT d, c DESC | LIMIT 10"));
        let mut groups: Vec<usize> = vec![5, 3, 2, 0, 1, 4];
        assert_eq!(run(&tail, &cols(), &mut groups), 2);
        assert_eq!(groups, vec![4, 1, 3, 0, 2, 5]);
        let tail = tail_of(&format!("{STATS} | SORT d"));
        let mut groups: Vec<usize> = vec![5, 4, 3, 2, 1, 0];
        run(&tail, &cols(), &mut groups);
        assert_eq!(groups, vec![4, 3, 1, 0, 2, 5]);
    }

    #[test]
    fn steps_reading_other_columns_stop_the_prefix() {
        for (q, applied, cap) in [
            ("| WHERE k == \"x\" | LIMIT 3", 0, None),
            ("| WHERE c > 1 | SORT k | LIMIT 3", 1, None),
            ("| WHERE c > 1.5", 0, None),
            ("| WHERE c + 1 > 2", 0, None),
            ("| WHERE c IS NOT NULL", 0, None),
            (
                "| LIMIT 4 | EVAL y = MV_MIN(v) | KEEP y | LIMIT 2",
                1,
                Some(2),
            ),
            (
                "| WHERE c > 1 | EVAL y = MV_MIN(v) | WHERE y != \"z\"",
                1,
                None,
            ),
            ("| WHERE c > 1 | MV_EXPAND v", 1, None),
        ] {
            let tail = tail_of(&format!("{STATS} {q}"));
            let mut groups: Vec<usize> = (0..6).collect();
            assert_eq!(run(&tail, &cols(), &mut groups), applied, "{q}");
            assert_eq!(row_cap(&tail[applied..], None), cap, "{q}");
        }
    }
}
