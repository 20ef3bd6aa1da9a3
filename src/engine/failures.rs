//! Failure log: warnings recorded out of order by the columnar engine, replayed in the reference's order.
//!
//! Oracle twin: the single `esql::Warnings` the reference fills as it walks rows. Invariant: the engine
//! evaluates batches, dictionary values and sub-expressions in whatever order is fastest, but every failure
//! is logged with a [`FailureKey`] that sorts exactly as the reference meets failures: the reference pushes
//! each source row through all the row-at-a-time steps of a pipeline segment before the next row (and each
//! MV_EXPAND child through the rest before the next child), and runs a blocking step (STATS) only after its
//! whole input — so the key is (segment, chunk, batch, row, path) where `path` lists the expansions the row
//! went through as `(step, child)` pairs and ends with `(step, sequence within the step)`.
//! [`FailureLog::replay`] then feeds failures to `Warnings` in key order, so de-duplication and the
//! 20-failure cap give the same lines.
//!
//! The log never keeps more than it can print: ES prints at most [`esql::warnings::MAX_FAILURES`]
//! failures per expression, so once the log holds that many failures of one expression (same position
//! and text), a later failure of it whose key sorts after all of them can never be printed and is
//! dropped ([`FailureLog::saturated`] lets callers skip building such failures at all). Merged logs
//! keep the invariant "every kept failure of an expression sorts at or before its recorded maximum".

use esql::warnings::MAX_FAILURES;
use esql::{Position, Warnings};
use foldhash::HashMap;

/// Where a failure happened, ordered as the reference meets failures.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct FailureKey {
    /// Pipeline segment: 0 for the row-at-a-time steps before the first blocking step, 1 for that
    /// blocking step (STATS).
    pub segment: u32,
    /// Chunk of the source (chunks are in scan order); `u32::MAX` for a blocking step's finish.
    pub chunk: u32,
    /// Batch within the chunk.
    pub batch: u32,
    /// Source row within the batch's frame (or group number in a blocking step's finish).
    pub row: u32,
    /// Expansions `(step, child)…` then `(step, sequence)` of the failure.
    pub path: Vec<u32>,
}

/// One failure event (or a free-form warning line when `text` is `None`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// Where it happened.
    pub key: FailureKey,
    /// Position of the failing expression.
    pub position: Position,
    /// Verbatim text of the failing expression; `None` for a free-form line.
    pub text: Option<String>,
    /// The exception line (or the free-form line).
    pub exception: String,
}

/// How many failures of one expression a log holds, and the largest key among them.
#[derive(Debug, Clone)]
struct Kept {
    text: String,
    count: usize,
    max: FailureKey,
}

/// The failures of one evaluation.
#[derive(Debug, Default, Clone)]
pub struct FailureLog {
    events: Vec<Failure>,
    /// Per expression position: the expressions (by text) logged there.
    kept: HashMap<Position, Vec<Kept>>,
}

impl FailureLog {
    /// An empty log.
    pub fn new() -> FailureLog {
        FailureLog::default()
    }

    /// Logs a failure (dropped when it can never be printed, see the module doc).
    pub fn push(&mut self, f: Failure) {
        if self.accept(&f) {
            self.events.push(f);
        }
    }

    /// Logs failures recorded by one evaluation at `key` (whose path ends with the sequence number;
    /// successive failures get successive numbers).
    pub fn absorb(&mut self, key: FailureKey, recorded: &[Failure]) {
        for (i, f) in recorded.iter().enumerate() {
            let mut k = key.clone();
            if let Some(last) = k.path.last_mut() {
                *last += i as u32;
            }
            if self.accept_key(f, &k) {
                let mut f = f.clone();
                f.key = k;
                self.events.push(f);
            }
        }
    }

    fn accept(&mut self, f: &Failure) -> bool {
        let key = f.key.clone();
        self.accept_key(f, &key)
    }

    /// Counts `f` at `key` unless ES could never print it (its expression already has
    /// [`MAX_FAILURES`] failures at smaller keys in this log).
    fn accept_key(&mut self, f: &Failure, key: &FailureKey) -> bool {
        let Some(text) = &f.text else {
            return true;
        };
        let list = self.kept.entry(f.position).or_default();
        match list.iter_mut().find(|k| k.text == *text) {
            Some(k) => {
                if k.count >= MAX_FAILURES && *key > k.max {
                    return false;
                }
                k.count += 1;
                if *key > k.max {
                    k.max = key.clone();
                }
            }
            None => list.push(Kept {
                text: text.clone(),
                count: 1,
                max: key.clone(),
            }),
        }
        true
    }

    /// When the log already holds [`MAX_FAILURES`] failures of `f`'s expression: the largest of their
    /// keys (any failure of that expression at a larger key would be dropped).
    pub fn saturated(&self, f: &Failure) -> Option<&FailureKey> {
        let text = f.text.as_ref()?;
        self.kept
            .get(&f.position)?
            .iter()
            .find(|k| k.text == *text && k.count >= MAX_FAILURES)
            .map(|k| &k.max)
    }

    fn recount(&mut self) {
        let events = std::mem::take(&mut self.events);
        self.kept.clear();
        for f in events {
            self.push(f);
        }
    }

    /// Keeps only the failures `keep` accepts (a LIMIT that stopped the reference early).
    pub fn retain(&mut self, keep: impl Fn(&FailureKey) -> bool) {
        self.events.retain(|f| keep(&f.key));
        self.recount();
    }

    /// Appends another log.
    pub fn extend(&mut self, other: FailureLog) {
        self.events.extend(other.events);
        for (pos, list) in other.kept {
            let mine = self.kept.entry(pos).or_default();
            for k in list {
                match mine.iter_mut().find(|m| m.text == k.text) {
                    Some(m) => {
                        m.count += k.count;
                        if k.max > m.max {
                            m.max = k.max;
                        }
                    }
                    None => mine.push(k),
                }
            }
        }
    }

    /// Number of failures held (after dropping those that could never be printed).
    pub fn len(&self) -> usize {
        self.events.len()
    }

    /// True when nothing was logged.
    pub fn is_empty(&self) -> bool {
        self.events.is_empty()
    }

    /// Feeds every failure to `w` in key order (stable for equal keys).
    pub fn replay(mut self, w: &mut Warnings) {
        self.events.sort_by(|a, b| a.key.cmp(&b.key));
        for f in self.events {
            match f.text {
                Some(text) => w.failure(f.position, &text, &f.exception),
                None => w.push(f.exception),
            }
        }
    }
}

const HEAD_MID: &str = ": evaluation of [";
const HEAD_TAIL: &str = "] failed, treating result as null. Only first 20 failures recorded.";

/// Splits the lines of a fresh `Warnings`, filled by evaluating one row, back into failure events
/// (keys left at default). A header line opens an expression; the exception lines after it (same
/// position) are its failures; anything else is a free-form line.
pub fn failures_of(w: &Warnings) -> Vec<Failure> {
    let mut out = Vec::new();
    let mut open: Option<(Position, String)> = None;
    for line in w.lines() {
        if let Some((pos, text)) = parse_head(line) {
            open = Some((pos, text));
            continue;
        }
        let parsed = parse_line_position(line);
        match (&open, parsed) {
            (Some((p, text)), Some((lp, rest))) if *p == lp => out.push(Failure {
                key: FailureKey::default(),
                position: lp,
                text: Some(text.clone()),
                exception: rest.to_owned(),
            }),
            _ => out.push(Failure {
                key: FailureKey::default(),
                position: Position::default(),
                text: None,
                exception: line.clone(),
            }),
        }
    }
    out
}

fn parse_line_position(line: &str) -> Option<(Position, &str)> {
    let rest = line.strip_prefix("Line ")?;
    let (lc, rest) = rest.split_once(": ")?;
    let (l, c) = lc.split_once(':')?;
    Some((
        Position {
            line: l.parse().ok()?,
            column: c.parse().ok()?,
        },
        rest,
    ))
}

fn parse_head(line: &str) -> Option<(Position, String)> {
    let rest = line.strip_prefix("Line ")?;
    let (lc, rest) = rest.split_once(HEAD_MID)?;
    let text = rest.strip_suffix(HEAD_TAIL)?;
    let (l, c) = lc.split_once(':')?;
    Some((
        Position {
            line: l.parse().ok()?,
            column: c.parse().ok()?,
        },
        text.to_owned(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recorded_failures_replay_in_key_order_with_caps() {
        let p1 = Position { line: 1, column: 5 };
        let p2 = Position { line: 2, column: 7 };
        let mut w = Warnings::new();
        w.multi_value(p2, "a == [1]");
        let one = failures_of(&w);
        assert_eq!(one.len(), 1);
        assert_eq!(one[0].text.as_deref(), Some("a == [1]"));
        assert_eq!(one[0].position, p2);

        let mut log = FailureLog::new();
        for row in (0..30).rev() {
            log.absorb(
                FailureKey {
                    row,
                    path: vec![1, 0],
                    ..Default::default()
                },
                &one,
            );
        }
        log.push(Failure {
            key: FailureKey {
                row: 3,
                path: vec![1, 1],
                ..Default::default()
            },
            position: p1,
            text: Some("b".into()),
            exception: "java.lang.ArithmeticException: / by zero".into(),
        });
        let mut out = Warnings::new();
        log.replay(&mut out);
        let mut expected = Warnings::new();
        for row in 0..30 {
            expected.multi_value(p2, "a == [1]");
            if row == 3 {
                expected.failure(p1, "b", "java.lang.ArithmeticException: / by zero");
            }
        }
        assert_eq!(out.lines(), expected.lines());
    }

    #[test]
    fn free_form_lines_survive() {
        let mut w = Warnings::new();
        w.push("something else".into());
        let f = failures_of(&w);
        assert_eq!(f[0].text, None);
        assert_eq!(f[0].exception, "something else");
    }
}
