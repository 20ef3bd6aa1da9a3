//! Value interners: every distinct value of a group key or aggregate argument gets a dense `u32` id.
//!
//! Oracle twin: the reference comparing group keys and VALUES/COUNT_DISTINCT elements as `Value`s.
//! Invariant: two scalars get the same id exactly when they are the same value of the same kind (keyword
//! strings byte-for-byte, doubles bit-for-bit, dates by instant and kind), and `value(id)` gives back the
//! value that was interned first. The first chunk dictionary an empty interner meets becomes its *base*:
//! that dictionary's ids are the interner's ids for its strings (no hashing, no copy — a STATS over
//! one chunk never interns a keyword), and a string of another dictionary or value gets the base's id
//! when the base holds it, a new id past the base otherwise. Other chunk dictionaries map to interner
//! ids through per-dictionary translation vectors, so the hot loop never hashes strings more than once
//! per chunk value. When the first such dictionary arrives, the base's strings are added to the
//! interner's own string set under their base ids, so a string is hashed once per lookup (not once for
//! the base and again for the set).

use std::collections::HashMap;
use std::sync::Arc;

use esql::Value;

use super::strings::StringSet;
use crate::engine::dictionary::Dictionary;

/// The id standing for a null key.
pub const NULL_ID: u32 = u32::MAX;
const UNSET: u32 = u32::MAX - 1;

/// A hashable, exact encoding of one scalar value.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ValueKey {
    /// Strings (keyword/text, version).
    Str(u8, Box<str>),
    /// Fixed-width payloads: a kind tag and 16 bytes.
    Fixed(u8, [u8; 16]),
}

/// The exact key of a scalar (null and multi-values are never interned).
pub fn value_key(v: &Value) -> ValueKey {
    let fixed = |tag: u8, x: i128| ValueKey::Fixed(tag, x.to_le_bytes());
    match v {
        Value::Keyword(s) => ValueKey::Str(0, s.as_str().into()),
        Value::Version(s) => ValueKey::Str(1, s.as_str().into()),
        Value::Boolean(b) => fixed(2, *b as i128),
        Value::Integer(i) => fixed(3, *i as i128),
        Value::Long(i) => fixed(4, *i as i128),
        Value::UnsignedLong(u) => fixed(5, *u as i128),
        Value::Double(d) => fixed(6, d.to_bits() as i128),
        Value::Date(x) => fixed(7, *x as i128),
        Value::DateNanos(x) => fixed(8, *x as i128),
        Value::TimeDuration(x) => fixed(9, *x as i128),
        Value::DatePeriod { months, days } => {
            fixed(10, ((*months as i128) << 32) | (*days as u32 as i128))
        }
        Value::Ip(ip) => ValueKey::Fixed(11, esql::value::ip_bytes(ip)),
        Value::Null => fixed(12, 0),
        Value::Multi(_) => ValueKey::Str(13, v.to_string().into()),
    }
}

/// One interned value past the base dictionary.
#[derive(Debug, Clone)]
enum Slot {
    /// A keyword: its id in the interner's own string set.
    Str(u32),
    /// Any other scalar.
    Other(Value),
}

/// How the ids of one chunk dictionary become interner ids (see [`Interner::translation`]).
#[derive(Debug)]
pub enum Translation {
    /// The dictionary is the interner's base: its ids are interner ids.
    Identity,
    /// Interner id per dictionary id, filled lazily by [`Interner::translate`].
    Table(Vec<u32>),
}

/// Distinct values with dense ids.
#[derive(Debug, Default)]
pub struct Interner {
    /// Ids `0..base_len` are this dictionary's ids (see the module doc).
    base: Option<Arc<Dictionary>>,
    base_len: u32,
    /// The base's strings are in `strings` too (under their base ids): look them up there only.
    base_indexed: bool,
    /// Keywords not in the base.
    strings: StringSet,
    /// String-set id → interner id.
    string_ids: Vec<u32>,
    others: HashMap<ValueKey, u32>,
    /// The value of interner id `base_len + i`.
    slots: Vec<Slot>,
    /// Translation of chunk dictionary ids, keyed by dictionary identity.
    translations: HashMap<usize, (Arc<Dictionary>, Vec<u32>)>,
}

impl Interner {
    /// An empty interner.
    pub fn new() -> Interner {
        Interner::default()
    }

    /// One past the largest id (ids of the base dictionary count even when no row used them).
    pub fn len(&self) -> usize {
        self.base_len as usize + self.slots.len()
    }

    /// True when no id was handed out and no base dictionary adopted.
    pub fn is_empty(&self) -> bool {
        self.len() == 0 && self.base.is_none()
    }

    /// The id of keyword string `s`.
    pub fn intern_str(&mut self, s: &str) -> u32 {
        if !self.base_indexed
            && let Some(b) = &self.base
            && let Some(id) = b.lookup(s)
        {
            return id;
        }
        let h = self.strings.hash32(s);
        self.intern_own(s, h)
    }

    /// The id of `s` (hash `h` in the own string set), which is not in an unindexed base.
    #[inline]
    fn intern_own(&mut self, s: &str, h: u32) -> u32 {
        let sid = self.strings.intern_hashed(s, h) as usize;
        if sid == self.string_ids.len() {
            let id = self.len() as u32;
            self.slots.push(Slot::Str(sid as u32));
            self.string_ids.push(id);
        }
        self.string_ids[sid]
    }

    /// The id of a scalar value.
    pub fn intern(&mut self, v: &Value) -> u32 {
        if let Value::Keyword(s) = v {
            return self.intern_str(s);
        }
        let key = value_key(v);
        if let Some(&id) = self.others.get(&key) {
            return id;
        }
        let id = self.len() as u32;
        self.slots.push(Slot::Other(v.clone()));
        self.others.insert(key, id);
        id
    }

    /// The id in this interner of `other`'s id `id` (not [`NULL_ID`]), without building a keyword value.
    pub fn intern_from(&mut self, other: &Interner, id: u32) -> u32 {
        match other.str_of(id) {
            Some(s) => self.intern_str(s),
            None => self.intern(&other.value(id)),
        }
    }

    /// The value of `id` ([`NULL_ID`] is null).
    pub fn value(&self, id: u32) -> Value {
        if id == NULL_ID {
            return Value::Null;
        }
        if let Some(s) = self.str_of(id) {
            return Value::Keyword(s.to_owned());
        }
        match self.slots.get((id - self.base_len) as usize) {
            Some(Slot::Other(v)) => v.clone(),
            _ => Value::Null,
        }
    }

    /// The keyword string of `id`, if it is a keyword.
    pub fn str_of(&self, id: u32) -> Option<&str> {
        if id < self.base_len {
            return self.base.as_ref().map(|b| b.get(id));
        }
        match self.slots.get((id.checked_sub(self.base_len)?) as usize)? {
            Slot::Str(sid) => Some(self.strings.get(*sid)),
            Slot::Other(_) => None,
        }
    }

    /// True when `id` is a keyword's (without reading the string).
    #[inline]
    pub fn is_keyword(&self, id: u32) -> bool {
        if id < self.base_len {
            return true;
        }
        matches!(
            self.slots.get((id - self.base_len) as usize),
            Some(Slot::Str(_))
        )
    }

    /// The 64-bit hash Elasticsearch's COUNT_DISTINCT collects for `id`'s value (`None` for values it
    /// hashes otherwise, and for [`NULL_ID`]).
    pub fn es_hash(&self, id: u32) -> Option<u64> {
        if let Some(s) = self.str_of(id) {
            return Some(esql::algo::hll::hash_bytes(s.as_bytes()));
        }
        match self.slots.get((id.checked_sub(self.base_len)?) as usize)? {
            Slot::Str(_) => None,
            Slot::Other(v) => esql::algo::hll::es_hash(v),
        }
    }

    /// True when every interned value has an Elasticsearch hash (COUNT_DISTINCT of any set of them then
    /// finishes without an error; keywords always do).
    pub fn all_es_hashable(&self) -> bool {
        self.slots.iter().all(|s| match s {
            Slot::Str(_) => true,
            Slot::Other(v) => esql::algo::hll::es_hash(v).is_some(),
        })
    }

    /// How chunk dictionary `dict`'s ids become interner ids: the identity when `dict` is the base, or
    /// becomes it (the interner is still empty); otherwise a translation vector (ids not yet seen are
    /// filled lazily), to hand back with [`Self::keep_translation`].
    pub fn translation(&mut self, dict: &Arc<Dictionary>) -> Translation {
        if let Some(b) = &self.base {
            if Arc::ptr_eq(b, dict) {
                return Translation::Identity;
            }
        } else if self.is_empty() && dict.len() < UNSET as usize {
            self.base_len = dict.len() as u32;
            self.base = Some(dict.clone());
            return Translation::Identity;
        }
        self.index_base();
        let key = Arc::as_ptr(dict) as usize;
        match self.translations.remove(&key) {
            Some((_, t)) => Translation::Table(t),
            None => Translation::Table(vec![UNSET; dict.len()]),
        }
    }

    /// Adds the base's strings to the own string set under their base ids (once; see the module doc).
    fn index_base(&mut self) {
        if self.base_indexed {
            return;
        }
        let Some(base) = self.base.clone() else {
            return;
        };
        self.base_indexed = true;
        self.strings.reserve(base.len(), 0);
        for (id, s) in base.iter() {
            // A base string never entered the set (lookups tried the base first), and the
            // dictionary's strings are distinct: each gets a new string id.
            let sid = self.strings.intern(s) as usize;
            if sid == self.string_ids.len() {
                self.string_ids.push(id);
            }
        }
    }

    /// Stores a translation vector back (see [`Self::translation`]).
    pub fn keep_translation(&mut self, dict: &Arc<Dictionary>, t: Translation) {
        if let Translation::Table(t) = t {
            self.translations
                .insert(Arc::as_ptr(dict) as usize, (dict.clone(), t));
        }
    }

    /// Forgets translations (when a chunk is done).
    pub fn clear_translations(&mut self) {
        self.translations.clear();
    }

    /// Replaces the chunk ids `ids` of `dict` by interner ids through `t` (a [`Translation::Table`] of
    /// this interner), interning the ids not translated yet in order of first occurrence — the ids
    /// [`Self::translate`] would give row by row — through [`Self::translate_pending`].
    pub fn translate_ids(&mut self, t: &mut [u32], dict: &Dictionary, ids: &mut [u32]) {
        // Marks an id queued in `pending` (never a translation: interner ids stay below `UNSET`).
        const QUEUED: u32 = u32::MAX;
        let mut pending = Vec::new();
        for &id in ids.iter() {
            let x = &mut t[id as usize];
            if *x == UNSET {
                *x = QUEUED;
                pending.push(id);
            }
        }
        if !pending.is_empty() {
            self.translate_pending(t, dict, &pending);
        }
        for id in ids.iter_mut() {
            *id = t[*id as usize];
        }
    }

    /// Translates the chunk ids `pending` of `dict` (distinct, not yet translated in `t`, from a
    /// [`Translation::Table`] of this interner), in order, as [`Self::translate`] would one by one:
    /// blocks of strings are hashed and their table slots loaded first, so the cache misses of a
    /// block overlap instead of coming one after another.
    pub fn translate_pending(&mut self, t: &mut [u32], dict: &Dictionary, pending: &[u32]) {
        const BLOCK: usize = 16;
        if self.base.is_some() && !self.base_indexed {
            // Not reached through `translation` (which indexes the base first): one by one.
            for &id in pending {
                t[id as usize] = self.intern_str(dict.get(id));
            }
            return;
        }
        let mut hashes = [0u32; BLOCK];
        for block in pending.chunks(BLOCK) {
            let mut touched = 0u64;
            for (h, &id) in hashes.iter_mut().zip(block) {
                *h = self.strings.hash32(dict.get(id));
                touched ^= self.strings.peek(*h);
            }
            std::hint::black_box(touched);
            for (&h, &id) in hashes.iter().zip(block) {
                t[id as usize] = self.intern_own(dict.get(id), h);
            }
        }
    }

    /// The interner id of chunk id `id`, translating it on first use.
    #[inline]
    pub fn translate(&mut self, t: &mut [u32], dict: &Dictionary, id: u32) -> u32 {
        let x = t[id as usize];
        if x != UNSET {
            return x;
        }
        let g = self.intern_str(dict.get(id));
        t[id as usize] = g;
        g
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dict(words: &[&str]) -> Arc<Dictionary> {
        let mut d = Dictionary::new();
        for w in words {
            d.intern(w);
        }
        Arc::new(d)
    }

    /// Ids stay the same when later chunk dictionaries arrive and the base is indexed.
    #[test]
    fn base_ids_survive_indexing_and_foreign_dictionaries() {
        let base = dict(&["/bin/a", "/bin/b", "/bin/c"]);
        let mut i = Interner::new();
        assert!(matches!(i.translation(&base), Translation::Identity));
        // Not in the base, before any foreign dictionary: a new id past the base.
        assert_eq!(i.intern_str("/bin/z"), 3);
        assert_eq!(i.intern(&Value::Long(5)), 4);
        assert_eq!(i.intern_str("/bin/b"), 1);
        let later = dict(&["/bin/c", "/bin/y", "/bin/z", "/bin/a"]);
        let Translation::Table(mut t) = i.translation(&later) else {
            panic!("a foreign dictionary is translated");
        };
        let got: Vec<u32> = (0..4).map(|id| i.translate(&mut t, &later, id)).collect();
        assert_eq!(got, vec![2, 5, 3, 0]);
        i.keep_translation(&later, Translation::Table(t));
        // After indexing: base strings, earlier strings and new ones keep or get one id each.
        for (s, id) in [
            ("/bin/a", 0),
            ("/bin/b", 1),
            ("/bin/c", 2),
            ("/bin/z", 3),
            ("/bin/y", 5),
        ] {
            assert_eq!(i.intern_str(s), id, "{s}");
            assert_eq!(i.str_of(id), Some(s));
        }
        assert_eq!(i.intern_str("/bin/new"), 6);
        assert_eq!(i.intern(&Value::Long(5)), 4);
        assert_eq!(i.value(4), Value::Long(5));
        assert_eq!(i.len(), 7);
        // Merging from another interner goes through the same set.
        let mut other = Interner::new();
        other.intern_str("/bin/new");
        other.intern_str("/bin/q");
        assert_eq!(i.intern_from(&other, 0), 6);
        assert_eq!(i.intern_from(&other, 1), 7);
    }

    /// Block translation gives the ids one-by-one translation gives, in the same order.
    #[test]
    fn block_translation_equals_one_by_one() {
        let words: Vec<String> = (0..3000)
            .map(|i| format!("/var/www/f{}", i % 1900))
            .collect();
        let first = dict(&["/var/www/f7", "/bin/sh"]);
        let later = {
            let mut d = Dictionary::new();
            for w in &words {
                d.intern(w);
            }
            Arc::new(d)
        };
        let rows: Vec<u32> = (0..3000u32).map(|i| (i * 7) % later.len() as u32).collect();
        let (mut a, mut b) = (Interner::new(), Interner::new());
        for i in [&mut a, &mut b] {
            assert!(matches!(i.translation(&first), Translation::Identity));
            i.intern_str("/tmp/x");
        }
        let Translation::Table(mut ta) = a.translation(&later) else {
            panic!("a table");
        };
        let want: Vec<u32> = rows
            .iter()
            .map(|&r| a.translate(&mut ta, &later, r))
            .collect();
        let Translation::Table(mut tb) = b.translation(&later) else {
            panic!("a table");
        };
        let mut got = rows.clone();
        b.translate_ids(&mut tb, &later, &mut got);
        assert_eq!(got, want);
        assert_eq!(ta, tb);
        assert_eq!(a.len(), b.len());
        for id in 0..b.len() as u32 {
            assert_eq!(a.str_of(id), b.str_of(id));
        }
        // Already translated ids are read back.
        let mut again = vec![rows[5], rows[0], 1899];
        b.translate_ids(&mut tb, &later, &mut again);
        assert_eq!(again, vec![want[5], want[0], b.intern_str(later.get(1899))]);
    }
}
