//! `detsim check PATH...`: parse every ES|QL query and analyze it against the shipped Elastic
//! Defend catalog (`logs-endpoint.events.{process,file,network}-*`).
//!
//! A query that reads indices without a shipped mapping (another integration's data, see
//! `detsim::rules::unshipped_sources`) is reported as `not analyzed <label>: …` and counted, not
//! as an error. Output: `ok <label>` per analyzed query, errors with file, line, column, message
//! and a caret snippet, entries that are not ES|QL as `skipped <label>: <reason>`, then
//! `N ok, N failed, N not analyzed` (`, N skipped` when any were). Exit status 1 when anything
//! failed.

use std::io::Write;

use anyhow::Context;
use detsim::rules::{QuerySource, unshipped_sources};
use esql::analyzer::ProblemKind;
use esql::{Catalog, Position};

use super::parse::parse_query;
use crate::cli::config::CheckConfig;
use crate::cli::exit::ExitStatus;
use crate::cli::inputs::{Input, inputs};
use crate::cli::report::{write_file_error, write_snippet};

/// What checking one query found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Parsed and analyzed without errors.
    Ok,
    /// Parsed, but detsim cannot analyze it faithfully: it reads indices without a shipped mapping,
    /// or uses a feature detsim does not implement (the reason says which).
    NotAnalyzed(String),
    /// A syntax error, or the analysis errors (ES's verification errors), in query order.
    Failed(Vec<QueryProblem>),
}

/// One error at a 1-based position of the query text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryProblem {
    /// Where, in the query text.
    pub position: Position,
    /// The message, without the position.
    pub message: String,
}

/// Parses and analyzes `text` against `catalog`: the one place the CLI calls the analyzer.
pub fn check_query(text: &str, catalog: &Catalog) -> Verdict {
    let query = match parse_query(text) {
        Ok(query) => query,
        Err(e) => {
            return Verdict::Failed(vec![QueryProblem {
                position: e.position,
                message: e.message,
            }]);
        }
    };
    let unshipped = unshipped_sources(&query, catalog);
    if !unshipped.is_empty() {
        return Verdict::NotAnalyzed(format!("no shipped mapping for {}", unshipped.join(", ")));
    }
    let Err(error) = esql::analyze(&query, catalog) else {
        return Verdict::Ok;
    };
    let problems = error.problems;
    if problems.iter().all(|p| p.kind != ProblemKind::Verification) {
        // Only unknown indices or features detsim lacks: ES might well accept the query. The
        // analyzer's wording already says so ("… is not supported by detsim").
        let reasons: Vec<String> = problems
            .iter()
            .map(|p| format!("{} (line {})", p.message, p.position))
            .collect();
        return Verdict::NotAnalyzed(reasons.join("; "));
    }
    // Real errors: report every problem in query order, unsupported ones too, since they may
    // explain the others.
    Verdict::Failed(
        problems
            .into_iter()
            .map(|p| QueryProblem {
                position: p.position,
                message: p.message,
            })
            .collect(),
    )
}

/// Counts for the summary line.
#[derive(Debug, Default)]
struct Counts {
    ok: usize,
    failed: usize,
    not_analyzed: usize,
    skipped: usize,
}

/// Runs `detsim check`.
pub fn run(
    config: &CheckConfig,
    out: &mut dyn Write,
    _err: &mut dyn Write,
) -> anyhow::Result<ExitStatus> {
    run_with(config, out, |text| check_query(text, &config.catalog))
}

/// `run` with the per-query check passed in (tests use a fake one).
fn run_with(
    config: &CheckConfig,
    out: &mut dyn Write,
    check: impl Fn(&str) -> Verdict,
) -> anyhow::Result<ExitStatus> {
    let mut counts = Counts::default();
    for input in inputs(&config.paths) {
        match input {
            Input::Query(query) => match check(&query.text) {
                Verdict::Ok => {
                    counts.ok += 1;
                    writeln!(out, "ok {}", query.label())
                }
                Verdict::NotAnalyzed(reason) => {
                    counts.not_analyzed += 1;
                    writeln!(out, "not analyzed {}: {reason}", query.label())
                }
                Verdict::Failed(problems) => {
                    counts.failed += 1;
                    problems
                        .iter()
                        .try_for_each(|p| write_query_error(out, &query, p.position, &p.message))
                }
            },
            Input::Skipped { label, reason } => {
                counts.skipped += 1;
                writeln!(out, "skipped {label}: {reason}")
            }
            Input::FileError(error) => {
                counts.failed += 1;
                write_file_error(out, &error)
            }
        }
        .context("writing to stdout")?;
    }
    let skipped = if counts.skipped > 0 {
        format!(", {} skipped", counts.skipped)
    } else {
        String::new()
    };
    writeln!(
        out,
        "{} ok, {} failed, {} not analyzed{skipped}",
        counts.ok, counts.failed, counts.not_analyzed
    )
    .context("writing to stdout")?;
    Ok(ExitStatus::failure_if(counts.failed > 0))
}

/// `error: <file>:<line>:<col>: <message>`, the query position when it differs, and a caret.
pub fn write_query_error(
    out: &mut dyn Write,
    query: &QuerySource,
    position: Position,
    message: &str,
) -> std::io::Result<()> {
    let at = query.file_position(position);
    writeln!(
        out,
        "error: {}:{}:{}: {message}",
        query.path.display(),
        at.line,
        at.column
    )?;
    if !query.is_whole_file() {
        let which = if query.listed {
            format!("query #{}, ", query.index)
        } else {
            String::new()
        };
        writeln!(
            out,
            "  --> {which}query line {}:{}",
            position.line, position.column
        )?;
    }
    write_snippet(out, query.file_text(), at)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::test_utils::Scratch;

    fn fake(text: &str) -> Verdict {
        if text.contains("aws") {
            Verdict::NotAnalyzed("no shipped mapping for index pattern `logs-aws*`".into())
        } else if let Some(at) = text.find("nope") {
            Verdict::Failed(vec![QueryProblem {
                position: esql::LineIndex::new(text).position(at),
                message: "Unknown column [nope]".into(),
            }])
        } else {
            Verdict::Ok
        }
    }

    #[test]
    fn output_counts_ok_failed_and_not_analyzed() {
        let dir = Scratch::new("check");
        dir.write("a.esql", "from logs-endpoint.events.process-*");
        dir.write("b.esql", "from logs-aws*");
        dir.write("c.esql", "from logs-endpoint.events.process-*\n| keep nope");
        dir.write("d.toml", "[package]\n");
        let config = CheckConfig {
            paths: vec![dir.path().to_owned()],
            catalog: Catalog::elastic_defend(),
        };
        let mut out = Vec::new();
        let status = run_with(&config, &mut out, fake).unwrap();
        assert_eq!(status, ExitStatus::Failure);
        let root = format!("{}/", dir.path().display());
        let out = String::from_utf8(out).unwrap().replace(&root, "");
        assert_eq!(
            out,
            "ok a.esql\n\
             not analyzed b.esql: no shipped mapping for index pattern `logs-aws*`\n\
             error: c.esql:2:8: Unknown column [nope]\n  |\n2 | | keep nope\n  |        ^\n\
             skipped d.toml: not a rule or hunting file (no [rule] or [hunt] table)\n\
             1 ok, 1 failed, 1 not analyzed, 1 skipped\n"
        );
    }

    #[test]
    fn check_query_sorts_queries_into_verdicts() {
        let c = Catalog::elastic_defend();
        let pos = |line, column| Position { line, column };
        assert_eq!(
            check_query(
                "from logs-endpoint.events.process-* | keep process.name",
                &c
            ),
            Verdict::Ok
        );
        assert_eq!(check_query("row a = 1 | eval b = a + 1", &c), Verdict::Ok);
        assert_eq!(
            check_query("from logs-okta* | keep x", &c),
            Verdict::NotAnalyzed("no shipped mapping for index pattern `logs-okta*`".into())
        );
        let Verdict::Failed(problems) =
            check_query("from logs-endpoint.events.file-*\n| wher x", &c)
        else {
            panic!("a syntax error must fail")
        };
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].position, pos(2, 3));
        assert!(
            problems[0].message.starts_with("mismatched input 'wher'"),
            "{problems:?}"
        );
        let Verdict::Failed(problems) = check_query(
            "from logs-endpoint.events.file-*\n| where nope == 1 and file.path == 2",
            &c,
        ) else {
            panic!("unknown columns must fail")
        };
        assert_eq!(problems[0].position, pos(2, 9));
        assert!(
            problems[0].message.starts_with("Unknown column [nope]"),
            "{problems:?}"
        );
    }

    #[test]
    fn not_analyzed_alone_is_success() {
        let dir = Scratch::new("check-na");
        dir.write("b.esql", "from logs-aws*");
        let config = CheckConfig {
            paths: vec![dir.path().to_owned()],
            catalog: Catalog::elastic_defend(),
        };
        let mut out = Vec::new();
        assert_eq!(
            run_with(&config, &mut out, fake).unwrap(),
            ExitStatus::Success
        );
    }
}
