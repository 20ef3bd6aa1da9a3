//! [`Suite`]: rules plus scenarios, checked on small deterministic datasets.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use esql::Catalog;
use generators::ScenarioSelection;
use generators::scenario::{LoadError, Scenario, builtin, load_dir};
use generators::time::Span;

use crate::run::dataset::{Dataset, DatasetError};
use crate::run::job::{JobConfig, RuleReport, run_rules, spec_for};
use crate::run::rule::{PrepareError, PreparedRule, load_rules};
use crate::schedule::{EngineKind, ScheduleError};
use crate::score::truth::Expectation;

use super::snapshot::render_alerts;

/// The datasets a suite runs on.
#[derive(Debug, Clone)]
pub struct SuiteConfig {
    /// Generator seed.
    pub seed: u64,
    /// Fleet size (large enough for every role and for multi-host scenarios).
    pub hosts: u32,
    /// Simulated period.
    pub duration: Span,
    /// Evaluator.
    pub engine: EngineKind,
}

impl Default for SuiteConfig {
    /// Seed 7, 14 hosts, 6 hours, the optimized engine.
    fn default() -> SuiteConfig {
        SuiteConfig {
            seed: 7,
            hosts: 14,
            duration: Span::hours(6),
            engine: EngineKind::Optimized,
        }
    }
}

/// Why a suite could not run.
#[derive(Debug, thiserror::Error)]
pub enum SuiteError {
    /// Some rules failed to load or prepare.
    #[error("{} rule(s) failed to load:\n{}", .0.len(), .0.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("\n"))]
    Rules(Vec<PrepareError>),
    /// Scenario files failed to load.
    #[error(transparent)]
    Scenarios(#[from] LoadError),
    /// A dataset could not be generated.
    #[error(transparent)]
    Dataset(#[from] DatasetError),
    /// A rule failed to run.
    #[error("{label}: {error}")]
    Run {
        /// The rule.
        label: String,
        /// Why.
        error: ScheduleError,
    },
}

/// What a case checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CaseKind {
    /// One attack instance targeting the rule.
    Scenario {
        /// Scenario id.
        scenario: String,
        /// Instance number.
        instance: u32,
        /// Expected outcome.
        expect: Expectation,
    },
}

/// One check.
#[derive(Debug, Clone)]
pub struct Case {
    /// The rule's name.
    pub rule: String,
    /// The rule's label (file).
    pub label: String,
    /// What is checked.
    pub kind: CaseKind,
    /// Whether it passed.
    pub passed: bool,
    /// What happened.
    pub message: String,
}

/// The outcome of a suite.
#[derive(Debug, Clone)]
pub struct Report {
    /// Every check, rule by rule.
    pub cases: Vec<Case>,
    /// Each rule on the attack dataset.
    pub attack: Vec<RuleReport>,
    /// Each rule on the benign dataset (its known false positives).
    pub benign: Vec<RuleReport>,
    /// Rules no scenario targets (nothing to check but their benign alerts).
    pub untargeted: Vec<String>,
}

impl Report {
    /// Checks passed.
    pub fn passed(&self) -> usize {
        self.cases.iter().filter(|c| c.passed).count()
    }

    /// Checks failed.
    pub fn failed(&self) -> usize {
        self.cases.len() - self.passed()
    }

    /// One line per check, then `N passed, N failed`.
    pub fn render(&self) -> String {
        let mut out = String::new();
        for c in &self.cases {
            let CaseKind::Scenario {
                scenario,
                instance,
                expect,
            } = &c.kind;
            let _ = writeln!(
                out,
                "{} {} / {}#{} ({}): {}",
                if c.passed { "ok  " } else { "FAIL" },
                c.rule,
                scenario,
                instance,
                expect.as_str(),
                c.message
            );
        }
        for r in &self.untargeted {
            let _ = writeln!(out, "note {r}: no scenario targets this rule");
        }
        for b in &self.benign {
            let _ = writeln!(
                out,
                "info {}: {} alert(s) on the benign dataset (known false positives)",
                b.rule.name,
                b.alerts.alerts.len()
            );
        }
        let _ = writeln!(out, "{} passed, {} failed", self.passed(), self.failed());
        out
    }

    fn find<'a>(list: &'a [RuleReport], rule: &str) -> Option<&'a RuleReport> {
        list.iter()
            .find(|r| r.rule.name == rule || r.rule.label == rule)
    }

    /// Stable text of the alerts of `rule` (name or label) that hold events of `scenario`.
    pub fn scenario_snapshot(
        &self,
        rule: &str,
        scenario: &str,
        truth: &crate::score::truth::GroundTruth,
    ) -> Option<String> {
        let r = Report::find(&self.attack, rule)?;
        Some(render_alerts(&r.alerts, |a| {
            a.events
                .iter()
                .any(|id| truth.instance_of(id).is_some_and(|(s, _)| s == scenario))
        }))
    }

    /// Stable text of the alerts of `rule` on the benign dataset.
    pub fn benign_snapshot(&self, rule: &str) -> Option<String> {
        Report::find(&self.benign, rule).map(|r| render_alerts(&r.alerts, |_| true))
    }
}

/// Rules and the scenarios that exercise them.
#[derive(Debug, Clone)]
pub struct Suite {
    /// The rules.
    pub rules: Vec<PreparedRule>,
    /// Extra scenarios (besides the shipped ones).
    pub extra_scenarios: Vec<Scenario>,
}

impl Suite {
    /// A suite of prepared rules and extra scenarios.
    pub fn new(rules: Vec<PreparedRule>, extra_scenarios: Vec<Scenario>) -> Suite {
        Suite {
            rules,
            extra_scenarios,
        }
    }

    /// Loads the rules under `rules` and the scenario files of `scenarios` (a folder), if given.
    pub fn load<P: AsRef<Path>>(
        rules: &[P],
        scenarios: Option<&Path>,
    ) -> Result<Suite, SuiteError> {
        let loaded = load_rules(rules, &Catalog::elastic_defend());
        if !loaded.errors.is_empty() {
            return Err(SuiteError::Rules(loaded.errors));
        }
        let extra = match scenarios {
            Some(dir) => load_dir(dir)?,
            None => Vec::new(),
        };
        Ok(Suite::new(loaded.rules, extra))
    }

    /// Every scenario (shipped, then extra; an extra one replaces a shipped one of the same id) that
    /// targets one of the suite's rules.
    pub fn scenarios(&self) -> Result<Vec<Scenario>, SuiteError> {
        let mut all = builtin().map_err(|e| SuiteError::Scenarios(LoadError::Invalid(e)))?;
        all.retain(|s| !self.extra_scenarios.iter().any(|x| x.id == s.id));
        all.extend(self.extra_scenarios.iter().cloned());
        let ids: Vec<&str> = self
            .rules
            .iter()
            .filter_map(|r| r.rule_id.as_deref())
            .collect();
        all.retain(|s| s.rules.iter().any(|r| ids.contains(&r.as_str())));
        Ok(all)
    }

    fn builder(&self, cfg: &SuiteConfig, scenarios: ScenarioSelection) -> generators::Builder {
        generators::Builder::new()
            .seed(cfg.seed)
            .hosts(cfg.hosts)
            .duration(cfg.duration)
            .scenarios(scenarios)
            .add_scenarios(self.extra_scenarios.clone())
    }

    fn run_on(&self, data: &Dataset, cfg: &SuiteConfig) -> Result<Vec<RuleReport>, SuiteError> {
        let job = JobConfig {
            engine: cfg.engine,
            no_schedule: false,
        };
        self.rules
            .iter()
            .zip(run_rules(&self.rules, data, job))
            .map(|(r, res)| {
                res.map_err(|error| SuiteError::Run {
                    label: r.label.clone(),
                    error,
                })
            })
            .collect()
    }

    /// Generates the attack and benign datasets and runs every check.
    pub fn run(&self, cfg: &SuiteConfig) -> Result<Report, SuiteError> {
        let (report, _) = self.run_with_truth(cfg)?;
        Ok(report)
    }

    /// Like [`Self::run`], also returning the attack dataset's ground truth (for snapshots).
    pub fn run_with_truth(
        &self,
        cfg: &SuiteConfig,
    ) -> Result<(Report, crate::score::truth::GroundTruth), SuiteError> {
        let scenarios = self.scenarios()?;
        let ids: Vec<String> = scenarios.iter().map(|s| s.id.clone()).collect();
        let spec = spec_for(&self.rules);
        let attack_data =
            Dataset::generate(self.builder(cfg, ScenarioSelection::Ids(ids)), spec.clone())?;
        let benign_data = Dataset::generate(self.builder(cfg, ScenarioSelection::None), spec)?;
        let attack = self.run_on(&attack_data, cfg)?;
        let benign = self.run_on(&benign_data, cfg)?;
        let mut cases = Vec::new();
        let mut untargeted = Vec::new();
        for r in &attack {
            let targeting: Vec<_> = attack_data
                .truth
                .instances
                .iter()
                .filter(|i| {
                    r.rule
                        .rule_id
                        .as_ref()
                        .is_some_and(|id| i.rules.contains(id))
                })
                .collect();
            if targeting.is_empty() {
                untargeted.push(r.rule.name.clone());
            }
            for inst in targeting {
                let kind = CaseKind::Scenario {
                    scenario: inst.scenario.clone(),
                    instance: inst.instance,
                    expect: inst.expect,
                };
                let (passed, message) = if let Some(why) = &inst.skipped {
                    (
                        false,
                        format!("the instance was not placed in the dataset: {why}"),
                    )
                } else {
                    let outcome = r
                        .score
                        .instances
                        .iter()
                        .find(|o| o.scenario == inst.scenario && o.instance == inst.instance);
                    let alerts = outcome.map(|o| o.alerts).unwrap_or(0);
                    match (inst.expect, alerts) {
                        (Expectation::Detect, 0) => {
                            (false, "not detected (no alert holds its events)".to_owned())
                        }
                        (Expectation::Detect, n) => (true, format!("detected by {n} alert(s)")),
                        (Expectation::Miss, 0) => (true, "missed, as expected".to_owned()),
                        (Expectation::Miss, n) => (
                            false,
                            format!("expected a miss, but {n} alert(s) hold its events"),
                        ),
                    }
                };
                cases.push(Case {
                    rule: r.rule.name.clone(),
                    label: r.rule.label.clone(),
                    kind,
                    passed,
                    message,
                });
            }
        }
        Ok((
            Report {
                cases,
                attack,
                benign,
                untargeted,
            },
            attack_data.truth,
        ))
    }
}

/// The folder of the shipped rules (`rules/` of this repository), for tests and examples.
pub fn shipped_rules_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("rules")
}
