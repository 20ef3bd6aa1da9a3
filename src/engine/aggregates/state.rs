//! Per-group aggregate states: counters, first-occurrence id sets and collected argument rows.
//!
//! Oracle twin: the reference's aggregate accumulators. Invariant: COUNT is computed here (rows, or
//! values of each row's argument); every other aggregate's final value comes from the row kernel, fed
//! either the distinct argument values in first-occurrence order (COUNT_DISTINCT, VALUES, MIN, MAX — whose
//! results depend only on that sequence) or every accepted argument row in input order (the rest), so
//! results are the reference's by construction.

use std::collections::HashSet;

use esql::Value;
use esql::functions::AggregateFunction;

use super::interner::Interner;

/// Distinct ids in first-occurrence order.
#[derive(Debug, Clone, Default)]
pub struct IdSet {
    order: Vec<u32>,
    index: Option<HashSet<u32>>,
}

impl IdSet {
    /// Adds `id` if absent.
    #[inline]
    pub fn insert(&mut self, id: u32) {
        match &mut self.index {
            Some(ix) => {
                if ix.insert(id) {
                    self.order.push(id);
                }
            }
            None => {
                if !self.order.contains(&id) {
                    self.order.push(id);
                    if self.order.len() > 16 {
                        self.index = Some(self.order.iter().copied().collect());
                    }
                }
            }
        }
    }

    /// The ids in first-occurrence order.
    pub fn ids(&self) -> &[u32] {
        &self.order
    }
}

/// How an aggregate is accumulated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AggKind {
    /// `COUNT(*)`/`COUNT()`: rows.
    CountRows,
    /// `COUNT(expr)`: values of the argument.
    CountValues,
    /// Distinct argument values (COUNT_DISTINCT, VALUES, MIN, MAX).
    Distinct,
    /// Every accepted argument row.
    Collect,
}

impl AggKind {
    /// The accumulation used for `f` with `args` arguments.
    pub fn of(f: AggregateFunction, args: usize) -> AggKind {
        match f {
            AggregateFunction::Count if args == 0 => AggKind::CountRows,
            AggregateFunction::Count => AggKind::CountValues,
            AggregateFunction::CountDistinct
            | AggregateFunction::Values
            | AggregateFunction::Min
            | AggregateFunction::Max => AggKind::Distinct,
            _ => AggKind::Collect,
        }
    }
}

/// The state of one aggregate over all groups.
#[derive(Debug)]
pub enum AggState {
    /// Counters per group.
    Count(Vec<i64>),
    /// Distinct values per group, interned.
    Distinct {
        /// Value ids.
        interner: Box<Interner>,
        /// Per group.
        sets: Vec<IdSet>,
    },
    /// Argument rows per group.
    Collect(Vec<Vec<Vec<Value>>>),
}

impl AggState {
    /// An empty state for `kind`.
    pub fn new(kind: AggKind) -> AggState {
        match kind {
            AggKind::CountRows | AggKind::CountValues => AggState::Count(Vec::new()),
            AggKind::Distinct => AggState::Distinct {
                interner: Box::new(Interner::new()),
                sets: Vec::new(),
            },
            AggKind::Collect => AggState::Collect(Vec::new()),
        }
    }

    /// Makes room for `groups` groups.
    pub fn grow(&mut self, groups: usize) {
        match self {
            AggState::Count(v) => v.resize(groups, 0),
            AggState::Distinct { sets, .. } => sets.resize_with(groups, IdSet::default),
            AggState::Collect(v) => v.resize_with(groups, Vec::new),
        }
    }
}
