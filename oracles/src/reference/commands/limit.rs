//! `LIMIT n` and the implicit limit (SEMANTICS.md §2.9): keeps the first `n` rows; `LIMIT 0` keeps the
//! schema only. The evaluator applies [`esql::EvalOptions::implicit_limit`] (1000 by default) after the
//! last step, as ES appends `| LIMIT 1000`.

use crate::reference::Row;

/// Keeps the first `count` rows.
pub fn limit(count: usize, mut rows: Vec<Row>) -> Vec<Row> {
    rows.truncate(count);
    rows
}
