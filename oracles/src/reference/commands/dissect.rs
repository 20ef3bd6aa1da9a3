//! `DISSECT input "pattern" [APPEND_SEPARATOR = "sep"]` (docs commands dissect.md; ES's dissect
//! processor semantics). The pattern is literal delimiters around `%{key}` fields; matching takes, for
//! each key, the text up to the first occurrence of the next delimiter (the last key takes the rest).
//! Modifiers: `%{}` and `%{?name}` skip, `%{+name}` (and `%{+name/n}`) append with the separator,
//! `%{name->}` skips repeated delimiters after the field. Reference keys (`%{*k}`/`%{&k}`) are
//! unsupported. If the pattern does not match, or the input is null or multi-valued, every new column
//! is null. The new columns are keywords appended to the extended row; `projection` picks the output.

use std::collections::BTreeMap;

use esql::plan::DissectStep;
use esql::{EvalError, Value};

use super::eval::project;
use crate::reference::expr::eval;
use crate::reference::{Context, Row};

/// One `%{…}` field.
#[derive(Debug, Clone, PartialEq)]
struct Field {
    name: String,
    skip: bool,
    append: Option<u32>,
    right_pad: bool,
}

/// A parsed pattern: a leading delimiter, then fields each followed by a delimiter.
#[derive(Debug, Clone, PartialEq)]
struct Pattern {
    prefix: String,
    fields: Vec<(Field, String)>,
}

fn parse(pattern: &str) -> Result<Pattern, EvalError> {
    let bad = |m: &str| EvalError::Execution(format!("invalid DISSECT pattern [{pattern}]: {m}"));
    let mut rest = pattern;
    let prefix_end = rest.find("%{").ok_or_else(|| bad("no keys"))?;
    let prefix = rest[..prefix_end].to_string();
    rest = &rest[prefix_end..];
    let mut fields = Vec::new();
    while let Some(body_start) = rest.strip_prefix("%{") {
        let close = body_start.find('}').ok_or_else(|| bad("unclosed %{"))?;
        let mut body = &body_start[..close];
        rest = &body_start[close + 1..];
        let right_pad = body.ends_with("->");
        if right_pad {
            body = &body[..body.len() - 2];
        }
        let mut field = Field {
            name: String::new(),
            skip: body.is_empty(),
            append: None,
            right_pad,
        };
        if let Some(n) = body.strip_prefix('?') {
            field.skip = true;
            body = n;
        } else if let Some(n) = body.strip_prefix('+') {
            let (name, order) = match n.split_once('/') {
                Some((name, o)) => (name, o.parse().map_err(|_| bad("bad append order"))?),
                None => (n, u32::MAX),
            };
            field.append = Some(order);
            body = name;
        } else if body.starts_with('*') || body.starts_with('&') {
            return Err(EvalError::Unsupported(format!(
                "DISSECT reference keys (%{{*…}}/%{{&…}}) in [{pattern}]"
            )));
        }
        field.name = body.to_string();
        let delim_end = rest.find("%{").unwrap_or(rest.len());
        let delim = rest[..delim_end].to_string();
        rest = &rest[delim_end..];
        fields.push((field, delim));
    }
    Ok(Pattern { prefix, fields })
}

/// Matches `input`; `None` when the pattern does not match.
fn dissect(p: &Pattern, input: &str, separator: &str) -> Option<BTreeMap<String, String>> {
    let mut rest = input.strip_prefix(p.prefix.as_str())?;
    let mut appends: BTreeMap<String, Vec<(u32, usize, String)>> = BTreeMap::new();
    let mut values = BTreeMap::new();
    let last = p.fields.len().saturating_sub(1);
    for (i, (field, delim)) in p.fields.iter().enumerate() {
        let value;
        if delim.is_empty() {
            if i != last {
                // Two adjacent keys: the first takes nothing (ES behaves the same for empty delimiters).
                value = "";
            } else {
                value = rest;
                rest = "";
            }
        } else {
            let at = rest.find(delim.as_str())?;
            value = &rest[..at];
            rest = &rest[at + delim.len()..];
            if field.right_pad {
                while let Some(r) = rest.strip_prefix(delim.as_str()) {
                    rest = r;
                }
            }
        }
        if field.skip {
            continue;
        }
        match field.append {
            Some(order) => {
                appends
                    .entry(field.name.clone())
                    .or_default()
                    .push((order, i, value.to_string()))
            }
            None => {
                values.insert(field.name.clone(), value.to_string());
            }
        }
    }
    if !rest.is_empty() {
        return None;
    }
    for (name, mut parts) in appends {
        parts.sort_by_key(|(o, i, _)| (*o, *i));
        let joined: Vec<String> = parts.into_iter().map(|(_, _, v)| v).collect();
        values.insert(name, joined.join(separator));
    }
    Some(values)
}

/// Runs `DISSECT` on one row.
pub fn dissect_row(step: &DissectStep, row: Row, ctx: &mut Context) -> Result<Row, EvalError> {
    let pattern = parse(&step.pattern)?;
    let separator = step.append_separator.as_deref().unwrap_or("");
    let input = eval(&step.input, &row, ctx)?;
    let matched = match &input {
        Value::Keyword(s) => dissect(&pattern, s, separator),
        _ => None,
    };
    let mut extended = row;
    for key in &step.keys {
        extended.push(match matched.as_ref().and_then(|m| m.get(key)) {
            Some(v) => Value::keyword(v.clone()),
            None => Value::Null,
        });
    }
    project(&extended, &step.projection)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(p: &str, s: &str) -> Option<BTreeMap<String, String>> {
        dissect(&parse(p).unwrap(), s, " ")
    }

    /// docs dissect.md example.
    #[test]
    fn dissects_with_modifiers() {
        let m = d(
            "%{date} - %{msg} - %{ip}",
            "2023-01-23T12:15:00.000Z - some text - 127.0.0.1",
        )
        .unwrap();
        assert_eq!(m["date"], "2023-01-23T12:15:00.000Z");
        assert_eq!(m["msg"], "some text");
        assert_eq!(m["ip"], "127.0.0.1");
        let m = d("%{a->} %{b}", "x    y").unwrap();
        assert_eq!((m["a"].as_str(), m["b"].as_str()), ("x", "y"));
        let m = d("%{+n} %{?skip} %{+n}", "John x Smith").unwrap();
        assert_eq!(m["n"], "John Smith");
        assert!(!m.contains_key("skip"));
        assert!(d("%{a} - %{b}", "no delimiter").is_none());
    }
}
