//! `PROMQL`: an embedded PromQL query, kept as tokens.
//!
//! Elastic's grammar has four forms after the keyword and its `name=value` parameters:
//! `[target =] (?param)`, `[target =] ?param`, `[target =] (query)`, and a bare `query` — a
//! non-empty run of query parts, where a part is content tokens or a balanced `( … )` group.
//! Every token PROMQL mode produces except `|` and parentheses is content, so the four forms
//! together accept exactly the bare form; detsim checks that shape and keeps the token texts. It
//! does not interpret PromQL.
//!
//! For errors, ANTLR keeps predicting among the four forms while the input still fits one of the
//! first three; an error met then is a `no viable alternative` quoting from `PROMQL`.
//! [`first_three_states`] tracks whether the input still fits them.

use crate::ast::PromqlCommand;
use crate::lexer::TokenKind as K;
use crate::parser::{PResult, Parser};

/// Tokens that are PromQL query content.
const CONTENT: &[K] = &[
    K::QuotedString,
    K::Assign,
    K::CastOp,
    K::Colon,
    K::Comma,
    K::NamedOrPositionalParam,
    K::UnquotedIdentifier,
    K::QuotedIdentifier,
    K::UnquotedSource,
    K::PromqlQueryComment,
    K::PromqlSingleQuotedString,
    K::PromqlOtherQueryContent,
];

impl Parser<'_> {
    /// `PROMQL queryPart+` (see the module documentation).
    pub(crate) fn parse_promql(&mut self) -> PResult<PromqlCommand> {
        let start = self.mark();
        self.advance();
        let first = self.mark();
        let mut tokens = Vec::new();
        let mut depth = 0usize;
        loop {
            let k = self.peek();
            if CONTENT.contains(&k) {
                let t = self.advance();
                tokens.push(self.text(t).to_owned());
            } else if k == K::Lp {
                self.enter()?;
                depth += 1;
                let t = self.advance();
                tokens.push(self.text(t).to_owned());
            } else if k == K::Rp && depth > 0 {
                self.leave();
                depth -= 1;
                let t = self.advance();
                tokens.push(self.text(t).to_owned());
            } else if depth > 0 || tokens.is_empty() {
                return Err(self.promql_error(start, first, depth));
            } else {
                break;
            }
        }
        Ok(PromqlCommand {
            tokens,
            span: self.span_from(start),
        })
    }

    /// The error at the current token inside a PROMQL command.
    fn promql_error(&self, start: usize, first: usize, depth: usize) -> crate::error::ParseError {
        if self.first_three_alive(first) {
            return self.no_viable(start);
        }
        let mut expected = CONTENT.to_vec();
        expected.push(K::Lp);
        if depth > 0 {
            expected.push(K::Rp);
        }
        // Right after `(` ANTLR syncs at the entry of the group's part loop, else at its back edge.
        let after_open = self.mark() > first && self.toks_kind(self.mark() - 1) == K::Lp;
        self.loop_error(if after_open { 1 } else { 2 }, &expected)
    }

    /// The forms' NFA states after the tokens from `first` up to (not including) the current one
    /// (empty when they no longer fit).
    fn first_three_states(&self, first: usize) -> Vec<St> {
        let kinds: Vec<K> = (first..self.mark()).map(|i| self.toks_kind(i)).collect();
        first_three_states(&kinds)
    }

    /// True when the tokens read so far still fit one of the non-bare forms.
    fn first_three_alive(&self, first: usize) -> bool {
        !self.first_three_states(first).is_empty()
    }
}

/// NFA states for the forms `param* [target =] ( (?p) | ?p | (query) )`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum St {
    /// Expecting a parameter name, a target, `(` or a named parameter.
    Start,
    /// After a name that may also be the target.
    NameOrTarget,
    /// After a parameter name that cannot be the target.
    Name,
    /// After `target =`: expecting `(` or a named parameter.
    AfterTarget,
    /// Expecting a parameter value.
    Value,
    /// After an unquoted index name (may take `:` or `::`).
    IndexMaybe,
    /// After `:` or `::` in an index pattern.
    IndexPart,
    /// After a complete index pattern (may take `,`).
    IndexDone,
    /// Inside the group: depth and whether anything was read.
    Group(u32, bool),
    /// The form is complete; only the end of the command may follow.
    Done,
}

/// The NFA states after reading `kinds` (empty once they stop being a prefix of the three
/// non-bare forms).
fn first_three_states(kinds: &[K]) -> Vec<St> {
    let mut states = vec![St::Start];
    for &k in kinds {
        let mut next = Vec::new();
        let mut add = |s: St| {
            if !next.contains(&s) {
                next.push(s);
            }
        };
        for &s in &states {
            match s {
                St::Start | St::IndexDone => {
                    if s == St::IndexDone && k == K::Comma {
                        add(St::Value);
                        continue;
                    }
                    match k {
                        K::UnquotedIdentifier | K::QuotedIdentifier => add(St::NameOrTarget),
                        K::QuotedString => add(St::Name),
                        K::NamedOrPositionalParam => {
                            add(St::Name);
                            add(St::Done);
                        }
                        K::Lp => add(St::Group(1, false)),
                        _ => {}
                    }
                }
                St::NameOrTarget | St::Name => {
                    if k == K::Assign {
                        add(St::Value);
                        if s == St::NameOrTarget {
                            add(St::AfterTarget);
                        }
                    }
                }
                St::AfterTarget => match k {
                    K::Lp => add(St::Group(1, false)),
                    K::NamedOrPositionalParam => add(St::Done),
                    _ => {}
                },
                St::Value => match k {
                    K::QuotedIdentifier | K::NamedOrPositionalParam => add(St::Start),
                    K::QuotedString => add(St::IndexDone),
                    K::UnquotedIdentifier | K::UnquotedSource => add(St::IndexMaybe),
                    _ => {}
                },
                St::IndexMaybe => match k {
                    K::Colon | K::CastOp => add(St::IndexPart),
                    K::Comma => add(St::Value),
                    K::UnquotedIdentifier | K::QuotedIdentifier => add(St::NameOrTarget),
                    K::QuotedString => add(St::Name),
                    K::NamedOrPositionalParam => {
                        add(St::Name);
                        add(St::Done);
                    }
                    K::Lp => add(St::Group(1, false)),
                    _ => {}
                },
                St::IndexPart => {
                    if matches!(k, K::UnquotedIdentifier | K::UnquotedSource) {
                        add(St::IndexDone);
                    }
                }
                St::Group(depth, nonempty) => match k {
                    K::Lp => add(St::Group(depth + 1, true)),
                    K::Rp if depth == 1 && nonempty => add(St::Done),
                    K::Rp if depth == 1 => {}
                    K::Rp => add(St::Group(depth - 1, true)),
                    k if CONTENT.contains(&k) => add(St::Group(depth, true)),
                    _ => {}
                },
                St::Done => {}
            }
        }
        if next.is_empty() {
            return next;
        }
        states = next;
    }
    states
}
