//! Evaluation warnings, recorded exactly as Elasticsearch records them.
//!
//! ES keeps one `Warnings` object per failing expression: on its first failure it adds
//! `Line L:C: evaluation of [text] failed, treating result as null. Only first 20 failures recorded.`,
//! then one `Line L:C: <exception class>: <message>` line per failure, up to 20 failures. The response
//! headers drop duplicate strings, so the visible list is ordered by first occurrence with no repeats.

use std::collections::{HashMap, HashSet};

use crate::Position;

/// The most failures ES records per expression.
pub const MAX_FAILURES: usize = 20;

/// The exception ES reports when a single-value operation meets a multi-value.
pub const MV_EXCEPTION: &str =
    "java.lang.IllegalArgumentException: single-value function encountered multi-value";

/// Collects warnings in ES's order and with ES's caps.
#[derive(Debug, Default, Clone)]
pub struct Warnings {
    lines: Vec<String>,
    seen: HashSet<String>,
    failures: HashMap<(Position, String), usize>,
}

impl Warnings {
    /// No warnings yet.
    pub fn new() -> Warnings {
        Warnings::default()
    }

    /// Records a failure of the expression `text` at `position` with ES's exception line `exception`
    /// (e.g. [`MV_EXCEPTION`]).
    pub fn failure(&mut self, position: Position, text: &str, exception: &str) {
        let n = self
            .failures
            .entry((position, text.to_owned()))
            .or_insert(0);
        if *n >= MAX_FAILURES {
            return;
        }
        *n += 1;
        if *n == 1 {
            let head = format!(
                "Line {position}: evaluation of [{text}] failed, treating result as null. Only first {MAX_FAILURES} failures recorded."
            );
            self.push(head);
        }
        self.push(format!("Line {position}: {exception}"));
    }

    /// Records a multi-value failure (the most common one).
    pub fn multi_value(&mut self, position: Position, text: &str) {
        self.failure(position, text, MV_EXCEPTION);
    }

    /// Adds a free-form warning line once.
    pub fn push(&mut self, line: String) {
        if self.seen.insert(line.clone()) {
            self.lines.push(line);
        }
    }

    /// The warning lines in order.
    pub fn lines(&self) -> &[String] {
        &self.lines
    }

    /// Takes the warning lines.
    pub fn into_lines(self) -> Vec<String> {
        self.lines
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multi_value_failures_print_like_es_and_dedupe() {
        let mut w = Warnings::new();
        let p = Position {
            line: 1,
            column: 30,
        };
        w.multi_value(p, "job_positions == \"x\"");
        w.multi_value(p, "job_positions == \"x\"");
        assert_eq!(
            w.lines(),
            [
                "Line 1:30: evaluation of [job_positions == \"x\"] failed, treating result as null. Only first 20 failures recorded.",
                "Line 1:30: java.lang.IllegalArgumentException: single-value function encountered multi-value",
            ]
        );
    }
}
