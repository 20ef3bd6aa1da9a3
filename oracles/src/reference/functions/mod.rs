//! Scalar functions: [`call`] dispatches an [`ScalarFunction`] to the file implementing it. Each file
//! names the ES docs it follows. Unless a function is documented as multi-value aware, a multi-valued
//! argument gives null plus ES's two warnings (SEMANTICS.md §2.2) through [`Context::singles`].
//!
//! CASE and COALESCE evaluate their arguments lazily (left to right, stopping at the first taken
//! branch), as ES's lazy evaluators do; every other function evaluates all arguments first.

pub mod conditional;
pub mod convert;
pub mod date;
pub mod date_format;
pub mod encoding;
pub mod ip;
pub mod math;
pub mod mv;
pub mod replace;
pub mod string;

use esql::functions::ScalarFunction as F;
use esql::plan::Expr;
use esql::{EvalError, Value};

use super::Context;
use super::expr::eval;

/// Evaluates the call `expr` (= `function(args…)`) on `row`.
pub fn call(
    expr: &Expr,
    function: F,
    args: &[Expr],
    row: &[Value],
    ctx: &mut Context,
) -> Result<Value, EvalError> {
    match function {
        F::Case => return conditional::case(expr, args, row, ctx),
        F::Coalesce => return conditional::coalesce(args, row, ctx),
        _ => {}
    }
    let values = args
        .iter()
        .map(|a| eval(a, row, ctx))
        .collect::<Result<Vec<_>, _>>()?;
    let v = &values;
    match function {
        F::Case | F::Coalesce => unreachable!("handled above"),
        F::Greatest => conditional::greatest(expr, v, ctx),
        F::Least => conditional::least(expr, v, ctx),

        F::Abs => math::abs(expr, v, ctx),
        F::Round => math::round(expr, v, ctx),
        F::Pow => math::pow(expr, v, ctx),

        F::Concat => string::concat(expr, v, ctx),
        F::Contains => string::contains(expr, v, ctx),
        F::EndsWith => string::ends_with(expr, v, ctx),
        F::StartsWith => string::starts_with(expr, v, ctx),
        F::Left => string::left(expr, v, ctx),
        F::Right => string::right(expr, v, ctx),
        F::Length => string::length(expr, v, ctx),
        F::Locate => string::locate(expr, v, ctx),
        F::Ltrim => string::trim(expr, v, ctx, string::TrimSide::Start),
        F::Rtrim => string::trim(expr, v, ctx, string::TrimSide::End),
        F::Trim => string::trim(expr, v, ctx, string::TrimSide::Both),
        F::Repeat => string::repeat(expr, v, ctx),
        F::Reverse => string::reverse(expr, v, ctx),
        F::Space => string::space(expr, v, ctx),
        F::Split => string::split(expr, v, ctx),
        F::Substring => string::substring(expr, v, ctx),
        F::ToLower => string::to_lower(expr, v, ctx),
        F::ToUpper => string::to_upper(expr, v, ctx),
        F::Replace => replace::replace(expr, v, ctx),

        F::FromBase64 => encoding::from_base64(expr, v, ctx),
        F::ToBase64 => encoding::to_base64(expr, v, ctx),
        F::UrlDecode => encoding::url_decode(expr, v, ctx),

        F::CidrMatch => ip::cidr_match(expr, v, ctx),

        F::DateDiff => date::date_diff(expr, v, ctx),
        F::DateExtract => date::date_extract(expr, v, ctx),
        F::DateTrunc => date::date_trunc(expr, v, ctx),
        F::Now => Ok(Value::Date(ctx.now_millis)),
        F::Pi => Ok(Value::Double(std::f64::consts::PI)),
        F::E => Ok(Value::Double(std::f64::consts::E)),
        F::DateFormat => date_format::date_format(expr, v, ctx),
        F::DateParse => date_format::date_parse(expr, v, ctx),

        F::MvAppend => mv::mv_append(v),
        F::MvAvg => mv::mv_avg(expr, v, ctx),
        F::MvConcat => mv::mv_concat(expr, v, ctx),
        F::MvContains => mv::mv_contains(v),
        F::MvCount => mv::mv_count(v),
        F::MvDedupe => mv::mv_dedupe(v),
        F::MvFirst => mv::mv_first(v),
        F::MvIntersection => mv::mv_intersection(v),
        F::MvLast => mv::mv_last(v),
        F::MvMax => mv::mv_max(v),
        F::MvMedian => mv::mv_median(expr, v),
        F::MvMin => mv::mv_min(v),
        F::MvSlice => mv::mv_slice(expr, v, ctx),
        F::MvSort => mv::mv_sort(expr, v, ctx),
        F::MvSum => mv::mv_sum(expr, v, ctx),

        F::ToBoolean
        | F::ToDatetime
        | F::ToDouble
        | F::ToInteger
        | F::ToIp
        | F::ToLong
        | F::ToString
        | F::ToUnsignedLong
        | F::ToVersion => {
            let from = args
                .first()
                .map(|a| a.data_type)
                .unwrap_or(esql::DataType::Null);
            let arg = v.first().cloned().unwrap_or(Value::Null);
            convert::convert(expr, &arg, from, expr.data_type, ctx)
        }
        other => Err(EvalError::Unsupported(format!(
            "function [{}] in the reference evaluator",
            other.name()
        ))),
    }
}

/// Reads a single string argument (keyword or text), or `None` for null.
pub(crate) fn str_arg<'v>(v: &'v Value, expr: &Expr) -> Result<&'v str, EvalError> {
    v.as_str().ok_or_else(|| {
        EvalError::Internal(format!("expected a string, got {v:?} in [{}]", expr.text))
    })
}

/// Reads a single whole-number argument as i64.
pub(crate) fn int_arg(v: &Value, expr: &Expr) -> Result<i64, EvalError> {
    match v {
        Value::Integer(i) => Ok(*i as i64),
        Value::Long(i) => Ok(*i),
        Value::UnsignedLong(u) => Ok((*u).min(i64::MAX as u64) as i64),
        other => Err(EvalError::Internal(format!(
            "expected a whole number, got {other:?} in [{}]",
            expr.text
        ))),
    }
}
