//! DATE_FORMAT and DATE_PARSE with Java `DateTimeFormatter` patterns, and the ISO parser behind
//! TO_DATETIME (docs functions date_format.md, date_parse.md, to_datetime.md). All in UTC, English
//! (`Locale.ROOT`) names.
//!
//! The default format is `yyyy-MM-dd'T'HH:mm:ss.SSS'Z'` (how ES prints dates). Supported pattern
//! letters: `y u` (year), `M L` (month: number, `MMM` short name, `MMMM` full name), `d`, `D`
//! (day of year), `H`, `h`, `k`, `K`, `m`, `s`, `S` (fraction), `a`, `E` (day name), `e`
//! (localized day of week), `Z`, `X`, `x`; quoted literals with `'`. Any other letter is an
//! unsupported-pattern error naming it, never a guess. DATE_PARSE reads numeric fields, `MMM`/`MMMM`
//! month names, literals and `Z`/`X` offsets; a string that does not fit is null plus
//! `java.lang.IllegalArgumentException: failed to parse date field [s] with format [p]`.

use esql::plan::Expr;
use esql::{EvalError, Value};

use super::str_arg;
use crate::reference::Context;
pub use esql::algo::java_time::{
    DEFAULT_PATTERN, format_millis, parse_iso_datetime, parse_with_pattern,
};

/// `DATE_FORMAT([format,] date)`.
pub fn date_format(expr: &Expr, values: &[Value], ctx: &mut Context) -> Result<Value, EvalError> {
    let Some(vs) = ctx.singles(expr, values) else {
        return Ok(Value::Null);
    };
    let (pattern, date) = match vs.as_slice() {
        [d] => (DEFAULT_PATTERN, *d),
        [p, d] => (str_arg(p, expr)?, *d),
        _ => {
            return Err(EvalError::Internal(format!(
                "DATE_FORMAT arity in [{}]",
                expr.text
            )));
        }
    };
    let ms = match date {
        Value::Date(ms) => *ms,
        Value::DateNanos(ns) => ns.div_euclid(1_000_000),
        other => {
            return Err(EvalError::Internal(format!(
                "DATE_FORMAT of {other:?} in [{}]",
                expr.text
            )));
        }
    };
    format_millis(ms, pattern)
        .map(Value::Keyword)
        .map_err(|m| EvalError::Unsupported(format!("DATE_FORMAT {m}")))
}

/// `DATE_PARSE([format,] string)`.
pub fn date_parse(expr: &Expr, values: &[Value], ctx: &mut Context) -> Result<Value, EvalError> {
    let Some(vs) = ctx.singles(expr, values) else {
        return Ok(Value::Null);
    };
    let (pattern, s) = match vs.as_slice() {
        [s] => (None, str_arg(s, expr)?),
        [p, s] => (Some(str_arg(p, expr)?), str_arg(s, expr)?),
        _ => {
            return Err(EvalError::Internal(format!(
                "DATE_PARSE arity in [{}]",
                expr.text
            )));
        }
    };
    let parsed = match pattern {
        None => parse_iso_datetime(s),
        Some(p) => parse_with_pattern(s, p)
            .map_err(|m| EvalError::Unsupported(format!("DATE_PARSE {m}")))?,
    };
    match parsed {
        Some(ms) => Ok(Value::Date(ms)),
        None => {
            let format = pattern.unwrap_or("strict_date_optional_time");
            ctx.fail(
                expr,
                &format!("java.lang.IllegalArgumentException: failed to parse date field [{s}] with format [{format}]"),
            );
            Ok(Value::Null)
        }
    }
}
