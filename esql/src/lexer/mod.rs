//! The ES|QL lexer: a hand-written copy of Elastic's modal ANTLR lexer (`EsqlBaseLexer.g4`, release
//! build, i.e. without development-only tokens).
//!
//! ANTLR's lexer is *modal*: every command keyword pushes a mode that decides which characters form
//! tokens until the next `|` (FROM mode reads index patterns such as `logs-*` or `<idx-{now/d}>`,
//! PROJECT mode reads name patterns such as `host.*`, EXPRESSION mode reads expressions). The lexer
//! keeps ANTLR's mode stack, including its quirks: `(` and `[` push the expression mode twice and
//! `)`/`]` pop twice, so an unbalanced `)` pops an empty stack (an error here; an
//! `EmptyStackException` in Elasticsearch). In each mode the longest match wins and, on a tie, the
//! rule listed first (keywords before identifiers).
//!
//! The token stream is fully independent of the parser, as in ANTLR. Lexing stops at the first
//! character no rule matches; the parser then reports that error only if it reads that far.

mod fast;
mod keywords;
mod modes;
pub(crate) mod scan;
mod token;

pub use token::{Token, TokenKind};

use crate::Span;
use scan::Scan;

/// A lexer mode (the `mode X;` sections of the grammar).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    Default,
    ChangePoint,
    Enrich,
    EnrichField,
    Expression,
    From,
    Fork,
    Fuse,
    Inline,
    In,
    Join,
    Mmr,
    MvExpand,
    Project,
    Promql,
    Rename,
    Set,
    Show,
}

/// A mode-stack command of a lexer rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ModeOp {
    /// `pushMode(m)`
    Push(Mode),
    /// `popMode`
    Pop,
    /// `mode(m)`
    Set(Mode),
}

/// What a matched rule produces.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Outcome {
    /// End offset of the match.
    pub(crate) end: usize,
    /// The token kind, or `None` for hidden (white space, comments) and skipped text.
    pub(crate) kind: Option<TokenKind>,
    /// Mode commands, applied in order.
    pub(crate) ops: &'static [ModeOp],
    /// When set, the token ends here instead and lexing resumes here (ANTLR's
    /// `rewindToTokenStart`).
    pub(crate) rewind_to: Option<usize>,
}

/// Keeps the longest outcome; on equal length the first offered wins (ANTLR's rule order).
#[derive(Default)]
pub(crate) struct Best(pub(crate) Option<Outcome>);

impl Best {
    /// Offers a match of rule `kind` ending at `end`.
    #[inline]
    pub(crate) fn offer(
        &mut self,
        end: Option<usize>,
        kind: Option<TokenKind>,
        ops: &'static [ModeOp],
    ) {
        if let Some(end) = end
            && self.0.is_none_or(|b| end > b.end)
        {
            self.0 = Some(Outcome {
                end,
                kind,
                ops,
                rewind_to: None,
            });
        }
    }
}

/// Why lexing stopped early.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LexErrorKind {
    /// No rule of the current mode matches; `text` is what ANTLR prints
    /// (`token recognition error at: '…'`).
    Unrecognized {
        /// The characters from the token start through the first one that failed.
        text: String,
    },
    /// A `)` or `]` closed more modes than were open (ANTLR pops an empty mode stack).
    UnbalancedClose {
        /// The closing token's text.
        text: String,
    },
}

/// The first lexical error of a query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LexError {
    /// What went wrong.
    pub kind: LexErrorKind,
    /// Byte offset of the offending token's start.
    pub offset: usize,
}

/// The tokens of a query (comments and white space removed), ending with [`TokenKind::Eof`].
/// When `error` is set, the final `Eof` sits at the error offset and stands for the unlexable rest.
#[derive(Debug, Clone)]
pub struct Lexed {
    /// The tokens, last one `Eof`.
    pub tokens: Vec<Token>,
    /// The first lexical error, if any.
    pub error: Option<LexError>,
}

/// Splits `src` into tokens.
pub fn tokenize(src: &str) -> Lexed {
    let mut tokens = Vec::new();
    let error = tokenize_into(src, &mut tokens);
    Lexed { tokens, error }
}

/// Splits `src` into tokens like [`tokenize`], into `tokens` (cleared first, its allocation
/// reused), and returns the first lexical error.
pub fn tokenize_into(src: &str, tokens: &mut Vec<Token>) -> Option<LexError> {
    lex::<true>(src, tokens)
}

/// The lexer loop; `FAST` enables the fast paths (without them every token goes through the
/// general rules, which the fast paths' tests compare against).
fn lex<const FAST: bool>(src: &str, tokens: &mut Vec<Token>) -> Option<LexError> {
    let bytes = src.as_bytes();
    let mut scan = Scan::new(bytes);
    tokens.clear();
    // About one token per 7 bytes in real queries (comments and white space are dropped).
    tokens.reserve(bytes.len() / 6 + 8);
    let mut mode = Mode::Default;
    let mut stack: Vec<Mode> = Vec::with_capacity(8);
    let mut state = modes::State::default();
    let mut i = 0;
    while i < bytes.len() {
        let fast = if FAST {
            fast::next(mode, bytes, i)
        } else {
            fast::Fast::Slow
        };
        let (kind, end, ops) = match fast {
            fast::Fast::Skip(end) => {
                i = end;
                continue;
            }
            fast::Fast::Token(kind, end, ops) => (Some(kind), end, ops),
            fast::Fast::Slow => {
                scan.reach = i;
                let Some(out) = modes::next(mode, &mut scan, i, &mut state) else {
                    let end = error_text_end(src, i, scan.reach);
                    return Some(finish(
                        tokens,
                        i,
                        LexErrorKind::Unrecognized {
                            text: src[i..end].to_owned(),
                        },
                    ));
                };
                (out.kind, out.rewind_to.unwrap_or(out.end), out.ops)
            }
        };
        for op in ops {
            match *op {
                ModeOp::Push(m) => {
                    stack.push(mode);
                    mode = m;
                }
                ModeOp::Pop => match stack.pop() {
                    Some(m) => mode = m,
                    None => {
                        return Some(finish(
                            tokens,
                            i,
                            LexErrorKind::UnbalancedClose {
                                text: src[i..end].to_owned(),
                            },
                        ));
                    }
                },
                ModeOp::Set(m) => mode = m,
            }
        }
        if let Some(kind) = kind {
            tokens.push(Token {
                kind,
                span: Span::new(i, end),
            });
        }
        i = end;
    }
    tokens.push(Token {
        kind: TokenKind::Eof,
        span: Span::new(bytes.len(), bytes.len()),
    });
    None
}

/// Ends the token list at a lexical error: the final `Eof` stands for the rest of the input.
fn finish(tokens: &mut Vec<Token>, offset: usize, kind: LexErrorKind) -> LexError {
    tokens.push(Token {
        kind: TokenKind::Eof,
        span: Span::new(offset, offset),
    });
    LexError { kind, offset }
}

/// End of ANTLR's error text: through the character at `reach - 1` (the first one no rule could
/// take), or the end of input.
fn error_text_end(src: &str, start: usize, reach: usize) -> usize {
    let last = reach.max(start + 1) - 1;
    if last >= src.len() {
        return src.len();
    }
    let mut end = last + 1;
    while !src.is_char_boundary(end) {
        end += 1;
    }
    end
}
