//! FIRST, LAST and TOP (docs functions first.md, last.md, top.md).
//!
//! - FIRST(value, sort) / LAST(value, sort): the value of the row with the smallest / largest single
//!   sort value (the earliest such row on ties); rows with a null or multi-valued sort are skipped.
//! - TOP(value, limit, order): the `limit` largest (`"desc"`) or smallest (`"asc"`) of all values, as a
//!   multi-value in that order.

use std::cmp::Ordering;

use esql::plan::AggregateCall;
use esql::{EvalError, Value};

use super::{Args, first_arg_values};
use crate::reference::Context;
use crate::reference::expr::comparison::order;
use crate::reference::expr::eval;

fn by_sort(call: &AggregateCall, rows: &[Args], want: Ordering) -> Result<Value, EvalError> {
    if call.args.len() < 2 {
        return Err(EvalError::Internal(format!(
            "[{}] needs a sort argument",
            call.text
        )));
    }
    let mut best: Option<(&Value, &Value)> = None;
    for r in rows {
        let (Some(v), Some(s)) = (r.first(), r.get(1)) else {
            continue;
        };
        if s.is_null() || s.is_multi() {
            continue;
        }
        best = match best {
            Some((bv, bs)) if order(s, bs) != Some(want) => Some((bv, bs)),
            _ => Some((v, s)),
        };
    }
    Ok(best.map(|(v, _)| v.clone()).unwrap_or(Value::Null))
}

/// `FIRST(value, sort)`.
pub fn first(call: &AggregateCall, rows: &[Args]) -> Result<Value, EvalError> {
    by_sort(call, rows, Ordering::Less)
}

/// `LAST(value, sort)`.
pub fn last(call: &AggregateCall, rows: &[Args]) -> Result<Value, EvalError> {
    by_sort(call, rows, Ordering::Greater)
}

/// `TOP(value, limit, order)`.
pub fn top(call: &AggregateCall, rows: &[Args]) -> Result<Value, EvalError> {
    let mut scratch = Context::new(0);
    let limit = match call
        .args
        .get(1)
        .map(|a| eval(a, &[], &mut scratch))
        .transpose()?
    {
        Some(Value::Integer(i)) if i > 0 => i as usize,
        other => {
            return Err(EvalError::Execution(format!(
                "[{}]: limit must be a positive constant, got {other:?}",
                call.text
            )));
        }
    };
    let descending = match call
        .args
        .get(2)
        .map(|a| eval(a, &[], &mut scratch))
        .transpose()?
    {
        None => false,
        Some(Value::Keyword(o)) if o.eq_ignore_ascii_case("desc") => true,
        Some(Value::Keyword(o)) if o.eq_ignore_ascii_case("asc") => false,
        other => {
            return Err(EvalError::Execution(format!(
                "[{}]: order must be \"asc\" or \"desc\", got {other:?}",
                call.text
            )));
        }
    };
    let mut all = first_arg_values(rows);
    all.sort_by(|a, b| order(a, b).unwrap_or(Ordering::Equal));
    if descending {
        all.reverse();
    }
    all.truncate(limit);
    Ok(Value::from_values(all))
}
