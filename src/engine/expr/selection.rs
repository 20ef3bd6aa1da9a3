//! Selections (ascending lists of row numbers) and three-valued truth vectors, as both WHERE paths
//! (`predicate` and `split`) combine them.
//!
//! Oracle twin: the reference's Kleene AND/OR/NOT (`reference::expr`). Invariant: truth values are the
//! `u8` codes of [`super::keyword_table`] (`FALSE`, `TRUE`, `NULL`); selections stay ascending and
//! duplicate-free through every operation here.

use super::keyword_table::{FALSE, NULL, TRUE};

/// Kleene AND.
#[inline]
pub fn and3(a: u8, b: u8) -> u8 {
    match (a, b) {
        (FALSE, _) | (_, FALSE) => FALSE,
        (TRUE, TRUE) => TRUE,
        _ => NULL,
    }
}

/// Kleene OR.
#[inline]
pub fn or3(a: u8, b: u8) -> u8 {
    match (a, b) {
        (TRUE, _) | (_, TRUE) => TRUE,
        (FALSE, FALSE) => FALSE,
        _ => NULL,
    }
}

/// Kleene NOT.
#[inline]
pub fn not3(a: u8) -> u8 {
    match a {
        TRUE => FALSE,
        FALSE => TRUE,
        _ => NULL,
    }
}

/// The rows of `rows` whose truth (`tri`, one per row) satisfies `keep`, in order.
#[inline]
pub fn select(rows: &[u32], tri: &[u8], keep: impl Fn(u8) -> bool) -> Vec<u32> {
    rows.iter()
        .zip(tri)
        .filter(|(_, t)| keep(**t))
        .map(|(r, _)| *r)
        .collect()
}

/// Combines the right operand's truth `tb`, evaluated only on the rows whose left truth in `ta` is not
/// `decisive` (in order), into `ta` with `op`.
pub fn fold_open(ta: &mut [u8], tb: &[u8], decisive: u8, op: fn(u8, u8) -> u8) {
    let mut j = 0;
    for t in ta.iter_mut() {
        if *t != decisive {
            *t = op(*t, tb[j]);
            j += 1;
        }
    }
}

/// `rows` minus `sub` (both ascending, `sub` ⊆ `rows`).
pub fn difference(rows: &[u32], sub: &[u32]) -> Vec<u32> {
    let mut out = Vec::with_capacity(rows.len() - sub.len());
    let mut j = 0;
    for &r in rows {
        if j < sub.len() && sub[j] == r {
            j += 1;
        } else {
            out.push(r);
        }
    }
    out
}

/// The union of two disjoint ascending lists, ascending.
pub fn merge(a: &[u32], b: &[u32]) -> Vec<u32> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        if a[i] < b[j] {
            out.push(a[i]);
            i += 1;
        } else {
            out.push(b[j]);
            j += 1;
        }
    }
    out.extend_from_slice(&a[i..]);
    out.extend_from_slice(&b[j..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kleene_and_set_operations() {
        assert_eq!(difference(&[1, 3, 5, 7], &[3, 7]), [1, 5]);
        assert_eq!(merge(&[1, 5], &[2, 3, 9]), [1, 2, 3, 5, 9]);
        assert_eq!(and3(TRUE, NULL), NULL);
        assert_eq!(and3(NULL, FALSE), FALSE);
        assert_eq!(or3(NULL, TRUE), TRUE);
        assert_eq!(or3(FALSE, NULL), NULL);
        assert_eq!(not3(NULL), NULL);
        assert_eq!(
            select(&[4, 5, 6], &[TRUE, NULL, TRUE], |t| t == TRUE),
            [4, 6]
        );
        let mut ta = [FALSE, TRUE, NULL];
        fold_open(&mut ta, &[NULL, TRUE], FALSE, and3);
        assert_eq!(ta, [FALSE, NULL, NULL]);
    }
}
