//! Java regular expressions (REPLACE) translated to the `regex` crate, and Java's replacement syntax
//! (`Matcher.appendReplacement`). Shared by both evaluators.
//!
//! `\d \D \w \W \s \S` become their ASCII classes (Java's defaults), `\Q…\E` quotes, `(?<name>` groups
//! carry over. Constructs `regex` cannot run — lookaround, backreferences, possessive quantifiers, atomic
//! groups — are an error, never a different answer. The replacement follows `appendReplacement`: `$n`
//! (the longest group number that exists), `${name}`, and `\x` for a literal `x`.

/// Translates a Java regex to `regex` crate syntax.
pub fn translate_java_regex(pattern: &str) -> Result<String, String> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    let unsupported = |what: &str| {
        Err(format!(
            "unsupported Java regex construct {what} in [{pattern}]"
        ))
    };
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\\' => {
                let Some(&n) = chars.get(i + 1) else {
                    return Err(format!("unexpected end of pattern in [{pattern}]"));
                };
                match n {
                    'd' => out.push_str("[0-9]"),
                    'D' => out.push_str("[^0-9]"),
                    'w' => out.push_str("[a-zA-Z_0-9]"),
                    'W' => out.push_str("[^a-zA-Z_0-9]"),
                    's' => out.push_str("[ \\t\\n\\x0B\\f\\r]"),
                    'S' => out.push_str("[^ \\t\\n\\x0B\\f\\r]"),
                    'Q' => {
                        let rest: String = chars[i + 2..].iter().collect();
                        let (quoted, after) = match rest.find("\\E") {
                            Some(e) => (&rest[..e], e + 2),
                            None => (&rest[..], rest.len()),
                        };
                        out.push_str(&regex::escape(quoted));
                        i += 2 + rest[..after].chars().count();
                        continue;
                    }
                    '1'..='9' | 'k' => return unsupported("backreference"),
                    'G' | 'Z' => return unsupported(&format!("\\{n}")),
                    _ => {
                        out.push('\\');
                        out.push(n);
                    }
                }
                i += 2;
            }
            '(' if chars.get(i + 1) == Some(&'?') => {
                let next: String = chars[i + 2..].iter().take(2).collect();
                if next.starts_with('=') || next.starts_with('!') || next == "<=" || next == "<!" {
                    return unsupported("lookaround");
                }
                if next.starts_with('>') {
                    return unsupported("atomic group");
                }
                out.push('(');
                i += 1;
            }
            '*' | '+' | '?' | '}' if chars.get(i + 1) == Some(&'+') => {
                return unsupported("possessive quantifier");
            }
            '[' => {
                // Copy a class, translating shorthands; nested classes and `&&` carry over.
                out.push('[');
                i += 1;
                if chars.get(i) == Some(&'^') {
                    out.push('^');
                    i += 1;
                }
                if chars.get(i) == Some(&']') {
                    out.push_str("\\]");
                    i += 1;
                }
                let mut depth = 1;
                while i < chars.len() && depth > 0 {
                    match chars[i] {
                        '\\' if i + 1 < chars.len() => {
                            match chars[i + 1] {
                                'd' => out.push_str("0-9"),
                                'w' => out.push_str("a-zA-Z_0-9"),
                                's' => out.push_str(" \\t\\n\\x0B\\f\\r"),
                                'D' | 'W' | 'S' => {
                                    return unsupported("negated shorthand inside a class");
                                }
                                n => {
                                    out.push('\\');
                                    out.push(n);
                                }
                            }
                            i += 2;
                            continue;
                        }
                        '[' => depth += 1,
                        ']' => depth -= 1,
                        _ => {}
                    }
                    out.push(chars[i]);
                    i += 1;
                }
            }
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
    Ok(out)
}

/// One part of a parsed Java replacement string.
#[derive(Debug, Clone, PartialEq)]
enum Part {
    Text(String),
    Group(usize),
    Named(String),
}

fn parse_replacement(rep: &str, groups: usize) -> Result<Vec<Part>, String> {
    let chars: Vec<char> = rep.chars().collect();
    let mut parts = Vec::new();
    let mut text = String::new();
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '\\' => {
                let Some(&n) = chars.get(i + 1) else {
                    return Err("character to be escaped is missing".into());
                };
                text.push(n);
                i += 2;
            }
            '$' => {
                if !text.is_empty() {
                    parts.push(Part::Text(std::mem::take(&mut text)));
                }
                i += 1;
                if chars.get(i) == Some(&'{') {
                    let end = chars[i..]
                        .iter()
                        .position(|&c| c == '}')
                        .ok_or("named capturing group is missing trailing '}'")?;
                    let name: String = chars[i + 1..i + end].iter().collect();
                    parts.push(Part::Named(name));
                    i += end + 1;
                    continue;
                }
                let Some(d) = chars.get(i).and_then(|c| c.to_digit(10)) else {
                    return Err("Illegal group reference".into());
                };
                let mut n = d as usize;
                if n > groups {
                    return Err(format!("No group {n}"));
                }
                i += 1;
                while let Some(d) = chars.get(i).and_then(|c| c.to_digit(10)) {
                    let longer = n * 10 + d as usize;
                    if longer > groups {
                        break;
                    }
                    n = longer;
                    i += 1;
                }
                parts.push(Part::Group(n));
            }
            c => {
                text.push(c);
                i += 1;
            }
        }
    }
    if !text.is_empty() {
        parts.push(Part::Text(text));
    }
    Ok(parts)
}

/// Replaces every match of the Java regex `pattern` in `s` with the Java replacement `rep`.
pub fn replace_all(s: &str, pattern: &str, rep: &str) -> Result<Result<String, String>, String> {
    let re = regex::Regex::new(&translate_java_regex(pattern)?)
        .map_err(|e| format!("invalid regex [{pattern}]: {e}"))?;
    let parts = match parse_replacement(rep, re.captures_len() - 1) {
        Ok(p) => p,
        Err(m) => return Ok(Err(m)),
    };
    let mut out = String::new();
    let mut last = 0;
    for caps in re.captures_iter(s) {
        let m = caps.get(0).expect("group 0 always matches");
        out.push_str(&s[last..m.start()]);
        for p in &parts {
            match p {
                Part::Text(t) => out.push_str(t),
                Part::Group(g) => out.push_str(caps.get(*g).map(|m| m.as_str()).unwrap_or("")),
                Part::Named(n) => match caps.name(n) {
                    Some(m) => out.push_str(m.as_str()),
                    None if re.capture_names().flatten().any(|x| x == n) => {}
                    None => return Ok(Err(format!("No group with name {{{n}}}"))),
                },
            }
        }
        last = m.end();
    }
    out.push_str(&s[last..]);
    Ok(Ok(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(s: &str, p: &str, rep: &str) -> String {
        replace_all(s, p, rep).unwrap().unwrap()
    }

    #[test]
    fn java_regex_replacement() {
        assert_eq!(r("Hello World", "World", "Universe"), "Hello Universe");
        assert_eq!(r("a1b22c", "\\d+", "#"), "a#b#c");
        assert_eq!(r("john.doe", "(\\w+)\\.(\\w+)", "$2 $1"), "doe john");
        assert_eq!(r("abc", "(b)", "$1x"), "abxc");
        assert_eq!(
            r("abc", "(b)", "$10"),
            "ab0c",
            "$10 is group 1 then 0 when group 10 does not exist"
        );
        assert_eq!(r("a.b", "\\Q.\\E", "\\$"), "a$b");
        assert_eq!(r("/usr/bin/python3", "^.*/", ""), "python3");
    }

    #[test]
    fn unsupported_constructs_are_reported() {
        assert!(translate_java_regex("a(?=b)").is_err());
        assert!(translate_java_regex("(a)\\1").is_err());
        assert!(translate_java_regex("a*+").is_err());
        assert!(replace_all("a", "(a)", "$2").unwrap().is_err());
    }
}
