//! COUNT_DISTINCT finished straight from a group's interned id set.
//!
//! Oracle twin: the reference's COUNT_DISTINCT (Elasticsearch's HyperLogLog++ over each value's hash,
//! `esql::algo::hll`). Invariant: the estimate equals the one `finish::finish` computes from the
//! group's values — the same hashes go into the same sketch — but each distinct interned value is
//! hashed once for the whole run, and the common sizes need no sketch: an empty set counts 0, and a
//! one-value set the one-element linear-counting estimate, which does not depend on the hash. Calls the
//! general path handles differently (a constant field, boolean or unsigned-long fields, a precision
//! that is not a valid constant) are not taken here, so their errors stay where they were.

use esql::DataType;
use esql::algo::hll::{HyperLogLogPlusPlus, precision_from_threshold};
use esql::functions::AggregateFunction;
use esql::plan::AggregateCall;

use super::finish::count_distinct_threshold;
use super::interner::Interner;

/// Hash not computed yet.
const UNKNOWN: u8 = 0;
/// Hash computed and stored.
const KNOWN: u8 = 1;
/// The value has no Elasticsearch hash (the general path reports it).
const NONE: u8 = 2;

/// Per-aggregate COUNT_DISTINCT finisher with a hash cache indexed by interner id.
#[derive(Debug, Clone)]
pub struct DistinctCounter {
    precision: u32,
    one: i64,
    hashes: Vec<u64>,
    state: Vec<u8>,
}

impl DistinctCounter {
    /// A finisher for `call`, or `None` when the call must go through the general path.
    pub fn for_call(call: &AggregateCall) -> Option<DistinctCounter> {
        if call.function != AggregateFunction::CountDistinct {
            return None;
        }
        let field = call.args.first()?;
        if field.columns().is_empty()
            || matches!(field.data_type, DataType::Boolean | DataType::UnsignedLong)
        {
            return None;
        }
        let precision = precision_from_threshold(count_distinct_threshold(call).ok()?);
        let mut sketch = HyperLogLogPlusPlus::new(precision);
        sketch.collect(0);
        Some(DistinctCounter {
            precision,
            one: sketch.cardinality() as i64,
            hashes: Vec::new(),
            state: Vec::new(),
        })
    }

    fn hash(&mut self, interner: &Interner, id: u32) -> Option<u64> {
        let i = id as usize;
        if i >= self.state.len() {
            let n = interner.len().max(i + 1);
            self.state.resize(n, UNKNOWN);
            self.hashes.resize(n, 0);
        }
        match self.state[i] {
            KNOWN => Some(self.hashes[i]),
            NONE => None,
            _ => match interner.es_hash(id) {
                Some(h) => {
                    self.state[i] = KNOWN;
                    self.hashes[i] = h;
                    Some(h)
                }
                None => {
                    self.state[i] = NONE;
                    None
                }
            },
        }
    }

    /// The estimate for the distinct values `ids` (interned in `interner`); `None` when a value has no
    /// Elasticsearch hash (the general path then reports the error).
    pub fn count(&mut self, interner: &Interner, ids: &[u32]) -> Option<i64> {
        match ids {
            [] => Some(0),
            // One value: the estimate does not depend on its hash, only on it having one (keywords do).
            [id] if interner.is_keyword(*id) => Some(self.one),
            [id] => self.hash(interner, *id).map(|_| self.one),
            _ => {
                let mut sketch = HyperLogLogPlusPlus::new(self.precision);
                for &id in ids {
                    sketch.collect(self.hash(interner, id)?);
                }
                Some(sketch.cardinality() as i64)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use esql::Value;
    use esql::algo::hll::es_hash;

    fn general(values: &[Value], precision: u32) -> i64 {
        let mut s = HyperLogLogPlusPlus::new(precision);
        for v in values {
            s.collect(es_hash(v).unwrap());
        }
        s.cardinality() as i64
    }

    #[test]
    fn sizes_agree_with_a_sketch_of_the_values() {
        let call_text = "FROM logs-endpoint.events.process-* | STATS c = COUNT_DISTINCT(host.name)";
        let plan = esql::analyze(
            &esql::parse(call_text).unwrap(),
            &esql::Catalog::elastic_defend(),
        )
        .unwrap();
        let esql::plan::StepKind::Stats(agg) = &plan.steps[0].kind else {
            panic!("a STATS step");
        };
        let mut c = DistinctCounter::for_call(&agg.aggregates[0]).expect("keyword field");
        let mut interner = Interner::new();
        let values: Vec<Value> = (0..5000).map(|i| Value::keyword(format!("h{i}"))).collect();
        let ids: Vec<u32> = values.iter().map(|v| interner.intern(v)).collect();
        for n in [0usize, 1, 2, 3, 100, 2999, 3000, 3001, 3100, 5000] {
            assert_eq!(
                c.count(&interner, &ids[..n]),
                Some(general(&values[..n], c.precision)),
                "{n} values"
            );
        }
        // Other kinds hash as ES does; a value without ES hash is left to the general path.
        let long = interner.intern(&Value::Long(7));
        assert_eq!(c.count(&interner, &[long]), Some(1));
        let b = interner.intern(&Value::Boolean(true));
        assert_eq!(c.count(&interner, &[long, b]), None);
    }
}
