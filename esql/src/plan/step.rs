//! Source and processing steps of a [`Plan`](super::Plan).

use super::{Expr, Schema};
use crate::functions::AggregateFunction;
use crate::{DataType, Position, Span};

/// Where rows come from.
#[derive(Debug, Clone, PartialEq)]
pub enum Source {
    /// `FROM patterns [METADATA …]`.
    From(FromSource),
    /// `ROW a = 1, …`.
    Row(RowSource),
}

impl Source {
    /// The columns the source produces.
    pub fn output(&self) -> &Schema {
        match self {
            Source::From(f) => &f.output,
            Source::Row(r) => &r.output,
        }
    }
}

/// `FROM`: documents of every index matching `patterns`.
#[derive(Debug, Clone, PartialEq)]
pub struct FromSource {
    /// Index patterns as written (unquoted), e.g. `logs-endpoint.events.process-*`.
    pub patterns: Vec<String>,
    /// What each output column reads, parallel to `output.columns`.
    pub fields: Vec<SourceField>,
    /// Output columns: mapped fields in alphabetical order, then requested metadata.
    pub output: Schema,
}

/// What a FROM column reads from a document.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum SourceField {
    /// A mapped field by full dotted name.
    Field(String),
    /// A metadata field.
    Metadata(MetadataField),
}

/// Metadata fields `FROM … METADATA` can request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MetadataField {
    /// `_id` (keyword).
    Id,
    /// `_index` (keyword): the concrete index name.
    Index,
    /// `_version` (long): always 1 for generated documents.
    Version,
    /// `_ignored` (keyword): fields ignored at index time (e.g. over `ignore_above`).
    Ignored,
}

impl MetadataField {
    /// Looks up a metadata field by name (`_id`, `_index`, `_version`, `_ignored`).
    pub fn from_name(name: &str) -> Option<MetadataField> {
        match name {
            "_id" => Some(MetadataField::Id),
            "_index" => Some(MetadataField::Index),
            "_version" => Some(MetadataField::Version),
            "_ignored" => Some(MetadataField::Ignored),
            _ => None,
        }
    }

    /// Its name.
    pub fn name(self) -> &'static str {
        match self {
            MetadataField::Id => "_id",
            MetadataField::Index => "_index",
            MetadataField::Version => "_version",
            MetadataField::Ignored => "_ignored",
        }
    }

    /// Its type.
    pub fn data_type(self) -> DataType {
        match self {
            MetadataField::Version => DataType::Long,
            _ => DataType::Keyword,
        }
    }
}

/// `ROW`: one row of constant expressions.
#[derive(Debug, Clone, PartialEq)]
pub struct RowSource {
    /// One expression per output column (literals, lists and foldable calls).
    pub exprs: Vec<Expr>,
    /// Output columns.
    pub output: Schema,
}

/// One processing command after analysis.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// What the step does.
    pub kind: StepKind,
    /// Columns of its output rows.
    pub output: Schema,
    /// Span of the command in the query text.
    pub span: Span,
    /// Position of the command's first character.
    pub position: Position,
}

/// The processing commands, lowered.
#[derive(Debug, Clone, PartialEq)]
pub enum StepKind {
    /// Keep rows where `condition` is true (null and false drop the row).
    Where {
        /// A boolean expression over the input row.
        condition: Expr,
    },
    /// `EVAL`: expression `j` is evaluated on the extended row `input ++ [results of 0..j]`; the output is
    /// `projection` applied to the full extended row.
    Eval {
        /// The assignments, left to right.
        exprs: Vec<Expr>,
        /// Indices into the extended row.
        projection: Vec<usize>,
    },
    /// `STATS … BY …`.
    Stats(Aggregation),
    /// `INLINE STATS … BY …`: every input row is kept; the extended row is `input ++ outputs of its group`,
    /// then `projection` picks the output.
    InlineStats {
        /// The aggregation.
        aggregation: Aggregation,
        /// Indices into the extended row.
        projection: Vec<usize>,
    },
    /// `KEEP`, `DROP`, `RENAME`: output column `i` is input column `columns[i]` (names from `output`).
    Project {
        /// Indices into the input row.
        columns: Vec<usize>,
    },
    /// `SORT`: a stable sort by the keys, left to right.
    Sort {
        /// Sort keys.
        keys: Vec<SortKey>,
    },
    /// `LIMIT n` (and the implicit limit the evaluator adds).
    Limit {
        /// Maximum rows.
        count: usize,
    },
    /// `MV_EXPAND col`: one row per value of input column `column`; null stays one row.
    /// The output has the same columns as the input.
    MvExpand {
        /// Index of the expanded column.
        column: usize,
    },
    /// `DISSECT`.
    Dissect(DissectStep),
    /// `GROK`.
    Grok(GrokStep),
}

/// A grouped aggregation.
///
/// Groups are evaluated on each input row; a row joins the group of every combination of its key values
/// (cross product of multi-valued keys; a null key is its own group). Aggregate arguments are evaluated on
/// the original input row. `outputs` are evaluated on the row `[group key values…, aggregate results…]`
/// and give the output columns (usually plain column references, aggregates first then keys).
#[derive(Debug, Clone, PartialEq)]
pub struct Aggregation {
    /// Grouping expressions (BY), over the input row.
    pub groups: Vec<Expr>,
    /// Aggregate calls, over the input row.
    pub aggregates: Vec<AggregateCall>,
    /// Output expressions over `[groups…, aggregates…]`.
    pub outputs: Vec<Expr>,
}

/// One aggregate function call in STATS.
#[derive(Debug, Clone, PartialEq)]
pub struct AggregateCall {
    /// The function.
    pub function: AggregateFunction,
    /// Arguments over the input row (`COUNT(*)` and `COUNT()` have none).
    pub args: Vec<Expr>,
    /// Per-aggregate `WHERE` filter over the input row.
    pub filter: Option<Expr>,
    /// Result type.
    pub data_type: DataType,
    /// Verbatim source text of the call.
    pub text: String,
    /// Position of the call.
    pub position: Position,
}

/// One SORT key.
#[derive(Debug, Clone, PartialEq)]
pub struct SortKey {
    /// Sorted expression over the input row.
    pub expr: Expr,
    /// DESC.
    pub descending: bool,
    /// NULLS FIRST (defaults: ASC → last, DESC → first).
    pub nulls_first: bool,
}

/// `DISSECT input "pattern" [APPEND_SEPARATOR = "sep"]`.
#[derive(Debug, Clone, PartialEq)]
pub struct DissectStep {
    /// The dissected string.
    pub input: Expr,
    /// The pattern as written (after string unescaping).
    pub pattern: String,
    /// `APPEND_SEPARATOR`.
    pub append_separator: Option<String>,
    /// Names of the extracted keys, in order of first appearance; each is a keyword column appended to the
    /// extended row.
    pub keys: Vec<String>,
    /// Indices into the extended row `input ++ keys`.
    pub projection: Vec<usize>,
}

/// `GROK input "pattern"`.
#[derive(Debug, Clone, PartialEq)]
pub struct GrokStep {
    /// The matched string.
    pub input: Expr,
    /// The pattern(s) as written (after string unescaping).
    pub patterns: Vec<String>,
    /// Extracted fields and their types, in order, appended to the extended row.
    pub keys: Vec<(String, DataType)>,
    /// Indices into the extended row `input ++ keys`.
    pub projection: Vec<usize>,
}
