//! COUNT. SEMANTICS.md §2.6: `COUNT(*)` and `COUNT()` count rows; `COUNT(expr)` counts non-null values
//! and every value of a multi-value (spec:stats count_mv, countMultiValuesRow, countOfConst
//! `count([-1,0,3])` = 3 per row); `COUNT(null)` is 0. The result is a long, 0 for no rows.

use esql::Value;
use esql::plan::AggregateCall;

use super::Args;

/// The running count.
#[derive(Debug, Clone)]
pub struct CountState {
    rows: bool,
    n: i64,
}

impl CountState {
    /// `COUNT(*)`/`COUNT()` count rows, `COUNT(expr)` values.
    pub fn new(call: &AggregateCall) -> CountState {
        CountState {
            rows: call.args.is_empty(),
            n: 0,
        }
    }

    /// Adds one row.
    pub fn add(&mut self, args: &Args) {
        self.n += if self.rows {
            1
        } else {
            args.first().map(Value::count).unwrap_or(0) as i64
        };
    }

    /// The count, a long.
    pub fn finish(&self) -> Value {
        Value::Long(self.n)
    }
}

/// `COUNT(*)` / `COUNT(expr)` over whole rows.
pub fn count(call: &AggregateCall, rows: &[Args]) -> Value {
    let mut s = CountState::new(call);
    rows.iter().for_each(|r| s.add(r));
    s.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reference::test_utils::{agg, col};
    use esql::DataType;
    use esql::functions::AggregateFunction;

    /// spec:stats countMultiValuesRow: each value of a multi-value counts; nulls do not.
    #[test]
    fn count_expr_counts_values_and_star_counts_rows() {
        let rows = vec![
            vec![Value::Multi(vec![Value::Integer(1), Value::Integer(2)])],
            vec![Value::Null],
            vec![Value::Integer(3)],
        ];
        let c = agg(
            AggregateFunction::Count,
            vec![col(0, "a", DataType::Integer)],
            DataType::Long,
        );
        assert_eq!(count(&c, &rows), Value::Long(3));
        let star = agg(AggregateFunction::Count, vec![], DataType::Long);
        assert_eq!(count(&star, &rows), Value::Long(3));
        assert_eq!(count(&star, &[]), Value::Long(0));
        assert_eq!(count(&c, &[vec![Value::Null]]), Value::Long(0));
    }
}
