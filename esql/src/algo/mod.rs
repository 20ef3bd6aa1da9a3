//! Algorithms both evaluators share because they define *what a piece of syntax means* rather than how a
//! value is evaluated: Lucene RegExp translation, LIKE wildcard parsing, Elasticsearch's HyperLogLog++
//! sketch, Java date patterns and number parsing, Java regex translation, DISSECT patterns.
//!
//! Evaluation semantics (nulls, multi-values, warnings, types) are not here: the reference evaluator
//! (`oracles`) and the optimized engine (`detsim::engine`) each implement those on their own and check
//! each other.

pub mod hll;
pub mod java_number;
pub mod java_regex;
pub mod java_time;
pub mod lucene_regexp;
pub mod wildcard;
