//! Chunks of source rows and the frames (column sets plus a selection vector) steps work on.
//!
//! Oracle twin: the reference's `Vec<Vec<Value>>` between two steps. Invariant: the rows a frame stands
//! for are `selection` in order, each row `r` reading `columns[c].value(r)`; a column left `None` was
//! pruned (no later step reads it) and reads as null. Filtering only shrinks `selection`, never copies
//! column data. After an MV_EXPAND a frame may be *virtual* ([`Expansion`]): its rows are the expanded
//! children, the expanded column is stored per child and every other column is read at the child's
//! parent row (`Frame::phys`), so a following WHERE filters children without copying any column;
//! `commands::mv_expand::materialize` then gathers only the surviving rows.

use std::sync::Arc;

use esql::{DataType, EvalError, Value};

use super::column::Column;

/// Up to a configured number of source rows, loaded into columns.
#[derive(Debug, Clone)]
pub struct Chunk {
    /// Position of the chunk in scan order.
    pub index: u32,
    /// Number of rows.
    pub rows: usize,
    /// One column per source output column; `None` when pruned.
    pub columns: Vec<Option<Arc<Column>>>,
}

/// Rows of one batch as a step sees them.
#[derive(Debug, Clone)]
pub struct Frame {
    /// Chunk this frame came from.
    pub chunk: u32,
    /// Batch number within the chunk (batches are in row order).
    pub batch: u32,
    /// Columns of the step's input, indexed by base row; `None` when pruned.
    pub columns: Vec<Option<Arc<Column>>>,
    /// Types of the columns (for pruned ones too).
    pub types: Vec<DataType>,
    /// Number of base rows the columns hold.
    pub rows: usize,
    /// The selected base rows, in row order.
    pub selection: Vec<u32>,
    /// Where each base row came from, once rows were expanded or compacted (`None`: base row `r` is
    /// source row `r` of the batch).
    pub lineage: Option<std::sync::Arc<Vec<Lineage>>>,
    /// A pending MV_EXPAND: the frame's rows are virtual children (see [`Expansion`]).
    pub expand: Option<Arc<Expansion>>,
}

/// An MV_EXPAND not yet materialised: virtual row `v` is child `child[v]` of base row `parent[v]`.
#[derive(Debug, Clone)]
pub struct Expansion {
    /// The expanded column (stored per virtual row in the frame's `columns`).
    pub column: usize,
    /// The MV_EXPAND's step number (recorded in lineage paths).
    pub step: u32,
    /// Base row (index into the other columns and the lineage) of each virtual row.
    pub parent: Vec<u32>,
    /// Child number of each virtual row within its parent.
    pub child: Vec<u32>,
}

/// The origin of a frame row: its source row and the expansions `(step, child)…` it went through.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Lineage {
    /// Source row within the batch's chunk.
    pub row: u32,
    /// Flattened `(step, child)` pairs.
    pub path: Vec<u32>,
}

impl Frame {
    /// Makes this frame the virtual rows of an MV_EXPAND of column `column` at step `step`:
    /// `expanded` holds one value (or null) per virtual row, `parent`/`child` say where each came from;
    /// every virtual row is selected.
    pub fn install_expansion(
        &mut self,
        column: usize,
        step: u32,
        expanded: Column,
        parent: Vec<u32>,
        child: Vec<u32>,
    ) {
        self.columns[column] = Some(Arc::new(expanded));
        self.rows = parent.len();
        self.selection = (0..parent.len() as u32).collect();
        self.expand = Some(Arc::new(Expansion {
            column,
            step,
            parent,
            child,
        }));
    }

    /// The column `c`, or an internal error if it was pruned although read.
    pub fn column(&self, c: usize) -> Result<&Arc<Column>, EvalError> {
        self.columns
            .get(c)
            .and_then(|x| x.as_ref())
            .ok_or_else(|| EvalError::Internal(format!("column {c} was pruned but is read")))
    }

    /// The row of column `c`'s storage that frame row `r` reads (differs only in a virtual frame).
    #[inline]
    pub fn phys(&self, c: usize, r: usize) -> usize {
        match &self.expand {
            Some(e) if c != e.column => e.parent[r] as usize,
            _ => r,
        }
    }

    /// The parent mapping column `c` is read through (`None`: read at the frame row itself).
    #[inline]
    pub fn row_map(&self, c: usize) -> Option<&[u32]> {
        match &self.expand {
            Some(e) if c != e.column => Some(&e.parent),
            _ => None,
        }
    }

    /// The source row (within the chunk) frame row `r` comes from, without building its lineage.
    #[inline]
    pub fn origin_row(&self, r: usize) -> u32 {
        let b = match &self.expand {
            Some(e) => e.parent[r] as usize,
            None => r,
        };
        match &self.lineage {
            Some(l) => l[b].row,
            None => b as u32,
        }
    }

    /// The value of column `c` at frame row `r` (null for pruned columns).
    pub fn value(&self, c: usize, r: usize) -> Value {
        match self.columns.get(c).and_then(|x| x.as_ref()) {
            Some(col) => col.value(self.phys(c, r)),
            None => Value::Null,
        }
    }

    /// Row `r` as values, reading only the columns in `read` (the rest null).
    pub fn row_values(&self, r: usize, read: &[usize], out: &mut Vec<Value>) {
        out.clear();
        out.resize(self.columns.len(), Value::Null);
        for &c in read {
            if c < out.len() {
                out[c] = self.value(c, r);
            }
        }
    }

    /// The lineage of frame row `r`.
    pub fn origin(&self, r: usize) -> Lineage {
        let b = match &self.expand {
            Some(e) => e.parent[r] as usize,
            None => r,
        };
        let mut l = match &self.lineage {
            Some(l) => l[b].clone(),
            None => Lineage {
                row: b as u32,
                path: Vec::new(),
            },
        };
        if let Some(e) = &self.expand {
            l.path.push(e.step);
            l.path.push(e.child[r]);
        }
        l
    }
}
