//! A string index of one NDJSON line, built with SIMD over 64-byte words, so the extracting walker
//! finds the end of every string with a bit scan instead of scanning and checking its bytes.
//!
//! [`LineIndex::build`] classifies the line's bytes into bit masks with `wide` (SSE2, or AVX-512 when
//! compiled for it; no `unsafe` here): quotes, and backslashes or control characters. A line is
//! indexed only when it has neither backslashes nor control characters and an even number of quotes.
//! In such a line every string (as a validating walker meets them, in order) is a quote, content
//! without escapes or control characters, and the next quote: [`LineIndex::string_end`] gives it.
//! The JSON grammar itself is still checked by the walker ([`super::json_scan`]); lines with escapes
//! or control characters (tabs, `\r`) are walked byte by byte as before.
//!
//! Measured on generated Elastic Defend process documents (~5 KB): a full structural proof (bracket
//! matching and the grammar as adjacency rules over the masks, letting the walker jump over unneeded
//! subtrees) cost more than it saved on two shared cores (1.97–2.10 user-s vs 1.88 for the string
//! index alone, for 1.34 GB); see BENCHMARKS.md.
//!
//! Oracle twin: a byte-by-byte scan for the closing quote that rejects `\` and bytes < 0x20.
//! Invariant: after `build` returned `true`, `string_end(p)` for the opening quote `p` of any string
//! of the line is the position of its closing quote, and the string's content is valid JSON string
//! content (no escapes, no control characters; UTF-8 is checked by the caller).

use wide::u8x64;

/// Masks of one 64-byte word.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Classes {
    quote: u64,
    /// Backslashes and control characters (< 0x20).
    bad: u64,
}

/// Classifies 64 bytes with SIMD (not inlined: inlined into the line loop, the vector code
/// degrades into byte moves).
#[inline(never)]
fn classify(chunk: &[u8; 64]) -> Classes {
    let v = u8x64::from(*chunk);
    let ctrl = v.min(u8x64::splat(0x1f)).simd_eq(v);
    Classes {
        quote: v.simd_eq(u8x64::splat(b'"')).to_bitmask(),
        bad: (v.simd_eq(u8x64::splat(b'\\')) | ctrl).to_bitmask(),
    }
}

/// The same classification byte by byte (the reference for tests).
#[cfg(test)]
fn classify_scalar(chunk: &[u8; 64]) -> Classes {
    let mut c = Classes::default();
    for (i, &x) in chunk.iter().enumerate() {
        let bit = 1u64 << i;
        if x == b'"' {
            c.quote |= bit;
        }
        if x == b'\\' || x < 0x20 {
            c.bad |= bit;
        }
    }
    c
}

/// The quote masks of one line (the buffer is reused from line to line).
#[derive(Debug, Default)]
pub struct LineIndex {
    quotes: Vec<u64>,
}

impl LineIndex {
    /// An empty index.
    pub fn new() -> LineIndex {
        LineIndex::default()
    }

    /// Indexes `line` (without its newline); `false` when the line has a backslash, a control
    /// character or an odd number of quotes (the caller then scans strings byte by byte).
    pub fn build(&mut self, line: &[u8]) -> bool {
        self.quotes.clear();
        let mut parity = 0u32;
        for chunk in line.chunks(64) {
            let c = match <&[u8; 64]>::try_from(chunk) {
                Ok(full) => classify(full),
                Err(_) => {
                    // Padding with spaces adds no quote and no bad byte.
                    let mut pad = [b' '; 64];
                    pad[..chunk.len()].copy_from_slice(chunk);
                    classify(&pad)
                }
            };
            if c.bad != 0 {
                return false;
            }
            parity ^= c.quote.count_ones() & 1;
            self.quotes.push(c.quote);
        }
        parity == 0
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

    #[test]
    fn simd_classes_equal_scalar_classes() {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        let alphabet = b"\"\\{}[]:,\x00\x1f \x7f\x80\xffaZ0";
        for _ in 0..2000 {
            let mut chunk = [0u8; 64];
            for b in &mut chunk {
                *b = if rng.below(2) == 0 {
                    alphabet[rng.below(alphabet.len())]
                } else {
                    rng.next() as u8
                };
            }
            assert_eq!(classify(&chunk), classify_scalar(&chunk), "{chunk:?}");
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
