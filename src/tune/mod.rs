//! Tuning a rule: sweep the numeric literals of the WHERE after its last STATS and its look-back,
//! score every variant exactly as `detsim score` does, and show the precision/recall trade-off as
//! tables and an SVG plot.
//!
//! - [`literals`]: the tunable literals, found in the AST, and the query rewritten with another value;
//! - [`sweep`]: candidate values, the variants, run and scored in parallel;
//! - [`table`]: one table per sweep, formatted like `detsim score`'s;
//! - [`plot`]: the precision/recall curve as SVG (plotters).

pub mod literals;
pub mod plot;
pub mod sweep;
pub mod table;

pub use literals::{Knob, Number, knobs, substitute};
pub use sweep::{Axis, Candidate, Sweep, SweepPlan, SweepRow, TuneError, sweep};
