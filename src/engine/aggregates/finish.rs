//! Final values of the STATS aggregate functions from what a group accumulated.
//!
//! Input: for one group, the argument rows of the accepted input rows (`items[i][0]` the first
//! argument's value, possibly multi-valued or null, then the further arguments). The columnar sink
//! passes, for COUNT_DISTINCT/VALUES/MIN/MAX, one item per distinct first-argument value instead (their
//! results depend only on the set of values). Semantics (ES's): nulls are skipped and multi-values
//! contribute each value; SUM checks overflow in its result type (null plus an `ArithmeticException`
//! warning under the call's text) and sums doubles with compensation; AVG is the double sum over the value
//! count; COUNT_DISTINCT is the HyperLogLog++ estimate (exact below the precision threshold); VALUES and
//! TOP sort; MEDIAN interpolates; FIRST/LAST pick by the sort argument.

use std::cmp::Ordering;

use esql::algo::hll::{HyperLogLogPlusPlus, es_hash, precision_from_threshold};
use esql::functions::AggregateFunction as A;
use esql::plan::{AggregateCall, Expr};
use esql::{DataType, EvalError, Value, Warnings};

use crate::engine::scalar::multi::Kahan;
use crate::engine::scalar::order::{Keyed, cmp, dedupe, sort_values};
use crate::engine::scalar::{PatternCache, Scope, eval, float};

/// Default COUNT_DISTINCT precision threshold.
const DEFAULT_THRESHOLD: i64 = 3000;

/// Every value of the first argument over the items, in order.
fn first_values(items: &[Vec<Value>]) -> Vec<Value> {
    let mut out = Vec::with_capacity(items.len());
    for it in items {
        if let Some(v) = it.first() {
            out.extend(v.values().iter().cloned());
        }
    }
    out
}

/// A constant argument (a literal or foldable expression reading no column).
fn constant(e: &Expr) -> Result<Value, EvalError> {
    let mut w = Warnings::new();
    let cache = PatternCache::default();
    let mut s = Scope {
        warnings: &mut w,
        now_millis: 0,
        patterns: &cache,
    };
    eval(e, &[], &mut s)
}

/// The final value of `call` over one group's `items`, recording warnings in `warnings`.
pub fn finish(
    call: &AggregateCall,
    items: &[Vec<Value>],
    warnings: &mut Warnings,
) -> Result<Value, EvalError> {
    match call.function {
        A::Count if call.args.is_empty() => Ok(Value::Long(items.len() as i64)),
        A::Count => Ok(Value::Long(
            items
                .iter()
                .map(|it| it.first().map_or(0, Value::count) as i64)
                .sum(),
        )),
        A::Sum | A::Avg => Ok(sum(call, items, warnings)),
        A::Min | A::Max => {
            let want = if call.function == A::Max {
                Ordering::Greater
            } else {
                Ordering::Less
            };
            let mut best: Option<Value> = None;
            for v in first_values(items) {
                if best.as_ref().is_none_or(|b| cmp(&v, b) == Some(want)) {
                    best = Some(v);
                }
            }
            Ok(best.unwrap_or(Value::Null))
        }
        A::Values => {
            let mut all = dedupe_total(first_values(items));
            sort_values(&mut all);
            Ok(Value::from_values(all))
        }
        A::CountDistinct => count_distinct(call, items),
        A::First | A::Last => {
            if call.args.len() < 2 {
                return Err(EvalError::Internal(format!(
                    "[{}] needs a sort argument",
                    call.text
                )));
            }
            let want = if call.function == A::First {
                Ordering::Less
            } else {
                Ordering::Greater
            };
            let mut best: Option<(&Value, &Value)> = None;
            for it in items {
                let (Some(v), Some(key)) = (it.first(), it.get(1)) else {
                    continue;
                };
                if key.is_null() || key.is_multi() {
                    continue;
                }
                if best.is_none_or(|(_, k)| cmp(key, k) == Some(want)) {
                    best = Some((v, key));
                }
            }
            Ok(best.map_or(Value::Null, |(v, _)| v.clone()))
        }
        A::Top => top(call, items),
        other => match super::statistics::finish(call, items, warnings)? {
            Some(v) => Ok(v),
            None => Err(EvalError::Unsupported(format!(
                "aggregate [{}] in the optimized engine",
                other.name()
            ))),
        },
    }
}

/// Distinct values, in the total order.
fn dedupe_total(values: Vec<Value>) -> Vec<Value> {
    let set: std::collections::BTreeSet<Keyed> =
        values.into_iter().map(|v| Keyed(vec![v])).collect();
    set.into_iter()
        .filter_map(|k| k.0.into_iter().next())
        .collect()
}

fn sum(call: &AggregateCall, items: &[Vec<Value>], warnings: &mut Warnings) -> Value {
    let avg = call.function == A::Avg;
    let kind = if avg {
        DataType::Double
    } else {
        call.data_type
    };
    let (mut long, mut unsigned, mut double) = (0i64, 0u64, Kahan::default());
    let mut count = 0u64;
    let mut overflow: Option<&str> = None;
    for it in items {
        for v in it.first().map_or(&[][..], Value::values) {
            count += 1;
            if overflow.is_some() {
                continue;
            }
            match kind {
                DataType::Double => double.add(float(v)),
                DataType::UnsignedLong => {
                    if let Value::UnsignedLong(u) = v {
                        match unsigned.checked_add(*u) {
                            Some(x) => unsigned = x,
                            None => overflow = Some("unsigned_long"),
                        }
                    }
                }
                _ => {
                    let x = match v {
                        Value::Integer(i) => i64::from(*i),
                        Value::Long(i) => *i,
                        _ => continue,
                    };
                    match long.checked_add(x) {
                        Some(y) => long = y,
                        None => overflow = Some("long"),
                    }
                }
            }
        }
    }
    if count == 0 {
        return Value::Null;
    }
    if let Some(kind) = overflow {
        warnings.failure(
            call.position,
            &call.text,
            &format!("java.lang.ArithmeticException: {kind} overflow"),
        );
        return Value::Null;
    }
    let total = match kind {
        DataType::Double => Value::Double(double.combined()),
        DataType::UnsignedLong => Value::UnsignedLong(unsigned),
        _ => Value::Long(long),
    };
    if avg {
        Value::Double(float(&total) / count as f64)
    } else {
        total
    }
}

fn count_distinct(call: &AggregateCall, items: &[Vec<Value>]) -> Result<Value, EvalError> {
    let Some(field) = call.args.first() else {
        return Err(EvalError::Internal(format!(
            "[{}] without argument",
            call.text
        )));
    };
    if field.columns().is_empty() {
        let v = constant(field)?;
        return Ok(Value::Long(dedupe(v.values()).len() as i64));
    }
    match field.data_type {
        DataType::Boolean => {
            let (mut f, mut t) = (false, false);
            for v in first_values(items) {
                match v {
                    Value::Boolean(false) => f = true,
                    Value::Boolean(true) => t = true,
                    _ => {}
                }
            }
            return Ok(Value::Long(i64::from(f) + i64::from(t)));
        }
        DataType::UnsignedLong => {
            return Err(EvalError::Unsupported(format!(
                "COUNT_DISTINCT of {} in [{}]",
                field.data_type, call.text
            )));
        }
        _ => {}
    }
    let threshold = count_distinct_threshold(call)?;
    let mut sketch = HyperLogLogPlusPlus::new(precision_from_threshold(threshold));
    for v in first_values(items) {
        let h = es_hash(&v).ok_or_else(|| {
            EvalError::Unsupported(format!("COUNT_DISTINCT of {v:?} in [{}]", call.text))
        })?;
        sketch.collect(h);
    }
    Ok(Value::Long(sketch.cardinality() as i64))
}

/// The precision threshold of a COUNT_DISTINCT call (its constant second argument, or the default).
pub fn count_distinct_threshold(call: &AggregateCall) -> Result<i64, EvalError> {
    let threshold = match call.args.get(1) {
        None => DEFAULT_THRESHOLD,
        Some(p) => match constant(p)? {
            Value::Integer(i) => i64::from(i),
            Value::Long(i) => i64::from(i as i32),
            Value::UnsignedLong(u) => i64::from(u as i32),
            other => {
                return Err(EvalError::Execution(format!(
                    "[{}]: precision must be a constant whole number, got {other:?}",
                    call.text
                )));
            }
        },
    };
    if threshold < 0 {
        return Err(EvalError::Execution(format!(
            "[{}]: precision threshold must not be negative",
            call.text
        )));
    }
    Ok(threshold)
}

fn top(call: &AggregateCall, items: &[Vec<Value>]) -> Result<Value, EvalError> {
    let limit = match call.args.get(1).map(constant).transpose()? {
        Some(Value::Integer(i)) if i > 0 => i as usize,
        other => {
            return Err(EvalError::Execution(format!(
                "[{}]: limit must be a positive constant, got {other:?}",
                call.text
            )));
        }
    };
    let desc = match call.args.get(2).map(constant).transpose()? {
        None => false,
        Some(Value::Keyword(o)) if o.eq_ignore_ascii_case("desc") => true,
        Some(Value::Keyword(o)) if o.eq_ignore_ascii_case("asc") => false,
        other => {
            return Err(EvalError::Execution(format!(
                "[{}]: order must be \"asc\" or \"desc\", got {other:?}",
                call.text
            )));
        }
    };
    let mut all = first_values(items);
    sort_values(&mut all);
    if desc {
        all.reverse();
    }
    all.truncate(limit);
    Ok(Value::from_values(all))
}
