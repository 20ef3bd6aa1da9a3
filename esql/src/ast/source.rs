//! Source commands: `FROM`, `TS`, `ROW`, `SHOW INFO`, `PROMQL`, and FROM's subqueries.

use crate::Span;
use crate::ast::{Field, ProcessingCommand, StringLiteral};

/// The command that starts a query.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum SourceCommand {
    /// `FROM patterns [METADATA …]`.
    From(FromCommand),
    /// `TS patterns [METADATA …]` (time-series indices; same shape as FROM).
    Ts(FromCommand),
    /// `ROW a = 1, …`.
    Row(RowCommand),
    /// `SHOW INFO`.
    Show(ShowCommand),
    /// `PROMQL …`.
    Promql(PromqlCommand),
}

impl SourceCommand {
    /// Source span of the command.
    pub fn span(&self) -> Span {
        match self {
            SourceCommand::From(c) | SourceCommand::Ts(c) => c.span,
            SourceCommand::Row(c) => c.span,
            SourceCommand::Show(c) => c.span,
            SourceCommand::Promql(c) => c.span,
        }
    }
}

/// `FROM a, "b*", remote:c, d::failures, (FROM e | WHERE x) METADATA _id, _index`.
#[derive(Debug, Clone)]
pub struct FromCommand {
    /// The sources (at least one).
    pub sources: Vec<FromSource>,
    /// The requested metadata fields (empty when there is no METADATA clause).
    pub metadata: Vec<MetadataField>,
    /// Source span.
    pub span: Span,
}
eq_ignoring_span!(FromCommand { sources, metadata });

/// One source of a FROM/TS command.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum FromSource {
    /// An index pattern.
    Index(IndexPattern),
    /// `( FROM … | … )`.
    Subquery(Subquery),
}

/// An index pattern: `[cluster:]index[::selector]` unquoted, or a quoted string.
#[derive(Debug, Clone)]
pub struct IndexPattern {
    /// The remote cluster (`remote` in `remote:logs-*`), unquoted.
    pub cluster: Option<String>,
    /// The index name or pattern.
    pub index: IndexName,
    /// The selector (`failures` in `logs::failures`), unquoted.
    pub selector: Option<String>,
    /// Source span.
    pub span: Span,
}
eq_ignoring_span!(IndexPattern {
    cluster,
    index,
    selector
});

/// The index part of an [`IndexPattern`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum IndexName {
    /// Unquoted source text (`logs-endpoint.events.*`, `<logs-{now/d}>`).
    Unquoted(String),
    /// A quoted string (`"logs-*"`); a cluster or selector inside it is ES's business.
    Quoted(StringLiteral),
}

/// One field of a METADATA clause (`_id`, `_index`, …), as written.
#[derive(Debug, Clone)]
pub struct MetadataField {
    /// The field name.
    pub name: String,
    /// Source span.
    pub span: Span,
}
eq_ignoring_span!(MetadataField { name });

/// A subquery `( FROM … | … )` used as a FROM source or on the right of `IN`.
#[derive(Debug, Clone)]
pub struct Subquery {
    /// `FROM`, `ROW` or `TS` (in FROM), any source command (after `IN`).
    pub source: SourceCommand,
    /// Processing commands.
    pub commands: Vec<ProcessingCommand>,
    /// Source span (parentheses included).
    pub span: Span,
}
eq_ignoring_span!(Subquery { source, commands });

/// `ROW a = 1, b = "x"`.
#[derive(Debug, Clone)]
pub struct RowCommand {
    /// The fields (at least one).
    pub fields: Vec<Field>,
    /// Source span.
    pub span: Span,
}
eq_ignoring_span!(RowCommand { fields });

/// `SHOW INFO`.
#[derive(Debug, Clone)]
pub struct ShowCommand {
    /// Source span.
    pub span: Span,
}
eq_ignoring_span!(ShowCommand {});

/// `PROMQL [name=value …] [target =] (query)`: kept as the texts of its tokens after the keyword
/// (comments inside the PromQL query are tokens too). detsim does not evaluate PromQL.
#[derive(Debug, Clone)]
pub struct PromqlCommand {
    /// The token texts after `PROMQL`, in order; printed separated by single spaces.
    pub tokens: Vec<String>,
    /// Source span.
    pub span: Span,
}
eq_ignoring_span!(PromqlCommand { tokens });
