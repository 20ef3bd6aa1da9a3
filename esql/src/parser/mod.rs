//! The ES|QL parser: a hand-written recursive-descent parser (Pratt for expressions) that accepts
//! exactly the language of Elastic's ANTLR grammar (`EsqlBaseParser.g4`, release build) and reports
//! syntax errors at the same token ANTLR does.
//!
//! ANTLR reports an error at the first token that cannot extend the input read so far into a valid
//! query, so every decision here looks only as far as needed to reject a token the moment no
//! alternative can use it. This file holds the cursor, the error helpers and the entry point;
//! `expr.rs` parses expressions, `names.rs` names and patterns, `commands/` one family of commands
//! per file (each an extra `impl Parser` block).

mod commands;
mod expr;
mod names;
mod precedence;

use std::cell::Cell;

use crate::Span;
use crate::ast::Query;
use crate::error::{ParseError, ParseErrorKind, escape};
use crate::lexer::{LexError, LexErrorKind, Token, TokenKind, tokenize_into};

/// Deepest nesting of expressions and subqueries accepted (deeper input is an error, never a
/// stack overflow).
pub const MAX_DEPTH: usize = 200;

pub(crate) type PResult<T> = Result<T, ParseError>;

/// The parser state: the token stream and a cursor into it.
pub(crate) struct Parser<'a> {
    /// The query text.
    pub(crate) src: &'a str,
    toks: &'a [Token],
    pos: usize,
    depth: usize,
    lex_error: Option<&'a LexError>,
    /// Start of the oldest ANTLR prediction still undecided (see `expr.rs`).
    pub(crate) pending: Option<usize>,
    /// How many FORK branches or subqueries enclose the current command.
    pub(crate) nested: usize,
    /// What may follow the boolean expression being parsed (besides `AND`/`OR`), for ANTLR's
    /// `missing 'null'` message; set by the construct that contains it.
    pub(crate) expr_follow: &'static [TokenKind],
}

/// Parses a whole query (see [`crate::parse`]).
pub fn parse_query(src: &str) -> Result<Query, ParseError> {
    // The token buffer is reused between queries of a thread (parsing a corpus allocates and
    // frees it once, not once per query).
    thread_local! {
        static TOKENS: Cell<Vec<Token>> = const { Cell::new(Vec::new()) };
    }
    let mut tokens = TOKENS.take();
    let lex_error = tokenize_into(src, &mut tokens);
    let result = parse_tokens(src, &tokens, lex_error.as_ref());
    if tokens.capacity() <= MAX_KEPT_TOKENS {
        TOKENS.set(tokens);
    }
    result
}

/// Largest token buffer kept for the next query (bigger ones are freed).
const MAX_KEPT_TOKENS: usize = 1 << 16;

fn parse_tokens(
    src: &str,
    toks: &[Token],
    lex_error: Option<&LexError>,
) -> Result<Query, ParseError> {
    let mut p = Parser {
        src,
        toks,
        pos: 0,
        depth: 0,
        lex_error,
        pending: None,
        nested: 0,
        expr_follow: &[TokenKind::Pipe, TokenKind::Eof],
    };
    let query = p.parse_statements()?;
    // The query is complete: ANTLR still reads the final EOF, which raises a lexer error.
    if let Some(e) = p.lex_error {
        return Err(p.lex_error_to_parse_error(e));
    }
    Ok(query)
}

impl<'a> Parser<'a> {
    /// `statements : setCommand* query EOF`
    fn parse_statements(&mut self) -> PResult<Query> {
        let mut settings = Vec::new();
        while self.at(TokenKind::Set) {
            settings.push(self.parse_set_command()?);
        }
        let start = self.pos;
        if !settings.is_empty() && !commands::SOURCE_START.contains(&self.peek()) {
            // ANTLR syncs at the back edge of the `setCommand*` loop: `extraneous input`.
            return Err(self.loop_error(2, commands::SOURCE_START));
        }
        let source = self.parse_source_command()?;
        // Sized once: each top-level command follows a `|` (growing a vector of commands copies
        // large elements).
        let pipes = self.toks[self.pos..]
            .iter()
            .filter(|t| t.kind == TokenKind::Pipe)
            .count();
        let mut commands = Vec::with_capacity(pipes);
        while self.at(TokenKind::Pipe) {
            self.advance();
            commands.push(self.parse_processing_command()?);
        }
        if !self.at(TokenKind::Eof) {
            return Err(self.mismatch(&[TokenKind::Eof]));
        }
        let span = if settings.is_empty() {
            self.span_from(start)
        } else {
            self.span_from(0)
        };
        Ok(Query {
            settings,
            source,
            commands,
            span,
            text: self.src.to_owned(),
        })
    }

    // ----- cursor -----

    /// The current token.
    #[inline]
    pub(crate) fn tok(&self) -> Token {
        self.toks[self.pos.min(self.toks.len() - 1)]
    }

    /// The kind of the current token.
    #[inline]
    pub(crate) fn peek(&self) -> TokenKind {
        self.tok().kind
    }

    /// The kind of the token `n` positions ahead (0 = current).
    #[inline]
    pub(crate) fn peek_at(&self, n: usize) -> TokenKind {
        self.toks[(self.pos + n).min(self.toks.len() - 1)].kind
    }

    /// True when the current token is `kind`.
    #[inline]
    pub(crate) fn at(&self, kind: TokenKind) -> bool {
        self.peek() == kind
    }

    /// Consumes the current token (never moves past the final `Eof`).
    #[inline]
    pub(crate) fn advance(&mut self) -> Token {
        let t = self.tok();
        if self.pos < self.toks.len() - 1 {
            self.pos += 1;
        }
        t
    }

    /// Consumes the current token if it is `kind`.
    #[inline]
    pub(crate) fn eat(&mut self, kind: TokenKind) -> Option<Token> {
        if self.at(kind) {
            Some(self.advance())
        } else {
            None
        }
    }

    /// Consumes `kind` or fails like ANTLR's `match`: `extraneous input` when the token after the
    /// current one is `kind`, else `mismatched input`.
    pub(crate) fn expect(&mut self, kind: TokenKind) -> PResult<Token> {
        if self.at(kind) {
            Ok(self.advance())
        } else {
            Err(self.mismatch(&[kind]))
        }
    }

    /// Like [`Parser::expect`], but reports `missing X at 'y'` when the current token is one that
    /// may follow `kind` (ANTLR's single-token insertion).
    pub(crate) fn expect_or_missing(
        &mut self,
        kind: TokenKind,
        follow: &[TokenKind],
    ) -> PResult<Token> {
        self.expect_any(&[kind], follow)
    }

    /// Consumes one of `kinds`, or fails like ANTLR's `match` of a token set: `extraneous input`
    /// (the next token fits), `missing {…} at 'y'` (the current token may follow), else
    /// `mismatched input`.
    pub(crate) fn expect_any(
        &mut self,
        kinds: &[TokenKind],
        follow: &[TokenKind],
    ) -> PResult<Token> {
        if kinds.contains(&self.peek()) {
            return Ok(self.advance());
        }
        let t = self.tok();
        if t.kind != TokenKind::Eof && kinds.contains(&self.peek_at(1)) {
            return Err(self.mismatch(kinds));
        }
        if follow.contains(&t.kind) {
            let names = expected_names(kinds);
            let missing = crate::error::expected_display(&names);
            return Err(self.error_at(
                self.pos,
                ParseErrorKind::MissingToken {
                    missing,
                    found: self.display_token(t),
                },
                names,
            ));
        }
        Err(self.mismatch(kinds))
    }

    /// [`Parser::expect_any`] with the follow set built by `follow` only when the token does not
    /// match (the success path allocates nothing).
    pub(crate) fn expect_any_else(
        &mut self,
        kinds: &[TokenKind],
        follow: impl FnOnce(&Self) -> Vec<TokenKind>,
    ) -> PResult<Token> {
        if kinds.contains(&self.peek()) {
            return Ok(self.advance());
        }
        let follow = follow(self);
        self.expect_any(kinds, &follow)
    }

    /// `extra`, then the tokens that may end the current command (a follow set for errors).
    pub(crate) fn then_command_end(&self, extra: &[TokenKind]) -> Vec<TokenKind> {
        let mut follow = extra.to_vec();
        follow.extend_from_slice(self.command_end());
        follow
    }

    /// The `missing`/`extraneous`/`mismatched` error [`Parser::expect_any`] would give for `kind`.
    pub(crate) fn clone_expect_missing(&self, kind: TokenKind, follow: &[TokenKind]) -> ParseError {
        let t = self.tok();
        if t.kind != TokenKind::Eof && self.peek_at(1) == kind {
            return self.mismatch(&[kind]);
        }
        if follow.contains(&t.kind) {
            return self.error_at(
                self.pos,
                ParseErrorKind::MissingToken {
                    missing: kind.display().to_owned(),
                    found: self.display_token(t),
                },
                vec![kind.display().to_owned()],
            );
        }
        self.mismatch(&[kind])
    }

    /// The tokens that may follow the last token of a command: `|`, and `<EOF>` at the top level
    /// or `)` inside a subquery or FORK branch.
    pub(crate) fn command_end(&self) -> &'static [TokenKind] {
        if self.nested > 0 {
            &[TokenKind::Pipe, TokenKind::Rp]
        } else {
            &[TokenKind::Pipe, TokenKind::Eof]
        }
    }

    /// Runs `f` with `follow` as what may come after its boolean expressions.
    pub(crate) fn with_follow<T>(
        &mut self,
        follow: &'static [TokenKind],
        f: impl FnOnce(&mut Self) -> PResult<T>,
    ) -> PResult<T> {
        let saved = std::mem::replace(&mut self.expr_follow, follow);
        let r = f(self);
        self.expr_follow = saved;
        r
    }

    /// The kind of token `i` (clamped to the final `Eof`).
    pub(crate) fn toks_kind(&self, i: usize) -> TokenKind {
        self.toks[i.min(self.toks.len() - 1)].kind
    }

    /// The current token index (for spans and "no viable alternative" texts).
    #[inline]
    pub(crate) fn mark(&self) -> usize {
        self.pos
    }

    /// The span from the start of token `start` to the end of the last consumed token.
    pub(crate) fn span_from(&self, start: usize) -> Span {
        let s = self.toks[start.min(self.toks.len() - 1)].span.start;
        let e = if self.pos > start {
            self.toks[self.pos - 1].span.end
        } else {
            s
        };
        Span {
            start: s,
            end: e.max(s),
        }
    }

    /// The source text of a token.
    pub(crate) fn text(&self, t: Token) -> &'a str {
        t.span.slice(self.src)
    }

    /// Enters one nesting level (expressions, subqueries); fails past [`MAX_DEPTH`].
    pub(crate) fn enter(&mut self) -> PResult<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.error_at(
                self.pos,
                ParseErrorKind::TooDeep { limit: MAX_DEPTH },
                vec![],
            ));
        }
        Ok(())
    }

    /// Leaves a nesting level.
    pub(crate) fn leave(&mut self) {
        self.depth -= 1;
    }

    // ----- errors -----

    /// How ANTLR shows a token in messages.
    fn display_token(&self, t: Token) -> String {
        if t.kind == TokenKind::Eof {
            "<EOF>".to_owned()
        } else {
            escape(self.text(t))
        }
    }

    /// An error at the current token when one of `expected` was required: `extraneous input`
    /// when the next token is expected (ANTLR's single-token deletion), else `mismatched input`.
    pub(crate) fn mismatch(&self, expected: &[TokenKind]) -> ParseError {
        let t = self.tok();
        let found = self.display_token(t);
        let kind = if t.kind != TokenKind::Eof && expected.contains(&self.peek_at(1)) {
            ParseErrorKind::ExtraneousInput { found }
        } else {
            ParseErrorKind::MismatchedInput { found }
        };
        self.error_at(self.pos, kind, expected_names(expected))
    }

    /// The error at the end of an element of an LL(1) `x (COMMA x)*` loop: after the first
    /// element ANTLR syncs at the loop entry (`mismatched`, or `extraneous` when the next token
    /// fits); after later ones at the loop back edge, which always says `extraneous input`.
    pub(crate) fn loop_error(&self, elements: usize, expected: &[TokenKind]) -> ParseError {
        if elements < 2 {
            return self.mismatch(expected);
        }
        let found = self.display_token(self.tok());
        self.error_at_reading(
            self.pos,
            ParseErrorKind::ExtraneousInput { found },
            expected_names(expected),
            false,
        )
    }

    /// `no viable alternative at input '…'` at the current token, quoting the input from token
    /// `start` through it.
    pub(crate) fn no_viable(&self, start: usize) -> ParseError {
        self.no_viable_at(start, self.pos)
    }

    /// `no viable alternative` at token `at`, quoting from token `start`.
    pub(crate) fn no_viable_at(&self, start: usize, at: usize) -> ParseError {
        let last = self.toks.len() - 1;
        let from = self.toks[start.min(last)].span.start as usize;
        let offending = self.toks[at.min(last)];
        let to = if offending.kind == TokenKind::Eof {
            self.src.len()
        } else {
            offending.span.end as usize
        };
        let input = escape(self.src.get(from..to.max(from)).unwrap_or(""));
        self.error_at(at, ParseErrorKind::NoViableAlternative { input }, vec![])
    }

    /// An error of `kind` at token `at`; if that token stands for a lexical error, the lexical
    /// error instead (ANTLR's lexer fails first when the parser reads that far).
    ///
    /// ANTLR also lexes ahead while *reporting* some errors: the single-token-deletion check
    /// behind `mismatched`/`extraneous`/`missing` messages reads the token after the offending
    /// one, and a lexical error met that way is reported instead. A `no viable alternative`
    /// message reads nothing further: Java's `BufferedTokenStream.getText` quotes only the tokens
    /// already fetched (the Python runtime's fills the buffer first; `scripts/antlr/FINDINGS.md`,
    /// F1), so there a lexical error wins only at or before the offending token.
    pub(crate) fn error_at(
        &self,
        at: usize,
        kind: ParseErrorKind,
        expected: Vec<String>,
    ) -> ParseError {
        self.error_at_reading(at, kind, expected, true)
    }

    /// [`Parser::error_at`]; `deletion_check` says whether ANTLR looked at the token after the
    /// offending one before reporting (it does not when it syncs at a loop's back edge).
    fn error_at_reading(
        &self,
        at: usize,
        kind: ParseErrorKind,
        expected: Vec<String>,
        deletion_check: bool,
    ) -> ParseError {
        let last = self.toks.len() - 1;
        if let Some(e) = self.lex_error {
            let reads_ahead = match kind {
                ParseErrorKind::MismatchedInput { .. }
                | ParseErrorKind::ExtraneousInput { .. }
                | ParseErrorKind::MissingToken { .. } => deletion_check && at + 1 >= last,
                _ => false,
            };
            if at >= last || reads_ahead {
                return self.lex_error_to_parse_error(e);
            }
        }
        let t = self.toks[at.min(last)];
        ParseError::new(self.src, t.span, kind, expected)
    }

    fn lex_error_to_parse_error(&self, e: &LexError) -> ParseError {
        let (kind, len) = match &e.kind {
            LexErrorKind::Unrecognized { text } => (
                ParseErrorKind::TokenRecognition { text: text.clone() },
                text.len(),
            ),
            LexErrorKind::UnbalancedClose { text } => (
                ParseErrorKind::UnbalancedClose { text: text.clone() },
                text.len(),
            ),
        };
        ParseError::new(self.src, Span::new(e.offset, e.offset + len), kind, vec![])
    }
}

/// Most tokens [`Parser::commas_ahead`] looks at (it only sizes vectors; past this it guesses).
const MAX_SIZING_SCAN: usize = 512;

impl Parser<'_> {
    /// A comma list holding `first` (just parsed), with room for the elements still ahead.
    pub(crate) fn list_of<T>(&self, first: T) -> Vec<T> {
        let mut v = Vec::with_capacity(1 + self.commas_ahead());
        v.push(first);
        v
    }

    /// How many commas follow at this nesting level before the list ends (a closing bracket,
    /// `|`, `BY`, `METADATA` or the end): the number of further elements of a comma list, used
    /// only to size its vector (a wrong count on bad input costs nothing but a reallocation).
    pub(crate) fn commas_ahead(&self) -> usize {
        let mut depth = 0usize;
        let mut commas = 0;
        let end = (self.pos + MAX_SIZING_SCAN).min(self.toks.len());
        for t in &self.toks[self.pos.min(end)..end] {
            match t.kind {
                TokenKind::Lp | TokenKind::OpeningBracket | TokenKind::LeftBraces => depth += 1,
                TokenKind::Rp | TokenKind::ClosingBracket | TokenKind::RightBraces => {
                    if depth == 0 {
                        break;
                    }
                    depth -= 1;
                }
                TokenKind::Comma if depth == 0 => commas += 1,
                TokenKind::Pipe | TokenKind::By | TokenKind::Metadata if depth == 0 => break,
                TokenKind::Eof => break,
                _ => {}
            }
        }
        commas
    }
}

/// Display names of `kinds`, ordered by ANTLR token type as ANTLR prints them.
pub(crate) fn expected_names(kinds: &[TokenKind]) -> Vec<String> {
    let mut v: Vec<TokenKind> = kinds.to_vec();
    v.sort_by_key(|k| k.antlr_type());
    v.dedup();
    v.into_iter().map(|k| k.display().to_owned()).collect()
}
