//! # The optimized evaluator
//!
//! A columnar ES|QL engine that returns exactly what the reference evaluator returns, much
//! faster. Data is read into chunks of typed columns (keyword columns dictionary-encoded, multi-values as
//! offsets, only the columns the plan reads); each chunk is cut into batches that flow through the
//! compiled streaming steps (WHERE, EVAL, KEEP/DROP/RENAME, MV_EXPAND) as selection vectors, into a
//! hash-aggregating STATS sink or a row collector; the rest of the plan runs row-wise.
//!
//! Every value that is not a column read, a Kleene combination or a table lookup is computed by the
//! [`RowKernel`] — the engine's own scalar semantics ([`EngineKernel`]: `scalar/`, `aggregates/finish.rs`,
//! `rows/`, written independently of the reference evaluator, which checks them) — on the very row the
//! reference would see, but only once per distinct dictionary value and only on selected rows.
//! Warnings are logged with keys that sort in the reference's order and replayed at the end
//! (`failures.rs`).
//!
//! Each file's `//!` names its oracle twin and the invariant it keeps.

pub mod aggregates;
pub mod column;
pub mod commands;
pub mod dictionary;
pub mod evaluator;
pub mod expr;
pub mod failures;
pub mod frame;
pub mod inputs;
pub mod kernel;
pub mod pipeline;
pub mod prune;
pub mod row_kernel;
pub mod rows;
pub mod scalar;
pub mod source;
pub mod synthetic;

pub use evaluator::{EngineConfig, OptimizedEvaluator};
pub use kernel::EngineKernel;
pub use row_kernel::RowKernel;
