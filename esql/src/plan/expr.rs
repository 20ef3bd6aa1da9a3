//! Typed expressions of a [`Plan`](super::Plan).

use std::fmt;

use crate::functions::ScalarFunction;
use crate::{DataType, Position, Value};

/// A typed expression. Its `text` is the verbatim source text ES names columns and warnings by, and
/// `position` is where that text starts.
#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    /// What the expression computes.
    pub kind: ExprKind,
    /// Its result type.
    pub data_type: DataType,
    /// Verbatim source text (for generated expressions, a canonical rendering).
    pub text: String,
    /// 1-based line and column of the start of `text` in the query.
    pub position: Position,
}

/// The operation of an [`Expr`].
#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    /// A constant (already folded, e.g. a LIKE pattern built with `concat`).
    Literal(Value),
    /// The value of column `i` of the step's input (or extended) row.
    Column(usize),
    /// Three-valued NOT.
    Not(Box<Expr>),
    /// Three-valued AND.
    And(Box<Expr>, Box<Expr>),
    /// Three-valued OR.
    Or(Box<Expr>, Box<Expr>),
    /// `==`, `!=`, `<`, `<=`, `>`, `>=`. Operands may be of different numeric types.
    Comparison {
        /// The operator.
        op: ComparisonOp,
        /// Left operand.
        left: Box<Expr>,
        /// Right operand.
        right: Box<Expr>,
    },
    /// `+ - * / %` on numbers, and date ± time span.
    Arithmetic {
        /// The operator.
        op: ArithmeticOp,
        /// Left operand.
        left: Box<Expr>,
        /// Right operand.
        right: Box<Expr>,
    },
    /// Unary minus.
    Negate(Box<Expr>),
    /// `value IN (list)`; `NOT IN` is `Not(In)`.
    In {
        /// Tested value.
        value: Box<Expr>,
        /// Candidates.
        list: Vec<Expr>,
    },
    /// `value LIKE pattern` or `value LIKE (p1, p2)`: true if any pattern matches. `NOT LIKE` is `Not(Like)`.
    /// Patterns are after string-literal unescaping; `\` escapes inside them are still to be applied.
    Like {
        /// Tested value.
        value: Box<Expr>,
        /// Wildcard patterns (`*`, `?`, `\` escapes).
        patterns: Vec<String>,
    },
    /// `value RLIKE pattern(s)`: Lucene regular expressions, anchored. `NOT RLIKE` is `Not(RLike)`.
    RLike {
        /// Tested value.
        value: Box<Expr>,
        /// Lucene RegExp patterns.
        patterns: Vec<String>,
    },
    /// `IS NULL` (or `IS NOT NULL` when `negated`).
    IsNull {
        /// Tested value.
        value: Box<Expr>,
        /// True for `IS NOT NULL`.
        negated: bool,
    },
    /// Conversion to `to` (`::type` casts and implicit conversions the analyzer inserts).
    Cast {
        /// Converted value.
        value: Box<Expr>,
        /// Target type.
        to: DataType,
    },
    /// A scalar function call.
    Call {
        /// The function.
        function: ScalarFunction,
        /// Arguments, in written order.
        args: Vec<Expr>,
    },
}

impl Expr {
    /// An expression of `kind` with this type, text and position.
    pub fn new(
        kind: ExprKind,
        data_type: DataType,
        text: impl Into<String>,
        position: Position,
    ) -> Expr {
        Expr {
            kind,
            data_type,
            text: text.into(),
            position,
        }
    }

    /// A literal.
    pub fn literal(
        value: Value,
        data_type: DataType,
        text: impl Into<String>,
        position: Position,
    ) -> Expr {
        Expr::new(ExprKind::Literal(value), data_type, text, position)
    }

    /// A column reference.
    pub fn column(
        index: usize,
        data_type: DataType,
        name: impl Into<String>,
        position: Position,
    ) -> Expr {
        Expr::new(ExprKind::Column(index), data_type, name, position)
    }

    /// The direct sub-expressions.
    pub fn children(&self) -> Vec<&Expr> {
        match &self.kind {
            ExprKind::Literal(_) | ExprKind::Column(_) => vec![],
            ExprKind::Not(e) | ExprKind::Negate(e) => vec![e],
            ExprKind::And(a, b) | ExprKind::Or(a, b) => vec![a, b],
            ExprKind::Comparison { left, right, .. } | ExprKind::Arithmetic { left, right, .. } => {
                vec![left, right]
            }
            ExprKind::In { value, list } => std::iter::once(&**value).chain(list).collect(),
            ExprKind::Like { value, .. }
            | ExprKind::RLike { value, .. }
            | ExprKind::IsNull { value, .. }
            | ExprKind::Cast { value, .. } => vec![value],
            ExprKind::Call { args, .. } => args.iter().collect(),
        }
    }

    /// Every column index this expression reads.
    pub fn columns(&self) -> Vec<usize> {
        let mut out = Vec::new();
        self.visit(&mut |e| {
            if let ExprKind::Column(i) = e.kind {
                out.push(i);
            }
        });
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Calls `f` on this expression and every sub-expression, parents first.
    pub fn visit(&self, f: &mut dyn FnMut(&Expr)) {
        f(self);
        for c in self.children() {
            c.visit(f);
        }
    }
}

/// Comparison operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ComparisonOp {
    /// `==`
    Eq,
    /// `!=`
    Neq,
    /// `<`
    Lt,
    /// `<=`
    Lte,
    /// `>`
    Gt,
    /// `>=`
    Gte,
}

impl ComparisonOp {
    /// The operator as written in ES|QL.
    pub fn symbol(self) -> &'static str {
        match self {
            ComparisonOp::Eq => "==",
            ComparisonOp::Neq => "!=",
            ComparisonOp::Lt => "<",
            ComparisonOp::Lte => "<=",
            ComparisonOp::Gt => ">",
            ComparisonOp::Gte => ">=",
        }
    }
}

impl fmt::Display for ComparisonOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.symbol())
    }
}

/// Arithmetic operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ArithmeticOp {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/` (integer division truncates)
    Div,
    /// `%`
    Mod,
}

impl ArithmeticOp {
    /// The operator as written in ES|QL.
    pub fn symbol(self) -> &'static str {
        match self {
            ArithmeticOp::Add => "+",
            ArithmeticOp::Sub => "-",
            ArithmeticOp::Mul => "*",
            ArithmeticOp::Div => "/",
            ArithmeticOp::Mod => "%",
        }
    }
}

impl fmt::Display for ArithmeticOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.symbol())
    }
}
