//! Date functions: DATE_DIFF, DATE_EXTRACT, DATE_TRUNC, DATE_FORMAT, DATE_PARSE (NOW is in `call.rs`).
//!
//! Dates are UTC epoch milliseconds (nanosecond dates are floored to milliseconds where ES does).
//! DATE_DIFF counts whole units from start to end (calendar units by months, truncated toward zero);
//! DATE_TRUNC rounds down to a multiple of a duration, a week (Monday), a month, quarter or year;
//! DATE_FORMAT/DATE_PARSE use the shared java.time pattern support.

use esql::algo::java_time::{
    DEFAULT_PATTERN, format_millis, parse_iso_datetime, parse_with_pattern,
};
use esql::format::{civil, civil_from_days, days_from_civil};
use esql::functions::ScalarFunction as F;
use esql::plan::Expr;
use esql::{EvalError, Value};

use super::{Scope, text};

const DAY: i64 = 86_400_000;

fn millis(v: &Value, expr: &Expr) -> Result<i64, EvalError> {
    match v {
        Value::Date(ms) => Ok(*ms),
        Value::DateNanos(ns) => Ok(ns.div_euclid(1_000_000)),
        other => Err(EvalError::Internal(format!(
            "[{}]: expected a date, got {other:?}",
            expr.text
        ))),
    }
}

/// The date functions; `None` when `f` is not one of them.
pub fn call(
    expr: &Expr,
    f: F,
    values: &[Value],
    s: &mut Scope<'_>,
) -> Result<Option<Value>, EvalError> {
    if !matches!(
        f,
        F::DateDiff | F::DateExtract | F::DateTrunc | F::DateFormat | F::DateParse
    ) {
        return Ok(None);
    }
    let Some(v) = s.singles(expr, values) else {
        return Ok(Some(Value::Null));
    };
    Ok(Some(match f {
        F::DateDiff => diff(expr, &v, s)?,
        F::DateExtract => extract(expr, &v)?,
        F::DateTrunc => trunc(expr, &v)?,
        F::DateFormat => {
            let (pattern, date) = match v.as_slice() {
                [d] => (DEFAULT_PATTERN, *d),
                [p, d] => (text(p, expr)?, *d),
                _ => return Err(EvalError::Internal(format!("[{}]: arity", expr.text))),
            };
            format_millis(millis(date, expr)?, pattern)
                .map(Value::Keyword)
                .map_err(|m| EvalError::Unsupported(format!("DATE_FORMAT {m}")))?
        }
        F::DateParse => {
            let (pattern, t) = match v.as_slice() {
                [t] => (None, text(t, expr)?),
                [p, t] => (Some(text(p, expr)?), text(t, expr)?),
                _ => return Err(EvalError::Internal(format!("[{}]: arity", expr.text))),
            };
            let parsed = match pattern {
                None => parse_iso_datetime(t),
                Some(p) => parse_with_pattern(t, p)
                    .map_err(|m| EvalError::Unsupported(format!("DATE_PARSE {m}")))?,
            };
            match parsed {
                Some(ms) => Value::Date(ms),
                None => {
                    let format = pattern.unwrap_or("strict_date_optional_time");
                    s.fail(
                        expr,
                        &format!("java.lang.IllegalArgumentException: failed to parse date field [{t}] with format [{format}]"),
                    );
                    Value::Null
                }
            }
        }
        _ => return Ok(None),
    }))
}

/// Whole months from `a` to `b`, truncated toward zero (the day-of-month and time decide a partial month).
fn months_between(a: i64, b: i64) -> i64 {
    let parts = |ms: i64| {
        let (y, m, d, h, mi, sec) = civil(ms.div_euclid(1000));
        (y * 12 + i64::from(m), (d, h, mi, sec, ms.rem_euclid(1000)))
    };
    let ((ma, ta), (mb, tb)) = (parts(a), parts(b));
    let m = mb - ma;
    if m > 0 && tb < ta {
        m - 1
    } else if m < 0 && tb > ta {
        m + 1
    } else {
        m
    }
}

fn diff(expr: &Expr, v: &[&Value], s: &mut Scope<'_>) -> Result<Value, EvalError> {
    let unit = text(v[0], expr)?.to_ascii_lowercase();
    let (a, b) = (millis(v[1], expr)?, millis(v[2], expr)?);
    let delta = i128::from(b) - i128::from(a);
    let n: i128 = match unit.as_str() {
        "year" | "years" | "yy" | "yyyy" => i128::from(months_between(a, b) / 12),
        "quarter" | "quarters" | "qq" | "q" => i128::from(months_between(a, b) / 3),
        "month" | "months" | "mm" | "m" => i128::from(months_between(a, b)),
        "dayofyear" | "dy" | "y" | "day" | "days" | "dd" | "d" | "weekday" | "weekdays" | "dw" => {
            delta / i128::from(DAY)
        }
        "week" | "weeks" | "wk" | "ww" => delta / i128::from(7 * DAY),
        "hour" | "hours" | "hh" => delta / 3_600_000,
        "minute" | "minutes" | "mi" | "n" => delta / 60_000,
        "second" | "seconds" | "ss" | "s" => delta / 1000,
        "millisecond" | "milliseconds" | "ms" => delta,
        "microsecond" | "microseconds" | "mcs" => delta * 1000,
        "nanosecond" | "nanoseconds" | "ns" => delta * 1_000_000,
        other => {
            s.fail(
                expr,
                &format!(
                    "java.lang.IllegalArgumentException: A value of [YEAR, QUARTER, MONTH, DAYOFYEAR, DAY, WEEK, WEEKDAY, HOUR, MINUTE, SECOND, MILLISECOND, MICROSECOND, NANOSECOND] or their aliases is required; received [{other}]"
                ),
            );
            return Ok(Value::Null);
        }
    };
    Ok(match i32::try_from(n) {
        Ok(x) => Value::Integer(x),
        Err(_) => {
            s.fail(expr, "java.lang.ArithmeticException: integer overflow");
            Value::Null
        }
    })
}

fn extract(expr: &Expr, v: &[&Value]) -> Result<Value, EvalError> {
    let part = text(v[0], expr)?.to_ascii_uppercase();
    let ms = millis(v[1], expr)?;
    let days = ms.div_euclid(DAY);
    let (y, mo, d, h, mi, sec) = civil(ms.div_euclid(1000));
    let (mo, d, h, mi, sec) = (
        i64::from(mo),
        i64::from(d),
        i64::from(h),
        i64::from(mi),
        i64::from(sec),
    );
    let doy = days - days_from_civil(y, 1, 1) + 1;
    Ok(Value::Long(match part.as_str() {
        "YEAR" => y,
        "MONTH_OF_YEAR" => mo,
        "DAY_OF_MONTH" => d,
        "HOUR_OF_DAY" => h,
        "MINUTE_OF_HOUR" => mi,
        "SECOND_OF_MINUTE" => sec,
        "MILLI_OF_SECOND" => ms.rem_euclid(1000),
        "DAY_OF_WEEK" => (days + 3).rem_euclid(7) + 1,
        "DAY_OF_YEAR" => doy,
        "EPOCH_DAY" => days,
        "MINUTE_OF_DAY" => h * 60 + mi,
        "SECOND_OF_DAY" => ms.rem_euclid(DAY) / 1000,
        "MILLI_OF_DAY" => ms.rem_euclid(DAY),
        "ALIGNED_WEEK_OF_YEAR" => (doy - 1) / 7 + 1,
        "ALIGNED_WEEK_OF_MONTH" => (d - 1) / 7 + 1,
        "AMPM_OF_DAY" => h / 12,
        "HOUR_OF_AMPM" => h % 12,
        "PROLEPTIC_MONTH" => y * 12 + mo - 1,
        "YEAR_OF_ERA" if y >= 1 => y,
        "YEAR_OF_ERA" => 1 - y,
        "ERA" => i64::from(y >= 1),
        "INSTANT_SECONDS" => ms.div_euclid(1000),
        other => {
            return Err(EvalError::Unsupported(format!(
                "DATE_EXTRACT part [{other}] in [{}]",
                expr.text
            )));
        }
    }))
}

/// `ms` rounded down to the interval (a duration, a week, N days, a month, quarter or year).
pub fn trunc_millis(ms: i64, interval: &Value) -> Result<i64, String> {
    match interval {
        Value::TimeDuration(d) if *d > 0 => Ok(ms - ms.rem_euclid(*d)),
        Value::DatePeriod { months: 0, days: 7 } => {
            let day = ms.div_euclid(DAY);
            Ok((day - (day + 3).rem_euclid(7)) * DAY)
        }
        Value::DatePeriod { months: 0, days } if *days > 0 => {
            Ok(ms - ms.rem_euclid(i64::from(*days) * DAY))
        }
        Value::DatePeriod { months, days: 0 } if matches!(months, 1 | 3 | 12) => {
            let (y, m, _) = civil_from_days(ms.div_euclid(DAY));
            let step = *months as u32;
            Ok(days_from_civil(y, (m - 1) / step * step + 1, 1) * DAY)
        }
        other => Err(format!("DATE_TRUNC by {other}")),
    }
}

fn trunc(expr: &Expr, v: &[&Value]) -> Result<Value, EvalError> {
    let r = match v[1] {
        Value::Date(ms) => trunc_millis(*ms, v[0]).map(Value::Date),
        Value::DateNanos(ns) => match v[0] {
            Value::TimeDuration(d) if *d > 0 => {
                Ok(Value::DateNanos(ns - ns.rem_euclid(d * 1_000_000)))
            }
            span => trunc_millis(ns.div_euclid(1_000_000), span)
                .map(|t| Value::DateNanos(t * 1_000_000)),
        },
        other => {
            return Err(EvalError::Internal(format!(
                "[{}]: DATE_TRUNC of {other:?}",
                expr.text
            )));
        }
    };
    r.map_err(|m| EvalError::Unsupported(format!("{m} in [{}]", expr.text)))
}
