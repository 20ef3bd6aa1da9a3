//! Elasticsearch's HyperLogLog++ cardinality sketch, reproduced so COUNT_DISTINCT matches ES bit for
//! bit (ES `HyperLogLogPlusPlus`, `AbstractLinearCounting`, `AbstractHyperLogLog`, and the hashes in
//! ES|QL's `HllStates`).
//!
//! - Precision `p` comes from `precision_threshold` (default 3000 → p = 14; clamped to 4..=18).
//! - Linear counting first: each 64-bit hash is encoded to 32 bits (its top 25 bits, plus the run length
//!   when the bits below the register index are all zero) and kept in a set. The estimate is
//!   `round(2^25 · ln(2^25 / (2^25 − n)))`, which equals `n` for small `n` unless two encodings collide.
//! - When the set holds more than `(2^p / 4) · 0.75` encodings, they replay into `2^p` HyperLogLog
//!   registers and later hashes go straight to the registers.
//! - The HLL estimate is linear counting over empty registers while that stays under ES's per-precision
//!   threshold; otherwise ES subtracts an empirical bias from the raw estimate when it is ≤ 5·2^p. Those
//!   bias tables are not reproduced: that case is reported as [`HllError::BiasCorrectionNeeded`] rather
//!   than answered differently from ES.
//!
//! Hashes: whole numbers, dates and doubles (as IEEE bits) go through hppc's `BitMixer.mix64`; strings
//! and IPs hash their bytes with MurmurHash3 x64-128 (seed 0) and then `mix64` the first half
//! ([`es_hash`]). Shared by both evaluators; what is counted (nulls, multi-values, booleans, constants)
//! is each evaluator's business.

use std::collections::BTreeSet;

use crate::Value;
use crate::value::ip_bytes;

const P2: u32 = 25;
const MIN_PRECISION: u32 = 4;
const MAX_PRECISION: u32 = 18;
const THRESHOLDS: [u64; 15] = [
    10, 20, 40, 80, 220, 400, 900, 1800, 3100, 6500, 11500, 20000, 50000, 120000, 350000,
];

/// A cardinality ES computes with data this implementation does not carry.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum HllError {
    /// The estimate needs ES's empirical bias-correction tables.
    #[error(
        "COUNT_DISTINCT estimate in HyperLogLog mode needs Elasticsearch's bias-correction tables (precision {precision}, raw estimate {raw:.1})"
    )]
    BiasCorrectionNeeded {
        /// HLL precision.
        precision: u32,
        /// The raw HLL estimate.
        raw: f64,
    },
}

/// hppc `BitMixer.mix64`.
pub fn mix64(z: u64) -> u64 {
    let z = (z ^ (z >> 32)).wrapping_mul(0x4cd6_944c_5cc2_0b6d);
    let z = (z ^ (z >> 29)).wrapping_mul(0xfc12_c5b1_9d32_59e9);
    z ^ (z >> 32)
}

fn fmix(mut k: u64) -> u64 {
    k ^= k >> 33;
    k = k.wrapping_mul(0xff51_afd7_ed55_8ccd);
    k ^= k >> 33;
    k = k.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    k ^ (k >> 33)
}

/// MurmurHash3 x64-128 of `data` with `seed`: the two 64-bit halves.
pub fn murmur3_x64_128(data: &[u8], seed: u64) -> (u64, u64) {
    const C1: u64 = 0x87c3_7b91_1142_53d5;
    const C2: u64 = 0x4cf5_ad43_2745_937f;
    let (mut h1, mut h2) = (seed, seed);
    let blocks = data.len() / 16;
    for i in 0..blocks {
        let b = &data[i * 16..i * 16 + 16];
        let mut k1 = u64::from_le_bytes(b[..8].try_into().expect("8 bytes"));
        let mut k2 = u64::from_le_bytes(b[8..].try_into().expect("8 bytes"));
        k1 = k1.wrapping_mul(C1).rotate_left(31).wrapping_mul(C2);
        h1 ^= k1;
        h1 = h1
            .rotate_left(27)
            .wrapping_add(h2)
            .wrapping_mul(5)
            .wrapping_add(0x52dc_e729);
        k2 = k2.wrapping_mul(C2).rotate_left(33).wrapping_mul(C1);
        h2 ^= k2;
        h2 = h2
            .rotate_left(31)
            .wrapping_add(h1)
            .wrapping_mul(5)
            .wrapping_add(0x3849_5ab5);
    }
    let tail = &data[blocks * 16..];
    let (mut k1, mut k2) = (0u64, 0u64);
    for (i, &byte) in tail.iter().enumerate().rev() {
        if i >= 8 {
            k2 ^= (byte as u64) << ((i - 8) * 8);
        } else {
            k1 ^= (byte as u64) << (i * 8);
        }
    }
    if tail.len() > 8 {
        k2 = k2.wrapping_mul(C2).rotate_left(33).wrapping_mul(C1);
        h2 ^= k2;
    }
    if !tail.is_empty() {
        k1 = k1.wrapping_mul(C1).rotate_left(31).wrapping_mul(C2);
        h1 ^= k1;
    }
    h1 ^= data.len() as u64;
    h2 ^= data.len() as u64;
    h1 = h1.wrapping_add(h2);
    h2 = h2.wrapping_add(h1);
    h1 = fmix(h1);
    h2 = fmix(h2);
    h1 = h1.wrapping_add(h2);
    h2 = h2.wrapping_add(h1);
    (h1, h2)
}

/// The hash ES collects for a byte string (keyword, text, IP).
pub fn hash_bytes(data: &[u8]) -> u64 {
    mix64(murmur3_x64_128(data, 0).0)
}

/// `HyperLogLogPlusPlus.precisionFromThreshold`.
pub fn precision_from_threshold(count: i64) -> u32 {
    let entries = (count as f32 / 0.75f32).ceil() as i64;
    let max_value = entries.saturating_mul(4).max(0) as u64;
    let bits = (64 - max_value.leading_zeros()).max(1);
    bits.clamp(MIN_PRECISION, MAX_PRECISION)
}

fn encode_hash(hash: u64, p: u32) -> u32 {
    let e = hash >> (64 - P2);
    let mask = (1u64 << (P2 - p)) - 1;
    let encoded = if e & mask == 0 {
        let run_len = 1 + (hash << P2).leading_zeros().min(64 - P2) as u64;
        (e << 7) | (run_len << 1) | 1
    } else {
        e << 1
    };
    encoded as u32
}

fn decode(encoded: u32, p: u32) -> (usize, u8) {
    if encoded & 1 == 1 {
        let run_len = ((encoded >> 1) & 0x3F) + (P2 - p);
        ((encoded >> 7 >> (P2 - p)) as usize, run_len as u8)
    } else {
        let bits = encoded << (31 + p - P2);
        (
            (encoded >> 1 >> (P2 - p)) as usize,
            (1 + bits.leading_zeros()) as u8,
        )
    }
}

fn linear_counting(m: u64, v: u64) -> u64 {
    let x = m as f64 * (m as f64 / v as f64).ln();
    crate::algo::java_number::java_round(x) as u64
}

/// One HyperLogLog++ sketch (one group's COUNT_DISTINCT).
#[derive(Debug, Clone)]
pub struct HyperLogLogPlusPlus {
    p: u32,
    /// Linear-counting encodings, until the sketch switches to registers.
    linear: Option<BTreeSet<u32>>,
    registers: Vec<u8>,
}

impl HyperLogLogPlusPlus {
    /// An empty sketch of precision `p` (4..=18).
    pub fn new(p: u32) -> HyperLogLogPlusPlus {
        HyperLogLogPlusPlus {
            p: p.clamp(MIN_PRECISION, MAX_PRECISION),
            linear: Some(BTreeSet::new()),
            registers: Vec::new(),
        }
    }

    fn lc_threshold(&self) -> usize {
        let capacity = (1u32 << self.p) / 4;
        (capacity as f32 * 0.75f32) as usize
    }

    fn add_run_len(&mut self, index: usize, run_len: u8) {
        let r = &mut self.registers[index];
        *r = (*r).max(run_len);
    }

    /// Adds a 64-bit hash.
    pub fn collect(&mut self, hash: u64) {
        let p = self.p;
        if let Some(set) = self.linear.as_mut() {
            set.insert(encode_hash(hash, p));
            if set.len() > self.lc_threshold() {
                let set = self.linear.take().unwrap_or_default();
                self.registers = vec![0; 1 << p];
                for e in set {
                    let (i, r) = decode(e, p);
                    self.add_run_len(i, r);
                }
            }
            return;
        }
        let index = (hash >> (64 - p)) as usize;
        let run_len = 1 + (hash << p).leading_zeros().min(64 - p);
        self.add_run_len(index, run_len as u8);
    }

    /// The estimate ES returns.
    pub fn cardinality(&self) -> Result<u64, HllError> {
        if let Some(set) = &self.linear {
            let m = 1u64 << P2;
            return Ok(if set.is_empty() {
                0
            } else {
                linear_counting(m, m - set.len() as u64)
            });
        }
        let m = 1u64 << self.p;
        let mut inverse_sum = 0.0;
        let mut zeros = 0u64;
        for &r in &self.registers {
            inverse_sum += 1.0 / (1u64 << r) as f64;
            if r == 0 {
                zeros += 1;
            }
        }
        let alpha = match self.p {
            4 => 0.673,
            5 => 0.697,
            _ => 0.7213 / (1.0 + 1.079 / m as f64),
        };
        let e1 = alpha * m as f64 * m as f64 / inverse_sum;
        let threshold = THRESHOLDS[(self.p - 4) as usize];
        if zeros != 0 {
            let h = linear_counting(m, zeros);
            if h <= threshold {
                return Ok(h);
            }
        }
        if e1 > 5.0 * m as f64 {
            return Ok(crate::algo::java_number::java_round(e1) as u64);
        }
        Err(HllError::BiasCorrectionNeeded {
            precision: self.p,
            raw: e1,
        })
    }
}

/// The 64-bit hash ES collects for one value, or `None` for types hashed otherwise.
pub fn es_hash(v: &Value) -> Option<u64> {
    Some(match v {
        Value::Integer(i) => mix64(*i as i64 as u64),
        Value::Long(i) | Value::Date(i) | Value::DateNanos(i) => mix64(*i as u64),
        Value::Double(d) => {
            let bits = if d.is_nan() {
                0x7ff8_0000_0000_0000
            } else {
                d.to_bits()
            };
            mix64(bits)
        }
        Value::Keyword(s) => hash_bytes(s.as_bytes()),
        Value::Ip(ip) => hash_bytes(&ip_bytes(ip)),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reference vectors of MurmurHash3 x64-128 (seed 0) as published with smhasher implementations.
    #[test]
    fn murmur3_known_vectors() {
        assert_eq!(murmur3_x64_128(b"", 0), (0, 0));
        assert_eq!(
            murmur3_x64_128(b"hello", 0).0,
            0xcbd8_a7b3_41bd_9b02,
            "first half of murmur3_x64_128(\"hello\")"
        );
        assert_eq!(
            murmur3_x64_128(b"The quick brown fox jumps over the lazy dog", 0),
            (0xe34b_bc7b_bc07_1b6c, 0x7a43_3ca9_c49a_9347)
        );
    }

    #[test]
    fn precision_from_threshold_matches_es() {
        assert_eq!(precision_from_threshold(3000), 14);
        assert_eq!(precision_from_threshold(5), 5);
        assert_eq!(precision_from_threshold(0), 4);
        assert_eq!(precision_from_threshold(40000), 18);
        assert_eq!(precision_from_threshold(80000), 18);
        assert_eq!(precision_from_threshold(100), 10);
    }

    #[test]
    fn linear_counting_is_exact_for_small_sets() {
        let mut h = HyperLogLogPlusPlus::new(14);
        for i in 0..1000u64 {
            h.collect(mix64(i));
            h.collect(mix64(i));
        }
        assert_eq!(h.cardinality(), Ok(1000));
    }

    #[test]
    fn encoded_and_direct_register_updates_agree() {
        for p in 4..=18 {
            for i in 0..2000u64 {
                let hash = mix64(i.wrapping_mul(0x9E37_79B9_7F4A_7C15));
                let (idx, run) = decode(encode_hash(hash, p), p);
                assert_eq!(idx as u64, hash >> (64 - p));
                assert_eq!(
                    run as u32,
                    1 + (hash << p).leading_zeros().min(64 - p),
                    "p={p} i={i}"
                );
            }
        }
    }
}
