//! VALUES, MIN and MAX finished straight from a group's interned keyword ids.
//!
//! Oracle twin: the reference's VALUES (distinct values sorted ascending; one value alone, none as
//! null), MIN and MAX (the least/greatest value) — and the engine's general path, `finish::finish`,
//! over the same values. Invariant: for an id set whose values are all keywords (distinct by the
//! interner's invariant), the result equals `finish::finish` over those values: keywords compare by
//! their UTF-8 bytes, which is `str`'s order, so the strings are sorted (or the extreme taken) without
//! building a `Value` per element first. Sets holding any other kind return `None` (general path).

use esql::Value;
use esql::functions::AggregateFunction;

use super::interner::Interner;

/// The result of `function` over the distinct values `ids`, when it is VALUES, MIN or MAX and every
/// value is a keyword; `None` otherwise.
pub fn keyword_result(
    function: AggregateFunction,
    interner: &Interner,
    ids: &[u32],
) -> Option<Value> {
    if !matches!(
        function,
        AggregateFunction::Values | AggregateFunction::Min | AggregateFunction::Max
    ) {
        return None;
    }
    let keyword = |s: &str| Value::Keyword(s.to_owned());
    // Most groups hold one or two values: no intermediate vector for those.
    match ids {
        [] => return Some(Value::Null),
        [a] => return Some(keyword(interner.str_of(*a)?)),
        [a, b] => {
            let (a, b) = (interner.str_of(*a)?, interner.str_of(*b)?);
            let (lo, hi) = if b < a { (b, a) } else { (a, b) };
            return Some(match function {
                AggregateFunction::Min => keyword(lo),
                AggregateFunction::Max => keyword(hi),
                _ => Value::Multi(vec![keyword(lo), keyword(hi)]),
            });
        }
        _ => {}
    }
    let mut strs: Vec<&str> = Vec::with_capacity(ids.len());
    for &id in ids {
        strs.push(interner.str_of(id)?);
    }
    Some(match function {
        AggregateFunction::Min => strs.iter().min().map_or(Value::Null, |s| keyword(s)),
        AggregateFunction::Max => strs.iter().max().map_or(Value::Null, |s| keyword(s)),
        _ => {
            strs.sort_unstable();
            Value::Multi(strs.into_iter().map(keyword).collect())
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::aggregates::finish::finish;
    use crate::engine::synthetic::Rng;
    use esql::Warnings;

    #[test]
    fn agrees_with_the_general_finish() {
        let plan = esql::analyze(
            &esql::parse(
                "FROM logs-endpoint.events.process-* | STATS v = VALUES(host.name), \
                 lo = MIN(host.name), hi = MAX(host.name), c = COUNT(host.name)",
            )
            .unwrap(),
            &esql::Catalog::elastic_defend(),
        )
        .unwrap();
        let esql::plan::StepKind::Stats(agg) = &plan.steps[0].kind else {
            panic!("a STATS step");
        };
        let words = [
            "",
            "a",
            "B",
            "b",
            "ab",
            "a\u{e9}",
            "\u{e9}",
            "z",
            "\u{1f600}",
            "Z9",
            "a b",
            "\u{ff}",
        ];
        let mut interner = Interner::new();
        let ids: Vec<u32> = words.iter().map(|w| interner.intern_str(w)).collect();
        let mut rng = Rng::new(11);
        for round in 0..400 {
            let n = round % 7;
            let mut set: Vec<u32> = Vec::new();
            while set.len() < n {
                let id = ids[rng.below(ids.len())];
                if !set.contains(&id) {
                    set.push(id);
                }
            }
            for call in &agg.aggregates {
                let items: Vec<Vec<Value>> =
                    set.iter().map(|&id| vec![interner.value(id)]).collect();
                let mut w = Warnings::new();
                let want = finish(call, &items, &mut w).unwrap();
                match keyword_result(call.function, &interner, &set) {
                    Some(got) => assert_eq!(got, want, "{} over {set:?}", call.text),
                    None => assert_eq!(call.function, AggregateFunction::Count),
                }
            }
        }
        // Any other kind of value: the general path.
        let long = interner.intern(&Value::Long(3));
        assert_eq!(
            keyword_result(AggregateFunction::Values, &interner, &[ids[1], long]),
            None
        );
    }
}
