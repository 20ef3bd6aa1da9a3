//! Kibana's detection engine, simulated: a rule runs every `interval` over `[now - from, now]`, keeps at
//! most `max_signals` alerts per run, deduplicates alerts as Kibana does and suppresses them when the rule
//! asks for it.
//!
//! The behaviour modelled here is Kibana's ES|QL rule executor (`x-pack/solutions/security/plugins/
//! security_solution/server/lib/detection_engine/rule_types/esql/`), as of the 8.x–9.x series:
//!
//! - **Time range** (`utils/build_events_query.ts`, `buildTimeRangeFilter`): each run filters documents
//!   with `gte: from, lte: to` on the rule's `timestamp_override` (usually `event.ingested`), falling
//!   back to `@timestamp` for documents without the override field; without an override, `@timestamp`.
//! - **Size** (`esql.ts`, `esqlExecutor`; `build_esql_search_request.ts`): the query runs as
//!   `<query> | limit <size + 1>`, `size` starting at `max_signals` (default 100); the rows not seen
//!   in the previous page become alerts, at most `max_signals` new ones per run (more truncate the run
//!   with the "max_signals reached" warning); a full page asks again with `size += max_signals`, until
//!   `size` passes `3 × max_signals` (`ESQL_PAGE_SIZE_CIRCUIT_BREAKER`). So a run reads at most
//!   `3 × max_signals + 1` rows, and when more rows are new than `max_signals`, which survive depends
//!   on the order ES returns them — for STATS output without SORT, an order ES does not define.
//! - **Aggregating or not** (`computeIsESQLQueryAggregating` in `@kbn/securitysolution-utils`): a query
//!   is aggregating when one of its commands is `STATS`.
//! - **Alert ids and deduplication** (`utils/generate_alert_id.ts`): a non-aggregating row that has an
//!   `_id` column gets an id hashed from `_id`, `_version`, `_index`, the rule (and the values of the
//!   MV_EXPAND fields when the response holds them all; the whole row otherwise), so the same document
//!   never alerts twice, whichever run sees it. Every other row gets an id hashed from the run's time
//!   range, the query, the rule and the row number: aggregating queries are never deduplicated, and
//!   Elastic's ES|QL rule documentation warns that they "may create duplicate alerts when events in the
//!   additional look-back time are counted in both the current and previous rule execution".
//! - **Suppression** (`wrap_suppressed_esql_alerts.ts`, `bulkCreateSuppressedAlertsInMemory`): alerts are
//!   grouped by the values of `alert_suppression.group_by`; without a `duration`, per run; with one, an
//!   alert whose group already has an alert that was created or extended within `now - duration` is
//!   merged into it. `missing_fields_strategy = doNotSuppress` keeps alerts missing a group-by value.
//!
//! The simulation is deterministic: runs are at `origin + k × interval`, `origin` being the data's first
//! time value rounded down to a multiple of the interval (epoch-aligned), until a run's `now` passes the
//! last time value.

mod executor;
mod suppression;

pub use executor::{
    Alert, DropReason, DroppedRow, EngineKind, RuleAlerts, ScheduleError, evaluate, fetched_rows,
    run_schedule, run_unscheduled,
};
pub use suppression::Suppressor;

use std::time::Duration;

use crate::rules::{AlertSuppression, DetectionRule};

/// How a rule is scheduled.
#[derive(Debug, Clone, PartialEq)]
pub struct Schedule {
    /// Time between runs.
    pub interval: Duration,
    /// How far back each run looks (`from = now-…`).
    pub lookback: Duration,
    /// The field the time range applies to (`timestamp_override`, else `@timestamp`).
    pub time_field: String,
    /// Alerts per run, at most.
    pub max_signals: u32,
    /// Alert suppression, when configured.
    pub suppression: Option<AlertSuppression>,
}

impl Default for Schedule {
    /// Kibana's defaults: every 5 minutes, looking back 6 minutes on `@timestamp`, 100 alerts per run.
    fn default() -> Schedule {
        Schedule {
            interval: crate::rules::DEFAULT_INTERVAL,
            lookback: crate::rules::DEFAULT_LOOKBACK,
            time_field: "@timestamp".to_owned(),
            max_signals: crate::rules::DEFAULT_MAX_SIGNALS,
            suppression: None,
        }
    }
}

impl Schedule {
    /// The schedule of a detection rule (Kibana's defaults for what it leaves out).
    pub fn of_rule(rule: &DetectionRule) -> Schedule {
        Schedule {
            interval: rule.schedule_interval(),
            lookback: rule.lookback(),
            time_field: rule
                .timestamp_override
                .clone()
                .unwrap_or_else(|| "@timestamp".to_owned()),
            max_signals: rule.alert_cap(),
            suppression: rule.alert_suppression.clone(),
        }
    }

    /// The runs covering data whose time values lie in `[min, max]` (epoch ms).
    pub fn executions(&self, min: i64, max: i64) -> Vec<Execution> {
        let interval = (self.interval.as_millis() as i64).max(1);
        let lookback = self.lookback.as_millis() as i64;
        let origin = min.div_euclid(interval) * interval;
        let mut out = Vec::new();
        let mut now = origin + interval;
        loop {
            out.push(Execution {
                now,
                from: now - lookback,
                to: now,
            });
            if now >= max {
                break;
            }
            now += interval;
        }
        out
    }
}

/// One run of a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Execution {
    /// The run's `now` (what `NOW()` returns), epoch ms.
    pub now: i64,
    /// Start of the time range (inclusive).
    pub from: i64,
    /// End of the time range (inclusive).
    pub to: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_are_interval_aligned_and_cover_the_data() {
        let s = Schedule {
            interval: Duration::from_secs(3600),
            lookback: Duration::from_secs(61 * 60),
            ..Schedule::default()
        };
        let h = 3_600_000;
        let runs = s.executions(10 * h + 5, 13 * h);
        assert_eq!(runs.len(), 3);
        assert_eq!(
            runs[0],
            Execution {
                now: 11 * h,
                from: 11 * h - 61 * 60_000,
                to: 11 * h
            }
        );
        assert_eq!(runs[2].now, 13 * h);
        assert_eq!(s.executions(0, 0).len(), 1);
    }

    #[test]
    fn defaults_are_kibanas() {
        let s = Schedule::default();
        assert_eq!(s.interval, Duration::from_secs(300));
        assert_eq!(s.lookback, Duration::from_secs(360));
        assert_eq!(s.max_signals, 100);
        assert_eq!(s.time_field, "@timestamp");
    }
}
