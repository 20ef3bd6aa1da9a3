//! [`OptimizedEvaluator`]: the columnar engine behind `esql::Evaluator`.
//!
//! Oracle twin: the reference evaluator (`ReferenceEvaluator`). Invariant: for every plan and data source, `run` returns
//! the reference's `ResultTable` — same columns, rows (in order) and warnings. The source is read in
//! chunks of columns (only the needed ones), each chunk is processed in batches through the compiled
//! streaming steps into a STATS sink or a row collector, and the rest of the plan runs row-wise through
//! the row kernel. A `ROW` source has a single row and runs row-wise entirely.

use std::sync::Arc;

use esql::plan::Source;
use esql::{DataSource, EvalError, EvalOptions, Evaluator, Plan, ResultTable, Value, Warnings};

use rayon::prelude::*;

use super::commands::stats::StatsSink;
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
    /// Process chunks on all cores (rayon) when the plan allows it.
    pub parallel: bool,
}

impl Default for EngineConfig {
    fn default() -> EngineConfig {
        EngineConfig {
            dictionary: true,
            batch_size: 1 << 16,
            chunk_rows: 1 << 18,
            parallel: true,
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
    Stats(Box<StatsSink>),
    Rows(Vec<Vec<Value>>),
}

/// What processing some chunks produced: sink contents, failures, LIMIT counters.
struct Partial {
    sink: Sink,
    log: FailureLog,
    tables: TableCache,
    state: PrefixState,
}

/// The immutable parts of a run, shared by the threads processing chunks.
struct Shared<'a> {
    pipeline: Pipeline,
    kernel: &'a dyn RowKernel,
    opts: &'a EvalOptions,
    config: EngineConfig,
    source_types: Vec<esql::DataType>,
    stats_step: u32,
}

impl Shared<'_> {
    fn empty(&self, plan: &Plan) -> Partial {
        Partial {
            sink: match self.pipeline.stats_sink(plan) {
                Some(s) => Sink::Stats(Box::new(s)),
                None => Sink::Rows(Vec::new()),
            },
            log: FailureLog::new(),
            tables: TableCache::new(),
            state: PrefixState {
                taken: vec![0; self.pipeline.limits],
                full: None,
            },
        }
    }

    /// Pushes one chunk through the prefix into `part`.
    fn process(&self, chunk: &Chunk, part: &mut Partial) -> Result<(), EvalError> {
        let batch = self.config.batch_size.max(1);
        let mut ctx = Ctx {
            kernel: self.kernel,
            opts: self.opts,
            log: &mut part.log,
            tables: &mut part.tables,
            segment: 0,
            step: 0,
            use_dictionary: self.config.dictionary,
        };
        let mut start = 0;
        let mut b = 0u32;
        while start < chunk.rows && part.state.full.is_none() && !self.pipeline.reads_nothing {
            let end = (start + batch).min(chunk.rows);
            let mut frame = Frame {
                chunk: chunk.index,
                batch: b,
                columns: chunk.columns.clone(),
                types: self.source_types.clone(),
                rows: chunk.rows,
                selection: (start as u32..end as u32).collect(),
                lineage: None,
                expand: None,
            };
            ctx.segment = 0;
            // A STATS reading plain columns takes the frame virtual (no gather of expanded rows).
            let keep_virtual = matches!(&part.sink, Sink::Stats(s) if s.reads_virtual());
            self.pipeline
                .run_streaming(&mut frame, &mut ctx, &mut part.state, keep_virtual)?;
            if !frame.selection.is_empty() {
                match &mut part.sink {
                    Sink::Stats(s) => {
                        // The reference's STATS consumes rows as its first pipeline pushes them.
                        ctx.step = self.stats_step;
                        s.consume(&frame, &mut ctx)?
                    }
                    Sink::Rows(rows) => rows.extend(rows_of(&frame)),
                }
            }
            start = end;
            b += 1;
        }
        ctx.tables.clear();
        if let Sink::Stats(s) = &mut part.sink {
            s.end_chunk();
        }
        Ok(())
    }
}

/// The state of one run.
pub struct Run<'a> {
    plan: &'a Plan,
    shared: Shared<'a>,
    main: Partial,
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
        let shared = Shared {
            stats_step: pipeline.stats.map(|k| k as u32 + 1).unwrap_or(0),
            pipeline,
            kernel,
            opts,
            config,
            source_types: plan
                .source
                .output()
                .columns
                .iter()
                .map(|c| c.data_type)
                .collect(),
        };
        let main = shared.empty(plan);
        Some(Run { plan, shared, main })
    }

    /// True once no further source row can change the result (a LIMIT of the prefix is full, or 0).
    pub fn done(&self) -> bool {
        self.main.state.full.is_some() || self.shared.pipeline.reads_nothing
    }

    /// Pushes one chunk through the prefix.
    pub fn chunk(&mut self, chunk: &Chunk) -> Result<(), EvalError> {
        self.shared.process(chunk, &mut self.main)
    }

    /// Pushes chunks (consecutive, in scan order) through the prefix, on all cores when the result
    /// cannot depend on how far a LIMIT read: each chunk gets its own sink and failure log, merged in
    /// chunk order, so the result is the same whatever the number of threads.
    pub fn chunks(&mut self, chunks: &[Chunk]) -> Result<(), EvalError> {
        if !self.shared.config.parallel || self.shared.pipeline.limits > 0 || chunks.len() < 2 {
            for c in chunks {
                if self.done() {
                    break;
                }
                self.chunk(c)?;
            }
            return Ok(());
        }
        let plan = self.plan;
        let shared = &self.shared;
        let parts: Vec<Result<Partial, EvalError>> = chunks
            .par_iter()
            .map(|c| {
                let mut p = shared.empty(plan);
                shared.process(c, &mut p).map(|_| p)
            })
            .collect();
        for p in parts {
            let p = p?;
            self.main.log.extend(p.log);
            match (&mut self.main.sink, p.sink) {
                (Sink::Stats(a), Sink::Stats(b)) => a.merge(*b),
                (Sink::Rows(a), Sink::Rows(b)) => a.extend(b),
                _ => return Err(EvalError::Internal("chunk sinks of different kinds".into())),
            }
        }
        Ok(())
    }

    /// Finishes the run: the STATS sink's rows (or the collected rows) through the row tail.
    pub fn finish(self) -> Result<ResultTable, EvalError> {
        let Run { plan, shared, main } = self;
        let Partial {
            sink,
            mut log,
            mut tables,
            state,
        } = main;
        if let Some(full) = &state.full {
            // The reference stopped reading right after the row that filled the LIMIT: drop what the
            // batch evaluated beyond it (failures of later steps only come from rows it let through).
            let mut cut = full.row.3.clone();
            cut.push(full.step);
            let cutoff = (full.row.0, full.row.1, full.row.2, cut);
            log.retain(|k| {
                let step = k.path.len().checked_sub(2).map(|i| k.path[i]).unwrap_or(0);
                k.segment != 0
                    || step > full.step
                    || (k.chunk, k.batch, k.row, k.path.clone()) <= cutoff
            });
        }
        let mut steps = shared.pipeline.tail_steps(plan);
        let (rows, output) = match sink {
            Sink::Rows(rows) => (rows, None),
            Sink::Stats(s) => {
                let mut ctx = Ctx {
                    kernel: shared.kernel,
                    opts: shared.opts,
                    log: &mut log,
                    tables: &mut tables,
                    segment: 1,
                    step: shared.stats_step,
                    use_dictionary: shared.config.dictionary,
                };
                let (rows, output) = s.finish(&mut ctx, steps)?;
                // The first tail steps may have run over the groups already (they change no schema).
                steps = &steps[output.consumed.min(steps.len())..];
                (rows, Some(output))
            }
        };
        let mut warnings = Warnings::new();
        log.replay(&mut warnings);
        let mut rows = if steps.is_empty() {
            rows
        } else if let Some(output) = &output {
            // Deferred STATS cells are finished only for the rows that reach the step reading them.
            shared.kernel.run_steps_deferred(
                shared.pipeline.tail_input(plan),
                steps,
                rows,
                shared.opts,
                &mut warnings,
                output.at,
                &mut |row| output.materialize(row, shared.kernel, shared.opts),
            )?
        } else {
            shared.kernel.run_steps(
                shared.pipeline.tail_input(plan),
                steps,
                rows,
                shared.opts,
                &mut warnings,
            )?
        };
        if steps.is_empty() {
            if let Some(n) = shared.opts.implicit_limit {
                rows.truncate(n);
            }
            if let Some(output) = &output {
                for row in rows.iter_mut() {
                    output.materialize(row, shared.kernel, shared.opts)?;
                }
            }
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
    pub fn load(
        &self,
        plan: &Plan,
        data: &dyn DataSource,
        opts: &EvalOptions,
    ) -> Result<Vec<Chunk>, EvalError> {
        let Source::From(from) = &plan.source else {
            return Ok(Vec::new());
        };
        let needed = needed_columns(plan);
        let cfg = ChunkConfig {
            rows: self.config.chunk_rows.max(1),
            dictionary: self.config.dictionary,
        };
        let mut chunks = Vec::new();
        scan(
            data,
            from,
            needed.source(),
            cfg,
            opts,
            &mut || false,
            &mut |c| {
                chunks.push(c);
                Ok(())
            },
        )?;
        Ok(chunks)
    }

    /// Runs a FROM plan over chunks made by [`Self::load`] for the same plan and options.
    pub fn run_loaded(
        &self,
        plan: &Plan,
        chunks: &[Chunk],
        opts: &EvalOptions,
    ) -> Result<ResultTable, EvalError> {
        let Some(mut run) = Run::new(plan, self.kernel.as_ref(), opts, self.config) else {
            return Err(EvalError::Unsupported(
                "a plan with DISSECT or GROK before its first blocking step cannot run on loaded chunks".into(),
            ));
        };
        run.chunks(chunks)?;
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
        // Chunks are read in order and processed a core's worth at a time (memory stays bounded).
        let group = if self.config.parallel {
            rayon::current_num_threads().max(1)
        } else {
            1
        };
        let run = std::cell::RefCell::new(run);
        let pending = std::cell::RefCell::new(Vec::new());
        scan(
            data,
            from,
            needed.source(),
            cfg,
            opts,
            &mut || run.borrow().done(),
            &mut |chunk| {
                let mut p = pending.borrow_mut();
                p.push(chunk);
                if p.len() >= group {
                    let batch = std::mem::take(&mut *p);
                    run.borrow_mut().chunks(&batch)?;
                }
                Ok(())
            },
        )?;
        let rest = pending.into_inner();
        let mut run = run.into_inner();
        run.chunks(&rest)?;
        run.finish()
    }
}
