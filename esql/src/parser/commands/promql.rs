//! `PROMQL`: an embedded PromQL query, kept as tokens.
//!
//! Elastic's grammar allows `PROMQL [name=value …] [target =] (query)` and several shorter
//! forms, but every token PROMQL mode produces (except `|` and parentheses) is also "query
//! content", so together the forms accept exactly a non-empty sequence of query parts, where a
//! part is a run of content tokens or a balanced `( … )` group. detsim checks that shape and keeps
//! the token texts; it does not interpret PromQL.

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
            } else if depth > 0 {
                let mut expected = CONTENT.to_vec();
                expected.extend([K::Lp, K::Rp]);
                return Err(self.mismatch(&expected));
            } else {
                break;
            }
        }
        if tokens.is_empty() {
            let mut expected = CONTENT.to_vec();
            expected.push(K::Lp);
            return Err(self.mismatch(&expected));
        }
        Ok(PromqlCommand {
            tokens,
            span: self.span_from(start),
        })
    }
}
