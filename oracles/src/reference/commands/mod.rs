//! One plain function per ES|QL command, each taking the rows of the previous step and returning its
//! own. The optimized engine mirrors these files name for name (`src/engine/commands/`).

pub mod dissect;
pub mod eval;
pub mod from;
pub mod grok;
pub mod inline_stats;
pub mod limit;
pub mod mv_expand;
pub mod project;
pub mod row;
pub mod sort;
pub mod stats;
pub mod where_;
