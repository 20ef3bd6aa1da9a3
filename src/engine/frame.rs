//! Chunks of source rows and the frames (column sets plus a selection vector) steps work on.
//!
//! Oracle twin: the reference's `Vec<Vec<Value>>` between two steps. Invariant: the rows a frame stands
//! for are `selection` in order, each row `r` reading `columns[c].value(r)`; a column left `None` was
//! pruned (no later step reads it) and reads as null. Filtering only shrinks `selection`, never copies
//! column data.

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
    /// The column `c`, or an internal error if it was pruned although read.
    pub fn column(&self, c: usize) -> Result<&Arc<Column>, EvalError> {
        self.columns
            .get(c)
            .and_then(|x| x.as_ref())
            .ok_or_else(|| EvalError::Internal(format!("column {c} was pruned but is read")))
    }

    /// The value of column `c` at base row `r` (null for pruned columns).
    pub fn value(&self, c: usize, r: usize) -> Value {
        match self.columns.get(c).and_then(|x| x.as_ref()) {
            Some(col) => col.value(r),
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

    /// The lineage of base row `r`.
    pub fn origin(&self, r: usize) -> Lineage {
        match &self.lineage {
            Some(l) => l[r].clone(),
            None => Lineage {
                row: r as u32,
                path: Vec::new(),
            },
        }
    }
}
