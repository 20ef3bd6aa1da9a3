//! Source commands — `FROM`, `TS`, `ROW`, `SHOW INFO` — the `SET` preamble, and subqueries.
//!
//! In FROM mode the lexer reads index patterns as `UNQUOTED_SOURCE` tokens, so `logs-*`,
//! `.alerts-security.*` and `<logs-{now/d}>` are single tokens; `:` separates a remote cluster and
//! `::` a selector (`remote:logs::failures`).

use crate::ast::{
    FromCommand, FromSource, IndexName, IndexPattern, MetadataField, RowCommand, SetCommand,
    SetValue, ShowCommand, SourceCommand, Subquery,
};
use crate::lexer::TokenKind as K;
use crate::parser::expr::CONSTANT_START;
use crate::parser::{PResult, Parser};

impl Parser<'_> {
    /// `FROM|TS indexPatternOrSubquery (COMMA indexPatternOrSubquery)* metadata?`
    pub(crate) fn parse_from(&mut self) -> PResult<FromCommand> {
        let start = self.mark();
        self.advance();
        let first = self.parse_from_source()?;
        let mut sources = self.list_of(first);
        while self.eat(K::Comma).is_some() {
            sources.push(self.parse_from_source()?);
        }
        let mut metadata = Vec::new();
        if self.eat(K::Metadata).is_some() {
            loop {
                let t = self
                    .expect_any_else(&[K::UnquotedSource], |p| p.then_command_end(&[K::Comma]))?;
                metadata.push(MetadataField {
                    name: self.text(t).to_owned(),
                    span: t.span,
                });
                if self.eat(K::Comma).is_none() {
                    break;
                }
            }
        }
        Ok(FromCommand {
            sources,
            metadata,
            span: self.span_from(start),
        })
    }

    /// `indexPattern | subquery`
    fn parse_from_source(&mut self) -> PResult<FromSource> {
        match self.peek() {
            K::UnquotedSource | K::QuotedString => {
                Ok(FromSource::Index(self.parse_index_pattern(true)?))
            }
            K::Lp => {
                let lp = self.mark();
                self.advance();
                Ok(FromSource::Subquery(
                    self.parse_subquery_after_lp(lp, false)?,
                ))
            }
            _ => Err(self.mismatch(&[K::QuotedString, K::Lp, K::UnquotedSource])),
        }
    }

    /// `indexPattern : (clusterString COLON)? unquotedIndexString (CAST_OP selectorString)?
    ///               | indexString`; `selectors` is false in JOIN mode, which has no `::`.
    pub(crate) fn parse_index_pattern(&mut self, selectors: bool) -> PResult<IndexPattern> {
        let start = self.mark();
        let first = self.advance();
        if first.kind == K::QuotedString {
            return Ok(IndexPattern {
                cluster: None,
                index: IndexName::Quoted(self.string_from(first)),
                selector: None,
                span: first.span,
            });
        }
        let (cluster, index) = if self.eat(K::Colon).is_some() {
            let t = self.expect_any_else(&[K::UnquotedSource], |p| {
                if selectors {
                    p.then_command_end(&[K::CastOp, K::Comma, K::Metadata])
                } else {
                    vec![K::As, K::On, K::UnquotedSource, K::Using]
                }
            })?;
            (Some(self.text(first).to_owned()), self.text(t).to_owned())
        } else {
            (None, self.text(first).to_owned())
        };
        let mut selector = None;
        if selectors && self.eat(K::CastOp).is_some() {
            let t = self.expect_any_else(&[K::UnquotedSource], |p| {
                p.then_command_end(&[K::Comma, K::Metadata])
            })?;
            selector = Some(self.text(t).to_owned());
        }
        Ok(IndexPattern {
            cluster,
            index: IndexName::Unquoted(index),
            selector,
            span: self.span_from(start),
        })
    }

    /// `subquery : LP subquerySourceCommand (PIPE processingCommand)* RP`, after the `(` at token
    /// `lp`. The source is FROM, ROW or TS.
    pub(crate) fn parse_subquery_after_lp(
        &mut self,
        lp: usize,
        _in_expression: bool,
    ) -> PResult<Subquery> {
        self.enter()?;
        self.nested += 1;
        let saved = self.pending.take();
        let source = match self.peek() {
            K::From => SourceCommand::From(self.parse_from()?),
            K::Ts => SourceCommand::Ts(self.parse_from()?),
            K::Row => SourceCommand::Row(self.parse_row()?),
            _ => return Err(self.mismatch(&[K::Row, K::From, K::Ts])),
        };
        let mut commands = Vec::new();
        while self.eat(K::Pipe).is_some() {
            commands.push(self.parse_processing_command()?);
        }
        if !self.at(K::Rp) {
            return Err(self.loop_error(commands.len() + 1, &[K::Pipe, K::Rp]));
        }
        self.advance();
        self.pending = saved;
        self.nested -= 1;
        self.leave();
        Ok(Subquery {
            source,
            commands,
            span: self.span_from(lp),
        })
    }

    /// `ROW fields`
    pub(crate) fn parse_row(&mut self) -> PResult<RowCommand> {
        let start = self.mark();
        self.advance();
        let fields = self.parse_fields()?;
        Ok(RowCommand {
            fields,
            span: self.span_from(start),
        })
    }

    /// `SHOW INFO`
    pub(crate) fn parse_show(&mut self) -> PResult<ShowCommand> {
        let start = self.mark();
        self.advance();
        self.expect_or_missing(K::Info, self.command_end())?;
        Ok(ShowCommand {
            span: self.span_from(start),
        })
    }

    /// `SET identifier ASSIGN (constant | mapExpression) SEMICOLON`
    pub(crate) fn parse_set_command(&mut self) -> PResult<SetCommand> {
        let start = self.mark();
        self.advance();
        let t = self.expect_any(&[K::UnquotedIdentifier, K::QuotedIdentifier], &[K::Assign])?;
        let name = self.ident_from(t);
        let mut follow = CONSTANT_START.to_vec();
        follow.push(K::LeftBraces);
        self.expect_or_missing(K::Assign, &follow)?;
        let value = if self.at(K::LeftBraces) {
            SetValue::Map(self.parse_map()?)
        } else if CONSTANT_START.contains(&self.peek()) {
            SetValue::Constant(self.parse_constant()?)
        } else {
            let mut expected = CONSTANT_START.to_vec();
            expected.push(K::LeftBraces);
            return Err(self.mismatch(&expected));
        };
        self.expect_or_missing(K::Semicolon, super::SOURCE_START)?;
        Ok(SetCommand {
            name,
            value,
            span: self.span_from(start),
        })
    }
}
