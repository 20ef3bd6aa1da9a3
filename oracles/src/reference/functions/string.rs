//! String functions (docs functions concat.md, length.md, substring.md, locate.md, trim.md, left.md,
//! right.md, repeat.md, space.md, reverse.md, split.md, starts_with.md, ends_with.md, contains.md,
//! to_lower.md, to_upper.md). All are single-value functions: a null argument gives null, a multi-valued
//! one null plus warnings. Positions count Unicode code points and are 1-based (0 is read as 1, a
//! negative start counts from the end), as ES's `Substring.indexStart` does.
//!
//! SPLIT keeps empty parts and needs a one-byte delimiter (ES: "delimiter must be single byte for now",
//! reported as a warning). REVERSE reverses code points (ES reverses grapheme clusters: strings with
//! combining marks differ). Whitespace for TRIM is Java's `Character.isWhitespace`.

use esql::plan::Expr;
use esql::{EvalError, Value};

use super::{int_arg, str_arg};
use crate::reference::Context;

fn strings<'v>(
    expr: &Expr,
    values: &'v [Value],
    ctx: &mut Context,
) -> Result<Option<Vec<&'v Value>>, EvalError> {
    Ok(ctx.singles(expr, values))
}

fn kw(s: impl Into<String>) -> Value {
    Value::Keyword(s.into())
}

fn illegal(ctx: &mut Context, expr: &Expr, message: &str) -> Value {
    ctx.fail(
        expr,
        &format!("java.lang.IllegalArgumentException: {message}"),
    );
    Value::Null
}

/// `CONCAT(a, b, …)`.
pub fn concat(expr: &Expr, values: &[Value], ctx: &mut Context) -> Result<Value, EvalError> {
    let Some(vs) = strings(expr, values, ctx)? else {
        return Ok(Value::Null);
    };
    let mut out = String::new();
    for v in vs {
        out.push_str(str_arg(v, expr)?);
    }
    Ok(kw(out))
}

/// `LENGTH(s)`: code points, an integer.
pub fn length(expr: &Expr, values: &[Value], ctx: &mut Context) -> Result<Value, EvalError> {
    let Some(vs) = strings(expr, values, ctx)? else {
        return Ok(Value::Null);
    };
    Ok(Value::Integer(str_arg(vs[0], expr)?.chars().count() as i32))
}

/// `TO_LOWER(s)`.
pub fn to_lower(expr: &Expr, values: &[Value], ctx: &mut Context) -> Result<Value, EvalError> {
    let Some(vs) = strings(expr, values, ctx)? else {
        return Ok(Value::Null);
    };
    Ok(kw(str_arg(vs[0], expr)?.to_lowercase()))
}

/// `TO_UPPER(s)`.
pub fn to_upper(expr: &Expr, values: &[Value], ctx: &mut Context) -> Result<Value, EvalError> {
    let Some(vs) = strings(expr, values, ctx)? else {
        return Ok(Value::Null);
    };
    Ok(kw(str_arg(vs[0], expr)?.to_uppercase()))
}

/// The 0-based code point index ES starts at for a 1-based `start` (see module doc).
fn index_start(count: usize, start: i64) -> usize {
    let idx = if start > 0 {
        start - 1
    } else if start < 0 {
        count as i64 + start
    } else {
        0
    };
    idx.clamp(0, count as i64) as usize
}

/// `SUBSTRING(s, start, [length])`.
pub fn substring(expr: &Expr, values: &[Value], ctx: &mut Context) -> Result<Value, EvalError> {
    let Some(vs) = strings(expr, values, ctx)? else {
        return Ok(Value::Null);
    };
    let s = str_arg(vs[0], expr)?;
    let chars: Vec<char> = s.chars().collect();
    let start = int_arg(vs[1], expr)?;
    let len = match vs.get(2) {
        Some(l) => int_arg(l, expr)?,
        None => chars.len() as i64,
    };
    if len < 0 {
        return Ok(illegal(
            ctx,
            expr,
            &format!("Length parameter cannot be negative, found [{len}]"),
        ));
    }
    if chars.is_empty() {
        return Ok(kw(""));
    }
    let from = index_start(chars.len(), start);
    let to = (from as i64 + len).min(chars.len() as i64) as usize;
    Ok(kw(chars[from..to].iter().collect::<String>()))
}

/// `LEFT(s, n)`.
pub fn left(expr: &Expr, values: &[Value], ctx: &mut Context) -> Result<Value, EvalError> {
    let Some(vs) = strings(expr, values, ctx)? else {
        return Ok(Value::Null);
    };
    let n = int_arg(vs[1], expr)?.max(0) as usize;
    Ok(kw(str_arg(vs[0], expr)?
        .chars()
        .take(n)
        .collect::<String>()))
}

/// `RIGHT(s, n)`.
pub fn right(expr: &Expr, values: &[Value], ctx: &mut Context) -> Result<Value, EvalError> {
    let Some(vs) = strings(expr, values, ctx)? else {
        return Ok(Value::Null);
    };
    let n = int_arg(vs[1], expr)?.max(0) as usize;
    let chars: Vec<char> = str_arg(vs[0], expr)?.chars().collect();
    let from = chars.len().saturating_sub(n);
    Ok(kw(chars[from..].iter().collect::<String>()))
}

/// `LOCATE(s, sub, [start])`: 1-based position of `sub`, 0 when absent.
pub fn locate(expr: &Expr, values: &[Value], ctx: &mut Context) -> Result<Value, EvalError> {
    let Some(vs) = strings(expr, values, ctx)? else {
        return Ok(Value::Null);
    };
    let (s, sub) = (str_arg(vs[0], expr)?, str_arg(vs[1], expr)?);
    if s.is_empty() {
        return Ok(Value::Integer(0));
    }
    let count = s.chars().count();
    let start = match vs.get(2) {
        Some(v) => int_arg(v, expr)?,
        None => 1,
    };
    let from_char = index_start(count, start);
    let from_byte = s
        .char_indices()
        .nth(from_char)
        .map(|(b, _)| b)
        .unwrap_or(s.len());
    Ok(Value::Integer(match s[from_byte..].find(sub) {
        Some(i) => 1 + s[..from_byte + i].chars().count() as i32,
        None => 0,
    }))
}

/// Java's `Character.isWhitespace`.
pub fn java_whitespace(c: char) -> bool {
    matches!(
        c,
        '\t' | '\n' | '\u{0B}' | '\u{0C}' | '\r' | '\u{1C}'..='\u{1F}'
    ) || (c.is_whitespace() && !matches!(c, '\u{A0}' | '\u{2007}' | '\u{202F}' | '\u{85}'))
}

/// Which ends TRIM removes whitespace from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrimSide {
    /// LTRIM
    Start,
    /// RTRIM
    End,
    /// TRIM
    Both,
}

/// `TRIM`, `LTRIM`, `RTRIM`.
pub fn trim(
    expr: &Expr,
    values: &[Value],
    ctx: &mut Context,
    side: TrimSide,
) -> Result<Value, EvalError> {
    let Some(vs) = strings(expr, values, ctx)? else {
        return Ok(Value::Null);
    };
    let s = str_arg(vs[0], expr)?;
    Ok(kw(match side {
        TrimSide::Start => s.trim_start_matches(java_whitespace),
        TrimSide::End => s.trim_end_matches(java_whitespace),
        TrimSide::Both => s.trim_matches(java_whitespace),
    }))
}

/// `REPEAT(s, n)`.
pub fn repeat(expr: &Expr, values: &[Value], ctx: &mut Context) -> Result<Value, EvalError> {
    let Some(vs) = strings(expr, values, ctx)? else {
        return Ok(Value::Null);
    };
    let n = int_arg(vs[1], expr)?;
    if n < 0 {
        return Ok(illegal(
            ctx,
            expr,
            &format!("Number parameter cannot be negative, found [{n}]"),
        ));
    }
    Ok(kw(str_arg(vs[0], expr)?.repeat(n as usize)))
}

/// `SPACE(n)`.
pub fn space(expr: &Expr, values: &[Value], ctx: &mut Context) -> Result<Value, EvalError> {
    let Some(vs) = strings(expr, values, ctx)? else {
        return Ok(Value::Null);
    };
    let n = int_arg(vs[0], expr)?;
    if n < 0 {
        return Ok(illegal(
            ctx,
            expr,
            &format!("Number parameter cannot be negative, found [{n}]"),
        ));
    }
    Ok(kw(" ".repeat(n as usize)))
}

/// `REVERSE(s)` (by code points).
pub fn reverse(expr: &Expr, values: &[Value], ctx: &mut Context) -> Result<Value, EvalError> {
    let Some(vs) = strings(expr, values, ctx)? else {
        return Ok(Value::Null);
    };
    Ok(kw(str_arg(vs[0], expr)?.chars().rev().collect::<String>()))
}

/// `SPLIT(s, delim)`: a multi-value of the parts (empty parts kept).
pub fn split(expr: &Expr, values: &[Value], ctx: &mut Context) -> Result<Value, EvalError> {
    let Some(vs) = strings(expr, values, ctx)? else {
        return Ok(Value::Null);
    };
    let (s, delim) = (str_arg(vs[0], expr)?, str_arg(vs[1], expr)?);
    if delim.len() != 1 {
        return Ok(illegal(ctx, expr, "delimiter must be single byte for now"));
    }
    let parts: Vec<Value> = s.split(delim).map(kw).collect();
    Ok(match parts.len() {
        1 => parts.into_iter().next().unwrap_or(Value::Null),
        _ => Value::Multi(parts),
    })
}

/// `STARTS_WITH(s, prefix)`.
pub fn starts_with(expr: &Expr, values: &[Value], ctx: &mut Context) -> Result<Value, EvalError> {
    let Some(vs) = strings(expr, values, ctx)? else {
        return Ok(Value::Null);
    };
    Ok(Value::Boolean(
        str_arg(vs[0], expr)?.starts_with(str_arg(vs[1], expr)?),
    ))
}

/// `ENDS_WITH(s, suffix)`.
pub fn ends_with(expr: &Expr, values: &[Value], ctx: &mut Context) -> Result<Value, EvalError> {
    let Some(vs) = strings(expr, values, ctx)? else {
        return Ok(Value::Null);
    };
    Ok(Value::Boolean(
        str_arg(vs[0], expr)?.ends_with(str_arg(vs[1], expr)?),
    ))
}

/// `CONTAINS(s, sub)`.
pub fn contains(expr: &Expr, values: &[Value], ctx: &mut Context) -> Result<Value, EvalError> {
    let Some(vs) = strings(expr, values, ctx)? else {
        return Ok(Value::Null);
    };
    Ok(Value::Boolean(
        str_arg(vs[0], expr)?.contains(str_arg(vs[1], expr)?),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reference::test_utils::typed_expr;
    use esql::DataType;

    fn s(v: &str) -> Value {
        Value::keyword(v)
    }

    fn run(
        f: fn(&Expr, &[Value], &mut Context) -> Result<Value, EvalError>,
        args: &[Value],
    ) -> Value {
        let mut ctx = Context::new(0);
        f(&typed_expr(DataType::Keyword, "f(x)"), args, &mut ctx).unwrap()
    }

    #[test]
    fn substring_is_one_based_with_negative_from_end() {
        assert_eq!(
            run(
                substring,
                &[s("hello"), Value::Integer(2), Value::Integer(3)]
            ),
            s("ell")
        );
        assert_eq!(
            run(
                substring,
                &[s("hello"), Value::Integer(0), Value::Integer(2)]
            ),
            s("he")
        );
        assert_eq!(run(substring, &[s("hello"), Value::Integer(-3)]), s("llo"));
        assert_eq!(run(substring, &[s("hello"), Value::Integer(9)]), s(""));
        assert_eq!(
            run(
                substring,
                &[s("héllo"), Value::Integer(2), Value::Integer(1)]
            ),
            s("é")
        );
    }

    #[test]
    fn locate_length_and_case() {
        assert_eq!(run(locate, &[s("a,b,c"), s(",")]), Value::Integer(2));
        assert_eq!(
            run(locate, &[s("a,b,c"), s(","), Value::Integer(3)]),
            Value::Integer(4)
        );
        assert_eq!(run(locate, &[s("abc"), s("x")]), Value::Integer(0));
        assert_eq!(run(length, &[s("héllo")]), Value::Integer(5));
        assert_eq!(run(to_upper, &[s("php-fpm")]), s("PHP-FPM"));
        assert_eq!(run(to_lower, &[s("SSHD")]), s("sshd"));
    }

    /// spec:stats_count_distinct/docsCountDistinctWithExpression: SPLIT on ";".
    #[test]
    fn split_keeps_empty_parts() {
        let parts = run(split, &[s("foo;bar;;baz"), s(";")]);
        assert_eq!(
            parts,
            Value::Multi(vec![s("foo"), s("bar"), s(""), s("baz")])
        );
        assert_eq!(run(split, &[s("foo"), s(";")]), s("foo"));
    }

    #[test]
    fn concat_trim_left_right() {
        assert_eq!(run(concat, &[s("a"), s("b"), s("c")]), s("abc"));
        assert_eq!(run(concat, &[s("a"), Value::Null]), Value::Null);
        let mut ctx = Context::new(0);
        let e = typed_expr(DataType::Keyword, "trim(x)");
        assert_eq!(
            trim(&e, &[s("  a b \t")], &mut ctx, TrimSide::Both).unwrap(),
            s("a b")
        );
        assert_eq!(run(left, &[s("abc"), Value::Integer(2)]), s("ab"));
        assert_eq!(run(right, &[s("abc"), Value::Integer(2)]), s("bc"));
        assert_eq!(run(right, &[s("abc"), Value::Integer(9)]), s("abc"));
    }

    #[test]
    fn multi_value_argument_warns() {
        let mut ctx = Context::new(0);
        let e = typed_expr(DataType::Keyword, "to_lower(x)");
        let mv = Value::Multi(vec![s("A"), s("B")]);
        assert_eq!(to_lower(&e, &[mv], &mut ctx).unwrap(), Value::Null);
        assert_eq!(ctx.warnings.lines().len(), 2);
    }
}
