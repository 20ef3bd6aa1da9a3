//! `detsim test`: the rule regression checks for a folder of rules (and scenario files), as
//! `cargo test` runs them for `rules/`: on a small deterministic dataset with every scenario that targets
//! one of the rules, each `detect` instance must be detected and each `miss` instance missed. Prints one
//! line per check and `N passed, N failed`; the exit status is 1 when a check failed or no scenario
//! targets any of the rules (nothing was tested).

use std::io::Write;
use std::path::PathBuf;

use clap::Args;
use detsim::regress::{Suite, SuiteConfig};

use super::eval::EngineKind;
use super::run::engine;
use crate::cli::exit::ExitStatus;

/// Flags of `detsim test`.
#[derive(Debug, Args)]
pub struct TestArgs {
    /// Rule files or folders (detection-rules TOML, hunting TOML, `.esql`).
    #[arg(long, value_name = "DIR", default_value = "rules")]
    pub rules: Vec<PathBuf>,
    /// A folder of scenario files (`*.toml`), added to the shipped ones (same id: replaces it).
    #[arg(long, value_name = "DIR")]
    pub scenarios: Option<PathBuf>,
    /// Dataset seed.
    #[arg(long, default_value_t = SuiteConfig::default().seed)]
    pub seed: u64,
    /// Number of hosts in the fleet.
    #[arg(long, default_value_t = SuiteConfig::default().hosts)]
    pub hosts: u32,
    /// Length of the simulated period (`90m`, `6h`, `2d`).
    #[arg(long, default_value = "6h", value_parser = super::run::parse_span)]
    pub duration: generators::time::Span,
    /// The evaluator.
    #[arg(long, value_enum, default_value = "optimized")]
    pub engine: EngineKind,
}

/// Runs `detsim test`.
pub fn run(args: TestArgs, out: &mut dyn Write, err: &mut dyn Write) -> anyhow::Result<ExitStatus> {
    let suite = Suite::load(&args.rules, args.scenarios.as_deref())?;
    if suite.rules.is_empty() {
        anyhow::bail!("no runnable rule found under {:?}", args.rules);
    }
    let cfg = SuiteConfig {
        seed: args.seed,
        hosts: args.hosts,
        duration: args.duration,
        engine: engine(args.engine),
    };
    let report = suite.run(&cfg)?;
    write!(out, "{}", report.render())?;
    if report.cases.is_empty() {
        writeln!(
            err,
            "error: no scenario targets these rules (scenarios name rules by rule_id), so nothing was tested"
        )?;
        return Ok(ExitStatus::Failure);
    }
    Ok(ExitStatus::failure_if(report.failed() > 0))
}
