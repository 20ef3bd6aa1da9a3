//! `KEEP`, `DROP`, `RENAME`: the analyzer resolved wildcards and precedence (SEMANTICS.md §2.4) into a
//! list of input column indices; output column `i` is input column `columns[i]`.

use esql::EvalError;

use crate::reference::Row;

/// Reorders and selects columns.
pub fn project(columns: &[usize], rows: Vec<Row>) -> Result<Vec<Row>, EvalError> {
    rows.into_iter()
        .map(|r| super::eval::project(&r, columns))
        .collect()
}
