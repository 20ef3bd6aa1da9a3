//! The bytes Elasticsearch stores for a `version` value (the version field's sortable encoding), which
//! is what COUNT_DISTINCT hashes for versions.
//!
//! A legal semantic version — main part `0|[1-9][0-9]*` numbers joined by dots, optional pre-release
//! `-id(.id)*` (ids `0`, `[1-9][0-9]*` or `[0-9]*[a-zA-Z-][0-9a-zA-Z-]*`), optional build `+id(.id)*`
//! (ids `[0-9a-zA-Z-]+`), at most 32 ids per part — is encoded as:
//! - every run of digits of the main part as `0x01`, `0x80 | length`, the digits; other bytes (dots) as is;
//! - then, with a pre-release, `0x02`, `-`, and its ids joined by `.`: an all-digit id encoded like a
//!   digit run, any other id as is; without one, `0x03`;
//! - then the build suffix as is (with its `+`).
//!
//! The pre-release starts at the first `-` and the build at the first `+`, each only when not at the
//! start of the string. Any other string is stored as its UTF-8 bytes, the empty string as `0x03`.
//! A digit run of 128 digits or more, or one of the first three numbers of a part beyond `i32`, makes
//! Elasticsearch refuse the value; for those this returns `None`.

/// The `version` field's stored bytes for `s`, or `None` when Elasticsearch cannot encode it.
pub fn encode(s: &str) -> Option<Vec<u8>> {
    let (rest, build) = split_suffix(s, '+');
    let (main, pre) = split_suffix(rest, '-');
    if too_many_ids(main) || pre.is_some_and(too_many_ids) || build.is_some_and(too_many_ids) {
        return Some(illegal(s));
    }
    let legal_main = main.split('.').all(is_number);
    let legal_pre = pre.is_none_or(|p| {
        p.strip_prefix('-')
            .is_some_and(|ids| ids.split('.').all(is_pre_release_id))
    });
    let legal_build = build.is_none_or(|b| {
        b.strip_prefix('+').is_some_and(|ids| {
            ids.split('.')
                .all(|id| !id.is_empty() && id.bytes().all(is_id_byte))
        })
    });
    if !(legal_main && legal_pre && legal_build) {
        return Some(illegal(s));
    }
    let mut out = Vec::with_capacity(s.len() + 8);
    digit_groups(main, &mut out)?;
    match pre {
        Some(p) => {
            out.push(0x02);
            out.push(b'-');
            for (i, id) in p[1..].split('.').enumerate() {
                if i > 0 {
                    out.push(b'.');
                }
                if id.bytes().all(|b| b.is_ascii_digit()) {
                    digit_groups(id, &mut out)?;
                } else {
                    out.extend_from_slice(id.as_bytes());
                }
            }
        }
        None => out.push(0x03),
    }
    if let Some(b) = build {
        out.extend_from_slice(b.as_bytes());
    }
    Some(out)
}

/// `(before, Some(from the separator on))` when `sep` occurs after the first character.
fn split_suffix(s: &str, sep: char) -> (&str, Option<&str>) {
    match s.find(sep) {
        Some(i) if i > 0 => (&s[..i], Some(&s[i..])),
        _ => (s, None),
    }
}

fn too_many_ids(part: &str) -> bool {
    part.bytes().filter(|&b| b == b'.').count() + 1 > 32
}

fn illegal(s: &str) -> Vec<u8> {
    if s.is_empty() {
        vec![0x03]
    } else {
        s.as_bytes().to_vec()
    }
}

/// `0|[1-9][0-9]*`
fn is_number(id: &str) -> bool {
    id == "0"
        || (id.starts_with(|c: char| ('1'..='9').contains(&c))
            && id.bytes().all(|b| b.is_ascii_digit()))
}

fn is_id_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-'
}

/// `0|[1-9][0-9]*|[0-9]*[a-zA-Z-][0-9a-zA-Z-]*`
fn is_pre_release_id(id: &str) -> bool {
    if is_number(id) {
        return true;
    }
    let digits = id.bytes().take_while(u8::is_ascii_digit).count();
    let rest = &id.as_bytes()[digits..];
    rest.first()
        .is_some_and(|&b| b.is_ascii_alphabetic() || b == b'-')
        && rest.iter().all(|&b| is_id_byte(b))
}

/// Appends `input` with each run of ASCII digits prefixed by `0x01` and `0x80 | length`; `None` for a run
/// of 128 digits or more, or when one of the first three runs does not fit an `i32`.
fn digit_groups(input: &str, out: &mut Vec<u8>) -> Option<()> {
    let bytes = input.as_bytes();
    let (mut pos, mut runs) = (0, 0);
    while pos < bytes.len() {
        if bytes[pos].is_ascii_digit() {
            let start = pos;
            while pos < bytes.len() && bytes[pos].is_ascii_digit() {
                pos += 1;
            }
            let run = &input[start..pos];
            if run.len() >= 128 {
                return None;
            }
            if runs < 3 {
                run.parse::<i32>().ok()?;
                runs += 1;
            }
            out.push(0x01);
            out.push(0x80 | run.len() as u8);
            out.extend_from_slice(run.as_bytes());
        } else {
            out.push(bytes[pos]);
            pos += 1;
        }
    }
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn digits(d: &str) -> Vec<u8> {
        let mut v = vec![0x01, 0x80 | d.len() as u8];
        v.extend_from_slice(d.as_bytes());
        v
    }

    #[test]
    fn legal_versions_encode_digit_runs_and_markers() {
        let mut v = digits("1");
        v.push(b'.');
        v.extend(digits("2"));
        v.push(b'.');
        v.extend(digits("33"));
        v.push(0x03);
        assert_eq!(encode("1.2.33"), Some(v.clone()));
        let mut b = v.clone();
        b.extend_from_slice(b"+build.5");
        assert_eq!(encode("1.2.33+build.5"), Some(b));
        let mut p = digits("1");
        p.push(b'.');
        p.extend(digits("0"));
        p.extend([0x02, b'-']);
        p.extend_from_slice(b"alpha.");
        p.extend(digits("10"));
        p.push(b'.');
        p.extend_from_slice(b"x-1");
        assert_eq!(encode("1.0-alpha.10.x-1"), Some(p));
    }

    #[test]
    fn illegal_strings_keep_their_bytes() {
        for s in [
            "1..2",
            "01.2",
            "1.2-",
            "1.2-007",
            "1.2+",
            "1.2+a..b",
            "-1",
            "abc",
            "1.2-a+b+c",
        ] {
            assert_eq!(encode(s), Some(s.as_bytes().to_vec()), "{s}");
        }
        assert_eq!(encode(""), Some(vec![0x03]));
        let many = vec!["1"; 33].join(".");
        assert_eq!(encode(&many), Some(many.as_bytes().to_vec()));
        assert_ne!(
            encode(&vec!["1"; 32].join(".")),
            Some(vec!["1"; 32].join(".").into_bytes())
        );
    }

    #[test]
    fn unencodable_numbers_are_refused() {
        assert_eq!(encode("1.2.2147483648"), None);
        assert!(encode("1.2.3.2147483648").is_some());
        assert_eq!(encode(&format!("1.{}", "9".repeat(128))), None);
    }

    /// The encoding exists to sort like the version field: byte order of encodings agrees with
    /// [`crate::version::compare`] on legal versions.
    #[test]
    fn byte_order_follows_version_precedence() {
        let vs = [
            "1.0.0-alpha",
            "1.0.0-alpha.1",
            "1.0.0-alpha.beta",
            "1.0.0-beta",
            "1.0.0-beta.2",
            "1.0.0-beta.11",
            "1.0.0-rc.1",
            "1.0.0",
            "1.2",
            "1.2.3",
            "1.10.0",
            "2.0.0",
            "10.0.0",
        ];
        for a in vs {
            for b in vs {
                assert_eq!(
                    encode(a).cmp(&encode(b)),
                    crate::version::compare(a, b),
                    "{a} vs {b}"
                );
            }
        }
    }
}
