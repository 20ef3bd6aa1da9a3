//! Expression evaluation: one entry point, [`eval`], dispatching on [`ExprKind`] to the operator files
//! beside it and to [`crate::reference::functions`].
//!
//! An expression is evaluated on one row (the step's input or extended row). Failures ES reports as
//! warnings (multi-values, overflow, division by zero) become `Null` plus warnings in the [`Context`];
//! only what ES would reject outright (an unsupported operator, an invalid regex) is an [`EvalError`].

pub mod arithmetic;
pub mod comparison;
pub mod like;
pub mod logic;
pub mod rlike;

use esql::plan::{Expr, ExprKind};
use esql::{EvalError, Value};

use super::Context;
use super::functions;

/// Evaluates `expr` on `row`.
pub fn eval(expr: &Expr, row: &[Value], ctx: &mut Context) -> Result<Value, EvalError> {
    match &expr.kind {
        ExprKind::Literal(v) => Ok(v.clone()),
        ExprKind::Column(i) => row.get(*i).cloned().ok_or_else(|| {
            EvalError::Internal(format!(
                "column {i} of a {}-column row (expression [{}])",
                row.len(),
                expr.text
            ))
        }),
        ExprKind::Not(inner) => {
            let v = eval(inner, row, ctx)?;
            Ok(logic::not(expr, &v, ctx))
        }
        ExprKind::And(a, b) => {
            let (l, r) = (eval(a, row, ctx)?, eval(b, row, ctx)?);
            Ok(logic::and(&l, &r))
        }
        ExprKind::Or(a, b) => {
            let (l, r) = (eval(a, row, ctx)?, eval(b, row, ctx)?);
            Ok(logic::or(&l, &r))
        }
        ExprKind::IsNull { value, negated } => {
            let v = eval(value, row, ctx)?;
            Ok(Value::Boolean(v.is_null() != *negated))
        }
        ExprKind::Comparison { op, left, right } => {
            let args = [eval(left, row, ctx)?, eval(right, row, ctx)?];
            Ok(comparison::compare(expr, *op, &args, ctx))
        }
        ExprKind::In { value, list } => {
            let v = eval(value, row, ctx)?;
            let items = list
                .iter()
                .map(|e| eval(e, row, ctx))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(comparison::in_list(expr, &v, &items, ctx))
        }
        ExprKind::Arithmetic { op, left, right } => {
            let args = [eval(left, row, ctx)?, eval(right, row, ctx)?];
            arithmetic::binary(expr, *op, &args, ctx)
        }
        ExprKind::Negate(inner) => {
            let v = eval(inner, row, ctx)?;
            arithmetic::negate(expr, &v, ctx)
        }
        ExprKind::Like { value, patterns } => {
            let v = eval(value, row, ctx)?;
            like::eval_like(expr, &v, patterns, ctx)
        }
        ExprKind::RLike { value, patterns } => {
            let v = eval(value, row, ctx)?;
            rlike::eval_rlike(expr, &v, patterns, ctx)
        }
        ExprKind::Cast { value, to } => {
            let v = eval(value, row, ctx)?;
            functions::convert::convert(expr, &v, value.data_type, *to, ctx)
        }
        ExprKind::Call { function, args } => functions::call(expr, *function, args, row, ctx),
    }
}

/// Evaluates a boolean condition: true only for a single `true` (null, false and anything else drop).
pub fn is_true(expr: &Expr, row: &[Value], ctx: &mut Context) -> Result<bool, EvalError> {
    Ok(matches!(eval(expr, row, ctx)?, Value::Boolean(true)))
}
