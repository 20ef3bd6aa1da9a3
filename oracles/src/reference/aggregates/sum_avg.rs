//! SUM and AVG. SEMANTICS.md §2.6: nulls skipped, every value of a multi-value used (spec:stats
//! sumOfConst, avgOfConst `avg([-1,0,3])` = 2/3 per row); SUM of integer or long is a long, of double a
//! double (summed with Kahan compensation as ES's `CompensatedSum`), of unsigned_long an unsigned_long;
//! AVG is `SUM/COUNT` as doubles. A long SUM that overflows is null plus
//! `java.lang.ArithmeticException: long overflow` on the aggregate's text and position
//! (spec:stats/sumWithOverflow). No values gives null.

use esql::plan::AggregateCall;
use esql::{DataType, Value};

use super::{Args, first_arg_values};
use crate::reference::Context;

/// ES's `CompensatedSum` (Kahan summation).
#[derive(Debug, Default, Clone, Copy)]
pub struct CompensatedSum {
    value: f64,
    delta: f64,
}

impl CompensatedSum {
    /// Adds a value.
    pub fn add(&mut self, v: f64) {
        if !v.is_finite() {
            self.value += v;
        }
        if self.value.is_finite() {
            let corrected = v + self.delta;
            let updated = self.value + corrected;
            self.delta = corrected - (updated - self.value);
            self.value = updated;
        }
    }

    /// The running sum.
    pub fn value(&self) -> f64 {
        self.value
    }
}

fn as_f64(v: &Value) -> f64 {
    match v {
        Value::Integer(i) => *i as f64,
        Value::Long(i) => *i as f64,
        Value::UnsignedLong(u) => *u as f64,
        Value::Double(d) => *d,
        _ => f64::NAN,
    }
}

fn overflow(call: &AggregateCall, ctx: &mut Context, what: &str) -> Value {
    ctx.warnings.failure(
        call.position,
        &call.text,
        &format!("java.lang.ArithmeticException: {what} overflow"),
    );
    Value::Null
}

/// Sums the values as `t` (Long, Double or UnsignedLong), or `Err(kind)` on overflow.
fn sum_values(values: &[Value], t: DataType) -> Result<Value, &'static str> {
    match t {
        DataType::Double => {
            let mut s = CompensatedSum::default();
            for v in values {
                s.add(as_f64(v));
            }
            Ok(Value::Double(s.value()))
        }
        DataType::UnsignedLong => {
            let mut s: u64 = 0;
            for v in values {
                let Value::UnsignedLong(u) = v else { continue };
                s = s.checked_add(*u).ok_or("unsigned_long")?;
            }
            Ok(Value::UnsignedLong(s))
        }
        _ => {
            let mut s: i64 = 0;
            for v in values {
                let x = match v {
                    Value::Integer(i) => *i as i64,
                    Value::Long(i) => *i,
                    _ => continue,
                };
                s = s.checked_add(x).ok_or("long")?;
            }
            Ok(Value::Long(s))
        }
    }
}

/// `SUM(expr)`.
pub fn sum(call: &AggregateCall, rows: &[Args], ctx: &mut Context) -> Value {
    let values = first_arg_values(rows);
    if values.is_empty() {
        return Value::Null;
    }
    match sum_values(&values, call.data_type) {
        Ok(v) => v,
        Err(kind) => overflow(call, ctx, kind),
    }
}

/// `AVG(expr)`: a double.
pub fn avg(call: &AggregateCall, rows: &[Args], ctx: &mut Context) -> Value {
    let values = first_arg_values(rows);
    if values.is_empty() {
        return Value::Null;
    }
    let input = call
        .args
        .first()
        .map(|a| a.data_type)
        .unwrap_or(DataType::Double);
    let sum_type = match input {
        DataType::Double => DataType::Double,
        DataType::UnsignedLong => DataType::UnsignedLong,
        _ => DataType::Long,
    };
    match sum_values(&values, sum_type) {
        Ok(s) => Value::Double(as_f64(&s) / values.len() as f64),
        Err(kind) => overflow(call, ctx, kind),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reference::test_utils::{agg, col};
    use esql::functions::AggregateFunction;

    /// spec:stats/sumWithOverflow: overflow is null plus the warning pair on SUM's text and position.
    #[test]
    fn long_sum_overflow_is_null_with_warning() {
        let mut call = agg(
            AggregateFunction::Sum,
            vec![col(0, "x", DataType::Long)],
            DataType::Long,
        );
        call.text = "SUM(x)".into();
        call.position = esql::Position {
            line: 5,
            column: 20,
        };
        let rows = vec![vec![Value::Long(i64::MAX)], vec![Value::Long(i64::MAX)]];
        let mut ctx = Context::new(0);
        assert_eq!(sum(&call, &rows, &mut ctx), Value::Null);
        assert_eq!(
            ctx.warnings.lines(),
            [
                "Line 5:20: evaluation of [SUM(x)] failed, treating result as null. Only first 20 failures recorded.",
                "Line 5:20: java.lang.ArithmeticException: long overflow"
            ]
        );
    }

    /// spec:stats avgOfConst / sumOfConst: multi-values contribute every value.
    #[test]
    fn sums_and_averages_use_all_values() {
        let mut ctx = Context::new(0);
        let rows = vec![vec![Value::Multi(vec![
            Value::Integer(-1),
            Value::Integer(0),
            Value::Integer(3),
        ])]];
        let s = agg(
            AggregateFunction::Sum,
            vec![col(0, "a", DataType::Integer)],
            DataType::Long,
        );
        assert_eq!(sum(&s, &rows, &mut ctx), Value::Long(2));
        let a = agg(
            AggregateFunction::Avg,
            vec![col(0, "a", DataType::Integer)],
            DataType::Double,
        );
        assert_eq!(avg(&a, &rows, &mut ctx), Value::Double(2.0 / 3.0));
        assert_eq!(sum(&s, &[vec![Value::Null]], &mut ctx), Value::Null);
    }

    #[test]
    fn double_sum_is_compensated() {
        let mut s = CompensatedSum::default();
        for _ in 0..10 {
            s.add(0.1);
        }
        assert_eq!(s.value(), 1.0);
    }
}
