//! `detsim generate`: simulate a fleet running Elastic Defend and write a labelled dataset folder.
//!
//! Documents go to one file per data stream (`ndjson`, `_bulk` with `create` actions, or Parquet),
//! ground truth to `labels.ndjson`, and `manifest.json` records the version, seed, full configuration,
//! counts and the SHA-256 of every file. The same flags give byte-identical folders; `--shard i/n`
//! writes the hosts whose index ≡ i (mod n), so parts made on different machines add up to the whole.
//! A progress bar (simulated time) is drawn on stderr when it is a terminal. A bad flag, profile or
//! scenario file stops the run with the file, line and column and the offending line with a caret.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context as _, anyhow};
use clap::{Args, ValueEnum};
use detsim::dataset::{Format, WriteOptions, write_world};
use generators::scenario::{LoadError, SourceError, load_dir};
use generators::time::{Span, Timestamp};
use generators::{Builder, Profile, ScenarioSelection, Shard};

use crate::cli::exit::ExitStatus;
use crate::cli::report::write_snippet;

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    /// One document (`_source`) per line.
    Ndjson,
    /// Elasticsearch `_bulk` bodies (`create` actions, as data streams require).
    Bulk,
    /// Parquet with dotted column names and list columns for multi-valued fields.
    Parquet,
}

/// Flags of `detsim generate`.
#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// Master seed: the same seed and flags give byte-identical output.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Number of hosts in the fleet.
    #[arg(long, default_value_t = 40)]
    pub hosts: u32,
    /// Length of the simulated period (`90m`, `24h`, `7d`).
    #[arg(long, default_value = "24h", value_parser = parse_span)]
    pub duration: Span,
    /// Start of the period (RFC 3339).
    #[arg(long, default_value = generators::config::DEFAULT_START_TEXT, value_parser = parse_start)]
    pub start: Timestamp,
    /// Scenarios to run: `all`, `none`, or a comma-separated list of ids.
    #[arg(long, default_value = "all")]
    pub scenarios: String,
    /// A folder of extra scenario files (`*.toml`), added to the shipped ones.
    #[arg(long, value_name = "DIR")]
    pub scenario_dir: Option<PathBuf>,
    /// A fleet profile (TOML: role weights, activity, event aggregation).
    #[arg(long, value_name = "FILE")]
    pub profile: Option<PathBuf>,
    /// Output folder (created if missing).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Document format.
    #[arg(long, value_enum, default_value_t = FormatArg::Ndjson)]
    pub format: FormatArg,
    /// Generate one part of the fleet: `i/n` (0-based), hosts whose index ≡ i (mod n).
    #[arg(long, value_parser = parse_shard)]
    pub shard: Option<Shard>,
    /// Also write each attack event's label inside the document, under `labels.*`.
    #[arg(long)]
    pub inline_labels: bool,
    /// Do not draw a progress bar.
    #[arg(long)]
    pub no_progress: bool,
}

fn parse_span(s: &str) -> Result<Span, String> {
    Span::parse(s).map_err(|e| e.to_string())
}

fn parse_start(s: &str) -> Result<Timestamp, String> {
    Timestamp::parse_rfc3339(s).map_err(|e| e.to_string())
}

fn parse_shard(s: &str) -> Result<Shard, String> {
    Shard::parse(s)
}

/// Reports a file error with its line and a caret, and turns it into a fatal error.
fn source_error(err: &mut dyn Write, e: &SourceError, text: Option<&str>) -> anyhow::Error {
    let _ = writeln!(err, "error: {e}");
    if let Some(text) = text {
        let pos = esql::Position {
            line: e.line as u32,
            column: e.column as u32,
        };
        let _ = write_snippet(err, text, pos);
    }
    anyhow!("invalid input file {}", e.file)
}

/// Runs `detsim generate`.
pub fn run(
    args: GenerateArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> anyhow::Result<ExitStatus> {
    let profile = match &args.profile {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("reading profile {}", path.display()))?;
            Profile::parse(&path.display().to_string(), &text)
                .map_err(|e| source_error(err, &e, Some(&text)))?
        }
        None => Profile::default(),
    };
    let selection = match args.scenarios.trim() {
        "all" => ScenarioSelection::All,
        "none" => ScenarioSelection::None,
        list => ScenarioSelection::Ids(
            list.split(',')
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect(),
        ),
    };
    let mut builder = Builder::new()
        .seed(args.seed)
        .hosts(args.hosts)
        .start(args.start)
        .duration(args.duration)
        .scenarios(selection)
        .profile(profile)
        .shard(args.shard.unwrap_or(Shard::WHOLE));
    if let Some(dir) = &args.scenario_dir {
        match load_dir(dir) {
            Ok(extra) => builder = builder.add_scenarios(extra),
            Err(LoadError::Invalid(e)) => {
                let text = std::fs::read_to_string(&e.file).ok();
                return Err(source_error(err, &e, text.as_deref()));
            }
            Err(e) => return Err(e.into()),
        }
    }
    let world = builder.build()?;
    let start = args.start;
    let total_secs = args.duration.as_secs_f64().max(1.0) as u64;
    let bar = if args.no_progress {
        indicatif::ProgressBar::hidden()
    } else {
        let b = indicatif::ProgressBar::with_draw_target(
            Some(total_secs),
            indicatif::ProgressDrawTarget::stderr(),
        );
        if let Ok(style) = indicatif::ProgressStyle::with_template(
            "{elapsed_precise} [{bar:40}] {percent}% of simulated time, {msg}",
        ) {
            b.set_style(style.progress_chars("=> "));
        }
        b
    };
    let format = match args.format {
        FormatArg::Ndjson => Format::Ndjson,
        FormatArg::Bulk => Format::Bulk,
        FormatArg::Parquet => Format::Parquet,
    };
    let options = WriteOptions {
        format,
        inline_labels: args.inline_labels,
    };
    let mut progress = |n: u64, t: Timestamp| {
        bar.set_position(((t.0 - start.0).max(0) / 1_000_000_000) as u64);
        bar.set_message(format!("{n} events"));
    };
    let manifest = write_world(world, &args.out, options, &mut progress)?;
    bar.finish_and_clear();
    writeln!(
        out,
        "wrote {} events, {} labels to {}",
        manifest.counts.total,
        manifest.labels,
        args.out.display()
    )?;
    for f in &manifest.files {
        writeln!(
            out,
            "  {:<48} {:>10} records {:>14} bytes",
            f.path, f.records, f.bytes
        )?;
    }
    let skipped: Vec<_> = manifest
        .instances
        .iter()
        .filter(|i| i.skipped.is_some())
        .collect();
    for i in &skipped {
        writeln!(
            err,
            "note: scenario {} instance {} skipped: {}",
            i.scenario,
            i.instance,
            i.skipped.as_deref().unwrap_or("")
        )?;
    }
    let failures: u64 = manifest
        .host_stats
        .values()
        .map(|s| s.scenario_failures)
        .sum();
    if failures > 0 {
        writeln!(
            err,
            "note: {failures} scenario instance(s) found no process to bind on their host (see manifest.json host_stats)"
        )?;
    }
    Ok(ExitStatus::Success)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Debug, Parser)]
    struct Wrap {
        #[command(flatten)]
        args: GenerateArgs,
    }

    #[test]
    fn flags_parse_and_bad_values_are_rejected() {
        let w = Wrap::try_parse_from([
            "x",
            "--out",
            "d",
            "--duration",
            "90m",
            "--shard",
            "1/4",
            "--format",
            "parquet",
        ])
        .unwrap();
        assert_eq!(w.args.duration, Span::mins(90));
        assert_eq!(w.args.shard, Some(Shard { index: 1, count: 4 }));
        assert_eq!(w.args.format, FormatArg::Parquet);
        assert!(Wrap::try_parse_from(["x", "--out", "d", "--duration", "soon"]).is_err());
        assert!(Wrap::try_parse_from(["x", "--out", "d", "--shard", "4/4"]).is_err());
        assert!(Wrap::try_parse_from(["x", "--out", "d", "--start", "yesterday"]).is_err());
        assert!(Wrap::try_parse_from(["x"]).is_err());
    }
}
