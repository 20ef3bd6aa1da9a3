//! The engine's own scalar semantics: evaluating one typed expression on one row of values.
//!
//! This is what the columnar paths fall back to for a value they do not specialise (a dictionary value
//! of a keyword predicate, a computed EVAL column on a selected row, a STATS output over a group, the
//! post-aggregation steps). It is written for the engine and shares no code with the reference
//! evaluator, which checks it: only the syntax-level algorithms of `esql::algo` (LIKE
//! wildcards, Lucene RegExp, Java number and date formats, HLL++) are common.
//!
//! Rules every operator here keeps (ES's): a null argument of a single-value operation gives null
//! silently; a multi-valued one gives null and two warning lines (header + `IllegalArgumentException`)
//! naming the expression's text and position; a literal `null` argument folds the call to null without
//! a warning; arithmetic overflow and division by zero give null plus an `ArithmeticException` line.

pub mod arith;
pub mod call;
pub mod convert;
pub mod dates;
pub mod multi;
pub mod order;
pub mod patterns;
pub mod strings;

use std::sync::Arc;

use esql::plan::{Expr, ExprKind};
use esql::{EvalError, Value, Warnings};

pub use patterns::PatternCache;

/// What one evaluation of expressions needs: the warnings being recorded, the clock and the compiled
/// pattern cache.
pub struct Scope<'a> {
    /// Warnings recorded so far (ES's order and caps).
    pub warnings: &'a mut Warnings,
    /// What `NOW()` returns, epoch milliseconds.
    pub now_millis: i64,
    /// Compiled LIKE/RLIKE/GROK patterns, shared across calls.
    pub patterns: &'a PatternCache,
}

impl Scope<'_> {
    /// Records that `expr` failed with the Java exception line `exception`.
    pub fn fail(&mut self, expr: &Expr, exception: &str) {
        self.warnings.failure(expr.position, &expr.text, exception);
    }

    /// Records that `expr` met a multi-value where it needs a single value.
    pub fn multi(&mut self, expr: &Expr) {
        self.warnings.multi_value(expr.position, &expr.text);
    }

    /// The one value of `v` for the single-value operation `expr`: `None` (null result) for null, and
    /// for a multi-value after recording the warning.
    pub fn single<'v>(&mut self, expr: &Expr, v: &'v Value) -> Option<&'v Value> {
        match v {
            Value::Null => None,
            Value::Multi(_) => {
                self.multi(expr);
                None
            }
            x => Some(x),
        }
    }

    /// The single values of every argument of `expr`, or `None` when the result is null (a literal null
    /// argument folds silently; otherwise the first null or multi-value, left to right, decides).
    pub fn singles<'v>(&mut self, expr: &Expr, args: &'v [Value]) -> Option<Vec<&'v Value>> {
        if folds_to_null(expr) {
            return None;
        }
        let mut out = Vec::with_capacity(args.len());
        for a in args {
            out.push(self.single(expr, a)?);
        }
        Some(out)
    }
}

/// True when one of `expr`'s direct arguments is the literal `null` (ES folds the call to null).
pub fn folds_to_null(expr: &Expr) -> bool {
    expr.children()
        .iter()
        .any(|c| matches!(c.kind, ExprKind::Literal(Value::Null)))
}

/// Evaluates `expr` on `row`.
pub fn eval(expr: &Expr, row: &[Value], s: &mut Scope<'_>) -> Result<Value, EvalError> {
    Ok(match &expr.kind {
        ExprKind::Literal(v) => v.clone(),
        ExprKind::Column(i) => row.get(*i).cloned().ok_or_else(|| {
            EvalError::Internal(format!(
                "[{}] reads column {i} of a {}-column row",
                expr.text,
                row.len()
            ))
        })?,
        ExprKind::Not(a) => {
            let v = eval(a, row, s)?;
            match s.single(expr, &v) {
                Some(Value::Boolean(b)) => Value::Boolean(!b),
                _ => Value::Null,
            }
        }
        ExprKind::And(a, b) => {
            let (x, y) = (truth(&eval(a, row, s)?), truth(&eval(b, row, s)?));
            match (x, y) {
                (Some(false), _) | (_, Some(false)) => Value::Boolean(false),
                (Some(true), Some(true)) => Value::Boolean(true),
                _ => Value::Null,
            }
        }
        ExprKind::Or(a, b) => {
            let (x, y) = (truth(&eval(a, row, s)?), truth(&eval(b, row, s)?));
            match (x, y) {
                (Some(true), _) | (_, Some(true)) => Value::Boolean(true),
                (Some(false), Some(false)) => Value::Boolean(false),
                _ => Value::Null,
            }
        }
        ExprKind::IsNull { value, negated } => {
            Value::Boolean(eval(value, row, s)?.is_null() != *negated)
        }
        ExprKind::Comparison { op, left, right } => {
            let args = [eval(left, row, s)?, eval(right, row, s)?];
            match s.singles(expr, &args) {
                Some(v) => Value::Boolean(order::test(*op, v[0], v[1])),
                None => Value::Null,
            }
        }
        ExprKind::In { value, list } => {
            let v = eval(value, row, s)?;
            let mut items = Vec::with_capacity(list.len());
            for e in list {
                items.push(eval(e, row, s)?);
            }
            in_list(expr, &v, &items, s)
        }
        ExprKind::Arithmetic { op, left, right } => {
            let args = [eval(left, row, s)?, eval(right, row, s)?];
            arith::binary(expr, *op, &args, s)?
        }
        ExprKind::Negate(a) => {
            let v = eval(a, row, s)?;
            arith::negate(expr, &v, s)?
        }
        ExprKind::Like { value, patterns } => {
            let v = eval(value, row, s)?;
            let m = s.patterns.like(patterns);
            patterns::test(expr, &v, &m, s)?
        }
        ExprKind::RLike { value, patterns } => {
            let v = eval(value, row, s)?;
            let m = s.patterns.rlike(patterns)?;
            patterns::test(expr, &v, &m, s)?
        }
        ExprKind::Cast { value, to } => {
            let v = eval(value, row, s)?;
            convert::cast(expr, &v, *to, s)?
        }
        ExprKind::Call { function, args } => call::call(expr, *function, args, row, s)?,
    })
}

/// The truth of a value for AND/OR: a multi-value or non-boolean counts as unknown.
fn truth(v: &Value) -> Option<bool> {
    match v {
        Value::Boolean(b) => Some(*b),
        _ => None,
    }
}

/// `value IN (items)`: true on a match, else null if some item was null, else false.
fn in_list(expr: &Expr, value: &Value, items: &[Value], s: &mut Scope<'_>) -> Value {
    let Some(v) = s.single(expr, value) else {
        return Value::Null;
    };
    let mut unknown = false;
    for item in items {
        match item {
            Value::Null => unknown = true,
            Value::Multi(_) => {
                s.multi(expr);
                return Value::Null;
            }
            x if order::equal(v, x) => return Value::Boolean(true),
            _ => {}
        }
    }
    if unknown {
        Value::Null
    } else {
        Value::Boolean(false)
    }
}

/// True only for a single `true` (WHERE keeps the row).
pub fn is_true(expr: &Expr, row: &[Value], s: &mut Scope<'_>) -> Result<bool, EvalError> {
    Ok(matches!(eval(expr, row, s)?, Value::Boolean(true)))
}

/// The string of a keyword argument (the analyzer guarantees the type).
pub(crate) fn text<'v>(v: &'v Value, expr: &Expr) -> Result<&'v str, EvalError> {
    v.as_str().ok_or_else(|| {
        EvalError::Internal(format!("[{}]: expected a string, got {v:?}", expr.text))
    })
}

/// A whole-number argument as i64 (unsigned values saturate).
pub(crate) fn whole(v: &Value, expr: &Expr) -> Result<i64, EvalError> {
    match v {
        Value::Integer(i) => Ok(i64::from(*i)),
        Value::Long(i) => Ok(*i),
        Value::UnsignedLong(u) => Ok(i64::try_from(*u).unwrap_or(i64::MAX)),
        other => Err(EvalError::Internal(format!(
            "[{}]: expected a whole number, got {other:?}",
            expr.text
        ))),
    }
}

/// A numeric value as f64 (NaN for anything else).
pub(crate) fn float(v: &Value) -> f64 {
    match v {
        Value::Integer(i) => f64::from(*i),
        Value::Long(i) => *i as f64,
        Value::UnsignedLong(u) => *u as f64,
        Value::Double(d) => *d,
        _ => f64::NAN,
    }
}

/// A shared, empty pattern cache (for callers that evaluate a handful of constants).
pub fn fresh_patterns() -> Arc<PatternCache> {
    Arc::new(PatternCache::default())
}
