//! An append-only string set for the aggregation interners: strings in one buffer, ids in a hash table.
//!
//! Oracle twin: none (storage). Invariant: ids are dense, in order of first insertion, and `get(id)`
//! returns the exact string inserted; no per-string allocation (a STATS with hundreds of thousands of
//! distinct keys builds and drops in a few large blocks).

use std::hash::BuildHasher;

use foldhash::fast::FixedState;
use hashbrown::HashTable;

/// Distinct strings with dense `u32` ids.
#[derive(Debug, Clone, Default)]
pub struct StringSet {
    bytes: String,
    /// `ends[i]`: end of string `i` in `bytes` (its start is `ends[i - 1]`, or 0).
    ends: Vec<usize>,
    table: HashTable<u32>,
    hasher: FixedState,
}

impl StringSet {
    /// An empty set.
    pub fn new() -> StringSet {
        StringSet::default()
    }

    /// Number of strings.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// String `id`.
    #[inline]
    pub fn get(&self, id: u32) -> &str {
        let i = id as usize;
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.bytes[start..self.ends[i]]
    }

    /// The id of `s`, inserting it if new.
    #[inline]
    pub fn intern(&mut self, s: &str) -> u32 {
        let hash = self.hasher.hash_one(s);
        let StringSet {
            bytes,
            ends,
            table,
            hasher,
        } = self;
        let at = |id: u32| {
            let i = id as usize;
            let start = if i == 0 { 0 } else { ends[i - 1] };
            &bytes[start..ends[i]]
        };
        if let Some(&id) = table.find(hash, |&id| at(id) == s) {
            return id;
        }
        let id = ends.len() as u32;
        table.insert_unique(hash, id, |&id| {
            let i = id as usize;
            let start = if i == 0 { 0 } else { ends[i - 1] };
            hasher.hash_one(&bytes[start..ends[i]])
        });
        bytes.push_str(s);
        ends.push(bytes.len());
        id
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_dense_and_strings_exact() {
        let mut s = StringSet::new();
        let words: Vec<String> = (0..2000).map(|i| format!("w{}", i % 700)).collect();
        let ids: Vec<u32> = words.iter().map(|w| s.intern(w)).collect();
        assert_eq!(s.len(), 700);
        for (w, id) in words.iter().zip(&ids) {
            assert_eq!(s.get(*id), w);
        }
        assert_eq!(s.intern(""), 700);
        assert_eq!(s.get(700), "");
        assert_eq!(s.intern("w3"), 3);
    }
}
