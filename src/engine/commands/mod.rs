//! Columnar implementations of the streaming plan steps and the STATS sink.

pub mod eval;
pub mod mv_expand;
pub mod project;
pub mod stats;
pub mod stats_output;
pub mod stats_tail;
pub mod where_;
