//! Runs the chosen subcommand with stdout and stderr, and returns its exit status.

use std::io::{BufWriter, Write};

use anyhow::Context;

use super::args::{Cli, Command};
use super::cmd;
use super::config::{CheckConfig, ParseConfig};
use super::exit::ExitStatus;

/// Runs `cli`'s subcommand. Non-fatal problems are reported by the command and show in the
/// returned status; an `Err` is a fatal error (or a closed output pipe, see `is_broken_pipe`).
pub fn run(cli: Cli) -> anyhow::Result<ExitStatus> {
    let mut out = BufWriter::new(std::io::stdout().lock());
    let mut err = std::io::stderr().lock();
    let status = match cli.command {
        Command::Parse(args) => cmd::parse::run(&ParseConfig::from_args(args), &mut out, &mut err)?,
        Command::Check(args) => cmd::check::run(&CheckConfig::from_args(args), &mut out, &mut err)?,
        Command::Eval(args) => cmd::eval::run(args, &mut out, &mut err)?,
        Command::Generate(args) => cmd::generate::run(args, &mut out, &mut err)?,
        Command::Run(args) => cmd::run::run(args, &mut out, &mut err)?,
        Command::Test(args) => cmd::test::run(args, &mut out, &mut err)?,
        Command::Score(args) => cmd::score::run(args, &mut out, &mut err)?,
        Command::Tune(args) => cmd::tune::run(args, &mut out, &mut err)?,
        Command::Compare(args) => cmd::compare::run(args, &mut out, &mut err)?,
    };
    out.flush().context("writing to stdout")?;
    Ok(status)
}
