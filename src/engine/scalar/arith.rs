//! Arithmetic: `+ - * / %` in the expression's result type, unary minus, and date ± time span.
//!
//! Integers and longs overflow into null plus `java.lang.ArithmeticException: integer overflow` /
//! `long overflow`; division and remainder by zero into `/ by zero`; doubles that leave the finite range
//! into `not a finite double number: …`. Integer division truncates toward zero. Dates shift by a
//! `time_duration` in milliseconds, or by a `date_period` in calendar months (day clamped to the month's
//! length) then days.

use esql::plan::{ArithmeticOp, Expr};
use esql::{DataType, EvalError, Value};

use super::Scope;

const DAY_MS: i64 = 86_400_000;

/// What a failed operation reports (the message after `java.lang.ArithmeticException: `).
type Outcome<T> = Result<T, String>;

fn report(expr: &Expr, r: Outcome<Value>, s: &mut Scope<'_>) -> Value {
    r.unwrap_or_else(|m| {
        s.fail(expr, &format!("java.lang.ArithmeticException: {m}"));
        Value::Null
    })
}

fn bad_operand(v: &Value, expr: &Expr) -> EvalError {
    EvalError::Internal(format!(
        "[{}]: operand {v:?} does not fit {} arithmetic",
        expr.text, expr.data_type
    ))
}

fn signed(v: &Value, expr: &Expr) -> Result<i64, EvalError> {
    match v {
        Value::Integer(i) => Ok(i64::from(*i)),
        Value::Long(i) => Ok(*i),
        other => Err(bad_operand(other, expr)),
    }
}

fn unsigned(v: &Value, expr: &Expr) -> Result<u64, EvalError> {
    match v {
        Value::UnsignedLong(u) => Ok(*u),
        Value::Integer(i) if *i >= 0 => Ok(*i as u64),
        Value::Long(i) if *i >= 0 => Ok(*i as u64),
        other => Err(bad_operand(other, expr)),
    }
}

fn double(v: &Value, expr: &Expr) -> Result<f64, EvalError> {
    match v {
        Value::Integer(_) | Value::Long(_) | Value::UnsignedLong(_) | Value::Double(_) => {
            Ok(super::float(v))
        }
        other => Err(bad_operand(other, expr)),
    }
}

macro_rules! checked {
    ($op:expr, $l:expr, $r:expr, $overflow:expr, $div:expr, $rem:expr) => {{
        let (l, r) = ($l, $r);
        match $op {
            ArithmeticOp::Add => l.checked_add(r).ok_or_else(|| $overflow.to_string()),
            ArithmeticOp::Sub => l.checked_sub(r).ok_or_else(|| $overflow.to_string()),
            ArithmeticOp::Mul => l.checked_mul(r).ok_or_else(|| $overflow.to_string()),
            ArithmeticOp::Div | ArithmeticOp::Mod if r == 0 => Err("/ by zero".to_string()),
            ArithmeticOp::Div => Ok($div(l, r)),
            ArithmeticOp::Mod => Ok($rem(l, r)),
        }
    }};
}

fn floating(op: ArithmeticOp, l: f64, r: f64) -> Outcome<f64> {
    let v = match op {
        ArithmeticOp::Add => l + r,
        ArithmeticOp::Sub => l - r,
        ArithmeticOp::Mul => l * r,
        ArithmeticOp::Div | ArithmeticOp::Mod => {
            let q = if op == ArithmeticOp::Div {
                l / r
            } else {
                l % r
            };
            return if q.is_finite() {
                Ok(q)
            } else {
                Err("/ by zero".into())
            };
        }
    };
    if v.is_finite() {
        Ok(v)
    } else {
        Err(format!(
            "not a finite double number: {}",
            esql::format::double(v)
        ))
    }
}

/// `left op right` typed as `expr.data_type`.
pub fn binary(
    expr: &Expr,
    op: ArithmeticOp,
    args: &[Value; 2],
    s: &mut Scope<'_>,
) -> Result<Value, EvalError> {
    let Some(v) = s.singles(expr, args) else {
        return Ok(Value::Null);
    };
    let (l, r) = (v[0], v[1]);
    let out = match expr.data_type {
        DataType::Integer => {
            let (a, b) = (signed(l, expr)? as i32, signed(r, expr)? as i32);
            checked!(
                op,
                a,
                b,
                "integer overflow",
                i32::wrapping_div,
                i32::wrapping_rem
            )
            .map(Value::Integer)
        }
        DataType::Long => {
            let (a, b) = (signed(l, expr)?, signed(r, expr)?);
            checked!(
                op,
                a,
                b,
                "long overflow",
                i64::wrapping_div,
                i64::wrapping_rem
            )
            .map(Value::Long)
        }
        DataType::UnsignedLong => {
            let (a, b) = (unsigned(l, expr)?, unsigned(r, expr)?);
            checked!(
                op,
                a,
                b,
                "unsigned_long overflow",
                |x: u64, y| x / y,
                |x: u64, y| x % y
            )
            .map(Value::UnsignedLong)
        }
        DataType::Double => floating(op, double(l, expr)?, double(r, expr)?).map(Value::Double),
        DataType::Date | DataType::DateNanos | DataType::TimeDuration | DataType::DatePeriod => {
            temporal(expr, op, l, r)?
        }
        other => {
            return Err(EvalError::Internal(format!(
                "[{}]: arithmetic typed {other}",
                expr.text
            )));
        }
    };
    Ok(report(expr, out, s))
}

/// Unary minus.
pub fn negate(expr: &Expr, v: &Value, s: &mut Scope<'_>) -> Result<Value, EvalError> {
    let Some(v) = s.single(expr, v) else {
        return Ok(Value::Null);
    };
    let out = match v {
        Value::Integer(i) => i
            .checked_neg()
            .map(Value::Integer)
            .ok_or_else(|| "integer overflow".to_string()),
        Value::Long(i) => i
            .checked_neg()
            .map(Value::Long)
            .ok_or_else(|| "long overflow".to_string()),
        Value::Double(d) => Ok(Value::Double(-d)),
        Value::TimeDuration(ms) => ms
            .checked_neg()
            .map(Value::TimeDuration)
            .ok_or_else(|| "long overflow".to_string()),
        Value::DatePeriod { months, days } => Ok(Value::DatePeriod {
            months: -months,
            days: -days,
        }),
        other => {
            return Err(EvalError::Unsupported(format!(
                "negation of {other:?} in [{}]",
                expr.text
            )));
        }
    };
    Ok(report(expr, out, s))
}

fn temporal(
    expr: &Expr,
    op: ArithmeticOp,
    l: &Value,
    r: &Value,
) -> Result<Outcome<Value>, EvalError> {
    let sign: i64 = match op {
        ArithmeticOp::Add => 1,
        ArithmeticOp::Sub => -1,
        _ => {
            return Err(EvalError::Unsupported(format!(
                "operator [{}] on dates or time spans in [{}]",
                op.symbol(),
                expr.text
            )));
        }
    };
    Ok(match (l, r) {
        (Value::Date(ms), span) => shift(*ms, span, sign).map(Value::Date),
        (span, Value::Date(ms)) if sign == 1 => shift(*ms, span, 1).map(Value::Date),
        (Value::DateNanos(ns), span) => shift_nanos(*ns, span, sign).map(Value::DateNanos),
        (span, Value::DateNanos(ns)) if sign == 1 => {
            shift_nanos(*ns, span, 1).map(Value::DateNanos)
        }
        (Value::TimeDuration(a), Value::TimeDuration(b)) => a
            .checked_add(b * sign)
            .map(Value::TimeDuration)
            .ok_or_else(|| "long overflow".to_string()),
        (
            Value::DatePeriod { months, days },
            Value::DatePeriod {
                months: m2,
                days: d2,
            },
        ) => Ok(Value::DatePeriod {
            months: months + sign as i32 * m2,
            days: days + sign as i32 * d2,
        }),
        _ => {
            return Err(EvalError::Internal(format!(
                "[{}]: operands {l:?} and {r:?}",
                expr.text
            )));
        }
    })
}

/// `ms` moved by `sign` times the span.
pub fn shift(ms: i64, span: &Value, sign: i64) -> Outcome<i64> {
    let overflow = || "long overflow".to_string();
    match span {
        Value::TimeDuration(d) => ms
            .checked_add(d.checked_mul(sign).ok_or_else(overflow)?)
            .ok_or_else(overflow),
        Value::DatePeriod { months, days } => {
            let moved = esql::algo::java_time::add_months(ms, sign * i64::from(*months));
            moved
                .checked_add(sign * i64::from(*days) * DAY_MS)
                .ok_or_else(overflow)
        }
        other => Err(format!("not a time span: {other:?}")),
    }
}

fn shift_nanos(ns: i64, span: &Value, sign: i64) -> Outcome<i64> {
    let moved = shift(ns.div_euclid(1_000_000), span, sign)?;
    moved
        .checked_mul(1_000_000)
        .and_then(|v| v.checked_add(ns.rem_euclid(1_000_000)))
        .ok_or_else(|| "long overflow".to_string())
}
