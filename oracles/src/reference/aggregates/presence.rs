//! PRESENT and ABSENT: whether the group has any non-null value of the argument (every value of a
//! multi-value counts). Always a boolean, never null: no rows, only nulls, or `PRESENT(null)` is false
//! and ABSENT its negation (spec:stats/fixStatsAggOnNullWithSpecialReturnValueAggs,
//! fixStatsAggOnNullAsChildWithSpecialReturnValueAggs).

use esql::Value;

use super::Args;

fn any_value(rows: &[Args]) -> bool {
    rows.iter().any(|r| r.first().is_some_and(|v| !v.is_null()))
}

/// `PRESENT(expr)`.
pub fn present(rows: &[Args]) -> Value {
    Value::Boolean(any_value(rows))
}

/// `ABSENT(expr)`.
pub fn absent(rows: &[Args]) -> Value {
    Value::Boolean(!any_value(rows))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn null_and_empty_inputs_are_absent() {
        assert_eq!(present(&[]), Value::Boolean(false));
        assert_eq!(absent(&[vec![Value::Null]]), Value::Boolean(true));
        let rows = vec![vec![Value::Null], vec![Value::Integer(0)]];
        assert_eq!(present(&rows), Value::Boolean(true));
        assert_eq!(absent(&rows), Value::Boolean(false));
    }
}
