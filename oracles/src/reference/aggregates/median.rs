//! MEDIAN (docs functions median.md): the middle of all non-null values as a double; for an even count,
//! the mean of the two middle values. ES computes it with a t-digest, which is exact for the small
//! inputs it is tested on; larger inputs may differ from ES in the last digits (documented limit).

use std::cmp::Ordering;

use esql::Value;

use super::{Args, first_arg_values};
use crate::reference::expr::comparison::order;

fn as_f64(v: &Value) -> f64 {
    match v {
        Value::Integer(i) => *i as f64,
        Value::Long(i) => *i as f64,
        Value::UnsignedLong(u) => *u as f64,
        Value::Double(d) => *d,
        _ => f64::NAN,
    }
}

/// `MEDIAN(expr)`.
pub fn median(rows: &[Args]) -> Value {
    let mut all = first_arg_values(rows);
    if all.is_empty() {
        return Value::Null;
    }
    all.sort_by(|a, b| order(a, b).unwrap_or(Ordering::Equal));
    let n = all.len();
    if n % 2 == 1 {
        Value::Double(as_f64(&all[n / 2]))
    } else {
        Value::Double((as_f64(&all[n / 2 - 1]) + as_f64(&all[n / 2])) / 2.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_odd_and_even_counts() {
        let rows = |v: &[i32]| {
            v.iter()
                .map(|i| vec![Value::Integer(*i)])
                .collect::<Vec<_>>()
        };
        assert_eq!(median(&rows(&[3, 1, 2])), Value::Double(2.0));
        assert_eq!(median(&rows(&[4, 1, 2, 3])), Value::Double(2.5));
        assert_eq!(median(&[]), Value::Null);
    }
}
