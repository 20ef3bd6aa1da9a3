//! `detsim compare --rule R --data DIR --actual FILE`: evaluates the rule over the dataset with detsim
//! (as `detsim eval` does: the whole dataset once) and compares another engine's result with it —
//! Elasticsearch's `_query` JSON response, or CSV with a header row (`*.csv`).
//!
//! Row order is only checked where the query's final SORT defines it (ties compare as multisets),
//! multi-valued cells compare as multisets, and rows are paired on the last STATS's BY columns (or
//! `_id`, or `--key`) so a changed value shows as one differing row. Exit status: 0 equal,
//! 1 differences, 2 errors (unreadable or malformed input, a rule that does not evaluate).

use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::anyhow;
use clap::{Args, ValueEnum};
use detsim::compare::diff::{Comparison, OrderCheck};
use detsim::compare::{CompareOptions, QueryShape, Table, compare};
use detsim::engine::inputs::ndjson_files::{OnError, load};
use detsim::engine::inputs::read::{ReadOptions, eval_files};
use detsim::engine::{EngineConfig, EngineKernel, OptimizedEvaluator};
use detsim::rules::load_file;
use esql::{Catalog, EvalOptions, Evaluator, ResultTable};
use oracles::ReferenceEvaluator;
use serde_json::Value as Json;

use super::eval::EngineKind;
use crate::cli::exit::ExitStatus;

/// Output formats of `detsim compare`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CompareFormat {
    /// A readable report.
    Text,
    /// One JSON object (`equal`, `columns`, `missing`, `extra`, `differing`, `order`, …).
    Json,
}

/// Flags of `detsim compare`.
#[derive(Debug, Args)]
pub struct CompareArgs {
    /// The rule file (its first ES|QL query).
    #[arg(long, value_name = "RULE")]
    pub rule: PathBuf,
    /// The dataset the other engine was loaded with (a `detsim generate` folder, or NDJSON files).
    #[arg(long, value_name = "DIR", required = true, num_args = 1..)]
    pub data: Vec<PathBuf>,
    /// The other engine's result: a `_query` JSON response, or a `.csv` file with a header row.
    #[arg(long, value_name = "FILE")]
    pub actual: PathBuf,
    /// Columns that identify a row (default: the last STATS's BY columns, else `_id`).
    #[arg(long, value_name = "COL,COL", value_delimiter = ',')]
    pub key: Option<Vec<String>>,
    /// detsim's evaluator.
    #[arg(long, value_enum, default_value = "optimized")]
    pub engine: EngineKind,
    /// `NOW()` for the evaluation (epoch milliseconds), to match the other engine's run.
    #[arg(long, value_name = "MILLIS")]
    pub now: Option<i64>,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    pub format: CompareFormat,
}

/// Runs `detsim compare`; every error is reported here and exits with status 2.
pub fn run(
    args: CompareArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> anyhow::Result<ExitStatus> {
    match compare_files(&args) {
        Ok(c) => {
            match args.format {
                CompareFormat::Json => {
                    let mut v = serde_json::to_value(&c)?;
                    if let Json::Object(m) = &mut v {
                        m.insert("equal".into(), Json::Bool(c.is_equal()));
                    }
                    writeln!(out, "{v}")?;
                }
                CompareFormat::Text => write_report(out, &c)?,
            }
            Ok(ExitStatus::failure_if(!c.is_equal()))
        }
        Err(e) => {
            writeln!(err, "error: {e:#}")?;
            Ok(ExitStatus::Usage)
        }
    }
}

/// Evaluates the rule and compares.
fn compare_files(args: &CompareArgs) -> anyhow::Result<Comparison> {
    let actual = Table::read(&args.actual)?;
    let label = args.rule.display().to_string();
    let file = load_file(&args.rule).map_err(|e| anyhow!("{}", e.message()))?;
    let query = file
        .queries
        .first()
        .ok_or_else(|| anyhow!("{label}: no ES|QL query in this file"))?;
    let catalog = Catalog::elastic_defend();
    let ast = esql::parse(&query.text).map_err(|e| anyhow!("{label}: {e}"))?;
    let plan = esql::analyze(&ast, &catalog).map_err(|e| anyhow!("{label}: {e}"))?;
    let mut opts = EvalOptions::default();
    if let Some(now) = args.now {
        opts.now_millis = now;
    }
    let table = evaluate(args, &plan, &catalog, &opts).map_err(|e| anyhow!("{label}: {e}"))?;
    let expected = Table::from_result(&table);
    let names: Vec<String> = expected.columns.iter().map(|c| c.name.clone()).collect();
    let shape = QueryShape::of(&ast, &names);
    let options = CompareOptions {
        key_columns: args.key.clone().unwrap_or(shape.key_columns),
        sort_columns: shape.sort_columns,
    };
    Ok(compare(&expected, &actual, &options))
}

/// The rule's result over `--data`: the fast readers when they serve the plan, else ingest.
fn evaluate(
    args: &CompareArgs,
    plan: &esql::Plan,
    catalog: &Catalog,
    opts: &EvalOptions,
) -> anyhow::Result<ResultTable> {
    if args.engine == EngineKind::Optimized {
        let kernel = EngineKernel::new();
        let options = ReadOptions::default();
        if let Some((table, _)) = eval_files(plan, &args.data, catalog, opts, &kernel, options)
            .map_err(|e| anyhow!("{e}"))?
        {
            return Ok(table);
        }
    }
    let loaded = load(&args.data, catalog, OnError::Fail).map_err(|e| anyhow!("{e}"))?;
    let table = match args.engine {
        EngineKind::Optimized => OptimizedEvaluator::new(
            Arc::new(EngineKernel::new()),
            EngineConfig::default(),
        )
        .run(plan, &loaded.source, opts),
        EngineKind::Reference => ReferenceEvaluator::new().run(plan, &loaded.source, opts),
    };
    table.map_err(|e| anyhow!("{e}"))
}

fn cell(v: &Json) -> String {
    v.to_string()
}

fn row(r: &detsim::compare::diff::Row) -> String {
    r.iter()
        .map(|(k, v)| format!("{k}={}", cell(v)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Writes the readable report.
fn write_report(out: &mut dyn Write, c: &Comparison) -> std::io::Result<()> {
    writeln!(
        out,
        "detsim: {} rows; actual: {} rows; rows paired on: {}",
        c.expected_rows,
        c.actual_rows,
        if c.key_columns.is_empty() {
            "(no key)".to_owned()
        } else {
            c.key_columns.join(", ")
        }
    )?;
    for n in &c.columns.missing {
        writeln!(out, "column missing: {n}")?;
    }
    for n in &c.columns.extra {
        writeln!(out, "column extra: {n}")?;
    }
    for t in &c.columns.types {
        writeln!(
            out,
            "column type differs: {}: detsim {}, actual {}",
            t.column, t.expected, t.actual
        )?;
    }
    if let Some((e, a)) = &c.columns.order {
        writeln!(
            out,
            "column order differs: detsim [{}], actual [{}]",
            e.join(", "),
            a.join(", ")
        )?;
    }
    for r in &c.missing {
        writeln!(out, "missing: {}", row(r))?;
    }
    for r in &c.extra {
        writeln!(out, "extra: {}", row(r))?;
    }
    for d in &c.differing {
        writeln!(out, "differing: {}", row(&d.key))?;
        for x in &d.cells {
            writeln!(
                out,
                "  {}: detsim {}, actual {}",
                x.column,
                cell(&x.expected),
                cell(&x.actual)
            )?;
        }
    }
    match &c.order {
        OrderCheck::Unordered => writeln!(
            out,
            "order: not defined by the query (rows compared as a multiset)"
        )?,
        OrderCheck::Agrees { columns } => {
            writeln!(out, "order: agrees (SORT {})", columns.join(", "))?
        }
        OrderCheck::NotChecked => writeln!(out, "order: not checked (rows differ)")?,
        OrderCheck::Differs {
            columns,
            row,
            expected,
            actual,
        } => writeln!(
            out,
            "order differs at row {row} (SORT {}): detsim {}, actual {}",
            columns.join(", "),
            Json::Array(expected.clone()),
            Json::Array(actual.clone())
        )?,
    }
    writeln!(
        out,
        "{}: {} missing, {} extra, {} differing",
        if c.is_equal() { "equal" } else { "DIFFERENT" },
        c.missing.len(),
        c.extra.len(),
        c.differing.len()
    )
}
