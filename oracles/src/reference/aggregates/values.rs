//! VALUES. SEMANTICS.md §2.6 (spec:stats valuesRowMany, statsWithFalseFiltersAndGroups,
//! fixStatsValuesOnLiteralNull): the unique non-null values as a multi-value, null when there are none.
//! ES does not guarantee an order; detsim returns them **sorted** (ES value order: keywords by UTF-8
//! bytes) so results are deterministic.

use std::cmp::Ordering;

use esql::Value;

use super::{Args, first_arg_values};
use crate::reference::expr::comparison::order;
use crate::reference::functions::mv::dedupe;

/// `VALUES(expr)`.
pub fn values(rows: &[Args]) -> Value {
    let mut all = dedupe(&first_arg_values(rows));
    all.sort_by(|a, b| order(a, b).unwrap_or(Ordering::Equal));
    Value::from_values(all)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unique_sorted_values() {
        let rows = vec![
            vec![Value::Multi(vec![
                Value::keyword("web-2"),
                Value::keyword("web-1"),
            ])],
            vec![Value::keyword("web-2")],
            vec![Value::Null],
        ];
        assert_eq!(
            values(&rows),
            Value::Multi(vec![Value::keyword("web-1"), Value::keyword("web-2")])
        );
        assert_eq!(values(&[vec![Value::keyword("x")]]), Value::keyword("x"));
        assert_eq!(values(&[vec![Value::Null]]), Value::Null);
    }
}
