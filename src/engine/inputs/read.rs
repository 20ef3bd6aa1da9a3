//! Evaluating a plan straight over dataset files (NDJSON or Parquet, one file per data stream):
//! files are grouped by index, only the indices the FROM patterns select are read, and only the needed
//! columns of them; chunks stream into the engine's [`Run`] as they are parsed.
//!
//! Oracle twin: `ndjson_files::load` into a `MemorySource`, then `OptimizedEvaluator::run`. Invariant:
//! the rows reach the engine in the reference's scan order — indices in name order, files of one index
//! in the order they were given, lines in file order — so the result (rows, columns, warnings) equals
//! the in-memory path's for every dataset ingest accepts, whatever the thread count and block size.
//! Differences, by design and documented for the CLI: files of indices the query does not read are not
//! opened (so their bad lines are not reported), and values of fields the query does not read are not
//! type-checked.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use esql::catalog::pattern_list_matches;
use esql::ingest::LocatedError;
use esql::plan::Source;
use esql::{Catalog, EvalError, EvalOptions, Mapping, Plan, ResultTable};

use super::layout::Layout;
use super::ndjson_files::OnError;
use super::{ndjson_fast, parquet_fast};
use crate::engine::evaluator::Run;
use crate::engine::prune::needed_columns;
use crate::engine::{EngineConfig, RowKernel};

/// Bad lines kept in a report (the rest are only counted).
pub const KEPT_ERRORS: usize = 20;

/// Why reading or evaluating stopped.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// A file or folder could not be read.
    #[error("{path}: {message}")]
    Io {
        /// The path.
        path: String,
        /// What went wrong.
        message: String,
    },
    /// A bad NDJSON line under [`OnError::Fail`].
    #[error("{}:{}: {}", .0.file.as_deref().unwrap_or("<input>"), .0.line, .0.error)]
    Line(Box<LocatedError>),
    /// A Parquet file that cannot be read as `detsim generate` writes them.
    #[error("{path}: row group {row_group}: {message}")]
    Parquet {
        /// The file.
        path: String,
        /// The row group.
        row_group: usize,
        /// What went wrong.
        message: String,
    },
    /// The engine failed.
    #[error(transparent)]
    Eval(#[from] EvalError),
}

/// What was read, and what was left out.
#[derive(Debug, Default)]
pub struct ReadReport {
    /// Documents read (in the indices the query reads, before the time-range filter).
    pub documents: u64,
    /// Bad lines skipped under [`OnError::Skip`].
    pub skipped: u64,
    /// The first skipped lines' errors (at most [`KEPT_ERRORS`]).
    pub first_errors: Vec<LocatedError>,
    /// Bytes of data files read.
    pub bytes: u64,
    /// Lines the fast walker handed to the exact ingest path.
    pub slow_lines: u64,
    /// Files read.
    pub files: usize,
    /// Data files whose name maps to no index of the catalog (not read).
    pub unmapped_files: Vec<PathBuf>,
}

/// The kind of a data file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// One JSON document per line.
    Ndjson,
    /// `detsim generate --format parquet`.
    Parquet,
}

/// How files are read.
#[derive(Debug, Clone, Copy)]
pub struct ReadOptions {
    /// Bad lines: stop or count.
    pub on_error: OnError,
    /// Target bytes per NDJSON block (one block → one chunk).
    pub block_bytes: usize,
    /// Engine configuration.
    pub engine: EngineConfig,
}

impl Default for ReadOptions {
    fn default() -> ReadOptions {
        ReadOptions {
            on_error: OnError::Fail,
            block_bytes: 8 << 20,
            engine: EngineConfig::default(),
        }
    }
}

/// The data files of `paths`: folders give their `*.ndjson` and `*.parquet` files in name order.
pub fn data_files(paths: &[PathBuf]) -> Result<Vec<(PathBuf, FileKind)>, ReadError> {
    let kind = |p: &std::path::Path| match p.extension().and_then(|e| e.to_str()) {
        Some("ndjson") => Some(FileKind::Ndjson),
        Some("parquet") => Some(FileKind::Parquet),
        _ => None,
    };
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut files: Vec<PathBuf> = std::fs::read_dir(p)
                .map_err(|e| ReadError::Io {
                    path: p.display().to_string(),
                    message: e.to_string(),
                })?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| kind(f).is_some())
                .collect();
            files.sort();
            out.extend(files.into_iter().map(|f| {
                let k = kind(&f).unwrap_or(FileKind::Ndjson);
                (f, k)
            }));
        } else if p.exists() {
            out.push((p.clone(), kind(p).unwrap_or(FileKind::Ndjson)));
        } else {
            return Err(ReadError::Io {
                path: p.display().to_string(),
                message: "no such file or folder".into(),
            });
        }
    }
    Ok(out)
}

/// Files grouped by the index their stem names, in index-name order.
type Grouped = BTreeMap<String, (Arc<Mapping>, Vec<(PathBuf, FileKind)>)>;

fn group(
    files: Vec<(PathBuf, FileKind)>,
    catalog: &Catalog,
    report: &mut ReadReport,
) -> Result<Grouped, ReadError> {
    let mut by_index: Grouped = BTreeMap::new();
    for (path, kind) in files {
        let index = path.file_stem().and_then(|s| s.to_str()).map(str::to_owned);
        let Some((index, mapping)) = index.and_then(|i| catalog.mapping_for(&i).map(|m| (i, m)))
        else {
            report.unmapped_files.push(path);
            continue;
        };
        let entry = by_index
            .entry(index)
            .or_insert_with(|| (mapping, Vec::new()));
        if entry.1.iter().any(|(_, k)| *k != kind) {
            return Err(ReadError::Io {
                path: path.display().to_string(),
                message: "this index has both NDJSON and Parquet files; give one format".into(),
            });
        }
        entry.1.push((path, kind));
    }
    Ok(by_index)
}

/// Evaluates `plan` over the data files of `paths` (see the module doc). `Ok(None)`: the plan needs
/// something the fast readers do not serve (`METADATA _ignored`, DISSECT/GROK before the first
/// blocking step, a `ROW` source); the caller uses the in-memory path.
pub fn eval_files(
    plan: &Plan,
    paths: &[PathBuf],
    catalog: &Catalog,
    opts: &EvalOptions,
    kernel: &dyn RowKernel,
    options: ReadOptions,
) -> Result<Option<(ResultTable, ReadReport)>, ReadError> {
    let Source::From(from) = &plan.source else {
        return Ok(None);
    };
    let Some(mut run) = Run::new(plan, kernel, opts, options.engine) else {
        return Ok(None);
    };
    let mut report = ReadReport::default();
    let grouped = group(data_files(paths)?, catalog, &mut report)?;
    let needed = needed_columns(plan);
    let mut layouts = Vec::new();
    for (index, (mapping, files)) in &grouped {
        if !pattern_list_matches(&from.patterns, index) {
            continue;
        }
        match Layout::new(
            from,
            needed.source(),
            index,
            mapping.clone(),
            opts.time_range.as_ref(),
            options.engine.dictionary,
        ) {
            Ok(l) => layouts.push((l, files)),
            Err(_) => return Ok(None),
        }
    }
    if run.done() {
        return Ok(Some((run.finish()?, report)));
    }
    let mut next_chunk = 0u32;
    let mut sink = |mut chunks: Vec<crate::engine::frame::Chunk>| -> Result<bool, ReadError> {
        for c in &mut chunks {
            c.index = next_chunk;
            next_chunk += 1;
        }
        run.chunks(&chunks)?;
        Ok(!run.done())
    };
    'outer: for (layout, files) in &layouts {
        for (path, kind) in files.iter() {
            report.files += 1;
            let mut go_on = true;
            let mut wrapped = |chunks| {
                go_on = sink(chunks)?;
                Ok(go_on)
            };
            match kind {
                FileKind::Ndjson => ndjson_fast::read_file(
                    layout,
                    path,
                    options.block_bytes,
                    options.on_error,
                    &mut report,
                    &mut wrapped,
                )?,
                FileKind::Parquet => {
                    let pre = super::parquet_prefilter::Prefilter::new(plan, layout, kernel, opts);
                    parquet_fast::read_file_filtered(
                        layout,
                        pre.as_ref(),
                        path,
                        &mut report,
                        &mut wrapped,
                    )?
                }
            }
            if !go_on {
                break 'outer;
            }
        }
    }
    let table = run.finish()?;
    Ok(Some((table, report)))
}
