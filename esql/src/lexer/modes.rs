//! The rules of each lexer mode, in grammar order (release build).
//!
//! Each function offers every rule that can match at the current offset to a [`Best`], in the
//! order the grammar lists them, so the longest match wins and ties go to the earlier rule.
//! Dispatching on the first byte skips rules that cannot match.

use super::keywords::{self, lookup};
use super::scan::{Scan, is_letter, is_promql_other_excluded, is_ws};
use super::{Best, Mode, ModeOp, Outcome, TokenKind as K};

const NONE: &[ModeOp] = &[];
const POP: &[ModeOp] = &[ModeOp::Pop];
const POP2: &[ModeOp] = &[ModeOp::Pop, ModeOp::Pop];
const POP3: &[ModeOp] = &[ModeOp::Pop, ModeOp::Pop, ModeOp::Pop];
const PUSH_EXPR2: &[ModeOp] = &[
    ModeOp::Push(Mode::Expression),
    ModeOp::Push(Mode::Expression),
];
const TO_EXPR: &[ModeOp] = &[ModeOp::Pop, ModeOp::Push(Mode::Expression)];
const PUSH_DEFAULT: &[ModeOp] = &[ModeOp::Push(Mode::Default)];
const PUSH_IN: &[ModeOp] = &[ModeOp::Push(Mode::In)];
const PUSH_ENRICH_FIELD: &[ModeOp] = &[ModeOp::Push(Mode::EnrichField)];
const SET_DEFAULT: &[ModeOp] = &[ModeOp::Set(Mode::Default)];

/// The `pushMode` of a command keyword.
fn push(mode: Mode) -> &'static [ModeOp] {
    match mode {
        Mode::Default => &[ModeOp::Push(Mode::Default)],
        Mode::ChangePoint => &[ModeOp::Push(Mode::ChangePoint)],
        Mode::Enrich => &[ModeOp::Push(Mode::Enrich)],
        Mode::EnrichField => &[ModeOp::Push(Mode::EnrichField)],
        Mode::Expression => &[ModeOp::Push(Mode::Expression)],
        Mode::From => &[ModeOp::Push(Mode::From)],
        Mode::Fork => &[ModeOp::Push(Mode::Fork)],
        Mode::Fuse => &[ModeOp::Push(Mode::Fuse)],
        Mode::Inline => &[ModeOp::Push(Mode::Inline)],
        Mode::In => &[ModeOp::Push(Mode::In)],
        Mode::Join => &[ModeOp::Push(Mode::Join)],
        Mode::Mmr => &[ModeOp::Push(Mode::Mmr)],
        Mode::MvExpand => &[ModeOp::Push(Mode::MvExpand)],
        Mode::Project => &[ModeOp::Push(Mode::Project)],
        Mode::Promql => &[ModeOp::Push(Mode::Promql)],
        Mode::Rename => &[ModeOp::Push(Mode::Rename)],
        Mode::Set => &[ModeOp::Push(Mode::Set)],
        Mode::Show => &[ModeOp::Push(Mode::Show)],
    }
}

/// Lexer state beyond the mode stack: the PromQL parenthesis depth.
#[derive(Debug, Default)]
pub(crate) struct State {
    pub(crate) promql_depth: u32,
}

/// The best rule of `mode` at offset `i`.
pub(crate) fn next(mode: Mode, s: &mut Scan, i: usize, st: &mut State) -> Option<Outcome> {
    let mut b = Best::default();
    match mode {
        Mode::Default => default(s, i, &mut b),
        Mode::Expression => expression(s, i, &mut b),
        Mode::From => from(s, i, &mut b),
        Mode::In => return in_mode(s, i),
        Mode::ChangePoint => change_point(s, i, &mut b),
        Mode::Enrich => enrich(s, i, &mut b),
        Mode::EnrichField => enrich_field(s, i, &mut b),
        Mode::Fork => fork(s, i, &mut b),
        Mode::Fuse => fuse(s, i, &mut b),
        Mode::Inline => {
            b.offer(
                s.keyword(i, keywords::STATS.as_bytes()),
                Some(K::InlineStats),
                TO_EXPR,
            );
            hidden(s, i, &mut b);
        }
        Mode::Join => join(s, i, &mut b),
        Mode::Mmr => mmr(s, i, &mut b),
        Mode::MvExpand => mv_expand(s, i, &mut b),
        Mode::Project => project(s, i, &mut b, false),
        Mode::Rename => project(s, i, &mut b, true),
        Mode::Set => set(s, i, &mut b),
        Mode::Show => {
            b.offer(single(s, i, b'|'), Some(K::Pipe), POP);
            b.offer(s.keyword(i, keywords::INFO.as_bytes()), Some(K::Info), NONE);
            hidden(s, i, &mut b);
        }
        Mode::Promql => return promql(s, i, st),
    }
    b.0
}

/// `c` at `i`: a one-character token.
#[inline]
fn single(s: &mut Scan, i: usize, c: u8) -> Option<usize> {
    (s.at(i) == Some(c)).then_some(i + 1)
}

/// Line comments, block comments and white space (hidden).
fn hidden(s: &mut Scan, i: usize, b: &mut Best) {
    match s.at(i) {
        Some(b'/') => {
            b.offer(s.line_comment(i), None, NONE);
            b.offer(s.multiline_comment(i), None, NONE);
        }
        Some(c) if is_ws(c) => b.offer(s.ws(i), None, NONE),
        _ => {}
    }
}

/// The four parameter rules: `?`, `?name`/`?1`, `??`, `??name`/`??1` (`double` adds the `??` ones).
fn params(s: &mut Scan, i: usize, b: &mut Best, plain: bool, double: bool) {
    if s.at(i) != Some(b'?') {
        return;
    }
    if plain {
        b.offer(Some(i + 1), Some(K::Param), NONE);
    }
    b.offer(
        s.named_or_positional_param(i, 1),
        Some(K::NamedOrPositionalParam),
        NONE,
    );
    if double {
        b.offer(s.literal(i, b"??"), Some(K::DoubleParams), NONE);
        b.offer(
            s.named_or_positional_param(i, 2),
            Some(K::NamedOrPositionalDoubleParams),
            NONE,
        );
    }
}

/// An unquoted identifier, or the keyword of `table` it spells.
fn word(s: &mut Scan, i: usize, b: &mut Best, table: &[(&str, K)]) {
    if let Some(end) = s.unquoted_identifier(i) {
        let kind = lookup(table, &s.b[i..end]).unwrap_or(K::UnquotedIdentifier);
        b.offer(Some(end), Some(kind), NONE);
    }
}

fn default(s: &mut Scan, i: usize, b: &mut Best) {
    hidden(s, i, b);
    if let Some(c) = s.at(i).filter(u8::is_ascii_alphabetic) {
        // A keyword with another first letter fails at `i`, which was examined already.
        let c = c.to_ascii_lowercase();
        for &(kw, kind, mode) in keywords::COMMANDS {
            if kw.as_bytes()[0] == c {
                b.offer(s.keyword(i, kw.as_bytes()), Some(kind), push(mode));
            }
        }
    }
    b.offer(
        s.unknown_cmd(i),
        Some(K::UnknownCmd),
        push(Mode::Expression),
    );
}

fn expression(s: &mut Scan, i: usize, b: &mut Best) {
    let Some(c) = s.at(i) else { return };
    match c {
        b'|' => b.offer(Some(i + 1), Some(K::Pipe), POP),
        b'"' => b.offer(s.quoted_string(i), Some(K::QuotedString), NONE),
        b'0'..=b'9' => {
            b.offer(s.integer(i), Some(K::IntegerLiteral), NONE);
            b.offer(s.decimal(i), Some(K::DecimalLiteral), NONE);
        }
        b'.' => {
            b.offer(s.decimal(i), Some(K::DecimalLiteral), NONE);
            b.offer(Some(i + 1), Some(K::Dot), NONE);
        }
        b'_' | b'@' => word(s, i, b, &[]),
        c if is_letter(c) => {
            if let Some(end) = s.unquoted_identifier(i) {
                match lookup(keywords::EXPRESSION_KEYWORDS, &s.b[i..end]) {
                    Some(K::In) => b.offer(Some(end), Some(K::In), PUSH_IN),
                    Some(kind) => b.offer(Some(end), Some(kind), NONE),
                    None => b.offer(Some(end), Some(K::UnquotedIdentifier), NONE),
                }
            }
        }
        b'`' => b.offer(s.quoted_id(i), Some(K::QuotedIdentifier), NONE),
        b'?' => params(s, i, b, true, true),
        b'=' => {
            b.offer(Some(i + 1), Some(K::Assign), NONE);
            b.offer(s.literal(i, b"=="), Some(K::Eq), NONE);
            b.offer(s.literal(i, b"=~"), Some(K::CiEq), NONE);
        }
        b':' => {
            b.offer(s.literal(i, b"::"), Some(K::CastOp), NONE);
            b.offer(Some(i + 1), Some(K::Colon), NONE);
        }
        b';' => b.offer(Some(i + 1), Some(K::Semicolon), NONE),
        b',' => b.offer(Some(i + 1), Some(K::Comma), NONE),
        b'!' => b.offer(s.literal(i, b"!="), Some(K::Neq), NONE),
        b'<' => {
            b.offer(Some(i + 1), Some(K::Lt), NONE);
            b.offer(s.literal(i, b"<="), Some(K::Lte), NONE);
        }
        b'>' => {
            b.offer(Some(i + 1), Some(K::Gt), NONE);
            b.offer(s.literal(i, b">="), Some(K::Gte), NONE);
        }
        b'+' => b.offer(Some(i + 1), Some(K::Plus), NONE),
        b'-' => b.offer(Some(i + 1), Some(K::Minus), NONE),
        b'*' => b.offer(Some(i + 1), Some(K::Asterisk), NONE),
        b'/' => {
            b.offer(Some(i + 1), Some(K::Slash), NONE);
            hidden(s, i, b);
        }
        b'%' => b.offer(Some(i + 1), Some(K::Percent), NONE),
        b'{' => b.offer(Some(i + 1), Some(K::LeftBraces), NONE),
        b'}' => b.offer(Some(i + 1), Some(K::RightBraces), NONE),
        b'[' => b.offer(Some(i + 1), Some(K::OpeningBracket), PUSH_EXPR2),
        b']' => b.offer(Some(i + 1), Some(K::ClosingBracket), POP2),
        b'(' => b.offer(Some(i + 1), Some(K::Lp), PUSH_EXPR2),
        b')' => b.offer(Some(i + 1), Some(K::Rp), POP2),
        c if is_ws(c) => hidden(s, i, b),
        _ => {}
    }
}

/// IN mode: after `IN`, `(` followed by a source command keyword starts a subquery; anything else
/// is re-read in the enclosing mode.
fn in_mode(s: &mut Scan, i: usize) -> Option<Outcome> {
    let mut b = Best::default();
    hidden(s, i, &mut b);
    if s.at(i) == Some(b'(') {
        let mut j = i + 1;
        loop {
            let next = match s.at(j) {
                Some(b'/') => s.line_comment(j).or_else(|| s.multiline_comment(j)),
                Some(c) if is_ws(c) => s.ws(j),
                _ => None,
            };
            match next {
                Some(e) => j = e,
                None => break,
            }
        }
        let starts = keywords::SUBQUERY_STARTS
            .iter()
            .filter_map(|kw| s.keyword(j, kw.as_bytes()))
            .max();
        if let Some(end) = starts {
            b.offer(Some(end), Some(K::Lp), SET_DEFAULT);
            if let Some(o) = b.0.as_mut().filter(|o| o.kind == Some(K::Lp)) {
                o.rewind_to = Some(i + 1);
            }
        }
    }
    if b.0.is_none() && s.at(i).is_some() {
        // IN_EXPR_FALLBACK: any character, then rewind to the token start, skip, popMode.
        return Some(Outcome {
            end: i + 1,
            kind: None,
            ops: POP,
            rewind_to: Some(i),
        });
    }
    b.0
}

fn from(s: &mut Scan, i: usize, b: &mut Best) {
    match s.at(i) {
        Some(b'|') => b.offer(Some(i + 1), Some(K::Pipe), POP),
        Some(b':') => {
            b.offer(Some(i + 1), Some(K::Colon), NONE);
            b.offer(s.literal(i, b"::"), Some(K::CastOp), NONE);
        }
        Some(b',') => b.offer(Some(i + 1), Some(K::Comma), NONE),
        Some(b'=') => b.offer(Some(i + 1), Some(K::Assign), NONE),
        Some(b')') => b.offer(Some(i + 1), Some(K::Rp), POP2),
        Some(b'(') => b.offer(Some(i + 1), Some(K::Lp), PUSH_DEFAULT),
        Some(b'"') => b.offer(s.quoted_string(i), Some(K::QuotedString), NONE),
        _ => {}
    }
    b.offer(
        s.keyword(i, keywords::METADATA.as_bytes()),
        Some(K::Metadata),
        NONE,
    );
    b.offer(
        s.keyword(i, keywords::WITH.as_bytes()),
        Some(K::With),
        TO_EXPR,
    );
    params(s, i, b, true, false);
    b.offer(s.unquoted_source(i), Some(K::UnquotedSource), NONE);
    hidden(s, i, b);
}

fn change_point(s: &mut Scan, i: usize, b: &mut Best) {
    match s.at(i) {
        Some(b'|') => b.offer(Some(i + 1), Some(K::Pipe), POP),
        Some(b')') => b.offer(Some(i + 1), Some(K::Rp), POP2),
        Some(b'.') => b.offer(Some(i + 1), Some(K::Dot), NONE),
        Some(b',') => b.offer(Some(i + 1), Some(K::Comma), NONE),
        Some(b'[') => b.offer(Some(i + 1), Some(K::OpeningBracket), NONE),
        Some(b']') => b.offer(Some(i + 1), Some(K::ClosingBracket), NONE),
        Some(b'`') => b.offer(s.quoted_id(i), Some(K::QuotedIdentifier), NONE),
        _ => {}
    }
    if let Some(end) = s.unquoted_identifier(i) {
        match lookup(keywords::CHANGE_POINT_KEYWORDS, &s.b[i..end]) {
            Some(K::By) => b.offer(Some(end), Some(K::By), TO_EXPR),
            Some(kind) => b.offer(Some(end), Some(kind), NONE),
            None => b.offer(Some(end), Some(K::UnquotedIdentifier), NONE),
        }
    }
    hidden(s, i, b);
}

fn enrich(s: &mut Scan, i: usize, b: &mut Best) {
    match s.at(i) {
        Some(b'|') => b.offer(Some(i + 1), Some(K::Pipe), POP),
        Some(b')') => b.offer(Some(i + 1), Some(K::Rp), POP2),
        Some(b'"') => b.offer(s.quoted_string(i), Some(K::QuotedString), NONE),
        _ => {}
    }
    b.offer(
        s.keyword(i, keywords::ON.as_bytes()),
        Some(K::On),
        PUSH_ENRICH_FIELD,
    );
    b.offer(
        s.keyword(i, keywords::WITH.as_bytes()),
        Some(K::With),
        PUSH_ENRICH_FIELD,
    );
    b.offer(s.enrich_policy_name(i), Some(K::EnrichPolicyName), NONE);
    hidden(s, i, b);
}

fn enrich_field(s: &mut Scan, i: usize, b: &mut Best) {
    match s.at(i) {
        Some(b'|') => b.offer(Some(i + 1), Some(K::Pipe), POP2),
        Some(b')') => b.offer(Some(i + 1), Some(K::Rp), POP3),
        Some(b'[') => b.offer(Some(i + 1), Some(K::OpeningBracket), NONE),
        Some(b']') => b.offer(Some(i + 1), Some(K::ClosingBracket), NONE),
        Some(b'=') => b.offer(Some(i + 1), Some(K::Assign), NONE),
        Some(b',') => b.offer(Some(i + 1), Some(K::Comma), NONE),
        Some(b'.') => b.offer(Some(i + 1), Some(K::Dot), NONE),
        _ => {}
    }
    b.offer(s.keyword(i, keywords::WITH.as_bytes()), Some(K::With), NONE);
    b.offer(s.id_pattern(i), Some(K::IdPattern), NONE);
    params(s, i, b, true, true);
    hidden(s, i, b);
}

fn fork(s: &mut Scan, i: usize, b: &mut Best) {
    match s.at(i) {
        Some(b'(') => b.offer(Some(i + 1), Some(K::Lp), PUSH_DEFAULT),
        Some(b')') => b.offer(Some(i + 1), Some(K::Rp), POP2),
        Some(b'|') => b.offer(Some(i + 1), Some(K::Pipe), POP),
        _ => {}
    }
    hidden(s, i, b);
}

fn fuse(s: &mut Scan, i: usize, b: &mut Best) {
    match s.at(i) {
        Some(b'|') => b.offer(Some(i + 1), Some(K::Pipe), POP),
        Some(b')') => b.offer(Some(i + 1), Some(K::Rp), POP2),
        Some(b',') => b.offer(Some(i + 1), Some(K::Comma), NONE),
        Some(b'.') => b.offer(Some(i + 1), Some(K::Dot), NONE),
        Some(b'`') => b.offer(s.quoted_id(i), Some(K::QuotedIdentifier), NONE),
        _ => {}
    }
    params(s, i, b, true, true);
    if let Some(end) = s.unquoted_identifier(i) {
        match lookup(keywords::FUSE_KEYWORDS, &s.b[i..end]) {
            Some(K::With) => b.offer(Some(end), Some(K::With), TO_EXPR),
            Some(kind) => b.offer(Some(end), Some(kind), NONE),
            None => b.offer(Some(end), Some(K::UnquotedIdentifier), NONE),
        }
    }
    hidden(s, i, b);
}

fn join(s: &mut Scan, i: usize, b: &mut Best) {
    match s.at(i) {
        Some(b'|') => b.offer(Some(i + 1), Some(K::Pipe), POP),
        Some(b'"') => b.offer(s.quoted_string(i), Some(K::QuotedString), NONE),
        Some(b':') => b.offer(Some(i + 1), Some(K::Colon), NONE),
        _ => {}
    }
    for &(kw, kind) in keywords::JOIN_KEYWORDS {
        let ops = if matches!(kind, K::On | K::Using) {
            TO_EXPR
        } else {
            NONE
        };
        b.offer(s.keyword(i, kw.as_bytes()), Some(kind), ops);
    }
    b.offer(s.unquoted_source(i), Some(K::UnquotedSource), NONE);
    hidden(s, i, b);
}

fn mmr(s: &mut Scan, i: usize, b: &mut Best) {
    b.offer(
        s.keyword(i, keywords::LIMIT.as_bytes()),
        Some(K::MmrLimit),
        TO_EXPR,
    );
    b.offer(s.keyword(i, keywords::ON.as_bytes()), Some(K::On), NONE);
    b.offer(s.unquoted_identifier(i), Some(K::UnquotedIdentifier), NONE);
    match s.at(i) {
        Some(b'[') => b.offer(Some(i + 1), Some(K::OpeningBracket), NONE),
        Some(b']') => b.offer(Some(i + 1), Some(K::ClosingBracket), NONE),
        Some(b',') => b.offer(Some(i + 1), Some(K::Comma), NONE),
        Some(b'+') => b.offer(Some(i + 1), Some(K::Plus), NONE),
        Some(b'-') => b.offer(Some(i + 1), Some(K::Minus), NONE),
        Some(b'0'..=b'9' | b'.') => {
            b.offer(s.decimal(i), Some(K::DecimalLiteral), NONE);
            b.offer(s.integer(i), Some(K::IntegerLiteral), NONE);
        }
        Some(b'(') => b.offer(Some(i + 1), Some(K::Lp), NONE),
        Some(b')') => b.offer(Some(i + 1), Some(K::Rp), NONE),
        Some(b'"') => b.offer(s.quoted_string(i), Some(K::QuotedString), NONE),
        Some(b':') => b.offer(s.literal(i, b"::"), Some(K::CastOp), NONE),
        _ => {}
    }
    params(s, i, b, true, false);
    hidden(s, i, b);
}

fn mv_expand(s: &mut Scan, i: usize, b: &mut Best) {
    match s.at(i) {
        Some(b'|') => b.offer(Some(i + 1), Some(K::Pipe), POP),
        Some(b')') => b.offer(Some(i + 1), Some(K::Rp), POP2),
        Some(b'[') => b.offer(Some(i + 1), Some(K::OpeningBracket), NONE),
        Some(b']') => b.offer(Some(i + 1), Some(K::ClosingBracket), NONE),
        Some(b'.') => b.offer(Some(i + 1), Some(K::Dot), NONE),
        Some(b'`') => b.offer(s.quoted_id(i), Some(K::QuotedIdentifier), NONE),
        _ => {}
    }
    params(s, i, b, true, true);
    b.offer(s.unquoted_identifier(i), Some(K::UnquotedIdentifier), NONE);
    hidden(s, i, b);
}

/// PROJECT mode (KEEP, DROP) and, with `rename`, RENAME mode (adds `=` and `AS`).
fn project(s: &mut Scan, i: usize, b: &mut Best, rename: bool) {
    match s.at(i) {
        Some(b'|') => b.offer(Some(i + 1), Some(K::Pipe), POP),
        Some(b')') => b.offer(Some(i + 1), Some(K::Rp), POP2),
        Some(b'.') => b.offer(Some(i + 1), Some(K::Dot), NONE),
        Some(b'[') => b.offer(Some(i + 1), Some(K::OpeningBracket), NONE),
        Some(b']') => b.offer(Some(i + 1), Some(K::ClosingBracket), NONE),
        Some(b',') => b.offer(Some(i + 1), Some(K::Comma), NONE),
        Some(b'=') if rename => b.offer(Some(i + 1), Some(K::Assign), NONE),
        _ => {}
    }
    params(s, i, b, true, true);
    if rename {
        b.offer(s.keyword(i, keywords::AS.as_bytes()), Some(K::As), NONE);
    }
    b.offer(s.id_pattern(i), Some(K::IdPattern), NONE);
    hidden(s, i, b);
}

fn set(s: &mut Scan, i: usize, b: &mut Best) {
    for &(kw, kind) in keywords::SET_KEYWORDS {
        b.offer(s.keyword(i, kw.as_bytes()), Some(kind), NONE);
    }
    match s.at(i) {
        Some(b';') => b.offer(Some(i + 1), Some(K::Semicolon), POP),
        Some(b'=') => b.offer(Some(i + 1), Some(K::Assign), NONE),
        Some(b'"') => b.offer(s.quoted_string(i), Some(K::QuotedString), NONE),
        _ => {}
    }
    b.offer(s.unquoted_identifier(i), Some(K::UnquotedIdentifier), NONE);
    b.offer(s.quoted_id(i), Some(K::QuotedIdentifier), NONE);
    if s.at(i).is_some_and(|c| c.is_ascii_digit() || c == b'.') {
        b.offer(s.decimal(i), Some(K::DecimalLiteral), NONE);
        b.offer(s.integer(i), Some(K::IntegerLiteral), NONE);
    }
    match s.at(i) {
        Some(b':') => b.offer(Some(i + 1), Some(K::Colon), NONE),
        Some(b',') => b.offer(Some(i + 1), Some(K::Comma), NONE),
        Some(b'.') => b.offer(Some(i + 1), Some(K::Dot), NONE),
        _ => {}
    }
    if s.at(i) == Some(b'?') {
        b.offer(Some(i + 1), Some(K::Param), NONE);
        b.offer(
            s.named_or_positional_param(i, 1),
            Some(K::NamedOrPositionalParam),
            NONE,
        );
    }
    match s.at(i) {
        Some(b'{') => b.offer(Some(i + 1), Some(K::LeftBraces), NONE),
        Some(b'}') => b.offer(Some(i + 1), Some(K::RightBraces), NONE),
        _ => {}
    }
    if s.at(i) == Some(b'?') {
        b.offer(s.literal(i, b"??"), Some(K::DoubleParams), NONE);
        b.offer(
            s.named_or_positional_param(i, 2),
            Some(K::NamedOrPositionalDoubleParams),
            NONE,
        );
    }
    match s.at(i) {
        Some(b'[') => b.offer(Some(i + 1), Some(K::OpeningBracket), NONE),
        Some(b']') => b.offer(Some(i + 1), Some(K::ClosingBracket), NONE),
        _ => {}
    }
    b.offer(s.id_pattern(i), Some(K::IdPattern), NONE);
    hidden(s, i, b);
}

/// PROMQL mode. `(` and `)` track the nesting depth; a `)` at depth zero ends the command.
fn promql(s: &mut Scan, i: usize, st: &mut State) -> Option<Outcome> {
    let mut b = Best::default();
    b.offer(s.unquoted_identifier(i), Some(K::UnquotedIdentifier), NONE);
    b.offer(s.quoted_id(i), Some(K::QuotedIdentifier), NONE);
    match s.at(i) {
        Some(b'=') => b.offer(Some(i + 1), Some(K::Assign), NONE),
        Some(b'?') => b.offer(
            s.named_or_positional_param(i, 1),
            Some(K::NamedOrPositionalParam),
            NONE,
        ),
        _ => {}
    }
    b.offer(s.unquoted_source(i), Some(K::UnquotedSource), NONE);
    match s.at(i) {
        Some(b'"') => b.offer(s.quoted_string(i), Some(K::QuotedString), NONE),
        Some(b':') => {
            b.offer(Some(i + 1), Some(K::Colon), NONE);
            b.offer(s.literal(i, b"::"), Some(K::CastOp), NONE);
        }
        Some(b',') => b.offer(Some(i + 1), Some(K::Comma), NONE),
        Some(b'|') => b.offer(Some(i + 1), Some(K::Pipe), POP),
        Some(b'(') => b.offer(Some(i + 1), Some(K::Lp), NONE),
        Some(b')') => {
            if st.promql_depth > 0 {
                b.offer(Some(i + 1), Some(K::Rp), NONE);
            } else {
                b.offer(Some(i + 1), Some(K::Rp), POP);
            }
        }
        _ => {}
    }
    hidden(s, i, &mut b);
    match s.at(i) {
        Some(b'#') => {
            let mut j = i + 1;
            while s.at(j).is_some_and(|c| c != b'\r' && c != b'\n') {
                j += 1;
            }
            if s.at(j) == Some(b'\r') {
                j += 1;
            }
            if s.at(j) == Some(b'\n') {
                j += 1;
            }
            b.offer(Some(j), Some(K::PromqlQueryComment), NONE);
        }
        Some(b'\'') => {
            let mut j = i + 1;
            let end = loop {
                match s.at(j) {
                    None => break None,
                    Some(b'\'') => break Some(j + 1),
                    Some(b'\\') => {
                        if s.at(j + 1).is_none() {
                            break None;
                        }
                        j += 2;
                    }
                    Some(_) => j += 1,
                }
            };
            b.offer(end, Some(K::PromqlSingleQuotedString), NONE);
        }
        _ => {}
    }
    if let Some(c) = s.at(i)
        && !is_promql_other_excluded(c)
    {
        // One character (a whole UTF-8 sequence for non-ASCII text).
        b.offer(
            Some(i + utf8_len(c)),
            Some(K::PromqlOtherQueryContent),
            NONE,
        );
    }
    let out = b.0?;
    match (out.kind, s.b.get(i)) {
        (Some(K::Lp), Some(b'(')) if out.end == i + 1 => st.promql_depth += 1,
        (Some(K::Rp), Some(b')')) if out.end == i + 1 => {
            st.promql_depth = st.promql_depth.saturating_sub(1);
        }
        _ => {}
    }
    Some(out)
}

/// Length of the UTF-8 sequence starting with byte `c`.
fn utf8_len(c: u8) -> usize {
    match c {
        0xF0..=0xFF => 4,
        0xE0..=0xEF => 3,
        0xC0..=0xDF => 2,
        _ => 1,
    }
}
