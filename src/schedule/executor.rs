//! Running a rule over a [`Store`]: every scheduled run, or the whole dataset once, into alerts.
//!
//! Each run evaluates the rule's lineage-carrying query ([`crate::score::lineage`]) over the run's
//! window, then turns rows into alerts as Kibana does (see the module doc of [`crate::schedule`] and
//! [`run_schedule`]): at most `max_signals` new alerts per run out of the first `3 × max_signals + 1`
//! rows, rows whose alert id already exists skipped; suppression merges alerts of one group. Rows cut
//! by those caps are kept as [`DroppedRow`]s, so reports can tell "not found" from "found but capped".
//! Runs are evaluated in parallel and turned into alerts in time order, so results do not depend on the
//! thread count.

use std::collections::HashSet;
use std::sync::Arc;

use esql::plan::Source;
use esql::{Column, EvalError, EvalOptions, Evaluator, ResultTable, Value};
use oracles::ReferenceEvaluator;
use rayon::prelude::*;

use crate::engine::prune::needed_columns;
use crate::engine::{EngineConfig, EngineKernel, OptimizedEvaluator};
use crate::run::rule::PreparedRule;
use crate::run::store::{Store, Window, WindowSource};

use super::Execution;
use super::suppression::Suppressor;

/// Which evaluator runs the queries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EngineKind {
    /// The columnar engine (default).
    #[default]
    Optimized,
    /// The row-at-a-time reference evaluator.
    Reference,
}

/// Why a rule could not be run.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ScheduleError {
    /// The evaluation of one run failed.
    #[error("run at {now} ms: {error}")]
    Run {
        /// The run's `now`.
        now: i64,
        /// What failed.
        error: EvalError,
    },
}

/// One alert.
#[derive(Debug, Clone, PartialEq)]
pub struct Alert {
    /// `now` of the run that created it (epoch ms).
    pub run: i64,
    /// The row as the rule's query returns it.
    pub row: Vec<Value>,
    /// The `_id`s of the events behind the row.
    pub events: Vec<String>,
    /// How many later alerts were suppressed into this one.
    pub suppressed: u64,
}

/// Why a row the query returned did not become an alert.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DropReason {
    /// The run had already created `max_signals` alerts (Kibana truncates and warns).
    MaxSignals,
    /// The row lies past the `3 × max_signals + 1` rows Kibana reads (its page-size circuit breaker).
    NotFetched,
}

impl DropReason {
    /// How reports name it.
    pub fn as_str(self) -> &'static str {
        match self {
            DropReason::MaxSignals => "max_signals",
            DropReason::NotFetched => "the page-size circuit breaker",
        }
    }
}

/// A row of a run that Kibana would not turn into an alert (see [`DropReason`]).
#[derive(Debug, Clone, PartialEq)]
pub struct DroppedRow {
    /// `now` of the run, epoch ms.
    pub run: i64,
    /// The `_id`s of the events behind the row.
    pub events: Vec<String>,
    /// Why it was dropped.
    pub reason: DropReason,
}

/// Everything a rule produced.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RuleAlerts {
    /// The query's columns.
    pub columns: Vec<Column>,
    /// Alerts, in creation order.
    pub alerts: Vec<Alert>,
    /// Number of runs.
    pub runs: usize,
    /// Runs that had more new alerts than `max_signals` (alerts were dropped).
    pub capped_runs: usize,
    /// Runs whose result had rows past the last page Kibana fetches (`3 × max_signals + 1` rows), not
    /// counting runs already truncated by `max_signals`.
    pub unfetched_runs: usize,
    /// Rows the query returned that did not become alerts because of Kibana's caps, in run order.
    pub dropped: Vec<DroppedRow>,
    /// Rows not turned into alerts because their alert already existed.
    pub deduplicated: u64,
    /// Alerts merged into another by suppression.
    pub suppressed: u64,
    /// Query warnings (distinct, in order of first occurrence).
    pub warnings: Vec<String>,
}

/// Evaluates `rule`'s lineage query over `window` with `NOW()` = `now` and an optional row limit.
pub fn evaluate(
    rule: &PreparedRule,
    store: &Store,
    window: &Window,
    now: i64,
    limit: Option<usize>,
    engine: EngineKind,
) -> Result<ResultTable, EvalError> {
    let plan = &rule.lineage.plan;
    let opts = EvalOptions {
        now_millis: now,
        implicit_limit: limit,
        time_range: None,
    };
    match engine {
        EngineKind::Reference => {
            ReferenceEvaluator::new().run(plan, &WindowSource::new(store, window), &opts)
        }
        EngineKind::Optimized => {
            let e = OptimizedEvaluator::new(Arc::new(EngineKernel::new()), EngineConfig::default());
            let Source::From(from) = &plan.source else {
                return e.run(plan, &WindowSource::new(store, window), &opts);
            };
            let needed = needed_columns(plan);
            let chunks = store.chunks(from, needed.source(), window)?;
            match e.run_loaded(plan, &chunks, &opts) {
                Err(EvalError::Unsupported(_)) => {
                    e.run(plan, &WindowSource::new(store, window), &opts)
                }
                other => other,
            }
        }
    }
}

/// Kibana's alert identity of a non-aggregating row (`None`: a fresh id for every row).
fn alert_key(rule: &PreparedRule, columns: &[Column], row: &[Value]) -> Option<String> {
    if rule.aggregating {
        return None;
    }
    let col = |name: &str| columns.iter().position(|c| c.name == name);
    let id = col("_id").map(|i| &row[i]).filter(|v| !v.is_null())?;
    let mut key = format!("{id}\u{1f}");
    for name in ["_version", "_index"] {
        if let Some(i) = col(name) {
            key.push_str(&row[i].to_string());
        }
        key.push('\u{1f}');
    }
    if !rule.expanded_fields.is_empty() {
        let all: Option<Vec<usize>> = rule.expanded_fields.iter().map(|f| col(f)).collect();
        match all {
            Some(idx) => {
                for i in idx {
                    key.push_str(&row[i].to_string());
                    key.push('\u{1f}');
                }
            }
            // Kibana then hashes the whole event: distinct rows are distinct alerts.
            None => {
                for v in row {
                    key.push_str(&v.to_string());
                    key.push('\u{1f}');
                }
            }
        }
    }
    Some(key)
}

fn push_warnings(out: &mut Vec<String>, seen: &mut HashSet<String>, ws: &[String]) {
    for w in ws {
        if seen.insert(w.clone()) {
            out.push(w.clone());
        }
    }
}

/// How many rows of a run's result Kibana reads at most: pages of `max_signals`, `2 × max_signals` and
/// `3 × max_signals` rows (`ESQL_PAGE_SIZE_CIRCUIT_BREAKER`), each query ending in `| limit size + 1`.
pub fn fetched_rows(max_signals: usize) -> usize {
    3 * max_signals + 1
}

/// Runs `rule` on its schedule over the whole store.
///
/// Each run's rows become alerts as Kibana's `esqlExecutor` makes them: the query is sent as
/// `<query> | limit <size + 1>` with `size` = `max_signals`; the rows of the page not seen before
/// (`slice(size - max_signals)`) are wrapped into alerts, those whose id already exists are dropped
/// as duplicates, and at most `max_signals - created` new ones are created — more new rows than that
/// truncate the run (the "max_signals reached" warning) and end it. A full page asks again with
/// `size += max_signals`, up to `3 × max_signals` (the circuit breaker). The query is evaluated here
/// once without a limit and the pages are prefixes of its rows, so rows Kibana never turns into
/// alerts are known and reported as [`DroppedRow`]s.
pub fn run_schedule(
    rule: &PreparedRule,
    store: &Store,
    engine: EngineKind,
) -> Result<RuleAlerts, ScheduleError> {
    let s = &rule.schedule;
    let (Some(min), Some(max)) = (store.min_time(&s.time_field), store.max_time(&s.time_field))
    else {
        return Ok(RuleAlerts {
            columns: rule.columns(),
            ..RuleAlerts::default()
        });
    };
    let runs = s.executions(min, max);
    let cap = s.max_signals as usize;
    let tables: Vec<Result<ResultTable, ScheduleError>> = runs
        .par_iter()
        .map(|r: &Execution| {
            let window = store.window(&s.time_field, r.from, r.to);
            evaluate(rule, store, &window, r.now, None, engine)
                .map_err(|error| ScheduleError::Run { now: r.now, error })
        })
        .collect();
    let mut out = RuleAlerts {
        columns: rule.columns(),
        runs: runs.len(),
        ..RuleAlerts::default()
    };
    let mut existing: HashSet<String> = HashSet::new();
    let mut seen_warnings = HashSet::new();
    let mut suppressor = s
        .suppression
        .as_ref()
        .map(|sup| Suppressor::new(sup, &out.columns));
    for (run, table) in runs.iter().zip(tables) {
        let table = table?;
        push_warnings(&mut out.warnings, &mut seen_warnings, &table.warnings);
        let mut created = 0usize;
        let mut truncated = false;
        if let Some(sup) = &mut suppressor {
            sup.start_run();
        }
        let fetched = table.rows.len().min(fetched_rows(cap));
        for (i, raw) in table.rows.iter().enumerate() {
            let events = || {
                rule.lineage
                    .lineage(raw)
                    .into_iter()
                    .map(str::to_owned)
                    .collect::<Vec<_>>()
            };
            if i >= fetched {
                // Past the last page: a truncated run stopped before it, any other hit the breaker.
                out.dropped.push(DroppedRow {
                    run: run.now,
                    events: events(),
                    reason: if truncated {
                        DropReason::MaxSignals
                    } else {
                        DropReason::NotFetched
                    },
                });
                continue;
            }
            let row = rule.lineage.visible_row(raw);
            let key = alert_key(rule, &out.columns, &row);
            if let Some(key) = &key
                && existing.contains(key)
            {
                out.deduplicated += 1;
                continue;
            }
            if let Some(sup) = &mut suppressor
                && let Some(target) = sup.target(&row, run.now)
            {
                // Suppressed into an existing alert: no new alert, so no share of the cap.
                if let Some(key) = key {
                    existing.insert(key);
                }
                out.alerts[target].suppressed += 1;
                out.suppressed += 1;
                continue;
            }
            if truncated || created == cap {
                truncated = true;
                out.dropped.push(DroppedRow {
                    run: run.now,
                    events: events(),
                    reason: DropReason::MaxSignals,
                });
                continue;
            }
            if let Some(key) = key {
                existing.insert(key);
            }
            created += 1;
            if let Some(sup) = &mut suppressor {
                sup.created(&row, run.now, out.alerts.len());
            }
            out.alerts.push(Alert {
                run: run.now,
                row,
                events: events(),
                suppressed: 0,
            });
        }
        out.capped_runs += usize::from(truncated);
        out.unfetched_runs += usize::from(table.rows.len() > fetched && !truncated);
    }
    Ok(out)
}

/// Evaluates `rule` once over the whole store (no schedule, no row limit, no deduplication).
pub fn run_unscheduled(
    rule: &PreparedRule,
    store: &Store,
    engine: EngineKind,
) -> Result<RuleAlerts, ScheduleError> {
    let now = store.max_time(&rule.schedule.time_field).unwrap_or(0);
    let table = evaluate(rule, store, &store.all(), now, None, engine)
        .map_err(|error| ScheduleError::Run { now, error })?;
    let mut out = RuleAlerts {
        columns: rule.columns(),
        runs: 1,
        warnings: table.warnings.clone(),
        ..RuleAlerts::default()
    };
    for raw in &table.rows {
        out.alerts.push(Alert {
            run: now,
            row: rule.lineage.visible_row(raw),
            events: rule
                .lineage
                .lineage(raw)
                .into_iter()
                .map(str::to_owned)
                .collect(),
            suppressed: 0,
        });
    }
    Ok(out)
}
