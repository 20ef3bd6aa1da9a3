//! What a query guarantees about its result's order, and which columns identify a row — read from
//! the query's AST.
//!
//! - **Order**: Elasticsearch returns rows in a defined order only after a SORT that no later
//!   reordering command (STATS, INLINE STATS, MV_EXPAND, FORK, JOIN, ENRICH, …) undoes; rows equal on
//!   every sort key (ties) come in any order. The sort keys that are plain fields kept in the output
//!   under their own name (not reassigned by a later EVAL, RENAME, DISSECT or GROK) are usable; keys
//!   after the first unusable one are dropped, which only makes the order coarser, never wrong.
//! - **Row identity**: the BY columns of the last STATS, else `_id` when the output has it.

use esql::ast::{Expr, ExprKind, ProcessingCommand, Query};

/// What the comparison may rely on.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct QueryShape {
    /// Output columns rows are ordered by (a prefix of the final SORT's keys); empty: no order.
    pub sort_columns: Vec<String>,
    /// Output columns that identify a row (pairing changed rows); empty: none.
    pub key_columns: Vec<String>,
}

fn field_name(e: &Expr) -> Option<String> {
    match &e.kind {
        ExprKind::Field(q) => q.dotted(),
        ExprKind::Paren(x) => field_name(x),
        _ => None,
    }
}

/// Names a command after the SORT (re)assigns.
fn assigned(c: &ProcessingCommand) -> Vec<String> {
    match c {
        ProcessingCommand::Eval(e) => e
            .fields
            .iter()
            .filter_map(|f| f.name.as_ref().and_then(|n| n.dotted()))
            .collect(),
        ProcessingCommand::Rename(r) => r
            .clauses
            .iter()
            .flat_map(|c| [c.old.pattern_text(), c.new.pattern_text()])
            .flatten()
            .collect(),
        // DISSECT and GROK add columns named by their patterns: treat every key as possibly hit.
        ProcessingCommand::Dissect(_) | ProcessingCommand::Grok(_) => vec!["*".into()],
        _ => Vec::new(),
    }
}

/// Whether a command keeps the order of its input rows.
fn keeps_order(c: &ProcessingCommand) -> bool {
    matches!(
        c,
        ProcessingCommand::Where(_)
            | ProcessingCommand::Eval(_)
            | ProcessingCommand::Keep(_)
            | ProcessingCommand::Drop(_)
            | ProcessingCommand::Rename(_)
            | ProcessingCommand::Limit(_)
            | ProcessingCommand::Dissect(_)
            | ProcessingCommand::Grok(_)
    )
}

impl QueryShape {
    /// The shape of `query`, whose result has the columns `output`.
    pub fn of(query: &Query, output: &[String]) -> QueryShape {
        let has = |n: &str| output.iter().any(|c| c == n);
        let mut sort_columns = Vec::new();
        if let Some(s) = query
            .commands
            .iter()
            .rposition(|c| matches!(c, ProcessingCommand::Sort(_)))
            && query.commands[s + 1..].iter().all(keeps_order)
            && let ProcessingCommand::Sort(sort) = &query.commands[s]
        {
            let later: Vec<String> = query.commands[s + 1..].iter().flat_map(assigned).collect();
            for key in &sort.keys {
                match field_name(&key.expr) {
                    Some(n) if has(&n) && !later.iter().any(|l| *l == n || l == "*") => {
                        sort_columns.push(n)
                    }
                    _ => break,
                }
            }
        }
        let mut key_columns = Vec::new();
        if let Some(ProcessingCommand::Stats(stats)) = query
            .commands
            .iter()
            .rev()
            .find(|c| matches!(c, ProcessingCommand::Stats(_)))
        {
            let names: Vec<Option<String>> = stats
                .groups
                .iter()
                .map(|g| {
                    g.name
                        .as_ref()
                        .and_then(|n| n.dotted())
                        .or_else(|| field_name(&g.expr))
                })
                .collect();
            if !names.is_empty() && names.iter().all(|n| n.as_deref().is_some_and(has)) {
                key_columns = names.into_iter().flatten().collect();
            }
        } else if has("_id") {
            key_columns.push("_id".to_owned());
        }
        QueryShape {
            sort_columns,
            key_columns,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape(q: &str, out: &[&str]) -> QueryShape {
        let out: Vec<String> = out.iter().map(|s| s.to_string()).collect();
        QueryShape::of(&esql::parse(q).unwrap(), &out)
    }

    #[test]
    fn order_comes_from_the_last_sort_not_undone() {
        let s = shape("from a | sort x desc, y | keep x, y", &["x", "y"]);
        assert_eq!(s.sort_columns, ["x", "y"]);
        let s = shape("from a | sort x, y | eval y = 1", &["x", "y"]);
        assert_eq!(s.sort_columns, ["x"]);
        let s = shape("from a | sort x | stats c = count() by x", &["c", "x"]);
        assert!(s.sort_columns.is_empty());
        assert_eq!(s.key_columns, ["x"]);
        let s = shape("from a | sort abs(x), y", &["x", "y"]);
        assert!(s.sort_columns.is_empty());
    }

    #[test]
    fn keys_are_stats_groups_or_id() {
        let s = shape(
            "from a | stats n = count() by g = host.name, file.path | where n < 5",
            &["n", "g", "file.path"],
        );
        assert_eq!(s.key_columns, ["g", "file.path"]);
        let s = shape("from a metadata _id | keep _id, x", &["_id", "x"]);
        assert_eq!(s.key_columns, ["_id"]);
        let s = shape("from a | stats n = count()", &["n"]);
        assert!(s.key_columns.is_empty());
    }
}
