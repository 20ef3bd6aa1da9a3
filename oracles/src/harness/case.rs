//! A test case: a query, the property it must satisfy, and its documents — what a failing run prints,
//! what a regression file stores, and what [`crate::harness::properties::check`] runs.

use std::fmt;

use super::dataset::{SourceDoc, to_ndjson};

/// The aggregates the sharded-STATS property merges.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MergeableAgg {
    /// `COUNT(*)`: partial counts add up.
    CountAll,
    /// `COUNT(x)`: partial counts add up.
    Count,
    /// `SUM(x)` of integers: partial sums add up (unless a sum overflowed).
    Sum,
    /// `MIN(x)`: the minimum of the partial minimums.
    Min,
    /// `MAX(x)`: the maximum of the partial maximums.
    Max,
    /// `VALUES(x)`: the union of the partial value sets.
    Values,
}

impl MergeableAgg {
    /// Every kind.
    pub const ALL: [MergeableAgg; 6] = [
        MergeableAgg::CountAll,
        MergeableAgg::Count,
        MergeableAgg::Sum,
        MergeableAgg::Min,
        MergeableAgg::Max,
        MergeableAgg::Values,
    ];

    /// The ES|QL function name.
    pub fn function(self) -> &'static str {
        match self {
            MergeableAgg::CountAll | MergeableAgg::Count => "count",
            MergeableAgg::Sum => "sum",
            MergeableAgg::Min => "min",
            MergeableAgg::Max => "max",
            MergeableAgg::Values => "values",
        }
    }

    /// Parses [`MergeableAgg::key`].
    pub fn from_key(k: &str) -> Option<MergeableAgg> {
        MergeableAgg::ALL.into_iter().find(|a| a.key() == k)
    }

    /// A stable name for regression files.
    pub fn key(self) -> &'static str {
        match self {
            MergeableAgg::CountAll => "count_all",
            MergeableAgg::Count => "count",
            MergeableAgg::Sum => "sum",
            MergeableAgg::Min => "min",
            MergeableAgg::Max => "max",
            MergeableAgg::Values => "values",
        }
    }
}

/// A property and its parameters.
#[derive(Debug, Clone, PartialEq)]
pub enum Property {
    /// The evaluator under test returns what the reference returns: columns, types, warnings, rows as
    /// multisets, the order a terminal SORT imposes, and with `exact_order` the very same row order
    /// (the optimized engine's own promise, stricter than ES semantics).
    Differential {
        /// Also require the reference's exact row order.
        exact_order: bool,
    },
    /// Ternary logic partitioning: `WHERE p`, `WHERE NOT p` and `WHERE (p) IS NULL` split the rows.
    Partition {
        /// The predicate `p`.
        predicate: String,
    },
    /// `WHERE a AND b` keeps the rows `WHERE a | WHERE b` keeps, in the same order.
    AndSplit {
        /// `a`.
        a: String,
        /// `b`.
        b: String,
    },
    /// `KEEP c1, …, ck` returns those columns of every row, in that order.
    KeepPermutation {
        /// Column names, in KEEP order.
        columns: Vec<String>,
    },
    /// `SORT keys | LIMIT k` is the first k rows of `SORT keys` (up to ties), which is sorted.
    SortLimit {
        /// The SORT keys (plain columns), as text.
        keys: String,
        /// `k`.
        limit: usize,
    },
    /// STATS of decomposable aggregates over shards, merged, equals STATS over the whole.
    ShardedStats {
        /// `(output name, aggregate, argument column)`; the argument is unused for `count_all`.
        aggregates: Vec<(String, MergeableAgg, String)>,
        /// BY columns.
        by: Vec<String>,
        /// Number of shards (documents are dealt round-robin per index).
        shards: usize,
    },
    /// `MV_EXPAND x | STATS COUNT(*)` equals the sum of `COALESCE(MV_COUNT(x), 1)`.
    MvExpandCount {
        /// The expanded column.
        column: String,
    },
}

impl Property {
    /// A stable name (test names, regression files).
    pub fn name(&self) -> &'static str {
        match self {
            Property::Differential { .. } => "differential",
            Property::Partition { .. } => "partition",
            Property::AndSplit { .. } => "and-split",
            Property::KeepPermutation { .. } => "keep-permutation",
            Property::SortLimit { .. } => "sort-limit",
            Property::ShardedStats { .. } => "sharded-stats",
            Property::MvExpandCount { .. } => "mv-expand-count",
        }
    }
}

/// A query, a property and documents.
#[derive(Debug, Clone, PartialEq)]
pub struct Case {
    /// The (base) query.
    pub query: String,
    /// What must hold.
    pub property: Property,
    /// The documents, in index order of appearance.
    pub docs: Vec<SourceDoc>,
}

impl fmt::Display for Case {
    /// The case as a person reads it: property, query, parameters, documents as NDJSON per index.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "property: {}", self.property.name())?;
        writeln!(f, "query: {}", self.query)?;
        match &self.property {
            Property::Differential { exact_order } => writeln!(f, "exact order: {exact_order}")?,
            Property::Partition { predicate } => writeln!(f, "predicate: {predicate}")?,
            Property::AndSplit { a, b } => writeln!(f, "a: {a}\nb: {b}")?,
            Property::KeepPermutation { columns } => writeln!(f, "keep: {columns:?}")?,
            Property::SortLimit { keys, limit } => writeln!(f, "sort: {keys}\nlimit: {limit}")?,
            Property::ShardedStats {
                aggregates,
                by,
                shards,
            } => writeln!(
                f,
                "aggregates: {aggregates:?}\nby: {by:?}\nshards: {shards}"
            )?,
            Property::MvExpandCount { column } => writeln!(f, "column: {column}")?,
        }
        for (index, ndjson) in to_ndjson(&self.docs) {
            writeln!(f, "--- {index}")?;
            f.write_str(&ndjson)?;
        }
        Ok(())
    }
}
