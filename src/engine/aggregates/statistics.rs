//! The statistical aggregates: MEDIAN, PERCENTILE, MEDIAN_ABSOLUTE_DEVIATION, STD_DEV, VARIANCE,
//! WEIGHTED_AVG, and the presence tests PRESENT/ABSENT.
//!
//! Quantiles are exact: numeric values sorted (IEEE total order), quantile `q` interpolated linearly at
//! index `q·(n−1)` — what ES's t-digest returns while it still holds every sample. At 20,000 values or
//! more ES's digest starts merging and its answer is approximate; rather than guess it, the engine
//! reports an `Unsupported` error there. A constant field (no column read) is the value's own
//! multi-value statistics (MEDIAN of a constant list is its MV_MEDIAN as a double). STD_DEV and VARIANCE
//! are population statistics by Welford's algorithm. WEIGHTED_AVG is Σ(field·weight) / Σ(weight) with the
//! products and sums overflow-checked in their types (warnings under the call's text), a constant weight
//! degenerating to the plain mean, and a zero denominator giving null plus `/ by zero`.

use esql::analyzer::arg::common_numeric;
use esql::analyzer::fold::fold;
use esql::functions::AggregateFunction as A;
use esql::plan::{AggregateCall, ArithmeticOp, Expr, ExprKind};
use esql::{DataType, EvalError, Value, Warnings};

use crate::engine::scalar::multi::Kahan;
use crate::engine::scalar::{PatternCache, Scope, arith};

/// ES stops keeping every sample (and becomes approximate) at this many values.
pub const EXACT_LIMIT: usize = 20_000;

fn number(v: &Value) -> Option<f64> {
    match v {
        Value::Integer(i) => Some(f64::from(*i)),
        Value::Long(i) => Some(*i as f64),
        Value::UnsignedLong(u) => Some(*u as f64),
        Value::Double(d) => Some(*d),
        _ => None,
    }
}

fn sorted_numbers<'a>(values: impl Iterator<Item = &'a Value>) -> Vec<f64> {
    let mut out: Vec<f64> = values.filter_map(number).collect();
    out.sort_by(f64::total_cmp);
    out
}

/// Every first-argument value of the items, sorted, or the constant field's values.
fn samples(call: &AggregateCall, items: &[Vec<Value>]) -> Result<(Vec<f64>, bool), EvalError> {
    if let Some(c) = call.args.first().and_then(fold) {
        return Ok((sorted_numbers(c.values().iter()), true));
    }
    let v = sorted_numbers(
        items
            .iter()
            .filter_map(|it| it.first())
            .flat_map(|v| v.values().iter()),
    );
    if v.len() >= EXACT_LIMIT {
        return Err(EvalError::Unsupported(format!(
            "[{}] over {} values: Elasticsearch's t-digest is approximate from {EXACT_LIMIT} values on, \
             and the engine does not reproduce it",
            call.text,
            v.len()
        )));
    }
    Ok((v, false))
}

/// Linear interpolation at `q·(n−1)` of sorted samples.
fn quantile(q: f64, v: &[f64]) -> Option<f64> {
    let n = v.len();
    if n == 0 {
        return None;
    }
    let at = q * (n - 1) as f64;
    if at <= 0.0 {
        return Some(v[0]);
    }
    if at >= (n - 1) as f64 {
        return Some(v[n - 1]);
    }
    let lo = at.floor() as usize;
    Some(v[lo] + (at - lo as f64) * (v[lo + 1] - v[lo]))
}

/// The middle value (mean of the two middle ones for an even count).
fn middle(v: &[f64]) -> Option<f64> {
    let n = v.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(v[n / 2]),
        _ => Some((v[n / 2 - 1] + v[n / 2]) / 2.0),
    }
}

fn double(x: Option<f64>) -> Value {
    x.map_or(Value::Null, Value::Double)
}

fn mad(v: &[f64], center: fn(&[f64]) -> Option<f64>) -> Option<f64> {
    let m = center(v)?;
    let mut dev: Vec<f64> = v.iter().map(|x| (m - x).abs()).collect();
    dev.sort_by(f64::total_cmp);
    center(&dev)
}

/// Population variance by Welford's algorithm over integer, long and double values.
fn variance(items: &[Vec<Value>]) -> Option<f64> {
    let (mut n, mut mean, mut m2) = (0u64, 0.0f64, 0.0f64);
    for v in items.iter().filter_map(|it| it.first()) {
        for x in v.values() {
            let x = match x {
                Value::Integer(i) => f64::from(*i),
                Value::Long(i) => *i as f64,
                Value::Double(d) => *d,
                _ => continue,
            };
            n += 1;
            let d = x - mean;
            mean += d / n as f64;
            m2 += d * (x - mean);
        }
    }
    (n > 0).then(|| m2 / n as f64)
}

/// The statistical aggregates; `None` when `call` is not one of them.
pub fn finish(
    call: &AggregateCall,
    items: &[Vec<Value>],
    warnings: &mut Warnings,
) -> Result<Option<Value>, EvalError> {
    Ok(Some(match call.function {
        A::Median => {
            let (v, constant) = samples(call, items)?;
            double(if constant {
                middle(&v)
            } else {
                quantile(0.5, &v)
            })
        }
        A::Percentile => {
            let p = call.args.get(1).and_then(fold).as_ref().and_then(number);
            match p {
                None => Value::Null,
                Some(p) if (0.0..=100.0).contains(&p) => {
                    double(quantile(p / 100.0, &samples(call, items)?.0))
                }
                Some(p) => {
                    // Over aggregated values silently null; a constant field goes through ES's
                    // MV_PERCENTILE surrogate, which warns once it has values.
                    let (v, constant) = samples(call, items)?;
                    if constant && !v.is_empty() {
                        warnings.failure(
                            call.position,
                            &call.text,
                            &format!(
                                "java.lang.IllegalArgumentException: Percentile parameter must be a number between 0 and 100, found [{}]",
                                esql::format::double(p)
                            ),
                        );
                    }
                    Value::Null
                }
            }
        }
        A::MedianAbsoluteDeviation => {
            let (v, constant) = samples(call, items)?;
            double(if constant {
                mad(&v, middle)
            } else {
                mad(&v, |s| quantile(0.5, s))
            })
        }
        A::Variance => double(variance(items)),
        A::StdDev => double(variance(items).map(f64::sqrt)),
        A::Present | A::Absent => {
            let any = items
                .iter()
                .any(|it| it.first().is_some_and(|v| !v.is_null()));
            Value::Boolean(any == (call.function == A::Present))
        }
        A::WeightedAvg => weighted_avg(call, items, warnings)?,
        _ => return Ok(None),
    }))
}

/// A checked sum of the values (typed like SUM over `input`: double or long), `None` when empty.
fn checked_sum(
    call: &AggregateCall,
    input: DataType,
    values: impl Iterator<Item = Value>,
    warnings: &mut Warnings,
) -> Value {
    let is_double = input == DataType::Double;
    let (mut long, mut dbl, mut n, mut overflow) = (0i64, Kahan::default(), 0u64, false);
    for v in values {
        for x in v.values() {
            n += 1;
            if overflow {
                continue;
            }
            if is_double {
                dbl.add(crate::engine::scalar::float(x));
            } else {
                let y = match x {
                    Value::Integer(i) => i64::from(*i),
                    Value::Long(i) => *i,
                    _ => continue,
                };
                match long.checked_add(y) {
                    Some(s) => long = s,
                    None => overflow = true,
                }
            }
        }
    }
    if n == 0 {
        return Value::Null;
    }
    if overflow {
        warnings.failure(
            call.position,
            &call.text,
            "java.lang.ArithmeticException: long overflow",
        );
        return Value::Null;
    }
    if is_double {
        Value::Double(dbl.combined())
    } else {
        Value::Long(long)
    }
}

fn divide(call: &AggregateCall, n: &Value, d: &Value, warnings: &mut Warnings) -> Value {
    let as_f = |v: &Value| match v {
        Value::Integer(_) | Value::Long(_) | Value::Double(_) => number(v),
        _ => None,
    };
    let (Some(n), Some(d)) = (as_f(n), as_f(d)) else {
        return Value::Null;
    };
    let q = n / d;
    if q.is_finite() {
        Value::Double(q)
    } else {
        warnings.failure(
            call.position,
            &call.text,
            "java.lang.ArithmeticException: / by zero",
        );
        Value::Null
    }
}

fn weighted_avg(
    call: &AggregateCall,
    items: &[Vec<Value>],
    warnings: &mut Warnings,
) -> Result<Value, EvalError> {
    let [field, weight] = call.args.as_slice() else {
        return Err(EvalError::Internal(format!(
            "[{}] needs two arguments",
            call.text
        )));
    };
    let arg = |it: &Vec<Value>, i: usize| it.get(i).cloned().unwrap_or(Value::Null);
    if let Some(c) = fold(field) {
        let xs = c.values();
        if xs.is_empty() {
            return Ok(Value::Null);
        }
        let mut k = Kahan::default();
        xs.iter()
            .for_each(|x| k.add(crate::engine::scalar::float(x)));
        return Ok(Value::Double(k.value() / xs.len() as f64));
    }
    if fold(weight).is_some() {
        let count: i64 = items.iter().map(|it| arg(it, 0).count() as i64).sum();
        let total = checked_sum(
            call,
            field.data_type,
            items.iter().map(|it| arg(it, 0)),
            warnings,
        );
        return Ok(divide(call, &total, &Value::Long(count), warnings));
    }
    let t = common_numeric(field.data_type, weight.data_type).ok_or_else(|| {
        EvalError::Internal(format!(
            "[{}] of {} and {}",
            call.text, field.data_type, weight.data_type
        ))
    })?;
    let product = Expr::new(
        ExprKind::Arithmetic {
            op: ArithmeticOp::Mul,
            left: Box::new(field.clone()),
            right: Box::new(weight.clone()),
        },
        t,
        call.text.clone(),
        call.position,
    );
    let cache = PatternCache::default();
    let mut products = Vec::with_capacity(items.len());
    {
        let mut s = Scope {
            warnings: &mut *warnings,
            now_millis: 0,
            patterns: &cache,
        };
        for it in items {
            products.push(arith::binary(
                &product,
                ArithmeticOp::Mul,
                &[arg(it, 0), arg(it, 1)],
                &mut s,
            )?);
        }
    }
    let n = checked_sum(call, t, products.into_iter(), warnings);
    let d = checked_sum(
        call,
        weight.data_type,
        items.iter().map(|it| arg(it, 1)),
        warnings,
    );
    Ok(divide(call, &n, &d, warnings))
}
