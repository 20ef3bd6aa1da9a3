//! Background activity: the recurring things a host does, each producing a script per occurrence.
//!
//! Each [`Activity`] decides when it next runs (fixed schedules for cron and timers, thinned Poisson
//! arrivals shaped by office hours or web traffic for people and requests, scaled by the host's
//! heavy-tailed habits) and builds the script of one occurrence. The natural false positives of the
//! seed rules come from here: PHP session and upload temp files, nginx temp files, gunicorn worker
//! temp files, backups (`rsync` under `backup.sh`), admins' `scp` from interactive bash, deploy
//! scripts and Python tools calling `rsync`, developers' `./build.sh`.

mod sessions;
mod system;
mod web;

use super::host_sim::HostSim;
use super::procs::ExecSpec;
use std::sync::Arc;

use super::script::{Merge, ScriptBuilder, Slot};
use crate::time::Timestamp;

/// A recurring background activity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Activity {
    /// crond running the host's scheduled jobs.
    CronJobs,
    /// The monitoring agent running its exec inputs.
    Monitoring,
    /// An administrator's interactive SSH session.
    AdminSession,
    /// File transfers by administrators on jump hosts.
    Transfer,
    /// Daily timers: logrotate, man-db, apt/dnf metadata.
    DailyMaintenance,
    /// Package upgrades.
    PackageUpdate,
    /// The nightly backup script.
    Backup,
    /// Requests handled by web workers (file writes).
    WebTraffic,
    /// Worker processes replaced after serving their share of requests.
    WorkerRecycle,
    /// The web application spawning helpers (image conversion, mail).
    WebAppExec,
    /// PHP session garbage collection.
    SessionClean,
    /// PostgreSQL connections and WAL.
    Postgres,
    /// A developer at work in tmux.
    DevSession,
    /// A CI job.
    CiJob,
}

impl HostSim {
    /// Runs one occurrence of `a` at `t` and returns when it runs next.
    pub(crate) fn run_activity(&mut self, a: &Activity, t: Timestamp) -> Option<Timestamp> {
        match a {
            Activity::CronJobs => self.cron_jobs(t),
            Activity::Monitoring => self.monitoring(t),
            Activity::AdminSession => self.admin_session(t),
            Activity::Transfer => self.transfer_session(t),
            Activity::DailyMaintenance => self.daily_maintenance(t),
            Activity::PackageUpdate => self.package_update(t),
            Activity::Backup => self.backup(t),
            Activity::WebTraffic => self.web_traffic(t),
            Activity::WorkerRecycle => self.worker_recycle(t),
            Activity::WebAppExec => self.web_app_exec(t),
            Activity::SessionClean => self.session_clean(t),
            Activity::Postgres => self.postgres(t),
            Activity::DevSession => self.dev_session(t),
            Activity::CiJob => self.ci_job(t),
        }
    }

    /// `/bin/sh -c <cmd>` under `parent`.
    pub(crate) fn sh_c(&self, b: &mut ScriptBuilder, parent: Slot, cmd: &str) -> Slot {
        b.spawn(
            parent,
            ExecSpec::with_args(
                self.spec.distro.sh(),
                vec!["/bin/sh".into(), "-c".into(), cmd.into()],
            ),
        )
    }

    /// The host's shared spec named `key` (built by `make` on first use). Frequent commands share one
    /// spec, whose image is then built once: no per-run allocation of arguments and command line.
    pub(crate) fn shared_spec(
        &mut self,
        key: (&'static str, &'static str),
        make: impl FnOnce(&HostSim) -> ExecSpec,
    ) -> Arc<ExecSpec> {
        if let Some(s) = self.spec_cache.get(&key) {
            return s.clone();
        }
        let spec = Arc::new(make(self));
        self.spec_cache.insert(key, spec.clone());
        spec
    }

    /// `/bin/sh -c <cmd>` under `parent`, for a constant command (shared spec).
    pub(crate) fn sh_c_static(
        &mut self,
        b: &mut ScriptBuilder,
        parent: Slot,
        cmd: &'static str,
    ) -> Slot {
        let spec = self.shared_spec(("sh -c", cmd), |h| {
            ExecSpec::with_args(
                h.spec.distro.sh(),
                vec!["/bin/sh".into(), "-c".into(), cmd.into()],
            )
        });
        b.spawn_shared(parent, spec, Merge::Profile)
    }

    /// A short constant command (shared spec `key`) under `parent`, running `ms` milliseconds.
    pub(crate) fn quick_static(
        &mut self,
        b: &mut ScriptBuilder,
        parent: Slot,
        key: &'static str,
        args: &'static [&'static str],
        ms: i64,
    ) -> Slot {
        let spec = self.shared_spec(("exec", key), |_| ExecSpec::new(key, args));
        let s = b.spawn_shared(parent, spec, Merge::Profile);
        b.run_for(s, crate::time::Span::ms(ms));
        s
    }

    /// A short command under `parent` that runs for `ms` milliseconds and exits 0.
    pub(crate) fn quick(
        &self,
        b: &mut ScriptBuilder,
        parent: Slot,
        spec: ExecSpec,
        ms: i64,
    ) -> Slot {
        let s = b.spawn(parent, spec);
        b.run_for(s, crate::time::Span::ms(ms));
        s
    }

    /// A random lifetime in milliseconds, log-normal around `median_ms`.
    pub(crate) fn life_ms(&mut self, median_ms: f64) -> i64 {
        (median_ms * self.rng.lognormal(0.0, 0.7)).clamp(1.0, 3.6e6) as i64
    }
}
