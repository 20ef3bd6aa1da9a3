//! DATE_TRUNC, DATE_DIFF, DATE_EXTRACT and calendar helpers (docs functions date_trunc.md,
//! date_diff.md, date_extract.md). All dates are UTC.
//!
//! - DATE_TRUNC(interval, date): a fixed time span rounds down to a multiple of it since the epoch; a
//!   calendar span rounds to the start of its unit: 1 day, 1 week (Monday), 1 month, 1 quarter, 1 year;
//!   N days (N ≠ 1, 7) round as a fixed span of N days. Other calendar multiples are unsupported.
//! - DATE_DIFF(unit, start, end) counts whole units from start to end as `java.time.ChronoUnit.between`
//!   does (truncating toward zero; months compare day-of-month and time), as an integer; a result
//!   outside the integer range is null plus `java.lang.ArithmeticException: integer overflow`.
//! - DATE_EXTRACT(part, date) returns a long for the `java.time.temporal.ChronoField` named by `part`.

use esql::format::{civil, civil_from_days, days_from_civil};
use esql::plan::Expr;
use esql::{EvalError, Value};

use super::str_arg;
use crate::reference::Context;
pub use esql::algo::java_time::{add_months, days_in_month};

const MS_PER_DAY: i64 = 86_400_000;

fn date_millis(v: &Value, expr: &Expr) -> Result<i64, EvalError> {
    match v {
        Value::Date(ms) => Ok(*ms),
        Value::DateNanos(ns) => Ok(ns.div_euclid(1_000_000)),
        other => Err(EvalError::Internal(format!(
            "expected a date, got {other:?} in [{}]",
            expr.text
        ))),
    }
}

/// Rounds epoch milliseconds down by a time span.
pub fn trunc_millis(ms: i64, interval: &Value) -> Result<i64, String> {
    match interval {
        Value::TimeDuration(d) if *d > 0 => Ok(ms - ms.rem_euclid(*d)),
        Value::DatePeriod { months: 0, days } if *days > 0 => {
            let day = ms.div_euclid(MS_PER_DAY);
            if *days == 7 {
                // Weeks start on Monday; 1970-01-01 was a Thursday.
                let weekday = (day + 3).rem_euclid(7);
                Ok((day - weekday) * MS_PER_DAY)
            } else {
                let span = *days as i64 * MS_PER_DAY;
                Ok(ms - ms.rem_euclid(span))
            }
        }
        Value::DatePeriod { months, days: 0 } if matches!(months, 1 | 3 | 12) => {
            let (y, m, _) = civil_from_days(ms.div_euclid(MS_PER_DAY));
            let m0 = (m - 1) / *months as u32 * *months as u32;
            Ok(days_from_civil(y, m0 + 1, 1) * MS_PER_DAY)
        }
        other => Err(format!("DATE_TRUNC by {other}")),
    }
}

/// `DATE_TRUNC(interval, date)`.
pub fn date_trunc(expr: &Expr, values: &[Value], ctx: &mut Context) -> Result<Value, EvalError> {
    let Some(vs) = ctx.singles(expr, values) else {
        return Ok(Value::Null);
    };
    match vs[1] {
        Value::Date(ms) => trunc_millis(*ms, vs[0]).map(Value::Date),
        Value::DateNanos(ns) => match vs[0] {
            Value::TimeDuration(d) if *d > 0 => {
                Ok(Value::DateNanos(ns - ns.rem_euclid(d * 1_000_000)))
            }
            span => trunc_millis(ns.div_euclid(1_000_000), span)
                .map(|t| Value::DateNanos(t * 1_000_000)),
        },
        other => {
            return Err(EvalError::Internal(format!(
                "DATE_TRUNC of {other:?} in [{}]",
                expr.text
            )));
        }
    }
    .map_err(|m| EvalError::Unsupported(format!("{m} in [{}]", expr.text)))
}

/// Whole calendar months from `a` to `b` (`ChronoUnit.MONTHS.between`).
fn months_between(a: i64, b: i64) -> i64 {
    let split = |ms: i64| {
        let (y, m, d, h, mi, s) = civil(ms.div_euclid(1000));
        (y * 12 + m as i64, (d, h, mi, s, ms.rem_euclid(1000)))
    };
    let ((ma, ta), (mb, tb)) = (split(a), split(b));
    let mut months = mb - ma;
    if months > 0 && tb < ta {
        months -= 1;
    } else if months < 0 && tb > ta {
        months += 1;
    }
    months
}

/// `DATE_DIFF(unit, start, end)`.
pub fn date_diff(expr: &Expr, values: &[Value], ctx: &mut Context) -> Result<Value, EvalError> {
    let Some(vs) = ctx.singles(expr, values) else {
        return Ok(Value::Null);
    };
    let unit = str_arg(vs[0], expr)?.to_ascii_lowercase();
    let (start, end) = (date_millis(vs[1], expr)?, date_millis(vs[2], expr)?);
    let delta = end as i128 - start as i128;
    let diff: i128 = match unit.as_str() {
        "year" | "years" | "yy" | "yyyy" => (months_between(start, end) / 12) as i128,
        "quarter" | "quarters" | "qq" | "q" => (months_between(start, end) / 3) as i128,
        "month" | "months" | "mm" | "m" => months_between(start, end) as i128,
        "dayofyear" | "dy" | "y" | "day" | "days" | "dd" | "d" | "weekday" | "weekdays" | "dw" => {
            delta / MS_PER_DAY as i128
        }
        "week" | "weeks" | "wk" | "ww" => delta / (7 * MS_PER_DAY as i128),
        "hour" | "hours" | "hh" => delta / 3_600_000,
        "minute" | "minutes" | "mi" | "n" => delta / 60_000,
        "second" | "seconds" | "ss" | "s" => delta / 1000,
        "millisecond" | "milliseconds" | "ms" => delta,
        "microsecond" | "microseconds" | "mcs" => delta * 1000,
        "nanosecond" | "nanoseconds" | "ns" => delta * 1_000_000,
        other => {
            ctx.fail(
                expr,
                &format!(
                    "java.lang.IllegalArgumentException: A value of [YEAR, QUARTER, MONTH, DAYOFYEAR, DAY, WEEK, WEEKDAY, HOUR, MINUTE, SECOND, MILLISECOND, MICROSECOND, NANOSECOND] or their aliases is required; received [{other}]"
                ),
            );
            return Ok(Value::Null);
        }
    };
    match i32::try_from(diff) {
        Ok(v) => Ok(Value::Integer(v)),
        Err(_) => {
            ctx.fail(expr, "java.lang.ArithmeticException: integer overflow");
            Ok(Value::Null)
        }
    }
}

/// `DATE_EXTRACT(part, date)`.
pub fn date_extract(expr: &Expr, values: &[Value], ctx: &mut Context) -> Result<Value, EvalError> {
    let Some(vs) = ctx.singles(expr, values) else {
        return Ok(Value::Null);
    };
    let part = str_arg(vs[0], expr)?.to_ascii_uppercase();
    let ms = date_millis(vs[1], expr)?;
    let days = ms.div_euclid(MS_PER_DAY);
    let (y, mo, d, h, mi, s) = civil(ms.div_euclid(1000));
    let day_of_year = days - days_from_civil(y, 1, 1) + 1;
    let v: i64 = match part.as_str() {
        "YEAR" => y,
        "MONTH_OF_YEAR" => mo as i64,
        "DAY_OF_MONTH" => d as i64,
        "HOUR_OF_DAY" => h as i64,
        "MINUTE_OF_HOUR" => mi as i64,
        "SECOND_OF_MINUTE" => s as i64,
        "MILLI_OF_SECOND" => ms.rem_euclid(1000),
        "DAY_OF_WEEK" => (days + 3).rem_euclid(7) + 1,
        "DAY_OF_YEAR" => day_of_year,
        "EPOCH_DAY" => days,
        "MINUTE_OF_DAY" => h as i64 * 60 + mi as i64,
        "SECOND_OF_DAY" => ms.rem_euclid(MS_PER_DAY) / 1000,
        "MILLI_OF_DAY" => ms.rem_euclid(MS_PER_DAY),
        "ALIGNED_WEEK_OF_YEAR" => (day_of_year - 1) / 7 + 1,
        "ALIGNED_WEEK_OF_MONTH" => (d as i64 - 1) / 7 + 1,
        "AMPM_OF_DAY" => (h / 12) as i64,
        "HOUR_OF_AMPM" => (h % 12) as i64,
        "PROLEPTIC_MONTH" => y * 12 + mo as i64 - 1,
        "YEAR_OF_ERA" => {
            if y >= 1 {
                y
            } else {
                1 - y
            }
        }
        "ERA" => (y >= 1) as i64,
        "INSTANT_SECONDS" => ms.div_euclid(1000),
        other => {
            return Err(EvalError::Unsupported(format!(
                "DATE_EXTRACT part [{other}] in [{}]",
                expr.text
            )));
        }
    };
    Ok(Value::Long(v))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(y: i64, m: u32, d: u32, h: i64) -> i64 {
        days_from_civil(y, m, d) * MS_PER_DAY + h * 3_600_000
    }

    /// spec:stats_count_distinct/countDistinctOfDates: DATE_TRUNC(1 year, …).
    #[test]
    fn trunc_by_calendar_and_fixed_spans() {
        let t = ms(2023, 5, 17, 13);
        let year = Value::DatePeriod {
            months: 12,
            days: 0,
        };
        assert_eq!(trunc_millis(t, &year), Ok(ms(2023, 1, 1, 0)));
        let month = Value::DatePeriod { months: 1, days: 0 };
        assert_eq!(trunc_millis(t, &month), Ok(ms(2023, 5, 1, 0)));
        let quarter = Value::DatePeriod { months: 3, days: 0 };
        assert_eq!(trunc_millis(t, &quarter), Ok(ms(2023, 4, 1, 0)));
        let week = Value::DatePeriod { months: 0, days: 7 };
        assert_eq!(
            trunc_millis(t, &week),
            Ok(ms(2023, 5, 15, 0)),
            "2023-05-15 is a Monday"
        );
        assert_eq!(trunc_millis(t, &Value::TimeDuration(3_600_000)), Ok(t));
        assert_eq!(
            trunc_millis(t + 59_000, &Value::TimeDuration(3_600_000)),
            Ok(t)
        );
        assert_eq!(
            trunc_millis(-1, &Value::TimeDuration(3_600_000)),
            Ok(-3_600_000)
        );
    }

    #[test]
    fn add_months_clamps_to_month_end() {
        assert_eq!(add_months(ms(2024, 1, 31, 5), 1), ms(2024, 2, 29, 5));
        assert_eq!(add_months(ms(2024, 3, 31, 0), -1), ms(2024, 2, 29, 0));
        assert_eq!(add_months(ms(2024, 12, 15, 0), 1), ms(2025, 1, 15, 0));
    }

    #[test]
    fn months_between_compares_day_and_time() {
        assert_eq!(months_between(ms(2023, 1, 31, 0), ms(2023, 2, 28, 0)), 0);
        assert_eq!(months_between(ms(2023, 1, 15, 0), ms(2023, 3, 15, 0)), 2);
        assert_eq!(months_between(ms(2023, 3, 15, 0), ms(2023, 1, 15, 1)), -1);
    }
}
