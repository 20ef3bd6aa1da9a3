//! The analyzer: lowers a parsed [`Query`] to a typed [`Plan`] against a [`Catalog`], reporting
//! Elasticsearch's verification errors.
//!
//! Every column reference becomes an index into its step's input (or extended) row, every expression
//! gets its type, verbatim text and position, and every step its output schema, so evaluators never
//! look names up or derive types. Problems are collected across the whole query and reported together
//! as ES's `verification_exception` does: `Found 2 problems\nline 1:20: Unknown column [x]\nline …`.
//!
//! Modules: [`source`] (FROM, ROW), [`commands`] (WHERE, EVAL, SORT, LIMIT, MV_EXPAND, RENAME),
//! [`keep`] (KEEP, DROP), [`stats`] (STATS, INLINE STATS), [`extract`] (DISSECT, GROK), [`expr`]
//! (expressions), [`signatures`]/[`agg_signatures`] (function type rules), [`literal`], [`fold`],
//! [`dissect`] and [`grok`] (pattern parsing shared with the evaluators).

pub mod agg_signatures;
pub mod arg;
mod commands;
pub mod dissect;
mod expr;
mod extract;
pub mod fold;
pub mod grok;
mod keep;
pub mod literal;
mod operators;
pub mod scope;
pub mod signatures;
mod source;
mod stats;
pub mod validate;

use std::fmt;

use crate::ast::{ProcessingCommand, Query};
use crate::plan::{Plan, Step, StepKind};
use crate::{Catalog, LineIndex, Position, Span};
use scope::Scope;

/// What kind of problem the analyzer found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProblemKind {
    /// An error Elasticsearch would report too (`Unknown column [x]`, a type mismatch, …).
    Verification,
    /// No index matches the FROM patterns (`Unknown index [x]`).
    UnknownIndex,
    /// Something valid in ES that detsim does not implement (a command, function or feature).
    Unsupported,
}

/// One problem, at the position of the offending text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// 1-based line and column.
    pub position: Position,
    /// The message, in ES's wording where ES has one.
    pub message: String,
    /// The kind.
    pub kind: ProblemKind,
}

/// Analysis failed: every problem found, in query order.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct AnalysisError {
    /// The problems (at least one).
    pub problems: Vec<Problem>,
}

impl AnalysisError {
    /// True when the only problems are FROM patterns matching no index (for `detsim check`, which
    /// reports such queries as "not analyzed").
    pub fn is_unknown_index(&self) -> bool {
        self.problems
            .iter()
            .all(|p| p.kind == ProblemKind::UnknownIndex)
    }

    /// True when some problem is an unsupported feature rather than an error in the query.
    pub fn has_unsupported(&self) -> bool {
        self.problems
            .iter()
            .any(|p| p.kind == ProblemKind::Unsupported)
    }
}

impl fmt::Display for AnalysisError {
    /// `Found N problem(s)` then one `line L:C: message` line per problem, as ES prints them.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.problems.len();
        write!(f, "Found {n} problem{}", if n == 1 { "" } else { "s" })?;
        for p in &self.problems {
            write!(f, "\nline {}: {}", p.position, p.message)?;
        }
        Ok(())
    }
}

/// A successful analysis: the plan and the warnings ES emits at analysis time (e.g.
/// `Line 1:24: Field 'h' shadowed by field at line 1:41` for duplicate STATS names).
#[derive(Debug, Clone, PartialEq)]
pub struct Analysis {
    /// The plan.
    pub plan: Plan,
    /// Analysis-time warnings, in order.
    pub warnings: Vec<String>,
}

/// Analyzes `query` against `catalog`.
pub fn analyze(query: &Query, catalog: &Catalog) -> Result<Plan, AnalysisError> {
    analyze_full(query, catalog).map(|a| a.plan)
}

/// Analyzes `query` against `catalog`, also returning analysis-time warnings.
pub fn analyze_full(query: &Query, catalog: &Catalog) -> Result<Analysis, AnalysisError> {
    let mut cx = Cx::new(query, catalog);
    for s in &query.settings {
        cx.unsupported(s.span, "SET is not supported by detsim");
    }
    let (source, scope) = source::analyze_source(&mut cx, &query.source);
    if source.is_none() && scope.attrs.is_empty() {
        // No index (or an unsupported source): every later name would be unknown.
        return Err(AnalysisError {
            problems: cx.problems,
        });
    }
    let mut scope = scope;
    let mut steps = Vec::new();
    for command in &query.commands {
        // A failed command still yields the columns it would produce (marked failed where unknown),
        // so later problems are found too; no plan is produced once a problem is recorded. After an
        // unsupported command the columns are unknown, so analysis stops there.
        let (step, next) = cx.command(command, &scope);
        steps.extend(step);
        scope = next;
        if cx
            .problems
            .iter()
            .any(|p| p.kind == ProblemKind::Unsupported)
        {
            break;
        }
    }
    if !cx.problems.is_empty() {
        return Err(AnalysisError {
            problems: cx.problems,
        });
    }
    let Some(source) = source else {
        return Err(AnalysisError {
            problems: vec![Problem {
                position: Position { line: 1, column: 1 },
                message: "internal error: no source without a problem".into(),
                kind: ProblemKind::Verification,
            }],
        });
    };
    let plan = Plan {
        query_text: query.text.clone(),
        source,
        steps,
    };
    if let Err(bug) = validate::check_plan(&plan) {
        return Err(AnalysisError {
            problems: vec![Problem {
                position: Position { line: 1, column: 1 },
                message: format!("internal error (this is a bug): invalid plan: {bug}"),
                kind: ProblemKind::Verification,
            }],
        });
    }
    Ok(Analysis {
        plan,
        warnings: cx.warnings,
    })
}

/// The analysis context: the query, the catalog, positions and the problems found so far.
pub(crate) struct Cx<'q> {
    query: &'q Query,
    catalog: &'q Catalog,
    lines: LineIndex,
    problems: Vec<Problem>,
    warnings: Vec<String>,
}

impl<'q> Cx<'q> {
    fn new(query: &'q Query, catalog: &'q Catalog) -> Cx<'q> {
        Cx {
            query,
            catalog,
            lines: LineIndex::new(&query.text),
            problems: Vec::new(),
            warnings: Vec::new(),
        }
    }

    /// The verbatim text of `span`.
    pub(crate) fn text(&self, span: Span) -> &'q str {
        let q: &'q Query = self.query;
        q.text_of(span)
    }

    /// The position of the start of `span`.
    pub(crate) fn pos(&self, span: Span) -> Position {
        self.lines.position(span.start as usize)
    }

    /// Records a verification error at `span`.
    pub(crate) fn error(&mut self, span: Span, message: impl Into<String>) {
        self.push(span, message.into(), ProblemKind::Verification);
    }

    /// Records a verification error at `position`.
    pub(crate) fn error_at(&mut self, position: Position, message: impl Into<String>) {
        let p = Problem {
            position,
            message: message.into(),
            kind: ProblemKind::Verification,
        };
        if !self.problems.contains(&p) {
            self.problems.push(p);
        }
    }

    /// Records an unsupported feature at `span`.
    pub(crate) fn unsupported(&mut self, span: Span, message: impl Into<String>) {
        self.push(span, message.into(), ProblemKind::Unsupported);
    }

    fn push(&mut self, span: Span, message: String, kind: ProblemKind) {
        let position = self.pos(span);
        let p = Problem {
            position,
            message,
            kind,
        };
        if !self.problems.contains(&p) {
            self.problems.push(p);
        }
    }

    /// Records an analysis-time warning line.
    pub(crate) fn warn(&mut self, line: String) {
        if !self.warnings.contains(&line) {
            self.warnings.push(line);
        }
    }

    /// A step of `kind` for `command` with output `scope`.
    fn step(&self, span: Span, kind: StepKind, scope: &Scope) -> Step {
        Step {
            kind,
            output: scope.schema(),
            span,
            position: self.pos(span),
        }
    }

    /// Analyzes one processing command over `input`: its step (`None` when it failed, with problems
    /// recorded) and the columns after it.
    fn command(&mut self, command: &ProcessingCommand, input: &Scope) -> (Option<Step>, Scope) {
        use ProcessingCommand as P;
        let span = command.span();
        let (kind, scope) = match command {
            P::Where(c) => commands::where_(self, c, input),
            P::Eval(c) => commands::eval(self, c, input),
            P::Stats(c) => stats::stats(self, c, input),
            P::InlineStats(c) => stats::inline_stats(self, c, input),
            P::Keep(c) => keep::keep(self, c, input),
            P::Drop(c) => keep::drop(self, c, input),
            P::Rename(c) => commands::rename(self, c, input),
            P::Sort(c) => commands::sort(self, c, input),
            P::Limit(c) => commands::limit(self, c, input),
            P::MvExpand(c) => commands::mv_expand(self, c, input),
            P::Dissect(c) => extract::dissect(self, c, input),
            P::Grok(c) => extract::grok(self, c, input),
            other => {
                let name = commands::command_name(other);
                self.unsupported(span, format!("{name} is not supported by detsim"));
                return (None, input.clone());
            }
        };
        let step = kind.map(|k| self.step(span, k, &scope));
        (step, scope)
    }
}
