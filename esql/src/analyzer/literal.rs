//! Literal typing and the string conversions the analyzer performs at analysis time.
//!
//! - Integer literals take the first of `integer`, `long`, `unsigned_long` that holds them, else
//!   `double` (spec:row/unsignedLongLiteral); decimals are `double`; strings are `keyword`.
//! - Time spans (`1 hour`, `2 weeks`) are `time_duration` or `date_period` by unit, as ES's
//!   `parseTemporalAmount` names them.
//! - ES's implicit casting turns a string literal into a date, IP, version, boolean or number where a
//!   parameter or the other operand needs one (`hire_date > "1990-01-01"`); a string that does not
//!   convert is an analysis error `Cannot convert string [x] to [DATETIME], error [...]`.

use std::net::IpAddr;

use crate::ast::{IntegerLiteral, Sign};
use crate::{DataType, Value};

/// Types an integer literal (its sign included) as ES does, returning the value and its type.
pub fn integer(lit: &IntegerLiteral) -> (Value, DataType) {
    let negative = lit.sign == Some(Sign::Minus);
    let digits = lit.digits.trim_start_matches('0');
    let magnitude: Option<u128> = if digits.is_empty() {
        Some(0)
    } else if digits.len() > 39 {
        None
    } else {
        digits.parse().ok()
    };
    if let Some(m) = magnitude {
        let signed: i128 = if negative { -(m as i128) } else { m as i128 };
        if let Ok(i) = i32::try_from(signed) {
            return (Value::Integer(i), DataType::Integer);
        }
        if let Ok(l) = i64::try_from(signed) {
            return (Value::Long(l), DataType::Long);
        }
        if !negative && let Ok(u) = u64::try_from(m) {
            return (Value::UnsignedLong(u), DataType::UnsignedLong);
        }
    }
    let text = format!("{}{}", if negative { "-" } else { "" }, lit.digits);
    let d = text.parse::<f64>().unwrap_or(f64::INFINITY);
    (Value::Double(d), DataType::Double)
}

/// Parses a decimal literal (sign included) as Java's `Double.parseDouble` would.
pub fn decimal(negative: bool, text: &str) -> Option<f64> {
    let v: f64 = text.parse().ok()?;
    Some(if negative { -v } else { v })
}

/// A parsed time span.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TemporalAmount {
    /// A fixed duration in milliseconds (`time_duration`).
    Duration(i64),
    /// A calendar period (`date_period`).
    Period {
        /// Months.
        months: i32,
        /// Days.
        days: i32,
    },
}

impl TemporalAmount {
    /// The value and type of this span.
    pub fn value(self) -> (Value, DataType) {
        match self {
            TemporalAmount::Duration(ms) => (Value::TimeDuration(ms), DataType::TimeDuration),
            TemporalAmount::Period { months, days } => {
                (Value::DatePeriod { months, days }, DataType::DatePeriod)
            }
        }
    }
}

/// A time span from a number and a unit (`1 hour`, `5 m`, `2 weeks`), or ES's message
/// (`Unexpected temporal unit: 'x'`) for an unknown unit or an out-of-range amount.
pub fn temporal(value: i64, unit: &str) -> Result<TemporalAmount, String> {
    let unit_lower = unit.to_ascii_lowercase();
    let overflow = || format!("Value [{value}] out of range for unit [{unit}]");
    let ms = |factor: i64| {
        value
            .checked_mul(factor)
            .map(TemporalAmount::Duration)
            .ok_or_else(overflow)
    };
    let int = |v: i64| i32::try_from(v).map_err(|_| overflow());
    Ok(match unit_lower.as_str() {
        "millisecond" | "milliseconds" | "ms" => ms(1)?,
        "second" | "seconds" | "sec" | "s" => ms(1_000)?,
        "minute" | "minutes" | "min" | "m" => ms(60_000)?,
        "hour" | "hours" | "h" => ms(3_600_000)?,
        "day" | "days" | "d" => TemporalAmount::Period {
            months: 0,
            days: int(value)?,
        },
        "week" | "weeks" | "w" => TemporalAmount::Period {
            months: 0,
            days: int(value.checked_mul(7).ok_or_else(overflow)?)?,
        },
        "month" | "months" | "mo" => TemporalAmount::Period {
            months: int(value)?,
            days: 0,
        },
        "quarter" | "quarters" | "q" => TemporalAmount::Period {
            months: int(value.checked_mul(3).ok_or_else(overflow)?)?,
            days: 0,
        },
        "year" | "years" | "yr" | "y" => TemporalAmount::Period {
            months: int(value.checked_mul(12).ok_or_else(overflow)?)?,
            days: 0,
        },
        _ => return Err(format!("Unexpected temporal unit: '{unit}'")),
    })
}

/// ES's `maybeParseTemporalAmount` on a string literal: `None` when the string is not of the form
/// `<number> <unit>` (then no conversion happens), `Some(Err)` when it looks like one but fails.
pub fn parse_temporal_string(s: &str) -> Option<Result<TemporalAmount, String>> {
    let parts: Vec<&str> = s.split_whitespace().collect();
    if parts.len() < 2 {
        return None;
    }
    if parts.len() > 2 {
        return Some(Err(format!("Unexpected temporal amount: '{s}'")));
    }
    let Ok(n) = parts[0].parse::<i64>() else {
        return Some(Err(format!("For input string: \"{}\"", parts[0])));
    };
    Some(temporal(n, parts[1]))
}

/// The upper-case type name ES prints in conversion errors (`DATETIME`, `LONG`, …).
fn upper(t: DataType) -> String {
    super::arg::type_name_upper(t)
}

/// Converts a string literal to `to` as ES's implicit casting does, or returns ES's message
/// `Cannot convert string [s] to [T], error [...]`.
pub fn convert_string(s: &str, to: DataType) -> Result<Value, String> {
    let fail = |err: String| {
        format!(
            "Cannot convert string [{s}] to [{}], error [{err}]",
            upper(to)
        )
    };
    match to {
        DataType::Date => parse_date_millis(s).map(Value::Date).ok_or_else(|| {
            fail(format!(
                "failed to parse date field [{s}] with format [strict_date_optional_time]"
            ))
        }),
        DataType::Ip => s
            .parse::<IpAddr>()
            .map(Value::Ip)
            .map_err(|_| fail(format!("'{s}' is not an IP string literal."))),
        DataType::Version => Ok(Value::Version(s.to_owned())),
        DataType::Boolean => match s.to_ascii_lowercase().as_str() {
            "true" => Ok(Value::Boolean(true)),
            "false" => Ok(Value::Boolean(false)),
            _ => Err(fail(format!(
                "Failed to parse value [{s}] as only [true] or [false] are allowed."
            ))),
        },
        DataType::Double => parse_number(s)
            .map(Value::Double)
            .ok_or_else(|| fail(format!("Cannot parse number [{s}]"))),
        DataType::Long => parse_whole(s)
            .and_then(|d| i64::try_from(d).ok())
            .map(Value::Long)
            .ok_or_else(|| fail(format!("Cannot parse number [{s}]"))),
        DataType::Integer => parse_whole(s)
            .and_then(|d| i32::try_from(d).ok())
            .map(Value::Integer)
            .ok_or_else(|| fail(format!("Cannot parse number [{s}]"))),
        other => Err(fail(format!("unsupported conversion to [{other}]"))),
    }
}

fn parse_number(s: &str) -> Option<f64> {
    let t = s.trim();
    if t.is_empty() || t.eq_ignore_ascii_case("nan") || t.to_ascii_lowercase().contains("inf") {
        return None;
    }
    t.parse::<f64>().ok().filter(|d| d.is_finite())
}

/// A whole number, also from a decimal string with no fraction (`"1.0"`), as ES's string-to-long does.
fn parse_whole(s: &str) -> Option<i128> {
    let t = s.trim();
    if let Ok(i) = t.parse::<i128>() {
        return Some(i);
    }
    let d = parse_number(t)?;
    (d.fract() == 0.0 && d.abs() < 9.3e18).then_some(d as i128)
}

/// Parses `strict_date_optional_time` (`yyyy[-MM[-dd]][THH[:mm[:ss[.fraction]]]][Z|±HH[:]mm]`) to epoch
/// milliseconds (UTC unless an offset is given). Fractions beyond milliseconds are truncated.
pub fn parse_date_millis(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    let mut i = 0;
    let num = |i: &mut usize, n: usize| -> Option<i64> {
        let end = *i + n;
        let part = s.get(*i..end)?;
        if !part.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        *i = end;
        part.parse().ok()
    };
    let year = num(&mut i, 4)?;
    let (mut month, mut day) = (1, 1);
    if b.get(i) == Some(&b'-') {
        i += 1;
        month = num(&mut i, 2)?;
        if b.get(i) == Some(&b'-') {
            i += 1;
            day = num(&mut i, 2)?;
        }
    }
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return None;
    }
    let (mut h, mut mi, mut sec, mut milli) = (0, 0, 0, 0);
    let mut offset_min = 0i64;
    if b.get(i) == Some(&b'T') {
        i += 1;
        h = num(&mut i, 2)?;
        if b.get(i) == Some(&b':') {
            i += 1;
            mi = num(&mut i, 2)?;
            if b.get(i) == Some(&b':') {
                i += 1;
                sec = num(&mut i, 2)?;
                if matches!(b.get(i), Some(b'.') | Some(b',')) {
                    i += 1;
                    let start = i;
                    while b.get(i).is_some_and(u8::is_ascii_digit) {
                        i += 1;
                    }
                    let frac = &s[start..i];
                    if frac.is_empty() || frac.len() > 9 {
                        return None;
                    }
                    let ms_digits: String = frac.chars().chain("000".chars()).take(3).collect();
                    milli = ms_digits.parse().ok()?;
                }
            }
        }
        if h > 23 || mi > 59 || sec > 59 {
            return None;
        }
        match b.get(i) {
            Some(b'Z') => i += 1,
            Some(&c @ (b'+' | b'-')) => {
                i += 1;
                let oh = num(&mut i, 2)?;
                if b.get(i) == Some(&b':') {
                    i += 1;
                }
                let om = if i < b.len() { num(&mut i, 2)? } else { 0 };
                offset_min = (oh * 60 + om) * if c == b'-' { -1 } else { 1 };
            }
            _ => {}
        }
    }
    if i != b.len() {
        return None;
    }
    let days = crate::format::days_from_civil(year, month as u32, day as u32);
    let secs = days * 86_400 + h * 3600 + mi * 60 + sec - offset_min * 60;
    Some(secs * 1000 + milli)
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        _ => 28,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn int(sign: Option<Sign>, d: &str) -> (Value, DataType) {
        integer(&IntegerLiteral {
            sign,
            digits: d.into(),
        })
    }

    #[test]
    fn integer_literals_take_the_smallest_type() {
        // spec:row/unsignedLongLiteral and ES's parseIntegral
        assert_eq!(int(None, "1"), (Value::Integer(1), DataType::Integer));
        assert_eq!(
            int(Some(Sign::Minus), "2147483648"),
            (Value::Integer(i32::MIN), DataType::Integer)
        );
        assert_eq!(
            int(None, "2147483648"),
            (Value::Long(2_147_483_648), DataType::Long)
        );
        assert_eq!(
            int(None, "18446744073709551615"),
            (Value::UnsignedLong(u64::MAX), DataType::UnsignedLong)
        );
        assert_eq!(int(None, "18446744073709551616").1, DataType::Double);
        assert_eq!(
            int(Some(Sign::Minus), "9223372036854775809").1,
            DataType::Double
        );
    }

    #[test]
    fn time_spans_by_unit() {
        assert_eq!(temporal(1, "hour"), Ok(TemporalAmount::Duration(3_600_000)));
        assert_eq!(temporal(5, "m"), Ok(TemporalAmount::Duration(300_000)));
        assert_eq!(
            temporal(7, "days"),
            Ok(TemporalAmount::Period { months: 0, days: 7 })
        );
        assert_eq!(
            temporal(1, "YEAR"),
            Ok(TemporalAmount::Period {
                months: 12,
                days: 0
            })
        );
        assert_eq!(
            temporal(1, "dy"),
            Err("Unexpected temporal unit: 'dy'".into())
        );
        assert_eq!(parse_temporal_string("1"), None);
        assert_eq!(
            parse_temporal_string(" 2 minutes "),
            Some(Ok(TemporalAmount::Duration(120_000)))
        );
        assert!(matches!(parse_temporal_string("1.5 minutes"), Some(Err(_))));
    }

    #[test]
    fn string_conversions_follow_es() {
        assert_eq!(
            convert_string("1990-01-01", DataType::Date),
            Ok(Value::Date(631_152_000_000))
        );
        assert_eq!(
            convert_string("2023-01-23T12:15:00.123Z", DataType::Date),
            Ok(Value::Date(1_674_476_100_123))
        );
        assert_eq!(
            convert_string("2023-01-23T12:15:00+01:00", DataType::Date),
            Ok(Value::Date(1_674_472_500_000))
        );
        assert_eq!(
            convert_string("nope", DataType::Date),
            Err("Cannot convert string [nope] to [DATETIME], error [failed to parse date field [nope] with format [strict_date_optional_time]]".into())
        );
        assert_eq!(
            convert_string("c", DataType::Long),
            Err("Cannot convert string [c] to [LONG], error [Cannot parse number [c]]".into())
        );
        assert_eq!(
            convert_string("10.0.0.1", DataType::Ip),
            Ok(Value::Ip("10.0.0.1".parse().unwrap()))
        );
        assert!(convert_string("2023-02-30", DataType::Date).is_err());
    }
}
