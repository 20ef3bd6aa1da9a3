//! `MV_EXPAND column`. SEMANTICS.md §2.10 (spec:mv_expand expandAfterSort2, whereMvExpandOnIndex,
//! filterMvExpanded): one row per value of the column, in stored order, other columns duplicated; a
//! null or missing value stays one row with null; a single value is unchanged.

use esql::{EvalError, Value};

use crate::reference::Row;

/// The rows one input row expands to.
pub fn expand_row(column: usize, mut row: Row) -> Result<Vec<Row>, EvalError> {
    let Some(cell) = row.get_mut(column) else {
        return Err(EvalError::Internal(format!(
            "MV_EXPAND column {column} of a {}-column row",
            row.len()
        )));
    };
    match std::mem::replace(cell, Value::Null) {
        Value::Multi(values) => Ok(values
            .into_iter()
            .map(|v| {
                let mut r = row.clone();
                r[column] = v;
                r
            })
            .collect()),
        single => {
            row[column] = single;
            Ok(vec![row])
        }
    }
}

/// Expands the multi-values of `column`.
pub fn mv_expand(column: usize, rows: Vec<Row>) -> Result<Vec<Row>, EvalError> {
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        out.extend(expand_row(column, row)?);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// spec:mv_expand/expandAfterSort2: null stays one row.
    #[test]
    fn expands_values_and_keeps_nulls() {
        let rows = vec![
            vec![
                Value::Multi(vec![Value::keyword("start"), Value::keyword("exec")]),
                Value::Integer(1),
            ],
            vec![Value::Null, Value::Integer(2)],
            vec![Value::keyword("end"), Value::Integer(3)],
        ];
        let out = mv_expand(0, rows).unwrap();
        assert_eq!(
            out,
            vec![
                vec![Value::keyword("start"), Value::Integer(1)],
                vec![Value::keyword("exec"), Value::Integer(1)],
                vec![Value::Null, Value::Integer(2)],
                vec![Value::keyword("end"), Value::Integer(3)],
            ]
        );
    }
}
