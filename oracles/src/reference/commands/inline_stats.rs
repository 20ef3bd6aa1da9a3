//! `INLINE STATS aggregates [BY groups]`: the aggregation is computed as STATS computes it
//! ([`super::stats`]), then every input row is kept and extended with the outputs of its group
//! (`input ++ outputs`), and `projection` picks the output columns.
//!
//! A row joins the group of its key values; a null key joins the null group. A row whose key is
//! multi-valued has no single group to join: that case is reported as unsupported rather than guessed.

use std::collections::BTreeMap;

use esql::plan::Aggregation;
use esql::{EvalError, Value};

use super::eval::project;
use super::stats::{group, group_output, row_keys};
use crate::reference::expr::comparison::KeyOrd;
use crate::reference::{Context, Row};

/// Runs `INLINE STATS`.
pub fn inline_stats(
    agg: &Aggregation,
    projection: &[usize],
    rows: Vec<Row>,
    ctx: &mut Context,
) -> Result<Vec<Row>, EvalError> {
    let groups = group(agg, &rows, ctx)?;
    let mut outputs: BTreeMap<KeyOrd, Row> = BTreeMap::new();
    for g in &groups {
        let out = group_output(agg, g, ctx)?;
        outputs.insert(KeyOrd(g.key.clone()), out);
    }
    let mut result = Vec::with_capacity(rows.len());
    for row in rows {
        let keys = row_keys(agg, &row, ctx)?;
        if keys.iter().any(Value::is_multi) {
            return Err(EvalError::Unsupported(
                "INLINE STATS with a multi-valued grouping key".into(),
            ));
        }
        let out = outputs
            .get(&KeyOrd(keys))
            .ok_or_else(|| EvalError::Internal("INLINE STATS row without a group".into()))?;
        let mut extended = row;
        extended.extend(out.iter().cloned());
        result.push(project(&extended, projection)?);
    }
    Ok(result)
}
