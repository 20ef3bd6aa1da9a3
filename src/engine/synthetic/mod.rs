//! Synthetic documents derived from a rule's own literals, for benchmarks and evaluator comparisons.
//!
//! Oracle twin: none (test data). Invariant: [`documents_for`] is a pure function of the plan, the
//! count, the seed and the config (a splitmix64 stream, no hash-order iteration), and every document
//! holds only fields the plan reads. The filters before the first STATS are read for [`hints`]: what
//! each source column is compared with, traced through KEEP/EVAL and case functions.
//!
//! Two ways of drawing:
//! - independent documents (`burst` ≤ 1, the default, used by the benchmarks): compared keyword fields
//!   get, with probability `literal`, a literal of a condition (`==`/`IN` literals, LIKE patterns with
//!   their wildcards filled in) and otherwise noise; other keyword fields draw from a pool whose size
//!   grows with the count (so STATS BY sees many groups); some values are missing (null) and some are
//!   two-valued arrays (so multi-value warnings, MV_EXPAND children and null keys occur);
//! - bursts ([`SyntheticConfig::coverage`], see `bursts`): runs of documents that share one draw of
//!   every field and vary only some, so thresholds after STATS (`count() >= 10`,
//!   `count_distinct(port) > 100` with one agent) are reached, with numbers and addresses drawn from the rule's numeric
//!   comparisons and `cidr_match` blocks, excluded literals made rare, and padded or long values for
//!   fields read through functions.
//!
//! Generated Elastic Defend telemetry makes few rules match; these documents let most rules return rows.

mod bursts;
mod hints;

use esql::plan::SourceField;
use esql::{DataType, Mapping, Plan};
use serde_json::{Map, Value as Json};

pub use hints::{ColumnHints, Hint, HintKind, column_hints, compared_literals, keyword_strings};

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
    /// Largest run of documents drawn together (1: independent documents; the fields below apply to
    /// runs only).
    pub burst: usize,
    /// Probability that a compared field takes a literal its filter excludes (under NOT, `!=`).
    pub negated: f64,
    /// Probability that a pattern-compared keyword joins all its wanted literals in one value (so
    /// conjunctions of LIKEs on one field hold).
    pub combine: f64,
    /// Probability that a field read through a function gets a padded (a run of 110 spaces) or long
    /// (over 4,000 characters) value.
    pub long: f64,
}

impl Default for SyntheticConfig {
    fn default() -> SyntheticConfig {
        SyntheticConfig {
            literal: 0.5,
            missing: 0.03,
            multi: 0.08,
            pool: 1000,
            burst: 1,
            negated: 0.5,
            combine: 0.0,
            long: 0.0,
        }
    }
}

impl SyntheticConfig {
    /// Runs of up to 400 documents, wanted literals likely and excluded ones rare: made for rules to
    /// return rows (evaluator comparisons), not for benchmark distributions.
    pub fn coverage() -> SyntheticConfig {
        SyntheticConfig {
            literal: 0.95,
            missing: 0.02,
            multi: 0.04,
            pool: 1000,
            burst: 400,
            negated: 0.05,
            combine: 0.25,
            long: 0.4,
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

/// A string matching the LIKE pattern `p`: `*` becomes `x1`, `?` becomes `q`, escapes are resolved.
pub fn fill_wildcards(p: &str) -> String {
    fill_with(p, "x1")
}

/// A string matching the LIKE pattern `p`: `*` becomes `filler`, `?` becomes `q`, escapes are resolved.
pub fn fill_with(p: &str, filler: &str) -> String {
    let mut out = String::with_capacity(p.len() + filler.len());
    let mut chars = p.chars();
    while let Some(ch) = chars.next() {
        match ch {
            '\\' => {
                if let Some(n) = chars.next() {
                    out.push(n);
                }
            }
            '*' => out.push_str(filler),
            '?' => out.push('q'),
            other => out.push(other),
        }
    }
    out
}

/// One JSON field of the drawn documents: the source columns that read it (a field and its
/// multi-fields, e.g. `process.command_line` and `process.command_line.text`) with their hints merged.
#[derive(Debug, Clone)]
pub(crate) struct FieldSpec {
    /// The JSON key (the field a multi-field indexes).
    pub key: String,
    /// The type values are drawn for.
    pub data_type: DataType,
    /// The merged hints of the columns.
    pub hints: ColumnHints,
}

/// The fields to draw: every needed FROM field except metadata, keyed by the field its value comes
/// from (`mapping` resolves multi-fields; without it every column is its own field).
fn field_specs(plan: &Plan, mapping: Option<&Mapping>) -> Vec<FieldSpec> {
    let esql::plan::Source::From(from) = &plan.source else {
        return Vec::new();
    };
    let needed = crate::engine::prune::needed_columns(plan);
    let mut hints = column_hints(plan);
    let mut out: Vec<FieldSpec> = Vec::new();
    for (i, f) in from.fields.iter().enumerate() {
        if !needed.source().get(i).copied().unwrap_or(false) {
            continue;
        }
        let SourceField::Field(name) = f else {
            continue;
        };
        let parent = mapping
            .and_then(|m| m.get(name))
            .and_then(|m| m.multi_field_of.clone());
        let key = parent.clone().unwrap_or_else(|| name.clone());
        let data_type = parent
            .and_then(|p| mapping.and_then(|m| m.get(&p)).map(|m| m.data_type))
            .unwrap_or(from.output.columns[i].data_type);
        let h = hints.remove(&i).unwrap_or_default();
        match out.iter_mut().find(|s| s.key == key) {
            Some(spec) => {
                spec.hints.hints.extend(h.hints);
                spec.hints.read_by_function |= h.read_by_function;
            }
            None => out.push(FieldSpec {
                key,
                data_type,
                hints: h,
            }),
        }
    }
    out
}

/// `count` JSON documents for the indices `plan` reads (see the module doc), each with an `event.id`
/// and an `@timestamp` when the plan reads them. Every column is its own JSON field (use
/// [`documents_for_mapping`] when the plan reads multi-fields).
pub fn documents_for(plan: &Plan, count: usize, seed: u64, cfg: SyntheticConfig) -> Vec<Json> {
    documents_for_mapping(plan, None, count, seed, cfg)
}

/// As [`documents_for`], with multi-fields (`a.text`) resolved through `mapping` to the field whose
/// source value they index, so a filter on a multi-field sees the drawn value.
pub fn documents_for_mapping(
    plan: &Plan,
    mapping: Option<&Mapping>,
    count: usize,
    seed: u64,
    cfg: SyntheticConfig,
) -> Vec<Json> {
    if !matches!(plan.source, esql::plan::Source::From(_)) {
        return Vec::new();
    }
    let fields = field_specs(plan, mapping);
    if cfg.burst > 1 {
        return bursts::documents(&fields, count, seed, &cfg);
    }
    independent(&fields, count, seed, cfg)
}

/// Independent documents (`burst` ≤ 1).
fn independent(fields: &[FieldSpec], count: usize, seed: u64, cfg: SyntheticConfig) -> Vec<Json> {
    let literals: Vec<Vec<String>> = fields
        .iter()
        .map(|f| {
            let mut v = keyword_strings(&f.hints);
            v.dedup();
            v
        })
        .collect();
    let pool = cfg.pool.max(8);
    let mut rng = Rng::new(seed);
    let mut out = Vec::with_capacity(count);
    for n in 0..count {
        let mut doc = Map::new();
        doc.insert("event.id".into(), Json::String(format!("syn-{seed}-{n}")));
        for (f, lits) in fields.iter().zip(&literals) {
            let (name, t) = (f.key.as_str(), f.data_type);
            if name == "event.id" {
                continue;
            }
            if rng.chance(cfg.missing) {
                continue;
            }
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
                    DataType::Date => Json::String(timestamp(n as u64 * 1000)),
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

/// `2026-11-01T00:00:00.000Z` plus `ms` milliseconds (days wrap after 28).
pub(crate) fn timestamp(ms: u64) -> String {
    let s = ms / 1000;
    format!(
        "2026-11-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        1 + s / 86_400 % 28,
        s / 3600 % 24,
        s / 60 % 60,
        s % 60,
        ms % 1000
    )
}

/// The generators' fleet (`seed`, `hosts` hosts over `minutes` minutes) indexed as Elasticsearch
/// would under the shipped Elastic Defend catalog, for tests and benchmarks that need realistic
/// telemetry in memory.
pub fn fleet_source(seed: u64, hosts: u32, minutes: i64) -> Result<esql::MemorySource, String> {
    let catalog = esql::Catalog::elastic_defend();
    let world = generators::Builder::new()
        .seed(seed)
        .hosts(hosts)
        .duration(generators::time::Span::mins(minutes))
        .build()
        .map_err(|e| format!("generator config: {e}"))?;
    let mut src = esql::MemorySource::new();
    for event in world {
        let json = serde_json::to_value(&event).map_err(|e| format!("event serializes: {e}"))?;
        src.index_json(&catalog, event.data_stream().name(), &json)
            .map_err(|e| e.to_string())?;
    }
    Ok(src)
}

/// `count` documents of [`documents_for`] (`seed`, `cfg`) indexed as Elasticsearch would into the
/// concrete index of the plan's first FROM pattern (`*` read as `default`), under the shipped
/// Elastic Defend catalog.
pub fn synthetic_source(
    plan: &Plan,
    count: usize,
    seed: u64,
    cfg: SyntheticConfig,
) -> Result<esql::MemorySource, String> {
    let esql::plan::Source::From(from) = &plan.source else {
        return Err("the plan reads no FROM index".into());
    };
    let index = from
        .patterns
        .first()
        .ok_or("the FROM has no pattern")?
        .replace('*', "default");
    let catalog = esql::Catalog::elastic_defend();
    let mut src = esql::MemorySource::new();
    if let Some(mapping) = catalog.mapping_for(&index) {
        src.add_index(index.clone(), mapping);
    }
    for json in documents_for(plan, count, seed, cfg) {
        src.index_json(&catalog, &index, &json)
            .map_err(|e| e.to_string())?;
    }
    Ok(src)
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
