//! Java's number parsing and rounding, as Elasticsearch's conversions use them (`Double.parseDouble`,
//! `Long.parseLong`, `Math.round`). Shared by both evaluators.

/// Java's `Math.round`: floor(x + 1/2), computed exactly.
pub fn java_round(x: f64) -> f64 {
    let f = x.floor();
    if x - f >= 0.5 { f + 1.0 } else { f }
}

/// Java's `Double.parseDouble` (leading/trailing whitespace and control characters trimmed).
pub fn parse_java_double(s: &str) -> Option<f64> {
    let t = s.trim_matches(|c: char| c <= ' ');
    let t = t.strip_suffix(['d', 'D', 'f', 'F']).unwrap_or(t);
    match t {
        "NaN" | "+NaN" | "-NaN" => return Some(f64::NAN),
        "Infinity" | "+Infinity" => return Some(f64::INFINITY),
        "-Infinity" => return Some(f64::NEG_INFINITY),
        _ => {}
    }
    if t.is_empty()
        || !t
            .bytes()
            .all(|b| b.is_ascii_digit() || b"+-.eE".contains(&b))
    {
        return None;
    }
    t.parse().ok()
}

/// Java's `Long.parseLong` (optional sign, ASCII digits, no spaces).
pub fn parse_java_long(s: &str) -> Option<i64> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn java_round_is_half_up() {
        assert_eq!(java_round(2.5), 3.0);
        assert_eq!(java_round(-2.5), -2.0);
        assert_eq!(java_round(-2.6), -3.0);
    }

    #[test]
    fn java_parsing() {
        assert_eq!(parse_java_double(" 1.5d "), Some(1.5));
        assert!(parse_java_double("NaN").unwrap().is_nan());
        assert_eq!(parse_java_double("0x10"), None);
        assert_eq!(parse_java_long("+12"), Some(12));
        assert_eq!(parse_java_long("1 2"), None);
        assert_eq!(parse_java_long(""), None);
    }
}
