//! Resolved settings (the "high" arguments): what each subcommand will actually do, built from
//! the raw flags of [`super::args`]. Defaults and derived values are decided here, once.

use std::path::PathBuf;

use esql::Catalog;

use super::args::{CheckArgs, ParseArgs};

/// How results are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    /// Lines for people: `ok …`, errors with a caret snippet, a summary line.
    Human,
    /// One JSON object per query, nothing else on stdout (notices go to stderr).
    Json,
}

/// Settings of `detsim parse`.
#[derive(Debug, Clone)]
pub struct ParseConfig {
    /// Files and folders to read, in the order given.
    pub paths: Vec<PathBuf>,
    /// Output format.
    pub format: OutputFormat,
}

impl ParseConfig {
    /// Resolves the flags.
    pub fn from_args(args: ParseArgs) -> ParseConfig {
        ParseConfig {
            paths: args.paths,
            format: if args.json {
                OutputFormat::Json
            } else {
                OutputFormat::Human
            },
        }
    }
}

/// Settings of `detsim check`.
#[derive(Debug, Clone)]
pub struct CheckConfig {
    /// Files and folders to read, in the order given.
    pub paths: Vec<PathBuf>,
    /// The indices and mappings queries are analyzed against: the shipped Elastic Defend catalog.
    pub catalog: Catalog,
}

impl CheckConfig {
    /// Resolves the flags.
    pub fn from_args(args: CheckArgs) -> CheckConfig {
        CheckConfig {
            paths: args.paths,
            catalog: Catalog::elastic_defend(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_flag_selects_the_json_format() {
        let cfg = ParseConfig::from_args(ParseArgs {
            json: true,
            paths: vec!["a".into()],
        });
        assert_eq!(cfg.format, OutputFormat::Json);
        let cfg = ParseConfig::from_args(ParseArgs {
            json: false,
            paths: vec!["a".into()],
        });
        assert_eq!(cfg.format, OutputFormat::Human);
        assert_eq!(cfg.paths, vec![PathBuf::from("a")]);
    }
}
