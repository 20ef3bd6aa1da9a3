//! `detsim score --rule R --data DIR`: scores one rule (or every rule of a folder) on a dataset written
//! by `detsim generate` — the same table and per-instance lines as `detsim run`, on data from disk.
//! The dataset's `labels.ndjson` and `manifest.json` give the ground truth; the scenarios (shipped, plus
//! `--scenarios DIR`) say which rules each attack instance targets.

use std::io::Write;
use std::path::PathBuf;

use anyhow::anyhow;
use clap::Args;
use detsim::run::dataset::Dataset;
use detsim::run::job::spec_for;
use detsim::run::rule::load_rules;
use esql::Catalog;
use generators::scenario::{Scenario, builtin, load_dir};

use super::eval::EngineKind;
use super::run::{report_load, score_and_report};
use crate::cli::exit::ExitStatus;

/// Flags of `detsim score`.
#[derive(Debug, Args)]
pub struct ScoreArgs {
    /// The rule file (or a folder of rules).
    #[arg(long, value_name = "RULE", required = true)]
    pub rule: Vec<PathBuf>,
    /// A dataset folder written by `detsim generate` (NDJSON files, labels.ndjson, manifest.json).
    #[arg(long, value_name = "DIR")]
    pub data: PathBuf,
    /// A folder of extra scenario files (`*.toml`), for datasets generated with them.
    #[arg(long, value_name = "DIR")]
    pub scenarios: Option<PathBuf>,
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

/// The shipped scenarios, with those of `dir` added (an extra one replaces a shipped one of its id).
pub fn scenarios(dir: Option<&std::path::Path>) -> anyhow::Result<Vec<Scenario>> {
    let mut all = builtin().map_err(|e| anyhow!("the shipped scenarios: {e}"))?;
    if let Some(dir) = dir {
        let extra = load_dir(dir)?;
        all.retain(|s| !extra.iter().any(|x| x.id == s.id));
        all.extend(extra);
    }
    Ok(all)
}

/// Runs `detsim score`.
pub fn run(
    args: ScoreArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> anyhow::Result<ExitStatus> {
    let catalog = Catalog::elastic_defend();
    let loaded = load_rules(&args.rule, &catalog);
    let failed = report_load(&loaded, err)?;
    if loaded.rules.is_empty() {
        return Err(anyhow!("no runnable rule found in {:?}", args.rule));
    }
    let scenarios = scenarios(args.scenarios.as_deref())?;
    let data = Dataset::load(&args.data, spec_for(&loaded.rules), &scenarios)?;
    let run_failed = score_and_report(
        &loaded,
        &data,
        args.engine,
        args.no_schedule,
        args.quiet,
        out,
        err,
    )?;
    Ok(ExitStatus::failure_if(failed || run_failed))
}
