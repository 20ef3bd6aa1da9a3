//! The main job: every rule over one dataset, scheduled (or not), scored.
//!
//! [`spec_for`] tells the store which columns the rules read; [`run_rules`] runs and scores each rule,
//! rules in parallel, results in rule order.

use rayon::prelude::*;

use super::dataset::Dataset;
use super::rule::PreparedRule;
use super::store::ColumnSpec;
use crate::engine::prune::needed_columns;
use crate::schedule::{EngineKind, RuleAlerts, ScheduleError, run_schedule, run_unscheduled};
use crate::score::metrics::{RuleScore, score};

/// How the rules are run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct JobConfig {
    /// The evaluator.
    pub engine: EngineKind,
    /// Evaluate the whole dataset once instead of simulating the schedule.
    pub no_schedule: bool,
}

/// One rule's outcome.
#[derive(Debug, Clone)]
pub struct RuleReport {
    /// The rule.
    pub rule: PreparedRule,
    /// Its alerts.
    pub alerts: RuleAlerts,
    /// Their score.
    pub score: RuleScore,
}

/// The columns and time fields `rules` read (their lineage queries).
pub fn spec_for<'a>(rules: impl IntoIterator<Item = &'a PreparedRule>) -> ColumnSpec {
    let mut spec = ColumnSpec::default();
    for r in rules {
        if let esql::plan::Source::From(from) = &r.lineage.plan.source {
            let needed = needed_columns(&r.lineage.plan);
            spec.add_from(from, needed.source());
        }
        spec.add_time_field(&r.schedule.time_field);
    }
    spec
}

/// Runs and scores one rule.
pub fn run_rule(
    rule: &PreparedRule,
    data: &Dataset,
    cfg: JobConfig,
) -> Result<RuleReport, ScheduleError> {
    let alerts = if cfg.no_schedule {
        run_unscheduled(rule, &data.store, cfg.engine)?
    } else {
        run_schedule(rule, &data.store, cfg.engine)?
    };
    let score = score(rule, &alerts, &data.truth);
    Ok(RuleReport {
        rule: rule.clone(),
        alerts,
        score,
    })
}

/// Runs and scores every rule (in parallel; results in `rules` order).
pub fn run_rules(
    rules: &[PreparedRule],
    data: &Dataset,
    cfg: JobConfig,
) -> Vec<Result<RuleReport, ScheduleError>> {
    rules.par_iter().map(|r| run_rule(r, data, cfg)).collect()
}
