//! ES|QL text for generated queries: quoted names, literals of every type, and LIKE/RLIKE patterns
//! built from values that occur in the data.

use esql::{DataType, Value};

use crate::harness::choices::Choices;

/// A column name as ES|QL text: unquoted when every dotted part is a plain identifier, otherwise in
/// backticks (inner backticks doubled).
pub fn name(n: &str) -> String {
    let plain_part = |p: &str| {
        let mut chars = p.chars();
        match chars.next() {
            Some(c) if c.is_ascii_alphabetic() => {}
            Some('_' | '@') if p.len() > 1 => {}
            _ => return false,
        }
        p.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '@')
    };
    if !n.is_empty() && n.split('.').all(|p| plain_part(p) && !is_keyword(p)) {
        n.to_owned()
    } else {
        format!("`{}`", n.replace('`', "``"))
    }
}

fn is_keyword(n: &str) -> bool {
    const WORDS: &[&str] = &[
        "and", "as", "asc", "by", "desc", "false", "first", "in", "is", "last", "like", "metadata",
        "not", "null", "nulls", "or", "rlike", "true", "with", "on", "where",
    ];
    WORDS.contains(&n.to_ascii_lowercase().as_str())
}

/// A double-quoted string literal whose value is `s`.
pub fn string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A literal (or a conversion of one) with value `v` for a column of type `t`; `None` when `v` has
/// no literal form (NaN, the smallest long, …).
pub fn literal(v: &Value, t: DataType) -> Option<String> {
    Some(match (v, t) {
        (Value::Keyword(s), _) => string(s),
        (Value::Boolean(b), _) => b.to_string(),
        (Value::Integer(i), _) => i.to_string(),
        (Value::Long(i), _) if *i == i64::MIN => return None,
        (Value::Long(i), _) => i.to_string(),
        (Value::UnsignedLong(u), _) => format!("to_unsigned_long({})", string(&u.to_string())),
        (Value::Double(d), _) if !d.is_finite() => return None,
        (Value::Double(d), _) => double(*d),
        (Value::Date(ms), _) => format!("to_datetime({})", string(&esql::format::date_millis(*ms))),
        (Value::Ip(ip), _) => format!("to_ip({})", string(&ip.to_string())),
        (Value::Version(s), _) => format!("to_version({})", string(s)),
        _ => return None,
    })
}

/// A double literal that lexes as a decimal (always with a `.` or an exponent).
pub fn double(d: f64) -> String {
    let s = format!("{d:?}");
    if s.contains(['.', 'e', 'E']) {
        s
    } else {
        format!("{s}.0")
    }
}

/// Escapes LIKE wildcards (`*`, `?`) and `\` so the pattern matches `s` literally.
pub fn like_escape(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if matches!(c, '*' | '?' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Escapes Lucene RegExp operators so the pattern matches `s` literally.
pub fn regex_escape(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if "\\.?+*|{}[]()\"#@&<>~^$".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Splits `s` at a char boundary near `at` chars.
fn split_chars(s: &str, at: usize) -> (&str, &str) {
    let idx = s.char_indices().nth(at).map(|(i, _)| i).unwrap_or(s.len());
    s.split_at(idx)
}

/// A LIKE pattern derived from `s`: exact, prefix, suffix, infix, one `?`, or match-all.
pub fn like_pattern(c: &mut Choices<'_>, s: &str) -> String {
    let n = s.chars().count();
    let at = c.below(n + 1);
    let (head, tail) = split_chars(s, at);
    match c.weighted(&[4, 5, 4, 3, 3, 1, 1]) {
        0 => like_escape(s),
        1 => format!("{}*", like_escape(head)),
        2 => format!("*{}", like_escape(tail)),
        3 => {
            let (mid, _) = split_chars(tail, c.below(4) + 1);
            format!("*{}*", like_escape(mid))
        }
        4 => {
            // Replace one character by `?`.
            let (one, rest) = split_chars(tail, 1);
            if one.is_empty() {
                format!("{}?", like_escape(head))
            } else {
                format!("{}?{}", like_escape(head), like_escape(rest))
            }
        }
        5 => "*".to_owned(),
        _ => format!(
            "{}*{}",
            like_escape(head),
            like_escape(&tail.to_uppercase())
        ),
    }
}

/// An RLIKE pattern derived from `s` (and possibly a second value `t`).
pub fn rlike_pattern(c: &mut Choices<'_>, s: &str, t: &str) -> String {
    let n = s.chars().count();
    let (head, tail) = split_chars(s, c.below(n + 1));
    match c.weighted(&[4, 5, 4, 3, 2, 1, 1]) {
        0 => regex_escape(s),
        1 => format!("{}.*", regex_escape(head)),
        2 => format!(".*{}", regex_escape(tail)),
        3 => format!("({})|({})", regex_escape(s), regex_escape(t)),
        4 => format!("{}[a-z0-9]*.*", regex_escape(head)),
        5 => ".*".to_owned(),
        _ => format!("{}.{{0,3}}", regex_escape(head)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_quoted_only_when_needed() {
        assert_eq!(name("process.name"), "process.name");
        assert_eq!(name("@timestamp"), "@timestamp");
        assert_eq!(name("abs(x)"), "`abs(x)`");
        assert_eq!(name("a`b"), "`a``b`");
        assert_eq!(name("process.1x"), "`process.1x`");
        assert_eq!(name("by"), "`by`");
        assert_eq!(name("destination.as.number"), "`destination.as.number`");
    }

    #[test]
    fn strings_and_doubles_lex_back() {
        assert_eq!(string("a\"b\\c\n"), r#""a\"b\\c\n""#);
        assert_eq!(double(1.0), "1.0");
        assert_eq!(double(1e300), "1e300");
        assert_eq!(literal(&Value::Long(i64::MIN), DataType::Long), None);
    }

    #[test]
    fn escapes_make_patterns_literal() {
        assert_eq!(like_escape("a*b?\\"), "a\\*b\\?\\\\");
        assert_eq!(regex_escape("a.b"), "a\\.b");
    }
}
