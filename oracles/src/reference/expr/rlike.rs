//! `RLIKE` with Lucene regular expressions. SEMANTICS.md §2.3 (spec:where-like rLikeComplex,
//! rLikeOrComplexExpression, rlikeWithEmptyLanguagePattern; ES `RLikePattern`: Lucene `RegExp` with
//! `ALL | DEPRECATED_COMPLEMENT`).
//!
//! A Lucene pattern is parsed here with Lucene's grammar and translated to an anchored `regex` crate
//! pattern. Lucene syntax differs from PCRE: `#` is the empty language, `@` any string, `"…"` a literal
//! string, `()` the empty string, `<n-m>` a decimal interval, there are no `^`/`$` anchors (the whole
//! string must match), reserved characters must be escaped even inside classes, and of the `\`
//! shorthands only `\d \D \s \S \w \W` exist (ASCII classes; `\s` is `[ \t\n\r]`); any other `\` +
//! letter is an error. A `*`, `+`, `?` or `{` with nothing to repeat is a literal character.
//! Intersection `&`, complement `~` and named automata `<name>` have no `regex` equivalent: they are an
//! "unsupported RLIKE operator" error, never a guess.
//!
//! Like LIKE, a pattern matching every string (`.*`, `@`) is rewritten by ES to `IS NOT NULL`
//! (spec:where-like notRlikeListAllWildcard); detected structurally here.

use esql::plan::Expr;
use esql::{EvalError, Value};

use crate::reference::Context;
pub use esql::algo::lucene_regexp::{
    ClassItem, Node, RegexpError, compile, matches_all, parse, to_regex,
};

fn to_eval_error(e: RegexpError) -> EvalError {
    match e {
        RegexpError::Unsupported { .. } => EvalError::Unsupported(e.to_string()),
        RegexpError::Invalid { .. } => EvalError::Execution(e.to_string()),
    }
}

/// Evaluates `value RLIKE patterns` on an evaluated value.
pub fn eval_rlike(
    expr: &Expr,
    value: &Value,
    patterns: &[String],
    ctx: &mut Context,
) -> Result<Value, EvalError> {
    let mut regexes = Vec::with_capacity(patterns.len());
    for p in patterns {
        let node = parse(p).map_err(to_eval_error)?;
        if matches_all(&node) {
            return Ok(Value::Boolean(!value.is_null()));
        }
        regexes.push(compile(p).map_err(to_eval_error)?);
    }
    let Some(v) = ctx.single(expr, value) else {
        return Ok(Value::Null);
    };
    let Value::Keyword(s) = v else {
        return Err(EvalError::Internal(format!(
            "RLIKE on a non-string value {v:?} in [{}]",
            expr.text
        )));
    };
    Ok(Value::Boolean(regexes.iter().any(|r| r.is_match(s))))
}
