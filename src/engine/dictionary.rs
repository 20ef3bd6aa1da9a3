//! A keyword dictionary: every distinct string of one column stored once, addressed by a dense `u32` id.
//!
//! Oracle twin: none (the reference evaluator keeps strings in every row). Invariant: ids are assigned in
//! order of first insertion and never change, so an id column plus its dictionary always reads back the
//! exact strings the documents held, and per-dictionary-value tables (see `expr/keyword_table.rs`) can be
//! indexed by id.

use std::sync::Arc;

use foldhash::HashMap;
use foldhash::HashMapExt;

/// Distinct strings of one keyword (or text) column.
#[derive(Debug, Clone, Default)]
pub struct Dictionary {
    /// All strings, concatenated.
    bytes: String,
    /// `ends[i]` is the end of string `i` in `bytes` (its start is `ends[i-1]`, or 0).
    ends: Vec<u32>,
    /// String → id.
    index: HashMap<Arc<str>, u32>,
}

impl Dictionary {
    /// An empty dictionary.
    pub fn new() -> Dictionary {
        Dictionary {
            bytes: String::new(),
            ends: Vec::new(),
            index: HashMap::new(),
        }
    }

    /// Number of distinct strings.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// True when no string was inserted.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// The id of `s`, inserting it if new.
    pub fn intern(&mut self, s: &str) -> u32 {
        if let Some(&id) = self.index.get(s) {
            return id;
        }
        let id = self.ends.len() as u32;
        self.bytes.push_str(s);
        self.ends.push(self.bytes.len() as u32);
        self.index.insert(Arc::from(s), id);
        id
    }

    /// The id of `s`, if present.
    pub fn lookup(&self, s: &str) -> Option<u32> {
        self.index.get(s).copied()
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
}
