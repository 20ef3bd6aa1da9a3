//! GROK over rows: match a string against an expanded grok pattern and extract typed columns.
//!
//! Each value of the input (a multi-value is matched value by value) is searched unanchored; every
//! named capture that took part adds its converted text to its column (`int`/`long` as Java's
//! `parseInt`/`parseLong`, `float` rounded to single precision, `double`, `boolean` as "true"
//! case-insensitively), so a column gets as many values as matches gave it. A conversion failure is an
//! execution error naming the column.

use esql::algo::java_number::parse_java_double;
use esql::grok::CaptureType;
use esql::plan::GrokStep;
use esql::{EvalError, Value};

use super::{Row, project_owned};
use crate::engine::scalar::{Scope, eval};

fn parse_int(t: &str) -> Option<i64> {
    let digits = t.strip_prefix(['+', '-']).unwrap_or(t);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    t.strip_prefix('+').unwrap_or(t).parse().ok()
}

/// Java's `Double.parseDouble` without hex floats, as grok's converters call it.
fn parse_double(t: &str) -> Option<f64> {
    let trimmed = t.trim_matches(|c: char| c <= ' ');
    let body = trimmed.strip_prefix(['+', '-']).unwrap_or(trimmed);
    let body = body.strip_suffix(['f', 'F', 'd', 'D']).unwrap_or(body);
    if matches!(body, "NaN" | "Infinity") {
        return parse_java_double(trimmed);
    }
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(i) => (&body[..i], Some(&body[i + 1..])),
        None => (body, None),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits = |x: &str| x.bytes().all(|b| b.is_ascii_digit());
    if (int.is_empty() && frac.is_empty()) || !digits(int) || !digits(frac) {
        return None;
    }
    if let Some(e) = exponent {
        let e = e.strip_prefix(['+', '-']).unwrap_or(e);
        if e.is_empty() || !digits(e) {
            return None;
        }
    }
    parse_java_double(trimmed)
}

fn convert(t: &str, ty: CaptureType, column: &str) -> Result<Value, EvalError> {
    let nfe = || {
        EvalError::Execution(format!(
            "GROK: java.lang.NumberFormatException: For input string: \"{t}\" (column [{column}])"
        ))
    };
    Ok(match ty {
        CaptureType::String => Value::keyword(t),
        CaptureType::Int => {
            Value::Integer(i32::try_from(parse_int(t).ok_or_else(nfe)?).map_err(|_| nfe())?)
        }
        CaptureType::Long => Value::Long(parse_int(t).ok_or_else(nfe)?),
        CaptureType::Float => Value::Double(f64::from(parse_double(t).ok_or_else(nfe)? as f32)),
        CaptureType::Double => Value::Double(parse_double(t).ok_or_else(nfe)?),
        CaptureType::Boolean => Value::Boolean(t.eq_ignore_ascii_case("true")),
    })
}

/// Applies a GROK step to one row.
pub fn apply(step: &GrokStep, row: Row, s: &mut Scope<'_>) -> Result<Row, EvalError> {
    let grok = s.patterns.grok(&step.patterns)?;
    let input = eval(&step.input, &row, s)?;
    let mut columns: Vec<Vec<Value>> = vec![Vec::new(); step.keys.len()];
    for v in input.values() {
        let Value::Keyword(t) = v else {
            return Err(EvalError::Internal(format!(
                "GROK input {v:?} is not a string"
            )));
        };
        let caps = grok
            .regex
            .captures(t)
            .map_err(|e| EvalError::Execution(format!("GROK pattern matching failed: {e}")))?;
        let Some(caps) = caps else { continue };
        for c in &grok.pattern.captures {
            let col = step
                .keys
                .iter()
                .position(|(k, _)| *k == c.column)
                .ok_or_else(|| {
                    EvalError::Internal(format!("GROK capture [{}] has no column", c.column))
                })?;
            for g in &c.groups {
                if let Some(m) = caps.name(g) {
                    columns[col].push(convert(m.as_str(), c.capture_type, &c.column)?);
                }
            }
        }
    }
    let mut ext = row;
    ext.extend(columns.into_iter().map(Value::from_values));
    project_owned(ext, &step.projection)
}
