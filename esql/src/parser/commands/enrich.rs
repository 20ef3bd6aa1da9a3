//! Commands that add columns from other indices: `ENRICH` and `LOOKUP JOIN`.

use crate::ast::{EnrichCommand, EnrichPolicy, EnrichWith, JoinCommand, JoinKind};
use crate::lexer::TokenKind as K;
use crate::parser::expr::EXPR_START;
use crate::parser::{PResult, Parser};

impl Parser<'_> {
    /// `ENRICH policy (ON qualifiedNamePattern)? (WITH enrichWithClause (COMMA …)*)?`
    pub(crate) fn parse_enrich(&mut self) -> PResult<EnrichCommand> {
        let start = self.mark();
        self.advance();
        let t = self.expect_any_else(&[K::EnrichPolicyName, K::QuotedString], |p| {
            p.then_command_end(&[K::On, K::With])
        })?;
        let policy = if t.kind == K::QuotedString {
            EnrichPolicy::Quoted(self.string_from(t))
        } else {
            EnrichPolicy::Unquoted(self.text(t).to_owned())
        };
        let on = if self.eat(K::On).is_some() {
            Some(self.parse_pattern_checked(true)?)
        } else {
            None
        };
        let mut with = Vec::new();
        if self.eat(K::With).is_some() {
            loop {
                with.push(self.parse_enrich_with()?);
                if self.eat(K::Comma).is_none() {
                    break;
                }
            }
        }
        Ok(EnrichCommand {
            policy,
            on,
            with,
            span: self.span_from(start),
        })
    }

    /// `enrichWithClause : (qualifiedNamePattern ASSIGN)? qualifiedNamePattern`
    fn parse_enrich_with(&mut self) -> PResult<EnrichWith> {
        let start = self.mark();
        if !crate::parser::names::PATTERN_START.contains(&self.peek()) {
            return Err(self.mismatch(crate::parser::names::PATTERN_START));
        }
        let prev = self.predict();
        let first = self.parse_name_pattern(false)?;
        self.resolve(prev);
        if self.eat(K::Assign).is_some() {
            let field = self.parse_pattern_checked(true)?;
            return Ok(EnrichWith {
                new_name: Some(first),
                field,
                span: self.span_from(start),
            });
        }
        Ok(EnrichWith {
            new_name: None,
            field: first,
            span: self.span_from(start),
        })
    }

    /// `LOOKUP JOIN indexPattern ON booleanExpression (COMMA booleanExpression)*`
    pub(crate) fn parse_join(&mut self) -> PResult<JoinCommand> {
        let start = self.mark();
        self.advance();
        self.expect_or_missing(K::Join, &[K::QuotedString, K::UnquotedSource])?;
        if !matches!(self.peek(), K::UnquotedSource | K::QuotedString) {
            return Err(self.mismatch(&[K::QuotedString, K::UnquotedSource]));
        }
        let target_start = self.mark();
        if self.peek() == K::UnquotedSource
            && self.peek_at(1) == K::Colon
            && self.peek_at(2) != K::UnquotedSource
        {
            // `cluster:` without an index: ANTLR is still choosing between the release form
            // and the development-only `index [AS] alias` form, both of which start with the
            // index pattern, so the failure is that prediction's (SLL: no alternative has
            // finished the target yet).
            return Err(self.no_viable_at(target_start, target_start + 2));
        }
        let target = self.parse_index_pattern(false)?;
        if matches!(self.peek(), K::As | K::UnquotedSource) {
            // The development-only `index [AS] alias` form: ANTLR reads it, then fails its
            // predicate at the index.
            return Err(self.no_viable_at(target_start, target_start));
        }
        self.expect_or_missing(K::On, EXPR_START)?;
        let conditions = self.with_follow(&[K::Comma, K::Pipe, K::Eof], |p| {
            let first = p.parse_expr()?;
            let mut conditions = p.list_of(first);
            while p.eat(K::Comma).is_some() {
                conditions.push(p.parse_expr()?);
            }
            Ok(conditions)
        })?;
        Ok(JoinCommand {
            kind: JoinKind::Lookup,
            target,
            conditions,
            span: self.span_from(start),
        })
    }
}
