//! Where a query's text sits in its file: maps byte offsets in the query to byte offsets in the
//! file, so that an error at query line L:C is also reported at the right line of the TOML file.
//!
//! For `.esql` files and TOML literal strings (`'…'`, `'''…'''`) the query is a verbatim slice of
//! the file; for basic strings (`"…"`, `"""…"""`) escapes (`\"`, `\n`, `\u00e9`, a line-ending
//! backslash) make the query shorter than its source, so the map has one segment per run of
//! verbatim text. A newline right after a `'''`/`"""` opener is not part of the value (TOML).

/// A piecewise-linear map from query byte offsets to file byte offsets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceMap {
    /// `(query offset, file offset)` pairs, ascending: from each query offset on, bytes are copied
    /// verbatim from the file offset on, up to the next pair.
    segments: Vec<(usize, usize)>,
}

impl SourceMap {
    /// The query is the file text from `file_offset` on, verbatim.
    pub fn verbatim(file_offset: usize) -> SourceMap {
        SourceMap {
            segments: vec![(0, file_offset)],
        }
    }

    /// The file offset of query byte `offset`.
    pub fn file_offset(&self, offset: usize) -> usize {
        let i = self.segments.partition_point(|&(q, _)| q <= offset);
        let (q, f) = self.segments[i.saturating_sub(1)];
        f + offset.saturating_sub(q)
    }

    /// Maps the TOML string literal `raw` (its quotes included, as it appears at `file_offset` in
    /// the file) whose decoded value is `value`. When the literal cannot be decoded to exactly
    /// `value` (which would be a bug here, not in the file), falls back to a verbatim map from the
    /// start of the string's content, which is right up to the first escape.
    pub fn for_toml_string(raw: &str, file_offset: usize, value: &str) -> SourceMap {
        match decode(raw, file_offset) {
            Some((decoded, map)) if decoded == value => map,
            _ => SourceMap::verbatim(file_offset + content_start(raw)),
        }
    }
}

/// The byte offset of the first content byte in a TOML string literal.
fn content_start(raw: &str) -> usize {
    let opener = if raw.starts_with("'''") || raw.starts_with("\"\"\"") {
        3
    } else {
        1.min(raw.len())
    };
    let rest = raw.get(opener..).unwrap_or("");
    if opener == 3 {
        if rest.starts_with("\r\n") {
            return opener + 2;
        } else if rest.starts_with('\n') {
            return opener + 1;
        }
    }
    opener
}

/// Decodes a TOML string literal, building the map as it goes. `None` if it is not well formed.
fn decode(raw: &str, file_offset: usize) -> Option<(String, SourceMap)> {
    let multiline = raw.starts_with("'''") || raw.starts_with("\"\"\"");
    let literal = raw.starts_with('\'');
    let closer = if multiline { 3 } else { 1 };
    let start = content_start(raw);
    if raw.len() < start + closer {
        return None;
    }
    let body = raw.get(start..raw.len() - closer)?;
    let base = file_offset + start;
    if literal {
        return Some((body.to_owned(), SourceMap::verbatim(base)));
    }
    let mut out = String::with_capacity(body.len());
    let mut segments = vec![(0, base)];
    let mut chars = body.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let (_, e) = chars.next()?;
        match e {
            'b' => out.push('\u{8}'),
            't' => out.push('\t'),
            'n' => out.push('\n'),
            'f' => out.push('\u{c}'),
            'r' => out.push('\r'),
            'e' => out.push('\u{1b}'),
            '"' => out.push('"'),
            '\\' => out.push('\\'),
            'x' | 'u' | 'U' => {
                let len = match e {
                    'x' => 2,
                    'u' => 4,
                    _ => 8,
                };
                let hex: String = (0..len)
                    .map(|_| chars.next().map(|(_, h)| h))
                    .collect::<Option<_>>()?;
                out.push(char::from_u32(u32::from_str_radix(&hex, 16).ok()?)?);
            }
            ' ' | '\t' | '\r' | '\n' if multiline => {
                // A line-ending backslash: drop all whitespace and newlines up to the next content.
                while chars
                    .next_if(|&(_, w)| matches!(w, ' ' | '\t' | '\r' | '\n'))
                    .is_some()
                {}
            }
            _ => return None,
        }
        let next = chars.peek().map_or(body.len(), |&(j, _)| j);
        debug_assert!(next > i);
        segments.push((out.len(), base + next));
    }
    Some((out, SourceMap { segments }))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Checks that every query byte maps to a file byte holding the same text when verbatim.
    fn check(file: &str, raw_start: usize, raw_end: usize, value: &str, probes: &[(&str, &str)]) {
        let raw = &file[raw_start..raw_end];
        let map = SourceMap::for_toml_string(raw, raw_start, value);
        for (needle_in_query, expect_at_file) in probes {
            let q = value.find(needle_in_query).expect("probe in query");
            let f = map.file_offset(q);
            assert!(
                file[f..].starts_with(expect_at_file),
                "{needle_in_query:?} mapped to {:?}",
                &file[f..]
            );
        }
    }

    #[test]
    fn literal_multiline_skips_the_newline_after_the_opener() {
        let file = "query = '''\nfrom a\n| where b\n'''\n";
        let start = file.find("'''").unwrap();
        let end = file.rfind("'''").unwrap() + 3;
        check(
            file,
            start,
            end,
            "from a\n| where b\n",
            &[("from", "from"), ("where", "where b")],
        );
        let map = SourceMap::for_toml_string(&file[start..end], start, "from a\n| where b\n");
        assert_eq!(map.file_offset(0), file.find("from").unwrap());
    }

    #[test]
    fn crlf_after_the_opener_is_skipped_too() {
        let file = "query = '''\r\nfrom a\r\n'''";
        let start = 8;
        check(file, start, file.len(), "from a\r\n", &[("from", "from a")]);
    }

    #[test]
    fn literal_single_line_starts_after_the_quote() {
        let file = "query = 'from a | limit 1'";
        check(
            file,
            8,
            file.len(),
            "from a | limit 1",
            &[("limit", "limit 1")],
        );
    }

    #[test]
    fn basic_strings_account_for_escapes() {
        let file = r#"query = "from a | where x == \"é\" and y == \u00e9 | limit 1""#;
        let value = "from a | where x == \"é\" and y == é | limit 1";
        check(
            file,
            8,
            file.len(),
            value,
            &[("where", "where"), ("and", "and y"), ("limit", "limit 1")],
        );
    }

    #[test]
    fn basic_multiline_with_line_ending_backslash() {
        let file = "query = \"\"\"\nfrom a \\\n    | where b\n| limit 1\"\"\"";
        let value = "from a | where b\n| limit 1";
        check(
            file,
            8,
            file.len(),
            value,
            &[
                ("from", "from a"),
                ("| where", "| where b"),
                ("limit", "limit 1"),
            ],
        );
    }

    #[test]
    fn a_mismatching_value_falls_back_to_verbatim() {
        let file = "query = '''\nabc'''";
        let map = SourceMap::for_toml_string(&file[8..], 8, "something else");
        assert_eq!(map.file_offset(0), 12);
        assert_eq!(map.file_offset(2), 14);
    }

    #[test]
    fn verbatim_maps_with_an_offset() {
        let map = SourceMap::verbatim(10);
        assert_eq!(map.file_offset(0), 10);
        assert_eq!(map.file_offset(5), 15);
    }
}
