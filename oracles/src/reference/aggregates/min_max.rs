//! MIN and MAX. SEMANTICS.md §2.6: over every non-null value (multi-values included, spec:stats
//! maxOfManyDoubles), keeping the input type (text gives keyword, spec:stats min/maxOfText); keywords
//! compare by UTF-8 bytes, booleans false < true. No values gives null.

use std::cmp::Ordering;

use esql::Value;

use super::{Args, first_arg_values};
use crate::reference::expr::comparison::order;

fn extreme(rows: &[Args], want: Ordering) -> Value {
    let mut best: Option<Value> = None;
    for v in first_arg_values(rows) {
        best = Some(match best {
            Some(b) if order(&v, &b) != Some(want) => b,
            _ => v,
        });
    }
    best.unwrap_or(Value::Null)
}

/// `MIN(expr)`.
pub fn min(rows: &[Args]) -> Value {
    extreme(rows, Ordering::Less)
}

/// `MAX(expr)`.
pub fn max(rows: &[Args]) -> Value {
    extreme(rows, Ordering::Greater)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extremes_over_all_values() {
        let rows = vec![
            vec![Value::Multi(vec![Value::keyword("b"), Value::keyword("Z")])],
            vec![Value::Null],
            vec![Value::keyword("a")],
        ];
        assert_eq!(min(&rows), Value::keyword("Z"));
        assert_eq!(max(&rows), Value::keyword("b"));
        assert_eq!(min(&[]), Value::Null);
    }
}
