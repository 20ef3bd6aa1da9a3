//! Metamorphic properties of aggregation: STATS over shards merged equals STATS over the whole (for
//! COUNT, integer SUM, MIN, MAX and VALUES), and `MV_EXPAND x | STATS COUNT(*)` equals the sum of
//! `COALESCE(MV_COUNT(x), 1)`.

use std::collections::{BTreeMap, BTreeSet};

use esql::{Evaluator, MemorySource, ResultTable, Value};

use super::super::case::MergeableAgg;
use super::super::compare::row_key;
use super::super::query::literal::name;
use super::{Failure, Report, Runner, metamorphic_options, skipped, stats_text};

/// Deals the case's indexed documents round-robin (per index) into `n` sources.
fn shard_sources(run: &Runner<'_>, n: usize) -> Vec<MemorySource> {
    let catalog = run.built.source.clone();
    let mut out: Vec<MemorySource> = (0..n)
        .map(|_| {
            let mut s = MemorySource::new();
            for (name, m) in esql::DataSource::catalog(&catalog).indices {
                s.add_index(name, m);
            }
            s
        })
        .collect();
    for docs in run.built.documents.values() {
        for (i, d) in docs.iter().enumerate() {
            // Every index was added above, so the push cannot fail.
            let _ = out[i % n].push(d.clone());
        }
    }
    out
}

/// Per group key (the BY values), the aggregate values.
fn groups(t: &ResultTable, n_aggs: usize) -> BTreeMap<String, Vec<Value>> {
    t.rows
        .iter()
        .map(|r| (row_key(&r[n_aggs..]), r[..n_aggs].to_vec()))
        .collect()
}

fn as_i128(v: &Value) -> Option<i128> {
    match v {
        Value::Integer(i) => Some(i128::from(*i)),
        Value::Long(i) => Some(i128::from(*i)),
        _ => None,
    }
}

fn value_set(v: &Value) -> BTreeSet<String> {
    v.values().iter().map(|x| format!("{x:?}")).collect()
}

/// Merges partial aggregate values of one kind; `None` when the merge is undefined (an overflowed sum).
fn merge(kind: MergeableAgg, parts: &[Value]) -> Option<Value> {
    match kind {
        MergeableAgg::CountAll | MergeableAgg::Count => Some(Value::Long(
            parts.iter().filter_map(as_i128).sum::<i128>() as i64,
        )),
        MergeableAgg::Sum => {
            let vals: Vec<i128> = parts.iter().filter_map(as_i128).collect();
            if vals.is_empty() {
                return Some(Value::Null);
            }
            i64::try_from(vals.iter().sum::<i128>())
                .ok()
                .map(Value::Long)
        }
        MergeableAgg::Min | MergeableAgg::Max => {
            let want = if kind == MergeableAgg::Min {
                std::cmp::Ordering::Less
            } else {
                std::cmp::Ordering::Greater
            };
            let best = parts
                .iter()
                .filter(|v| !v.is_null())
                .fold(None::<&Value>, |b, x| match b {
                    Some(b) if x.compare(b) != Some(want) => Some(b),
                    _ => Some(x),
                });
            Some(best.cloned().unwrap_or(Value::Null))
        }
        MergeableAgg::Values => Some(Value::Null), // compared as sets below
    }
}

pub(super) fn sharded_stats(
    run: &mut Runner<'_>,
    ev: &dyn Evaluator,
    aggregates: &[(String, MergeableAgg, String)],
    by: &[String],
    shards: usize,
) -> Result<Report, Failure> {
    let text = format!("{} | {}", run.case.query, stats_text(aggregates, by));
    let p = match run.prepare(&text) {
        Ok(p) => p,
        Err(s) => return Ok(skipped(s)),
    };
    let whole = run.run("whole", &p, ev);
    let whole = whole.map_err(|e| run.fail(format!("STATS over the whole failed: {e}")))?;
    let n = aggregates.len();
    let sources = shard_sources(run, shards.max(1));
    let mut parts = Vec::new();
    for (i, s) in sources.iter().enumerate() {
        let out = run.run_on(&format!("shard {i}"), &p, ev, s, &metamorphic_options());
        parts.push(out.map_err(|e| run.fail(format!("STATS over shard {i} failed: {e}")))?);
    }
    let overflow = std::iter::once(&whole)
        .chain(&parts)
        .any(|t| t.warnings.iter().any(|w| w.contains("overflow")));
    let want = groups(&whole, n);
    let mut merged: BTreeMap<String, Vec<Vec<Value>>> = BTreeMap::new();
    for t in &parts {
        for (k, v) in groups(t, n) {
            merged.entry(k).or_default().push(v);
        }
    }
    if by.is_empty() {
        // Without BY every shard returns one row, even when empty; so does the whole.
        if want.len() != 1 || merged.values().map(Vec::len).sum::<usize>() != parts.len() {
            return Err(run.fail("STATS without BY must return exactly one row"));
        }
    } else if want.keys().ne(merged.keys()) {
        return Err(run.fail(format!(
            "the shards have {} groups, the whole {}",
            merged.len(),
            want.len()
        )));
    }
    for (key, whole_vals) in &want {
        let shard_vals = merged.get(key).cloned().unwrap_or_default();
        for (j, (col, kind, _)) in aggregates.iter().enumerate() {
            let partials: Vec<Value> = shard_vals.iter().map(|v| v[j].clone()).collect();
            let ok = match kind {
                MergeableAgg::Values => {
                    let union: BTreeSet<String> = partials.iter().flat_map(value_set).collect();
                    union == value_set(&whole_vals[j])
                }
                MergeableAgg::Sum if overflow => true,
                _ => match merge(*kind, &partials) {
                    Some(m) => row_key(&[m]) == row_key(&[whole_vals[j].clone()]),
                    None => false,
                },
            };
            if !ok {
                return Err(run.fail(format!(
                    "{col} ({}) of group {key}: whole {:?}, shards {:?}",
                    kind.key(),
                    whole_vals[j],
                    partials
                )));
            }
        }
    }
    Ok(Report {
        skipped: None,
        base_rows: whole.rows.len(),
        selected_rows: None,
        order_freedom: None,
    })
}

pub(super) fn mv_expand_count(
    run: &mut Runner<'_>,
    ev: &dyn Evaluator,
    column: &str,
) -> Result<Report, Failure> {
    let q = run.case.query.clone();
    let c = name(column);
    let expanded = match run.prepare(&format!("{q} | MV_EXPAND {c} | STATS mvx_n = COUNT(*)")) {
        Ok(p) => p,
        Err(s) => return Ok(skipped(s)),
    };
    let counted = match run.prepare(&format!(
        "{q} | EVAL mvx_m = COALESCE(MV_COUNT({c}), 1) | STATS mvx_s = SUM(mvx_m)"
    )) {
        Ok(p) => p,
        Err(s) => return Ok(skipped(s)),
    };
    let x = run.run("expanded", &expanded, ev);
    let y = run.run("counted", &counted, ev);
    let x = x.map_err(|e| run.fail(format!("MV_EXPAND | STATS failed: {e}")))?;
    let y = y.map_err(|e| run.fail(format!("EVAL MV_COUNT | STATS failed: {e}")))?;
    let n = x.rows.first().and_then(|r| r.first()).and_then(as_i128);
    let s = y
        .rows
        .first()
        .and_then(|r| r.first())
        .cloned()
        .unwrap_or(Value::Null);
    let agree = match (&n, &s) {
        (Some(n), Value::Null) => *n == 0,
        (Some(n), v) => as_i128(v) == Some(*n),
        _ => false,
    };
    if !agree {
        return Err(run.fail(format!(
            "MV_EXPAND gives {n:?} rows, the MV_COUNT sum is {s:?}"
        )));
    }
    Ok(Report {
        skipped: None,
        base_rows: n.unwrap_or(0) as usize,
        selected_rows: None,
        order_freedom: None,
    })
}
