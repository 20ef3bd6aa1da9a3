//! Runs of synthetic documents that share one draw of every field, for rules that count or aggregate.
//!
//! Oracle twin: none (test data). A run is 1/16, 1/4 or all of `SyntheticConfig::burst` documents,
//! one minute of timestamps. Per run and field one choice is made: a wanted literal (probability
//! `literal`), all wanted patterns joined (`combine`), an excluded literal (`negated`), noise unique to
//! the run, or a pool value (fields no filter compares: agent, host, user stay fixed in a run). Wildcard
//! fills are the same for the run (half the runs), one of four per document, or unique per document, so a run makes
//! one group of many events, a few groups, or many groups with distinct values. Numbers (from the
//! rule's numeric comparisons, satisfied or not) and IP addresses (inside the rule's `cidr_match`
//! blocks or random) are fixed for some runs and drawn per document in others, so both "many events
//! to one port" and "many distinct ports to one address" occur. Missing and two-valued fields are
//! drawn per document (two-valued fields in 30% of the runs only).

use serde_json::{Map, Value as Json};

use super::{FieldSpec, HintKind, Rng, SyntheticConfig, fill_with, timestamp};
use esql::DataType;
use esql::plan::ComparisonOp;

/// What the run's value of a keyword field is.
#[derive(Debug, Clone)]
enum Pick {
    /// A literal or pattern of the filters.
    Literal(HintKind),
    /// All wanted patterns, joined by spaces.
    All,
    /// Noise no filter names.
    Other,
    /// Pool value `k` (fields no filter compares).
    Pool(usize),
}

/// How wildcards and noise are filled within a run.
#[derive(Debug, Clone, Copy)]
enum Fill {
    /// One value for the whole run.
    Const,
    /// One of four per document.
    Few,
    /// One per document.
    Unique,
}

/// What follows the fill of a field read through a function.
#[derive(Debug, Clone, Copy)]
enum Pad {
    None,
    /// [`SPACES`].
    Spaces,
    /// 4,100 characters (over any `ignore_above` of the shipped mappings).
    Long,
}

/// What the filters want of one field, split by polarity.
#[derive(Debug, Default)]
struct Wants {
    wanted: Vec<HintKind>,
    excluded: Vec<HintKind>,
}

impl Wants {
    fn of(f: &FieldSpec, keep: impl Fn(&HintKind) -> bool) -> Wants {
        let mut w = Wants::default();
        for h in f.hints.hints.iter().filter(|h| keep(&h.kind)) {
            if h.negated {
                w.excluded.push(h.kind.clone());
            } else {
                w.wanted.push(h.kind.clone());
            }
        }
        w
    }

    /// A wanted hint (probability `literal`), else an excluded one (probability `negated`).
    fn pick(&self, rng: &mut Rng, cfg: &SyntheticConfig) -> Option<&HintKind> {
        if !self.wanted.is_empty() && rng.chance(cfg.literal) {
            Some(&self.wanted[rng.below(self.wanted.len())])
        } else if !self.excluded.is_empty() && rng.chance(cfg.negated) {
            Some(&self.excluded[rng.below(self.excluded.len())])
        } else {
            None
        }
    }
}

/// One field as drawn for the current run.
#[derive(Debug)]
struct RunField {
    pick: Pick,
    fill: Fill,
    pad: Pad,
    /// Numbers and addresses: drawn per document rather than once per run.
    vary: bool,
    number: f64,
    ip: String,
}

/// 110 spaces between two words: a padded value that stays under `ignore_above`.
const SPACES: &str = "pad                                                                                                              pad";

/// `count` documents in runs (see the module doc).
pub(super) fn documents(
    fields: &[FieldSpec],
    count: usize,
    seed: u64,
    cfg: &SyntheticConfig,
) -> Vec<Json> {
    let long = "L".repeat(4100);
    let keywords: Vec<Wants> = fields
        .iter()
        .map(|f| {
            Wants::of(f, |k| {
                matches!(k, HintKind::Exact(_) | HintKind::Pattern(_))
            })
        })
        .collect();
    let numbers: Vec<Wants> = fields
        .iter()
        .map(|f| Wants::of(f, |k| matches!(k, HintKind::Number(..))))
        .collect();
    let cidrs: Vec<Wants> = fields
        .iter()
        .map(|f| Wants::of(f, |k| matches!(k, HintKind::Cidr(_))))
        .collect();
    let pool = cfg.pool.max(8);
    let mut rng = Rng::new(seed);
    let mut out = Vec::with_capacity(count);
    let mut run = 0u64;
    while out.len() < count {
        let size = [cfg.burst, cfg.burst / 4, cfg.burst / 16][rng.below(3)]
            .max(1)
            .min(count - out.len());
        // Most runs are clean (no two-valued field), so a group key such as the agent stays one value.
        let multi = if rng.chance(0.3) { cfg.multi } else { 0.0 };
        let drawn: Vec<RunField> = fields
            .iter()
            .enumerate()
            .map(|(k, f)| {
                let kw = &keywords[k];
                let patterns = kw
                    .wanted
                    .iter()
                    .filter(|h| matches!(h, HintKind::Pattern(_)))
                    .count();
                let pick = if patterns >= 2 && rng.chance(cfg.combine) {
                    Pick::All
                } else if let Some(h) = kw.pick(&mut rng, cfg) {
                    Pick::Literal(h.clone())
                } else if kw.wanted.is_empty() && kw.excluded.is_empty() {
                    Pick::Pool(rng.below(pool))
                } else {
                    Pick::Other
                };
                let fill = [Fill::Const, Fill::Const, Fill::Few, Fill::Unique][rng.below(4)];
                let pad = if f.hints.read_by_function && rng.chance(cfg.long) {
                    if rng.chance(0.5) {
                        Pad::Spaces
                    } else {
                        Pad::Long
                    }
                } else {
                    Pad::None
                };
                RunField {
                    pick,
                    fill,
                    pad,
                    vary: rng.chance(0.5),
                    number: number(&numbers[k], &mut rng, cfg),
                    ip: address(&cidrs[k], &mut rng, cfg),
                }
            })
            .collect();
        for i in 0..size {
            let n = out.len();
            let mut doc = Map::new();
            doc.insert("event.id".into(), Json::String(format!("syn-{seed}-{n}")));
            for (k, (f, r)) in fields.iter().zip(&drawn).enumerate() {
                if f.key == "event.id" || rng.chance(cfg.missing) {
                    continue;
                }
                let v = match f.data_type {
                    DataType::Keyword | DataType::Text => {
                        let pad = match r.pad {
                            Pad::None => "",
                            Pad::Spaces => SPACES,
                            Pad::Long => long.as_str(),
                        };
                        let first = keyword(f, &keywords[k], r, pad, run, i, n);
                        if rng.chance(multi) {
                            let second = match &keywords[k].wanted[..] {
                                [] => Json::String(format!("{}-{}", f.key, rng.below(pool))),
                                w => {
                                    let h = &w[rng.below(w.len())];
                                    Json::String(literal(h, &format!("m{n}")))
                                }
                            };
                            Json::Array(vec![first, second])
                        } else {
                            first
                        }
                    }
                    DataType::Long | DataType::Integer | DataType::UnsignedLong => {
                        let x = if r.vary {
                            number(&numbers[k], &mut rng, cfg)
                        } else {
                            r.number
                        };
                        Json::from(x as i64)
                    }
                    DataType::Double => {
                        let x = if r.vary {
                            number(&numbers[k], &mut rng, cfg)
                        } else {
                            r.number
                        };
                        Json::from(x)
                    }
                    DataType::Ip => Json::String(if r.vary {
                        address(&cidrs[k], &mut rng, cfg)
                    } else {
                        r.ip.clone()
                    }),
                    DataType::Date => {
                        let step = 50_000 / size as u64;
                        Json::String(timestamp(run * 60_000 + i as u64 * step))
                    }
                    DataType::Boolean => Json::Bool(rng.chance(0.5)),
                    _ => Json::Null,
                };
                if !v.is_null() {
                    doc.insert(f.key.clone(), v);
                }
            }
            out.push(Json::Object(doc));
        }
        run += 1;
    }
    out
}

/// The run's value of keyword field `f` for document `n` (`i`-th of run `run`).
fn keyword(
    f: &FieldSpec,
    wants: &Wants,
    r: &RunField,
    pad: &str,
    run: u64,
    i: usize,
    n: usize,
) -> Json {
    let base = match r.fill {
        Fill::Const => format!("r{run}"),
        Fill::Few => format!("r{run}v{}", i % 4),
        Fill::Unique => format!("d{n}"),
    };
    let filler = format!("{base}{pad}");
    Json::String(match &r.pick {
        Pick::Literal(h) => literal(h, &filler),
        Pick::All => {
            let mut parts: Vec<String> = Vec::new();
            for h in &wants.wanted {
                if let HintKind::Pattern(p) = h {
                    let s = fill_with(p, &filler);
                    if !parts.contains(&s) {
                        parts.push(s);
                    }
                }
            }
            parts.join(" ")
        }
        Pick::Other => format!("other-{filler}"),
        Pick::Pool(k) => format!("{}-{k}{pad}", f.key),
    })
}

/// A string for a keyword hint: the literal itself, or the pattern with `filler` for `*`.
fn literal(h: &HintKind, filler: &str) -> String {
    match h {
        HintKind::Exact(s) => s.clone(),
        HintKind::Pattern(p) => fill_with(p, filler),
        HintKind::Number(_, v) => v.to_string(),
        HintKind::Cidr(c) => c.clone(),
    }
}

/// A number for a field with these numeric comparisons: one that makes a wanted comparison true, or an
/// excluded one true, or anything in `0..65536`.
fn number(w: &Wants, rng: &mut Rng, cfg: &SyntheticConfig) -> f64 {
    let Some(HintKind::Number(op, v)) = w.pick(rng, cfg) else {
        return rng.below(65_536) as f64;
    };
    let (op, v) = (*op, *v);
    let below = |rng: &mut Rng, top: f64| {
        if top >= 1.0 {
            rng.below(top as usize) as f64
        } else {
            top - 1.0 - rng.below(1000) as f64
        }
    };
    match op {
        ComparisonOp::Eq => v,
        ComparisonOp::Neq => v + 1.0,
        ComparisonOp::Lt => below(rng, v),
        ComparisonOp::Lte => below(rng, v + 1.0),
        ComparisonOp::Gt => v + 1.0 + rng.below(1000) as f64,
        ComparisonOp::Gte => v + rng.below(1000) as f64,
    }
}

/// An IP address: inside a wanted `cidr_match` block, or an excluded one, or a random IPv4 address.
fn address(w: &Wants, rng: &mut Rng, cfg: &SyntheticConfig) -> String {
    let random = |rng: &mut Rng| {
        format!(
            "{}.{}.{}.{}",
            1 + rng.below(223),
            rng.below(256),
            rng.below(256),
            1 + rng.below(254)
        )
    };
    let Some(HintKind::Cidr(block)) = w.pick(rng, cfg) else {
        return random(rng);
    };
    let (base, prefix) = match block.split_once('/') {
        Some((b, p)) => (b, p.parse::<u32>().unwrap_or(32)),
        None => (block.as_str(), 128),
    };
    let octets: Vec<u32> = base.split('.').filter_map(|o| o.parse().ok()).collect();
    if octets.len() == 4 && prefix <= 24 {
        // A host inside the block: keep the network's first three octets, vary the last.
        format!(
            "{}.{}.{}.{}",
            octets[0],
            octets[1],
            octets[2],
            1 + rng.below(254)
        )
    } else if base.ends_with("::") {
        format!("{base}1")
    } else {
        base.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::super::{SyntheticConfig, documents_for_mapping};
    use esql::Catalog;

    #[test]
    fn runs_are_deterministic_and_reach_count_thresholds() {
        let catalog = Catalog::elastic_defend();
        let q = "from logs-endpoint.events.network-* | where destination.port < 1024 \
                 and not cidr_match(destination.ip, \"10.0.0.0/8\") \
                 | stats c = count_distinct(destination.port) by destination.ip, agent.id | where c > 100";
        let plan = esql::analyze(&esql::parse(q).unwrap(), &catalog).unwrap();
        let mapping = catalog
            .mapping_for("logs-endpoint.events.network-default")
            .unwrap();
        let cfg = SyntheticConfig::coverage();
        let a = documents_for_mapping(&plan, Some(&mapping), 3000, 5, cfg);
        let b = documents_for_mapping(&plan, Some(&mapping), 3000, 5, cfg);
        assert_eq!(a, b);
        assert_eq!(a.len(), 3000);
        // Some run keeps one address and agent over many documents with ports below 1024.
        let mut per_key: std::collections::BTreeMap<
            (String, String),
            std::collections::BTreeSet<i64>,
        > = Default::default();
        for d in &a {
            let (Some(ip), Some(agent), Some(port)) = (
                d["destination.ip"].as_str(),
                d["agent.id"].as_str(),
                d["destination.port"].as_i64(),
            ) else {
                continue;
            };
            if port < 1024 && !ip.starts_with("10.") {
                per_key
                    .entry((ip.to_owned(), agent.to_owned()))
                    .or_default()
                    .insert(port);
            }
        }
        assert!(per_key.values().any(|p| p.len() > 100), "{}", per_key.len());
    }
}
