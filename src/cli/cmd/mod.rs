//! One file per subcommand. Each has `run(config, out, err) -> anyhow::Result<ExitStatus>`: it
//! writes results to `out`, notices to `err`, and returns `Err` only for fatal errors.

pub mod check;
pub mod compare;
pub mod eval;
pub mod generate;
pub mod parse;
pub mod run;
pub mod score;
pub mod test;
pub mod tune;
