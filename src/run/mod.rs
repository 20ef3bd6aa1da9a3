//! The main job: generate (or load) a dataset once, run every rule over it on its schedule, and score
//! the alerts — what `detsim run` and `detsim score` print.
//!
//! - [`store`]: the dataset in memory as columns, sorted by time, cut into rule windows;
//! - [`pruned_json`]: generated events serialized with only the fields the rules read.

pub mod pruned_json;
pub mod store;
