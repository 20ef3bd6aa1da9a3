//! The command line: raw flags ([`args`]), resolved settings ([`config`]), one file per subcommand
//! ([`cmd`]), the dispatcher and the exit status.
//!
//! The CLI lives in the binary crate: it is the only part of detsim that reads argv and prints.
//! Everything it does goes through the `detsim` and `esql` libraries.

pub mod args;
pub mod cmd;
pub mod config;
mod dispatch;
mod exit;
mod inputs;
mod report;
#[cfg(test)]
mod test_utils;

pub use args::Cli;
pub use dispatch::run;
pub use exit::{ExitStatus, is_broken_pipe};
