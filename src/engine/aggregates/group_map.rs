//! Group maps: composite keys of interned ids → dense group numbers in order of first occurrence.
//!
//! Oracle twin: the reference's map from key-value tuples to groups. Invariant: groups are numbered in
//! the order their first row arrives (rows in input order, the cross product of multi-valued keys in
//! written key order), which is the order the reference emits groups in. One key is looked up in a
//! table indexed by the id itself (interner ids are dense); two keys in the chain of groups sharing
//! the first id (head table indexed by that id, newest group first, no hashing and no rehashing —
//! most rows of a STATS with many small groups start a new chain or find their group at its head),
//! moving to a hash map of both ids packed in a `u64` once chains get long. The chains may instead be
//! headed by the *second* id ([`GroupMap::chain_on_second`]) when that key has more distinct values
//! (a STATS BY executable, path with millions of paths: chains of one or two groups per path, where
//! chains per executable would be long and move to the hash map).

use foldhash::{HashMap, HashMapExt};

/// No group yet (in the one-key table), end of a chain.
const NONE: u32 = u32::MAX;

/// Chain steps per lookup (on average, after a warm-up) past which two-id keys move to the hash map.
const MAX_STEPS: u64 = 4;

/// Composite keys → group numbers.
#[derive(Debug)]
pub struct GroupMap {
    arity: usize,
    /// One key: group of id `i` at `one[i]` ([`NONE`]: none yet); the null id's group apart.
    one: Vec<u32>,
    one_null: u32,
    /// Two keys: the chains are headed by the second id (the first otherwise).
    second: bool,
    /// Two keys: newest group of each heading id (`NONE`: none), the null id's apart.
    heads: Vec<u32>,
    head_null: u32,
    /// Per group: the next older group with the same first id.
    next: Vec<u32>,
    /// Chain lookups and steps so far (decides the move to `two`).
    lookups: u64,
    steps: u64,
    /// Two keys once chains got long: packed ids → group.
    hashed: bool,
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
            one: Vec::new(),
            one_null: NONE,
            second: false,
            heads: Vec::new(),
            head_null: NONE,
            next: Vec::new(),
            lookups: 0,
            steps: 0,
            hashed: false,
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

    /// Heads two-id chains by the second id instead of the first (before the first group only; a
    /// later call is ignored). Numbering does not depend on it.
    pub fn chain_on_second(&mut self, yes: bool) {
        if self.groups == 0 && !self.hashed {
            self.second = yes;
        }
    }

    /// Makes room for `more` new groups without rehashing (a hint).
    pub fn reserve(&mut self, more: usize) {
        match self.arity {
            2 if self.hashed => self.two.reserve(more),
            2 => self.next.reserve(more),
            n if n > 2 => self.many.reserve(more),
            _ => {}
        }
        self.keys.reserve(more * self.arity);
    }

    #[inline]
    fn push(&mut self, key: &[u32]) -> u32 {
        self.keys.extend_from_slice(key);
        self.groups += 1;
        self.groups as u32 - 1
    }

    /// The group of a one-id key (the map's arity must be 1), creating it if new.
    #[inline]
    pub fn group1(&mut self, id: u32) -> u32 {
        if id == crate::engine::aggregates::interner::NULL_ID {
            if self.one_null == NONE {
                self.one_null = self.push(&[id]);
            }
            return self.one_null;
        }
        let i = id as usize;
        if i >= self.one.len() {
            self.one.resize((i + 1).max(self.one.len() * 2), NONE);
        }
        let g = self.one[i];
        if g != NONE {
            return g;
        }
        let g = self.push(&[id]);
        self.one[i] = g;
        g
    }

    /// The group of a two-id key (the map's arity must be 2), creating it if new.
    #[inline]
    pub fn group2(&mut self, a: u32, b: u32) -> u32 {
        if self.hashed {
            let k = ((a as u64) << 32) | b as u64;
            let next = self.groups as u32;
            let g = *self.two.entry(k).or_insert(next);
            if g == next {
                self.push(&[a, b]);
            }
            return g;
        }
        // `h` heads the chain, `o` is compared along it (at `keys[2g + side]`).
        let (h, o, side) = if self.second { (b, a, 0) } else { (a, b, 1) };
        let head = if h == crate::engine::aggregates::interner::NULL_ID {
            &mut self.head_null
        } else {
            let i = h as usize;
            if i >= self.heads.len() {
                self.heads.resize((i + 1).max(self.heads.len() * 2), NONE);
            }
            &mut self.heads[i]
        };
        let first = *head;
        let mut g = first;
        let mut steps = 0;
        while g != NONE {
            if self.keys[2 * g as usize + side] == o {
                break;
            }
            g = self.next[g as usize];
            steps += 1;
        }
        if g == NONE {
            g = self.groups as u32;
            *head = g;
            self.next.push(first);
            self.push(&[a, b]);
        }
        self.lookups += 1;
        self.steps += steps;
        if self.steps > MAX_STEPS * self.lookups + 4096 {
            self.rehash();
        }
        g
    }

    /// Moves two-id keys from chains to the hash map (chains got long: few heading ids, many others).
    fn rehash(&mut self) {
        self.hashed = true;
        self.two.reserve(self.groups);
        for g in 0..self.groups {
            let k = ((self.keys[2 * g] as u64) << 32) | self.keys[2 * g + 1] as u64;
            self.two.insert(k, g as u32);
        }
        self.heads = Vec::new();
        self.next = Vec::new();
    }

    /// The group of `key` (`key.len() == arity`), creating it if new.
    #[inline]
    pub fn group(&mut self, key: &[u32]) -> u32 {
        match self.arity {
            0 => {
                if self.groups == 0 {
                    self.push(&[]);
                }
                0
            }
            1 => self.group1(key[0]),
            2 => self.group2(key[0], key[1]),
            _ => match self.many.get(key) {
                Some(&g) => g,
                None => {
                    let g = self.push(key);
                    self.many.insert(key.into(), g);
                    g
                }
            },
        }
    }

    /// The key of group `g`.
    pub fn key(&self, g: usize) -> &[u32] {
        &self.keys[g * self.arity..(g + 1) * self.arity]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::aggregates::interner::NULL_ID;

    #[test]
    fn groups_number_in_first_occurrence_order() {
        for arity in [1usize, 2, 3] {
            let mut m = GroupMap::new(arity);
            let k = |x: u32| vec![x; arity];
            assert_eq!(m.group(&k(7)), 0);
            assert_eq!(m.group(&k(3)), 1);
            assert_eq!(m.group(&k(7)), 0);
            assert_eq!(m.group(&k(NULL_ID)), 2);
            assert_eq!(m.group(&k(3)), 1);
            assert_eq!(m.group(&k(NULL_ID)), 2);
            assert_eq!(m.len(), 3);
            assert_eq!(m.key(1), k(3).as_slice());
            assert_eq!(m.key(2), k(NULL_ID).as_slice());
        }
        let mut m = GroupMap::new(0);
        assert_eq!(m.group(&[]), 0);
        assert_eq!(m.group(&[]), 0);
        assert_eq!(m.len(), 1);
    }

    #[test]
    fn one_and_two_id_lookups_agree_with_the_general_form() {
        let mut a = GroupMap::new(2);
        let mut b = GroupMap::new(2);
        b.reserve(100);
        for i in 0..500u32 {
            let (x, y) = ((i * 7) % 31, if i % 5 == 0 { NULL_ID } else { i % 3 });
            assert_eq!(a.group(&[x, y]), b.group2(x, y));
        }
        assert_eq!(a.len(), b.len());
        // Few first ids, many second ones: long chains move to the hash map, numbering unchanged.
        let mut chained = GroupMap::new(2);
        let mut want = Vec::new();
        for i in 0..20_000u32 {
            let (x, y) = (i % 3, (i * 7919) % 5000);
            let g = chained.group2(x, y);
            if g as usize == want.len() {
                want.push((x, y));
            }
            assert_eq!(
                chained.key(g as usize),
                &[want[g as usize].0, want[g as usize].1]
            );
        }
        assert!(chained.hashed, "long chains were rehashed");
        assert_eq!(chained.len(), want.len());
        // Chains headed by the second id: same numbering, short chains (no move to the hash map)
        // when the second key has the many values.
        let mut first = GroupMap::new(2);
        let mut second = GroupMap::new(2);
        second.chain_on_second(true);
        for i in 0..20_000u32 {
            let (x, y) = (
                i % 3,
                if i % 97 == 0 {
                    NULL_ID
                } else {
                    (i * 7919) % 5000
                },
            );
            let x = if i % 101 == 0 { NULL_ID } else { x };
            assert_eq!(first.group2(x, y), second.group2(x, y), "row {i}");
        }
        assert_eq!(first.len(), second.len());
        for g in 0..first.len() {
            assert_eq!(first.key(g), second.key(g));
        }
        assert!(
            first.hashed && !second.hashed,
            "only first-id chains grew long"
        );
        second.chain_on_second(false);
        assert!(second.second, "ignored once groups exist");
        let mut c = GroupMap::new(1);
        for i in (0..300u32).rev() {
            let x = if i % 11 == 0 { NULL_ID } else { (i * 13) % 97 };
            let g = c.group1(x);
            assert_eq!(c.key(g as usize), &[x]);
        }
        assert_eq!(c.len(), 98);
    }
}
