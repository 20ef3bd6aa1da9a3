//! CASE, COALESCE, GREATEST, LEAST (docs functions case.md, coalesce.md, greatest.md, least.md;
//! SEMANTICS.md §2.1 "COALESCE returns its first non-null argument", spec:null coalesce*).
//!
//! - `CASE(c1, v1, …, [else])` takes the first branch whose condition is a single `true`; a null
//!   condition is not taken, a multi-valued one is not taken and warns (its comparison already warned,
//!   spec:stats/statsAggExpressionOnMVGroupingKey). With no else, the result is null. Values, including
//!   multi-values, are returned as they are. Evaluation is lazy.
//! - `COALESCE(a, b, …)` returns the first non-null argument, multi-values included; lazy.
//! - `GREATEST`/`LEAST` return the largest/smallest of all values of all arguments (ES applies
//!   MV_MAX/MV_MIN to each argument first); any null argument gives null.

use esql::plan::Expr;
use esql::{EvalError, Value};

use super::mv;
use crate::reference::Context;
use crate::reference::expr::comparison::order;
use crate::reference::expr::eval;

/// `CASE(cond, value, …, [else])`.
pub fn case(
    expr: &Expr,
    args: &[Expr],
    row: &[Value],
    ctx: &mut Context,
) -> Result<Value, EvalError> {
    let mut i = 0;
    while i + 1 < args.len() {
        let cond = eval(&args[i], row, ctx)?;
        let taken = match cond {
            Value::Boolean(b) => b,
            Value::Multi(_) => {
                ctx.multi_value(&args[i]);
                false
            }
            _ => false,
        };
        if taken {
            return eval(&args[i + 1], row, ctx);
        }
        i += 2;
    }
    if i < args.len() {
        return eval(&args[i], row, ctx);
    }
    let _ = expr;
    Ok(Value::Null)
}

/// `COALESCE(a, …)`.
pub fn coalesce(args: &[Expr], row: &[Value], ctx: &mut Context) -> Result<Value, EvalError> {
    for a in args {
        let v = eval(a, row, ctx)?;
        if !v.is_null() {
            return Ok(v);
        }
    }
    Ok(Value::Null)
}

fn extreme(values: &[Value], want: std::cmp::Ordering) -> Result<Value, EvalError> {
    let mut best: Option<Value> = None;
    for v in values {
        let candidate = if want == std::cmp::Ordering::Greater {
            mv::mv_max(std::slice::from_ref(v))?
        } else {
            mv::mv_min(std::slice::from_ref(v))?
        };
        if candidate.is_null() {
            return Ok(Value::Null);
        }
        best = Some(match best {
            Some(b) if order(&candidate, &b) != Some(want) => b,
            _ => candidate,
        });
    }
    Ok(best.unwrap_or(Value::Null))
}

/// `GREATEST(a, …)`.
pub fn greatest(_expr: &Expr, values: &[Value], _ctx: &mut Context) -> Result<Value, EvalError> {
    extreme(values, std::cmp::Ordering::Greater)
}

/// `LEAST(a, …)`.
pub fn least(_expr: &Expr, values: &[Value], _ctx: &mut Context) -> Result<Value, EvalError> {
    extreme(values, std::cmp::Ordering::Less)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reference::test_utils::*;
    use esql::DataType;
    use esql::functions::ScalarFunction as F;

    fn run(e: &Expr, row: &[Value]) -> (Value, usize) {
        let mut ctx = Context::new(0);
        let v = eval(e, row, &mut ctx).unwrap();
        (v, ctx.warnings.lines().len())
    }

    /// spec:stats/statsAggExpressionOnMVGroupingKey: `CASE(y == 2, 10, 1)` with y = [1, 2, 3] is 1 and warns.
    #[test]
    fn case_with_multi_valued_condition_takes_else() {
        let y = col(0, "y", DataType::Integer);
        let e = call(
            F::Case,
            vec![eq(y, int(2)), int(10), int(1)],
            DataType::Integer,
        );
        let mv = Value::Multi(vec![
            Value::Integer(1),
            Value::Integer(2),
            Value::Integer(3),
        ]);
        assert_eq!(run(&e, &[mv]), (Value::Integer(1), 2));
        assert_eq!(run(&e, &[Value::Integer(2)]), (Value::Integer(10), 0));
        assert_eq!(run(&e, &[Value::Null]), (Value::Integer(1), 0));
    }

    /// spec:stats_count_distinct/countDistinctOfCaseResult: no else gives null.
    #[test]
    fn case_without_else_is_null() {
        let e = call(F::Case, vec![lit_bool(false), int(1)], DataType::Integer);
        assert_eq!(run(&e, &[]), (Value::Null, 0));
    }

    /// spec:null coalesce: first non-null, multi-values pass through.
    #[test]
    fn coalesce_first_non_null() {
        let e = call(
            F::Coalesce,
            vec![null(), col(0, "a", DataType::Integer), int(3)],
            DataType::Integer,
        );
        assert_eq!(run(&e, &[Value::Null]), (Value::Integer(3), 0));
        let mv = Value::Multi(vec![Value::Integer(1), Value::Integer(2)]);
        assert_eq!(run(&e, std::slice::from_ref(&mv)), (mv.clone(), 0));
    }

    #[test]
    fn greatest_and_least_use_all_values() {
        let a = col(0, "a", DataType::Integer);
        let g = call(F::Greatest, vec![a.clone(), int(3)], DataType::Integer);
        let l = call(F::Least, vec![a, int(3)], DataType::Integer);
        let mv = Value::Multi(vec![Value::Integer(1), Value::Integer(7)]);
        assert_eq!(run(&g, std::slice::from_ref(&mv)).0, Value::Integer(7));
        assert_eq!(run(&l, std::slice::from_ref(&mv)).0, Value::Integer(1));
        assert_eq!(run(&g, &[Value::Null]).0, Value::Null);
    }
}
