//! Literal values as written: null, booleans, numbers (kept as text), strings, time spans.
//!
//! Numbers keep their source digits: whether `2147483648` is an `integer`, a `long`, an
//! `unsigned_long` or a `double` is the analyzer's decision, exactly as in Elasticsearch. A sign
//! written before a number (`-1`, `- 1`) is part of the literal, because Elastic's grammar reads
//! `(PLUS | MINUS)? INTEGER_LITERAL` as one constant.

use crate::Span;
use compact_str::CompactString;

/// A leading `+` or `-` of a numeric literal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Sign {
    /// `+`
    Plus,
    /// `-`
    Minus,
}

/// An integer literal: optional sign and the digits (`-42`, `007`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct IntegerLiteral {
    /// The written sign, if any.
    pub sign: Option<Sign>,
    /// The digits as written (only `0-9`, at least one).
    pub digits: CompactString,
}

/// A decimal literal: optional sign and the token text (`1.5`, `.5`, `1.`, `1e10`, `2.5E-3`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DecimalLiteral {
    /// The written sign, if any.
    pub sign: Option<Sign>,
    /// The literal as written, without the sign.
    pub text: CompactString,
}

/// A string literal, already unescaped.
///
/// Regular strings (`"a\tb"`) process the escapes `\t \n \r \" \\`; any other backslash pair is
/// kept as written. Triple-quoted strings (`"""raw "text" \d"""`) are taken verbatim.
#[derive(Debug, Clone)]
pub struct StringLiteral {
    /// The string's value (up to 24 bytes stored inline, without allocation).
    pub value: CompactString,
    /// True when written with triple quotes.
    pub triple_quoted: bool,
    /// Source span (including the quotes).
    pub span: Span,
}
eq_ignoring_span!(StringLiteral {
    value,
    triple_quoted
});

impl StringLiteral {
    /// A regular (double-quoted) string literal (span empty).
    pub fn new(value: impl Into<CompactString>) -> StringLiteral {
        StringLiteral {
            value: value.into(),
            triple_quoted: false,
            span: Span::default(),
        }
    }
}

/// A constant.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Literal {
    /// `null`
    Null,
    /// `true` / `false`
    Boolean(bool),
    /// `42`, `-1`
    Integer(IntegerLiteral),
    /// `1.5`, `-2e3`
    Decimal(DecimalLiteral),
    /// `"text"`, `"""raw"""`
    String(StringLiteral),
    /// An integer qualified by a unit identifier: `1 hour`, `30 seconds`, `-5 m`. The grammar
    /// accepts any unquoted identifier as the unit; the analyzer checks it.
    Qualified {
        /// The number.
        value: IntegerLiteral,
        /// The unit, an unquoted identifier.
        unit: crate::ast::Ident,
    },
}
