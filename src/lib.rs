//! # detsim — test Elastic ES|QL detection rules offline
//!
//! The optimized evaluator, rule files and schedules, scoring, readers and writers, and the CLI.
//!
//! - [`rules`]: detection-rules TOML, hunting TOML and `.esql` files → typed rules and their queries,
//!   each query knowing where its text is in its file.
//! - [`tune`]: a rule's post-STATS thresholds and look-back swept, each variant scored as
//!   `detsim score` scores the rule; precision/recall tables and an SVG plot.
//! - [`compare`]: another engine's result (Elasticsearch's `_query` JSON, CSV) against detsim's, up
//!   to what Elasticsearch leaves undefined (row order without a total SORT, multi-value order).
//!
//! ```
//! use std::path::Path;
//! let file = detsim::rules::load_str(Path::new("q.esql"), "from logs-* | limit 1").unwrap();
//! assert_eq!(file.queries[0].label(), "q.esql");
//! ```

pub mod compare;
pub mod dataset;
pub mod engine;
pub mod regress;
pub mod rules;
pub mod run;
pub mod schedule;
pub mod score;
pub mod tune;
