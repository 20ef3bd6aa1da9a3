//! Type conversions: the TO_* functions and `::type` casts (docs functions type_conversion_functions;
//! SEMANTICS.md §2.2 "TO_* conversions (applied per element)"; spec:row convertMvToMvDifferentCardinality,
//! convertMvToSv, convertMvToNull).
//!
//! Conversions are multi-value aware: each value converts on its own; a value that cannot convert is
//! dropped with a warning (`java.lang.NumberFormatException: For input string: "three"`, `[1.0E20] out of
//! [long] range`, …) and if no value converts the result is null. Whole numbers from doubles use Java's
//! `Math.round` (half up), as ES's `safeDoubleToLong`/`safeToInt` do. Strings parse as Java parses them:
//! integers with `Integer.parseInt` falling back to `Double.parseDouble`, booleans with
//! `Boolean.parseBoolean` (anything but "true" is false), dates as `strict_date_optional_time`, IPs as
//! IP literals.

use std::net::IpAddr;

use esql::plan::Expr;
use esql::{DataType, EvalError, Value};

use super::date_format::parse_iso_datetime;
use crate::reference::Context;
pub use esql::algo::java_number::{java_round, parse_java_double, parse_java_long};

const INVALID_ARGUMENT: &str = "org.elasticsearch.xpack.esql.core.InvalidArgumentException";

/// Converts `v` (of type `from`) to type `to` for the expression `expr`.
pub fn convert(
    expr: &Expr,
    v: &Value,
    from: DataType,
    to: DataType,
    ctx: &mut Context,
) -> Result<Value, EvalError> {
    let mut out = Vec::new();
    for single in v.values() {
        match convert_one(single, from, to) {
            Ok(Some(c)) => out.push(c),
            Ok(None) => {}
            Err(Failure::Warn(exception)) => ctx.fail(expr, &exception),
            Err(Failure::Unsupported) => {
                return Err(EvalError::Unsupported(format!(
                    "conversion of {from} to {to} in [{}]",
                    expr.text
                )));
            }
        }
    }
    Ok(Value::from_values(out))
}

/// Why one value did not convert.
enum Failure {
    /// ES warns with this exception line and drops the value.
    Warn(String),
    /// This evaluator does not implement the conversion.
    Unsupported,
}

fn number_format(s: &str) -> Failure {
    Failure::Warn(format!(
        "java.lang.NumberFormatException: For input string: \"{s}\""
    ))
}

fn out_of_range(v: impl std::fmt::Display, t: &str) -> Failure {
    Failure::Warn(format!("{INVALID_ARGUMENT}: [{v}] out of [{t}] range"))
}

fn double_to_long(d: f64) -> Result<i64, Failure> {
    if d.is_nan() || d > i64::MAX as f64 || d < i64::MIN as f64 {
        return Err(out_of_range(esql::format::double(d), "long"));
    }
    Ok(java_round(d) as i64)
}

fn double_to_int(d: f64) -> Result<i32, Failure> {
    if d.is_nan() || d > i32::MAX as f64 || d < i32::MIN as f64 {
        return Err(out_of_range(esql::format::double(d), "integer"));
    }
    Ok(java_round(d) as i32)
}

fn string_to_long(s: &str) -> Result<i64, Failure> {
    if let Some(v) = parse_java_long(s) {
        return Ok(v);
    }
    match parse_java_double(s) {
        Some(d) => double_to_long(d),
        None => Err(number_format(s)),
    }
}

/// Formats a single value as TO_STRING does.
pub fn to_string(v: &Value) -> String {
    v.to_string()
}

fn convert_one(v: &Value, from: DataType, to: DataType) -> Result<Option<Value>, Failure> {
    use Value as V;
    let to = to.text_as_keyword();
    Ok(Some(match (to, v) {
        (DataType::Keyword, v) => V::Keyword(to_string(v)),

        (DataType::Boolean, V::Boolean(b)) => V::Boolean(*b),
        (DataType::Boolean, V::Keyword(s)) => V::Boolean(s.eq_ignore_ascii_case("true")),
        (DataType::Boolean, V::Integer(i)) => V::Boolean(*i != 0),
        (DataType::Boolean, V::Long(i)) => V::Boolean(*i != 0),
        (DataType::Boolean, V::UnsignedLong(u)) => V::Boolean(*u != 0),
        (DataType::Boolean, V::Double(d)) => V::Boolean(*d != 0.0),

        (DataType::Long, V::Long(i)) => V::Long(*i),
        (DataType::Long, V::Integer(i)) => V::Long(*i as i64),
        (DataType::Long, V::Boolean(b)) => V::Long(*b as i64),
        (DataType::Long, V::Date(ms)) => V::Long(*ms),
        (DataType::Long, V::DateNanos(ns)) => V::Long(*ns),
        (DataType::Long, V::UnsignedLong(u)) => {
            V::Long(i64::try_from(*u).map_err(|_| out_of_range(u, "long"))?)
        }
        (DataType::Long, V::Double(d)) => V::Long(double_to_long(*d)?),
        (DataType::Long, V::Keyword(s)) => V::Long(string_to_long(s)?),

        (DataType::Integer, V::Integer(i)) => V::Integer(*i),
        (DataType::Integer, V::Boolean(b)) => V::Integer(*b as i32),
        (DataType::Integer, V::Long(i)) => {
            V::Integer(i32::try_from(*i).map_err(|_| out_of_range(i, "integer"))?)
        }
        (DataType::Integer, V::Date(ms)) => {
            V::Integer(i32::try_from(*ms).map_err(|_| out_of_range(ms, "integer"))?)
        }
        (DataType::Integer, V::UnsignedLong(u)) => {
            V::Integer(i32::try_from(*u).map_err(|_| out_of_range(u, "integer"))?)
        }
        (DataType::Integer, V::Double(d)) => V::Integer(double_to_int(*d)?),
        (DataType::Integer, V::Keyword(s)) => {
            let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
            if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
                match s.parse::<i32>() {
                    Ok(i) => V::Integer(i),
                    Err(_) => return Err(out_of_range(s, "integer")),
                }
            } else {
                match parse_java_double(s) {
                    Some(d) => V::Integer(double_to_int(d)?),
                    None => return Err(number_format(s)),
                }
            }
        }

        (DataType::UnsignedLong, V::UnsignedLong(u)) => V::UnsignedLong(*u),
        (DataType::UnsignedLong, V::Boolean(b)) => V::UnsignedLong(*b as u64),
        (DataType::UnsignedLong, V::Integer(i)) => {
            V::UnsignedLong(u64::try_from(*i).map_err(|_| out_of_range(i, "unsigned_long"))?)
        }
        (DataType::UnsignedLong, V::Long(i)) | (DataType::UnsignedLong, V::Date(i)) => {
            V::UnsignedLong(u64::try_from(*i).map_err(|_| out_of_range(i, "unsigned_long"))?)
        }
        (DataType::UnsignedLong, V::Double(d)) => {
            if d.is_nan() || *d < 0.0 || *d >= 18_446_744_073_709_551_616.0 {
                return Err(out_of_range(esql::format::double(*d), "unsigned_long"));
            }
            V::UnsignedLong(java_round(*d) as u64)
        }
        (DataType::UnsignedLong, V::Keyword(s)) => match s.parse::<u64>() {
            Ok(u) => V::UnsignedLong(u),
            Err(_) => match parse_java_double(s) {
                Some(d) if (0.0..18_446_744_073_709_551_616.0).contains(&d) => {
                    V::UnsignedLong(java_round(d) as u64)
                }
                Some(_) => return Err(out_of_range(s, "unsigned_long")),
                None => return Err(number_format(s)),
            },
        },

        (DataType::Double, V::Double(d)) => V::Double(*d),
        (DataType::Double, V::Integer(i)) => V::Double(*i as f64),
        (DataType::Double, V::Long(i)) => V::Double(*i as f64),
        (DataType::Double, V::UnsignedLong(u)) => V::Double(*u as f64),
        (DataType::Double, V::Boolean(b)) => V::Double(*b as i64 as f64),
        (DataType::Double, V::Date(ms)) => V::Double(*ms as f64),
        (DataType::Double, V::Keyword(s)) => match parse_java_double(s) {
            Some(d) => V::Double(d),
            None => return Err(number_format(s)),
        },

        (DataType::Date, V::Date(ms)) => V::Date(*ms),
        (DataType::Date, V::DateNanos(ns)) => V::Date(ns.div_euclid(1_000_000)),
        (DataType::Date, V::Long(i)) => V::Date(*i),
        (DataType::Date, V::Integer(i)) => V::Date(*i as i64),
        (DataType::Date, V::UnsignedLong(u)) => {
            V::Date(i64::try_from(*u).map_err(|_| out_of_range(u, "long"))?)
        }
        (DataType::Date, V::Double(d)) => V::Date(double_to_long(*d)?),
        (DataType::Date, V::Keyword(s)) => match parse_iso_datetime(s) {
            Some(ms) => V::Date(ms),
            None => {
                return Err(Failure::Warn(format!(
                    "java.lang.IllegalArgumentException: failed to parse date field [{s}] with format [strict_date_optional_time]"
                )));
            }
        },

        (DataType::DateNanos, V::DateNanos(ns)) => V::DateNanos(*ns),
        (DataType::DateNanos, V::Date(ms)) => V::DateNanos(
            ms.checked_mul(1_000_000)
                .ok_or_else(|| out_of_range(ms, "date_nanos"))?,
        ),
        (DataType::DateNanos, V::Long(i)) => V::DateNanos(*i),

        (DataType::Ip, V::Ip(ip)) => V::Ip(*ip),
        (DataType::Ip, V::Keyword(s)) => match s.parse::<IpAddr>() {
            Ok(ip) => V::Ip(ip),
            Err(_) => {
                return Err(Failure::Warn(format!(
                    "java.lang.IllegalArgumentException: '{s}' is not an IP string literal."
                )));
            }
        },

        (DataType::Version, V::Version(s)) | (DataType::Version, V::Keyword(s)) => {
            V::Version(s.clone())
        }

        (DataType::TimeDuration, V::TimeDuration(d)) => V::TimeDuration(*d),
        (DataType::DatePeriod, p @ V::DatePeriod { .. }) => p.clone(),
        (_, V::Null) => return Ok(None),
        _ => {
            let _ = from;
            return Err(Failure::Unsupported);
        }
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reference::test_utils::typed_expr;

    fn conv(v: Value, from: DataType, to: DataType) -> (Value, Vec<String>) {
        let mut ctx = Context::new(0);
        let e = typed_expr(to, "to_int(strings)");
        let out = convert(&e, &v, from, to, &mut ctx).unwrap();
        (out, ctx.warnings.into_lines())
    }

    /// spec:row convertMvToMvDifferentCardinality / convertMvToSv / convertMvToNull.
    #[test]
    fn failing_elements_are_dropped_with_warnings() {
        let strings = |v: &[&str]| Value::Multi(v.iter().map(|s| Value::keyword(*s)).collect());
        let (v, w) = conv(
            strings(&["1", "2", "three"]),
            DataType::Keyword,
            DataType::Integer,
        );
        assert_eq!(v, Value::Multi(vec![Value::Integer(1), Value::Integer(2)]));
        assert_eq!(
            w[1],
            "Line 1:1: java.lang.NumberFormatException: For input string: \"three\""
        );
        let (v, _) = conv(strings(&["1", "two"]), DataType::Keyword, DataType::Integer);
        assert_eq!(v, Value::Integer(1));
        let (v, w) = conv(
            strings(&["one", "two"]),
            DataType::Keyword,
            DataType::Integer,
        );
        assert_eq!(v, Value::Null);
        assert_eq!(w.len(), 3);
    }

    #[test]
    fn numbers_round_like_java() {
        assert_eq!(
            conv(Value::Double(2.5), DataType::Double, DataType::Long).0,
            Value::Long(3)
        );
        assert_eq!(
            conv(Value::Double(-2.5), DataType::Double, DataType::Long).0,
            Value::Long(-2)
        );
        assert_eq!(
            conv(Value::keyword("1.5"), DataType::Keyword, DataType::Integer).0,
            Value::Integer(2)
        );
        let (v, w) = conv(Value::Double(1e20), DataType::Double, DataType::Long);
        assert_eq!(v, Value::Null);
        assert!(w[1].ends_with("[1.0E20] out of [long] range"), "{w:?}");
    }

    #[test]
    fn strings_booleans_dates_ips() {
        assert_eq!(
            conv(Value::Double(1.5), DataType::Double, DataType::Keyword).0,
            Value::keyword("1.5")
        );
        assert_eq!(
            conv(Value::keyword("TRUE"), DataType::Keyword, DataType::Boolean).0,
            Value::Boolean(true)
        );
        assert_eq!(
            conv(Value::keyword("yes"), DataType::Keyword, DataType::Boolean).0,
            Value::Boolean(false)
        );
        assert_eq!(
            conv(
                Value::keyword("2023-01-23T12:15:00.000Z"),
                DataType::Keyword,
                DataType::Date
            )
            .0,
            Value::Date(1_674_476_100_000)
        );
        assert_eq!(
            conv(
                Value::Date(1_674_476_100_000),
                DataType::Date,
                DataType::Keyword
            )
            .0,
            Value::keyword("2023-01-23T12:15:00.000Z")
        );
        assert_eq!(
            conv(Value::keyword("10.0.0.1"), DataType::Keyword, DataType::Ip).0,
            Value::Ip("10.0.0.1".parse().unwrap())
        );
        assert_eq!(
            conv(Value::keyword("nope"), DataType::Keyword, DataType::Ip).0,
            Value::Null
        );
    }
}
