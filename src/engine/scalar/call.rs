//! Scalar function calls: CASE and COALESCE (which evaluate their arguments lazily), GREATEST/LEAST,
//! the math functions, NOW, the `TO_*` conversions, then the string, date and multi-value families.
//!
//! A function this engine does not implement is an `EvalError::Unsupported` naming it, never a null.

use esql::functions::ScalarFunction as F;
use esql::plan::Expr;
use esql::{EvalError, Value};

use super::multi::{max_of, min_of};
use super::order::cmp;
use super::{Scope, convert, dates, eval, multi, strings, whole};

/// Evaluates `function(args)` for `expr` on `row`.
pub fn call(
    expr: &Expr,
    function: F,
    args: &[Expr],
    row: &[Value],
    s: &mut Scope<'_>,
) -> Result<Value, EvalError> {
    match function {
        F::Case => return case(args, row, s),
        F::Coalesce => {
            for a in args {
                let v = eval(a, row, s)?;
                if !v.is_null() {
                    return Ok(v);
                }
            }
            return Ok(Value::Null);
        }
        _ => {}
    }
    if let (F::MvMin | F::MvMax, [a]) = (function, args)
        && let esql::plan::ExprKind::Column(i) = a.kind
        && let Some(v) = row.get(i)
    {
        // A column read (e.g. a VALUES result): its list is read in place, not copied.
        return Ok(if matches!(function, F::MvMin) {
            min_of(v)
        } else {
            max_of(v)
        });
    }
    let mut values = Vec::with_capacity(args.len());
    for a in args {
        values.push(eval(a, row, s)?);
    }
    match function {
        F::Now => return Ok(Value::Date(s.now_millis)),
        F::Pi => return Ok(Value::Double(std::f64::consts::PI)),
        F::E => return Ok(Value::Double(std::f64::consts::E)),
        F::Greatest => return Ok(extreme(&values, std::cmp::Ordering::Greater)),
        F::Least => return Ok(extreme(&values, std::cmp::Ordering::Less)),
        F::Abs | F::Round | F::Pow => return math(expr, function, &values, s),
        F::ToBoolean
        | F::ToDatetime
        | F::ToDouble
        | F::ToInteger
        | F::ToIp
        | F::ToLong
        | F::ToString
        | F::ToUnsignedLong
        | F::ToVersion => {
            let v = values.first().cloned().unwrap_or(Value::Null);
            return convert::cast(expr, &v, expr.data_type, s);
        }
        _ => {}
    }
    if let Some(v) = strings::call(expr, function, &values, s)? {
        return Ok(v);
    }
    if let Some(v) = dates::call(expr, function, &values, s)? {
        return Ok(v);
    }
    if let Some(v) = multi::call(expr, function, &values, s)? {
        return Ok(v);
    }
    Err(EvalError::Unsupported(format!(
        "function [{}] in the optimized engine",
        function.name()
    )))
}

/// CASE(c1, v1, c2, v2, …, [else]): the value of the first condition that is a single `true`; a
/// multi-valued condition counts as false and warns under the condition's own text.
fn case(args: &[Expr], row: &[Value], s: &mut Scope<'_>) -> Result<Value, EvalError> {
    let mut pairs = args.chunks_exact(2);
    for pair in &mut pairs {
        let taken = match eval(&pair[0], row, s)? {
            Value::Boolean(b) => b,
            Value::Multi(_) => {
                s.multi(&pair[0]);
                false
            }
            _ => false,
        };
        if taken {
            return eval(&pair[1], row, s);
        }
    }
    match pairs.remainder() {
        [otherwise] => eval(otherwise, row, s),
        _ => Ok(Value::Null),
    }
}

/// GREATEST/LEAST: each argument reduces to its own extreme value; any null argument gives null.
fn extreme(values: &[Value], want: std::cmp::Ordering) -> Value {
    let mut best: Option<Value> = None;
    for v in values {
        let c = if want.is_gt() { max_of(v) } else { min_of(v) };
        if c.is_null() {
            return Value::Null;
        }
        let replace = match &best {
            Some(b) => cmp(&c, b) == Some(want),
            None => true,
        };
        if replace {
            best = Some(c);
        }
    }
    best.unwrap_or(Value::Null)
}

fn math(expr: &Expr, f: F, values: &[Value], s: &mut Scope<'_>) -> Result<Value, EvalError> {
    let Some(v) = s.singles(expr, values) else {
        return Ok(Value::Null);
    };
    let fail = |s: &mut Scope<'_>, m: &str| {
        s.fail(expr, &format!("java.lang.ArithmeticException: {m}"));
        Value::Null
    };
    let bad = |x: &Value| EvalError::Internal(format!("[{}]: {} of {x:?}", expr.text, f.name()));
    Ok(match f {
        F::Abs => match v[0] {
            Value::Integer(i) => Value::Integer(i.wrapping_abs()),
            Value::Long(i) => Value::Long(i.wrapping_abs()),
            Value::Double(d) => Value::Double(d.abs()),
            Value::UnsignedLong(u) => Value::UnsignedLong(*u),
            x => return Err(bad(x)),
        },
        F::Pow => {
            let r = super::float(v[0]).powf(super::float(v[1]));
            if r.is_finite() {
                Value::Double(r)
            } else {
                let m = format!("not a finite double number: {}", esql::format::double(r));
                fail(s, &m)
            }
        }
        F::Round => {
            let digits = match v.get(1) {
                Some(d) => whole(d, expr)?,
                None => 0,
            };
            let r = match v[0] {
                Value::Double(d) => Ok(Value::Double(round_double(*d, digits))),
                Value::Integer(i) => round_long(i64::from(*i), digits).and_then(|x| {
                    i32::try_from(x)
                        .map(Value::Integer)
                        .map_err(|_| "integer overflow")
                }),
                Value::Long(i) => round_long(*i, digits).map(Value::Long),
                Value::UnsignedLong(u) => round_unsigned(*u, digits).map(Value::UnsignedLong),
                x => return Err(bad(x)),
            };
            r.unwrap_or_else(|m| fail(s, m))
        }
        _ => return Err(bad(v[0])),
    })
}

/// ES's `Maths.round(double, int)`: half away from zero at the given decimal digits.
pub fn round_double(n: f64, digits: i64) -> f64 {
    if n.is_nan() {
        return 0.0;
    }
    let scale = 10f64.powi(digits.clamp(-400, 400) as i32);
    if scale == 0.0 || n == 0.0 {
        return 0.0;
    }
    let scaled = n * scale;
    if scaled.is_infinite() {
        return n;
    }
    let sign = if scaled >= 0.0 { 1.0 } else { -1.0 };
    let magnitude = scaled.abs();
    let rounded = if magnitude < 9.223_372_036_854_776e18 {
        magnitude.round()
    } else {
        magnitude
    };
    rounded / scale * sign
}

/// Rounds a long to `digits` (negative: tens, hundreds, …), half away from zero.
pub fn round_long(n: i64, digits: i64) -> Result<i64, &'static str> {
    if n == 0 || digits >= 0 {
        return Ok(n);
    }
    if digits <= -20 {
        return Ok(0);
    }
    let places = (-digits) as u32;
    if places == 19 {
        const HALF: i64 = 5_000_000_000_000_000_000;
        return if n >= HALF || n <= -HALF {
            Err("long overflow")
        } else {
            Ok(0)
        };
    }
    let scale = 10i64.pow(places);
    let (mut q, r) = (n / scale, n % scale);
    if r >= scale / 2 {
        q += 1;
    } else if r <= -(scale / 2) {
        q -= 1;
    }
    q.checked_mul(scale).ok_or("long overflow")
}

fn round_unsigned(n: u64, digits: i64) -> Result<u64, &'static str> {
    if n == 0 || digits >= 0 {
        return Ok(n);
    }
    if digits <= -21 {
        return Ok(0);
    }
    let scale = 10u128.pow((-digits) as u32);
    let (q, r) = (u128::from(n) / scale, u128::from(n) % scale);
    let q = if r >= scale / 2 { q + 1 } else { q };
    u64::try_from(q * scale).map_err(|_| "unsigned_long overflow")
}
