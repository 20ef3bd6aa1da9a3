//! Synthetic documents derived from a rule's own literals, for benchmarks and evaluator comparisons.
//!
//! Oracle twin: none (test data). Invariant: [`documents_for`] is a pure function of the plan, the
//! count and the seed (a splitmix64 stream, no hash-order iteration), and every document holds only
//! fields the plan reads. Keyword fields that the first segment's WHERE conditions compare get, with
//! some probability, a literal of the condition (`==`/`IN` literals, LIKE patterns with their wildcards
//! filled in) and otherwise noise; other keyword fields draw from a pool whose size grows with the count
//! (so STATS BY sees many groups); some values are missing (null) and some are two-valued arrays (so
//! multi-value warnings, MV_EXPAND children and null keys occur). Generated Elastic Defend telemetry
//! makes few rules match; these documents let every rule that filters on keyword literals return rows.

use std::collections::BTreeMap;

use esql::plan::{Expr, ExprKind, SourceField, StepKind};
use esql::{DataType, Plan, Value};
use serde_json::{Map, Value as Json};

/// How documents are drawn.
#[derive(Debug, Clone, Copy)]
pub struct SyntheticConfig {
    /// Probability that a compared keyword field takes one of its literals.
    pub literal: f64,
    /// Probability that a field is missing.
    pub missing: f64,
    /// Probability that a keyword field holds two values.
    pub multi: f64,
    /// Distinct values of a keyword field no condition compares (at least 8).
    pub pool: usize,
}

impl Default for SyntheticConfig {
    fn default() -> SyntheticConfig {
        SyntheticConfig {
            literal: 0.5,
            missing: 0.03,
            multi: 0.08,
            pool: 1000,
        }
    }
}

/// A small deterministic generator (splitmix64).
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator seeded with `seed`.
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A uniform number in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64 <= p && p > 0.0
    }
}

/// The literal strings each source column is compared with in the plan's first-segment WHERE
/// conditions (columns of the FROM output, by index).
pub fn compared_literals(plan: &Plan) -> BTreeMap<usize, Vec<String>> {
    let mut out: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    for step in &plan.steps {
        match &step.kind {
            StepKind::Where { condition } => collect(condition, &mut out),
            StepKind::MvExpand { .. } | StepKind::Limit { .. } => {}
            // Column numbers change after these: stop (literals further on are not source columns).
            _ => break,
        }
    }
    for v in out.values_mut() {
        v.dedup();
    }
    out
}

fn column_of(e: &Expr) -> Option<usize> {
    match e.kind {
        ExprKind::Column(c) => Some(c),
        _ => None,
    }
}

fn keyword_literal(e: &Expr) -> Option<String> {
    match &e.kind {
        ExprKind::Literal(Value::Keyword(s)) => Some(s.clone()),
        _ => None,
    }
}

fn collect(e: &Expr, out: &mut BTreeMap<usize, Vec<String>>) {
    match &e.kind {
        ExprKind::And(a, b) | ExprKind::Or(a, b) => {
            collect(a, out);
            collect(b, out);
        }
        ExprKind::Not(a) => collect(a, out),
        ExprKind::Comparison { left, right, .. } => {
            let pair = match (column_of(left), column_of(right)) {
                (Some(c), None) => keyword_literal(right).map(|s| (c, s)),
                (None, Some(c)) => keyword_literal(left).map(|s| (c, s)),
                _ => None,
            };
            if let Some((c, s)) = pair {
                out.entry(c).or_default().push(s);
            }
        }
        ExprKind::In { value, list } => {
            if let Some(c) = column_of(value) {
                let lits: Vec<String> = list.iter().filter_map(keyword_literal).collect();
                out.entry(c).or_default().extend(lits);
            }
        }
        ExprKind::Like { value, patterns } => {
            if let Some(c) = column_of(value) {
                out.entry(c)
                    .or_default()
                    .extend(patterns.iter().map(|p| fill_wildcards(p)));
            }
        }
        _ => {}
    }
}

/// A string matching the LIKE pattern `p`: `*` becomes `x1`, `?` becomes `q`, escapes are resolved.
pub fn fill_wildcards(p: &str) -> String {
    let mut out = String::with_capacity(p.len() + 2);
    let mut chars = p.chars();
    while let Some(ch) = chars.next() {
        match ch {
            '\\' => {
                if let Some(n) = chars.next() {
                    out.push(n);
                }
            }
            '*' => out.push_str("x1"),
            '?' => out.push('q'),
            other => out.push(other),
        }
    }
    out
}

/// `count` JSON documents for the indices `plan` reads (see the module doc), each with an `event.id`
/// and an `@timestamp` when the plan reads them.
pub fn documents_for(plan: &Plan, count: usize, seed: u64, cfg: SyntheticConfig) -> Vec<Json> {
    let esql::plan::Source::From(from) = &plan.source else {
        return Vec::new();
    };
    let needed = crate::engine::prune::needed_columns(plan);
    let literals = compared_literals(plan);
    let fields: Vec<(usize, &str, DataType)> = from
        .fields
        .iter()
        .enumerate()
        .filter(|(i, _)| needed.source().get(*i).copied().unwrap_or(false))
        .filter_map(|(i, f)| match f {
            SourceField::Field(name) => Some((i, name.as_str(), from.output.columns[i].data_type)),
            SourceField::Metadata(_) => None,
        })
        .collect();
    let pool = cfg.pool.max(8);
    let mut rng = Rng::new(seed);
    let mut out = Vec::with_capacity(count);
    for n in 0..count {
        let mut doc = Map::new();
        doc.insert("event.id".into(), Json::String(format!("syn-{seed}-{n}")));
        for &(i, name, t) in &fields {
            if name == "event.id" {
                continue;
            }
            if rng.chance(cfg.missing) {
                continue;
            }
            let lits = literals.get(&i).map(Vec::as_slice).unwrap_or(&[]);
            let one = |rng: &mut Rng| -> Json {
                match t {
                    DataType::Keyword | DataType::Text => {
                        if !lits.is_empty() && rng.chance(cfg.literal) {
                            Json::String(lits[rng.below(lits.len())].clone())
                        } else if !lits.is_empty() {
                            Json::String(format!("other-{}", rng.below(16)))
                        } else {
                            // Skewed: half the draws come from the first eighth of the pool.
                            let k = if rng.chance(0.5) {
                                rng.below(pool / 8)
                            } else {
                                rng.below(pool)
                            };
                            Json::String(format!("{name}-{k}"))
                        }
                    }
                    DataType::Date => Json::String(format!(
                        "2026-11-{:02}T{:02}:{:02}:{:02}.000Z",
                        1 + n / 86_400 % 28,
                        n / 3600 % 24,
                        n / 60 % 60,
                        n % 60
                    )),
                    DataType::Long | DataType::Integer => Json::from(rng.below(1000) as u64),
                    DataType::Boolean => Json::Bool(rng.chance(0.5)),
                    _ => Json::Null,
                }
            };
            let v = if matches!(t, DataType::Keyword | DataType::Text) && rng.chance(cfg.multi) {
                Json::Array(vec![one(&mut rng), one(&mut rng)])
            } else {
                one(&mut rng)
            };
            if !v.is_null() {
                doc.insert(name.to_owned(), v);
            }
        }
        out.push(Json::Object(doc));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_filled_and_rng_deterministic() {
        assert_eq!(fill_wildcards("*.sh"), "x1.sh");
        assert_eq!(fill_wildcards("/tmp/?\\*"), "/tmp/q*");
        let a: Vec<u64> = (0..4).map(|_| Rng::new(7).next_u64()).collect();
        assert!(a.iter().all(|x| *x == a[0]));
        let mut r = Rng::new(1);
        assert!((0..100).all(|_| r.below(5) < 5));
    }
}
