//! Expressions: the `booleanExpression` … `primaryExpression` levels of Elastic's grammar.
//!
//! An [`Expr`] is a kind plus the span of its source text ([`Query::text_of`](crate::ast::Query::text_of)
//! gives the verbatim text ES names columns and warnings by). The grammar restricts where some
//! kinds may appear — e.g. the operand of `IS NULL` is never an `AND`, list elements are literals —
//! and the parser only builds trees that respect it; hand-built trees that do not may print text
//! that parses differently.

use crate::Span;
use crate::ast::{
    BinaryOp, FunctionName, Ident, LikeKind, Literal, Param, QualifiedName, StringLiteral,
    Subquery, UnaryOp,
};

/// An expression with its source span.
#[derive(Debug, Clone)]
pub struct Expr {
    /// What the expression is.
    pub kind: ExprKind,
    /// Source span (first to last token; includes parentheses of a [`ExprKind::Paren`]).
    pub span: Span,
}
eq_ignoring_span!(Expr { kind });

impl Expr {
    /// An expression of this kind with an empty span.
    pub fn new(kind: ExprKind) -> Expr {
        Expr {
            kind,
            span: Span::default(),
        }
    }

    /// An expression of this kind with this span.
    pub fn spanned(kind: ExprKind, span: Span) -> Expr {
        Expr { kind, span }
    }
}

/// The kinds of expression.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ExprKind {
    /// A constant: `null`, `true`, `42`, `-1.5`, `"s"`, `1 hour`.
    Literal(Literal),
    /// A parameter used as a constant: `?`, `?name`, `?1`.
    Param(Param),
    /// A list constant `[1, 2]`, `["a", "b"]`, `[true]`: elements are numeric (integer and
    /// decimal may mix), boolean or string literals, never empty.
    List(Vec<Expr>),
    /// A field reference: `host.name`, `` `a b` ``, `?p.x`.
    Field(QualifiedName),
    /// A function call.
    Function(FunctionCall),
    /// `( expr )`, kept so printing is exact.
    Paren(Box<Expr>),
    /// `expr::type`.
    Cast {
        /// The converted expression (a primary expression).
        expr: Box<Expr>,
        /// The type name (`long`, `ip`, …), an identifier.
        data_type: Ident,
    },
    /// `-expr`, `+expr` (a signed number is a [`Literal`], not a unary expression).
    Unary {
        /// The operator.
        op: UnaryOp,
        /// The operand.
        expr: Box<Expr>,
    },
    /// `left op right` for arithmetic, comparison, `AND` and `OR`.
    Binary {
        /// The operator.
        op: BinaryOp,
        /// Left operand.
        left: Box<Expr>,
        /// Right operand.
        right: Box<Expr>,
    },
    /// `NOT expr`.
    Not(Box<Expr>),
    /// `expr [NOT] IN (v1, v2, …)`.
    In {
        /// Tested value.
        expr: Box<Expr>,
        /// Candidate values (at least one).
        list: Vec<Expr>,
        /// True for `NOT IN`.
        negated: bool,
    },
    /// `expr [NOT] IN (FROM … | …)`.
    InSubquery {
        /// Tested value.
        expr: Box<Expr>,
        /// The subquery.
        subquery: Box<Subquery>,
        /// True for `NOT IN`.
        negated: bool,
    },
    /// `expr [NOT] LIKE|RLIKE pattern` or `… LIKE|RLIKE (p1, p2, …)`.
    Like {
        /// Tested value.
        expr: Box<Expr>,
        /// `LIKE` or `RLIKE`.
        kind: LikeKind,
        /// The patterns: string literals or parameters (at least one).
        patterns: Vec<Expr>,
        /// True when written with parentheses (the list form), even for one pattern.
        list: bool,
        /// True for `NOT LIKE` / `NOT RLIKE`.
        negated: bool,
    },
    /// `expr IS [NOT] NULL`.
    IsNull {
        /// Tested value.
        expr: Box<Expr>,
        /// True for `IS NOT NULL`.
        negated: bool,
    },
    /// The full-text match operator `field[::type] : constant`.
    Match {
        /// The searched field.
        field: QualifiedName,
        /// Optional cast of the field (`field::keyword : "x"`).
        cast: Option<Ident>,
        /// The query constant.
        query: Box<Expr>,
    },
}

/// A function call: `count(*)`, `to_lower(x)`, `match(f, "q", {"fuzziness": 1})`.
#[derive(Debug, Clone)]
pub struct FunctionCall {
    /// The function name.
    pub name: FunctionName,
    /// The arguments.
    pub args: FunctionArgs,
    /// Source span (name to closing parenthesis).
    pub span: Span,
}
eq_ignoring_span!(FunctionCall { name, args });

impl FunctionCall {
    /// The function name in lower case, or `None` when the name is a parameter.
    pub fn name_lowercase(&self) -> Option<String> {
        match &self.name {
            FunctionName::Ident(id) => Some(id.name.to_lowercase().into()),
            FunctionName::Param(_) => None,
        }
    }
}

/// The arguments of a [`FunctionCall`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum FunctionArgs {
    /// `f(*)`.
    Star,
    /// `f(a, b, …[, {map}])`: positional arguments and an optional trailing map of options
    /// (the map needs at least one positional argument before it).
    List {
        /// Positional arguments.
        args: Vec<Expr>,
        /// Trailing `{ "name": value, … }` options.
        options: Option<MapExpr>,
    },
}

/// A map literal `{ "key": value, … }` (function options, `WITH { … }` command options).
#[derive(Debug, Clone)]
pub struct MapExpr {
    /// The entries, in written order (may be empty).
    pub entries: Vec<MapEntry>,
    /// Source span (braces included).
    pub span: Span,
}
eq_ignoring_span!(MapExpr { entries });

/// One `"key": value` entry of a [`MapExpr`].
#[derive(Debug, Clone)]
pub struct MapEntry {
    /// The key, a string literal.
    pub key: StringLiteral,
    /// The value.
    pub value: MapValue,
    /// Source span.
    pub span: Span,
}
eq_ignoring_span!(MapEntry { key, value });

/// The value of a [`MapEntry`]: a constant or a nested map.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum MapValue {
    /// A constant expression ([`ExprKind::Literal`], [`ExprKind::Param`] or [`ExprKind::List`]).
    Constant(Expr),
    /// A nested map.
    Map(MapExpr),
}
