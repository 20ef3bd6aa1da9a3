//! KEEP / DROP / RENAME over a frame: pick columns by index, no data moves.
//!
//! Oracle twin: the reference's project command. Invariant: output column `i` is input column
//! `columns[i]` (the same `Arc`), so every row reads the same value as in the reference. A virtual
//! frame (after MV_EXPAND) stays virtual: its expanded column moves to its new position (or, when it is
//! dropped, every remaining column reads at the parent row); a projection that would keep the expanded
//! column twice materialises the frame first.

use std::sync::Arc;

use crate::engine::frame::{Expansion, Frame};

/// Column index of a virtual frame's expansion whose expanded column was dropped.
pub const DROPPED: usize = usize::MAX;

/// Applies a projection to a frame; `types` are the output column types.
pub fn apply(frame: &mut Frame, columns: &[usize], types: Vec<esql::DataType>) {
    if let Some(e) = frame.expand.clone() {
        let kept: Vec<usize> = (0..columns.len())
            .filter(|&i| columns[i] == e.column)
            .collect();
        if kept.len() > 1 {
            super::mv_expand::materialize(frame);
        } else {
            let column = kept.first().copied().unwrap_or(DROPPED);
            if column != e.column {
                frame.expand = Some(Arc::new(Expansion {
                    column,
                    step: e.step,
                    parent: e.parent.clone(),
                    child: e.child.clone(),
                }));
            }
        }
    }
    let old = std::mem::take(&mut frame.columns);
    frame.columns = columns
        .iter()
        .map(|&c| old.get(c).cloned().flatten())
        .collect();
    frame.types = types;
}
