//! Generated fleets for the data strategies: small Elastic Defend datasets from the `generators` crate,
//! built once per parameter set and shared by every test case of the process.
//!
//! A [`FleetParams`] picks a seed, a fleet size and length, a profile variant (role mix, event merging,
//! processes already running) and a scenario selection. [`fleet`] builds the world, serializes each
//! event to its ECS JSON and indexes it under the Elastic Defend mapping of its data stream (through
//! `esql::ingest`, exactly as a dataset file would be read), and caches the result. A test case then
//! picks documents out of a fleet by position, so shrinking removes documents one by one.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, OnceLock};

use esql::Document;
use esql::ingest::{Indexer, event_id};
use generators::time::Span;
use generators::{Builder, Profile, ScenarioSelection};
use serde_json::Value as Json;

use super::dataset::Indexers;

/// The most events kept from one fleet (the start of its time-ordered stream).
pub const MAX_FLEET_EVENTS: usize = 1500;

/// What determines one generated fleet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FleetParams {
    /// Master seed of the world.
    pub seed: u64,
    /// Number of hosts (1–4).
    pub hosts: u32,
    /// Simulated minutes (5–60).
    pub minutes: u32,
    /// Profile variant, see [`profile`].
    pub profile: u8,
    /// Scenario selection variant, see [`scenarios`].
    pub scenarios: u8,
}

impl FleetParams {
    /// The default small fleet: seed 1, 3 hosts, 30 minutes, default profile, every scenario.
    pub const DEFAULT: FleetParams = FleetParams {
        seed: 1,
        hosts: 3,
        minutes: 30,
        profile: 0,
        scenarios: 0,
    };
}

/// Number of profile variants.
pub const PROFILES: u8 = 4;
/// Number of scenario selection variants.
pub const SCENARIO_SELECTIONS: u8 = 4;

/// Profile variant `v`: 0 default; 1 web servers only, every fork+exec merged; 2 developer and CI
/// hosts, nothing merged, no processes running at the start; 3 databases and bastions at 3× activity.
pub fn profile(v: u8) -> Profile {
    let mut p = Profile::default();
    let only = |p: &mut Profile, keep: &[&str]| {
        for (role, w) in p.roles.iter_mut() {
            if !keep.iter().any(|k| role.starts_with(k)) {
                *w = 0;
            }
        }
    };
    match v % PROFILES {
        1 => {
            only(&mut p, &["web"]);
            p.merge_fork_exec = 1.0;
            p.merge_end = 1.0;
        }
        2 => {
            only(&mut p, &["dev", "ci"]);
            p.merge_fork_exec = 0.0;
            p.merge_end = 0.0;
            p.already_running = false;
        }
        3 => {
            only(&mut p, &["database", "bastion"]);
            p.activity_scale = 3.0;
        }
        _ => {}
    }
    if p.roles.values().all(|w| *w == 0) {
        p = Profile::default();
    }
    p
}

/// Scenario selection variant `v`: 0 every shipped scenario, 1 none, 2 and 3 one scenario each
/// (chosen by the seed among the shipped ones).
pub fn scenarios(v: u8, seed: u64) -> ScenarioSelection {
    match v % SCENARIO_SELECTIONS {
        0 => ScenarioSelection::All,
        1 => ScenarioSelection::None,
        k => match generators::scenario::builtin() {
            Ok(all) if !all.is_empty() => {
                let i = (seed as usize * 7 + k as usize) % all.len();
                ScenarioSelection::Ids(vec![all[i].id.clone()])
            }
            _ => ScenarioSelection::All,
        },
    }
}

/// One generated document: its data stream, ECS JSON and indexed form.
#[derive(Debug, Clone)]
pub struct FleetDoc {
    /// Data stream (index) name.
    pub index: String,
    /// The `_source` as the generator wrote it.
    pub json: Arc<Json>,
    /// The document as ES|QL reads it.
    pub document: Document,
    /// Whether a scenario produced it (an attack event).
    pub labelled: bool,
}

/// A generated fleet's documents, in time order.
#[derive(Debug, Clone)]
pub struct Fleet {
    /// What built it.
    pub params: FleetParams,
    /// Its documents (at most [`MAX_FLEET_EVENTS`]).
    pub docs: Vec<FleetDoc>,
    /// Positions of the labelled documents.
    pub labelled: Vec<usize>,
    /// Events the mapping rejected (a generator bug if not 0; reported by the harness tests).
    pub rejected: Vec<String>,
}

/// The fleet for `params`, built on first use and cached for the life of the process.
pub fn fleet(params: FleetParams) -> Arc<Fleet> {
    static CACHE: OnceLock<Mutex<BTreeMap<FleetParams, Arc<Fleet>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(|| Mutex::new(BTreeMap::new()));
    if let Some(f) = cache.lock().ok().and_then(|c| c.get(&params).cloned()) {
        return f;
    }
    let built = Arc::new(build(params));
    match cache.lock() {
        // Another thread may have built it meanwhile: everyone shares the first one stored.
        Ok(mut c) => c.entry(params).or_insert(built).clone(),
        Err(_) => built,
    }
}

fn build(params: FleetParams) -> Fleet {
    let world = Builder::new()
        .seed(params.seed)
        .hosts(params.hosts.clamp(1, 4))
        .duration(Span::mins(i64::from(params.minutes.clamp(5, 60))))
        .profile(profile(params.profile))
        .scenarios(scenarios(params.scenarios, params.seed))
        .build();
    let mut out = Fleet {
        params,
        docs: Vec::new(),
        labelled: Vec::new(),
        rejected: Vec::new(),
    };
    let world = match world {
        Ok(w) => w,
        Err(e) => {
            out.rejected
                .push(format!("fleet {params:?} could not be built: {e}"));
            return out;
        }
    };
    let indexers = Indexers::new();
    let mut prepared: BTreeMap<String, Indexer<'_>> = BTreeMap::new();
    for event in world.take(MAX_FLEET_EVENTS) {
        let index = event.data_stream().name().to_owned();
        let json = match serde_json::to_value(&event) {
            Ok(j) => j,
            Err(e) => {
                out.rejected.push(format!("event not serializable: {e}"));
                continue;
            }
        };
        let Some(mapping) = indexers.mapping(&index) else {
            out.rejected
                .push(format!("no mapping for data stream {index}"));
            continue;
        };
        let indexer = prepared
            .entry(index.clone())
            .or_insert_with(|| Indexer::new(mapping));
        let id = event_id(&json).unwrap_or_else(|| format!("{index}-{}", out.docs.len() + 1));
        match indexer.index(&json, &id, &index) {
            Ok(indexed) => {
                if event.label.is_some() {
                    out.labelled.push(out.docs.len());
                }
                out.docs.push(FleetDoc {
                    index,
                    json: Arc::new(json),
                    document: indexed.document,
                    labelled: event.label.is_some(),
                });
            }
            Err(e) => out.rejected.push(format!("{index} {id}: {e}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_fleet_indexes_cleanly_and_has_attacks() {
        let f = fleet(FleetParams::DEFAULT);
        assert!(f.rejected.is_empty(), "{:?}", f.rejected);
        assert!(f.docs.len() > 100, "{}", f.docs.len());
        assert!(Arc::ptr_eq(&f, &fleet(FleetParams::DEFAULT)), "cached");
    }

    #[test]
    fn every_profile_variant_keeps_some_role() {
        for v in 0..PROFILES {
            assert!(profile(v).roles.values().any(|w| *w > 0), "variant {v}");
        }
    }
}
