//! The columns visible to a command during analysis, and ES's "did you mean" suggestions.

use crate::DataType;
use crate::plan::{Column, Schema};

/// One column in scope.
#[derive(Debug, Clone, PartialEq)]
pub struct Attr {
    /// Column name.
    pub name: String,
    /// Its type (`Unsupported` for unusable index fields).
    pub data_type: DataType,
    /// Set when the column may be listed but not used in an expression: ES's message for a reference.
    pub unusable: Option<String>,
    /// True when the column comes from an expression that failed analysis: references to it fail
    /// silently (the root cause is already reported).
    pub failed: bool,
    /// The column's value when EVAL or ROW computed it from constants (used to fold LIKE patterns).
    pub constant: Option<crate::Value>,
    /// Identity of the column's values: equal for a column and its copies (`EVAL z = y`, RENAME),
    /// which ES's optimizer treats as one attribute (spec:stats/statsAggExpressionOnMVGroupingKeyWithAlias).
    pub id: u64,
}

/// A fresh column identity (only compared for equality within one analysis).
pub fn fresh_id() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

impl Attr {
    /// A usable column.
    pub fn new(name: impl Into<String>, data_type: DataType) -> Attr {
        Attr {
            name: name.into(),
            data_type,
            unusable: None,
            failed: false,
            constant: None,
            id: fresh_id(),
        }
    }

    /// A column whose defining expression failed analysis.
    pub fn failed(name: impl Into<String>) -> Attr {
        Attr {
            name: name.into(),
            data_type: DataType::Null,
            unusable: None,
            failed: true,
            constant: None,
            id: fresh_id(),
        }
    }
}

/// Ordered columns with unique names.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Scope {
    /// The columns, in order.
    pub attrs: Vec<Attr>,
}

impl Scope {
    /// The index of the column named `name`.
    pub fn index_of(&self, name: &str) -> Option<usize> {
        self.attrs.iter().rposition(|a| a.name == name)
    }

    /// The plan schema of these columns.
    pub fn schema(&self) -> Schema {
        Schema::new(
            self.attrs
                .iter()
                .map(|a| Column::new(a.name.clone(), a.data_type))
                .collect(),
        )
    }

    /// ES's `Unknown column [x]` message with suggestions from the usable columns.
    pub fn unknown_column(&self, name: &str) -> String {
        let names: Vec<&str> = self
            .attrs
            .iter()
            .filter(|a| a.unusable.is_none())
            .map(|a| a.name.as_str())
            .collect();
        unknown_message("Unknown column", name, &names)
    }
}

/// `<what> [name]` plus ES's `, did you mean [x]?` / `, did you mean any of [a, b]?` suggestions.
pub fn unknown_message(what: &str, name: &str, candidates: &[&str]) -> String {
    let similar = find_similar(name, candidates);
    let mut msg = format!("{what} [{name}]");
    match similar.len() {
        0 => {}
        1 => msg.push_str(&format!(", did you mean [{}]?", similar[0])),
        _ => msg.push_str(&format!(", did you mean any of [{}]?", similar.join(", "))),
    }
    msg
}

/// ES's `StringUtils.findSimilar`: candidates whose Levenshtein similarity (Lucene's
/// `1 - distance / max(len)`) is at least 0.5, best first; ties keep alphabetical order.
pub fn find_similar(name: &str, candidates: &[&str]) -> Vec<String> {
    let mut sorted: Vec<&str> = candidates.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    let mut scored: Vec<(f32, &str)> = sorted
        .into_iter()
        .map(|c| (similarity(name, c), c))
        .filter(|(s, _)| *s >= 0.5)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    scored.into_iter().map(|(_, c)| c.to_owned()).collect()
}

fn similarity(a: &str, b: &str) -> f32 {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.is_empty() || b.is_empty() {
        return if a.len() == b.len() { 1.0 } else { 0.0 };
    }
    let mut prev: Vec<usize> = (0..=a.len()).collect();
    let mut cur = vec![0; a.len() + 1];
    for (j, cb) in b.iter().enumerate() {
        cur[0] = j + 1;
        for (i, ca) in a.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur[i + 1] = (cur[i] + 1).min(prev[i + 1] + 1).min(prev[i] + cost);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    1.0 - prev[a.len()] as f32 / a.len().max(b.len()) as f32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions_match_verifier_tests() {
        // VerifierTests.testImplicitCastingErrorMessages
        let cols = [
            "languages",
            "languages.byte",
            "languages.long",
            "languages.short",
            "salary",
        ];
        assert_eq!(
            unknown_message("Unknown column", "languages.*", &cols),
            "Unknown column [languages.*], did you mean any of [languages, languages.byte, languages.long, languages.short]?"
        );
        assert_eq!(
            unknown_message("Unknown function", "func", &["floor", "abs"]),
            "Unknown function [func]"
        );
        assert_eq!(
            unknown_message("Unknown column", "salry", &cols),
            "Unknown column [salry], did you mean [salary]?"
        );
    }
}
