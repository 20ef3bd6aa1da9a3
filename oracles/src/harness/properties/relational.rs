//! Metamorphic properties of filters, projections and sorting: ternary logic partitioning, AND
//! splitting, KEEP of a permutation, and `SORT | LIMIT k` as the top k of the full sort.

use esql::Value;

use super::super::compare::{
    OutputKey, effective, key_sequence, multiset, row_key, terminal_sort_keys,
};
use super::super::query::literal::name;
use super::{Failure, Report, Runner, skipped};
use crate::harness::compare::Outcome;
use esql::{Evaluator, ResultTable};

fn ok<'o>(run: &Runner<'_>, label: &str, o: &'o Outcome) -> Result<&'o ResultTable, Failure> {
    o.as_ref()
        .map_err(|e| run.fail(format!("{label} failed to evaluate: {e}")))
}

/// A warning without its `Line L:C: ` prefix (derived queries place the same expression elsewhere).
fn strip_position(w: &str) -> String {
    match w.strip_prefix("Line ").and_then(|r| r.split_once(": ")) {
        Some((pos, rest)) if pos.contains(':') => rest.to_owned(),
        _ => w.to_owned(),
    }
}

fn stripped(t: &ResultTable) -> Vec<String> {
    t.warnings.iter().map(|w| strip_position(w)).collect()
}

/// `Q` = `Q | WHERE p` ⊎ `Q | WHERE NOT (p)` ⊎ `Q | WHERE (p) IS NULL`, and the three derived queries
/// warn alike (the same rows meet the same failing sub-expressions of `p`).
pub(super) fn partition(
    run: &mut Runner<'_>,
    ev: &dyn Evaluator,
    p: &str,
) -> Result<Report, Failure> {
    let q = run.case.query.clone();
    let texts = [
        q.clone(),
        format!("{q} | WHERE {p}"),
        format!("{q} | WHERE NOT ({p})"),
        format!("{q} | WHERE ({p}) IS NULL"),
    ];
    let mut prepared = Vec::new();
    for t in &texts {
        match run.prepare(t) {
            Ok(p) => prepared.push(p),
            Err(s) => return Ok(skipped(s)),
        }
    }
    let labels = ["all", "true", "false", "null"];
    let outs: Vec<Outcome> = prepared
        .iter()
        .zip(labels)
        .map(|(p, l)| run.run(l, p, ev))
        .collect();
    let all = ok(run, "the base query", &outs[0])?;
    let t = ok(run, "WHERE p", &outs[1])?;
    let f = ok(run, "WHERE NOT p", &outs[2])?;
    let n = ok(run, "WHERE p IS NULL", &outs[3])?;
    let mut union = multiset(&t.rows);
    for part in [&f.rows, &n.rows] {
        for (k, c) in multiset(part) {
            *union.entry(k).or_insert(0) += c;
        }
    }
    if union != multiset(&all.rows) {
        return Err(run.fail(format!(
            "the partitions hold {}+{}+{} rows and do not make up the {} rows of the base query",
            t.rows.len(),
            f.rows.len(),
            n.rows.len(),
            all.rows.len()
        )));
    }
    if stripped(t) != stripped(f) || stripped(t) != stripped(n) {
        return Err(run.fail("the three partitions warn differently"));
    }
    Ok(Report {
        skipped: None,
        base_rows: all.rows.len(),
        selected_rows: Some(t.rows.len()),
        order_freedom: None,
    })
}

/// `Q | WHERE (a) AND (b)` keeps the rows of `Q | WHERE a | WHERE b`, in the same order.
pub(super) fn and_split(
    run: &mut Runner<'_>,
    ev: &dyn Evaluator,
    a: &str,
    b: &str,
) -> Result<Report, Failure> {
    let q = run.case.query.clone();
    let both = match run.prepare(&format!("{q} | WHERE ({a}) AND ({b})")) {
        Ok(p) => p,
        Err(s) => return Ok(skipped(s)),
    };
    let split = match run.prepare(&format!("{q} | WHERE {a} | WHERE {b}")) {
        Ok(p) => p,
        Err(s) => return Ok(skipped(s)),
    };
    let x = run.run("and", &both, ev);
    let y = run.run("split", &split, ev);
    let (x, y) = (
        ok(run, "WHERE a AND b", &x)?,
        ok(run, "WHERE a | WHERE b", &y)?,
    );
    if x.columns != y.columns {
        return Err(run.fail("the columns differ"));
    }
    let keys = |t: &ResultTable| t.rows.iter().map(|r| row_key(r)).collect::<Vec<_>>();
    if keys(x) != keys(y) {
        return Err(run.fail(format!(
            "WHERE a AND b keeps {} rows, WHERE a | WHERE b keeps {}, or in another order",
            x.rows.len(),
            y.rows.len()
        )));
    }
    Ok(Report {
        skipped: None,
        base_rows: x.rows.len(),
        selected_rows: Some(x.rows.len()),
        order_freedom: None,
    })
}

/// `Q | KEEP c1, …, ck` has columns `c1…ck` and, row by row, their values in `Q`.
pub(super) fn keep_permutation(
    run: &mut Runner<'_>,
    ev: &dyn Evaluator,
    columns: &[String],
) -> Result<Report, Failure> {
    let q = run.case.query.clone();
    let base = match run.prepare(&q) {
        Ok(p) => p,
        Err(s) => return Ok(skipped(s)),
    };
    let list: Vec<String> = columns.iter().map(|c| name(c)).collect();
    let kept = match run.prepare(&format!("{q} | KEEP {}", list.join(", "))) {
        Ok(p) => p,
        Err(s) => return Ok(skipped(s)),
    };
    let x = run.run("base", &base, ev);
    let y = run.run("kept", &kept, ev);
    let (x, y) = (ok(run, "the base query", &x)?, ok(run, "KEEP", &y)?);
    let mut idx = Vec::new();
    for c in columns {
        match x.columns.iter().position(|b| &b.name == c) {
            Some(i) => idx.push(i),
            None => return Err(run.fail(format!("column {c} is not in the base result"))),
        }
    }
    let want_cols: Vec<_> = idx.iter().map(|i| x.columns[*i].clone()).collect();
    if y.columns != want_cols {
        return Err(run.fail("KEEP returned other columns or another column order"));
    }
    let want: Vec<String> = x
        .rows
        .iter()
        .map(|r| row_key(&idx.iter().map(|i| r[*i].clone()).collect::<Vec<_>>()))
        .collect();
    let got: Vec<String> = y.rows.iter().map(|r| row_key(r)).collect();
    if want != got {
        return Err(run.fail("KEEP changed the values or the order of the rows"));
    }
    if x.warnings != y.warnings {
        return Err(run.fail("KEEP changed the warnings"));
    }
    Ok(Report {
        skipped: None,
        base_rows: x.rows.len(),
        selected_rows: None,
        order_freedom: None,
    })
}

/// Compares two effective key values in SORT order (`None` = null).
fn key_order(a: &Value, b: &Value, k: &OutputKey) -> std::cmp::Ordering {
    use std::cmp::Ordering::*;
    match (a.is_null(), b.is_null()) {
        (true, true) => Equal,
        (true, false) => {
            if k.nulls_first {
                Less
            } else {
                Greater
            }
        }
        (false, true) => {
            if k.nulls_first {
                Greater
            } else {
                Less
            }
        }
        (false, false) => {
            let o = a.compare(b).unwrap_or(Equal);
            if k.descending { o.reverse() } else { o }
        }
    }
}

/// `Q | SORT keys` is sorted, and `Q | SORT keys | LIMIT k` is its first k rows up to ties: the same key
/// sequence, the same rows in every tie group inside the prefix, and rows of the boundary group.
pub(super) fn sort_limit(
    run: &mut Runner<'_>,
    ev: &dyn Evaluator,
    keys: &str,
    limit: usize,
) -> Result<Report, Failure> {
    let q = run.case.query.clone();
    let full = match run.prepare(&format!("{q} | SORT {keys}")) {
        Ok(p) => p,
        Err(s) => return Ok(skipped(s)),
    };
    let lim = match run.prepare(&format!("{q} | SORT {keys} | LIMIT {limit}")) {
        Ok(p) => p,
        Err(s) => return Ok(skipped(s)),
    };
    let Some(out_keys) = terminal_sort_keys(&full.plan) else {
        return Ok(skipped(super::Skip(
            "sort keys are not plain columns".into(),
        )));
    };
    let x = run.run("sorted", &full, ev);
    let y = run.run("limited", &lim, ev);
    let (x, y) = (ok(run, "SORT", &x)?, ok(run, "SORT | LIMIT", &y)?);
    // The full result is sorted.
    for w in x.rows.windows(2) {
        for k in &out_keys {
            let a = effective(&w[0][k.column], k.descending);
            let b = effective(&w[1][k.column], k.descending);
            match key_order(&a, &b, k) {
                std::cmp::Ordering::Less => break,
                std::cmp::Ordering::Equal => continue,
                std::cmp::Ordering::Greater => {
                    return Err(run.fail(format!("SORT output is not sorted: {a:?} before {b:?}")));
                }
            }
        }
    }
    let m = y.rows.len();
    if m != limit.min(x.rows.len()) {
        return Err(run.fail(format!(
            "LIMIT {limit} returned {m} rows of {}",
            x.rows.len()
        )));
    }
    let kx = key_sequence(&x.rows, &out_keys);
    let ky = key_sequence(&y.rows, &out_keys);
    if kx[..m] != ky[..] {
        return Err(run.fail("the limited rows have other sort keys than the top of the full sort"));
    }
    // Tie groups: equal multisets inside the prefix; a subset at the boundary.
    let mut start = 0;
    while start < m {
        let mut end = start + 1;
        while end < kx.len() && kx[end] == kx[start] {
            end += 1;
        }
        let got = multiset(&y.rows[start..end.min(m)]);
        let full_group = multiset(&x.rows[start..end]);
        let fits = if end <= m {
            got == full_group
        } else {
            got.iter()
                .all(|(r, c)| full_group.get(r).is_some_and(|n| n >= c))
        };
        if !fits {
            return Err(run.fail(format!("rows {start}..{end} (one tie group) differ")));
        }
        start = end;
    }
    Ok(Report {
        skipped: None,
        base_rows: x.rows.len(),
        selected_rows: Some(m),
        order_freedom: None,
    })
}
