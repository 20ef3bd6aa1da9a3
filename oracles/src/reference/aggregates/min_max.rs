//! MIN and MAX. SEMANTICS.md §2.6: over every non-null value (multi-values included, spec:stats
//! maxOfManyDoubles), keeping the input type (text gives keyword, spec:stats min/maxOfText); keywords
//! compare by UTF-8 bytes, booleans false < true. No values gives null.

use std::cmp::Ordering;

use esql::Value;

use esql::functions::AggregateFunction;
use esql::plan::AggregateCall;

use super::Args;
use crate::reference::expr::comparison::order;

/// The running minimum or maximum.
#[derive(Debug, Clone)]
pub struct ExtremeState {
    want: Ordering,
    best: Option<Value>,
}

impl ExtremeState {
    /// For MIN (`Less`) or MAX (`Greater`).
    pub fn new(call: &AggregateCall) -> ExtremeState {
        let want = if call.function == AggregateFunction::Max {
            Ordering::Greater
        } else {
            Ordering::Less
        };
        ExtremeState { want, best: None }
    }

    /// Adds one row.
    pub fn add(&mut self, args: &Args) {
        for v in args.first().map(Value::values).unwrap_or(&[]) {
            let replace = match &self.best {
                Some(b) => order(v, b) == Some(self.want),
                None => true,
            };
            if replace {
                self.best = Some(v.clone());
            }
        }
    }

    /// The extreme value, null when there was none.
    pub fn finish(&self) -> Value {
        self.best.clone().unwrap_or(Value::Null)
    }
}

fn extreme(rows: &[Args], want: Ordering) -> Value {
    let mut s = ExtremeState { want, best: None };
    rows.iter().for_each(|r| s.add(r));
    s.finish()
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
