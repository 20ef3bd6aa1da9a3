//! # oracles — the meaning of ES|QL
//!
//! The reference evaluator (a plain row-at-a-time interpreter that reads like the spec), the csv-spec
//! conformance runner that checks it against Elasticsearch's own golden tests, and the differential and
//! metamorphic harness that checks the optimized evaluator against it.
//!
//! ```
//! use esql::plan::{Column, Expr, Plan, RowSource, Schema, Source};
//! use esql::{DataType, Evaluator, EvalOptions, MemorySource, Position, Value};
//! use oracles::ReferenceEvaluator;
//!
//! // ROW a = 1
//! let one = Expr::literal(Value::Integer(1), DataType::Integer, "1", Position { line: 1, column: 9 });
//! let plan = Plan {
//!     query_text: "ROW a = 1".into(),
//!     source: Source::Row(RowSource {
//!         exprs: vec![one],
//!         output: Schema::new(vec![Column::new("a", DataType::Integer)]),
//!     }),
//!     steps: vec![],
//! };
//! let table = ReferenceEvaluator::new().run(&plan, &MemorySource::new(), &EvalOptions::default()).unwrap();
//! assert_eq!(table.rows, vec![vec![Value::Integer(1)]]);
//! ```

pub mod csv_spec;
pub mod harness;
pub mod reference;

pub use reference::ReferenceEvaluator;
