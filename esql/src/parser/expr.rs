//! Expressions: a Pratt parser over the levels of Elastic's grammar.
//!
//! ```text
//! booleanExpression : NOT booleanExpression | valueExpression | regex | IN list | IN subquery
//!                   | IS [NOT] NULL | match | booleanExpression (AND | OR) booleanExpression
//! valueExpression   : operatorExpression [comparison operatorExpression]
//! operatorExpression: primaryExpression | (+|-) operatorExpression | binary + - * / %
//! primaryExpression : constant | qualifiedName | function | ( booleanExpression ) | primary::type
//! ```
//!
//! A sign directly before a number is part of the constant (`-1`), as in the grammar. ANTLR
//! decides between `valueExpression`, `LIKE`, `IN`, `IS NULL` and match only after reading the
//! whole leading value expression; while it reads, an error is a `no viable alternative` quoting
//! everything since the start of that boolean expression. `pending` records that start.

use super::precedence::Precedence;
use super::{PResult, Parser};
use crate::ast::CompactString;
use crate::ast::{
    BinaryOp, DecimalLiteral, Expr, ExprKind, FunctionArgs, FunctionCall, IntegerLiteral, LikeKind,
    Literal, MapEntry, MapExpr, MapValue, NamePart, QualifiedName, Sign, StringLiteral, UnaryOp,
};
use crate::lexer::{Token, TokenKind as K};

/// Tokens that can start a boolean expression.
pub(crate) const EXPR_START: &[K] = &[
    K::QuotedString,
    K::IntegerLiteral,
    K::DecimalLiteral,
    K::False,
    K::First,
    K::Last,
    K::Not,
    K::Null,
    K::Param,
    K::True,
    K::Plus,
    K::Minus,
    K::DoubleParams,
    K::NamedOrPositionalParam,
    K::NamedOrPositionalDoubleParams,
    K::OpeningBracket,
    K::Lp,
    K::UnquotedIdentifier,
    K::QuotedIdentifier,
];

/// Tokens that can start a value expression (no `NOT`).
pub(crate) const VALUE_START: &[K] = &[
    K::QuotedString,
    K::IntegerLiteral,
    K::DecimalLiteral,
    K::False,
    K::First,
    K::Last,
    K::Null,
    K::Param,
    K::True,
    K::Plus,
    K::Minus,
    K::DoubleParams,
    K::NamedOrPositionalParam,
    K::NamedOrPositionalDoubleParams,
    K::OpeningBracket,
    K::Lp,
    K::UnquotedIdentifier,
    K::QuotedIdentifier,
];

/// True for the tokens of [`VALUE_START`] (a `match` is faster than a scan on the hot path).
#[inline]
pub(crate) fn is_value_start(k: K) -> bool {
    matches!(
        k,
        K::QuotedString
            | K::IntegerLiteral
            | K::DecimalLiteral
            | K::False
            | K::First
            | K::Last
            | K::Null
            | K::Param
            | K::True
            | K::Plus
            | K::Minus
            | K::DoubleParams
            | K::NamedOrPositionalParam
            | K::NamedOrPositionalDoubleParams
            | K::OpeningBracket
            | K::Lp
            | K::UnquotedIdentifier
            | K::QuotedIdentifier
    )
}

/// True for the tokens of [`EXPR_START`].
#[inline]
pub(crate) fn is_expr_start(k: K) -> bool {
    k == K::Not || is_value_start(k)
}

/// Tokens that can start a constant.
pub(crate) const CONSTANT_START: &[K] = &[
    K::QuotedString,
    K::IntegerLiteral,
    K::DecimalLiteral,
    K::False,
    K::Null,
    K::Param,
    K::True,
    K::Plus,
    K::Minus,
    K::NamedOrPositionalParam,
    K::OpeningBracket,
];

/// Tokens that can start a `stringOrParameter`.
const STRING_OR_PARAM: &[K] = &[K::QuotedString, K::Param, K::NamedOrPositionalParam];

fn comparison(k: K) -> Option<BinaryOp> {
    Some(match k {
        K::Eq => BinaryOp::Eq,
        K::Neq => BinaryOp::Neq,
        K::Lt => BinaryOp::Lt,
        K::Lte => BinaryOp::Lte,
        K::Gt => BinaryOp::Gt,
        K::Gte => BinaryOp::Gte,
        _ => return None,
    })
}

fn arithmetic(k: K) -> Option<BinaryOp> {
    Some(match k {
        K::Plus => BinaryOp::Add,
        K::Minus => BinaryOp::Sub,
        K::Asterisk => BinaryOp::Mul,
        K::Slash => BinaryOp::Div,
        K::Percent => BinaryOp::Mod,
        _ => return None,
    })
}

fn is_number(k: K) -> bool {
    matches!(k, K::IntegerLiteral | K::DecimalLiteral)
}

impl Parser<'_> {
    /// Starts an ANTLR prediction at the current token unless an older one is pending; returns
    /// the previous state for [`Parser::resolve`].
    pub(crate) fn predict(&mut self) -> Option<usize> {
        let prev = self.pending;
        if prev.is_none() {
            self.pending = Some(self.mark());
        }
        prev
    }

    /// Ends the prediction begun by the matching [`Parser::predict`].
    pub(crate) fn resolve(&mut self, prev: Option<usize>) {
        self.pending = prev;
    }

    /// Consumes `kind`, or fails (a `no viable alternative` if a prediction is pending).
    fn expect_in_expr(&mut self, kind: K, follow: &[K]) -> PResult<Token> {
        match self.pending {
            Some(start) if start < self.mark() && !self.at(kind) => Err(self.no_viable(start)),
            _ => self.expect_or_missing(kind, follow),
        }
    }

    /// `booleanExpression` (any precedence).
    pub(crate) fn parse_expr(&mut self) -> PResult<Expr> {
        self.parse_boolean(Precedence::Lowest)
    }

    /// `booleanExpression` whose infix operators bind tighter than `min`.
    fn parse_boolean(&mut self, min: Precedence) -> PResult<Expr> {
        if !is_expr_start(self.peek()) {
            return Err(self.pending_or(|p| p.mismatch(EXPR_START)));
        }
        self.enter()?;
        let start = self.mark();
        let mut left = if self.at(K::Not) {
            self.advance();
            let operand = self.parse_boolean(Precedence::Not)?;
            Expr::spanned(ExprKind::Not(Box::new(operand)), self.span_from(start))
        } else {
            self.parse_boolean_primary()?
        };
        loop {
            let op = match self.peek() {
                K::And => BinaryOp::And,
                K::Or => BinaryOp::Or,
                _ => break,
            };
            let prec = Precedence::of(op);
            if prec <= min {
                break;
            }
            self.advance();
            let right = self.parse_boolean(prec)?;
            left = Expr::spanned(
                ExprKind::Binary {
                    op,
                    left: Box::new(left),
                    right: Box::new(right),
                },
                self.span_from(start),
            );
        }
        self.leave();
        Ok(left)
    }

    /// The non-recursive alternatives of `booleanExpression`: a value expression, optionally
    /// followed by `[NOT] IN`, `[NOT] LIKE|RLIKE`, `IS [NOT] NULL` or `: constant`.
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn parse_boolean_primary(&mut self) -> PResult<Expr> {
        let start = self.mark();
        let prev = self.predict();
        let value = self.parse_value_expression()?;
        let result = match self.peek() {
            K::Not if matches!(self.peek_at(1), K::In | K::Like | K::RLike) => {
                self.advance();
                self.parse_boolean_suffix(value, start, true, prev)
            }
            K::Not => {
                self.advance();
                Err(self.no_viable(self.pending.unwrap_or(start)))
            }
            K::In | K::Like | K::RLike => self.parse_boolean_suffix(value, start, false, prev),
            K::Is => {
                self.resolve(prev);
                self.advance();
                let negated = self.eat(K::Not).is_some();
                if !self.at(K::Null) {
                    return Err(self.pending_or(|p| {
                        if negated {
                            let mut follow = vec![K::And, K::Or];
                            follow.extend_from_slice(p.expr_follow);
                            if p.nested > 0 {
                                follow.push(K::Rp);
                            }
                            p.clone_expect_missing(K::Null, &follow)
                        } else {
                            p.mismatch(&[K::Not, K::Null])
                        }
                    }));
                }
                self.advance();
                Ok(Expr::spanned(
                    ExprKind::IsNull {
                        expr: Box::new(value),
                        negated,
                    },
                    self.span_from(start),
                ))
            }
            K::Colon => {
                let Some((field, cast)) = match_target(&value) else {
                    // The value expression could end here: ANTLR picks that alternative and
                    // the enclosing rule reports the `:`.
                    self.resolve(prev);
                    return Ok(value);
                };
                self.resolve(prev);
                self.advance();
                let query = self.parse_constant()?;
                Ok(Expr::spanned(
                    ExprKind::Match {
                        field,
                        cast,
                        query: Box::new(query),
                    },
                    self.span_from(start),
                ))
            }
            _ => {
                self.resolve(prev);
                Ok(value)
            }
        };
        if self.pending == Some(start) {
            self.resolve(prev);
        }
        result
    }

    /// After `value [NOT]`, at `IN`, `LIKE` or `RLIKE`.
    fn parse_boolean_suffix(
        &mut self,
        value: Expr,
        start: usize,
        negated: bool,
        prev: Option<usize>,
    ) -> PResult<Expr> {
        let kw = self.advance();
        match kw.kind {
            K::In => {
                if !self.at(K::Lp) {
                    return Err(self.no_viable(self.pending.unwrap_or(start)));
                }
                self.advance();
                if matches!(self.peek(), K::From | K::Row | K::Ts) {
                    self.resolve(prev);
                    let subquery = self.parse_subquery_after_lp(self.mark() - 1, true)?;
                    return Ok(Expr::spanned(
                        ExprKind::InSubquery {
                            expr: Box::new(value),
                            subquery: Box::new(subquery),
                            negated,
                        },
                        self.span_from(start),
                    ));
                }
                if !is_value_start(self.peek()) {
                    return Err(self.no_viable(self.pending.unwrap_or(start)));
                }
                self.resolve(prev);
                let first = self.parse_value_expression()?;
                let mut list = self.list_of(first);
                loop {
                    match self.peek() {
                        K::Comma => {
                            self.advance();
                            if !is_value_start(self.peek()) {
                                return Err(self.pending_or(|p| p.mismatch(VALUE_START)));
                            }
                            list.push(self.parse_value_expression()?);
                        }
                        K::Rp => {
                            self.advance();
                            break;
                        }
                        _ => {
                            return Err(
                                self.pending_or(|p| p.loop_error(list.len(), &[K::Comma, K::Rp]))
                            );
                        }
                    }
                }
                Ok(Expr::spanned(
                    ExprKind::In {
                        expr: Box::new(value),
                        list,
                        negated,
                    },
                    self.span_from(start),
                ))
            }
            _ => {
                let kind = if kw.kind == K::Like {
                    LikeKind::Like
                } else {
                    LikeKind::RLike
                };
                let list = self.at(K::Lp);
                if !list && !STRING_OR_PARAM.contains(&self.peek()) {
                    return Err(self.no_viable(self.pending.unwrap_or(start)));
                }
                self.resolve(prev);
                let mut patterns = Vec::new();
                if list {
                    self.advance();
                    if !STRING_OR_PARAM.contains(&self.peek()) {
                        return Err(self.pending_or(|p| p.mismatch(STRING_OR_PARAM)));
                    }
                    patterns.push(self.parse_string_or_param()?);
                    loop {
                        match self.peek() {
                            K::Comma => {
                                self.advance();
                                if !STRING_OR_PARAM.contains(&self.peek()) {
                                    return Err(self.pending_or(|p| p.mismatch(STRING_OR_PARAM)));
                                }
                                patterns.push(self.parse_string_or_param()?);
                            }
                            K::Rp => {
                                self.advance();
                                break;
                            }
                            _ => {
                                return Err(self.pending_or(|p| {
                                    p.loop_error(patterns.len(), &[K::Comma, K::Rp])
                                }));
                            }
                        }
                    }
                } else {
                    patterns.push(self.parse_string_or_param()?);
                }
                Ok(Expr::spanned(
                    ExprKind::Like {
                        expr: Box::new(value),
                        kind,
                        patterns,
                        list,
                        negated,
                    },
                    self.span_from(start),
                ))
            }
        }
    }

    /// `stringOrParameter : string | parameter`
    pub(crate) fn parse_string_or_param(&mut self) -> PResult<Expr> {
        let t = self.tok();
        match t.kind {
            K::QuotedString => {
                self.advance();
                let s = self.string_from(t);
                Ok(Expr::spanned(ExprKind::Literal(Literal::String(s)), t.span))
            }
            K::Param | K::NamedOrPositionalParam => {
                self.advance();
                Ok(Expr::spanned(ExprKind::Param(self.param_from(t)), t.span))
            }
            _ => Err(self.pending_or(|p| p.mismatch(STRING_OR_PARAM))),
        }
    }

    /// `valueExpression : operatorExpression [comparisonOperator operatorExpression]`
    #[cfg_attr(not(debug_assertions), inline(always))]
    pub(crate) fn parse_value_expression(&mut self) -> PResult<Expr> {
        let start = self.mark();
        // ANTLR decides "comparison or not" after the first operand.
        let prev = self.predict();
        let left = self.parse_operator_inline(Precedence::Lowest)?;
        self.resolve(prev);
        if let Some(op) = comparison(self.peek()) {
            self.advance();
            let right = self.parse_operator(Precedence::Lowest)?;
            return Ok(Expr::spanned(
                ExprKind::Binary {
                    op,
                    left: Box::new(left),
                    right: Box::new(right),
                },
                self.span_from(start),
            ));
        }
        Ok(left)
    }

    /// `operatorExpression` whose binary operators bind tighter than `min`.
    fn parse_operator(&mut self, min: Precedence) -> PResult<Expr> {
        self.parse_operator_inline(min)
    }

    /// [`Parser::parse_operator`], inlined where a value expression starts (one call level
    /// less for every operand: each level moves the whole expression). Only in optimised
    /// builds: unoptimised, the merged frames are large enough to overflow a test thread's
    /// stack at [`MAX_DEPTH`](super::MAX_DEPTH) nesting.
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn parse_operator_inline(&mut self, min: Precedence) -> PResult<Expr> {
        if !is_value_start(self.peek()) {
            return Err(self.pending_or(|p| p.mismatch(VALUE_START)));
        }
        self.enter()?;
        let start = self.mark();
        let mut left = match self.peek() {
            K::Plus | K::Minus if !is_number(self.peek_at(1)) => {
                let op = if self.advance().kind == K::Minus {
                    UnaryOp::Neg
                } else {
                    UnaryOp::Plus
                };
                let operand = self.parse_operator(Precedence::Unary)?;
                Expr::spanned(
                    ExprKind::Unary {
                        op,
                        expr: Box::new(operand),
                    },
                    self.span_from(start),
                )
            }
            // A signed number: the constant.
            _ => self.parse_primary_inline()?,
        };
        while let Some(op) = arithmetic(self.peek()) {
            let prec = Precedence::of(op);
            if prec <= min {
                break;
            }
            self.advance();
            let right = self.parse_operator(prec)?;
            left = Expr::spanned(
                ExprKind::Binary {
                    op,
                    left: Box::new(left),
                    right: Box::new(right),
                },
                self.span_from(start),
            );
        }
        self.leave();
        Ok(left)
    }

    /// `primaryExpression`, including its `::type` casts.
    pub(crate) fn parse_primary(&mut self) -> PResult<Expr> {
        self.parse_primary_inline()
    }

    /// [`Parser::parse_primary`], inlined into the operator level (see
    /// [`Parser::parse_operator_inline`]).
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn parse_primary_inline(&mut self) -> PResult<Expr> {
        let start = self.mark();
        let mut e = match self.peek() {
            K::Lp => {
                self.enter()?;
                self.advance();
                let saved = std::mem::replace(&mut self.expr_follow, &[K::Rp]);
                let inner = self.parse_expr()?;
                self.expr_follow = saved;
                if !self.at(K::Rp) {
                    return Err(self.pending_or(|p| {
                        let mut follow = saved.to_vec();
                        follow.push(K::CastOp);
                        p.clone_expect_missing(K::Rp, &follow)
                    }));
                }
                self.advance();
                self.leave();
                Expr::spanned(ExprKind::Paren(Box::new(inner)), self.span_from(start))
            }
            K::UnquotedIdentifier
            | K::QuotedIdentifier
            | K::DoubleParams
            | K::NamedOrPositionalDoubleParams
                if self.peek_at(1) == K::Lp =>
            {
                self.parse_function_call()?
            }
            K::First | K::Last => {
                if self.peek_at(1) != K::Lp {
                    self.advance();
                    return Err(self.pending_or(|p| p.mismatch(&[K::Lp])));
                }
                self.parse_function_call()?
            }
            K::Param | K::NamedOrPositionalParam if self.peek_at(1) == K::Lp => {
                self.parse_function_call()?
            }
            K::Param | K::NamedOrPositionalParam if self.peek_at(1) != K::Dot => {
                let t = self.advance();
                Expr::spanned(ExprKind::Param(self.param_from(t)), t.span)
            }
            K::UnquotedIdentifier
            | K::QuotedIdentifier
            | K::Param
            | K::NamedOrPositionalParam
            | K::DoubleParams
            | K::NamedOrPositionalDoubleParams => {
                let first = self.parse_name_part()?;
                let name = self.parse_field_name_rest(first, start)?;
                // A dotted name followed by `(` is a complete name: the `(` is reported by
                // whatever follows the expression.
                Expr::spanned(ExprKind::Field(name), self.span_from(start))
            }
            K::OpeningBracket => {
                let list_start = matches!(
                    self.peek_at(1),
                    K::QuotedString
                        | K::IntegerLiteral
                        | K::DecimalLiteral
                        | K::True
                        | K::False
                        | K::Plus
                        | K::Minus
                );
                if !list_start {
                    // Without an enclosing prediction, ANTLR's primary-expression decision is
                    // left with only the bracketed name and fails its predicate at once.
                    return Err(self.dev_bracket_error(false, false));
                }
                self.parse_constant()?
            }
            _ => self.parse_constant()?,
        };
        while self.at(K::CastOp) {
            self.advance();
            if !matches!(self.peek(), K::UnquotedIdentifier | K::QuotedIdentifier) {
                return Err(
                    self.pending_or(|p| p.mismatch(&[K::UnquotedIdentifier, K::QuotedIdentifier]))
                );
            }
            let data_type = self.parse_identifier()?;
            e = Expr::spanned(
                ExprKind::Cast {
                    expr: Box::new(e),
                    data_type,
                },
                self.span_from(start),
            );
        }
        Ok(e)
    }

    /// `functionExpression : functionName LP (ASTERISK | args [, map])? RP`
    fn parse_function_call(&mut self) -> PResult<Expr> {
        let start = self.mark();
        self.enter()?;
        let name_tok = self.advance();
        let name = self.function_name_from(name_tok);
        self.advance(); // LP
        let args = if self.at(K::Asterisk) {
            self.advance();
            if !self.at(K::Rp) {
                return Err(self.pending_or(|p| p.mismatch(&[K::Rp])));
            }
            self.advance();
            FunctionArgs::Star
        } else if self.at(K::Rp) {
            self.advance();
            FunctionArgs::List {
                args: vec![],
                options: None,
            }
        } else {
            if !is_expr_start(self.peek()) {
                return Err(self.pending_or(|p| {
                    let mut expected = EXPR_START.to_vec();
                    expected.extend([K::Asterisk, K::Rp]);
                    p.mismatch(&expected)
                }));
            }
            let saved = std::mem::replace(&mut self.expr_follow, &[K::Comma, K::Rp]);
            let first = self.parse_expr()?;
            let mut args = self.list_of(first);
            let mut options = None;
            loop {
                match self.peek() {
                    K::Comma => {
                        self.advance();
                        if self.at(K::LeftBraces) {
                            options = Some(self.parse_map()?);
                            if !self.at(K::Rp) {
                                return Err(self.pending_or(|p| p.mismatch(&[K::Rp])));
                            }
                            self.advance();
                            break;
                        }
                        if !is_expr_start(self.peek()) {
                            // ANTLR decides between another argument and the options map after
                            // the comma: the failure quotes from the comma.
                            let comma = self.mark() - 1;
                            return Err(self.pending_or(|p| p.no_viable(comma)));
                        }
                        args.push(self.parse_expr()?);
                    }
                    K::Rp => {
                        self.advance();
                        break;
                    }
                    _ => {
                        return Err(
                            self.pending_or(|p| p.loop_error(args.len(), &[K::Comma, K::Rp]))
                        );
                    }
                }
            }
            self.expr_follow = saved;
            FunctionArgs::List { args, options }
        };
        self.leave();
        let span = self.span_from(start);
        Ok(Expr::spanned(
            ExprKind::Function(FunctionCall { name, args, span }),
            span,
        ))
    }

    /// `mapExpression : LEFT_BRACES (entryExpression (COMMA entryExpression)*)? RIGHT_BRACES`
    pub(crate) fn parse_map(&mut self) -> PResult<MapExpr> {
        let start = self.mark();
        self.enter()?;
        if !self.at(K::LeftBraces) {
            return Err(self.pending_or(|p| {
                p.clone_expect_missing(K::LeftBraces, &[K::QuotedString, K::RightBraces])
            }));
        }
        self.advance();
        let mut entries = Vec::new();
        if self.at(K::QuotedString) {
            loop {
                let entry_start = self.mark();
                let key_tok = self.expect_in_expr(K::QuotedString, &[K::Colon])?;
                let key = self.string_from(key_tok);
                let mut follow = CONSTANT_START.to_vec();
                follow.push(K::LeftBraces);
                self.expect_in_expr(K::Colon, &follow)?;
                let value = if self.at(K::LeftBraces) {
                    MapValue::Map(self.parse_map()?)
                } else if CONSTANT_START.contains(&self.peek()) {
                    MapValue::Constant(self.parse_constant()?)
                } else {
                    let mut expected = CONSTANT_START.to_vec();
                    expected.push(K::LeftBraces);
                    return Err(self.pending_or(|p| p.mismatch(&expected)));
                };
                entries.push(MapEntry {
                    key,
                    value,
                    span: self.span_from(entry_start),
                });
                match self.peek() {
                    K::Comma => {
                        self.advance();
                    }
                    K::RightBraces => break,
                    _ => {
                        return Err(self.pending_or(|p| {
                            p.loop_error(entries.len(), &[K::Comma, K::RightBraces])
                        }));
                    }
                }
            }
        }
        if !self.at(K::RightBraces) {
            let expected: &[K] = if entries.is_empty() {
                &[K::QuotedString, K::RightBraces]
            } else {
                &[K::RightBraces]
            };
            return Err(self.pending_or(|p| p.mismatch(expected)));
        }
        self.advance();
        self.leave();
        Ok(MapExpr {
            entries,
            span: self.span_from(start),
        })
    }

    /// `constant`: null, numbers (optionally signed, optionally with a unit), booleans,
    /// parameters, strings and lists of one kind.
    pub(crate) fn parse_constant(&mut self) -> PResult<Expr> {
        let start = self.mark();
        let t = self.tok();
        let kind = match t.kind {
            K::Null => {
                self.advance();
                ExprKind::Literal(Literal::Null)
            }
            K::True | K::False => {
                self.advance();
                ExprKind::Literal(Literal::Boolean(t.kind == K::True))
            }
            K::QuotedString => {
                self.advance();
                ExprKind::Literal(Literal::String(self.string_from(t)))
            }
            K::Param | K::NamedOrPositionalParam => {
                self.advance();
                ExprKind::Param(self.param_from(t))
            }
            K::Plus | K::Minus | K::IntegerLiteral | K::DecimalLiteral => {
                let lit = self.parse_number(start)?;
                if let Literal::Integer(value) = &lit
                    && self.at(K::UnquotedIdentifier)
                {
                    let unit_tok = self.advance();
                    let unit = self.ident_from(unit_tok);
                    let value = value.clone();
                    return Ok(Expr::spanned(
                        ExprKind::Literal(Literal::Qualified { value, unit }),
                        self.span_from(start),
                    ));
                }
                ExprKind::Literal(lit)
            }
            K::OpeningBracket => {
                self.enter()?;
                self.advance();
                let elems = self.parse_list_elements(start)?;
                self.leave();
                ExprKind::List(elems)
            }
            _ => return Err(self.pending_or(|p| p.mismatch(CONSTANT_START))),
        };
        Ok(Expr::spanned(kind, self.span_from(start)))
    }

    /// `(PLUS | MINUS)? (INTEGER_LITERAL | DECIMAL_LITERAL)`
    fn parse_number(&mut self, start: usize) -> PResult<Literal> {
        let sign = match self.peek() {
            K::Plus => {
                self.advance();
                Some(Sign::Plus)
            }
            K::Minus => {
                self.advance();
                Some(Sign::Minus)
            }
            _ => None,
        };
        let t = self.tok();
        match t.kind {
            K::IntegerLiteral => {
                self.advance();
                Ok(Literal::Integer(IntegerLiteral {
                    sign,
                    digits: self.text(t).into(),
                }))
            }
            K::DecimalLiteral => {
                self.advance();
                Ok(Literal::Decimal(DecimalLiteral {
                    sign,
                    text: self.text(t).into(),
                }))
            }
            _ => Err(self.no_viable(self.pending.unwrap_or(start))),
        }
    }

    /// The elements of a list constant after `[`, through `]`.
    fn parse_list_elements(&mut self, start: usize) -> PResult<Vec<Expr>> {
        #[derive(PartialEq, Clone, Copy)]
        enum Kind {
            Number,
            Boolean,
            String,
        }
        let kind_of = |k: K| match k {
            K::Plus | K::Minus | K::IntegerLiteral | K::DecimalLiteral => Some(Kind::Number),
            K::True | K::False => Some(Kind::Boolean),
            K::QuotedString => Some(Kind::String),
            _ => None,
        };
        let Some(kind) = kind_of(self.peek()) else {
            return Err(self.no_viable(self.pending.unwrap_or(start)));
        };
        let mut elems = Vec::new();
        loop {
            let el_start = self.mark();
            let t = self.tok();
            let lit = match kind {
                Kind::Number => self.parse_number(el_start)?,
                Kind::Boolean => {
                    if !matches!(t.kind, K::True | K::False) {
                        return Err(self.pending_or(|p| p.mismatch(&[K::True, K::False])));
                    }
                    self.advance();
                    Literal::Boolean(t.kind == K::True)
                }
                Kind::String => {
                    if t.kind != K::QuotedString {
                        return Err(self.pending_or(|p| p.mismatch(&[K::QuotedString])));
                    }
                    self.advance();
                    Literal::String(self.string_from(t))
                }
            };
            elems.push(Expr::spanned(
                ExprKind::Literal(lit),
                self.span_from(el_start),
            ));
            match self.peek() {
                K::Comma => {
                    self.advance();
                    if kind == Kind::Number
                        && !matches!(
                            self.peek(),
                            K::Plus | K::Minus | K::IntegerLiteral | K::DecimalLiteral
                        )
                    {
                        return Err(self.pending_or(|p| {
                            p.mismatch(&[K::IntegerLiteral, K::DecimalLiteral, K::Plus, K::Minus])
                        }));
                    }
                }
                K::ClosingBracket => {
                    self.advance();
                    return Ok(elems);
                }
                _ => {
                    return Err(self.pending_or(|p| {
                        p.loop_error(elems.len(), &[K::Comma, K::ClosingBracket])
                    }));
                }
            }
        }
    }

    /// A string literal from a `QUOTED_STRING` token.
    pub(crate) fn string_from(&self, t: Token) -> StringLiteral {
        let text = self.text(t);
        if text.len() >= 6 && text.starts_with("\"\"\"") {
            StringLiteral {
                value: text[3..text.len() - 3].into(),
                triple_quoted: true,
                span: t.span,
            }
        } else {
            StringLiteral {
                value: unescape(&text[1..text.len().saturating_sub(1).max(1)]),
                triple_quoted: false,
                span: t.span,
            }
        }
    }
}

/// The field (and optional cast) of `field[::type] : query`, if `value` has that shape.
fn match_target(value: &Expr) -> Option<(QualifiedName, Option<crate::ast::Ident>)> {
    let as_name = |e: &Expr| match &e.kind {
        ExprKind::Field(q) => Some(q.clone()),
        ExprKind::Param(p) => Some(QualifiedName {
            parts: vec![NamePart::Param(p.clone())],
            span: e.span,
        }),
        _ => None,
    };
    match &value.kind {
        ExprKind::Cast { expr, data_type } => as_name(expr).map(|q| (q, Some(data_type.clone()))),
        _ => as_name(value).map(|q| (q, None)),
    }
}

/// Undoes the escapes of a regular string: `\t \n \r \" \\`; other pairs stay as written.
pub(crate) fn unescape(s: &str) -> CompactString {
    let b = s.as_bytes();
    if memchr::memchr(b'\\', b).is_none() {
        return s.into();
    }
    let mut out = CompactString::with_capacity(s.len());
    // `from`: start of the plain text not yet copied.
    let mut from = 0;
    while let Some(k) = memchr::memchr(b'\\', &b[from..]).map(|k| from + k) {
        out.push_str(&s[from..k]);
        let unescaped = match b.get(k + 1) {
            Some(b't') => '\t',
            Some(b'n') => '\n',
            Some(b'r') => '\r',
            Some(b'"') => '"',
            Some(b'\\') => '\\',
            // Any other pair is kept as written: the backslash here, the character (never a
            // backslash) with the plain text after it.
            _ => {
                out.push('\\');
                from = k + 1;
                continue;
            }
        };
        out.push(unescaped);
        from = k + 2;
    }
    out.push_str(&s[from..]);
    out
}

#[cfg(test)]
mod tests {
    use super::unescape;
    use proptest::prelude::*;

    /// The escape rules one character at a time (the definition `unescape` must match).
    fn unescape_by_chars(s: &str) -> String {
        let mut out = String::new();
        let mut chars = s.chars();
        while let Some(c) = chars.next() {
            if c != '\\' {
                out.push(c);
                continue;
            }
            match chars.next() {
                Some('t') => out.push('\t'),
                Some('n') => out.push('\n'),
                Some('r') => out.push('\r'),
                Some('"') => out.push('"'),
                Some('\\') => out.push('\\'),
                Some(other) => {
                    out.push('\\');
                    out.push(other);
                }
                None => out.push('\\'),
            }
        }
        out
    }

    #[test]
    fn unescape_examples() {
        for s in [
            "",
            "a",
            "a\\tb",
            "\\",
            "x\\",
            "\\\\\\",
            "\\q\\é\\\"",
            "\\\\n",
            "é\\n\\",
        ] {
            assert_eq!(unescape(s), unescape_by_chars(s), "{s:?}");
        }
    }

    proptest! {
        #[test]
        fn unescape_matches_the_character_rules(s in "[a\\\\tnrqé\"]{0,30}") {
            prop_assert_eq!(unescape(&s), unescape_by_chars(&s));
        }
    }
}
