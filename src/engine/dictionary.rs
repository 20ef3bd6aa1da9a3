//! A keyword dictionary: every distinct string of one column stored once, addressed by a dense `u32` id.
//!
//! Oracle twin: none (the reference evaluator keeps strings in every row). Invariant: ids are assigned in
//! order of first insertion and never change, so an id column plus its dictionary always reads back the
//! exact strings the documents held, and per-dictionary-value tables (see `expr/keyword_table.rs`) can be
//! indexed by id. Strings live in one buffer; the index holds ids with 32 bits of each string's hash, so
//! no string is allocated on its own (dictionaries of near-unique columns such as `file.path` hold a
//! string per row, built on the reading thread and freed on the evaluating one) and growing the index
//! never hashes a string again.

use std::hash::BuildHasher;

use foldhash::fast::FixedState;
use hashbrown::HashTable;

/// Distinct strings of one keyword (or text) column.
#[derive(Debug, Clone, Default)]
pub struct Dictionary {
    /// All strings, concatenated.
    bytes: String,
    /// `ends[i]` is the end of string `i` in `bytes` (its start is `ends[i-1]`, or 0).
    ends: Vec<u32>,
    /// `(id, 32 bits of the string's hash)` per string.
    index: HashTable<(u32, u32)>,
    hasher: FixedState,
}

/// The table hash of a 32-bit string hash: hashbrown takes the bucket from the low bits and the
/// control byte from the top 7, so the 32 bits are placed at both ends.
#[inline]
fn spread(h: u32) -> u64 {
    ((h as u64) << 32) | h as u64
}

impl Dictionary {
    /// An empty dictionary.
    pub fn new() -> Dictionary {
        Dictionary::default()
    }

    /// Number of distinct strings.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// True when no string was inserted.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    #[inline]
    fn hash32(&self, s: &str) -> u32 {
        let h = self.hasher.hash_one(s);
        (h ^ (h >> 32)) as u32
    }

    /// The id of `s`, inserting it if new.
    pub fn intern(&mut self, s: &str) -> u32 {
        let h = self.hash32(s);
        let Dictionary {
            bytes, ends, index, ..
        } = self;
        let at = |id: u32| {
            let i = id as usize;
            let start = if i == 0 { 0 } else { ends[i - 1] as usize };
            &bytes[start..ends[i] as usize]
        };
        if let Some(&(id, _)) = index.find(spread(h), |&(id, eh)| eh == h && at(id) == s) {
            return id;
        }
        let id = ends.len() as u32;
        index.insert_unique(spread(h), (id, h), |&(_, eh)| spread(eh));
        bytes.push_str(s);
        ends.push(bytes.len() as u32);
        id
    }

    /// Makes room for `strings` more strings of `bytes` bytes in all (a hint: the index is not
    /// rebuilt and the buffer not moved until then).
    pub fn reserve(&mut self, strings: usize, bytes: usize) {
        self.index.reserve(strings, |&(_, h)| spread(h));
        self.ends.reserve(strings);
        self.bytes.reserve(bytes);
    }

    /// The id of `s`, if present.
    pub fn lookup(&self, s: &str) -> Option<u32> {
        let h = self.hash32(s);
        self.index
            .find(spread(h), |&(id, eh)| eh == h && self.get(id) == s)
            .map(|&(id, _)| id)
    }

    /// The string of `id`.
    ///
    /// # Panics
    /// If `id` was not returned by this dictionary (an internal invariant).
    pub fn get(&self, id: u32) -> &str {
        let i = id as usize;
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.bytes[start..self.ends[i] as usize]
    }

    /// Every string with its id, in id order.
    pub fn iter(&self) -> impl Iterator<Item = (u32, &str)> {
        (0..self.ends.len() as u32).map(|id| (id, self.get(id)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_dense_and_stable() {
        let mut d = Dictionary::new();
        assert_eq!(d.intern("bash"), 0);
        assert_eq!(d.intern("sh"), 1);
        assert_eq!(d.intern("bash"), 0);
        assert_eq!(d.intern(""), 2);
        assert_eq!(d.get(0), "bash");
        assert_eq!(d.get(1), "sh");
        assert_eq!(d.get(2), "");
        assert_eq!(d.lookup("sh"), Some(1));
        assert_eq!(d.lookup("zsh"), None);
        assert_eq!(
            d.iter().map(|(_, s)| s).collect::<Vec<_>>(),
            ["bash", "sh", ""]
        );
    }

    #[test]
    fn many_strings_keep_their_ids_through_index_growth() {
        let mut d = Dictionary::new();
        let words: Vec<String> = (0..50_000)
            .map(|i| format!("/var/www/f{}", i % 20_011))
            .collect();
        let ids: Vec<u32> = words.iter().map(|w| d.intern(w)).collect();
        assert_eq!(d.len(), 20_011);
        for (i, (w, &id)) in words.iter().zip(&ids).enumerate() {
            // Ids in order of first insertion.
            assert_eq!(id as usize, i % 20_011);
            assert_eq!(d.get(id), w);
            assert_eq!(d.lookup(w), Some(id));
        }
        assert_eq!(d.lookup("/var/www/f20011"), None);
        let cloned = d.clone();
        assert_eq!(cloned.lookup("/var/www/f7"), Some(7));
    }
}
