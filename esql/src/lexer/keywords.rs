//! The keyword table: every case-insensitive word the lexer recognises, per lexer mode.
//!
//! Keywords are reserved only in the mode that lists them. In expression mode, `and`, `by`,
//! `first`, `not`, `on`, `where`, `with`, … are never identifiers (backquote them); in FROM mode
//! only `metadata` and `with` are special; in KEEP/DROP (project mode) no word is. A longer word
//! that merely starts with a keyword (`order`, `byte`) is an ordinary identifier.

use super::Mode;
use super::token::TokenKind;

/// Source and processing command keywords (DEFAULT mode), with the mode each one enters.
/// Release builds only: the development-only commands (`EXPLAIN`, `DEDUP`, `EXTERNAL`,
/// `HIGHLIGHT`, `FULL|LEFT|RIGHT JOIN`, `LOOKUP_🐔`) are not keywords and lex as `UNKNOWN_CMD`.
pub(crate) const COMMANDS: &[(&str, TokenKind, Mode)] = &[
    ("change_point", TokenKind::ChangePoint, Mode::ChangePoint),
    ("enrich", TokenKind::Enrich, Mode::Enrich),
    ("completion", TokenKind::Completion, Mode::Expression),
    ("dissect", TokenKind::Dissect, Mode::Expression),
    ("eval", TokenKind::Eval, Mode::Expression),
    ("grok", TokenKind::Grok, Mode::Expression),
    ("limit", TokenKind::Limit, Mode::Expression),
    ("rerank", TokenKind::Rerank, Mode::Expression),
    ("row", TokenKind::Row, Mode::Expression),
    ("sample", TokenKind::Sample, Mode::Expression),
    ("sort", TokenKind::Sort, Mode::Expression),
    ("stats", TokenKind::Stats, Mode::Expression),
    ("where", TokenKind::Where, Mode::Expression),
    ("uri_parts", TokenKind::UriParts, Mode::Expression),
    ("metrics_info", TokenKind::MetricsInfo, Mode::Expression),
    (
        "registered_domain",
        TokenKind::RegisteredDomain,
        Mode::Expression,
    ),
    ("ts_info", TokenKind::TsInfo, Mode::Expression),
    ("user_agent", TokenKind::UserAgent, Mode::Expression),
    ("ts_collapse", TokenKind::TsCollapse, Mode::Expression),
    ("ip_location", TokenKind::IpLocation, Mode::Expression),
    ("from", TokenKind::From, Mode::From),
    ("ts", TokenKind::Ts, Mode::From),
    ("fork", TokenKind::Fork, Mode::Fork),
    ("fuse", TokenKind::Fuse, Mode::Fuse),
    ("inline", TokenKind::Inline, Mode::Inline),
    ("inlinestats", TokenKind::InlineStatsWord, Mode::Expression),
    ("lookup", TokenKind::JoinLookup, Mode::Join),
    ("mmr", TokenKind::Mmr, Mode::Mmr),
    ("mv_expand", TokenKind::MvExpand, Mode::MvExpand),
    ("drop", TokenKind::Drop, Mode::Project),
    ("keep", TokenKind::Keep, Mode::Project),
    ("promql", TokenKind::Promql, Mode::Promql),
    ("rename", TokenKind::Rename, Mode::Rename),
    ("set", TokenKind::Set, Mode::Set),
    ("show", TokenKind::Show, Mode::Show),
];

/// Expression-mode keywords. Each is reserved: an identifier spelled the same way must be
/// backquoted. `in` also enters the IN mode (which looks for a subquery after it).
pub(crate) const EXPRESSION_KEYWORDS: &[(&str, TokenKind)] = &[
    ("and", TokenKind::And),
    ("asc", TokenKind::Asc),
    ("by", TokenKind::By),
    ("desc", TokenKind::Desc),
    ("false", TokenKind::False),
    ("first", TokenKind::First),
    ("in", TokenKind::In),
    ("is", TokenKind::Is),
    ("last", TokenKind::Last),
    ("like", TokenKind::Like),
    ("not", TokenKind::Not),
    ("null", TokenKind::Null),
    ("nulls", TokenKind::Nulls),
    ("on", TokenKind::On),
    ("or", TokenKind::Or),
    ("rlike", TokenKind::RLike),
    ("true", TokenKind::True),
    ("with", TokenKind::With),
    ("where", TokenKind::Where),
];

/// Source commands that may start a subquery after `IN (` (the lexer's look-ahead).
pub(crate) const SUBQUERY_STARTS: &[&str] = &["from", "row", "show", "ts", "promql"];

/// CHANGE_POINT mode keywords.
pub(crate) const CHANGE_POINT_KEYWORDS: &[(&str, TokenKind)] = &[
    ("on", TokenKind::On),
    ("as", TokenKind::As),
    ("by", TokenKind::By),
];

/// FUSE mode keywords.
pub(crate) const FUSE_KEYWORDS: &[(&str, TokenKind)] = &[
    ("group", TokenKind::Group),
    ("score", TokenKind::Score),
    ("key", TokenKind::Key),
    ("with", TokenKind::With),
    ("by", TokenKind::By),
];

/// JOIN mode keywords.
pub(crate) const JOIN_KEYWORDS: &[(&str, TokenKind)] = &[
    ("join", TokenKind::Join),
    ("as", TokenKind::As),
    ("on", TokenKind::On),
    ("using", TokenKind::Using),
];

/// SET mode keywords.
pub(crate) const SET_KEYWORDS: &[(&str, TokenKind)] = &[
    ("true", TokenKind::True),
    ("false", TokenKind::False),
    ("null", TokenKind::Null),
];

/// Keywords of the other modes, spelled once here.
pub(crate) const METADATA: &str = "metadata";
/// `WITH` (FROM and ENRICH modes).
pub(crate) const WITH: &str = "with";
/// `ON` (ENRICH and MMR modes).
pub(crate) const ON: &str = "on";
/// `AS` (RENAME mode).
pub(crate) const AS: &str = "as";
/// `LIMIT` (MMR mode).
pub(crate) const LIMIT: &str = "limit";
/// `STATS` (after `INLINE`).
pub(crate) const STATS: &str = "stats";
/// `INFO` (after `SHOW`).
pub(crate) const INFO: &str = "info";

/// The keyword of `table` spelled exactly as `word` (ASCII case-insensitive).
pub(crate) fn lookup(table: &[(&str, TokenKind)], word: &[u8]) -> Option<TokenKind> {
    // Every keyword has 2 to 5 letters: most identifiers are rejected here.
    if !(2..=5).contains(&word.len()) {
        return None;
    }
    table
        .iter()
        .find(|(kw, _)| kw.len() == word.len() && kw.as_bytes().eq_ignore_ascii_case(word))
        .map(|&(_, kind)| kind)
}
