//! String functions (and the IP and encoding functions that take strings).
//!
//! Lengths and positions count Unicode code points (ES counts them so for these functions); trimming
//! removes what Java's `Character.isWhitespace` accepts; SUBSTRING/LOCATE take 1-based starts where a
//! negative start counts from the end; invalid numeric arguments (negative lengths or counts, a split
//! delimiter that is not one byte) give null plus an `IllegalArgumentException` line.

use std::net::IpAddr;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use esql::functions::ScalarFunction as F;
use esql::plan::Expr;
use esql::{EvalError, Value};

use super::{Scope, text, whole};

fn kw(s: impl Into<String>) -> Value {
    Value::Keyword(s.into())
}

fn illegal(s: &mut Scope<'_>, expr: &Expr, message: &str) -> Value {
    s.fail(
        expr,
        &format!("java.lang.IllegalArgumentException: {message}"),
    );
    Value::Null
}

/// Whitespace as Java's `Character.isWhitespace` defines it.
pub fn java_space(c: char) -> bool {
    matches!(c, '\t'..='\r' | '\u{1C}'..='\u{1F}')
        || (c.is_whitespace() && !matches!(c, '\u{A0}' | '\u{2007}' | '\u{202F}' | '\u{85}'))
}

/// The 0-based code-point index of a 1-based (or negative, from the end) start, clamped.
fn start_index(count: usize, start: i64) -> usize {
    let i = match start {
        s if s > 0 => s - 1,
        s if s < 0 => count as i64 + s,
        _ => 0,
    };
    i.clamp(0, count as i64) as usize
}

/// The string functions; `None` when `f` is not one of them.
pub fn call(
    expr: &Expr,
    f: F,
    values: &[Value],
    s: &mut Scope<'_>,
) -> Result<Option<Value>, EvalError> {
    let handled = matches!(
        f,
        F::Concat
            | F::Contains
            | F::EndsWith
            | F::StartsWith
            | F::Left
            | F::Right
            | F::Length
            | F::Locate
            | F::Ltrim
            | F::Rtrim
            | F::Trim
            | F::Repeat
            | F::Reverse
            | F::Space
            | F::Split
            | F::Substring
            | F::ToLower
            | F::ToUpper
            | F::Replace
            | F::FromBase64
            | F::ToBase64
            | F::UrlDecode
            | F::CidrMatch
    );
    if !handled {
        return Ok(None);
    }
    let Some(v) = s.singles(expr, values) else {
        return Ok(Some(Value::Null));
    };
    let str_at = |i: usize| text(v[i], expr);
    let out = match f {
        F::Concat => {
            let mut out = String::new();
            for x in &v {
                out.push_str(text(x, expr)?);
            }
            kw(out)
        }
        F::Contains => Value::Boolean(str_at(0)?.contains(str_at(1)?)),
        F::StartsWith => Value::Boolean(str_at(0)?.starts_with(str_at(1)?)),
        F::EndsWith => Value::Boolean(str_at(0)?.ends_with(str_at(1)?)),
        F::Length => Value::Integer(str_at(0)?.chars().count() as i32),
        F::ToLower => kw(str_at(0)?.to_lowercase()),
        F::ToUpper => kw(str_at(0)?.to_uppercase()),
        F::Ltrim => kw(str_at(0)?.trim_start_matches(java_space)),
        F::Rtrim => kw(str_at(0)?.trim_end_matches(java_space)),
        F::Trim => kw(str_at(0)?.trim_matches(java_space)),
        F::Reverse => kw(str_at(0)?.chars().rev().collect::<String>()),
        F::Left => {
            let n = whole(v[1], expr)?.max(0) as usize;
            kw(str_at(0)?.chars().take(n).collect::<String>())
        }
        F::Right => {
            let n = whole(v[1], expr)?.max(0) as usize;
            let t = str_at(0)?;
            let skip = t.chars().count().saturating_sub(n);
            kw(t.chars().skip(skip).collect::<String>())
        }
        F::Substring => {
            let t = str_at(0)?;
            let count = t.chars().count() as i64;
            let len = match v.get(2) {
                Some(l) => whole(l, expr)?,
                None => count,
            };
            if len < 0 {
                return Ok(Some(illegal(
                    s,
                    expr,
                    &format!("Length parameter cannot be negative, found [{len}]"),
                )));
            }
            let from = start_index(count as usize, whole(v[1], expr)?);
            let to = (from as i64 + len).min(count) as usize;
            kw(t.chars()
                .skip(from)
                .take(to.saturating_sub(from))
                .collect::<String>())
        }
        F::Locate => {
            let (t, sub) = (str_at(0)?, str_at(1)?);
            if t.is_empty() {
                return Ok(Some(Value::Integer(0)));
            }
            let start = match v.get(2) {
                Some(x) => whole(x, expr)?,
                None => 1,
            };
            let from = start_index(t.chars().count(), start);
            let byte = t.char_indices().nth(from).map_or(t.len(), |(b, _)| b);
            Value::Integer(match t[byte..].find(sub) {
                Some(i) => 1 + t[..byte + i].chars().count() as i32,
                None => 0,
            })
        }
        F::Repeat | F::Space => {
            let n = whole(v[if f == F::Repeat { 1 } else { 0 }], expr)?;
            if n < 0 {
                return Ok(Some(illegal(
                    s,
                    expr,
                    &format!("Number parameter cannot be negative, found [{n}]"),
                )));
            }
            let unit = if f == F::Repeat { str_at(0)? } else { " " };
            kw(unit.repeat(n as usize))
        }
        F::Split => {
            let (t, delim) = (str_arg(v[0], expr)?, str_arg(v[1], expr)?);
            if delim.len() != 1 {
                return Ok(Some(illegal(
                    s,
                    expr,
                    "delimiter must be single byte for now",
                )));
            }
            Value::from_values(t.split(delim).map(kw).collect())
        }
        F::Replace => {
            let (t, p, r) = (str_at(0)?, str_at(1)?, str_at(2)?);
            match esql::algo::java_regex::replace_all(t, p, r) {
                Err(m) if m.starts_with("unsupported") => {
                    return Err(EvalError::Unsupported(format!("REPLACE {m}")));
                }
                Err(m) => return Err(EvalError::Execution(format!("REPLACE {m}"))),
                Ok(Ok(out)) => kw(out),
                Ok(Err(m)) => illegal(s, expr, &m),
            }
        }
        F::ToBase64 => kw(STANDARD.encode(str_at(0)?)),
        F::FromBase64 => match STANDARD.decode(str_at(0)?) {
            Ok(bytes) => kw(String::from_utf8_lossy(&bytes).into_owned()),
            Err(e) => illegal(s, expr, &e.to_string()),
        },
        F::UrlDecode => match url_decode(str_at(0)?) {
            Ok(t) => kw(t),
            Err(m) => illegal(s, expr, &m),
        },
        F::CidrMatch => cidr_match(expr, &v)?,
        _ => return Ok(None),
    };
    Ok(Some(out))
}

fn str_arg<'v>(v: &'v Value, expr: &Expr) -> Result<&'v str, EvalError> {
    text(v, expr)
}

/// `java.net.URLDecoder.decode(s, UTF-8)`.
pub fn url_decode(t: &str) -> Result<String, String> {
    let b = t.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = b
                    .get(i + 1..i + 3)
                    .and_then(|h| std::str::from_utf8(h).ok());
                let Some(byte) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) else {
                    return Err(if i + 2 >= b.len() {
                        "URLDecoder: Incomplete trailing escape (%) pattern".into()
                    } else {
                        format!(
                            "URLDecoder: Illegal hex characters in escape (%) pattern - Error at index 0 in: \"{}\"",
                            hex.unwrap_or("")
                        )
                    });
                };
                out.push(byte);
                i += 2;
            }
            c => out.push(c),
        }
        i += 1;
    }
    Ok(String::from_utf8_lossy(&out).into_owned())
}

/// A CIDR block as (IPv6-mapped network, prefix bits over 128); without `/`, one address (all 128
/// bits), as ES's `CIDRUtils.isInRange`.
fn block(cidr: &str) -> Option<(u128, u32)> {
    let Some((addr, len)) = cidr.split_once('/') else {
        let ip: IpAddr = cidr.parse().ok()?;
        return Some((u128::from_be_bytes(esql::value::ip_bytes(&ip)), 128));
    };
    let ip: IpAddr = addr.parse().ok()?;
    let len: u32 = len.parse().ok()?;
    let bits = match ip {
        IpAddr::V4(_) if len <= 32 => 96 + len,
        IpAddr::V6(_) if len <= 128 => len,
        _ => return None,
    };
    Some((u128::from_be_bytes(esql::value::ip_bytes(&ip)), bits))
}

fn cidr_match(expr: &Expr, v: &[&Value]) -> Result<Value, EvalError> {
    let Value::Ip(ip) = v[0] else {
        return Err(EvalError::Internal(format!(
            "[{}]: CIDR_MATCH of {:?}",
            expr.text, v[0]
        )));
    };
    let a = u128::from_be_bytes(esql::value::ip_bytes(ip));
    for b in &v[1..] {
        let cidr = text(b, expr)?;
        let (net, bits) = block(cidr).ok_or_else(|| {
            EvalError::Execution(format!("invalid CIDR block [{cidr}] in [{}]", expr.text))
        })?;
        let mask = if bits == 0 {
            0
        } else {
            u128::MAX << (128 - bits)
        };
        if a & mask == net & mask {
            return Ok(Value::Boolean(true));
        }
    }
    Ok(Value::Boolean(false))
}
