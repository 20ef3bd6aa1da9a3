//! MV_EXPAND over a frame: one row per value of a column, without copying when nothing is multi-valued.
//!
//! Oracle twin: the reference's mv_expand command. Invariant: the output rows are, in order, for each
//! selected input row, one row per value of the column (a null row stays one row with null); every other
//! column repeats the input row's value. When no selected row holds two or more values the expansion is
//! the identity and the frame is returned untouched (the common case: a cheap scan of the offsets).

use std::sync::Arc;

use esql::EvalError;

use crate::engine::column::{Column, ColumnBuilder};
use crate::engine::frame::{Frame, Lineage};

/// Expands column `c` of the frame (plan step `step`, recorded in the rows' lineage).
pub fn apply(frame: &mut Frame, c: usize, step: u32) -> Result<(), EvalError> {
    let col = frame.column(c)?.clone();
    if frame.selection.iter().all(|&r| col.count(r as usize) <= 1) {
        return Ok(());
    }
    // Map each output row to (input row, value index or none).
    let mut rows: Vec<u32> = Vec::new();
    let mut lineage: Vec<Lineage> = Vec::new();
    let mut expanded = ColumnBuilder::like(&col, frame.selection.len());
    for &r in &frame.selection {
        let (s, e) = col.range(r as usize);
        let origin = frame.origin(r as usize);
        if s == e {
            rows.push(r);
            lineage.push(child(&origin, step, 0));
            expanded.end_row();
        }
        for i in s..e {
            rows.push(r);
            lineage.push(child(&origin, step, (i - s) as u32));
            expanded.push_values_of(&col, i, i + 1);
        }
    }
    let mut columns: Vec<Option<Arc<Column>>> = Vec::with_capacity(frame.columns.len());
    for (j, old) in frame.columns.iter().enumerate() {
        columns.push(match old {
            None => None,
            Some(_) if j == c => None,
            Some(o) => Some(Arc::new(o.gather(&rows))),
        });
    }
    columns[c] = Some(Arc::new(expanded.finish()));
    frame.columns = columns;
    frame.rows = rows.len();
    frame.selection = (0..rows.len() as u32).collect();
    frame.lineage = Some(Arc::new(lineage));
    Ok(())
}

fn child(origin: &Lineage, step: u32, i: u32) -> Lineage {
    let mut path = origin.path.clone();
    path.push(step);
    path.push(i);
    Lineage {
        row: origin.row,
        path,
    }
}
