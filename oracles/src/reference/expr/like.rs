//! `LIKE` with wildcard patterns. SEMANTICS.md §2.3 (spec:where-like likeListCaseSensitive, likeWithPath;
//! docs like.md):
//! - `*` matches any sequence (also empty), `?` exactly one character; `\` makes the next character
//!   literal (a trailing `\` is itself literal, as Lucene's WildcardQuery reads it);
//! - the match is anchored to the whole string and case-sensitive;
//! - a list of patterns matches if any pattern matches;
//! - null gives null; a multi-value gives null plus warnings;
//! - the match-all quirk (spec:where-like notLikeListAllWildcard): ES rewrites a pattern that matches
//!   everything (`*`, `**`) to `IS NOT NULL`, so such a LIKE is `false` (not null) for null input and
//!   `true` for multi-values, and `NOT x LIKE "*"` returns exactly the null rows.

use esql::plan::Expr;
use esql::{EvalError, Value};

use crate::reference::Context;
pub use esql::algo::wildcard::{matches_all, wildcard_match};

/// Evaluates `value LIKE patterns` on an evaluated value.
pub fn eval_like(
    expr: &Expr,
    value: &Value,
    patterns: &[String],
    ctx: &mut Context,
) -> Result<Value, EvalError> {
    if patterns.iter().any(|p| matches_all(p)) {
        return Ok(Value::Boolean(!value.is_null()));
    }
    let Some(v) = ctx.single(expr, value) else {
        return Ok(Value::Null);
    };
    let Value::Keyword(s) = v else {
        return Err(EvalError::Internal(format!(
            "LIKE on a non-string value {v:?} in [{}]",
            expr.text
        )));
    };
    Ok(Value::Boolean(
        patterns.iter().any(|p| wildcard_match(p, s)),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reference::test_utils::lit_bool;

    /// docs like.md: `*` any sequence, `?` one character, anchored.
    #[test]
    fn wildcards_match_whole_string() {
        assert!(wildcard_match("php-fpm*", "php-fpm8.2"));
        assert!(wildcard_match("*.sh", "run.sh"));
        assert!(!wildcard_match("*.sh", "run.shx"));
        assert!(wildcard_match("a?c", "abc"));
        assert!(!wildcard_match("a?c", "ac"));
        assert!(wildcard_match("*", ""));
        assert!(wildcard_match("", ""));
        assert!(!wildcard_match("", "a"));
        assert!(wildcard_match("*a*b*", "xxaybzz"));
        assert!(wildcard_match("/dev/shm/*", "/dev/shm/x"));
        assert!(wildcard_match("é?", "éü"));
    }

    /// spec:where-like likeListCaseSensitive: matching is case-sensitive.
    #[test]
    fn matching_is_case_sensitive() {
        assert!(!wildcard_match("eberhardt", "Eberhardt"));
    }

    /// spec:where-like/likeWithPath: `"C:\\\\*"` (after string unescaping `C:\\*`) matches `C:\foo`.
    #[test]
    fn backslash_escapes_next_character() {
        assert!(wildcard_match(r"C:\\*", r"C:\foo\bar.exe"));
        assert!(wildcard_match(r"foo \* bar", "foo * bar"));
        assert!(!wildcard_match(r"foo \* bar", "foo x bar"));
        assert!(wildcard_match(r"a\?", "a?"));
        assert!(!wildcard_match(r"a\?", "ab"));
        assert!(wildcard_match("a\\", "a\\"));
    }

    /// spec:where-like/notLikeListAllWildcard: `*` is rewritten to IS NOT NULL.
    #[test]
    fn match_all_pattern_is_is_not_null() {
        let mut ctx = Context::new(0);
        let e = lit_bool(true);
        let star = vec!["*".to_string()];
        assert_eq!(
            eval_like(&e, &Value::Null, &star, &mut ctx).unwrap(),
            Value::Boolean(false)
        );
        let mv = Value::Multi(vec![Value::keyword("a"), Value::keyword("b")]);
        assert_eq!(
            eval_like(&e, &mv, &star, &mut ctx).unwrap(),
            Value::Boolean(true)
        );
        assert!(ctx.warnings.lines().is_empty());
    }

    /// spec:where-like/multiValueLike: a multi-value gives null plus warnings; list form matches any.
    #[test]
    fn multi_value_warns_and_lists_match_any() {
        let mut ctx = Context::new(0);
        let e = lit_bool(true);
        let pats = vec!["a*".to_string(), "b?".to_string()];
        assert_eq!(
            eval_like(&e, &Value::keyword("bx"), &pats, &mut ctx).unwrap(),
            Value::Boolean(true)
        );
        assert_eq!(
            eval_like(&e, &Value::keyword("c"), &pats, &mut ctx).unwrap(),
            Value::Boolean(false)
        );
        assert_eq!(
            eval_like(&e, &Value::Null, &pats, &mut ctx).unwrap(),
            Value::Null
        );
        let mv = Value::Multi(vec![Value::keyword("a"), Value::keyword("b")]);
        assert_eq!(eval_like(&e, &mv, &pats, &mut ctx).unwrap(), Value::Null);
        assert_eq!(ctx.warnings.lines().len(), 2);
    }
}
