//! Running a rule over a [`Store`]: every scheduled run, or the whole dataset once, into alerts.
//!
//! Each run evaluates the rule's lineage-carrying query ([`crate::score::lineage`]) over the run's
//! window, then turns rows into alerts as Kibana does (see the module doc of [`crate::schedule`]):
//! aggregating queries keep their first `max_signals` rows; non-aggregating ones skip rows whose alert id
//! already exists and keep the first `max_signals` new ones; suppression merges alerts of one group.
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

/// Runs `rule` on its schedule over the whole store.
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
    // Aggregating queries get `| limit max_signals` (one more row here, to tell a capped run); non-
    // aggregating ones page until they find `max_signals` new alerts, which is every row at most.
    let limit = rule.aggregating.then_some(cap + 1);
    let tables: Vec<Result<ResultTable, ScheduleError>> = runs
        .par_iter()
        .map(|r: &Execution| {
            let window = store.window(&s.time_field, r.from, r.to);
            evaluate(rule, store, &window, r.now, limit, engine)
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
        let mut capped = false;
        if let Some(sup) = &mut suppressor {
            sup.start_run();
        }
        for raw in &table.rows {
            let row = rule.lineage.visible_row(raw);
            if let Some(key) = alert_key(rule, &out.columns, &row) {
                if existing.contains(&key) {
                    out.deduplicated += 1;
                    continue;
                }
                existing.insert(key);
            }
            if let Some(sup) = &mut suppressor
                && let Some(target) = sup.target(&row, run.now)
            {
                out.alerts[target].suppressed += 1;
                out.suppressed += 1;
                continue;
            }
            if created == cap {
                capped = true;
                break;
            }
            created += 1;
            let events = rule
                .lineage
                .lineage(raw)
                .into_iter()
                .map(str::to_owned)
                .collect();
            if let Some(sup) = &mut suppressor {
                sup.created(&row, run.now, out.alerts.len());
            }
            out.alerts.push(Alert {
                run: run.now,
                row,
                events,
                suppressed: 0,
            });
        }
        out.capped_runs += usize::from(capped);
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
