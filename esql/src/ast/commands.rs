//! Processing commands (everything after a `|`) and the `SET` preamble.
//!
//! One struct per command, named `<Command>Command`, each with its source span. Field lists,
//! sort keys and rename clauses are nodes of their own so the analyzer can point at them.

use crate::Span;
use crate::ast::{
    Expr, Ident, IndexPattern, MapExpr, NamePattern, NullsOrder, QualifiedName, SortOrder,
    StringLiteral,
};

/// A command after a pipe.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ProcessingCommand {
    /// `WHERE cond`
    Where(WhereCommand),
    /// `EVAL a = x + 1, …`
    Eval(EvalCommand),
    /// `STATS aggs [BY groups]`
    Stats(StatsCommand),
    /// `INLINE STATS aggs [BY groups]` / `INLINESTATS …`
    InlineStats(InlineStatsCommand),
    /// `KEEP patterns`
    Keep(KeepCommand),
    /// `DROP patterns`
    Drop(DropCommand),
    /// `RENAME a AS b, c = d`
    Rename(RenameCommand),
    /// `SORT keys`
    Sort(SortCommand),
    /// `LIMIT n [BY groups]`
    Limit(LimitCommand),
    /// `MV_EXPAND field`
    MvExpand(MvExpandCommand),
    /// `DISSECT input "pattern" [options]`
    Dissect(DissectCommand),
    /// `GROK input "pattern", …`
    Grok(GrokCommand),
    /// `ENRICH policy [ON field] [WITH …]`
    Enrich(EnrichCommand),
    /// `LOOKUP JOIN index ON cond, …`
    Join(JoinCommand),
    /// `CHANGE_POINT value [ON key] [AS type, pvalue] [BY …]`
    ChangePoint(ChangePointCommand),
    /// `COMPLETION [target =] prompt [WITH {…}]`
    Completion(CompletionCommand),
    /// `SAMPLE probability`
    Sample(SampleCommand),
    /// `FORK (…) (…)`
    Fork(ForkCommand),
    /// `RERANK [target =] query ON fields [WITH {…}]`
    Rerank(RerankCommand),
    /// `FUSE [method] [SCORE BY x] [KEY BY a, b] [GROUP BY g] [WITH {…}]`
    Fuse(FuseCommand),
    /// `URI_PARTS`, `REGISTERED_DOMAIN`, `USER_AGENT`, `IP_LOCATION`: `prefix = input [WITH {…}]`
    Extract(ExtractCommand),
    /// `METRICS_INFO`
    MetricsInfo(BareCommand),
    /// `TS_INFO`
    TsInfo(BareCommand),
    /// `TS_COLLAPSE`
    TsCollapse(BareCommand),
    /// `MMR [query] ON field LIMIT n [WITH {…}]`
    Mmr(MmrCommand),
}

impl ProcessingCommand {
    /// Source span of the command (keyword to last token).
    pub fn span(&self) -> Span {
        match self {
            ProcessingCommand::Where(c) => c.span,
            ProcessingCommand::Eval(c) => c.span,
            ProcessingCommand::Stats(c) => c.span,
            ProcessingCommand::InlineStats(c) => c.span,
            ProcessingCommand::Keep(c) => c.span,
            ProcessingCommand::Drop(c) => c.span,
            ProcessingCommand::Rename(c) => c.span,
            ProcessingCommand::Sort(c) => c.span,
            ProcessingCommand::Limit(c) => c.span,
            ProcessingCommand::MvExpand(c) => c.span,
            ProcessingCommand::Dissect(c) => c.span,
            ProcessingCommand::Grok(c) => c.span,
            ProcessingCommand::Enrich(c) => c.span,
            ProcessingCommand::Join(c) => c.span,
            ProcessingCommand::ChangePoint(c) => c.span,
            ProcessingCommand::Completion(c) => c.span,
            ProcessingCommand::Sample(c) => c.span,
            ProcessingCommand::Fork(c) => c.span,
            ProcessingCommand::Rerank(c) => c.span,
            ProcessingCommand::Fuse(c) => c.span,
            ProcessingCommand::Extract(c) => c.span,
            ProcessingCommand::MetricsInfo(c)
            | ProcessingCommand::TsInfo(c)
            | ProcessingCommand::TsCollapse(c) => c.span,
            ProcessingCommand::Mmr(c) => c.span,
        }
    }
}

/// A command that is just its keyword (`METRICS_INFO`, `TS_INFO`, `TS_COLLAPSE`).
#[derive(Debug, Clone)]
pub struct BareCommand {
    /// Source span.
    pub span: Span,
}
eq_ignoring_span!(BareCommand {});

/// `name = expr` or a bare `expr` (ROW, EVAL, STATS, BY, RERANK ON).
#[derive(Debug, Clone)]
pub struct Field {
    /// The assigned name, when written `name = expr`.
    pub name: Option<QualifiedName>,
    /// The value.
    pub expr: Expr,
    /// Source span.
    pub span: Span,
}
eq_ignoring_span!(Field { name, expr });

/// `WHERE condition`
#[derive(Debug, Clone)]
pub struct WhereCommand {
    /// The condition.
    pub condition: Expr,
    /// Source span.
    pub span: Span,
}
eq_ignoring_span!(WhereCommand { condition });

/// `EVAL fields`
#[derive(Debug, Clone)]
pub struct EvalCommand {
    /// The fields (at least one).
    pub fields: Vec<Field>,
    /// Source span.
    pub span: Span,
}
eq_ignoring_span!(EvalCommand { fields });

/// One aggregate of STATS: `[name =] agg(...) [WHERE filter]`.
#[derive(Debug, Clone)]
pub struct AggField {
    /// The aggregate expression and its optional name.
    pub field: Field,
    /// The per-aggregate filter.
    pub filter: Option<Expr>,
    /// Source span.
    pub span: Span,
}
eq_ignoring_span!(AggField { field, filter });

/// `STATS [aggs] [BY groups]` (both parts are optional in the grammar).
#[derive(Debug, Clone)]
pub struct StatsCommand {
    /// The aggregates.
    pub aggregates: Vec<AggField>,
    /// The grouping fields (empty without BY).
    pub groups: Vec<Field>,
    /// Source span.
    pub span: Span,
}
eq_ignoring_span!(StatsCommand { aggregates, groups });

/// How INLINE STATS was spelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InlineStatsSpelling {
    /// `INLINE STATS`
    TwoWords,
    /// `INLINESTATS` (deprecated spelling)
    OneWord,
}

/// `INLINE STATS aggs [BY groups]`
#[derive(Debug, Clone)]
pub struct InlineStatsCommand {
    /// The spelling used.
    pub spelling: InlineStatsSpelling,
    /// The aggregates (at least one).
    pub aggregates: Vec<AggField>,
    /// The grouping fields (empty without BY).
    pub groups: Vec<Field>,
    /// Source span.
    pub span: Span,
}
eq_ignoring_span!(InlineStatsCommand {
    spelling,
    aggregates,
    groups
});

/// `KEEP patterns`
#[derive(Debug, Clone)]
pub struct KeepCommand {
    /// The patterns (at least one).
    pub patterns: Vec<NamePattern>,
    /// Source span.
    pub span: Span,
}
eq_ignoring_span!(KeepCommand { patterns });

/// `DROP patterns`
#[derive(Debug, Clone)]
pub struct DropCommand {
    /// The patterns (at least one).
    pub patterns: Vec<NamePattern>,
    /// Source span.
    pub span: Span,
}
eq_ignoring_span!(DropCommand { patterns });

/// How a rename clause was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RenameStyle {
    /// `old AS new`
    As,
    /// `new = old`
    Assign,
}

/// One clause of RENAME.
#[derive(Debug, Clone)]
pub struct RenameClause {
    /// The existing column (pattern).
    pub old: NamePattern,
    /// The new name (pattern).
    pub new: NamePattern,
    /// The syntax used.
    pub style: RenameStyle,
    /// Source span.
    pub span: Span,
}
eq_ignoring_span!(RenameClause { old, new, style });

/// `RENAME clauses`
#[derive(Debug, Clone)]
pub struct RenameCommand {
    /// The clauses (at least one).
    pub clauses: Vec<RenameClause>,
    /// Source span.
    pub span: Span,
}
eq_ignoring_span!(RenameCommand { clauses });

/// One key of SORT: `expr [ASC|DESC] [NULLS FIRST|LAST]`.
#[derive(Debug, Clone)]
pub struct SortKey {
    /// The sorted expression.
    pub expr: Expr,
    /// The written direction.
    pub order: Option<SortOrder>,
    /// The written null placement.
    pub nulls: Option<NullsOrder>,
    /// Source span.
    pub span: Span,
}
eq_ignoring_span!(SortKey { expr, order, nulls });

/// `SORT keys`
#[derive(Debug, Clone)]
pub struct SortCommand {
    /// The keys (at least one).
    pub keys: Vec<SortKey>,
    /// Source span.
    pub span: Span,
}
eq_ignoring_span!(SortCommand { keys });

/// `LIMIT n [BY e1, e2]`; the grammar accepts any constant as `n`.
#[derive(Debug, Clone)]
pub struct LimitCommand {
    /// The limit, a constant expression.
    pub count: Expr,
    /// The `BY` grouping expressions (empty without BY).
    pub by: Vec<Expr>,
    /// Source span.
    pub span: Span,
}
eq_ignoring_span!(LimitCommand { count, by });

/// `MV_EXPAND field`
#[derive(Debug, Clone)]
pub struct MvExpandCommand {
    /// The expanded field.
    pub field: QualifiedName,
    /// Source span.
    pub span: Span,
}
eq_ignoring_span!(MvExpandCommand { field });

/// `name = constant`, an option of DISSECT (`APPEND_SEPARATOR = "-"`).
#[derive(Debug, Clone)]
pub struct CommandOption {
    /// The option name.
    pub name: Ident,
    /// Its value, a constant expression.
    pub value: Expr,
    /// Source span.
    pub span: Span,
}
eq_ignoring_span!(CommandOption { name, value });

/// `DISSECT input "pattern" [name = value, …]`
#[derive(Debug, Clone)]
pub struct DissectCommand {
    /// The dissected value (a primary expression).
    pub input: Expr,
    /// The dissect pattern.
    pub pattern: StringLiteral,
    /// Options.
    pub options: Vec<CommandOption>,
    /// Source span.
    pub span: Span,
}
eq_ignoring_span!(DissectCommand {
    input,
    pattern,
    options
});

/// `GROK input "pattern"[, "pattern"…]`
#[derive(Debug, Clone)]
pub struct GrokCommand {
    /// The parsed value (a primary expression).
    pub input: Expr,
    /// The grok patterns (at least one).
    pub patterns: Vec<StringLiteral>,
    /// Source span.
    pub span: Span,
}
eq_ignoring_span!(GrokCommand { input, patterns });

/// The policy of ENRICH: `policy`, `cluster:policy` or a quoted string.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum EnrichPolicy {
    /// Unquoted policy name (may contain `mode:` before the name).
    Unquoted(String),
    /// A quoted string.
    Quoted(StringLiteral),
}

/// One `[new =] field` of ENRICH … WITH.
#[derive(Debug, Clone)]
pub struct EnrichWith {
    /// The output name.
    pub new_name: Option<NamePattern>,
    /// The enrich field.
    pub field: NamePattern,
    /// Source span.
    pub span: Span,
}
eq_ignoring_span!(EnrichWith { new_name, field });

/// `ENRICH policy [ON match_field] [WITH [new =] field, …]`
#[derive(Debug, Clone)]
pub struct EnrichCommand {
    /// The policy.
    pub policy: EnrichPolicy,
    /// The match field.
    pub on: Option<NamePattern>,
    /// The enrich fields (empty without WITH).
    pub with: Vec<EnrichWith>,
    /// Source span.
    pub span: Span,
}
eq_ignoring_span!(EnrichCommand { policy, on, with });

/// The join type of a JOIN command. Release builds only know `LOOKUP`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum JoinKind {
    /// `LOOKUP JOIN`
    Lookup,
}

/// `LOOKUP JOIN index ON cond, …`
#[derive(Debug, Clone)]
pub struct JoinCommand {
    /// The join type.
    pub kind: JoinKind,
    /// The lookup index.
    pub target: IndexPattern,
    /// The join conditions (field names or boolean expressions; at least one).
    pub conditions: Vec<Expr>,
    /// Source span.
    pub span: Span,
}
eq_ignoring_span!(JoinCommand {
    kind,
    target,
    conditions
});

/// `CHANGE_POINT value [ON key] [AS type_name, pvalue_name] [BY e, …]`
#[derive(Debug, Clone)]
pub struct ChangePointCommand {
    /// The analysed value column.
    pub value: QualifiedName,
    /// The key (ordering) column.
    pub key: Option<QualifiedName>,
    /// The output names `(type, pvalue)`.
    pub output: Option<(QualifiedName, QualifiedName)>,
    /// The grouping expressions (empty without BY).
    pub by: Vec<Expr>,
    /// Source span.
    pub span: Span,
}
eq_ignoring_span!(ChangePointCommand {
    value,
    key,
    output,
    by
});

/// The optional `WITH { … }` of COMPLETION, RERANK, USER_AGENT, IP_LOCATION, MMR.
pub type NamedParameters = Option<MapExpr>;

/// `COMPLETION [target =] prompt [WITH { … }]`
#[derive(Debug, Clone)]
pub struct CompletionCommand {
    /// The output column.
    pub target: Option<QualifiedName>,
    /// The prompt (a primary expression).
    pub prompt: Expr,
    /// Named parameters.
    pub options: NamedParameters,
    /// Source span.
    pub span: Span,
}
eq_ignoring_span!(CompletionCommand {
    target,
    prompt,
    options
});

/// `SAMPLE probability` (a constant).
#[derive(Debug, Clone)]
pub struct SampleCommand {
    /// The probability.
    pub probability: Expr,
    /// Source span.
    pub span: Span,
}
eq_ignoring_span!(SampleCommand { probability });

/// One `( cmd | cmd … )` branch of FORK.
#[derive(Debug, Clone)]
pub struct ForkBranch {
    /// The processing commands (at least one).
    pub commands: Vec<ProcessingCommand>,
    /// Source span (parentheses included).
    pub span: Span,
}
eq_ignoring_span!(ForkBranch { commands });

/// `FORK (…) (…) …`
#[derive(Debug, Clone)]
pub struct ForkCommand {
    /// The branches (at least one).
    pub branches: Vec<ForkBranch>,
    /// Source span.
    pub span: Span,
}
eq_ignoring_span!(ForkCommand { branches });

/// `RERANK [target =] query ON fields [WITH { … }]`
#[derive(Debug, Clone)]
pub struct RerankCommand {
    /// The output column.
    pub target: Option<QualifiedName>,
    /// The query text (a constant).
    pub query: Expr,
    /// The fields to rank on (at least one).
    pub on: Vec<Field>,
    /// Named parameters.
    pub options: NamedParameters,
    /// Source span.
    pub span: Span,
}
eq_ignoring_span!(RerankCommand {
    target,
    query,
    on,
    options
});

/// One configuration clause of FUSE.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum FuseConfig {
    /// `SCORE BY field`
    ScoreBy(QualifiedName),
    /// `KEY BY a, b`
    KeyBy(Vec<QualifiedName>),
    /// `GROUP BY field`
    GroupBy(QualifiedName),
    /// `WITH { … }`
    With(MapExpr),
}

/// `FUSE [method] config*`
#[derive(Debug, Clone)]
pub struct FuseCommand {
    /// The fusion method (`rrf`, `linear`).
    pub method: Option<Ident>,
    /// The configuration clauses, in written order.
    pub configs: Vec<FuseConfig>,
    /// Source span.
    pub span: Span,
}
eq_ignoring_span!(FuseCommand { method, configs });

/// Which extraction command an [`ExtractCommand`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ExtractKind {
    /// `URI_PARTS` (no options)
    UriParts,
    /// `REGISTERED_DOMAIN` (no options)
    RegisteredDomain,
    /// `USER_AGENT`
    UserAgent,
    /// `IP_LOCATION`
    IpLocation,
}

/// `URI_PARTS|REGISTERED_DOMAIN|USER_AGENT|IP_LOCATION prefix = input [WITH { … }]`
#[derive(Debug, Clone)]
pub struct ExtractCommand {
    /// The command.
    pub kind: ExtractKind,
    /// The output column prefix.
    pub prefix: QualifiedName,
    /// The input (a primary expression).
    pub input: Expr,
    /// Named parameters (only USER_AGENT and IP_LOCATION accept them).
    pub options: NamedParameters,
    /// Source span.
    pub span: Span,
}
eq_ignoring_span!(ExtractCommand {
    kind,
    prefix,
    input,
    options
});

/// `MMR [query_vector] ON field LIMIT n [WITH { … }]`
#[derive(Debug, Clone)]
pub struct MmrCommand {
    /// The query vector (a parameter or a primary expression).
    pub query_vector: Option<Expr>,
    /// The vector field.
    pub on: QualifiedName,
    /// The limit, an integer literal (optionally signed).
    pub limit: Expr,
    /// Named parameters.
    pub options: NamedParameters,
    /// Source span.
    pub span: Span,
}
eq_ignoring_span!(MmrCommand {
    query_vector,
    on,
    limit,
    options
});

/// `SET name = value;` before the query.
#[derive(Debug, Clone)]
pub struct SetCommand {
    /// The setting name.
    pub name: Ident,
    /// Its value.
    pub value: SetValue,
    /// Source span (semicolon included).
    pub span: Span,
}
eq_ignoring_span!(SetCommand { name, value });

/// The value of a [`SetCommand`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum SetValue {
    /// A constant.
    Constant(Expr),
    /// A map.
    Map(MapExpr),
}
