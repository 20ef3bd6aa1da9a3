//! The first 16 bytes of an object key as two words, so the walker tests a key against a trie
//! node's children and for a `.` without byte loops: one hash of the words picks a bucket of the
//! node's table ([`KeyWords::bucket`]), one comparison of the words (and the length) confirms a
//! child, and a zero-byte test of the words finds a dot.
//!
//! Oracle twin: byte-slice equality and `key.contains(&b'.')`. Invariant: two keys have equal
//! [`KeyWords`] exactly when their lengths and first 16 bytes are equal (bytes past the key are
//! zero whether the words were read from the line or from the key alone), so a child is confirmed
//! by the words plus the bytes past the 16th; [`KeyWords::has_dot`] is `key.contains(&b'.')`.

/// A key's length and first 16 bytes (little-endian words; bytes past the key are zero).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct KeyWords {
    lo: u64,
    hi: u64,
    len: usize,
}

/// Buckets of a trie node's child table (a power of two).
pub const BUCKETS: usize = 128;

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGH: u64 = ONES << 7;
const DOTS: u64 = ONES * b'.' as u64;

#[inline]
fn word(b: &[u8]) -> u64 {
    let mut bytes = [0u8; 8];
    bytes.copy_from_slice(b);
    u64::from_le_bytes(bytes)
}

/// The low `n` bytes of a word (all of them from 8 on).
#[inline]
fn low_bytes(n: usize) -> u64 {
    match n {
        0 => 0,
        1..=7 => !0u64 >> (64 - 8 * n),
        _ => !0,
    }
}

impl KeyWords {
    /// The words of `key`, a slice of `line`: read straight from the line when 16 bytes are there
    /// from the key's start, else copied.
    #[inline]
    pub fn of(line: &[u8], key: &[u8]) -> KeyWords {
        let n = key.len();
        if n <= 16 && line.as_ptr_range().contains(&key.as_ptr()) {
            let start = key.as_ptr() as usize - line.as_ptr() as usize;
            if let Some(w) = line.get(start..start + 16) {
                return KeyWords {
                    lo: word(&w[..8]) & low_bytes(n),
                    hi: word(&w[8..]) & low_bytes(n.saturating_sub(8)),
                    len: n,
                };
            }
        }
        KeyWords::of_key(key)
    }

    /// The words of `key` on its own.
    pub fn of_key(key: &[u8]) -> KeyWords {
        let mut b = [0u8; 16];
        let k = key.len().min(16);
        b[..k].copy_from_slice(&key[..k]);
        KeyWords {
            lo: word(&b[..8]),
            hi: word(&b[8..]),
            len: key.len(),
        }
    }

    /// The bucket of a child table of [`BUCKETS`] entries (a multiplicative hash of the words).
    #[inline]
    pub fn bucket(&self) -> usize {
        let h = (self.lo ^ self.hi.rotate_left(29) ^ self.len as u64)
            .wrapping_mul(0x9E37_79B9_7F4A_7C15);
        (h >> (64 - BUCKETS.trailing_zeros())) as usize
    }

    /// Whether `key` (the key these words were made from) equals `other`, whose words are `self`'s
    /// when the result is true: the words and lengths, then the bytes past the 16th.
    #[inline]
    pub fn same(&self, key: &[u8], other: &KeyWords, other_key: &[u8]) -> bool {
        self == other && (self.len <= 16 || key.get(16..) == other_key.get(16..))
    }

    /// `key` (the key these words were made from) holds a `.`.
    #[inline]
    pub fn has_dot(&self, key: &[u8]) -> bool {
        if self.len > 16 {
            return key.contains(&b'.');
        }
        // Zero bytes past the key stay non-zero after the XOR: only dots become zero.
        let zero_byte = |x: u64| x.wrapping_sub(ONES) & !x & HIGH != 0;
        zero_byte(self.lo ^ DOTS) || zero_byte(self.hi ^ DOTS)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LINE: &[u8] = b"{\"a.b\":1,\"abcdefgh\":2,\"abcdefg.\":3,\".\":4,\"\":5,\
        \"process.parent.name\":6,\"x\":7,\"0123456789abcde.f\":8,\"working_directory\":9}";

    /// Every slice of a line: the words read from the line equal the key's own, the dot test is
    /// `contains`, and equal words mean equal keys (up to the bytes past the 16th, compared).
    #[test]
    fn words_of_every_slice_agree_with_the_bytes() {
        let mut all = Vec::new();
        for start in 0..LINE.len() {
            for end in start..=LINE.len() {
                let key = &LINE[start..end];
                let kw = KeyWords::of(LINE, key);
                assert_eq!(kw, KeyWords::of_key(key), "{start}..{end}");
                assert_eq!(kw.has_dot(key), key.contains(&b'.'), "{start}..{end}");
                assert!(kw.bucket() < BUCKETS);
                all.push((key, kw));
            }
        }
        // Equality by words against byte equality, on a sample of pairs.
        for (i, (a, wa)) in all.iter().enumerate().step_by(7) {
            for (b, wb) in all.iter().skip(i % 5).step_by(11) {
                assert_eq!(wa.same(a, wb, b), a == b, "{a:?} {b:?}");
            }
        }
        let long_a = b"working_directory_a";
        let long_b = b"working_directory_b";
        let (wa, wb) = (KeyWords::of_key(long_a), KeyWords::of_key(long_b));
        assert_eq!(wa, wb);
        assert!(!wa.same(long_a, &wb, long_b));
        assert!(wa.same(long_a, &wa, long_a));
    }
}
