//! `detsim eval`: run a rule's query over NDJSON or Parquet data with the optimized (or reference)
//! evaluator.
//!
//! The rule file's first ES|QL query is parsed and analyzed against the shipped Elastic Defend catalog;
//! `--data` folders and files give `<index>.ndjson` / `<index>.parquet` files. With the optimized engine
//! (`--input fast`, the default) the files are streamed straight into columns, reading only the fields
//! the query needs (`engine::inputs::read`); `--input ingest` (and the reference engine) index every
//! document through `esql::ingest` into memory first. Results go to
//! stdout as a table, JSON rows, or the `_query` API response (`--format esql`); warnings and notices go to
//! stderr. With `--now`, `NOW()` is that instant, and a detection rule's `from` look-back becomes the
//! time-range filter on its `timestamp_override` (or `@timestamp`), as Kibana's rule executor applies it.
//! A malformed or rejected NDJSON line stops the run with its file and line (`--on-error fail`, the
//! default) or is counted and reported (`--on-error skip`).

use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context as _, anyhow};
use clap::{Args, ValueEnum};
use detsim::engine::inputs::ndjson_files::{OnError, load};
use detsim::engine::inputs::read::{FileKind, ReadOptions, ReadReport, data_files, eval_files};
use detsim::engine::{EngineConfig, EngineKernel, OptimizedEvaluator};
use detsim::rules::{RuleFileKind, load_file};
use esql::table::value_to_json;
use esql::{Catalog, EvalOptions, Evaluator, ResultTable, TimeRange};
use oracles::ReferenceEvaluator;

use crate::cli::exit::ExitStatus;

/// Which evaluator runs the query.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EngineKind {
    /// The columnar engine.
    Optimized,
    /// The row-at-a-time reference evaluator.
    Reference,
}

/// How results are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// An aligned, readable table.
    Table,
    /// One JSON object per row (`{"column": value, …}`), one per line.
    Json,
    /// The body of Elasticsearch's `_query` response.
    Esql,
}

/// What to do with malformed or rejected NDJSON lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OnErrorArg {
    /// Stop with the file and line of the first bad line.
    Fail,
    /// Count bad lines, report them on stderr, and go on.
    Skip,
}

/// How data files are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InputArg {
    /// Stream NDJSON/Parquet into columns, reading only the needed fields (optimized engine only).
    Fast,
    /// Index every document through `esql::ingest` into memory (NDJSON only).
    Ingest,
}

/// Flags of `detsim eval`.
#[derive(Debug, Args)]
pub struct EvalArgs {
    /// The rule: a detection-rule TOML, a hunting TOML (first ES|QL query) or an `.esql` file.
    #[arg(long, value_name = "FILE")]
    pub rule: PathBuf,
    /// Dataset folders (their `*.ndjson` files) or `<index>.ndjson` files.
    #[arg(long, value_name = "DIR|FILE", required = true, num_args = 1..)]
    pub data: Vec<PathBuf>,
    /// The evaluator.
    #[arg(long, value_enum, default_value = "optimized")]
    pub engine: EngineKind,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
    /// The evaluation instant (RFC 3339, e.g. `2026-01-01T12:00:00Z`, or epoch milliseconds).
    #[arg(long, value_name = "TIME")]
    pub now: Option<String>,
    /// Malformed NDJSON lines: fail (default) or skip and count.
    #[arg(long, value_enum, default_value = "fail")]
    pub on_error: OnErrorArg,
    /// How data files are read.
    #[arg(long, value_enum, default_value = "fast")]
    pub input: InputArg,
    /// Worker threads (default: all cores).
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
    /// Print the time spent reading and evaluating, and the throughput, on stderr.
    #[arg(long)]
    pub timing: bool,
    /// Target bytes of NDJSON per block (one block becomes one column chunk; for benchmarks).
    #[arg(long, value_name = "BYTES", hide = true)]
    pub block_bytes: Option<usize>,
}

fn parse_now(text: &str) -> anyhow::Result<i64> {
    // A bare number is epoch milliseconds here (ES's date parser would read `1500` as a year).
    let is_number = !text.is_empty()
        && text
            .trim_start_matches('-')
            .bytes()
            .all(|b| b.is_ascii_digit());
    let nanos = if is_number {
        esql::ingest::date::parse_epoch_millis(text)
    } else {
        esql::ingest::date::parse_strict_date_optional_time(text)
    };
    nanos
        .and_then(esql::ingest::date::nanos_to_millis)
        .ok_or_else(|| {
            anyhow!("--now: cannot read [{text}] as a date (RFC 3339 or epoch milliseconds)")
        })
}

/// Runs `detsim eval`.
pub fn run(args: EvalArgs, out: &mut dyn Write, err: &mut dyn Write) -> anyhow::Result<ExitStatus> {
    let file = load_file(&args.rule).map_err(|e| anyhow!("{}", e.message()))?;
    let query = file
        .queries
        .first()
        .ok_or_else(|| anyhow!("{}: no ES|QL query in this file", args.rule.display()))?;
    let catalog = Catalog::elastic_defend();
    let ast = esql::parse(&query.text).map_err(|e| anyhow!("{}: {e}", args.rule.display()))?;
    let plan =
        esql::analyze(&ast, &catalog).map_err(|e| anyhow!("{}: {e}", args.rule.display()))?;

    let mut opts = EvalOptions::default();
    if let Some(now) = &args.now {
        opts.now_millis = parse_now(now)?;
        if let RuleFileKind::Detection(rule) = &file.kind
            && let Some(from) = rule.from
        {
            opts.time_range = Some(TimeRange {
                field: rule
                    .timestamp_override
                    .clone()
                    .unwrap_or_else(|| "@timestamp".into()),
                start: opts.now_millis - from.as_millis() as i64,
                end: opts.now_millis,
            });
        }
    }

    let on_error = match args.on_error {
        OnErrorArg::Fail => OnError::Fail,
        OnErrorArg::Skip => OnError::Skip,
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.threads.unwrap_or(0))
        .build()
        .context("starting worker threads")?;
    let started = std::time::Instant::now();
    let (table, read, notices) =
        pool.install(|| evaluate(&args, &plan, &catalog, &opts, on_error))?;
    for n in notices {
        writeln!(err, "notice: {n}")?;
    }
    let elapsed = started.elapsed().as_secs_f64();
    for f in &read.unmapped_files {
        writeln!(
            err,
            "notice: {}: no mapping for this index name; not loaded",
            f.display()
        )?;
    }
    if read.skipped > 0 {
        writeln!(
            err,
            "warning: skipped {} malformed or rejected NDJSON lines",
            read.skipped
        )?;
        for e in &read.first_errors {
            writeln!(
                err,
                "  {}:{}: {}",
                e.file.as_deref().unwrap_or("<input>"),
                e.line,
                e.error
            )?;
        }
    }
    if args.timing {
        writeln!(
            err,
            "timing: {} documents, {} bytes in {elapsed:.3} s: {:.0} documents/s, {:.1} MB/s ({} lines via ingest)",
            read.documents,
            read.bytes,
            read.documents as f64 / elapsed.max(1e-9),
            read.bytes as f64 / 1e6 / elapsed.max(1e-9),
            read.slow_lines,
        )?;
    }

    for w in &table.warnings {
        writeln!(err, "warning: {w}")?;
    }
    match args.format {
        Format::Esql => writeln!(out, "{}", table.to_query_json())?,
        Format::Json => write_json_rows(out, &table)?,
        Format::Table => write_table(out, &table)?,
    }
    if read.documents == 0 {
        writeln!(err, "notice: no documents were loaded from --data")?;
    }
    Ok(ExitStatus::Success)
}

/// Reads the data and runs the query: the fast file readers when they can serve the plan, else the
/// in-memory ingest path.
fn evaluate(
    args: &EvalArgs,
    plan: &esql::Plan,
    catalog: &Catalog,
    opts: &EvalOptions,
    on_error: OnError,
) -> anyhow::Result<(ResultTable, ReadReport, Vec<String>)> {
    let mut notices = Vec::new();
    if args.engine == EngineKind::Optimized && args.input == InputArg::Fast {
        let mut options = ReadOptions {
            on_error,
            ..ReadOptions::default()
        };
        if let Some(b) = args.block_bytes {
            options.block_bytes = b;
        }
        let kernel = EngineKernel::new();
        let fast = eval_files(plan, &args.data, catalog, opts, &kernel, options)
            .map_err(|e| anyhow!("{e}"))
            .with_context(|| format!("evaluating {} over --data", args.rule.display()))?;
        if let Some((table, report)) = fast {
            return Ok((table, report, notices));
        }
        notices.push(
            "this query needs the in-memory ingest path (METADATA _ignored, or DISSECT/GROK early)"
                .into(),
        );
    }
    let files = data_files(&args.data).map_err(|e| anyhow!("{e}"))?;
    if let Some((p, _)) = files.iter().find(|(_, k)| *k == FileKind::Parquet) {
        anyhow::bail!(
            "{}: Parquet files are read by the optimized engine with --input fast only",
            p.display()
        );
    }
    let loaded = load(&args.data, catalog, on_error).context("loading --data")?;
    let bytes = files
        .iter()
        .filter_map(|(p, _)| std::fs::metadata(p).ok().map(|m| m.len()))
        .sum();
    let table = match args.engine {
        EngineKind::Optimized => OptimizedEvaluator::new(
            Arc::new(EngineKernel::new()),
            EngineConfig::default(),
        )
        .run(plan, &loaded.source, opts),
        EngineKind::Reference => ReferenceEvaluator::new().run(plan, &loaded.source, opts),
    }
    .map_err(|e| anyhow!("{}: {e}", args.rule.display()))?;
    let report = ReadReport {
        documents: loaded.documents,
        skipped: loaded.skipped,
        first_errors: loaded.first_errors,
        bytes,
        slow_lines: loaded.documents,
        files: files.len(),
        unmapped_files: loaded.unmapped_files,
    };
    Ok((table, report, notices))
}

fn write_json_rows(out: &mut dyn Write, t: &ResultTable) -> std::io::Result<()> {
    for row in &t.rows {
        let mut obj = serde_json::Map::new();
        for (c, v) in t.columns.iter().zip(row) {
            obj.insert(c.name.clone(), value_to_json(v));
        }
        writeln!(out, "{}", serde_json::Value::Object(obj))?;
    }
    Ok(())
}

/// Writes an aligned table: a header of `name (type)`, then one line per row.
pub fn write_table(out: &mut dyn Write, t: &ResultTable) -> std::io::Result<()> {
    let header: Vec<String> = t
        .columns
        .iter()
        .map(|c| format!("{} ({})", c.name, c.data_type))
        .collect();
    let cells: Vec<Vec<String>> = t
        .rows
        .iter()
        .map(|r| r.iter().map(|v| v.to_string()).collect())
        .collect();
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in &cells {
        for (w, c) in widths.iter_mut().zip(row) {
            *w = (*w).max(c.chars().count());
        }
    }
    let line = |out: &mut dyn Write, items: &[String]| -> std::io::Result<()> {
        let parts: Vec<String> = items
            .iter()
            .zip(&widths)
            .map(|(s, w)| format!("{s}{}", " ".repeat(w - s.chars().count())))
            .collect();
        writeln!(out, "{}", parts.join(" | ").trim_end())
    };
    line(out, &header)?;
    writeln!(
        out,
        "{}",
        widths
            .iter()
            .map(|w| "-".repeat(*w))
            .collect::<Vec<_>>()
            .join("-+-")
    )?;
    for row in &cells {
        line(out, row)?;
    }
    writeln!(out, "({} rows)", t.rows.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use esql::{Column, DataType, Value};

    #[test]
    fn table_aligns_columns_and_counts_rows() {
        let t = ResultTable {
            columns: vec![
                Column::new("a", DataType::Keyword),
                Column::new("n", DataType::Long),
            ],
            rows: vec![
                vec![Value::keyword("xyz"), Value::Long(1)],
                vec![
                    Value::Multi(vec![Value::keyword("p"), Value::keyword("q")]),
                    Value::Null,
                ],
            ],
            warnings: vec![],
        };
        let mut buf = Vec::new();
        write_table(&mut buf, &t).unwrap();
        let s = String::from_utf8(buf).unwrap();
        assert_eq!(
            s,
            "a (keyword) | n (long)\n------------+---------\nxyz         | 1\n[p, q]      | null\n(2 rows)\n"
        );
    }

    #[test]
    fn now_reads_rfc3339_and_epoch_millis() {
        assert_eq!(parse_now("1970-01-01T00:00:01Z").unwrap(), 1000);
        assert_eq!(parse_now("1500").unwrap(), 1500);
        assert!(parse_now("yesterday").is_err());
    }
}
