//! Type conversions: `::type` casts, the analyzer's implicit casts and the `TO_*` functions.
//!
//! A conversion applies to each value of a multi-value; a value that cannot convert is dropped with a
//! warning (`NumberFormatException`, `InvalidArgumentException: [v] out of [type] range`, date and IP
//! parse failures), so the result holds the values that converted (null if none). Doubles round to whole
//! numbers with Java's `Math.round`; strings parse as Java's `Long.parseLong`/`Double.parseDouble`.

use std::net::IpAddr;

use esql::algo::java_number::{java_round, parse_java_double, parse_java_long};
use esql::algo::java_time::parse_iso_datetime;
use esql::plan::Expr;
use esql::{DataType, EvalError, Value};

use super::Scope;

const INVALID: &str = "org.elasticsearch.xpack.esql.core.InvalidArgumentException";
const TWO_POW_64: f64 = 18_446_744_073_709_551_616.0;

/// Why one value did not convert.
enum Reject {
    /// A warning line (the value is dropped).
    Warn(String),
    /// A conversion this engine does not implement.
    Unsupported,
}

fn not_a_number(s: &str) -> Reject {
    Reject::Warn(format!(
        "java.lang.NumberFormatException: For input string: \"{s}\""
    ))
}

fn out_of_range(v: impl std::fmt::Display, t: &str) -> Reject {
    Reject::Warn(format!("{INVALID}: [{v}] out of [{t}] range"))
}

/// Converts `v` to `to` for `expr` (a cast or a `TO_*` call).
pub fn cast(expr: &Expr, v: &Value, to: DataType, s: &mut Scope<'_>) -> Result<Value, EvalError> {
    let mut out = Vec::with_capacity(v.count());
    for x in v.values() {
        match one(x, to.text_as_keyword()) {
            Ok(Some(c)) => out.push(c),
            Ok(None) => {}
            Err(Reject::Warn(line)) => s.fail(expr, &line),
            Err(Reject::Unsupported) => {
                return Err(EvalError::Unsupported(format!(
                    "conversion of {x:?} to {to} in [{}]",
                    expr.text
                )));
            }
        }
    }
    Ok(Value::from_values(out))
}

fn to_long(d: f64) -> Result<i64, Reject> {
    if d.is_nan() || d > i64::MAX as f64 || d < i64::MIN as f64 {
        return Err(out_of_range(esql::format::double(d), "long"));
    }
    Ok(java_round(d) as i64)
}

fn to_int(d: f64) -> Result<i32, Reject> {
    if d.is_nan() || d > f64::from(i32::MAX) || d < f64::from(i32::MIN) {
        return Err(out_of_range(esql::format::double(d), "integer"));
    }
    Ok(java_round(d) as i32)
}

fn to_unsigned(d: f64, shown: impl std::fmt::Display) -> Result<u64, Reject> {
    if d.is_nan() || !(0.0..TWO_POW_64).contains(&d) {
        return Err(out_of_range(shown, "unsigned_long"));
    }
    Ok(java_round(d) as u64)
}

fn string_to_long(s: &str) -> Result<i64, Reject> {
    match parse_java_long(s) {
        Some(v) => Ok(v),
        None => to_long(parse_java_double(s).ok_or_else(|| not_a_number(s))?),
    }
}

fn string_to_int(s: &str) -> Result<i32, Reject> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        return s.parse::<i32>().map_err(|_| out_of_range(s, "integer"));
    }
    to_int(parse_java_double(s).ok_or_else(|| not_a_number(s))?)
}

fn one(v: &Value, to: DataType) -> Result<Option<Value>, Reject> {
    use Value as V;
    let out = match (to, v) {
        (_, V::Null) => return Ok(None),
        (DataType::Keyword, v) => V::Keyword(v.to_string()),
        (DataType::Boolean, v) => V::Boolean(match v {
            V::Boolean(b) => *b,
            V::Keyword(s) => s.eq_ignore_ascii_case("true"),
            V::Integer(i) => *i != 0,
            V::Long(i) => *i != 0,
            V::UnsignedLong(u) => *u != 0,
            V::Double(d) => *d != 0.0,
            _ => return Err(Reject::Unsupported),
        }),
        (DataType::Long, v) => V::Long(match v {
            V::Long(i) | V::Date(i) | V::DateNanos(i) => *i,
            V::Integer(i) => i64::from(*i),
            V::Boolean(b) => i64::from(*b),
            V::UnsignedLong(u) => i64::try_from(*u).map_err(|_| out_of_range(u, "long"))?,
            V::Double(d) => to_long(*d)?,
            V::Keyword(s) => string_to_long(s)?,
            _ => return Err(Reject::Unsupported),
        }),
        (DataType::Integer, v) => V::Integer(match v {
            V::Integer(i) => *i,
            V::Boolean(b) => i32::from(*b),
            V::Long(i) | V::Date(i) => i32::try_from(*i).map_err(|_| out_of_range(i, "integer"))?,
            V::UnsignedLong(u) => i32::try_from(*u).map_err(|_| out_of_range(u, "integer"))?,
            V::Double(d) => to_int(*d)?,
            V::Keyword(s) => string_to_int(s)?,
            _ => return Err(Reject::Unsupported),
        }),
        (DataType::UnsignedLong, v) => V::UnsignedLong(match v {
            V::UnsignedLong(u) => *u,
            V::Boolean(b) => u64::from(*b),
            V::Integer(i) => u64::try_from(*i).map_err(|_| out_of_range(i, "unsigned_long"))?,
            V::Long(i) | V::Date(i) => {
                u64::try_from(*i).map_err(|_| out_of_range(i, "unsigned_long"))?
            }
            V::Double(d) => to_unsigned(*d, esql::format::double(*d))?,
            V::Keyword(s) => match s.parse::<u64>() {
                Ok(u) => u,
                Err(_) => to_unsigned(parse_java_double(s).ok_or_else(|| not_a_number(s))?, s)?,
            },
            _ => return Err(Reject::Unsupported),
        }),
        (DataType::Double, v) => V::Double(match v {
            V::Double(d) => *d,
            V::Integer(_) | V::Long(_) | V::UnsignedLong(_) => super::float(v),
            V::Boolean(b) => f64::from(u8::from(*b)),
            V::Date(ms) => *ms as f64,
            V::Keyword(s) => parse_java_double(s).ok_or_else(|| not_a_number(s))?,
            _ => return Err(Reject::Unsupported),
        }),
        (DataType::Date, v) => V::Date(match v {
            V::Date(ms) | V::Long(ms) => *ms,
            V::DateNanos(ns) => ns.div_euclid(1_000_000),
            V::Integer(i) => i64::from(*i),
            V::UnsignedLong(u) => i64::try_from(*u).map_err(|_| out_of_range(u, "long"))?,
            V::Double(d) => to_long(*d)?,
            V::Keyword(s) => parse_iso_datetime(s).ok_or_else(|| {
                Reject::Warn(format!(
                    "java.lang.IllegalArgumentException: failed to parse date field [{s}] with format [strict_date_optional_time]"
                ))
            })?,
            _ => return Err(Reject::Unsupported),
        }),
        (DataType::DateNanos, v) => V::DateNanos(match v {
            V::DateNanos(ns) | V::Long(ns) => *ns,
            V::Date(ms) => ms
                .checked_mul(1_000_000)
                .ok_or_else(|| out_of_range(ms, "date_nanos"))?,
            _ => return Err(Reject::Unsupported),
        }),
        (DataType::Ip, V::Ip(ip)) => V::Ip(*ip),
        (DataType::Ip, V::Keyword(s)) => V::Ip(s.parse::<IpAddr>().map_err(|_| {
            Reject::Warn(format!(
                "java.lang.IllegalArgumentException: '{s}' is not an IP string literal."
            ))
        })?),
        (DataType::Version, V::Version(s) | V::Keyword(s)) => V::Version(s.clone()),
        (DataType::TimeDuration, V::TimeDuration(d)) => V::TimeDuration(*d),
        (DataType::DatePeriod, p @ V::DatePeriod { .. }) => p.clone(),
        _ => return Err(Reject::Unsupported),
    };
    Ok(Some(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn conv(v: Value, to: DataType) -> (Value, Vec<String>) {
        let mut w = esql::Warnings::new();
        let cache = super::super::PatternCache::default();
        let mut s = Scope {
            warnings: &mut w,
            now_millis: 0,
            patterns: &cache,
        };
        let e = Expr::literal(
            Value::Null,
            to,
            "x::t",
            esql::Position { line: 1, column: 1 },
        );
        let out = cast(&e, &v, to, &mut s).unwrap();
        (out, w.into_lines())
    }

    #[test]
    fn strings_parse_like_java_and_bad_values_warn() {
        assert_eq!(
            conv(Value::keyword("12"), DataType::Long).0,
            Value::Long(12)
        );
        assert_eq!(
            conv(Value::keyword("2.5"), DataType::Integer).0,
            Value::Integer(3)
        );
        let (v, w) = conv(Value::keyword("x"), DataType::Integer);
        assert_eq!(v, Value::Null);
        assert!(w[1].ends_with("NumberFormatException: For input string: \"x\""));
    }

    #[test]
    fn multi_values_keep_what_converts() {
        let mv = Value::Multi(vec![
            Value::keyword("1"),
            Value::keyword("no"),
            Value::keyword("3"),
        ]);
        let (v, w) = conv(mv, DataType::Long);
        assert_eq!(v, Value::Multi(vec![Value::Long(1), Value::Long(3)]));
        assert_eq!(w.len(), 2);
        let (v, w) = conv(Value::Double(3e10), DataType::Integer);
        assert_eq!(v, Value::Null);
        assert!(w[1].contains("out of [integer] range"));
    }
}
