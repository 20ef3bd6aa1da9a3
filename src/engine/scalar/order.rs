//! Value ordering and equality as ES|QL compares values.
//!
//! Three orders: [`cmp`] is the comparison operators' order (numbers across numeric types, IEEE doubles
//! so NaN is unordered and `0.0 == -0.0`, strings by UTF-8 bytes, IPs by their 16-byte form, versions by
//! precedence); [`total`] is a total order over any values used to key groups and distinct sets (equal
//! values of one kind are equal, kinds are ranked); [`Keyed`] wraps a row of values in it.

use std::cmp::Ordering;

use esql::Value;
use esql::plan::ComparisonOp;

/// The comparison order of two single values; `None` when they are unrelated or NaN is involved.
pub fn cmp(a: &Value, b: &Value) -> Option<Ordering> {
    match (a, b) {
        (Value::Double(x), y) => x.partial_cmp(&numeric(y)?),
        (x, Value::Double(y)) => numeric(x)?.partial_cmp(y),
        _ => a.compare(b),
    }
}

fn numeric(v: &Value) -> Option<f64> {
    match v {
        Value::Integer(i) => Some(f64::from(*i)),
        Value::Long(i) => Some(*i as f64),
        Value::UnsignedLong(u) => Some(*u as f64),
        Value::Double(d) => Some(*d),
        _ => None,
    }
}

/// `a op b` on two single values.
pub fn test(op: ComparisonOp, a: &Value, b: &Value) -> bool {
    let o = cmp(a, b);
    match op {
        ComparisonOp::Eq => o == Some(Ordering::Equal),
        ComparisonOp::Neq => o != Some(Ordering::Equal),
        ComparisonOp::Lt => o == Some(Ordering::Less),
        ComparisonOp::Lte => matches!(o, Some(Ordering::Less | Ordering::Equal)),
        ComparisonOp::Gt => o == Some(Ordering::Greater),
        ComparisonOp::Gte => matches!(o, Some(Ordering::Greater | Ordering::Equal)),
    }
}

/// `a == b` in the comparison order.
pub fn equal(a: &Value, b: &Value) -> bool {
    cmp(a, b) == Some(Ordering::Equal)
}

/// Sorts single values ascending in the comparison order (unordered pairs stay as they are; stable).
pub fn sort_values(values: &mut [Value]) {
    values.sort_by(|a, b| cmp(a, b).unwrap_or(Ordering::Equal));
}

fn rank(v: &Value) -> u8 {
    match v {
        Value::Null => 0,
        Value::Boolean(_) => 1,
        Value::Integer(_) => 2,
        Value::Long(_) => 3,
        Value::UnsignedLong(_) => 4,
        Value::Double(_) => 5,
        Value::Keyword(_) => 6,
        Value::Ip(_) => 7,
        Value::Version(_) => 8,
        Value::Date(_) => 9,
        Value::DateNanos(_) => 10,
        Value::TimeDuration(_) => 11,
        Value::DatePeriod { .. } => 12,
        Value::Multi(_) => 13,
    }
}

/// A total order over all values: by kind first, then within a kind (doubles by `total_cmp`,
/// multi-values element-wise then by length).
pub fn total(a: &Value, b: &Value) -> Ordering {
    match (a, b) {
        (Value::Double(x), Value::Double(y)) => x.total_cmp(y),
        (
            Value::DatePeriod {
                months: m1,
                days: d1,
            },
            Value::DatePeriod {
                months: m2,
                days: d2,
            },
        ) => (m1, d1).cmp(&(m2, d2)),
        (Value::Multi(x), Value::Multi(y)) => total_slices(x, y),
        _ => match rank(a).cmp(&rank(b)) {
            Ordering::Equal => a.compare(b).unwrap_or(Ordering::Equal),
            o => o,
        },
    }
}

/// [`total`] extended to rows, element-wise then by length.
pub fn total_slices(x: &[Value], y: &[Value]) -> Ordering {
    for (p, q) in x.iter().zip(y) {
        let o = total(p, q);
        if o.is_ne() {
            return o;
        }
    }
    x.len().cmp(&y.len())
}

/// A row of values ordered by [`total_slices`] (a map key for groups and distinct sets).
#[derive(Debug, Clone)]
pub struct Keyed(pub Vec<Value>);

impl PartialEq for Keyed {
    fn eq(&self, other: &Keyed) -> bool {
        total_slices(&self.0, &other.0).is_eq()
    }
}

impl Eq for Keyed {}

impl PartialOrd for Keyed {
    fn partial_cmp(&self, other: &Keyed) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Keyed {
    fn cmp(&self, other: &Keyed) -> Ordering {
        total_slices(&self.0, &other.0)
    }
}

/// The values without repeats (same kind and equal), in first-occurrence order.
pub fn dedupe(values: &[Value]) -> Vec<Value> {
    let mut out: Vec<Value> = Vec::with_capacity(values.len());
    for v in values {
        let seen = out.iter().any(|o| {
            o == v || (std::mem::discriminant(o) == std::mem::discriminant(v) && equal(o, v))
        });
        if !seen {
            out.push(v.clone());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comparison_order_mixes_numeric_types_and_leaves_nan_unordered() {
        assert!(test(
            ComparisonOp::Lt,
            &Value::Integer(2),
            &Value::Double(2.5)
        ));
        assert!(test(
            ComparisonOp::Eq,
            &Value::Double(0.0),
            &Value::Double(-0.0)
        ));
        assert!(test(
            ComparisonOp::Neq,
            &Value::Double(f64::NAN),
            &Value::Double(f64::NAN)
        ));
        assert!(test(
            ComparisonOp::Gt,
            &Value::UnsignedLong(u64::MAX),
            &Value::Long(i64::MAX)
        ));
        assert!(test(
            ComparisonOp::Lt,
            &Value::keyword("Z"),
            &Value::keyword("a")
        ));
    }

    #[test]
    fn total_order_ranks_kinds_and_dedupe_keeps_first_occurrences() {
        assert_eq!(total(&Value::Null, &Value::Boolean(false)), Ordering::Less);
        assert_eq!(total(&Value::Long(1), &Value::Long(1)), Ordering::Equal);
        let d = dedupe(&[Value::Long(2), Value::Long(1), Value::Long(2)]);
        assert_eq!(d, vec![Value::Long(2), Value::Long(1)]);
    }
}
