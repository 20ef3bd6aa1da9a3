//! `csv-spec`: runs Elasticsearch's csv-spec golden tests through detsim's front end and the reference
//! evaluator, prints every failure with a diff, and ends with `N passed, N failed, N skipped`.
//!
//! Usage: `cargo run -p oracles --bin csv-spec -- [--data DIR] [--list-skips] [--filter TEXT] [--verbose] FILES…`
//! FILES are `*.csv-spec` files or directories of them (default `../shared/esql-spec`); the datasets are
//! read from `--data` (default: the directory of the first file). Exit status 1 if any test failed.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use oracles::ReferenceEvaluator;
use oracles::csv_spec::{
    Datasets, Outcome, Runner, Summary, describe_failure, esql_front_end, read_spec_file,
    spec_files,
};

struct Args {
    files: Vec<PathBuf>,
    data: Option<PathBuf>,
    list_skips: bool,
    filter: Option<String>,
    verbose: bool,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        files: vec![],
        data: None,
        list_skips: false,
        filter: None,
        verbose: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        match a.as_str() {
            "--list-skips" => args.list_skips = true,
            "--verbose" | "-v" => args.verbose = true,
            "--data" => args.data = Some(it.next().ok_or("--data needs a directory")?.into()),
            "--filter" => args.filter = Some(it.next().ok_or("--filter needs a text")?),
            "-h" | "--help" => {
                return Err(
                    "usage: csv-spec [--data DIR] [--list-skips] [--filter TEXT] [--verbose] FILES…".into(),
                );
            }
            f if f.starts_with("--") => return Err(format!("unknown option {f}")),
            f => args.files.push(f.into()),
        }
    }
    if args.files.is_empty() {
        args.files.push(default_spec_dir());
    }
    Ok(args)
}

/// `../shared/esql-spec` relative to the workspace root.
fn default_spec_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/esql-spec")
}

fn run() -> Result<bool, String> {
    let args = parse_args()?;
    let mut files = Vec::new();
    for f in &args.files {
        if f.is_dir() {
            files.extend(spec_files(f).map_err(|e| e.to_string())?);
        } else {
            files.push(f.clone());
        }
    }
    let data_dir = match &args.data {
        Some(d) => d.clone(),
        None => files
            .first()
            .and_then(|f| f.parent())
            .map(Path::to_path_buf)
            .ok_or("no csv-spec files given")?,
    };
    let datasets = Datasets::load(&data_dir).map_err(|e| e.to_string())?;
    let evaluator = ReferenceEvaluator::new();
    let runner = Runner::new(&datasets, &evaluator, &esql_front_end);
    let mut results = Vec::new();
    for f in &files {
        let tests = read_spec_file(f).map_err(|e| e.to_string())?;
        for t in &tests {
            if args
                .filter
                .as_ref()
                .is_some_and(|flt| !t.name.contains(flt.as_str()))
            {
                continue;
            }
            if args.verbose {
                eprintln!("RUN {}:{} {}", t.file, t.line, t.name);
            }
            results.push(runner.run(t));
        }
    }
    for r in &results {
        if matches!(r.outcome, Outcome::Failed(_)) {
            println!("{}\n", describe_failure(r));
        }
    }
    if args.list_skips {
        for r in &results {
            if let Outcome::Skipped(why) = &r.outcome {
                println!("SKIPPED {}:{} {}: {why}", r.file, r.line, r.name);
            }
        }
    }
    let summary = Summary::of(&results);
    println!("{summary}");
    Ok(summary.failed == 0)
}

fn main() -> ExitCode {
    match run() {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("csv-spec: {e}");
            ExitCode::from(2)
        }
    }
}
