//! One raw source value (a JSON string, number or boolean, or a Parquet cell) → the value a field of a
//! given mapping stores, on the fast path readers take for the common cases.
//!
//! Oracle twin: `esql::ingest` (`coerce::convert`). Invariant: a conversion either returns exactly what
//! ingest would store for that value (`Some`), what ingest drops without error (`None`: JSON null, a
//! keyword over `ignore_above`), or [`Bail`]: the value is unusual (a number in a string field that
//! must be re-printed by `serde_json`, an out-of-range number, a bad date, a mapping type without a fast
//! path, …) and the caller must index the whole document through `esql::ingest` instead. A bail is never
//! an answer of its own, so every edge case keeps ingest's exact semantics and error message.

use std::borrow::Cow;
use std::net::IpAddr;

use esql::ingest::date::{nanos_to_millis, parse_default_date};
use esql::{FieldMapping, Value};

/// A converted value: keyword/text strings stay borrowed (they are interned straight into a
/// dictionary), everything else is a [`Value`].
#[derive(Debug, Clone, PartialEq)]
pub enum Out<'a> {
    /// A keyword or text value.
    Str(Cow<'a, str>),
    /// Any other value.
    Val(Value),
}

impl Out<'_> {
    /// The value as an owned [`Value`].
    pub fn into_value(self) -> Value {
        match self {
            Out::Str(s) => Value::Keyword(s.into_owned()),
            Out::Val(v) => v,
        }
    }
}

/// The value needs the exact (slow) ingest path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bail;

/// The result of converting one raw value.
pub type Converted<'a> = Result<Option<Out<'a>>, Bail>;

/// A string value (already unescaped) in a field of mapping `f`.
pub fn from_str<'a>(f: &FieldMapping, s: Cow<'a, str>) -> Converted<'a> {
    match f.es_type.as_str() {
        "keyword" | "wildcard" | "constant_keyword" => keyword(f, s),
        "text" | "match_only_text" => Ok(Some(Out::Str(s))),
        "version" => Ok(Some(Out::Val(Value::Version(s.into_owned())))),
        "date" => {
            let ms = parse_default_date(&s)
                .and_then(nanos_to_millis)
                .ok_or(Bail)?;
            Ok(Some(Out::Val(Value::Date(ms))))
        }
        "date_nanos" => {
            let ns = parse_default_date(&s).ok_or(Bail)?;
            if ns < 0 {
                return Err(Bail);
            }
            let ns = i64::try_from(ns).map_err(|_| Bail)?;
            Ok(Some(Out::Val(Value::DateNanos(ns))))
        }
        "ip" => {
            let ip: IpAddr = s.parse().map_err(|_| Bail)?;
            Ok(Some(Out::Val(Value::Ip(canonical_ip(ip)))))
        }
        "boolean" => match s.as_ref() {
            "true" => Ok(Some(Out::Val(Value::Boolean(true)))),
            "false" | "" => Ok(Some(Out::Val(Value::Boolean(false)))),
            _ => Err(Bail),
        },
        _ => Err(Bail),
    }
}

/// A JSON number, given as its token text (`-12`, `3.5e2`), in a field of mapping `f`.
pub fn from_number<'a>(f: &FieldMapping, token: &str) -> Converted<'a> {
    let es_type = f.es_type.as_str();
    let plain_int = |max_len: usize| {
        let digits = token.strip_prefix('-').unwrap_or(token);
        !digits.is_empty() && digits.len() <= max_len && digits.bytes().all(|b| b.is_ascii_digit())
    };
    match es_type {
        "long" if plain_int(18) => Ok(Some(Out::Val(Value::Long(
            token.parse().map_err(|_| Bail)?,
        )))),
        "integer" | "short" | "byte" if plain_int(9) => {
            let n: i64 = token.parse().map_err(|_| Bail)?;
            let (min, max) = match es_type {
                "integer" => (i32::MIN as i64, i32::MAX as i64),
                "short" => (i16::MIN as i64, i16::MAX as i64),
                _ => (i8::MIN as i64, i8::MAX as i64),
            };
            if n < min || n > max {
                return Err(Bail);
            }
            Ok(Some(Out::Val(Value::Integer(n as i32))))
        }
        "unsigned_long" if plain_int(19) && !token.starts_with('-') => Ok(Some(Out::Val(
            Value::UnsignedLong(token.parse().map_err(|_| Bail)?),
        ))),
        "double" | "float" => {
            // Parsed by serde_json, exactly as ingest parses the document.
            let json: serde_json::Value = serde_json::from_str(token).map_err(|_| Bail)?;
            let d = json.as_f64().ok_or(Bail)?;
            let d = if es_type == "float" {
                d as f32 as f64
            } else {
                d
            };
            if !d.is_finite() {
                return Err(Bail);
            }
            Ok(Some(Out::Val(Value::Double(d))))
        }
        "keyword" | "wildcard" | "constant_keyword" | "text" | "match_only_text" | "version"
        | "date" | "date_nanos" => {
            // The text ingest indexes is serde_json's rendering of the parsed number.
            let json: serde_json::Value = serde_json::from_str(token).map_err(|_| Bail)?;
            if !json.is_number() {
                return Err(Bail);
            }
            from_str(f, Cow::Owned(json.to_string()))
        }
        _ => Err(Bail),
    }
}

/// A JSON boolean in a field of mapping `f`.
pub fn from_bool<'a>(f: &FieldMapping, b: bool) -> Converted<'a> {
    match f.es_type.as_str() {
        "boolean" => Ok(Some(Out::Val(Value::Boolean(b)))),
        "keyword" | "wildcard" | "constant_keyword" | "text" | "match_only_text" | "version" => {
            from_str(f, Cow::Borrowed(if b { "true" } else { "false" }))
        }
        _ => Err(Bail),
    }
}

/// Whether strings in a field of mapping `f` convert by [`plain_keyword`]: a keyword or wildcard
/// field without the lowercase normalizer and without a constant.
pub fn is_plain_keyword(f: &FieldMapping) -> bool {
    matches!(f.es_type.as_str(), "keyword" | "wildcard")
        && f.normalizer.as_deref() != Some("lowercase")
        && f.constant_value.is_none()
}

/// [`from_str`] for a field where [`is_plain_keyword`] holds, inlined into the caller (it never
/// bails): the string, or `None` over `ignore_above`.
#[inline(always)]
pub fn plain_keyword<'a>(f: &FieldMapping, s: Cow<'a, str>) -> Option<Out<'a>> {
    if let Some(limit) = f.ignore_above
        && s.len() > limit as usize
        && s.encode_utf16().count() > limit as usize
    {
        return None;
    }
    Some(Out::Str(s))
}

fn keyword<'a>(f: &FieldMapping, s: Cow<'a, str>) -> Converted<'a> {
    if let Some(limit) = f.ignore_above
        && s.len() > limit as usize
        && s.encode_utf16().count() > limit as usize
    {
        // Not indexed (ingest lists the field in `_ignored`, which the fast readers never serve).
        return Ok(None);
    }
    let s = if f.normalizer.as_deref() == Some("lowercase") {
        Cow::Owned(s.to_lowercase())
    } else {
        s
    };
    if let Some(c) = &f.constant_value
        && *c != *s
    {
        return Err(Bail);
    }
    Ok(Some(Out::Str(s)))
}

/// IPv4-mapped IPv6 addresses read back as IPv4 (as ingest stores them).
fn canonical_ip(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(ip),
        v4 => v4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use esql::ingest::{Indexer, read_back, read_order};

    /// Every fast conversion equals ingest's, for a spread of mapping types and raw values.
    #[test]
    fn fast_conversions_equal_ingest() {
        let mut kw = FieldMapping::new("keyword").with_ignore_above(4);
        kw.normalizer = None;
        let mut lower = FieldMapping::new("keyword");
        lower.normalizer = Some("lowercase".into());
        let mut wild = FieldMapping::new("wildcard");
        wild.ignore_above = Some(3);
        let mut constant = FieldMapping::new("constant_keyword");
        constant.constant_value = Some("abc".into());
        let types = [
            ("w", wild),
            ("c", constant),
            ("k", kw),
            ("l", lower),
            ("t", FieldMapping::new("text")),
            ("d", FieldMapping::new("date")),
            ("n", FieldMapping::new("date_nanos")),
            ("i", FieldMapping::new("ip")),
            ("b", FieldMapping::new("boolean")),
            ("lo", FieldMapping::new("long")),
            ("in", FieldMapping::new("integer")),
            ("by", FieldMapping::new("byte")),
            ("u", FieldMapping::new("unsigned_long")),
            ("do", FieldMapping::new("double")),
            ("fl", FieldMapping::new("float")),
            ("v", FieldMapping::new("version")),
        ];
        let raws = [
            "\"abc\"",
            "\"ABCDEFG\"",
            "\"2024-01-02T03:04:05.678Z\"",
            "\"10.0.0.1\"",
            "\"::ffff:10.0.0.1\"",
            "\"true\"",
            "\"\"",
            "\"éé\"",
            "\"éééé\"",
            "12",
            "-7",
            "300",
            "1.5",
            "1e3",
            "true",
            "false",
            "99999999999999999999",
        ];
        for (name, f) in &types {
            let mut mapping = esql::Mapping::default();
            mapping.fields.insert((*name).to_string(), f.clone());
            let indexer = Indexer::new(&mapping);
            for raw in raws {
                let json: serde_json::Value =
                    serde_json::from_str(&format!("{{\"{name}\": {raw}}}")).unwrap();
                let slow = indexer.index(&json, "id", "x");
                let fast = match serde_json::from_str::<serde_json::Value>(raw).unwrap() {
                    serde_json::Value::String(s) => {
                        let v = from_str(f, Cow::Owned(s.clone()));
                        // The inlined keyword path gives the same, where it applies.
                        if is_plain_keyword(f) {
                            assert_eq!(Ok(plain_keyword(f, Cow::Owned(s))), v, "{name} {raw}");
                        }
                        v
                    }
                    serde_json::Value::Bool(b) => from_bool(f, b),
                    _ => from_number(f, raw),
                };
                match fast {
                    Err(Bail) => {}
                    Ok(v) => {
                        let slow = slow.unwrap_or_else(|e| {
                            panic!("{name} {raw}: fast {v:?}, ingest rejects: {e}")
                        });
                        let got =
                            read_back(read_order(f), v.into_iter().map(Out::into_value).collect());
                        assert_eq!(&got, slow.document.get(name), "{name} {raw}");
                    }
                }
            }
        }
    }

    #[test]
    fn unusual_values_bail() {
        assert_eq!(from_number(&FieldMapping::new("byte"), "300"), Err(Bail));
        assert_eq!(
            from_str(&FieldMapping::new("date"), Cow::Borrowed("yesterday")),
            Err(Bail)
        );
        assert_eq!(from_bool(&FieldMapping::new("long"), true), Err(Bail));
        let c = FieldMapping {
            constant_value: Some("a".into()),
            ..FieldMapping::new("constant_keyword")
        };
        assert_eq!(from_str(&c, Cow::Borrowed("b")), Err(Bail));
        assert_eq!(
            from_str(&c, Cow::Borrowed("a")),
            Ok(Some(Out::Str(Cow::Borrowed("a"))))
        );
    }
}
