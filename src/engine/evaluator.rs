//! [`OptimizedEvaluator`]: the columnar engine behind `esql::Evaluator`.
//!
//! Oracle twin: `oracles::ReferenceEvaluator`. Invariant: for every plan and data source, `run` returns
//! the reference's `ResultTable` — same columns, rows (in order) and warnings. The source is read in
//! chunks of columns (only the needed ones), each chunk is processed in batches through the compiled
//! streaming steps into a STATS sink or a row collector, and the rest of the plan runs row-wise through
//! the row kernel. A `ROW` source has a single row and runs row-wise entirely.

use std::sync::Arc;

use esql::plan::Source;
use esql::{DataSource, EvalError, EvalOptions, Evaluator, Plan, ResultTable, Value, Warnings};

use super::expr::Ctx;
use super::expr::context::TableCache;
use super::failures::FailureLog;
use super::frame::{Chunk, Frame};
use super::pipeline::{Pipeline, PrefixState, rows_of};
use super::prune::needed_columns;
use super::row_kernel::RowKernel;
use super::source::{ChunkConfig, scan};

/// Tuning knobs (all of them keep results identical; tests vary them).
#[derive(Debug, Clone, Copy)]
pub struct EngineConfig {
    /// Dictionary-encode keyword columns and evaluate keyword predicates once per distinct value.
    pub dictionary: bool,
    /// Rows per batch pushed through the streaming steps.
    pub batch_size: usize,
    /// Source rows per chunk (bounds memory).
    pub chunk_rows: usize,
}

impl Default for EngineConfig {
    fn default() -> EngineConfig {
        EngineConfig {
            dictionary: true,
            batch_size: 1 << 16,
            chunk_rows: 1 << 20,
        }
    }
}

/// The optimized, columnar ES|QL evaluator.
pub struct OptimizedEvaluator {
    config: EngineConfig,
    kernel: Arc<dyn RowKernel>,
}

impl OptimizedEvaluator {
    /// An evaluator borrowing exact row semantics from `kernel`.
    pub fn new(kernel: Arc<dyn RowKernel>, config: EngineConfig) -> OptimizedEvaluator {
        OptimizedEvaluator { config, kernel }
    }

    /// The configuration.
    pub fn config(&self) -> EngineConfig {
        self.config
    }
}

/// Where the prefix's rows go.
enum Sink {
    Stats(Box<super::commands::stats::StatsSink>),
    Rows(Vec<Vec<Value>>),
}

/// The mutable state of one run.
pub struct Run<'a> {
    plan: &'a Plan,
    pipeline: Pipeline,
    kernel: &'a dyn RowKernel,
    opts: &'a EvalOptions,
    config: EngineConfig,
    sink: Sink,
    log: FailureLog,
    tables: TableCache,
    source_types: Vec<esql::DataType>,
    state: PrefixState,
}

impl<'a> Run<'a> {
    /// Prepares a run of `plan` (which must read FROM); `None` when the plan cannot run columnar.
    pub fn new(
        plan: &'a Plan,
        kernel: &'a dyn RowKernel,
        opts: &'a EvalOptions,
        config: EngineConfig,
    ) -> Option<Run<'a>> {
        let pipeline = Pipeline::compile(plan, opts.implicit_limit)?;
        let sink = match pipeline.stats_sink(plan) {
            Some(s) => Sink::Stats(Box::new(s)),
            None => Sink::Rows(Vec::new()),
        };
        let state = PrefixState {
            taken: vec![0; pipeline.limits],
            full: None,
        };
        Some(Run {
            plan,
            pipeline,
            kernel,
            opts,
            config,
            sink,
            log: FailureLog::new(),
            tables: TableCache::new(),
            source_types: plan
                .source
                .output()
                .columns
                .iter()
                .map(|c| c.data_type)
                .collect(),
            state,
        })
    }

    /// True once no further source row can change the result (a LIMIT of the prefix is full, or 0).
    pub fn done(&self) -> bool {
        self.state.full.is_some() || self.pipeline.reads_nothing
    }

    /// Pushes one chunk through the prefix.
    pub fn chunk(&mut self, chunk: Chunk) -> Result<(), EvalError> {
        let batch = self.config.batch_size.max(1);
        let mut ctx = Ctx {
            kernel: self.kernel,
            opts: self.opts,
            log: &mut self.log,
            tables: &mut self.tables,
            segment: 0,
            step: 0,
            use_dictionary: self.config.dictionary,
        };
        let mut start = 0;
        let mut b = 0u32;
        while start < chunk.rows && self.state.full.is_none() && !self.pipeline.reads_nothing {
            let end = (start + batch).min(chunk.rows);
            let mut frame = Frame {
                chunk: chunk.index,
                batch: b,
                columns: chunk.columns.clone(),
                types: self.source_types.clone(),
                rows: chunk.rows,
                selection: (start as u32..end as u32).collect(),
                lineage: None,
            };
            ctx.segment = 0;
            self.pipeline.run_streaming(&mut frame, &mut ctx, &mut self.state)?;
            if !frame.selection.is_empty() {
                match &mut self.sink {
                    Sink::Stats(s) => {
                        // The reference's STATS consumes rows as its pipeline pushes them.
                        ctx.segment = 0;
                        ctx.step = self.pipeline.stats.map(|k| k as u32 + 1).unwrap_or(0);
                        s.consume(&frame, &mut ctx)?
                    }
                    Sink::Rows(rows) => rows.extend(rows_of(&frame)),
                }
            }
            start = end;
            b += 1;
        }
        ctx.tables.clear();
        if let Sink::Stats(s) = &mut self.sink {
            s.end_chunk();
        }
        Ok(())
    }

    /// Finishes the run: the STATS sink's rows (or the collected rows) through the row tail.
    pub fn finish(self) -> Result<ResultTable, EvalError> {
        let Run {
            plan,
            pipeline,
            kernel,
            opts,
            sink,
            mut log,
            mut tables,
            config,
            state,
            ..
        } = self;
        if let Some(full) = &state.full {
            // The reference stopped reading right after the row that filled the LIMIT: drop what the
            // batch evaluated beyond it (failures of later steps only come from rows it let through).
            let mut cut = full.row.3.clone();
            cut.push(full.step);
            let cutoff = (full.row.0, full.row.1, full.row.2, cut);
            log.retain(|k| {
                let step = k.path.len().checked_sub(2).map(|i| k.path[i]).unwrap_or(0);
                k.segment != 0 || step > full.step || (k.chunk, k.batch, k.row, k.path.clone()) <= cutoff
            });
        }
        let rows = match sink {
            Sink::Rows(rows) => rows,
            Sink::Stats(s) => {
                let mut ctx = Ctx {
                    kernel,
                    opts,
                    log: &mut log,
                    tables: &mut tables,
                    segment: 1,
                    step: pipeline.stats.map(|k| k as u32 + 1).unwrap_or(0),
                    use_dictionary: config.dictionary,
                };
                s.finish(&mut ctx)?
            }
        };
        let mut warnings = Warnings::new();
        log.replay(&mut warnings);
        let steps = pipeline.tail_steps(plan);
        let mut rows = if steps.is_empty() {
            rows
        } else {
            kernel.run_steps(pipeline.tail_input(plan), steps, rows, opts, &mut warnings)?
        };
        if steps.is_empty()
            && let Some(n) = opts.implicit_limit
        {
            rows.truncate(n);
        }
        Ok(ResultTable {
            columns: plan.output().columns.clone(),
            rows,
            warnings: warnings.into_lines(),
        })
    }
}

impl OptimizedEvaluator {
    /// Reads the columns `plan` needs from `data` into chunks (for running the same plan many times,
    /// e.g. in benchmarks: [`Self::run_loaded`] then measures pure columnar evaluation).
    pub fn load(&self, plan: &Plan, data: &dyn DataSource, opts: &EvalOptions) -> Result<Vec<Chunk>, EvalError> {
        let Source::From(from) = &plan.source else {
            return Ok(Vec::new());
        };
        let needed = needed_columns(plan);
        let cfg = ChunkConfig {
            rows: self.config.chunk_rows.max(1),
            dictionary: self.config.dictionary,
        };
        let mut chunks = Vec::new();
        scan(data, from, needed.source(), cfg, opts, &mut || false, &mut |c| {
            chunks.push(c);
            Ok(())
        })?;
        Ok(chunks)
    }

    /// Runs a FROM plan over chunks made by [`Self::load`] for the same plan and options.
    pub fn run_loaded(&self, plan: &Plan, chunks: &[Chunk], opts: &EvalOptions) -> Result<ResultTable, EvalError> {
        let Some(mut run) = Run::new(plan, self.kernel.as_ref(), opts, self.config) else {
            return Err(EvalError::Unsupported(
                "a plan with DISSECT or GROK before its first blocking step cannot run on loaded chunks".into(),
            ));
        };
        for c in chunks {
            if run.done() {
                break;
            }
            run.chunk(c.clone())?;
        }
        run.finish()
    }
}

impl Evaluator for OptimizedEvaluator {
    fn run(
        &self,
        plan: &Plan,
        data: &dyn DataSource,
        opts: &EvalOptions,
    ) -> Result<ResultTable, EvalError> {
        let Source::From(from) = &plan.source else {
            // ROW: one constant row; nothing to vectorise.
            return self.kernel.run_plan(plan, data, opts);
        };
        let Some(run) = Run::new(plan, self.kernel.as_ref(), opts, self.config) else {
            // DISSECT or GROK before the first blocking step: the documented row-wise fallback.
            return self.kernel.run_plan(plan, data, opts);
        };
        let needed = needed_columns(plan);
        let cfg = ChunkConfig {
            rows: self.config.chunk_rows.max(1),
            dictionary: self.config.dictionary,
        };
        let run = std::cell::RefCell::new(run);
        scan(
            data,
            from,
            needed.source(),
            cfg,
            opts,
            &mut || run.borrow().done(),
            &mut |chunk| run.borrow_mut().chunk(chunk),
        )?;
        run.into_inner().finish()
    }
}
