//! Turning a grok pattern into one regular expression, as Elasticsearch's `Grok.toRegex` does, then
//! renaming its named groups for the Rust regex engines.
//!
//! Expansion: every `%{SYNTAX}`, `%{SYNTAX:SEMANTIC}` or `%{SYNTAX:SEMANTIC=definition}` is replaced by
//! the dictionary's definition of SYNTAX, as a named group `(?<SYNTAX:SEMANTIC>…)` when a SEMANTIC is
//! given and as `(?:…)` otherwise; the replacement is scanned again, so references nest. Like ES, the
//! text is substituted wherever it appears (also inside a character class), SYNTAX is `[A-z0-9]+`, and a
//! SEMANTIC may contain letters, digits and `@ [ ] _ : . -`.
//!
//! Renaming: Joni accepts any name and merges groups of the same name; the `regex` crates want unique
//! identifiers. Every named group `(?<name>…)` or `(?'name'…)` becomes `(?<gN>…)` and its original name
//! is kept in [`Expanded::groups`], in the order the groups open.

use super::{GrokError, library};

/// Expansion stops after this many references (ES's sanity limit is 100 000 iterations).
const MAX_REFERENCES: usize = 100_000;

/// A pattern expanded and renamed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expanded {
    /// The regular expression, named groups renamed `g0`, `g1`, … in order of opening.
    pub regex: String,
    /// For each renamed group, its original name (`NUMBER:x:int`, `[process][pid]`, `user`).
    pub groups: Vec<String>,
}

/// A `%{…}` reference found at the start of `s` (which begins just after `%{`): the pattern name, the
/// full group name (`SYNTAX` or `SYNTAX:SEMANTIC`), whether it has a SEMANTIC, and its length up to and
/// including the closing `}`.
struct Reference<'a> {
    syntax: &'a str,
    name: &'a str,
    named: bool,
    len: usize,
}

fn is_syntax_char(c: char) -> bool {
    // `[A-z0-9]`: A..z includes `[ \ ] ^ _` and the backquote.
    ('A'..='z').contains(&c) || c.is_ascii_digit()
}

fn is_semantic_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '@' | '[' | ']' | '_' | ':' | '.' | '-')
}

fn reference(s: &str) -> Option<Reference<'_>> {
    let syntax_len: usize = s
        .chars()
        .take_while(|&c| is_syntax_char(c))
        .map(char::len_utf8)
        .sum();
    if syntax_len == 0 {
        return None;
    }
    let mut i = syntax_len;
    let mut named = false;
    if s[i..].starts_with(':') {
        let sem: usize = s[i + 1..]
            .chars()
            .take_while(|&c| is_semantic_char(c))
            .map(char::len_utf8)
            .sum();
        if sem > 0 {
            named = true;
            i += 1 + sem;
        }
    }
    let name_end = i;
    if s[i..].starts_with('=') {
        let def: usize = s[i + 1..]
            .chars()
            .take_while(|&c| c != '{' && c != '}')
            .map(char::len_utf8)
            .sum();
        if def == 0 {
            return None;
        }
        i += 1 + def;
    }
    if !s[i..].starts_with('}') {
        return None;
    }
    Some(Reference {
        syntax: &s[..syntax_len],
        name: &s[..name_end],
        named,
        len: i + 1,
    })
}

/// Replaces every `%{…}` reference, recursively (a definition's own references are expanded too).
fn substitute(pattern: &str) -> Result<String, GrokError> {
    let mut out = String::with_capacity(pattern.len() * 4);
    let mut rest = pattern.to_owned();
    for _ in 0..MAX_REFERENCES {
        let found = rest
            .match_indices("%{")
            .find_map(|(at, _)| reference(&rest[at + 2..]).map(|r| (at, r)));
        let Some((at, r)) = found else {
            out.push_str(&rest);
            return Ok(out);
        };
        let def = library::definition(r.syntax)
            .ok_or_else(|| GrokError::UnknownPattern(r.syntax.to_owned()))?;
        if def.contains(&format!("%{{{}}}", r.syntax)) || def.contains(&format!("%{{{}:", r.syntax))
        {
            return Err(GrokError::Circular(r.syntax.to_owned()));
        }
        let replacement = if r.named {
            format!("(?<{}>{def})", r.name)
        } else {
            format!("(?:{def})")
        };
        out.push_str(&rest[..at]);
        rest = format!("{replacement}{}", &rest[at + 2 + r.len..]);
    }
    Err(GrokError::TooDeep)
}

/// Renames the named groups of `regex` (skipping escapes, character classes and look-behinds).
/// `(?P<name>…)` is Python syntax, which Joni's Ruby syntax rejects (`undefined group option`).
fn rename_groups(regex: &str) -> Result<Expanded, GrokError> {
    let mut out = String::with_capacity(regex.len());
    let mut groups = Vec::new();
    let chars: Vec<char> = regex.chars().collect();
    let mut i = 0;
    let mut class_depth = 0usize;
    while i < chars.len() {
        let c = chars[i];
        if c == '\\' {
            out.push(c);
            if let Some(&n) = chars.get(i + 1) {
                out.push(n);
            }
            i += 2;
            continue;
        }
        if class_depth > 0 {
            match c {
                '[' => class_depth += 1,
                ']' => class_depth -= 1,
                _ => {}
            }
            out.push(c);
            i += 1;
            continue;
        }
        if c == '[' {
            class_depth = 1;
            out.push(c);
            i += 1;
            // A `]` right after `[` or `[^` is a literal member.
            if chars.get(i) == Some(&'^') {
                out.push('^');
                i += 1;
            }
            if chars.get(i) == Some(&']') {
                out.push(']');
                i += 1;
            }
            continue;
        }
        if c == '(' && chars.get(i + 1) == Some(&'?') {
            if chars.get(i + 2) == Some(&'P') {
                return Err(GrokError::Regex("undefined group option".into()));
            }
            let close = match (chars.get(i + 2), chars.get(i + 3)) {
                (Some('<'), Some(n)) if *n != '=' && *n != '!' => Some('>'),
                (Some('\''), _) => Some('\''),
                _ => None,
            };
            if let Some(close) = close
                && let Some(len) = chars[i + 3..].iter().position(|&x| x == close)
            {
                let name: String = chars[i + 3..i + 3 + len].iter().collect();
                out.push_str(&format!("(?<g{}>", groups.len()));
                groups.push(name);
                i += 3 + len + 1;
                continue;
            }
        }
        out.push(c);
        i += 1;
    }
    Ok(Expanded { regex: out, groups })
}

/// Expands `pattern` into one regular expression with renamed groups.
pub fn expand(pattern: &str) -> Result<Expanded, GrokError> {
    rename_groups(&substitute(pattern)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_nest_and_named_ones_become_groups() {
        let e = expand("%{USER:u} %{INT}").unwrap();
        assert_eq!(
            e.regex,
            "(?<g0>(?:[a-zA-Z0-9._-]+)) (?:(?:[+-]?(?:[0-9]+)))"
        );
        assert_eq!(e.groups, ["USER:u"]);
        let e = expand("%{NUMBER:n:int}").unwrap();
        assert_eq!(e.groups, ["NUMBER:n:int"]);
    }

    #[test]
    fn raw_named_groups_are_renamed_but_look_behinds_and_classes_are_not() {
        let e = expand(r"(?<a.b>x)(?<=y)(?<!z)(?'c'w)[(?<d>)]\(?<e>").unwrap();
        assert_eq!(e.regex, r"(?<g0>x)(?<=y)(?<!z)(?<g1>w)[(?<d>)]\(?<e>");
        assert_eq!(e.groups, ["a.b", "c"]);
        let e = expand(r"[]a(?<x>)](?<y>.)").unwrap();
        assert_eq!(e.groups, ["y"]);
        assert_eq!(
            expand("(?P<justification>.+)").unwrap_err().to_string(),
            "invalid regular expression: undefined group option"
        );
    }

    #[test]
    fn unknown_and_malformed_references() {
        assert_eq!(
            expand("%{NOPE:x}").unwrap_err().to_string(),
            "Unable to find pattern [NOPE] in Grok's pattern dictionary"
        );
        // Not a reference (no closing brace): left as regex text, as ES leaves it.
        assert_eq!(expand("%{WORD").unwrap().regex, "%{WORD");
        // A definition after `=` is accepted and ignored, as in ES.
        assert_eq!(expand("%{INT:n=\\d+}").unwrap().groups, ["INT:n"]);
    }
}
