//! STATS and INLINE STATS over rows (the post-aggregation tail and the row-wise fallback).
//!
//! Each row evaluates its keys, then per aggregate its WHERE filter and (if it passes) its arguments; it
//! joins the group of every combination of its key values (multi-valued keys: each distinct value; a
//! null key is a group of its own; a BY key that is a copy of an earlier one takes the same value).
//! Groups come out in first-occurrence order, except that a single BY key puts null, then false, then
//! true first (ES's boolean/null block order). Output expressions are evaluated on
//! `[keys…, aggregate results…]`.

use std::collections::BTreeMap;

use esql::plan::Aggregation;
use esql::{EvalError, Value};

use super::{Row, project_owned};
use crate::engine::aggregates::finish::finish;
use crate::engine::scalar::order::{Keyed, dedupe};
use crate::engine::scalar::{Scope, eval, is_true};

struct Group {
    key: Vec<Value>,
    /// Per aggregate, the argument rows of accepted input rows.
    items: Vec<Vec<Vec<Value>>>,
}

/// Groups rows for one aggregation.
pub struct Grouper<'a> {
    agg: &'a Aggregation,
    /// For each BY key, the first key with the same expression.
    same: Vec<usize>,
    groups: Vec<Group>,
    index: BTreeMap<Keyed, usize>,
}

impl<'a> Grouper<'a> {
    /// An empty grouping (one empty-key group when there is no BY).
    pub fn new(agg: &'a Aggregation) -> Grouper<'a> {
        let same = agg
            .groups
            .iter()
            .enumerate()
            .map(|(i, g)| {
                agg.groups[..i]
                    .iter()
                    .position(|h| h.kind == g.kind)
                    .unwrap_or(i)
            })
            .collect();
        let mut g = Grouper {
            agg,
            same,
            groups: Vec::new(),
            index: BTreeMap::new(),
        };
        if agg.groups.is_empty() {
            g.group_of(Vec::new());
        }
        g
    }

    fn group_of(&mut self, key: Vec<Value>) -> usize {
        let k = Keyed(key);
        if let Some(&g) = self.index.get(&k) {
            return g;
        }
        self.groups.push(Group {
            key: k.0.clone(),
            items: vec![Vec::new(); self.agg.aggregates.len()],
        });
        self.index.insert(k, self.groups.len() - 1);
        self.groups.len() - 1
    }

    /// Every combination of the row's key values.
    fn combinations(&self, keys: Vec<Value>) -> Vec<Vec<Value>> {
        if !keys.iter().any(Value::is_multi) {
            return vec![keys];
        }
        let mut combos: Vec<Vec<Value>> = vec![Vec::new()];
        for (i, k) in keys.iter().enumerate() {
            let first = self.same[i];
            if first != i {
                for c in combos.iter_mut() {
                    let v = c[first].clone();
                    c.push(v);
                }
                continue;
            }
            let choices = match k {
                Value::Multi(vs) => dedupe(vs),
                single => vec![single.clone()],
            };
            let mut next = Vec::with_capacity(combos.len() * choices.len());
            for c in &combos {
                for v in &choices {
                    let mut p = c.clone();
                    p.push(v.clone());
                    next.push(p);
                }
            }
            combos = next;
        }
        combos
    }

    /// Adds one row.
    pub fn add(&mut self, row: &[Value], s: &mut Scope<'_>) -> Result<(), EvalError> {
        let agg = self.agg;
        let mut keys = Vec::with_capacity(agg.groups.len());
        for g in &agg.groups {
            keys.push(eval(g, row, s)?);
        }
        let mut args: Vec<Option<Vec<Value>>> = Vec::with_capacity(agg.aggregates.len());
        for a in &agg.aggregates {
            let pass = match &a.filter {
                Some(f) => is_true(f, row, s)?,
                None => true,
            };
            args.push(if pass {
                let mut v = Vec::with_capacity(a.args.len());
                for e in &a.args {
                    v.push(eval(e, row, s)?);
                }
                Some(v)
            } else {
                None
            });
        }
        for key in self.combinations(keys) {
            let g = self.group_of(key);
            for (items, a) in self.groups[g].items.iter_mut().zip(&args) {
                if let Some(a) = a {
                    items.push(a.clone());
                }
            }
        }
        Ok(())
    }

    /// The groups in output order, each with its output row.
    fn outputs(self, s: &mut Scope<'_>) -> Result<Vec<(Vec<Value>, Row)>, EvalError> {
        let agg = self.agg;
        let mut groups = self.groups;
        if agg.groups.len() == 1 {
            groups.sort_by_key(|g| match g.key.first() {
                Some(Value::Null) => 0,
                Some(Value::Boolean(false)) => 1,
                Some(Value::Boolean(true)) => 2,
                _ => 3,
            });
        }
        let mut out = Vec::with_capacity(groups.len());
        for g in groups {
            let mut values = g.key.clone();
            for (call, items) in agg.aggregates.iter().zip(&g.items) {
                values.push(finish(call, items, s.warnings)?);
            }
            let mut row = Vec::with_capacity(agg.outputs.len());
            for o in &agg.outputs {
                row.push(eval(o, &values, s)?);
            }
            out.push((g.key, row));
        }
        Ok(out)
    }

    /// The output rows.
    pub fn finish(self, s: &mut Scope<'_>) -> Result<Vec<Row>, EvalError> {
        Ok(self.outputs(s)?.into_iter().map(|(_, r)| r).collect())
    }
}

/// INLINE STATS: every row kept, extended with its group's outputs, then projected.
pub fn inline_stats(
    agg: &Aggregation,
    projection: &[usize],
    rows: Vec<Row>,
    s: &mut Scope<'_>,
) -> Result<Vec<Row>, EvalError> {
    let mut g = Grouper::new(agg);
    for r in &rows {
        g.add(r, s)?;
    }
    let by_key: BTreeMap<Keyed, Row> = g
        .outputs(s)?
        .into_iter()
        .map(|(k, r)| (Keyed(k), r))
        .collect();
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let mut keys = Vec::with_capacity(agg.groups.len());
        for e in &agg.groups {
            keys.push(eval(e, &row, s)?);
        }
        if keys.iter().any(Value::is_multi) {
            return Err(EvalError::Unsupported(
                "INLINE STATS with a multi-valued grouping key".into(),
            ));
        }
        let extra = by_key
            .get(&Keyed(keys))
            .ok_or_else(|| EvalError::Internal("INLINE STATS row without a group".into()))?;
        let mut ext = row;
        ext.extend(extra.iter().cloned());
        out.push(project_owned(ext, projection)?);
    }
    Ok(out)
}
