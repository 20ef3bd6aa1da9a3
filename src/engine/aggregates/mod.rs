//! Hash aggregation for STATS: value interners, group maps and per-group aggregate states.

pub mod distinct_count;
pub mod finish;
pub mod group_map;
pub mod interner;
pub mod keyword_results;
pub mod state;
pub mod statistics;
pub mod strings;
