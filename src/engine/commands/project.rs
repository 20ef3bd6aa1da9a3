//! KEEP / DROP / RENAME over a frame: pick columns by index, no data moves.
//!
//! Oracle twin: the reference's project command. Invariant: output column `i` is input column
//! `columns[i]` (the same `Arc`), so every row reads the same value as in the reference.

use crate::engine::frame::Frame;

/// Applies a projection to a frame; `types` are the output column types.
pub fn apply(frame: &mut Frame, columns: &[usize], types: Vec<esql::DataType>) {
    let old = std::mem::take(&mut frame.columns);
    frame.columns = columns
        .iter()
        .map(|&c| old.get(c).cloned().flatten())
        .collect();
    frame.types = types;
}
