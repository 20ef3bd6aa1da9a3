//! A choice stream: the random decisions a generator makes, as a plain `Vec<u32>` proptest can shrink.
//!
//! Generators that must look at what they built so far (the query builder asks the analyzer for the
//! schema after every command) cannot be written with proptest combinators alone. Instead they draw
//! from a [`Choices`] cursor over a vector of raw numbers, Hypothesis-style: proptest generates and
//! shrinks the vector (dropping entries, moving values toward 0), the generator reads it as ordinary
//! imperative code. Every draw maps 0 to the simplest option (no extra clause, the first column, the
//! smallest number), and reading past the end yields 0, so shrinking converges on small queries.

use proptest::collection::vec;
use proptest::prelude::*;

/// A cursor over raw choices; see the module doc.
#[derive(Debug, Clone)]
pub struct Choices<'a> {
    raw: &'a [u32],
    next: usize,
}

impl<'a> Choices<'a> {
    /// A cursor at the start of `raw`.
    pub fn new(raw: &'a [u32]) -> Choices<'a> {
        Choices { raw, next: 0 }
    }

    /// The next raw number (0 past the end).
    pub fn raw(&mut self) -> u32 {
        let v = self.raw.get(self.next).copied().unwrap_or(0);
        self.next += 1;
        v
    }

    /// A number in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        let r = self.raw() as usize;
        if n == 0 { 0 } else { r % n }
    }

    /// True with probability about `percent`/100; a raw 0 gives false.
    pub fn chance(&mut self, percent: u32) -> bool {
        let r = self.raw();
        r != 0 && (r % 100) < percent
    }

    /// An index into `weights`, drawn in proportion to them; a raw 0 gives the first non-zero weight.
    pub fn weighted(&mut self, weights: &[u32]) -> usize {
        let total: u32 = weights.iter().sum();
        if total == 0 {
            return 0;
        }
        let mut r = self.raw() % total;
        for (i, w) in weights.iter().enumerate() {
            if r < *w {
                return i;
            }
            r -= w;
        }
        weights.len() - 1
    }

    /// One element of a non-empty slice (the first on a raw 0).
    pub fn pick<'s, T>(&mut self, items: &'s [T]) -> Option<&'s T> {
        if items.is_empty() {
            None
        } else {
            let i = self.below(items.len());
            items.get(i)
        }
    }

    /// A small count in `0..=max`, biased toward small values.
    pub fn count(&mut self, max: usize) -> usize {
        let a = self.below(max + 1);
        let b = self.below(max + 1);
        a.min(b)
    }

    /// How many raw numbers were read (for statistics).
    pub fn used(&self) -> usize {
        self.next
    }
}

/// Raw choice vectors of up to `max_len` numbers, shrinking toward shorter vectors of smaller numbers.
pub fn choice_stream(max_len: usize) -> impl Strategy<Value = Vec<u32>> {
    vec(any::<u32>(), 0..=max_len)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_and_past_the_end_mean_the_simplest_option() {
        let raw = [0, 0, 0];
        let mut c = Choices::new(&raw);
        assert_eq!(c.below(5), 0);
        assert!(!c.chance(99));
        assert_eq!(c.weighted(&[0, 3, 1]), 1);
        assert_eq!(c.count(10), 0);
        assert_eq!(c.pick(&["a", "b"]), Some(&"a"));
        assert_eq!(c.used(), 6);
    }

    #[test]
    fn draws_respect_their_ranges_and_weights() {
        let raw: Vec<u32> = (0..1000).map(|i| i * 7919 + 13).collect();
        let mut c = Choices::new(&raw);
        let mut hits = [0usize; 3];
        for _ in 0..300 {
            assert!(c.below(4) < 4);
            hits[c.weighted(&[1, 0, 9])] += 1;
        }
        assert_eq!(hits[1], 0, "a zero weight is never drawn");
        assert!(hits[2] > hits[0], "{hits:?}");
    }
}
