//! The main job: generate (or load) a dataset once, run every rule over it on its schedule, and score
//! the alerts — what `detsim run` and `detsim score` print.
//!
//! - [`rule`]: rules prepared to run (query, lineage rewrite, schedule);
//! - [`dataset`]: a dataset in memory (generated or read from a folder) with its ground truth;
//! - [`store`]: the dataset as columns, sorted by time, cut into rule windows;
//! - [`direct`]: generated events straight into the store's columns (the fast path);
//! - [`pruned_json`]: generated events serialized with only the fields the rules read;
//! - [`job`]: every rule over a dataset, scheduled and scored;
//! - [`report`]: the tables people read.

pub mod dataset;
pub mod direct;
pub mod job;
pub mod pruned_json;
pub mod report;
pub mod rule;
pub mod store;
