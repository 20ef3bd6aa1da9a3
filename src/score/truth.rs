//! Ground truth of a dataset: which events are attack events (their scenario instance), which attack
//! instances the dataset holds and which rules each one targets with which expectation, and the size
//! of the fleet (for false positives per host-day).
//!
//! It comes from a generated world ([`GroundTruth::from_world`], before its events are consumed, plus
//! each labelled event as it streams by) or from a dataset folder on disk ([`GroundTruth::load`]:
//! `labels.ndjson` and `manifest.json`, with scenario files giving each scenario's target rules).

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use generators::scenario::{Expect, Scenario};

/// Whether a scenario's target rules are expected to alert on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Expectation {
    /// `expect = "detect"`.
    Detect,
    /// `expect = "miss"`.
    Miss,
}

impl Expectation {
    /// `detect` or `miss`.
    pub fn as_str(self) -> &'static str {
        match self {
            Expectation::Detect => "detect",
            Expectation::Miss => "miss",
        }
    }
}

/// One attack instance of the dataset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Instance {
    /// Scenario id.
    pub scenario: String,
    /// Instance number within the scenario.
    pub instance: u32,
    /// Expected outcome for the target rules.
    pub expect: Expectation,
    /// The `rule_id`s the scenario targets.
    pub rules: Vec<String>,
    /// Host names it ran on.
    pub hosts: Vec<String>,
    /// Why it was not placed in the dataset, if it was not.
    pub skipped: Option<String>,
}

/// Ground truth of a dataset.
#[derive(Debug, Clone, Default)]
pub struct GroundTruth {
    /// Event `_id` → (scenario id, instance).
    pub labels: HashMap<String, (String, u32)>,
    /// Every planned instance, in plan order.
    pub instances: Vec<Instance>,
    /// Number of hosts in the fleet.
    pub hosts: u32,
    /// Length of the period, in days.
    pub days: f64,
}

/// Why ground truth could not be read.
#[derive(Debug, thiserror::Error)]
pub enum TruthError {
    /// A file could not be read.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The error.
        source: std::io::Error,
    },
    /// A file is not what it should be.
    #[error("{path}:{line}: {message}")]
    Invalid {
        /// The file.
        path: String,
        /// 1-based line (1 for whole-file problems).
        line: usize,
        /// What is wrong.
        message: String,
    },
}

fn expectation(e: &Expect) -> Expectation {
    match e {
        Expect::Detect => Expectation::Detect,
        Expect::Miss { .. } => Expectation::Miss,
    }
}

fn parse_expect(s: &str) -> Expectation {
    if s == "miss" {
        Expectation::Miss
    } else {
        Expectation::Detect
    }
}

impl GroundTruth {
    /// The planned instances of a world (labels are added as its events stream, see [`Self::label`]).
    pub fn from_world(world: &generators::World) -> GroundTruth {
        let rules: BTreeMap<&str, &Scenario> = world
            .scenarios()
            .iter()
            .map(|s| (s.id.as_str(), s))
            .collect();
        let cfg = world.config();
        GroundTruth {
            labels: HashMap::new(),
            instances: world
                .instances()
                .iter()
                .map(|i| Instance {
                    scenario: i.scenario.clone(),
                    instance: i.instance,
                    expect: rules
                        .get(i.scenario.as_str())
                        .map(|s| expectation(&s.expect))
                        .unwrap_or_else(|| parse_expect(&i.expect)),
                    rules: rules
                        .get(i.scenario.as_str())
                        .map(|s| s.rules.clone())
                        .unwrap_or_default(),
                    hosts: i.hosts.clone(),
                    skipped: i.skipped.clone(),
                })
                .collect(),
            hosts: cfg.hosts,
            days: cfg.duration.as_secs_f64() / 86_400.0,
        }
    }

    /// Records the label of a generated event.
    pub fn label(&mut self, event: &generators::Event) {
        if let Some(l) = &event.label {
            self.labels
                .insert(event.id.to_string(), (l.scenario.to_string(), l.instance));
        }
    }

    /// Reads `DIR/labels.ndjson` and `DIR/manifest.json`; `scenarios` give each scenario's target rules
    /// and expectation (the manifest's `expect` is used for scenarios not among them).
    pub fn load(dir: &Path, scenarios: &[Scenario]) -> Result<GroundTruth, TruthError> {
        let by_id: BTreeMap<&str, &Scenario> =
            scenarios.iter().map(|s| (s.id.as_str(), s)).collect();
        let read = |name: &str| {
            let path = dir.join(name);
            std::fs::read_to_string(&path).map_err(|source| TruthError::Io {
                path: path.display().to_string(),
                source,
            })
        };
        let mut truth = GroundTruth::default();
        let labels_path = dir.join("labels.ndjson").display().to_string();
        for (i, line) in read("labels.ndjson")?.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let bad = |message: String| TruthError::Invalid {
                path: labels_path.clone(),
                line: i + 1,
                message,
            };
            let v: serde_json::Value =
                serde_json::from_str(line).map_err(|e| bad(e.to_string()))?;
            let id = v["_id"]
                .as_str()
                .ok_or_else(|| bad("missing string `_id`".into()))?;
            let scenario = v["scenario"]
                .as_str()
                .ok_or_else(|| bad("missing string `scenario`".into()))?;
            let instance = v["instance"]
                .as_u64()
                .ok_or_else(|| bad("missing number `instance`".into()))?;
            truth
                .labels
                .insert(id.to_owned(), (scenario.to_owned(), instance as u32));
        }
        let manifest_path = dir.join("manifest.json").display().to_string();
        let bad = |message: String| TruthError::Invalid {
            path: manifest_path.clone(),
            line: 1,
            message,
        };
        let m: serde_json::Value =
            serde_json::from_str(&read("manifest.json")?).map_err(|e| bad(e.to_string()))?;
        truth.hosts = m["config"]["hosts"]
            .as_u64()
            .ok_or_else(|| bad("missing config.hosts".into()))? as u32;
        let duration = m["config"]["duration"]
            .as_str()
            .ok_or_else(|| bad("missing config.duration".into()))?;
        let span = generators::time::Span::parse(duration)
            .map_err(|e| bad(format!("config.duration: {e}")))?;
        truth.days = span.as_secs_f64() / 86_400.0;
        for inst in m["instances"]
            .as_array()
            .ok_or_else(|| bad("missing instances".into()))?
        {
            let scenario = inst["scenario"].as_str().unwrap_or_default().to_owned();
            let known = by_id.get(scenario.as_str());
            truth.instances.push(Instance {
                expect: known
                    .map(|s| expectation(&s.expect))
                    .unwrap_or_else(|| parse_expect(inst["expect"].as_str().unwrap_or("detect"))),
                rules: known.map(|s| s.rules.clone()).unwrap_or_default(),
                instance: inst["instance"].as_u64().unwrap_or(0) as u32,
                hosts: inst["hosts"]
                    .as_array()
                    .map(|a| {
                        a.iter()
                            .filter_map(|h| h.as_str().map(str::to_owned))
                            .collect()
                    })
                    .unwrap_or_default(),
                skipped: inst["skipped"].as_str().map(str::to_owned),
                scenario,
            });
        }
        Ok(truth)
    }

    /// The attack instance an event belongs to, if it is an attack event.
    pub fn instance_of(&self, id: &str) -> Option<(&str, u32)> {
        self.labels.get(id).map(|(s, i)| (s.as_str(), *i))
    }

    /// The placed instances that target `rule_id`.
    pub fn targeting<'a>(
        &'a self,
        rule_id: Option<&'a str>,
    ) -> impl Iterator<Item = &'a Instance> + 'a {
        self.instances.iter().filter(move |i| {
            i.skipped.is_none() && rule_id.is_some_and(|r| i.rules.iter().any(|x| x == r))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loads_labels_and_manifest_with_line_numbers_on_errors() {
        let dir = std::env::temp_dir().join(format!("detsim-truth-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("labels.ndjson"),
            "{\"_id\":\"a\",\"scenario\":\"s1\",\"instance\":0,\"technique\":\"T1\",\"step\":1}\n",
        )
        .unwrap();
        std::fs::write(
            dir.join("manifest.json"),
            r#"{"config":{"hosts":4,"duration":"12h"},"instances":[
                {"scenario":"s1","instance":0,"expect":"miss","hosts":["h1"],"skipped":null},
                {"scenario":"s2","instance":0,"expect":"detect","hosts":[],"skipped":"no host"}]}"#,
        )
        .unwrap();
        let t = GroundTruth::load(&dir, &[]).unwrap();
        assert_eq!(t.instance_of("a"), Some(("s1", 0)));
        assert_eq!(t.hosts, 4);
        assert_eq!(t.days, 0.5);
        assert_eq!(t.instances[0].expect, Expectation::Miss);
        assert_eq!(t.instances[1].skipped.as_deref(), Some("no host"));

        std::fs::write(dir.join("labels.ndjson"), "{\"_id\":\"a\"}\n{oops\n").unwrap();
        let err = GroundTruth::load(&dir, &[]).unwrap_err().to_string();
        assert!(
            err.contains("labels.ndjson:1: missing string `scenario`"),
            "{err}"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
