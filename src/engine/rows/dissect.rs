//! DISSECT over rows: split a string by the literal delimiters of a pattern into keyword columns.
//!
//! Pattern syntax (ES's dissect processor): `%{name}` a key, `%{}`/`%{?name}` a skipped key,
//! `%{+name}`/`%{+name/N}` appended keys (joined with APPEND_SEPARATOR in order N, then position),
//! `%{name->}` skips repeated delimiters after the key. The text must start with the prefix, each key
//! ends at the next occurrence of its delimiter, and nothing may be left over; otherwise (or when the
//! input is null, multi-valued or not a string) every new column is null. Reference keys (`%{*k}`,
//! `%{&k}`) are reported as unsupported.

use std::collections::BTreeMap;

use esql::plan::DissectStep;
use esql::{EvalError, Value};

use super::{Row, project_owned};
use crate::engine::scalar::{Scope, eval};

struct Key {
    name: String,
    skip: bool,
    append: Option<u32>,
    pad: bool,
    /// The delimiter after the key (empty at the end).
    delimiter: String,
}

struct Pattern {
    prefix: String,
    keys: Vec<Key>,
}

fn parse(pattern: &str) -> Result<Pattern, EvalError> {
    let bad = |m: &str| EvalError::Execution(format!("invalid DISSECT pattern [{pattern}]: {m}"));
    let start = pattern.find("%{").ok_or_else(|| bad("no keys"))?;
    let mut p = Pattern {
        prefix: pattern[..start].to_string(),
        keys: Vec::new(),
    };
    let mut rest = &pattern[start..];
    while let Some(body) = rest.strip_prefix("%{") {
        let close = body.find('}').ok_or_else(|| bad("unclosed %{"))?;
        let mut name = &body[..close];
        rest = &body[close + 1..];
        let pad = name.ends_with("->");
        if pad {
            name = &name[..name.len() - 2];
        }
        let mut key = Key {
            name: String::new(),
            skip: name.is_empty(),
            append: None,
            pad,
            delimiter: String::new(),
        };
        if let Some(n) = name.strip_prefix('?') {
            key.skip = true;
            name = n;
        } else if let Some(n) = name.strip_prefix('+') {
            let (n, order) = match n.split_once('/') {
                Some((n, o)) => (n, o.parse().map_err(|_| bad("bad append order"))?),
                None => (n, u32::MAX),
            };
            key.append = Some(order);
            name = n;
        } else if name.starts_with('*') || name.starts_with('&') {
            return Err(EvalError::Unsupported(format!(
                "DISSECT reference keys (%{{*…}}/%{{&…}}) in [{pattern}]"
            )));
        }
        key.name = name.to_string();
        let end = rest.find("%{").unwrap_or(rest.len());
        key.delimiter = rest[..end].to_string();
        rest = &rest[end..];
        p.keys.push(key);
    }
    Ok(p)
}

fn split(p: &Pattern, text: &str, separator: &str) -> Option<BTreeMap<String, String>> {
    let mut rest = text.strip_prefix(p.prefix.as_str())?;
    let mut out = BTreeMap::new();
    let mut appended: BTreeMap<&str, Vec<(u32, usize, &str)>> = BTreeMap::new();
    let last = p.keys.len().saturating_sub(1);
    for (i, k) in p.keys.iter().enumerate() {
        let value;
        if k.delimiter.is_empty() {
            if i == last {
                value = rest;
                rest = "";
            } else {
                value = "";
            }
        } else {
            let at = rest.find(k.delimiter.as_str())?;
            value = &rest[..at];
            rest = &rest[at + k.delimiter.len()..];
            if k.pad {
                while let Some(r) = rest.strip_prefix(k.delimiter.as_str()) {
                    rest = r;
                }
            }
        }
        if k.skip {
            continue;
        }
        match k.append {
            Some(order) => appended.entry(&k.name).or_default().push((order, i, value)),
            None => {
                out.insert(k.name.clone(), value.to_string());
            }
        }
    }
    if !rest.is_empty() {
        return None;
    }
    for (name, mut parts) in appended {
        parts.sort_by_key(|(o, i, _)| (*o, *i));
        let joined: Vec<&str> = parts.into_iter().map(|(_, _, v)| v).collect();
        out.insert(name.to_string(), joined.join(separator));
    }
    Some(out)
}

/// Applies a DISSECT step to one row.
pub fn apply(step: &DissectStep, row: Row, s: &mut Scope<'_>) -> Result<Row, EvalError> {
    let pattern = parse(&step.pattern)?;
    let input = eval(&step.input, &row, s)?;
    let found = match &input {
        Value::Keyword(t) => split(&pattern, t, step.append_separator.as_deref().unwrap_or("")),
        _ => None,
    };
    let mut ext = row;
    for key in &step.keys {
        ext.push(match found.as_ref().and_then(|m| m.get(key)) {
            Some(v) => Value::keyword(v.clone()),
            None => Value::Null,
        });
    }
    project_owned(ext, &step.projection)
}
