//! A string index of one NDJSON line, built with SIMD over 64-byte words, so the extracting walker
//! finds the end of every string with a bit scan instead of scanning and checking its bytes.
//!
//! [`LineIndex::build_at`] classifies the bytes of the line starting at a block position into bit
//! masks at the widest SIMD level of the CPU ([`super::json_simd`]: AVX-512BW, AVX2, or the
//! portable `wide` code; chosen at run time, no `unsafe` here): quotes, backslashes
//! or control characters, brackets, colons and commas; the first control character that is a
//! newline ends the line, so the line's end is found by the same pass (no separate newline search).
//! A line is indexed only when it has neither backslashes nor control characters and an even number
//! of quotes. In such a line every string (as a validating walker meets them, in
//! order) is a quote, content without escapes or control characters, and the next quote:
//! [`LineIndex::string_end`] gives it. From the masks a *compact* line (no space outside strings:
//! spaces have no mask, so outside strings they fall into scalar runs, which the proof refuses) is
//! checked by the structural proof of [`super::json_proof`]; a proven line
//! ([`LineIndex::proven`]) is valid JSON, and the walker jumps over unneeded values with
//! [`LineIndex::value_end`] (a container to its matching bracket). Other indexed lines keep the
//! walker's token-by-token check; lines with escapes or control characters (tabs, `\r`) are walked
//! byte by byte.
//!
//! History: a first structural proof (bracket matching with data-dependent branches) cost more than
//! it saved; this one matches brackets without data-dependent branches and checks the other rules
//! 64 bytes at a time (see BENCHMARKS.md for the figures).
//!
//! Oracle twin: a byte-by-byte scan for the closing quote that rejects `\` and bytes < 0x20.
//! Invariant: after `build` returned `true`, `string_end(p)` for the opening quote `p` of any string
//! of the line is the position of its closing quote, and the string's content is valid JSON string
//! content (no escapes, no control characters; UTF-8 is checked by the caller); after
//! `proven()`, `value_end(p)` is the end of the value starting at `p`, as a validating scan finds it.

use super::json_proof::{Masks, Prover};
use super::json_simd::{Classify, Level, Portable};

/// The quote masks of one line (the buffers are reused from line to line), and when the line is
/// compact and proven valid ([`LineIndex::proven`]), where its containers close.
#[derive(Debug)]
pub struct LineIndex {
    quotes: Vec<u64>,
    masks: Vec<Masks>,
    prover: Prover,
    proven: bool,
    level: Level,
}

impl Default for LineIndex {
    fn default() -> LineIndex {
        LineIndex::with_level(Level::detect())
    }
}

impl LineIndex {
    /// An empty index at the widest SIMD level of this CPU.
    pub fn new() -> LineIndex {
        LineIndex::default()
    }

    /// An empty index at SIMD level `level` (tests compare the levels).
    pub fn with_level(level: Level) -> LineIndex {
        LineIndex {
            quotes: Vec::new(),
            masks: Vec::new(),
            prover: Prover::default(),
            proven: false,
            level,
        }
    }

    /// Indexes `line` (without its newline); `false` when the line has a backslash, a control
    /// character (a newline included) or an odd number of quotes (the caller then scans strings
    /// byte by byte). A compact line (no space outside strings) is also checked by the structural
    /// proof ([`super::json_proof`]).
    pub fn build(&mut self, line: &[u8]) -> bool {
        let (end, indexed) = self.build_at(line, 0);
        if end != line.len() {
            self.proven = false;
            return false;
        }
        indexed
    }

    /// Finds the line that starts at `start` in `block` and indexes it in the same pass: returns
    /// the line's end (the position of its `\n`, or the block's end) and whether it was indexed
    /// (as [`LineIndex::build`] of `block[start..end]`). The classification stops at the first
    /// backslash or control character: a newline ends the line, anything else leaves it
    /// unindexed (its end is then found with `memchr`).
    pub fn build_at(&mut self, block: &[u8], start: usize) -> (usize, bool) {
        match self.level {
            #[cfg(target_arch = "x86_64")]
            Level::Avx512(s) => s.vectorize(Build {
                ix: self,
                block,
                start,
                classify: s,
            }),
            #[cfg(target_arch = "x86_64")]
            Level::Avx2(s) => s.vectorize(Build {
                ix: self,
                block,
                start,
                classify: s,
            }),
            Level::Portable => self.build_with(block, start, Portable),
        }
    }

    /// [`LineIndex::build_at`] with one level's classification (inlined into the level's
    /// `vectorize`, so the loop and the proof are compiled with its target features).
    #[inline(always)]
    fn build_with(&mut self, block: &[u8], start: usize, classify: impl Classify) -> (usize, bool) {
        self.quotes.clear();
        self.masks.clear();
        self.proven = false;
        let rest = &block[start.min(block.len())..];
        let mut at = 0;
        let len = loop {
            let c = match rest
                .get(at..at + 64)
                .and_then(|w| <&[u8; 64]>::try_from(w).ok())
            {
                Some(full) => classify.classify(full),
                None => {
                    // The block's last bytes: padded with newlines (the block's end ends the line).
                    let mut pad = [b'\n'; 64];
                    pad[..rest.len() - at].copy_from_slice(&rest[at..]);
                    classify.classify(&pad)
                }
            };
            if c.bad != 0 {
                let bit = c.bad.trailing_zeros() as usize;
                let pos = at + bit;
                if rest.get(pos).is_some_and(|&b| b != b'\n') {
                    // A backslash or another control character: not indexed.
                    let end = memchr::memchr(b'\n', &rest[pos..]).map_or(rest.len(), |k| pos + k);
                    return (start + end, false);
                }
                if bit > 0 {
                    let valid = (1u64 << bit) - 1;
                    self.quotes.push(c.quote & valid);
                    self.masks.push(Masks {
                        bracket: c.bracket & valid,
                        colon: c.colon & valid,
                        comma: c.comma & valid,
                    });
                }
                break pos;
            }
            self.quotes.push(c.quote);
            self.masks.push(Masks {
                bracket: c.bracket,
                colon: c.colon,
                comma: c.comma,
            });
            at += 64;
        };
        (start + len, self.prove(&rest[..len]))
    }

    /// The proof over the masks of `line`; returns whether the quotes are paired.
    #[inline(always)]
    fn prove(&mut self, line: &[u8]) -> bool {
        let quotes: u32 = self.quotes.iter().map(|q| q.count_ones()).sum();
        self.proven = self.prover.prove(line, &self.quotes, &self.masks);
        quotes.is_multiple_of(2)
    }

    /// The line was proven a valid compact JSON object by the last [`LineIndex::build`]: skipped
    /// values need no further checks ([`LineIndex::value_end`]).
    #[inline]
    pub fn proven(&self) -> bool {
        self.proven
    }

    /// The first quote after position `open` (the closing quote of the string opened at `open`),
    /// `None` if there is none.
    #[inline]
    pub fn string_end(&self, open: usize) -> Option<usize> {
        let from = open + 1;
        let mut w = from / 64;
        let mut bits = *self.quotes.get(w)? & (!0u64 << (from % 64));
        loop {
            if bits != 0 {
                return Some(w * 64 + bits.trailing_zeros() as usize);
            }
            w += 1;
            bits = *self.quotes.get(w)?;
        }
    }

    /// In a proven line `s`, the end (exclusive) of the value starting at `at`.
    #[inline]
    pub fn value_end(&self, s: &[u8], at: usize) -> Option<usize> {
        match s.get(at)? {
            b'"' => self.string_end(at).map(|e| e + 1),
            b'{' | b'[' => self.prover.close_of(at).map(|e| e + 1),
            _ => Some(
                at + s[at..]
                    .iter()
                    .position(|&b| matches!(b, b',' | b'}' | b']'))?,
            ),
        }
    }
}

/// One call of [`LineIndex::build_with`] run through a level's `vectorize` (a type of its own, so
/// its body is inlined into the function compiled with the level's target features).
struct Build<'a, C> {
    ix: &'a mut LineIndex,
    block: &'a [u8],
    start: usize,
    classify: C,
}

impl<C: Classify> pulp::NullaryFnOnce for Build<'_, C> {
    type Output = (usize, bool);

    #[inline(always)]
    fn call(self) -> (usize, bool) {
        self.ix.build_with(self.block, self.start, self.classify)
    }
}

/// `x` with every bit replaced by the XOR of it and all lower bits.
#[inline]
pub fn prefix_xor(mut x: u64) -> u64 {
    x ^= x << 1;
    x ^= x << 2;
    x ^= x << 4;
    x ^= x << 8;
    x ^= x << 16;
    x ^= x << 32;
    x
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small deterministic generator (xorshift).
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
    }

    /// On random lines, `string_end` equals a byte-by-byte scan, across word boundaries.
    #[test]
    fn string_ends_equal_a_byte_scan() {
        let mut rng = Rng(7);
        let mut ix = LineIndex::new();
        for _ in 0..2000 {
            let len = rng.below(300);
            let line: Vec<u8> = (0..len)
                .map(|_| match rng.below(8) {
                    0 => b'"',
                    1 => b'{',
                    _ => b'a' + rng.below(26) as u8,
                })
                .collect();
            let quotes = line.iter().filter(|&&b| b == b'"').count();
            assert_eq!(ix.build(&line), quotes % 2 == 0);
            if quotes % 2 != 0 {
                continue;
            }
            for (p, _) in line.iter().enumerate().filter(|(_, b)| **b == b'"') {
                let scan = line[p + 1..]
                    .iter()
                    .position(|&b| b == b'"')
                    .map(|k| p + 1 + k);
                assert_eq!(ix.string_end(p), scan);
            }
        }
        let long = format!("{{\"k\":\"{}\"}}", "x".repeat(200));
        assert!(ix.build(long.as_bytes()));
        assert_eq!(ix.string_end(5), Some(206));
    }

    #[test]
    fn escapes_and_control_characters_are_not_indexed() {
        let mut ix = LineIndex::new();
        assert!(!ix.build(br#"{"a":"x\"y"}"#));
        assert!(!ix.build(b"{\"a\":\"tab\there\"}"));
        assert!(!ix.build(b"{\"a\":1}\r"));
        assert!(!ix.build(br#"{"a":"unterminated}"#));
        assert!(ix.build(br#"{"a":"b"}"#));
    }
}
