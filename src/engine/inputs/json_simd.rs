//! The 64-byte classification of [`super::json_index`] at the widest SIMD level this CPU has,
//! chosen at run time without `unsafe` in this crate: `pulp` detects AVX-512BW or AVX2 once and
//! hands out a token type ([`pulp::x86::V4`], [`pulp::x86::V3`]) whose existence proves the
//! features are there; code run through the token's `vectorize` is compiled with those features
//! (so the line loop and the structural proof inlined into it also get BMI, POPCNT and wider
//! registers). Without either (or off x86-64) the portable `wide` code (SSE2 on x86-64) is used.
//!
//! Oracle twin: [`Classes::scalar`], a byte-by-byte classification. Invariant: every level gives
//! the same [`Classes`] for every 64 bytes (tested on random words, on every level the CPU has).

#[cfg(target_arch = "x86_64")]
use core::arch::x86_64::{__m256i, __m512i};
#[cfg(target_arch = "x86_64")]
use pulp::x86::{V3, V4};
use wide::u8x64;

/// Masks of one 64-byte word (bit `i` is byte `i`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Classes {
    /// Quotes.
    pub quote: u64,
    /// Backslashes and control characters (< 0x20), the line's newline included.
    pub bad: u64,
    /// `{ } [ ]`, and `Y _ y` DEL (which share their class bits; never valid outside strings).
    pub bracket: u64,
    /// Colons.
    pub colon: u64,
    /// Commas.
    pub comma: u64,
}

impl Classes {
    /// The classification byte by byte (the reference for tests).
    pub fn scalar(chunk: &[u8; 64]) -> Classes {
        let mut c = Classes::default();
        for (i, &x) in chunk.iter().enumerate() {
            let bit = 1u64 << i;
            let set = |m: &mut u64, yes: bool| {
                if yes {
                    *m |= bit;
                }
            };
            set(&mut c.quote, x == b'"');
            set(&mut c.bad, x == b'\\' || x < 0x20);
            set(
                &mut c.bracket,
                matches!(x, b'{' | b'}' | b'[' | b']' | b'Y' | b'_' | b'y' | 0x7f),
            );
            set(&mut c.colon, x == b':');
            set(&mut c.comma, x == b',');
        }
        c
    }
}

/// A classification of 64-byte words at one level (the token types of `pulp`, or [`Portable`]).
pub trait Classify: Copy {
    /// The classes of `chunk`.
    fn classify(self, chunk: &[u8; 64]) -> Classes;
}

/// The build's own target features (the `wide` code).
#[derive(Debug, Clone, Copy)]
pub struct Portable;

impl Classify for Portable {
    #[inline(always)]
    fn classify(self, chunk: &[u8; 64]) -> Classes {
        classify_portable(chunk)
    }
}

#[cfg(target_arch = "x86_64")]
impl Classify for V4 {
    #[inline(always)]
    fn classify(self, chunk: &[u8; 64]) -> Classes {
        classify_avx512(self, chunk)
    }
}

#[cfg(target_arch = "x86_64")]
impl Classify for V3 {
    #[inline(always)]
    fn classify(self, chunk: &[u8; 64]) -> Classes {
        classify_avx2(self, chunk)
    }
}

/// The SIMD level the line index runs at.
#[derive(Debug, Clone, Copy)]
pub enum Level {
    /// AVX-512 (F, BW, CD, DQ, VL) with the AVX2-level extras (BMI1/2, POPCNT, LZCNT, FMA).
    #[cfg(target_arch = "x86_64")]
    Avx512(V4),
    /// AVX2 with BMI1/2, POPCNT, LZCNT, FMA.
    #[cfg(target_arch = "x86_64")]
    Avx2(V3),
    /// The build's own target features (SSE2 on a default x86-64 build).
    Portable,
}

impl Level {
    /// The widest level this CPU has (detected once per process by `pulp`).
    pub fn detect() -> Level {
        #[cfg(target_arch = "x86_64")]
        {
            if let Some(s) = V4::try_new() {
                return Level::Avx512(s);
            }
            if let Some(s) = V3::try_new() {
                return Level::Avx2(s);
            }
        }
        Level::Portable
    }

    /// Every level this CPU can run, widest first (for tests comparing them).
    pub fn available() -> Vec<Level> {
        let mut out = Vec::new();
        #[cfg(target_arch = "x86_64")]
        {
            if let Some(s) = V4::try_new() {
                out.push(Level::Avx512(s));
            }
            if let Some(s) = V3::try_new() {
                out.push(Level::Avx2(s));
            }
        }
        out.push(Level::Portable);
        out
    }

    /// Classifies 64 bytes at this level (one call per word: for tests; the line loop calls the
    /// level's function inside its own `vectorize`).
    pub fn classify(self, chunk: &[u8; 64]) -> Classes {
        match self {
            #[cfg(target_arch = "x86_64")]
            Level::Avx512(s) => s.vectorize(|| classify_avx512(s, chunk)),
            #[cfg(target_arch = "x86_64")]
            Level::Avx2(s) => s.vectorize(|| classify_avx2(s, chunk)),
            Level::Portable => classify_portable(chunk),
        }
    }
}

/// Portable classification with `wide` (not inlined: inlined into the line loop, the SSE2 vector
/// code degrades into byte moves).
#[inline(never)]
pub fn classify_portable(chunk: &[u8; 64]) -> Classes {
    let v = u8x64::from(*chunk);
    let ctrl = v.min(u8x64::splat(0x1f)).simd_eq(v);
    Classes {
        quote: v.simd_eq(u8x64::splat(b'"')).to_bitmask(),
        bad: (v.simd_eq(u8x64::splat(b'\\')) | ctrl).to_bitmask(),
        bracket: (v | u8x64::splat(0x26))
            .simd_eq(u8x64::splat(0x7f))
            .to_bitmask(),
        colon: v.simd_eq(u8x64::splat(b':')).to_bitmask(),
        comma: v.simd_eq(u8x64::splat(b',')).to_bitmask(),
    }
}

/// AVX-512BW classification: one compare into a mask register per class.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
pub fn classify_avx512(s: V4, chunk: &[u8; 64]) -> Classes {
    let v: __m512i = pulp::cast(*chunk);
    let bw = s.avx512bw;
    let splat = |b: u8| s.avx512f._mm512_set1_epi8(b as i8);
    let eq = |b: u8| bw._mm512_cmpeq_epi8_mask(v, splat(b));
    Classes {
        quote: eq(b'"'),
        bad: eq(b'\\') | bw._mm512_cmple_epu8_mask(v, splat(0x1f)),
        bracket: bw._mm512_cmpeq_epi8_mask(s.avx512f._mm512_or_si512(v, splat(0x26)), splat(0x7f)),
        colon: eq(b':'),
        comma: eq(b','),
    }
}

/// AVX2 classification: two 32-byte halves per class.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
pub fn classify_avx2(s: V3, chunk: &[u8; 64]) -> Classes {
    let halves: [__m256i; 2] = pulp::cast(*chunk);
    let a2 = s.avx2;
    let splat = |b: u8| s.avx._mm256_set1_epi8(b as i8);
    let mask = |f: &dyn Fn(__m256i) -> __m256i| {
        let lo = a2._mm256_movemask_epi8(f(halves[0])) as u32;
        let hi = a2._mm256_movemask_epi8(f(halves[1])) as u32;
        u64::from(lo) | u64::from(hi) << 32
    };
    let eq = |b: u8| mask(&|v| a2._mm256_cmpeq_epi8(v, splat(b)));
    Classes {
        quote: eq(b'"'),
        bad: mask(&|v| {
            let ctrl = a2._mm256_cmpeq_epi8(a2._mm256_min_epu8(v, splat(0x1f)), v);
            a2._mm256_or_si256(ctrl, a2._mm256_cmpeq_epi8(v, splat(b'\\')))
        }),
        bracket: mask(&|v| a2._mm256_cmpeq_epi8(a2._mm256_or_si256(v, splat(0x26)), splat(0x7f))),
        colon: eq(b':'),
        comma: eq(b','),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_level_classifies_as_the_scalar_reference() {
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let alphabet = b"\"\\{}[]:,\x00\x1f\x20 \x7f\x80\xffaZ0Y_y\n\r\t";
        let levels = Level::available();
        for _ in 0..3000 {
            let mut chunk = [0u8; 64];
            for b in &mut chunk {
                let r = next();
                *b = if r % 2 == 0 {
                    alphabet[(r >> 8) as usize % alphabet.len()]
                } else {
                    (r >> 16) as u8
                };
            }
            let want = Classes::scalar(&chunk);
            assert_eq!(classify_portable(&chunk), want, "{chunk:?}");
            for l in &levels {
                assert_eq!(l.classify(&chunk), want, "{l:?} {chunk:?}");
            }
        }
        // All 256 byte values at every position class.
        for base in (0..256).step_by(64) {
            let chunk: [u8; 64] = std::array::from_fn(|i| (base + i) as u8);
            for l in &levels {
                assert_eq!(l.classify(&chunk), Classes::scalar(&chunk), "{l:?}");
            }
        }
    }
}
