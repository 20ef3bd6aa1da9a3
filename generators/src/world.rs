//! The [`World`]: the fleet, the planned scenario instances, and the merged event stream.
//!
//! Every host of the (shard of the) fleet is simulated independently; the world merges their streams
//! by `(@timestamp, host index, event.sequence)`, so the output order is a function of the seed and
//! configuration only. A shard holds the hosts whose index ≡ i (mod n): shards are disjoint and their
//! union, merged by the same key, is the unsharded stream. Memory is bounded by the live processes and
//! the pending events of each host, not by the length of the period.
//!
//! **Parallel generation.** Time is cut into windows. At the start of a window every host simulates,
//! on all cores (rayon), the events it has before the window's end into its own lane; the lanes are
//! then merged on the calling thread. A host's stream depends only on its own state and random
//! streams, and every event of a window precedes every event of the next, so the merged stream is
//! the same whatever the number of threads or the window length (the window adapts to keep about
//! [`WINDOW_EVENTS`] events buffered).

use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap, VecDeque};
use std::sync::Arc;

use crate::config::Config;
use crate::event::{DataStream, Event};
use crate::fleet::{HostSpec, Role};
use crate::rng::SimRng;
use crate::scenario::{InstanceRecord, Scenario, plan};
use crate::sim::{HostSim, HostStats, SimParams};
use crate::time::NANOS_PER_HOUR;

const FLEET_STREAM: u64 = 0xF1EE7;
const HOST_STREAM: u64 = 0x4057;
const SIM_STREAM: u64 = 0x5133;

/// The number of events a window aims to buffer (all hosts together).
pub const WINDOW_EVENTS: usize = 32 * 1024;

/// First window length (simulated nanoseconds): 10 s.
const FIRST_WINDOW: i64 = 10 * crate::time::NANOS_PER_SEC;

/// One host's simulation, its buffered events of the current window, and its first event after it.
#[derive(Debug)]
struct Lane {
    sim: HostSim,
    buf: VecDeque<Event>,
    head: Option<Event>,
    done: bool,
}

impl Lane {
    /// Moves every event before `horizon` into the buffer.
    fn fill(&mut self, horizon: i64) {
        loop {
            if self.head.is_none() && !self.done {
                self.head = self.sim.next_event();
                self.done = self.head.is_none();
            }
            match &self.head {
                Some(e) if e.timestamp.0 < horizon => {
                    if let Some(e) = self.head.take() {
                        self.buf.push_back(e);
                    }
                }
                _ => return,
            }
        }
    }

    fn key(&self, lane: usize) -> Option<Reverse<(i64, u32, u64, usize)>> {
        self.buf
            .front()
            .map(|e| Reverse((e.timestamp.0, e.host.index, e.sequence, lane)))
    }
}

/// Counts of what the world has produced so far.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Counts {
    /// Events per data stream.
    pub by_data_stream: BTreeMap<String, u64>,
    /// Labelled events per scenario id.
    pub by_scenario: BTreeMap<String, u64>,
    /// All events.
    pub total: u64,
}

impl Counts {
    /// Counts one event (allocates only for the first event of a data stream or scenario).
    fn add(&mut self, e: &Event) {
        self.total += 1;
        bump(&mut self.by_data_stream, e.data_stream().name());
        if let Some(l) = &e.label {
            bump(&mut self.by_scenario, &l.scenario);
        }
    }
}

fn bump(map: &mut BTreeMap<String, u64>, key: &str) {
    match map.get_mut(key) {
        Some(n) => *n += 1,
        None => {
            map.insert(key.to_string(), 1);
        }
    }
}

/// A simulated fleet and its event stream.
#[derive(Debug)]
pub struct World {
    config: Config,
    scenarios: Vec<Scenario>,
    hosts: Vec<Arc<HostSpec>>,
    lanes: Vec<Lane>,
    heap: BinaryHeap<Reverse<(i64, u32, u64, usize)>>,
    horizon: i64,
    window: i64,
    instances: Vec<InstanceRecord>,
    counts: Counts,
    reservations: usize,
}

fn host_names(roles: &[Role]) -> Vec<String> {
    let mut per_role: BTreeMap<Role, u32> = BTreeMap::new();
    roles
        .iter()
        .map(|r| {
            let n = per_role.entry(*r).or_insert(0);
            *n += 1;
            format!("{}-{:02}", r.host_prefix(), n)
        })
        .collect()
}

impl World {
    pub(crate) fn new(config: Config, scenarios: Vec<Scenario>) -> World {
        let weights: Vec<(Role, u32)> = config.profile.role_weights();
        let mut fleet_rng = SimRng::derive(config.seed, &[FLEET_STREAM]);
        let covered: Vec<Role> = Role::ALL
            .iter()
            .copied()
            .filter(|r| weights.iter().any(|(w, n)| w == r && *n > 0))
            .collect();
        let roles: Vec<Role> = (0..config.hosts as usize)
            .map(|i| {
                if i < covered.len() {
                    covered[i]
                } else {
                    *fleet_rng.weighted(&weights)
                }
            })
            .collect();
        let names = host_names(&roles);
        let hosts: Vec<Arc<HostSpec>> = roles
            .iter()
            .zip(names)
            .enumerate()
            .map(|(i, (role, name))| {
                let mut rng = SimRng::derive(config.seed, &[HOST_STREAM, i as u64]);
                Arc::new(HostSpec::generate(
                    i as u32,
                    *role,
                    name,
                    config.start,
                    &mut rng,
                ))
            })
            .collect();
        let end = config.end();
        let mut planned = plan(&scenarios, &hosts, config.seed, config.start, end);
        let reservations = planned.reservations.len();
        let params = Arc::new(SimParams {
            start: config.start,
            end,
            merge_fork_exec: config.profile.merge_fork_exec,
            merge_end: config.profile.merge_end,
            activity_scale: config.profile.activity_scale,
            traffic_scale: config.profile.traffic_scale,
            already_running: config.profile.already_running,
            reservations: Arc::new(std::mem::take(&mut planned.reservations)),
        });
        let mut sims = Vec::new();
        for h in &hosts {
            if !config.shard.contains(h.info.index) {
                continue;
            }
            let mut rng = SimRng::derive(config.seed, &[SIM_STREAM, u64::from(h.info.index)]);
            let uptime_h = ((config.start.0 - h.boot.0) / NANOS_PER_HOUR).max(0) as f64;
            let first_pid = (900.0 + uptime_h * rng.lognormal(5.0, 0.8)).min(4_000_000.0) as u32;
            let mut sim = HostSim::empty(h.clone(), params.clone(), rng, first_pid);
            sim.boot();
            if let Some(scripts) = planned.scripts.remove(&h.info.index) {
                for (t, s) in scripts {
                    sim.start_script(t, s);
                }
            }
            sims.push(sim);
        }
        let horizon = config.start.0;
        World {
            config,
            scenarios,
            hosts,
            lanes: sims
                .into_iter()
                .map(|sim| Lane {
                    sim,
                    buf: VecDeque::new(),
                    head: None,
                    done: false,
                })
                .collect(),
            heap: BinaryHeap::new(),
            horizon,
            window: FIRST_WINDOW,
            instances: planned.instances,
            counts: Counts::default(),
            reservations,
        }
    }

    /// Simulates the next window on all cores and queues each lane's first event; false when every
    /// host is done.
    fn next_window(&mut self) -> bool {
        use rayon::prelude::*;
        while self.heap.is_empty() {
            if self.lanes.iter().all(|l| l.done && l.head.is_none()) {
                return false;
            }
            let horizon = self.horizon.saturating_add(self.window);
            self.horizon = horizon;
            self.lanes.par_iter_mut().for_each(|l| l.fill(horizon));
            let buffered: usize = self.lanes.iter().map(|l| l.buf.len()).sum();
            if buffered < WINDOW_EVENTS / 2 && self.window < NANOS_PER_HOUR {
                self.window *= 2;
            } else if buffered > WINDOW_EVENTS * 2 && self.window > 1_000 {
                self.window /= 2;
            }
            for (i, l) in self.lanes.iter().enumerate() {
                if let Some(k) = l.key(i) {
                    self.heap.push(k);
                }
            }
        }
        true
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Every host of the fleet (all shards).
    pub fn hosts(&self) -> &[Arc<HostSpec>] {
        &self.hosts
    }

    /// The selected scenarios.
    pub fn scenarios(&self) -> &[Scenario] {
        &self.scenarios
    }

    /// The planned instances (including skipped ones, with the reason).
    pub fn instances(&self) -> &[InstanceRecord] {
        &self.instances
    }

    /// Counts so far.
    pub fn counts(&self) -> &Counts {
        &self.counts
    }

    /// Number of reserved (executable, parent executable) pairs.
    pub fn reservation_count(&self) -> usize {
        self.reservations
    }

    /// Per-host counters of this shard (suppressed noise, stale operations, failed scenario binds).
    pub fn host_stats(&self) -> BTreeMap<String, HostStats> {
        self.lanes
            .iter()
            .map(|l| (l.sim.spec.name().to_string(), l.sim.stats.clone()))
            .collect()
    }

    /// The next event with its data stream.
    pub fn next_with_stream(&mut self) -> Option<(DataStream, Event)> {
        self.next().map(|e| (e.data_stream(), e))
    }
}

impl Iterator for World {
    type Item = Event;

    fn next(&mut self) -> Option<Event> {
        if self.heap.is_empty() && !self.next_window() {
            return None;
        }
        let Reverse((_, _, _, i)) = self.heap.pop()?;
        let lane = &mut self.lanes[i];
        let e = lane.buf.pop_front()?;
        if let Some(k) = lane.key(i) {
            self.heap.push(k);
        }
        self.counts.add(&e);
        Some(e)
    }
}
