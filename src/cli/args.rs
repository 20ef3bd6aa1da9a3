//! Raw command-line flags, exactly as typed (the "low" arguments).
//!
//! This file only declares what the user can type and its help text; turning flags into settings
//! (defaults, derived values, the catalog to analyze against) happens in [`super::config`].
//! Each subcommand has one `…Args` struct here and one file in [`super::cmd`].
//!
//! Adding a subcommand: a variant in [`Command`], its `…Args` struct (here, or in its `cmd/` file
//! when another engineer owns it), a resolver in `config.rs` and an arm in `dispatch.rs`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// detsim: test Elastic ES|QL detection rules offline.
#[derive(Debug, Parser)]
#[command(name = "detsim", version, propagate_version = true)]
#[command(
    about = "Test Elastic ES|QL detection rules offline, with generated Elastic Defend telemetry"
)]
pub struct Cli {
    /// The subcommand to run.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check the syntax of the ES|QL queries in rule files, hunting files and `.esql` files.
    Parse(ParseArgs),
    /// Parse and analyze queries against the shipped Elastic Defend mappings.
    Check(CheckArgs),
    /// Run a rule's query over NDJSON data and print the results.
    Eval(super::cmd::eval::EvalArgs),
    /// Generate a labelled Elastic Defend dataset (NDJSON, `_bulk` or Parquet) from a simulated fleet.
    Generate(super::cmd::generate::GenerateArgs),
    /// Generate a dataset in memory, run every rule on its schedule, and score the alerts.
    Run(super::cmd::run::RunArgs),
    /// Check rules against the attack scenarios targeting them (regression suite); exit 1 on failure.
    Test(super::cmd::test::TestArgs),
    /// Score one rule (or a folder of rules) on a dataset written by `detsim generate`.
    Score(super::cmd::score::ScoreArgs),
    /// Sweep a rule's post-STATS thresholds and look-back; print precision/recall, plot it as SVG.
    Tune(super::cmd::tune::TuneArgs),
    /// Compare another engine's result (Elasticsearch `_query` JSON, or CSV) with detsim's.
    Compare(super::cmd::compare::CompareArgs),
}

/// Flags of `detsim parse`.
#[derive(Debug, Args)]
pub struct ParseArgs {
    /// Print one JSON object per query (`{"path","query_index","ok","line","column","message"}`)
    /// and nothing else.
    #[arg(long)]
    pub json: bool,

    /// Rule files (`*.toml`), hunting files (`*.toml` with `[hunt]`), `*.esql` files, or folders
    /// searched recursively for them.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
}

/// Flags of `detsim check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Rule files, hunting files, `*.esql` files, or folders searched recursively for them.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;
    use clap::error::ErrorKind;

    fn parse(argv: &[&str]) -> Result<Cli, clap::Error> {
        Cli::try_parse_from(std::iter::once("detsim").chain(argv.iter().copied()))
    }

    #[test]
    fn definitions_are_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn parse_takes_paths_and_json() {
        let cli = parse(&["parse", "--json", "a.toml", "dir"]).unwrap();
        let Command::Parse(args) = cli.command else {
            panic!("expected parse")
        };
        assert!(args.json);
        assert_eq!(
            args.paths,
            vec![PathBuf::from("a.toml"), PathBuf::from("dir")]
        );

        let Command::Parse(args) = parse(&["parse", "x.esql"]).unwrap().command else {
            panic!("expected parse")
        };
        assert!(!args.json);
    }

    #[test]
    fn parse_requires_a_path() {
        let err = parse(&["parse"]).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::MissingRequiredArgument);
        assert_eq!(err.exit_code(), 2);
    }

    #[test]
    fn check_takes_paths() {
        let Command::Check(args) = parse(&["check", "rules/"]).unwrap().command else {
            panic!("expected check")
        };
        assert_eq!(args.paths, vec![PathBuf::from("rules/")]);
        assert_eq!(parse(&["check"]).unwrap_err().exit_code(), 2);
    }

    #[test]
    fn unknown_subcommands_and_flags_are_usage_errors() {
        assert_eq!(parse(&["frobnicate"]).unwrap_err().exit_code(), 2);
        assert_eq!(parse(&["parse", "--yaml", "x"]).unwrap_err().exit_code(), 2);
    }
}
