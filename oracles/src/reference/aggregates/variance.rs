//! STD_DEV and VARIANCE (alias STD_VAR): the *population* standard deviation and variance of every
//! value (nulls skipped, all values of a multi-value used), a double; null for no values.
//!
//! ES computes them with Welford's online algorithm (`WelfordAlgorithm` in the compute engine): for each
//! value, `count += 1; delta = x − mean; mean += delta / count; m2 += delta × (x − mean)`, then
//! `m2 / count` (and its square root). Values are added in input order; the two-phase combine on the
//! coordinator starts from an empty state, so it copies the data node's `(mean, m2, count)` unchanged.
//! (spec:stats stdDeviation*, stdDevMultiValue, stdDevFilter, stdDevRow, variance*.)

use esql::Value;

use super::{Args, first_arg_values};

/// Welford's running mean and sum of squared deviations.
#[derive(Debug, Default, Clone, Copy)]
pub struct Welford {
    count: u64,
    mean: f64,
    m2: f64,
}

impl Welford {
    /// Adds one value.
    pub fn add(&mut self, x: f64) {
        self.count += 1;
        let delta = x - self.mean;
        self.mean += delta / self.count as f64;
        self.m2 += delta * (x - self.mean);
    }

    /// The population variance, `None` without values.
    pub fn variance(&self) -> Option<f64> {
        (self.count > 0).then(|| self.m2 / self.count as f64)
    }
}

fn welford(rows: &[Args]) -> Welford {
    let mut w = Welford::default();
    for v in first_arg_values(rows) {
        match v {
            Value::Integer(i) => w.add(i as f64),
            Value::Long(i) => w.add(i as f64),
            Value::Double(d) => w.add(d),
            _ => {}
        }
    }
    w
}

/// `VARIANCE(expr)`.
pub fn variance(rows: &[Args]) -> Value {
    welford(rows)
        .variance()
        .map(Value::Double)
        .unwrap_or(Value::Null)
}

/// `STD_DEV(expr)`.
pub fn std_dev(rows: &[Args]) -> Value {
    welford(rows)
        .variance()
        .map(|v| Value::Double(v.sqrt()))
        .unwrap_or(Value::Null)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// spec:stats/stdDevRow: `STD_DEV([1,2,3])` rounds to 0.8165 and `STD_DEV(5)` is 0.0;
    /// spec:stats/stdDeviationNoRows: no values is null.
    #[test]
    fn population_deviation_over_all_values() {
        let mv = vec![vec![Value::Multi([1, 2, 3].map(Value::Integer).to_vec())]];
        assert_eq!(std_dev(&mv), Value::Double((2.0f64 / 3.0).sqrt()));
        assert_eq!(variance(&mv), Value::Double(2.0 / 3.0));
        assert_eq!(std_dev(&[vec![Value::Integer(5)]]), Value::Double(0.0));
        assert_eq!(std_dev(&[vec![Value::Null]]), Value::Null);
        assert_eq!(variance(&[]), Value::Null);
    }

    /// spec:stats/stdDeviationConstantValue: equal values give exactly 0.0 (no rounding residue).
    #[test]
    fn equal_values_give_exact_zero() {
        let rows: Vec<Args> = (0..19).map(|_| vec![Value::Double(1.83)]).collect();
        assert_eq!(std_dev(&rows), Value::Double(0.0));
    }
}
