//! `== != < <= > >=` and `IN`. SEMANTICS.md §2.1 and §2.2: any null operand gives null; a multi-valued
//! operand gives null plus ES's two warnings (spec:null rowNull*, compareFieldWithNull; spec:boolean/in).
//! `x IN (list)` is true if some element equals x; otherwise null if the list holds a null, else false
//! (spec:null rowIntegerInWithNull*, rowNullIn*, fieldInWithNull).
//!
//! Ordering: numbers numerically across numeric types (doubles with IEEE rules, so `0.0 == -0.0`),
//! strings by UTF-8 bytes, booleans false < true, IPs by their 16-byte form, versions by ES's version
//! order, dates by instant (date against date_nanos exactly).

use std::cmp::Ordering;

use esql::Value;
use esql::plan::{ComparisonOp, Expr};

use crate::reference::Context;

/// Compares two single values; `None` when they are not comparable (NaN, or kinds that do not meet).
pub fn order(a: &Value, b: &Value) -> Option<Ordering> {
    match (a, b) {
        (Value::Double(x), y) => x.partial_cmp(&as_f64(y)?),
        (x, Value::Double(y)) => as_f64(x)?.partial_cmp(y),
        _ => a.compare(b),
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

fn kind_rank(v: &Value) -> u8 {
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

/// A total order over all values (kind first, then value; doubles by `total_cmp`), for using values
/// as map keys. Not ES's comparison: see [`order`] for that.
pub fn total_order(a: &Value, b: &Value) -> Ordering {
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
        (Value::Multi(x), Value::Multi(y)) => slice_order(x, y),
        (Value::Null, Value::Null) => Ordering::Equal,
        _ if kind_rank(a) == kind_rank(b) => a.compare(b).unwrap_or(Ordering::Equal),
        _ => kind_rank(a).cmp(&kind_rank(b)),
    }
}

/// Lexicographic [`total_order`] of two value lists.
pub fn slice_order(x: &[Value], y: &[Value]) -> Ordering {
    x.iter()
        .zip(y)
        .map(|(p, q)| total_order(p, q))
        .find(|o| o.is_ne())
        .unwrap_or_else(|| x.len().cmp(&y.len()))
}

/// A value list ordered by [`total_order`], usable as a `BTreeMap` key.
#[derive(Debug, Clone)]
pub struct KeyOrd(pub Vec<Value>);

impl PartialEq for KeyOrd {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for KeyOrd {}

impl PartialOrd for KeyOrd {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for KeyOrd {
    fn cmp(&self, other: &Self) -> Ordering {
        slice_order(&self.0, &other.0)
    }
}

/// Single-value equality as `==` sees it (false for incomparable values).
pub fn equals(a: &Value, b: &Value) -> bool {
    order(a, b) == Some(Ordering::Equal)
}

/// Evaluates `left op right` on already evaluated operands.
pub fn compare(expr: &Expr, op: ComparisonOp, args: &[Value; 2], ctx: &mut Context) -> Value {
    let Some(vals) = ctx.singles(expr, args) else {
        return Value::Null;
    };
    let ord = order(vals[0], vals[1]);
    let result = match op {
        ComparisonOp::Eq => ord == Some(Ordering::Equal),
        ComparisonOp::Neq => ord != Some(Ordering::Equal),
        ComparisonOp::Lt => ord == Some(Ordering::Less),
        ComparisonOp::Lte => matches!(ord, Some(Ordering::Less | Ordering::Equal)),
        ComparisonOp::Gt => ord == Some(Ordering::Greater),
        ComparisonOp::Gte => matches!(ord, Some(Ordering::Greater | Ordering::Equal)),
    };
    Value::Boolean(result)
}

/// Evaluates `value IN (items)` on already evaluated operands.
pub fn in_list(expr: &Expr, value: &Value, items: &[Value], ctx: &mut Context) -> Value {
    let Some(v) = ctx.single(expr, value) else {
        return Value::Null;
    };
    let mut saw_null = false;
    for item in items {
        match item {
            Value::Null => saw_null = true,
            Value::Multi(_) => {
                ctx.multi_value(expr);
                return Value::Null;
            }
            single => {
                if equals(v, single) {
                    return Value::Boolean(true);
                }
            }
        }
    }
    if saw_null {
        Value::Null
    } else {
        Value::Boolean(false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reference::test_utils::lit_bool;

    fn cmp(op: ComparisonOp, a: Value, b: Value) -> (Value, usize) {
        let mut ctx = Context::new(0);
        let v = compare(&lit_bool(true), op, &[a, b], &mut ctx);
        (v, ctx.warnings.lines().len())
    }

    /// spec:null/rowTwoNullsComparison: `null == null` is null; spec:null/compareFieldWithNull.
    #[test]
    fn comparisons_with_null_are_null() {
        assert_eq!(
            cmp(ComparisonOp::Eq, Value::Null, Value::Null),
            (Value::Null, 0)
        );
        assert_eq!(
            cmp(ComparisonOp::Neq, Value::Integer(1), Value::Null),
            (Value::Null, 0)
        );
    }

    /// SEMANTICS.md §2.2: a multi-value operand gives null plus two warnings.
    #[test]
    fn multi_value_operand_is_null_with_warnings() {
        let mv = Value::Multi(vec![Value::keyword("a"), Value::keyword("b")]);
        assert_eq!(
            cmp(ComparisonOp::Eq, mv, Value::keyword("a")),
            (Value::Null, 2)
        );
    }

    #[test]
    fn numbers_compare_across_types_and_doubles_use_ieee() {
        assert_eq!(
            cmp(ComparisonOp::Eq, Value::Integer(2), Value::Long(2)).0,
            Value::Boolean(true)
        );
        assert_eq!(
            cmp(ComparisonOp::Lt, Value::Integer(2), Value::Double(2.5)).0,
            Value::Boolean(true)
        );
        assert_eq!(
            cmp(ComparisonOp::Eq, Value::Double(0.0), Value::Double(-0.0)).0,
            Value::Boolean(true)
        );
        assert_eq!(
            cmp(
                ComparisonOp::Gt,
                Value::UnsignedLong(u64::MAX),
                Value::Long(i64::MAX)
            )
            .0,
            Value::Boolean(true)
        );
    }

    /// Keyword order is by UTF-8 bytes (SEMANTICS.md §2.8): "Z" < "a".
    #[test]
    fn keywords_compare_by_bytes() {
        assert_eq!(
            cmp(ComparisonOp::Lt, Value::keyword("Z"), Value::keyword("a")).0,
            Value::Boolean(true)
        );
    }

    /// spec:null rowIntegerInWithNull, rowNullIn: a null in the list and no match gives null.
    #[test]
    fn in_with_nulls() {
        let mut ctx = Context::new(0);
        let e = lit_bool(true);
        let list = [Value::Integer(1), Value::Null];
        assert_eq!(
            in_list(&e, &Value::Integer(1), &list, &mut ctx),
            Value::Boolean(true)
        );
        assert_eq!(
            in_list(&e, &Value::Integer(2), &list, &mut ctx),
            Value::Null
        );
        assert_eq!(
            in_list(&e, &Value::Integer(2), &[Value::Integer(3)], &mut ctx),
            Value::Boolean(false)
        );
        assert_eq!(
            in_list(&e, &Value::Null, &[Value::Integer(3)], &mut ctx),
            Value::Null
        );
        assert!(ctx.warnings.lines().is_empty());
    }
}
