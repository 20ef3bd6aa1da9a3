//! [`EngineKernel`]: the engine's own row semantics behind the [`RowKernel`] seam.
//!
//! The columnar paths call it for values they do not specialise (once per distinct dictionary value,
//! per selected row for computed columns, per group for aggregate results), and the row tail runs the
//! post-aggregation steps through it. All of it is implemented in `scalar/`, `aggregates/finish.rs` and
//! `rows/`; compiled LIKE/RLIKE/GROK patterns are cached here for the life of the kernel.

use esql::plan::{AggregateCall, Expr, Source, Step};
use esql::{DataSource, EvalError, EvalOptions, Plan, ResultTable, Schema, Value, Warnings};

use super::aggregates::finish::finish;
use super::row_kernel::RowKernel;
use super::rows::{from_source, row_source, run_steps};
use super::scalar::{PatternCache, Scope, eval};

/// The engine's row semantics.
#[derive(Debug, Default)]
pub struct EngineKernel {
    patterns: PatternCache,
}

impl EngineKernel {
    /// A kernel with an empty pattern cache.
    pub fn new() -> EngineKernel {
        EngineKernel::default()
    }

    fn scope<'a>(&'a self, opts: &EvalOptions, warnings: &'a mut Warnings) -> Scope<'a> {
        Scope {
            warnings,
            now_millis: opts.now_millis,
            patterns: &self.patterns,
        }
    }
}

impl RowKernel for EngineKernel {
    fn eval(
        &self,
        e: &Expr,
        row: &[Value],
        opts: &EvalOptions,
        warnings: &mut Warnings,
    ) -> Result<Value, EvalError> {
        eval(e, row, &mut self.scope(opts, warnings))
    }

    fn run_steps(
        &self,
        _input: &Schema,
        steps: &[Step],
        rows: Vec<Vec<Value>>,
        opts: &EvalOptions,
        warnings: &mut Warnings,
    ) -> Result<Vec<Vec<Value>>, EvalError> {
        run_steps(
            steps,
            rows,
            opts.implicit_limit,
            &mut self.scope(opts, warnings),
        )
    }

    fn run_steps_deferred(
        &self,
        _input: &Schema,
        steps: &[Step],
        rows: Vec<Vec<Value>>,
        opts: &EvalOptions,
        warnings: &mut Warnings,
        at: usize,
        materialize: &mut super::rows::Materialize<'_>,
    ) -> Result<Vec<Vec<Value>>, EvalError> {
        super::rows::run_steps_deferred(
            steps,
            rows,
            opts.implicit_limit,
            at,
            materialize,
            &mut self.scope(opts, warnings),
        )
    }

    fn aggregate(
        &self,
        call: &AggregateCall,
        inputs: &[Vec<Value>],
        _opts: &EvalOptions,
        warnings: &mut Warnings,
    ) -> Result<Value, EvalError> {
        finish(call, inputs, warnings)
    }

    fn run_plan(
        &self,
        plan: &Plan,
        data: &dyn DataSource,
        opts: &EvalOptions,
    ) -> Result<ResultTable, EvalError> {
        let mut warnings = Warnings::new();
        let mut s = self.scope(opts, &mut warnings);
        let rows = match &plan.source {
            Source::From(f) => from_source(f, data, opts)?,
            Source::Row(r) => row_source(r, &mut s)?,
        };
        let width = plan.source.output().len();
        if rows.iter().any(|r| r.len() != width) {
            return Err(EvalError::Internal(
                "a source row of the wrong width".into(),
            ));
        }
        let rows = run_steps(&plan.steps, rows, opts.implicit_limit, &mut s)?;
        Ok(ResultTable {
            columns: plan.output().columns.clone(),
            rows,
            warnings: warnings.into_lines(),
        })
    }
}
