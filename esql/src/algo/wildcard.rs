//! LIKE wildcard patterns: `*` matches any sequence (also empty), `?` exactly one character, `\` makes
//! the next character literal (a trailing `\` is itself literal, as Lucene's WildcardQuery reads it);
//! matching is anchored and case-sensitive. Shared by both evaluators, together with [`classify`], which
//! sorts a pattern into the cheap matcher shapes (exact, prefix, suffix, contains) the engine uses.

/// One element of a parsed wildcard pattern.
#[derive(Debug, Clone, PartialEq)]
pub enum Token {
    /// A literal character.
    Char(char),
    /// `?`
    One,
    /// `*`
    Any,
}

/// The tokens of a pattern, after `\` escapes.
pub fn tokens(pattern: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        out.push(match c {
            '*' => Token::Any,
            '?' => Token::One,
            '\\' => Token::Char(chars.next().unwrap_or('\\')),
            other => Token::Char(other),
        });
    }
    out
}

/// True when `pattern` matches every string (it is made only of `*`).
pub fn matches_all(pattern: &str) -> bool {
    !pattern.is_empty() && tokens(pattern).iter().all(|t| *t == Token::Any)
}

/// Whether `text` matches the wildcard `pattern` as a whole.
pub fn wildcard_match(pattern: &str, text: &str) -> bool {
    let p = tokens(pattern);
    let t: Vec<char> = text.chars().collect();
    // Classic greedy matching with one backtrack point for the last `*`.
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        match p.get(pi) {
            Some(Token::Any) => {
                star = Some((pi, ti));
                pi += 1;
            }
            Some(Token::One) => {
                pi += 1;
                ti += 1;
            }
            Some(Token::Char(c)) if *c == t[ti] => {
                pi += 1;
                ti += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    pi = sp + 1;
                    ti = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    p[pi..].iter().all(|t| *t == Token::Any)
}

/// The shape of a wildcard pattern, for matchers cheaper than the general algorithm.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Shape {
    /// No wildcard: the whole string equals this.
    Exact(String),
    /// `lit*`.
    Prefix(String),
    /// `*lit`.
    Suffix(String),
    /// `*lit*`.
    Contains(String),
    /// Only `*`s: matches everything.
    All,
    /// Anything else (`?`, several literal runs).
    General,
}

/// The shape of `pattern`.
pub fn classify(pattern: &str) -> Shape {
    let toks = tokens(pattern);
    if toks.contains(&Token::One) {
        return Shape::General;
    }
    let lead = toks.first() == Some(&Token::Any);
    let trail = toks.len() > 1 && toks.last() == Some(&Token::Any);
    let inner = &toks[usize::from(lead)..toks.len() - usize::from(trail)];
    if pattern.is_empty() {
        return Shape::Exact(String::new());
    }
    if inner.is_empty() || inner.iter().all(|t| *t == Token::Any) {
        return if toks.iter().all(|t| *t == Token::Any) {
            Shape::All
        } else {
            Shape::General
        };
    }
    if inner.contains(&Token::Any) {
        return Shape::General;
    }
    let lit: String = inner
        .iter()
        .map(|t| match t {
            Token::Char(c) => *c,
            _ => unreachable!("only characters remain"),
        })
        .collect();
    match (lead, trail) {
        (false, false) => Shape::Exact(lit),
        (false, true) => Shape::Prefix(lit),
        (true, false) => Shape::Suffix(lit),
        (true, true) => Shape::Contains(lit),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_match_whole_string() {
        assert!(wildcard_match("php-fpm*", "php-fpm8.2"));
        assert!(!wildcard_match("*.sh", "run.shx"));
        assert!(wildcard_match("a?c", "abc"));
        assert!(wildcard_match("*", ""));
        assert!(!wildcard_match("", "a"));
        assert!(wildcard_match(r"C:\\*", r"C:\foo"));
        assert!(wildcard_match("a\\", "a\\"));
        assert!(matches_all("**"));
        assert!(!matches_all(""));
    }

    #[test]
    fn shapes() {
        assert_eq!(classify("/tmp/*"), Shape::Prefix("/tmp/".into()));
        assert_eq!(classify("*.sh"), Shape::Suffix(".sh".into()));
        assert_eq!(classify("*.lua*"), Shape::Contains(".lua".into()));
        assert_eq!(classify("bash"), Shape::Exact("bash".into()));
        assert_eq!(classify(r"a\*"), Shape::Exact("a*".into()));
        assert_eq!(classify(r"a\\*"), Shape::Prefix("a\\".into()));
        assert_eq!(classify("**"), Shape::All);
        assert_eq!(classify("a?"), Shape::General);
        assert_eq!(classify("a*b"), Shape::General);
        assert_eq!(classify(""), Shape::Exact(String::new()));
        assert_eq!(classify("*"), Shape::All);
    }

    /// Every shape agrees with the general matcher.
    #[test]
    fn shapes_agree_with_general_matching() {
        let pats = [
            "/tmp/*", "*.sh", "*.lua*", "bash", r"a\\*", "**", "*a*", "a*", "*", "", "x",
        ];
        let texts = [
            "", "a", "a*", "/tmp/x", "run.sh", "x.lua.y", "bash", "ba", "xa", "x",
        ];
        for p in pats {
            for t in texts {
                let fast = match classify(p) {
                    Shape::Exact(l) => Some(t == l),
                    Shape::Prefix(l) => Some(t.starts_with(&l)),
                    Shape::Suffix(l) => Some(t.ends_with(&l)),
                    Shape::Contains(l) => Some(t.contains(&l)),
                    Shape::All => Some(true),
                    Shape::General => None,
                };
                if let Some(f) = fast {
                    assert_eq!(f, wildcard_match(p, t), "{p} {t}");
                }
            }
        }
    }
}
