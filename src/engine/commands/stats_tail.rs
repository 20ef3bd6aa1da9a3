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

/// The long values, per group, of the output columns known without any warning (see the module doc).
pub trait GroupLongs {
    /// True when output column `c`'s values are known.
    fn known(&self, c: usize) -> bool;
    /// Output column `c`'s value for group `g` (only asked for known columns).
    fn get(&mut self, c: usize, g: usize) -> i64;
}

/// Values computed up front, by output column (`None`: not known).
impl GroupLongs for Vec<Option<Vec<i64>>> {
    fn known(&self, c: usize) -> bool {
        self.as_slice().get(c).is_some_and(Option::is_some)
    }

    fn get(&mut self, c: usize, g: usize) -> i64 {
        self[c].as_ref().map_or(0, |v| v[g])
    }
}

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

/// A tail step that runs over groups.
#[derive(Debug)]
enum GroupStep {
    Where(Cond),
    /// Sort keys: output column and descending.
    Sort(Vec<(usize, bool)>),
    Limit(usize),
}

fn operand(e: &Expr, cols: &dyn GroupLongs) -> Option<Operand> {
    match &e.kind {
        ExprKind::Column(c) if e.data_type == DataType::Long && cols.known(*c) => {
            Some(Operand::Column(*c))
        }
        ExprKind::Literal(Value::Long(x)) => Some(Operand::Literal(*x)),
        ExprKind::Literal(Value::Integer(x)) => Some(Operand::Literal(i64::from(*x))),
        _ => None,
    }
}

fn compile(e: &Expr, cols: &dyn GroupLongs) -> Option<Cond> {
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
fn value(o: Operand, cols: &mut dyn GroupLongs, g: usize) -> i64 {
    match o {
        Operand::Column(c) => cols.get(c, g),
        Operand::Literal(x) => x,
    }
}

/// Whether `c` holds for group `g`; an operand is read only when the result needs it (`AND`, `OR`
/// short-circuit), so values no condition reaches are never computed.
fn holds(c: &Cond, cols: &mut dyn GroupLongs, g: usize) -> bool {
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
fn sort_columns(keys: &[SortKey], cols: &dyn GroupLongs) -> Option<Vec<(usize, bool)>> {
    keys.iter()
        .map(|k| match operand(&k.expr, cols)? {
            Operand::Column(c) => Some((c, k.descending)),
            Operand::Literal(_) => None,
        })
        .collect()
}

/// The longest prefix of `tail` that reads only known columns, compiled.
fn compile_prefix(tail: &[Step], cols: &dyn GroupLongs) -> Vec<GroupStep> {
    let mut out = Vec::new();
    for step in tail {
        out.push(match &step.kind {
            StepKind::Where { condition } => match compile(condition, cols) {
                Some(c) => GroupStep::Where(c),
                None => break,
            },
            StepKind::Sort { keys } => match sort_columns(keys, cols) {
                Some(by) => GroupStep::Sort(by),
                None => break,
            },
            StepKind::Limit { count } => GroupStep::Limit(*count),
            _ => break,
        });
    }
    out
}

/// WHERE and LIMIT steps over `groups` in order, keeping at most `cap` groups: a group is tested only
/// until a condition drops it, and the scan stops once a LIMIT is full or `cap` groups are kept.
fn stream(steps: &[GroupStep], cols: &mut dyn GroupLongs, groups: &mut Vec<usize>, cap: usize) {
    let mut taken = vec![0usize; steps.len()];
    let mut kept = 0;
    let mut i = 0;
    'groups: while i < groups.len() && kept < cap {
        let g = groups[i];
        i += 1;
        for (s, step) in steps.iter().enumerate() {
            match step {
                GroupStep::Where(c) => {
                    if !holds(c, cols, g) {
                        continue 'groups;
                    }
                }
                GroupStep::Limit(n) => {
                    if taken[s] == *n {
                        // Full: no later group gets past this step.
                        break 'groups;
                    }
                    taken[s] += 1;
                }
                GroupStep::Sort(_) => {}
            }
        }
        groups[kept] = g;
        kept += 1;
    }
    groups.truncate(kept);
}

/// Stable sort of `groups` by the sort keys' values (read once per group).
fn sort(by: &[(usize, bool)], cols: &mut dyn GroupLongs, groups: &mut Vec<usize>) {
    let vals: Vec<Vec<i64>> = by
        .iter()
        .map(|&(c, _)| groups.iter().map(|&g| cols.get(c, g)).collect())
        .collect();
    let mut at: Vec<usize> = (0..groups.len()).collect();
    // Stable, as the row SORT: ties keep their order.
    at.sort_by(|&a, &b| {
        by.iter()
            .zip(&vals)
            .map(|(&(_, desc), v)| {
                let o = v[a].cmp(&v[b]);
                if desc { o.reverse() } else { o }
            })
            .find(|o| o.is_ne())
            .unwrap_or(Ordering::Equal)
    });
    *groups = at.into_iter().map(|i| groups[i]).collect();
}

/// Applies the longest prefix of `tail` that reads only `cols`' known columns to `groups` (group
/// numbers in output order), keeping no more groups than the steps after it can let through
/// ([`row_cap`], with `implicit_limit`); returns the number of steps applied.
pub fn run(
    tail: &[Step],
    cols: &mut dyn GroupLongs,
    groups: &mut Vec<usize>,
    implicit_limit: Option<usize>,
) -> usize {
    let steps = compile_prefix(tail, cols);
    let cap = row_cap(&tail[steps.len()..], implicit_limit);
    // Segments of WHERE/LIMIT steps, each ended by a SORT or the end of the prefix; only the last
    // segment may stop at the cap (a SORT needs every group before it).
    let mut from = 0;
    for (s, step) in steps.iter().enumerate() {
        if let GroupStep::Sort(by) = step {
            stream(&steps[from..s], cols, groups, usize::MAX);
            sort(by, cols, groups);
            from = s + 1;
        }
    }
    stream(&steps[from..], cols, groups, cap.unwrap_or(usize::MAX));
    steps.len()
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
        assert_eq!(run(&tail, &mut cols(), &mut groups, Some(1000)), 3);
        // Kept 0 (1,1), 1 (5,1), 3 (2,1), 4 (7,1); by c descending: 4, 1, 3, 0; first two.
        assert_eq!(groups, vec![4, 1]);
        assert_eq!(row_cap(&tail[3..], Some(1000)), Some(1000));
    }

    #[test]
    fn sort_is_stable_and_mixed_directions_compare_left_to_right() {
        let tail = tail_of(&format!("{STATS} | SORT d, c DESC | LIMIT 10"));
        let mut groups: Vec<usize> = vec![5, 3, 2, 0, 1, 4];
        assert_eq!(run(&tail, &mut cols(), &mut groups, None), 2);
        assert_eq!(groups, vec![4, 1, 3, 0, 2, 5]);
        let tail = tail_of(&format!("{STATS} | SORT d"));
        let mut groups: Vec<usize> = vec![5, 4, 3, 2, 1, 0];
        run(&tail, &mut cols(), &mut groups, None);
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
            assert_eq!(run(&tail, &mut cols(), &mut groups, None), applied, "{q}");
            assert_eq!(row_cap(&tail[applied..], None), cap, "{q}");
        }
    }

    /// Counts the values read, to see that the scan stops early.
    struct Counting {
        cols: Vec<Option<Vec<i64>>>,
        reads: usize,
    }

    impl GroupLongs for Counting {
        fn known(&self, c: usize) -> bool {
            self.cols.known(c)
        }
        fn get(&mut self, c: usize, g: usize) -> i64 {
            self.reads += 1;
            GroupLongs::get(&mut self.cols, c, g)
        }
    }

    /// Each step applied to the whole list in turn, then the cap: what the lazy scan must equal.
    fn naive(
        tail: &[Step],
        cols: &mut Vec<Option<Vec<i64>>>,
        groups: &mut Vec<usize>,
        cap: Option<usize>,
    ) -> usize {
        let steps = compile_prefix(tail, cols);
        for step in &steps {
            match step {
                GroupStep::Where(c) => groups.retain(|&g| holds(c, cols, g)),
                GroupStep::Sort(by) => sort(by, cols, groups),
                GroupStep::Limit(n) => groups.truncate(*n),
            }
        }
        if let Some(cap) = row_cap(&tail[steps.len()..], cap) {
            groups.truncate(cap);
        }
        steps.len()
    }

    #[test]
    fn the_lazy_scan_equals_whole_list_steps_and_stops_early() {
        let n = 5000usize;
        let c: Vec<i64> = (0..n).map(|g| ((g * 7919) % 13) as i64).collect();
        let d: Vec<i64> = (0..n).map(|g| ((g * 104_729) % 4) as i64).collect();
        let cols = vec![Some(c), Some(d), None, None];
        for q in [
            "| WHERE d == 1 AND c < 5",
            "| WHERE c > 3 | LIMIT 40 | WHERE d != 2",
            "| WHERE c > 3 | LIMIT 40 | WHERE d != 2 | LIMIT 7 | EVAL y = 1",
            "| LIMIT 100 | WHERE c == 2 OR d == 0 | SORT d DESC, c | WHERE c < 9 | LIMIT 30",
            "| SORT c | WHERE d == 3",
            "| WHERE NOT c >= 2 | EVAL y = MV_MIN(v) | KEEP y, c",
            "| WHERE c < 0",
        ] {
            let tail = tail_of(&format!("{STATS} {q}"));
            for cap in [None, Some(0), Some(3), Some(1000)] {
                let mut want: Vec<usize> = (0..n).collect();
                let applied = naive(&tail, &mut cols.clone(), &mut want, cap);
                let mut got: Vec<usize> = (0..n).collect();
                let mut counting = Counting {
                    cols: cols.clone(),
                    reads: 0,
                };
                assert_eq!(
                    run(&tail, &mut counting, &mut got, cap),
                    applied,
                    "{q} {cap:?}"
                );
                assert_eq!(got, want, "{q} (cap {cap:?})");
            }
        }
        // The rules' shape under the implicit limit reads only the groups it needs.
        let tail = tail_of(&format!("{STATS} | WHERE d == 1 AND c < 5"));
        let mut counting = Counting { cols, reads: 0 };
        let mut groups: Vec<usize> = (0..n).collect();
        run(&tail, &mut counting, &mut groups, Some(10));
        assert_eq!(groups.len(), 10);
        assert!(
            counting.reads < 200,
            "{} values read for 10 groups",
            counting.reads
        );
    }
}
