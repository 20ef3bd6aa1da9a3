//! Converting one JSON value to the [`Value`] a field of a given mapping type stores, with
//! Elasticsearch's coercion rules.
//!
//! Rules (each cited in the tests):
//! - numbers: strings are parsed (`coerce` defaults to true), decimals are truncated for whole-number
//!   types, values outside the type's range are rejected, an empty string is null;
//!   `float`/`half_float` store the value at their precision and read back widened to double;
//!   `scaled_float` stores `round(v * factor)` and reads back `stored / factor`.
//! - `keyword`/`wildcard`/`text`/`version`: numbers and booleans become their JSON text; keyword-like
//!   strings longer than `ignore_above` (counted in UTF-16 units, as Java's `String.length`) are not
//!   indexed and the field is listed in `_ignored`.
//! - `boolean`: `true`, `false`, `"true"`, `"false"` and `""` (false).
//! - `date`/`date_nanos`: `strict_date_optional_time||epoch_millis`.
//! - `ip`: IPv4 or IPv6 text; IPv4-mapped IPv6 reads back as IPv4.
//! - an object or array where a value is expected is rejected.

use std::net::IpAddr;

use serde_json::Value as Json;

use super::date::{nanos_to_millis, parse_default_date};
use super::error::{IngestError, preview};
use crate::{FieldMapping, Value};

/// What one JSON value becomes in a field.
#[derive(Debug, Clone, PartialEq)]
pub enum Converted {
    /// A stored value.
    Value(Value),
    /// Not stored, and the field is listed in `_ignored` (a keyword over `ignore_above`).
    Ignored,
    /// Not stored (JSON null, or an empty string in a numeric field).
    Null,
}

/// Where a conversion happens, for error messages.
pub struct FieldCtx<'a> {
    /// Document `_id`.
    pub id: &'a str,
    /// Full dotted field name.
    pub field: &'a str,
    /// The field's mapping.
    pub mapping: &'a FieldMapping,
}

impl FieldCtx<'_> {
    fn fail(&self, value: &Json, reason: impl Into<String>) -> IngestError {
        IngestError::FieldValue {
            id: self.id.to_owned(),
            field: self.field.to_owned(),
            es_type: self.mapping.es_type.clone(),
            preview: preview(value),
            reason: reason.into(),
        }
    }
}

/// Converts a JSON scalar (never an object or array: the caller flattens those) under its field mapping.
pub fn convert(ctx: &FieldCtx<'_>, value: &Json) -> Result<Converted, IngestError> {
    if value.is_null() {
        return Ok(Converted::Null);
    }
    if value.is_object() || value.is_array() {
        return Err(ctx.fail(value, "Can't get text on a START_OBJECT"));
    }
    let es_type = ctx.mapping.es_type.as_str();
    let v = match es_type {
        "keyword" | "wildcard" | "constant_keyword" => return keyword(ctx, value),
        "text" | "match_only_text" => Value::Keyword(text_of(value)),
        "version" => Value::Version(text_of(value)),
        "long" => whole(ctx, value, i64::MIN as i128, i64::MAX as i128, "a long")?
            .map(|n| Value::Long(n as i64))
            .unwrap_or(Value::Null),
        "integer" => int(ctx, value, i32::MIN as i128, i32::MAX as i128, "an integer")?,
        "short" => int(ctx, value, i16::MIN as i128, i16::MAX as i128, "a short")?,
        "byte" => int(ctx, value, i8::MIN as i128, i8::MAX as i128, "a byte")?,
        "unsigned_long" => whole(ctx, value, 0, u64::MAX as i128, "an unsigned_long")?
            .map(|n| Value::UnsignedLong(n as u64))
            .unwrap_or(Value::Null),
        "double" => match float(ctx, value)? {
            Some(d) => Value::Double(finite(ctx, value, d, "double")?),
            None => Value::Null,
        },
        "float" => match float(ctx, value)? {
            Some(d) => Value::Double(finite(ctx, value, d as f32 as f64, "float")?),
            None => Value::Null,
        },
        "half_float" => match float(ctx, value)? {
            Some(d) => {
                let h = half::f16::from_f32(d as f32);
                Value::Double(finite(ctx, value, h.to_f64(), "half_float")?)
            }
            None => Value::Null,
        },
        "scaled_float" => scaled_float(ctx, value)?,
        "boolean" => boolean(ctx, value)?,
        "date" => {
            let nanos = date_nanos(ctx, value)?;
            let ms = nanos_to_millis(nanos).ok_or_else(|| ctx.fail(value, "date out of range"))?;
            Value::Date(ms)
        }
        "date_nanos" => {
            let nanos = date_nanos(ctx, value)?;
            if nanos < 0 {
                return Err(ctx.fail(
                    value,
                    "date is before the epoch in 1970 and cannot be stored in nanosecond resolution",
                ));
            }
            let ns = i64::try_from(nanos).map_err(|_| {
                ctx.fail(value, "date is after 2262-04-11T23:47:16.854775807 and cannot be stored in nanosecond resolution")
            })?;
            Value::DateNanos(ns)
        }
        "ip" => {
            let text = text_of(value);
            let ip: IpAddr = text
                .parse()
                .map_err(|_| ctx.fail(value, format!("'{text}' is not an IP string literal.")))?;
            Value::Ip(canonical_ip(ip))
        }
        other => {
            return Err(IngestError::Mapping {
                id: ctx.id.to_owned(),
                field: ctx.field.to_owned(),
                reason: format!("detsim cannot index values of mapping type [{other}]"),
            });
        }
    };
    Ok(if v.is_null() {
        Converted::Null
    } else {
        Converted::Value(v)
    })
}

/// The text Elasticsearch indexes for a scalar in a string field: strings as is, numbers and booleans
/// as their JSON text.
pub fn text_of(value: &Json) -> String {
    match value {
        Json::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn keyword(ctx: &FieldCtx<'_>, value: &Json) -> Result<Converted, IngestError> {
    let mut s = text_of(value);
    if let Some(limit) = ctx.mapping.ignore_above
        && s.encode_utf16().count() > limit as usize
    {
        return Ok(Converted::Ignored);
    }
    if ctx.mapping.normalizer.as_deref() == Some("lowercase") {
        s = s.to_lowercase();
    }
    if let Some(constant) = &ctx.mapping.constant_value
        && *constant != s
    {
        return Err(ctx.fail(
            value,
            format!(
                "[constant_keyword] field [{}] only accepts values that are equal to the value defined in the mappings [{constant}], but got [{s}]",
                ctx.field
            ),
        ));
    }
    Ok(Converted::Value(Value::Keyword(s)))
}

fn int(
    ctx: &FieldCtx<'_>,
    value: &Json,
    min: i128,
    max: i128,
    what: &str,
) -> Result<Value, IngestError> {
    Ok(whole(ctx, value, min, max, what)?
        .map(|n| Value::Integer(n as i32))
        .unwrap_or(Value::Null))
}

/// A whole number in `[min, max]`: JSON integers as is, decimals and numeric strings truncated toward
/// zero. `None` for an empty string.
fn whole(
    ctx: &FieldCtx<'_>,
    value: &Json,
    min: i128,
    max: i128,
    what: &str,
) -> Result<Option<i128>, IngestError> {
    let n = match value {
        Json::Number(n) => {
            if let Some(i) = n.as_i64() {
                i as i128
            } else if let Some(u) = n.as_u64() {
                u as i128
            } else {
                let d = n.as_f64().unwrap_or(f64::NAN);
                truncate_f64(d).ok_or_else(|| out_of_range(ctx, value, what))?
            }
        }
        Json::String(s) if s.is_empty() => return Ok(None),
        Json::String(s) => truncate_decimal(s)
            .ok_or_else(|| ctx.fail(value, format!("For input string: \"{s}\"")))?
            .ok_or_else(|| out_of_range(ctx, value, what))?,
        Json::Bool(_) => {
            return Err(ctx.fail(value, "Current token (VALUE_TRUE/FALSE) not numeric"));
        }
        _ => return Err(ctx.fail(value, "not a number")),
    };
    if n < min || n > max {
        return Err(out_of_range(ctx, value, what));
    }
    Ok(Some(n))
}

fn out_of_range(ctx: &FieldCtx<'_>, value: &Json, what: &str) -> IngestError {
    ctx.fail(
        value,
        format!("Value [{}] is out of range for {what}", text_of(value)),
    )
}

fn truncate_f64(d: f64) -> Option<i128> {
    if !d.is_finite() || d.abs() >= 1e38 {
        return None;
    }
    Some(d.trunc() as i128)
}

/// Parses a decimal string as Java's `BigDecimal` does (`[+-]digits[.digits][e[+-]digits]`) and
/// truncates it toward zero. `None`: not a number; `Some(None)`: a number too large for 128 bits.
pub fn truncate_decimal(s: &str) -> Option<Option<i128>> {
    let (neg, body) = match s.as_bytes().first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    let (mantissa, exp) = match body.find(['e', 'E']) {
        Some(i) => (&body[..i], body[i + 1..].parse::<i64>().ok()?),
        None => (body, 0),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    if int.is_empty() && frac.is_empty() {
        return None;
    }
    if !int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit()) {
        return None;
    }
    // digits = int ++ frac, value = digits * 10^(exp - frac.len()); keep the whole part.
    let digits: String = format!("{int}{frac}");
    let shift = exp - frac.len() as i64;
    let whole_digits: &str = if shift >= 0 {
        digits.as_str()
    } else {
        let keep = digits.len() as i64 + shift;
        if keep <= 0 {
            ""
        } else {
            &digits[..keep as usize]
        }
    };
    let trimmed = whole_digits.trim_start_matches('0');
    let zeros = shift.max(0) as usize;
    if trimmed.len() + zeros > 38 {
        return Some(if trimmed.is_empty() { Some(0) } else { None });
    }
    let mut n: i128 = if trimmed.is_empty() {
        0
    } else {
        trimmed.parse().ok()?
    };
    for _ in 0..zeros {
        n = n.checked_mul(10)?;
    }
    Some(Some(if neg { -n } else { n }))
}

fn float(ctx: &FieldCtx<'_>, value: &Json) -> Result<Option<f64>, IngestError> {
    match value {
        Json::Number(n) => Ok(Some(n.as_f64().unwrap_or(f64::NAN))),
        Json::String(s) if s.is_empty() => Ok(None),
        Json::String(s) => s
            .parse::<f64>()
            .ok()
            .filter(|_| {
                s.bytes()
                    .all(|b| b.is_ascii_digit() || b"+-.eE".contains(&b))
                    || is_special(s)
            })
            .map(Some)
            .ok_or_else(|| ctx.fail(value, format!("For input string: \"{s}\""))),
        _ => Err(ctx.fail(value, "Current token (VALUE_TRUE/FALSE) not numeric")),
    }
}

fn is_special(s: &str) -> bool {
    matches!(s, "NaN" | "Infinity" | "-Infinity" | "+Infinity")
}

fn finite(ctx: &FieldCtx<'_>, value: &Json, d: f64, ty: &str) -> Result<f64, IngestError> {
    if d.is_finite() {
        Ok(d)
    } else {
        Err(ctx.fail(
            value,
            format!(
                "[{ty}] supports only finite values, but got [{}]",
                crate::format::double(d)
            ),
        ))
    }
}

fn scaled_float(ctx: &FieldCtx<'_>, value: &Json) -> Result<Value, IngestError> {
    let factor = ctx
        .mapping
        .scaling_factor
        .ok_or_else(|| IngestError::Mapping {
            id: ctx.id.to_owned(),
            field: ctx.field.to_owned(),
            reason: "scaled_float field has no scaling_factor in its mapping".into(),
        })?;
    let Some(d) = float(ctx, value)? else {
        return Ok(Value::Null);
    };
    let d = finite(ctx, value, d, "scaled_float")?;
    let scaled = java_round(d * factor);
    if scaled.abs() > i64::MAX as f64 {
        return Err(out_of_range(ctx, value, "a scaled_float"));
    }
    // ES|QL reads `stored / factor` since elastic/elasticsearch#122586.
    Ok(Value::Double(scaled / factor))
}

/// Java's `Math.round(double)`: the closest whole number, ties toward positive infinity.
fn java_round(x: f64) -> f64 {
    let f = x.floor();
    if x - f >= 0.5 { f + 1.0 } else { f }
}

fn boolean(ctx: &FieldCtx<'_>, value: &Json) -> Result<Value, IngestError> {
    match value {
        Json::Bool(b) => Ok(Value::Boolean(*b)),
        Json::String(s) if s == "true" => Ok(Value::Boolean(true)),
        Json::String(s) if s == "false" || s.is_empty() => Ok(Value::Boolean(false)),
        Json::String(s) => Err(ctx.fail(
            value,
            format!("Failed to parse value [{s}] as only [true] or [false] are allowed."),
        )),
        _ => Err(ctx.fail(
            value,
            format!(
                "Can't parse boolean value [{}], expected [true] or [false]",
                text_of(value)
            ),
        )),
    }
}

fn date_nanos(ctx: &FieldCtx<'_>, value: &Json) -> Result<i128, IngestError> {
    let text = match value {
        Json::String(s) => s.clone(),
        Json::Number(n) => n.to_string(),
        _ => return Err(ctx.fail(value, "not a date")),
    };
    parse_default_date(&text).ok_or_else(|| {
        ctx.fail(
            value,
            format!(
                "failed to parse date field [{text}] with format [strict_date_optional_time||epoch_millis]"
            ),
        )
    })
}

/// IPv4-mapped IPv6 addresses are stored as 16 bytes and read back as IPv4.
fn canonical_ip(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(ip),
        v4 => v4,
    }
}
