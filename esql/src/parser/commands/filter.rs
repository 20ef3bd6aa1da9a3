//! Row-at-a-time commands: `WHERE`, `EVAL`, `SORT`, `LIMIT`, `SAMPLE`, `MV_EXPAND`, and
//! `CHANGE_POINT`.

use crate::ast::{
    ChangePointCommand, EvalCommand, LimitCommand, MvExpandCommand, NullsOrder, SampleCommand,
    SortCommand, SortKey, SortOrder, WhereCommand,
};
use crate::lexer::TokenKind as K;
use crate::parser::expr::CONSTANT_START;
use crate::parser::{PResult, Parser};

impl Parser<'_> {
    /// `WHERE booleanExpression`
    pub(crate) fn parse_where(&mut self) -> PResult<WhereCommand> {
        let start = self.mark();
        self.advance();
        let condition = self.with_follow(&[K::Pipe, K::Eof], |p| p.parse_expr())?;
        Ok(WhereCommand {
            condition,
            span: self.span_from(start),
        })
    }

    /// `EVAL fields`
    pub(crate) fn parse_eval(&mut self) -> PResult<EvalCommand> {
        let start = self.mark();
        self.advance();
        let fields = self.parse_fields()?;
        Ok(EvalCommand {
            fields,
            span: self.span_from(start),
        })
    }

    /// `SORT orderExpression (COMMA orderExpression)*`
    pub(crate) fn parse_sort(&mut self) -> PResult<SortCommand> {
        let start = self.mark();
        self.advance();
        let mut keys = Vec::new();
        loop {
            let key_start = self.mark();
            let expr = self.with_follow(
                &[K::Asc, K::Desc, K::Nulls, K::Comma, K::Pipe, K::Eof],
                |p| p.parse_expr(),
            )?;
            let order = match self.peek() {
                K::Asc => {
                    self.advance();
                    Some(SortOrder::Asc)
                }
                K::Desc => {
                    self.advance();
                    Some(SortOrder::Desc)
                }
                _ => None,
            };
            let nulls = if self.eat(K::Nulls).is_some() {
                let t = self
                    .expect_any_else(&[K::First, K::Last], |p| p.then_command_end(&[K::Comma]))?;
                Some(if t.kind == K::First {
                    NullsOrder::First
                } else {
                    NullsOrder::Last
                })
            } else {
                None
            };
            keys.push(SortKey {
                expr,
                order,
                nulls,
                span: self.span_from(key_start),
            });
            if self.eat(K::Comma).is_none() {
                break;
            }
        }
        Ok(SortCommand {
            keys,
            span: self.span_from(start),
        })
    }

    /// A `constant` where a command requires one.
    pub(crate) fn parse_command_constant(&mut self) -> PResult<crate::ast::Expr> {
        if !CONSTANT_START.contains(&self.peek()) {
            return Err(self.mismatch(CONSTANT_START));
        }
        self.parse_constant()
    }

    /// `LIMIT constant (BY booleanExpression (COMMA booleanExpression)*)?`
    pub(crate) fn parse_limit(&mut self) -> PResult<LimitCommand> {
        let start = self.mark();
        self.advance();
        let count = self.parse_command_constant()?;
        let mut by = Vec::new();
        if self.eat(K::By).is_some() {
            self.with_follow(&[K::Comma, K::Pipe, K::Eof], |p| {
                by.push(p.parse_expr()?);
                while p.eat(K::Comma).is_some() {
                    by.push(p.parse_expr()?);
                }
                Ok(())
            })?;
        }
        Ok(LimitCommand {
            count,
            by,
            span: self.span_from(start),
        })
    }

    /// `SAMPLE constant`
    pub(crate) fn parse_sample(&mut self) -> PResult<SampleCommand> {
        let start = self.mark();
        self.advance();
        let probability = self.parse_command_constant()?;
        Ok(SampleCommand {
            probability,
            span: self.span_from(start),
        })
    }

    /// `MV_EXPAND qualifiedName`
    pub(crate) fn parse_mv_expand(&mut self) -> PResult<MvExpandCommand> {
        let start = self.mark();
        self.advance();
        let field = self.parse_command_name()?;
        Ok(MvExpandCommand {
            field,
            span: self.span_from(start),
        })
    }

    /// `CHANGE_POINT value (ON key)? (AS typeName COMMA pvalueName)? (BY expr (COMMA expr)*)?`
    pub(crate) fn parse_change_point(&mut self) -> PResult<ChangePointCommand> {
        let start = self.mark();
        self.advance();
        let value = self.parse_command_name()?;
        let key = if self.eat(K::On).is_some() {
            Some(self.parse_command_name()?)
        } else {
            None
        };
        let output = if self.eat(K::As).is_some() {
            let type_name = self.parse_command_name()?;
            self.expect_or_missing(K::Comma, super::QNAME_START)?;
            let pvalue_name = self.parse_command_name()?;
            Some((type_name, pvalue_name))
        } else {
            None
        };
        let mut by = Vec::new();
        if self.eat(K::By).is_some() {
            self.with_follow(&[K::Comma, K::Pipe, K::Eof], |p| {
                by.push(p.parse_expr()?);
                while p.eat(K::Comma).is_some() {
                    by.push(p.parse_expr()?);
                }
                Ok(())
            })?;
        }
        Ok(ChangePointCommand {
            value,
            key,
            output,
            by,
            span: self.span_from(start),
        })
    }
}
