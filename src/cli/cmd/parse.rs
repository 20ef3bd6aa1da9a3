//! `detsim parse [--json] PATH...`: syntax-check every ES|QL query in rule, hunting and `.esql`
//! files.
//!
//! Human output: `ok <path>[#index]` per query, or the error with file, line, column, message and
//! a caret snippet; entries that are not ES|QL as `skipped <label>: <reason>`; then
//! `N parsed, N failed` (`, N skipped` when any were). Exit status 1 when anything failed.
//!
//! `--json` prints one object per query and nothing else on stdout:
//! `{"path","query_index","ok","line","column","message"}`, where `line`/`column` are 1-based
//! positions in the *query text* (as Elasticsearch reports them) and are `null` when the query
//! parses. A file that cannot be read or loaded gives one object with `query_index: null` and its
//! position in the file. Skipped entries go to stderr as notices. This format is the interface of
//! the differential test against Elastic's ANTLR parser: keep it stable.

use std::io::Write;

use anyhow::Context;
use detsim::rules::{QuerySource, RuleError};
use esql::Position;
use serde::Serialize;

use crate::cli::config::{OutputFormat, ParseConfig};
use crate::cli::exit::ExitStatus;
use crate::cli::inputs::{Input, inputs};
use crate::cli::report::{write_file_error, write_snippet};

/// A syntax error at a 1-based position of the query text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    /// Where, in the query text.
    pub position: Position,
    /// The message, without the position.
    pub message: String,
}

/// The one place `detsim parse` calls the ES|QL parser.
pub fn check_syntax(text: &str) -> Result<(), SyntaxError> {
    let _ = text;
    Err(SyntaxError {
        position: Position { line: 1, column: 1 },
        message: "the ES|QL parser is not wired in yet (waiting for esql::parse)".to_owned(),
    })
}

/// Runs `detsim parse`.
pub fn run(
    config: &ParseConfig,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> anyhow::Result<ExitStatus> {
    run_with(config, out, err, check_syntax)
}

/// Counts for the summary line.
#[derive(Debug, Default, PartialEq, Eq)]
struct Counts {
    parsed: usize,
    failed: usize,
    skipped: usize,
}

/// `run` with the syntax check passed in (tests use a fake one).
fn run_with(
    config: &ParseConfig,
    out: &mut dyn Write,
    err: &mut dyn Write,
    check: impl Fn(&str) -> Result<(), SyntaxError>,
) -> anyhow::Result<ExitStatus> {
    let mut counts = Counts::default();
    for input in inputs(&config.paths) {
        match input {
            Input::Query(query) => {
                let result = check(&query.text);
                if result.is_ok() {
                    counts.parsed += 1;
                } else {
                    counts.failed += 1;
                }
                match config.format {
                    OutputFormat::Human => write_query_human(out, &query, &result),
                    OutputFormat::Json => write_query_json(out, &query, &result),
                }
                .context("writing to stdout")?;
            }
            Input::Skipped { label, reason } => {
                counts.skipped += 1;
                match config.format {
                    OutputFormat::Human => writeln!(out, "skipped {label}: {reason}"),
                    OutputFormat::Json => writeln!(err, "notice: skipped {label}: {reason}"),
                }
                .context("writing the report")?;
            }
            Input::FileError(error) => {
                counts.failed += 1;
                match config.format {
                    OutputFormat::Human => write_file_error(out, &error),
                    OutputFormat::Json => write_file_error_json(out, &error),
                }
                .context("writing to stdout")?;
            }
        }
    }
    if config.format == OutputFormat::Human {
        write!(out, "{} parsed, {} failed", counts.parsed, counts.failed)
            .context("writing to stdout")?;
        if counts.skipped > 0 {
            write!(out, ", {} skipped", counts.skipped).context("writing to stdout")?;
        }
        writeln!(out).context("writing to stdout")?;
    }
    Ok(ExitStatus::failure_if(counts.failed > 0))
}

fn write_query_human(
    out: &mut dyn Write,
    query: &QuerySource,
    result: &Result<(), SyntaxError>,
) -> std::io::Result<()> {
    let Err(error) = result else {
        return writeln!(out, "ok {}", query.label());
    };
    let at = query.file_position(error.position);
    writeln!(
        out,
        "error: {}:{}:{}: {}",
        query.path.display(),
        at.line,
        at.column,
        error.message
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
            error.position.line, error.position.column
        )?;
    }
    write_snippet(out, query.file_text(), at)
}

/// One line of `--json` output.
#[derive(Serialize)]
struct JsonLine<'a> {
    path: &'a str,
    query_index: Option<usize>,
    ok: bool,
    line: Option<u32>,
    column: Option<u32>,
    message: Option<&'a str>,
}

fn write_json(out: &mut dyn Write, line: &JsonLine<'_>) -> std::io::Result<()> {
    serde_json::to_writer(&mut *out, line)?;
    out.write_all(b"\n")
}

fn write_query_json(
    out: &mut dyn Write,
    query: &QuerySource,
    result: &Result<(), SyntaxError>,
) -> std::io::Result<()> {
    let path = query.path.display().to_string();
    let error = result.as_ref().err();
    write_json(
        out,
        &JsonLine {
            path: &path,
            query_index: Some(query.index),
            ok: error.is_none(),
            line: error.map(|e| e.position.line),
            column: error.map(|e| e.position.column),
            message: error.map(|e| e.message.as_str()),
        },
    )
}

fn write_file_error_json(out: &mut dyn Write, error: &RuleError) -> std::io::Result<()> {
    let path = error.path.display().to_string();
    let message = error.message();
    write_json(
        out,
        &JsonLine {
            path: &path,
            query_index: None,
            ok: false,
            line: error.position.map(|p| p.line),
            column: error.position.map(|p| p.column),
            message: Some(&message),
        },
    )
}
