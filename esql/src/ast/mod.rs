//! The ES|QL abstract syntax tree, as written by the user.
//!
//! The tree mirrors Elastic's grammar (`EsqlBaseParser.g4`, release mode): a [`Query`] is an optional
//! `SET` preamble, one source command and a pipe of processing commands. Every node carries the byte
//! [`Span`] of its source text; spans never take part in equality or hashing (each node writes its
//! `PartialEq`/`Hash` by hand, destructuring all fields and naming `span: _`), so
//! `parse(print(q)) == q` holds although printing normalises whitespace.
//!
//! Explicit parentheses are kept as [`ExprKind::Paren`], so printing needs no precedence logic.
//! [`Query::text_of`] returns the verbatim source text of any node; Elasticsearch names unnamed
//! columns and warnings by that text (e.g. `MIN(salary  * 10)`, double space included).

/// Implements `PartialEq`, `Eq` and `Hash` for a struct with a `span` field, ignoring the span.
/// The field list must be complete: the destructuring pattern fails to compile otherwise.
macro_rules! eq_ignoring_span {
    ($ty:ident { $($field:ident),* $(,)? }) => {
        impl PartialEq for $ty {
            fn eq(&self, _other: &Self) -> bool {
                let $ty { $($field,)* span: _ } = self;
                true $(&& *$field == _other.$field)*
            }
        }
        impl Eq for $ty {}
        impl std::hash::Hash for $ty {
            fn hash<H: std::hash::Hasher>(&self, _state: &mut H) {
                let $ty { $($field,)* span: _ } = self;
                $($field.hash(_state);)*
            }
        }
    };
}

mod commands;
mod expressions;
mod identifiers;
mod literals;
mod operators;
mod source;

pub use commands::{
    AggField, BareCommand, ChangePointCommand, CommandOption, CompletionCommand, DissectCommand,
    DropCommand, EnrichCommand, EnrichPolicy, EnrichWith, EvalCommand, ExtractCommand, ExtractKind,
    Field, ForkBranch, ForkCommand, FuseCommand, FuseConfig, GrokCommand, InlineStatsCommand,
    InlineStatsSpelling, JoinCommand, JoinKind, KeepCommand, LimitCommand, MmrCommand,
    MvExpandCommand, NamedParameters, ProcessingCommand, RenameClause, RenameCommand, RenameStyle,
    RerankCommand, SampleCommand, SetCommand, SetValue, SortCommand, SortKey, StatsCommand,
    WhereCommand,
};
pub use expressions::{Expr, ExprKind, FunctionArgs, FunctionCall, MapEntry, MapExpr, MapValue};
pub use identifiers::{
    FunctionName, Ident, NamePart, NamePattern, NamePatternPart, Param, PatternPart, PatternPiece,
    QualifiedName,
};
pub use literals::{DecimalLiteral, IntegerLiteral, Literal, Sign, StringLiteral};
pub use operators::{BinaryOp, LikeKind, NullsOrder, SortOrder, UnaryOp};
pub use source::{
    FromCommand, FromSource, IndexName, IndexPattern, MetadataField, PromqlCommand, RowCommand,
    ShowCommand, SourceCommand, Subquery,
};

use crate::Span;

/// The string type of identifiers, string literals, number texts and pattern pieces: a
/// `String` that stores up to 24 bytes inline (most names and many strings), so parsing
/// allocates far less. It derefs to `&str`; `String::from(x)` / `x.into()` convert.
pub use compact_str::CompactString;

/// A whole ES|QL query: `SET …;`* source command, then `| processing command`*.
#[derive(Debug, Clone)]
pub struct Query {
    /// The `SET name = value;` preamble, in order (usually empty).
    pub settings: Vec<SetCommand>,
    /// `FROM`, `ROW`, `TS`, `SHOW INFO` or `PROMQL`.
    pub source: SourceCommand,
    /// The processing commands after the pipes, in order.
    pub commands: Vec<ProcessingCommand>,
    /// Span of the whole query (first to last token).
    pub span: Span,
    /// The query text the spans refer to (empty for trees built by hand).
    pub text: String,
}

impl PartialEq for Query {
    fn eq(&self, other: &Self) -> bool {
        let Query {
            settings,
            source,
            commands,
            span: _,
            text: _,
        } = self;
        *settings == other.settings && *source == other.source && *commands == other.commands
    }
}

impl Eq for Query {}

impl std::hash::Hash for Query {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        let Query {
            settings,
            source,
            commands,
            span: _,
            text: _,
        } = self;
        settings.hash(state);
        source.hash(state);
        commands.hash(state);
    }
}

impl Query {
    /// The verbatim source text covered by `span` (empty if the span is outside the text).
    pub fn text_of(&self, span: Span) -> &str {
        span.slice(&self.text)
    }
}
