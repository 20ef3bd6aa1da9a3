//! `detsim tune --rule R [--data DIR]`: sweeps the numeric literals of the WHERE after the rule's last
//! STATS and its look-back, scores every variant as `detsim score` does (on its schedule unless
//! `--no-schedule`), prints one precision/recall table per sweep and writes the curve as SVG.
//!
//! Without `--data`, the dataset is generated in memory as `detsim run` does (seed 1, 40 hosts, 24 h,
//! every scenario unless overridden).

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context as _, anyhow};
use clap::Args;
use detsim::run::dataset::Dataset;
use detsim::run::job::{JobConfig, spec_for};
use detsim::run::rule::load_rules;
use detsim::tune::plot::render_svg;
use detsim::tune::sweep::{SweepPlan, sweep};
use detsim::tune::{Number, knobs, table};
use esql::Catalog;
use generators::time::Span;

use super::eval::EngineKind;
use super::run::{engine, parse_span, report_load, selection};
use super::score::scenarios;
use crate::cli::exit::ExitStatus;

/// Flags of `detsim tune`.
#[derive(Debug, Args)]
pub struct TuneArgs {
    /// The rule file (a detection-rules TOML, a hunting TOML or an `.esql` file).
    #[arg(long, value_name = "RULE")]
    pub rule: PathBuf,
    /// A dataset folder written by `detsim generate`; without it the default dataset of
    /// `detsim run` is generated in memory.
    #[arg(long, value_name = "DIR")]
    pub data: Option<PathBuf>,
    /// Which query of a file holding several (hunting files), 0-based.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub query: usize,
    /// Candidate values for the literals (`1,2,3,5,8`); default: around each literal's value.
    #[arg(long, value_name = "LIST", value_delimiter = ',')]
    pub values: Option<Vec<String>>,
    /// Sweep only this literal (1-based, in query order; see the notice listing them).
    #[arg(long, value_name = "N")]
    pub literal: Option<usize>,
    /// Look-back widths (`30m,61m,2h`); default: the rule's own and ½ … 4 × its interval.
    #[arg(long, value_name = "LIST", value_delimiter = ',', value_parser = parse_span)]
    pub lookbacks: Option<Vec<Span>>,
    /// Where to write the SVG plot.
    #[arg(long, value_name = "FILE.svg", default_value = "tune.svg")]
    pub out: PathBuf,
    /// A folder of extra scenario files (`*.toml`).
    #[arg(long, value_name = "DIR")]
    pub scenarios: Option<PathBuf>,
    /// The evaluator.
    #[arg(long, value_enum, default_value = "optimized")]
    pub engine: EngineKind,
    /// Evaluate the whole dataset once per variant instead of simulating the schedule (no
    /// look-back sweep then).
    #[arg(long)]
    pub no_schedule: bool,
    /// Dataset seed (generated dataset only).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Hosts (generated dataset only).
    #[arg(long, default_value_t = 40)]
    pub hosts: u32,
    /// Simulated period (generated dataset only).
    #[arg(long, default_value = "24h", value_parser = parse_span)]
    pub duration: Span,
}

/// Reads a `--values` item as an integer or a decimal.
fn number(text: &str) -> anyhow::Result<Number> {
    let t = text.trim();
    if let Ok(i) = t.parse::<i64>() {
        return Ok(Number::Integer(i));
    }
    match t.parse::<f64>() {
        Ok(d) if d.is_finite() => Ok(Number::Decimal(d)),
        _ => Err(anyhow!("--values: `{t}` is not a number")),
    }
}

/// Runs `detsim tune`.
pub fn run(args: TuneArgs, out: &mut dyn Write, err: &mut dyn Write) -> anyhow::Result<ExitStatus> {
    let catalog = Catalog::elastic_defend();
    let loaded = load_rules(std::slice::from_ref(&args.rule), &catalog);
    if report_load(&loaded, err)? {
        return Ok(ExitStatus::Failure);
    }
    let count = loaded.rules.len();
    let rule = loaded.rules.get(args.query).ok_or_else(|| {
        anyhow!(
            "{}: query {} asked, the file has {count} runnable ES|QL quer{}",
            args.rule.display(),
            args.query,
            if count == 1 { "y" } else { "ies" }
        )
    })?;
    if count > 1 {
        writeln!(
            err,
            "notice: {} holds {count} queries; tuning query {} ({}), pick another with --query",
            args.rule.display(),
            args.query,
            rule.label
        )?;
    }
    let found = knobs(&rule.query);
    if found.is_empty() {
        writeln!(
            err,
            "notice: {}: no numeric literal in a WHERE after the last STATS; sweeping the look-back only",
            rule.label
        )?;
    } else {
        for (i, k) in found.iter().enumerate() {
            writeln!(err, "literal {}: {}", i + 1, k.context)?;
        }
    }
    if args.no_schedule && found.is_empty() {
        return Err(anyhow!(
            "{}: nothing to sweep: no post-STATS numeric literal, and --no-schedule leaves no look-back",
            rule.label
        ));
    }
    if args.no_schedule {
        writeln!(
            err,
            "notice: --no-schedule evaluates the whole dataset once: the look-back is not swept"
        )?;
    }
    let values = match &args.values {
        Some(v) => Some(v.iter().map(|s| number(s)).collect::<anyhow::Result<_>>()?),
        None => None,
    };
    let plan = SweepPlan {
        values,
        literal: match args.literal {
            Some(0) => return Err(anyhow!("--literal counts from 1")),
            n => n.map(|n| n - 1),
        },
        lookbacks: args.lookbacks.as_ref().map(|v| {
            v.iter()
                .map(|s| std::time::Duration::from_secs_f64(s.as_secs_f64()))
                .collect()
        }),
        no_lookback: args.no_schedule,
    };

    let spec = spec_for(std::iter::once(rule));
    let data = match &args.data {
        Some(dir) => Dataset::load(dir, spec, &scenarios(args.scenarios.as_deref())?)?,
        None => {
            let mut builder = generators::Builder::new()
                .seed(args.seed)
                .hosts(args.hosts)
                .duration(args.duration)
                .scenarios(selection("all"));
            if let Some(dir) = &args.scenarios {
                builder = builder.add_scenarios(generators::scenario::load_dir(dir)?);
            }
            Dataset::generate(builder, spec)?
        }
    };
    let cfg = JobConfig {
        engine: engine(args.engine),
        no_schedule: args.no_schedule,
    };
    let sweeps = sweep(rule, &data, cfg, &plan, &catalog)?;
    writeln!(
        out,
        "dataset: {} ({} documents, {} attack events); rule: {}; variants {}",
        data.description,
        data.store.documents(),
        data.truth.labels.len(),
        rule.name,
        if args.no_schedule {
            "evaluated once over the whole dataset"
        } else {
            "run on their schedules"
        }
    )?;
    let mut failed = false;
    for s in &sweeps {
        writeln!(out)?;
        write!(out, "{}", table::render(s))?;
        failed |= s.rows.iter().any(|r| r.outcome.is_err());
    }
    let svg = render_svg(&rule.name, &sweeps)?;
    std::fs::write(&args.out, svg).with_context(|| format!("writing {}", args.out.display()))?;
    writeln!(out)?;
    writeln!(out, "plot: {}", args.out.display())?;
    Ok(ExitStatus::failure_if(failed))
}
