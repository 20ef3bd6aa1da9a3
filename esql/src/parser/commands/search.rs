//! Search and inference commands: `FORK`, `COMPLETION`, `RERANK`, `FUSE` and `MMR`.

use super::QNAME_START;
use crate::ast::{
    CompletionCommand, Expr, ExprKind, ForkBranch, ForkCommand, FuseCommand, FuseConfig,
    IntegerLiteral, Literal, MmrCommand, RerankCommand, Sign,
};
use crate::lexer::TokenKind as K;
use crate::parser::expr::{CONSTANT_START, VALUE_START};
use crate::parser::names::{NAME_START, is_param};
use crate::parser::{PResult, Parser};

impl Parser<'_> {
    /// `FORK (LP processingCommand (PIPE processingCommand)* RP)+`
    pub(crate) fn parse_fork(&mut self) -> PResult<ForkCommand> {
        let start = self.mark();
        self.advance();
        let mut branches = Vec::new();
        let mut follow = vec![K::Lp];
        follow.extend_from_slice(self.command_end());
        loop {
            let branch_start = self.mark();
            self.expect_or_missing(K::Lp, super::PROCESSING_START)?;
            self.enter()?;
            self.nested += 1;
            let first = self.parse_processing_command()?;
            let mut commands = Vec::with_capacity(4);
            commands.push(first);
            while self.eat(K::Pipe).is_some() {
                commands.push(self.parse_processing_command()?);
            }
            self.nested -= 1;
            self.expect_or_missing(K::Rp, &follow)?;
            self.leave();
            branches.push(ForkBranch {
                commands,
                span: self.span_from(branch_start),
            });
            if !self.at(K::Lp) {
                break;
            }
        }
        Ok(ForkCommand {
            branches,
            span: self.span_from(start),
        })
    }

    /// `COMPLETION (qualifiedName ASSIGN)? primaryExpression commandNamedParameters`
    pub(crate) fn parse_completion(&mut self) -> PResult<CompletionCommand> {
        let start = self.mark();
        self.advance();
        if !VALUE_START.contains(&self.peek()) {
            return Err(self.mismatch(VALUE_START));
        }
        // ANTLR reads a leading dotted name before deciding whether it is `target =`.
        let mut target = None;
        if NAME_START.contains(&self.peek()) {
            match self.scan_qualified_name() {
                Err(fail) => return Err(self.no_viable_at(self.mark(), fail)),
                Ok(end) if self.toks_kind(end) == K::Assign => {
                    target = Some(self.parse_qualified_name(true)?);
                    self.advance();
                }
                Ok(_) => {}
            }
        }
        let prompt = self.parse_command_primary(&[K::With, K::Pipe, K::Eof])?;
        let options = self.parse_named_parameters()?;
        Ok(CompletionCommand {
            target,
            prompt,
            options,
            span: self.span_from(start),
        })
    }

    /// `RERANK (qualifiedName ASSIGN)? constant ON fields commandNamedParameters`
    pub(crate) fn parse_rerank(&mut self) -> PResult<RerankCommand> {
        let start = self.mark();
        self.advance();
        let k = self.peek();
        let is_target = matches!(
            k,
            K::UnquotedIdentifier
                | K::QuotedIdentifier
                | K::DoubleParams
                | K::NamedOrPositionalDoubleParams
        ) || (is_param(k) && matches!(self.peek_at(1), K::Assign | K::Dot));
        let target = if is_target {
            let name = self.parse_qualified_name(true)?;
            self.expect_or_missing(K::Assign, CONSTANT_START)?;
            Some(name)
        } else if k == K::OpeningBracket
            && !matches!(
                self.peek_at(1),
                K::QuotedString
                    | K::IntegerLiteral
                    | K::DecimalLiteral
                    | K::True
                    | K::False
                    | K::Plus
                    | K::Minus
            )
        {
            return Err(self.dev_bracket_error(false, true));
        } else if !CONSTANT_START.contains(&k) {
            let mut expected = CONSTANT_START.to_vec();
            expected.extend_from_slice(QNAME_START);
            return Err(self.mismatch(&expected));
        } else {
            None
        };
        let query = self.parse_command_constant()?;
        self.expect_or_missing(K::On, crate::parser::expr::EXPR_START)?;
        let on = self.parse_fields_followed_by(&[K::Comma, K::With, K::Pipe, K::Eof])?;
        let options = self.parse_named_parameters()?;
        Ok(RerankCommand {
            target,
            query,
            on,
            options,
            span: self.span_from(start),
        })
    }

    /// `FUSE identifier? fuseConfiguration*`
    pub(crate) fn parse_fuse(&mut self) -> PResult<FuseCommand> {
        let start = self.mark();
        self.advance();
        let method = if matches!(self.peek(), K::UnquotedIdentifier | K::QuotedIdentifier) {
            Some(self.parse_identifier()?)
        } else {
            None
        };
        let mut configs = Vec::new();
        loop {
            let config = match self.peek() {
                K::Score => {
                    self.advance();
                    self.expect_or_missing(K::By, QNAME_START)?;
                    FuseConfig::ScoreBy(self.parse_command_name()?)
                }
                K::Group => {
                    self.advance();
                    self.expect_or_missing(K::By, QNAME_START)?;
                    FuseConfig::GroupBy(self.parse_command_name()?)
                }
                K::Key => {
                    self.advance();
                    self.expect_or_missing(K::By, QNAME_START)?;
                    let first = self.parse_command_name()?;
                    let mut keys = self.list_of(first);
                    while self.eat(K::Comma).is_some() {
                        keys.push(self.parse_command_name()?);
                    }
                    FuseConfig::KeyBy(keys)
                }
                K::With => {
                    self.advance();
                    FuseConfig::With(self.parse_map()?)
                }
                _ => break,
            };
            configs.push(config);
        }
        Ok(FuseCommand {
            method,
            configs,
            span: self.span_from(start),
        })
    }

    /// `MMR (parameter | primaryExpression)? ON qualifiedName MMR_LIMIT integerValue
    /// commandNamedParameters`
    pub(crate) fn parse_mmr(&mut self) -> PResult<MmrCommand> {
        let start = self.mark();
        self.advance();
        let query_vector = if self.at(K::On) {
            None
        } else if VALUE_START.contains(&self.peek()) {
            let vector = self.with_follow(&[K::On], |p| p.parse_primary())?;
            Some(vector)
        } else {
            let mut expected = VALUE_START.to_vec();
            expected.push(K::On);
            return Err(self.mismatch(&expected));
        };
        self.expect_or_missing(K::On, QNAME_START)?;
        let on = self.parse_command_name()?;
        self.expect_or_missing(K::MmrLimit, &[K::IntegerLiteral, K::Plus, K::Minus])?;
        let limit_start = self.mark();
        let sign = match self.peek() {
            K::Plus => Some(Sign::Plus),
            K::Minus => Some(Sign::Minus),
            _ => None,
        };
        if sign.is_some() {
            self.advance();
        } else if !self.at(K::IntegerLiteral) {
            return Err(self.mismatch(&[K::IntegerLiteral, K::Plus, K::Minus]));
        }
        let digits = self.expect(K::IntegerLiteral)?;
        let limit = Expr::spanned(
            ExprKind::Literal(Literal::Integer(IntegerLiteral {
                sign,
                digits: self.text(digits).into(),
            })),
            self.span_from(limit_start),
        );
        let options = self.parse_named_parameters()?;
        Ok(MmrCommand {
            query_vector,
            on,
            limit,
            options,
            span: self.span_from(start),
        })
    }
}
