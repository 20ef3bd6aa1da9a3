//! The multi-value functions (docs functions mv_*.md; SEMANTICS.md §2.7). They read every value of
//! their first argument; a single value is a one-element list and null gives null.
//!
//! - MV_MIN/MV_MAX order keywords by UTF-8 bytes (`MV_MIN(["foo","bar"])` = "bar").
//! - MV_FIRST/MV_LAST take the stored order (sorted for index fields, written order for ROW).
//! - MV_DEDUPE keeps the first occurrence of each value, in order.
//! - MV_SLICE(v, start, [end]) uses 0-based inclusive positions; negative positions count from the end.
//! - MV_SORT(v, [order]) sorts ascending unless the order is `DESC` (case-insensitive).
//! - MV_SUM overflows like `+` (null plus warning) and sums doubles with Kahan compensation, as does MV_AVG;
//!   MV_AVG and MV_MEDIAN return doubles for non-integer
//!   input and MV_MEDIAN of integers averages the middle pair rounding toward negative infinity, as ES does.

use std::cmp::Ordering;

use esql::plan::Expr;
use esql::{DataType, EvalError, Value};

use super::{int_arg, str_arg};
use crate::reference::Context;
use crate::reference::aggregates::sum_avg::CompensatedSum;
use crate::reference::expr::comparison::{equals, order};

fn first_values(values: &[Value]) -> &[Value] {
    values.first().map(|v| v.values()).unwrap_or(&[])
}

fn sorted(values: &[Value]) -> Vec<Value> {
    let mut out = values.to_vec();
    out.sort_by(|a, b| order(a, b).unwrap_or(Ordering::Equal));
    out
}

/// `MV_MIN(v)`.
pub fn mv_min(values: &[Value]) -> Result<Value, EvalError> {
    Ok(sorted(first_values(values))
        .into_iter()
        .next()
        .unwrap_or(Value::Null))
}

/// `MV_MAX(v)`.
pub fn mv_max(values: &[Value]) -> Result<Value, EvalError> {
    Ok(sorted(first_values(values)).pop().unwrap_or(Value::Null))
}

/// `MV_FIRST(v)`.
pub fn mv_first(values: &[Value]) -> Result<Value, EvalError> {
    Ok(first_values(values).first().cloned().unwrap_or(Value::Null))
}

/// `MV_LAST(v)`.
pub fn mv_last(values: &[Value]) -> Result<Value, EvalError> {
    Ok(first_values(values).last().cloned().unwrap_or(Value::Null))
}

/// `MV_COUNT(v)`: an integer, null for null.
pub fn mv_count(values: &[Value]) -> Result<Value, EvalError> {
    let n = first_values(values).len();
    Ok(if n == 0 {
        Value::Null
    } else {
        Value::Integer(n as i32)
    })
}

/// Removes repeated values, keeping first occurrences in order.
pub fn dedupe(values: &[Value]) -> Vec<Value> {
    let mut out: Vec<Value> = Vec::new();
    for v in values {
        if !out
            .iter()
            .any(|o| o == v || equals(o, v) && same_kind(o, v))
        {
            out.push(v.clone());
        }
    }
    out
}

fn same_kind(a: &Value, b: &Value) -> bool {
    std::mem::discriminant(a) == std::mem::discriminant(b)
}

/// `MV_DEDUPE(v)`.
pub fn mv_dedupe(values: &[Value]) -> Result<Value, EvalError> {
    Ok(Value::from_values(dedupe(first_values(values))))
}

/// `MV_APPEND(a, b)`: all values of a then all values of b; null if both are null.
pub fn mv_append(values: &[Value]) -> Result<Value, EvalError> {
    let all: Vec<Value> = values.iter().flat_map(|v| v.values().to_vec()).collect();
    Ok(Value::from_values(all))
}

/// `MV_CONTAINS(superset, subset)`: true when every value of subset is in superset (null subset → true).
pub fn mv_contains(values: &[Value]) -> Result<Value, EvalError> {
    let (sup, sub) = (
        values.first().map(|v| v.values()).unwrap_or(&[]),
        values.get(1).map(|v| v.values()).unwrap_or(&[]),
    );
    Ok(Value::Boolean(
        sub.iter().all(|s| sup.iter().any(|x| equals(x, s))),
    ))
}

/// `MV_INTERSECTION(a, b)`: the values of a also in b (deduplicated, in a's order); null if none.
pub fn mv_intersection(values: &[Value]) -> Result<Value, EvalError> {
    let (a, b) = (
        values.first().map(|v| v.values()).unwrap_or(&[]),
        values.get(1).map(|v| v.values()).unwrap_or(&[]),
    );
    let common: Vec<Value> = a
        .iter()
        .filter(|x| b.iter().any(|y| equals(x, y)))
        .cloned()
        .collect();
    Ok(Value::from_values(dedupe(&common)))
}

/// `MV_CONCAT(v, delim)`: the string values joined; null if either is null.
pub fn mv_concat(expr: &Expr, values: &[Value], ctx: &mut Context) -> Result<Value, EvalError> {
    let strings = first_values(values);
    if strings.is_empty() {
        return Ok(Value::Null);
    }
    let Some(delim) = values.get(1).and_then(|d| ctx.single(expr, d)) else {
        return Ok(Value::Null);
    };
    let delim = str_arg(delim, expr)?;
    let parts = strings
        .iter()
        .map(|s| str_arg(s, expr))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Value::Keyword(parts.join(delim)))
}

/// `MV_SLICE(v, start, [end])`.
pub fn mv_slice(expr: &Expr, values: &[Value], ctx: &mut Context) -> Result<Value, EvalError> {
    let items = first_values(values);
    if items.is_empty() {
        return Ok(Value::Null);
    }
    let Some(bounds) = ctx.singles(expr, &values[1..]) else {
        return Ok(Value::Null);
    };
    let start = int_arg(bounds[0], expr)?;
    let end = match bounds.get(1) {
        Some(e) => int_arg(e, expr)?,
        None => start,
    };
    let n = items.len() as i64;
    let (mut s, mut e) = (start, end);
    if s < 0 {
        s += n;
    }
    if e < 0 {
        e += n;
    }
    let invalid = if (start < 0) != (end < 0) {
        Some("Start offset and end offset must both be positive or both negative")
    } else if s > e {
        Some("Start offset is greater than end offset")
    } else {
        None
    };
    if let Some(message) = invalid {
        ctx.fail(
            expr,
            &format!("org.elasticsearch.xpack.esql.core.InvalidArgumentException: {message}"),
        );
        return Ok(Value::Null);
    }
    if s >= n || e < 0 {
        return Ok(Value::Null);
    }
    let (s, e) = (s.max(0) as usize, e.min(n - 1) as usize);
    Ok(Value::from_values(items[s..=e].to_vec()))
}

/// `MV_SORT(v, [order])`.
pub fn mv_sort(expr: &Expr, values: &[Value], ctx: &mut Context) -> Result<Value, EvalError> {
    let items = first_values(values);
    if items.is_empty() {
        return Ok(Value::Null);
    }
    let descending = match values.get(1) {
        None => false,
        Some(o) => match ctx.single(expr, o) {
            None => return Ok(Value::Null),
            Some(o) => match str_arg(o, expr)?.to_ascii_uppercase().as_str() {
                "ASC" => false,
                "DESC" => true,
                other => {
                    return Err(EvalError::Execution(format!(
                        "Invalid order value in [{}], expected one of [ASC, DESC] but got [{other}]",
                        expr.text
                    )));
                }
            },
        },
    };
    let mut out = sorted(items);
    if descending {
        out.reverse();
    }
    Ok(Value::from_values(out))
}

/// `MV_SUM(v)`: same type as the input; overflow is null plus warning.
pub fn mv_sum(expr: &Expr, values: &[Value], ctx: &mut Context) -> Result<Value, EvalError> {
    let items = first_values(values);
    if items.is_empty() {
        return Ok(Value::Null);
    }
    let result = match expr.data_type {
        DataType::Double => {
            let mut sum = CompensatedSum::default();
            items.iter().for_each(|v| sum.add(f64_of(v)));
            Ok(Value::Double(sum.value()))
        }
        DataType::Integer => items
            .iter()
            .try_fold(0i32, |acc, v| acc.checked_add(i64_of(v) as i32))
            .map(Value::Integer)
            .ok_or("integer overflow"),
        DataType::UnsignedLong => items
            .iter()
            .try_fold(0u64, |acc, v| match v {
                Value::UnsignedLong(u) => acc.checked_add(*u),
                _ => None,
            })
            .map(Value::UnsignedLong)
            .ok_or("unsigned_long overflow"),
        _ => items
            .iter()
            .try_fold(0i64, |acc, v| acc.checked_add(i64_of(v)))
            .map(Value::Long)
            .ok_or("long overflow"),
    };
    Ok(result.unwrap_or_else(|m| {
        ctx.fail(expr, &format!("java.lang.ArithmeticException: {m}"));
        Value::Null
    }))
}

fn f64_of(v: &Value) -> f64 {
    match v {
        Value::Integer(i) => *i as f64,
        Value::Long(i) => *i as f64,
        Value::UnsignedLong(u) => *u as f64,
        Value::Double(d) => *d,
        _ => f64::NAN,
    }
}

fn i64_of(v: &Value) -> i64 {
    match v {
        Value::Integer(i) => *i as i64,
        Value::Long(i) => *i,
        _ => 0,
    }
}

/// `MV_AVG(v)`: a double.
pub fn mv_avg(_expr: &Expr, values: &[Value], _ctx: &mut Context) -> Result<Value, EvalError> {
    let items = first_values(values);
    if items.is_empty() {
        return Ok(Value::Null);
    }
    let mut sum = CompensatedSum::default();
    items.iter().for_each(|v| sum.add(f64_of(v)));
    Ok(Value::Double(sum.value() / items.len() as f64))
}

/// `MV_MEDIAN(v)`: the middle value; for an even count the mean of the middle two (whole numbers
/// round toward negative infinity).
pub fn mv_median(expr: &Expr, values: &[Value]) -> Result<Value, EvalError> {
    let items = sorted(first_values(values));
    let n = items.len();
    if n == 0 {
        return Ok(Value::Null);
    }
    if n % 2 == 1 {
        return Ok(items[n / 2].clone());
    }
    let (a, b) = (&items[n / 2 - 1], &items[n / 2]);
    Ok(match (a, b) {
        (Value::Integer(x), Value::Integer(y)) => {
            Value::Integer(((*x as i64 + *y as i64).div_euclid(2)) as i32)
        }
        (Value::Long(x), Value::Long(y)) => {
            Value::Long(((*x as i128 + *y as i128).div_euclid(2)) as i64)
        }
        (Value::UnsignedLong(x), Value::UnsignedLong(y)) => {
            Value::UnsignedLong(((*x as u128 + *y as u128) / 2) as u64)
        }
        (Value::Double(x), Value::Double(y)) => Value::Double((x + y) / 2.0),
        _ => {
            return Err(EvalError::Internal(format!(
                "MV_MEDIAN of {a:?} in [{}]",
                expr.text
            )));
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reference::test_utils::typed_expr;

    fn kws(v: &[&str]) -> Value {
        Value::from_values(v.iter().map(|s| Value::keyword(*s)).collect())
    }

    /// docs mv_min: `MV_MIN(["foo","bar"])` = "bar"; by UTF-8 bytes.
    #[test]
    fn min_max_by_bytes() {
        assert_eq!(
            mv_min(&[kws(&["foo", "bar"])]).unwrap(),
            Value::keyword("bar")
        );
        assert_eq!(
            mv_max(&[kws(&["Zebra", "apple"])]).unwrap(),
            Value::keyword("apple")
        );
        assert_eq!(mv_min(&[Value::Null]).unwrap(), Value::Null);
        assert_eq!(mv_max(&[Value::Integer(3)]).unwrap(), Value::Integer(3));
    }

    #[test]
    fn count_first_last_dedupe() {
        let v = kws(&["b", "a", "b"]);
        assert_eq!(
            mv_count(std::slice::from_ref(&v)).unwrap(),
            Value::Integer(3)
        );
        assert_eq!(
            mv_first(std::slice::from_ref(&v)).unwrap(),
            Value::keyword("b")
        );
        assert_eq!(
            mv_last(std::slice::from_ref(&v)).unwrap(),
            Value::keyword("b")
        );
        assert_eq!(
            mv_dedupe(std::slice::from_ref(&v)).unwrap(),
            kws(&["b", "a"])
        );
        assert_eq!(mv_count(&[Value::Null]).unwrap(), Value::Null);
    }

    #[test]
    fn slice_and_sort() {
        let mut ctx = Context::new(0);
        let e = typed_expr(DataType::Integer, "mv_slice(a, 1, 2)");
        let v = Value::Multi((1..=5).map(Value::Integer).collect());
        let s = |a: i32, b: i32, ctx: &mut Context| {
            mv_slice(&e, &[v.clone(), Value::Integer(a), Value::Integer(b)], ctx).unwrap()
        };
        assert_eq!(
            s(1, 2, &mut ctx),
            Value::Multi(vec![Value::Integer(2), Value::Integer(3)])
        );
        assert_eq!(
            s(-2, -1, &mut ctx),
            Value::Multi(vec![Value::Integer(4), Value::Integer(5)])
        );
        assert_eq!(s(4, 9, &mut ctx), Value::Integer(5));
        assert_eq!(s(7, 9, &mut ctx), Value::Null);
        let sorted = mv_sort(
            &e,
            &[kws(&["b", "c", "a"]), Value::keyword("desc")],
            &mut ctx,
        )
        .unwrap();
        assert_eq!(sorted, kws(&["c", "b", "a"]));
    }

    #[test]
    fn concat_and_sum() {
        let mut ctx = Context::new(0);
        let e = typed_expr(DataType::Keyword, "mv_concat(a, \", \")");
        assert_eq!(
            mv_concat(&e, &[kws(&["a", "b"]), Value::keyword(", ")], &mut ctx).unwrap(),
            Value::keyword("a, b")
        );
        let e = typed_expr(DataType::Long, "mv_sum(a)");
        let big = Value::Multi(vec![Value::Long(i64::MAX), Value::Long(1)]);
        assert_eq!(mv_sum(&e, &[big], &mut ctx).unwrap(), Value::Null);
        assert_eq!(ctx.warnings.lines().len(), 2);
        let e = typed_expr(DataType::Integer, "mv_median(a)");
        let v = Value::Multi(vec![Value::Integer(1), Value::Integer(2)]);
        assert_eq!(mv_median(&e, &[v]).unwrap(), Value::Integer(1));
    }
}
