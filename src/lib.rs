//! # detsim — test Elastic ES|QL detection rules offline
//!
//! The optimized evaluator, rule files and schedules, scoring, readers and writers, and the CLI.
//!
//! - [`rules`]: detection-rules TOML, hunting TOML and `.esql` files → typed rules and their queries,
//!   each query knowing where its text is in its file.
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
