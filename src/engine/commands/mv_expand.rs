//! MV_EXPAND over a frame: one row per value of a column, as an index mapping instead of copies.
//!
//! Oracle twin: the reference's mv_expand command. Invariant: the output rows are, in order, for each
//! selected input row, one row per value of the column (a null row stays one row with null); every other
//! column repeats the input row's value. When no selected row holds two or more values the expansion is
//! the identity and the frame is returned untouched (a cheap scan of the offsets). Otherwise [`expand`]
//! makes the frame *virtual*: only the expanded column is built (one value per child) and the children
//! point at their parent rows for every other column (`frame::Expansion`); [`materialize`] gathers the
//! selected children into ordinary columns — after a following WHERE, only the rows that survived it.

use std::sync::Arc;

use esql::EvalError;

use crate::engine::column::{Column, ColumnBuilder, ColumnValues};
use crate::engine::frame::{Frame, Lineage};

/// Expands column `c` of the frame and materialises the result (plan step `step`, recorded in the
/// rows' lineage).
pub fn apply(frame: &mut Frame, c: usize, step: u32) -> Result<(), EvalError> {
    expand(frame, c, step)?;
    materialize(frame);
    Ok(())
}

/// Expands column `c` of the frame virtually (see the module doc); a frame that is already virtual is
/// materialised first.
pub fn expand(frame: &mut Frame, c: usize, step: u32) -> Result<(), EvalError> {
    materialize(frame);
    let col = frame.column(c)?.clone();
    if col.max_count <= 1 || frame.selection.iter().all(|&r| col.count(r as usize) <= 1) {
        return Ok(());
    }
    let n = frame.selection.len();
    let mut parent: Vec<u32> = Vec::with_capacity(n + n / 2);
    let mut child: Vec<u32> = Vec::with_capacity(n + n / 2);
    let expanded = match &col.values {
        ColumnValues::Keyword { dict, ids } => {
            // Keyword ids copied straight (the common case: event.action).
            let mut offsets = Vec::with_capacity(n + n / 2 + 1);
            let mut out = Vec::with_capacity(n + n / 2);
            offsets.push(0u32);
            for &r in &frame.selection {
                let (s, e) = col.range(r as usize);
                if s == e {
                    parent.push(r);
                    child.push(0);
                    offsets.push(out.len() as u32);
                }
                for (k, &id) in ids[s..e].iter().enumerate() {
                    parent.push(r);
                    child.push(k as u32);
                    out.push(id);
                    offsets.push(out.len() as u32);
                }
            }
            Column::from_parts(
                col.data_type,
                offsets,
                ColumnValues::Keyword {
                    dict: dict.clone(),
                    ids: out,
                },
            )
        }
        _ => {
            let mut b = ColumnBuilder::like(&col, n);
            for &r in &frame.selection {
                let (s, e) = col.range(r as usize);
                if s == e {
                    parent.push(r);
                    child.push(0);
                    b.end_row();
                }
                for i in s..e {
                    parent.push(r);
                    child.push((i - s) as u32);
                    b.push_values_of(&col, i, i + 1);
                }
            }
            b.finish()
        }
    };
    frame.install_expansion(c, step, expanded, parent, child);
    Ok(())
}

/// Turns a virtual frame into an ordinary one holding only its selected rows (no-op otherwise).
pub fn materialize(frame: &mut Frame) {
    let Some(e) = frame.expand.clone() else {
        return;
    };
    let sel = std::mem::take(&mut frame.selection);
    let lineage: Vec<Lineage> = sel.iter().map(|&v| frame.origin(v as usize)).collect();
    let parents: Vec<u32> = sel.iter().map(|&v| e.parent[v as usize]).collect();
    let columns: Vec<Option<Arc<Column>>> = frame
        .columns
        .iter()
        .enumerate()
        .map(|(j, col)| {
            col.as_ref().map(|col| {
                let rows = if j == e.column { &sel } else { &parents };
                Arc::new(col.gather(rows))
            })
        })
        .collect();
    frame.columns = columns;
    frame.rows = sel.len();
    frame.selection = (0..sel.len() as u32).collect();
    frame.lineage = Some(Arc::new(lineage));
    frame.expand = None;
}
