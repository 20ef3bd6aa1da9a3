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

use super::check::write_query_error;
use crate::cli::config::{OutputFormat, ParseConfig};
use crate::cli::exit::ExitStatus;
use crate::cli::inputs::{Input, inputs};
use crate::cli::report::write_file_error;

/// A syntax error at a 1-based position of the query text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    /// Where, in the query text.
    pub position: Position,
    /// The message, without the position.
    pub message: String,
}

/// Parses `text`: the one place the CLI calls the ES|QL parser.
pub fn parse_query(text: &str) -> Result<esql::ast::Query, SyntaxError> {
    esql::parse(text).map_err(|e| SyntaxError {
        position: e.position(),
        message: e.message,
    })
}

/// Syntax only: whether `text` parses.
pub fn check_syntax(text: &str) -> Result<(), SyntaxError> {
    parse_query(text).map(drop)
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
    match result {
        Ok(()) => writeln!(out, "ok {}", query.label()),
        Err(error) => write_query_error(out, query, error.position, &error.message),
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::test_utils::{Scratch, fake_syntax};

    const RULE: &str = "[rule]\nname = \"r\"\nrule_id = \"1\"\ntype = \"esql\"\nseverity = \"low\"\n\
                        risk_score = 1\nquery = '''\nfrom a\n| wher x\n'''\n";
    const HUNT: &str = "[hunt]\nname = \"h\"\nlanguage = [\"ES|QL\", \"SQL\"]\n\
                        query = [\"from a\", \"SELECT 1\", '''\nfrom b | wher y''']\n";

    fn run_on(dir: &Scratch, format: OutputFormat) -> (ExitStatus, String, String) {
        let config = ParseConfig {
            paths: vec![dir.path().to_owned()],
            format,
        };
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let status = run_with(&config, &mut out, &mut err, fake_syntax).unwrap();
        let root = format!("{}/", dir.path().display());
        let clean = |b: Vec<u8>| String::from_utf8(b).unwrap().replace(&root, "");
        (status, clean(out), clean(err))
    }

    fn corpus(name: &str) -> Scratch {
        let dir = Scratch::new(name);
        dir.write("a_good.esql", "from logs-*\n| limit 1");
        dir.write("b_bad.esql", "from logs-*\n| wher x");
        dir.write("c/rule.toml", RULE);
        dir.write("c/hunt.toml", HUNT);
        dir.write("d_broken.toml", "[rule\n");
        dir.write("notes.txt", "ignored: not a rule file");
        dir
    }

    #[test]
    fn human_output_has_ok_lines_errors_with_carets_and_a_summary() {
        let dir = corpus("human");
        let (status, out, err) = run_on(&dir, OutputFormat::Human);
        assert_eq!(status, ExitStatus::Failure);
        assert_eq!(err, "");
        let expected = "\
ok a_good.esql
error: b_bad.esql:2:3: mismatched input 'wher'
  |
2 | | wher x
  |   ^
ok c/hunt.toml#0
skipped c/hunt.toml#1: not ES|QL (starts with `SELECT`)
error: c/hunt.toml:5:10: mismatched input 'wher'
  --> query #2, query line 1:10
  |
5 | from b | wher y''']
  |          ^
error: c/rule.toml:9:3: mismatched input 'wher'
  --> query line 2:3
  |
9 | | wher x
  |   ^
error: d_broken.toml:1:6: invalid TOML: unclosed table, expected `]`
  |
1 | [rule
  |      ^
2 parsed, 4 failed, 1 skipped
";
        assert_eq!(out, expected);
    }

    #[test]
    fn json_output_is_one_object_per_query_and_nothing_else() {
        let dir = corpus("json");
        let (status, out, err) = run_on(&dir, OutputFormat::Json);
        assert_eq!(status, ExitStatus::Failure);
        let expected = r#"{"path":"a_good.esql","query_index":0,"ok":true,"line":null,"column":null,"message":null}
{"path":"b_bad.esql","query_index":0,"ok":false,"line":2,"column":3,"message":"mismatched input 'wher'"}
{"path":"c/hunt.toml","query_index":0,"ok":true,"line":null,"column":null,"message":null}
{"path":"c/hunt.toml","query_index":2,"ok":false,"line":1,"column":10,"message":"mismatched input 'wher'"}
{"path":"c/rule.toml","query_index":0,"ok":false,"line":2,"column":3,"message":"mismatched input 'wher'"}
{"path":"d_broken.toml","query_index":null,"ok":false,"line":1,"column":6,"message":"invalid TOML: unclosed table, expected `]`"}
"#;
        assert_eq!(out, expected);
        assert_eq!(
            err,
            "notice: skipped c/hunt.toml#1: not ES|QL (starts with `SELECT`)\n"
        );
    }

    #[test]
    fn all_good_exits_zero_and_omits_the_skip_count() {
        let dir = Scratch::new("good");
        dir.write("q.esql", "row a = 1");
        let (status, out, _) = run_on(&dir, OutputFormat::Human);
        assert_eq!(status, ExitStatus::Success);
        assert_eq!(out, "ok q.esql\n1 parsed, 0 failed\n");
    }

    #[test]
    fn an_empty_folder_is_noticed_as_skipped() {
        let dir = Scratch::new("empty");
        dir.write("notes.txt", "nothing to parse");
        let (status, out, _) = run_on(&dir, OutputFormat::Human);
        assert_eq!(status, ExitStatus::Success);
        assert_eq!(
            out,
            format!(
                "skipped {}: no .toml or .esql files found\n0 parsed, 0 failed, 1 skipped\n",
                dir.path().display()
            )
        );
    }

    #[test]
    fn a_missing_path_is_a_failure_not_a_crash() {
        let config = ParseConfig {
            paths: vec!["/nonexistent/detsim/path".into()],
            format: OutputFormat::Human,
        };
        let mut out = Vec::new();
        let status = run_with(&config, &mut out, &mut Vec::new(), fake_syntax).unwrap();
        assert_eq!(status, ExitStatus::Failure);
        let out = String::from_utf8(out).unwrap();
        assert!(
            out.starts_with("error: /nonexistent/detsim/path: cannot read: "),
            "{out}"
        );
        assert!(out.ends_with("0 parsed, 1 failed\n"), "{out}");
    }

    #[test]
    fn a_closed_pipe_surfaces_as_a_broken_pipe_error() {
        struct Closed;
        impl Write for Closed {
            fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
                Err(std::io::ErrorKind::BrokenPipe.into())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let dir = Scratch::new("pipe");
        dir.write("q.esql", "row a = 1");
        let config = ParseConfig {
            paths: vec![dir.path().to_owned()],
            format: OutputFormat::Human,
        };
        let err = run_with(&config, &mut Closed, &mut Vec::new(), fake_syntax).unwrap_err();
        assert!(crate::cli::is_broken_pipe(&err));
    }
}
