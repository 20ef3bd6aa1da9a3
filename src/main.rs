//! The `detsim` binary: parse the command line, run the subcommand, map the outcome to an exit code.
//!
//! Exit codes: 0 success, 1 findings or failure (a query that does not parse, an I/O error, …),
//! 2 usage error (clap). A closed output pipe (`detsim parse … | head`) counts as success.

mod cli;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    // `Cli::parse` prints usage errors and exits with status 2 (0 for --help/--version).
    let args = cli::Cli::parse();
    match cli::run(args) {
        Ok(status) => status.into(),
        Err(err) if cli::is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            cli::ExitStatus::Failure.into()
        }
    }
}
