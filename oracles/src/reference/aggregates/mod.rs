//! The STATS aggregate functions. SEMANTICS.md §2.6.
//!
//! Each group holds one [`Accumulator`] per aggregate. Rows are added one at a time (their evaluated
//! arguments, when the aggregate's `WHERE` filter passed) and [`Accumulator::finish`] gives the result.
//! COUNT, SUM, AVG, MIN, MAX, VALUES and COUNT_DISTINCT keep running state; the others (MEDIAN,
//! PERCENTILE, MEDIAN_ABSOLUTE_DEVIATION, STD_DEV, VARIANCE, WEIGHTED_AVG, PRESENT, ABSENT, FIRST, LAST,
//! TOP) keep the argument lists of their rows and compute from the whole list. Aggregates skip nulls and read every
//! value of a multi-value (`COUNT([1,2])` is 2).

pub mod count;
pub mod count_distinct;
pub mod first_last;
pub mod hll;
pub mod min_max;
pub mod presence;
pub mod quantile;
pub mod sum_avg;
pub mod values;
pub mod variance;
pub mod weighted_avg;

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

/// The running state of one aggregate in one group.
#[derive(Debug, Clone)]
pub enum Accumulator {
    /// COUNT.
    Count(count::CountState),
    /// SUM and AVG.
    Sum(sum_avg::SumState),
    /// MIN and MAX.
    Extreme(min_max::ExtremeState),
    /// VALUES.
    Values(values::ValuesState),
    /// COUNT_DISTINCT.
    CountDistinct(count_distinct::DistinctState),
    /// Everything else: the rows' arguments.
    Rows(Vec<Args>),
}

impl Accumulator {
    /// An empty accumulator for `call`.
    pub fn new(call: &AggregateCall) -> Result<Accumulator, EvalError> {
        Ok(match call.function {
            A::Count => Accumulator::Count(count::CountState::new(call)),
            A::Sum | A::Avg => Accumulator::Sum(sum_avg::SumState::new(call)),
            A::Min | A::Max => Accumulator::Extreme(min_max::ExtremeState::new(call)),
            A::Values => Accumulator::Values(values::ValuesState::default()),
            A::CountDistinct => {
                Accumulator::CountDistinct(count_distinct::DistinctState::new(call)?)
            }
            A::Median
            | A::Percentile
            | A::MedianAbsoluteDeviation
            | A::StdDev
            | A::Variance
            | A::WeightedAvg
            | A::Present
            | A::Absent
            | A::First
            | A::Last
            | A::Top => Accumulator::Rows(Vec::new()),
            other => {
                return Err(EvalError::Unsupported(format!(
                    "aggregate [{}] in the reference evaluator",
                    other.name()
                )));
            }
        })
    }

    /// Adds one row's arguments.
    pub fn add(&mut self, call: &AggregateCall, args: &Args) -> Result<(), EvalError> {
        match self {
            Accumulator::Count(s) => s.add(args),
            Accumulator::Sum(s) => s.add(args),
            Accumulator::Extreme(s) => s.add(args),
            Accumulator::Values(s) => s.add(args),
            Accumulator::CountDistinct(s) => s.add(call, args)?,
            Accumulator::Rows(rows) => rows.push(args.clone()),
        }
        Ok(())
    }

    /// The aggregate's result.
    pub fn finish(&self, call: &AggregateCall, ctx: &mut Context) -> Result<Value, EvalError> {
        match self {
            Accumulator::Count(s) => Ok(s.finish()),
            Accumulator::Sum(s) => Ok(s.finish(call, ctx)),
            Accumulator::Extreme(s) => Ok(s.finish()),
            Accumulator::Values(s) => Ok(s.finish()),
            Accumulator::CountDistinct(s) => Ok(s.finish()),
            Accumulator::Rows(rows) => match call.function {
                A::Median => quantile::median(call, rows),
                A::Percentile => quantile::percentile(call, rows, ctx),
                A::MedianAbsoluteDeviation => quantile::median_absolute_deviation(call, rows),
                A::StdDev => Ok(variance::std_dev(rows)),
                A::Variance => Ok(variance::variance(rows)),
                A::WeightedAvg => weighted_avg::weighted_avg(call, rows, ctx),
                A::Present => Ok(presence::present(rows)),
                A::Absent => Ok(presence::absent(rows)),
                A::First => first_last::first(call, rows),
                A::Last => first_last::last(call, rows),
                A::Top => first_last::top(call, rows),
                other => Err(EvalError::Internal(format!(
                    "{} kept as rows",
                    other.name()
                ))),
            },
        }
    }
}

/// Computes the result of `call` over the argument lists of its rows (all at once).
pub fn finish(call: &AggregateCall, rows: &[Args], ctx: &mut Context) -> Result<Value, EvalError> {
    let mut acc = Accumulator::new(call)?;
    for r in rows {
        acc.add(call, r)?;
    }
    acc.finish(call, ctx)
}
