//! `Display` for expressions, literals and names: canonical ES|QL text.
//!
//! Parentheses are printed only where the tree has an [`ExprKind::Paren`]; keywords are upper
//! case; strings are re-escaped (`\t \n \r \" \\`) or kept triple-quoted; identifiers keep their
//! backquotes. Printing a parsed tree and parsing the text gives the same tree.

use std::fmt::{self, Display, Formatter, Write};

use crate::ast::{
    DecimalLiteral, Expr, ExprKind, FunctionArgs, FunctionCall, FunctionName, Ident,
    IntegerLiteral, Literal, MapEntry, MapExpr, MapValue, NamePart, NamePattern, NamePatternPart,
    Param, PatternPart, PatternPiece, QualifiedName, Sign, StringLiteral,
};

/// Writes `items` separated by `sep`.
pub(crate) fn separated<T: Display>(f: &mut Formatter<'_>, items: &[T], sep: &str) -> fmt::Result {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            f.write_str(sep)?;
        }
        write!(f, "{item}")?;
    }
    Ok(())
}

/// Writes `items` separated by `, `.
pub(crate) fn comma_separated<T: Display>(f: &mut Formatter<'_>, items: &[T]) -> fmt::Result {
    separated(f, items, ", ")
}

impl Display for Ident {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        if self.quoted {
            f.write_char('`')?;
            f.write_str(&self.name.replace('`', "``"))?;
            f.write_char('`')
        } else {
            f.write_str(&self.name)
        }
    }
}

impl Display for Param {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(if self.double { "??" } else { "?" })?;
        f.write_str(&self.name)
    }
}

impl Display for NamePart {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            NamePart::Ident(i) => i.fmt(f),
            NamePart::Param(p) => p.fmt(f),
        }
    }
}

impl Display for QualifiedName {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        separated(f, &self.parts, ".")
    }
}

impl Display for PatternPart {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        for piece in &self.pieces {
            match piece {
                PatternPiece::Unquoted(s) => f.write_str(s)?,
                PatternPiece::Quoted(s) => {
                    f.write_char('`')?;
                    f.write_str(&s.replace('`', "``"))?;
                    f.write_char('`')?;
                }
            }
        }
        Ok(())
    }
}

impl Display for NamePatternPart {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            NamePatternPart::Pattern(p) => p.fmt(f),
            NamePatternPart::Param(p) => p.fmt(f),
        }
    }
}

impl Display for NamePattern {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        separated(f, &self.parts, ".")
    }
}

impl Display for FunctionName {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            FunctionName::Ident(i) => i.fmt(f),
            FunctionName::Param(p) => p.fmt(f),
        }
    }
}

impl Display for Sign {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_char(match self {
            Sign::Plus => '+',
            Sign::Minus => '-',
        })
    }
}

impl Display for IntegerLiteral {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        if let Some(s) = self.sign {
            s.fmt(f)?;
        }
        f.write_str(&self.digits)
    }
}

impl Display for DecimalLiteral {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        if let Some(s) = self.sign {
            s.fmt(f)?;
        }
        f.write_str(&self.text)
    }
}

impl Display for StringLiteral {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        if self.triple_quoted {
            return write!(f, "\"\"\"{}\"\"\"", self.value);
        }
        f.write_char('"')?;
        for c in self.value.chars() {
            match c {
                '"' => f.write_str("\\\"")?,
                '\\' => f.write_str("\\\\")?,
                '\n' => f.write_str("\\n")?,
                '\r' => f.write_str("\\r")?,
                '\t' => f.write_str("\\t")?,
                c => f.write_char(c)?,
            }
        }
        f.write_char('"')
    }
}

impl Display for Literal {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Literal::Null => f.write_str("null"),
            Literal::Boolean(b) => f.write_str(if *b { "true" } else { "false" }),
            Literal::Integer(i) => i.fmt(f),
            Literal::Decimal(d) => d.fmt(f),
            Literal::String(s) => s.fmt(f),
            Literal::Qualified { value, unit } => write!(f, "{value} {unit}"),
        }
    }
}

impl Display for MapExpr {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_char('{')?;
        comma_separated(f, &self.entries)?;
        f.write_char('}')
    }
}

impl Display for MapEntry {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.key, self.value)
    }
}

impl Display for MapValue {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            MapValue::Constant(e) => e.fmt(f),
            MapValue::Map(m) => m.fmt(f),
        }
    }
}

impl Display for FunctionCall {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "{}(", self.name)?;
        match &self.args {
            FunctionArgs::Star => f.write_char('*')?,
            FunctionArgs::List { args, options } => {
                comma_separated(f, args)?;
                if let Some(m) = options {
                    write!(f, ", {m}")?;
                }
            }
        }
        f.write_char(')')
    }
}

impl Display for Expr {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        self.kind.fmt(f)
    }
}

impl Display for ExprKind {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let not = |negated: bool| if negated { " NOT" } else { "" };
        match self {
            ExprKind::Literal(l) => l.fmt(f),
            ExprKind::Param(p) => p.fmt(f),
            ExprKind::List(items) => {
                f.write_char('[')?;
                comma_separated(f, items)?;
                f.write_char(']')
            }
            ExprKind::Field(q) => q.fmt(f),
            ExprKind::Function(call) => call.fmt(f),
            ExprKind::Paren(e) => write!(f, "({e})"),
            ExprKind::Cast { expr, data_type } => write!(f, "{expr}::{data_type}"),
            ExprKind::Unary { op, expr } => write!(f, "{op}{expr}"),
            ExprKind::Binary { op, left, right } => write!(f, "{left} {op} {right}"),
            ExprKind::Not(e) => write!(f, "NOT {e}"),
            ExprKind::In {
                expr,
                list,
                negated,
            } => {
                write!(f, "{expr}{} IN (", not(*negated))?;
                comma_separated(f, list)?;
                f.write_char(')')
            }
            ExprKind::InSubquery {
                expr,
                subquery,
                negated,
            } => write!(f, "{expr}{} IN {subquery}", not(*negated)),
            ExprKind::Like {
                expr,
                kind,
                patterns,
                list,
                negated,
            } => {
                write!(f, "{expr}{} {kind} ", not(*negated))?;
                if *list {
                    f.write_char('(')?;
                    comma_separated(f, patterns)?;
                    f.write_char(')')
                } else {
                    comma_separated(f, patterns)
                }
            }
            ExprKind::IsNull { expr, negated } => {
                write!(f, "{expr} IS{} NULL", not(*negated))
            }
            ExprKind::Match { field, cast, query } => {
                field.fmt(f)?;
                if let Some(t) = cast {
                    write!(f, "::{t}")?;
                }
                write!(f, " : {query}")
            }
        }
    }
}
