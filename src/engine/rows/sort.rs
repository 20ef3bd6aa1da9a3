//! SORT over rows: a stable sort by the keys, left to right.
//!
//! A multi-valued key sorts by its minimum ascending and its maximum descending; nulls go last
//! ascending and first descending unless NULLS FIRST/LAST says otherwise; values compare as the
//! comparison operators do (unordered values tie).

use std::cmp::Ordering;

use esql::plan::SortKey;
use esql::{EvalError, Value};

use super::Row;
use crate::engine::scalar::multi::{max_of, min_of};
use crate::engine::scalar::order::cmp;
use crate::engine::scalar::{Scope, eval};

fn by_key(a: &Value, b: &Value, key: &SortKey) -> Ordering {
    let null_side = if key.nulls_first {
        Ordering::Less
    } else {
        Ordering::Greater
    };
    match (a.is_null(), b.is_null()) {
        (true, true) => Ordering::Equal,
        (true, false) => null_side,
        (false, true) => null_side.reverse(),
        (false, false) => {
            let o = cmp(a, b).unwrap_or(Ordering::Equal);
            if key.descending { o.reverse() } else { o }
        }
    }
}

/// Sorts `rows` by `keys` (each evaluated once per row, in row order).
pub fn sort(keys: &[SortKey], rows: Vec<Row>, s: &mut Scope<'_>) -> Result<Vec<Row>, EvalError> {
    let mut keyed = Vec::with_capacity(rows.len());
    for row in rows {
        let mut ks = Vec::with_capacity(keys.len());
        for k in keys {
            let v = eval(&k.expr, &row, s)?;
            ks.push(match v {
                Value::Multi(_) if k.descending => max_of(&v),
                Value::Multi(_) => min_of(&v),
                single => single,
            });
        }
        keyed.push((ks, row));
    }
    keyed.sort_by(|(a, _), (b, _)| {
        keys.iter()
            .enumerate()
            .map(|(i, k)| by_key(&a[i], &b[i], k))
            .find(|o| o.is_ne())
            .unwrap_or(Ordering::Equal)
    });
    Ok(keyed.into_iter().map(|(_, r)| r).collect())
}
