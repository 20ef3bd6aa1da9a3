//! An append-only string set for the aggregation interners: strings in one buffer, ids in a hash table.
//!
//! Oracle twin: none (storage). Invariant: ids are dense, in order of first insertion, and `get(id)`
//! returns the exact string inserted; no per-string allocation (a STATS with hundreds of thousands of
//! distinct keys builds and drops in a few large blocks). The table is open addressing with linear
//! probing, at most half full, one `u64` per slot holding 32 bits of the string's hash and its id: a
//! probe reads one slot (one cache line) and compares strings only when the hash bits match, growing
//! never reads or hashes a string again, and [`StringSet::peek`] lets a caller load the slots of a
//! block of strings before interning them, so their cache misses overlap (with millions of distinct
//! keys, each probe is a miss).

use std::hash::BuildHasher;

use foldhash::fast::FixedState;

/// Distinct strings with dense `u32` ids.
#[derive(Debug, Clone, Default)]
pub struct StringSet {
    bytes: String,
    /// `ends[i]`: end of string `i` in `bytes` (its start is `ends[i - 1]`, or 0).
    ends: Vec<usize>,
    /// `0`: empty; otherwise `hash32 << 32 | (id + 1)`. Length a power of two (or 0).
    slots: Vec<u64>,
    hasher: FixedState,
}

#[inline]
fn slot_of(h: u32, id: u32) -> u64 {
    ((h as u64) << 32) | (id as u64 + 1)
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

    /// Makes room for `strings` more strings of `bytes` bytes in all (a hint: no growth until then).
    pub fn reserve(&mut self, strings: usize, bytes: usize) {
        self.grow_for(self.len() + strings);
        self.ends.reserve(strings);
        self.bytes.reserve(bytes);
    }

    /// Grows the table (if needed) so that `n` strings keep it at most half full.
    fn grow_for(&mut self, n: usize) {
        if n * 2 <= self.slots.len() {
            return;
        }
        let size = (n * 2).next_power_of_two().max(16);
        let mut slots = vec![0u64; size];
        let mask = size - 1;
        for &v in &self.slots {
            if v != 0 {
                let mut i = (v >> 32) as usize & mask;
                while slots[i] != 0 {
                    i = (i + 1) & mask;
                }
                slots[i] = v;
            }
        }
        self.slots = slots;
    }

    /// String `id`.
    #[inline]
    pub fn get(&self, id: u32) -> &str {
        let i = id as usize;
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.bytes[start..self.ends[i]]
    }

    /// The 32-bit hash the set files `s` under.
    #[inline]
    pub fn hash32(&self, s: &str) -> u32 {
        let h = self.hasher.hash_one(s);
        (h ^ (h >> 32)) as u32
    }

    /// The first slot a string of hash `h` probes (a load only: interning a block of strings after
    /// peeking at all their slots overlaps the cache misses).
    #[inline]
    pub fn peek(&self, h: u32) -> u64 {
        match self.slots.len() {
            0 => 0,
            n => self.slots[h as usize & (n - 1)],
        }
    }

    /// The slot index holding `s` (hash `h`), or the empty slot where it would go.
    #[inline]
    fn probe(&self, s: &str, h: u32) -> (usize, Option<u32>) {
        let mask = self.slots.len() - 1;
        let mut i = h as usize & mask;
        loop {
            let v = self.slots[i];
            if v == 0 {
                return (i, None);
            }
            if (v >> 32) as u32 == h {
                let id = (v as u32).wrapping_sub(1);
                if self.get(id) == s {
                    return (i, Some(id));
                }
            }
            i = (i + 1) & mask;
        }
    }

    /// The id of `s`, if present.
    #[inline]
    pub fn lookup(&self, s: &str) -> Option<u32> {
        if self.slots.is_empty() {
            return None;
        }
        self.probe(s, self.hash32(s)).1
    }

    /// The id of `s`, inserting it if new.
    #[inline]
    pub fn intern(&mut self, s: &str) -> u32 {
        let h = self.hash32(s);
        self.intern_hashed(s, h)
    }

    /// The id of `s` whose [`Self::hash32`] is `h`, inserting it if new.
    #[inline]
    pub fn intern_hashed(&mut self, s: &str, h: u32) -> u32 {
        self.grow_for(self.len() + 1);
        let (i, found) = self.probe(s, h);
        if let Some(id) = found {
            return id;
        }
        let id = self.ends.len() as u32;
        self.slots[i] = slot_of(h, id);
        self.bytes.push_str(s);
        self.ends.push(self.bytes.len());
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
            assert_eq!(s.lookup(w), Some(*id));
        }
        assert_eq!(s.lookup(""), None);
        assert_eq!(s.intern(""), 700);
        assert_eq!(s.get(700), "");
        assert_eq!(s.intern("w3"), 3);
    }

    #[test]
    fn growth_keeps_every_id() {
        // Many strings through several table growths (from a reserved and an unreserved start).
        for reserve in [0usize, 1000, 70_000] {
            let mut s = StringSet::new();
            s.reserve(reserve, reserve * 8);
            let n = 100_000u32;
            for i in 0..n {
                assert_eq!(s.intern(&format!("/var/www/p{i}")), i);
            }
            for i in (0..n).step_by(7) {
                let w = format!("/var/www/p{i}");
                assert_eq!(s.intern(&w), i);
                assert_eq!(s.get(i), w);
            }
            assert_eq!(s.len(), n as usize);
            assert_eq!(s.lookup("/var/www/p100000"), None);
            // Interning with a hash computed (and its slot peeked at) beforehand is the same.
            let w = "/var/www/p77";
            let h = s.hash32(w);
            let _ = s.peek(h);
            assert_eq!(s.intern_hashed(w, h), 77);
            assert_eq!(s.intern_hashed("/new", s.hash32("/new")), n);
        }
        // Strings filed under the same first slot, and two strings with the same 32 hash bits (the
        // string comparison tells them apart), each keep their own id.
        let probe = StringSet::new();
        let words: Vec<String> = (0..300_000).map(|i| format!("/p/{i}")).collect();
        let same_slot: Vec<&String> = words
            .iter()
            .filter(|w| probe.hash32(w) & 15 == 3)
            .take(8)
            .collect();
        let mut by_hash = std::collections::HashMap::new();
        let twins = words
            .iter()
            .find_map(|w| by_hash.insert(probe.hash32(w), w).map(|x| (x, w)))
            .expect("two of 300,000 strings share 32 hash bits");
        let mut s = StringSet::new();
        let all: Vec<&String> = same_slot.into_iter().chain([twins.0, twins.1]).collect();
        for (i, w) in all.iter().enumerate() {
            assert_eq!(s.intern(w), i as u32, "{w}");
        }
        for (i, w) in all.iter().enumerate().rev() {
            assert_eq!(s.lookup(w), Some(i as u32), "{w}");
            assert_eq!(s.get(i as u32), w.as_str());
        }
    }
}
