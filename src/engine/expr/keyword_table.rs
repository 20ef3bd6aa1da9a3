//! Per-dictionary-value results of an expression that reads a single keyword column.
//!
//! Oracle twin: the reference evaluating the same expression on every row. Invariant: an expression
//! whose only column input is keyword column `c` is a pure function of that row's value of `c` (plus
//! constants and `NOW()` fixed by the options), so evaluating it once per distinct dictionary string —
//! and once for null — with the row kernel, and replaying the recorded failures on every row that looks
//! the value up, gives the reference's value and warnings on every single-valued or null row.
//! Multi-valued rows are not looked up; callers evaluate them row by row.

use esql::plan::Expr;
use esql::{EvalError, EvalOptions, Value, Warnings};

use crate::engine::dictionary::Dictionary;
use crate::engine::failures::{Failure, failures_of};
use crate::engine::row_kernel::RowKernel;

/// Three-valued truth as stored in predicate tables: false.
pub const FALSE: u8 = 0;
/// True.
pub const TRUE: u8 = 1;
/// Null (unknown).
pub const NULL: u8 = 2;

/// The three-valued truth of a condition's value as WHERE sees it: only `true` keeps a row.
#[inline]
pub fn tri_of(v: &Value) -> u8 {
    match v {
        Value::Boolean(true) => TRUE,
        Value::Boolean(false) => FALSE,
        _ => NULL,
    }
}

/// Results of one expression for every id of one dictionary.
#[derive(Debug, Clone)]
pub struct KeywordTable {
    /// Value per id.
    pub values: Vec<Value>,
    /// Truth per id (for predicates).
    pub tri: Vec<u8>,
    /// Failures per id (empty for most).
    pub failures: Vec<Box<[Failure]>>,
    /// True if any id (or null) recorded a failure.
    pub any_failures: bool,
    /// Value on a null row.
    pub null_value: Value,
    /// Truth on a null row.
    pub null_tri: u8,
    /// Failures on a null row.
    pub null_failures: Box<[Failure]>,
}

impl KeywordTable {
    /// Evaluates `expr` (reading column `col` of a row `width` wide) on every string of `dict` and on null.
    pub fn build(
        kernel: &dyn RowKernel,
        opts: &EvalOptions,
        expr: &Expr,
        col: usize,
        width: usize,
        dict: &Dictionary,
    ) -> Result<KeywordTable, EvalError> {
        let mut row = vec![Value::Null; width.max(col + 1)];
        let eval = |row: &[Value]| -> Result<(Value, Box<[Failure]>), EvalError> {
            let mut w = Warnings::new();
            let v = kernel.eval(expr, row, opts, &mut w)?;
            let f = if w.lines().is_empty() {
                Box::default()
            } else {
                failures_of(&w).into_boxed_slice()
            };
            Ok((v, f))
        };
        let (null_value, null_failures) = eval(&row)?;
        let mut values = Vec::with_capacity(dict.len());
        let mut tri = Vec::with_capacity(dict.len());
        let mut failures = Vec::with_capacity(dict.len());
        let mut any_failures = !null_failures.is_empty();
        for (_, s) in dict.iter() {
            row[col] = Value::Keyword(s.to_owned());
            let (v, f) = eval(&row)?;
            any_failures |= !f.is_empty();
            tri.push(tri_of(&v));
            values.push(v);
            failures.push(f);
        }
        Ok(KeywordTable {
            null_tri: tri_of(&null_value),
            values,
            tri,
            failures,
            any_failures,
            null_value,
            null_failures,
        })
    }
}

/// The column `expr` reads if it reads exactly one (and contains no aggregate-time construct).
pub fn single_column(expr: &Expr) -> Option<usize> {
    let cols = expr.columns();
    (cols.len() == 1).then(|| cols[0])
}

/// Truth not computed yet (lazy tables).
pub const UNKNOWN: u8 = 3;

/// A predicate's truth per dictionary id, computed on first lookup (for filters that only reach a few
/// of a column's values, e.g. a condition behind a selective conjunct).
#[derive(Debug, Clone)]
pub struct LazyTruth {
    /// Truth per id, [`UNKNOWN`] until computed.
    pub tri: Vec<u8>,
    /// Failures per id (empty for most).
    pub failures: Vec<Box<[Failure]>>,
    /// Truth and failures on a null row, once computed.
    pub null: Option<(u8, Box<[Failure]>)>,
}

impl LazyTruth {
    /// Nothing computed yet, for a dictionary of `n` ids.
    pub fn new(n: usize) -> LazyTruth {
        LazyTruth {
            tri: vec![UNKNOWN; n],
            failures: vec![Box::default(); n],
            null: None,
        }
    }
}

/// Evaluates `expr` with column `col` set to `v` (others null), returning truth and failures.
pub fn truth_of(
    kernel: &dyn RowKernel,
    opts: &EvalOptions,
    expr: &Expr,
    col: usize,
    width: usize,
    v: Value,
) -> Result<(u8, Box<[Failure]>), EvalError> {
    let mut row = vec![Value::Null; width.max(col + 1)];
    row[col] = v;
    let mut w = Warnings::new();
    let r = kernel.eval(expr, &row, opts, &mut w)?;
    let f = if w.lines().is_empty() {
        Box::default()
    } else {
        failures_of(&w).into_boxed_slice()
    };
    Ok((tri_of(&r), f))
}

/// True when `expr`, given single (non-multi) values in its columns, can never record a failure: column
/// reads, literals, IS NULL of such, LIKE/RLIKE over such, IN over such with literal lists, comparisons of
/// strings, and boolean logic over these. (Anything else may fail on some value and is evaluated.)
pub fn cannot_fail_on_singles(expr: &Expr) -> bool {
    use esql::plan::ExprKind as K;
    match &expr.kind {
        K::Literal(_) | K::Column(_) => true,
        // IS NULL never fails itself, but its operand may (`to_double(k) IS NULL` warns on "x").
        K::IsNull { value, .. } => cannot_fail_on_singles(value),
        K::Like { value, .. } | K::RLike { value, .. } => matches!(value.kind, K::Column(_)),
        K::In { value, list } => {
            matches!(value.kind, K::Column(_))
                && list.iter().all(|e| matches!(e.kind, K::Literal(_)))
        }
        K::Comparison { left, right, .. } => {
            left.data_type.is_string()
                && right.data_type.is_string()
                && cannot_fail_on_singles(left)
                && cannot_fail_on_singles(right)
        }
        K::Not(a) => cannot_fail_on_singles(a),
        K::And(a, b) | K::Or(a, b) => cannot_fail_on_singles(a) && cannot_fail_on_singles(b),
        _ => false,
    }
}

/// True when `expr`'s truth and failures are the same on every row whose only column read holds a
/// multi-value (two or more values), whatever those values are: literals, column reads, and the
/// single-value operators (comparisons, IN, LIKE/RLIKE, NOT, AND/OR, IS NULL) over such. By induction
/// every sub-expression's value is either the multi-value itself (a column read) or one fixed value,
/// and those operators only ask whether an operand is a multi-value (null and a warning naming the
/// expression), never what it holds. Casts, arithmetic and function calls (`MV_COUNT`, `TO_UPPER`, …)
/// may look inside, so they are not accepted.
pub fn same_on_every_multi(expr: &Expr) -> bool {
    use esql::plan::ExprKind as K;
    match &expr.kind {
        K::Literal(_) | K::Column(_) => true,
        K::IsNull { value, .. } => same_on_every_multi(value),
        K::Like { value, .. } | K::RLike { value, .. } => same_on_every_multi(value),
        K::In { value, list } => same_on_every_multi(value) && list.iter().all(same_on_every_multi),
        K::Comparison { left, right, .. } => {
            same_on_every_multi(left) && same_on_every_multi(right)
        }
        K::Not(a) => same_on_every_multi(a),
        K::And(a, b) | K::Or(a, b) => same_on_every_multi(a) && same_on_every_multi(b),
        _ => false,
    }
}
