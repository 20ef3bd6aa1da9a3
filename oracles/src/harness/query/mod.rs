//! The query strategy: random, well-typed ES|QL pipelines over the harness catalog.
//!
//! [`QueryBuilder`] reads a choice stream ([`Choices`]) and writes a query one command at a time. After
//! each command it asks the analyzer for the exact output schema, so later commands only reference
//! columns that exist, with the types they really have (EVAL shadowing, RENAME, STATS and KEEP
//! wildcards included). A command the analyzer rejects is a *strategy bug*: it is recorded in
//! [`QueryBuilder::bugs`] (the harness tests keep that rate at 0) and left out of the query.
//! Literals come from the vocabulary's values of the column's field, so predicates select rows.

mod commands;
mod expr;
pub mod literal;

use std::collections::BTreeMap;

use esql::plan::{Column, Plan};
use esql::{DataType, analyze, parse};

use super::choices::Choices;
use super::vocabulary::Vocabulary;

pub use commands::{CommandKind, FROM_PATTERNS};

/// The type classes expressions are generated in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    /// boolean
    Bool,
    /// integer, long, double
    Num,
    /// keyword, text
    Str,
    /// date
    Date,
    /// ip
    Ip,
    /// unsigned_long (only compared with unsigned_long literals)
    UnsignedLong,
    /// Anything else (null, unsupported, …): never generated on purpose.
    Other,
}

/// The class of a type.
pub fn class_of(t: DataType) -> Class {
    match t {
        DataType::Boolean => Class::Bool,
        DataType::Integer | DataType::Long | DataType::Double => Class::Num,
        DataType::Keyword | DataType::Text => Class::Str,
        DataType::Date => Class::Date,
        DataType::Ip => Class::Ip,
        DataType::UnsignedLong => Class::UnsignedLong,
        _ => Class::Other,
    }
}

/// A command the analyzer rejected (a strategy bug).
#[derive(Debug, Clone, PartialEq)]
pub struct StrategyBug {
    /// The query up to and including the rejected command.
    pub query: String,
    /// The analyzer's (or parser's) message.
    pub error: String,
}

/// Builds one query from a choice stream; see the module doc.
pub struct QueryBuilder<'a> {
    pub(crate) vocab: &'a Vocabulary,
    pub(crate) c: Choices<'a>,
    parts: Vec<String>,
    pub(crate) columns: Vec<Column>,
    /// Column name → the source field its values come from (for sample literals).
    pub(crate) origin: BTreeMap<String, String>,
    fresh: usize,
    plan: Option<Plan>,
    /// Commands the analyzer rejected.
    pub bugs: Vec<StrategyBug>,
}

impl<'a> QueryBuilder<'a> {
    /// A builder drawing from `raw` over `vocab`, starting with a FROM command.
    pub fn new(vocab: &'a Vocabulary, raw: &'a [u32]) -> QueryBuilder<'a> {
        let mut b = QueryBuilder {
            vocab,
            c: Choices::new(raw),
            parts: Vec::new(),
            columns: Vec::new(),
            origin: BTreeMap::new(),
            fresh: 0,
            plan: None,
            bugs: Vec::new(),
        };
        b.from();
        b
    }

    /// The query text so far.
    pub fn text(&self) -> String {
        self.parts.join(" | ")
    }

    /// The commands so far (`FROM …` first), as written.
    pub fn commands(&self) -> &[String] {
        &self.parts
    }

    /// The plan of the query so far (`None` only if even the FROM failed).
    pub fn plan(&self) -> Option<&Plan> {
        self.plan.as_ref()
    }

    /// The current output columns.
    pub fn columns(&self) -> &[Column] {
        &self.columns
    }

    /// The choice stream (to draw property parameters).
    pub fn choices(&mut self) -> &mut Choices<'a> {
        &mut self.c
    }

    /// A fresh column name with `prefix`.
    pub(crate) fn fresh(&mut self, prefix: &str) -> String {
        self.fresh += 1;
        format!("{prefix}{}", self.fresh)
    }

    /// Whether column `name` reads a field the vocabulary saw data in.
    pub(crate) fn has_data(&self, name: &str) -> bool {
        let field = self.origin.get(name).map(String::as_str).unwrap_or(name);
        self.vocab.is_populated(field)
    }

    /// Whether column `name` reads a field the vocabulary saw several values in.
    pub(crate) fn is_multi(&self, name: &str) -> bool {
        let field = self.origin.get(name).map(String::as_str).unwrap_or(name);
        self.vocab.is_multi_valued(field)
    }

    /// Appends `command` if the analyzer accepts the query with it; records a strategy bug otherwise.
    /// With `allow_empty` false, a command leaving no columns is skipped (not a bug).
    pub fn push(&mut self, command: String) -> bool {
        let mut parts = self.parts.clone();
        parts.push(command);
        let text = parts.join(" | ");
        match check(&text, self.vocab) {
            Ok(plan) => {
                if plan.output().is_empty() {
                    return false;
                }
                let before = std::mem::take(&mut self.columns);
                self.columns = plan.output().columns.clone();
                self.update_origin(&before, parts.last().map(String::as_str).unwrap_or(""));
                self.parts = parts;
                self.plan = Some(plan);
                true
            }
            Err(error) => {
                self.bugs.push(StrategyBug { query: text, error });
                false
            }
        }
    }

    /// Keeps the column → field map in step with the schema: names that survive keep their field,
    /// RENAME moves it, anything new or redefined loses it.
    fn update_origin(&mut self, before: &[Column], command: &str) {
        let mut next = BTreeMap::new();
        if let Some(rest) = command.strip_prefix("RENAME ") {
            for clause in rest.split(", ") {
                let (old, new) = match clause.split_once(" AS ") {
                    Some((o, n)) => (o, n),
                    None => match clause.split_once(" = ") {
                        Some((n, o)) => (o, n),
                        None => continue,
                    },
                };
                let (old, new) = (unquote(old), unquote(new));
                if let Some(f) = self.origin.get(&old) {
                    next.insert(new, f.clone());
                }
            }
        }
        let redefined = command.starts_with("EVAL ") || command.starts_with("STATS ");
        for c in &self.columns {
            if next.contains_key(&c.name) {
                continue;
            }
            let same = before
                .iter()
                .any(|b| b.name == c.name && b.data_type == c.data_type);
            let assigned = redefined && command.contains(&format!("{} =", literal::name(&c.name)));
            if same
                && !assigned
                && let Some(f) = self.origin.get(&c.name)
            {
                next.insert(c.name.clone(), f.clone());
            }
        }
        self.origin = next;
    }
}

fn unquote(s: &str) -> String {
    let s = s.trim();
    match s.strip_prefix('`').and_then(|r| r.strip_suffix('`')) {
        Some(inner) => inner.replace("``", "`"),
        None => s.to_owned(),
    }
}

/// Parses and analyzes `text` against the vocabulary's catalog.
pub fn check(text: &str, vocab: &Vocabulary) -> Result<Plan, String> {
    let q = parse(text).map_err(|e| format!("parse: {e}"))?;
    analyze(&q, &vocab.catalog).map_err(|e| e.to_string())
}

/// Builds a query of up to `max_commands` commands of the `allowed` kinds from `raw`.
pub fn random_query<'a>(
    vocab: &'a Vocabulary,
    raw: &'a [u32],
    max_commands: usize,
    allowed: &[CommandKind],
) -> QueryBuilder<'a> {
    let mut b = QueryBuilder::new(vocab, raw);
    let n = b.c.count(max_commands);
    for _ in 0..n {
        b.command(allowed);
    }
    b
}
