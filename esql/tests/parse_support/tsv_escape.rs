//! The escapes of the recorded-verdict TSV files (`\n`, `\r`, `\t`, `\<char>`), shared by the
//! parser test binaries that read them (included with `#[path]`).

/// Undoes the TSV escapes of one cell.
pub fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('t') => out.push('\t'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}
