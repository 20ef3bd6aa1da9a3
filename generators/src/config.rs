//! Configuration: the fleet [`Profile`] (a TOML file), the [`Config`] of a run, and its [`Builder`].
//!
//! Following turmoil, a [`Builder`] with documented defaults produces a [`Config`], and
//! [`Builder::build`] turns it into a [`World`](crate::World) that holds all simulation state.
//!
//! A profile file looks like this (every key optional):
//! ```toml
//! [roles]                 # relative weights of host roles (unlisted roles keep their default weight)
//! web-nginx-php = 10
//! bastion = 0             # no bastions
//! [activity]
//! scale = 1.0             # background activity multiplier
//! traffic = 1.0           # web traffic multiplier
//! [events]
//! merge_fork_exec = 0.6   # share of fork+exec pairs written as one ["fork","exec"] event
//! merge_end = 0.2         # share of those, for sub-second processes, also merging "end"
//! already_running = true  # report live processes at the start
//! ```
//!
//! What the roles write and how often (web-server file creations per host-hour, their heavy tail) and
//! the sources of those rates are documented in the crate's `README.md`, "Fleet profile: rates and
//! their sources".

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::fleet::Role;
use crate::scenario::{LoadError, Scenario, SourceError};
use crate::time::{Span, Timestamp};

/// Fleet and event-shape settings.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Profile {
    /// Role key → relative weight (all roles, defaults filled in).
    pub roles: BTreeMap<String, u32>,
    /// Background activity multiplier.
    pub activity_scale: f64,
    /// Web traffic multiplier.
    pub traffic_scale: f64,
    /// Share of fork+exec pairs merged into one event.
    pub merge_fork_exec: f64,
    /// Share of merged sub-second processes whose end is merged too.
    pub merge_end: f64,
    /// Whether to report processes alive at the start (`already_running`).
    pub already_running: bool,
}

impl Default for Profile {
    fn default() -> Profile {
        Profile {
            roles: Role::ALL
                .iter()
                .map(|r| (r.key().to_string(), r.default_weight()))
                .collect(),
            activity_scale: 1.0,
            traffic_scale: 1.0,
            merge_fork_exec: 0.6,
            merge_end: 0.2,
            already_running: true,
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProfile {
    #[serde(default)]
    roles: BTreeMap<Spanned<String>, Spanned<u32>>,
    #[serde(default)]
    activity: Option<RawActivity>,
    #[serde(default)]
    events: Option<RawEvents>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawActivity {
    scale: Option<Spanned<f64>>,
    traffic: Option<Spanned<f64>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEvents {
    merge_fork_exec: Option<Spanned<f64>>,
    merge_end: Option<Spanned<f64>>,
    already_running: Option<bool>,
}

impl Profile {
    /// Parses and validates a profile file.
    pub fn parse(file: &str, text: &str) -> Result<Profile, SourceError> {
        let raw: RawProfile =
            toml::from_str(text).map_err(|e| SourceError::from_toml(file, text, &e))?;
        let err = |span: std::ops::Range<usize>, msg: String| {
            SourceError::at(file, text, span.start, msg)
        };
        let mut p = Profile::default();
        for (k, v) in &raw.roles {
            if Role::parse(k.get_ref()).is_none() {
                let known: Vec<&str> = Role::ALL.iter().map(|r| r.key()).collect();
                return Err(err(
                    k.span(),
                    format!(
                        "unknown role `{}` (known: {})",
                        k.get_ref(),
                        known.join(", ")
                    ),
                ));
            }
            if *v.get_ref() > 10_000 {
                return Err(err(v.span(), "a role weight must be at most 10000".into()));
            }
            p.roles.insert(k.get_ref().clone(), *v.get_ref());
        }
        if p.roles.values().all(|w| *w == 0) {
            return Err(err(
                0..0,
                "every role weight is 0: the fleet would be empty".into(),
            ));
        }
        let ranged = |v: &Option<Spanned<f64>>,
                      lo: f64,
                      hi: f64,
                      name: &str,
                      default: f64|
         -> Result<f64, SourceError> {
            match v {
                Some(x) if !(lo..=hi).contains(x.get_ref()) => Err(err(
                    x.span(),
                    format!("{name} must be between {lo} and {hi}, not {}", x.get_ref()),
                )),
                Some(x) => Ok(*x.get_ref()),
                None => Ok(default),
            }
        };
        if let Some(a) = &raw.activity {
            p.activity_scale = ranged(&a.scale, 0.0, 100.0, "activity.scale", p.activity_scale)?;
            p.traffic_scale = ranged(&a.traffic, 0.0, 100.0, "activity.traffic", p.traffic_scale)?;
        }
        if let Some(e) = &raw.events {
            p.merge_fork_exec = ranged(
                &e.merge_fork_exec,
                0.0,
                1.0,
                "events.merge_fork_exec",
                p.merge_fork_exec,
            )?;
            p.merge_end = ranged(&e.merge_end, 0.0, 1.0, "events.merge_end", p.merge_end)?;
            if let Some(b) = e.already_running {
                p.already_running = b;
            }
        }
        Ok(p)
    }

    /// Role weights in [`Role::ALL`] order.
    pub fn role_weights(&self) -> Vec<(Role, u32)> {
        Role::ALL
            .iter()
            .map(|r| (*r, self.roles.get(r.key()).copied().unwrap_or(0)))
            .collect()
    }
}

/// Which scenarios run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ScenarioSelection {
    /// Every known scenario.
    All,
    /// None: background activity only.
    None,
    /// These ids.
    Ids(Vec<String>),
}

/// One part of a sharded run: hosts whose index ≡ `index` (mod `count`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Shard {
    /// 0-based part.
    pub index: u32,
    /// Number of parts.
    pub count: u32,
}

impl Shard {
    /// The whole run.
    pub const WHOLE: Shard = Shard { index: 0, count: 1 };

    /// Parses `i/n` (0-based `i`).
    pub fn parse(text: &str) -> Result<Shard, String> {
        let (i, n) = text
            .split_once('/')
            .ok_or_else(|| format!("`{text}` is not a shard (expected i/n, e.g. 0/4)"))?;
        let index: u32 = i
            .trim()
            .parse()
            .map_err(|_| format!("`{i}` is not a shard index"))?;
        let count: u32 = n
            .trim()
            .parse()
            .map_err(|_| format!("`{n}` is not a shard count"))?;
        if count == 0 || index >= count {
            return Err(format!(
                "shard {index}/{count}: the index must be below the count (0-based)"
            ));
        }
        Ok(Shard { index, count })
    }

    /// Whether host `host_index` belongs to this shard.
    pub fn contains(&self, host_index: u32) -> bool {
        host_index % self.count == self.index
    }
}

/// Everything that determines a generated dataset.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Config {
    /// Master seed.
    pub seed: u64,
    /// Number of hosts in the fleet.
    pub hosts: u32,
    /// Start of the period.
    #[serde(serialize_with = "ser_ts")]
    pub start: Timestamp,
    /// Length of the period.
    #[serde(serialize_with = "ser_span")]
    pub duration: Span,
    /// Scenarios to run.
    pub scenarios: ScenarioSelection,
    /// Fleet profile.
    pub profile: Profile,
    /// Part of the fleet to generate.
    pub shard: Shard,
}

fn ser_ts<S: serde::Serializer>(t: &Timestamp, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(t)
}

fn ser_span<S: serde::Serializer>(t: &Span, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(t)
}

/// The start of the default dataset: Monday 2024-05-06 00:00 UTC.
pub const DEFAULT_START_TEXT: &str = "2024-05-06T00:00:00Z";

impl Default for Config {
    fn default() -> Config {
        Config {
            seed: 1,
            hosts: 40,
            start: Timestamp::parse_rfc3339(DEFAULT_START_TEXT).unwrap_or_default(),
            duration: Span::hours(24),
            scenarios: ScenarioSelection::All,
            profile: Profile::default(),
            shard: Shard::WHOLE,
        }
    }
}

impl Config {
    /// The default dataset `detsim run` generates in memory: 40 hosts, 24 h from
    /// 2024-05-06T00:00:00Z, every scenario, seed 1.
    pub fn default_dataset() -> Config {
        Config::default()
    }

    /// End of the period.
    pub fn end(&self) -> Timestamp {
        self.start.plus(self.duration)
    }
}

/// Why a world cannot be built.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// Bad numbers.
    #[error("invalid configuration: {0}")]
    Invalid(String),
    /// Unknown scenario ids.
    #[error("unknown scenario `{id}` (known: {known})")]
    UnknownScenario {
        /// The id asked for.
        id: String,
        /// Known ids.
        known: String,
    },
    /// Scenario files could not be loaded.
    #[error(transparent)]
    Scenarios(#[from] LoadError),
}

/// Builds a [`World`](crate::World). Defaults: seed 1, 40 hosts, 24 h from 2024-05-06T00:00:00Z, all
/// shipped scenarios, the default profile, the whole fleet (no sharding).
#[derive(Debug, Clone, Default)]
pub struct Builder {
    config: Config,
    extra: Vec<Scenario>,
    replace_builtin: bool,
}

impl Builder {
    /// A builder with the defaults.
    pub fn new() -> Builder {
        Builder::default()
    }

    /// From an existing configuration.
    pub fn from_config(config: Config) -> Builder {
        Builder {
            config,
            ..Builder::default()
        }
    }

    /// Sets the master seed.
    pub fn seed(mut self, seed: u64) -> Builder {
        self.config.seed = seed;
        self
    }

    /// Sets the number of hosts.
    pub fn hosts(mut self, n: u32) -> Builder {
        self.config.hosts = n;
        self
    }

    /// Sets the start of the period.
    pub fn start(mut self, t: Timestamp) -> Builder {
        self.config.start = t;
        self
    }

    /// Sets the length of the period.
    pub fn duration(mut self, d: Span) -> Builder {
        self.config.duration = d;
        self
    }

    /// Chooses scenarios.
    pub fn scenarios(mut self, s: ScenarioSelection) -> Builder {
        self.config.scenarios = s;
        self
    }

    /// Adds user scenarios (loaded with [`crate::scenario::load_dir`] or parsed directly).
    pub fn add_scenarios(mut self, scenarios: Vec<Scenario>) -> Builder {
        self.extra.extend(scenarios);
        self
    }

    /// Uses only the added scenarios, not the shipped ones.
    pub fn without_builtin_scenarios(mut self) -> Builder {
        self.replace_builtin = true;
        self
    }

    /// Sets the fleet profile.
    pub fn profile(mut self, p: Profile) -> Builder {
        self.config.profile = p;
        self
    }

    /// Generates only one part of the fleet.
    pub fn shard(mut self, shard: Shard) -> Builder {
        self.config.shard = shard;
        self
    }

    /// The configuration so far.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Validates the configuration, loads the scenarios and builds the world.
    pub fn build(self) -> Result<crate::World, BuildError> {
        let c = &self.config;
        if c.hosts == 0 || c.hosts > 1_000_000 {
            return Err(BuildError::Invalid(format!(
                "hosts must be between 1 and 1000000, not {}",
                c.hosts
            )));
        }
        if c.duration < Span::mins(1) || c.duration > Span::hours(24 * 366) {
            return Err(BuildError::Invalid(format!(
                "duration must be between 1m and 366d, not {}",
                c.duration
            )));
        }
        if c.shard.count == 0 || c.shard.index >= c.shard.count {
            return Err(BuildError::Invalid(format!(
                "shard {}/{} is not valid",
                c.shard.index, c.shard.count
            )));
        }
        let mut all = if self.replace_builtin {
            Vec::new()
        } else {
            crate::scenario::builtin().map_err(LoadError::from)?
        };
        all.extend(self.extra);
        crate::scenario::check_unique(&all)?;
        let selected = match &c.scenarios {
            ScenarioSelection::All => all,
            ScenarioSelection::None => Vec::new(),
            ScenarioSelection::Ids(ids) => {
                let mut out = Vec::new();
                for id in ids {
                    match all.iter().find(|s| &s.id == id) {
                        Some(s) => out.push(s.clone()),
                        None => {
                            let known: Vec<&str> = all.iter().map(|s| s.id.as_str()).collect();
                            return Err(BuildError::UnknownScenario {
                                id: id.clone(),
                                known: known.join(", "),
                            });
                        }
                    }
                }
                out
            }
        };
        Ok(crate::World::new(self.config, selected))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profile_parses_and_reports_locations() {
        let p = Profile::parse(
            "p.toml",
            "[roles]\nbastion = 0\n[events]\nmerge_fork_exec = 0.9\n",
        )
        .unwrap();
        assert_eq!(p.roles["bastion"], 0);
        assert_eq!(p.merge_fork_exec, 0.9);
        assert_eq!(p.roles["web-nginx-php"], Role::WebNginxPhp.default_weight());
        let e = Profile::parse("p.toml", "[events]\nmerge_end = 2.0\n").unwrap_err();
        assert_eq!((e.line, e.column), (2, 13));
        let e = Profile::parse("p.toml", "[roles]\nmainframe = 3\n").unwrap_err();
        assert_eq!(e.line, 2);
        assert!(e.message.contains("mainframe"));
        let e = Profile::parse("p.toml", "[activity]\nscael = 1\n").unwrap_err();
        assert!(e.message.contains("scael"), "{e}");
    }

    #[test]
    fn shards_parse_and_partition() {
        let s = Shard::parse("1/3").unwrap();
        assert!(s.contains(4) && !s.contains(3));
        assert!(Shard::parse("3/3").is_err());
        assert!(Shard::parse("x").is_err());
    }
}
