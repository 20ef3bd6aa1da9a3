//! DISSECT patterns: `%{key}` references between literal delimiters, with ES's modifiers
//! (`%{+key}` append, `%{+key/2}` append order, `%{?key}` and `%{}` skip, `%{key->}` right padding).
//! Reference keys (`%{*k}`, `%{&k}`) name columns at run time, which ES|QL rejects.
//!
//! The parsed form is shared by the analyzer (which needs the new column names) and the evaluators
//! (which match it).

/// One `%{…}` reference of a dissect pattern and the delimiter after it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DissectKey {
    /// The key name (empty for `%{}`).
    pub name: String,
    /// `%{?key}` or `%{}`: matched and discarded.
    pub skip: bool,
    /// `%{+key}`: appended to the key's earlier value with the append separator.
    pub append: bool,
    /// `/N` of an append key: the order in which appended values are joined.
    pub append_order: Option<u32>,
    /// `->`: repeated delimiters after this key are skipped.
    pub right_padding: bool,
    /// The literal text after this key, up to the next key (empty at the end).
    pub delimiter: String,
}

/// A parsed dissect pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DissectPattern {
    /// Literal text before the first key.
    pub prefix: String,
    /// The keys in pattern order.
    pub keys: Vec<DissectKey>,
}

impl DissectPattern {
    /// The new columns: non-skip key names in order of first appearance, each once.
    pub fn output_keys(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for k in &self.keys {
            if !k.skip && !out.contains(&k.name) {
                out.push(k.name.clone());
            }
        }
        out
    }
}

/// Parses a dissect pattern, with a message on failure.
pub fn parse(pattern: &str) -> Result<DissectPattern, String> {
    let mut prefix = String::new();
    let mut keys: Vec<DissectKey> = Vec::new();
    let mut rest = pattern;
    while let Some(start) = rest.find("%{") {
        let Some(len) = rest[start + 2..].find('}') else {
            break;
        };
        let literal = &rest[..start];
        match keys.last_mut() {
            Some(k) => k.delimiter.push_str(literal),
            None => prefix.push_str(literal),
        }
        let body = &rest[start + 2..start + 2 + len];
        keys.push(parse_key(body)?);
        rest = &rest[start + 2 + len + 1..];
    }
    match keys.last_mut() {
        Some(k) => k.delimiter.push_str(rest),
        None => {
            return Err(format!(
                "Invalid pattern for dissect: [{pattern}]: Unable to find any keys or delimiters."
            ));
        }
    }
    Ok(DissectPattern { prefix, keys })
}

fn parse_key(body: &str) -> Result<DissectKey, String> {
    let mut s = body;
    let mut key = DissectKey {
        name: String::new(),
        skip: false,
        append: false,
        append_order: None,
        right_padding: false,
        delimiter: String::new(),
    };
    if let Some(t) = s.strip_suffix("->") {
        key.right_padding = true;
        s = t;
    }
    match s.chars().next() {
        Some('+') => {
            key.append = true;
            s = &s[1..];
        }
        Some('?') => {
            key.skip = true;
            s = &s[1..];
        }
        Some('*') | Some('&') => {
            return Err(format!(
                "Reference keys not supported in dissect patterns: [%{{{body}}}]"
            ));
        }
        _ => {}
    }
    if key.append
        && let Some((name, order)) = s.rsplit_once('/')
    {
        let n = order
            .parse()
            .map_err(|_| format!("Invalid append order in dissect key [%{{{body}}}]"))?;
        key.append_order = Some(n);
        s = name;
    }
    key.name = s.to_owned();
    if key.name.is_empty() {
        key.skip = true;
    }
    Ok(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_modifiers_and_delimiters() {
        // The DISSECT of the LLM triage rules.
        let p =
            parse("verdict=%{Esql.verdict} confidence=%{Esql.confidence} summary=%{Esql.summary}")
                .unwrap();
        assert_eq!(p.prefix, "verdict=");
        assert_eq!(
            p.output_keys(),
            ["Esql.verdict", "Esql.confidence", "Esql.summary"]
        );
        assert_eq!(p.keys[0].delimiter, " confidence=");
        let p = parse("%{}static/js/%{key}").unwrap();
        assert_eq!(p.output_keys(), ["key"]);
        assert!(p.keys[0].skip);
        let p = parse("%{+a/2} %{+a/1} %{?skip} %{b->}").unwrap();
        assert_eq!(p.output_keys(), ["a", "b"]);
        assert_eq!(p.keys[0].append_order, Some(2));
        assert!(p.keys[3].right_padding);
        assert!(parse("%{*p}").unwrap_err().contains("Reference keys"));
        assert!(parse("no keys").is_err());
    }
}
