//! SUM and AVG. SEMANTICS.md §2.6: nulls skipped, every value of a multi-value used (spec:stats
//! sumOfConst, avgOfConst `avg([-1,0,3])` = 2/3 per row); SUM of integer or long is a long, of double a
//! double (summed with Kahan compensation as ES's `CompensatedSum`, then the two-phase combine), of
//! unsigned_long an unsigned_long; AVG is `SUM(TO_DOUBLE(x))/COUNT(x)`, so it never overflows. A long SUM that overflows is null plus
//! `java.lang.ArithmeticException: long overflow` on the aggregate's text and position
//! (spec:stats/sumWithOverflow). No values gives null.

use esql::plan::AggregateCall;
use esql::{DataType, Value};

use super::Args;
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

    /// The sum after ES's two-phase aggregation: the data node's partial `(value, delta)` is added to a
    /// fresh sum on the coordinator, which yields `value + delta` (spec:stats/statsByMvFieldWhere expects
    /// 6.000000000000001 for [6.7, 1.98, -5.64, 2.96], the compensated value alone gives 6.0).
    pub fn two_phase_value(&self) -> f64 {
        if self.value.is_finite() {
            self.value + self.delta
        } else {
            self.value
        }
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

/// The running sum (and count, for AVG).
#[derive(Debug, Clone)]
pub struct SumState {
    avg: bool,
    sum_type: DataType,
    long: i64,
    unsigned: u64,
    double: CompensatedSum,
    count: u64,
    overflow: Option<&'static str>,
}

impl SumState {
    /// For SUM or AVG.
    pub fn new(call: &AggregateCall) -> SumState {
        let avg = call.function == esql::functions::AggregateFunction::Avg;
        let input = call
            .args
            .first()
            .map(|a| a.data_type)
            .unwrap_or(DataType::Double);
        // ES's AVG is SUM(TO_DOUBLE(x)) / COUNT(x): it sums doubles whatever the input type
        // (spec:stats/sumAsSurrogateWithOverflow: no long overflow).
        let _ = input;
        let sum_type = if avg {
            DataType::Double
        } else {
            call.data_type
        };
        SumState {
            avg,
            sum_type,
            long: 0,
            unsigned: 0,
            double: CompensatedSum::default(),
            count: 0,
            overflow: None,
        }
    }

    /// Adds one row.
    pub fn add(&mut self, args: &Args) {
        for v in args.first().map(Value::values).unwrap_or(&[]) {
            self.count += 1;
            if self.overflow.is_some() {
                continue;
            }
            match self.sum_type {
                DataType::Double => self.double.add(as_f64(v)),
                DataType::UnsignedLong => {
                    if let Value::UnsignedLong(u) = v {
                        match self.unsigned.checked_add(*u) {
                            Some(s) => self.unsigned = s,
                            None => self.overflow = Some("unsigned_long"),
                        }
                    }
                }
                _ => {
                    let x = match v {
                        Value::Integer(i) => *i as i64,
                        Value::Long(i) => *i,
                        _ => continue,
                    };
                    match self.long.checked_add(x) {
                        Some(s) => self.long = s,
                        None => self.overflow = Some("long"),
                    }
                }
            }
        }
    }

    /// The sum or average; null when there were no values or the sum overflowed (with a warning).
    pub fn finish(&self, call: &AggregateCall, ctx: &mut Context) -> Value {
        if self.count == 0 {
            return Value::Null;
        }
        if let Some(kind) = self.overflow {
            return overflow(call, ctx, kind);
        }
        let sum = match self.sum_type {
            DataType::Double => Value::Double(self.double.two_phase_value()),
            DataType::UnsignedLong => Value::UnsignedLong(self.unsigned),
            _ => Value::Long(self.long),
        };
        if self.avg {
            Value::Double(as_f64(&sum) / self.count as f64)
        } else {
            sum
        }
    }
}

/// `SUM(expr)` over whole rows.
pub fn sum(call: &AggregateCall, rows: &[Args], ctx: &mut Context) -> Value {
    let mut s = SumState::new(call);
    rows.iter().for_each(|r| s.add(r));
    s.finish(call, ctx)
}

/// `AVG(expr)` over whole rows: a double.
pub fn avg(call: &AggregateCall, rows: &[Args], ctx: &mut Context) -> Value {
    sum(call, rows, ctx)
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

    /// spec:stats/statsByMvFieldWhere: SUM of [6.7, 1.98, -5.64, 2.96] is 6.000000000000001 (the
    /// two-phase combine adds the compensation), spec:stats/statsByMvFieldEval: 14.69.
    #[test]
    fn double_sum_matches_es_two_phase() {
        let sum_of = |v: &[f64]| {
            let mut s = CompensatedSum::default();
            v.iter().for_each(|x| s.add(*x));
            s.two_phase_value()
        };
        assert_eq!(sum_of(&[-5.64, 1.98, 2.96, 6.7]), 6.000000000000001);
        assert_eq!(sum_of(&[-8.94, 1.92, 6.97, 14.74]), 14.69);
    }

    /// spec:stats/sumAsSurrogateWithOverflow: AVG sums doubles, so it does not overflow.
    #[test]
    fn avg_of_huge_longs_does_not_overflow() {
        let mut ctx = Context::new(0);
        let a = agg(
            AggregateFunction::Avg,
            vec![col(0, "x", DataType::Long)],
            DataType::Double,
        );
        let rows = vec![vec![Value::Long(i64::MAX)], vec![Value::Long(i64::MAX)]];
        assert_eq!(
            avg(&a, &rows, &mut ctx),
            Value::Double(9.223372036854776E18)
        );
        assert!(ctx.warnings.lines().is_empty());
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
