//! Scoring a rule's alerts against ground truth.
//!
//! An alert is a **true positive** when at least one event behind it (its lineage, traced through STATS
//! groups and MV_EXPAND) is an attack event, whatever scenario it belongs to; otherwise it is a **false
//! positive**. An attack instance that targets the rule is **detected** when at least one true-positive
//! alert holds one of its events. **Recall** is the share of the rule's `detect` instances detected;
//! **expected misses** are its `miss` instances, which pass when they were not detected. False positives
//! are also given per host-day of the dataset.
//!
//! Rows the query produced but Kibana's caps kept from becoming alerts (`max_signals`, the page-size
//! circuit breaker) are scored apart: they never count as alerts or for recall, but an instance whose
//! events only reached dropped rows is reported as such, with the recall the rule would have without
//! the caps ([`RuleScore::uncapped_recall`]).

use std::collections::BTreeMap;

use crate::run::rule::PreparedRule;
use crate::schedule::{DropReason, RuleAlerts};

use super::truth::{Expectation, GroundTruth};

/// What happened to one attack instance targeting the rule.
#[derive(Debug, Clone, PartialEq)]
pub struct InstanceOutcome {
    /// Scenario id.
    pub scenario: String,
    /// Instance number.
    pub instance: u32,
    /// Expected outcome.
    pub expect: Expectation,
    /// Hosts it ran on.
    pub hosts: Vec<String>,
    /// Alerts that hold one of its events.
    pub alerts: usize,
    /// Rows the query produced that hold one of its events but that Kibana's caps kept from becoming
    /// alerts (see [`crate::schedule::DroppedRow`]).
    pub dropped: usize,
    /// The first such row: its run (`now`, epoch ms) and why it was dropped.
    pub first_dropped: Option<(i64, DropReason)>,
}

impl InstanceOutcome {
    /// Whether some alert holds one of its events.
    pub fn detected(&self) -> bool {
        self.alerts > 0
    }

    /// Whether the outcome is the expected one.
    pub fn as_expected(&self) -> bool {
        self.detected() == (self.expect == Expectation::Detect)
    }

    /// Whether the rule found it, counting the rows Kibana's caps dropped: detected, or produced but
    /// dropped.
    pub fn produced(&self) -> bool {
        self.alerts > 0 || self.dropped > 0
    }
}

/// The score of one rule.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RuleScore {
    /// Alerts.
    pub alerts: usize,
    /// Alerts with an attack event behind them.
    pub true_positives: usize,
    /// Alerts without.
    pub false_positives: usize,
    /// Instances targeting the rule, in plan order.
    pub instances: Vec<InstanceOutcome>,
    /// Host-days of the dataset.
    pub host_days: f64,
    /// Rows dropped by Kibana's caps (`max_signals`, the page-size circuit breaker).
    pub dropped_rows: usize,
    /// Dropped rows with an attack event behind them.
    pub dropped_true_positives: usize,
}

impl RuleScore {
    /// TP / alerts (`None` without alerts).
    pub fn precision(&self) -> Option<f64> {
        (self.alerts > 0).then(|| self.true_positives as f64 / self.alerts as f64)
    }

    /// `detect` instances targeting the rule.
    pub fn detect_total(&self) -> usize {
        self.instances
            .iter()
            .filter(|i| i.expect == Expectation::Detect)
            .count()
    }

    /// `detect` instances detected.
    pub fn detect_hit(&self) -> usize {
        self.instances
            .iter()
            .filter(|i| i.expect == Expectation::Detect && i.detected())
            .count()
    }

    /// Detected share of the `detect` instances (`None` when there are none).
    pub fn recall(&self) -> Option<f64> {
        let n = self.detect_total();
        (n > 0).then(|| self.detect_hit() as f64 / n as f64)
    }

    /// `detect` instances the query found, counting rows dropped by Kibana's caps.
    pub fn detect_produced(&self) -> usize {
        self.instances
            .iter()
            .filter(|i| i.expect == Expectation::Detect && i.produced())
            .count()
    }

    /// Recall without Kibana's caps: the share of `detect` instances the query found in some run,
    /// alerted or dropped (`None` when there are none). Above [`Self::recall`] only when the caps
    /// hid attacks.
    pub fn uncapped_recall(&self) -> Option<f64> {
        let n = self.detect_total();
        (n > 0).then(|| self.detect_produced() as f64 / n as f64)
    }

    /// `miss` instances targeting the rule.
    pub fn miss_total(&self) -> usize {
        self.instances
            .iter()
            .filter(|i| i.expect == Expectation::Miss)
            .count()
    }

    /// `miss` instances indeed missed.
    pub fn miss_ok(&self) -> usize {
        self.instances
            .iter()
            .filter(|i| i.expect == Expectation::Miss && !i.detected())
            .count()
    }

    /// False positives per host-day.
    pub fn fp_per_host_day(&self) -> f64 {
        if self.host_days > 0.0 {
            self.false_positives as f64 / self.host_days
        } else {
            0.0
        }
    }
}

/// The instances (scenario, instance) holding one of `events`, each once.
fn instances_of<'t>(events: &[String], truth: &'t GroundTruth) -> Vec<(&'t str, u32)> {
    let mut hit: Vec<(&str, u32)> = events
        .iter()
        .filter_map(|id| truth.instance_of(id))
        .collect();
    hit.sort_unstable();
    hit.dedup();
    hit
}

/// Dropped rows holding an instance's events, and the first one's run and reason.
type DroppedCount = (usize, (i64, DropReason));

/// Scores `alerts` of `rule` against `truth`.
pub fn score(rule: &PreparedRule, alerts: &RuleAlerts, truth: &GroundTruth) -> RuleScore {
    let mut per_instance: BTreeMap<(&str, u32), usize> = BTreeMap::new();
    let mut dropped: BTreeMap<(&str, u32), DroppedCount> = BTreeMap::new();
    let mut out = RuleScore {
        alerts: alerts.alerts.len(),
        host_days: f64::from(truth.hosts) * truth.days,
        dropped_rows: alerts.dropped.len(),
        ..RuleScore::default()
    };
    for a in &alerts.alerts {
        let hit = instances_of(&a.events, truth);
        if hit.is_empty() {
            out.false_positives += 1;
            continue;
        }
        out.true_positives += 1;
        for k in hit {
            *per_instance.entry(k).or_insert(0) += 1;
        }
    }
    for d in &alerts.dropped {
        let hit = instances_of(&d.events, truth);
        out.dropped_true_positives += usize::from(!hit.is_empty());
        for k in hit {
            dropped.entry(k).or_insert((0, (d.run, d.reason))).0 += 1;
        }
    }
    out.instances = truth
        .targeting(rule.rule_id.as_deref())
        .map(|i| {
            let key = (i.scenario.as_str(), i.instance);
            let d = dropped.get(&key);
            InstanceOutcome {
                scenario: i.scenario.clone(),
                instance: i.instance,
                expect: i.expect,
                hosts: i.hosts.clone(),
                alerts: per_instance.get(&key).copied().unwrap_or(0),
                dropped: d.map(|d| d.0).unwrap_or(0),
                first_dropped: d.map(|d| d.1),
            }
        })
        .collect();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(expect: Expectation, alerts: usize) -> InstanceOutcome {
        InstanceOutcome {
            scenario: "s".into(),
            instance: 0,
            expect,
            hosts: vec![],
            alerts,
            dropped: 0,
            first_dropped: None,
        }
    }

    #[test]
    fn ratios_follow_the_definitions() {
        let s = RuleScore {
            alerts: 4,
            true_positives: 1,
            false_positives: 3,
            instances: vec![
                outcome(Expectation::Detect, 1),
                outcome(Expectation::Detect, 0),
                outcome(Expectation::Miss, 0),
                outcome(Expectation::Miss, 2),
            ],
            host_days: 2.0,
            ..RuleScore::default()
        };
        assert_eq!(s.precision(), Some(0.25));
        assert_eq!(s.recall(), Some(0.5));
        assert_eq!((s.miss_ok(), s.miss_total()), (1, 2));
        assert_eq!(s.fp_per_host_day(), 1.5);
        assert!(s.instances[0].as_expected() && !s.instances[1].as_expected());
        assert!(s.instances[2].as_expected() && !s.instances[3].as_expected());
        assert_eq!(RuleScore::default().precision(), None);
        assert_eq!(RuleScore::default().recall(), None);
        assert_eq!(s.uncapped_recall(), Some(0.5));
        let mut capped = s.clone();
        capped.instances[1].dropped = 2;
        assert!(capped.instances[1].produced() && !capped.instances[1].detected());
        assert_eq!(capped.recall(), Some(0.5));
        assert_eq!(capped.uncapped_recall(), Some(1.0));
    }
}
