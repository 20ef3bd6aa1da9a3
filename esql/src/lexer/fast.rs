//! Fast paths of the lexer for the common cases, each giving exactly what [`super::modes::next`]
//! gives there.
//!
//! Most of a query is white space, comments and expression-mode tokens (names, dots, commas,
//! strings, operators). Offering every rule of the mode to a [`super::Best`] costs more than
//! those tokens need: here they are recognised directly, and everything else (numbers,
//! backquotes, parameters, the other modes' tokens, and any input no rule matches) goes to the
//! general rules. Only successful matches are taken here, so the furthest offset examined, which
//! only a failed match reports, is never needed.

use super::scan::{Scan, is_letter, is_ws};
use super::{Mode, ModeOp, TokenKind as K};

const NONE: &[ModeOp] = &[];
const POP: &[ModeOp] = &[ModeOp::Pop];
const POP2: &[ModeOp] = &[ModeOp::Pop, ModeOp::Pop];
const PUSH_EXPR2: &[ModeOp] = &[
    ModeOp::Push(Mode::Expression),
    ModeOp::Push(Mode::Expression),
];
const PUSH_IN: &[ModeOp] = &[ModeOp::Push(Mode::In)];

/// What the fast path found at an offset.
pub(crate) enum Fast {
    /// Hidden text (white space or a line comment) up to this end offset.
    Skip(usize),
    /// A token of this kind up to this end offset, with its mode commands.
    Token(K, usize, &'static [ModeOp]),
    /// Not a fast case: use the general rules.
    Slow,
}

/// The fast-path match at `i` in `mode`.
#[inline]
pub(crate) fn next(mode: Mode, b: &[u8], i: usize) -> Fast {
    let c = b[i];
    // White space and `//` comments are hidden in every mode but IN (which re-reads them in the
    // enclosing mode) and PROMQL, and no other rule of those modes starts with them or matches
    // as long: `/` alone is at most one character, and `//` ends an unquoted source.
    if !matches!(mode, Mode::In | Mode::Promql) {
        if is_ws(c) {
            return Fast::Skip(run(b, i + 1, |c| WS[c as usize]));
        }
        if c == b'/' && b.get(i + 1) == Some(&b'/') {
            return Fast::Skip(line_comment_end(b, i + 2));
        }
    }
    match mode {
        Mode::Expression => expression(b, i, c),
        Mode::Project => project(b, i, c, false),
        Mode::Rename => project(b, i, c, true),
        _ => Fast::Slow,
    }
}

/// PROJECT mode (KEEP, DROP) and, with `rename`, RENAME mode (see `modes::project`).
#[inline]
fn project(b: &[u8], i: usize, c: u8, rename: bool) -> Fast {
    let one = |kind| Fast::Token(kind, i + 1, NONE);
    match c {
        b'|' => Fast::Token(K::Pipe, i + 1, POP),
        b')' => Fast::Token(K::Rp, i + 1, POP2),
        b'.' => one(K::Dot),
        b'[' => one(K::OpeningBracket),
        b']' => one(K::ClosingBracket),
        b',' => one(K::Comma),
        b'=' if rename => one(K::Assign),
        c if is_letter(c) || matches!(c, b'*' | b'_' | b'@' | b'`') => {
            match Scan::new(b).id_pattern(i) {
                // `AS` is listed before ID_PATTERN: it wins a tie.
                Some(end) if rename && end == i + 2 && b[i..end].eq_ignore_ascii_case(b"as") => {
                    Fast::Token(K::As, end, NONE)
                }
                Some(end) => Fast::Token(K::IdPattern, end, NONE),
                None => Fast::Slow,
            }
        }
        _ => Fast::Slow,
    }
}

/// Expression mode (see `modes::expression`).
#[inline]
fn expression(b: &[u8], i: usize, c: u8) -> Fast {
    let one = |kind| Fast::Token(kind, i + 1, NONE);
    let next = b.get(i + 1).copied();
    match c {
        c if is_letter(c) => {
            let end = run(b, i + 1, |c| ID_BODY[c as usize]);
            match expression_keyword(&b[i..end]) {
                Some(K::In) => Fast::Token(K::In, end, PUSH_IN),
                Some(kind) => Fast::Token(kind, end, NONE),
                None => Fast::Token(K::UnquotedIdentifier, end, NONE),
            }
        }
        b'_' | b'@' => {
            let end = run(b, i + 1, |c| ID_BODY[c as usize]);
            if end > i + 1 {
                Fast::Token(K::UnquotedIdentifier, end, NONE)
            } else {
                Fast::Slow
            }
        }
        // `""` may start a triple-quoted string: the general rule decides.
        b'"' if !(next == Some(b'"') && b.get(i + 2) == Some(&b'"')) => {
            match regular_string(b, i) {
                Some(end) => Fast::Token(K::QuotedString, end, NONE),
                None => Fast::Slow,
            }
        }
        // A dot before a digit may start a decimal literal.
        b'.' if !next.is_some_and(|d| d.is_ascii_digit()) => one(K::Dot),
        b'|' => Fast::Token(K::Pipe, i + 1, POP),
        b',' => one(K::Comma),
        b'(' => Fast::Token(K::Lp, i + 1, PUSH_EXPR2),
        b')' => Fast::Token(K::Rp, i + 1, POP2),
        b'[' => Fast::Token(K::OpeningBracket, i + 1, PUSH_EXPR2),
        b']' => Fast::Token(K::ClosingBracket, i + 1, POP2),
        b'=' => match next {
            Some(b'=') => Fast::Token(K::Eq, i + 2, NONE),
            Some(b'~') => Fast::Token(K::CiEq, i + 2, NONE),
            _ => one(K::Assign),
        },
        b'!' if next == Some(b'=') => Fast::Token(K::Neq, i + 2, NONE),
        b'<' if next == Some(b'=') => Fast::Token(K::Lte, i + 2, NONE),
        b'<' => one(K::Lt),
        b'>' if next == Some(b'=') => Fast::Token(K::Gte, i + 2, NONE),
        b'>' => one(K::Gt),
        b':' if next == Some(b':') => Fast::Token(K::CastOp, i + 2, NONE),
        b':' => one(K::Colon),
        b';' => one(K::Semicolon),
        b'+' => one(K::Plus),
        b'-' => one(K::Minus),
        b'*' => one(K::Asterisk),
        // `//` was taken above; `/*` may start a comment.
        b'/' if next != Some(b'*') => one(K::Slash),
        b'%' => one(K::Percent),
        b'{' => one(K::LeftBraces),
        b'}' => one(K::RightBraces),
        _ => Fast::Slow,
    }
}

/// `LETTER | DIGIT | '_'` as a table.
static ID_BODY: [bool; 256] = {
    let mut t = [false; 256];
    let mut c = 0;
    while c < 256 {
        t[c] = (c as u8).is_ascii_alphanumeric() || c as u8 == b'_';
        c += 1;
    }
    t
};

/// `[ \t\r\n]` as a table.
static WS: [bool; 256] = {
    let mut t = [false; 256];
    t[b' ' as usize] = true;
    t[b'\t' as usize] = true;
    t[b'\r' as usize] = true;
    t[b'\n' as usize] = true;
    t
};

/// The bytes that end a run of ordinary characters in a regular string.
static STRING_STOP: [bool; 256] = {
    let mut t = [false; 256];
    t[b'"' as usize] = true;
    t[b'\\' as usize] = true;
    t[b'\r' as usize] = true;
    t[b'\n' as usize] = true;
    t
};

/// A regular (not triple-quoted) `QUOTED_STRING` at `i` (a `"`): its end, or `None` where the
/// rule fails (a line break, an unknown escape or the end of input before the closing quote).
#[inline]
fn regular_string(b: &[u8], i: usize) -> Option<usize> {
    let mut j = i + 1;
    loop {
        j = run(b, j, |c| !STRING_STOP[c as usize]);
        match *b.get(j)? {
            b'"' => return Some(j + 1),
            b'\\' => match *b.get(j + 1)? {
                b't' | b'n' | b'r' | b'T' | b'N' | b'R' | b'"' | b'\\' => j += 2,
                _ => return None,
            },
            _ => return None,
        }
    }
}

/// The end of the run of bytes satisfying `f` from `i`.
#[inline]
fn run(b: &[u8], mut i: usize, f: impl Fn(u8) -> bool) -> usize {
    while i < b.len() && f(b[i]) {
        i += 1;
    }
    i
}

/// The end of a line comment whose text starts at `i`: `~[\r\n]* '\r'? '\n'?`.
#[inline]
fn line_comment_end(b: &[u8], i: usize) -> usize {
    let mut j = memchr::memchr2(b'\r', b'\n', &b[i..]).map_or(b.len(), |k| i + k);
    if b.get(j) == Some(&b'\r') {
        j += 1;
    }
    if b.get(j) == Some(&b'\n') {
        j += 1;
    }
    j
}

/// The expression-mode keyword spelled by `word` (ASCII case-insensitive), as
/// `lookup(EXPRESSION_KEYWORDS, word)` but without scanning the table.
#[inline]
pub(crate) fn expression_keyword(word: &[u8]) -> Option<K> {
    if !(2..=5).contains(&word.len()) {
        return None;
    }
    let mut buf = [0u8; 5];
    for (d, s) in buf.iter_mut().zip(word) {
        *d = s.to_ascii_lowercase();
    }
    Some(match &buf[..word.len()] {
        b"and" => K::And,
        b"asc" => K::Asc,
        b"by" => K::By,
        b"desc" => K::Desc,
        b"false" => K::False,
        b"first" => K::First,
        b"in" => K::In,
        b"is" => K::Is,
        b"last" => K::Last,
        b"like" => K::Like,
        b"not" => K::Not,
        b"null" => K::Null,
        b"nulls" => K::Nulls,
        b"on" => K::On,
        b"or" => K::Or,
        b"rlike" => K::RLike,
        b"true" => K::True,
        b"with" => K::With,
        b"where" => K::Where,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::super::{Token, keywords, lex};
    use super::*;
    use proptest::prelude::*;

    /// Tokens and error with and without the fast paths.
    fn both(src: &str) -> [(Vec<Token>, Option<super::super::LexError>); 2] {
        let mut fast = Vec::new();
        let fast_err = lex::<true>(src, &mut fast);
        let mut slow = Vec::new();
        let slow_err = lex::<false>(src, &mut slow);
        [(fast, fast_err), (slow, slow_err)]
    }

    #[test]
    fn fast_paths_lex_like_the_general_rules() {
        let cases = [
            "FROM logs-* | WHERE a.b == \"x\" and c.d IN (1, 2) // c\n| KEEP a*, `b`",
            "ROW a = .5, b = a.5, c = 1.e3, d = x::long, e = [1,2], f = {\"k\": 1} | EVAL x=~\"a\"",
            "ROW a = 1 /* c */ / 2 /x, b = a != c, d = a ! c, e = _ , f = @x, g = _1, h = é",
            "FROM a | WHERE x : \"y\" OR y <= 2 AND z >= 3 OR w < 1 OR v > 2; x",
            "FROM a | WHERE ) ) )",
            "FROM a | STATS c = count(*) BY x | SORT c DESC NULLS LAST | LIMIT 10",
            "FROM a | WHERE x IN (FROM b) | EVAL y = \"\"\"raw \\d\"\"\"",
            "FROM a | WHERE \"unterminated",
            "ROW a = \"x\\ty\\\"z\\\\\", b = \"bad \\q\", c = \"\"",
            "ROW a = \"\"\"\", b = \"\"\"x\"\"\"\"\", c = \"line\nbreak\"",
            "FROM a | EVAL \t\r\n x = 1 //",
            "FROM a | EVAL x = ?p + ?? + ?1",
            "PROMQL step=1m (rate(x[5m])) // c",
            "FROM a | KEEP a.*, `b``c`*, *x, _, @y, ?p | DROP a, [b] | RENAME a AS b, c = d, as AS ask, `as` as as*",
            "FROM a | KEEP a ) | RENAME x = y )",
        ];
        for src in cases {
            let [fast, slow] = both(src);
            assert_eq!(fast, slow, "{src}");
        }
    }

    /// The ES|QL queries of the detection-rule corpus, or `None` (with a notice) without
    /// `../shared`; fails when `CI=true` and the corpus is missing.
    fn corpus() -> Option<Vec<String>> {
        let dir =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/detection-rules");
        let mut stack = vec![dir.clone()];
        let mut queries = Vec::new();
        while let Some(d) = stack.pop() {
            let Ok(entries) = std::fs::read_dir(&d) else {
                continue;
            };
            for e in entries.flatten() {
                let p = e.path();
                if p.is_dir() {
                    stack.push(p);
                } else if p.extension().is_some_and(|x| x == "toml")
                    && let Ok(text) = std::fs::read_to_string(&p)
                    && let Ok(doc) = text.parse::<toml::Table>()
                    && let Some(rule) = doc.get("rule").and_then(|r| r.as_table())
                    && rule.get("language").and_then(|l| l.as_str()) == Some("esql")
                    && let Some(q) = rule.get("query").and_then(|q| q.as_str())
                {
                    queries.push(q.to_owned());
                }
            }
        }
        if queries.is_empty() {
            assert_ne!(
                std::env::var("CI").as_deref(),
                Ok("true"),
                "{} is missing",
                dir.display()
            );
            eprintln!(
                "notice: {} not found; skipping the corpus comparison",
                dir.display()
            );
            return None;
        }
        Some(queries)
    }

    #[test]
    fn fast_paths_lex_corpus_queries_and_their_prefixes_like_the_general_rules() {
        let Some(queries) = corpus() else { return };
        for q in &queries {
            let [fast, slow] = both(q);
            assert_eq!(fast, slow, "{q}");
            for cut in (0..q.len()).step_by(q.len() / 25 + 1) {
                if q.is_char_boundary(cut) {
                    let [fast, slow] = both(&q[..cut]);
                    assert_eq!(fast, slow, "{}", &q[..cut]);
                }
            }
        }
    }

    proptest! {
        #[test]
        fn fast_paths_lex_like_the_general_rules_on_random_text(
            src in "(FROM a \\| |ROW |EVAL |KEEP |RENAME |\\| WHERE |PROMQL )?[a-zA-Z_@0-9 .,:;=!<>+*/%(){}\\[\\]|\"`?~\t\n\r\\\\-]{0,40}"
        ) {
            let [fast, slow] = both(&src);
            prop_assert_eq!(fast, slow);
        }
    }

    #[test]
    fn keyword_match_agrees_with_the_table() {
        for &(kw, kind) in keywords::EXPRESSION_KEYWORDS {
            assert_eq!(expression_keyword(kw.as_bytes()), Some(kind), "{kw}");
            let upper = kw.to_ascii_uppercase();
            assert_eq!(expression_keyword(upper.as_bytes()), Some(kind), "{upper}");
        }
        for word in ["a", "an", "ands", "nul", "orx", "wherever", "bye", "i"] {
            assert_eq!(
                expression_keyword(word.as_bytes()),
                keywords::lookup(keywords::EXPRESSION_KEYWORDS, word.as_bytes()),
                "{word}"
            );
        }
    }
}
