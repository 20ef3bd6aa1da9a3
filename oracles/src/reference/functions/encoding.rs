//! TO_BASE64, FROM_BASE64 and URL_DECODE (docs functions to_base64.md, from_base64.md,
//! url_decode.md). FROM_BASE64 decodes standard base64 to UTF-8 (invalid UTF-8 is replaced, as Java's
//! `new String(bytes, UTF_8)` does); URL_DECODE follows `java.net.URLDecoder` (`+` is a space, `%XX`
//! a byte); malformed input is null plus the Java exception as a warning.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use esql::plan::Expr;
use esql::{EvalError, Value};

use super::str_arg;
use crate::reference::Context;

/// `TO_BASE64(s)`.
pub fn to_base64(expr: &Expr, values: &[Value], ctx: &mut Context) -> Result<Value, EvalError> {
    let Some(vs) = ctx.singles(expr, values) else {
        return Ok(Value::Null);
    };
    Ok(Value::Keyword(STANDARD.encode(str_arg(vs[0], expr)?)))
}

/// `FROM_BASE64(s)`.
pub fn from_base64(expr: &Expr, values: &[Value], ctx: &mut Context) -> Result<Value, EvalError> {
    let Some(vs) = ctx.singles(expr, values) else {
        return Ok(Value::Null);
    };
    let s = str_arg(vs[0], expr)?;
    match STANDARD.decode(s) {
        Ok(bytes) => Ok(Value::Keyword(String::from_utf8_lossy(&bytes).into_owned())),
        Err(e) => {
            ctx.fail(expr, &format!("java.lang.IllegalArgumentException: {e}"));
            Ok(Value::Null)
        }
    }
}

/// Decodes as `java.net.URLDecoder.decode(s, UTF_8)`.
pub fn url_decode_str(s: &str) -> Result<String, String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b'%' => {
                let hex = b
                    .get(i + 1..i + 3)
                    .and_then(|h| std::str::from_utf8(h).ok());
                match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    Some(v) => out.push(v),
                    None => {
                        return Err(if i + 2 >= b.len() {
                            "URLDecoder: Incomplete trailing escape (%) pattern".into()
                        } else {
                            format!(
                                "URLDecoder: Illegal hex characters in escape (%) pattern - Error at index 0 in: \"{}\"",
                                hex.unwrap_or("")
                            )
                        });
                    }
                }
                i += 3;
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    Ok(String::from_utf8_lossy(&out).into_owned())
}

/// `URL_DECODE(s)`.
pub fn url_decode(expr: &Expr, values: &[Value], ctx: &mut Context) -> Result<Value, EvalError> {
    let Some(vs) = ctx.singles(expr, values) else {
        return Ok(Value::Null);
    };
    match url_decode_str(str_arg(vs[0], expr)?) {
        Ok(s) => Ok(Value::Keyword(s)),
        Err(m) => {
            ctx.fail(expr, &format!("java.lang.IllegalArgumentException: {m}"));
            Ok(Value::Null)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_decoding_like_java() {
        assert_eq!(url_decode_str("a+b%2Fc").unwrap(), "a b/c");
        assert_eq!(url_decode_str("%E2%82%AC").unwrap(), "€");
        assert!(url_decode_str("%zz1").is_err());
        assert!(url_decode_str("abc%2").is_err());
    }
}
