//! Value interners: every distinct value of a group key or aggregate argument gets a dense `u32` id.
//!
//! Oracle twin: the reference comparing group keys and VALUES/COUNT_DISTINCT elements as `Value`s.
//! Invariant: two scalars get the same id exactly when they are the same value of the same kind (keyword
//! strings byte-for-byte, doubles bit-for-bit, dates by instant and kind), and `value(id)` gives back the
//! value that was interned first. Chunk dictionaries map to interner ids through per-dictionary
//! translation vectors, so the hot loop never hashes strings more than once per chunk value.

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

/// One interned value.
#[derive(Debug, Clone)]
enum Slot {
    /// A keyword: its id in the interner's string dictionary.
    Str(u32),
    /// Any other scalar.
    Other(Value),
}

/// Distinct values with dense ids.
#[derive(Debug, Default)]
pub struct Interner {
    strings: StringSet,
    /// String-set id → interner id.
    string_ids: Vec<u32>,
    others: HashMap<ValueKey, u32>,
    slots: Vec<Slot>,
    /// Translation of chunk dictionary ids, keyed by dictionary identity.
    translations: HashMap<usize, (Arc<Dictionary>, Vec<u32>)>,
}

impl Interner {
    /// An empty interner.
    pub fn new() -> Interner {
        Interner::default()
    }

    /// Number of distinct values.
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    /// The id of keyword string `s`.
    pub fn intern_str(&mut self, s: &str) -> u32 {
        let sid = self.strings.intern(s) as usize;
        if sid == self.string_ids.len() {
            let id = self.slots.len() as u32;
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
        let id = self.slots.len() as u32;
        self.slots.push(Slot::Other(v.clone()));
        self.others.insert(key, id);
        id
    }

    /// The value of `id` ([`NULL_ID`] is null).
    pub fn value(&self, id: u32) -> Value {
        if id == NULL_ID {
            return Value::Null;
        }
        match &self.slots[id as usize] {
            Slot::Str(sid) => Value::Keyword(self.strings.get(*sid).to_owned()),
            Slot::Other(v) => v.clone(),
        }
    }

    /// The keyword string of `id`, if it is a keyword.
    pub fn str_of(&self, id: u32) -> Option<&str> {
        match self.slots.get(id as usize)? {
            Slot::Str(sid) => Some(self.strings.get(*sid)),
            Slot::Other(_) => None,
        }
    }

    /// The 64-bit hash Elasticsearch's COUNT_DISTINCT collects for `id`'s value (`None` for values it
    /// hashes otherwise, and for [`NULL_ID`]).
    pub fn es_hash(&self, id: u32) -> Option<u64> {
        match self.slots.get(id as usize)? {
            Slot::Str(sid) => Some(esql::algo::hll::hash_bytes(
                self.strings.get(*sid).as_bytes(),
            )),
            Slot::Other(v) => esql::algo::hll::es_hash(v),
        }
    }

    /// The translation vector of chunk dictionary `dict` (ids not yet seen are filled lazily).
    pub fn translation(&mut self, dict: &Arc<Dictionary>) -> Vec<u32> {
        let key = Arc::as_ptr(dict) as usize;
        match self.translations.remove(&key) {
            Some((_, t)) => t,
            None => vec![UNSET; dict.len()],
        }
    }

    /// Stores a translation vector back (see [`Self::translation`]).
    pub fn keep_translation(&mut self, dict: &Arc<Dictionary>, t: Vec<u32>) {
        self.translations
            .insert(Arc::as_ptr(dict) as usize, (dict.clone(), t));
    }

    /// Forgets translations (when a chunk is done).
    pub fn clear_translations(&mut self) {
        self.translations.clear();
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
