//! Command dispatch and the pieces commands share (fields, aggregates, `WITH {…}`).
//!
//! One file per family of commands, each an `impl Parser` block: `source.rs` (FROM, TS, ROW,
//! SHOW, SET, subqueries), `filter.rs` (WHERE, EVAL, SORT, LIMIT, SAMPLE, MV_EXPAND,
//! CHANGE_POINT), `stats.rs` (STATS, INLINE STATS), `project.rs` (KEEP, DROP, RENAME),
//! `text.rs` (DISSECT, GROK, URI_PARTS, REGISTERED_DOMAIN, USER_AGENT, IP_LOCATION), `enrich.rs`
//! (ENRICH, LOOKUP JOIN), `search.rs` (FORK, COMPLETION, RERANK, FUSE, MMR), `promql.rs`.

mod enrich;
mod filter;
mod project;
mod promql;
mod search;
mod source;
mod stats;
mod text;

use super::{PResult, Parser};
use crate::ast::{
    AggField, BareCommand, Expr, ExprKind, Field, NamePart, NamedParameters, ProcessingCommand,
    QualifiedName, SourceCommand,
};
use crate::lexer::TokenKind as K;

/// What ANTLR expects at the start of a query.
pub(crate) const SOURCE_START: &[K] = &[
    K::DevExplain,
    K::Row,
    K::From,
    K::Ts,
    K::DevExternal,
    K::Promql,
    K::Set,
    K::Show,
];

/// What ANTLR expects after a `|`.
pub(crate) const PROCESSING_START: &[K] = &[
    K::ChangePoint,
    K::DevDedup,
    K::Enrich,
    K::Completion,
    K::Dissect,
    K::Eval,
    K::Grok,
    K::Limit,
    K::Rerank,
    K::Sample,
    K::Sort,
    K::Stats,
    K::Where,
    K::UriParts,
    K::MetricsInfo,
    K::RegisteredDomain,
    K::TsInfo,
    K::UserAgent,
    K::TsCollapse,
    K::IpLocation,
    K::Fork,
    K::Fuse,
    K::DevHighlight,
    K::Inline,
    K::InlineStatsWord,
    K::JoinLookup,
    K::DevJoinLeft,
    K::DevJoinRight,
    K::DevLookup,
    K::Mmr,
    K::MvExpand,
    K::Drop,
    K::Keep,
    K::Rename,
];

/// Tokens that start a `qualifiedName` (the bracket form is development-only).
pub(crate) const QNAME_START: &[K] = &[
    K::Param,
    K::DoubleParams,
    K::NamedOrPositionalParam,
    K::NamedOrPositionalDoubleParams,
    K::OpeningBracket,
    K::UnquotedIdentifier,
    K::QuotedIdentifier,
];

impl Parser<'_> {
    /// `sourceCommand`
    pub(crate) fn parse_source_command(&mut self) -> PResult<SourceCommand> {
        match self.peek() {
            K::From => Ok(SourceCommand::From(self.parse_from()?)),
            K::Ts => Ok(SourceCommand::Ts(self.parse_from()?)),
            K::Row => Ok(SourceCommand::Row(self.parse_row()?)),
            K::Show => Ok(SourceCommand::Show(self.parse_show()?)),
            K::Promql => Ok(SourceCommand::Promql(self.parse_promql()?)),
            _ => Err(self.mismatch(SOURCE_START)),
        }
    }

    /// `processingCommand`
    pub(crate) fn parse_processing_command(&mut self) -> PResult<ProcessingCommand> {
        Ok(match self.peek() {
            K::Where => ProcessingCommand::Where(self.parse_where()?),
            K::Eval => ProcessingCommand::Eval(self.parse_eval()?),
            K::Stats => ProcessingCommand::Stats(self.parse_stats()?),
            K::Inline | K::InlineStatsWord => {
                ProcessingCommand::InlineStats(self.parse_inline_stats()?)
            }
            K::Keep => ProcessingCommand::Keep(self.parse_keep()?),
            K::Drop => ProcessingCommand::Drop(self.parse_drop()?),
            K::Rename => ProcessingCommand::Rename(self.parse_rename()?),
            K::Sort => ProcessingCommand::Sort(self.parse_sort()?),
            K::Limit => ProcessingCommand::Limit(self.parse_limit()?),
            K::MvExpand => ProcessingCommand::MvExpand(self.parse_mv_expand()?),
            K::Dissect => ProcessingCommand::Dissect(self.parse_dissect()?),
            K::Grok => ProcessingCommand::Grok(self.parse_grok()?),
            K::Enrich => ProcessingCommand::Enrich(self.parse_enrich()?),
            K::JoinLookup => ProcessingCommand::Join(self.parse_join()?),
            K::ChangePoint => ProcessingCommand::ChangePoint(self.parse_change_point()?),
            K::Completion => ProcessingCommand::Completion(self.parse_completion()?),
            K::Sample => ProcessingCommand::Sample(self.parse_sample()?),
            K::Fork => ProcessingCommand::Fork(self.parse_fork()?),
            K::Rerank => ProcessingCommand::Rerank(self.parse_rerank()?),
            K::Fuse => ProcessingCommand::Fuse(self.parse_fuse()?),
            K::UriParts | K::RegisteredDomain | K::UserAgent | K::IpLocation => {
                ProcessingCommand::Extract(self.parse_extract()?)
            }
            K::MetricsInfo => ProcessingCommand::MetricsInfo(BareCommand {
                span: self.advance().span,
            }),
            K::TsInfo => ProcessingCommand::TsInfo(BareCommand {
                span: self.advance().span,
            }),
            K::TsCollapse => ProcessingCommand::TsCollapse(BareCommand {
                span: self.advance().span,
            }),
            K::Mmr => ProcessingCommand::Mmr(self.parse_mmr()?),
            _ => return Err(self.mismatch(PROCESSING_START)),
        })
    }

    /// `field : (qualifiedName ASSIGN)? booleanExpression`
    pub(crate) fn parse_field(&mut self) -> PResult<Field> {
        let start = self.mark();
        let mut expr = self.parse_expr()?;
        if self.at(K::Assign) {
            match into_qualified_name(expr) {
                Ok(name) => {
                    self.advance();
                    let value = self.parse_expr()?;
                    return Ok(Field {
                        name: Some(name),
                        expr: value,
                        span: self.span_from(start),
                    });
                }
                Err(not_a_name) => expr = not_a_name,
            }
        }
        Ok(Field {
            name: None,
            expr,
            span: self.span_from(start),
        })
    }

    /// `fields : field (COMMA field)*`
    pub(crate) fn parse_fields(&mut self) -> PResult<Vec<Field>> {
        self.parse_fields_followed_by(&[K::Comma, K::Pipe, K::Eof])
    }

    /// `fields`, where `follow` may come after each field.
    pub(crate) fn parse_fields_followed_by(&mut self, follow: &'static [K]) -> PResult<Vec<Field>> {
        self.with_follow(follow, |p| {
            let first = p.parse_field()?;
            let mut fields = p.list_of(first);
            while p.eat(K::Comma).is_some() {
                fields.push(p.parse_field()?);
            }
            Ok(fields)
        })
    }

    /// `aggFields : aggField (COMMA aggField)*`, `aggField : field (WHERE booleanExpression)?`
    pub(crate) fn parse_agg_fields(&mut self) -> PResult<Vec<AggField>> {
        let mut aggs = Vec::new();
        loop {
            let start = self.mark();
            let field = self.with_follow(&[K::Where, K::Comma, K::By, K::Pipe, K::Eof], |p| {
                p.parse_field()
            })?;
            let filter = if self.eat(K::Where).is_some() {
                Some(self.with_follow(&[K::Comma, K::By, K::Pipe, K::Eof], |p| p.parse_expr())?)
            } else {
                None
            };
            if aggs.is_empty() {
                aggs.reserve_exact(1 + self.commas_ahead());
            }
            aggs.push(AggField {
                field,
                filter,
                span: self.span_from(start),
            });
            if self.eat(K::Comma).is_none() {
                return Ok(aggs);
            }
        }
    }

    /// `commandNamedParameters : (WITH mapExpression)?`
    pub(crate) fn parse_named_parameters(&mut self) -> PResult<NamedParameters> {
        if self.eat(K::With).is_some() {
            Ok(Some(self.parse_map()?))
        } else {
            Ok(None)
        }
    }

    /// A `primaryExpression` where a command requires one (DISSECT, GROK, COMPLETION, …);
    /// `follow` is what the command allows after it.
    pub(crate) fn parse_command_primary(&mut self, follow: &'static [K]) -> PResult<Expr> {
        if !super::expr::is_value_start(self.peek()) {
            return Err(self.pending_or(|p| p.mismatch(super::expr::VALUE_START)));
        }
        self.with_follow(follow, |p| p.parse_primary())
    }

    /// A `qualifiedName` where a command requires one.
    pub(crate) fn parse_command_name(&mut self) -> PResult<QualifiedName> {
        if !QNAME_START.contains(&self.peek()) {
            return Err(self.pending_or(|p| p.mismatch(QNAME_START)));
        }
        self.parse_qualified_name(true)
    }
}

/// The qualified name an expression spells (`a.b`, `?x`), for `name = value`; the expression
/// itself when it is not a name.
pub(crate) fn into_qualified_name(e: Expr) -> Result<QualifiedName, Expr> {
    match e.kind {
        ExprKind::Field(q) => Ok(q),
        ExprKind::Param(p) => Ok(QualifiedName {
            parts: vec![NamePart::Param(p)],
            span: e.span,
        }),
        kind => Err(Expr::spanned(kind, e.span)),
    }
}
