//! The printer: `Display` for every AST node, producing canonical ES|QL text on one line.
//!
//! Canonical means: keywords in upper case, one space around binary operators, `, ` between list
//! items, ` | ` between commands, parentheses only where the tree has them. For any tree the
//! parser produced, `parse(print(q)) == q` (spans aside); the tests below and
//! `tests/parse_roundtrip.rs` check it.

mod expr;

use std::fmt::{self, Display, Formatter};

use expr::{comma_separated, separated};

use crate::ast::{
    AggField, ChangePointCommand, CommandOption, CompletionCommand, DissectCommand, DropCommand,
    EnrichCommand, EnrichPolicy, EnrichWith, EvalCommand, ExtractCommand, ExtractKind, Field,
    ForkBranch, ForkCommand, FromCommand, FromSource, FuseCommand, FuseConfig, GrokCommand,
    IndexName, IndexPattern, InlineStatsCommand, InlineStatsSpelling, JoinCommand, JoinKind,
    KeepCommand, LimitCommand, MetadataField, MmrCommand, MvExpandCommand, ProcessingCommand,
    PromqlCommand, Query, RenameClause, RenameCommand, RenameStyle, RerankCommand, RowCommand,
    SampleCommand, SetCommand, SetValue, ShowCommand, SortCommand, SortKey, SourceCommand,
    StatsCommand, Subquery, WhereCommand,
};

/// Prints a query as canonical ES|QL text.
pub fn print(q: &Query) -> String {
    q.to_string()
}

impl Display for Query {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        for s in &self.settings {
            write!(f, "{s} ")?;
        }
        self.source.fmt(f)?;
        for c in &self.commands {
            write!(f, " | {c}")?;
        }
        Ok(())
    }
}

impl Display for SetCommand {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "SET {} = ", self.name)?;
        match &self.value {
            SetValue::Constant(e) => e.fmt(f)?,
            SetValue::Map(m) => m.fmt(f)?,
        }
        f.write_str(";")
    }
}

impl Display for SourceCommand {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            SourceCommand::From(c) => write!(f, "FROM {c}"),
            SourceCommand::Ts(c) => write!(f, "TS {c}"),
            SourceCommand::Row(c) => c.fmt(f),
            SourceCommand::Show(c) => c.fmt(f),
            SourceCommand::Promql(c) => c.fmt(f),
        }
    }
}

/// The part of FROM/TS after the keyword.
impl Display for FromCommand {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        comma_separated(f, &self.sources)?;
        if !self.metadata.is_empty() {
            f.write_str(" METADATA ")?;
            comma_separated(f, &self.metadata)?;
        }
        Ok(())
    }
}

impl Display for MetadataField {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)
    }
}

impl Display for FromSource {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            FromSource::Index(i) => i.fmt(f),
            FromSource::Subquery(s) => s.fmt(f),
        }
    }
}

impl Display for IndexPattern {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        if let Some(c) = &self.cluster {
            write!(f, "{c}:")?;
        }
        match &self.index {
            IndexName::Unquoted(s) => f.write_str(s)?,
            IndexName::Quoted(s) => s.fmt(f)?,
        }
        if let Some(s) = &self.selector {
            write!(f, "::{s}")?;
        }
        Ok(())
    }
}

impl Display for Subquery {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "({}", self.source)?;
        for c in &self.commands {
            write!(f, " | {c}")?;
        }
        f.write_str(")")
    }
}

impl Display for RowCommand {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str("ROW ")?;
        comma_separated(f, &self.fields)
    }
}

impl Display for ShowCommand {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str("SHOW INFO")
    }
}

impl Display for PromqlCommand {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str("PROMQL")?;
        let mut glued = false;
        for t in &self.tokens {
            // A lone `/` is an unterminated `/*`: a space after it would make `/ ` a source token.
            if !glued {
                f.write_str(" ")?;
            }
            f.write_str(t)?;
            glued = t == "/";
        }
        Ok(())
    }
}

impl Display for Field {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        if let Some(n) = &self.name {
            write!(f, "{n} = ")?;
        }
        self.expr.fmt(f)
    }
}

impl Display for AggField {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        self.field.fmt(f)?;
        if let Some(w) = &self.filter {
            write!(f, " WHERE {w}")?;
        }
        Ok(())
    }
}

impl Display for ProcessingCommand {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            ProcessingCommand::Where(c) => c.fmt(f),
            ProcessingCommand::Eval(c) => c.fmt(f),
            ProcessingCommand::Stats(c) => c.fmt(f),
            ProcessingCommand::InlineStats(c) => c.fmt(f),
            ProcessingCommand::Keep(c) => c.fmt(f),
            ProcessingCommand::Drop(c) => c.fmt(f),
            ProcessingCommand::Rename(c) => c.fmt(f),
            ProcessingCommand::Sort(c) => c.fmt(f),
            ProcessingCommand::Limit(c) => c.fmt(f),
            ProcessingCommand::MvExpand(c) => c.fmt(f),
            ProcessingCommand::Dissect(c) => c.fmt(f),
            ProcessingCommand::Grok(c) => c.fmt(f),
            ProcessingCommand::Enrich(c) => c.fmt(f),
            ProcessingCommand::Join(c) => c.fmt(f),
            ProcessingCommand::ChangePoint(c) => c.fmt(f),
            ProcessingCommand::Completion(c) => c.fmt(f),
            ProcessingCommand::Sample(c) => c.fmt(f),
            ProcessingCommand::Fork(c) => c.fmt(f),
            ProcessingCommand::Rerank(c) => c.fmt(f),
            ProcessingCommand::Fuse(c) => c.fmt(f),
            ProcessingCommand::Extract(c) => c.fmt(f),
            ProcessingCommand::MetricsInfo(_) => f.write_str("METRICS_INFO"),
            ProcessingCommand::TsInfo(_) => f.write_str("TS_INFO"),
            ProcessingCommand::TsCollapse(_) => f.write_str("TS_COLLAPSE"),
            ProcessingCommand::Mmr(c) => c.fmt(f),
        }
    }
}

impl Display for WhereCommand {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "WHERE {}", self.condition)
    }
}

impl Display for EvalCommand {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str("EVAL ")?;
        comma_separated(f, &self.fields)
    }
}

/// `aggs` then ` BY groups`, each part only when present.
fn aggs_and_groups(f: &mut Formatter<'_>, aggs: &[AggField], groups: &[Field]) -> fmt::Result {
    if !aggs.is_empty() {
        f.write_str(" ")?;
        comma_separated(f, aggs)?;
    }
    if !groups.is_empty() {
        f.write_str(" BY ")?;
        comma_separated(f, groups)?;
    }
    Ok(())
}

impl Display for StatsCommand {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str("STATS")?;
        aggs_and_groups(f, &self.aggregates, &self.groups)
    }
}

impl Display for InlineStatsCommand {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(match self.spelling {
            InlineStatsSpelling::TwoWords => "INLINE STATS",
            InlineStatsSpelling::OneWord => "INLINESTATS",
        })?;
        aggs_and_groups(f, &self.aggregates, &self.groups)
    }
}

impl Display for KeepCommand {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str("KEEP ")?;
        comma_separated(f, &self.patterns)
    }
}

impl Display for DropCommand {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str("DROP ")?;
        comma_separated(f, &self.patterns)
    }
}

impl Display for RenameClause {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self.style {
            RenameStyle::As => write!(f, "{} AS {}", self.old, self.new),
            RenameStyle::Assign => write!(f, "{} = {}", self.new, self.old),
        }
    }
}

impl Display for RenameCommand {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str("RENAME ")?;
        comma_separated(f, &self.clauses)
    }
}

impl Display for SortKey {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        self.expr.fmt(f)?;
        if let Some(o) = self.order {
            write!(f, " {o}")?;
        }
        if let Some(n) = self.nulls {
            write!(f, " {n}")?;
        }
        Ok(())
    }
}

impl Display for SortCommand {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str("SORT ")?;
        comma_separated(f, &self.keys)
    }
}

impl Display for LimitCommand {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "LIMIT {}", self.count)?;
        if !self.by.is_empty() {
            f.write_str(" BY ")?;
            comma_separated(f, &self.by)?;
        }
        Ok(())
    }
}

impl Display for MvExpandCommand {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "MV_EXPAND {}", self.field)
    }
}

impl Display for CommandOption {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "{} = {}", self.name, self.value)
    }
}

impl Display for DissectCommand {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "DISSECT {} {}", self.input, self.pattern)?;
        if !self.options.is_empty() {
            f.write_str(" ")?;
            comma_separated(f, &self.options)?;
        }
        Ok(())
    }
}

impl Display for GrokCommand {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "GROK {} ", self.input)?;
        comma_separated(f, &self.patterns)
    }
}

impl Display for EnrichWith {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        if let Some(n) = &self.new_name {
            write!(f, "{n} = ")?;
        }
        self.field.fmt(f)
    }
}

impl Display for EnrichCommand {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str("ENRICH ")?;
        match &self.policy {
            EnrichPolicy::Unquoted(p) => f.write_str(p)?,
            EnrichPolicy::Quoted(s) => s.fmt(f)?,
        }
        if let Some(on) = &self.on {
            write!(f, " ON {on}")?;
        }
        if !self.with.is_empty() {
            f.write_str(" WITH ")?;
            comma_separated(f, &self.with)?;
        }
        Ok(())
    }
}

impl Display for JoinCommand {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self.kind {
            JoinKind::Lookup => f.write_str("LOOKUP JOIN ")?,
        }
        write!(f, "{} ON ", self.target)?;
        comma_separated(f, &self.conditions)
    }
}

impl Display for ChangePointCommand {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "CHANGE_POINT {}", self.value)?;
        if let Some(k) = &self.key {
            write!(f, " ON {k}")?;
        }
        if let Some((t, p)) = &self.output {
            write!(f, " AS {t}, {p}")?;
        }
        if !self.by.is_empty() {
            f.write_str(" BY ")?;
            comma_separated(f, &self.by)?;
        }
        Ok(())
    }
}

/// ` WITH {…}` when present.
fn named_parameters(f: &mut Formatter<'_>, options: &Option<crate::ast::MapExpr>) -> fmt::Result {
    match options {
        Some(m) => write!(f, " WITH {m}"),
        None => Ok(()),
    }
}

impl Display for CompletionCommand {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str("COMPLETION ")?;
        if let Some(t) = &self.target {
            write!(f, "{t} = ")?;
        }
        self.prompt.fmt(f)?;
        named_parameters(f, &self.options)
    }
}

impl Display for SampleCommand {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "SAMPLE {}", self.probability)
    }
}

impl Display for ForkBranch {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str("(")?;
        separated(f, &self.commands, " | ")?;
        f.write_str(")")
    }
}

impl Display for ForkCommand {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str("FORK ")?;
        separated(f, &self.branches, " ")
    }
}

impl Display for RerankCommand {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str("RERANK ")?;
        if let Some(t) = &self.target {
            write!(f, "{t} = ")?;
        }
        write!(f, "{} ON ", self.query)?;
        comma_separated(f, &self.on)?;
        named_parameters(f, &self.options)
    }
}

impl Display for FuseConfig {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            FuseConfig::ScoreBy(q) => write!(f, "SCORE BY {q}"),
            FuseConfig::KeyBy(keys) => {
                f.write_str("KEY BY ")?;
                comma_separated(f, keys)
            }
            FuseConfig::GroupBy(q) => write!(f, "GROUP BY {q}"),
            FuseConfig::With(m) => write!(f, "WITH {m}"),
        }
    }
}

impl Display for FuseCommand {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str("FUSE")?;
        if let Some(m) = &self.method {
            write!(f, " {m}")?;
        }
        for c in &self.configs {
            write!(f, " {c}")?;
        }
        Ok(())
    }
}

impl Display for ExtractCommand {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let kw = match self.kind {
            ExtractKind::UriParts => "URI_PARTS",
            ExtractKind::RegisteredDomain => "REGISTERED_DOMAIN",
            ExtractKind::UserAgent => "USER_AGENT",
            ExtractKind::IpLocation => "IP_LOCATION",
        };
        write!(f, "{kw} {} = {}", self.prefix, self.input)?;
        named_parameters(f, &self.options)
    }
}

impl Display for MmrCommand {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str("MMR ")?;
        if let Some(q) = &self.query_vector {
            write!(f, "{q} ")?;
        }
        write!(f, "ON {} LIMIT {}", self.on, self.limit)?;
        named_parameters(f, &self.options)
    }
}
