//! The discrete-event simulation of one host.
//!
//! A host holds its process table, a queue of tasks (recurring background activities and running
//! scripts) ordered by time, and a buffer of emitted events. [`HostSim::next_event`] runs tasks until
//! the earliest buffered event can no longer be preceded by anything a task might still emit, then
//! releases it with the next `event.sequence`, its `event.id` and `event.ingested`. A host therefore
//! streams its events in time order with a small, bounded buffer, and draws only from its own random
//! streams: its output does not depend on other hosts, shards or threads.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap};
use std::sync::Arc;

use super::activity::Activity;
use super::procs::{Deferred, ExecSpec, ProcTable};
use super::reservations::Reservations;
use super::script::{Merge, Op, OpKind, Script, ScriptBuilder};
use crate::event::{Body, Event, EventId, FileBody, FileInfo, Label, ProcessActions, ProcessBody};
use crate::fleet::HostSpec;
use crate::rng::SimRng;
use crate::time::{NANOS_PER_SEC, Span, Timestamp};

/// Settings shared by every host of a world.
#[derive(Debug, Clone)]
pub struct SimParams {
    /// First instant generated.
    pub start: Timestamp,
    /// End of the generated period (exclusive).
    pub end: Timestamp,
    /// Share of fork+exec pairs written as one `["fork","exec"]` event.
    pub merge_fork_exec: f64,
    /// Share of merged, short-lived processes whose exit is merged too (`["fork","exec","end"]`).
    pub merge_end: f64,
    /// Multiplier of background activity.
    pub activity_scale: f64,
    /// Multiplier of web traffic.
    pub traffic_scale: f64,
    /// Whether to emit `already_running` events for the processes alive at the start.
    pub already_running: bool,
    /// Noise kept away from detect scenarios.
    pub reservations: Arc<Reservations>,
}

/// log2 of the size of a host's table of ingest lags (small enough to stay in L1 cache).
const LAG_BITS: u32 = 7;

/// A buffered event: its body and label, ordered by (time, emission order).
#[derive(Debug)]
struct Pending {
    at: i64,
    order: u64,
    body: Body,
    label: Option<Arc<Label>>,
}

impl PartialEq for Pending {
    fn eq(&self, other: &Pending) -> bool {
        (self.at, self.order) == (other.at, other.order)
    }
}

impl Eq for Pending {}

impl PartialOrd for Pending {
    fn partial_cmp(&self, other: &Pending) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Pending {
    fn cmp(&self, other: &Pending) -> std::cmp::Ordering {
        (self.at, self.order).cmp(&(other.at, other.order))
    }
}

/// Counters a host reports (nothing is dropped silently).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct HostStats {
    /// Background execs suppressed because they would mask a detect scenario.
    pub suppressed_noise: u64,
    /// Operations whose process had already exited.
    pub stale_ops: u64,
    /// Events that fell after the end of the period.
    pub after_end: u64,
    /// Scenario instances that could not bind a process.
    pub scenario_failures: u64,
}

/// A runnable item of the host queue.
#[derive(Debug)]
pub(crate) enum Task {
    /// A recurring background activity.
    Activity(Activity),
    /// A script being played.
    Script(Box<ScriptRun>),
}

/// Playback state of a script.
#[derive(Debug)]
pub(crate) struct ScriptRun {
    t0: Timestamp,
    script: Script,
    next: usize,
    pids: Vec<Option<u32>>,
    merged: Vec<bool>,
    pinned: Vec<u32>,
    failed: bool,
}

/// One host's simulation.
#[derive(Debug)]
pub struct HostSim {
    /// The host.
    pub spec: Arc<HostSpec>,
    pub(crate) params: Arc<SimParams>,
    pub(crate) rng: SimRng,
    lag_salt: u64,
    lags: Vec<i64>,
    pub(crate) table: ProcTable,
    queue: BinaryHeap<Reverse<(i64, u64, usize)>>,
    tasks: Vec<Option<Task>>,
    free: Vec<usize>,
    qseq: u64,
    pending: BinaryHeap<Reverse<Pending>>,
    pseq: u64,
    seq: u64,
    prefix: [u8; 12],
    ops_pool: Vec<Vec<Op>>,
    pub(crate) spec_cache: BTreeMap<(&'static str, &'static str), Arc<ExecSpec>>,
    /// Counters.
    pub stats: HostStats,
    pub(crate) state: super::boot::RoleState,
}

impl HostSim {
    /// A host simulation with an empty table (the boot module fills it).
    pub(crate) fn empty(
        spec: Arc<HostSpec>,
        params: Arc<SimParams>,
        rng: SimRng,
        first_pid: u32,
    ) -> HostSim {
        let mut rng = rng;
        let mut lag_rng = rng.fork();
        // Ingest lags (nanoseconds) are drawn from a table of log-normal draws around the host's typical
        // lag, indexed by a hash of the event's sequence number: one multiply-mix and one lookup per
        // event instead of a random draw.
        let lags: Vec<i64> = (0..1usize << LAG_BITS)
            .map(|_| {
                let secs = spec.ingest_lag * lag_rng.lognormal(0.0, 0.5) + 0.2;
                (secs * NANOS_PER_SEC as f64) as i64
            })
            .collect();
        let table = ProcTable::new(spec.info.agent_id.clone(), spec.distro.key, first_pid);
        let prefix = EventId::host_prefix(spec.info.index, spec.id_salt);
        let lag_salt = lag_rng.next_u64();
        HostSim {
            spec,
            params,
            rng,
            lag_salt,
            lags,
            table,
            queue: BinaryHeap::new(),
            tasks: Vec::new(),
            free: Vec::new(),
            qseq: 0,
            pending: BinaryHeap::new(),
            pseq: 0,
            seq: 0,
            prefix,
            ops_pool: Vec::new(),
            spec_cache: BTreeMap::new(),
            stats: HostStats::default(),
            state: Default::default(),
        }
    }

    /// Queues a task at `t`.
    pub(crate) fn schedule(&mut self, t: Timestamp, task: Task) {
        let id = match self.free.pop() {
            Some(id) => {
                self.tasks[id] = Some(task);
                id
            }
            None => {
                self.tasks.push(Some(task));
                self.tasks.len() - 1
            }
        };
        self.qseq += 1;
        self.queue.push(Reverse((t.0, self.qseq, id)));
    }

    /// A script builder with a recycled operation buffer.
    pub(crate) fn script_builder(&mut self) -> ScriptBuilder {
        let mut ops = self.ops_pool.pop().unwrap_or_default();
        // Room for the longest usual scripts, so a recycled buffer never grows again.
        ops.reserve(48);
        ScriptBuilder::with_ops(ops)
    }

    /// Queues a script to start at `t`.
    pub(crate) fn start_script(&mut self, t: Timestamp, script: Script) {
        let n = script.slots;
        let run = ScriptRun {
            t0: t,
            script,
            next: 0,
            pids: vec![None; n],
            merged: vec![false; n],
            pinned: Vec::new(),
            failed: false,
        };
        self.schedule(t, Task::Script(Box::new(run)));
    }

    /// The next event of this host, in time order; `None` when the period is over.
    pub fn next_event(&mut self) -> Option<Event> {
        loop {
            let next_task = self.queue.peek().map(|Reverse((t, _, _))| *t);
            if let Some(Reverse(first)) = self.pending.peek()
                && next_task.is_none_or(|t| t > first.at)
            {
                let Reverse(p) = self.pending.pop()?;
                return Some(self.release(Timestamp(p.at), p.body, p.label));
            }
            let Reverse((t, _, id)) = self.queue.pop()?;
            let task = self.tasks[id].take();
            self.free.push(id);
            if t >= self.params.end.0 {
                continue;
            }
            match task {
                Some(Task::Activity(a)) => {
                    if let Some(next) = self.run_activity(&a, Timestamp(t)) {
                        self.schedule(next, Task::Activity(a));
                    }
                }
                Some(Task::Script(run)) => self.run_script(run, Timestamp(t)),
                None => {}
            }
        }
    }

    fn release(&mut self, ts: Timestamp, body: Body, label: Option<Arc<Label>>) -> Event {
        self.seq += 1;
        let lag =
            self.lags[(crate::rng::mix64(self.lag_salt ^ self.seq) >> (64 - LAG_BITS)) as usize];
        let raw = ts.0 + lag;
        let ingested =
            Timestamp((raw + NANOS_PER_SEC - 1).div_euclid(NANOS_PER_SEC) * NANOS_PER_SEC);
        Event {
            timestamp: ts,
            ingested,
            sequence: self.seq,
            id: EventId::new(&self.prefix, self.seq),
            host: self.spec.info.clone(),
            body,
            label,
        }
    }

    /// Buffers an event at `t` (events after the end of the period are counted and dropped).
    pub(crate) fn emit(&mut self, t: Timestamp, body: Body, label: Option<Arc<Label>>) {
        if t >= self.params.end || t < self.params.start {
            self.stats.after_end += 1;
            return;
        }
        self.pseq += 1;
        self.pending.push(Reverse(Pending {
            at: t.tick().0,
            order: self.pseq,
            body,
            label,
        }));
    }

    fn emit_process(
        &mut self,
        t: Timestamp,
        actions: ProcessActions,
        pid: u32,
        end: Option<(Timestamp, i32)>,
        label: Option<Arc<Label>>,
    ) {
        if let Some(p) = self.table.image(pid) {
            self.emit(
                t,
                Body::Process(ProcessBody {
                    actions,
                    process: p,
                    end,
                }),
                label,
            );
        }
    }

    fn run_script(&mut self, mut run: Box<ScriptRun>, now: Timestamp) {
        if run.next == 0 {
            for &(slot, pid) in &run.script.bound {
                if self.table.get(pid).is_some() {
                    run.pids[slot] = Some(pid);
                }
            }
        }
        let ops = std::mem::take(&mut run.script.ops);
        while run.next < ops.len() {
            let at = run.t0.plus(ops[run.next].at);
            if at > now {
                run.script.ops = ops;
                self.schedule(at, Task::Script(run));
                return;
            }
            if !run.failed {
                self.play(&mut run, &ops, at);
            }
            run.next += 1;
        }
        for pid in run.pinned.drain(..) {
            if let Some(e) = self.table.get_mut(pid) {
                e.pinned = e.pinned.saturating_sub(1);
            }
        }
        let mut ops = ops;
        ops.clear();
        if self.ops_pool.len() < 64 && ops.capacity() <= 256 {
            self.ops_pool.push(ops);
        }
    }

    fn play(&mut self, run: &mut ScriptRun, ops: &[Op], t: Timestamp) {
        let op = &ops[run.next];
        let label = op.label.clone();
        match &op.kind {
            &OpKind::Fork { slot, parent, exec } => {
                let Some(ppid) = run.pids[parent].filter(|p| self.table.get(*p).is_some()) else {
                    self.stats.stale_ops += 1;
                    return;
                };
                let follow = exec.and_then(|i| match &ops[i].kind {
                    OpKind::Exec { spec, merge, .. } => Some((&spec.executable, *merge)),
                    _ => None,
                });
                if !run.script.attack
                    && let Some((exe, _)) = follow
                    && let Some(pimg) = self.table.get(ppid)
                    && self
                        .params
                        .reservations
                        .masks(exe, pimg.proc.executable(), t)
                {
                    self.stats.suppressed_noise += 1;
                    return;
                }
                let Some(child) = self.table.fork(ppid, t) else {
                    return;
                };
                run.pids[slot] = Some(child.pid);
                let merge = match follow {
                    None => false,
                    Some((_, policy)) => match policy {
                        Merge::Never => false,
                        Merge::ForkExec | Merge::ForkExecEnd => true,
                        Merge::Profile => self.rng.chance(self.params.merge_fork_exec),
                    },
                };
                run.merged[slot] = merge;
                if !merge {
                    self.emit(
                        t,
                        Body::Process(ProcessBody {
                            actions: ProcessActions::FORK,
                            process: child,
                            end: None,
                        }),
                        label,
                    );
                }
            }
            OpKind::Exec {
                slot,
                spec,
                short,
                merge,
            } => {
                let (slot, short, merge) = (*slot, *short, *merge);
                let Some(pid) = run.pids[slot].filter(|p| self.table.get(*p).is_some()) else {
                    return;
                };
                if self.table.exec(pid, t, spec).is_none() {
                    return;
                }
                if run.merged[slot] {
                    let actions = ProcessActions::FORK.with(ProcessActions::EXEC);
                    let end_too = match merge {
                        Merge::ForkExecEnd => short,
                        Merge::Profile => short && self.rng.chance(self.params.merge_end),
                        _ => false,
                    };
                    if end_too {
                        if let Some(e) = self.table.get_mut(pid) {
                            e.deferred = Some(Deferred { actions, label });
                        }
                    } else {
                        self.emit_process(t, actions, pid, None, label);
                    }
                } else {
                    self.emit_process(t, ProcessActions::EXEC, pid, None, label);
                }
            }
            OpKind::File {
                slot,
                action,
                path,
                from,
                size,
                entropy,
            } => {
                let (slot, action, size, entropy) = (*slot, *action, *size, *entropy);
                let Some(img) = run.pids[slot].and_then(|p| self.table.image(p)) else {
                    if run.pids[slot].is_some() {
                        self.stats.stale_ops += 1;
                    }
                    return;
                };
                let header = entropy.map(|_| Arc::<str>::from(header_for(path)));
                let file = FileInfo {
                    path: path.clone(),
                    size,
                    entropy,
                    header_bytes: header,
                    original_path: from.clone(),
                };
                self.emit(
                    t,
                    Body::File(FileBody {
                        action,
                        process: img,
                        file: Arc::new(file),
                    }),
                    label,
                );
            }
            &OpKind::Exit { slot, code } => {
                let Some(pid) = run.pids[slot] else { return };
                let Some(entry) = self.table.exit(pid) else {
                    self.stats.stale_ops += 1;
                    return;
                };
                run.pids[slot] = None;
                let (actions, label) = match entry.deferred {
                    Some(d) => (d.actions.with(ProcessActions::END), d.label.or(label)),
                    None => (ProcessActions::END, label),
                };
                let body = ProcessBody {
                    actions,
                    process: entry.proc,
                    end: Some((t, code)),
                };
                self.emit(t, Body::Process(body), label);
            }
            OpKind::Select { slot, selector } => {
                let slot = *slot;
                let candidates: Vec<u32> = self
                    .table
                    .pids()
                    .into_iter()
                    .filter(|pid| {
                        self.table
                            .get(*pid)
                            .is_some_and(|e| selector.matches(&e.proc))
                    })
                    .collect();
                if candidates.is_empty() {
                    self.stats.scenario_failures += 1;
                    run.failed = true;
                    return;
                }
                let pid = *self.rng.pick(&candidates);
                if let Some(e) = self.table.get_mut(pid) {
                    e.pinned += 1;
                }
                run.pinned.push(pid);
                run.pids[slot] = Some(pid);
            }
        }
    }

    /// Diurnal × weekly shape of human activity at `t` (0..=1).
    pub(crate) fn office_hours(&self, t: Timestamp) -> f64 {
        let h = t.hour_of_day(self.spec.tz_offset_min);
        let base = if (8.5..18.5).contains(&h) {
            1.0
        } else if (7.0..8.5).contains(&h) || (18.5..22.0).contains(&h) {
            0.35
        } else {
            0.04
        };
        if t.weekday(self.spec.tz_offset_min) >= 5 {
            base * 0.15
        } else {
            base
        }
    }

    /// Diurnal × weekly shape of web traffic at `t` (0.15..=1).
    pub(crate) fn traffic_shape(&self, t: Timestamp) -> f64 {
        let h = t.hour_of_day(self.spec.tz_offset_min);
        let phase = ((h - 15.0) / 24.0 * std::f64::consts::TAU).cos();
        let v = 0.55 + 0.45 * phase;
        let w = if t.weekday(self.spec.tz_offset_min) >= 5 {
            0.8
        } else {
            1.0
        };
        (v * w).clamp(0.15, 1.0)
    }

    /// A Poisson arrival after `t` at `per_hour` (≥ a tiny floor), for thinning.
    pub(crate) fn next_arrival(&mut self, t: Timestamp, per_hour: f64) -> Timestamp {
        let mean_secs = 3600.0 / per_hour.max(1e-3);
        t.plus(Span::from_secs_f64(self.rng.exp(mean_secs).max(0.001)))
    }
}

/// Plausible first bytes of a written file, by extension (hex).
fn header_for(path: &str) -> &'static str {
    let ext = path.rsplit('.').next().unwrap_or("");
    match ext {
        "php" | "phtml" => "3c3f706870206576616c28",
        "jsp" => "3c25402070616765206966",
        "sh" => "23212f62696e2f62617368",
        "py" => "23212f7573722f62696e2f",
        "gz" | "tgz" => "1f8b0800000000000003",
        "jpg" | "jpeg" => "ffd8ffe000104a464946",
        "png" => "89504e470d0a1a0a0000",
        "deb" => "213c617263683e0a6465",
        "rpm" => "edabeedb030000000001",
        _ => "7f454c46020101000000",
    }
}
