//! Ordering of `version` values as Elasticsearch's version field type orders them.
//!
//! Legal semantic versions (`1.2.3`, `1.2.3-alpha.1`) order by numeric parts, then a release sorts after
//! its pre-releases, then pre-release identifiers compare numerically when both are numbers, otherwise by
//! bytes. Strings that are not semantic versions sort after all legal versions, by bytes.

use std::cmp::Ordering;

/// Compares two version strings in ES's order.
pub fn compare(a: &str, b: &str) -> Ordering {
    match (parse(a), parse(b)) {
        (Some(x), Some(y)) => x
            .main
            .iter()
            .zip(&y.main)
            .map(|(p, q)| p.cmp(q))
            .find(|o| o.is_ne())
            .unwrap_or_else(|| x.main.len().cmp(&y.main.len()))
            .then_with(|| compare_pre(&x.pre, &y.pre)),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => a.as_bytes().cmp(b.as_bytes()),
    }
}

struct Parsed<'a> {
    main: Vec<u64>,
    pre: Option<Vec<&'a str>>,
}

fn parse(s: &str) -> Option<Parsed<'_>> {
    let s = s.split('+').next()?;
    let (main, pre) = match s.split_once('-') {
        Some((m, p)) => (m, Some(p)),
        None => (s, None),
    };
    let main = main
        .split('.')
        .map(|p| {
            if p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) {
                None
            } else {
                p.parse().ok()
            }
        })
        .collect::<Option<Vec<u64>>>()?;
    let pre = match pre {
        Some("") => return None,
        Some(p) => Some(p.split('.').collect()),
        None => None,
    };
    Some(Parsed { main, pre })
}

fn compare_pre(a: &Option<Vec<&str>>, b: &Option<Vec<&str>>) -> Ordering {
    match (a, b) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Greater,
        (Some(_), None) => Ordering::Less,
        (Some(x), Some(y)) => {
            for (p, q) in x.iter().zip(y) {
                let o = match (p.parse::<u64>(), q.parse::<u64>()) {
                    (Ok(m), Ok(n)) => m.cmp(&n),
                    (Ok(_), Err(_)) => Ordering::Less,
                    (Err(_), Ok(_)) => Ordering::Greater,
                    _ => p.as_bytes().cmp(q.as_bytes()),
                };
                if o.is_ne() {
                    return o;
                }
            }
            x.len().cmp(&y.len())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn semver_order() {
        assert_eq!(compare("1.2.3", "1.10.0"), Ordering::Less);
        assert_eq!(compare("1.0.0-alpha", "1.0.0"), Ordering::Less);
        assert_eq!(compare("1.0.0-alpha.2", "1.0.0-alpha.10"), Ordering::Less);
        assert_eq!(compare("bad", "1.0"), Ordering::Greater);
    }
}
