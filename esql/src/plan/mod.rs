//! The analysed, typed form of a query that both evaluators run.
//!
//! The analyzer lowers the AST to a [`Plan`]: every column reference is resolved to an index into the
//! input row of its step, every expression carries its [`DataType`], its verbatim source text and its
//! position (for ES's warnings), and every step carries its output [`Schema`]. The evaluators never
//! look names up and never re-derive types.
//!
//! Row model: a step receives rows laid out as its input schema (the previous step's output, or the
//! source's). Steps that add columns (EVAL, DISSECT, GROK, INLINE STATS) first build an *extended row*
//! (input columns followed by the new values, in order) and then pick the output columns with a
//! `projection` of indices into that extended row.

mod expr;
mod step;

pub use expr::{ArithmeticOp, ComparisonOp, Expr, ExprKind};
pub use step::{
    AggregateCall, Aggregation, DissectStep, FromSource, GrokStep, MetadataField, RowSource,
    SortKey, Source, SourceField, Step, StepKind,
};

use crate::DataType;

/// One output column: its name and type.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Column {
    /// Column name (verbatim source text for unnamed expressions).
    pub name: String,
    /// ES|QL type.
    pub data_type: DataType,
}

impl Column {
    /// A column.
    pub fn new(name: impl Into<String>, data_type: DataType) -> Column {
        Column {
            name: name.into(),
            data_type,
        }
    }
}

/// Ordered columns of a step's output.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Schema {
    /// The columns, in output order.
    pub columns: Vec<Column>,
}

impl Schema {
    /// A schema of these columns.
    pub fn new(columns: Vec<Column>) -> Schema {
        Schema { columns }
    }

    /// Number of columns.
    pub fn len(&self) -> usize {
        self.columns.len()
    }

    /// True when there are no columns.
    pub fn is_empty(&self) -> bool {
        self.columns.is_empty()
    }

    /// Index of the column named `name`.
    pub fn index_of(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.name == name)
    }
}

/// A whole analysed query.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    /// The query text the plan was analysed from (positions refer to it).
    pub query_text: String,
    /// FROM or ROW.
    pub source: Source,
    /// Processing commands, in order.
    pub steps: Vec<Step>,
}

impl Plan {
    /// The schema of the final result.
    pub fn output(&self) -> &Schema {
        self.steps
            .last()
            .map(|s| &s.output)
            .unwrap_or_else(|| self.source.output())
    }

    /// True when some step is a STATS (the query aggregates).
    pub fn aggregates(&self) -> bool {
        self.steps
            .iter()
            .any(|s| matches!(s.kind, StepKind::Stats(_)))
    }
}
