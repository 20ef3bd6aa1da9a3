//! `STATS aggregates [BY groups]`. SEMANTICS.md §2.6:
//! - group keys are evaluated on each input row; a null key is a group of its own (spec:stats
//!   countAllGrouped, groupByNull); a multi-valued key puts the row in the group of each of its
//!   (distinct) values, and several multi-valued keys give the cross product (spec:stats sumRowMany,
//!   sumRowManyTwo, countMultiValue);
//! - aggregate arguments and per-aggregate `WHERE` filters are evaluated once per input row, on the
//!   original row, so an aggregate in an MV-keyed group sees the whole multi-value
//!   (spec:stats/statsMvConstantGroupByEval, statsAggExpressionOnMVGroupingKey);
//! - a filter keeps every group: a group whose rows all fail it gets 0 / null (aggFilteringOnGroup);
//! - without BY, empty input gives one row (COUNT 0, others null); with BY it gives none
//!   (whereNullBeforeMixedStats, whereNullBeforeGroupedStats);
//! - the output row is `outputs` evaluated on `[group values…, aggregate results…]`.
//!
//! Groups come out in order of first appearance (ES does not define an order).

use std::collections::BTreeMap;

use esql::plan::Aggregation;
use esql::{EvalError, Value};

use crate::reference::aggregates::{Accumulator, Args};
use crate::reference::expr::comparison::KeyOrd;
use crate::reference::expr::{eval, is_true};
use crate::reference::functions::mv::dedupe;
use crate::reference::{Context, Row};

/// One group: its key values and one accumulator per aggregate.
#[derive(Debug, Clone)]
pub struct Group {
    /// Key values (single values or null).
    pub key: Vec<Value>,
    /// Per aggregate, its running state.
    pub accumulators: Vec<Accumulator>,
}

/// For each group expression, the index of the first group expression identical to it. ES groups by
/// an expression once however often it is listed (`BY y, y` or `BY y, z` after `EVAL z = y`,
/// spec:stats/statsAggExpressionOnMVGroupingKeyWithAlias, evalMultipleOverridingKeys), so a repeated
/// multi-valued key does not multiply the groups.
pub fn same_as(agg: &Aggregation) -> Vec<usize> {
    agg.groups
        .iter()
        .enumerate()
        .map(|(i, g)| {
            agg.groups[..i]
                .iter()
                .position(|h| h.kind == g.kind)
                .unwrap_or(i)
        })
        .collect()
}

/// Every combination of key values a row belongs to; `same` says which keys repeat an earlier one.
pub fn key_combinations(keys: Vec<Value>, same: &[usize]) -> Vec<Vec<Value>> {
    if !keys.iter().any(Value::is_multi) {
        return vec![keys];
    }
    let mut combos: Vec<Vec<Value>> = vec![vec![]];
    for (i, k) in keys.iter().enumerate() {
        if let Some(&first) = same.get(i).filter(|&&f| f != i) {
            combos.iter_mut().for_each(|c| {
                let v = c[first].clone();
                c.push(v);
            });
            continue;
        }
        let choices = match k {
            Value::Null => vec![Value::Null],
            Value::Multi(vs) => dedupe(vs),
            single => vec![single.clone()],
        };
        combos = combos
            .into_iter()
            .flat_map(|prefix| {
                choices.iter().map(move |c| {
                    let mut p = prefix.clone();
                    p.push(c.clone());
                    p
                })
            })
            .collect();
    }
    combos
}

/// Evaluates the group keys of one row.
pub fn row_keys(agg: &Aggregation, row: &Row, ctx: &mut Context) -> Result<Vec<Value>, EvalError> {
    agg.groups.iter().map(|g| eval(g, row, ctx)).collect()
}

fn new_group(agg: &Aggregation, key: Vec<Value>) -> Result<Group, EvalError> {
    Ok(Group {
        key,
        accumulators: agg
            .aggregates
            .iter()
            .map(Accumulator::new)
            .collect::<Result<_, _>>()?,
    })
}

/// Groups rows as they arrive and feeds each group's aggregates. Groups keep their order of first
/// appearance.
#[derive(Debug)]
pub struct Grouper<'a> {
    agg: &'a Aggregation,
    same: Vec<usize>,
    groups: Vec<Group>,
    index: BTreeMap<KeyOrd, usize>,
}

impl<'a> Grouper<'a> {
    /// No rows yet (without BY, the single group already exists).
    pub fn new(agg: &'a Aggregation) -> Result<Grouper<'a>, EvalError> {
        let mut g = Grouper {
            agg,
            same: same_as(agg),
            groups: Vec::new(),
            index: BTreeMap::new(),
        };
        if agg.groups.is_empty() {
            g.groups.push(new_group(agg, vec![])?);
            g.index.insert(KeyOrd(vec![]), 0);
        }
        Ok(g)
    }

    /// Adds one input row to every group it belongs to.
    pub fn add(&mut self, row: &Row, ctx: &mut Context) -> Result<(), EvalError> {
        let agg = self.agg;
        let keys = row_keys(agg, row, ctx)?;
        // Each aggregate's arguments, or None when its filter rejects the row.
        let mut args: Vec<Option<Args>> = Vec::with_capacity(agg.aggregates.len());
        for a in &agg.aggregates {
            let passes = match &a.filter {
                Some(f) => is_true(f, row, ctx)?,
                None => true,
            };
            args.push(if passes {
                Some(
                    a.args
                        .iter()
                        .map(|e| eval(e, row, ctx))
                        .collect::<Result<_, _>>()?,
                )
            } else {
                None
            });
        }
        for key in key_combinations(keys, &self.same) {
            let key = KeyOrd(key);
            let g = match self.index.get(&key) {
                Some(&g) => g,
                None => {
                    self.groups.push(new_group(agg, key.0.clone())?);
                    self.index.insert(key, self.groups.len() - 1);
                    self.groups.len() - 1
                }
            };
            let accumulators = &mut self.groups[g].accumulators;
            for ((call, acc), a) in agg.aggregates.iter().zip(accumulators).zip(&args) {
                if let Some(a) = a {
                    acc.add(call, a)?;
                }
            }
        }
        Ok(())
    }

    /// The groups, in ES's output order: with one key, the null group first (ES's block hashes keep ordinal 0 for
    /// null) and booleans as null, false, true; otherwise order of first appearance
    /// (spec:keep/projectFromWithStatsAfterLimit expects `null, M, F` for genders seen as M, F, null).
    pub fn into_groups(self) -> Vec<Group> {
        let mut groups = self.groups;
        if self.agg.groups.len() == 1 {
            let rank = |g: &Group| match g.key.first() {
                Some(Value::Null) => 0,
                Some(Value::Boolean(false)) => 1,
                Some(Value::Boolean(true)) => 2,
                _ => 3,
            };
            groups.sort_by_key(rank);
        }
        groups
    }

    /// The output rows, one per group.
    pub fn finish(self, ctx: &mut Context) -> Result<Vec<Row>, EvalError> {
        let agg = self.agg;
        let groups = self.into_groups();
        groups.iter().map(|g| group_output(agg, g, ctx)).collect()
    }
}

/// Groups the rows and feeds each group's aggregates.
pub fn group(agg: &Aggregation, rows: &[Row], ctx: &mut Context) -> Result<Vec<Group>, EvalError> {
    let mut g = Grouper::new(agg)?;
    for row in rows {
        g.add(row, ctx)?;
    }
    Ok(g.into_groups())
}

/// The output row of one group.
pub fn group_output(agg: &Aggregation, g: &Group, ctx: &mut Context) -> Result<Row, EvalError> {
    let mut values = g.key.clone();
    for (call, acc) in agg.aggregates.iter().zip(&g.accumulators) {
        values.push(acc.finish(call, ctx)?);
    }
    agg.outputs.iter().map(|o| eval(o, &values, ctx)).collect()
}

/// Runs `STATS`.
pub fn stats(agg: &Aggregation, rows: Vec<Row>, ctx: &mut Context) -> Result<Vec<Row>, EvalError> {
    let mut g = Grouper::new(agg)?;
    for row in &rows {
        g.add(row, ctx)?;
    }
    g.finish(ctx)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// spec:stats/sumRowManyTwo: two multi-valued keys give the cross product.
    #[test]
    fn multi_valued_keys_cross_product() {
        let color = Value::Multi(vec![Value::keyword("blue"), Value::keyword("pink")]);
        let size = Value::Multi(vec![
            Value::keyword("s"),
            Value::keyword("m"),
            Value::keyword("s"),
        ]);
        let combos = key_combinations(vec![color, size, Value::Null], &[0, 1, 2]);
        assert_eq!(combos.len(), 4, "duplicates within a row count once");
        assert_eq!(
            combos[0],
            vec![Value::keyword("blue"), Value::keyword("s"), Value::Null]
        );
    }

    /// spec:keep/projectFromWithStatsAfterLimit: with one key the null group comes first, then first
    /// appearance; spec:stats countAllGrouped: null keys group together.
    #[test]
    fn single_key_groups_put_null_first() {
        use crate::reference::test_utils::{agg, col};
        use esql::DataType;
        use esql::functions::AggregateFunction;
        let aggregation = Aggregation {
            groups: vec![col(0, "gender", DataType::Keyword)],
            aggregates: vec![agg(AggregateFunction::Count, vec![], DataType::Long)],
            outputs: vec![
                col(1, "c", DataType::Long),
                col(0, "gender", DataType::Keyword),
            ],
        };
        let rows: Vec<Row> = ["M", "F", "", "M", ""]
            .iter()
            .map(|g| {
                vec![if g.is_empty() {
                    Value::Null
                } else {
                    Value::keyword(*g)
                }]
            })
            .collect();
        let mut ctx = Context::new(0);
        let out = stats(&aggregation, rows, &mut ctx).unwrap();
        assert_eq!(
            out,
            vec![
                vec![Value::Long(2), Value::Null],
                vec![Value::Long(2), Value::keyword("M")],
                vec![Value::Long(1), Value::keyword("F")],
            ]
        );
    }

    /// spec:stats/evalMultipleOverridingKeys: a key listed twice does not multiply the groups.
    #[test]
    fn repeated_key_expressions_share_values() {
        let y = Value::Multi(vec![
            Value::Integer(1),
            Value::Integer(2),
            Value::Integer(3),
        ]);
        let combos = key_combinations(vec![y.clone(), Value::Integer(1), y], &[0, 1, 0]);
        assert_eq!(combos.len(), 3);
        assert_eq!(
            combos[1],
            vec![Value::Integer(2), Value::Integer(1), Value::Integer(2)]
        );
    }
}
