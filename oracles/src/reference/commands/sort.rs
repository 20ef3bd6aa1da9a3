//! `SORT key [ASC|DESC] [NULLS FIRST|LAST], …`. SEMANTICS.md §2.8 (spec:mv_expand expandAfterSort1,
//! expandWithMultiSort; spec:eval/evalNullSort; spec:boolean/sort): a stable sort, keys compared left to
//! right; ASC by default; nulls last for ASC and first for DESC unless overridden; a multi-value sorts by
//! its minimum for ASC and its maximum for DESC; keywords by UTF-8 bytes, false < true.

use std::cmp::Ordering;

use esql::plan::SortKey;
use esql::{EvalError, Value};

use crate::reference::expr::comparison::order;
use crate::reference::expr::eval;
use crate::reference::functions::mv::{mv_max, mv_min};
use crate::reference::{Context, Row};

fn sort_value(v: Value, descending: bool) -> Result<Value, EvalError> {
    Ok(match v {
        Value::Multi(_) if descending => mv_max(&[v])?,
        Value::Multi(_) => mv_min(&[v])?,
        single => single,
    })
}

fn compare_key(a: &Value, b: &Value, key: &SortKey) -> Ordering {
    match (a.is_null(), b.is_null()) {
        (true, true) => Ordering::Equal,
        (true, false) => {
            if key.nulls_first {
                Ordering::Less
            } else {
                Ordering::Greater
            }
        }
        (false, true) => {
            if key.nulls_first {
                Ordering::Greater
            } else {
                Ordering::Less
            }
        }
        (false, false) => {
            let o = order(a, b).unwrap_or(Ordering::Equal);
            if key.descending { o.reverse() } else { o }
        }
    }
}

/// Sorts rows by the keys (stable).
pub fn sort(keys: &[SortKey], rows: Vec<Row>, ctx: &mut Context) -> Result<Vec<Row>, EvalError> {
    let mut keyed = Vec::with_capacity(rows.len());
    for row in rows {
        let mut values = Vec::with_capacity(keys.len());
        for k in keys {
            values.push(sort_value(eval(&k.expr, &row, ctx)?, k.descending)?);
        }
        keyed.push((values, row));
    }
    keyed.sort_by(|(a, _), (b, _)| {
        keys.iter()
            .enumerate()
            .map(|(i, k)| compare_key(&a[i], &b[i], k))
            .find(|o| o.is_ne())
            .unwrap_or(Ordering::Equal)
    });
    Ok(keyed.into_iter().map(|(_, r)| r).collect())
}
