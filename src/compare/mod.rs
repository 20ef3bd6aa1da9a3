//! Comparing another engine's result with detsim's: Elasticsearch's `_query` response (or CSV) of
//! the same rule over the same data, against what detsim's evaluator returns.
//!
//! - [`input`]: the other result, read with located errors; detsim's in the same shape;
//! - [`shape`]: what the query guarantees (order from its final SORT, row keys from its BY);
//! - [`diff`]: the comparison — missing, extra and differing rows, column differences, order.
//!
//! ```
//! use detsim::compare::{CompareOptions, Table, compare};
//! let a = Table::from_query_json(r#"{"columns":[{"name":"n","type":"long"}],"values":[[1],[2]]}"#, "a").unwrap();
//! let b = Table::from_query_json(r#"{"took":5,"columns":[{"name":"n","type":"long"}],"values":[[2],[1]]}"#, "b").unwrap();
//! assert!(compare(&a, &b, &CompareOptions::default()).is_equal());
//! ```

pub mod diff;
pub mod input;
pub mod shape;

pub use diff::{CompareOptions, Comparison, OrderCheck, compare};
pub use input::{InputError, Table};
pub use shape::QueryShape;
