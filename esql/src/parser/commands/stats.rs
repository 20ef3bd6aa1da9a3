//! Aggregation commands: `STATS [aggs] [BY groups]` and `INLINE STATS aggs [BY groups]`
//! (also spelled `INLINESTATS`).

use crate::ast::{InlineStatsCommand, InlineStatsSpelling, StatsCommand};
use crate::lexer::TokenKind as K;
use crate::parser::{PResult, Parser};

impl Parser<'_> {
    /// `STATS aggFields? (BY fields)?`
    pub(crate) fn parse_stats(&mut self) -> PResult<StatsCommand> {
        let start = self.mark();
        self.advance();
        let aggregates = if crate::parser::expr::is_expr_start(self.peek()) {
            self.parse_agg_fields()?
        } else {
            Vec::new()
        };
        let groups = if self.eat(K::By).is_some() {
            self.parse_fields()?
        } else {
            Vec::new()
        };
        Ok(StatsCommand {
            aggregates,
            groups,
            span: self.span_from(start),
        })
    }

    /// `INLINE INLINE_STATS aggFields (BY fields)? | INLINESTATS aggFields (BY fields)?`
    pub(crate) fn parse_inline_stats(&mut self) -> PResult<InlineStatsCommand> {
        let start = self.mark();
        let spelling = if self.advance().kind == K::Inline {
            self.expect_or_missing(K::InlineStats, crate::parser::expr::EXPR_START)?;
            InlineStatsSpelling::TwoWords
        } else {
            InlineStatsSpelling::OneWord
        };
        let aggregates = self.parse_agg_fields()?;
        let groups = if self.eat(K::By).is_some() {
            self.parse_fields()?
        } else {
            Vec::new()
        };
        Ok(InlineStatsCommand {
            spelling,
            aggregates,
            groups,
            span: self.span_from(start),
        })
    }
}
