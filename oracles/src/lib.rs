//! # oracles — the meaning of ES|QL
//!
//! The reference evaluator (a plain row-at-a-time interpreter that reads like the spec), the csv-spec
//! conformance runner that checks it against Elasticsearch's own golden tests, and the differential and
//! metamorphic harness that checks the optimized evaluator against it.
