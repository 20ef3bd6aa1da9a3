//! REPLACE(s, regex, replacement) with Java regular expressions (docs functions replace.md; ES
//! `Replace`: `Pattern.compile(regex).matcher(s).replaceAll(replacement)`).
//!
//! The Java pattern is translated to the `regex` crate: `\d \D \w \W \s \S` become their ASCII classes
//! (Java's defaults), `\Q…\E` quotes, `(?<name>` groups carry over. Constructs `regex` cannot run —
//! lookaround, backreferences, possessive quantifiers, atomic groups — are an unsupported error, never a
//! different answer. The replacement follows `Matcher.appendReplacement`: `$n` (the longest group
//! number that exists), `${name}`, and `\x` for a literal `x`. Known difference: Java's `.` also
//! excludes `\r`, `\u0085`, `\u2028`, `\u2029`, the `regex` crate only `\n`.

use esql::plan::Expr;
use esql::{EvalError, Value};

use super::str_arg;
use crate::reference::Context;
pub use esql::algo::java_regex::{replace_all, translate_java_regex};

/// `REPLACE(s, regex, replacement)`.
pub fn replace(expr: &Expr, values: &[Value], ctx: &mut Context) -> Result<Value, EvalError> {
    let Some(vs) = ctx.singles(expr, values) else {
        return Ok(Value::Null);
    };
    let (s, p, r) = (
        str_arg(vs[0], expr)?,
        str_arg(vs[1], expr)?,
        str_arg(vs[2], expr)?,
    );
    match replace_all(s, p, r) {
        Err(m) if m.starts_with("unsupported") => {
            Err(EvalError::Unsupported(format!("REPLACE {m}")))
        }
        Err(m) => Err(EvalError::Execution(format!("REPLACE {m}"))),
        Ok(Ok(out)) => Ok(Value::Keyword(out)),
        Ok(Err(m)) => {
            ctx.fail(expr, &format!("java.lang.IllegalArgumentException: {m}"));
            Ok(Value::Null)
        }
    }
}
