//! Multi-value functions (`MV_*`), which read every value of their first argument rather than requiring
//! a single one.
//!
//! An empty first argument gives null. MV_MIN/MV_MAX/MV_SORT/MV_MEDIAN order values as the comparison
//! operators do; MV_DEDUPE keeps first occurrences; MV_SUM checks overflow in the result type and sums
//! doubles with Kahan compensation, as ES does.

use esql::functions::ScalarFunction as F;
use esql::plan::Expr;
use esql::{DataType, EvalError, Value};

use super::order::{dedupe, equal, sort_values};
use super::{Scope, float, text, whole};

/// A Kahan–Babuška compensated double sum, as ES's `CompensatedSum`.
#[derive(Debug, Default, Clone, Copy)]
pub struct Kahan {
    sum: f64,
    correction: f64,
}

impl Kahan {
    /// Adds a value.
    pub fn add(&mut self, x: f64) {
        if !x.is_finite() {
            self.sum += x;
        }
        if self.sum.is_finite() {
            let y = x + self.correction;
            let t = self.sum + y;
            self.correction = y - (t - self.sum);
            self.sum = t;
        }
    }

    /// The running sum.
    pub fn value(&self) -> f64 {
        self.sum
    }

    /// The sum as a two-phase aggregation reports it (correction folded in).
    pub fn combined(&self) -> f64 {
        if self.sum.is_finite() {
            self.sum + self.correction
        } else {
            self.sum
        }
    }
}

fn items(values: &[Value]) -> &[Value] {
    values.first().map_or(&[], Value::values)
}

fn sorted(values: &[Value]) -> Vec<Value> {
    let mut v = values.to_vec();
    sort_values(&mut v);
    v
}

/// The smallest (`max`: largest) of `xs` when every one is a keyword, found in one pass without
/// copying the list: keywords compare by their UTF-8 bytes, a total order in which equal strings
/// are the same value, so this is the first (last) value of the sorted list. `None` otherwise.
fn keyword_extreme(xs: &[Value], max: bool) -> Option<Value> {
    let mut best: Option<&str> = None;
    for x in xs {
        let Value::Keyword(s) = x else {
            return None;
        };
        best = match best {
            Some(b) if (s.as_bytes() > b.as_bytes()) != max || s == b => Some(b),
            _ => Some(s),
        };
    }
    best.map(|b| Value::Keyword(b.to_owned()))
}

/// The smallest value of `v` (null when empty).
pub fn min_of(v: &Value) -> Value {
    if let Some(m) = keyword_extreme(v.values(), false) {
        return m;
    }
    sorted(v.values()).into_iter().next().unwrap_or(Value::Null)
}

/// The largest value of `v` (null when empty).
pub fn max_of(v: &Value) -> Value {
    if let Some(m) = keyword_extreme(v.values(), true) {
        return m;
    }
    sorted(v.values()).pop().unwrap_or(Value::Null)
}

fn arith_fail(expr: &Expr, s: &mut Scope<'_>, m: &str) -> Value {
    s.fail(expr, &format!("java.lang.ArithmeticException: {m}"));
    Value::Null
}

/// The `MV_*` functions; `None` when `f` is not one of them.
pub fn call(
    expr: &Expr,
    f: F,
    values: &[Value],
    s: &mut Scope<'_>,
) -> Result<Option<Value>, EvalError> {
    let xs = items(values);
    let second = || values.get(1).map_or(&[][..], Value::values);
    let out = match f {
        F::MvMin => min_of(values.first().unwrap_or(&Value::Null)),
        F::MvMax => max_of(values.first().unwrap_or(&Value::Null)),
        F::MvFirst => xs.first().cloned().unwrap_or(Value::Null),
        F::MvLast => xs.last().cloned().unwrap_or(Value::Null),
        F::MvCount if xs.is_empty() => Value::Null,
        F::MvCount => Value::Integer(xs.len() as i32),
        F::MvDedupe => Value::from_values(dedupe(xs)),
        F::MvAppend => {
            Value::from_values(values.iter().flat_map(|v| v.values().to_vec()).collect())
        }
        F::MvContains => Value::Boolean(second().iter().all(|b| xs.iter().any(|a| equal(a, b)))),
        F::MvIntersection => {
            let other = second();
            let common: Vec<Value> = xs
                .iter()
                .filter(|a| other.iter().any(|b| equal(a, b)))
                .cloned()
                .collect();
            Value::from_values(dedupe(&common))
        }
        F::MvConcat => {
            if xs.is_empty() {
                return Ok(Some(Value::Null));
            }
            let Some(d) = values.get(1).and_then(|d| s.single(expr, d)) else {
                return Ok(Some(Value::Null));
            };
            let d = text(d, expr)?;
            let parts = xs
                .iter()
                .map(|x| text(x, expr))
                .collect::<Result<Vec<_>, _>>()?;
            Value::Keyword(parts.join(d))
        }
        F::MvSlice => slice(expr, values, s)?,
        F::MvSort => {
            if xs.is_empty() {
                return Ok(Some(Value::Null));
            }
            let desc = match values.get(1) {
                None => false,
                Some(o) => match s.single(expr, o) {
                    None => return Ok(Some(Value::Null)),
                    Some(o) => match text(o, expr)?.to_ascii_uppercase().as_str() {
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
            let mut v = sorted(xs);
            if desc {
                v.reverse();
            }
            Value::from_values(v)
        }
        F::MvSum if xs.is_empty() => Value::Null,
        F::MvSum => match expr.data_type {
            DataType::Double => {
                let mut k = Kahan::default();
                xs.iter().for_each(|x| k.add(float(x)));
                Value::Double(k.value())
            }
            DataType::Integer => {
                let mut acc: i32 = 0;
                for x in xs {
                    match acc.checked_add(whole(x, expr)? as i32) {
                        Some(a) => acc = a,
                        None => return Ok(Some(arith_fail(expr, s, "integer overflow"))),
                    }
                }
                Value::Integer(acc)
            }
            DataType::UnsignedLong => {
                let mut acc: u64 = 0;
                for x in xs {
                    let Value::UnsignedLong(u) = x else {
                        return Ok(Some(arith_fail(expr, s, "unsigned_long overflow")));
                    };
                    match acc.checked_add(*u) {
                        Some(a) => acc = a,
                        None => return Ok(Some(arith_fail(expr, s, "unsigned_long overflow"))),
                    }
                }
                Value::UnsignedLong(acc)
            }
            _ => {
                let mut acc: i64 = 0;
                for x in xs {
                    let y = match x {
                        Value::Integer(i) => i64::from(*i),
                        Value::Long(i) => *i,
                        _ => 0,
                    };
                    match acc.checked_add(y) {
                        Some(a) => acc = a,
                        None => return Ok(Some(arith_fail(expr, s, "long overflow"))),
                    }
                }
                Value::Long(acc)
            }
        },
        F::MvAvg if xs.is_empty() => Value::Null,
        F::MvAvg => {
            let mut k = Kahan::default();
            xs.iter().for_each(|x| k.add(float(x)));
            Value::Double(k.value() / xs.len() as f64)
        }
        F::MvMedian => median(expr, xs)?,
        _ => return Ok(None),
    };
    Ok(Some(out))
}

fn median(expr: &Expr, xs: &[Value]) -> Result<Value, EvalError> {
    let v = sorted(xs);
    let n = v.len();
    if n == 0 {
        return Ok(Value::Null);
    }
    if n % 2 == 1 {
        return Ok(v[n / 2].clone());
    }
    Ok(match (&v[n / 2 - 1], &v[n / 2]) {
        (Value::Integer(a), Value::Integer(b)) => {
            Value::Integer((i64::from(*a) + i64::from(*b)).div_euclid(2) as i32)
        }
        (Value::Long(a), Value::Long(b)) => {
            Value::Long((i128::from(*a) + i128::from(*b)).div_euclid(2) as i64)
        }
        (Value::UnsignedLong(a), Value::UnsignedLong(b)) => {
            Value::UnsignedLong(((u128::from(*a) + u128::from(*b)) / 2) as u64)
        }
        (Value::Double(a), Value::Double(b)) => Value::Double((a + b) / 2.0),
        (a, _) => {
            return Err(EvalError::Internal(format!(
                "[{}]: MV_MEDIAN of {a:?}",
                expr.text
            )));
        }
    })
}

fn slice(expr: &Expr, values: &[Value], s: &mut Scope<'_>) -> Result<Value, EvalError> {
    let xs = items(values);
    if xs.is_empty() {
        return Ok(Value::Null);
    }
    let Some(b) = s.singles(expr, &values[1..]) else {
        return Ok(Value::Null);
    };
    let start = whole(b[0], expr)?;
    let end = match b.get(1) {
        Some(e) => whole(e, expr)?,
        None => start,
    };
    let n = xs.len() as i64;
    let from = if start < 0 { start + n } else { start };
    let to = if end < 0 { end + n } else { end };
    let problem = if (start < 0) != (end < 0) {
        Some("Start offset and end offset must both be positive or both negative")
    } else if from > to {
        Some("Start offset is greater than end offset")
    } else {
        None
    };
    if let Some(m) = problem {
        s.fail(
            expr,
            &format!("org.elasticsearch.xpack.esql.core.InvalidArgumentException: {m}"),
        );
        return Ok(Value::Null);
    }
    if from >= n || to < 0 {
        return Ok(Value::Null);
    }
    let (from, to) = (from.max(0) as usize, to.min(n - 1) as usize);
    Ok(Value::from_values(xs[from..=to].to_vec()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::synthetic::Rng;

    /// MV_MIN/MV_MAX of keywords (one pass) equal the first/last value of the sorted list, on
    /// lists with repeats, prefixes, empty and non-ASCII strings; mixed lists keep the sorting path.
    #[test]
    fn keyword_extremes_equal_the_sorted_ends() {
        let words = ["", "a", "ab", "b", "B", "é", "ab\u{0}", "zz", "a"];
        let mut rng = Rng::new(3);
        for n in 1..12 {
            for _ in 0..50 {
                let xs: Vec<Value> = (0..n)
                    .map(|_| Value::Keyword(words[rng.below(words.len())].into()))
                    .collect();
                let v = Value::from_values(xs.clone());
                let s = sorted(&xs);
                assert_eq!(min_of(&v), s[0], "{xs:?}");
                assert_eq!(max_of(&v), s[s.len() - 1], "{xs:?}");
            }
        }
        let mixed = Value::from_values(vec![Value::Keyword("b".into()), Value::Integer(1)]);
        assert_eq!(keyword_extreme(mixed.values(), false), None);
        assert_eq!(min_of(&Value::Null), Value::Null);
    }
}
