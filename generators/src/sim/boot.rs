//! The processes a host is running when the generated period starts.
//!
//! systemd (pid 1) starts the system services a few seconds after boot; role services were started
//! at boot or restarted later (deploys, upgrades), so their pids and start times vary. Daemons' workers
//! are fork images of their master that switched to the service account. When the profile asks for it,
//! every live process is reported once with `event.action: already_running` at the start of the period,
//! parents first, so that every later `process.parent.entity_id` resolves to a reported process.

use std::collections::VecDeque;
use std::sync::Arc;

use super::activity::Activity;
use super::host_sim::{HostSim, Task};
use super::procs::ExecSpec;
use crate::event::{Body, ProcessActions, ProcessBody};
use crate::fleet::{Family, Role};
use crate::time::{Span, Timestamp};

/// Pids of the services activities hang off.
#[derive(Debug, Default)]
pub(crate) struct RoleState {
    /// crond.
    pub cron: u32,
    /// sshd listener.
    pub sshd: u32,
    /// The front web server's master (nginx, apache2, httpd, caddy, traefik), if any.
    pub web_master: Option<u32>,
    /// nginx workers.
    pub nginx_workers: Vec<u32>,
    /// The application master whose workers handle requests (php-fpm, gunicorn, uwsgi), if any.
    pub app_master: Option<u32>,
    /// Processes that handle requests and write files (php-fpm/apache children, gunicorn/uwsgi workers,
    /// the tomcat JVM, caddy, traefik).
    pub workers: Vec<u32>,
    /// PostgreSQL postmaster.
    pub postmaster: Option<u32>,
    /// The monitoring agent.
    pub monitor: u32,
    /// gitlab-runner.
    pub runner: Option<u32>,
    /// The developer's tmux server.
    pub tmux: Option<u32>,
    /// PHP session files created and not yet collected (creation time, path).
    pub sessions: VecDeque<(Timestamp, Arc<str>)>,
    /// nginx client-body temp file counter.
    pub body_seq: u64,
    /// WAL segment counter.
    pub wal_seq: u64,
}

impl HostSim {
    /// An exec spec running as `user`.
    pub(crate) fn as_user(&self, spec: ExecSpec, user: &str) -> ExecSpec {
        spec.user(self.spec.accounts.or_root(user))
    }

    fn service(&mut self, parent: u32, t: Timestamp, spec: ExecSpec) -> u32 {
        self.table
            .start_existing(Some(parent), None, t, &spec.daemon().cwd("/"))
            .pid
    }

    fn workers(&mut self, master: u32, n: usize, user: &str, t: Timestamp) -> Vec<u32> {
        let acct = self.spec.accounts.or_root(user);
        let mut out = Vec::with_capacity(n);
        for i in 0..n {
            let at = t.plus(Span::ms(40 + 3 * i as i64));
            if let Some(w) = self.table.fork(master, at) {
                self.table.set_user(w.pid, &acct);
                out.push(w.pid);
            }
        }
        out
    }

    /// Builds the initial process tree, reports it, and schedules the host's activities.
    pub(crate) fn boot(&mut self) {
        let spec = self.spec.clone();
        let d = spec.distro;
        let boot = spec.boot;
        let start = self.params.start;
        let uptime = (start.0 - boot.0).max(1);
        let at = |s: f64| boot.plus(Span::from_secs_f64(s));
        let init_args: &[&str] = match d.family {
            Family::Debian => &["/sbin/init"],
            Family::RedHat => &[
                "/usr/lib/systemd/systemd",
                "--switched-root",
                "--system",
                "--deserialize",
                "31",
            ],
        };
        self.table.start_existing(
            None,
            Some(1),
            at(0.4),
            &ExecSpec::new("/usr/lib/systemd/systemd", init_args).cwd("/"),
        );
        self.service(
            1,
            at(1.1),
            ExecSpec::new(
                "/usr/lib/systemd/systemd-journald",
                &["/usr/lib/systemd/systemd-journald"],
            ),
        );
        self.service(
            1,
            at(1.3),
            ExecSpec::new(
                "/usr/lib/systemd/systemd-udevd",
                &["/usr/lib/systemd/systemd-udevd"],
            ),
        );
        let dbus = ExecSpec::new(
            "/usr/bin/dbus-daemon",
            &[
                "@dbus-daemon",
                "--system",
                "--address=systemd:",
                "--nofork",
                "--nopidfile",
                "--systemd-activation",
                "--syslog-only",
            ],
        );
        let dbus = self.as_user(dbus, "messagebus");
        self.service(1, at(2.2), dbus);
        self.service(
            1,
            at(2.3),
            ExecSpec::new(
                "/usr/lib/systemd/systemd-logind",
                &["/usr/lib/systemd/systemd-logind"],
            ),
        );
        self.service(
            1,
            at(2.5),
            ExecSpec::new(
                "/usr/sbin/rsyslogd",
                &["/usr/sbin/rsyslogd", "-n", "-iNONE"],
            ),
        );
        let cron = match d.family {
            Family::Debian => ExecSpec::new(d.cron(), &["/usr/sbin/cron", "-f", "-P"]),
            Family::RedHat => ExecSpec::new(d.cron(), &["/usr/sbin/crond", "-n"]),
        };
        self.state.cron = self.service(1, at(2.6), cron);
        self.state.sshd = self.service(
            1,
            at(2.8),
            ExecSpec::new("/usr/sbin/sshd", &["/usr/sbin/sshd", "-D"]),
        );
        let agent = self.service(
            1,
            at(3.5),
            ExecSpec::new("/opt/Elastic/Agent/elastic-agent", &["elastic-agent"]),
        );
        let endpoint_start = boot
            .plus(Span((uptime as f64 * self.rng.unit() * 0.5) as i64))
            .max(at(9.0));
        self.service(
            agent,
            endpoint_start,
            ExecSpec::new(
                "/opt/Elastic/Endpoint/elastic-endpoint",
                &["/opt/Elastic/Endpoint/elastic-endpoint", "run"],
            ),
        );
        let telegraf = self.as_user(
            ExecSpec::new(
                "/usr/bin/telegraf",
                &[
                    "/usr/bin/telegraf",
                    "-config",
                    "/etc/telegraf/telegraf.conf",
                    "-config-directory",
                    "/etc/telegraf/telegraf.d",
                ],
            ),
            "telegraf",
        );
        self.state.monitor = self.service(1, at(4.0), telegraf);

        // Role services: started at boot, or restarted at some point since (deploys, upgrades).
        let restarted = |rng: &mut crate::rng::SimRng| -> Timestamp {
            if rng.chance(0.5) {
                at(5.0 + rng.unit() * 5.0)
            } else {
                boot.plus(Span((uptime as f64 * (0.2 + 0.79 * rng.unit())) as i64))
            }
        };
        let role_t = restarted(&mut self.rng);
        let web_user = spec.web_user();
        let nworkers = 2 + self.rng.below(6) as usize;
        match spec.role {
            Role::WebNginxPhp | Role::WebGunicorn | Role::WebUwsgi => {
                let master = self.service(
                    1,
                    role_t,
                    ExecSpec::new(
                        "/usr/sbin/nginx",
                        &["/usr/sbin/nginx", "-g", "daemon on; master_process on;"],
                    ),
                );
                self.state.web_master = Some(master);
                let nginx_user = d.nginx_user().0;
                let n = 2 + self.rng.below(3) as usize;
                self.state.nginx_workers = self.workers(master, n, nginx_user, role_t);
                let app_t = restarted(&mut self.rng);
                let (app, user) = match spec.role {
                    Role::WebNginxPhp => (
                        ExecSpec::with_args(
                            &d.php_fpm(),
                            vec![
                                d.php_fpm(),
                                "--nodaemonize".into(),
                                "--fpm-config".into(),
                                d.php_fpm_conf(),
                            ],
                        ),
                        "root",
                    ),
                    Role::WebGunicorn => (
                        ExecSpec::new(
                            "/srv/app/venv/bin/gunicorn",
                            &[
                                "/srv/app/venv/bin/python3",
                                "/srv/app/venv/bin/gunicorn",
                                "--workers",
                                "4",
                                "--bind",
                                "unix:/run/gunicorn.sock",
                                "shop.wsgi:application",
                            ],
                        )
                        .cwd("/srv/app"),
                        "app",
                    ),
                    _ => (
                        ExecSpec::new(
                            "/usr/bin/uwsgi",
                            &["/usr/bin/uwsgi", "--ini", "/etc/uwsgi/apps-enabled/app.ini"],
                        ),
                        web_user,
                    ),
                };
                let app = self.as_user(app, user);
                let m = self
                    .table
                    .start_existing(Some(1), None, app_t, &app.daemon())
                    .pid;
                self.state.app_master = Some(m);
                self.state.workers = self.workers(m, nworkers, web_user, app_t);
            }
            Role::WebApachePhp | Role::WebHttpdPhp => {
                let (exe, args): (&str, &[&str]) = if spec.role == Role::WebApachePhp {
                    ("/usr/sbin/apache2", &["/usr/sbin/apache2", "-k", "start"])
                } else {
                    ("/usr/sbin/httpd", &["/usr/sbin/httpd", "-DFOREGROUND"])
                };
                let master = self.service(1, role_t, ExecSpec::new(exe, args));
                self.state.web_master = Some(master);
                if spec.role == Role::WebApachePhp {
                    self.state.workers = self.workers(master, nworkers, web_user, role_t);
                } else {
                    self.workers(master, 3, web_user, role_t);
                    let app_t = restarted(&mut self.rng);
                    let fpm = ExecSpec::with_args(
                        &d.php_fpm(),
                        vec![
                            d.php_fpm(),
                            "--nodaemonize".into(),
                            "--fpm-config".into(),
                            d.php_fpm_conf(),
                        ],
                    );
                    let m = self.service(1, app_t, fpm);
                    self.state.app_master = Some(m);
                    self.state.workers = self.workers(m, nworkers, web_user, app_t);
                }
            }
            Role::WebTomcat => {
                let java = match d.family {
                    Family::Debian => "/usr/lib/jvm/java-17-openjdk-amd64/bin/java",
                    Family::RedHat => "/usr/lib/jvm/java-17-openjdk/bin/java",
                };
                let spec_j = ExecSpec::new(
                    java,
                    &[
                        java,
                        "-Djava.util.logging.config.file=/opt/tomcat/conf/logging.properties",
                        "-Djava.util.logging.manager=org.apache.juli.ClassLoaderLogManager",
                        "-Xms512m",
                        "-Xmx2048m",
                        "-classpath",
                        "/opt/tomcat/bin/bootstrap.jar:/opt/tomcat/bin/tomcat-juli.jar",
                        "-Dcatalina.base=/opt/tomcat",
                        "-Dcatalina.home=/opt/tomcat",
                        "-Djava.io.tmpdir=/opt/tomcat/temp",
                        "org.apache.catalina.startup.Bootstrap",
                        "start",
                    ],
                );
                let j = self.as_user(spec_j, "tomcat").cwd("/opt/tomcat");
                let pid = self
                    .table
                    .start_existing(Some(1), None, role_t, &j.daemon())
                    .pid;
                self.state.web_master = Some(pid);
                self.state.workers = vec![pid];
            }
            Role::WebCaddy => {
                let c = self.as_user(
                    ExecSpec::new(
                        "/usr/bin/caddy",
                        &[
                            "/usr/bin/caddy",
                            "run",
                            "--environ",
                            "--config",
                            "/etc/caddy/Caddyfile",
                        ],
                    ),
                    "caddy",
                );
                let pid = self.service(1, role_t, c);
                self.state.web_master = Some(pid);
                self.state.workers = vec![pid];
            }
            Role::WebTraefik => {
                let c = self.as_user(
                    ExecSpec::new(
                        "/usr/local/bin/traefik",
                        &[
                            "/usr/local/bin/traefik",
                            "--configFile=/etc/traefik/traefik.yml",
                        ],
                    ),
                    "traefik",
                );
                let pid = self.service(1, role_t, c);
                self.state.web_master = Some(pid);
                self.state.workers = vec![pid];
            }
            Role::Database => {
                let pg = match d.family {
                    Family::Debian => ExecSpec::new(
                        "/usr/lib/postgresql/16/bin/postgres",
                        &[
                            "/usr/lib/postgresql/16/bin/postgres",
                            "-D",
                            "/var/lib/postgresql/16/main",
                            "-c",
                            "config_file=/etc/postgresql/16/main/postgresql.conf",
                        ],
                    ),
                    Family::RedHat => ExecSpec::new(
                        "/usr/bin/postgres",
                        &["/usr/bin/postgres", "-D", "/var/lib/pgsql/data"],
                    ),
                };
                let pg = self.as_user(pg, "postgres");
                let pm = self.service(1, role_t, pg);
                self.state.postmaster = Some(pm);
                for i in 0..5 {
                    self.table.fork(pm, role_t.plus(Span::ms(30 + i)));
                }
            }
            Role::CiRunner => {
                self.service(
                    1,
                    role_t,
                    ExecSpec::new("/usr/bin/containerd", &["/usr/bin/containerd"]),
                );
                self.service(
                    1,
                    role_t.plus(Span::secs(1)),
                    ExecSpec::new(
                        "/usr/bin/dockerd",
                        &[
                            "/usr/bin/dockerd",
                            "-H",
                            "fd://",
                            "--containerd=/run/containerd/containerd.sock",
                        ],
                    ),
                );
                let r = ExecSpec::new(
                    "/usr/bin/gitlab-runner",
                    &[
                        "/usr/bin/gitlab-runner",
                        "run",
                        "--working-directory",
                        "/home/gitlab-runner",
                        "--config",
                        "/etc/gitlab-runner/config.toml",
                        "--service",
                        "gitlab-runner",
                        "--user",
                        "gitlab-runner",
                    ],
                );
                self.state.runner = Some(self.service(1, role_t.plus(Span::secs(2)), r));
            }
            Role::DevWorkstation => {
                let owner = spec.owner.unwrap_or("jlee");
                let user_sd = self.as_user(
                    ExecSpec::new(
                        "/usr/lib/systemd/systemd",
                        &["/usr/lib/systemd/systemd", "--user"],
                    ),
                    owner,
                );
                let sd = self.service(1, role_t, user_sd);
                let tmux = self.as_user(
                    ExecSpec::new(
                        "/usr/bin/tmux",
                        &["tmux", "new-session", "-d", "-s", "work"],
                    ),
                    owner,
                );
                let t = self.table.start_existing(
                    Some(sd),
                    None,
                    role_t.plus(Span::secs(30)),
                    &tmux.daemon().cwd(&format!("/home/{owner}")),
                );
                self.state.tmux = Some(t.pid);
            }
            Role::Bastion => {}
        }

        if self.params.already_running {
            self.report_running(start);
        }
        self.schedule_activities(start);
    }

    fn report_running(&mut self, start: Timestamp) {
        let mut order = Vec::with_capacity(self.table.len());
        let mut stack = vec![1u32];
        while let Some(pid) = stack.pop() {
            order.push(pid);
            if let Some(e) = self.table.get(pid) {
                let mut kids = e.children.clone();
                kids.sort_unstable_by(|a, b| b.cmp(a));
                stack.extend(kids);
            }
        }
        for (i, pid) in order.into_iter().enumerate() {
            if let Some(p) = self.table.image(pid) {
                let body = ProcessBody {
                    actions: ProcessActions::ALREADY_RUNNING,
                    process: p,
                    end: None,
                };
                self.emit(start.plus(Span(i as i64 * 1000)), Body::Process(body), None);
            }
        }
    }

    fn schedule_activities(&mut self, start: Timestamp) {
        let role = self.spec.role;
        let mut list = vec![
            Activity::CronJobs,
            Activity::Monitoring,
            Activity::AdminSession,
            Activity::DailyMaintenance,
            Activity::PackageUpdate,
        ];
        if self.spec.backup_script.is_some() {
            list.push(Activity::Backup);
        }
        if !self.state.workers.is_empty() {
            list.push(Activity::WebTraffic);
            list.push(Activity::WorkerRecycle);
            list.push(Activity::WebAppExec);
        }
        if matches!(
            role,
            Role::WebNginxPhp | Role::WebApachePhp | Role::WebHttpdPhp
        ) {
            list.push(Activity::SessionClean);
        }
        match role {
            Role::Database => list.push(Activity::Postgres),
            Role::DevWorkstation => list.push(Activity::DevSession),
            Role::CiRunner => list.push(Activity::CiJob),
            Role::Bastion => list.push(Activity::Transfer),
            _ => {}
        }
        for a in list {
            // Stagger the first run so hosts do not act in lockstep.
            let first = start.plus(Span::from_secs_f64(self.rng.unit() * 60.0));
            self.schedule(first, Task::Activity(a));
        }
    }
}
