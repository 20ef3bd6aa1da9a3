//! VALUES. SEMANTICS.md §2.6 (spec:stats valuesRowMany, statsWithFalseFiltersAndGroups,
//! fixStatsValuesOnLiteralNull): the unique non-null values as a multi-value, null when there are none.
//! ES does not guarantee an order; detsim returns them **sorted** (ES value order: keywords by UTF-8
//! bytes) so results are deterministic.

use std::cmp::Ordering;

use esql::Value;

use std::collections::BTreeSet;

use super::Args;
use crate::reference::expr::comparison::{KeyOrd, order};

/// The distinct values seen so far.
#[derive(Debug, Clone, Default)]
pub struct ValuesState {
    seen: BTreeSet<KeyOrd>,
}

impl ValuesState {
    /// Adds one row.
    pub fn add(&mut self, args: &Args) {
        for v in args.first().map(Value::values).unwrap_or(&[]) {
            self.seen.insert(KeyOrd(vec![v.clone()]));
        }
    }

    /// The values, sorted in ES order; null when there were none.
    pub fn finish(&self) -> Value {
        let mut all: Vec<Value> = self.seen.iter().map(|k| k.0[0].clone()).collect();
        all.sort_by(|a, b| order(a, b).unwrap_or(Ordering::Equal));
        Value::from_values(all)
    }
}

/// `VALUES(expr)` over whole rows.
pub fn values(rows: &[Args]) -> Value {
    let mut s = ValuesState::default();
    rows.iter().for_each(|r| s.add(r));
    s.finish()
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
