//! Group maps: composite keys of interned ids → dense group numbers in order of first occurrence.
//!
//! Oracle twin: the reference's map from key-value tuples to groups. Invariant: groups are numbered in
//! the order their first row arrives (rows in input order, the cross product of multi-valued keys in
//! written key order), which is the order the reference emits groups in.

use foldhash::{HashMap, HashMapExt};

/// Composite keys → group numbers.
#[derive(Debug)]
pub struct GroupMap {
    arity: usize,
    one: HashMap<u32, u32>,
    two: HashMap<u64, u32>,
    many: HashMap<Box<[u32]>, u32>,
    keys: Vec<u32>,
    groups: usize,
}

impl GroupMap {
    /// A map for keys of `arity` ids.
    pub fn new(arity: usize) -> GroupMap {
        GroupMap {
            arity,
            one: HashMap::new(),
            two: HashMap::new(),
            many: HashMap::new(),
            keys: Vec::new(),
            groups: 0,
        }
    }

    /// Number of groups.
    pub fn len(&self) -> usize {
        self.groups
    }

    /// True when there is no group.
    pub fn is_empty(&self) -> bool {
        self.groups == 0
    }

    /// The group of `key` (`key.len() == arity`), creating it if new.
    #[inline]
    pub fn group(&mut self, key: &[u32]) -> u32 {
        let next = self.groups as u32;
        let (g, new) = match self.arity {
            0 => (0, self.groups == 0),
            1 => {
                let e = self.one.entry(key[0]).or_insert(next);
                (*e, *e == next)
            }
            2 => {
                let k = ((key[0] as u64) << 32) | key[1] as u64;
                let e = self.two.entry(k).or_insert(next);
                (*e, *e == next)
            }
            _ => match self.many.get(key) {
                Some(&g) => (g, false),
                None => {
                    self.many.insert(key.into(), next);
                    (next, true)
                }
            },
        };
        if new {
            self.keys.extend_from_slice(key);
            self.groups += 1;
        }
        g
    }

    /// The key of group `g`.
    pub fn key(&self, g: usize) -> &[u32] {
        &self.keys[g * self.arity..(g + 1) * self.arity]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_number_in_first_occurrence_order() {
        for arity in [1usize, 2, 3] {
            let mut m = GroupMap::new(arity);
            let k = |x: u32| vec![x; arity];
            assert_eq!(m.group(&k(7)), 0);
            assert_eq!(m.group(&k(3)), 1);
            assert_eq!(m.group(&k(7)), 0);
            assert_eq!(m.len(), 2);
            assert_eq!(m.key(1), k(3).as_slice());
        }
        let mut m = GroupMap::new(0);
        assert_eq!(m.group(&[]), 0);
        assert_eq!(m.group(&[]), 0);
        assert_eq!(m.len(), 1);
    }
}
