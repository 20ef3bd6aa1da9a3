//! ABS, ROUND and POW (docs functions abs.md, round.md, pow.md; ES `Round` and `Maths.round`).
//!
//! - ABS keeps the type (`Math.abs`, so the smallest integer stays negative).
//! - ROUND(n, [decimals]) keeps the type. Doubles: scale by 10^decimals, round half away from zero,
//!   scale back (`ROUND(2.5)` = 3.0, `ROUND(-2.5)` = -3.0). Whole numbers are unchanged for decimals ≥ 0
//!   and rounded half away from zero at 10^-decimals otherwise; overflow is null plus the Java warning.
//! - POW(base, exp) is a double; a non-finite result is null plus
//!   `java.lang.ArithmeticException: not a finite double number: …`.

use esql::plan::Expr;
use esql::{EvalError, Value};

use super::int_arg;
use crate::reference::Context;

/// `ABS(n)`.
pub fn abs(expr: &Expr, values: &[Value], ctx: &mut Context) -> Result<Value, EvalError> {
    let Some(vs) = ctx.singles(expr, values) else {
        return Ok(Value::Null);
    };
    Ok(match vs[0] {
        Value::Integer(i) => Value::Integer(i.wrapping_abs()),
        Value::Long(i) => Value::Long(i.wrapping_abs()),
        Value::Double(d) => Value::Double(d.abs()),
        Value::UnsignedLong(u) => Value::UnsignedLong(*u),
        other => {
            return Err(EvalError::Internal(format!(
                "ABS of {other:?} in [{}]",
                expr.text
            )));
        }
    })
}

fn ten_power(n: i64) -> f64 {
    10f64.powi(n.clamp(-400, 400) as i32)
}

/// ES `Maths.round(double, precision)`.
pub fn round_double(n: f64, precision: i64) -> f64 {
    if n.is_nan() {
        return 0.0;
    }
    let scale = ten_power(precision);
    if scale == 0.0 || n == 0.0 {
        return 0.0;
    }
    let middle = n * scale;
    if middle.is_infinite() {
        return n;
    }
    let sign = if middle >= 0.0 { 1.0 } else { -1.0 };
    // Java's Math.round(x) for x ≥ 0 is floor(x + 1/2), which f64::round computes exactly; beyond the
    // long range the value is already whole.
    let rounded = if middle.abs() < 9.223_372_036_854_776e18 {
        middle.abs().round()
    } else {
        middle.abs()
    };
    rounded / scale * sign
}

/// ES `Maths.round(long, precision)`: `Err` on overflow.
pub fn round_long(n: i64, precision: i64) -> Result<i64, &'static str> {
    if n == 0 || precision >= 0 {
        return Ok(n);
    }
    if precision <= -20 {
        return Ok(0);
    }
    let digits = (-precision) as u32;
    if digits == 19 {
        const HALF: i64 = 5_000_000_000_000_000_000;
        return if n >= HALF || n <= -HALF {
            Err("long overflow")
        } else {
            Ok(0)
        };
    }
    let scale = 10i64.pow(digits);
    let mut middle = n / scale;
    let remainder = n % scale;
    let half = scale / 2;
    if remainder >= half {
        middle += 1;
    } else if remainder <= -half {
        middle -= 1;
    }
    middle.checked_mul(scale).ok_or("long overflow")
}

/// `ROUND(n, [decimals])`.
pub fn round(expr: &Expr, values: &[Value], ctx: &mut Context) -> Result<Value, EvalError> {
    let Some(vs) = ctx.singles(expr, values) else {
        return Ok(Value::Null);
    };
    let decimals = match vs.get(1) {
        Some(d) => int_arg(d, expr)?,
        None => 0,
    };
    let result = match vs[0] {
        Value::Double(d) => Ok(Value::Double(round_double(*d, decimals))),
        Value::Integer(i) => round_long(*i as i64, decimals).and_then(|v| {
            i32::try_from(v)
                .map(Value::Integer)
                .map_err(|_| "integer overflow")
        }),
        Value::Long(i) => round_long(*i, decimals).map(Value::Long),
        Value::UnsignedLong(u) => round_unsigned(*u, decimals).map(Value::UnsignedLong),
        other => {
            return Err(EvalError::Internal(format!(
                "ROUND of {other:?} in [{}]",
                expr.text
            )));
        }
    };
    Ok(result.unwrap_or_else(|m| {
        ctx.fail(expr, &format!("java.lang.ArithmeticException: {m}"));
        Value::Null
    }))
}

fn round_unsigned(n: u64, precision: i64) -> Result<u64, &'static str> {
    if n == 0 || precision >= 0 {
        return Ok(n);
    }
    if precision <= -21 {
        return Ok(0);
    }
    let scale = 10u128.pow((-precision) as u32);
    let (middle, remainder) = (n as u128 / scale, n as u128 % scale);
    let middle = if remainder >= scale / 2 {
        middle + 1
    } else {
        middle
    };
    u64::try_from(middle * scale).map_err(|_| "unsigned_long overflow")
}

/// `POW(base, exponent)`.
pub fn pow(expr: &Expr, values: &[Value], ctx: &mut Context) -> Result<Value, EvalError> {
    let Some(vs) = ctx.singles(expr, values) else {
        return Ok(Value::Null);
    };
    let f = |v: &Value| match v {
        Value::Integer(i) => Ok(*i as f64),
        Value::Long(i) => Ok(*i as f64),
        Value::UnsignedLong(u) => Ok(*u as f64),
        Value::Double(d) => Ok(*d),
        other => Err(EvalError::Internal(format!(
            "POW of {other:?} in [{}]",
            expr.text
        ))),
    };
    let r = f(vs[0])?.powf(f(vs[1])?);
    if r.is_finite() {
        Ok(Value::Double(r))
    } else {
        ctx.fail(
            expr,
            &format!(
                "java.lang.ArithmeticException: not a finite double number: {}",
                esql::format::double(r)
            ),
        );
        Ok(Value::Null)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_round_half_away_from_zero() {
        assert_eq!(round_double(2.5, 0), 3.0);
        assert_eq!(round_double(-2.5, 0), -3.0);
        assert_eq!(round_double(1.23456, 2), 1.23);
        assert_eq!(round_double(1234.5, -2), 1200.0);
        assert_eq!(round_double(0.49999999999999994, 0), 0.0);
    }

    #[test]
    fn whole_numbers_round_at_negative_precision() {
        assert_eq!(round_long(1234, 2), Ok(1234));
        assert_eq!(round_long(1250, -2), Ok(1300));
        assert_eq!(round_long(-1250, -2), Ok(-1300));
        assert_eq!(round_long(5, -1), Ok(10));
        assert_eq!(round_long(i64::MAX, -1), Err("long overflow"));
    }
}
