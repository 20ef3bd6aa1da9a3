//! Scoring a rule's alerts against ground truth.
//!
//! An alert is a **true positive** when at least one event behind it (its lineage, traced through STATS
//! groups and MV_EXPAND) is an attack event, whatever scenario it belongs to; otherwise it is a **false
//! positive**. An attack instance that targets the rule is **detected** when at least one true-positive
//! alert holds one of its events. **Recall** is the share of the rule's `detect` instances detected;
//! **expected misses** are its `miss` instances, which pass when they were not detected. False positives
//! are also given per host-day of the dataset.

use std::collections::BTreeMap;

use crate::run::rule::PreparedRule;
use crate::schedule::RuleAlerts;

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

/// Scores `alerts` of `rule` against `truth`.
pub fn score(rule: &PreparedRule, alerts: &RuleAlerts, truth: &GroundTruth) -> RuleScore {
    let mut per_instance: BTreeMap<(&str, u32), usize> = BTreeMap::new();
    let mut out = RuleScore {
        alerts: alerts.alerts.len(),
        host_days: f64::from(truth.hosts) * truth.days,
        ..RuleScore::default()
    };
    for a in &alerts.alerts {
        let mut hit: Vec<(&str, u32)> = a
            .events
            .iter()
            .filter_map(|id| truth.instance_of(id))
            .collect();
        if hit.is_empty() {
            out.false_positives += 1;
            continue;
        }
        out.true_positives += 1;
        hit.sort_unstable();
        hit.dedup();
        for k in hit {
            *per_instance.entry(k).or_insert(0) += 1;
        }
    }
    out.instances = truth
        .targeting(rule.rule_id.as_deref())
        .map(|i| InstanceOutcome {
            scenario: i.scenario.clone(),
            instance: i.instance,
            expect: i.expect,
            hosts: i.hosts.clone(),
            alerts: per_instance
                .get(&(i.scenario.as_str(), i.instance))
                .copied()
                .unwrap_or(0),
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
        };
        assert_eq!(s.precision(), Some(0.25));
        assert_eq!(s.recall(), Some(0.5));
        assert_eq!((s.miss_ok(), s.miss_total()), (1, 2));
        assert_eq!(s.fp_per_host_day(), 1.5);
        assert!(s.instances[0].as_expected() && !s.instances[1].as_expected());
        assert!(s.instances[2].as_expected() && !s.instances[3].as_expected());
        assert_eq!(RuleScore::default().precision(), None);
        assert_eq!(RuleScore::default().recall(), None);
    }
}
