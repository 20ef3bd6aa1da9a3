//! Commands that extract fields from text: `DISSECT`, `GROK`, and the prefix-assigning
//! `URI_PARTS`, `REGISTERED_DOMAIN`, `USER_AGENT`, `IP_LOCATION`.

use crate::ast::{CommandOption, DissectCommand, ExtractCommand, ExtractKind, GrokCommand};
use crate::lexer::TokenKind as K;
use crate::parser::{PResult, Parser};

impl Parser<'_> {
    /// `DISSECT primaryExpression string (identifier ASSIGN constant (COMMA …)*)?`
    pub(crate) fn parse_dissect(&mut self) -> PResult<DissectCommand> {
        let start = self.mark();
        self.advance();
        let input = self.parse_command_primary(&[K::QuotedString])?;
        let t = self.expect_any_else(&[K::QuotedString], |p| {
            p.then_command_end(&[K::UnquotedIdentifier, K::QuotedIdentifier])
        })?;
        let pattern = self.string_from(t);
        let mut options = Vec::new();
        if matches!(self.peek(), K::UnquotedIdentifier | K::QuotedIdentifier) {
            loop {
                let opt_start = self.mark();
                let name = self.parse_identifier()?;
                self.expect_or_missing(K::Assign, crate::parser::expr::CONSTANT_START)?;
                let value = self.parse_command_constant()?;
                options.push(CommandOption {
                    name,
                    value,
                    span: self.span_from(opt_start),
                });
                if self.eat(K::Comma).is_none() {
                    break;
                }
            }
        }
        Ok(DissectCommand {
            input,
            pattern,
            options,
            span: self.span_from(start),
        })
    }

    /// `GROK primaryExpression string (COMMA string)*`
    pub(crate) fn parse_grok(&mut self) -> PResult<GrokCommand> {
        let start = self.mark();
        self.advance();
        let input = self.parse_command_primary(&[K::QuotedString])?;
        let mut patterns = Vec::new();
        loop {
            let t =
                self.expect_any_else(&[K::QuotedString], |p| p.then_command_end(&[K::Comma]))?;
            patterns.push(self.string_from(t));
            if self.eat(K::Comma).is_none() {
                break;
            }
        }
        Ok(GrokCommand {
            input,
            patterns,
            span: self.span_from(start),
        })
    }

    /// `URI_PARTS|REGISTERED_DOMAIN|USER_AGENT|IP_LOCATION qualifiedName ASSIGN primaryExpression
    /// commandNamedParameters` (the first two take no parameters).
    pub(crate) fn parse_extract(&mut self) -> PResult<ExtractCommand> {
        let start = self.mark();
        let kind = match self.advance().kind {
            K::UriParts => ExtractKind::UriParts,
            K::RegisteredDomain => ExtractKind::RegisteredDomain,
            K::UserAgent => ExtractKind::UserAgent,
            _ => ExtractKind::IpLocation,
        };
        let prefix = self.parse_command_name()?;
        self.expect_or_missing(K::Assign, crate::parser::expr::VALUE_START)?;
        let follow: &'static [K] = match kind {
            ExtractKind::UserAgent | ExtractKind::IpLocation => &[K::With, K::Pipe, K::Eof],
            _ => &[K::Pipe, K::Eof],
        };
        let input = self.parse_command_primary(follow)?;
        let options = match kind {
            ExtractKind::UserAgent | ExtractKind::IpLocation => self.parse_named_parameters()?,
            _ => None,
        };
        Ok(ExtractCommand {
            kind,
            prefix,
            input,
            options,
            span: self.span_from(start),
        })
    }
}
