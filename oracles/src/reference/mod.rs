//! The reference evaluator: a row-at-a-time interpreter of the [`esql::Plan`] IR that reads like the
//! semantics it implements (`../shared/esql-spec/SEMANTICS.md`). It is the definition the optimized engine
//! (`src/engine/`, same module tree) is checked against: no caching, no encodings, no cleverness.
//!
//! Layout: [`evaluator`] runs a plan; [`commands`] has one function per command; [`expr`] evaluates
//! operators; [`functions`] the scalar functions; [`aggregates`] the STATS functions.

pub mod aggregates;
pub mod commands;
pub mod context;
pub mod evaluator;
pub mod expr;
pub mod functions;
#[doc(hidden)]
pub mod test_utils;

pub use context::Context;
pub use evaluator::ReferenceEvaluator;

/// One row: a value per column of the step's input (or extended) schema.
pub type Row = Vec<esql::Value>;
