//! `detsim run`: the main job. Generates a dataset in memory (by default 40 hosts, 24 h, every
//! scenario, seed 1), runs every rule of `rules/` on its Kibana schedule, and prints per rule the
//! alerts, true and false positives, precision, recall over the `detect` instances, the `miss`
//! instances indeed missed, and false positives per host-day; then one line per attack instance.
//!
//! Rules that fail to load are reported on stderr and make the exit status 1; the others still run.

use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

use anyhow::anyhow;
use clap::Args;
use detsim::run::dataset::Dataset;
use detsim::run::job::{JobConfig, RuleReport, run_rules, spec_for};
use detsim::run::report::{render_instances, render_table};
use detsim::run::rule::{LoadedRules, load_rules};
use detsim::schedule::EngineKind as ScheduleEngine;
use esql::Catalog;
use generators::ScenarioSelection;
use generators::scenario::load_dir;
use generators::time::Span;

use super::eval::EngineKind;
use crate::cli::exit::ExitStatus;

/// Flags of `detsim run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Rule files or folders (detection-rules TOML, hunting TOML, `.esql`).
    #[arg(long, value_name = "DIR", default_value = "rules")]
    pub rules: Vec<PathBuf>,
    /// Dataset seed.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Number of hosts in the fleet.
    #[arg(long, default_value_t = 40)]
    pub hosts: u32,
    /// Length of the simulated period (`90m`, `24h`, `7d`).
    #[arg(long, default_value = "24h", value_parser = parse_span)]
    pub duration: Span,
    /// Scenarios: `all`, `none`, or a comma-separated list of ids.
    #[arg(long, default_value = "all")]
    pub scenarios: String,
    /// A folder of extra scenario files (`*.toml`), added to the shipped ones.
    #[arg(long, value_name = "DIR")]
    pub scenario_dir: Option<PathBuf>,
    /// The evaluator.
    #[arg(long, value_enum, default_value = "optimized")]
    pub engine: EngineKind,
    /// Evaluate the whole dataset once instead of simulating each rule's schedule.
    #[arg(long)]
    pub no_schedule: bool,
    /// Do not print the per-instance lines under the table.
    #[arg(long)]
    pub quiet: bool,
}

/// Parses a `--duration` value.
pub fn parse_span(s: &str) -> Result<Span, String> {
    Span::parse(s).map_err(|e| e.to_string())
}

/// The scenario selection of a `--scenarios` value.
pub fn selection(text: &str) -> ScenarioSelection {
    match text.trim() {
        "all" => ScenarioSelection::All,
        "none" => ScenarioSelection::None,
        list => ScenarioSelection::Ids(
            list.split(',')
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty())
                .collect(),
        ),
    }
}

/// Reports rules that failed or were skipped; true when some failed.
pub fn report_load(loaded: &LoadedRules, err: &mut dyn Write) -> std::io::Result<bool> {
    for (label, reason) in &loaded.skipped {
        writeln!(err, "skipped: {label}: {reason}")?;
    }
    for e in &loaded.errors {
        writeln!(err, "error: {e}")?;
    }
    Ok(!loaded.errors.is_empty())
}

/// Maps the CLI's engine flag to the scheduler's.
pub fn engine(kind: EngineKind) -> ScheduleEngine {
    match kind {
        EngineKind::Optimized => ScheduleEngine::Optimized,
        EngineKind::Reference => ScheduleEngine::Reference,
    }
}

/// Writes the table and the per-instance lines of `reports`.
pub fn write_reports(
    out: &mut dyn Write,
    reports: &[RuleReport],
    quiet: bool,
) -> std::io::Result<()> {
    write!(out, "{}", render_table(reports))?;
    if !quiet {
        for r in reports {
            if r.score.instances.is_empty() {
                continue;
            }
            writeln!(out)?;
            writeln!(out, "{}:", r.rule.name)?;
            write!(out, "{}", render_instances(r))?;
        }
    }
    Ok(())
}

/// Runs `detsim run`.
/// Runs every loaded rule over `data` (scheduled unless `no_schedule`), prints the dataset line, the
/// score tables and the rules' warnings; returns whether some rule failed to run.
pub fn score_and_report(
    loaded: &LoadedRules,
    data: &Dataset,
    engine_kind: EngineKind,
    no_schedule: bool,
    quiet: bool,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> std::io::Result<bool> {
    let cfg = JobConfig {
        engine: engine(engine_kind),
        no_schedule,
    };
    let mut reports = Vec::new();
    let mut run_failed = false;
    for (rule, r) in loaded.rules.iter().zip(run_rules(&loaded.rules, data, cfg)) {
        match r {
            Ok(r) => reports.push(r),
            Err(e) => {
                run_failed = true;
                writeln!(err, "error: {}: {e}", rule.label)?;
            }
        }
    }
    writeln!(
        out,
        "dataset: {} ({} documents, {} attack events); rules {}",
        data.description,
        data.store.documents(),
        data.truth.labels.len(),
        if no_schedule {
            "evaluated once over the whole dataset"
        } else {
            "run on their schedules"
        }
    )?;
    writeln!(out)?;
    write_reports(out, &reports, quiet)?;
    for r in &reports {
        for w in &r.alerts.warnings {
            writeln!(err, "warning: {}: {w}", r.rule.label)?;
        }
    }
    Ok(run_failed)
}

pub fn run(args: RunArgs, out: &mut dyn Write, err: &mut dyn Write) -> anyhow::Result<ExitStatus> {
    let started = Instant::now();
    let catalog = Catalog::elastic_defend();
    let loaded = load_rules(&args.rules, &catalog);
    let failed = report_load(&loaded, err)?;
    if loaded.rules.is_empty() {
        return Err(anyhow!("no runnable rule found under {:?}", args.rules));
    }
    let mut builder = generators::Builder::new()
        .seed(args.seed)
        .hosts(args.hosts)
        .duration(args.duration)
        .scenarios(selection(&args.scenarios));
    if let Some(dir) = &args.scenario_dir {
        builder = builder.add_scenarios(load_dir(dir)?);
    }
    let data = Dataset::generate(builder, spec_for(&loaded.rules))?;
    let generated = started.elapsed();
    if data.store.rejected > 0 {
        writeln!(
            err,
            "warning: {} generated documents were rejected at indexing",
            data.store.rejected
        )?;
        for m in &data.store.first_rejections {
            writeln!(err, "  {m}")?;
        }
    }
    let run_failed = score_and_report(
        &loaded,
        &data,
        args.engine,
        args.no_schedule,
        args.quiet,
        out,
        err,
    )?;
    writeln!(
        err,
        "done in {:.1}s (dataset {:.1}s, rules {:.1}s)",
        started.elapsed().as_secs_f64(),
        generated.as_secs_f64(),
        (started.elapsed() - generated).as_secs_f64()
    )?;
    Ok(ExitStatus::failure_if(failed || run_failed))
}
