//! MEDIAN, PERCENTILE and MEDIAN_ABSOLUTE_DEVIATION: Elasticsearch's t-digest aggregates, reproduced
//! where ES's answer is exact.
//!
//! ES feeds every value (as a double) into a `TDigestState` of compression 1000 (`QuantileStates`). The
//! default digest is the `HybridDigest`: it keeps every sample in a `SortingDigest` — exact — until the
//! 20,000th sample (`20 × compression`), then switches to the approximate `MergingDigest`, whose answer
//! also depends on how ES splits the data over drivers and shards. So this module computes ES's exact
//! answer for up to 19,999 values and reports anything larger as unsupported, never a guess.
//!
//! - The quantile of sorted values is tdigest's `Dist.quantile`: `index = q × (n − 1)`, then
//!   `low + (index − ⌊index⌋) × (high − low)` between the neighbouring values; `q = percentile / 100`.
//! - PERCENTILE's percentile must be a constant in `[0, 100]`; outside it the result is null
//!   (`QuantileStates.percentileParam`, no warning). MEDIAN is PERCENTILE(x, 50).
//! - MEDIAN_ABSOLUTE_DEVIATION is the median of `|median − x|` over the same values
//!   (`InternalMedianAbsoluteDeviation.computeMedianAbsoluteDeviation`).
//! - A constant (foldable) field is not aggregated: ES substitutes `MV_MEDIAN(TO_DOUBLE(x))`,
//!   `MV_PERCENTILE(TO_DOUBLE(x), p)`, `MV_MEDIAN_ABSOLUTE_DEVIATION(TO_DOUBLE(x))`, which ignore the
//!   rows and the aggregate's filter (spec:stats/medianWithConditions, percentileWithConditions,
//!   medianAbsoluteDeviationWithConditions). The MV_* forms average the two middle values as `(a + b) / 2`.
//! - No values gives null. Values are doubles sorted by `Double.compare` order.

use esql::analyzer::fold::fold;
use esql::plan::AggregateCall;
use esql::{EvalError, Value};

use super::{Args, first_arg_values};
use crate::reference::Context;

/// The number of samples at which ES's `HybridDigest` stops being exact (it switches on the sample that
/// brings its size to `round(compression) × 20` with compression 1000).
pub const EXACT_SAMPLE_LIMIT: usize = 20_000;

fn as_f64(v: &Value) -> Option<f64> {
    match v {
        Value::Integer(i) => Some(*i as f64),
        Value::Long(i) => Some(*i as f64),
        Value::UnsignedLong(u) => Some(*u as f64),
        Value::Double(d) => Some(*d),
        _ => None,
    }
}

/// The values as doubles, sorted.
fn sorted(values: &[Value]) -> Vec<f64> {
    let mut out: Vec<f64> = values.iter().filter_map(as_f64).collect();
    out.sort_by(f64::total_cmp);
    out
}

/// tdigest's `Dist.quantile` over sorted values (`None` for no values).
pub fn dist_quantile(q: f64, sorted: &[f64]) -> Option<f64> {
    let n = sorted.len();
    if n == 0 {
        return None;
    }
    let index = q * (n - 1) as f64;
    let mut low = index.floor() as usize;
    let mut high = low + 1;
    let mut weight = index - low as f64;
    if index <= 0.0 {
        (low, high, weight) = (0, 0, 0.0);
    }
    if index >= (n - 1) as f64 {
        (low, high, weight) = (n - 1, n - 1, 0.0);
    }
    Some(sorted[low] + weight * (sorted[high] - sorted[low]))
}

/// The MV_MEDIAN of sorted doubles: the middle value, or `(a + b) / 2` of the middle two.
fn mv_median(sorted: &[f64]) -> Option<f64> {
    let n = sorted.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(sorted[n / 2]),
        _ => Some((sorted[n / 2 - 1] + sorted[n / 2]) / 2.0),
    }
}

/// Median absolute deviation of sorted values, with `median` computing the medians.
fn mad(sorted_values: &[f64], median: fn(&[f64]) -> Option<f64>) -> Option<f64> {
    let m = median(sorted_values)?;
    let deviations = sorted(
        &sorted_values
            .iter()
            .map(|x| Value::Double((m - x).abs()))
            .collect::<Vec<_>>(),
    );
    median(&deviations)
}

/// The aggregated values of the first argument, sorted; an error past ES's exact range.
fn aggregated(call: &AggregateCall, rows: &[Args]) -> Result<Vec<f64>, EvalError> {
    let values = sorted(&first_arg_values(rows));
    if values.len() >= EXACT_SAMPLE_LIMIT {
        return Err(EvalError::Unsupported(format!(
            "[{}] over {} values: Elasticsearch switches to an approximate t-digest (MergingDigest) \
             at {EXACT_SAMPLE_LIMIT} values, whose result detsim does not reproduce",
            call.text,
            values.len()
        )));
    }
    Ok(values)
}

/// The constant values of a foldable first argument, sorted (`None` when the argument is not constant).
fn constant_field(call: &AggregateCall) -> Option<Vec<f64>> {
    let v = fold(call.args.first()?)?;
    Some(sorted(v.values()))
}

fn double(v: Option<f64>) -> Value {
    v.map(Value::Double).unwrap_or(Value::Null)
}

/// `MEDIAN(expr)`: a double.
pub fn median(call: &AggregateCall, rows: &[Args]) -> Result<Value, EvalError> {
    if let Some(values) = constant_field(call) {
        return Ok(double(mv_median(&values)));
    }
    Ok(double(dist_quantile(0.5, &aggregated(call, rows)?)))
}

/// `PERCENTILE(expr, p)`: a double; null when `p` is null or outside `[0, 100]`.
///
/// Over aggregated values an out-of-range `p` is silently null (`QuantileStates.percentileParam`). A
/// constant field goes through ES's surrogate `MV_PERCENTILE(TO_DOUBLE(x), p)` instead, which rejects the
/// percentile once it has values: null plus the warning pair under the PERCENTILE call's text and
/// position, `java.lang.IllegalArgumentException: Percentile parameter must be a number between 0 and
/// 100, found [150.0]` (ES `MvPercentile.process*`, the percentile printed by `Double.toString`); a
/// constant with no values is null without a warning.
pub fn percentile(
    call: &AggregateCall,
    rows: &[Args],
    ctx: &mut Context,
) -> Result<Value, EvalError> {
    let Some(p) = call.args.get(1).and_then(fold).as_ref().and_then(as_f64) else {
        return Ok(Value::Null);
    };
    let in_range = (0.0..=100.0).contains(&p);
    if let Some(values) = constant_field(call) {
        if values.is_empty() {
            return Ok(Value::Null);
        }
        if !in_range {
            ctx.warnings.failure(
                call.position,
                &call.text,
                &format!(
                    "java.lang.IllegalArgumentException: Percentile parameter must be a number between 0 and 100, found [{}]",
                    esql::format::double(p)
                ),
            );
            return Ok(Value::Null);
        }
        return Ok(double(dist_quantile(p / 100.0, &values)));
    }
    if !in_range {
        return Ok(Value::Null);
    }
    Ok(double(dist_quantile(p / 100.0, &aggregated(call, rows)?)))
}

/// `MEDIAN_ABSOLUTE_DEVIATION(expr)`: a double.
pub fn median_absolute_deviation(call: &AggregateCall, rows: &[Args]) -> Result<Value, EvalError> {
    if let Some(values) = constant_field(call) {
        return Ok(double(mad(&values, mv_median)));
    }
    Ok(double(mad(&aggregated(call, rows)?, |v| {
        dist_quantile(0.5, v)
    })))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reference::test_utils::{agg, col, lit};
    use esql::DataType;
    use esql::functions::AggregateFunction as A;

    fn rows(v: &[i32]) -> Vec<Args> {
        v.iter().map(|i| vec![Value::Integer(*i)]).collect()
    }

    fn pct(c: &AggregateCall, rows: &[Args]) -> Result<Value, EvalError> {
        percentile(c, rows, &mut Context::new(0))
    }

    fn call(f: A, extra: Vec<esql::plan::Expr>) -> AggregateCall {
        let mut args = vec![col(0, "x", DataType::Integer)];
        args.extend(extra);
        agg(f, args, DataType::Double)
    }

    /// spec:stats/percentileWithConditions: PERCENTILE(x, 50) of 1..5 is 3.0, of 1..3 is 2.0;
    /// spec:stats/nestedExpressionMultipleParams: an even count interpolates (10060.5).
    #[test]
    fn percentile_interpolates_as_dist_quantile() {
        let p50 = call(A::Percentile, vec![lit(Value::Integer(50))]);
        assert_eq!(pct(&p50, &rows(&[5, 1, 4, 2, 3])), Ok(Value::Double(3.0)));
        assert_eq!(pct(&p50, &rows(&[1, 2, 3])), Ok(Value::Double(2.0)));
        assert_eq!(pct(&p50, &rows(&[1, 2])), Ok(Value::Double(1.5)));
        assert_eq!(pct(&p50, &[]), Ok(Value::Null));
        let p90 = call(A::Percentile, vec![lit(Value::Double(90.0))]);
        // index 0.9 × 3 ≈ 2.7: 3 + (index − 2) × (10 − 3), with the rounding of `index − 2` (7.9 is
        // not the answer: 0.9 × 3 is 2.7000000000000002)
        assert_eq!(
            pct(&p90, &rows(&[1, 2, 3, 10])),
            Ok(Value::Double(7.900000000000001))
        );
        let p0 = call(A::Percentile, vec![lit(Value::Integer(0))]);
        assert_eq!(pct(&p0, &rows(&[4, 2, 9])), Ok(Value::Double(2.0)));
        let out_of_range = call(A::Percentile, vec![lit(Value::Integer(101))]);
        assert_eq!(pct(&out_of_range, &rows(&[1, 2])), Ok(Value::Null));
    }

    /// spec:stats/medianAbsoluteDeviationWithConditions: [1, 3, 4, 7, 11, 18] gives 3.5, [1, 3] gives
    /// 1.0, the constant [3, 11, 14, 25] gives 5.5 whatever the rows.
    #[test]
    fn median_absolute_deviation_of_values_and_constants() {
        let c = call(A::MedianAbsoluteDeviation, vec![]);
        assert_eq!(
            median_absolute_deviation(&c, &rows(&[1, 3, 4, 7, 11, 18])),
            Ok(Value::Double(3.5))
        );
        assert_eq!(
            median_absolute_deviation(&c, &rows(&[1, 3])),
            Ok(Value::Double(1.0))
        );
        let constant = agg(
            A::MedianAbsoluteDeviation,
            vec![lit(Value::Multi(
                [3, 11, 14, 25].map(Value::Integer).to_vec(),
            ))],
            DataType::Double,
        );
        assert_eq!(
            median_absolute_deviation(&constant, &[]),
            Ok(Value::Double(5.5))
        );
    }

    #[test]
    fn median_of_odd_and_even_counts() {
        let m = call(A::Median, vec![]);
        assert_eq!(median(&m, &rows(&[3, 1, 2])), Ok(Value::Double(2.0)));
        assert_eq!(median(&m, &rows(&[4, 1, 2, 3])), Ok(Value::Double(2.5)));
        assert_eq!(median(&m, &[]), Ok(Value::Null));
    }

    /// Past the HybridDigest's exact range the answer is an error naming the reason, never a guess.
    #[test]
    fn beyond_the_exact_digest_is_unsupported() {
        let m = call(A::Median, vec![]);
        let many: Vec<i32> = (0..EXACT_SAMPLE_LIMIT as i32).collect();
        assert!(matches!(
            median(&m, &rows(&many)),
            Err(EvalError::Unsupported(m)) if m.contains("MergingDigest")
        ));
        assert_eq!(median(&m, &rows(&many[1..])), Ok(Value::Double(10_000.0)));
    }

    /// ES's surrogate for a constant field, `MV_PERCENTILE(TO_DOUBLE(x), p)` (ES `MvPercentile`, whose
    /// tests expect exactly this pair): an out-of-range percentile over a constant with values is null
    /// plus the warning under the PERCENTILE call; over aggregated values it is null without one; a
    /// constant without values is null without one.
    #[test]
    fn constant_field_out_of_range_percentile_warns() {
        let mut c = agg(
            A::Percentile,
            vec![
                lit(Value::Multi(vec![Value::Integer(3), Value::Integer(1)])),
                lit(Value::Integer(150)),
            ],
            DataType::Double,
        );
        c.text = "PERCENTILE(x, 150)".into();
        let mut ctx = Context::new(0);
        assert_eq!(percentile(&c, &rows(&[1, 2]), &mut ctx), Ok(Value::Null));
        assert_eq!(
            ctx.warnings.lines(),
            [
                format!(
                    "Line {}:{}: evaluation of [PERCENTILE(x, 150)] failed, treating result as null. Only first 20 failures recorded.",
                    c.position.line, c.position.column
                ),
                format!(
                    "Line {}:{}: java.lang.IllegalArgumentException: Percentile parameter must be a number between 0 and 100, found [150.0]",
                    c.position.line, c.position.column
                ),
            ]
        );
        // In range, the constant's values are used whatever the rows.
        c.args[1] = lit(Value::Double(50.0));
        let mut ctx = Context::new(0);
        assert_eq!(percentile(&c, &[], &mut ctx), Ok(Value::Double(2.0)));
        assert!(ctx.warnings.lines().is_empty());
        // A constant null has no values: null, no warning.
        c.args = vec![lit(Value::Null), lit(Value::Integer(-1))];
        let mut ctx = Context::new(0);
        assert_eq!(percentile(&c, &rows(&[1]), &mut ctx), Ok(Value::Null));
        assert!(ctx.warnings.lines().is_empty());
        // A field: the aggregation returns null silently.
        let field = call(A::Percentile, vec![lit(Value::Integer(-1))]);
        let mut ctx = Context::new(0);
        assert_eq!(percentile(&field, &rows(&[1]), &mut ctx), Ok(Value::Null));
        assert!(ctx.warnings.lines().is_empty());
    }
}
