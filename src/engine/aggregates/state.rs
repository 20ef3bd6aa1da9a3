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

/// Distinct ids in first-occurrence order: up to two inline (most groups hold one or two distinct
/// values), then a vector, indexed by a hash set past 16.
#[derive(Debug, Clone, Default)]
pub struct IdSet {
    inline: [u32; 2],
    len: u32,
    spill: Option<Box<Spill>>,
}

#[derive(Debug, Clone, Default)]
struct Spill {
    order: Vec<u32>,
    index: Option<HashSet<u32>>,
}

impl IdSet {
    /// Adds `id` if absent.
    #[inline]
    pub fn insert(&mut self, id: u32) {
        if let Some(sp) = &mut self.spill {
            match &mut sp.index {
                Some(ix) => {
                    if ix.insert(id) {
                        sp.order.push(id);
                    }
                }
                None => {
                    if !sp.order.contains(&id) {
                        sp.order.push(id);
                        if sp.order.len() > 16 {
                            sp.index = Some(sp.order.iter().copied().collect());
                        }
                    }
                }
            }
            return;
        }
        let n = self.len as usize;
        if self.inline[..n].contains(&id) {
            return;
        }
        if n < 2 {
            self.inline[n] = id;
            self.len += 1;
        } else {
            let mut order = Vec::with_capacity(4);
            order.extend_from_slice(&self.inline);
            order.push(id);
            self.spill = Some(Box::new(Spill { order, index: None }));
        }
    }

    /// The ids in first-occurrence order.
    #[inline]
    pub fn ids(&self) -> &[u32] {
        match &self.spill {
            Some(sp) => &sp.order,
            None => &self.inline[..self.len as usize],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_sets_keep_first_occurrence_order() {
        for n in [0u32, 1, 2, 3, 16, 17, 40] {
            let mut s = IdSet::default();
            let mut want = Vec::new();
            for i in 0..n {
                let id = (i * 7) % 23;
                s.insert(id);
                s.insert(id);
                if !want.contains(&id) {
                    want.push(id);
                }
                if i > 0 {
                    s.insert((i - 1) * 7 % 23);
                }
            }
            assert_eq!(s.ids(), want.as_slice(), "{n} ids");
        }
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
