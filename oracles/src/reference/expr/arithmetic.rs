//! `+ - * / %` and unary minus. SEMANTICS.md §2.1/§2.2 and §2.12:
//! - operands are computed in the expression's result type (an `integer` op `long` is a `long`);
//! - integer `/` truncates toward zero (keep.csv-spec whereWithEvalGeneratedValue), `%` keeps the
//!   dividend's sign, as Java does;
//! - overflow of `+ - *` and unary minus is null plus `java.lang.ArithmeticException: integer overflow`
//!   (`long overflow`, `unsigned_long overflow`), as `Math.addExact` and friends report it;
//! - division or remainder by zero is null plus `java.lang.ArithmeticException: / by zero` (for doubles
//!   also when the quotient is not finite); a non-finite double `+ - *` result is null plus
//!   `java.lang.ArithmeticException: not a finite double number: Infinity`;
//! - `date ± time_duration` adds milliseconds; `date ± date_period` adds calendar months (clamping the
//!   day to the month's end, as `java.time` does) then days.

use esql::plan::{ArithmeticOp, Expr};
use esql::{DataType, EvalError, Value};

use crate::reference::Context;
use crate::reference::functions::date::add_months;

const MS_PER_DAY: i64 = 86_400_000;

/// The ES exception line for a failed arithmetic operation.
fn arithmetic_exception(message: &str) -> String {
    format!("java.lang.ArithmeticException: {message}")
}

/// Evaluates `left op right` on already evaluated operands.
pub fn binary(
    expr: &Expr,
    op: ArithmeticOp,
    args: &[Value; 2],
    ctx: &mut Context,
) -> Result<Value, EvalError> {
    let Some(vals) = ctx.singles(expr, args) else {
        return Ok(Value::Null);
    };
    let (l, r) = (vals[0], vals[1]);
    let result = match expr.data_type {
        DataType::Integer => {
            integer(op, as_i64(l, expr)?, as_i64(r, expr)?).map(|v| Value::Integer(v as i32))
        }
        DataType::Long => long(op, as_i64(l, expr)?, as_i64(r, expr)?).map(Value::Long),
        DataType::UnsignedLong => {
            unsigned(op, as_u64(l, expr)?, as_u64(r, expr)?).map(Value::UnsignedLong)
        }
        DataType::Double => double(op, as_f64(l, expr)?, as_f64(r, expr)?).map(Value::Double),
        DataType::Date | DataType::DateNanos | DataType::TimeDuration | DataType::DatePeriod => {
            return temporal(expr, op, l, r, ctx);
        }
        other => {
            return Err(EvalError::Internal(format!(
                "arithmetic [{}] typed {other}",
                expr.text
            )));
        }
    };
    Ok(match result {
        Ok(v) => v,
        Err(message) => {
            ctx.fail(expr, &arithmetic_exception(&message));
            Value::Null
        }
    })
}

/// Evaluates `-v`.
pub fn negate(expr: &Expr, v: &Value, ctx: &mut Context) -> Result<Value, EvalError> {
    let Some(v) = ctx.single(expr, v) else {
        return Ok(Value::Null);
    };
    let result = match v {
        Value::Integer(i) => i
            .checked_neg()
            .map(Value::Integer)
            .ok_or("integer overflow"),
        Value::Long(i) => i.checked_neg().map(Value::Long).ok_or("long overflow"),
        Value::Double(d) => Ok(Value::Double(-d)),
        Value::TimeDuration(ms) => ms
            .checked_neg()
            .map(Value::TimeDuration)
            .ok_or("long overflow"),
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
    Ok(match result {
        Ok(v) => v,
        Err(message) => {
            ctx.fail(expr, &arithmetic_exception(message));
            Value::Null
        }
    })
}

fn as_i64(v: &Value, expr: &Expr) -> Result<i64, EvalError> {
    match v {
        Value::Integer(i) => Ok(*i as i64),
        Value::Long(i) => Ok(*i),
        other => Err(operand_error(other, expr)),
    }
}

fn as_u64(v: &Value, expr: &Expr) -> Result<u64, EvalError> {
    match v {
        Value::UnsignedLong(u) => Ok(*u),
        Value::Integer(i) if *i >= 0 => Ok(*i as u64),
        Value::Long(i) if *i >= 0 => Ok(*i as u64),
        other => Err(operand_error(other, expr)),
    }
}

fn as_f64(v: &Value, expr: &Expr) -> Result<f64, EvalError> {
    match v {
        Value::Integer(i) => Ok(*i as f64),
        Value::Long(i) => Ok(*i as f64),
        Value::UnsignedLong(u) => Ok(*u as f64),
        Value::Double(d) => Ok(*d),
        other => Err(operand_error(other, expr)),
    }
}

fn operand_error(v: &Value, expr: &Expr) -> EvalError {
    EvalError::Internal(format!(
        "operand {v:?} does not fit the {} arithmetic [{}]",
        expr.data_type, expr.text
    ))
}

fn integer(op: ArithmeticOp, l: i64, r: i64) -> Result<i64, String> {
    let (l, r) = (l as i32, r as i32);
    let v = match op {
        ArithmeticOp::Add => l.checked_add(r),
        ArithmeticOp::Sub => l.checked_sub(r),
        ArithmeticOp::Mul => l.checked_mul(r),
        ArithmeticOp::Div | ArithmeticOp::Mod if r == 0 => return Err("/ by zero".into()),
        ArithmeticOp::Div => Some(l.wrapping_div(r)),
        ArithmeticOp::Mod => Some(l.wrapping_rem(r)),
    };
    v.map(|v| v as i64).ok_or_else(|| "integer overflow".into())
}

fn long(op: ArithmeticOp, l: i64, r: i64) -> Result<i64, String> {
    let v = match op {
        ArithmeticOp::Add => l.checked_add(r),
        ArithmeticOp::Sub => l.checked_sub(r),
        ArithmeticOp::Mul => l.checked_mul(r),
        ArithmeticOp::Div | ArithmeticOp::Mod if r == 0 => return Err("/ by zero".into()),
        ArithmeticOp::Div => Some(l.wrapping_div(r)),
        ArithmeticOp::Mod => Some(l.wrapping_rem(r)),
    };
    v.ok_or_else(|| "long overflow".into())
}

fn unsigned(op: ArithmeticOp, l: u64, r: u64) -> Result<u64, String> {
    let v = match op {
        ArithmeticOp::Add => l.checked_add(r),
        ArithmeticOp::Sub => l.checked_sub(r),
        ArithmeticOp::Mul => l.checked_mul(r),
        ArithmeticOp::Div | ArithmeticOp::Mod if r == 0 => return Err("/ by zero".into()),
        ArithmeticOp::Div => Some(l / r),
        ArithmeticOp::Mod => Some(l % r),
    };
    v.ok_or_else(|| "unsigned_long overflow".into())
}

fn double(op: ArithmeticOp, l: f64, r: f64) -> Result<f64, String> {
    let v = match op {
        ArithmeticOp::Add => l + r,
        ArithmeticOp::Sub => l - r,
        ArithmeticOp::Mul => l * r,
        ArithmeticOp::Div => {
            let q = l / r;
            return if q.is_finite() {
                Ok(q)
            } else {
                Err("/ by zero".into())
            };
        }
        ArithmeticOp::Mod => {
            let q = l % r;
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

/// Date and span arithmetic: `date ± span`, `span + date`, `span ± span`.
fn temporal(
    expr: &Expr,
    op: ArithmeticOp,
    l: &Value,
    r: &Value,
    ctx: &mut Context,
) -> Result<Value, EvalError> {
    let sign = match op {
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
    let result = match (l, r) {
        (Value::Date(ms), span) => shift_millis(*ms, span, sign).map(Value::Date),
        (span, Value::Date(ms)) if sign == 1 => shift_millis(*ms, span, 1).map(Value::Date),
        (Value::DateNanos(ns), span) => shift_nanos(*ns, span, sign).map(Value::DateNanos),
        (span, Value::DateNanos(ns)) if sign == 1 => {
            shift_nanos(*ns, span, 1).map(Value::DateNanos)
        }
        (Value::TimeDuration(a), Value::TimeDuration(b)) => a
            .checked_add(b * sign)
            .map(Value::TimeDuration)
            .ok_or_else(|| "long overflow".to_string()),
        (
            Value::DatePeriod {
                months: m1,
                days: d1,
            },
            Value::DatePeriod {
                months: m2,
                days: d2,
            },
        ) => Ok(Value::DatePeriod {
            months: m1 + sign as i32 * m2,
            days: d1 + sign as i32 * d2,
        }),
        _ => {
            return Err(EvalError::Internal(format!(
                "operands {l:?} and {r:?} of [{}]",
                expr.text
            )));
        }
    };
    Ok(match result {
        Ok(v) => v,
        Err(message) => {
            ctx.fail(expr, &arithmetic_exception(&message));
            Value::Null
        }
    })
}

/// Moves epoch milliseconds by a time span (negated when `sign` is -1).
pub fn shift_millis(ms: i64, span: &Value, sign: i64) -> Result<i64, String> {
    match span {
        Value::TimeDuration(d) => ms
            .checked_add(d.checked_mul(sign).ok_or("long overflow")?)
            .ok_or_else(|| "long overflow".into()),
        Value::DatePeriod { months, days } => {
            let moved = add_months(ms, sign * *months as i64);
            moved
                .checked_add(sign * *days as i64 * MS_PER_DAY)
                .ok_or_else(|| "long overflow".into())
        }
        other => Err(format!("not a time span: {other:?}")),
    }
}

fn shift_nanos(ns: i64, span: &Value, sign: i64) -> Result<i64, String> {
    let (ms, rest) = (ns.div_euclid(1_000_000), ns.rem_euclid(1_000_000));
    let moved = shift_millis(ms, span, sign)?;
    moved
        .checked_mul(1_000_000)
        .and_then(|v| v.checked_add(rest))
        .ok_or_else(|| "long overflow".into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reference::test_utils::typed_expr;

    fn run(op: ArithmeticOp, t: DataType, l: Value, r: Value) -> (Value, Vec<String>) {
        let mut ctx = Context::new(0);
        let e = typed_expr(t, "a / b");
        let v = binary(&e, op, &[l, r], &mut ctx).unwrap();
        (v, ctx.warnings.into_lines())
    }

    /// keep.csv-spec whereWithEvalGeneratedValue: integer `/` truncates.
    #[test]
    fn integer_division_truncates_toward_zero() {
        assert_eq!(
            run(
                ArithmeticOp::Div,
                DataType::Integer,
                Value::Integer(7),
                Value::Integer(2)
            )
            .0,
            Value::Integer(3)
        );
        assert_eq!(
            run(
                ArithmeticOp::Div,
                DataType::Integer,
                Value::Integer(-7),
                Value::Integer(2)
            )
            .0,
            Value::Integer(-3)
        );
        assert_eq!(
            run(
                ArithmeticOp::Mod,
                DataType::Integer,
                Value::Integer(-7),
                Value::Integer(2)
            )
            .0,
            Value::Integer(-1)
        );
    }

    #[test]
    fn division_by_zero_is_null_with_es_warning() {
        let (v, w) = run(
            ArithmeticOp::Div,
            DataType::Long,
            Value::Long(1),
            Value::Long(0),
        );
        assert_eq!(v, Value::Null);
        assert_eq!(w[1], "Line 1:1: java.lang.ArithmeticException: / by zero");
        assert!(w[0].contains("evaluation of [a / b] failed"));
        let (v, _) = run(
            ArithmeticOp::Div,
            DataType::Double,
            Value::Double(1.0),
            Value::Integer(0),
        );
        assert_eq!(v, Value::Null);
    }

    #[test]
    fn overflow_is_null_with_java_messages() {
        let (v, w) = run(
            ArithmeticOp::Add,
            DataType::Integer,
            Value::Integer(i32::MAX),
            Value::Integer(1),
        );
        assert_eq!(v, Value::Null);
        assert_eq!(
            w[1],
            "Line 1:1: java.lang.ArithmeticException: integer overflow"
        );
        let (_, w) = run(
            ArithmeticOp::Mul,
            DataType::Long,
            Value::Long(i64::MAX),
            Value::Integer(2),
        );
        assert_eq!(
            w[1],
            "Line 1:1: java.lang.ArithmeticException: long overflow"
        );
    }

    #[test]
    fn mixed_operands_compute_in_result_type() {
        assert_eq!(
            run(
                ArithmeticOp::Add,
                DataType::Long,
                Value::Integer(i32::MAX),
                Value::Long(1)
            )
            .0,
            Value::Long(2_147_483_648)
        );
        assert_eq!(
            run(
                ArithmeticOp::Mul,
                DataType::Double,
                Value::Integer(3),
                Value::Double(0.5)
            )
            .0,
            Value::Double(1.5)
        );
    }

    /// Date arithmetic with time spans: `+ 1 hour`, `- 1 month` clamps to the month's end.
    #[test]
    fn dates_shift_by_durations_and_periods() {
        let jan31 = esql::format::days_from_civil(2023, 1, 31) * MS_PER_DAY;
        let feb28 = esql::format::days_from_civil(2023, 2, 28) * MS_PER_DAY;
        let month = Value::DatePeriod { months: 1, days: 0 };
        assert_eq!(
            run(
                ArithmeticOp::Add,
                DataType::Date,
                Value::Date(jan31),
                month.clone()
            )
            .0,
            Value::Date(feb28)
        );
        assert_eq!(
            run(
                ArithmeticOp::Sub,
                DataType::Date,
                Value::Date(jan31),
                Value::TimeDuration(3_600_000)
            )
            .0,
            Value::Date(jan31 - 3_600_000)
        );
        assert_eq!(
            run(ArithmeticOp::Add, DataType::Date, month, Value::Date(jan31)).0,
            Value::Date(feb28)
        );
    }
}
