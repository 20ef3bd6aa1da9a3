//! Keyword conditions compiled to tests on a dictionary string, so per-id truth tables are filled
//! without the row kernel (no `Value` built, no `Warnings`).
//!
//! Oracle twin: the row kernel (`scalar::eval`) evaluating the same condition on a row whose column
//! holds one single keyword value. Invariant: [`StrTest::compile`] accepts only shapes whose kernel
//! result on a single non-null value is a function of the string alone and records no failure —
//! `==`/`!=`/`<`… between the column and a keyword literal (byte order, as `Value::compare`), `IN`
//! over keyword literals (a literal null item makes a miss null), LIKE/RLIKE on the column (the
//! kernel's own compiled matchers), IS [NOT] NULL, literal booleans and null, and NOT/AND/OR of
//! these — and [`StrTest::tri`] returns exactly that result's truth. Null and multi-valued rows are
//! not tested here: callers evaluate them with the kernel (once per chunk).

use std::cmp::Ordering;
use std::sync::Arc;

use esql::Value;
use esql::plan::{ComparisonOp, Expr, ExprKind};
use foldhash::HashSet;

use super::keyword_table::{FALSE, NULL, TRUE};
use super::selection::{and3, not3, or3};
use crate::engine::scalar::patterns::{Matcher, PatternCache};

/// A compiled condition on one keyword column's single value.
#[derive(Debug, Clone)]
pub enum StrTest {
    /// A constant truth (a literal boolean or null, or a comparison with a literal null).
    Const(u8),
    /// `column op literal` (`flipped`: `literal op column`).
    Compare {
        /// The operator.
        op: ComparisonOp,
        /// The literal.
        literal: Box<str>,
        /// The literal is the left operand.
        flipped: bool,
    },
    /// `column IN (literals…)`.
    In {
        /// The keyword items.
        items: HashSet<Box<str>>,
        /// Some item is a literal null (a miss is null, not false).
        has_null: bool,
    },
    /// `column LIKE/RLIKE patterns`.
    Pattern(Arc<Matcher>),
    /// `x IS NULL` (`negated`: IS NOT NULL) of a sub-condition (`None`: of the column itself).
    IsNull(Option<Box<StrTest>>, bool),
    /// Kleene NOT.
    Not(Box<StrTest>),
    /// Kleene AND.
    And(Box<StrTest>, Box<StrTest>),
    /// Kleene OR.
    Or(Box<StrTest>, Box<StrTest>),
}

fn literal_tri(v: &Value) -> Option<u8> {
    match v {
        Value::Boolean(true) => Some(TRUE),
        Value::Boolean(false) => Some(FALSE),
        Value::Null => Some(NULL),
        _ => None,
    }
}

impl StrTest {
    /// Compiles `expr`, a condition whose only column read is column `col`, when its shape allows
    /// (see the module doc); `None` otherwise (the kernel then evaluates it).
    pub fn compile(expr: &Expr, col: usize, patterns: &PatternCache) -> Option<StrTest> {
        let is_col = |e: &Expr| matches!(e.kind, ExprKind::Column(c) if c == col);
        Some(match &expr.kind {
            ExprKind::Literal(v) => StrTest::Const(literal_tri(v)?),
            ExprKind::Comparison { op, left, right } => {
                let (lit, flipped) = match (&left.kind, &right.kind) {
                    (_, ExprKind::Literal(l)) if is_col(left) => (l, false),
                    (ExprKind::Literal(l), _) if is_col(right) => (l, true),
                    _ => return None,
                };
                match lit {
                    // A literal null argument folds the comparison to null, silently.
                    Value::Null => StrTest::Const(NULL),
                    Value::Keyword(s) => StrTest::Compare {
                        op: *op,
                        literal: s.as_str().into(),
                        flipped,
                    },
                    _ => return None,
                }
            }
            ExprKind::In { value, list } if is_col(value) => {
                let mut items = HashSet::default();
                let mut has_null = false;
                for e in list {
                    match &e.kind {
                        ExprKind::Literal(Value::Keyword(s)) => {
                            items.insert(s.as_str().into());
                        }
                        ExprKind::Literal(Value::Null) => has_null = true,
                        _ => return None,
                    }
                }
                StrTest::In { items, has_null }
            }
            ExprKind::Like { value, patterns: p } if is_col(value) => {
                StrTest::Pattern(patterns.like(p))
            }
            ExprKind::RLike { value, patterns: p } if is_col(value) => {
                StrTest::Pattern(patterns.rlike(p).ok()?)
            }
            ExprKind::IsNull { value, negated } if is_col(value) => StrTest::IsNull(None, *negated),
            ExprKind::IsNull { value, negated } => StrTest::IsNull(
                Some(Box::new(StrTest::compile(value, col, patterns)?)),
                *negated,
            ),
            ExprKind::Not(a) => StrTest::Not(Box::new(StrTest::compile(a, col, patterns)?)),
            ExprKind::And(a, b) => StrTest::And(
                Box::new(StrTest::compile(a, col, patterns)?),
                Box::new(StrTest::compile(b, col, patterns)?),
            ),
            ExprKind::Or(a, b) => StrTest::Or(
                Box::new(StrTest::compile(a, col, patterns)?),
                Box::new(StrTest::compile(b, col, patterns)?),
            ),
            _ => return None,
        })
    }

    /// The truth of the condition on a row whose column holds the single value `s`.
    pub fn tri(&self, s: &str) -> u8 {
        let b = |x: bool| if x { TRUE } else { FALSE };
        match self {
            StrTest::Const(t) => *t,
            StrTest::Compare {
                op,
                literal,
                flipped,
            } => {
                let o = if *flipped {
                    literal.as_bytes().cmp(s.as_bytes())
                } else {
                    s.as_bytes().cmp(literal.as_bytes())
                };
                b(match op {
                    ComparisonOp::Eq => o == Ordering::Equal,
                    ComparisonOp::Neq => o != Ordering::Equal,
                    ComparisonOp::Lt => o == Ordering::Less,
                    ComparisonOp::Lte => o != Ordering::Greater,
                    ComparisonOp::Gt => o == Ordering::Greater,
                    ComparisonOp::Gte => o != Ordering::Less,
                })
            }
            StrTest::In { items, has_null } => {
                if items.contains(s) {
                    TRUE
                } else if *has_null {
                    NULL
                } else {
                    FALSE
                }
            }
            StrTest::Pattern(m) => b(m.is_match(s)),
            // A single value is not null; a sub-condition is null exactly when its truth is.
            StrTest::IsNull(None, negated) => b(*negated),
            StrTest::IsNull(Some(a), negated) => b((a.tri(s) == NULL) != *negated),
            StrTest::Not(a) => not3(a.tri(s)),
            StrTest::And(a, c) => and3(a.tri(s), c.tri(s)),
            StrTest::Or(a, c) => or3(a.tri(s), c.tri(s)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::kernel::EngineKernel;
    use crate::engine::row_kernel::RowKernel;
    use esql::{Catalog, EvalOptions, Warnings};

    /// Every compiled condition agrees with the kernel on single values (and logs nothing there).
    #[test]
    fn compiled_tests_agree_with_the_kernel() {
        let catalog = Catalog::elastic_defend();
        let kernel = EngineKernel::new();
        let patterns = PatternCache::default();
        let values = [
            "", "scp", "sftp", "bash", "x.sh", ".hidden", "/tmp/a", "SCP", "sc", "scpx", "zsh",
        ];
        let conditions = [
            "process.name == \"scp\"",
            "\"scp\" != process.name",
            "process.name < \"scp\"",
            "\"sc\" >= process.name",
            "process.name > \"bash\" AND process.name <= \"sftp\"",
            "process.name IN (\"scp\", \"zsh\", \"\")",
            "process.name IN (\"scp\", null)",
            "NOT process.name IN (\"bash\")",
            "process.name LIKE \"*.sh\" OR process.name LIKE \".*\"",
            "process.name LIKE \"*\"",
            "process.name LIKE \"s?p\"",
            "process.name RLIKE \"s[a-z]+p\"",
            "process.name IS NULL",
            "process.name IS NOT NULL",
            "(process.name == \"scp\") IS NULL",
            "process.name == null OR process.name == \"bash\"",
            "NOT (process.name LIKE \"s*\" AND true)",
            "process.name == \"scp\" OR null",
        ];
        for c in conditions {
            let q = format!("FROM logs-endpoint.events.process-* | WHERE {c}");
            let plan = esql::analyze(&esql::parse(&q).unwrap(), &catalog).unwrap();
            let esql::plan::StepKind::Where { condition } = &plan.steps[0].kind else {
                panic!("{c}: not a WHERE");
            };
            let col = condition.columns()[0];
            let width = plan.source.output().columns.len();
            let t = StrTest::compile(condition, col, &patterns)
                .unwrap_or_else(|| panic!("{c}: not compiled"));
            for v in values {
                let mut row = vec![Value::Null; width];
                row[col] = Value::Keyword(v.into());
                let mut w = Warnings::new();
                let r = kernel
                    .eval(condition, &row, &EvalOptions::default(), &mut w)
                    .unwrap();
                assert!(w.lines().is_empty(), "{c} on {v:?}: {:?}", w.lines());
                assert_eq!(
                    t.tri(v),
                    super::super::keyword_table::tri_of(&r),
                    "{c} on {v:?}"
                );
            }
        }
    }

    #[test]
    fn shapes_that_need_the_kernel_are_not_compiled() {
        let catalog = Catalog::elastic_defend();
        let patterns = PatternCache::default();
        for c in [
            "TO_UPPER(process.name) == \"SCP\"",
            "MV_COUNT(process.name) > 1",
            "process.name == process.name",
            "LENGTH(process.name) > 3",
        ] {
            let q = format!("FROM logs-endpoint.events.process-* | WHERE {c}");
            let plan = esql::analyze(&esql::parse(&q).unwrap(), &catalog).unwrap();
            let esql::plan::StepKind::Where { condition } = &plan.steps[0].kind else {
                panic!("{c}: not a WHERE");
            };
            let col = condition.columns()[0];
            assert!(StrTest::compile(condition, col, &patterns).is_none(), "{c}");
        }
    }
}
