//! Elasticsearch's HyperLogLog++ sketch: shared with the optimized engine, it lives in
//! [`esql::algo::hll`].

pub use esql::algo::hll::*;
