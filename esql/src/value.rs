//! Runtime values of ES|QL, shared by both evaluators, the readers and the result table.
//!
//! A multi-value ([`Value::Multi`]) holds two or more non-null values of one type; a single value is never
//! wrapped and an empty array is [`Value::Null`]. Strings of both `keyword` and `text` columns are
//! [`Value::Keyword`]: the column's [`DataType`](crate::DataType) says which it is.

use std::cmp::Ordering;
use std::fmt;
use std::net::IpAddr;

/// One ES|QL value (possibly multi-valued).
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// No value.
    Null,
    /// `boolean`.
    Boolean(bool),
    /// `integer`.
    Integer(i32),
    /// `long`.
    Long(i64),
    /// `unsigned_long`.
    UnsignedLong(u64),
    /// `double`.
    Double(f64),
    /// `keyword` or `text`.
    Keyword(String),
    /// `ip`.
    Ip(IpAddr),
    /// `version`, kept as written.
    Version(String),
    /// `date`: milliseconds since the Unix epoch, UTC.
    Date(i64),
    /// `date_nanos`: nanoseconds since the Unix epoch, UTC.
    DateNanos(i64),
    /// `time_duration` in milliseconds.
    TimeDuration(i64),
    /// `date_period`: calendar months and days.
    DatePeriod {
        /// Whole months (years are 12 months).
        months: i32,
        /// Whole days (weeks are 7 days).
        days: i32,
    },
    /// Two or more values of one type.
    Multi(Vec<Value>),
}

impl Value {
    /// Builds a value from a list: empty → `Null`, one → that value, more → `Multi`. Nulls are dropped.
    pub fn from_values(mut values: Vec<Value>) -> Value {
        values.retain(|v| !v.is_null());
        match values.len() {
            0 => Value::Null,
            1 => values.pop().unwrap_or(Value::Null),
            _ => Value::Multi(values),
        }
    }

    /// A keyword value.
    pub fn keyword(s: impl Into<String>) -> Value {
        Value::Keyword(s.into())
    }

    /// True for `Null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// True for a multi-value.
    pub fn is_multi(&self) -> bool {
        matches!(self, Value::Multi(_))
    }

    /// The values: none for null, one for a single value, all of a multi-value.
    pub fn values(&self) -> &[Value] {
        match self {
            Value::Null => &[],
            Value::Multi(vs) => vs,
            single => std::slice::from_ref(single),
        }
    }

    /// Number of values (0 for null).
    pub fn count(&self) -> usize {
        self.values().len()
    }

    /// The string of a keyword value.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Keyword(s) => Some(s),
            _ => None,
        }
    }

    /// Compares two single values of the same kind in ES order: numbers numerically (across numeric
    /// kinds), strings by UTF-8 bytes, booleans false < true, IPs by their IPv6-mapped bytes, dates by
    /// instant. Returns `None` for nulls, multi-values and values of unrelated kinds.
    pub fn compare(&self, other: &Value) -> Option<Ordering> {
        use Value::*;
        match (self, other) {
            (Boolean(a), Boolean(b)) => Some(a.cmp(b)),
            (Keyword(a), Keyword(b)) => Some(a.as_bytes().cmp(b.as_bytes())),
            (Version(a), Version(b)) => Some(crate::version::compare(a, b)),
            (Ip(a), Ip(b)) => Some(ip_bytes(a).cmp(&ip_bytes(b))),
            (Date(a), Date(b))
            | (DateNanos(a), DateNanos(b))
            | (TimeDuration(a), TimeDuration(b)) => Some(a.cmp(b)),
            (Date(ms), DateNanos(ns)) => Some((*ms as i128 * 1_000_000).cmp(&(*ns as i128))),
            (DateNanos(ns), Date(ms)) => Some((*ns as i128).cmp(&(*ms as i128 * 1_000_000))),
            (a, b) => compare_numbers(a, b),
        }
    }
}

/// The 16-byte IPv6 (IPv4-mapped) form ES uses to order and store IP addresses.
pub fn ip_bytes(ip: &IpAddr) -> [u8; 16] {
    match ip {
        IpAddr::V4(v4) => v4.to_ipv6_mapped().octets(),
        IpAddr::V6(v6) => v6.octets(),
    }
}

fn compare_numbers(a: &Value, b: &Value) -> Option<Ordering> {
    use Value::*;
    match (a, b) {
        (Double(x), y) => Some(x.total_cmp(&as_f64(y)?)).filter(|_| !x.is_nan()),
        (x, Double(y)) => Some(as_f64(x)?.total_cmp(y)).filter(|_| !y.is_nan()),
        (x, y) => Some(as_i128(x)?.cmp(&as_i128(y)?)),
    }
}

fn as_i128(v: &Value) -> Option<i128> {
    match v {
        Value::Integer(i) => Some(*i as i128),
        Value::Long(i) => Some(*i as i128),
        Value::UnsignedLong(u) => Some(*u as i128),
        _ => None,
    }
}

fn as_f64(v: &Value) -> Option<f64> {
    match v {
        Value::Integer(i) => Some(*i as f64),
        Value::Long(i) => Some(*i as f64),
        Value::UnsignedLong(u) => Some(*u as f64),
        Value::Double(d) => Some(*d),
        _ => None,
    }
}

impl fmt::Display for Value {
    /// Formats as ES|QL prints values in tables: dates as `2023-01-23T12:15:00.000Z`, multi-values as
    /// `[a, b]`, null as `null`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Null => f.write_str("null"),
            Value::Boolean(b) => write!(f, "{b}"),
            Value::Integer(i) => write!(f, "{i}"),
            Value::Long(i) => write!(f, "{i}"),
            Value::UnsignedLong(u) => write!(f, "{u}"),
            Value::Double(d) => f.write_str(&crate::format::double(*d)),
            Value::Keyword(s) | Value::Version(s) => f.write_str(s),
            Value::Ip(ip) => write!(f, "{ip}"),
            Value::Date(ms) => f.write_str(&crate::format::date_millis(*ms)),
            Value::DateNanos(ns) => f.write_str(&crate::format::date_nanos(*ns)),
            Value::TimeDuration(ms) => write!(f, "PT{}S", *ms as f64 / 1000.0),
            Value::DatePeriod { months, days } => write!(f, "P{months}M{days}D"),
            Value::Multi(vs) => {
                f.write_str("[")?;
                for (i, v) in vs.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{v}")?;
                }
                f.write_str("]")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn from_values_unwraps_single_and_drops_nulls() {
        assert_eq!(Value::from_values(vec![]), Value::Null);
        assert_eq!(
            Value::from_values(vec![Value::Null, Value::Long(1)]),
            Value::Long(1)
        );
        assert_eq!(
            Value::from_values(vec![Value::Long(1), Value::Long(1)]),
            Value::Multi(vec![Value::Long(1), Value::Long(1)])
        );
    }

    #[test]
    fn compare_orders_numbers_across_kinds_and_strings_by_bytes() {
        assert_eq!(
            Value::Integer(2).compare(&Value::Long(3)),
            Some(Ordering::Less)
        );
        assert_eq!(
            Value::Double(2.5).compare(&Value::Integer(2)),
            Some(Ordering::Greater)
        );
        assert_eq!(
            Value::keyword("Z").compare(&Value::keyword("a")),
            Some(Ordering::Less)
        );
        assert_eq!(Value::Null.compare(&Value::Null), None);
        assert_eq!(Value::keyword("1").compare(&Value::Long(1)), None);
    }
}
