//! Binding strength of ES|QL operators, weakest first (the levels of Elastic's grammar).
//!
//! `OR` < `AND` < `NOT` < the "boolean primaries" (`IN`, `LIKE`, `IS NULL`, match) < comparison
//! (one, non-associative) < `+ -` < `* / %` < unary `+ -` < `::` casts. Binary arithmetic and
//! logical operators associate to the left.

use crate::ast::BinaryOp;

/// Precedence levels, weakest first; `Ord` follows binding strength.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Precedence {
    /// Any expression.
    Lowest,
    /// `OR`
    Or,
    /// `AND`
    And,
    /// The operand of `NOT`, `IN`, `LIKE`, `IS NULL`.
    Not,
    /// `== != < <= > >=`
    Comparison,
    /// `+ -`
    Additive,
    /// `* / %`
    Multiplicative,
    /// Unary `+ -`.
    Unary,
}

impl Precedence {
    /// The precedence of an infix operator.
    pub(crate) fn of(op: BinaryOp) -> Precedence {
        match op {
            BinaryOp::Or => Precedence::Or,
            BinaryOp::And => Precedence::And,
            BinaryOp::Eq
            | BinaryOp::Neq
            | BinaryOp::Lt
            | BinaryOp::Lte
            | BinaryOp::Gt
            | BinaryOp::Gte => Precedence::Comparison,
            BinaryOp::Add | BinaryOp::Sub => Precedence::Additive,
            BinaryOp::Mul | BinaryOp::Div | BinaryOp::Mod => Precedence::Multiplicative,
        }
    }
}
