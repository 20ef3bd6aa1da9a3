//! WEIGHTED_AVG(field, weight): a double, computed as ES's surrogate (`WeightedAvg.surrogate`) computes it.
//!
//! - A constant (foldable) field: `MV_AVG(field)`, whatever the rows and the filter
//!   (spec:stats/weightedAvgConstant, weightedAvgWithConditions `w_avg5`, `w_avg6`).
//! - A constant weight: `SUM(field) / COUNT(field)` — the weight's value does not matter
//!   (spec:stats/weightedAvg `weighted_avg(salary, 1)` = AVG).
//! - Otherwise `SUM(field * weight) / SUM(weight)`. The product is a single-value operation on each row
//!   (a multi-valued field or weight makes it null plus the multi-value warning, under the call's text:
//!   spec:stats/weightedAvg*MvWarning) and overflows like `*` does; SUM is MV-aware.
//!
//! Both sums are ES's SUM (a long sum overflows to null plus `long overflow`, spec:stats/
//! weightedAvgWithOverflow). The division is in doubles; a null side gives null, and a non-finite
//! quotient (zero total weight) is null plus `java.lang.ArithmeticException: / by zero`
//! (spec:stats/weightedAvgWeightZero, weightedAvgWeightZeroExp). Every warning is reported under the
//! WEIGHTED_AVG call's text and position, which ES gives the surrogate's parts. A constant weight of
//! null or 0 is an analysis error (`esql::analyzer::agg_signatures`).
//!
//! "Constant" is what `esql::analyzer::fold` folds (literals and simple expressions of literals); a column
//! computed by an earlier EVAL is not constant here, as it is not when ES substitutes the surrogate.

use esql::analyzer::arg::common_numeric;
use esql::analyzer::fold::fold;
use esql::functions::AggregateFunction;
use esql::plan::{AggregateCall, ArithmeticOp, Expr, ExprKind};
use esql::{DataType, EvalError, Value};

use super::Args;
use super::sum_avg::SumState;
use crate::reference::Context;
use crate::reference::expr::arithmetic;
use crate::reference::functions::mv;

/// A SUM over `input`-typed values, reporting under `call`'s text and position.
fn sum_call(call: &AggregateCall, input: &Expr) -> AggregateCall {
    let data_type = match input.data_type {
        DataType::Double => DataType::Double,
        _ => DataType::Long,
    };
    AggregateCall {
        function: AggregateFunction::Sum,
        args: vec![input.clone()],
        filter: None,
        data_type,
        text: call.text.clone(),
        position: call.position,
    }
}

fn as_f64(v: &Value) -> Option<f64> {
    match v {
        Value::Integer(i) => Some(*i as f64),
        Value::Long(i) => Some(*i as f64),
        Value::Double(d) => Some(*d),
        _ => None,
    }
}

/// `numerator / denominator` in doubles, as ES's `Div` typed double.
fn divide(call: &AggregateCall, n: &Value, d: &Value, ctx: &mut Context) -> Value {
    let (Some(n), Some(d)) = (as_f64(n), as_f64(d)) else {
        return Value::Null;
    };
    let q = n / d;
    if q.is_finite() {
        Value::Double(q)
    } else {
        ctx.warnings.failure(
            call.position,
            &call.text,
            "java.lang.ArithmeticException: / by zero",
        );
        Value::Null
    }
}

/// `WEIGHTED_AVG(field, weight)` over the rows' `[field, weight]` arguments.
pub fn weighted_avg(
    call: &AggregateCall,
    rows: &[Args],
    ctx: &mut Context,
) -> Result<Value, EvalError> {
    let [field, weight] = call.args.as_slice() else {
        return Err(EvalError::Internal(format!(
            "[{}] needs two arguments",
            call.text
        )));
    };
    if let Some(constant) = fold(field) {
        return mv::mv_avg(field, &[constant], ctx);
    }
    let arg = |r: &Args, i: usize| r.get(i).cloned().unwrap_or(Value::Null);
    if fold(weight).is_some() {
        let sum = sum_call(call, field);
        let mut s = SumState::new(&sum);
        let mut count: i64 = 0;
        for r in rows {
            let v = arg(r, 0);
            count += v.count() as i64;
            s.add(&vec![v]);
        }
        let total = s.finish(&sum, ctx);
        return Ok(divide(call, &total, &Value::Long(count), ctx));
    }
    let product_type = common_numeric(field.data_type, weight.data_type).ok_or_else(|| {
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
        product_type,
        call.text.clone(),
        call.position,
    );
    let numerator = sum_call(call, &product);
    let denominator = sum_call(call, weight);
    let (mut num, mut den) = (SumState::new(&numerator), SumState::new(&denominator));
    for r in rows {
        let (f, w) = (arg(r, 0), arg(r, 1));
        let p = arithmetic::binary(&product, ArithmeticOp::Mul, &[f, w.clone()], ctx)?;
        num.add(&vec![p]);
        den.add(&vec![w]);
    }
    let n = num.finish(&numerator, ctx);
    let d = den.finish(&denominator, ctx);
    Ok(divide(call, &n, &d, ctx))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reference::test_utils::{agg, col, int, lit};
    use esql::Position;

    fn call(args: Vec<Expr>) -> AggregateCall {
        let mut c = agg(AggregateFunction::WeightedAvg, args, DataType::Double);
        c.text = "weighted_avg(v, w)".into();
        c.position = Position {
            line: 2,
            column: 17,
        };
        c
    }

    fn x() -> Expr {
        col(0, "x", DataType::Integer)
    }

    /// spec:stats/weightedAvgWithConditions: (x, x) over 6..10 is 330 / 40 = 8.25; (x, 2) over 1..5
    /// is SUM/COUNT = 3.0; a constant field is its MV_AVG whatever the rows.
    #[test]
    fn surrogates_by_constness() {
        let mut ctx = Context::new(0);
        let rows = |r: std::ops::RangeInclusive<i32>| -> Vec<Args> {
            r.map(|i| vec![Value::Integer(i), Value::Integer(i)])
                .collect()
        };
        let both = call(vec![x(), col(1, "x", DataType::Integer)]);
        assert_eq!(
            weighted_avg(&both, &rows(6..=10), &mut ctx),
            Ok(Value::Double(8.25))
        );
        let constant_weight = call(vec![x(), int(2)]);
        assert_eq!(
            weighted_avg(&constant_weight, &rows(1..=5), &mut ctx),
            Ok(Value::Double(3.0))
        );
        let constant_field = call(vec![
            lit(Value::Multi([1, 2, 3].map(Value::Integer).to_vec())),
            int(1),
        ]);
        assert_eq!(
            weighted_avg(&constant_field, &[], &mut ctx),
            Ok(Value::Double(2.0))
        );
        assert!(ctx.warnings.lines().is_empty());
    }

    /// spec:stats/weightedAvgBothConstantsMvWarning: a multi-valued operand of the product is null plus
    /// the multi-value warning under the call's text.
    #[test]
    fn multi_values_warn_under_the_call() {
        let mut ctx = Context::new(0);
        let mv = Value::Multi([1, 2, 3].map(Value::Integer).to_vec());
        let c = call(vec![x(), col(1, "w", DataType::Integer)]);
        assert_eq!(
            weighted_avg(&c, &[vec![mv.clone(), mv]], &mut ctx),
            Ok(Value::Null)
        );
        assert_eq!(
            ctx.warnings.lines(),
            [
                "Line 2:17: evaluation of [weighted_avg(v, w)] failed, treating result as null. Only first 20 failures recorded.",
                "Line 2:17: java.lang.IllegalArgumentException: single-value function encountered multi-value"
            ]
        );
    }

    /// spec:stats/weightedAvgWeightZero: a zero total weight is null plus `/ by zero`.
    #[test]
    fn zero_total_weight_is_division_by_zero() {
        let mut ctx = Context::new(0);
        let c = call(vec![x(), col(1, "w", DataType::Integer)]);
        let rows = vec![vec![Value::Integer(10), Value::Integer(0)]];
        assert_eq!(weighted_avg(&c, &rows, &mut ctx), Ok(Value::Null));
        assert_eq!(
            ctx.warnings.lines()[1],
            "Line 2:17: java.lang.ArithmeticException: / by zero"
        );
    }

    /// spec:stats/weightedAvgWithOverflowRow: the long SUM overflows → null plus `long overflow`.
    #[test]
    fn long_sum_overflow() {
        let mut ctx = Context::new(0);
        let c = call(vec![col(0, "x", DataType::Long), int(1)]);
        let rows = vec![vec![Value::Long(i64::MAX)], vec![Value::Long(i64::MAX)]];
        assert_eq!(weighted_avg(&c, &rows, &mut ctx), Ok(Value::Null));
        assert_eq!(
            ctx.warnings.lines()[1],
            "Line 2:17: java.lang.ArithmeticException: long overflow"
        );
    }
}
