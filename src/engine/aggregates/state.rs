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

/// A group's slot holds no id yet (`[EMPTY, _]`), or one id (`[a, EMPTY]`); never an interner id
/// (it is [`super::interner::NULL_ID`], which is never inserted).
const EMPTY: u32 = u32::MAX;
/// A group's slot `[SPILLED, i]`: its ids are in `spills[i]`. Never an interner id (interners hand
/// out ids below it: it is their `UNSET` marker).
const SPILLED: u32 = u32::MAX - 1;

/// Per group, the distinct ids in first-occurrence order: two ids inline in 8 bytes per group (most
/// groups hold one or two distinct values; a STATS with millions of groups touches one small slot per
/// row), more in a side list, indexed by a hash set past 16.
#[derive(Debug, Clone, Default)]
pub struct IdSets {
    slots: Vec<[u32; 2]>,
    spills: Vec<Spill>,
}

#[derive(Debug, Clone, Default)]
struct Spill {
    order: Vec<u32>,
    index: Option<HashSet<u32>>,
}

impl Spill {
    fn insert(&mut self, id: u32) {
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
}

impl IdSets {
    /// Number of groups.
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    /// True when there is no group.
    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    /// Makes room for `groups` groups (new ones empty).
    pub fn grow(&mut self, groups: usize) {
        if groups > self.slots.len() {
            self.slots.resize(groups, [EMPTY, EMPTY]);
        }
    }

    /// Adds `id` (an interner id, not [`super::interner::NULL_ID`]) to group `g`'s set if absent.
    #[inline]
    pub fn insert(&mut self, g: usize, id: u32) {
        let s = &mut self.slots[g];
        match *s {
            [EMPTY, _] => *s = [id, EMPTY],
            [SPILLED, i] => self.spills[i as usize].insert(id),
            [a, _] if a == id => {}
            [_, EMPTY] => s[1] = id,
            [_, b] if b == id => {}
            [a, b] => {
                let i = self.spills.len() as u32;
                let mut order = Vec::with_capacity(4);
                order.extend_from_slice(&[a, b, id]);
                self.spills.push(Spill { order, index: None });
                *s = [SPILLED, i];
            }
        }
    }

    /// Group `g`'s ids in first-occurrence order.
    #[inline]
    pub fn ids(&self, g: usize) -> &[u32] {
        let s = &self.slots[g];
        match *s {
            [EMPTY, _] => &[],
            [SPILLED, i] => &self.spills[i as usize].order,
            [_, EMPTY] => &s[..1],
            _ => &s[..],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_sets_keep_first_occurrence_order() {
        for n in [0u32, 1, 2, 3, 16, 17, 40] {
            let mut s = IdSets::default();
            s.grow(3);
            let mut want = Vec::new();
            for i in 0..n {
                let id = (i * 7) % 23;
                s.insert(1, id);
                s.insert(1, id);
                if !want.contains(&id) {
                    want.push(id);
                }
                if i > 0 {
                    s.insert(1, (i - 1) * 7 % 23);
                }
                // Neighbours stay apart.
                s.insert(0, 5);
                s.insert(2, i % 2);
            }
            assert_eq!(s.ids(1), want.as_slice(), "{n} ids");
            assert_eq!(s.ids(0), if n > 0 { &[5][..] } else { &[][..] });
            assert_eq!(s.ids(2), &[0, 1][..n.min(2) as usize]);
        }
        // Id 0 and the largest ids an interner hands out are ordinary members.
        let mut s = IdSets::default();
        s.grow(1);
        for id in [0, SPILLED - 1, 0, 7, SPILLED - 1, 3] {
            s.insert(0, id);
        }
        assert_eq!(s.ids(0), &[0, SPILLED - 1, 7, 3]);
        s.grow(0);
        assert_eq!(s.len(), 1);
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
        sets: IdSets,
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
                sets: IdSets::default(),
            },
            AggKind::Collect => AggState::Collect(Vec::new()),
        }
    }

    /// Makes room for `groups` groups.
    pub fn grow(&mut self, groups: usize) {
        match self {
            AggState::Count(v) => v.resize(groups, 0),
            AggState::Distinct { sets, .. } => sets.grow(groups),
            AggState::Collect(v) => v.resize_with(groups, Vec::new),
        }
    }
}
