//! Planning: where and when each scenario instance runs, compiled into scripts for host simulations.
//!
//! For every selected scenario and instance, a random stream derived from the seed, the scenario id and
//! the instance number chooses the hosts (by role tag, distinct hosts), the start time, and renders the
//! templates; the same stream is replayed on each host of the instance so random names are shared.
//! Each exec under a parent whose executable is known (an exec of the scenario, or a select by exact
//! executable) of a detect scenario reserves its (executable, parent executable) pair for 90 minutes either side, so that
//! background noise on other hosts cannot mask a detect scenario (see `sim::reservations`).
//! Planning depends only on the seed, the fleet and the scenarios — never on the shard.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::file::{Expect, FileOp, Scenario, StepKind};
use crate::event::Label;
use crate::fleet::HostSpec;
use crate::rng::{SimRng, hash_str};
use crate::sim::procs::ExecSpec;
use crate::sim::reservations::Reservations;
use crate::sim::script::{Script, ScriptBuilder, Slot};
use crate::time::{Span, Timestamp};

/// How long before and after a detect scenario's exec its pair is kept free of background noise (the
/// seed rules look back 61 minutes, on `event.ingested`, which lags `@timestamp`).
pub const RESERVE_MARGIN: Span = Span::mins(90);

/// Stream tag for scenario instances.
const SCENARIO_STREAM: u64 = 0x5CE7_A810;

/// What happened to one planned instance (for the manifest).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct InstanceRecord {
    /// Scenario id.
    pub scenario: String,
    /// Instance number.
    pub instance: u32,
    /// `detect` or `miss`.
    pub expect: String,
    /// Host names it runs on (empty when skipped).
    pub hosts: Vec<String>,
    /// Planned start (first host).
    pub start: Option<String>,
    /// Why it was skipped, if it was.
    pub skipped: Option<String>,
}

/// The result of planning.
#[derive(Debug, Default)]
pub struct Plan {
    /// Scripts to play, by host index.
    pub scripts: BTreeMap<u32, Vec<(Timestamp, Script)>>,
    /// Reserved pairs.
    pub reservations: Reservations,
    /// One record per instance.
    pub instances: Vec<InstanceRecord>,
}

fn host_vars(h: &HostSpec) -> BTreeMap<String, String> {
    let web_user = h.web_user();
    let home = match web_user {
        "www-data" => "/var/www",
        "apache" => "/usr/share/httpd",
        "nginx" => "/var/lib/nginx",
        "tomcat" => "/opt/tomcat",
        "caddy" => "/var/lib/caddy",
        _ => "/home/app",
    };
    let mut m = BTreeMap::new();
    m.insert("webroot".into(), h.webroot.to_string());
    m.insert("hostname".into(), h.name().to_string());
    m.insert("web_user".into(), web_user.to_string());
    m.insert("sh".into(), h.distro.sh().to_string());
    m.insert("php_sessions".into(), h.distro.php_sessions().to_string());
    m.insert("home".into(), home.to_string());
    m.insert("address".into(), h.address.to_string());
    let crontab_dir = match h.distro.family {
        crate::fleet::Family::Debian => "/var/spool/cron/crontabs",
        crate::fleet::Family::RedHat => "/var/spool/cron",
    };
    m.insert("crontab_dir".into(), crontab_dir.to_string());
    m
}

fn has_glob(s: &str) -> bool {
    s.contains('*') || s.contains('?')
}

/// An upper bound of when an instance's last step happens after its start: every step's longest
/// delay, repeated executions' spacing, and the spread between its hosts (process lifetimes run in
/// parallel with later steps and are left out).
fn longest(sc: &Scenario) -> Span {
    let mut total = sc.hosts.spread.hi.0;
    for st in &sc.steps {
        total = total.saturating_add(st.after.hi.0);
        if let StepKind::Exec {
            repeat, interval, ..
        } = &st.kind
        {
            let repeats = i64::from(repeat.saturating_sub(1));
            total = total.saturating_add(interval.hi.0.saturating_mul(repeats));
        }
    }
    Span(total)
}

/// Plans every instance of `scenarios` on `hosts` within `start..end`.
pub fn plan(
    scenarios: &[Scenario],
    hosts: &[Arc<HostSpec>],
    seed: u64,
    start: Timestamp,
    end: Timestamp,
) -> Plan {
    let mut out = Plan::default();
    for sc in scenarios {
        for k in 0..sc.instances {
            let mut rng = SimRng::derive(seed, &[SCENARIO_STREAM, hash_str(&sc.id), u64::from(k)]);
            let expect = match sc.expect {
                Expect::Detect => "detect",
                Expect::Miss { .. } => "miss",
            };
            let mut record = InstanceRecord {
                scenario: sc.id.clone(),
                instance: k,
                expect: expect.into(),
                hosts: Vec::new(),
                start: None,
                skipped: None,
            };
            let mut candidates: Vec<usize> = (0..hosts.len())
                .filter(|&i| hosts[i].role.has_tag(&sc.hosts.role))
                .collect();
            if candidates.len() < sc.hosts.count as usize {
                record.skipped = Some(format!(
                    "needs {} host(s) with role `{}`, the fleet has {}",
                    sc.hosts.count,
                    sc.hosts.role,
                    candidates.len()
                ));
                out.instances.push(record);
                continue;
            }
            let mut chosen = Vec::new();
            for _ in 0..sc.hosts.count {
                let i = rng.index(candidates.len());
                chosen.push(candidates.swap_remove(i));
            }
            chosen.sort_unstable();
            let (lo, hi) = match sc.at {
                Some(at) => (start.plus(at.lo), start.plus(at.hi)),
                None => {
                    let span = end.0 - start.0;
                    let margin_lo = Span((span / 20).min(Span::mins(30).0));
                    let margin_hi = Span((span / 8).min(Span::hours(3).0));
                    // Leave room for the whole scenario when the period allows it, so that short
                    // periods still see every step of an instance.
                    let room = Span(longest(sc).0.saturating_add(Span::mins(1).0));
                    let hi = end.minus(margin_hi).min(end.minus(room));
                    let lo = start.plus(margin_lo);
                    (lo, if hi >= lo { hi } else { end.minus(margin_hi) })
                }
            };
            let hi = hi.min(end.minus(Span::secs(1)));
            if hi < lo || lo >= end {
                record.skipped = Some("the `at` window lies outside the generated period".into());
                out.instances.push(record);
                continue;
            }
            let base = Timestamp(rng.range_i64(lo.0, hi.0));
            let replay = rng.fork();
            let mut spread_rng = rng.fork();
            record.start = Some(base.to_string());
            for (n, &hi_idx) in chosen.iter().enumerate() {
                let host = &hosts[hi_idx];
                let offset = if n == 0 {
                    Span(0)
                } else {
                    sc.hosts.spread.draw(&mut spread_rng)
                };
                let t0 = base.plus(offset);
                let mut r = replay.clone();
                let script = compile(sc, k, host, &mut r, t0, &mut out.reservations);
                out.scripts
                    .entry(host.info.index)
                    .or_default()
                    .push((t0, script));
                record.hosts.push(host.name().to_string());
            }
            out.instances.push(record);
        }
    }
    out
}

/// Compiles one instance on one host.
fn compile(
    sc: &Scenario,
    instance: u32,
    host: &HostSpec,
    rng: &mut SimRng,
    t0: Timestamp,
    res: &mut Reservations,
) -> Script {
    let mut ctx = host_vars(host);
    for (name, t) in &sc.vars {
        let v = t.render(rng, &ctx);
        ctx.insert(name.clone(), v);
    }
    let mut b = ScriptBuilder::new();
    let mut slots: BTreeMap<String, (Slot, Option<String>)> = BTreeMap::new();
    let mut pending_exit: Vec<(Slot, Span, Arc<Label>)> = Vec::new();
    let mut last_use: BTreeMap<Slot, Span> = BTreeMap::new();
    let mut exited: Vec<Slot> = Vec::new();
    let scenario_id: Arc<str> = sc.id.as_str().into();
    for (i, step) in sc.steps.iter().enumerate() {
        b.wait(step.after.draw(rng));
        let technique = step
            .technique
            .clone()
            .or_else(|| sc.techniques.first().cloned())
            .unwrap_or_default();
        let label = Arc::new(Label {
            scenario: scenario_id.clone(),
            instance,
            technique: technique.into(),
            step: i as u32,
        });
        b.label(Some(label.clone()));
        match &step.kind {
            StepKind::Select { alias, selector } => {
                let slot = b.select(Arc::new(selector.clone()));
                let exe = selector.executable.clone().filter(|e| !has_glob(e));
                slots.insert(alias.clone(), (slot, exe));
            }
            StepKind::Exec {
                by,
                alias,
                executable,
                args,
                user,
                cwd,
                lifetime,
                merge,
                repeat,
                interval,
            } => {
                let Some((parent, parent_exe)) = slots.get(by).cloned() else {
                    continue;
                };
                for r in 0..*repeat {
                    if r > 0 {
                        b.wait(interval.draw(rng));
                    }
                    let exe = executable.render(rng, &ctx);
                    let argv: Vec<String> = args.iter().map(|a| a.render(rng, &ctx)).collect();
                    let mut spec = ExecSpec::with_args(&exe, argv);
                    if let Some(u) = user {
                        spec = spec.user(host.accounts.or_root(u));
                    }
                    if let Some(c) = cwd {
                        spec = spec.cwd(&c.render(rng, &ctx));
                    }
                    if let (Some(pe), Expect::Detect) = (&parent_exe, &sc.expect) {
                        let at = t0.plus(b.now());
                        res.reserve(&exe, pe, at.minus(RESERVE_MARGIN), at.plus(RESERVE_MARGIN));
                    }
                    last_use.insert(parent, b.now());
                    let child = b.spawn_with(parent, spec, *merge);
                    let life = lifetime.draw(rng);
                    pending_exit.push((child, Span(b.now().0 + life.0), label.clone()));
                    if let Some(a) = alias {
                        slots.insert(a.clone(), (child, Some(exe.clone())));
                    }
                }
            }
            StepKind::File {
                by,
                op,
                path,
                to,
                size,
            } => {
                let Some((slot, _)) = slots.get(by).cloned() else {
                    continue;
                };
                let p = path.render(rng, &ctx);
                let sz = size.unwrap_or_else(|| rng.range(200, 60_000));
                match op {
                    FileOp::Create => b.create(slot, p, sz, Some(5.2 + rng.unit() * 2.5)),
                    FileOp::Rename => {
                        let dest = to.as_ref().map(|t| t.render(rng, &ctx)).unwrap_or_default();
                        b.rename(slot, p, dest, sz);
                    }
                    FileOp::Delete => b.delete(slot, p),
                }
                last_use.insert(slot, b.now());
            }
            StepKind::Exit { by } => {
                let Some((slot, _)) = slots.get(by).cloned() else {
                    continue;
                };
                b.exit(slot, 0);
                exited.push(slot);
            }
        }
    }
    // Processes exit after their lifetime, but never before their last use.
    pending_exit.retain(|(s, _, _)| !exited.contains(s));
    let mut exits: Vec<(Slot, Span, Arc<Label>)> = pending_exit
        .into_iter()
        .map(|(slot, at, label)| {
            let used = last_use
                .get(&slot)
                .map_or(Span(0), |u| Span(u.0 + 1_000_000_000));
            (slot, at.max(used), label)
        })
        .collect();
    exits.sort_by_key(|(slot, at, _)| (*at, *slot));
    for (slot, at, label) in exits {
        b.label(Some(label));
        b.wait_until(at);
        b.exit(slot, 0);
    }
    let mut script = b.finish();
    script.attack = true;
    script
}
