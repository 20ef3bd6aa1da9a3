//! The STATS aggregate functions. SEMANTICS.md §2.6.
//!
//! The reference keeps it literal: for each group, every aggregate remembers the evaluated arguments of
//! every input row that passed its `WHERE` filter, in input order, and [`finish`] computes the result
//! from that list. Aggregates skip nulls and read every value of a multi-value (`COUNT([1,2])` is 2).

pub mod count;
pub mod count_distinct;
pub mod first_last;
pub mod hll;
pub mod median;
pub mod min_max;
pub mod sum_avg;
pub mod values;

use esql::functions::AggregateFunction as A;
use esql::plan::AggregateCall;
use esql::{EvalError, Value};

use super::Context;

/// The arguments of one input row, evaluated.
pub type Args = Vec<Value>;

/// Every value of the first argument over the rows, flattened in input order (nulls skipped).
pub fn first_arg_values(rows: &[Args]) -> Vec<Value> {
    rows.iter()
        .flat_map(|r| r.first().map(|v| v.values().to_vec()).unwrap_or_default())
        .collect()
}

/// Computes the result of `call` over the argument lists of its rows.
pub fn finish(call: &AggregateCall, rows: &[Args], ctx: &mut Context) -> Result<Value, EvalError> {
    match call.function {
        A::Count => Ok(count::count(call, rows)),
        A::CountDistinct => count_distinct::count_distinct(call, rows),
        A::Sum => Ok(sum_avg::sum(call, rows, ctx)),
        A::Avg => Ok(sum_avg::avg(call, rows, ctx)),
        A::Min => Ok(min_max::min(rows)),
        A::Max => Ok(min_max::max(rows)),
        A::Values => Ok(values::values(rows)),
        A::Median => Ok(median::median(rows)),
        A::First => first_last::first(call, rows),
        A::Last => first_last::last(call, rows),
        A::Top => first_last::top(call, rows),
        other => Err(EvalError::Unsupported(format!(
            "aggregate [{}] in the reference evaluator",
            other.name()
        ))),
    }
}
